import SFNJSON
import SFNLanguage

/// A top-level Task state waiting for its task token's callback, held as data instead of as a
/// suspended chain of async frames: thousands of parked executions then cost little memory.
struct ParkedTask: Sendable {
    let entry: StateEntry
    let prepared: Interpreter.PreparedTask
    let retries: RetryCounters
    let path: PathContext

    var token: String { prepared.request.taskToken ?? "" }
}

/// Where a Task state stands in its Retry rules.
struct RetryCounters: Sendable {
    var attemptsByRetrier: [Int]
    var retryCount = 0

    init(retrierCount: Int) {
        attemptsByRetrier = [Int](repeating: 0, count: retrierCount)
    }
}

/// How far a top-level run got: to its end, or to a callback it waits for.
enum TopLevelProgress: Sendable {
    case finished(JSON)
    case parked(ParkedTask)
}

/// One Task state attempt that may park.
private enum ParkableStep {
    case done(StepOutcome)
    case parked(Interpreter.PreparedTask)
}

extension Interpreter {
    /// Whether a Task state can wait for its callback parked: a callback pattern with no deadline
    /// of its own (deadlines need a task racing the wait).
    static func parks(_ plan: TaskState) -> Bool {
        IntegrationPattern(resource: plan.resource) == .waitForTaskToken && plan.timeoutSeconds == nil && plan.heartbeatSeconds == nil
    }

    /// The top-level state loop from `index`, as `execute`, except that it returns instead of
    /// waiting when it reaches a Task state that parks.
    func executeTopLevel(
        _ plan: MachinePlan, from startIndex: Int, input: JSON, path: inout PathContext
    ) async throws(StatesError) -> TopLevelProgress {
        var index = startIndex
        var value = input
        while true {
            let entry = try enter(plan.states[index], input: value, path: &path)
            let outcome: StepOutcome
            if case .task(let taskPlan) = entry.state.definition.kind, Self.parks(taskPlan) {
                var retries = RetryCounters(retrierCount: entry.state.retriers.count)
                switch try await attemptParkable(entry, taskPlan, retries: &retries, path: &path) {
                case .parked(let prepared):
                    return .parked(ParkedTask(entry: entry, prepared: prepared, retries: retries, path: path))
                case .done(let done):
                    outcome = done
                }
            } else if let immediate = try performImmediately(entry, path: &path) {
                outcome = immediate
            } else {
                outcome = try await perform(entry, path: &path)
            }
            try leave(entry, outcome, path: &path)
            guard let next = outcome.next else { return .finished(outcome.output) }
            index = next
            value = outcome.output
        }
    }

    /// Completes a parked Task state with its callback (under its Retry and Catch rules, as
    /// `withRetryAndCatch` would) and carries on with the state loop.
    func resume(
        _ parked: ParkedTask, with callback: TaskTokenOutcome, plan: MachinePlan, path: inout PathContext
    ) async throws(StatesError) -> TopLevelProgress {
        let entry = parked.entry
        guard case .task(let taskPlan) = entry.state.definition.kind else {
            throw StatesError.runtime("State '\(entry.state.name)' is not a Task state.")
        }
        let result: Result<JSON, StatesError> =
            switch callback {
            case .success(let value): .success(value)
            case .failure(let error): .failure(error)
            }
        var retries = parked.retries
        let outcome: StepOutcome
        switch try await settle(entry, taskPlan, parked.prepared, result: result, retries: &retries, path: &path) {
        case .parked(let prepared):
            return .parked(ParkedTask(entry: entry, prepared: prepared, retries: retries, path: path))
        case .done(let done):
            outcome = done
        }
        try leave(entry, outcome, path: &path)
        guard let next = outcome.next else { return .finished(outcome.output) }
        return try await executeTopLevel(plan, from: next, input: outcome.output, path: &path)
    }

    /// Attempts a parking Task state until it parks, succeeds, is caught or fails for good.
    private func attemptParkable(
        _ entry: StateEntry, _ plan: TaskState, retries: inout RetryCounters, path: inout PathContext
    ) async throws(StatesError) -> ParkableStep {
        while true {
            let failure: StatesError
            do {
                let prepared = try prepareTask(entry, plan, retryCount: retries.retryCount, path: &path)
                if let recorded = recordedOutcome(prepared, path: &path) {
                    return .done(try completeTask(entry, prepared, outcome: recorded, path: &path))
                }
                if callbackWasHandedOut(prepared, path: path) { return .parked(prepared) }
                guard let startFailure = await startCallbackTask(prepared.request) else { return .parked(prepared) }
                _ = try completeTask(entry, prepared, outcome: .failure(startFailure), path: &path)
                // completeTask always throws a failure it is given.
                failure = startFailure
            } catch {
                failure = error
            }
            if let step = try await afterFailure(failure, entry, retries: &retries, path: &path) { return step }
        }
    }

    /// Records a callback's outcome; a failure goes through Retry (which may park again) and Catch.
    private func settle(
        _ entry: StateEntry, _ plan: TaskState, _ prepared: PreparedTask, result: Result<JSON, StatesError>,
        retries: inout RetryCounters, path: inout PathContext
    ) async throws(StatesError) -> ParkableStep {
        let failure: StatesError
        do {
            return .done(try completeTask(entry, prepared, outcome: result, path: &path))
        } catch {
            failure = error
        }
        if let step = try await afterFailure(failure, entry, retries: &retries, path: &path) { return step }
        return try await attemptParkable(entry, plan, retries: &retries, path: &path)
    }

    /// A caught failure's outcome, or nil after the retry delay when the state is to be tried again.
    private func afterFailure(
        _ failure: StatesError, _ entry: StateEntry, retries: inout RetryCounters, path: inout PathContext
    ) async throws(StatesError) -> ParkableStep? {
        switch try recover(from: failure, entry, attemptsByRetrier: &retries.attemptsByRetrier, path: &path) {
        case .retry(let delay):
            retries.retryCount += 1
            try await sleep(milliseconds: delay, path: &path)
            return nil
        case .caught(let outcome):
            return .done(outcome)
        }
    }

    /// Hands a callback task to its executor (if one is routed); the failure it reports, if any.
    private func startCallbackTask(_ request: TaskRequest) async -> StatesError? {
        guard let executor = run.configuration.executors.executor(for: request.resource) else { return nil }
        do throws(StatesError) {
            _ = try await executor.execute(request)
            return nil
        } catch {
            return error
        }
    }
}
