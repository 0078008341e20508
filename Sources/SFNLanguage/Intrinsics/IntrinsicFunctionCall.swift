import SFNJSON

/// A parsed intrinsic function call such as `States.Format('Hello {}', $.name)`: parsed once
/// when the definition loads, evaluated for every state entry.
public struct IntrinsicFunctionCall: Sendable, Hashable {
    /// The expression exactly as written in the definition.
    public let text: String
    let function: IntrinsicFunction
    let arguments: [IntrinsicArgument]

    /// AWS allows up to 10 intrinsic calls nested inside one field.
    public static let maximumNesting = 10

    /// Parses `States.Name(arguments...)`.
    public init(parsing text: String) throws(ExpressionSyntaxError) {
        var parser = IntrinsicParser(text: text)
        let call = try parser.parseWholeCall()
        self.text = text
        self.function = call.function
        self.arguments = call.arguments
    }

    init(text: String, function: IntrinsicFunction, arguments: [IntrinsicArgument]) {
        self.text = text
        self.function = function
        self.arguments = arguments
    }

    /// True when the text is meant as an intrinsic call (`States.` then a name and `(`), which is
    /// how a `.$` field tells a call from a path.
    public static func looksLikeCall(_ text: String) -> Bool {
        let trimmed = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard trimmed.hasPrefix("States.") else { return false }
        let rest = trimmed.dropFirst("States.".count)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard !name.isEmpty else { return false }
        return rest.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }.hasPrefix("(")
    }

    /// Evaluates the call. `field` names the template field (`key.$`) for AWS's path-failure
    /// message; leave it out when the call does not sit in a template.
    public func evaluate(_ scope: ExpressionScope, field: String? = nil) throws(StatesError) -> JSON {
        let context = IntrinsicEvaluationContext(scope: scope, field: field)
        return try function.apply(to: arguments, in: context)
    }
}

/// One argument of an intrinsic call.
indirect enum IntrinsicArgument: Sendable, Hashable {
    /// A number, `true`, `false` or `null` literal.
    case literal(JSON)
    /// A quoted string literal, with its States.Format reading precomputed (escaped braces
    /// are never placeholders).
    case string(String, format: FormatTemplate)
    case path(PathExpression)
    case call(IntrinsicFunctionCall)
    /// A string literal with a backslash that escapes nothing AWS reserves (`'`, `{`, `}`,
    /// `\\`): AWS documents this as an error raised when the call runs, not when it loads.
    case invalidEscape(String)
}

/// What evaluation needs besides the arguments: the scope and the field for messages.
struct IntrinsicEvaluationContext {
    let scope: ExpressionScope
    let field: String?

    func value(of argument: IntrinsicArgument) throws(StatesError) -> JSON {
        switch argument {
        case .literal(let value): return value
        case .string(let value, _): return .string(value)
        case .path(let path):
            guard let value = path.evaluate(scope) else { throw pathNotFound(path) }
            return value
        case .call(let call): return try call.function.apply(to: call.arguments, in: self)
        case .invalidEscape(let literal):
            throw .intrinsicFailure(
                "Invalid escape sequence in the string literal '\(literal)': only \\', \\{, \\} and \\\\ may follow a backslash")
        }
    }

    func pathNotFound(_ path: PathExpression) -> StatesError {
        if let field {
            return .runtime(PathExpressionMiss.templateFieldCause(path: path, field: field, input: scope.input))
        }
        return .runtime("The JSONPath '\(path.text)' could not be found in the input '\(scope.input.compactText)'")
    }
}

// MARK: - Parsing

/// Recursive-descent reader of the intrinsic grammar: `States.Name(arg, ...)` where an argument
/// is a quoted string, a number, `true`/`false`/`null`, a path starting with `$`, or a call.
struct IntrinsicParser {
    private let text: String
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    mutating func parseWholeCall() throws(ExpressionSyntaxError) -> IntrinsicFunctionCall {
        skipSpaces()
        let call = try parseCall(depth: 1)
        skipSpaces()
        guard position == scalars.count else {
            throw failure("Unexpected text after the closing parenthesis")
        }
        return call
    }

    private func failure(_ message: String) -> ExpressionSyntaxError {
        ExpressionSyntaxError("Invalid intrinsic function '\(text)': \(message)", position: position)
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func skipSpaces() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            position += 1
        }
    }

    private mutating func parseCall(depth: Int) throws(ExpressionSyntaxError) -> IntrinsicFunctionCall {
        guard depth <= IntrinsicFunctionCall.maximumNesting else {
            throw failure("More than \(IntrinsicFunctionCall.maximumNesting) nested intrinsic functions")
        }
        let start = position
        var name = ""
        while let scalar = current, scalar == "." || scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
            name.unicodeScalars.append(scalar)
            position += 1
        }
        guard let function = IntrinsicFunction(rawValue: name) else {
            position = start
            throw failure(name.isEmpty ? "Expected an intrinsic function name" : "Unknown intrinsic function '\(name)'")
        }
        skipSpaces()
        guard current == "(" else { throw failure("Expected '(' after \(name)") }
        position += 1
        var arguments: [IntrinsicArgument] = []
        skipSpaces()
        if current == ")" {
            position += 1
        } else {
            while true {
                skipSpaces()
                arguments.append(try parseArgument(depth: depth))
                skipSpaces()
                if current == "," {
                    position += 1
                    continue
                }
                if current == ")" {
                    position += 1
                    break
                }
                throw failure(current == nil ? "Missing ')'" : "Expected ',' or ')'")
            }
        }
        try function.checkArgumentCount(arguments.count, text: text)
        let callText = String(String.UnicodeScalarView(scalars[start..<position]))
        return IntrinsicFunctionCall(text: callText, function: function, arguments: arguments)
    }

    private mutating func parseArgument(depth: Int) throws(ExpressionSyntaxError) -> IntrinsicArgument {
        guard let scalar = current else { throw failure("Missing argument") }
        switch scalar {
        case "'":
            return try parseStringLiteral()
        case "$":
            return .path(try parsePath())
        case "-", "0"..."9":
            return .literal(try parseNumber())
        default:
            if matchWord("true") { return .literal(.bool(true)) }
            if matchWord("false") { return .literal(.bool(false)) }
            if matchWord("null") { return .literal(.null) }
            if scalar.properties.isAlphabetic {
                return .call(try parseCall(depth: depth + 1))
            }
            throw failure("Unexpected character '\(scalar)'")
        }
    }

    /// Consumes a keyword when it stands alone (followed by a separator, not more name).
    private mutating func matchWord(_ word: String) -> Bool {
        let wordScalars = Array(word.unicodeScalars)
        guard position + wordScalars.count <= scalars.count,
            Array(scalars[position..<position + wordScalars.count]) == wordScalars
        else { return false }
        let after = position + wordScalars.count
        if after < scalars.count {
            let next = scalars[after]
            guard next == "," || next == ")" || next == " " || next == "\t" || next == "\n" || next == "\r" else { return false }
        }
        position = after
        return true
    }

    private mutating func parseStringLiteral() throws(ExpressionSyntaxError) -> IntrinsicArgument {
        position += 1  // opening quote
        let start = position
        var value = ""
        var pieces = FormatTemplate.Builder()
        var hasInvalidEscape = false
        while true {
            guard let scalar = current else { throw failure("Unterminated string literal") }
            position += 1
            switch scalar {
            case "'":
                if hasInvalidEscape {
                    return .invalidEscape(String(String.UnicodeScalarView(scalars[start..<position - 1])))
                }
                return .string(value, format: pieces.finish())
            case "\\":
                guard let escaped = current else { throw failure("Unterminated string literal") }
                position += 1
                switch escaped {
                case "'", "{", "}", "\\":
                    value.unicodeScalars.append(escaped)
                    pieces.appendLiteral(escaped)
                default:
                    hasInvalidEscape = true
                }
            case "{" where current == "}":
                position += 1
                value += "{}"
                pieces.appendPlaceholder()
            default:
                value.unicodeScalars.append(scalar)
                pieces.appendLiteral(scalar)
            }
        }
    }

    private mutating func parseNumber() throws(ExpressionSyntaxError) -> JSON {
        let start = position
        if current == "-" { position += 1 }
        var isReal = false
        while let scalar = current,
            ("0"..."9").contains(scalar) || scalar == "." || scalar == "e" || scalar == "E"
                || ((scalar == "+" || scalar == "-") && (scalars[position - 1] == "e" || scalars[position - 1] == "E"))
        {
            if scalar == "." || scalar == "e" || scalar == "E" { isReal = true }
            position += 1
        }
        let literal = String(String.UnicodeScalarView(scalars[start..<position]))
        if !isReal, let integer = Int(literal) { return .int(integer) }
        guard let real = Double(literal), real.isFinite else {
            position = start
            throw failure("Invalid number '\(literal)'")
        }
        return .double(real)
    }

    /// A path runs to the next `,`, `)` or blank outside brackets and quotes (the shared JSONPath
    /// reader decides), so filters such as `$.a[?(@.b == 'x, y')]` stay whole.
    private mutating func parsePath() throws(ExpressionSyntaxError) -> PathExpression {
        let rest = String(String.UnicodeScalarView(scalars[position...]))
        do {
            let (expression, _) = try PathExpression.leadingPath(in: Substring(rest))
            position += expression.text.unicodeScalars.count
            return expression
        } catch {
            throw failure(error.message)
        }
    }
}

// MARK: - States.Format templates

/// The pieces of a States.Format first argument: literal text and `{}` placeholders.
struct FormatTemplate: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        case text(String)
        case placeholder
    }

    var pieces: [Piece]

    var placeholderCount: Int { pieces.count { $0 == .placeholder } }

    /// Reads a template that arrived as data (through a path): every `{}` is a placeholder.
    init(dynamic text: String) {
        var builder = Builder()
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            let next = scalars.next()
            if scalar == "{" && next == "}" {
                builder.appendPlaceholder()
                pending = scalars.next()
            } else {
                builder.appendLiteral(scalar)
                pending = next
            }
        }
        self = builder.finish()
    }

    init(pieces: [Piece]) { self.pieces = pieces }

    struct Builder {
        private var pieces: [Piece] = []
        private var text = ""

        mutating func appendLiteral(_ scalar: Unicode.Scalar) { text.unicodeScalars.append(scalar) }

        mutating func appendPlaceholder() {
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
            pieces.append(.placeholder)
        }

        mutating func finish() -> FormatTemplate {
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
            return FormatTemplate(pieces: pieces)
        }
    }
}
