import SFNJSON
import Testing

@testable import SFNRuntime

/// StopExecution as AWS records it: ExecutionAborted follows no event (previousEventId 0), has
/// empty details unless an error or cause was given, and what was running ends without events
/// of its own (no TaskTimedOut, TaskFailed or ...StateExited).
@Suite struct ExecutionAbortedHistoryTests {
    func stopped(
        _ definition: String, after started: String, error: String? = nil, cause: String? = nil
    ) async throws -> (ExecutionResult, [HistoryEvent]) {
        let machine = try StateMachineRuntime(definition: try JSON(parsing: definition))
        let execution = machine.start()
        // Wait until the state under test has started.
        for _ in 0..<1_000 where !execution.history.contains(where: { $0.type == started }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        execution.stop(error: error, cause: cause)
        let result = await execution.result()
        return (result, execution.history)
    }

    @Test func stoppingAWaitLeavesOnlyExecutionAborted() async throws {
        let (result, events) = try await stopped(
            #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}"#, after: "WaitStateEntered")
        #expect(result.status == .aborted)
        #expect(events.map(\.type) == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"])
        let aborted = try #require(events.last)
        #expect(aborted.previousEventId == 0)
        #expect(aborted.detailsKey == "executionAbortedEventDetails")
        #expect(aborted.details == .emptyObject)
    }

    @Test func stoppingACallbackTaskRecordsNoTimeout() async throws {
        let (result, events) = try await stopped(
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","TimeoutSeconds":600,"End":true}}}"#,
            after: "TaskStarted", error: "Operator", cause: "stopped by hand")
        #expect(result.status == .aborted)
        #expect(result.error == "Operator")
        let types = events.map(\.type)
        #expect(!types.contains("TaskTimedOut"))
        #expect(!types.contains("TaskFailed"))
        #expect(!types.contains("TaskStateExited"))
        let aborted = try #require(events.last)
        #expect(aborted.type == "ExecutionAborted")
        #expect(aborted.previousEventId == 0)
        #expect(aborted.details == ["error": "Operator", "cause": "stopped by hand"])
    }
}

@Suite struct TokenWaitCancellationTests {
    @Test func aWaitCancelledBeforeItBeginsEndsAtOnce() async {
        // The stop arrives between TaskStarted and the wait: the cancellation handler runs before
        // the wait has a continuation. The wait must still end (it hung before).
        let tokens = TaskTokenRegistry()
        let token = tokens.issue()
        let waiting = Task { () -> TaskTokenOutcome? in
            while !Task.isCancelled { await Task.yield() }
            return await tokens.wait(for: token)
        }
        waiting.cancel()
        let outcome = await waiting.value
        guard case .failure(let error)? = outcome else {
            Issue.record("the cancelled wait did not fail: \(String(describing: outcome))")
            return
        }
        #expect(error.name == .timeout)
    }
}
