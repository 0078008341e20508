import SFNJSON

/// Turns JSONPath text into steps, following Jayway's grammar (including its quirks: quoted
/// names are taken verbatim, backslashes only protect the closing quote; a slice's step is
/// ignored).
struct JSONPathParser {
    private let scalars: [Unicode.Scalar]
    private let text: String
    private(set) var position = 0
    /// Parentheses and negations inside filters recurse; hostile input must not exhaust the stack.
    private var nesting = 0
    static let maximumNesting = 100

    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }
    private var atEnd: Bool { position >= scalars.count }

    private func error(_ message: String, at offset: Int? = nil) -> ExpressionSyntaxError {
        ExpressionSyntaxError("Invalid JSONPath '\(text)': \(message)", position: offset ?? position)
    }

    private mutating func skipBlanks() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" { position += 1 }
    }

    private func string(_ range: Range<Int>) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[range])
        return String(result)
    }

    // MARK: Paths

    struct Parsed {
        var steps: [JSONPathStep]
        var function: JSONPathFunction?
        var isRelative: Bool
    }

    /// A whole path text (`$...`), which must be consumed entirely.
    mutating func parsePath(allowRelativeRoot: Bool) throws(ExpressionSyntaxError) -> Parsed {
        skipBlanks()
        let parsed = try parseSubPath(inFilter: false, allowRelativeRoot: allowRelativeRoot)
        skipBlanks()
        guard atEnd else { throw error("unexpected character '\(scalars[position])'") }
        return parsed
    }

    private mutating func parseSubPath(inFilter: Bool, allowRelativeRoot: Bool) throws(ExpressionSyntaxError) -> Parsed {
        let isRelative: Bool
        switch current {
        case "$": isRelative = false
        case "@" where allowRelativeRoot: isRelative = true
        default: throw error("a path must start with '$'")
        }
        position += 1
        var steps: [JSONPathStep] = []
        var function: JSONPathFunction?
        while let scalar = current {
            if inFilter && Self.endsFilterPath(scalar) { break }
            if function != nil { throw error("a function must be the last part of a path") }
            switch scalar {
            case ".":
                if peek(1) == "." {
                    position += 2
                    guard let next = current, !(inFilter && Self.endsFilterPath(next)) else {
                        throw error("a path must not end with '..'")
                    }
                    let target: JSONPathStep
                    if next == "[" {
                        target = try parseBracket()
                    } else if next == "*" {
                        position += 1
                        target = .wildcard
                    } else {
                        let (name, isFunction) = try parseDotName(inFilter: inFilter)
                        if isFunction { throw error("a function cannot follow '..'") }
                        target = .property(name)
                    }
                    steps.append(.descendants(target))
                } else {
                    position += 1
                    guard let next = current, !(inFilter && Self.endsFilterPath(next)) else {
                        throw error("a path must not end with '.'")
                    }
                    if next == "." { throw error("character '.' is not valid here", at: position) }
                    if next == "[" {
                        steps.append(try parseBracket())
                    } else if next == "*" {
                        position += 1
                        steps.append(.wildcard)
                    } else {
                        let (name, isFunction) = try parseDotName(inFilter: inFilter)
                        if isFunction {
                            function = try parseFunctionCall(named: name)
                        } else {
                            steps.append(.property(name))
                        }
                    }
                }
            case "[":
                steps.append(try parseBracket())
            default:
                throw error("unexpected character '\(scalar)'")
            }
        }
        return Parsed(steps: steps, function: function, isRelative: isRelative)
    }

    private static func endsFilterPath(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", ")", "=", "!", "<", ">", "&", "|", "~", ",", "]": true
        default: false
        }
    }

    /// A name after `.`: everything up to the next `.`, `[` or `(` (a `(` makes it a function).
    private mutating func parseDotName(inFilter: Bool) throws(ExpressionSyntaxError) -> (String, Bool) {
        let start = position
        while let scalar = current {
            if scalar == "." || scalar == "[" { break }
            if scalar == "(" { return (string(start..<position), true) }
            if inFilter && Self.endsFilterPath(scalar) { break }
            if scalar == " " {
                throw error("use bracket notation ['my prop'] for a name containing blanks")
            }
            position += 1
        }
        guard position > start else { throw error("a name is missing after '.'") }
        return (string(start..<position), false)
    }

    private mutating func parseFunctionCall(named name: String) throws(ExpressionSyntaxError) -> JSONPathFunction {
        guard let function = JSONPathFunction(rawValue: name) else {
            throw error("function '\(name)()' is not supported")
        }
        position += 1  // (
        skipBlanks()
        guard current == ")" else { throw error("function '\(name)()' takes no arguments") }
        position += 1
        return function
    }

    private mutating func parseBracket() throws(ExpressionSyntaxError) -> JSONPathStep {
        let open = position
        position += 1  // [
        skipBlanks()
        guard let first = current else { throw error("unclosed '['", at: open) }
        switch first {
        case "?":
            position += 1
            skipBlanks()
            guard current == "(" else { throw error("expected '(' after '[?'") }
            position += 1
            let filter = try parseOr()
            skipBlanks()
            guard current == ")" else { throw error("expected ')' to close the filter") }
            position += 1
            try expectClosingBracket(openedAt: open)
            return .filter(filter)
        case "*":
            position += 1
            try expectClosingBracket(openedAt: open)
            return .wildcard
        case "'", "\"":
            var names: [String] = []
            while true {
                skipBlanks()
                guard let quote = current, quote == "'" || quote == "\"" else {
                    throw error("expected a quoted name")
                }
                names.append(try readRawQuoted())
                skipBlanks()
                if current == "," {
                    position += 1
                    continue
                }
                break
            }
            try expectClosingBracket(openedAt: open)
            return names.count == 1 ? .property(names[0]) : .properties(names)
        default:
            let start = position
            while let scalar = current, scalar != "]" { position += 1 }
            guard current == "]" else { throw error("unclosed '['", at: open) }
            let content = string(start..<position).filter { $0 != " " }
            position += 1
            return try Self.indexStep(content, parser: self)
        }
    }

    private mutating func expectClosingBracket(openedAt open: Int) throws(ExpressionSyntaxError) {
        skipBlanks()
        guard current == "]" else { throw error("expected ']'", at: open) }
        position += 1
    }

    private static func indexStep(_ content: String, parser: JSONPathParser) throws(ExpressionSyntaxError) -> JSONPathStep {
        guard !content.isEmpty else { throw parser.error("empty brackets") }
        if content.contains(":") {
            guard content.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == ":") }) else {
                throw parser.error("failed to parse slice '\(content)'")
            }
            let bounds = content.split(separator: ":", omittingEmptySubsequences: false)
            let from = bounds.count > 0 ? Int(bounds[0]) : nil
            let to = bounds.count > 1 ? Int(bounds[1]) : nil
            if (bounds.count > 0 && !bounds[0].isEmpty && from == nil) || (bounds.count > 1 && !bounds[1].isEmpty && to == nil) {
                throw parser.error("failed to parse slice '\(content)'")
            }
            guard from != nil || to != nil else { throw parser.error("failed to parse slice '\(content)'") }
            return .slice(from: from, to: to)
        }
        var indexes: [Int] = []
        for part in content.split(separator: ",", omittingEmptySubsequences: false) {
            guard let index = Int(part) else { throw parser.error("'\(content)' is not an index") }
            indexes.append(index)
        }
        return indexes.count == 1 ? .index(indexes[0]) : .indexes(indexes)
    }

    /// A quoted name as Jayway reads it in brackets: a backslash keeps the next character
    /// from closing the name, and both are kept as written.
    private mutating func readRawQuoted() throws(ExpressionSyntaxError) -> String {
        let open = position
        guard let quote = current else { throw error("expected a quote") }
        position += 1
        let start = position
        var escaped = false
        while let scalar = current {
            if escaped {
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == quote {
                let name = string(start..<position)
                position += 1
                return name
            }
            position += 1
        }
        throw error("unclosed quote", at: open)
    }

    // MARK: Filters

    private mutating func parseOr() throws(ExpressionSyntaxError) -> JSONPathFilter {
        var left = try parseAnd()
        while true {
            skipBlanks()
            guard current == "|", peek(1) == "|" else { return left }
            position += 2
            left = .or(left, try parseAnd())
        }
    }

    private mutating func parseAnd() throws(ExpressionSyntaxError) -> JSONPathFilter {
        var left = try parseUnary()
        while true {
            skipBlanks()
            guard current == "&", peek(1) == "&" else { return left }
            position += 2
            left = .and(left, try parseUnary())
        }
    }

    private mutating func parseUnary() throws(ExpressionSyntaxError) -> JSONPathFilter {
        skipBlanks()
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maximumNesting { throw error("filter expressions nest more than \(Self.maximumNesting) deep") }
        if current == "!" && peek(1) != "=" {
            position += 1
            return .not(try parseUnary())
        }
        if current == "(" {
            position += 1
            let inner = try parseOr()
            skipBlanks()
            guard current == ")" else { throw error("expected ')'") }
            position += 1
            return inner
        }
        return try parseRelation()
    }

    private mutating func parseRelation() throws(ExpressionSyntaxError) -> JSONPathFilter {
        let left = try parseOperand()
        skipBlanks()
        guard let relation = try parseRelationOperator() else {
            guard case .path(let path) = left else { throw error("expected a comparison operator") }
            return .exists(path)
        }
        let right = try parseOperand()
        return .compare(left, relation, right)
    }

    private mutating func parseRelationOperator() throws(ExpressionSyntaxError) -> JSONPathRelation? {
        guard let scalar = current else { return nil }
        switch scalar {
        case "=", "!", "<", ">":
            let start = position
            while let next = current, next == "=" || next == "!" || next == "<" || next == ">" || next == "~" { position += 1 }
            let symbol = string(start..<position)
            guard let relation = JSONPathRelation(rawValue: symbol), relation.rawValue.first?.isLetter == false else {
                throw error("unknown operator '\(symbol)'", at: start)
            }
            return relation
        default:
            guard scalar.properties.isAlphabetic else { return nil }
            let start = position
            while let next = current, next.properties.isAlphabetic { position += 1 }
            let word = string(start..<position).lowercased()
            guard let relation = JSONPathRelation(rawValue: word), relation.rawValue.first?.isLetter == true else {
                position = start
                return nil
            }
            return relation
        }
    }

    private mutating func parseOperand() throws(ExpressionSyntaxError) -> JSONPathOperand {
        skipBlanks()
        guard let scalar = current else { throw error("a filter operand is missing") }
        switch scalar {
        case "@", "$":
            let start = position
            let parsed = try parseSubPath(inFilter: true, allowRelativeRoot: true)
            let pathText = "$" + string((start + 1)..<position)
            let path = JSONPath(text: pathText, steps: parsed.steps, function: parsed.function)
            return .path(JSONPathFilterPath(isRelative: parsed.isRelative, path: path))
        case "/":
            return .regex(try parseRegex())
        default:
            return .literal(try parseLiteral())
        }
    }

    private mutating func parseRegex() throws(ExpressionSyntaxError) -> JSONPathRegex {
        let open = position
        position += 1
        let start = position
        var escaped = false
        while let scalar = current {
            if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "/" { break }
            position += 1
        }
        guard current == "/" else { throw error("unclosed regular expression", at: open) }
        let pattern = string(start..<position)
        position += 1
        let flagsStart = position
        while let scalar = current, scalar.properties.isAlphabetic { position += 1 }
        return try JSONPathRegex(pattern: pattern, flags: string(flagsStart..<position))
    }

    private mutating func parseLiteral() throws(ExpressionSyntaxError) -> JSON {
        skipBlanks()
        guard let scalar = current else { throw error("a value is missing") }
        switch scalar {
        case "'", "\"":
            return .string(try readEscapedQuoted())
        case "-", "0"..."9":
            let start = position
            position += 1
            while let next = current, ("0"..."9").contains(next) || next == "." || next == "e" || next == "E" || next == "-" || next == "+"
            {
                position += 1
            }
            let literal = string(start..<position)
            if let integer = Int(literal) { return .int(integer) }
            guard let number = Double(literal) else { throw error("'\(literal)' is not a number", at: start) }
            return .double(number)
        case "[":
            position += 1
            var elements: [JSON] = []
            skipBlanks()
            if current == "]" {
                position += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseLiteral())
                skipBlanks()
                if current == "," {
                    position += 1
                    continue
                }
                guard current == "]" else { throw error("expected ']' to close the array") }
                position += 1
                return .array(elements)
            }
        case "{":
            let start = position
            var depth = 0
            var quote: Unicode.Scalar?
            var escaped = false
            while let next = current {
                position += 1
                if let open = quote {
                    if escaped { escaped = false } else if next == "\\" { escaped = true } else if next == open { quote = nil }
                    continue
                }
                if next == "\"" || next == "'" { quote = next }
                if next == "{" { depth += 1 }
                if next == "}" {
                    depth -= 1
                    if depth == 0 { break }
                }
            }
            guard depth == 0 else { throw error("unclosed '{'", at: start) }
            do {
                return try JSON(parsing: string(start..<position))
            } catch {
                throw self.error("invalid object literal", at: start)
            }
        default:
            let start = position
            while let next = current, next.properties.isAlphabetic { position += 1 }
            switch string(start..<position) {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: throw error("unexpected filter operand", at: start)
            }
        }
    }

    /// A string literal in a filter: Jayway unescapes these (`\'`, `\n`, `\u0041`, ...).
    private mutating func readEscapedQuoted() throws(ExpressionSyntaxError) -> String {
        let open = position
        guard let quote = current else { throw error("expected a quote") }
        position += 1
        var result = String.UnicodeScalarView()
        while let scalar = current {
            position += 1
            if scalar == quote { return String(result) }
            guard scalar == "\\" else {
                result.append(scalar)
                continue
            }
            guard let escaped = current else { break }
            position += 1
            switch escaped {
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "b": result.append("\u{08}")
            case "f": result.append("\u{0C}")
            case "u":
                guard position + 4 <= scalars.count,
                    let code = UInt32(string(position..<(position + 4)), radix: 16),
                    let decoded = Unicode.Scalar(code)
                else { throw error("invalid \\u escape") }
                result.append(decoded)
                position += 4
            default: result.append(escaped)
            }
        }
        throw error("unclosed string literal", at: open)
    }
}
