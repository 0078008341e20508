import SFNJSON
import SFNLanguage

/// An executor that routes Tasks on to others (the Lambda router, mocks), and so can say before a
/// run whether a Task would find one.
public protocol RoutingExecutor: TaskExecutor {
    /// Whether `resource` (in `state`; `functionName` for `lambda:invoke`, when written in the
    /// definition) would reach an executor; nil when that cannot be known before the run.
    func serves(_ task: TaskRoute, region: String, accountId: String) -> Bool?
}

/// A Task as written in a definition: what a route is looked up by.
public struct TaskRoute: Sendable, Equatable {
    /// The state's name.
    public var state: String
    /// Its Resource.
    public var resource: String
    /// `Parameters.FunctionName` / `Arguments.FunctionName` of a `lambda:invoke` Task, when it is
    /// a literal.
    public var functionName: String?

    /// A Task of `state` calling `resource`.
    public init(state: String, resource: String, functionName: String? = nil) {
        self.state = state
        self.resource = resource
        self.functionName = functionName
    }

    /// The Lambda function the Task calls (a function ARN resource, or a literal FunctionName).
    public var function: LambdaFunctionReference? {
        if resource.hasPrefix("arn:aws:states:::lambda:invoke") { return functionName.flatMap(LambdaFunctionReference.init) }
        return LambdaFunctionReference(resource)
    }

    /// Every Task of a definition (in Parallel branches and Map item processors too), in the
    /// order written.
    public static func all(in definition: JSON) -> [TaskRoute] {
        var found: [TaskRoute] = []
        func walk(_ machine: JSON?) {
            guard case .object(let states)? = machine?["States"] else { return }
            for (name, state) in states {
                switch state["Type"]?.stringValue {
                case "Task":
                    guard let resource = state["Resource"]?.stringValue else { continue }
                    let arguments = state["Parameters"] ?? state["Arguments"]
                    var function = arguments?["FunctionName"]?.stringValue
                    if let text = function, text.contains("{%") { function = nil }
                    found.append(TaskRoute(state: name, resource: resource, functionName: function))
                case "Parallel":
                    for branch in state["Branches"]?.arrayValue ?? [] { walk(branch) }
                case "Map":
                    walk(state["ItemProcessor"] ?? state["Iterator"])
                default:
                    break
                }
            }
        }
        walk(definition)
        return found
    }
}

extension ExecutorRegistry {
    /// Whether `task` would find an executor: false when none, nil when only the run can tell
    /// (a FunctionName computed at run time).
    public func serves(_ task: TaskRoute, region: String, accountId: String) -> Bool? {
        guard let executor = executor(for: task.resource) else { return false }
        if let routing = executor as? any RoutingExecutor { return routing.serves(task, region: region, accountId: accountId) }
        return true
    }
}

extension LambdaRouter: RoutingExecutor {
    /// A function served by name or by its ARN.
    public func serves(_ task: TaskRoute, region: String, accountId: String) -> Bool? {
        let integration = task.resource.hasPrefix("arn:aws:states:::lambda:invoke")
        // A route for the integration's resource itself serves any FunctionName.
        if integration, servesIntegration(task.resource) { return true }
        guard let reference = task.function else {
            // lambda:invoke whose FunctionName is computed: the run will tell.
            return integration ? nil : false
        }
        return hasFunction(reference, arn: reference.arn(defaultRegion: region, defaultAccountId: accountId))
    }
}

extension MockExecutor: RoutingExecutor {
    /// A mocked state, or one its fallback serves.
    public func serves(_ task: TaskRoute, region: String, accountId: String) -> Bool? {
        if mocks(task.state) { return true }
        return fallbackRegistry.serves(task, region: region, accountId: accountId)
    }
}
