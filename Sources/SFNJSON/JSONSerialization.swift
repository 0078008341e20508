// Serialization is written in Swift rather than through jansson's encoder: jansson prints reals
// with a fixed precision (`0.1` becomes `0.10000000000000001`), while AWS prints the shortest
// text that reads back to the same double, in Java's notation. Writing bytes directly also
// avoids building a second tree for every state's output.

extension JSON {
    /// Compact text in AWS's style: no spaces, key order kept.
    public var compactText: String {
        var writer = JSONWriter(pretty: false)
        writer.write(self)
        return writer.text
    }

    /// Indented text for people.
    public var prettyText: String {
        var writer = JSONWriter(pretty: true)
        writer.write(self)
        return writer.text
    }

    /// The compact text's UTF-8 size in bytes, as AWS counts payload sizes.
    public var compactByteCount: Int {
        var writer = JSONWriter(pretty: false)
        writer.write(self)
        return writer.bytes.count
    }
}

extension JSON: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { compactText }
}

struct JSONWriter {
    var bytes: [UInt8] = []
    let pretty: Bool
    var depth = 0

    init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(256)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func write(_ value: JSON) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): append(String(number))
        case .double(let number): append(JSONNumberFormat.text(for: number))
        case .string(let string): writeString(string)
        case .array(let elements):
            if elements.isEmpty {
                append("[]")
                return
            }
            bytes.append(UInt8(ascii: "["))
            depth += 1
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                newline()
                write(element)
            }
            depth -= 1
            newline()
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                append("{}")
                return
            }
            bytes.append(UInt8(ascii: "{"))
            depth += 1
            var first = true
            for (key, member) in members {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                newline()
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                if pretty { bytes.append(UInt8(ascii: " ")) }
                write(member)
            }
            depth -= 1
            newline()
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(UInt8(ascii: "\n"))
        for _ in 0..<depth {
            bytes.append(UInt8(ascii: " "))
            bytes.append(UInt8(ascii: " "))
        }
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A backslash and `letter`: `\n`, `\"`, ...
    @inline(__always) private mutating func escape(_ letter: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(letter)
    }

    mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): escape(byte)
            case 0x0A: escape(UInt8(ascii: "n"))
            case 0x0D: escape(UInt8(ascii: "r"))
            case 0x09: escape(UInt8(ascii: "t"))
            case 0x08: escape(UInt8(ascii: "b"))
            case 0x0C: escape(UInt8(ascii: "f"))
            case 0..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// Number spelling as AWS (Java) prints doubles: plain decimal between 10^-3 and 10^7,
/// otherwise `d.dddE±n`; always the shortest digits that round-trip.
public enum JSONNumberFormat {
    /// A real as AWS (Java) prints it: `1.0`, `1.0E300`.
    public static func text(for value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let magnitude = abs(value)
        // In this range Swift's shortest form is already Java's spelling ("1.5", "100.0", "0.001").
        if magnitude >= 1e-3 && magnitude < 1e7 { return value.description }
        let (negative, digits, exponent) = decompose(value)
        // value = 0.d1d2d3... × 10^exponent
        var result = negative ? "-" : ""
        if magnitude >= 1e-3 && magnitude < 1e7 {
            if exponent <= 0 {
                result += "0." + String(repeating: "0", count: -exponent) + digits
            } else if exponent >= digits.count {
                result += digits + String(repeating: "0", count: exponent - digits.count) + ".0"
            } else {
                let split = digits.index(digits.startIndex, offsetBy: exponent)
                result += digits[..<split] + "." + digits[split...]
            }
        } else {
            let first = digits.prefix(1)
            let rest = digits.dropFirst()
            result += first + "." + (rest.isEmpty ? "0" : rest) + "E" + String(exponent - 1)
        }
        return result
    }

    /// Shortest round-trip digits (no leading/trailing zeros) and the decimal exponent such that
    /// value = 0.DIGITS × 10^exponent.
    package static func decompose(_ value: Double) -> (negative: Bool, digits: String, exponent: Int) {
        let text = abs(value).description  // Swift prints the shortest round-trip form
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var integerPart = Substring(mantissa)
        var fraction = Substring("")
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(integerPart) + String(fraction)
        var pointPosition = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        return (value.sign == .minus, digits, pointPosition)
    }
}
