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

extension JSON {
    /// Whether the two values are the same to the letter: the same types (`1` is not `1.0`), the
    /// same members in the same order. Such values have the same text; values that share their
    /// storage are recognised without being walked.
    public func isExactly(_ other: JSON) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            if Self.sameStorage(a, b) { return true }
            for index in a.indices where !a[index].isExactly(b[index]) { return false }
            return true
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            if self.sharesStorage(with: other) { return true }
            for index in a.keys.indices {
                guard a.keys[index] == b.keys[index], a.values[index].isExactly(b.values[index]) else { return false }
            }
            return true
        default: return false
        }
    }

    /// Whether the two are one array or one object, held in the same storage (so equal without a
    /// look at their elements). Scalars, and empty arrays and objects, share none.
    public func sharesStorage(with other: JSON) -> Bool {
        switch (self, other) {
        case (.array(let a), .array(let b)): return Self.sameStorage(a, b)
        case (.object(let a), .object(let b)):
            return Self.sameStorage(a.keys.elements, b.keys.elements) && Self.sameStorage(a.values.elements, b.values.elements)
        default: return false
        }
    }

    /// Whether two arrays are one buffer (an empty array has none to compare).
    static func sameStorage<Element>(_ a: [Element], _ b: [Element]) -> Bool {
        a.withUnsafeBufferPointer { left in
            b.withUnsafeBufferPointer { right in left.baseAddress != nil && left.baseAddress == right.baseAddress }
        }
    }
}
