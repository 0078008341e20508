import SFNJSON
import SFNLanguage

extension Interpreter {
    /// A DISTRIBUTED Map: a Map Run whose iterations are child executions. The parent's history
    /// shows the Map Run (MapRunStarted, then MapRunSucceeded or MapRunFailed), never the
    /// iterations' states: each child execution counts its own events, under its own 25,000-event
    /// limit. Child failures count against the tolerated failure threshold (none by default, as
    /// AWS documents), and exceeding it fails the Map with `States.ExceedToleratedFailureThreshold`.
    func runMapRun(
        _ entry: StateEntry, _ plan: MapState, processor: MachinePlan, inputs: [JSON], tolerance: FailureTolerance?,
        maxConcurrency: Int, context: JSON, path: inout PathContext
    ) async throws(StatesError) -> StepOutcome {
        let configuration = run.configuration
        let mapRunArn = ARN.mapRun(
            machine: run.stateMachineName, label: plan.label ?? UUIDs.make(configuration.random), id: UUIDs.make(configuration.random),
            region: configuration.region, account: configuration.accountId)
        let startedId = history.record(
            "MapRunStarted", previous: path.previousEventId, at: path.timeline.now, detailsKey: "mapRunStartedEventDetails",
            details: history.wantsDetails ? ["mapRunArn": .string(mapRunArn.description)] : nil)
        path.previousEventId = startedId
        let tolerance = tolerance ?? .none
        let base = path
        let outcomes = await runConcurrently(
            count: inputs.count, maxConcurrency: maxConcurrency, inline: processor.isPurelyComputational,
            stopOnFailure: tolerance.allowsNoFailure
        ) { index in
            // A child execution: its events go to a history of its own, which starts at id 1.
            let child = Interpreter(run: self.run, history: HistoryRecorder(keepsEvents: false))
            var childPath = base.branch()
            childPath.previousEventId = child.history.record("ExecutionStarted", previous: 0, at: childPath.timeline.now)
            let result: Result<JSON, StatesError>
            do throws(StatesError) {
                result = .success(try await child.execute(processor, input: inputs[index], path: &childPath))
            } catch {
                result = .failure(error)
            }
            return PathOutcome(result: result, timeline: childPath.timeline, lastEventId: startedId)
        }
        path.timeline.join(outcomes.map(\.timeline))
        var results: [JSON] = []
        results.reserveCapacity(inputs.count)
        var failures = 0
        for outcome in outcomes {
            switch outcome.result {
            case .success(let value):
                results.append(value)
            case .failure(let error):
                // Stopping or timing out the parent ends its children: that is the parent's end,
                // not a failed item.
                if run.aborted || run.timedOut { throw error }
                failures += 1
                results.append(error.errorOutput)
            }
        }
        if failures > 0, tolerance.isExceeded(failures: failures, total: inputs.count) {
            let failure = StatesError.toleratedFailureThresholdExceeded
            let failedId = history.record(
                "MapRunFailed", previous: startedId, at: path.timeline.now, detailsKey: "mapRunFailedEventDetails",
                details: history.wantsDetails ? ["error": .string(failure.error), "cause": .string(failure.cause ?? "")] : nil)
            path.pendingStateFailed = ("MapStateFailed", failedId)
            throw failure
        }
        let succeededId = history.record("MapRunSucceeded", previous: startedId, at: path.timeline.now)
        history.record("MapStateSucceeded", previous: succeededId, at: path.timeline.now)
        path.previousEventId = succeededId
        path.spelled = nil
        return try finish(entry, result: .array(results), context: context, path: &path)
    }
}
