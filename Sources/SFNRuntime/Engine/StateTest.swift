import SFNJSON
import SFNLanguage

/// Where TestState's data-flow steps note their values (afterInputPath, afterParameters, result,
/// afterResultSelector, afterResultPath, afterArguments).
final class InspectionLog: Sendable {
    private let notes = Locked<JSONObject>([:])
    /// Context object members the test gives, over the execution's own.
    let context: JSONObject?

    init(context: JSONObject?) { self.context = context }

    func note(_ step: String, _ value: JSON) { notes.withLock { $0[step] = value } }
    var values: JSONObject { notes.withLock { $0 } }
}

/// One state run in isolation, as AWS's TestState API runs it: a single attempt, with Retry and
/// Catch reported (RETRIABLE, CAUGHT_ERROR) rather than carried out, and the data flow's steps
/// shown when asked.
public struct StateTest: Sendable {
    /// What the test answers.
    public enum Status: String, Sendable {
        case succeeded = "SUCCEEDED", failed = "FAILED", retriable = "RETRIABLE", caughtError = "CAUGHT_ERROR"
    }

    /// A result to use instead of running the Task (or a mocked Map or Parallel).
    public enum Mock: Sendable {
        case result(JSON)
        case failure(error: String, cause: String)
    }

    /// The state's definition, or a whole state machine's with `stateName`.
    public var definition: JSON
    /// With a whole definition, the (top-level) state to test.
    public var stateName: String?
    /// The state's input.
    public var input: JSON = .emptyObject
    /// Variables in scope when the state starts.
    public var variables: JSONObject = [:]
    /// The context object's members to use (`Execution`, `State`, ...), over sfn's own.
    public var context: JSONObject?
    /// A result or failure instead of the Task's (or Map's, Parallel's) work.
    public var mock: Mock?
    /// Which attempt this is (`stateConfiguration.retrierRetryCount`): decides RETRIABLE.
    public var retryCount = 0

    /// A test of `definition`.
    public init(definition: JSON, stateName: String? = nil) {
        self.definition = definition
        self.stateName = stateName
    }

    /// What a test returns.
    public struct Outcome: Sendable {
        /// How the state ended.
        public var status: Status
        /// Its output (SUCCEEDED, CAUGHT_ERROR).
        public var output: JSON?
        /// Its error and cause (FAILED, RETRIABLE, CAUGHT_ERROR).
        public var error: String?
        /// The failure's cause.
        public var cause: String?
        /// The state it would go to next.
        public var nextState: String?
        /// The data flow's steps: input, afterInputPath, afterParameters, result,
        /// afterResultSelector, afterResultPath (JSONPath) or afterArguments (JSONata), and the
        /// variables after the state.
        public var inspection: JSONObject
        /// For RETRIABLE: the retrier and its back-off; for CAUGHT_ERROR: the catcher.
        public var errorDetails: JSONObject?
    }

    /// The name a lone state gets in the machine the test builds around it.
    static let loneStateName = "TestState"

    /// Runs the test under `configuration` (its executors do the Task's work).
    public func run(configuration: RuntimeConfiguration) async throws(ValidationReport) -> Outcome {
        var configuration = configuration
        configuration.recordsHistory = false
        configuration.clock = .virtual(start: configuration.wallClock.now())
        let (machineJSON, target) = try wrapped()
        let machine = try StateMachine.parse(machineJSON)
        guard let resource = mockedResource(machine, target) else {
            return try await run(machine, target: target, configuration: configuration)
        }
        if let mock { configuration.executors.register(resource, Self.executor(for: mock, tokens: configuration.tokens)) }
        return try await run(machine, target: target, configuration: configuration)
    }

    private func run(_ machine: StateMachine, target: String, configuration: RuntimeConfiguration) async throws(ValidationReport) -> Outcome
    {
        let runtime = try StateMachineRuntime(machine: machine, name: "TestState", configuration: configuration)
        guard let index = runtime.plan.states.firstIndex(where: { $0.name == target }) else {
            throw ValidationReport(diagnostics: [
                Diagnostic(.schemaValidationFailed, "State '\(target)' is not in the definition", at: JSONPointer([.key("States")]))
            ])
        }
        let state = runtime.plan.states[index]
        switch state.definition.kind {
        case .parallel, .map:
            if mock == nil {
                throw ValidationReport(diagnostics: [
                    Diagnostic(
                        .schemaValidationFailed, "TestState runs \(state.typeName) states only with a mock",
                        at: JSONPointer([.key("States"), .key(target)]))
                ])
            }
        case .task(let task)
        where mock == nil && (IntegrationPattern(resource: task.resource) != .requestResponse || Interpreter.isActivity(task.resource)):
            throw ValidationReport(diagnostics: [
                Diagnostic(
                    .schemaValidationFailed, "TestState runs .sync, .waitForTaskToken and activity tasks only with a mock",
                    at: JSONPointer([.key("States"), .key(target), .key("Resource")]))
            ])
        default: break
        }
        let log = InspectionLog(context: context)
        let timeline = Timeline(mode: configuration.clock, wall: configuration.wallClock)
        let run = ExecutionRun(
            configuration: configuration, executionName: "TestState", machine: runtime.shared, input: input,
            startTime: timeline.now, timeoutSeconds: StateMachineRuntime.expressDurationSeconds, inspection: log)
        let interpreter = Interpreter(run: run)
        let scope = VariableScope()
        scope.assign(variables)
        var path = PathContext(timeline: timeline, previousEventId: 0, variables: scope)
        var outcome = Outcome(status: .succeeded, inspection: [:])
        do throws(StatesError) {
            let entry = try interpreter.enter(state, input: input, path: &path)
            do throws(StatesError) {
                let step: StepOutcome
                switch state.definition.kind {
                case .parallel, .map:
                    step = try mockedStep(interpreter, entry, path: &path)
                case .task:
                    step = try await interpreter.attempt(entry, retryCount: retryCount, path: &path)
                default:
                    step = try await interpreter.perform(entry, path: &path)
                }
                outcome.output = step.output
                outcome.nextState = step.next.map { runtime.plan.states[$0].name }
            } catch {
                try recover(error, interpreter, entry, plan: runtime.plan, path: &path, into: &outcome)
            }
        } catch {
            outcome.status = .failed
            outcome.output = nil
            outcome.error = error.error
            outcome.cause = error.cause
        }
        var inspection = log.values
        inspection["input"] = input
        inspection["variables"] = .object(JSONObject(uniqueKeysWithValues: path.variables.visible.sorted { $0.key < $1.key }))
        outcome.inspection = inspection
        return outcome
    }

    /// A mocked Map or Parallel: the mock is its result, shaped by its data flow.
    private func mockedStep(_ interpreter: Interpreter, _ entry: StateEntry, path: inout PathContext) throws(StatesError) -> StepOutcome {
        let context = interpreter.context(for: entry)
        switch mock {
        case .result(let value)?:
            if case .jsonPath(let flow) = entry.state.flow { _ = try interpreter.effectiveInput(flow, entry, context: context, path: path) }
            return try interpreter.finish(entry, result: value, context: context, path: &path)
        case .failure(let error, let cause)?:
            throw StatesError(error, cause: cause)
        case nil:
            throw StatesError.runtime("No mock for state '\(entry.state.name)'")
        }
    }

    /// What Retry and Catch would do with a failure, without doing it.
    private func recover(
        _ failure: StatesError, _ interpreter: Interpreter, _ entry: StateEntry, plan: MachinePlan, path: inout PathContext,
        into outcome: inout Outcome
    ) throws(StatesError) {
        outcome.error = failure.error
        outcome.cause = failure.cause
        let state = entry.state
        if let index = state.retriers.firstIndex(where: { ErrorMatching.matches($0.errorEquals, failure) }),
            retryCount < state.retriers[index].maxAttempts
        {
            let retrier = state.retriers[index]
            let seconds = Interpreter.backoffSeconds(retrier, attempt: retryCount)
            outcome.status = .retriable
            outcome.errorDetails = [
                "retryIndex": .int(index), "retryBackoffIntervalSeconds": .int(Int(clamping: Int64(seconds.isFinite ? seconds : 1e18))),
            ]
            return
        }
        if let index = state.catchers.firstIndex(where: { ErrorMatching.matches($0.errorEquals, failure) }) {
            let caught = try interpreter.applyCatch(state.catchers[index], next: state.catchTargets[index], failure, entry, path: &path)
            outcome.status = .caughtError
            outcome.output = caught.output
            outcome.nextState = caught.next.map { plan.states[$0].name }
            outcome.errorDetails = ["catchIndex": .int(index)]
            return
        }
        throw failure
    }

    /// The definition as a machine, and the name of the state under test: a lone state gets a
    /// Succeed state for each name it may go to, so that it validates as AWS validates it.
    func wrapped() throws(ValidationReport) -> (JSON, String) {
        if let stateName { return (definition, stateName) }
        guard case .object(let state) = definition else {
            throw ValidationReport(diagnostics: [
                Diagnostic(.schemaValidationFailed, "The state definition must be an object", at: .root, isLocated: false)
            ])
        }
        var targets: [String] = []
        if case .string(let next)? = state["Next"] { targets.append(next) }
        if case .string(let next)? = state["Default"] { targets.append(next) }
        for list in ["Choices", "Catch"] {
            guard case .array(let items)? = state[list] else { continue }
            for case .object(let item) in items {
                if case .string(let next)? = item["Next"] { targets.append(next) }
            }
        }
        var states: JSONObject = [Self.loneStateName: definition]
        for target in targets where target != Self.loneStateName { states[target] = ["Type": "Succeed"] }
        var machine: JSONObject = ["StartAt": .string(Self.loneStateName), "States": .object(states)]
        if case .string(let language)? = state["QueryLanguage"] { machine["QueryLanguage"] = .string(language) }
        return (.object(machine), Self.loneStateName)
    }

    /// The resource a mock stands in for (the Task's; a made-up one for Map and Parallel).
    private func mockedResource(_ machine: StateMachine, _ target: String) -> String? {
        guard mock != nil, let state = machine.states.first(where: { $0.name == target }) else { return nil }
        if case .task(let task) = state.kind { return task.resource }
        return nil
    }

    /// The mock as an executor; for a callback task it also answers the task's token.
    private static func executor(for mock: Mock, tokens: TaskTokenRegistry) -> ClosureExecutor {
        ClosureExecutor { (request: TaskRequest) in
            switch mock {
            case .result(let value):
                if let token = request.taskToken { try? tokens.complete(token, with: .success(value)) }
                return value
            case .failure(let error, let cause):
                let failure = StatesError(error, cause: cause)
                if let token = request.taskToken {
                    try? tokens.complete(token, with: .failure(failure))
                    return .null
                }
                throw failure
            }
        }
    }
}
