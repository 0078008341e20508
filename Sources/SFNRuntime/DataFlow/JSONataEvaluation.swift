import SFNJSON
import SFNJSONata
import SFNLanguage

/// Evaluating the JSONata field values the parser compiled (Arguments, Output, Assign, Items,
/// Condition, ...): each `{% %}` expression in place, with AWS's QueryEvaluationError causes.
extension JSONataValue {
    func evaluate(_ environment: JSONataBindings) throws(StatesError) -> JSON {
        switch self {
        case .constant(let value):
            return value
        case .expression(let expression, let field):
            guard let value = try Self.run(expression, field: field, environment) else {
                throw StatesError.jsonataUndefined(Self.quoted(expression), field: field)
            }
            return value
        case .object(let nodes):
            var members = JSONObject(minimumCapacity: nodes.count)
            for (key, child) in nodes { members[key] = try child.evaluate(environment) }
            return .object(members)
        case .array(let nodes):
            var elements: [JSON] = []
            elements.reserveCapacity(nodes.count)
            for child in nodes { elements.append(try child.evaluate(environment)) }
            return .array(elements)
        }
    }

    /// Evaluates, allowing the whole value to be undefined (nil), as Choice conditions need.
    func evaluateAllowingUndefined(_ environment: JSONataBindings) throws(StatesError) -> JSON? {
        if case .expression(let expression, let field) = self {
            return try Self.run(expression, field: field, environment)
        }
        return try evaluate(environment)
    }

    /// The field AWS names when the whole value is one expression (`Seconds`, `Error`, ...).
    var fieldName: String {
        if case .expression(_, let field) = self { return field }
        return ""
    }

    private static func run(_ expression: JSONataExpression, field: String, _ environment: JSONataBindings) throws(StatesError) -> JSON? {
        let result: JSONataResult
        do {
            result = try expression.evaluateResult(environment.input, variables: environment, environment: environment.environment)
        } catch {
            throw StatesError.jsonataThrew(quoted(expression), field: field, code: error.code, message: error.message)
        }
        switch result {
        case .value(let value): return value
        case .undefined: return nil
        case .function:
            throw StatesError.jsonataUnsupportedResult(quoted(expression), field: field)
        }
    }
}

/// What JSONata expressions of one state see: `$states`, the workflow variables, AWS's functions.
/// `$states.input.count` and the like are read from the parts without building `$states`; the
/// dictionary of every binding is built once, when an expression needs the general evaluation.
final class JSONataBindings: JSONataVariables {
    let input: JSON?
    let states: StatesParts
    let variables: VariableScope
    let environment: JSONataEnvironment

    /// `$states`' members, each nil when the state has none.
    struct StatesParts {
        var input: JSON?
        var result: JSON?
        var errorOutput: JSON?
        var context: JSON?
    }

    init(input: JSON?, states: StatesParts, variables: VariableScope, environment: JSONataEnvironment) {
        self.input = input
        self.states = states
        self.variables = variables
        self.environment = environment
    }

    func member(_ member: String, of name: String) -> JSONataMember {
        guard name == "states" else { return JSONataMember(member, of: variables.value(named: name)) }
        let found: JSON?
        switch member {
        case "input": found = states.input
        case "result": found = states.result
        case "errorOutput": found = states.errorOutput
        case "context": found = states.context
        default: found = nil
        }
        return found.map(JSONataMember.found) ?? .missing
    }

    private(set) lazy var all: [String: JSON] = {
        var object: JSONObject = [:]
        if let input = states.input { object["input"] = input }
        if let result = states.result { object["result"] = result }
        if let errorOutput = states.errorOutput { object["errorOutput"] = errorOutput }
        if let context = states.context { object["context"] = context }
        var bindings = variables.isEmpty ? [:] : variables.visible
        bindings["states"] = .object(object)
        return bindings
    }()
}
