import SFNJSON

/// Reads an operation's request members, answering wrong shapes with AWS's validation errors.
struct RequestFields {
    let members: JSONObject

    init(_ body: JSON) throws(ServerError) {
        guard case .object(let members) = body else {
            throw .serialization("The request body must be a JSON object, found \(body.typeName)")
        }
        self.members = members
    }

    func string(_ field: String) throws(ServerError) -> String {
        guard let value = try optionalString(field) else { throw .missing(field) }
        return value
    }

    func optionalString(_ field: String) throws(ServerError) -> String? {
        switch members[field] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw .serialization("'\(field)' must be a string, found \(other.typeName)")
        }
    }

    func optionalBool(_ field: String) throws(ServerError) -> Bool? {
        switch members[field] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        case let other?: throw .serialization("'\(field)' must be a boolean, found \(other.typeName)")
        }
    }

    func optionalInt(_ field: String, range: ClosedRange<Int>) throws(ServerError) -> Int? {
        let number: Int
        switch members[field] {
        case nil, .null?: return nil
        case .int(let value)?: number = value
        case .double(let value)? where value.rounded() == value && abs(value) < 1e15: number = Int(value)
        case let other?: throw .serialization("'\(field)' must be an integer, found \(other.typeName)")
        }
        guard range.contains(number) else {
            throw .validation(
                "1 validation error detected: Value '\(number)' at '\(field)' failed to satisfy constraint: Member must have value between \(range.lowerBound) and \(range.upperBound)"
            )
        }
        return number
    }

    /// A string member holding JSON text (input, output, definition).
    func jsonText(_ field: String, invalid: (String) -> ServerError) throws(ServerError) -> JSON? {
        guard let text = try optionalString(field) else { return nil }
        do {
            return try JSON(parsing: text)
        } catch {
            throw invalid("\(error)")
        }
    }
}

/// Names AWS accepts for state machines, executions and activities: 1–80 characters without
/// whitespace, brackets, wildcards, special punctuation or control characters.
enum ResourceName {
    private static let forbidden: Set<Character> = [
        "<", ">", "{", "}", "[", "]", "?", "*", "\"", "#", "%", "\\", "^", "|", "~", "`", "$", "&", ",", ";", ":", "/",
    ]

    static func isValid(_ name: String) -> Bool {
        guard (1...80).contains(name.count) else { return false }
        for scalar in name.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return false }
        }
        return !name.contains { forbidden.contains($0) }
    }

    static func check(_ name: String) throws(ServerError) {
        guard isValid(name) else { throw .invalidName(name) }
    }
}

/// Opaque paging tokens: the offset of the next item.
enum PageToken {
    static func encode(_ offset: Int) -> String { "page-\(offset)" }

    static func decode(_ token: String?) throws(ServerError) -> Int {
        guard let token else { return 0 }
        guard token.hasPrefix("page-"), let offset = Int(token.dropFirst(5)), offset >= 0 else {
            throw ServerError("InvalidToken", "Invalid Token: '\(token)'")
        }
        return offset
    }

    /// One page of a lazily produced sequence and the token for the next, if any: only the items
    /// up to the end of the page (and one more, to know whether there is a next) are produced.
    static func page<Items: Sequence>(
        lazy items: Items, token: String?, maxResults: Int?
    ) throws(ServerError) -> ([Items.Element], String?) {
        let start = try decode(token)
        let size = (maxResults ?? 0) == 0 ? 100 : (maxResults ?? 100)
        var page: [Items.Element] = []
        var skipped = 0
        for item in items {
            if skipped < start {
                skipped += 1
                continue
            }
            if page.count == size { return (page, encode(start + page.count)) }
            page.append(item)
        }
        return (page, nil)
    }

    /// One page of `items` and the token for the next, if any.
    static func page<Item>(_ items: [Item], token: String?, maxResults: Int?) throws(ServerError) -> (ArraySlice<Item>, String?) {
        let start = min(try decode(token), items.count)
        let size = (maxResults ?? 0) == 0 ? 100 : (maxResults ?? 100)
        let end = min(items.count, start + size)
        return (items[start..<end], end < items.count ? encode(end) : nil)
    }
}
