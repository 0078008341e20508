/// Version-4 UUIDs, as AWS's execution names, `States.UUID()`, `$uuid()` and request ids look:
/// lower-case hex in 8-4-4-4-12 groups. The one generator sfn uses, fed with random bits from
/// wherever the caller draws them (a seeded generator under virtual time).
public enum UUIDs {
    /// The UUID text of 128 random bits, with the version and variant bits set.
    public static func make(high: UInt64, low: UInt64) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * index))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A UUID from a source of random 64-bit words.
    public static func make(_ random: () -> UInt64) -> String {
        make(high: random(), low: random())
    }
}
