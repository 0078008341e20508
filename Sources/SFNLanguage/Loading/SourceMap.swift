import SFNJSON

/// A 1-based line and column in a file, columns counted in Unicode scalars (as editors and
/// libyaml count them).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int

    /// A position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// Where each part of a loaded definition was written, so problems found in the definition can
/// be shown to a person as `file:line:column`.
///
/// Pointers are relative to the definition, not to the file (inside a template the definition
/// may sit at `/Resources/Machine/Properties/Definition`; the map hides that).
public struct SourceMap: Sendable {
    /// Where an object member or array element starts: the key for members, the value itself for
    /// elements and the root.
    private var memberStarts: [String: SourcePosition] = [:]
    /// Where the value itself starts (for members: after the key and colon).
    private var valueStarts: [String: SourcePosition] = [:]

    /// The file the definition was read from, for display.
    public var file: String

    /// An empty map for `file`.
    public init(file: String) {
        self.file = file
    }

    /// Pointers are keyed by their text: `JSONPointer(parsing:)` turns `/0` into an index token
    /// even when it names an object key, so token-wise equality would miss such entries.
    mutating func record(_ pointer: JSONPointer, member: SourcePosition, value: SourcePosition) {
        let key = pointer.description
        memberStarts[key] = member
        valueStarts[key] = value
    }

    /// Whether no position is known.
    public var isEmpty: Bool { valueStarts.isEmpty }

    /// Where the part named by the pointer starts (its key, for object members). When the pointer
    /// names something that is not in the file (a missing field, a part produced by substitution)
    /// the nearest enclosing part that is recorded is used instead; `nil` only when nothing is.
    public func location(of pointer: JSONPointer) -> (line: Int, column: Int)? {
        position(of: pointer).map { ($0.line, $0.column) }
    }

    /// Like `location(of:)`, as a value type.
    public func position(of pointer: JSONPointer) -> SourcePosition? {
        nearest(pointer, in: memberStarts)
    }

    /// Where the value named by the pointer starts (after its key), falling back like `location(of:)`.
    public func valuePosition(of pointer: JSONPointer) -> SourcePosition? {
        nearest(pointer, in: valueStarts)
    }

    /// Whether the pointer itself (not an ancestor) was recorded.
    public func contains(_ pointer: JSONPointer) -> Bool {
        valueStarts[pointer.description] != nil
    }

    private func nearest(_ pointer: JSONPointer, in table: [String: SourcePosition]) -> SourcePosition? {
        var tokens = pointer.tokens
        while true {
            if let found = table[JSONPointer(tokens).description] { return found }
            if tokens.isEmpty { return nil }
            tokens.removeLast()
        }
    }

    /// The entries under `prefix`, re-rooted so that `prefix` becomes the root: used when a
    /// definition is one part of a larger file (a template).
    func subtree(at prefix: JSONPointer) -> SourceMap {
        var result = SourceMap(file: file)
        let base = prefix.description
        for (key, value) in valueStarts {
            guard let relative = Self.relative(key, to: base) else { continue }
            result.valueStarts[relative] = value
            // The definition's own root starts at its value, not at the key that names it.
            result.memberStarts[relative] = relative.isEmpty ? value : memberStarts[key] ?? value
        }
        return result
    }

    private static func relative(_ key: String, to base: String) -> String? {
        if base.isEmpty { return key }
        guard key.hasPrefix(base) else { return nil }
        let rest = key.dropFirst(base.count)
        guard rest.isEmpty || rest.hasPrefix("/") else { return nil }
        return String(rest)
    }

    /// A map that places every pointer at one location: for definitions that were embedded as a
    /// string whose inner positions are not known.
    static func single(file: String, at location: SourcePosition) -> SourceMap {
        var map = SourceMap(file: file)
        map.record(.root, member: location, value: location)
        return map
    }

    /// Moves every location through `translate`: used for a definition embedded as text inside
    /// a template, whose positions are relative to that text. Locations with no translation are
    /// dropped (lookups then fall back to an ancestor).
    func remapped(_ translate: (SourcePosition) -> SourcePosition?) -> SourceMap {
        var result = SourceMap(file: file)
        for (key, value) in valueStarts { result.valueStarts[key] = translate(value) }
        for (key, value) in memberStarts { result.memberStarts[key] = translate(value) }
        return result
    }
}
