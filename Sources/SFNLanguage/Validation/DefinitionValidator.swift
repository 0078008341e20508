import SFNJSON

/// The entry point that runs a definition through every check AWS's
/// ValidateStateMachineDefinition makes, without keeping the compiled model.
///
/// Callers that go on to run the definition (the runtime, `sfn validate`) call this first and
/// refuse the definition when `isValid` is false. It is the same pass as `StateMachine.parse`,
/// so a definition that validates cleanly always parses, and the other way round.
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
