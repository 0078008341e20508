import SFNJSON

/// Every check AWS's ValidateStateMachineDefinition makes, for callers that only want the report
/// (`sfn validate`, the server's ValidateStateMachineDefinition).
///
/// It is the same single pass as ``StateMachine/parse(_:)``, which also returns the model:
/// callers that go on to run a definition call `parse` (or ``StateMachine/check(_:)``) once and
/// hand the model to the runtime, so a definition is read once.
public enum DefinitionValidator {
    /// Every problem in a definition, in the order AWS reports them.
    public static func validate(_ definition: JSON) -> ValidationReport {
        StateMachine.validate(definition)
    }

    /// Validates definition text. Unreadable JSON gives one `INVALID_JSON_DESCRIPTION` diagnostic
    /// carrying the line and column of the problem; empty text gives `MISSING_DESCRIPTION`.
    public static func validate(text: String) -> ValidationReport {
        StateMachine.validate(text: text)
    }
}
