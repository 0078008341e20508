import Foundation
import SFNJSON

/// A compiled `[?(...)]` predicate.
indirect enum JSONPathFilter: Sendable, Hashable {
    case and(JSONPathFilter, JSONPathFilter)
    case or(JSONPathFilter, JSONPathFilter)
    case not(JSONPathFilter)
    /// A bare path (`@.isbn`): true when the path selects something, even `null`.
    case exists(JSONPathFilterPath)
    case compare(JSONPathOperand, JSONPathRelation, JSONPathOperand)
}

/// A path inside a filter: relative to the current item (`@`) or to the document root (`$`).
struct JSONPathFilterPath: Sendable, Hashable {
    var isRelative: Bool
    var path: JSONPath
    /// For an indefinite path, its leading names and indexes: what must exist for an
    /// existence check to hold.
    var definiteHead: JSONPath?

    init(isRelative: Bool, path: JSONPath) {
        self.isRelative = isRelative
        self.path = path
        if path.isDefinite {
            definiteHead = nil
        } else {
            let head = path.steps.prefix { $0.isDefinite(isLast: false) }
            definiteHead = JSONPath(text: path.text, steps: Array(head), function: nil)
        }
    }
}

enum JSONPathOperand: Sendable, Hashable {
    case path(JSONPathFilterPath)
    case literal(JSON)
    case regex(JSONPathRegex)
}

enum JSONPathRelation: String, Sendable, Hashable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case strictEqual = "==="
    case strictNotEqual = "!=="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case matches = "=~"
    case isIn = "in"
    case notIn = "nin"
    case contains = "contains"
    case subsetOf = "subsetof"
    case anyOf = "anyof"
    case noneOf = "noneof"
    case size = "size"
    case empty = "empty"
    case exists = "exists"
}

/// A `/pattern/flags` literal, compiled once. Java's `matches()` semantics: the whole input
/// must match.
struct JSONPathRegex: @unchecked Sendable, Hashable {
    // @unchecked: NSRegularExpression is immutable once compiled and documented as thread-safe.
    // NSRegularExpression is immutable and documented as safe to share between threads.
    let pattern: String
    let flags: String
    let expression: NSRegularExpression

    init(pattern: String, flags: String) throws(ExpressionSyntaxError) {
        var options: NSRegularExpression.Options = []
        for flag in flags {
            switch flag {
            case "i": options.insert(.caseInsensitive)
            case "m": options.insert(.anchorsMatchLines)
            case "s": options.insert(.dotMatchesLineSeparators)
            case "x": options.insert(.allowCommentsAndWhitespace)
            case "u", "d", "U": break
            default: throw ExpressionSyntaxError("Unknown regular expression flag '\(flag)' in /\(pattern)/\(flags)")
            }
        }
        do {
            expression = try NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z", options: options)
        } catch {
            throw ExpressionSyntaxError("Invalid regular expression /\(pattern)/: \(error.localizedDescription)")
        }
        self.pattern = pattern
        self.flags = flags
    }

    func matches(_ text: String) -> Bool {
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.firstMatch(in: text, options: [], range: range) != nil
    }

    static func == (lhs: JSONPathRegex, rhs: JSONPathRegex) -> Bool {
        lhs.pattern == rhs.pattern && lhs.flags == rhs.flags
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(flags)
    }
}

// MARK: - Evaluation

extension JSONPathFilter {
    func accepts(_ item: JSON, root: JSON) -> Bool {
        switch self {
        case .and(let left, let right):
            return left.accepts(item, root: root) && right.accepts(item, root: root)
        case .or(let left, let right):
            return left.accepts(item, root: root) || right.accepts(item, root: root)
        case .not(let inner):
            return !inner.accepts(item, root: root)
        case .exists(let path):
            return path.exists(item: item, root: root)
        case .compare(let left, let relation, let right):
            return relation.holds(left.resolve(item: item, root: root), right.resolve(item: item, root: root))
        }
    }
}

extension JSONPathFilterPath {
    func value(item: JSON, root: JSON) -> JSON? {
        path.query(isRelative ? item : root)
    }

    /// Jayway evaluates existence checks with every property required: a definite path must
    /// resolve, an indefinite one only needs its definite head to resolve.
    func exists(item: JSON, root: JSON) -> Bool {
        let start = isRelative ? item : root
        return (definiteHead ?? path).query(start) != nil
    }
}

/// An operand's value while a filter runs: `nil` for a path that selected nothing.
enum JSONPathFilterValue {
    case missing
    case value(JSON)
    case regex(JSONPathRegex)
}

extension JSONPathOperand {
    func resolve(item: JSON, root: JSON) -> JSONPathFilterValue {
        switch self {
        case .path(let path): path.value(item: item, root: root).map { .value($0) } ?? .missing
        case .literal(let value): .value(value)
        case .regex(let regex): .regex(regex)
        }
    }
}

extension JSONPathRelation {
    func holds(_ left: JSONPathFilterValue, _ right: JSONPathFilterValue) -> Bool {
        switch self {
        case .equal: return Self.equal(left, right)
        case .notEqual: return !Self.equal(left, right)
        case .strictEqual: return Self.sameKind(left, right) && Self.equal(left, right)
        case .strictNotEqual: return !(Self.sameKind(left, right) && Self.equal(left, right))
        case .less: return Self.order(left, right).map { $0 < 0 } ?? false
        case .lessOrEqual: return Self.order(left, right).map { $0 <= 0 } ?? false
        case .greater: return Self.order(left, right).map { $0 > 0 } ?? false
        case .greaterOrEqual: return Self.order(left, right).map { $0 >= 0 } ?? false
        case .matches: return Self.regexMatch(left, right)
        case .isIn: return Self.isIn(left, right)
        case .notIn: return !Self.isIn(left, right)
        case .contains:
            guard case .value(let container) = left, case .value(let element) = right else { return false }
            switch container {
            case .array(let elements): return elements.contains { Self.equal(.value($0), .value(element)) }
            case .string(let text):
                guard case .string(let part) = element else { return false }
                return part.isEmpty || text.contains(part)
            default: return false
            }
        case .subsetOf:
            guard case .value(.array(let subset)) = left, case .value(.array(let superset)) = right else { return false }
            return subset.allSatisfy { element in superset.contains { Self.equal(.value($0), .value(element)) } }
        case .anyOf:
            guard case .value(.array(let candidates)) = left, case .value(.array(let pool)) = right else { return false }
            return candidates.contains { element in pool.contains { Self.equal(.value($0), .value(element)) } }
        case .noneOf:
            guard case .value(.array(let candidates)) = left, case .value(.array(let pool)) = right else { return false }
            return !candidates.contains { element in pool.contains { Self.equal(.value($0), .value(element)) } }
        case .size:
            guard case .value(let value) = left, case .value(let expected) = right, let count = expected.intValue else { return false }
            switch value {
            case .array(let elements): return elements.count == count
            case .string(let text): return text.utf16.count == count
            default: return false
            }
        case .empty:
            guard case .value(let value) = left, case .value(.bool(let expected)) = right else { return false }
            switch value {
            case .array(let elements): return elements.isEmpty == expected
            case .string(let text): return text.isEmpty == expected
            default: return false
            }
        case .exists:
            guard case .value(.bool(let expected)) = right else { return false }
            if case .missing = left { return !expected }
            return expected
        }
    }

    private static func sameKind(_ left: JSONPathFilterValue, _ right: JSONPathFilterValue) -> Bool {
        guard case .value(let a) = left, case .value(let b) = right else { return false }
        return a.typeName == b.typeName
    }

    /// Jayway's value-node equality: numbers and strings compare across types (the right side
    /// converted to the left side's kind), everything else only within its own type.
    static func equal(_ left: JSONPathFilterValue, _ right: JSONPathFilterValue) -> Bool {
        guard case .value(let a) = left, case .value(let b) = right else { return false }
        switch (a, b) {
        case (.int, .string(let text)), (.double, .string(let text)):
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)), let own = a.doubleValue else { return false }
            return own == number
        case (.string(let text), .int), (.string(let text), .double):
            return text == b.compactText
        default:
            return a == b
        }
    }

    private static func order(_ left: JSONPathFilterValue, _ right: JSONPathFilterValue) -> Int? {
        guard case .value(let a) = left, case .value(let b) = right else { return nil }
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.int, .double), (.double, .int), (.double, .double):
            guard let x = a.doubleValue, let y = b.doubleValue, !x.isNaN, !y.isNaN else { return nil }
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.string(let x), .string(let y)):
            return javaCompare(x, y)
        default:
            return nil
        }
    }

    private static func regexMatch(_ left: JSONPathFilterValue, _ right: JSONPathFilterValue) -> Bool {
        let regex: JSONPathRegex
        let subject: JSONPathFilterValue
        switch (left, right) {
        case (.regex(let pattern), .value):
            regex = pattern
            subject = right
        case (.value, .regex(let pattern)):
            regex = pattern
            subject = left
        default: return false
        }
        guard case .value(let value) = subject else { return false }
        switch value {
        case .string(let text): return regex.matches(text)
        case .int, .double, .bool: return regex.matches(value.compactText)
        default: return false
        }
    }

    private static func isIn(_ left: JSONPathFilterValue, _ right: JSONPathFilterValue) -> Bool {
        guard case .value(.array(let pool)) = right else { return false }
        return pool.contains { equal(left, .value($0)) }
    }
}

/// Java's `String.compareTo`: lexicographic over UTF-16 code units.
func javaCompare(_ lhs: String, _ rhs: String) -> Int {
    var left = lhs.utf16.makeIterator()
    var right = rhs.utf16.makeIterator()
    while true {
        switch (left.next(), right.next()) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let a?, let b?):
            if a != b { return Int(a) - Int(b) }
        }
    }
}
