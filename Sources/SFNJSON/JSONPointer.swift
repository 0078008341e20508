/// A JSON Pointer (RFC 6901), used to name places in definitions (`/States/Foo/Next`).
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// One step: an object member or an array index.
    public enum Token: Sendable, Hashable {
        case key(String)
        case index(Int)

        var text: String {
            switch self {
            case .key(let key): key.replacing("~", with: "~0").replacing("/", with: "~1")
            case .index(let index): String(index)
            }
        }
    }

    /// The steps from the root.
    public private(set) var tokens: [Token]

    /// A pointer of these steps.
    public init(_ tokens: [Token] = []) { self.tokens = tokens }

    /// The whole document (`""`).
    public static let root = JSONPointer()

    /// Parses `/a/0/b~1c`. Numeric tokens become indexes (they still address object keys that
    /// look like numbers).
    public init?(parsing text: String) {
        if text.isEmpty {
            self.init()
            return
        }
        guard text.hasPrefix("/") else { return nil }
        var tokens: [Token] = []
        for part in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let key = String(part).replacing("~1", with: "/").replacing("~0", with: "~")
            if let index = Int(key), index >= 0, String(index) == key {
                tokens.append(.index(index))
            } else {
                tokens.append(.key(key))
            }
        }
        self.init(tokens)
    }

    /// This pointer, one member further.
    public func appending(_ key: String) -> JSONPointer {
        var copy = self
        copy.tokens.append(.key(key))
        return copy
    }

    /// This pointer, one element further.
    public func appending(_ index: Int) -> JSONPointer {
        var copy = self
        copy.tokens.append(.index(index))
        return copy
    }

    /// `pointer / "States"`.
    public static func / (pointer: JSONPointer, key: String) -> JSONPointer { pointer.appending(key) }
    /// `pointer / 0`.
    public static func / (pointer: JSONPointer, index: Int) -> JSONPointer { pointer.appending(index) }

    /// The RFC 6901 text (`/States/A~1B`).
    public var description: String {
        tokens.isEmpty ? "" : tokens.map { "/" + $0.text }.joined()
    }
}

extension JSON {
    /// The value at a pointer, or `nil` when any step is missing.
    public subscript(pointer pointer: JSONPointer) -> JSON? {
        var current = self
        for token in pointer.tokens {
            switch (token, current) {
            case (.key(let key), .object(let members)):
                guard let next = members[key] else { return nil }
                current = next
            case (.index(let index), .array(let elements)):
                guard elements.indices.contains(index) else { return nil }
                current = elements[index]
            case (.index(let index), .object(let members)):
                guard let next = members[String(index)] else { return nil }
                current = next
            default:
                return nil
            }
        }
        return current
    }

    /// Why a value could not be set at a pointer.
    public enum PointerSetError: Error, Equatable {
        case notAContainer(JSONPointer)
        case indexOutOfRange(JSONPointer)
    }

    /// Returns a copy with the value at `pointer` replaced (or added, for a new object key or
    /// an index equal to the array's count).
    public func setting(_ value: JSON, at pointer: JSONPointer) throws(PointerSetError) -> JSON {
        try setting(value, tokens: pointer.tokens[...], walked: JSONPointer())
    }

    private func setting(_ value: JSON, tokens: ArraySlice<JSONPointer.Token>, walked: JSONPointer) throws(PointerSetError) -> JSON {
        guard let token = tokens.first else { return value }
        let rest = tokens.dropFirst()
        switch (token, self) {
        case (.key(let key), .object(var members)):
            let child = members[key] ?? (rest.isEmpty ? .null : .object([:]))
            members[key] = try child.setting(value, tokens: rest, walked: walked / key)
            return .object(members)
        case (.index(let index), .object(var members)):
            let key = String(index)
            let child = members[key] ?? (rest.isEmpty ? .null : .object([:]))
            members[key] = try child.setting(value, tokens: rest, walked: walked / key)
            return .object(members)
        case (.index(let index), .array(var elements)):
            if index == elements.count {
                elements.append(try JSON.object([:]).setting(value, tokens: rest, walked: walked / index))
            } else if elements.indices.contains(index) {
                elements[index] = try elements[index].setting(value, tokens: rest, walked: walked / index)
            } else {
                throw .indexOutOfRange(walked / index)
            }
            return .array(elements)
        default:
            throw .notAContainer(walked)
        }
    }
}
