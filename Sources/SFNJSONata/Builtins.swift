import Foundation

/// The built-in functions as values, made once for all evaluations so that looking one up
/// allocates nothing and each keeps one identity (`$string = $string`).
enum SharedBuiltins {
    /// A native function value is immutable (its kind is a `let` holding a Sendable
    /// `NativeFunction`), so sharing it between threads is safe.
    private final class Table: @unchecked Sendable {
        let functions: [String: FunctionValue]
        init() { functions = Builtins.table.mapValues { FunctionValue(.native($0)) } }
    }

    private static let table = Table()
    static var functions: [String: FunctionValue] { table.functions }
}

/// JSONata's standard library.
enum Builtins {
    static let table: [String: NativeFunction] = {
        var functions: [NativeFunction] = []
        functions += stringFunctions
        functions += numericFunctions
        functions += collectionFunctions
        functions += higherOrderFunctions
        functions += DateTimeFunctions.functions
        functions += FormattingFunctions.functions
        var table: [String: NativeFunction] = [:]
        for function in functions { table[function.name] = function }
        return table
    }()

    // MARK: - Shared helpers

    static func append(_ first: Value?, _ second: Value?) -> Value? {
        guard let first else { return second }
        guard let second else { return first }
        var items: [Value]
        if case .array(let seq) = first { items = seq.items } else { items = [first] }
        if case .array(let seq) = second { items.append(contentsOf: seq.items) } else { items.append(second) }
        return .array(ValueSequence(items))
    }

    /// `$string` semantics, used by `&` as well.
    static func string(_ value: Value, pretty: Bool = false) throws(EvaluationFailure) -> String {
        switch value {
        case .string(let text): return text
        case .function: return ""
        case .number(let number):
            guard number.isFinite else { throw EvaluationFailure("D3001", value: .some(value)) }
            return NumberText.javaScript(NumberText.toPrecision15(number))
        case .array(let seq) where seq.outerWrapper:
            return ValueText.stringify(seq.items.first ?? .null, pretty: pretty)
        default:
            return ValueText.stringify(value, pretty: pretty)
        }
    }

    static func items(_ value: Value?) -> [Value] {
        switch value {
        case .array(let seq)?: seq.items
        case let single?: [single]
        case nil: []
        }
    }

    static func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    static func text(_ scalars: some Swift.Sequence<Unicode.Scalar>) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    /// Calls a function argument with as many of (value, index, array) as it declares.
    static func callback(
        _ evaluator: Evaluator, _ function: FunctionValue, _ value: Value?, _ index: Int,
        _ whole: Value?
    ) throws(EvaluationFailure) -> Value? {
        let arity = function.arity
        var arguments: [Value?] = [value]
        if arity >= 2 { arguments.append(.number(Double(index))) }
        if arity >= 3 { arguments.append(whole) }
        return try evaluator.apply(function, arguments, input: nil)
    }

    static func function(_ value: Value?) -> FunctionValue? {
        if case .function(let function)? = value { return function }
        return nil
    }

    static func sequence(_ items: [Value]) -> Value { .array(.sequence(items)) }

    // MARK: - Regular expressions

    /// Match objects (`match`, `index`, `groups`) in UTF-16 offsets, as JavaScript reports them.
    static func regexMatches(_ box: RegexBox, in text: String, limit: Int? = nil) throws(EvaluationFailure) -> [ObjectRef] {
        let nsText = text as NSString
        var results: [ObjectRef] = []
        for match in try box.matches(in: text, limit: limit) {
            let object = ObjectRef()
            object["match"] = .string(nsText.substring(with: match.range))
            object["index"] = .number(Double(match.range.location))
            var groups: [Value] = []
            if match.numberOfRanges > 1 {
                for group in 1..<match.numberOfRanges {
                    let range = match.range(at: group)
                    groups.append(.string(range.location == NSNotFound ? "" : nsText.substring(with: range)))
                }
            }
            object["groups"] = .array(groups)
            results.append(object)
        }
        return results
    }

    static func checkNonEmptyMatches(_ box: RegexBox, _ text: String) throws(EvaluationFailure) {
        let nsText = text as NSString
        for match in try box.matches(in: text) where match.range.length == 0 {
            throw EvaluationFailure("D1004", value: .some(.string(box.pattern)))
        }
    }

    // MARK: - String functions

    static let stringFunctions: [NativeFunction] = [
        NativeFunction("string", "<x-b?:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0] else { return nil }
            let pretty: Bool
            if case .bool(let flag)? = arguments[1] { pretty = flag } else { pretty = false }
            return .string(try string(value, pretty: pretty))
        },
        NativeFunction("length", "<s-:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            return .number(Double(text.unicodeScalars.count))
        },
        NativeFunction("substring", "<s-nn?:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0], case .number(let startValue)? = arguments[1] else { return nil }
            let characters = scalars(text)
            let count = characters.count
            var start = startValue.clampedInt()
            if count + start < 0 { start = 0 }
            func clamp(_ index: Int) -> Int {
                let resolved = index < 0 ? count + index : index
                return min(max(resolved, 0), count)
            }
            if case .number(let lengthValue)? = arguments[2] {
                if lengthValue <= 0 { return .string("") }
                let length = lengthValue.clampedInt()
                let end = start >= 0 ? start + length : count + start + length
                let from = clamp(start)
                let to = clamp(end)
                return .string(from < to ? Builtins.text(characters[from..<to]) : "")
            }
            return .string(Builtins.text(characters[clamp(start)...]))
        },
        NativeFunction("substringBefore", "<s-s:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            guard case .string(let marker)? = arguments[1] else { return .string(text) }
            guard let range = text.range(of: marker) else { return .string(text) }
            return .string(String(text[..<range.lowerBound]))
        },
        NativeFunction("substringAfter", "<s-s:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            guard case .string(let marker)? = arguments[1] else { return .string(text) }
            guard let range = text.range(of: marker) else { return .string(text) }
            return .string(String(text[range.upperBound...]))
        },
        NativeFunction("uppercase", "<s-:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            return .string(text.uppercased())
        },
        NativeFunction("lowercase", "<s-:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            return .string(text.lowercased())
        },
        NativeFunction("trim", "<s-:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            var result = ""
            var pendingSpace = false
            for scalar in text.unicodeScalars {
                if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                    pendingSpace = true
                } else {
                    if pendingSpace && !result.isEmpty { result += " " }
                    pendingSpace = false
                    result.unicodeScalars.append(scalar)
                }
            }
            return .string(result)
        },
        NativeFunction("pad", "<s-ns?:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0], case .number(let widthValue)? = arguments[1] else { return nil }
            var padding = " "
            if case .string(let custom)? = arguments[2], !custom.isEmpty { padding = custom }
            let width = Swift.min(Swift.max(widthValue.clampedInt(), -1_000_000), 1_000_000)
            let length = text.unicodeScalars.count
            let needed = abs(width) - length
            guard needed > 0 else { return .string(text) }
            let padScalars = scalars(padding)
            var fill: [Unicode.Scalar] = []
            while fill.count < needed { fill.append(contentsOf: padScalars) }
            let filler = Builtins.text(fill.prefix(needed))
            return .string(width > 0 ? text + filler : filler + text)
        },
        NativeFunction("contains", "<s-(sf):b>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            switch arguments[1] {
            case .string(let token)?: return .bool(token.isEmpty || text.contains(token))
            case .function(let function)?:
                guard case .regex(let box) = function.kind else {
                    throw EvaluationFailure("T0410", index: 2)
                }
                return .bool(!(try regexMatches(box, in: text, limit: 1)).isEmpty)
            default: return nil
            }
        },
        NativeFunction("split", "<s-(sf)n?:a<s>>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            var limit: Int?
            if case .number(let number)? = arguments[2] {
                if number < 0 { throw EvaluationFailure("D3020", value: .some(.number(number))) }
                limit = number.clampedInt(.down)
            }
            var parts: [String] = []
            switch arguments[1] {
            case .string(let separator)?:
                if separator.isEmpty {
                    parts = text.unicodeScalars.map { String(Character($0)) }
                } else {
                    parts = text.components(separatedBy: separator)
                }
            case .function(let function)?:
                guard case .regex(let box) = function.kind else { throw EvaluationFailure("T0410", index: 2) }
                let nsText = text as NSString
                var start = 0
                for match in try box.matches(in: text) {
                    if match.range.length == 0 && match.range.location == start && start == 0 && nsText.length == 0 { continue }
                    parts.append(nsText.substring(with: NSRange(location: start, length: match.range.location - start)))
                    start = match.range.location + match.range.length
                }
                parts.append(nsText.substring(from: start))
            default:
                return nil
            }
            if let limit { parts = Array(parts.prefix(limit)) }
            return .array(parts.map { .string($0) })
        },
        NativeFunction("join", "<a<s>s?:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0] else { return nil }
            var separator = ""
            if case .string(let custom)? = arguments[1] { separator = custom }
            return .string(items(value).compactMap { $0.stringValue }.joined(separator: separator))
        },
        NativeFunction("match", "<s-f<s:o>n?:a<o>>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            var limit: Int?
            if case .number(let number)? = arguments[2] {
                if number < 0 { throw EvaluationFailure("D3040", value: .some(.number(number))) }
                limit = number.clampedInt(.down)
            }
            guard case .function(let function)? = arguments[1], case .regex(let box) = function.kind else {
                throw EvaluationFailure("T0410", index: 2)
            }
            return sequence(try regexMatches(box, in: text, limit: limit).map { .object($0) })
        },
        NativeFunction("replace", "<s-(sf)(sf)n?:s>") { evaluator, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            var limit: Int?
            if case .number(let number)? = arguments[3] {
                if number < 0 { throw EvaluationFailure("D3011", value: .some(.number(number))) }
                limit = number.clampedInt(.down)
            }
            return .string(try replace(evaluator, text, pattern: arguments[1], replacement: arguments[2], limit: limit))
        },
        NativeFunction("base64encode", "<s-:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            return .string(Data(text.utf8).base64EncodedString())
        },
        NativeFunction("base64decode", "<s-:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            var padded = text.filter { !$0.isWhitespace }
            while padded.count % 4 != 0 { padded += "=" }
            guard let data = Data(base64Encoded: padded) else { return .string("") }
            return .string(String(decoding: data, as: UTF8.self))
        },
        NativeFunction("encodeUrlComponent", "<s-:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            return .string(percentEncode(text, keeping: unreservedComponent))
        },
        NativeFunction("encodeUrl", "<s-:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            return .string(percentEncode(text, keeping: unreservedURL))
        },
        NativeFunction("decodeUrlComponent", "<s-:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            guard let decoded = percentDecode(text, preserving: []) else {
                throw EvaluationFailure("D3140", token: "decodeUrlComponent", value: .some(.string(text)))
            }
            return .string(decoded)
        },
        NativeFunction("decodeUrl", "<s-:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            guard let decoded = percentDecode(text, preserving: Set(";,/?:@&=+$#".utf8)) else {
                throw EvaluationFailure("D3140", token: "decodeUrl", value: .some(.string(text)))
            }
            return .string(decoded)
        },
        NativeFunction("eval", "<sx?:x>") { evaluator, arguments, input throws(EvaluationFailure) in
            guard case .string(let source)? = arguments[0] else { return nil }
            let node: Node
            do throws(EvaluationFailure) {
                node = try Compiler.compileRoot(try Parser.parse(source))
            } catch {
                throw EvaluationFailure("D3120", value: .some(.string(error.publicError.message)))
            }
            var context = arguments.count > 1 ? arguments[1] : nil
            if arguments.count < 2 || arguments[1] == nil { context = input }
            if case .array(var seq)? = context, !seq.isSequence {
                seq = ValueSequence([.array(seq)], isSequence: true)
                seq.outerWrapper = true
                context = .array(seq)
            }
            do throws(EvaluationFailure) {
                return try evaluator.evaluate(node, context, evaluator.rootFrame)
            } catch {
                throw EvaluationFailure("D3121", value: .some(.string(error.publicError.message)))
            }
        },
    ]

    private static let unreservedComponent: Set<UInt8> = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".utf8)
    private static let unreservedURL: Set<UInt8> = unreservedComponent.union(Set(";,/?:@&=+$#".utf8))

    static func percentEncode(_ text: String, keeping allowed: Set<UInt8>) -> String {
        var result = ""
        for byte in text.utf8 {
            if allowed.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    static func percentDecode(_ text: String, preserving reserved: Set<UInt8>) -> String? {
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "%") {
                guard index + 2 < source.count,
                    let byte = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
                else { return nil }
                if reserved.contains(byte) {
                    bytes.append(contentsOf: source[index...(index + 2)])
                } else {
                    bytes.append(byte)
                }
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(bytes: bytes, encoding: .utf8)
    }

    static func replace(
        _ evaluator: Evaluator, _ text: String, pattern: Value?, replacement: Value?,
        limit: Int?
    ) throws(EvaluationFailure) -> String {
        switch pattern {
        case .string(let token)?:
            if token.isEmpty { throw EvaluationFailure("D3010") }
            guard case .string(let substitute)? = replacement else {
                throw EvaluationFailure("T0410", index: 3)
            }
            var result = ""
            var rest = Substring(text)
            var count = 0
            while let range = rest.range(of: token), limit.map({ count < $0 }) ?? true {
                result += rest[..<range.lowerBound]
                result += substitute
                rest = rest[range.upperBound...]
                count += 1
            }
            return result + rest
        case .function(let function)?:
            guard case .regex(let box) = function.kind else { throw EvaluationFailure("T0410", index: 2) }
            let nsText = text as NSString
            var result = ""
            var position = 0
            var count = 0
            for match in try box.matches(in: text) {
                if let limit, count >= limit { break }
                if match.range.length == 0 { throw EvaluationFailure("D1004", value: .some(.string(box.pattern))) }
                result += nsText.substring(with: NSRange(location: position, length: match.range.location - position))
                var groups: [String] = []
                if match.numberOfRanges > 1 {
                    for group in 1..<match.numberOfRanges {
                        let range = match.range(at: group)
                        groups.append(range.location == NSNotFound ? "" : nsText.substring(with: range))
                    }
                }
                let matched = nsText.substring(with: match.range)
                switch replacement {
                case .string(let template)?:
                    result += expandReplacement(template, matched: matched, groups: groups)
                case .function(let replacer)?:
                    let object = ObjectRef()
                    object["match"] = .string(matched)
                    object["index"] = .number(Double(match.range.location))
                    object["groups"] = .array(groups.map { .string($0) })
                    let produced = try evaluator.apply(replacer, [.object(object)], input: nil)
                    guard case .string(let piece)? = produced else {
                        throw EvaluationFailure("D3012", value: .some(produced))
                    }
                    result += piece
                default:
                    throw EvaluationFailure("T0410", index: 3)
                }
                position = match.range.location + match.range.length
                count += 1
            }
            return result + nsText.substring(from: position)
        default:
            return text
        }
    }

    /// `$0` is the match, `$n` a group (using as many digits as name an existing group), `$$` a dollar.
    static func expandReplacement(_ template: String, matched: String, groups: [String]) -> String {
        let characters = Array(template)
        var result = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "$", index + 1 < characters.count else {
                result.append(character)
                index += 1
                continue
            }
            let next = characters[index + 1]
            if next == "$" {
                result += "$"
                index += 2
                continue
            }
            guard next.isASCII, next.isNumber else {
                result.append(character)
                index += 1
                continue
            }
            var digits = ""
            var cursor = index + 1
            while cursor < characters.count, characters[cursor].isASCII, characters[cursor].isNumber {
                digits.append(characters[cursor])
                cursor += 1
            }
            while digits.count > 1, let number = Int(digits), number > groups.count {
                digits.removeLast()
                cursor -= 1
            }
            let number = Int(digits) ?? 0
            if number == 0 {
                result += matched
            } else if number <= groups.count {
                result += groups[number - 1]
            }
            index = cursor
        }
        return result
    }
}
