import SFNJSON

/// A compiled JSONPath-mode Choice rule: a comparison on one `Variable`, or `And`/`Or`/`Not`
/// over nested rules. The `Next`, `Assign`, `Comment` and `Output` keys belong to the definition
/// parser and are ignored here.
public indirect enum ChoiceRule: Sendable, Hashable {
    case and([ChoiceRule])
    case or([ChoiceRule])
    case not(ChoiceRule)
    case test(variable: PathExpression, condition: ChoiceCondition)
}

/// What a comparison rule checks about its variable's value.
public enum ChoiceCondition: Sendable, Hashable {
    /// `StringEquals`, `NumericLessThanPath`, `TimestampGreaterThanEquals`, `BooleanEquals`, ...
    case compare(ChoiceValueKind, ChoiceComparison, ChoiceOperand)
    /// `StringMatches` with `*` wildcards.
    case stringMatches(StringMatchPattern)
    /// `IsNull`, `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean`, `IsTimestamp`: true when
    /// the check's outcome equals `expected`.
    case typeTest(ChoiceTypeTest, expected: Bool)
}

/// What a comparison compares: strings, numbers, booleans or timestamps.
public enum ChoiceValueKind: String, Sendable, Hashable, CaseIterable {
    case string = "String"
    case numeric = "Numeric"
    case boolean = "Boolean"
    case timestamp = "Timestamp"
}

/// The comparison of a rule (`Equals`, `LessThan`, ...).
public enum ChoiceComparison: String, Sendable, Hashable, CaseIterable {
    case equals = "Equals"
    case lessThan = "LessThan"
    case greaterThan = "GreaterThan"
    case lessThanEquals = "LessThanEquals"
    case greaterThanEquals = "GreaterThanEquals"

    func holds(_ order: Int) -> Bool {
        switch self {
        case .equals: order == 0
        case .lessThan: order < 0
        case .greaterThan: order > 0
        case .lessThanEquals: order <= 0
        case .greaterThanEquals: order >= 0
        }
    }
}

/// The right-hand side of a comparison: a literal checked when the definition loads, or a path
/// (the `...Path` operators) read when the rule is evaluated.
public enum ChoiceOperand: Sendable, Hashable {
    case string(String)
    /// An `.int` or `.double` JSON number.
    case number(JSON)
    case boolean(Bool)
    case timestamp(StatesTimestamp)
    case path(PathExpression)
}

/// A type test (`IsNull`, `IsPresent`, `IsNumeric`, ...).
public enum ChoiceTypeTest: String, Sendable, Hashable, CaseIterable {
    case isNull = "IsNull"
    case isPresent = "IsPresent"
    case isNumeric = "IsNumeric"
    case isString = "IsString"
    case isBoolean = "IsBoolean"
    case isTimestamp = "IsTimestamp"
}

// MARK: - Evaluation

extension ChoiceRule {
    /// Whether the rule matches. A `Variable` (or `...Path` operand) that selects nothing is
    /// AWS's `States.Runtime` error, except under `IsPresent`; a value of the wrong type simply
    /// does not match.
    public func evaluate(_ scope: ExpressionScope) throws(StatesError) -> Bool {
        switch self {
        case .and(let rules):
            for rule in rules where try !rule.evaluate(scope) { return false }
            return true
        case .or(let rules):
            for rule in rules where try rule.evaluate(scope) { return true }
            return false
        case .not(let rule):
            return try !rule.evaluate(scope)
        case .test(let variable, let condition):
            let value = variable.evaluate(scope)
            if case .typeTest(.isPresent, let expected) = condition {
                return (value != nil) == expected
            }
            guard let value else { throw Self.invalidPath(variable) }
            return try condition.holds(for: value, scope: scope)
        }
    }

    static func invalidPath(_ path: PathExpression) -> StatesError {
        .runtime("Invalid path '\(path.text)': The choice state's condition path references an invalid value.")
    }
}

extension ChoiceCondition {
    func holds(for value: JSON, scope: ExpressionScope) throws(StatesError) -> Bool {
        switch self {
        case .compare(let kind, let comparison, let operand):
            let expected: ChoiceOperand
            if case .path(let path) = operand {
                guard let resolved = path.evaluate(scope) else { throw ChoiceRule.invalidPath(path) }
                guard let typed = Self.typedOperand(resolved, as: kind) else { return false }
                expected = typed
            } else {
                expected = operand
            }
            guard let order = Self.order(value, expected, kind: kind) else { return false }
            return comparison.holds(order)
        case .stringMatches(let pattern):
            guard case .string(let text) = value else { return false }
            return pattern.matches(text)
        case .typeTest(let test, let expected):
            let outcome: Bool
            switch test {
            case .isNull: outcome = value.isNull
            case .isPresent: outcome = true
            case .isNumeric: outcome = value.isNumber
            case .isString: if case .string = value { outcome = true } else { outcome = false }
            case .isBoolean: if case .bool = value { outcome = true } else { outcome = false }
            case .isTimestamp: outcome = value.stringValue.flatMap(StatesTimestamp.init) != nil
            }
            return outcome == expected
        }
    }

    /// A value read through a `...Path` operand, when it has the type the operator compares.
    private static func typedOperand(_ value: JSON, as kind: ChoiceValueKind) -> ChoiceOperand? {
        switch (kind, value) {
        case (.string, .string(let text)): .string(text)
        case (.numeric, .int), (.numeric, .double): .number(value)
        case (.boolean, .bool(let flag)): .boolean(flag)
        case (.timestamp, .string(let text)): StatesTimestamp(text).map { .timestamp($0) }
        default: nil
        }
    }

    /// -1, 0 or 1 comparing the variable's value with the operand; `nil` when the value does
    /// not have the operator's type (so the rule does not match).
    private static func order(_ value: JSON, _ operand: ChoiceOperand, kind: ChoiceValueKind) -> Int? {
        switch (kind, value, operand) {
        case (.string, .string(let text), .string(let expected)):
            return javaCompare(text, expected).signum()
        case (.numeric, .int(let number), .number(.int(let expected))):
            return number < expected ? -1 : (number == expected ? 0 : 1)
        case (.numeric, .int, .number(let expected)), (.numeric, .double, .number(let expected)):
            guard let left = value.doubleValue, let right = expected.doubleValue, !left.isNaN, !right.isNaN else { return nil }
            return left < right ? -1 : (left == right ? 0 : 1)
        case (.boolean, .bool(let flag), .boolean(let expected)):
            return flag == expected ? 0 : 1
        case (.timestamp, .string(let text), .timestamp(let expected)):
            guard let timestamp = StatesTimestamp(text) else { return nil }
            return timestamp < expected ? -1 : (timestamp == expected ? 0 : 1)
        default:
            return nil
        }
    }
}
