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
    /// One recorded part: where its member starts (the key for members, the value itself for
    /// elements and the root) and where its value starts.
    private struct Place: Sendable {
        var member: SourcePosition?
        var value: SourcePosition?
    }

    /// A step from a part to one of its children. Tokens are compared by their text:
    /// `JSONPointer(parsing:)` turns `/0` into an index token even when it names an object key,
    /// so `.key("0")` and `.index(0)` must find the same child.
    private struct Step: Hashable, Sendable {
        var parent: Int
        var name: String
    }

    /// The parts as a tree: node 0 is the root, `children` leads from a node to its children.
    /// Recording a child costs one lookup whatever the depth (keys built from whole pointer
    /// texts made a deeply nested definition quadratic to load).
    private var places: [Place] = [Place()]
    private var children: [Step: Int] = [:]

    /// The file the definition was read from, for display.
    public var file: String

    /// An empty map for `file`.
    public init(file: String) {
        self.file = file
    }

    /// The root's node, to record children under.
    static let rootNode = 0

    /// The node of `token` under `parent`, created when new.
    mutating func node(_ token: JSONPointer.Token, under parent: Int) -> Int {
        let step = Step(parent: parent, name: Self.name(of: token))
        if let existing = children[step] { return existing }
        places.append(Place())
        children[step] = places.count - 1
        return places.count - 1
    }

    /// Records where the part at `node` starts.
    mutating func record(node: Int, member: SourcePosition, value: SourcePosition) {
        places[node].member = member
        places[node].value = value
    }

    /// Records where the part at `pointer` starts.
    mutating func record(_ pointer: JSONPointer, member: SourcePosition, value: SourcePosition) {
        var current = Self.rootNode
        for token in pointer.tokens { current = node(token, under: current) }
        record(node: current, member: member, value: value)
    }

    private static func name(of token: JSONPointer.Token) -> String {
        switch token {
        case .key(let key): key
        case .index(let index): String(index)
        }
    }

    /// Whether no position is known.
    public var isEmpty: Bool { !places.contains { $0.value != nil } }

    /// Where the part named by the pointer starts (its key, for object members). When the pointer
    /// names something that is not in the file (a missing field, a part produced by substitution)
    /// the nearest enclosing part that is recorded is used instead; `nil` only when nothing is.
    public func location(of pointer: JSONPointer) -> (line: Int, column: Int)? {
        position(of: pointer).map { ($0.line, $0.column) }
    }

    /// Like `location(of:)`, as a value type.
    public func position(of pointer: JSONPointer) -> SourcePosition? {
        nearest(pointer, \.member)
    }

    /// Where the value named by the pointer starts (after its key), falling back like `location(of:)`.
    public func valuePosition(of pointer: JSONPointer) -> SourcePosition? {
        nearest(pointer, \.value)
    }

    /// Whether the pointer itself (not an ancestor) was recorded.
    public func contains(_ pointer: JSONPointer) -> Bool {
        guard let node = find(pointer) else { return false }
        return places[node].value != nil
    }

    private func find(_ pointer: JSONPointer) -> Int? {
        var current = Self.rootNode
        for token in pointer.tokens {
            guard let next = children[Step(parent: current, name: Self.name(of: token))] else { return nil }
            current = next
        }
        return current
    }

    /// The deepest recorded part on the way to `pointer`.
    private func nearest(_ pointer: JSONPointer, _ field: KeyPath<Place, SourcePosition?>) -> SourcePosition? {
        var current = Self.rootNode
        var found = places[current][keyPath: field]
        for token in pointer.tokens {
            guard let next = children[Step(parent: current, name: Self.name(of: token))] else { break }
            current = next
            if let position = places[current][keyPath: field] { found = position }
        }
        return found
    }

    /// The entries under `prefix`, re-rooted so that `prefix` becomes the root: used when a
    /// definition is one part of a larger file (a template).
    func subtree(at prefix: JSONPointer) -> SourceMap {
        var result = SourceMap(file: file)
        guard let top = find(prefix) else { return result }
        // The definition's own root starts at its value, not at the key that names it.
        let root = places[top]
        result.places[Self.rootNode] = Place(member: root.value, value: root.value)
        var byParent: [Int: [(String, Int)]] = [:]
        for (step, child) in children { byParent[step.parent, default: []].append((step.name, child)) }
        var pending = [(top, Self.rootNode)]
        while let (from, to) = pending.popLast() {
            for (name, child) in byParent[from] ?? [] {
                result.places.append(places[child])
                let copy = result.places.count - 1
                result.children[Step(parent: to, name: name)] = copy
                if result.places[copy].member == nil { result.places[copy].member = result.places[copy].value }
                pending.append((child, copy))
            }
        }
        return result
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
        var result = self
        for index in result.places.indices {
            result.places[index].member = result.places[index].member.flatMap(translate)
            result.places[index].value = result.places[index].value.flatMap(translate)
        }
        return result
    }
}
