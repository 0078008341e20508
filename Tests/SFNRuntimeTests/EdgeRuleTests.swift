import SFNJSON
import SFNLanguage
import Synchronization
import Testing

@testable import SFNRuntime

/// Rules AWS documents for every state alike ("Handling errors in Step Functions workflows",
/// the Map and Wait field pages, "Intrinsic functions"), checked on each state type they apply to.
@Suite struct EdgeRuleTests {
    static let resource = "arn:aws:lambda:us-east-1:111111111111:function:work"

    /// A state of each retriable type whose work fails with States.Runtime (a path that selects
    /// nothing), under the given Retry and Catch.
    static func failingRuntime(_ type: String, retry: String, catchers: String) -> String {
        let body: String
        switch type {
        case "Task": body = #""Type":"Task","Resource":"\#(resource)","InputPath":"$.missing""#
        case "Parallel":
            body = #""Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","InputPath":"$.missing","End":true}}}]"#
        default:
            body =
                #""Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","InputPath":"$.missing","End":true}}}"#
        }
        return """
            {"StartAt":"S","States":{"S":{\(body),"Retry":\(retry),"Catch":\(catchers),"End":true},
              "Caught":{"Type":"Pass","End":true}}}
            """
    }

    @Test(arguments: ["Task", "Parallel", "Map"], ["States.Runtime", "States.ALL", "States.TaskFailed"])
    func statesRuntimeIsNeverCaughtOrRetried(type: String, named: String) async throws {
        // "A States.Runtime error isn't retriable, and will always cause the execution to fail."
        let calls = Counter()
        let definition = Self.failingRuntime(
            type, retry: #"[{"ErrorEquals":["\#(named)"],"MaxAttempts":3}]"#,
            catchers: #"[{"ErrorEquals":["\#(named)"],"Next":"Caught"}]"#)
        let result = try await runWorkflow(definition, input: ["items": [1]]) {
            $0.executors.register(
                Self.resource,
                ClosureExecutor(input: { input in
                    calls.increment()
                    return input
                }))
        }
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
        #expect(calls.value == 0)
    }

    @Test(arguments: ["Task", "Parallel", "Map"])
    func taskFailedCoversEveryErrorButTimeout(type: String) async throws {
        func definition(_ error: String) -> String {
            let failing = #"{"StartAt":"X","States":{"X":{"Type":"Fail","Error":"\#(error)"}}}"#
            let body: String
            switch type {
            case "Task": body = #""Type":"Task","Resource":"\#(Self.resource)","Parameters":{"error":"\#(error)"}"#
            case "Parallel": body = #""Type":"Parallel","Branches":[\#(failing)]"#
            default: body = #""Type":"Map","ItemProcessor":\#(failing)"#
            }
            return """
                {"StartAt":"S","States":{"S":{\(body),"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Caught"}],"End":true},
                  "Caught":{"Type":"Pass","End":true}}}
                """
        }
        let failingTask = ClosureExecutor(input: { input in
            throw StatesError(input["error"]?.stringValue ?? "", cause: nil)
        })
        let custom = try await runWorkflow(definition("Custom.Error"), input: [1]) { $0.executors.register(Self.resource, failingTask) }
        #expect(custom.status == .succeeded)
        let timeout = try await runWorkflow(definition("States.Timeout"), input: [1]) { $0.executors.register(Self.resource, failingTask) }
        #expect(timeout.status == .failed)
        #expect(timeout.error == "States.Timeout")
    }

    /// Path-valued numbers take integers only; strings, fractions, and values out of each field's
    /// range end the execution with States.Runtime naming the field, whatever the state type.
    @Test(arguments: [
        ("Wait", "SecondsPath", JSON.string("10")), ("Wait", "SecondsPath", .double(1.5)), ("Wait", "SecondsPath", .double(1e300)),
        ("Task", "TimeoutSecondsPath", .string("10")), ("Task", "TimeoutSecondsPath", .double(2.5)),
        ("Task", "TimeoutSecondsPath", .int(0)),
        ("Task", "TimeoutSecondsPath", .int(-3)), ("Task", "HeartbeatSecondsPath", .string("1")), ("Task", "HeartbeatSecondsPath", .int(0)),
        ("Map", "MaxConcurrencyPath", .string("2")), ("Map", "MaxConcurrencyPath", .double(1.5)), ("Map", "MaxConcurrencyPath", .int(-1)),
        ("Map", "ToleratedFailureCountPath", .string("1")), ("Map", "ToleratedFailureCountPath", .int(-1)),
        ("Map", "ToleratedFailurePercentagePath", .string("5")), ("Map", "ToleratedFailurePercentagePath", .double(100.5)),
        ("Map", "ToleratedFailurePercentagePath", .int(-1)),
    ])
    func pathValuedNumbersOutOfTheirRangeAreRuntimeErrors(type: String, field: String, value: JSON) async throws {
        let body: String
        switch type {
        case "Wait": body = #""Type":"Wait""#
        case "Task": body = #""Type":"Task","Resource":"\#(Self.resource)""#
        default: body = #""Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#
        }
        let definition = #"{"StartAt":"S","States":{"S":{\#(body),"\#(field)":"$.n","End":true}}}"#
        let result = try await runWorkflow(definition, input: ["items": [1], "n": value]) {
            $0.executors.register(Self.resource, ClosureExecutor(input: { $0 }))
        }
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
        let cause = result.cause ?? ""
        #expect(cause.contains(field) || cause.contains(field.replacingOccurrences(of: "Path", with: "")), "\(cause)")
    }

    @Test(arguments: [
        ("Wait", "SecondsPath", JSON.int(0)), ("Map", "MaxConcurrencyPath", .int(0)), ("Map", "MaxConcurrencyPath", .double(2.0)),
        ("Map", "ToleratedFailureCountPath", .int(0)), ("Map", "ToleratedFailurePercentagePath", .double(12.5)),
        ("Task", "TimeoutSecondsPath", .int(99_999_999)),
    ])
    func pathValuedNumbersInTheirRangeAreAccepted(type: String, field: String, value: JSON) async throws {
        let body: String
        switch type {
        case "Wait": body = #""Type":"Wait""#
        case "Task": body = #""Type":"Task","Resource":"\#(Self.resource)""#
        default: body = #""Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#
        }
        let definition = #"{"StartAt":"S","States":{"S":{\#(body),"\#(field)":"$.n","End":true}}}"#
        let result = try await runWorkflow(definition, input: ["items": [1], "n": value]) {
            $0.executors.register(Self.resource, ClosureExecutor(input: { $0 }))
        }
        #expect(result.status == .succeeded, "\(result.cause ?? "")")
    }

    /// Every intrinsic that takes an integer treats a fraction as States.MathAdd does (AWS's
    /// recorded MathAdd results: half up, 1.5 is 2 and -1.5 is -1).
    @Test(arguments: [
        ("States.MathAdd(1.5, 0)", JSON.int(2)), ("States.MathAdd(-1.5, 0)", .int(-1)), ("States.MathAdd(-1.51, 0)", .int(-2)),
        ("States.ArrayGetItem(States.Array(10, 20, 30), 1.5)", .int(30)),
        ("States.ArrayGetItem(States.Array(10, 20, 30), 0.49)", .int(10)),
        ("States.ArrayRange(0.5, 3.4, 1)", JSON.array([1, 2, 3])),
        ("States.ArrayPartition(States.Array(1, 2, 3), 1.5)", JSON.array([[1, 2], [3]])),
        ("States.MathRandom(1.5, 2.5)", .int(2)),
    ])
    func intrinsicsRoundFractionsHalfUp(expression: String, expected: JSON) async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"r.$":"\#(expression)"},"End":true}}}"#)
        #expect(result.status == .succeeded, "\(result.cause ?? "")")
        #expect(result.output?["r"] == expected)
    }

    @Test(arguments: ["States.ArrayGetItem(States.Array(1), 1e300)", "States.MathRandom(0, 1e300)", "States.ArrayRange(0, 1e19, 1)"])
    func intrinsicIntegersPastTheirRangeFailClearly(expression: String) async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"r.$":"\#(expression)"},"End":true}}}"#)
        #expect(result.status == .failed)
        #expect(result.error == "States.IntrinsicFailure")
    }
}

/// Counts calls from concurrent closures.
final class Counter: Sendable {
    private let count = Locked(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
