import SFNJSON

extension StateMachine {
    /// Parses and validates a definition. Throws a report holding every problem found (not only
    /// the first); returns the compiled model when there is none.
    public static func parse(_ definition: JSON) throws(ValidationReport) -> StateMachine {
        let (machine, report) = check(definition)
        guard let machine else { throw report }
        return machine
    }

    /// The model (when the definition has no errors) together with every diagnostic, warnings
    /// included.
    public static func check(_ definition: JSON) -> (machine: StateMachine?, report: ValidationReport) {
        var parser = DefinitionParser()
        let machine = parser.topLevel(definition)
        let report = ValidationReport(diagnostics: parser.diagnostics)
        return (report.isValid ? machine : nil, report)
    }

    /// Parses definition text: unreadable JSON is reported as `INVALID_JSON_DESCRIPTION` with the
    /// line and column of the problem.
    public static func parse(text: String) throws(ValidationReport) -> StateMachine {
        try parse(try readDefinition(text))
    }

    /// Every problem in a definition, like AWS's ValidateStateMachineDefinition.
    public static func validate(_ definition: JSON) -> ValidationReport {
        var parser = DefinitionParser()
        _ = parser.topLevel(definition)
        return ValidationReport(diagnostics: parser.diagnostics)
    }

    /// Every problem in definition text; unreadable JSON is INVALID_JSON_DESCRIPTION with its line and column.
    public static func validate(text: String) -> ValidationReport {
        do {
            return validate(try readDefinition(text))
        } catch {
            return error
        }
    }

    private static func readDefinition(_ text: String) throws(ValidationReport) -> JSON {
        if text.allSatisfy(\.isWhitespace) {
            throw ValidationReport(diagnostics: [.notAJSONObject()])
        }
        do {
            return try JSON(parsing: text)
        } catch {
            throw ValidationReport(diagnostics: [.invalidJSON(error)])
        }
    }
}

/// Builds the model from definition JSON while collecting diagnostics; parsing goes on past
/// problems so one pass reports them all.
///
/// This file holds the machine and the parts every state shares (Type, QueryLanguage, the field
/// table, Next/End, the data-flow fields); each state type's own fields are read by its rule in
/// `Rules/`, and the field readers they share are in `Rules/Fields.swift`.
struct DefinitionParser {
    var diagnostics: [Diagnostic] = []
    /// Every state name seen anywhere in the definition: AWS wants them unique machine-wide.
    var stateNames: [String: JSONPointer] = [:]
    var labels: Set<String> = []
    /// The top-level machine's language. States inside branches and item processors inherit
    /// it, not the language of the Parallel or Map around them (as AWS validates them).
    var machineLanguage = QueryLanguage.jsonPath

    enum Scope {
        case topLevel
        case branch
        case itemProcessor
    }

    mutating func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    func hasErrors(since start: Int) -> Bool {
        diagnostics[start...].contains { $0.severity == .error }
    }

    mutating func topLevel(_ definition: JSON) -> StateMachine? {
        guard case .object(let fields) = definition else {
            report(.notAJSONObject())
            return nil
        }
        var language = QueryLanguage.jsonPath
        if let value = fields["QueryLanguage"] {
            let (resolved, problem) = resolveLanguage(value, at: .root / "QueryLanguage")
            language = resolved
            if let problem { report(problem) }
        }
        machineLanguage = language
        return machine(fields, at: .root, language: language, scope: .topLevel, depth: 0)
    }

    // MARK: Machines

    mutating func machine(
        _ fields: JSONObject, at pointer: JSONPointer, language: QueryLanguage, scope: Scope, depth: Int
    ) -> StateMachine? {
        guard depth <= StateNameRules.maximumNesting else {
            report(.tooDeeplyNested(at: pointer))
            return nil
        }
        let allowedFields: Set<String> =
            switch scope {
            case .topLevel: FieldTable.topLevelFields
            case .branch: FieldTable.branchFields
            case .itemProcessor: FieldTable.processorFields
            }
        for key in fields.keys where !allowedFields.contains(key) { report(.unsupportedField(key, at: pointer)) }
        let missing = ["States", "StartAt"].filter { fields[$0] == nil }
        if !missing.isEmpty { report(.requiredFields(missing, at: pointer)) }

        let comment = string(fields, "Comment", at: pointer)
        let startAt = string(fields, "StartAt", at: pointer)
        let version = scope == .topLevel ? string(fields, "Version", at: pointer) : nil
        var timeoutSeconds: Int?
        if scope == .topLevel, let value = fields["TimeoutSeconds"] {
            timeoutSeconds = integer(value, "TimeoutSeconds", at: pointer / "TimeoutSeconds", minimum: 1, maximum: 99_999_999)
        }

        var states: [State] = []
        if let statesValue = fields["States"] {
            let statesPointer = pointer / "States"
            if case .object(let members) = statesValue {
                if members.isEmpty { report(.emptyStates(at: statesPointer)) }
                for (name, value) in members {
                    let statePointer = statesPointer / name
                    checkStateName(name, at: statePointer)
                    if let state = state(name, value, at: statePointer, inherited: language, depth: depth) {
                        states.append(state)
                    }
                }
            } else {
                report(.wrongType("States", expected: "an object", at: statesPointer))
            }
        }

        let model = StateMachine(
            comment: comment, startAt: startAt ?? "", states: states, timeoutSeconds: timeoutSeconds,
            version: version, queryLanguage: language, pointer: pointer)
        if let startAt, case .object(let members)? = fields["States"], !members.isEmpty {
            var found: [Diagnostic] = []
            GraphCheck.check(members, startAt: startAt, machinePointer: pointer, isTopLevel: scope == .topLevel) {
                found.append($0)
            }
            diagnostics += found
        }
        return model
    }

    private mutating func checkStateName(_ name: String, at pointer: JSONPointer) {
        if name.isEmpty {
            report(.emptyStateName(at: pointer))
        } else if name.count > StateNameRules.maximumLength {
            report(.stateNameTooLong(name, at: pointer))
        } else if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            report(.stateNameInvalidCharacters(name, at: pointer))
        }
        if stateNames[name] != nil {
            report(.duplicateStateName(name, at: pointer))
        } else {
            stateNames[name] = pointer
        }
    }

    // MARK: States

    private mutating func state(
        _ name: String, _ value: JSON, at pointer: JSONPointer, inherited: QueryLanguage, depth: Int
    ) -> State? {
        guard case .object(let fields) = value else {
            report(.wrongType(name, expected: "an object (a state)", at: pointer))
            return nil
        }
        guard let typeValue = fields["Type"] else {
            report(.requiredFields(["Type"], at: pointer))
            return nil
        }
        guard case .string(let type) = typeValue, FieldTable.stateTypes.contains(type) else {
            report(.unknownStateType(typeValue, at: pointer / "Type"))
            return nil
        }
        var language = inherited
        var languageProblem: Diagnostic?
        var isDowngrade = false
        if let value = fields["QueryLanguage"] {
            (language, languageProblem) = resolveLanguage(value, at: pointer / "QueryLanguage")
            isDowngrade = language == .jsonPath && machineLanguage == .jsonata
        }
        // AWS's whole answer for a downgraded state: the other-language fields it carries are
        // not reported on top of it (they are still left unread).
        if isDowngrade { report(.queryLanguageDowngrade(at: pointer)) }

        // Only fields the type and language allow are read further, so each problem is told once.
        var usable = JSONObject()
        for (key, member) in fields {
            if !FieldTable.allows(key, onType: type) {
                report(.unsupportedField(key, at: pointer))
            } else if !FieldTable.belongs(key, to: language) {
                if !isDowngrade { report(.fieldNotInLanguage(key, language: language, at: pointer)) }
            } else {
                usable[key] = member
            }
        }
        if let languageProblem { report(languageProblem) }
        var reader = FieldReader(fields: usable, pointer: pointer, language: language)
        let before = diagnostics.count

        let transition = self.transition(type: type, reader: reader)
        let kind: StateKind?
        switch type {
        case "Pass":
            if let result = usable["Result"] {
                var warnings: [Diagnostic] = []
                LiteralPathWarnings.checkPassResult(result, at: pointer / "Result") { warnings.append($0) }
                diagnostics += warnings
            }
            kind = .pass(PassState(result: usable["Result"]))
        case "Succeed": kind = .succeed
        case "Task": kind = task(&reader)
        case "Choice": kind = choice(&reader)
        case "Wait": kind = wait(&reader)
        case "Fail": kind = fail(&reader)
        case "Parallel": kind = parallel(&reader, depth: depth)
        default: kind = map(&reader, depth: depth)
        }

        var state = State(name: name, pointer: pointer, queryLanguage: language, kind: kind ?? .succeed)
        state.comment = string(usable, "Comment", at: pointer)
        state.transition = transition
        switch language {
        case .jsonPath:
            var flow = JSONPathFlow()
            flow.inputPath = pathSelection(&reader, "InputPath")
            flow.outputPath = pathSelection(&reader, "OutputPath")
            if type != "Map" { flow.parameters = payloadTemplate(&reader, "Parameters") }
            flow.resultSelector = payloadTemplate(&reader, "ResultSelector")
            flow.resultPath = resultPlacement(usable["ResultPath"], at: pointer / "ResultPath")
            state.flow = .jsonPath(flow)
            // `$$` and intrinsic calls can only appear in a path or a template's string.
            let text = value.compactText
            state.readsContext = text.contains("$$")
            state.drawsRandom = text.contains("States.UUID")
        case .jsonata:
            state.flow = .jsonata(JSONataFlow(arguments: jsonata(&reader, "Arguments"), output: jsonata(&reader, "Output")))
            let text = value.compactText
            state.readsContext = Self.jsonataMayReadContext(text)
            state.drawsRandom = text.contains("$random") || text.contains("$uuid") || text.contains("$eval")
        }
        state.assign = assignment(usable["Assign"], field: "Assign", at: pointer / "Assign", language: language)
        state.retry = retriers(usable["Retry"], at: pointer / "Retry")
        state.catch = catchers(usable["Catch"], at: pointer / "Catch", language: language)
        diagnostics += reader.diagnostics
        guard kind != nil, !hasErrors(since: before) else { return nil }
        return state
    }

    private mutating func transition(type: String, reader: FieldReader) -> Transition? {
        switch type {
        case "Choice", "Succeed", "Fail": return nil
        default: break
        }
        let pointer = reader.pointer
        let next = reader.fields["Next"]
        let end = reader.fields["End"]
        switch (next, end) {
        case (.string(let target)?, nil), (.string(let target)?, .bool(false)?):
            return .next(target)
        case (nil, .bool(true)?):
            return .end
        case (.some(let value), nil) where value.stringValue == nil:
            report(.wrongType("Next", expected: "a string", at: pointer / "Next"))
        case (nil, .some(let value)) where value.boolValue == nil:
            report(.wrongType("End", expected: "a boolean", at: pointer / "End"))
        case (nil, .bool(false)?):
            report(.endMustBeTrue(at: pointer / "End"))
        default:
            report(.nextOrEnd(at: pointer))
        }
        return nil
    }
}

extension DefinitionParser {
    /// Whether a JSONata state's expressions may read `$states.context`, so the runtime builds
    /// it (an object with an ISO timestamp) only then. Conservative: any mention of `context`,
    /// `$eval` (which could spell it at run time), or `$states` used other than through
    /// `.input`, `.result` or `.errorOutput` (passed whole, a wildcard, a dynamic key) counts.
    static func jsonataMayReadContext(_ text: String) -> Bool {
        if text.contains("context") || text.contains("$eval") { return true }
        var rest = Substring(text)
        while let found = rest.range(of: "$states") {
            let after = rest[found.upperBound...]
            if !(after.hasPrefix(".input") || after.hasPrefix(".result") || after.hasPrefix(".errorOutput")) { return true }
            rest = after
        }
        return false
    }
}
