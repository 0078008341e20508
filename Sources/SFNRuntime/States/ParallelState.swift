import SFNJSON
import SFNLanguage

/// How one branch or iteration ended: its result, its time, and the ids AWS links the parent's
/// next event to.
struct PathOutcome: Sendable {
    var result: Result<JSON, StatesError>
    var timeline: Timeline
    /// The path's last event (a Map iteration's MapIterationSucceeded or MapIterationFailed).
    var lastEventId: Int
    /// The last event of the path's states (before a Map iteration's end event).
    var lastStateEventId: Int

    init(result: Result<JSON, StatesError>, timeline: Timeline, lastEventId: Int, lastStateEventId: Int? = nil) {
        self.result = result
        self.timeline = timeline
        self.lastEventId = lastEventId
        self.lastStateEventId = lastStateEventId ?? lastEventId
    }
}

extension Interpreter {
    /// Parallel: every branch gets the effective input; the result is their outputs in branch order.
    /// The first branch to fail stops the others and its error becomes the state's.
    @inline(never)  // see Interpreter.execute: a frame of its own, allocated only when this state runs
    func runParallel(_ entry: StateEntry, _ branches: [MachinePlan], path: inout PathContext) async throws(StatesError) -> StepOutcome {
        let context = self.context(for: entry)
        let effective: JSON
        switch entry.state.flow {
        case .jsonPath(let flow): effective = try effectiveInput(flow, entry, context: context, path: path)
        case .jsonata(let flow): effective = try jsonataArguments(flow, entry, context: context, path: path)
        }
        path.previousEventId = history.record("ParallelStateStarted", previous: path.previousEventId, at: path.timeline.now)
        let startedId = path.previousEventId
        let base = path
        let outcomes = await runConcurrently(count: branches.count, maxConcurrency: 0) { index in
            var branchPath = base.branch()
            branchPath.previousEventId = startedId
            do throws(StatesError) {
                let output = try await self.execute(branches[index], input: effective, path: &branchPath)
                return PathOutcome(result: .success(output), timeline: branchPath.timeline, lastEventId: branchPath.previousEventId)
            } catch {
                return PathOutcome(result: .failure(error), timeline: branchPath.timeline, lastEventId: branchPath.previousEventId)
            }
        }
        path.timeline.join(outcomes.map(\.timeline))
        var results: [JSON] = []
        results.reserveCapacity(branches.count)
        for outcome in outcomes {
            switch outcome.result {
            case .success(let value): results.append(value)
            case .failure(let error):
                // AWS links ParallelStateFailed to the failing branch's last event, with no details.
                path.pendingStateFailed = ("ParallelStateFailed", outcome.lastEventId)
                throw error
            }
        }
        // ParallelStateSucceeded and then ParallelStateExited both follow the branches' last event.
        let lastBranchEvent = outcomes.map(\.lastEventId).max() ?? startedId
        history.record("ParallelStateSucceeded", previous: lastBranchEvent, at: path.timeline.now)
        path.previousEventId = lastBranchEvent
        return try finish(entry, result: .array(results), context: context, path: &path)
    }

    /// Runs `count` paths, at most `maxConcurrency` at a time (0: all), and returns their outcomes in
    /// order. After the first failure no new path starts and running ones are cancelled.
    /// Paths that never suspend run inline, one after the other, without a task each.
    func runConcurrently(
        count: Int, maxConcurrency: Int, inline: Bool = false, stopOnFailure: Bool = true,
        _ body: @escaping @Sendable (Int) async -> PathOutcome
    ) async -> [PathOutcome] {
        if inline || count <= 1 {
            var outcomes: [PathOutcome] = []
            outcomes.reserveCapacity(count)
            for index in 0..<count {
                let outcome = await body(index)
                outcomes.append(outcome)
                if stopOnFailure, case .failure = outcome.result { break }
            }
            return outcomes
        }
        let limit = maxConcurrency <= 0 ? count : min(maxConcurrency, count)
        return await withTaskGroup(of: (Int, PathOutcome).self) { group in
            var outcomes = [PathOutcome?](repeating: nil, count: count)
            var nextIndex = 0
            while nextIndex < limit {
                let index = nextIndex
                group.addTask { (index, await body(index)) }
                nextIndex += 1
            }
            var failed = false
            // The first failure to arrive is the real one: every path still running is cancelled
            // then, and what a cancelled path reports (a task token's timeout, a killed program)
            // is a consequence, never the error of the state.
            var firstFailure: Int?
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                if stopOnFailure, case .failure = outcome.result, !failed {
                    failed = true
                    firstFailure = index
                    group.cancelAll()
                }
                if !failed && nextIndex < count {
                    let index = nextIndex
                    group.addTask { (index, await body(index)) }
                    nextIndex += 1
                }
            }
            // The caller reports the first failure it walks to, so the real one is the only failure
            // it sees; the outcomes after it do not matter.
            if !stopOnFailure { return outcomes.compactMap { $0 } }
            var ordered: [PathOutcome] = []
            ordered.reserveCapacity(count)
            for (index, outcome) in outcomes.enumerated() {
                guard let outcome else { continue }
                if let firstFailure, index != firstFailure, case .failure = outcome.result { continue }
                ordered.append(outcome)
                if let firstFailure, index == firstFailure { break }
            }
            return ordered
        }
    }
}

extension StatesError {
    var historyDetails: JSON {
        var members: JSONObject = ["error": .string(error)]
        if let cause { members["cause"] = .string(cause) }
        return .object(members)
    }
}
