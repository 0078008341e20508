internal import CJansson

/// Why a JSON text could not be read, with where in the text it went wrong.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the problem.
    public var line: Int
    /// 1-based column (in characters) of the problem.
    public var column: Int
    /// 0-based byte offset of the problem.
    public var offset: Int
    /// What is wrong.
    public var message: String

    /// An error at this place.
    public init(line: Int, column: Int, offset: Int, message: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }

    /// `line L, column C: message`.
    public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSON {
    /// Parses JSON text through jansson. Duplicate keys, invalid UTF-8, nesting deeper than
    /// jansson's limit, integers beyond 64 bits and truncated input are errors, never crashes.
    public init(parsing text: String) throws(JSONParseError) {
        var text = text
        let result: Result<JSON, JSONParseError> = text.withUTF8 { bytes in
            JSON.parse(bytes: UnsafeRawBufferPointer(bytes))
        }
        self = try result.get()
    }

    /// Parses UTF-8 JSON text.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        let result: Result<JSON, JSONParseError> =
            bytes.withContiguousStorageIfAvailable { buffer in
                JSON.parse(bytes: UnsafeRawBufferPointer(buffer))
            } ?? Array(bytes).withUnsafeBytes { JSON.parse(bytes: $0) }
        self = try result.get()
    }

    private static func parse(bytes: UnsafeRawBufferPointer) -> Result<JSON, JSONParseError> {
        var error = json_error_t()
        // jansson needs a valid pointer even for empty input.
        var empty: CChar = 0
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        let root = withUnsafePointer(to: &empty) { emptyPointer in
            json_loadb(base ?? emptyPointer, bytes.count, Int(SFN_DECODE_FLAGS), &error)
        }
        guard let root else {
            return .failure(JSONParseError(jansson: error))
        }
        defer { sfn_json_release(root) }
        return .success(JSON(jansson: root))
    }

    /// Converts a jansson tree that the caller keeps ownership of.
    init(jansson value: UnsafeMutablePointer<json_t>) {
        switch Int(sfn_json_type(value)) {
        case Int(SFN_JSON_OBJECT):
            var members = JSONObject(minimumCapacity: json_object_size(value))
            var iterator = json_object_iter(value)
            while let current = iterator {
                let keyPointer = json_object_iter_key(current)
                let keyLength = json_object_iter_key_len(current)
                let key =
                    keyPointer.map {
                        String(decoding: UnsafeRawBufferPointer(start: $0, count: keyLength), as: UTF8.self)
                    } ?? ""
                if let child = json_object_iter_value(current) {
                    members[key] = JSON(jansson: child)
                }
                iterator = json_object_iter_next(value, current)
            }
            self = .object(members)
        case Int(SFN_JSON_ARRAY):
            let count = json_array_size(value)
            var elements: [JSON] = []
            elements.reserveCapacity(count)
            for index in 0..<count {
                if let child = json_array_get(value, index) { elements.append(JSON(jansson: child)) }
            }
            self = .array(elements)
        case Int(SFN_JSON_STRING):
            let length = json_string_length(value)
            if let pointer = json_string_value(value) {
                self = .string(String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self))
            } else {
                self = .string("")
            }
        case Int(SFN_JSON_INTEGER):
            self = .int(Int(json_integer_value(value)))
        case Int(SFN_JSON_REAL):
            self = .double(json_real_value(value))
        case Int(SFN_JSON_TRUE):
            self = .bool(true)
        case Int(SFN_JSON_FALSE):
            self = .bool(false)
        default:
            self = .null
        }
    }
}

extension JSONParseError {
    init(jansson error: json_error_t) {
        var error = error
        let text = withUnsafeBytes(of: &error.text) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        self.init(
            line: max(Int(error.line), 1),
            column: max(Int(error.column), 1),
            offset: max(Int(error.position), 0),
            message: JSONParseError.readable(text)
        )
    }

    /// jansson's messages are terse; a few common ones get a clearer wording.
    static func readable(_ text: String) -> String {
        if text.hasPrefix("duplicate object key") { return "duplicate key" + text.dropFirst("duplicate object key".count) }
        if text.contains("too big integer") { return "integer too large for 64 bits (\(text))" }
        if text.contains("maximum parsing depth") { return "nesting too deep (\(text))" }
        if text.hasSuffix("near end of file") || text.contains("premature end of input") {
            return "truncated or incomplete JSON (\(text))"
        }
        return text
    }
}
