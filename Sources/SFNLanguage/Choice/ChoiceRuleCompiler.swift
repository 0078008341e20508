import SFNJSON

extension ChoiceRule {
    /// Keys the definition parser owns; they may sit beside a rule's own keys.
    static let foreignKeys: Set<String> = ["Next", "Assign", "Comment", "Output"]

    /// Compiles one rule object (a top-level `Choices` entry or a nested rule). Errors carry the
    /// JSON pointer of the offending key relative to `rule`.
    public init(compiling rule: JSON) throws(ExpressionSyntaxError) {
        self = try Self.compile(rule, at: .root)
    }

    /// Rules nest through And/Or/Not; compiling and evaluating recurse, so hostile input is capped.
    static let maximumNesting = 100

    private static func compile(_ rule: JSON, at pointer: JSONPointer) throws(ExpressionSyntaxError) -> ChoiceRule {
        if pointer.tokens.count > maximumNesting * 2 {
            throw ExpressionSyntaxError("Choice rules nest more than \(maximumNesting) deep", pointer: pointer)
        }
        guard case .object(let members) = rule else {
            throw ExpressionSyntaxError("A choice rule must be an object, not \(rule.typeName)", pointer: pointer)
        }
        var variable: JSON?
        var operators: [(key: String, value: JSON)] = []
        for (key, value) in members {
            if foreignKeys.contains(key) {
                // Only a top-level rule picks the next state (and assigns variables).
                if !pointer.tokens.isEmpty, key == "Next" || key == "Assign" || key == "Output" {
                    throw ExpressionSyntaxError("A nested choice rule cannot have '\(key)'", pointer: pointer / key)
                }
                continue
            }
            if key == "Variable" {
                variable = value
            } else {
                operators.append((key, value))
            }
        }
        guard let first = operators.first else {
            if variable != nil {
                throw ExpressionSyntaxError("The choice rule has a Variable but no comparison operator", pointer: pointer)
            }
            throw ExpressionSyntaxError("The choice rule has no comparison operator and no And, Or or Not", pointer: pointer)
        }
        if operators.count > 1 {
            let names = operators.map { "'\($0.key)'" }.joined(separator: ", ")
            throw ExpressionSyntaxError(
                "The choice rule must have exactly one operator, found \(names)", pointer: pointer / operators[1].key)
        }
        let (key, value) = first

        switch key {
        case "And", "Or":
            if variable != nil {
                throw ExpressionSyntaxError("'Variable' cannot be combined with '\(key)'", pointer: pointer / "Variable")
            }
            guard case .array(let elements) = value, !elements.isEmpty else {
                throw ExpressionSyntaxError("'\(key)' must be a non-empty array of choice rules", pointer: pointer / key)
            }
            var rules: [ChoiceRule] = []
            rules.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                rules.append(try compile(element, at: pointer / key / index))
            }
            return key == "And" ? .and(rules) : .or(rules)
        case "Not":
            if variable != nil {
                throw ExpressionSyntaxError("'Variable' cannot be combined with 'Not'", pointer: pointer / "Variable")
            }
            guard case .object = value else {
                throw ExpressionSyntaxError("'Not' must be a choice rule object", pointer: pointer / "Not")
            }
            return .not(try compile(value, at: pointer / "Not"))
        default:
            let condition = try compileCondition(key, value, at: pointer / key)
            guard let variable else {
                throw ExpressionSyntaxError("The choice rule uses '\(key)' but has no 'Variable'", pointer: pointer)
            }
            guard case .string(let variableText) = variable else {
                throw ExpressionSyntaxError("'Variable' must be a string path, not \(variable.typeName)", pointer: pointer / "Variable")
            }
            let path: PathExpression
            do {
                path = try PathExpression(variableText)
            } catch {
                throw ExpressionSyntaxError(error.message, pointer: pointer / "Variable", position: error.position)
            }
            return .test(variable: path, condition: condition)
        }
    }

    private static func compileCondition(
        _ key: String, _ value: JSON, at pointer: JSONPointer
    ) throws(ExpressionSyntaxError) -> ChoiceCondition {
        if let test = ChoiceTypeTest(rawValue: key) {
            guard case .bool(let expected) = value else {
                throw ExpressionSyntaxError("'\(key)' must be true or false, not \(value.typeName)", pointer: pointer)
            }
            return .typeTest(test, expected: expected)
        }
        if key == "StringMatches" {
            guard case .string(let pattern) = value else {
                throw ExpressionSyntaxError("'StringMatches' must be a string, not \(value.typeName)", pointer: pointer)
            }
            return .stringMatches(StringMatchPattern(pattern))
        }
        guard let (kind, comparison, isPath) = parseComparisonOperator(key) else {
            throw ExpressionSyntaxError("'\(key)' is not a choice rule operator", pointer: pointer)
        }
        if isPath {
            guard case .string(let text) = value else {
                throw ExpressionSyntaxError("'\(key)' must be a path string, not \(value.typeName)", pointer: pointer)
            }
            do {
                return .compare(kind, comparison, .path(try PathExpression(text)))
            } catch {
                throw ExpressionSyntaxError(error.message, pointer: pointer, position: error.position)
            }
        }
        switch (kind, value) {
        case (.string, .string(let text)):
            return .compare(kind, comparison, .string(text))
        case (.numeric, .int), (.numeric, .double):
            return .compare(kind, comparison, .number(value))
        case (.boolean, .bool(let flag)):
            return .compare(kind, comparison, .boolean(flag))
        case (.timestamp, .string(let text)):
            guard let timestamp = StatesTimestamp(text) else {
                throw ExpressionSyntaxError(
                    "'\(key)' must be an RFC 3339 timestamp such as 2016-08-18T17:33:00Z, not '\(text)'", pointer: pointer)
            }
            return .compare(kind, comparison, .timestamp(timestamp))
        default:
            let wanted: String
            switch kind {
            case .string, .timestamp: wanted = "a string"
            case .numeric: wanted = "a number"
            case .boolean: wanted = "true or false"
            }
            throw ExpressionSyntaxError("'\(key)' must be \(wanted), not \(value.typeName)", pointer: pointer)
        }
    }

    /// Splits `NumericLessThanEqualsPath` into its value kind, comparison and path flag.
    private static func parseComparisonOperator(_ key: String) -> (ChoiceValueKind, ChoiceComparison, Bool)? {
        var name = Substring(key)
        let isPath = name.hasSuffix("Path")
        if isPath { name = name.dropLast(4) }
        for kind in ChoiceValueKind.allCases where name.hasPrefix(kind.rawValue) {
            guard let comparison = ChoiceComparison(rawValue: String(name.dropFirst(kind.rawValue.count))) else { return nil }
            // Booleans only have an equality test.
            if kind == .boolean && comparison != .equals { return nil }
            return (kind, comparison, isPath)
        }
        return nil
    }
}
