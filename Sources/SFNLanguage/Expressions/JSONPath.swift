import SFNJSON

/// A compiled JSONPath query with the semantics of Jayway JsonPath, which AWS uses for
/// `InputPath`, `Parameters` (`"key.$"`), `ResultSelector`, `OutputPath` and friends.
///
/// The text is parsed once into a list of steps; evaluation walks the JSON value without any
/// string work. A *definite* path (only names and single indexes) selects one value or
/// nothing; any wildcard, slice, union, filter or `..` makes it *indefinite*, and it then
/// always yields an array of every match (possibly empty).
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The path as written.
    public let text: String
    let steps: [JSONPathStep]
    /// An aggregate such as `length()` applied to what the steps selected.
    let function: JSONPathFunction?
    /// Whether the path selects at most one value (no wildcards, filters, unions, slices, `..`).
    public let isDefinite: Bool

    /// Parses a JSONPath (Jayway syntax).
    public init(_ text: String) throws(ExpressionSyntaxError) {
        var parser = JSONPathParser(text)
        let parsed = try parser.parsePath(allowRelativeRoot: false)
        self.init(text: text, steps: parsed.steps, function: parsed.function)
    }

    init(text: String, steps: [JSONPathStep], function: JSONPathFunction?) {
        self.text = text
        self.steps = steps
        self.function = function
        self.isDefinite =
            steps.dropLast().allSatisfy { $0.isDefinite(isLast: false) }
            && (steps.last.map { $0.isDefinite(isLast: true) } ?? true)
    }

    /// The path selects the root itself (`$`).
    public var isRoot: Bool { steps.isEmpty && function == nil }

    /// The path as written.
    public var description: String { text }

    /// Paths are equal when written the same.
    public static func == (lhs: JSONPath, rhs: JSONPath) -> Bool { lhs.text == rhs.text }
    /// Hashes the text.
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Definite path: the value, or `nil` when nothing matches. Indefinite path: an array of
    /// all matches (possibly empty).
    public func query(_ root: JSON) -> JSON? {
        var evaluator = JSONPathEvaluator(root: root)
        return evaluator.value(self, on: root)
    }

    /// Like `query`, but a miss carries Jayway's explanation (used in AWS's error causes, e.g.
    /// `No results for path: $['a']`).
    public func evaluate(_ root: JSON) -> Result<JSON, JSONPathMiss> {
        var evaluator = JSONPathEvaluator(root: root)
        return evaluator.run(self, on: root)
    }

    /// Jayway's normalized rendering (`$['a'][0]`), which AWS quotes in its error causes.
    public var normalizedText: String {
        var result = "$"
        for step in steps { result += step.normalizedText }
        if let function { result += "." + function.rawValue + "()" }
        return result
    }
}

/// Why a definite path selected nothing, in Jayway's words.
public struct JSONPathMiss: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the path selects nothing.
    public var message: String
    /// A miss.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// One step of a compiled path.
indirect enum JSONPathStep: Sendable, Hashable {
    /// `.name` or `['name']`.
    case property(String)
    /// `['a','b']`: merged into one object when it is the last step, otherwise each in turn.
    case properties([String])
    /// `[2]` or `[-1]` (counted from the end).
    case index(Int)
    /// `[0,2]`.
    case indexes([Int])
    /// `[from:to]`, with Jayway's handling of the bounds (a step is parsed but ignored).
    case slice(from: Int?, to: Int?)
    /// `.*` or `[*]`.
    case wildcard
    /// `..` followed by the step applied at every level.
    case descendants(JSONPathStep)
    /// `[?(...)]`.
    case filter(JSONPathFilter)

    func isDefinite(isLast: Bool) -> Bool {
        switch self {
        case .property, .index: true
        case .properties: isLast
        case .indexes, .slice, .wildcard, .descendants, .filter: false
        }
    }

    var normalizedText: String {
        switch self {
        case .property(let name): "['\(name)']"
        case .properties(let names): "[" + names.map { "'\($0)'" }.joined(separator: ",") + "]"
        case .index(let index): "[\(index)]"
        case .indexes(let indexes): "[" + indexes.map(String.init).joined(separator: ",") + "]"
        case .slice(let from, let to): "[" + (from.map(String.init) ?? "") + ":" + (to.map(String.init) ?? "") + "]"
        case .wildcard: "[*]"
        case .descendants(let step): ".." + step.normalizedText
        case .filter: "[?]"
        }
    }
}

/// The path functions Jayway offers that make sense on JSON values.
enum JSONPathFunction: String, Sendable, Hashable, CaseIterable {
    case length, min, max, avg, sum, stddev, keys, first, last
}
