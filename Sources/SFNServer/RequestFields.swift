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

    func optionalDouble(_ field: String, range: ClosedRange<Double>) throws(ServerError) -> Double? {
        let number: Double
        switch members[field] {
        case nil, .null?: return nil
        case .int(let value)?: number = Double(value)
        case .double(let value)?: number = value
        case let other?: throw .serialization("'\(field)' must be a number, found \(other.typeName)")
        }
        guard range.contains(number) else {
            throw .validation(
                "1 validation error detected: Value '\(number)' at '\(field)' failed to satisfy constraint: Member must have value between \(range.lowerBound) and \(range.upperBound)"
            )
        }
        return number
    }

    /// A list member whose items are objects (tags, routing configurations).
    func optionalObjects(_ field: String) throws(ServerError) -> [RequestFields]? {
        switch members[field] {
        case nil, .null?: return nil
        case .array(let items)?:
            var objects: [RequestFields] = []
            for item in items {
                guard case .object = item else { throw .serialization("'\(field)' must hold objects, found \(item.typeName)") }
                objects.append(try RequestFields(item))
            }
            return objects
        case let other?: throw .serialization("'\(field)' must be a list, found \(other.typeName)")
        }
    }

    /// A list member whose items are strings (tag keys).
    func optionalStrings(_ field: String) throws(ServerError) -> [String]? {
        switch members[field] {
        case nil, .null?: return nil
        case .array(let items)?:
            var strings: [String] = []
            for item in items {
                guard case .string(let text) = item else { throw .serialization("'\(field)' must hold strings, found \(item.typeName)") }
                strings.append(text)
            }
            return strings
        case let other?: throw .serialization("'\(field)' must be a list, found \(other.typeName)")
        }
    }

    /// A string member that must satisfy AWS's length constraint.
    func optionalString(_ field: String, length: ClosedRange<Int>) throws(ServerError) -> String? {
        guard let text = try optionalString(field) else { return nil }
        guard length.contains(text.count) else {
            throw .validation(
                "1 validation error detected: Value '\(text)' at '\(field)' failed to satisfy constraint: Member must have length \(length.lowerBound == 0 ? "less than or equal to \(length.upperBound)" : "between \(length.lowerBound) and \(length.upperBound)")"
            )
        }
        return text
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
