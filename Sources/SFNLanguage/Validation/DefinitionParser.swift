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
struct DefinitionParser {
    private(set) var diagnostics: [Diagnostic] = []
    /// Every state name seen anywhere in the definition: AWS wants them unique machine-wide.
    private var stateNames: [String: JSONPointer] = [:]
    private var labels: Set<String> = []
    /// The top-level machine's language. States inside branches and item processors inherit
    /// it, not the language of the Parallel or Map around them (as AWS validates them).
    private var machineLanguage = QueryLanguage.jsonPath

    enum Scope {
        case topLevel
        case branch
        case itemProcessor
    }

    private mutating func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    private func hasErrors(since start: Int) -> Bool {
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

    private mutating func machine(
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
        state.inputPath = pathSelection(&reader, "InputPath")
        state.outputPath = pathSelection(&reader, "OutputPath")
        if type != "Map" { state.parameters = payloadTemplate(&reader, "Parameters") }
        state.resultSelector = payloadTemplate(&reader, "ResultSelector")
        state.resultPath = resultPlacement(usable["ResultPath"], at: pointer / "ResultPath")
        state.assign = assignment(usable["Assign"], at: pointer / "Assign", language: language)
        state.arguments = jsonata(&reader, "Arguments")
        state.output = jsonata(&reader, "Output")
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

    private mutating func task(_ reader: inout FieldReader) -> StateKind? {
        let pointer = reader.pointer
        guard let resourceValue = reader.fields["Resource"] else {
            report(.requiredFields(["Resource"], at: pointer))
            return nil
        }
        guard case .string(let resource) = resourceValue else {
            report(.wrongType("Resource", expected: "a string", at: pointer / "Resource"))
            return nil
        }
        if !resource.hasPrefix("arn:") {
            report(.invalidResource(at: pointer / "Resource"))
        }
        let timeout = reader.number("TimeoutSeconds", pathField: "TimeoutSecondsPath", minimum: 1, maximum: 99_999_999)
        let heartbeat = reader.number(
            "HeartbeatSeconds", pathField: "HeartbeatSecondsPath", minimum: 1, maximum: 99_999_999)
        if let timeoutLimit = timeout?.literalInt, let heartbeatLimit = heartbeat?.literalInt, heartbeatLimit >= timeoutLimit {
            report(.heartbeatNotBelowTimeout(at: pointer / "HeartbeatSeconds"))
        }
        var credentials: JSON?
        if let value = reader.fields["Credentials"] {
            if case .object = value {
                credentials = value
            } else {
                report(.wrongType("Credentials", expected: "an object", at: pointer / "Credentials"))
            }
        }
        return .task(TaskState(resource: resource, timeoutSeconds: timeout, heartbeatSeconds: heartbeat, credentials: credentials))
    }

    private mutating func choice(_ reader: inout FieldReader) -> StateKind? {
        let pointer = reader.pointer
        var defaultNext: String?
        if let value = reader.fields["Default"] {
            if case .string(let name) = value {
                defaultNext = name
            } else {
                report(.wrongType("Default", expected: "a string", at: pointer / "Default"))
            }
        }
        guard let choicesValue = reader.fields["Choices"] else {
            report(.requiredFields(["Choices"], at: pointer))
            return nil
        }
        guard case .array(let rules) = choicesValue else {
            report(.wrongType("Choices", expected: "an array", at: pointer / "Choices"))
            return nil
        }
        if rules.isEmpty { report(.emptyArray("Choices", at: pointer / "Choices")) }
        var branches: [ChoiceBranch] = []
        var complete = true
        for (index, rule) in rules.enumerated() {
            if let branch = choiceBranch(rule, at: pointer / "Choices" / index, language: reader.language) {
                branches.append(branch)
            } else {
                complete = false
            }
        }
        guard complete else { return nil }
        return .choice(ChoiceState(choices: branches, defaultNext: defaultNext))
    }

    private mutating func choiceBranch(_ value: JSON, at pointer: JSONPointer, language: QueryLanguage) -> ChoiceBranch? {
        guard case .object(let fields) = value else {
            report(.wrongType("Choices", expected: "an array of objects", at: pointer))
            return nil
        }
        let before = diagnostics.count
        let next: String?
        switch fields["Next"] {
        case .string(let name)?: next = name
        case nil:
            report(.requiredFields(["Next"], at: pointer))
            next = nil
        default:
            report(.wrongType("Next", expected: "a string", at: pointer / "Next"))
            next = nil
        }
        let comment = string(fields, "Comment", at: pointer)
        let rule: ChoiceBranch.Rule?
        var output: JSONataValue?
        switch language {
        case .jsonPath:
            if fields["Output"] != nil { report(.fieldNotInLanguage("Output", language: language, at: pointer)) }
            if fields["Condition"] != nil { report(.fieldNotInLanguage("Condition", language: language, at: pointer)) }
            do {
                rule = .jsonPath(try ChoiceRule(compiling: value))
            } catch {
                report(.invalidChoiceRule(reason: error, at: JSONPointer(pointer.tokens + error.pointer.tokens)))
                rule = nil
            }
        case .jsonata:
            for key in fields.keys where !FieldTable.jsonataChoiceFields.contains(key) {
                report(.unsupportedField(key, at: pointer))
            }
            var reader = FieldReader(fields: fields, pointer: pointer, language: language)
            switch fields["Condition"] {
            case nil:
                report(.requiredFields(["Condition"], at: pointer))
                rule = nil
            case .bool?:
                rule = reader.jsonata("Condition").map { .condition($0) }
            case .string(let text)? where JSONataValue.expressionSource(text) != nil:
                rule = reader.jsonata("Condition").map { .condition($0) }
            default:
                report(.expectedJSONataExpression("Condition", expected: "a boolean", at: pointer / "Condition"))
                rule = nil
            }
            output = reader.jsonata("Output")
            diagnostics += reader.diagnostics
        }
        let assign = assignment(fields["Assign"], at: pointer / "Assign", language: language)
        guard !hasErrors(since: before), let rule, let next else { return nil }
        return ChoiceBranch(rule: rule, next: next, assign: assign, output: output, comment: comment)
    }

    private mutating func wait(_ reader: inout FieldReader) -> StateKind? {
        let pointer = reader.pointer
        let given = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].filter { reader.fields[$0] != nil }
        guard given.count == 1 else {
            let choices = reader.language == .jsonata ? ["Seconds", "Timestamp"] : ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            report(.exactlyOneOf(choices, at: pointer))
            return nil
        }
        switch given[0] {
        case "Seconds", "SecondsPath":
            guard let seconds = reader.number("Seconds", pathField: "SecondsPath", minimum: 0, maximum: 99_999_999) else { return nil }
            return .wait(WaitState(duration: .seconds(seconds)))
        case "TimestampPath":
            guard let path = reader.referencePath("TimestampPath") else { return nil }
            return .wait(WaitState(duration: .timestampPath(path)))
        default:
            let timestampPointer = pointer / "Timestamp"
            guard case .string(let text)? = reader.fields["Timestamp"] else {
                report(.wrongType("Timestamp", expected: "a string", at: timestampPointer))
                return nil
            }
            if reader.language == .jsonata, JSONataValue.expressionSource(text) != nil {
                guard let expression = reader.jsonata("Timestamp") else { return nil }
                return .wait(WaitState(duration: .timestampExpression(expression)))
            }
            guard let timestamp = StatesTimestamp(text) else {
                report(.invalidTimestamp(text, at: timestampPointer))
                return nil
            }
            return .wait(WaitState(duration: .timestamp(timestamp)))
        }
    }

    private mutating func fail(_ reader: inout FieldReader) -> StateKind? {
        if reader.language == .jsonPath {
            var warnings: [Diagnostic] = []
            for field in ["Error", "Cause"] {
                LiteralPathWarnings.checkPlainField(field, reader.fields[field], at: reader.pointer) { warnings.append($0) }
            }
            diagnostics += warnings
        }
        let error = reader.failText("Error", pathField: "ErrorPath")
        let cause = reader.failText("Cause", pathField: "CausePath")
        return .fail(FailState(error: error, cause: cause))
    }

    private mutating func parallel(_ reader: inout FieldReader, depth: Int) -> StateKind? {
        let pointer = reader.pointer
        guard let value = reader.fields["Branches"] else {
            report(.requiredFields(["Branches"], at: pointer))
            return nil
        }
        guard case .array(let branchValues) = value else {
            report(.wrongType("Branches", expected: "an array", at: pointer / "Branches"))
            return nil
        }
        if branchValues.isEmpty { report(.emptyArray("Branches", at: pointer / "Branches")) }
        var branches: [StateMachine] = []
        for (index, branchValue) in branchValues.enumerated() {
            let branchPointer = pointer / "Branches" / index
            guard case .object(let fields) = branchValue else {
                report(.wrongType("Branches", expected: "an array of objects", at: branchPointer))
                continue
            }
            if let branch = machine(fields, at: branchPointer, language: machineLanguage, scope: .branch, depth: depth + 1) {
                branches.append(branch)
            }
        }
        return .parallel(ParallelState(branches: branches))
    }

    private mutating func map(_ reader: inout FieldReader, depth: Int) -> StateKind? {
        let pointer = reader.pointer
        let fields = reader.fields
        let processorField: String
        switch (fields["ItemProcessor"], fields["Iterator"]) {
        case (.some, nil): processorField = "ItemProcessor"
        case (nil, .some): processorField = "Iterator"
        case (nil, nil):
            report(.requiredFields(["ItemProcessor"], at: pointer))
            return nil
        default:
            report(.exclusiveFields(["ItemProcessor", "Iterator"], at: pointer))
            return nil
        }
        let processorPointer = pointer / processorField
        guard case .object(let processorFields)? = fields[processorField] else {
            report(.wrongType(processorField, expected: "an object", at: processorPointer))
            return nil
        }
        let config = processorConfig(processorFields["ProcessorConfig"], at: processorPointer / "ProcessorConfig")
        let processor = machine(
            processorFields, at: processorPointer, language: machineLanguage, scope: .itemProcessor, depth: depth + 1)

        if fields["ItemSelector"] != nil, fields["Parameters"] != nil {
            report(.exclusiveFields(["ItemSelector", "Parameters"], at: pointer))
        }
        var itemSelector: ItemSelector?
        switch reader.language {
        case .jsonPath:
            if let template = payloadTemplate(&reader, "ItemSelector") ?? payloadTemplate(&reader, "Parameters") {
                itemSelector = .jsonPath(template)
            }
        case .jsonata:
            itemSelector = reader.jsonata("ItemSelector").map { .jsonata($0) }
        }
        var items: JSONataValue?
        if let value = fields["Items"] {
            let isExpression = value.stringValue.flatMap(JSONataValue.expressionSource) != nil
            if value.arrayValue != nil || isExpression {
                items = reader.jsonata("Items")
            } else {
                report(.expectedJSONataExpression("Items", expected: "an array", at: pointer / "Items"))
            }
        }
        let itemsPath = reader.referencePath("ItemsPath")
        let maxConcurrency = reader.number("MaxConcurrency", pathField: "MaxConcurrencyPath", minimum: 0, maximum: Int.max)
        let toleratedCount = reader.number(
            "ToleratedFailureCount", pathField: "ToleratedFailureCountPath", minimum: 0, maximum: Int.max)
        let toleratedPercentage = reader.percentage("ToleratedFailurePercentage", pathField: "ToleratedFailurePercentagePath")
        let label = self.label(fields["Label"], at: pointer / "Label")
        let itemReader = mapConfiguration(
            fields, "ItemReader", allowed: FieldTable.itemReaderFields, required: ["Resource"], at: pointer,
            language: reader.language, resources: ["s3:getObject", "s3:listObjectsV2"])
        let itemBatcher = mapConfiguration(
            fields, "ItemBatcher", allowed: FieldTable.itemBatcherFields, required: [], at: pointer,
            language: reader.language)
        let resultWriter = mapConfiguration(
            fields, "ResultWriter", allowed: FieldTable.resultWriterFields, required: [], at: pointer,
            language: reader.language, resources: ["s3:putObject"])
        if let resultWriter { checkResultWriter(resultWriter, at: pointer / "ResultWriter", language: reader.language) }
        guard let processor else { return nil }
        return .map(
            MapState(
                itemProcessor: processor, processorConfig: config, usesLegacyIterator: processorField == "Iterator",
                itemsPath: itemsPath, items: items, itemSelector: itemSelector, itemReader: itemReader,
                itemBatcher: itemBatcher, resultWriter: resultWriter, maxConcurrency: maxConcurrency,
                toleratedFailureCount: toleratedCount, toleratedFailurePercentage: toleratedPercentage, label: label))
    }

    /// A ResultWriter says where results go (a Resource with its bucket), how to shape them
    /// (WriterConfig), or both; AWS refuses an empty one and a Resource given no bucket.
    private mutating func checkResultWriter(_ writer: JSON, at pointer: JSONPointer, language: QueryLanguage) {
        let members = writer.objectValue ?? [:]
        if members["Resource"] == nil, members["WriterConfig"] == nil {
            report(.requiredOneOf(["Resource", "WriterConfig"], at: pointer))
        }
        let destination = language == .jsonPath ? "Parameters" : "Arguments"
        if members["Resource"] != nil, members[destination] == nil {
            report(.requiredFields([destination], at: pointer))
        }
    }

    /// ItemReader, ItemBatcher, ResultWriter: known fields only, a string `Resource`, and
    /// compiled `Parameters` / `Arguments`. Kept as written in the model.
    private mutating func mapConfiguration(
        _ fields: JSONObject, _ field: String, allowed: Set<String>, required: [String], at statePointer: JSONPointer,
        language: QueryLanguage, resources: [String] = []
    ) -> JSON? {
        guard let value = object(fields, field, at: statePointer) else { return nil }
        let pointer = statePointer / field
        let members = value.objectValue ?? [:]
        for key in members.keys {
            if !allowed.contains(key) {
                report(.unsupportedField(key, at: pointer))
            } else if !FieldTable.belongs(key, to: language) {
                report(.fieldNotInLanguage(key, language: language, at: pointer / key))
            }
        }
        let missing = required.filter { members[$0] == nil }
        if !missing.isEmpty { report(.requiredFields(missing, at: pointer)) }
        if let resource = members["Resource"] {
            if case .string(let text) = resource {
                if !MapResources.matches(text, anyOf: resources) {
                    report(.resourceNotAllowed(resources.map(MapResources.example), at: pointer / "Resource"))
                }
            } else {
                report(.wrongType("Resource", expected: "a string", at: pointer / "Resource"))
            }
        }
        for key in ["ReaderConfig", "WriterConfig", "BatchInput"] where members[key] != nil {
            _ = object(members, key, at: pointer)
        }
        checkEnumeration(members["ReaderConfig"], "InputType", MapResources.inputTypes, at: pointer / "ReaderConfig")
        checkEnumeration(members["WriterConfig"], "Transformation", MapResources.transformations, at: pointer / "WriterConfig")
        checkEnumeration(members["WriterConfig"], "OutputType", MapResources.outputTypes, at: pointer / "WriterConfig")
        if language == .jsonPath, let parameters = members["Parameters"] {
            _ = payloadTemplate(parameters, field: "Parameters", at: pointer / "Parameters")
        }
        if language == .jsonata, members["Arguments"] != nil {
            var nested = FieldReader(fields: members, pointer: pointer, language: language)
            _ = nested.jsonata("Arguments")
            diagnostics += nested.diagnostics
        }
        return value
    }

    private mutating func checkEnumeration(_ container: JSON?, _ field: String, _ allowed: [String], at pointer: JSONPointer) {
        guard let value = container?[field] else { return }
        if let text = value.stringValue, allowed.contains(text) { return }
        report(.valueNotAllowed(field, value: value, allowed: allowed, at: pointer / field))
    }

    private mutating func processorConfig(_ value: JSON?, at pointer: JSONPointer) -> ProcessorConfig {
        var config = ProcessorConfig()
        guard let value else { return config }
        guard case .object(let fields) = value else {
            report(.wrongType("ProcessorConfig", expected: "an object", at: pointer))
            return config
        }
        for key in fields.keys where key != "Mode" && key != "ExecutionType" { report(.unsupportedField(key, at: pointer)) }
        if let mode = fields["Mode"] {
            if let parsed = mode.stringValue.flatMap(ProcessorConfig.Mode.init(rawValue:)) {
                config.mode = parsed
            } else {
                report(.valueNotAllowed("Mode", value: mode, allowed: ["INLINE", "DISTRIBUTED"], at: pointer / "Mode"))
            }
        }
        if let executionType = fields["ExecutionType"] {
            if let parsed = executionType.stringValue.flatMap(ProcessorConfig.ExecutionType.init(rawValue:)) {
                config.executionType = parsed
            } else {
                report(
                    .valueNotAllowed(
                        "ExecutionType", value: executionType, allowed: ["STANDARD", "EXPRESS"], at: pointer / "ExecutionType"))
            }
        } else if config.mode == .distributed {
            report(.requiredFields(["ExecutionType"], at: pointer))
        }
        return config
    }

    private mutating func label(_ value: JSON?, at pointer: JSONPointer) -> String? {
        guard let value else { return nil }
        guard case .string(let label) = value else {
            report(.wrongType("Label", expected: "a string", at: pointer))
            return nil
        }
        let forbidden = Set(" \t\n\r<>{}[]?*\"#%\\^|~`$&,;:/")
        if label.isEmpty || label.count > StateNameRules.maximumLabelLength
            || label.contains(where: { forbidden.contains($0) })
            || label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            report(.invalidLabel(label, at: pointer))
        } else if !labels.insert(label).inserted {
            report(.duplicateLabel(label, at: pointer))
        }
        return label
    }

    // MARK: Retry and Catch

    private mutating func retriers(_ value: JSON?, at pointer: JSONPointer) -> [Retrier] {
        guard let entries = entryList(value, field: "Retry", at: pointer) else { return [] }
        var retriers: [Retrier] = []
        for (index, entry) in entries.enumerated() {
            let entryPointer = pointer / index
            guard case .object(let fields) = entry else {
                report(.wrongType("Retry", expected: "an array of objects", at: entryPointer))
                continue
            }
            for key in fields.keys where !FieldTable.retrierFields.contains(key) { report(.unsupportedField(key, at: entryPointer)) }
            let errors = errorEquals(fields, at: entryPointer, isLast: index == entries.count - 1, field: "Retry")
            var retrier = Retrier(errorEquals: errors)
            if let value = fields["IntervalSeconds"],
                let seconds = integer(value, "IntervalSeconds", at: entryPointer / "IntervalSeconds", minimum: 1, maximum: 99_999_999)
            {
                retrier.intervalSeconds = seconds
            }
            if let value = fields["MaxAttempts"],
                let attempts = integer(value, "MaxAttempts", at: entryPointer / "MaxAttempts", minimum: 0, maximum: 99_999_999)
            {
                retrier.maxAttempts = attempts
            }
            if let value = fields["MaxDelaySeconds"],
                let delay = integer(value, "MaxDelaySeconds", at: entryPointer / "MaxDelaySeconds", minimum: 1, maximum: 31_622_400)
            {
                retrier.maxDelaySeconds = delay
            }
            if let value = fields["BackoffRate"] {
                if let rate = value.doubleValue, rate >= 1.0 {
                    retrier.backoffRate = rate
                } else {
                    report(.outOfRange("BackoffRate", requirement: "a number of at least 1.0", at: entryPointer / "BackoffRate"))
                }
            }
            if let value = fields["JitterStrategy"] {
                if let strategy = value.stringValue.flatMap(Retrier.JitterStrategy.init(rawValue:)) {
                    retrier.jitterStrategy = strategy
                } else {
                    report(.valueNotAllowed("JitterStrategy", value: value, allowed: ["FULL", "NONE"], at: entryPointer / "JitterStrategy"))
                }
            }
            retrier.comment = string(fields, "Comment", at: entryPointer)
            retriers.append(retrier)
        }
        return retriers
    }

    private mutating func catchers(_ value: JSON?, at pointer: JSONPointer, language: QueryLanguage) -> [Catcher] {
        guard let entries = entryList(value, field: "Catch", at: pointer) else { return [] }
        var catchers: [Catcher] = []
        for (index, entry) in entries.enumerated() {
            let entryPointer = pointer / index
            guard case .object(let fields) = entry else {
                report(.wrongType("Catch", expected: "an array of objects", at: entryPointer))
                continue
            }
            for key in fields.keys {
                if !FieldTable.catcherFields.contains(key) {
                    report(.unsupportedField(key, at: entryPointer))
                } else if !FieldTable.belongs(key, to: language) {
                    report(.fieldNotInLanguage(key, language: language, at: entryPointer))
                }
            }
            let errors = errorEquals(fields, at: entryPointer, isLast: index == entries.count - 1, field: "Catch")
            var next = ""
            switch fields["Next"] {
            case .string(let name)?: next = name
            case nil: report(.requiredFields(["Next"], at: entryPointer))
            default: report(.wrongType("Next", expected: "a string", at: entryPointer / "Next"))
            }
            var catcher = Catcher(errorEquals: errors, next: next)
            catcher.comment = string(fields, "Comment", at: entryPointer)
            if FieldTable.belongs("ResultPath", to: language) {
                catcher.resultPath = resultPlacement(fields["ResultPath"], at: entryPointer / "ResultPath")
            }
            catcher.assign = assignment(fields["Assign"], at: entryPointer / "Assign", language: language, inCatcher: true)
            if language == .jsonata {
                var reader = FieldReader(fields: fields, pointer: entryPointer, language: language)
                reader.isCatcher = true
                catcher.output = reader.jsonata("Output")
                diagnostics += reader.diagnostics
            }
            catchers.append(catcher)
        }
        return catchers
    }

    private mutating func entryList(_ value: JSON?, field: String, at pointer: JSONPointer) -> [JSON]? {
        guard let value else { return nil }
        guard case .array(let entries) = value else {
            report(.wrongType(field, expected: "an array", at: pointer))
            return nil
        }
        return entries
    }

    private mutating func errorEquals(_ fields: JSONObject, at pointer: JSONPointer, isLast: Bool, field: String) -> [String] {
        guard let value = fields["ErrorEquals"] else {
            report(.requiredFields(["ErrorEquals"], at: pointer))
            return []
        }
        let listPointer = pointer / "ErrorEquals"
        guard case .array(let items) = value else {
            report(.wrongType("ErrorEquals", expected: "an array of strings", at: listPointer))
            return []
        }
        if items.isEmpty { report(.emptyErrorEquals(at: listPointer)) }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            if case .string(let name) = item {
                names.append(name)
            } else {
                report(.wrongType("ErrorEquals", expected: "an array of strings", at: listPointer / index))
            }
        }
        if let index = items.firstIndex(of: .string(ErrorName.all)), items.count > 1 || !isLast {
            report(.statesAllMisplaced(at: listPointer / index))
        }
        return names
    }

    // MARK: Field values

    /// The language a `QueryLanguage` value selects, as AWS resolves it: JSONPath only for the
    /// exact string "JSONPath", JSONata for anything else given (wrong case, unknown, not a
    /// string), which is also reported.
    private func resolveLanguage(_ value: JSON, at pointer: JSONPointer) -> (QueryLanguage, Diagnostic?) {
        switch value {
        case .string(let text):
            if let language = QueryLanguage(rawValue: text) { return (language, nil) }
            return (.jsonata, .queryLanguageNotInEnum(at: pointer))
        default:
            return (.jsonata, .expectedString(at: pointer))
        }
    }

    private mutating func string(_ fields: JSONObject, _ field: String, at pointer: JSONPointer) -> String? {
        guard let value = fields[field] else { return nil }
        guard case .string(let text) = value else {
            report(.wrongType(field, expected: "a string", at: pointer / field))
            return nil
        }
        return text
    }

    private mutating func object(_ fields: JSONObject, _ field: String, at pointer: JSONPointer) -> JSON? {
        guard let value = fields[field] else { return nil }
        guard case .object = value else {
            report(.wrongType(field, expected: "an object", at: pointer / field))
            return nil
        }
        return value
    }

    private mutating func integer(_ value: JSON, _ field: String, at pointer: JSONPointer, minimum: Int, maximum: Int) -> Int? {
        guard let number = value.intValue, value.isNumber else {
            report(.wrongType(field, expected: "an integer", at: pointer))
            return nil
        }
        guard number >= minimum, number <= maximum else {
            let requirement = maximum == Int.max ? "at least \(minimum)" : "between \(minimum) and \(maximum)"
            report(.outOfRange(field, requirement: requirement, at: pointer))
            return nil
        }
        return number
    }

    private mutating func pathSelection(_ reader: inout FieldReader, _ field: String) -> PathSelection? {
        switch reader.fields[field] {
        case nil: return nil
        case .null?: return .empty
        case .string(let text)?:
            do {
                return .path(try PathExpression(text))
            } catch {
                report(.invalidPath(field, kind: "JSONPath", reason: error, at: reader.pointer / field))
                return nil
            }
        default:
            report(.wrongType(field, expected: "a string or null", at: reader.pointer / field))
            return nil
        }
    }

    private mutating func resultPlacement(_ value: JSON?, at pointer: JSONPointer) -> ResultPlacement? {
        switch value {
        case nil: return nil
        case .null?: return .discard
        case .string(let text)?:
            do {
                return .path(try ReferencePath(resultPath: text))
            } catch {
                report(.invalidPath("ResultPath", kind: "ReferencePath", reason: error, at: pointer))
                return nil
            }
        default:
            report(.wrongType("ResultPath", expected: "a string or null", at: pointer))
            return nil
        }
    }

    private mutating func payloadTemplate(_ reader: inout FieldReader, _ field: String) -> PayloadTemplate? {
        guard let value = reader.fields[field] else { return nil }
        return payloadTemplate(value, field: field, at: reader.pointer / field)
    }

    private mutating func payloadTemplate(_ value: JSON, field: String, at pointer: JSONPointer) -> PayloadTemplate? {
        do {
            let template = try PayloadTemplate(compiling: value)
            var warnings: [Diagnostic] = []
            LiteralPathWarnings.checkTemplate(value, at: pointer) { warnings.append($0) }
            diagnostics += warnings
            return template
        } catch {
            report(.invalidTemplate(field, reason: error, at: JSONPointer(pointer.tokens + error.pointer.tokens)))
            return nil
        }
    }

    private mutating func jsonata(_ reader: inout FieldReader, _ field: String) -> JSONataValue? {
        let value = reader.jsonata(field)
        diagnostics += reader.diagnostics
        reader.diagnostics.removeAll()
        return value
    }

    private mutating func assignment(
        _ value: JSON?, at pointer: JSONPointer, language: QueryLanguage, inCatcher: Bool = false
    ) -> Assignment? {
        guard let value else { return nil }
        guard case .object(let members) = value else {
            report(.wrongType("Assign", expected: "an object", at: pointer))
            return nil
        }
        for key in members.keys {
            let name = language == .jsonPath && key.hasSuffix(".$") ? String(key.dropLast(2)) : key
            if !VariableNameRules.isValid(name) { report(.invalidVariableName(name, at: pointer / key)) }
        }
        switch language {
        case .jsonPath:
            return payloadTemplate(value, field: "Assign", at: pointer).map { .jsonPath($0) }
        case .jsonata:
            do {
                let compiled = try JSONataValue(compiling: value)
                let problems = JSONataReferenceCheck.problems(in: compiled, at: pointer, inCatcher: inCatcher)
                diagnostics += problems
                return problems.isEmpty ? .jsonata(compiled) : nil
            } catch {
                report(.invalidJSONata("Assign", reason: error, at: JSONPointer(pointer.tokens + error.pointer.tokens)))
                return nil
            }
        }
    }
}

/// Reads one object's fields for the parser; collects its own diagnostics, which the parser
/// takes over.
struct FieldReader {
    let fields: JSONObject
    let pointer: JSONPointer
    let language: QueryLanguage
    var diagnostics: [Diagnostic] = []
    /// Whether these are a catcher's fields, the one place `$states.errorOutput` exists.
    var isCatcher = false

    init(fields: JSONObject, pointer: JSONPointer, language: QueryLanguage) {
        self.fields = fields
        self.pointer = pointer
        self.language = language
    }

    mutating func jsonata(_ field: String) -> JSONataValue? {
        guard let value = fields[field] else { return nil }
        do {
            let compiled = try JSONataValue(compiling: value)
            let problems = JSONataReferenceCheck.problems(in: compiled, at: pointer / field, inCatcher: isCatcher)
            diagnostics += problems
            return problems.isEmpty ? compiled : nil
        } catch {
            diagnostics.append(.invalidJSONata(field, reason: error, at: JSONPointer((pointer / field).tokens + error.pointer.tokens)))
            return nil
        }
    }

    mutating func referencePath(_ field: String) -> ReferencePath? {
        guard let value = fields[field] else { return nil }
        guard case .string(let text) = value else {
            diagnostics.append(.wrongType(field, expected: "a string", at: pointer / field))
            return nil
        }
        do {
            return try ReferencePath(text)
        } catch {
            diagnostics.append(.invalidPath(field, kind: "ReferencePath", reason: error, at: pointer / field))
            return nil
        }
    }

    /// A number given literally, through its `...Path` twin, or (JSONata) as an expression.
    mutating func number(_ field: String, pathField: String, minimum: Int, maximum: Int) -> NumberSource? {
        if fields[field] != nil, fields[pathField] != nil {
            diagnostics.append(.exclusiveFields([field, pathField], at: pointer / field))
            return nil
        }
        if fields[pathField] != nil {
            return referencePath(pathField).map { .path($0) }
        }
        guard let value = fields[field] else { return nil }
        if case .string(let text) = value, language == .jsonata, JSONataValue.expressionSource(text) != nil {
            return jsonata(field).map { .expression($0) }
        }
        guard let number = value.intValue, value.isNumber else {
            if language == .jsonata {
                diagnostics.append(.expectedJSONataExpression(field, expected: "an integer", at: pointer / field))
            } else {
                diagnostics.append(.wrongType(field, expected: "an integer", at: pointer / field))
            }
            return nil
        }
        guard number >= minimum, number <= maximum else {
            let requirement = maximum == Int.max ? "at least \(minimum)" : "between \(minimum) and \(maximum)"
            diagnostics.append(.outOfRange(field, requirement: requirement, at: pointer / field))
            return nil
        }
        return .literal(.int(number))
    }

    mutating func percentage(_ field: String, pathField: String) -> NumberSource? {
        if fields[field] != nil, fields[pathField] != nil {
            diagnostics.append(.exclusiveFields([field, pathField], at: pointer / field))
            return nil
        }
        if fields[pathField] != nil {
            return referencePath(pathField).map { .path($0) }
        }
        guard let value = fields[field] else { return nil }
        if case .string(let text) = value, language == .jsonata, JSONataValue.expressionSource(text) != nil {
            return jsonata(field).map { .expression($0) }
        }
        guard let number = value.doubleValue else {
            diagnostics.append(.wrongType(field, expected: "a number", at: pointer / field))
            return nil
        }
        guard number >= 0, number <= 100 else {
            diagnostics.append(.outOfRange(field, requirement: "between 0 and 100", at: pointer / field))
            return nil
        }
        return .literal(value)
    }

    /// Fail's Error/Cause: a literal or JSONata string, or (JSONPath) a path or intrinsic call.
    mutating func failText(_ field: String, pathField: String) -> StringSource? {
        if fields[field] != nil, fields[pathField] != nil {
            diagnostics.append(.exclusiveFields([field, pathField], at: pointer))
            return nil
        }
        if let value = fields[pathField] {
            guard case .string(let text) = value else {
                diagnostics.append(.wrongType(pathField, expected: "a string", at: pointer / pathField))
                return nil
            }
            do {
                if IntrinsicFunctionCall.looksLikeCall(text) {
                    return .intrinsic(try IntrinsicFunctionCall(parsing: text))
                }
                return .path(try PathExpression(text))
            } catch {
                diagnostics.append(.invalidTemplate(pathField, reason: error, at: pointer / pathField))
                return nil
            }
        }
        guard let value = fields[field] else { return nil }
        guard case .string(let text) = value else {
            diagnostics.append(.wrongType(field, expected: "a string", at: pointer / field))
            return nil
        }
        if language == .jsonata, JSONataValue.expressionSource(text) != nil {
            return jsonata(field).map { .expression($0) }
        }
        return .literal(text)
    }
}

/// What AWS accepts as a variable name in `Assign`.
enum VariableNameRules {
    static let maximumLength = 80
    static let reserved: Set<String> = ["states"]

    static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= maximumLength, !reserved.contains(name) else {
            return false
        }
        guard first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}

/// The S3 integrations a distributed Map reads from and writes to.
enum MapResources {
    static let inputTypes = ["MANIFEST", "JSON", "CSV", "JSONL", "PARQUET"]
    static let transformations = ["NONE", "COMPACT", "FLATTEN"]
    static let outputTypes = ["JSON", "JSONL"]

    /// `arn:<partition>:states:::<action>` for one of the actions, in any partition.
    static func matches(_ resource: String, anyOf actions: [String]) -> Bool {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0] == "arn", !parts[1].isEmpty, parts[2] == "states",
            parts[3].isEmpty, parts[4].isEmpty
        else { return false }
        return actions.contains("\(parts[5]):\(parts[6])")
    }

    static func example(_ action: String) -> String { "arn:<partition>:states:::\(action)" }
}
