import OrderedCollections

/// The ordered object representation used throughout sfn: key order is part of what AWS prints.
public typealias JSONObject = OrderedDictionary<String, JSON>

/// One immutable JSON value.
///
/// Integers and reals are kept apart because AWS prints `1` and `1.5`, never `1.0` for an integer
/// that arrived as `1` (and keeps `1.0` for a real that arrived as `1.0`).
public enum JSON: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

extension JSON {
    /// `{}`.
    public static let emptyObject: JSON = .object([:])
    /// `[]`.
    public static let emptyArray: JSON = .array([])

    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { true } else { false } }
    /// Whether this is an integer or a real.
    public var isNumber: Bool {
        switch self {
        case .int, .double: true
        default: false
        }
    }

    /// The string, when this is one.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    /// The boolean, when this is one.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The elements, when this is an array.
    public var arrayValue: [JSON]? { if case .array(let value) = self { value } else { nil } }
    /// The members, when this is an object.
    public var objectValue: JSONObject? { if case .object(let value) = self { value } else { nil } }

    /// The value as an integer when it is one exactly (a real such as `2.0` counts).
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value):
            guard value.rounded() == value, let exact = Int(exactly: value) else { return nil }
            return exact
        default: return nil
        }
    }

    /// The number as a Double, when this is a number.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// Member lookup on objects; `nil` for anything else.
    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// Element lookup on arrays; `nil` when out of range or not an array.
    public subscript(index: Int) -> JSON? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    /// The name AWS and JSONata use for the value's type in messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A real.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array.
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    /// An object, members in the order written.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var members = JSONObject(minimumCapacity: elements.count)
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
}

extension JSON {
    /// A number from a Double, kept integral when it is a whole value that fits, as AWS's
    /// arithmetic results print (`3`, not `3.0`).
    public static func number(_ value: Double) -> JSON {
        if value.rounded() == value, abs(value) < 9.007_199_254_740_992e15, let exact = Int(exactly: value) {
            return .int(exact)
        }
        return .double(value)
    }
}
