import SFNJSON

// Choice: rules (JSONPath) or Conditions (JSONata), Default.

extension DefinitionParser {
    mutating func choice(_ reader: inout FieldReader) -> StateKind? {
        let pointer = reader.pointer
        let defaultNext = string(reader.fields, "Default", at: pointer)
        guard let rules = requiredArray(reader, "Choices") else { return nil }
        var branches: [ChoiceBranch] = []
        var complete = true
        for (index, rule) in rules.enumerated() {
            if let branch = choiceBranch(rule, index: index, at: pointer / "Choices" / index, language: reader.language) {
                branches.append(branch)
            } else {
                complete = false
            }
        }
        guard complete else { return nil }
        return .choice(ChoiceState(choices: branches, defaultNext: defaultNext))
    }

    mutating func choiceBranch(_ value: JSON, index: Int, at pointer: JSONPointer, language: QueryLanguage) -> ChoiceBranch? {
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
            reader.labelPrefix = "Choices[\(index)]/"
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
        let assign = assignment(fields["Assign"], field: "Choices[\(index)]/Assign", at: pointer / "Assign", language: language)
        guard !hasErrors(since: before), let rule, let next else { return nil }
        return ChoiceBranch(rule: rule, next: next, assign: assign, output: output, comment: comment)
    }
}

extension FieldTable {
    static let choiceFields: Set<String> = common.union(["Choices", "Default", "InputPath", "OutputPath", "Assign", "Output"])
    static let jsonataChoiceFields: Set<String> = ["Condition", "Next", "Comment", "Assign", "Output"]
}
