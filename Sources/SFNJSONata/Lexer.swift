/// Splits a JSONata expression into tokens on demand. Positions count Unicode scalars and,
/// as in jsonata, point just past the token.
struct Token {
    enum Kind: Equatable {
        case name, variable, number, string, value, regex, `operator`, end
    }

    var kind: Kind
    /// Operator symbol, name, variable name (without `$`), string contents, or literal spelling.
    var text: String
    var number: Double = 0
    var regexFlags: String = ""
    var position: Int

    func isOperator(_ symbol: String) -> Bool { kind == .operator && text == symbol }
}

struct Lexer {
    private let scalars: [Unicode.Scalar]
    private(set) var offset = 0

    static let singleCharacterOperators: Set<Unicode.Scalar> = [
        ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?", "+", "-", "*", "/", "%", "|",
        "=", "<", ">", "^", "&", "!", "~",
    ]

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let index = offset + ahead
        return index < scalars.count ? scalars[index] : nil
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{A0}", "\u{FEFF}": true
        default: scalar.properties.isWhitespace
        }
    }

    mutating func next(regexAllowed: Bool) throws(EvaluationFailure) -> Token {
        while true {
            while let scalar = peek(), Self.isWhitespace(scalar) { offset += 1 }
            if peek() == "/" && peek(1) == "*" {
                let start = offset
                offset += 2
                while true {
                    guard let scalar = peek() else {
                        throw EvaluationFailure("S0106", position: start)
                    }
                    if scalar == "*" && peek(1) == "/" {
                        offset += 2
                        break
                    }
                    offset += 1
                }
                continue
            }
            break
        }
        guard let current = peek() else { return Token(kind: .end, text: "(end)", position: offset) }

        if regexAllowed && current == "/" { return try scanRegex() }

        let twoCharacterOperators: [(Unicode.Scalar, Unicode.Scalar, String)] = [
            (".", ".", ".."), (":", "=", ":="), ("!", "=", "!="), (">", "=", ">="), ("<", "=", "<="),
            ("*", "*", "**"), ("~", ">", "~>"), ("?", ":", "?:"), ("?", "?", "??"),
        ]
        if let following = peek(1) {
            for (first, second, symbol) in twoCharacterOperators where current == first && following == second {
                offset += 2
                return Token(kind: .operator, text: symbol, position: offset)
            }
        }
        if Self.singleCharacterOperators.contains(current) {
            offset += 1
            return Token(kind: .operator, text: String(Character(current)), position: offset)
        }
        if current == "\"" || current == "'" { return try scanString(quote: current) }
        if ("0"..."9").contains(current) { return try scanNumber() }
        if current == "`" {
            let start = offset + 1
            var end = start
            while end < scalars.count && scalars[end] != "`" { end += 1 }
            guard end < scalars.count else { throw EvaluationFailure("S0105", position: offset) }
            offset = end + 1
            return Token(kind: .name, text: text(start, end), position: offset)
        }
        // A name or variable runs until whitespace or an operator character.
        let start = offset
        var end = offset
        while end < scalars.count, !Self.isWhitespace(scalars[end]),
            !Self.singleCharacterOperators.contains(scalars[end])
        {
            end += 1
        }
        offset = end
        if scalars[start] == "$" {
            return Token(kind: .variable, text: text(start + 1, end), position: offset)
        }
        let word = text(start, end)
        switch word {
        case "and", "or", "in": return Token(kind: .operator, text: word, position: offset)
        case "true", "false", "null": return Token(kind: .value, text: word, position: offset)
        default: return Token(kind: .name, text: word, position: offset)
        }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[start..<end])
        return result
    }

    /// The raw text of a function signature, starting at the current offset just after `<`;
    /// leaves the offset after the matching `>`.
    mutating func scanSignature(openedAt position: Int) throws(EvaluationFailure) -> String {
        var depth = 1
        var result = "<"
        while let scalar = peek() {
            offset += 1
            result.unicodeScalars.append(scalar)
            if scalar == "<" { depth += 1 }
            if scalar == ">" {
                depth -= 1
                if depth == 0 { return result }
            }
        }
        throw EvaluationFailure("S0203", position: offset, value: .some(.string(">")))
    }

    private mutating func scanRegex() throws(EvaluationFailure) -> Token {
        offset += 1
        let start = offset
        var depth = 0
        while let scalar = peek() {
            if scalar == "/" && scalars[offset - 1] != "\\" && depth == 0 {
                let pattern = text(start, offset)
                if pattern.isEmpty { throw EvaluationFailure("S0301", position: offset) }
                offset += 1
                var flags = ""
                while let flag = peek(), "gimsuy".unicodeScalars.contains(flag) {
                    flags.unicodeScalars.append(flag)
                    offset += 1
                }
                return Token(kind: .regex, text: pattern, regexFlags: flags, position: offset)
            }
            if (scalar == "(" || scalar == "[" || scalar == "{") && scalars[offset - 1] != "\\" { depth += 1 }
            if (scalar == ")" || scalar == "]" || scalar == "}") && scalars[offset - 1] != "\\" { depth -= 1 }
            offset += 1
        }
        throw EvaluationFailure("S0302", position: offset)
    }

    private mutating func scanString(quote: Unicode.Scalar) throws(EvaluationFailure) -> Token {
        offset += 1
        var value = ""
        while let scalar = peek() {
            offset += 1
            if scalar == quote {
                return Token(kind: .string, text: value, position: offset)
            }
            if scalar != "\\" {
                value.unicodeScalars.append(scalar)
                continue
            }
            guard let escaped = peek() else { break }
            offset += 1
            switch escaped {
            case "\"": value += "\""
            case "\\": value += "\\"
            case "/": value += "/"
            case "b": value += "\u{08}"
            case "f": value += "\u{0C}"
            case "n": value += "\n"
            case "r": value += "\r"
            case "t": value += "\t"
            case "u":
                var units: [UInt16] = [try hexUnit()]
                // A surrogate pair is written as two escapes.
                if UTF16.isLeadSurrogate(units[0]), peek() == "\\", peek(1) == "u" {
                    offset += 2
                    units.append(try hexUnit())
                }
                value += String(decoding: units, as: UTF16.self)
            default:
                throw EvaluationFailure("S0103", position: offset, token: String(Character(escaped)))
            }
        }
        throw EvaluationFailure("S0101", position: offset)
    }

    private mutating func hexUnit() throws(EvaluationFailure) -> UInt16 {
        guard offset + 4 <= scalars.count, let unit = UInt16(text(offset, offset + 4), radix: 16) else {
            throw EvaluationFailure("S0104", position: offset)
        }
        offset += 4
        return unit
    }

    private mutating func scanNumber() throws(EvaluationFailure) -> Token {
        let start = offset
        func digits() { while let scalar = peek(), ("0"..."9").contains(scalar) { offset += 1 } }
        if peek() == "0" { offset += 1 } else { digits() }
        if peek() == ".", let after = peek(1), ("0"..."9").contains(after) {
            offset += 1
            digits()
        }
        if peek() == "e" || peek() == "E" {
            var lookahead = 1
            if peek(1) == "+" || peek(1) == "-" { lookahead = 2 }
            if let after = peek(lookahead), ("0"..."9").contains(after) {
                offset += lookahead
                digits()
            }
        }
        let spelling = text(start, offset)
        guard let number = Double(spelling), number.isFinite else {
            throw EvaluationFailure("S0102", position: offset, token: spelling)
        }
        return Token(kind: .number, text: spelling, number: number, position: offset)
    }
}
