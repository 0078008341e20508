import SFNJSON

// Field values every rule reads: strings, integers, paths, templates, JSONata, Assign.

extension DefinitionParser {
    /// The language a `QueryLanguage` value selects, as AWS resolves it: JSONPath only for the
    /// exact string "JSONPath", JSONata for anything else given (wrong case, unknown, not a
    /// string), which is also reported.
    func resolveLanguage(_ value: JSON, at pointer: JSONPointer) -> (QueryLanguage, Diagnostic?) {
        switch value {
        case .string(let text):
            if let language = QueryLanguage(rawValue: text) { return (language, nil) }
            return (.jsonata, .queryLanguageNotInEnum(at: pointer))
        default:
            return (.jsonata, .expectedString(at: pointer))
        }
    }

    /// A field the state type requires, as an array (reported when missing, not an array, or,
    /// when `nonEmpty`, empty).
    mutating func requiredArray(_ reader: FieldReader, _ field: String, nonEmpty: Bool = true) -> [JSON]? {
        guard let value = reader.fields[field] else {
            report(.requiredFields([field], at: reader.pointer))
            return nil
        }
        guard case .array(let elements) = value else {
            report(.wrongType(field, expected: "an array", at: reader.pointer / field))
            return nil
        }
        if nonEmpty, elements.isEmpty { report(.emptyArray(field, at: reader.pointer / field)) }
        return elements
    }

    /// A field the state type requires, as a string.
    mutating func requiredString(_ reader: FieldReader, _ field: String) -> String? {
        guard reader.fields[field] != nil else {
            report(.requiredFields([field], at: reader.pointer))
            return nil
        }
        return string(reader.fields, field, at: reader.pointer)
    }

    mutating func string(_ fields: JSONObject, _ field: String, at pointer: JSONPointer) -> String? {
        guard let value = fields[field] else { return nil }
        guard case .string(let text) = value else {
            report(.wrongType(field, expected: "a string", at: pointer / field))
            return nil
        }
        return text
    }

    mutating func object(_ fields: JSONObject, _ field: String, at pointer: JSONPointer) -> JSON? {
        guard let value = fields[field] else { return nil }
        guard case .object = value else {
            report(.wrongType(field, expected: "an object", at: pointer / field))
            return nil
        }
        return value
    }

    mutating func integer(_ value: JSON, _ field: String, at pointer: JSONPointer, minimum: Int, maximum: Int) -> Int? {
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

    /// `InputPath`, `OutputPath`, `ItemsPath`: absent and `$` are the whole value, `null` an empty
    /// object. A bad one is reported (and read as the whole value).
    mutating func pathSelection(_ reader: inout FieldReader, _ field: String) -> PathSelection {
        switch reader.fields[field] {
        case nil, .string("$")?: return .whole
        case .null?: return .discard
        case .string(let text)?:
            do {
                return .path(try PathExpression(text))
            } catch {
                report(.invalidPath(field, kind: "JSONPath", reason: error, at: reader.pointer / field))
                return .whole
            }
        default:
            report(.wrongType(field, expected: "a string or null", at: reader.pointer / field))
            return .whole
        }
    }

    /// `ResultPath`: absent and `$` replace the input, `null` discards the result.
    mutating func resultPlacement(_ value: JSON?, at pointer: JSONPointer) -> ResultPlacement {
        switch value {
        case nil, .string("$")?: return .replace
        case .null?: return .discard
        case .string(let text)?:
            do {
                return .at(try ReferencePath(resultPath: text))
            } catch {
                report(.invalidPath("ResultPath", kind: "ReferencePath", reason: error, at: pointer))
                return .replace
            }
        default:
            report(.wrongType("ResultPath", expected: "a string or null", at: pointer))
            return .replace
        }
    }

    mutating func payloadTemplate(_ reader: inout FieldReader, _ field: String) -> PayloadTemplate? {
        guard let value = reader.fields[field] else { return nil }
        return payloadTemplate(value, field: field, at: reader.pointer / field)
    }

    mutating func payloadTemplate(_ value: JSON, field: String, at pointer: JSONPointer) -> PayloadTemplate? {
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

    mutating func jsonata(_ reader: inout FieldReader, _ field: String) -> JSONataValue? {
        let value = reader.jsonata(field)
        diagnostics += reader.diagnostics
        reader.diagnostics.removeAll()
        return value
    }

    mutating func assignment(
        _ value: JSON?, field: String, at pointer: JSONPointer, language: QueryLanguage, inCatcher: Bool = false
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
                let compiled = try JSONataValue(compiling: value, field: field)
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
    /// What AWS puts before a field's name in errors: `Choices[0]/`, `Catch[1]/`.
    var labelPrefix = ""

    init(fields: JSONObject, pointer: JSONPointer, language: QueryLanguage) {
        self.fields = fields
        self.pointer = pointer
        self.language = language
    }

    mutating func jsonata(_ field: String) -> JSONataValue? {
        guard let value = fields[field] else { return nil }
        do {
            let compiled = try JSONataValue(compiling: value, field: labelPrefix + field)
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

    /// What every number field shares: never both forms at once, the `...Path` twin, or (JSONata)
    /// an expression. `nil` when that settles the field; else the literal to check.
    private mutating func numberForms(_ field: String, pathField: String, settled: inout ValueSource?) -> JSON? {
        if fields[field] != nil, fields[pathField] != nil {
            diagnostics.append(.exclusiveFields([field, pathField], at: pointer / field))
            return nil
        }
        if fields[pathField] != nil {
            settled = referencePath(pathField).map { .path($0.expression, field: pathField) }
            return nil
        }
        guard let value = fields[field] else { return nil }
        if case .string(let text) = value, language == .jsonata, JSONataValue.expressionSource(text) != nil {
            settled = jsonata(field).map { .expression($0) }
            return nil
        }
        return value
    }

    /// An integer given literally (in `minimum...maximum`), through its `...Path` twin, or
    /// (JSONata) as an expression.
    mutating func number(_ field: String, pathField: String, minimum: Int, maximum: Int) -> ValueSource? {
        var settled: ValueSource?
        guard let value = numberForms(field, pathField: pathField, settled: &settled) else { return settled }
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

    /// A percentage (0...100) given literally, through its `...Path` twin, or as an expression.
    mutating func percentage(_ field: String, pathField: String) -> ValueSource? {
        var settled: ValueSource?
        guard let value = numberForms(field, pathField: pathField, settled: &settled) else { return settled }
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
    mutating func failText(_ field: String, pathField: String) -> ValueSource? {
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
                    return .intrinsic(try IntrinsicFunctionCall(parsing: text), field: pathField)
                }
                return .path(try PathExpression(text), field: pathField)
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
        return .literal(value)
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
