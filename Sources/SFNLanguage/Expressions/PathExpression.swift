import SFNJSON

/// What a `"key.$"` value or a `*Path` field holds in JSONPath mode: a path into the input
/// (`$.a`), into the context object (`$$.Execution.Id`), or into a variable (`$name.a[0]`).
public struct PathExpression: Sendable, Hashable, CustomStringConvertible {
    /// What the path reads: the input, the context object or a variable.
    public enum Kind: Sendable, Hashable {
        /// `$...`: evaluated against `scope.input`.
        case input
        /// `$$...`: evaluated against `scope.context`.
        case context
        /// `$name...`: evaluated against the variable's value.
        case variable(String)
    }

    /// The path as written.
    public let text: String
    /// What the path reads.
    public let kind: Kind
    /// The path applied to the input, the context object or the variable's value; rooted at
    /// `$` in all three cases (`$$.Execution` keeps `$.Execution`, `$x.a` keeps `$.a`).
    public let path: JSONPath

    /// Parses a path (`$.a`, `$$.Execution.Id`, `$var.x`).
    public init(_ text: String) throws(ExpressionSyntaxError) {
        self.text = text
        let trimmed = Substring(text)
        guard trimmed.hasPrefix("$") else {
            throw ExpressionSyntaxError("Invalid path '\(text)': a path must start with '$'", position: 0)
        }
        let afterDollar = trimmed.dropFirst()
        if afterDollar.hasPrefix("$") {
            kind = .context
            path = try Self.compile("$" + afterDollar.dropFirst(), original: text, offset: 1)
        } else if let first = afterDollar.unicodeScalars.first, Self.startsVariableName(first) {
            let name = afterDollar.prefix { $0 != "." && $0 != "[" }
            guard name.unicodeScalars.allSatisfy(Self.continuesVariableName) else {
                throw ExpressionSyntaxError("Invalid path '\(text)': '\(name)' is not a valid variable name", position: 1)
            }
            kind = .variable(String(name))
            path = try Self.compile("$" + afterDollar.dropFirst(name.count), original: text, offset: name.count)
        } else {
            kind = .input
            path = try Self.compile(String(trimmed), original: text, offset: 0)
        }
    }

    private static func compile(_ pathText: String, original: String, offset: Int) throws(ExpressionSyntaxError) -> JSONPath {
        do {
            return try JSONPath(pathText)
        } catch {
            var adjusted = error
            adjusted.message = "Invalid path '\(original)': " + Self.reason(error.message)
            adjusted.position = error.position.map { $0 + offset }
            throw adjusted
        }
    }

    /// The parser's message without its own "Invalid JSONPath '...': " prefix.
    private static func reason(_ message: String) -> String {
        guard let range = message.range(of: "': ") else { return message }
        return String(message[range.upperBound...])
    }

    private static func startsVariableName(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic
    }

    private static func continuesVariableName(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// The path as written.
    public var description: String { text }

    /// Reads the path at the start of `text`, as found inside an intrinsic function's argument
    /// list: it ends before a `,`, `)` or blank that is not inside brackets or quotes. Returns
    /// the compiled expression and how many characters it took.
    public static func leadingPath(in text: Substring) throws(ExpressionSyntaxError) -> (expression: PathExpression, length: Int) {
        var depth = 0
        var quote: Character?
        var escaped = false
        var end = text.startIndex
        scan: while end < text.endIndex {
            let character = text[end]
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == open { quote = nil }
            } else {
                switch character {
                case "'", "\"": if depth > 0 { quote = character }
                case "[": depth += 1
                case "]": depth -= 1
                case "(" where depth > 0: depth += 1
                case ")" where depth > 0: depth -= 1
                case ",", ")", " ", "\t", "\n", "\r": if depth == 0 { break scan }
                default: break
                }
            }
            end = text.index(after: end)
        }
        let pathText = String(text[..<end])
        return (try PathExpression(pathText), pathText.count)
    }

    /// Whether the path selects at most one value.
    public var isDefinite: Bool { path.isDefinite }

    /// The selected value; `nil` when nothing matches or the variable is not defined.
    /// Indefinite paths always produce an array.
    public func evaluate(_ scope: ExpressionScope) -> JSON? {
        switch kind {
        case .input: return path.query(scope.input)
        case .context: return path.query(scope.context)
        case .variable(let name): return scope.variable(name).flatMap(path.query)
        }
    }

    /// Like `evaluate`, with the reason for a miss.
    public func evaluateExplained(_ scope: ExpressionScope) -> Result<JSON, PathExpressionMiss> {
        let base: JSON
        switch kind {
        case .input: base = scope.input
        case .context: base = scope.context
        case .variable(let name):
            guard let value = scope.variable(name) else { return .failure(.undefinedVariable(name)) }
            base = value
        }
        return path.evaluate(base).mapError { .noMatch($0) }
    }
}

/// Why a path expression produced nothing.
public enum PathExpressionMiss: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path did not match; Jayway's explanation (e.g. `No results for path: $['a']`).
    case noMatch(JSONPathMiss)
    /// `$name` names no variable in scope.
    case undefinedVariable(String)

    /// The miss, as AWS words it.
    public var description: String {
        switch self {
        case .noMatch(let miss): miss.message
        case .undefinedVariable(let name): "The variable '\(name)' is not defined"
        }
    }
}

extension PathExpressionMiss {
    /// AWS's wording when a path field (`InputPath`, `OutputPath`, ...) selects nothing, without
    /// the "An error occurred while executing the state ..." prefix the runtime adds:
    /// `Invalid path '$.x' : No results for path: $['x']`.
    public func invalidPathCause(for expression: PathExpression) -> String {
        "Invalid path '\(expression.text)' : \(description)"
    }

    /// AWS's wording when a `"key.$"` entry of a payload template selects nothing:
    /// `The JSONPath '$.x' specified for the field 'key.$' could not be found in the input '{...}'`.
    public static func templateFieldCause(path: PathExpression, field: String, input: JSON) -> String {
        "The JSONPath '\(path.text)' specified for the field '\(field)' could not be found in the input '\(input.compactText)'"
    }
}
