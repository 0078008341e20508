import Foundation

/// A compiled expression tree node. Built once by the parser and never modified afterwards.
struct Node: Sendable {
    indirect enum Kind: Sendable {
        case path([Node])
        case name(String)
        /// `$name`; the empty name is the context `$`, `$$` is the root input.
        case variable(String)
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case regex(RegexBox)
        case wildcard
        case descendant
        case parent
        case binary(BinaryOperator, Node, Node)
        case negate(Node)
        case arrayConstructor([Node])
        case objectConstructor([ObjectPair])
        case condition(Node, Node, Node?)
        case coalesce(Node, Node)
        case elvis(Node, Node)
        case block([Node])
        case bind(String, Node)
        case call(Node, [Node])
        case partial(Node, [Node])
        case placeholder
        case lambda(LambdaDefinition)
        case apply(Node, Node)
        case sort([SortTerm])
        case transform(Node, Node, Node?)
    }

    var kind: Kind
    var position: Int
    /// Filters applied to this node's whole result (nodes outside a path).
    var predicates: [Node] = []
    /// Filters and index bindings applied per input item when the node is a path step.
    var stages: [Stage] = []
    var group: GroupDefinition?
    var focus: String?
    var indexVariable: String?
    var tuple = false
    var keepArray = false
    var constructedArray = false
    var keepSingletonArray = false

    init(_ kind: Kind, position: Int) {
        self.kind = kind
        self.position = position
    }

    var isArrayConstructor: Bool { if case .arrayConstructor = kind { true } else { false } }
    var isPath: Bool { if case .path = kind { true } else { false } }
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case concatenate = "&", and, or, `in`, range = ".."
}

struct ObjectPair: Sendable {
    var key: Node
    var value: Node
}

struct GroupDefinition: Sendable {
    var pairs: [ObjectPair]
    var position: Int
}

enum Stage: Sendable {
    case filter(Node)
    case index(String)
}

struct SortTerm: Sendable {
    var descending: Bool
    var expression: Node
}

struct LambdaDefinition: Sendable {
    var parameters: [String]
    var signature: Signature?
    var body: Node
}

/// A compiled regular expression; NSRegularExpression is immutable and safe to share.
final class RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    let pattern: String
    let flags: String

    init(pattern: String, flags: String, position: Int) throws(EvaluationFailure) {
        var options: NSRegularExpression.Options = []
        if flags.contains("i") { options.insert(.caseInsensitive) }
        if flags.contains("m") { options.insert(.anchorsMatchLines) }
        if flags.contains("s") { options.insert(.dotMatchesLineSeparators) }
        do {
            regex = try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            throw EvaluationFailure("S0302", position: position)
        }
        self.pattern = pattern
        self.flags = flags
    }
}
