import SFNJSON
import SFNLanguage

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
                return (.success(output), branchPath.timeline)
            } catch {
                return (.failure(error), branchPath.timeline)
            }
        }
        path.timeline.join(outcomes.map { $0.timeline })
        var results: [JSON] = []
        results.reserveCapacity(branches.count)
        for outcome in outcomes {
            switch outcome.result {
            case .success(let value): results.append(value)
            case .failure(let error):
                path.previousEventId = history.record(
                    "ParallelStateFailed", previous: path.previousEventId, at: path.timeline.now,
                    detailsKey: "parallelStateFailedEventDetails",
                    details: history.wantsDetails ? error.historyDetails : nil)
                throw error
            }
        }
        path.previousEventId = history.record("ParallelStateSucceeded", previous: path.previousEventId, at: path.timeline.now)
        return try finish(entry, result: .array(results), context: context, path: &path)
    }

    /// Runs `count` paths, at most `maxConcurrency` at a time (0: all), and returns their outcomes in
    /// order. After the first failure no new path starts and running ones are cancelled.
    /// Paths that never suspend run inline, one after the other, without a task each.
    func runConcurrently(
        count: Int, maxConcurrency: Int, inline: Bool = false, stopOnFailure: Bool = true,
        _ body: @escaping @Sendable (Int) async -> (result: Result<JSON, StatesError>, timeline: Timeline)
    ) async -> [(result: Result<JSON, StatesError>, timeline: Timeline)] {
        if inline || count <= 1 {
            var outcomes: [(result: Result<JSON, StatesError>, timeline: Timeline)] = []
            outcomes.reserveCapacity(count)
            for index in 0..<count {
                let outcome = await body(index)
                outcomes.append(outcome)
                if stopOnFailure, case .failure = outcome.result { break }
            }
            return outcomes
        }
        let limit = maxConcurrency <= 0 ? count : min(maxConcurrency, count)
        return await withTaskGroup(of: (Int, Result<JSON, StatesError>, Timeline).self) { group in
            var outcomes = [(result: Result<JSON, StatesError>, timeline: Timeline)?](repeating: nil, count: count)
            var nextIndex = 0
            while nextIndex < limit {
                let index = nextIndex
                group.addTask {
                    let outcome = await body(index)
                    return (index, outcome.result, outcome.timeline)
                }
                nextIndex += 1
            }
            var failed = false
            // The first failure to arrive is the real one: every path still running is cancelled
            // then, and what a cancelled path reports (a task token's timeout, a killed program)
            // is a consequence, never the error of the state.
            var firstFailure: Int?
            while let (index, result, timeline) = await group.next() {
                outcomes[index] = (result, timeline)
                if stopOnFailure, case .failure = result, !failed {
                    failed = true
                    firstFailure = index
                    group.cancelAll()
                }
                if !failed && nextIndex < count {
                    let index = nextIndex
                    group.addTask {
                        let outcome = await body(index)
                        return (index, outcome.result, outcome.timeline)
                    }
                    nextIndex += 1
                }
            }
            // The caller reports the first failure it walks to, so the real one is the only failure
            // it sees; the outcomes after it do not matter.
            if !stopOnFailure { return outcomes.compactMap { $0 } }
            var ordered: [(result: Result<JSON, StatesError>, timeline: Timeline)] = []
            ordered.reserveCapacity(count)
            let firstReal = firstFailure
            for (index, outcome) in outcomes.enumerated() {
                guard let outcome else { continue }
                if let firstReal, index != firstReal, case .failure = outcome.result { continue }
                ordered.append(outcome)
                if let firstReal, index == firstReal { break }
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
