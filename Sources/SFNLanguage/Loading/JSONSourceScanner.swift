import SFNJSON

/// Records where every value of a JSON text starts, by its place in the document.
///
/// It runs after the text was parsed successfully, so it does not report syntax errors: on text
/// that is not valid JSON it stops early and returns what it found so far.
struct JSONSourceScanner {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    /// Unicode scalars seen since the start of the line.
    private var scalarsInLine = 0
    private var map: SourceMap
    private var failed = false

    private static let maximumDepth = 4096

    static func sourceMap(of text: String, file: String) -> SourceMap {
        var scanner = JSONSourceScanner(bytes: Array(text.utf8), file: file)
        scanner.skipByteOrderMark()
        scanner.skipWhitespace()
        let start = scanner.location
        scanner.scanValue(at: SourceMap.rootNode, member: start, depth: 0)
        return scanner.map
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.map = SourceMap(file: file)
    }

    private var location: SourcePosition { SourcePosition(line: line, column: scalarsInLine + 1) }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            scalarsInLine = 0
        } else if byte & 0xC0 != 0x80 {
            // Continuation bytes belong to the scalar that their lead byte started.
            scalarsInLine += 1
        }
    }

    private mutating func skipByteOrderMark() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    private mutating func skipWhitespace() {
        while let byte = current,
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
                || byte == UInt8(ascii: "\r")
        {
            advance()
        }
    }

    private mutating func expect(_ ascii: Unicode.Scalar) -> Bool {
        guard current == UInt8(ascii: ascii) else {
            failed = true
            return false
        }
        advance()
        return true
    }

    private mutating func scanValue(at node: Int, member: SourcePosition, depth: Int) {
        guard !failed, let byte = current else { return }
        map.record(node: node, member: member, value: location)
        guard depth < Self.maximumDepth else {
            failed = true
            return
        }
        switch byte {
        case UInt8(ascii: "{"): scanObject(at: node, depth: depth)
        case UInt8(ascii: "["): scanArray(at: node, depth: depth)
        case UInt8(ascii: "\""): _ = scanString()
        default: skipScalar()
        }
    }

    private mutating func scanObject(at node: Int, depth: Int) {
        advance()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            advance()
            return
        }
        while !failed {
            skipWhitespace()
            let keyStart = location
            guard current == UInt8(ascii: "\""), let key = scanString() else {
                failed = true
                return
            }
            skipWhitespace()
            guard expect(":") else { return }
            skipWhitespace()
            scanValue(at: map.node(.key(key), under: node), member: keyStart, depth: depth + 1)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                advance()
            } else {
                _ = expect("}")
                return
            }
        }
    }

    private mutating func scanArray(at node: Int, depth: Int) {
        advance()
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            advance()
            return
        }
        var position = 0
        while !failed {
            skipWhitespace()
            scanValue(at: map.node(.index(position), under: node), member: location, depth: depth + 1)
            position += 1
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                advance()
            } else {
                _ = expect("]")
                return
            }
        }
    }

    /// Numbers, `true`, `false`, `null`: everything up to the next delimiter.
    private mutating func skipScalar() {
        while let byte = current {
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: " "),
                UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                return
            default:
                advance()
            }
        }
    }

    /// Reads a string starting at its opening quote and returns its decoded text (needed for
    /// keys, which name the pointer).
    private mutating func scanString() -> String? {
        advance()
        let start = index
        var hasEscapes = false
        while let byte = current {
            if byte == UInt8(ascii: "\"") {
                let raw = bytes[start..<index]
                advance()
                return hasEscapes ? Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                advance()
                guard current != nil else { break }
            }
            advance()
        }
        failed = true
        return nil
    }

    private static func unescape(_ raw: ArraySlice<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        var decodedBytes: [UInt8] = []
        var position = raw.startIndex
        func flush() {
            if !decodedBytes.isEmpty {
                scalars.append(contentsOf: String(decoding: decodedBytes, as: UTF8.self).unicodeScalars)
                decodedBytes.removeAll(keepingCapacity: true)
            }
        }
        func hexValue(at offset: Int) -> UInt32? {
            guard offset + 4 <= raw.endIndex else { return nil }
            var value: UInt32 = 0
            for byte in raw[offset..<offset + 4] {
                guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
                value = value * 16 + UInt32(digit)
            }
            return value
        }
        while position < raw.endIndex {
            let byte = raw[position]
            guard byte == UInt8(ascii: "\\"), position + 1 < raw.endIndex else {
                decodedBytes.append(byte)
                position += 1
                continue
            }
            let escape = raw[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "b"): decodedBytes.append(0x08)
            case UInt8(ascii: "f"): decodedBytes.append(0x0C)
            case UInt8(ascii: "n"): decodedBytes.append(0x0A)
            case UInt8(ascii: "r"): decodedBytes.append(0x0D)
            case UInt8(ascii: "t"): decodedBytes.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hexValue(at: position) else { continue }
                position += 4
                flush()
                if (0xD800..<0xDC00).contains(unit), position + 1 < raw.endIndex,
                    raw[position] == UInt8(ascii: "\\"), raw[position + 1] == UInt8(ascii: "u"),
                    let low = hexValue(at: position + 2), (0xDC00..<0xE000).contains(low)
                {
                    position += 6
                    let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    if let scalar = Unicode.Scalar(combined) { scalars.append(scalar) }
                } else if let scalar = Unicode.Scalar(unit) {
                    scalars.append(scalar)
                } else {
                    scalars.append("\u{FFFD}")
                }
            default:
                // `\"`, `\\` and `\/` stand for themselves.
                decodedBytes.append(escape)
            }
        }
        flush()
        return String(scalars)
    }
}
