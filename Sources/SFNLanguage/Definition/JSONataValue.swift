import Foundation
import SFNJSON
import SFNJSONata

/// A JSONata-mode field value (Arguments, Output, Assign, Items, Condition, ...): any JSON whose
/// strings of the form `{% expression %}` are compiled JSONata expressions, evaluated in place when
/// the state runs. Each expression knows the field AWS names in its errors (`Output`,
/// `Arguments/a`, `Choices[0]/Condition`, `Items[2]`).
public indirect enum JSONataValue: Sendable {
    case constant(JSON)
    case expression(JSONataExpression, field: String)
    case object([(key: String, value: JSONataValue)])
    case array([JSONataValue])

    /// The text between `{%` and `%}` when `text` is a JSONata expression string.
    public static func expressionSource(_ text: String) -> Substring? {
        guard text.hasPrefix("{%"), text.hasSuffix("%}"), text.utf8.count >= 4 else { return nil }
        return text.dropFirst(2).dropLast(2)
    }

    /// Compiles every expression string inside `value`; constant subtrees stay JSON. `field` is
    /// the name errors give the whole value.
    public init(compiling value: JSON, field: String) throws(ExpressionSyntaxError) {
        self = try Self.compile(value, at: .root, field: field)
    }

    /// Whether the template has no expression anywhere (it evaluates to itself).
    public var isConstant: Bool {
        if case .constant = self { true } else { false }
    }

    /// The source of the expression, as AWS quotes it (without the blanks inside `{% %}`), when
    /// the whole value is one `{% %}` string.
    public var wholeExpressionSource: String? {
        if case .expression(let expression, _) = self { return Self.quoted(expression) }
        return nil
    }

    /// AWS quotes expressions without the blanks inside `{% ... %}`.
    public static func quoted(_ expression: JSONataExpression) -> String {
        expression.source.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func compile(_ value: JSON, at pointer: JSONPointer, field: String) throws(ExpressionSyntaxError) -> JSONataValue {
        switch value {
        case .string(let text):
            guard let source = expressionSource(text) else { return .constant(value) }
            if source.allSatisfy(\.isWhitespace) {
                throw ExpressionSyntaxError("Unexpected end of expression", pointer: pointer)
            }
            do {
                return .expression(try JSONataExpression(String(source)), field: field)
            } catch {
                // AWS reports JSONata's own wording, without its S0xxx code.
                throw ExpressionSyntaxError(error.message, pointer: pointer, position: error.position)
            }
        case .object(let members):
            var compiled: [(key: String, value: JSONataValue)] = []
            compiled.reserveCapacity(members.count)
            var allConstant = true
            for (key, member) in members {
                let template = try compile(member, at: pointer / key, field: field + "/" + key)
                if !template.isConstant { allConstant = false }
                compiled.append((key, template))
            }
            return allConstant ? .constant(value) : .object(compiled)
        case .array(let elements):
            var compiled: [JSONataValue] = []
            compiled.reserveCapacity(elements.count)
            var allConstant = true
            for (index, element) in elements.enumerated() {
                let template = try compile(element, at: pointer / index, field: field + "[\(index)]")
                if !template.isConstant { allConstant = false }
                compiled.append(template)
            }
            return allConstant ? .constant(value) : .array(compiled)
        default:
            return .constant(value)
        }
    }
}
