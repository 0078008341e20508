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
    /// The path's output as the caller spelled it, when it still is the caller's value.
    var spelled: SpelledValue?

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
        // Branches quote the caller's spelling of their input while it is the state's input unchanged.
        let spelled = path.spelled.flatMap { spelled in spelled.matches(effective) ? spelled : nil }
        let outcomes = await runConcurrently(count: branches.count, maxConcurrency: 0) { index in
            var branchPath = base.branch()
            branchPath.previousEventId = startedId
            branchPath.spelled = spelled
            do throws(StatesError) {
                let output = try await self.execute(branches[index], input: effective, path: &branchPath)
                var outcome = PathOutcome(result: .success(output), timeline: branchPath.timeline, lastEventId: branchPath.previousEventId)
                outcome.spelled = branchPath.spelled
                return outcome
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
        let result = JSON.array(results)
        // AWS writes the result as its branches' output texts in brackets: a branch that passed the
        // caller's value through keeps the caller's spelling inside the result.
        path.spelled = nil
        if history.wantsDetails, outcomes.contains(where: { $0.spelled != nil }) {
            var text = "["
            for (index, outcome) in outcomes.enumerated() {
                if index > 0 { text += "," }
                if let spelled = outcome.spelled {
                    text += spelled.text
                } else if case .success(let value) = outcome.result {
                    text += value.compactText
                }
            }
            text += "]"
            path.spelled = SpelledValue(text: text, value: result)
        }
        return try finish(entry, result: result, context: context, path: &path)
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
