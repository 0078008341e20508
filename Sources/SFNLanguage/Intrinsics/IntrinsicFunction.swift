import SFNJSON

/// The intrinsic functions AWS offers, by their names in definitions.
enum IntrinsicFunction: String, Sendable, Hashable, CaseIterable {
    case format = "States.Format"
    case stringToJson = "States.StringToJson"
    case jsonToString = "States.JsonToString"
    case array = "States.Array"
    case arrayPartition = "States.ArrayPartition"
    case arrayContains = "States.ArrayContains"
    case arrayRange = "States.ArrayRange"
    case arrayGetItem = "States.ArrayGetItem"
    case arrayLength = "States.ArrayLength"
    case arrayUnique = "States.ArrayUnique"
    case base64Encode = "States.Base64Encode"
    case base64Decode = "States.Base64Decode"
    case hash = "States.Hash"
    case jsonMerge = "States.JsonMerge"
    case mathRandom = "States.MathRandom"
    case mathAdd = "States.MathAdd"
    case stringSplit = "States.StringSplit"
    case uuid = "States.UUID"

    /// AWS's size limits on encoded, decoded and hashed data, in characters as Java counts them
    /// (UTF-16 code units).
    static let maximumEncodeLength = 10_000
    static let maximumHashInputLength = 10_000
    /// States.ArrayRange builds at most this many elements.
    static let maximumRangeLength = 1000

    var allowedArgumentCounts: ClosedRange<Int> {
        switch self {
        case .format: 1...Int.max
        case .array: 0...Int.max
        case .uuid: 0...0
        case .stringToJson, .jsonToString, .arrayLength, .arrayUnique, .base64Encode, .base64Decode: 1...1
        case .arrayPartition, .arrayContains, .arrayGetItem, .hash, .mathAdd, .stringSplit: 2...2
        case .arrayRange, .jsonMerge: 3...3
        case .mathRandom: 2...3
        }
    }

    func checkArgumentCount(_ count: Int, text: String) throws(ExpressionSyntaxError) {
        let allowed = allowedArgumentCounts
        guard !allowed.contains(count) else { return }
        let expected: String
        if allowed.upperBound == Int.max {
            expected = "at least \(allowed.lowerBound)"
        } else if allowed.lowerBound == allowed.upperBound {
            expected = "\(allowed.lowerBound)"
        } else {
            expected = "\(allowed.lowerBound) to \(allowed.upperBound)"
        }
        throw ExpressionSyntaxError(
            "Invalid intrinsic function '\(text)': \(rawValue) takes \(expected) argument\(expected == "1" ? "" : "s"), got \(count)"
        )
    }

    /// A States.IntrinsicFailure naming this function.
    func failure(_ detail: String) -> StatesError {
        .intrinsicFailure("Invalid arguments in \(rawValue): \(detail)")
    }

    func apply(to arguments: [IntrinsicArgument], in context: IntrinsicEvaluationContext) throws(StatesError) -> JSON {
        switch self {
        case .format: return try format(arguments, context)
        case .stringToJson: return try stringToJson(context.value(of: arguments[0]))
        case .jsonToString: return .string(try context.value(of: arguments[0]).compactText)
        case .array:
            var elements: [JSON] = []
            elements.reserveCapacity(arguments.count)
            for argument in arguments { elements.append(try context.value(of: argument)) }
            return .array(elements)
        case .arrayPartition: return try arrayPartition(context.value(of: arguments[0]), context.value(of: arguments[1]))
        case .arrayContains:
            let array = try requireArray(context.value(of: arguments[0]), position: "first")
            let wanted = try context.value(of: arguments[1])
            return .bool(array.contains { JavaValueKey.equal($0, wanted) })
        case .arrayRange:
            return try arrayRange(context.value(of: arguments[0]), context.value(of: arguments[1]), context.value(of: arguments[2]))
        case .arrayGetItem: return try arrayGetItem(context.value(of: arguments[0]), context.value(of: arguments[1]))
        case .arrayLength: return .int(try requireArray(context.value(of: arguments[0]), position: "first").count)
        case .arrayUnique: return .array(unique(try requireArray(context.value(of: arguments[0]), position: "first")))
        case .base64Encode: return try base64Encode(context.value(of: arguments[0]))
        case .base64Decode: return try base64Decode(context.value(of: arguments[0]))
        case .hash: return try hash(context.value(of: arguments[0]), context.value(of: arguments[1]))
        case .jsonMerge:
            return try jsonMerge(context.value(of: arguments[0]), context.value(of: arguments[1]), context.value(of: arguments[2]))
        case .mathRandom:
            // Written out because `nil` would otherwise become JSON's own null literal.
            var seed: JSON?
            if arguments.count > 2 { seed = try context.value(of: arguments[2]) }
            return try mathRandom(context.value(of: arguments[0]), context.value(of: arguments[1]), seed: seed, scope: context.scope)
        case .mathAdd: return try mathAdd(context.value(of: arguments[0]), context.value(of: arguments[1]))
        case .stringSplit: return try stringSplit(context.value(of: arguments[0]), context.value(of: arguments[1]))
        case .uuid: return .string(UUIDs.make(context.scope.random))
        }
    }

    // MARK: Argument checks

    private func requireArray(_ value: JSON, position: String) throws(StatesError) -> [JSON] {
        guard case .array(let elements) = value else {
            throw failure("the \(position) argument must be an array, but was \(value.typeName) \(value.compactText)")
        }
        return elements
    }

    private func requireString(_ value: JSON, position: String) throws(StatesError) -> String {
        guard case .string(let text) = value else {
            throw failure("the \(position) argument must be a string, but was \(value.typeName) \(value.compactText)")
        }
        return text
    }

    /// An integer argument. Every intrinsic treats a number the way AWS's States.MathAdd is
    /// recorded to: a fraction is rounded half up (Java's Math.round: 1.5 is 2, -1.5 is -1, -1.51
    /// is -2). A non-number, or a number outside `range`, is an error naming the argument.
    private func requireInteger(
        _ value: JSON, position: String, range: ClosedRange<Int> = Int.min...Int.max
    ) throws(StatesError) -> Int {
        let rounded: Double
        switch value {
        case .int(let integer):
            guard range.contains(integer) else { throw outOfRange(value, position: position, range) }
            return integer
        case .double(let real): rounded = (real + 0.5).rounded(.down)
        default:
            throw failure("the \(position) argument must be an integer, but was \(value.typeName) \(value.compactText)")
        }
        // Doubles at and past 2^63 do not convert; Int(exactly:) refuses them instead of trapping.
        guard let integer = Int(exactly: rounded), range.contains(integer) else { throw outOfRange(value, position: position, range) }
        return integer
    }

    private func outOfRange(_ value: JSON, position: String, _ range: ClosedRange<Int>) -> StatesError {
        failure("the \(position) argument \(value.compactText) is outside the range \(range.lowerBound) to \(range.upperBound)")
    }

    // MARK: Generic and JSON

    private func format(_ arguments: [IntrinsicArgument], _ context: IntrinsicEvaluationContext) throws(StatesError) -> JSON {
        let template: FormatTemplate
        switch arguments[0] {
        case .string(_, let format): template = format
        default:
            let first = try context.value(of: arguments[0])
            template = FormatTemplate(dynamic: try requireString(first, position: "first"))
        }
        let valueCount = arguments.count - 1
        guard template.placeholderCount == valueCount else {
            throw failure("the format string has \(template.placeholderCount) placeholder(s) but \(valueCount) value(s) were given")
        }
        var output = ""
        var next = 1
        for piece in template.pieces {
            switch piece {
            case .text(let text): output += text
            case .placeholder:
                FormatRendering.append(try context.value(of: arguments[next]), to: &output)
                next += 1
            }
        }
        return .string(output)
    }

    private func stringToJson(_ value: JSON) throws(StatesError) -> JSON {
        let text = try requireString(value, position: "first")
        // AWS reads blank text as null rather than failing.
        if text.allSatisfy({ $0.isWhitespace }) { return .null }
        do {
            return try JSON(parsing: text)
        } catch {
            throw failure("the string is not valid JSON (\(error.description)): \(text)")
        }
    }

    private func jsonMerge(_ first: JSON, _ second: JSON, _ deep: JSON) throws(StatesError) -> JSON {
        guard case .object(let base) = first else {
            throw failure("the first argument must be an object, but was \(first.typeName) \(first.compactText)")
        }
        guard case .object(let overrides) = second else {
            throw failure("the second argument must be an object, but was \(second.typeName) \(second.compactText)")
        }
        guard case .bool(let isDeep) = deep else {
            throw failure("the third argument must be a boolean, but was \(deep.typeName) \(deep.compactText)")
        }
        guard !isDeep else { throw failure("deep merging is not supported; the third argument must be false") }
        var merged = base
        for (key, value) in overrides { merged[key] = value }
        return .object(JavaHashMapOrder.reordered(merged))
    }

    // MARK: Arrays

    private func arrayPartition(_ arrayValue: JSON, _ sizeValue: JSON) throws(StatesError) -> JSON {
        let elements = try requireArray(arrayValue, position: "first")
        let size = try requireInteger(sizeValue, position: "second")
        guard size > 0 else { throw failure("the chunk size must be a positive integer, but was \(size)") }
        var chunks: [JSON] = []
        chunks.reserveCapacity(elements.count / size + 1)
        var start = 0
        while start < elements.count {
            let end = size >= elements.count - start ? elements.count : start + size
            chunks.append(.array(Array(elements[start..<end])))
            start = end
        }
        return .array(chunks)
    }

    private func arrayRange(_ startValue: JSON, _ endValue: JSON, _ stepValue: JSON) throws(StatesError) -> JSON {
        let start = try requireInteger(startValue, position: "first")
        let end = try requireInteger(endValue, position: "second")
        let step = try requireInteger(stepValue, position: "third")
        guard step != 0 else { throw failure("the step (third argument) must not be 0") }
        let count: Int
        if start != end && (end > start) != (step > 0) {
            count = 0  // the step walks away from the end
        } else {
            // Magnitudes keep extreme bounds (e.g. Int.min...0) from overflowing.
            let steps = (end > start ? UInt(bitPattern: end &- start) : UInt(bitPattern: start &- end)) / step.magnitude
            guard steps < UInt(Self.maximumRangeLength) else {
                throw failure("the range would contain more than \(Self.maximumRangeLength) elements")
            }
            count = Int(steps) + 1
        }
        var elements: [JSON] = []
        elements.reserveCapacity(count)
        var value = start
        for _ in 0..<count {
            elements.append(.int(value))
            value &+= step
        }
        return .array(elements)
    }

    private func arrayGetItem(_ arrayValue: JSON, _ indexValue: JSON) throws(StatesError) -> JSON {
        let elements = try requireArray(arrayValue, position: "first")
        let index = try requireInteger(indexValue, position: "second")
        guard elements.indices.contains(index) else {
            throw failure("the index \(index) is out of bounds for an array of \(elements.count) element(s)")
        }
        return elements[index]
    }

    private func unique(_ elements: [JSON]) -> [JSON] {
        var seen = Set<JavaValueKey>()
        var result: [JSON] = []
        result.reserveCapacity(elements.count)
        for element in elements where seen.insert(JavaValueKey(value: element)).inserted {
            result.append(element)
        }
        return result
    }

    // MARK: Encoding and hashing

    private func base64Encode(_ value: JSON) throws(StatesError) -> JSON {
        let text = try requireString(value, position: "first")
        guard text.utf16.count <= Self.maximumEncodeLength else {
            throw failure("the input must not exceed \(Self.maximumEncodeLength) characters")
        }
        return .string(Base64.encode(Array(text.utf8)))
    }

    private func base64Decode(_ value: JSON) throws(StatesError) -> JSON {
        let text = try requireString(value, position: "first")
        guard text.utf16.count <= Self.maximumEncodeLength else {
            throw failure("the input must not exceed \(Self.maximumEncodeLength) characters")
        }
        guard let bytes = Base64.decode(text) else { throw failure("the input is not valid Base64: \(text)") }
        // Bytes that are not UTF-8 become U+FFFD, as Java's String(bytes, UTF_8) reads them.
        return .string(String(decoding: bytes, as: UTF8.self))
    }

    private func hash(_ dataValue: JSON, _ algorithmValue: JSON) throws(StatesError) -> JSON {
        let data = try requireString(dataValue, position: "first")
        let algorithmName = try requireString(algorithmValue, position: "second")
        guard data.utf16.count <= Self.maximumHashInputLength else {
            throw failure("the data to hash must not exceed \(Self.maximumHashInputLength) characters")
        }
        guard let algorithm = DigestAlgorithm(rawValue: algorithmName) else {
            let names = DigestAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
            throw failure("the hash algorithm '\(algorithmName)' is not supported; use one of \(names)")
        }
        return .string(algorithm.hexDigest(of: data))
    }

    // MARK: Math

    private func mathRandom(_ startValue: JSON, _ endValue: JSON, seed seedValue: JSON?, scope: ExpressionScope) throws(StatesError) -> JSON
    {
        let start = try requireInteger(startValue, position: "first")
        let end = try requireInteger(endValue, position: "second")
        let (width, overflow) = end.subtractingReportingOverflow(start)
        guard !overflow, width > 0, width <= Int(Int32.max) else {
            throw failure("the end (\(end)) must be greater than the start (\(start))")
        }
        let offset: Int
        if let seedValue {
            let seed = try requireInteger(seedValue, position: "third")
            var generator = JavaRandom(seed: Int64(seed))
            offset = Int(generator.nextInt(bound: Int32(width)))
        } else {
            offset = Int(scope.random() % UInt64(width))
        }
        return .int(start + offset)
    }

    private func mathAdd(_ first: JSON, _ second: JSON) throws(StatesError) -> JSON {
        // AWS limits each addend to a 32-bit integer.
        let addends = Int(Int32.min)...Int(Int32.max)
        let left = try requireNumber(first, position: "first", range: addends)
        let right = try requireNumber(second, position: "second", range: addends)
        return .int(left + right)
    }

    /// A number argument, rounded as ``requireInteger(_:position:range:)`` rounds.
    private func requireNumber(_ value: JSON, position: String, range: ClosedRange<Int>) throws(StatesError) -> Int {
        guard value.doubleValue != nil else {
            throw failure("the \(position) argument must be a number, but was \(value.typeName) \(value.compactText)")
        }
        return try requireInteger(value, position: position, range: range)
    }

    // MARK: Strings

    private func stringSplit(_ textValue: JSON, _ delimitersValue: JSON) throws(StatesError) -> JSON {
        let text = try requireString(textValue, position: "first")
        let delimiters = Set(try requireString(delimitersValue, position: "second").unicodeScalars)
        // Every delimiter character separates; empty pieces are dropped, as a tokenizer would.
        var pieces: [JSON] = []
        var piece = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if delimiters.contains(scalar) {
                if !piece.isEmpty { pieces.append(.string(String(piece))) }
                piece = String.UnicodeScalarView()
            } else {
                piece.append(scalar)
            }
        }
        if !piece.isEmpty { pieces.append(.string(String(piece))) }
        return .array(pieces)
    }
}
