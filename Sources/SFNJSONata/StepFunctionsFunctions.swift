import SFNJSON

extension JSONataEnvironment {
    /// The functions AWS Step Functions adds to JSONata: `$partition`, `$range`, `$hash`,
    /// `$random` (optionally seeded), `$uuid` and `$parse`. Digests and identifiers come from
    /// the host so this module stays free of hashing code and of hidden randomness.
    public static func stepFunctionsFunctions(
        random: @escaping @Sendable () -> Double,
        uuid: @escaping @Sendable () -> String,
        hash: @escaping @Sendable (_ value: String, _ algorithm: String) -> String?
    ) -> [String: JSONataHostFunction] {
        [
            "partition": JSONataHostFunction { arguments throws(JSONataError) in
                guard let array = argument(arguments, 0)?.arrayValue else {
                    throw signatureError("partition", index: 1)
                }
                guard let size = argument(arguments, 1)?.intValue, size > 0 else {
                    throw signatureError("partition", index: 2)
                }
                var chunks: [JSON] = []
                var start = 0
                while start < array.count {
                    chunks.append(.array(Array(array[start..<min(start + size, array.count)])))
                    start += size
                }
                return .array(chunks)
            },
            "range": JSONataHostFunction { arguments throws(JSONataError) in
                guard let start = argument(arguments, 0)?.intValue else { throw signatureError("range", index: 1) }
                guard let end = argument(arguments, 1)?.intValue else { throw signatureError("range", index: 2) }
                guard let step = argument(arguments, 2)?.intValue, step != 0 else {
                    throw signatureError("range", index: 3)
                }
                var values: [JSON] = []
                var current = start
                while step > 0 ? current <= end : current >= end {
                    values.append(.int(current))
                    if values.count > 1000 {
                        throw JSONataError(
                            code: "D3141", position: 0,
                            message: "The $range function can produce at most 1000 items")
                    }
                    current += step
                }
                // A single item collapses like any JSONata sequence.
                switch values.count {
                case 0: return nil
                case 1: return values[0]
                default: return .array(values)
                }
            },
            "hash": JSONataHostFunction { arguments throws(JSONataError) in
                guard let value = argument(arguments, 0)?.stringValue else { throw signatureError("hash", index: 1) }
                guard let algorithm = argument(arguments, 1)?.stringValue else {
                    throw signatureError("hash", index: 2)
                }
                guard let digest = hash(value, algorithm) else {
                    throw JSONataError(
                        code: "D3141", position: 0,
                        message: "Unsupported hash algorithm: \(algorithm)")
                }
                return .string(digest)
            },
            "random": JSONataHostFunction { arguments throws(JSONataError) in
                guard let seedValue = argument(arguments, 0) else { return .number(random()) }
                guard seedValue.isNumber, let seed = seedValue.doubleValue else {
                    throw signatureError("random", index: 1)
                }
                // Any number seeds the generator: an integer by its value, one beyond 64 bits by its bits.
                let whole = seed.rounded(.towardZero)
                let seedBits = Int64(exactly: whole).map { UInt64(bitPattern: $0) } ?? whole.bitPattern
                var generator = SeededGenerator(seed: seedBits)
                return .number(Double(generator.next() >> 11) / Double(1 << 53))
            },
            "uuid": JSONataHostFunction { _ throws(JSONataError) in
                .string(uuid())
            },
            "parse": JSONataHostFunction { arguments throws(JSONataError) in
                guard let text = argument(arguments, 0)?.stringValue else { throw signatureError("parse", index: 1) }
                do throws(JSONParseError) {
                    return try JSON(parsing: text)
                } catch {
                    throw JSONataError(code: "D3141", position: 0, message: "Unable to parse JSON: \(error.description)")
                }
            },
        ]
    }

    private static func argument(_ arguments: [JSON?], _ index: Int) -> JSON? {
        index < arguments.count ? arguments[index] : nil
    }

    private static func signatureError(_ function: String, index: Int) -> JSONataError {
        JSONataError(
            code: "T0410", position: 0,
            message: "Argument \(index) of function \"\(function)\" does not match function signature")
    }
}

/// SplitMix64: a small deterministic generator for seeded `$random(seed)`.
private struct SeededGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
