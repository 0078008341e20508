import SFNJSON

/// A stable diagnostic code; AWS's own code wherever ValidateStateMachineDefinition has one.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The code as AWS spells it.
    public var rawValue: String
    /// A code (AWS adds new ones; any spelling is a code).
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The code.
    public var description: String { rawValue }

    /// The text is not JSON.
    public static let invalidJSONDescription = DiagnosticCode(rawValue: "INVALID_JSON_DESCRIPTION")
    /// The definition is empty.
    public static let missingDescription = DiagnosticCode(rawValue: "MISSING_DESCRIPTION")
    /// A field is missing, unknown, of the wrong type or out of range.
    public static let schemaValidationFailed = DiagnosticCode(rawValue: "SCHEMA_VALIDATION_FAILED")
    /// A Task's Resource is not an ARN.
    public static let invalidResource = DiagnosticCode(rawValue: "INVALID_RESOURCE")
    /// No state ends the machine.
    public static let missingEndState = DiagnosticCode(rawValue: "MISSING_END_STATE")
    /// Two states share a name.
    public static let duplicateStateName = DiagnosticCode(rawValue: "DUPLICATE_STATE_NAME")
    /// A state name is empty, too long or has control characters.
    public static let invalidStateName = DiagnosticCode(rawValue: "INVALID_STATE_NAME")
    /// Two Map states share a Label.
    public static let duplicateLabelName = DiagnosticCode(rawValue: "DUPLICATE_LABEL_NAME")
    /// A Map Label has characters AWS refuses.
    public static let invalidLabelName = DiagnosticCode(rawValue: "INVALID_LABEL_NAME")
    /// A Next, Default or StartAt names no state.
    public static let missingTransitionTarget = DiagnosticCode(rawValue: "MISSING_TRANSITION_TARGET")
    /// Branches and item processors nest too deeply.
    public static let tooDeeplyNested = DiagnosticCode(rawValue: "TOO_DEEPLY_NESTED")
    /// A `{% %}` string is not valid JSONata.
    public static let invalidJSONataExpression = DiagnosticCode(rawValue: "INVALID_JSONATA_EXPRESSION")
    /// A JSONata expression reads something Step Functions forbids (`$$`, `$eval`...).
    public static let unsupportedJSONataExpression = DiagnosticCode(rawValue: "UNSUPPORTED_JSONATA_EXPRESSION")

    // Warnings.
    /// Warning: a field ending in `.$` has no path.
    public static let noDollar = DiagnosticCode(rawValue: "NO_DOLLAR")
    /// Warning: a plain field holds what looks like a path.
    public static let noPath = DiagnosticCode(rawValue: "NO_PATH")
    /// Warning: a Pass Result holds a path that will not be evaluated.
    public static let passResultIsStatic = DiagnosticCode(rawValue: "PASS_RESULT_IS_STATIC")
}

/// One problem found in a definition, shaped like AWS's ValidateStateMachineDefinitionDiagnostic.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// An error refuses the definition; a warning does not.
    public enum Severity: String, Sendable, Hashable {
        case error = "ERROR"
        case warning = "WARNING"
    }

    /// Whether this refuses the definition.
    public var severity: Severity
    /// AWS's code.
    public var code: DiagnosticCode
    /// What is wrong, in words.
    public var message: String
    /// The offending value (or the object missing a field).
    public var pointer: JSONPointer
    /// Line and column in the source text, for problems found while reading the text itself.
    public var line: Int?
    /// The column in the file, when known.
    public var column: Int?
    /// For a bad expression inside a `{% %}` string: the character offset of the problem within the
    /// expression, so a report can point at the character itself.
    public var expressionOffset: Int?
    /// False for problems AWS reports without a location (no terminal state, text that is not a
    /// JSON object); `pointer` is then the root.
    public var isLocated: Bool

    /// A diagnostic of `code` at `pointer`.
    public init(
        _ code: DiagnosticCode, _ message: String, at pointer: JSONPointer, severity: Severity = .error,
        line: Int? = nil, column: Int? = nil, isLocated: Bool = true
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.pointer = pointer
        self.line = line
        self.column = column
        self.isLocated = isLocated
    }

    /// The pointer in AWS's location style: array indexes in brackets
    /// (`/States/Check/Choices[0]/Next`), `/` for the definition itself, empty when AWS gives
    /// none (see `isLocated`).
    public var location: String {
        guard isLocated else { return "" }
        let text = Self.awsLocation(of: pointer)
        return text.isEmpty ? "/" : text
    }

    /// `CODE: message at /location`, as AWS words a rejected definition (`at null` when the
    /// problem has no location, as AWS prints it).
    public var description: String { "\(code.rawValue): \(message) at \(isLocated ? location : "null")" }

    /// A pointer as AWS writes locations: `/States/A/Choices[0]/Next`.
    public static func awsLocation(of pointer: JSONPointer) -> String {
        var text = ""
        for token in pointer.tokens {
            switch token {
            case .key(let key): text += "/" + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}

/// Everything validation found; the definition is usable when there are no errors.
public struct ValidationReport: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every diagnostic, in the order AWS reports them.
    public var diagnostics: [Diagnostic]

    /// A report of the given diagnostics.
    public init(diagnostics: [Diagnostic] = []) { self.diagnostics = diagnostics }

    /// The diagnostics that refuse the definition.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    /// Whether no diagnostic is an error.
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }
    /// One diagnostic a line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

// MARK: - Catalogue

/// Every diagnostic the parser and validator can produce, worded in one place.
extension Diagnostic {
    static func invalidJSON(_ error: JSONParseError) -> Diagnostic {
        Diagnostic(
            .invalidJSONDescription, "Invalid JSON: \(error.message) (line \(error.line), column \(error.column))",
            at: .root, line: error.line, column: error.column, isLocated: false)
    }

    /// Blank text, or JSON that is not an object: AWS reports both this way, without a location.
    static func notAJSONObject() -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Definition must be a valid JSON object", at: .root, isLocated: false)
    }

    static func requiredFields(_ names: [String], at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "These fields are required: [\(names.joined(separator: ", "))]", at: pointer)
    }

    static func unsupportedField(_ name: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Field '\(name)' is not supported", at: pointer)
    }

    static func fieldNotInLanguage(_ name: String, language: QueryLanguage, at pointer: JSONPointer) -> Diagnostic {
        let other: QueryLanguage = language == .jsonPath ? .jsonata : .jsonPath
        return Diagnostic(
            .schemaValidationFailed,
            "The QueryLanguage is set to '\(language.rawValue)', but field '\(name)' is only supported for the "
                + "'\(other.rawValue)' QueryLanguage",
            at: pointer)
    }

    static func queryLanguageDowngrade(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
            at: pointer)
    }

    static func queryLanguageNotInEnum(at pointer: JSONPointer) -> Diagnostic {
        valueNotOneOf(["JSONPath", "JSONata"], at: pointer)
    }

    static func wrongType(_ name: String, expected: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Field '\(name)' must be \(expected)", at: pointer)
    }

    static func valueNotAllowed(_ name: String, value: JSON, allowed: [String], at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed,
            "Field '\(name)' has value \(value.compactText) which is not one of [\(allowed.joined(separator: ", "))]",
            at: pointer)
    }

    static func valueNotOneOf(_ allowed: [String], at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Value should be one of the following: [\(allowed.joined(separator: ", "))]", at: pointer)
    }

    static func expectedString(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Expected value of type [STRING]", at: pointer)
    }

    static func outOfRange(_ name: String, requirement: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Field '\(name)' must be \(requirement)", at: pointer)
    }

    static func exclusiveFields(_ names: [String], at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed, "Only one of these fields may be given: [\(names.joined(separator: ", "))]",
            at: pointer)
    }

    static func requiredOneOf(_ names: [String], at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed, "At least one of these fields is required: [\(names.joined(separator: ", "))]",
            at: pointer)
    }

    static func exactlyOneOf(_ names: [String], at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed, "Exactly one of these fields is required: [\(names.joined(separator: ", "))]",
            at: pointer)
    }

    static func nextOrEnd(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "A state must have either 'Next' or \"End\": true, but not both", at: pointer)
    }

    static func endMustBeTrue(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Field 'End' must be true when given", at: pointer)
    }

    static func unknownStateType(_ value: JSON, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed,
            "Field 'Type' has value \(value.compactText), which is not a valid state type "
                + "(Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map)",
            at: pointer)
    }

    static func invalidPath(_ field: String, kind: String, reason: ExpressionSyntaxError, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed, "The value for the field '\(field)' must be a valid \(kind): \(reason.message)",
            at: pointer)
    }

    static func invalidTemplate(_ field: String, reason: ExpressionSyntaxError, at pointer: JSONPointer) -> Diagnostic {
        let key = pointer.tokens.last.flatMap { token -> String? in if case .key(let key) = token { key } else { nil } }
        let name = key ?? field
        return Diagnostic(
            .schemaValidationFailed,
            "The value for the field '\(name)' must be a valid JSONPath or a valid intrinsic function call: \(reason.message)",
            at: pointer)
    }

    static func invalidChoiceRule(reason: ExpressionSyntaxError, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Invalid choice rule: \(reason.message)", at: pointer)
    }

    static func invalidJSONata(_ field: String, reason: ExpressionSyntaxError, at pointer: JSONPointer) -> Diagnostic {
        var diagnostic = Diagnostic(.invalidJSONataExpression, reason.message, at: pointer)
        diagnostic.expressionOffset = reason.position
        return diagnostic
    }

    static func rootContextReference(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.unsupportedJSONataExpression, "Reference to '$$' is not supported.", at: pointer)
    }

    static func errorOutputOutsideCatch(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.unsupportedJSONataExpression, "Field '$states.errorOutput' does not exist.", at: pointer)
    }

    static func expectedJSONataExpression(_ field: String, expected: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed, "Field '\(field)' must be \(expected) or a JSONata expression string '{% ... %}'",
            at: pointer)
    }

    static func invalidTimestamp(_ text: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed, "Field 'Timestamp' has value '\(text)', which is not an RFC 3339 timestamp",
            at: pointer)
    }

    static func emptyErrorEquals(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Field 'ErrorEquals' must name at least one error", at: pointer)
    }

    /// One wording for both rules (alone in its list, in the last retrier or catcher), located at
    /// the `States.ALL` entry, as AWS reports it.
    static func statesAllMisplaced(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "States.ALL must appear alone and at end of list", at: pointer)
    }

    static func emptyArray(_ field: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Field '\(field)' must not be empty", at: pointer)
    }

    static func emptyStates(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Field 'States' must contain at least one state", at: pointer)
    }

    /// AWS answers a Resource that is not an ARN with a schema error, not INVALID_RESOURCE.
    static func invalidResource(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "Value is not a valid resource ARN", at: pointer)
    }

    static func resourceNotAllowed(_ examples: [String], at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed,
            "The field 'Resource' does not match any of the allowed values: [\(examples.joined(separator: ", "))]",
            at: pointer)
    }

    static func heartbeatNotBelowTimeout(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.schemaValidationFailed, "'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'", at: pointer)
    }

    /// AWS words every dangling target (StartAt, Next, Default, a catcher's Next) as a 'Next' one;
    /// the location tells them apart.
    static func missingTarget(_ name: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.missingTransitionTarget, "Missing 'Next' target: \(name)", at: pointer)
    }

    static func unreachableState(_ name: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.missingTransitionTarget, "State \"\(name)\" is not reachable.", at: pointer)
    }

    static func noTerminalState() -> Diagnostic {
        Diagnostic(.missingEndState, "Workflow has no terminal state", at: .root, isLocated: false)
    }

    static func stateNameTooLong(_ name: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .invalidStateName, "State name '\(name)' is longer than \(StateNameRules.maximumLength) characters",
            at: pointer)
    }

    static func stateNameInvalidCharacters(_ name: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.invalidStateName, "State name '\(name)' contains control characters", at: pointer)
    }

    static func emptyStateName(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.invalidStateName, "State names must not be empty", at: pointer)
    }

    static func duplicateStateName(_ name: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.duplicateStateName, "Duplicate State name: \(name)", at: pointer)
    }

    static func invalidLabel(_ label: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .invalidLabelName,
            "Label '\(label)' must be 1 to \(StateNameRules.maximumLabelLength) characters without whitespace, "
                + "brackets, wildcards, special or control characters",
            at: pointer)
    }

    static func duplicateLabel(_ label: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(.duplicateLabelName, "Duplicate Label name: \(label)", at: pointer)
    }

    static func invalidVariableName(_ name: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .schemaValidationFailed,
            "'\(name)' is not a valid variable name: use up to \(VariableNameRules.maximumLength) letters, digits "
                + "and underscores, starting with a letter or underscore ('states' is reserved)",
            at: pointer)
    }

    static func tooDeeplyNested(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .tooDeeplyNested, "States are nested more than \(StateNameRules.maximumNesting) levels deep", at: pointer)
    }
}

// MARK: Warnings

extension Diagnostic {
    static func noDollar(_ key: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .noDollar,
            "The value of field '\(key)' looks like a path or an intrinsic function, but the field name does not end "
                + "with '.$', so it is used as literal text",
            at: pointer, severity: .warning)
    }

    static func noPath(_ field: String, at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .noPath,
            "The value of field '\(field)' looks like a path, but the field name does not end with 'Path', so it is "
                + "used as literal text",
            at: pointer, severity: .warning)
    }

    static func passResultIsStatic(at pointer: JSONPointer) -> Diagnostic {
        Diagnostic(
            .passResultIsStatic,
            "A Pass state's 'Result' is used as written: paths and intrinsic functions in it are not evaluated "
                + "(use 'Parameters' for that)",
            at: pointer, severity: .warning)
    }
}

enum StateNameRules {
    static let maximumLength = 80
    static let maximumLabelLength = 40
    static let maximumNesting = 100
}
