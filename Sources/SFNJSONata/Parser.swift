/// The parse tree before JSONata's path and step rewriting (see `Compiler`).
final class RawNode {
    enum Kind {
        case name(String)
        case variable(String)
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case regex(pattern: String, flags: String)
        case wildcard
        case descendant
        case parent
        case placeholder
        /// An operator token met where an operand was expected (`and`, `or`, `in` as names).
        case operatorToken(String)
        case binary(String, RawNode, RawNode)
        case negate(RawNode)
        case arrayConstructor([RawNode])
        case objectConstructor([(RawNode, RawNode)])
        case group(RawNode, [(RawNode, RawNode)])
        case predicate(RawNode, RawNode)
        case focus(RawNode, String)
        case index(RawNode, String)
        case sort(RawNode, [(descending: Bool, expression: RawNode)])
        case condition(RawNode, RawNode, RawNode?)
        case coalesce(RawNode, RawNode)
        case elvis(RawNode, RawNode)
        case block([RawNode])
        case bind(RawNode, RawNode)
        case call(RawNode, [RawNode], partial: Bool)
        case lambda(parameters: [String], signature: Signature?, body: RawNode)
        case apply(RawNode, RawNode)
        case transform(RawNode, RawNode, RawNode?)
    }

    var kind: Kind
    let position: Int
    var keepArray = false

    init(_ kind: Kind, _ position: Int) {
        self.kind = kind
        self.position = position
    }
}

/// A Pratt parser following JSONata's operator binding powers.
struct Parser {
    private var lexer: Lexer
    private var current: Token
    /// How deep the tree being built is (nested operands plus chained operators): compiling,
    /// evaluating and freeing a tree all recurse on it, so hostile input must not make it deep.
    private var depth = 0
    static let maximumDepth = 500

    static let bindingPowers: [String: Int] = [
        ".": 75, "[": 80, "]": 0, "{": 70, "}": 0, "(": 80, ")": 0, ",": 0, "@": 80, "#": 80, ";": 0,
        ":": 0, "?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "|": 0, "=": 40, "<": 40,
        ">": 40, "^": 40, "**": 60, "..": 20, ":=": 10, "!=": 40, "<=": 40, ">=": 40, "~>": 40,
        "?:": 40, "??": 40, "and": 30, "or": 25, "in": 40, "&": 50, "!": 0, "~": 0,
    ]

    static func parse(_ source: String) throws(EvaluationFailure) -> RawNode {
        var parser = try Parser(source)
        let root = try parser.expression(0)
        if parser.current.kind != .end {
            throw EvaluationFailure("S0201", position: parser.current.position, token: parser.current.text)
        }
        return root
    }

    private init(_ source: String) throws(EvaluationFailure) {
        lexer = Lexer(source)
        current = try lexer.next(regexAllowed: true)
    }

    private var currentBindingPower: Int {
        switch current.kind {
        case .operator: Self.bindingPowers[current.text] ?? 0
        default: 0
        }
    }

    /// Moves to the next token, checking the current one is `expected` when given.
    @discardableResult
    private mutating func advance(_ expected: String? = nil) throws(EvaluationFailure) -> Token {
        let token = current
        if let expected {
            if current.kind == .end {
                throw EvaluationFailure("S0203", position: current.position, value: .some(.string(expected)))
            }
            if !(current.kind == .operator && current.text == expected) {
                throw EvaluationFailure(
                    "S0202", position: current.position, token: current.text,
                    value: .some(.string(expected)))
            }
        }
        // A slash starts a regex only where an operand is expected.
        let regexAllowed: Bool
        switch token.kind {
        case .operator: regexAllowed = ![")", "]", "}"].contains(token.text)
        default: regexAllowed = false
        }
        current = try lexer.next(regexAllowed: regexAllowed)
        return token
    }

    private mutating func expression(_ rightBindingPower: Int) throws(EvaluationFailure) -> RawNode {
        let token = try advance()
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth { throw EvaluationFailure("U1001", position: token.position) }
        var left = try nud(token)
        var chained = 0
        defer { depth -= chained }
        while rightBindingPower < currentBindingPower {
            let operatorToken = try advance()
            chained += 1
            depth += 1
            if depth > Self.maximumDepth { throw EvaluationFailure("U1001", position: operatorToken.position) }
            left = try led(operatorToken, left)
        }
        return left
    }

    // MARK: Prefix positions

    private mutating func nud(_ token: Token) throws(EvaluationFailure) -> RawNode {
        let position = token.position
        switch token.kind {
        case .end:
            throw EvaluationFailure("S0207", position: position)
        case .name: return RawNode(.name(token.text), position)
        case .variable: return RawNode(.variable(token.text), position)
        case .number: return RawNode(.number(token.number), position)
        case .string: return RawNode(.string(token.text), position)
        case .value:
            switch token.text {
            case "true": return RawNode(.bool(true), position)
            case "false": return RawNode(.bool(false), position)
            default: return RawNode(.null, position)
            }
        case .regex: return RawNode(.regex(pattern: token.text, flags: token.regexFlags), position)
        case .operator: break
        }
        switch token.text {
        case "and", "or", "in":
            return RawNode(.name(token.text), position)
        case "-":
            let operand = try expression(70)
            return RawNode(.negate(operand), position)
        case "*": return RawNode(.wildcard, position)
        case "**": return RawNode(.descendant, position)
        case "%": return RawNode(.parent, position)
        case "(":
            var expressions: [RawNode] = []
            while !current.isOperator(")") {
                expressions.append(try expression(0))
                if !current.isOperator(";") { break }
                try advance(";")
            }
            try advance(")")
            return RawNode(.block(expressions), position)
        case "[":
            var items: [RawNode] = []
            if !current.isOperator("]") {
                while true {
                    var item = try expression(0)
                    if current.isOperator("..") {
                        let rangeToken = try advance("..")
                        item = RawNode(.binary("..", item, try expression(0)), rangeToken.position)
                    }
                    items.append(item)
                    if !current.isOperator(",") { break }
                    try advance(",")
                }
            }
            try advance("]")
            return RawNode(.arrayConstructor(items), position)
        case "{":
            return RawNode(.objectConstructor(try objectPairs()), position)
        case "|":
            let pattern = try expression(0)
            try advance("|")
            let update = try expression(0)
            var deletion: RawNode?
            if current.isOperator(",") {
                try advance(",")
                deletion = try expression(0)
            }
            try advance("|")
            return RawNode(.transform(pattern, update, deletion), position)
        default:
            throw EvaluationFailure("S0211", position: position, token: token.text)
        }
    }

    private mutating func objectPairs() throws(EvaluationFailure) -> [(RawNode, RawNode)] {
        var pairs: [(RawNode, RawNode)] = []
        if !current.isOperator("}") {
            while true {
                let key = try expression(0)
                try advance(":")
                let value = try expression(0)
                pairs.append((key, value))
                if !current.isOperator(",") { break }
                try advance(",")
            }
        }
        try advance("}")
        return pairs
    }

    // MARK: Infix positions

    private mutating func led(_ token: Token, _ left: RawNode) throws(EvaluationFailure) -> RawNode {
        let position = token.position
        let symbol = token.text
        switch symbol {
        case "(":
            var arguments: [RawNode] = []
            var isPartial = false
            if !current.isOperator(")") {
                while true {
                    if current.isOperator("?") {
                        isPartial = true
                        arguments.append(RawNode(.placeholder, current.position))
                        try advance("?")
                    } else {
                        arguments.append(try expression(0))
                    }
                    if !current.isOperator(",") { break }
                    try advance(",")
                }
            }
            try advance(")")
            if case .name(let name) = left.kind, name == "function" || name == "λ" {
                var parameters: [String] = []
                for (index, argument) in arguments.enumerated() {
                    guard case .variable(let parameter) = argument.kind else {
                        throw EvaluationFailure("S0208", position: argument.position, value: .some(.number(Double(index + 1))))
                    }
                    parameters.append(parameter)
                }
                var signature: Signature?
                if current.isOperator("<") {
                    let text = try lexer.scanSignature(openedAt: current.position)
                    signature = try Signature(text, position: current.position)
                    current = try lexer.next(regexAllowed: false)
                }
                try advance("{")
                let body = try expression(0)
                try advance("}")
                return RawNode(.lambda(parameters: parameters, signature: signature, body: body), position)
            }
            return RawNode(.call(left, arguments, partial: isPartial), position)
        case "[":
            if current.isOperator("]") {
                // `[]` keeps singleton arrays on the step it follows.
                var step = left
                while case .predicate(let inner, _) = step.kind { step = inner }
                step.keepArray = true
                try advance("]")
                return left
            }
            let predicate = try expression(Self.bindingPowers["]"] ?? 0)
            try advance("]")
            return RawNode(.predicate(left, predicate), position)
        case "{":
            return RawNode(.group(left, try objectPairs()), position)
        case "?":
            let then = try expression(0)
            var otherwise: RawNode?
            if current.isOperator(":") {
                try advance(":")
                otherwise = try expression(0)
            }
            return RawNode(.condition(left, then, otherwise), position)
        case "?:":
            return RawNode(.elvis(left, try expression(Self.bindingPowers["?:"] ?? 40)), position)
        case "??":
            return RawNode(.coalesce(left, try expression(Self.bindingPowers["??"] ?? 40)), position)
        case ":=":
            guard case .variable = left.kind else { throw EvaluationFailure("S0212", position: position) }
            return RawNode(.bind(left, try expression((Self.bindingPowers[":="] ?? 10) - 1)), position)
        case "@", "#":
            let variable = try expression(Self.bindingPowers[symbol] ?? 80)
            guard case .variable(let name) = variable.kind else {
                throw EvaluationFailure("S0214", position: variable.position, token: symbol)
            }
            return RawNode(symbol == "@" ? .focus(left, name) : .index(left, name), position)
        case "~>":
            return RawNode(.apply(left, try expression(Self.bindingPowers["~>"] ?? 40)), position)
        case "^":
            try advance("(")
            var terms: [(descending: Bool, expression: RawNode)] = []
            while true {
                var descending = false
                if current.isOperator("<") {
                    try advance("<")
                } else if current.isOperator(">") {
                    descending = true
                    try advance(">")
                }
                terms.append((descending, try expression(0)))
                if !current.isOperator(",") { break }
                try advance(",")
            }
            try advance(")")
            return RawNode(.sort(left, terms), position)
        default:
            guard let power = Self.bindingPowers[symbol], power > 0, token.kind == .operator else {
                throw EvaluationFailure("S0201", position: position, token: symbol)
            }
            let right = try expression(power)
            return RawNode(.binary(symbol, left, right), position)
        }
    }
}
