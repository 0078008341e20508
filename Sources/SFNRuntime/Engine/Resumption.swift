import SFNJSON
import SFNLanguage

/// Where a resumed execution's tasks stand in the history it continues (see ``ReplayBook``).
extension Interpreter {
    /// The outcome events of a task or activity attempt.
    static let taskOutcomes: Set<String> = [
        "TaskSucceeded", "TaskFailed", "TaskTimedOut", "ActivitySucceeded", "ActivityFailed", "ActivityTimedOut",
    ]

    /// Whether the attempt just prepared was already under way when the history was recorded.
    func attemptWasRecorded(path: PathContext) -> Bool {
        history.resumedThrough > 0 && path.previousEventId <= history.resumedThrough
    }

    /// The attempt's outcome when the history holds it: the task is not run again. An activity
    /// a worker had taken gets its ActivityStarted matched first.
    func recordedOutcome(_ prepared: PreparedTask, path: inout PathContext) -> Result<JSON, StatesError>? {
        guard attemptWasRecorded(path: path) else { return nil }
        var after = path.previousEventId
        if let report = prepared.request.activityStart,
            let started = history.pendingChild(of: after, where: { $0 == "ActivityStarted" })
        {
            report.workerTookTask(named: started.details?["workerName"]?.stringValue)
            after = report.eventId ?? after
        }
        guard let outcome = history.pendingChild(of: after, where: Self.taskOutcomes.contains) else { return nil }
        path.timeline.advance(to: outcome.timestamp)
        let details = outcome.details
        if outcome.type.hasSuffix("Succeeded") {
            let text = details?["output"]?.stringValue ?? "null"
            return .success((try? JSON(parsing: text)) ?? .null)
        }
        return .failure(StatesError(details?["error"]?.stringValue ?? "", cause: details?["cause"]?.stringValue))
    }

    /// An attempt that was running before the restart keeps its deadline: its TimeoutSeconds
    /// count from when it started (a deadline that passed while the server was down fires at once).
    func resumeDeadline(_ prepared: inout PreparedTask, path: PathContext) {
        guard let timeout = prepared.request.timeoutSeconds, attemptWasRecorded(path: path),
            let started = history.recordedEvent(path.previousEventId)
        else { return }
        let elapsed = max(0, path.timeline.now - started.timestamp)
        prepared.request.remainingMilliseconds = max(0, Durations.milliseconds(seconds: timeout) - elapsed)
    }

    /// A callback task whose token was handed out before the history was recorded: it is not
    /// handed out again, only waited for (the token is the same, so the callback still works).
    /// Activities are queued again: the queue did not survive.
    func callbackWasHandedOut(_ prepared: PreparedTask, path: PathContext) -> Bool {
        prepared.pattern == .waitForTaskToken && prepared.request.activityStart == nil && attemptWasRecorded(path: path)
    }

    /// The seed of an attempt's task token: the execution, its redrive, the state entry and the
    /// retry. Distributed Map children keep histories of their own, whose ids repeat, so theirs
    /// are random.
    func tokenSeed(_ entry: StateEntry, retryCount: Int) -> String? {
        guard history === run.history else { return nil }
        return "\(run.executionArn)|\(run.redriveCount)|\(entry.enteredId)|\(retryCount)"
    }
}
