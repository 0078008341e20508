import SFNJSON

/// Workflow variables visible to one path of an execution.
///
/// Map iterations and Parallel branches get a child scope: they read the variables of the scopes
/// around them, and what they assign stays inside them. Only one path writes a scope at a time (a
/// parent waits while its children run), so plain storage is enough.
public final class VariableScope: @unchecked Sendable {
    // @unchecked: one writer at a time by construction (see above), and readers run on that path.
    /// The scope around this one (nil at the top level).
    public let parent: VariableScope?
    private var values: [String: JSON] = [:]

    /// An empty scope inside `parent`.
    public init(parent: VariableScope? = nil) {
        self.parent = parent
    }

    /// A variable, looked up from this scope outwards.
    public func value(named name: String) -> JSON? {
        var scope: VariableScope? = self
        while let current = scope {
            if let value = current.values[name] { return value }
            scope = current.parent
        }
        return nil
    }

    /// Sets variables in this scope.
    public func assign(_ assignments: JSONObject) {
        for (name, value) in assignments { values[name] = value }
    }

    /// A scope for a branch or iteration inside this one.
    public func child() -> VariableScope { VariableScope(parent: self) }

    /// Every visible variable, inner scopes winning (for JSONata bindings).
    public var visible: [String: JSON] {
        var result = parent?.visible ?? [:]
        for (name, value) in values { result[name] = value }
        return result
    }

    /// Whether no scope up the chain holds a variable.
    public var isEmpty: Bool { values.isEmpty && (parent?.isEmpty ?? true) }
}
