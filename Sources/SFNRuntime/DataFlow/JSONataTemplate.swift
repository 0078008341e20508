import Foundation
import SFNJSON
import SFNJSONata
import SFNLanguage

/// A JSONata-mode field value (Arguments, Output, Assign, Items, Condition, ...): any JSON in which
/// strings of the form `{% expression %}` are JSONata, compiled once.
struct JSONataTemplate: Sendable {
    indirect enum Node: Sendable {
        case constant(JSON)
        case expression(JSONataExpression, field: String)
        case object([(key: String, node: Node)])
        case array([Node])
    }

    let root: Node
    /// The field name AWS quotes in errors, e.g. `Output`.
    let field: String

    init(compiling value: JSON, field: String) throws(ExpressionSyntaxError) {
        self.field = field
        root = try Self.compile(value, field: field)
    }

    var isConstant: Bool { if case .constant = root { true } else { false } }

    /// The expression source when the whole field is one `{% %}` string, as AWS quotes it.
    var wholeExpressionSource: String? {
        if case .expression(let expression, _) = root { return Self.quoted(expression) }
        return nil
    }

    /// AWS quotes expressions without the blanks inside `{% ... %}`.
    static func quoted(_ expression: JSONataExpression) -> String {
        expression.source.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func expressionSource(_ text: String) -> String? {
        guard text.hasPrefix("{%"), text.hasSuffix("%}"), text.count >= 4 else { return nil }
        return String(text.dropFirst(2).dropLast(2))
    }

    private static func compile(_ value: JSON, field: String) throws(ExpressionSyntaxError) -> Node {
        switch value {
        case .string(let text):
            guard let source = expressionSource(text) else { return .constant(value) }
            do {
                return .expression(try JSONataExpression(source), field: field)
            } catch {
                throw ExpressionSyntaxError("\(error.code): \(error.message)", position: error.position)
            }
        case .object(let members):
            var nodes: [(key: String, node: Node)] = []
            var allConstant = true
            for (key, member) in members {
                let node = try compile(member, field: field + "/" + key)
                if case .constant = node {} else { allConstant = false }
                nodes.append((key, node))
            }
            return allConstant ? .constant(value) : .object(nodes)
        case .array(let elements):
            var nodes: [Node] = []
            var allConstant = true
            for (index, element) in elements.enumerated() {
                let node = try compile(element, field: field + "[\(index)]")
                if case .constant = node {} else { allConstant = false }
                nodes.append(node)
            }
            return allConstant ? .constant(value) : .array(nodes)
        default:
            return .constant(value)
        }
    }

    func evaluate(_ environment: JSONataBindings) throws(StatesError) -> JSON {
        try Self.evaluate(root, environment)
    }

    /// Evaluates, allowing the whole value to be undefined (nil), as Choice conditions need.
    func evaluateAllowingUndefined(_ environment: JSONataBindings) throws(StatesError) -> JSON? {
        if case .expression(let expression, let field) = root {
            return try Self.run(expression, field: field, environment)
        }
        return try Self.evaluate(root, environment)
    }

    private static func evaluate(_ node: Node, _ environment: JSONataBindings) throws(StatesError) -> JSON {
        switch node {
        case .constant(let value):
            return value
        case .expression(let expression, let field):
            guard let value = try run(expression, field: field, environment) else {
                throw StatesError.queryEvaluation(
                    "The JSONata expression '\(quoted(expression))' specified for the field '\(field)' returned nothing (undefined).")
            }
            return value
        case .object(let nodes):
            var members = JSONObject(minimumCapacity: nodes.count)
            for (key, child) in nodes { members[key] = try evaluate(child, environment) }
            return .object(members)
        case .array(let nodes):
            var elements: [JSON] = []
            elements.reserveCapacity(nodes.count)
            for child in nodes { elements.append(try evaluate(child, environment)) }
            return .array(elements)
        }
    }

    private static func run(_ expression: JSONataExpression, field: String, _ environment: JSONataBindings) throws(StatesError) -> JSON? {
        do {
            return try expression.evaluate(environment.input, bindings: environment.bindings, environment: environment.environment)
        } catch {
            throw StatesError.queryEvaluation(
                "The JSONata expression '\(quoted(expression))' specified for the field '\(field)' threw an error during evaluation. \(error.code): \(error.message)")
        }
    }
}

/// What JSONata expressions of one state see: `$states`, the workflow variables, AWS's functions.
struct JSONataBindings {
    var input: JSON?
    var bindings: [String: JSON]
    var environment: JSONataEnvironment
}
