import SFNJSON
import SFNLanguage

/// Everything an executor gets to do one Task state's work.
public struct TaskRequest: Sendable {
    /// The state's `Resource`, e.g. `arn:aws:lambda:us-east-1:123456789012:function:order`.
    public var resource: String
    /// The effective input: after InputPath and Parameters (JSONPath) or Arguments (JSONata).
    public var input: JSON
    /// The Task state's name.
    public var stateName: String
    /// The context object (`$$`) as the state sees it.
    public var context: JSON
    /// Set for `.waitForTaskToken` resources: the token the callback must present.
    public var taskToken: String?
    /// The state's TimeoutSeconds, resolved (the runtime enforces it; shown for executors that pass it on).
    public var timeoutSeconds: Int?
    /// The state's HeartbeatSeconds, resolved.
    public var heartbeatSeconds: Int?
    /// `Credentials`, as written.
    public var credentials: JSON?
    /// For an activity task: tell it when a worker takes the task, so its ActivityStarted event
    /// is written then, with the worker's name (set by the runtime; nil otherwise).
    public var activityStart: ActivityStartReport?
    /// What the task token an executor issues itself (an activity's) is derived from, so that an
    /// execution resumed after a restart issues the same token (set by the runtime).
    public var tokenSeed: String?
    /// What is left of TimeoutSeconds for an attempt that was already running before a restart
    /// (set by the runtime; the timeout counts from when the attempt started).
    public var remainingMilliseconds: Int64?

    /// A request; the runtime builds these, tests may too.
    public init(
        resource: String, input: JSON, stateName: String, context: JSON = .emptyObject, taskToken: String? = nil,
        timeoutSeconds: Int? = nil, heartbeatSeconds: Int? = nil, credentials: JSON? = nil
    ) {
        self.resource = resource
        self.input = input
        self.stateName = stateName
        self.context = context
        self.taskToken = taskToken
        self.timeoutSeconds = timeoutSeconds
        self.heartbeatSeconds = heartbeatSeconds
        self.credentials = credentials
    }
}

/// Something that does a Task state's work: a Swift closure, a local program, a Lambda endpoint, a
/// mock. A failure is thrown as a `StatesError` carrying the error name and cause AWS would report.
public protocol TaskExecutor: Sendable {
    /// Does the work and returns the task's result, or throws the failure with its error name and cause.
    func execute(_ request: TaskRequest) async throws(StatesError) -> JSON
}

/// An executor backed by an async Swift closure.
public struct ClosureExecutor: TaskExecutor {
    /// The closure: a thrown `StatesError` is the task's failure; any other error fails it under its type's name.
    public typealias Body = @Sendable (TaskRequest) async throws -> JSON
    private let body: Body

    /// An executor that calls `body` with the whole request.
    public init(_ body: @escaping Body) {
        self.body = body
    }

    /// A closure that only needs the input.
    public init(input body: @escaping @Sendable (JSON) async throws -> JSON) {
        self.body = { request in try await body(request.input) }
    }

    /// Calls the closure.
    public func execute(_ request: TaskRequest) async throws(StatesError) -> JSON {
        do {
            return try await body(request)
        } catch let error as StatesError {
            throw error
        } catch is CancellationError {
            throw StatesError.taskCancelled
        } catch {
            throw StatesError(String(describing: type(of: error)), cause: String(describing: error))
        }
    }
}

/// Routes a Task state's Resource to an executor: exact ARNs first, then glob patterns (`*` matches
/// any run of characters, `?` one character) in the order they were added.
public struct ExecutorRegistry: Sendable {
    private var exact: [String: any TaskExecutor] = [:]
    private var patterns: [(pattern: ResourcePattern, executor: any TaskExecutor)] = []

    /// An empty registry: every Task is unrouted.
    public init() {}

    /// Routes `resource` (an exact ARN, or a glob with `*` and `?`) to `executor`; a later exact ARN replaces an earlier one.
    public mutating func register(_ resource: String, _ executor: any TaskExecutor) {
        if resource.contains("*") || resource.contains("?") {
            patterns.append((ResourcePattern(resource), executor))
        } else {
            exact[resource] = executor
        }
    }

    /// The executor for `resource`: its exact entry, else the first glob that matches.
    public func executor(for resource: String) -> (any TaskExecutor)? {
        if let executor = exact[resource] { return executor }
        for entry in patterns where entry.pattern.matches(resource) { return entry.executor }
        return nil
    }

    /// Whether nothing is registered.
    public var isEmpty: Bool { exact.isEmpty && patterns.isEmpty }
}

/// A glob over Resource ARNs.
public struct ResourcePattern: Sendable, Hashable {
    /// The pattern as written.
    public let text: String
    private let characters: [Character]

    /// A pattern: `*` any run of characters, `?` one.
    public init(_ text: String) {
        self.text = text
        characters = Array(text)
    }

    /// Whether `resource` matches the whole pattern.
    public func matches(_ resource: String) -> Bool {
        let target = Array(resource)
        var patternIndex = 0, targetIndex = 0
        var starIndex = -1, starTarget = 0
        while targetIndex < target.count {
            if patternIndex < characters.count,
                characters[patternIndex] == "?" || characters[patternIndex] == target[targetIndex]
            {
                patternIndex += 1
                targetIndex += 1
            } else if patternIndex < characters.count, characters[patternIndex] == "*" {
                starIndex = patternIndex
                starTarget = targetIndex
                patternIndex += 1
            } else if starIndex >= 0 {
                patternIndex = starIndex + 1
                starTarget += 1
                targetIndex = starTarget
            } else {
                return false
            }
        }
        while patternIndex < characters.count, characters[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == characters.count
    }
}
