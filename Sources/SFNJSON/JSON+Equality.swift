// JSON equality is by value: object key order does not matter and `1` equals `1.0`,
// which is what ArrayContains, ArrayUnique, JSONata's `=` and test comparisons need.

extension JSON: Equatable {
    /// Structural equality: object members in any order, `1` equal to `1.0`.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)): return Double(a) == b
        case (.double(let a), .int(let b)): return a == Double(b)
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b[key], other == value else { return false }
            }
            return true
        default: return false
        }
    }
}

extension JSON: Hashable {
    /// A hash that agrees with `==`.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value):
            hasher.combine(1)
            hasher.combine(value)
        case .int(let value):
            hasher.combine(2)
            hasher.combine(Double(value))
        case .double(let value):
            hasher.combine(2)
            hasher.combine(value)
        case .string(let value):
            hasher.combine(3)
            hasher.combine(value)
        case .array(let elements):
            hasher.combine(4)
            hasher.combine(elements.count)
            for element in elements { element.hash(into: &hasher) }
        case .object(let members):
            // Order-independent: combine the entries' own hashes commutatively.
            hasher.combine(5)
            var combined = 0
            for (key, value) in members {
                var entry = Hasher()
                entry.combine(key)
                value.hash(into: &entry)
                combined = combined &+ entry.finalize()
            }
            hasher.combine(combined)
        }
    }
}
