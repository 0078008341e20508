import Foundation
import SFNJSON
import SFNLanguage

/// A loaded state machine, ready to run any number of executions concurrently.
///
/// ```swift
/// let machine = try StateMachineRuntime(definition: definitionJSON, configuration: .virtualTime())
/// let result = await machine.run(input: ["orderId": "42"])
/// ```
public final class StateMachineRuntime: Sendable {
    /// The state machine's name (in ARNs and the context object).
    public let name: String
    /// How its executions run.
    public let configuration: RuntimeConfiguration
    let plan: MachinePlan
    let shared: MachineShared

    /// Validates a definition as AWS's ValidateStateMachineDefinition would, then compiles it
    /// (every path, template and expression once) into a runnable machine.
    public convenience init(
        definition: JSON, name: String = "StateMachine", configuration: RuntimeConfiguration = RuntimeConfiguration()
    ) throws(ValidationReport) {
        try self.init(machine: StateMachine.parse(definition), name: name, configuration: configuration)
    }

    /// Links a model that `StateMachine.parse(_:)` built (each definition is read once: the
    /// parser's compiled paths, templates and expressions are the ones that run).
    public init(
        machine: StateMachine, name: String = "StateMachine", configuration: RuntimeConfiguration = RuntimeConfiguration()
    ) throws(ValidationReport) {
        self.name = name
        self.configuration = configuration
        let typeProblems = machine.diagnostics(for: configuration.machineType)
        if !typeProblems.isEmpty { throw ValidationReport(diagnostics: typeProblems) }
        do {
            plan = try PlanBuilder.link(machine)
        } catch {
            // The parser reports these first; say it the same way if it did not.
            throw ValidationReport(diagnostics: [Diagnostic(.schemaValidationFailed, error.message, at: error.pointer)])
        }
        shared = MachineShared(configuration: configuration, stateMachineName: name)
    }

    /// Starts an execution and returns at once. `inputText` is the input as the caller wrote it
    /// (a file's text, an API request's string): histories quote it, as AWS does, until a state
    /// changes the value.
    public func start(
        input: JSON = .emptyObject, name executionName: String? = nil, inputText: String? = nil,
        origin: ExecutionOrigin = ExecutionOrigin(), observer: EventObserver? = nil
    ) -> Execution {
        let timeline = Timeline(mode: configuration.clock, wall: configuration.wallClock)
        let run = ExecutionRun(
            configuration: configuration, executionName: executionName ?? Self.newName(configuration.random),
            machine: shared, input: input, inputText: inputText, startTime: timeline.now,
            timeoutSeconds: Self.timeoutSeconds(plan.timeoutSeconds, type: configuration.machineType), origin: origin)
        Self.attach(observer, to: run)
        return Execution(run: run, plan: plan, timeline: timeline)
    }

    /// Called with the execution's ARN and each event it records, from its first.
    public typealias EventObserver = @Sendable (_ executionArn: String, _ event: HistoryEvent) -> Void

    private static func attach(_ observer: EventObserver?, to run: ExecutionRun) {
        guard let observer else { return }
        // The ARN, not the run: the run keeps its observers.
        let arn = run.executionArn
        run.history.observe { event in observer(arn, event) }
    }

    /// Continues an execution from its recorded history (after a restart): it runs again from
    /// the start, matching what the history holds instead of recording it twice and without
    /// running again the tasks whose outcomes it holds, then carries on live. Its callbacks'
    /// task tokens are the ones it had (given the registry's secret). A redriven snapshot
    /// (``redrive(_:at:observer:)``) also runs again what failed.
    public func resume(_ snapshot: ExecutionSnapshot, observer: EventObserver? = nil) -> Execution {
        let start = snapshot.events.first?.timestamp ?? snapshot.startDate
        var mode = configuration.clock
        if case .virtual = mode { mode = .virtual(start: start) }
        let timeline = Timeline(mode: mode, wall: configuration.wallClock)
        let run = ExecutionRun(
            configuration: configuration, executionName: snapshot.name, machine: shared, input: snapshot.input,
            inputText: snapshot.inputText, startTime: snapshot.startDate,
            timeoutSeconds: Self.timeoutSeconds(plan.timeoutSeconds, type: configuration.machineType), origin: snapshot.origin,
            resuming: snapshot)
        Self.attach(observer, to: run)
        // Callbacks may arrive before the resumed run reaches the tasks that wait for them.
        for seed in ReplayBook.waitingTokenSeeds(snapshot.events, executionArn: run.executionArn, redriveCount: run.redriveCount) {
            _ = configuration.tokens.issue(seed: seed)
        }
        return Execution(run: run, plan: plan, timeline: timeline)
    }

    /// An execution that ended before a restart, as its history tells it: it does not run.
    public func restore(_ snapshot: ExecutionSnapshot) -> Execution? {
        guard let result = ExecutionResult(ending: snapshot.events, startDate: snapshot.startDate) else { return nil }
        return Execution(ended: keptRun(snapshot), plan: plan, result: result)
    }

    /// A run that holds a snapshot's history as it is and never runs (restored and mirrored executions).
    private func keptRun(_ snapshot: ExecutionSnapshot) -> ExecutionRun {
        ExecutionRun(
            configuration: configuration, executionName: snapshot.name, machine: shared, input: snapshot.input,
            inputText: snapshot.inputText, startTime: snapshot.startDate, timeoutSeconds: nil, origin: snapshot.origin,
            resuming: ExecutionSnapshot(
                name: snapshot.name, input: snapshot.input, startDate: snapshot.startDate, events: [], redriveCount: snapshot.redriveCount,
                redriveDate: snapshot.redriveDate),
            keeping: snapshot.events)
    }

    /// An execution another process runs (a cluster node mirroring it from the events it
    /// writes), as its history tells it so far: it does not run here, and it has ended when its
    /// history has. Build it again as events arrive.
    public func mirror(_ snapshot: ExecutionSnapshot) -> Execution {
        if let ended = restore(snapshot) { return ended }
        return Execution(mirroring: keptRun(snapshot), plan: plan)
    }

    /// The task tokens a history's execution waits on now (its `.waitForTaskToken` tasks and
    /// activities that have not ended), as the registry's secret derives them.
    public func waitingTokens(_ snapshot: ExecutionSnapshot, executionArn: String) -> [String] {
        ReplayBook.waitingTokenSeeds(snapshot.events, executionArn: executionArn, redriveCount: snapshot.redriveCount).map {
            configuration.tokens.token(forSeed: $0)
        }
    }

    /// RedriveExecution: an ended (FAILED, TIMED_OUT or ABORTED) execution runs again from where
    /// it failed, with the same input and ARN: its history gains ExecutionRedriven, what
    /// succeeded is not run again, the failed attempts, iterations and branches are.
    public func redrive(_ snapshot: ExecutionSnapshot, at date: EpochMilliseconds, observer: EventObserver? = nil) -> Execution {
        var snapshot = snapshot
        snapshot.redriveCount += 1
        snapshot.redriveDate = date
        let last = snapshot.events.last
        snapshot.events.append(
            HistoryEvent(
                id: (last?.id ?? 0) + 1, previousEventId: last?.id ?? 0, timestamp: max(date, last?.timestamp ?? date),
                type: "ExecutionRedriven", detailsKey: "executionRedrivenEventDetails",
                details: ["redriveCount": .int(snapshot.redriveCount)]))
        let execution = resume(snapshot, observer: observer)
        if let redriven = snapshot.events.last { observer?(execution.arn, redriven) }
        return execution
    }

    /// Runs an execution to its end.
    public func run(input: JSON = .emptyObject, name executionName: String? = nil) async -> ExecutionResult {
        await start(input: input, name: executionName).result()
    }

    /// How long an execution may run: the definition's TimeoutSeconds, and for Express machines
    /// never more than AWS's five minutes (an endless Express loop has no event cap to end it).
    static func timeoutSeconds(_ definition: Int?, type: StateMachineType) -> Int? {
        switch type {
        case .standard: definition
        case .express: min(definition ?? expressDurationSeconds, expressDurationSeconds)
        }
    }

    /// AWS's limit on an Express execution's duration.
    static let expressDurationSeconds = 300

    static func newName(_ random: @Sendable () -> UInt64) -> String {
        UUIDs.make(random)
    }
}

/// One execution: await its result, read its history, stop it.
public final class Execution: @unchecked Sendable {
    // @unchecked: `task`, `parkedToken`, `outcome` and `waiters` are only touched with `lock` held.
    let run: ExecutionRun
    private let lock = NSLock()
    /// Held only while running: a finished task would keep its memory alive with it.
    private var task: Task<Void, Never>?
    /// Set while the execution is parked on a task token's callback, with no task running.
    private var parkedToken: String?
    private let plan: MachinePlan
    private var outcome: ExecutionResult?
    private var waiters: [CheckedContinuation<ExecutionResult, Never>] = []

    /// The execution's name.
    public var name: String { run.executionName }
    /// The execution's ARN.
    public var arn: String { run.executionArn }
    /// The state machine's ARN.
    public var stateMachineArn: String { run.stateMachineArn }
    /// The execution's input.
    public var input: JSON { run.input }
    /// The version or alias it was started through.
    public var origin: ExecutionOrigin { run.origin }
    /// Its input as the caller spelled it.
    public var inputText: String { run.inputText ?? run.input.compactText }
    /// When it started, on its clock.
    public var startDate: EpochMilliseconds { run.startTime }
    /// How many times it was redriven.
    public var redriveCount: Int { run.redriveCount }
    /// When it was last redriven.
    public var redriveDate: EpochMilliseconds? { run.redriveDate }

    /// What resuming or redriving it would start from (its history as recorded so far).
    public var snapshot: ExecutionSnapshot {
        ExecutionSnapshot(
            name: name, input: input, inputText: run.inputText, startDate: startDate, origin: origin, events: history,
            redriveCount: run.redriveCount, redriveDate: run.redriveDate)
    }

    init(ended run: ExecutionRun, plan: MachinePlan, result: ExecutionResult) {
        self.run = run
        self.plan = plan
        outcome = result
    }

    init(mirroring run: ExecutionRun, plan: MachinePlan) {
        self.run = run
        self.plan = plan
        isMirror = true
    }

    /// Whether another process runs this execution (``StateMachineRuntime/mirror(_:)``).
    public private(set) var isMirror = false

    init(run: ExecutionRun, plan: MachinePlan, timeline: Timeline) {
        self.run = run
        self.plan = plan
        let interpreter = Interpreter(run: run)
        lock.withLock {
            task = Task { [self] in
                var path = Execution.begin(run, timeline: timeline)
                let progress = await Execution.runToEnd(interpreter, plan: plan, path: &path)
                self.advance(progress, path: path)
            }
        }
    }

    /// Ends the execution, or parks it: its task ends and the token's callback starts a new one.
    private func advance(_ progress: Progress, path: PathContext) {
        switch progress {
        case .ended(let outcome):
            finish(Execution.conclude(run, outcome: outcome, path: path))
        case .parked(let parked):
            let token = parked.token
            lock.withLock {
                parkedToken = token
                task = nil
            }
            let tokens = run.configuration.tokens
            tokens.onComplete(token) { [self] callback in self.resume(parked, with: callback) }
            // A stop() that came before the token was recorded could not cancel it.
            if run.aborted { tokens.cancel(token) }
        }
    }

    private func resume(_ parked: ParkedTask, with callback: TaskTokenOutcome) {
        let interpreter = Interpreter(run: run)
        let plan = plan
        lock.withLock {
            parkedToken = nil
            task = Task { [self] in
                var path = parked.path
                let progress: Progress
                do throws(StatesError) {
                    progress = Progress(try await interpreter.resume(parked, with: callback, plan: plan, path: &path))
                } catch {
                    progress = .ended(.failure(error))
                }
                self.advance(progress, path: path)
            }
        }
    }

    private func finish(_ result: ExecutionResult) {
        let waiting = lock.withLock { () -> [CheckedContinuation<ExecutionResult, Never>] in
            outcome = result
            task = nil
            let waiting = waiters
            waiters = []
            return waiting
        }
        for waiter in waiting { waiter.resume(returning: result) }
    }

    /// The result if the execution has ended.
    public var currentResult: ExecutionResult? { lock.withLock { outcome } }

    /// Waits for the execution to end.
    public func result() async -> ExecutionResult {
        await withCheckedContinuation { continuation in
            let ready = lock.withLock { () -> ExecutionResult? in
                if let outcome { return outcome }
                waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Its Distributed Maps' Map Runs so far, oldest first.
    public var mapRuns: [MapRunReport] { run.mapRuns.reports }

    /// UpdateMapRun: changes a Map Run's settings (a tolerance applies to the failures counted
    /// when its items have ended). False when this execution has no such Map Run.
    public func updateMapRun(
        _ arn: String, maxConcurrency: Int?, toleratedFailureCount: Int?, toleratedFailurePercentage: Double?
    ) -> Bool {
        run.mapRuns.update(arn) { report in
            if let maxConcurrency { report.maxConcurrency = maxConcurrency }
            if let toleratedFailureCount { report.toleratedFailureCount = toleratedFailureCount }
            if let toleratedFailurePercentage { report.toleratedFailurePercentage = toleratedFailurePercentage }
        }
    }

    /// The history events so far (empty when history recording is off).
    public var history: [HistoryEvent] { run.history.snapshot }

    /// Calls `observer` for every event from now on (progress, streaming).
    public func observe(_ observer: @escaping @Sendable (HistoryEvent) -> Void) {
        run.history.observe(observer)
    }

    /// StopExecution: the execution ends as ABORTED, with the error and cause given (if any).
    public func stop(error: String? = nil, cause: String? = nil) {
        run.markAborted(error: error, cause: cause)
        let (task, parkedToken) = lock.withLock { (self.task, self.parkedToken) }
        task?.cancel()
        if let parkedToken { run.configuration.tokens.cancel(parkedToken) }
    }

    /// How far a run of the execution's task got.
    private enum Progress {
        case ended(Result<JSON, StatesError>)
        case parked(ParkedTask)

        init(_ progress: TopLevelProgress) {
            switch progress {
            case .finished(let output): self = .ended(.success(output))
            case .parked(let parked): self = .parked(parked)
            }
        }
    }

    private static func begin(_ run: ExecutionRun, timeline: Timeline) -> PathContext {
        let history = run.history
        var path = PathContext(timeline: timeline, previousEventId: 0, variables: VariableScope())
        var content: EventDetails?
        if history.wantsDetails {
            if let text = run.inputText { path.spelled = SpelledValue(text: text, value: run.input) }
            var trailing: JSONObject = ["roleArn": .string(run.configuration.roleArn)]
            if let alias = run.origin.aliasArn { trailing["stateMachineAliasArn"] = .string(alias) }
            if let version = run.origin.versionArn { trailing["stateMachineVersionArn"] = .string(version) }
            content = .statePayload(StatePayload(name: nil, role: .input, value: run.input, spelling: run.inputText, trailing: trailing))
        }
        history.record("ExecutionStarted", previous: 0, at: run.startTime, detailsKey: "executionStartedEventDetails", content: content)
        return path
    }

    private static func runToEnd(_ interpreter: Interpreter, plan: MachinePlan, path: inout PathContext) async -> Progress {
        let run = interpreter.run
        if PayloadSize.exceeds(run.input, limit: run.configuration.maxPayloadBytes, memo: &path.sizes) {
            return .ended(.failure(StatesError.executionInputTooLarge))
        }
        if case .real = path.timeline.mode, let deadline = run.deadline {
            let startPath = path
            // The deadline races the whole run, so this run cannot park. (A resumed or redriven
            // execution has what is left of it.)
            return .ended(
                await withRealDeadline(milliseconds: max(0, deadline - path.timeline.now), run: run) {
                    var innerPath = startPath
                    do throws(StatesError) {
                        return .success(try await interpreter.execute(plan, input: run.input, path: &innerPath))
                    } catch {
                        return .failure(error)
                    }
                })
        }
        do throws(StatesError) {
            return Progress(try await interpreter.executeTopLevel(plan, from: plan.startIndex, input: run.input, path: &path))
        } catch {
            return .ended(.failure(error))
        }
    }

    /// The caller's spelling of the output when it is still the value they wrote (checked here,
    /// as a run under a real deadline ends with the path it started with).
    private static func spelling(of output: JSON, path: PathContext) -> String? {
        if let spelled = path.spelled, spelled.matches(output) { return spelled.text }
        return nil
    }

    private static func conclude(_ run: ExecutionRun, outcome: Result<JSON, StatesError>, path: PathContext) -> ExecutionResult {
        let history = run.history
        let stop = max(path.timeline.now, run.startTime)
        let previous = history.eventCount
        switch outcome {
        case .success(let output):
            history.record(
                "ExecutionSucceeded", previous: previous, at: stop, detailsKey: "executionSucceededEventDetails",
                content: history.wantsDetails
                    ? .statePayload(StatePayload(name: nil, role: .output, value: output, spelling: Self.spelling(of: output, path: path)))
                    : nil)
            return ExecutionResult(status: .succeeded, output: output, startDate: run.startTime, stopDate: stop)
        case .failure(let failure):
            if run.aborted {
                let reason = run.abortReason
                // AWS links ExecutionAborted to no event, and writes empty details when the stop
                // gave no error or cause.
                history.record(
                    "ExecutionAborted", previous: 0, at: stop, detailsKey: "executionAbortedEventDetails",
                    details: history.wantsDetails ? reason?.historyDetailsOmittingEmpty ?? .emptyObject : nil)
                let error = reason.flatMap { $0.error.isEmpty ? nil : $0.error }
                return ExecutionResult(status: .aborted, error: error, cause: reason?.cause, startDate: run.startTime, stopDate: stop)
            }
            if run.timedOut {
                history.record("ExecutionTimedOut", previous: previous, at: stop)
                return ExecutionResult(status: .timedOut, startDate: run.startTime, stopDate: stop)
            }
            let error = failure.error.isEmpty ? nil : failure.error
            history.record(
                "ExecutionFailed", previous: previous, at: stop, detailsKey: "executionFailedEventDetails",
                details: history.wantsDetails ? StatesError(error ?? "", cause: failure.cause).historyDetailsOmittingEmpty : nil)
            return ExecutionResult(status: .failed, error: error, cause: failure.cause, startDate: run.startTime, stopDate: stop)
        }
    }

    /// Races the execution against its TimeoutSeconds in real time.
    private static func withRealDeadline(
        milliseconds: Int64, run: ExecutionRun, _ body: @escaping @Sendable () async -> Result<JSON, StatesError>
    ) async -> Result<JSON, StatesError> {
        await withTaskGroup(of: Result<JSON, StatesError>?.self) { group in
            group.addTask { await body() }
            group.addTask {
                do {
                    try await Task.sleep(nanoseconds: Durations.nanoseconds(milliseconds: milliseconds))
                } catch {
                    return nil
                }
                run.markTimedOut()
                return .failure(StatesError.timedOut)
            }
            return await group.firstAnswer(otherwise: .failure(StatesError.timedOut))
        }
    }
}

extension StatesError {
    var historyDetailsOmittingEmpty: JSON {
        var members: JSONObject = [:]
        if !error.isEmpty { members["error"] = .string(error) }
        if let cause { members["cause"] = .string(cause) }
        return .object(members)
    }
}

/// What an execution was started through besides its state machine: a version (directly or
/// chosen by an alias's routing), which its ExecutionStarted event names.
public struct ExecutionOrigin: Sendable, Equatable {
    /// The state machine version's ARN (`...:stateMachine:NAME:3`).
    public var versionArn: String?
    /// The alias's ARN (`...:stateMachine:NAME:ALIAS`), when started through one.
    public var aliasArn: String?

    /// Started through `versionArn` (and `aliasArn`), or neither.
    public init(versionArn: String? = nil, aliasArn: String? = nil) {
        self.versionArn = versionArn
        self.aliasArn = aliasArn
    }
}

/// What an execution is resumed or redriven from: who it is and its history so far.
public struct ExecutionSnapshot: Sendable {
    /// Its name.
    public var name: String
    /// Its input, and the input as the caller spelled it.
    public var input: JSON
    /// The caller's spelling of the input.
    public var inputText: String?
    /// When it started.
    public var startDate: EpochMilliseconds
    /// The version or alias it was started through.
    public var origin: ExecutionOrigin
    /// Its history so far.
    public var events: [HistoryEvent]
    /// How many times it was redriven, and when last (its timeout counts from then).
    public var redriveCount: Int
    /// When it was last redriven.
    public var redriveDate: EpochMilliseconds?

    /// A snapshot of an execution's identity and history.
    public init(
        name: String, input: JSON, inputText: String? = nil, startDate: EpochMilliseconds, origin: ExecutionOrigin = ExecutionOrigin(),
        events: [HistoryEvent], redriveCount: Int = 0, redriveDate: EpochMilliseconds? = nil
    ) {
        self.name = name
        self.input = input
        self.inputText = inputText
        self.startDate = startDate
        self.origin = origin
        self.events = events
        self.redriveCount = redriveCount
        self.redriveDate = redriveDate
    }
}
