import Foundation
import SFNJSON
import SFNLanguage
import SFNTestSupport
import Testing

@testable import SFNRuntime

/// Records the task tokens and retry counts a callback Task state hands out.
final class TokenRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String] = []
    private(set) var retryCounts: [Int] = []

    var executor: ClosureExecutor {
        ClosureExecutor { request in
            self.lock.withLock {
                self.tokens.append(request.taskToken ?? "")
                self.retryCounts.append(request.context["State"]?["RetryCount"]?.intValue ?? -1)
            }
            return .null
        }
    }

    var count: Int { lock.withLock { tokens.count } }

    /// The `number`th token (from 1), once its execution has parked on it.
    func token(_ number: Int, registry: TaskTokenRegistry) async throws -> String {
        for _ in 0..<5_000 {
            if let token = lock.withLock({ tokens.count >= number ? tokens[number - 1] : nil }), registry.parkedCount > 0 {
                return token
            }
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        throw StatesError("Test.NoToken", cause: "no token number \(number) was handed out")
    }
}

@Suite struct ParkedExecutionTests {
    static let resource = "arn:aws:states:::lambda:invoke.waitForTaskToken"

    func start(_ definition: String, input: JSON = .emptyObject) throws -> (Execution, TokenRecorder, TaskTokenRegistry) {
        let recorder = TokenRecorder()
        var configuration = RuntimeConfiguration.virtualTime(startingAt: 1_704_067_200_000)
        configuration.random = SeededRandom(seed: 11).next
        configuration.executors.register(Self.resource, recorder.executor)
        let runtime = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)
        return (runtime.start(input: input, name: "parked"), recorder, configuration.tokens)
    }

    func task(_ extra: String = "") -> String {
        #""Approve":{"Type":"Task","Resource":"\#(Self.resource)","Parameters":{"FunctionName":"f","Payload.$":"$"}\#(extra)"#
    }

    @Test func aParkedExecutionIsResumedByItsCallback() async throws {
        let approve = task(#","ResultPath":"$.approval","Next":"After""#)
        let definition =
            #"{"StartAt":"Approve","States":{\#(approve)},"After":{"Type":"Pass","Result":"done","ResultPath":"$.after","End":true}}}"#
        let (execution, recorder, tokens) = try start(definition, input: ["order": 7])
        let token = try await recorder.token(1, registry: tokens)
        #expect(execution.currentResult == nil)
        #expect(tokens.parkedCount == 1)

        try tokens.complete(token, with: .success(["approved": true]))
        let result = await execution.result()

        #expect(result.status == .succeeded)
        #expect(result.output == ["order": 7, "approval": ["approved": true], "after": "done"])
        #expect(tokens.parkedCount == 0)
        #expect(
            execution.history.map(\.type) == [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
                "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
            ])
        #expect(execution.history.map(\.id) == Array(1...9))
        #expect(execution.history.dropFirst(2).map(\.previousEventId) == Array(2...8))
        #expect(throws: TaskTokenError.taskTimedOut) { try tokens.complete(token, with: .success(.null)) }
    }

    @Test func aFailureCallbackIsCaught() async throws {
        let catcher = #","Catch":[{"ErrorEquals":["Rejected"],"ResultPath":"$.problem","Next":"Fallback"}],"End":true"#
        let approve = task(catcher)
        let definition = #"{"StartAt":"Approve","States":{\#(approve)},"Fallback":{"Type":"Pass","End":true}}}"#
        let (execution, recorder, tokens) = try start(definition, input: ["order": 8])
        let token = try await recorder.token(1, registry: tokens)

        try tokens.complete(token, with: .failure(StatesError("Rejected", cause: "no budget")))
        let result = await execution.result()

        #expect(result.status == .succeeded)
        #expect(result.output == ["order": 8, "problem": ["Error": "Rejected", "Cause": "no budget"]])
        #expect(
            execution.history.map(\.type) == [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskStateExited",
                "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
            ])
    }

    @Test func aFailureCallbackIsRetriedAndParksAgain() async throws {
        let retry = #","Retry":[{"ErrorEquals":["Rejected"],"IntervalSeconds":3,"MaxAttempts":1}],"End":true"#
        let approve = task(retry)
        let definition = #"{"StartAt":"Approve","States":{\#(approve)}}}"#
        let (execution, recorder, tokens) = try start(definition)
        let first = try await recorder.token(1, registry: tokens)

        try tokens.complete(first, with: .failure(StatesError("Rejected", cause: "later")))
        let second = try await recorder.token(2, registry: tokens)
        #expect(second != first)
        #expect(execution.currentResult == nil)
        try tokens.complete(second, with: .success(["second": true]))
        let result = await execution.result()

        #expect(result.status == .succeeded)
        #expect(result.output == ["second": true])
        #expect(recorder.retryCounts == [0, 1])
        #expect(result.stopDate - result.startDate == 3_000)
        #expect(
            execution.history.map(\.type) == [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskScheduled",
                "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded",
            ])
    }

    @Test func aFailureCallbackPastItsRetriesFailsTheExecution() async throws {
        let retry = #","Retry":[{"ErrorEquals":["Other"],"MaxAttempts":3}],"End":true"#
        let approve = task(retry)
        let definition = #"{"StartAt":"Approve","States":{\#(approve)}}}"#
        let (execution, recorder, tokens) = try start(definition)
        let token = try await recorder.token(1, registry: tokens)

        try tokens.complete(token, with: .failure(StatesError("Rejected", cause: "no")))
        let result = await execution.result()

        #expect(result.status == .failed)
        #expect(result.error == "Rejected")
        #expect(result.cause == "no")
        #expect(recorder.count == 1)
    }

    @Test func stopEndsAParkedExecution() async throws {
        let approve = task(#","End":true"#)
        let definition = #"{"StartAt":"Approve","States":{\#(approve)}}}"#
        let (execution, recorder, tokens) = try start(definition)
        let token = try await recorder.token(1, registry: tokens)

        execution.stop()
        let result = await execution.result()

        #expect(result.status == .aborted)
        #expect(tokens.parkedCount == 0)
        #expect(execution.history.last?.type == "ExecutionAborted")
        #expect(throws: TaskTokenError.taskTimedOut) { try tokens.complete(token, with: .success(.null)) }
    }

    @Test func aCallbackBeforeTheExecutionParksIsNotLost() async throws {
        let tokens = TaskTokenRegistry()
        var configuration = RuntimeConfiguration.virtualTime(startingAt: 1_704_067_200_000)
        configuration.tokens = tokens
        configuration.executors.register(
            Self.resource,
            ClosureExecutor { request in
                try tokens.complete(request.taskToken ?? "", with: .success("at once"))
                return .null
            })
        let approve = task(#","End":true"#)
        let definition = #"{"StartAt":"Approve","States":{\#(approve)}}}"#
        let runtime = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)

        let result = await runtime.run()

        #expect(result.status == .succeeded)
        #expect(result.output == "at once")
    }

    @Test func tasksInsideParallelStillWaitForTheirCallbacks() async throws {
        let approve = task(#","End":true"#)
        let branch = #"{"StartAt":"Approve","States":{\#(approve)}}}"#
        let definition = #"{"StartAt":"Both","States":{"Both":{"Type":"Parallel","Branches":[\#(branch)],"End":true}}}"#
        let (execution, recorder, tokens) = try start(definition)
        let token = try await recorder.token(1, registry: tokens)

        try tokens.complete(token, with: .success(1))
        let result = await execution.result()

        #expect(result.status == .succeeded)
        #expect(result.output == [1])
    }
}

@Suite struct StopExecutionTests {
    @Test func stopRecordsErrorAndCause() async throws {
        var configuration = RuntimeConfiguration()
        configuration.recordsHistory = true
        let runtime = try StateMachineRuntime(
            definition: try JSON(parsing: #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}"#),
            configuration: configuration)
        let execution = runtime.start()
        try await Task.sleep(nanoseconds: 50_000_000)
        execution.stop(error: "Operator", cause: "stopped by hand")
        let result = await execution.result()
        #expect(result.status == .aborted)
        #expect(result.error == "Operator")
        #expect(result.cause == "stopped by hand")
        let last = try #require(execution.history.last)
        #expect(last.type == "ExecutionAborted")
        #expect(last.details == ["error": "Operator", "cause": "stopped by hand"])
    }
}

@Suite struct ActivityHistoryTests {
    @Test func activityTasksRecordActivityEvents() async throws {
        let activity = "arn:aws:states:us-east-1:111111111111:activity:review"
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.recordsHistory = true
        configuration.executors.register(activity, ClosureExecutor(input: { input in ["reviewed": input] }))
        let runtime = try StateMachineRuntime(
            definition: try JSON(
                parsing: #"{"StartAt":"Review","States":{"Review":{"Type":"Task","Resource":"\#(activity)","End":true}}}"#),
            configuration: configuration)
        let execution = runtime.start(input: ["doc": 1])
        let result = await execution.result()
        #expect(result.output == ["reviewed": ["doc": 1]])
        let types = execution.history.map(\.type)
        #expect(types.contains("ActivityScheduled"))
        #expect(types.contains("ActivityStarted"))
        #expect(types.contains("ActivitySucceeded"))
        #expect(!types.contains("TaskScheduled"))
    }
}
