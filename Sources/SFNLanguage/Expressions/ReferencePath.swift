import SFNJSON

/// A reference path: a path that names exactly one node, built from member names and array
/// indexes only (`$`, `$.a.b`, `$['a b'][0]`). AWS requires these for `ResultPath` (where the
/// result is written) and for fields such as `ItemsPath` or `OutputPath` that read one node.
/// Wildcards, slices, unions, filters, `..` and functions are rejected.
public struct ReferencePath: Sendable, Hashable, CustomStringConvertible {
    /// One step of a reference path: a member or an index.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The path, as an expression to evaluate.
    public let expression: PathExpression
    /// The steps, for setting a value (ResultPath).
    public let components: [Component]

    /// The path as written.
    public var text: String { expression.text }
    /// What the path reads.
    public var kind: PathExpression.Kind { expression.kind }
    /// The path as written.
    public var description: String { text }

    /// Any reference path: into the input (`$...`), the context (`$$...`) or a variable.
    public init(_ text: String) throws(ExpressionSyntaxError) {
        let expression = try PathExpression(text)
        guard expression.path.function == nil else {
            throw ExpressionSyntaxError("Invalid reference path '\(text)': functions are not allowed in a reference path")
        }
        var components: [Component] = []
        for step in expression.path.steps {
            switch step {
            case .property(let name): components.append(.key(name))
            case .index(let index) where index >= 0: components.append(.index(index))
            default:
                throw ExpressionSyntaxError(
                    "Invalid reference path '\(text)': a reference path may only name object members and array indexes")
            }
        }
        self.expression = expression
        self.components = components
    }

    /// A reference path that can receive a value (`ResultPath`): it must address the input.
    public init(resultPath text: String) throws(ExpressionSyntaxError) {
        try self.init(text)
        guard case .input = kind else {
            throw ExpressionSyntaxError("Invalid reference path '\(text)': a ResultPath must start with '$' and address the state input")
        }
    }

    /// The path is `$` itself.
    public var isRoot: Bool { components.isEmpty && kind == .input }

    /// The node the path names, read from the scope (input, context or variable).
    public func get(_ scope: ExpressionScope) -> Result<JSON, PathExpressionMiss> {
        expression.evaluateExplained(scope)
    }

    /// The node the path names inside `root`, ignoring which root the text started from.
    public func get(in root: JSON) -> Result<JSON, JSONPathMiss> {
        expression.path.evaluate(root)
    }

    /// `root` with `value` placed where the path points, as ResultPath does: `$` replaces
    /// everything, missing members along the way are created as objects. A node in the way
    /// that is not an object (or an index outside an array) is AWS's
    /// `States.ResultPathMatchFailure`.
    public func setting(_ value: JSON, in root: JSON) throws(StatesError) -> JSON {
        guard !components.isEmpty else { return value }
        guard let updated = Self.place(value, at: components[...], in: root) else {
            throw StatesError(
                StatesErrorName.resultPathMatchFailure,
                cause: "Unable to apply ReferencePath \(text) to input \(root.compactText)")
        }
        return updated
    }

    private static func place(_ value: JSON, at components: ArraySlice<Component>, in node: JSON) -> JSON? {
        guard let component = components.first else { return value }
        let rest = components.dropFirst()
        switch (component, node) {
        case (.key(let key), .object(var members)):
            guard !rest.isEmpty else {
                // The last field (`$.last`): one lookup, in place or appended.
                members[key] = value
                return .object(members)
            }
            let child = members[key] ?? .emptyObject
            // Release the member before rebuilding it so the nested value is not copied.
            members[key] = .null
            guard let updated = place(value, at: rest, in: child) else { return nil }
            members[key] = updated
            return .object(members)
        case (.index(let index), .array(var elements)):
            guard elements.indices.contains(index) else { return nil }
            guard !rest.isEmpty else {
                elements[index] = value
                return .array(elements)
            }
            let child = elements[index]
            elements[index] = .null
            guard let updated = place(value, at: rest, in: child) else { return nil }
            elements[index] = updated
            return .array(elements)
        default:
            return nil
        }
    }
}
