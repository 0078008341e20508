import SFNJSON

/// How States.Format spells a value: strings as they are, everything else the way AWS's Java
/// runtime prints it (`{a=1, b=x}` for objects, `[1, 2]` for arrays).
enum FormatRendering {
    static func append(_ value: JSON, to output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let integer): output += String(integer)
        case .double(let real): output += JSONNumberFormat.text(for: real)
        case .string(let text): output += text
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += ", " }
                append(element, to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            var first = true
            for (key, member) in members {
                if !first { output += ", " }
                first = false
                output += key
                output += "="
                append(member, to: &output)
            }
            output += "}"
        }
    }
}

/// Standard Base64 (RFC 4648 alphabet, `=` padding) as Java's basic codec reads and writes it.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodingTable: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 2 < bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { output.append(alphabet[Int((group >> UInt32(shift)) & 0x3F)]) }
            index += 3
        }
        let remaining = bytes.count - index
        if remaining == 1 {
            let group = UInt32(bytes[index]) << 16
            output.append(alphabet[Int((group >> 18) & 0x3F)])
            output.append(alphabet[Int((group >> 12) & 0x3F)])
            output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")])
        } else if remaining == 2 {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int((group >> 18) & 0x3F)])
            output.append(alphabet[Int((group >> 12) & 0x3F)])
            output.append(alphabet[Int((group >> 6) & 0x3F)])
            output.append(UInt8(ascii: "="))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes strictly: only alphabet characters, padding optional but only at the end, and no
    /// leftover bits that a canonical encoder would not produce.
    static func decode(_ text: String) -> [UInt8]? {
        var sextets: [UInt8] = []
        sextets.reserveCapacity(text.utf8.count)
        var padding = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0 else { return nil }
            let value = decodingTable[Int(byte)]
            guard value >= 0 else { return nil }
            sextets.append(UInt8(value))
        }
        let tail = sextets.count % 4
        guard tail != 1 else { return nil }
        if padding > 0 {
            guard (sextets.count + padding) % 4 == 0, padding <= 2 else { return nil }
        }
        var output: [UInt8] = []
        output.reserveCapacity(sextets.count * 3 / 4)
        var index = 0
        while index + 3 < sextets.count {
            let group =
                UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12
                | UInt32(sextets[index + 2]) << 6 | UInt32(sextets[index + 3])
            output.append(UInt8(truncatingIfNeeded: group >> 16))
            output.append(UInt8(truncatingIfNeeded: group >> 8))
            output.append(UInt8(truncatingIfNeeded: group))
            index += 4
        }
        if tail == 2 {
            let group = UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12
            output.append(UInt8(truncatingIfNeeded: group >> 16))
        } else if tail == 3 {
            let group = UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12 | UInt32(sextets[index + 2]) << 6
            output.append(UInt8(truncatingIfNeeded: group >> 16))
            output.append(UInt8(truncatingIfNeeded: group >> 8))
        }
        return output
    }
}

/// java.util.Random's generator, so a seeded States.MathRandom gives the same sequence for the
/// same seed as AWS's Java runtime does.
struct JavaRandom {
    private var state: UInt64
    private static let multiplier: UInt64 = 0x5_DEEC_E66D
    private static let mask: UInt64 = (1 << 48) - 1

    init(seed: Int64) {
        state = (UInt64(bitPattern: seed) ^ Self.multiplier) & Self.mask
    }

    mutating func next(bits: Int) -> Int32 {
        state = (state &* Self.multiplier &+ 0xB) & Self.mask
        return Int32(truncatingIfNeeded: Int64(bitPattern: state) >> (48 - bits))
    }

    /// Uniform in `0..<bound`; `bound` must be positive.
    mutating func nextInt(bound: Int32) -> Int32 {
        if bound & (bound &- 1) == 0 {
            return Int32(truncatingIfNeeded: (Int64(bound) &* Int64(next(bits: 31))) >> 31)
        }
        while true {
            let bits = next(bits: 31)
            let value = bits % bound
            if bits &- value &+ (bound &- 1) >= 0 { return value }
        }
    }
}

/// Key order of a java.util.HashMap holding the same keys: AWS builds States.JsonMerge results
/// in one, so its output lists keys by hash bucket rather than by input order.
enum JavaHashMapOrder {
    static func reordered(_ members: JSONObject) -> JSONObject {
        guard members.count > 1 else { return members }
        var capacity = 16
        while members.count > capacity * 3 / 4 { capacity *= 2 }
        let ranked = members.keys.enumerated().map { offset, key in
            (bucket: bucket(of: key, capacity: capacity), offset: offset, key: key)
        }
        let sorted = ranked.sorted { ($0.bucket, $0.offset) < ($1.bucket, $1.offset) }
        var result = JSONObject(minimumCapacity: members.count)
        for entry in sorted {
            if let value = members[entry.key] { result[entry.key] = value }
        }
        return result
    }

    static func bucket(of key: String, capacity: Int) -> Int {
        var hash: Int32 = 0
        for unit in key.utf16 { hash = hash &* 31 &+ Int32(unit) }
        let spread = UInt32(bitPattern: hash) ^ (UInt32(bitPattern: hash) >> 16)
        return Int(spread & UInt32(capacity - 1))
    }
}

/// Equality as AWS's Java runtime compares decoded values for States.ArrayContains and
/// States.ArrayUnique: an integer never equals a real (`1` vs `1.0`, like Integer vs Double),
/// object key order does not matter, arrays compare element by element.
struct JavaValueKey: Hashable {
    let value: JSON

    static func == (lhs: JavaValueKey, rhs: JavaValueKey) -> Bool { equal(lhs.value, rhs.value) }

    func hash(into hasher: inout Hasher) { Self.hash(value, into: &hasher) }

    static func equal(_ lhs: JSON, _ rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b[key], equal(value, other) else { return false }
            }
            return true
        default: return false
        }
    }

    private static func hash(_ value: JSON, into hasher: inout Hasher) {
        switch value {
        case .null: hasher.combine(0)
        case .bool(let flag):
            hasher.combine(1)
            hasher.combine(flag)
        case .int(let integer):
            hasher.combine(2)
            hasher.combine(integer)
        case .double(let real):
            hasher.combine(3)
            hasher.combine(real)
        case .string(let text):
            hasher.combine(4)
            hasher.combine(text)
        case .array(let elements):
            hasher.combine(5)
            hasher.combine(elements.count)
            for element in elements { hash(element, into: &hasher) }
        case .object(let members):
            hasher.combine(6)
            var combined = 0
            for (key, member) in members {
                var entry = Hasher()
                entry.combine(key)
                hash(member, into: &entry)
                combined = combined &+ entry.finalize()
            }
            hasher.combine(combined)
        }
    }
}
