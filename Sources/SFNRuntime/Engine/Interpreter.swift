import SFNJSON
import SFNJSONata
import SFNLanguage

/// What running one state decided: where to go and with what.
struct StepOutcome {
    /// nil: the path ends here (End, Succeed).
    var next: Int?
    var output: JSON
}

/// Runs plans: the state loop, retries and catches, history. Each state type's work lives in
/// `States/`, the input/output pipeline in `DataFlow/`.
struct Interpreter: Sendable {
    let run: ExecutionRun
    /// Where this interpreter's events go: the execution's history, or a Distributed Map child
    /// execution's own.
    let history: HistoryRecorder
    /// A Distributed Map child execution's own context (nil: the execution's).
    let identity: ChildIdentity?
    /// Whether an inline Map may spread its iterations over every core (see `runSpread`); false
    /// for the iterations so spread and for Distributed Map children, which already fill them.
    let spreads: Bool

    init(run: ExecutionRun, history: HistoryRecorder? = nil, identity: ChildIdentity? = nil, spreads: Bool = true) {
        self.run = run
        self.history = history ?? run.history
        self.identity = identity
        self.spreads = spreads
    }

    /// The context object (`$$`) a state sees.
    func contextObject(
        stateName: String, enteredTime: EpochMilliseconds, retryCount: Int? = nil, taskToken: String? = nil,
        mapItem: (index: Int, value: JSON)? = nil
    ) -> JSON {
        run.context(
            stateName: stateName, enteredTime: enteredTime, retryCount: retryCount, taskToken: taskToken, mapItem: mapItem,
            identity: identity)
    }

    /// Runs a machine (the top level, a Parallel branch or a Map iteration) to its end.
    func execute(_ plan: MachinePlan, input: JSON, path: inout PathContext) async throws(StatesError) -> JSON {
        var index = plan.startIndex
        var value = input
        while true {
            let entry = try enter(plan.states[index], input: value, path: &path)
            let outcome: StepOutcome
            if let immediate = try performImmediately(entry, path: &path) {
                outcome = immediate
            } else {
                outcome = try await perform(entry, path: &path)
            }
            try leave(entry, outcome, path: &path)
            if run.countTransition() { await Task.yield() }
            guard let next = outcome.next else { return outcome.output }
            index = next
            value = outcome.output
        }
    }

    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func enter(_ state: StatePlan, input value: JSON, path: inout PathContext) throws(StatesError) -> StateEntry {
        if let limit = run.eventLimit, history.eventCount >= limit {
            throw StatesError.historyLimitReached(limit)
        }
        if run.aborted { throw StatesError.aborted }
        var enteredAt = path.timeline.now
        let enteredPrevious = path.previousEventId
        let enteredId = history.record(
            state.enteredEventType, previous: path.previousEventId, at: enteredAt, detailsKey: "stateEnteredEventDetails",
            content: history.wantsDetails
                ? .state(state.name, .input, value: value, spelling: path.spelled?.text) : nil)
        path.previousEventId = enteredId
        if history.resumedThrough > 0, let recorded = history.recordedEvent(enteredId) {
            // Resumed: the state was entered when the history says.
            enteredAt = recorded.timestamp
            path.timeline.advance(to: recorded.timestamp)
        }
        return StateEntry(state: state, input: value, enteredAt: enteredAt, enteredId: enteredId, enteredPreviousId: enteredPrevious)
    }

    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func leave(_ entry: StateEntry, _ outcome: StepOutcome, path: inout PathContext) throws(StatesError) {
        // An output that is the input itself (the same storage) fitted when it was measured before.
        if !outcome.output.sharesStorage(with: entry.input) { try checkSize(outcome.output, of: entry.state, memo: &path.sizes) }
        var content: EventDetails?
        if history.wantsDetails {
            var spelling: String?
            if let spelled = path.spelled {
                // The caller's spelling lasts while the value is unchanged.
                if spelled.matches(outcome.output) { spelling = spelled.text } else { path.spelled = nil }
            }
            content = .state(entry.state.name, .output, value: outcome.output, spelling: spelling, assigned: path.assignedForHistory)
            path.assignedForHistory = nil
        }
        path.previousEventId = history.record(
            entry.state.exitedEventType, previous: path.previousEventId, at: path.timeline.now,
            detailsKey: "stateExitedEventDetails", content: content)
    }

    /// Runs a state that never waits (Pass, Succeed, Fail, Choice) without an async call, which
    /// would allocate a frame on the task for each; nil for the other types.
    func performImmediately(_ entry: StateEntry, path: inout PathContext) throws(StatesError) -> StepOutcome? {
        do {
            switch entry.state.definition.kind {
            case .pass(let pass): return try runPass(entry, result: pass.result, path: &path)
            case .succeed: return try runSucceed(entry, path: &path)
            case .fail(let fail): return try runFail(entry, fail, path: &path)
            case .choice(let choice): return try runChoice(entry, choice, path: &path)
            case .wait, .task, .parallel, .map: return nil
            }
        } catch {
            throw recordEvaluationFailure(error, path: &path)
        }
    }

    /// Runs any state. The state loops call ``performImmediately(_:path:)`` first, so that only the
    /// states that can wait (Wait, Task, Parallel, Map) make this async call.
    @inline(never)  // see Interpreter.execute: a frame of its own, allocated only when this state runs
    func perform(_ entry: StateEntry, path: inout PathContext) async throws(StatesError) -> StepOutcome {
        if let outcome = try performImmediately(entry, path: &path) { return outcome }
        do {
            if case .wait(let wait) = entry.state.definition.kind { return try await runWait(entry, wait.duration, path: &path) }
            return try await withRetryAndCatch(entry, path: &path)
        } catch {
            throw recordEvaluationFailure(error, path: &path)
        }
    }

    /// One attempt at a state that can be retried.
    @inline(never)  // see Interpreter.execute: a frame of its own, allocated only when this state runs
    func attempt(_ entry: StateEntry, retryCount: Int, path: inout PathContext) async throws(StatesError) -> StepOutcome {
        switch entry.state.definition.kind {
        case .task(let task): return try await runTask(entry, task, retryCount: retryCount, path: &path)
        case .parallel: return try await runParallel(entry, entry.state.children, path: &path)
        case .map(let map): return try await runMap(entry, map, processor: entry.state.children[0], path: &path)
        default: throw StatesError.runtime("State '\(entry.state.name)' cannot be retried.")
        }
    }

    /// Runs a Task, Parallel or Map state under its Retry and Catch rules.
    private func withRetryAndCatch(_ entry: StateEntry, path: inout PathContext) async throws(StatesError) -> StepOutcome {
        var attemptsByRetrier = [Int](repeating: 0, count: entry.state.retriers.count)
        var retryCount = 0
        while true {
            let failure: StatesError
            do {
                return try await attempt(entry, retryCount: retryCount, path: &path)
            } catch {
                failure = error
            }
            switch try recover(from: failure, entry, attemptsByRetrier: &attemptsByRetrier, path: &path) {
            case .retry(let delay):
                retryCount += 1
                try await sleep(milliseconds: delay, path: &path)
            case .caught(let outcome):
                return outcome
            }
        }
    }

    enum Recovery {
        case retry(after: Int64)
        case caught(StepOutcome)
    }

    /// What Retry and Catch make of a failure; rethrows it when neither applies.
    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func recover(
        from failure: StatesError, _ entry: StateEntry, attemptsByRetrier: inout [Int], path: inout PathContext
    ) throws(StatesError) -> Recovery {
        let failure = recordEvaluationFailure(failure, path: &path)
        let state = entry.state
        if run.timedOut || run.aborted {
            recordStateFailed(path: &path)
            throw failure
        }
        if let retrierIndex = state.retriers.firstIndex(where: { ErrorMatching.matches($0.errorEquals, failure) }) {
            let retrier = state.retriers[retrierIndex]
            if attemptsByRetrier[retrierIndex] < retrier.maxAttempts {
                let delay = retryDelay(retrier, attempt: attemptsByRetrier[retrierIndex])
                attemptsByRetrier[retrierIndex] += 1
                // AWS writes no MapStateFailed / ParallelStateFailed for an attempt that is retried;
                // the next attempt follows the event that one would have followed.
                if let pending = path.pendingStateFailed { path.previousEventId = pending.previous }
                path.pendingStateFailed = nil
                return .retry(after: delay)
            }
        }
        recordStateFailed(path: &path)
        if let catcherIndex = state.catchers.firstIndex(where: { ErrorMatching.matches($0.errorEquals, failure) }) {
            return .caught(
                try applyCatch(state.catchers[catcherIndex], next: state.catchTargets[catcherIndex], failure, entry, path: &path))
        }
        throw failure
    }

    /// The back-off before retry number `attempt + 1`: IntervalSeconds × BackoffRate^attempt,
    /// capped by MaxDelaySeconds, scaled by FULL jitter; never more than the longest delay sfn
    /// keeps (`Duration.longest`), however large the numbers.
    func retryDelay(_ retrier: Retrier, attempt: Int) -> Int64 {
        var seconds = Self.backoffSeconds(retrier, attempt: attempt)
        if retrier.jitterStrategy == .full {
            let fraction = Double(run.configuration.random() >> 11) / Double(1 << 53)
            seconds *= fraction
        }
        return Durations.milliseconds(seconds: seconds)
    }

    /// IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds, before any jitter.
    static func backoffSeconds(_ retrier: Retrier, attempt: Int) -> Double {
        var seconds = Double(retrier.intervalSeconds)
        for _ in 0..<attempt where seconds.isFinite { seconds *= retrier.backoffRate }
        if let cap = retrier.maxDelaySeconds { seconds = min(seconds, Double(cap)) }
        return seconds
    }

    /// Waits on the path's timeline; under virtual time a wait past the execution's deadline ends
    /// the execution as timed out.
    func sleep(milliseconds: Int64, path: inout PathContext) async throws(StatesError) {
        var milliseconds = milliseconds
        if history.resumedThrough > 0, path.previousEventId <= history.resumedThrough {
            // Resumed: a wait the history shows over is not waited again, and one that was under
            // way ends when it would have (at once, if that time has passed).
            if let after = history.pendingChild(of: path.previousEventId, where: { !ReplayBook.failures.contains($0) }) {
                path.timeline.advance(to: after.timestamp)
                return
            }
            if let before = history.recordedEvent(path.previousEventId) {
                milliseconds = max(0, Durations.adding(milliseconds, to: before.timestamp) - path.timeline.now)
            }
        }
        if path.timeline.isVirtual, let deadline = run.deadline, Durations.adding(milliseconds, to: path.timeline.now) > deadline {
            path.timeline.advance(to: deadline)
            run.markTimedOut()
            throw StatesError.timedOut
        }
        do {
            try await path.timeline.sleep(milliseconds: milliseconds)
        } catch {
            throw cancellationFailure()
        }
    }

    /// The failure a cancelled path reports.
    func cancellationFailure() -> StatesError {
        if run.timedOut { return StatesError.timedOut }
        if run.aborted { return StatesError.aborted }
        return StatesError.cancelled
    }

    /// AWS's prefix for failures the state machinery itself raises (paths, templates, intrinsics).
    func stateFailure(_ error: StatesError, _ entry: StateEntry) -> StatesError {
        // AWS links EvaluationFailed to the event before ...StateEntered, except in a Wait state,
        // whose evaluation comes after entering (its recorded histories show both).
        var linked = entry.enteredPreviousId
        if case .wait = entry.state.definition.kind { linked = entry.enteredId }
        return error.raised(inState: entry.state.name, enteredEventId: entry.enteredId, enteredPreviousEventId: linked)
    }

    /// Writes the MapStateFailed / ParallelStateFailed event a failed attempt left pending.
    func recordStateFailed(path: inout PathContext) {
        guard let pending = path.pendingStateFailed else { return }
        path.pendingStateFailed = nil
        path.previousEventId = history.record(pending.type, previous: pending.previous, at: path.timeline.now)
    }

    /// Writes the `EvaluationFailed` event AWS records for a JSONata evaluation that failed in a
    /// state, once, and returns the failure without its pending site.
    func recordEvaluationFailure(_ error: StatesError, path: inout PathContext) -> StatesError {
        guard let site = error.evaluation, let state = site.state else { return error }
        var details: JSON?
        if history.wantsDetails {
            var members: JSONObject = ["cause": .string(error.cause ?? ""), "error": .string(error.error)]
            if let location = site.location { members["location"] = .string(location) }
            members["state"] = .string(state)
            details = .object(members)
        }
        // AWS links it to the event the state's ...StateEntered followed.
        path.previousEventId = history.record(
            "EvaluationFailed", previous: site.enteredPreviousEventId, at: path.timeline.now,
            detailsKey: "evaluationFailedEventDetails", details: details)
        var recorded = error
        recorded.evaluation = nil
        return recorded
    }

    private func checkSize(_ output: JSON, of state: StatePlan, memo: inout SizeMemo) throws(StatesError) {
        if PayloadSize.exceeds(output, limit: run.configuration.maxPayloadBytes, memo: &memo) {
            throw StatesError.resultTooLarge(stateOrTask: state.name)
        }
    }
}

/// One entry into a state.
struct StateEntry: Sendable {
    let state: StatePlan
    let input: JSON
    let enteredAt: EpochMilliseconds
    let enteredId: Int
    /// The event the `...StateEntered` followed.
    let enteredPreviousId: Int
}
