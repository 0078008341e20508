import Foundation

/// A compiled expression tree node. Built once by the parser and never modified afterwards.
struct Node: Sendable {
    indirect enum Kind: Sendable {
        case path([Node])
        /// A path of plain fields, compiled from `.path` (see `FieldPath`).
        case fieldPath(FieldPath)
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
        /// `%`; the label names the tuple binding holding the parent, nil until resolved.
        case parent(String?)
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
    var tuple = false
    var keepArray = false
    var constructedArray = false
    var keepSingletonArray = false
    /// What few nodes carry, kept out of line: nodes are copied at every step of an evaluation,
    /// and each inline array or string would cost a retain and a release per copy.
    private var decorations: Decorations?

    init(_ kind: Kind, position: Int) {
        self.kind = kind
        self.position = position
    }

    /// Filters applied to this node's whole result (nodes outside a path).
    var predicates: [Node] {
        get { decorations?.predicates ?? [] }
        set { uniqueDecorations().predicates = newValue }
    }
    /// Filters and index bindings applied per input item when the node is a path step.
    var stages: [Stage] {
        get { decorations?.stages ?? [] }
        set { uniqueDecorations().stages = newValue }
    }
    var group: GroupDefinition? {
        get { decorations?.group }
        set { uniqueDecorations().group = newValue }
    }
    var focus: String? {
        get { decorations?.focus }
        set { uniqueDecorations().focus = newValue }
    }
    var indexVariable: String? {
        get { decorations?.indexVariable }
        set { uniqueDecorations().indexVariable = newValue }
    }
    /// Set on the step whose input a later step's `%` refers to.
    var ancestorLabel: String? {
        get { decorations?.ancestorLabel }
        set { uniqueDecorations().ancestorLabel = newValue }
    }

    /// Copy-on-write: decorations change only while the compiler builds the tree.
    private mutating func uniqueDecorations() -> Decorations {
        if decorations == nil {
            decorations = Decorations()
        } else if !isKnownUniquelyReferenced(&decorations) {
            decorations = decorations?.copy()
        }
        return decorations ?? Decorations()
    }

    /// Mutable only through `uniqueDecorations`, that is while uniquely referenced during
    /// compilation; a compiled tree never changes, so sharing it between threads is safe.
    private final class Decorations: @unchecked Sendable {
        var predicates: [Node] = []
        var stages: [Stage] = []
        var group: GroupDefinition?
        var focus: String?
        var indexVariable: String?
        var ancestorLabel: String?

        func copy() -> Decorations {
            let copy = Decorations()
            copy.predicates = predicates
            copy.stages = stages
            copy.group = group
            copy.focus = focus
            copy.indexVariable = indexVariable
            copy.ancestorLabel = ancestorLabel
            return copy
        }
    }

    var isArrayConstructor: Bool { if case .arrayConstructor = kind { true } else { false } }
    var isPath: Bool {
        switch kind {
        case .path, .fieldPath: true
        default: false
        }
    }
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
    /// A deferred tail call: applying the enclosing lambda returns it unevaluated and the
    /// caller's loop performs the call, so tail recursion does not grow the stack.
    var isTailCall = false
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

    /// How long one search may run. Patterns with nested repetition (`(a+)+$`) backtrack
    /// exponentially; a search past this ends the evaluation with U1002 instead of running for
    /// hours on one Step Functions state.
    static let searchBudget = Duration.seconds(1)

    /// The matches in `text` (up to `limit`), in order; U1002 when the search runs past its budget.
    func matches(in text: String, limit: Int? = nil) throws(EvaluationFailure) -> [NSTextCheckingResult] {
        var found: [NSTextCheckingResult] = []
        var overran = false
        let clock = ContinuousClock()
        let deadline = clock.now + Self.searchBudget
        // `.reportProgress` calls back during long searches too, not only at each match, so a
        // search that never matches can still be stopped.
        regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(location: 0, length: (text as NSString).length)) {
            match, _, stop in
            if let match {
                found.append(match)
                if let limit, found.count >= limit { stop.pointee = true }
            } else if clock.now > deadline {
                overran = true
                stop.pointee = true
            }
        }
        if overran {
            throw EvaluationFailure("U1002", value: .some(.string(pattern)))
        }
        return found
    }
}

extension Node {
    /// Applies `change` to every direct child node.
    mutating func updateChildren(_ change: (inout Node) -> Void) {
        func each(_ nodes: inout [Node]) { for index in nodes.indices { change(&nodes[index]) } }
        func pairs(_ list: inout [ObjectPair]) {
            for index in list.indices {
                change(&list[index].key)
                change(&list[index].value)
            }
        }
        switch kind {
        case .path(var steps):
            each(&steps)
            kind = .path(steps)
        case .binary(let op, var lhs, var rhs):
            change(&lhs)
            change(&rhs)
            kind = .binary(op, lhs, rhs)
        case .negate(var operand):
            change(&operand)
            kind = .negate(operand)
        case .arrayConstructor(var items):
            each(&items)
            kind = .arrayConstructor(items)
        case .objectConstructor(var list):
            pairs(&list)
            kind = .objectConstructor(list)
        case .condition(var test, var then, var otherwise):
            change(&test)
            change(&then)
            if var other = otherwise {
                change(&other)
                otherwise = other
            }
            kind = .condition(test, then, otherwise)
        case .coalesce(var lhs, var rhs):
            change(&lhs)
            change(&rhs)
            kind = .coalesce(lhs, rhs)
        case .elvis(var lhs, var rhs):
            change(&lhs)
            change(&rhs)
            kind = .elvis(lhs, rhs)
        case .block(var expressions):
            each(&expressions)
            kind = .block(expressions)
        case .bind(let name, var value):
            change(&value)
            kind = .bind(name, value)
        case .call(var procedure, var arguments):
            change(&procedure)
            each(&arguments)
            kind = .call(procedure, arguments)
        case .partial(var procedure, var arguments):
            change(&procedure)
            each(&arguments)
            kind = .partial(procedure, arguments)
        case .apply(var lhs, var rhs):
            change(&lhs)
            change(&rhs)
            kind = .apply(lhs, rhs)
        case .sort(var terms):
            for index in terms.indices { change(&terms[index].expression) }
            kind = .sort(terms)
        default: break
        }
        each(&predicates)
        for index in stages.indices {
            if case .filter(var predicate) = stages[index] {
                change(&predicate)
                stages[index] = .filter(predicate)
            }
        }
        if var definition = group {
            pairs(&definition.pairs)
            group = definition
        }
    }

    /// Gives every unresolved `%` in this subtree the label `label`; true when any was found.
    mutating func resolveParents(_ label: String) -> Bool {
        if case .parent(nil) = kind {
            kind = .parent(label)
            return true
        }
        var found = false
        updateChildren { child in
            if child.resolveParents(label) { found = true }
        }
        return found
    }

    var hasUnresolvedParent: Bool {
        var copy = self
        return copy.resolveParents("")
    }
}
