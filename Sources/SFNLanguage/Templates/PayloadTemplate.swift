import SFNJSON

/// A JSONPath-mode payload template (Parameters, ResultSelector, ItemSelector, ...): keys ending
/// in `.$` take a path or an intrinsic call, everything else is copied. Compiled once; constant
/// subtrees are kept as prebuilt JSON so evaluation only builds what varies.
public struct PayloadTemplate: Sendable, Hashable {
    let root: Node

    indirect enum Node: Sendable, Hashable {
        /// A subtree without any `.$` key anywhere below it.
        case constant(JSON)
        case object([Member])
        case array([Node])
        /// A `.$` field's path; `field` is the key as written, for AWS's failure message.
        case path(PathExpression, field: String)
        case intrinsic(IntrinsicFunctionCall, field: String)
    }

    struct Member: Sendable, Hashable {
        /// The output key (`.$` already removed).
        let key: String
        let node: Node
    }

    /// Compiles every `.$` field of `template` (paths, intrinsic calls).
    public init(compiling template: JSON) throws(ExpressionSyntaxError) {
        root = try Self.compile(template, at: .root)
    }

    /// True when evaluation always yields the same value (no `.$` fields anywhere).
    public var isConstant: Bool {
        if case .constant = root { return true }
        return false
    }

    /// The template's value against `scope`.
    public func evaluate(_ scope: ExpressionScope) throws(StatesError) -> JSON {
        try Self.evaluate(root, scope)
    }

    // MARK: Compiling

    private static let dynamicSuffix = ".$"

    private static func compile(_ value: JSON, at pointer: JSONPointer) throws(ExpressionSyntaxError) -> Node {
        switch value {
        case .object(let members):
            var compiled: [Member] = []
            compiled.reserveCapacity(members.count)
            var isConstant = true
            for (key, member) in members {
                let memberPointer = pointer / key
                if key.hasSuffix(dynamicSuffix) && key.count > dynamicSuffix.count {
                    let outputKey = String(key.dropLast(dynamicSuffix.count))
                    compiled.append(Member(key: outputKey, node: try compileDynamic(member, key: key, at: memberPointer)))
                    isConstant = false
                } else {
                    let node = try compile(member, at: memberPointer)
                    if case .constant = node {} else { isConstant = false }
                    compiled.append(Member(key: key, node: node))
                }
            }
            return isConstant ? .constant(value) : .object(compiled)
        case .array(let elements):
            var compiled: [Node] = []
            compiled.reserveCapacity(elements.count)
            var isConstant = true
            for (index, element) in elements.enumerated() {
                let node = try compile(element, at: pointer / index)
                if case .constant = node {} else { isConstant = false }
                compiled.append(node)
            }
            return isConstant ? .constant(value) : .array(compiled)
        default:
            return .constant(value)
        }
    }

    private static func compileDynamic(_ value: JSON, key: String, at pointer: JSONPointer) throws(ExpressionSyntaxError) -> Node {
        guard case .string(let expression) = value else {
            throw ExpressionSyntaxError(
                "The value for the field '\(key)' must be a STRING that contains a JSONPath or an intrinsic function call, but was \(value.typeName)",
                pointer: pointer
            )
        }
        if IntrinsicFunctionCall.looksLikeCall(expression) {
            do {
                return .intrinsic(try IntrinsicFunctionCall(parsing: expression), field: key)
            } catch {
                throw ExpressionSyntaxError(
                    "The value for the field '\(key)' must be a valid JSONPath or a valid intrinsic function call: \(error.message)",
                    pointer: pointer,
                    position: error.position
                )
            }
        }
        do {
            return .path(try PathExpression(expression), field: key)
        } catch {
            throw ExpressionSyntaxError(
                "The value for the field '\(key)' must be a valid JSONPath or a valid intrinsic function call: \(error.message)",
                pointer: pointer,
                position: error.position
            )
        }
    }

    // MARK: Evaluating

    private static func evaluate(_ node: Node, _ scope: ExpressionScope) throws(StatesError) -> JSON {
        switch node {
        case .constant(let value):
            return value
        case .object(let members):
            var output = JSONObject(minimumCapacity: members.count)
            for member in members {
                output[member.key] = try evaluate(member.node, scope)
            }
            return .object(output)
        case .array(let elements):
            var output: [JSON] = []
            output.reserveCapacity(elements.count)
            for element in elements { output.append(try evaluate(element, scope)) }
            return .array(output)
        case .path(let path, let field):
            guard let value = path.evaluate(scope) else {
                throw .runtime(PathExpressionMiss.templateFieldCause(path: path, field: field, input: scope.input))
            }
            return value
        case .intrinsic(let call, let field):
            return try call.evaluate(scope, field: field)
        }
    }
}
