import Foundation
import SFNJSON

/// A JSONata runtime value. Undefined is Swift's `nil` (`Value?`), distinct from `.null`.
/// Objects are reference types because transforms update the matched parts of a cloned
/// structure in place, exactly as JSONata's reference implementation does.
enum Value {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array(ValueSequence)
    case object(ObjectRef)
    case function(FunctionValue)

    static func array(_ items: [Value]) -> Value { .array(ValueSequence(items)) }

    var isFunction: Bool { if case .function = self { true } else { false } }
    var isArray: Bool { if case .array = self { true } else { false } }
    var sequenceFlag: Bool { if case .array(let seq) = self { seq.isSequence } else { false } }
    var numberValue: Double? { if case .number(let value) = self { value } else { nil } }
    var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    var arrayItems: [Value]? { if case .array(let seq) = self { seq.items } else { nil } }

    /// JSONata's type name as `$type` reports it.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .function: "function"
        }
    }
}

/// An array plus the flags JSONata attaches to arrays it builds while navigating: a result
/// sequence collapses to its single item, unless `keepSingleton` (from `[]`) says otherwise;
/// `constructed` marks arrays made by `[...]` so path steps do not flatten them.
struct ValueSequence {
    var items: [Value]
    var isSequence = false
    var keepSingleton = false
    var constructed = false
    var outerWrapper = false

    init(_ items: [Value] = [], isSequence: Bool = false) {
        self.items = items
        self.isSequence = isSequence
    }

    static func sequence(_ items: [Value] = []) -> ValueSequence { ValueSequence(items, isSequence: true) }
}

/// The arrays converted during one evaluation, by the JSON storage they came from: objects read
/// from JSON are rebuilt on every read (cheap, they convert lazily), so without this an
/// expression reading a large array once per item of a loop would convert it every time.
final class ArrayConversions {
    /// Shorter arrays convert faster than a lookup here costs.
    static let minimumCount = 16
    /// Each entry keeps its source alive, so no other array can reuse the storage address.
    private var converted: [UnsafeRawPointer: (source: [JSON], value: Value)] = [:]

    func value(of elements: [JSON]) -> Value {
        guard elements.count >= Self.minimumCount,
            let address = elements.withUnsafeBufferPointer({ $0.baseAddress.map(UnsafeRawPointer.init) })
        else { return .array(ValueSequence(elements.map { Value($0, conversions: self) })) }
        if let entry = converted[address] { return entry.value }
        let value = Value.array(ValueSequence(elements.map { Value($0, conversions: self) }))
        converted[address] = (elements, value)
        return value
    }
}

/// A mutable, insertion-ordered object. An object read from JSON converts its members only
/// when they are read, since expressions usually touch a small part of a large document.
final class ObjectRef {
    private var orderedKeys: [String] = []
    private var storage: [String: Value] = [:]
    /// Members not yet converted; nil once the object is fully materialized.
    private var source: JSONObject?
    private let conversions: ArrayConversions?

    init() { conversions = nil }

    init(json: JSONObject, conversions: ArrayConversions? = nil) {
        source = json
        self.conversions = conversions
    }

    init(keys: [String], storage: [String: Value]) {
        self.orderedKeys = keys
        self.storage = storage
        conversions = nil
    }

    private func materialize() {
        guard let pending = source else { return }
        source = nil
        orderedKeys.reserveCapacity(pending.count)
        for (key, member) in pending {
            orderedKeys.append(key)
            if storage[key] == nil { storage[key] = Value(member, conversions: conversions) }
        }
    }

    var keys: [String] {
        if let source { return source.keys.map { $0 } }
        return orderedKeys
    }

    /// The JSON this object was read from, while it is still exactly that (objects are only
    /// modified when freshly built or deep-copied by a transform).
    var unmodifiedSource: JSONObject? { source }

    var count: Int { source?.count ?? orderedKeys.count }
    var isEmpty: Bool { count == 0 }

    subscript(key: String) -> Value? {
        get {
            guard let source else { return storage[key] }
            guard let member = source[key] else { return nil }
            // Only arrays are worth keeping: converting one is proportional to its length,
            // while an object converts to a lazy wrapper and a scalar to itself.
            guard case .array(let elements) = member else { return Value(member, conversions: conversions) }
            if let conversions { return conversions.value(of: elements) }
            if let cached = storage[key] { return cached }
            let converted = Value(member)
            storage[key] = converted
            return converted
        }
        set {
            materialize()
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { orderedKeys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                orderedKeys.removeAll { $0 == key }
            }
        }
    }

    var entries: [(key: String, value: Value)] {
        keys.compactMap { key in self[key].map { (key, $0) } }
    }

    func copy() -> ObjectRef {
        materialize()
        return ObjectRef(keys: orderedKeys, storage: storage)
    }
}

// MARK: - Conversion to and from JSON

extension Value {
    init(_ json: JSON) {
        self.init(json, conversions: nil)
    }

    init(_ json: JSON, conversions: ArrayConversions?) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .number(Double(number))
        case .double(let number): self = .number(number)
        case .string(let string): self = .string(string)
        case .array(let elements):
            if let conversions {
                self = conversions.value(of: elements)
            } else {
                self = .array(ValueSequence(elements.map(Value.init)))
            }
        case .object(let members):
            self = .object(ObjectRef(json: members, conversions: conversions))
        }
    }

    /// The JSON form of a result; functions vanish as they do in JSON.stringify.
    func toJSON() throws(EvaluationFailure) -> JSON? {
        switch self {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number):
            guard number.isFinite else { throw EvaluationFailure("D1001", value: .some(self)) }
            return .number(number)
        case .string(let string): return .string(string)
        case .array(let seq):
            var elements: [JSON] = []
            elements.reserveCapacity(seq.items.count)
            for item in seq.items {
                elements.append(try item.toJSON() ?? .null)
            }
            return .array(elements)
        case .object(let object):
            if let original = object.unmodifiedSource { return .object(original) }
            var members = JSONObject()
            for (key, member) in object.entries {
                if let converted = try member.toJSON() { members[key] = converted }
            }
            return .object(members)
        case .function:
            return nil
        }
    }

    /// A deep copy, so that transforms can modify a clone.
    func deepCopy() -> Value {
        switch self {
        case .array(var seq):
            seq.items = seq.items.map { $0.deepCopy() }
            return .array(seq)
        case .object(let object):
            let copy = ObjectRef()
            for (key, member) in object.entries { copy[key] = member.deepCopy() }
            return .object(copy)
        default:
            return self
        }
    }
}

// MARK: - Equality

extension Value {
    /// Deep equality as JSONata's `=` uses it.
    static func deepEqual(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            guard a.items.count == b.items.count else { return false }
            for (x, y) in zip(a.items, b.items) where !deepEqual(x, y) { return false }
            return true
        case (.object(let a), .object(let b)):
            if a === b { return true }
            guard a.count == b.count else { return false }
            for (key, value) in a.entries {
                guard let other = b[key], deepEqual(value, other) else { return false }
            }
            return true
        case (.function(let a), .function(let b)):
            return a.identity == b.identity
        default:
            return false
        }
    }
}

// MARK: - Text

enum ValueText {
    /// A JSON string literal for `text`, escaped as SFNJSON prints strings.
    static func quote(_ text: String) -> String {
        JSON.string(text).compactText
    }

    /// JSON.stringify as jsonata uses it for messages and `$string`: numbers go through
    /// 15 significant digits, functions print as empty strings.
    static func stringify(_ value: Value, pretty: Bool = false, roundNumbers: Bool = true) -> String {
        var output = ""
        write(value, into: &output, pretty: pretty, depth: 0, roundNumbers: roundNumbers)
        return output
    }

    private static func write(_ value: Value, into output: inout String, pretty: Bool, depth: Int, roundNumbers: Bool) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number):
            if !number.isFinite {
                output += "null"
                return
            }
            output += NumberText.javaScript(roundNumbers ? NumberText.toPrecision15(number) : number)
        case .string(let string): output += quote(string)
        case .function: output += "\"\""
        case .array(let seq):
            if seq.items.isEmpty {
                output += "[]"
                return
            }
            output += "["
            for (index, item) in seq.items.enumerated() {
                if index > 0 { output += "," }
                if pretty { output += "\n" + String(repeating: "  ", count: depth + 1) }
                write(item, into: &output, pretty: pretty, depth: depth + 1, roundNumbers: roundNumbers)
            }
            if pretty { output += "\n" + String(repeating: "  ", count: depth) }
            output += "]"
        case .object(let object):
            if object.isEmpty {
                output += "{}"
                return
            }
            output += "{"
            var first = true
            for (key, member) in object.entries {
                if !first { output += "," }
                first = false
                if pretty { output += "\n" + String(repeating: "  ", count: depth + 1) }
                output += quote(key) + (pretty ? ": " : ":")
                write(member, into: &output, pretty: pretty, depth: depth + 1, roundNumbers: roundNumbers)
            }
            if pretty { output += "\n" + String(repeating: "  ", count: depth) }
            output += "}"
        }
    }
}

enum NumberText {
    /// JavaScript's Number.prototype.toString for finite doubles.
    static func javaScript(_ value: Double) -> String {
        if value == 0 { return "0" }
        if value.rounded() == value, abs(value) < 1e21, let exact = Int64(exactly: value) {
            return String(exact)
        }
        let (negative, digits, exponent) = JSONNumberFormat.decompose(value)
        let k = digits.count
        let n = exponent
        var result = negative ? "-" : ""
        if k <= n && n <= 21 {
            result += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: n)
            result += digits[..<split] + "." + digits[split...]
        } else if -6 < n && n <= 0 {
            result += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let first = digits.prefix(1)
            let rest = digits.dropFirst()
            let e = n - 1
            result += first + (rest.isEmpty ? "" : "." + rest) + "e" + (e >= 0 ? "+" : "-") + String(abs(e))
        }
        return result
    }

    /// Number(value.toPrecision(15)).
    static func toPrecision15(_ value: Double) -> Double {
        guard value.isFinite, value != 0 else { return value }
        // Integers below 10^15 have at most 15 digits already: rounding leaves them alone.
        if abs(value) < 1e15, value.rounded() == value { return value }
        return Double(String(format: "%.14e", value)) ?? value
    }
}

extension Double {
    /// The value as an Int, clamped to ±2^53 (NaN gives 0), so no input can trap the
    /// conversion or overflow later index arithmetic.
    func clampedInt(_ rule: FloatingPointRoundingRule = .towardZero) -> Int {
        guard !isNaN else { return 0 }
        let limit = 9_007_199_254_740_992.0
        return Int(Swift.min(Swift.max(rounded(rule), -limit), limit))
    }
}
