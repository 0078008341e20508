import Foundation
import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

/// Counts calls and fails the first `failures` of them.
final class FlakyFunction: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var calls = 0
    let failures: Int
    let error: String

    init(failures: Int, error: String = "Flaky") {
        self.failures = failures
        self.error = error
    }

    var executor: ClosureExecutor {
        ClosureExecutor { request in
            let call = self.lock.withLock { () -> Int in
                self.calls += 1
                return self.calls
            }
            if call <= self.failures { throw StatesError(self.error, cause: "call \(call)") }
            return ["ok": .int(call), "input": request.input]
        }
    }
}

@Suite struct ErrorHandlingTests {
    static let resource = "arn:aws:lambda:us-east-1:111111111111:function:flaky"

    func taskDefinition(retry: String, catchers: String = "[]") -> String {
        let caught = catchers == "[]" ? "" : #","Caught":{"Type":"Pass","End":true}"#
        return
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(Self.resource)","Retry":\#(retry),"Catch":\#(catchers),"Next":"Done"},"Done":{"Type":"Succeed"}\#(caught)}}"#
    }

    @Test func retriesUntilSuccessWithBackoffInVirtualTime() async throws {
        let function = FlakyFunction(failures: 2)
        let result = try await runWorkflow(
            taskDefinition(retry: #"[{"ErrorEquals":["Flaky"],"IntervalSeconds":3,"BackoffRate":2,"MaxAttempts":3}]"#)
        ) { $0.executors.register(Self.resource, function.executor) }
        #expect(result.status == .succeeded)
        #expect(function.calls == 3)
        // 3 s then 6 s of back-off, virtually.
        #expect(result.stopDate - result.startDate == 9_000)
    }

    @Test func maxDelayCapsBackoff() async throws {
        let function = FlakyFunction(failures: 3)
        let result = try await runWorkflow(
            taskDefinition(
                retry: #"[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"BackoffRate":10,"MaxAttempts":5,"MaxDelaySeconds":15}]"#)
        ) { $0.executors.register(Self.resource, function.executor) }
        #expect(result.status == .succeeded)
        #expect(result.stopDate - result.startDate == 10_000 + 15_000 + 15_000)
    }

    @Test func maxAttemptsZeroNeverRetries() async throws {
        let function = FlakyFunction(failures: 1)
        let result = try await runWorkflow(
            taskDefinition(retry: #"[{"ErrorEquals":["States.ALL"],"MaxAttempts":0}]"#)
        ) { $0.executors.register(Self.resource, function.executor) }
        #expect(result.status == .failed)
        #expect(result.error == "Flaky")
        #expect(function.calls == 1)
    }

    @Test func exhaustedRetriesFallToCatchWithErrorOutput() async throws {
        let function = FlakyFunction(failures: 10)
        let result = try await runWorkflow(
            taskDefinition(
                retry: #"[{"ErrorEquals":["Flaky"],"MaxAttempts":2,"IntervalSeconds":1}]"#,
                catchers: #"[{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.error","Next":"Caught"}]"#),
            input: ["order": 7]
        ) { $0.executors.register(Self.resource, function.executor) }
        #expect(result.status == .succeeded)
        #expect(function.calls == 3)
        #expect(result.output == ["order": 7, "error": ["Error": "Flaky", "Cause": "call 3"]])
    }

    @Test func retryCountIsInTheContext() async throws {
        let function = FlakyFunction(failures: 2)
        let definition =
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(Self.resource)","Parameters":{"retry.$":"$$.State.RetryCount"},"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":5}],"End":true}}}"#
        let result = try await runWorkflow(definition) { $0.executors.register(Self.resource, function.executor) }
        #expect(result.output?["input"] == ["retry": 2])
    }

    @Test func runtimeErrorsAreNotCaughtByStatesAll() async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","InputPath":"$.missing","End":true}}}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}"#
        )
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
    }

    @Test func oversizedTaskResultIsCatchableOnlyByName() async throws {
        let big = ClosureExecutor(input: { _ in .string(String(repeating: "x", count: 2_000)) })
        let caught = try await runWorkflow(
            taskDefinition(retry: "[]", catchers: #"[{"ErrorEquals":["States.DataLimitExceeded"],"Next":"Caught"}]"#)
        ) {
            $0.maxPayloadBytes = 1_000
            $0.executors.register(Self.resource, big)
        }
        #expect(caught.status == .succeeded)
        #expect(caught.output?["Error"] == "States.DataLimitExceeded")
        #expect(caught.output?["Cause"]?.stringValue?.contains("'\(Self.resource)'") == true)
        let wildcard = try await runWorkflow(
            taskDefinition(retry: "[]", catchers: #"[{"ErrorEquals":["States.ALL"],"Next":"Caught"}]"#)
        ) {
            $0.maxPayloadBytes = 1_000
            $0.executors.register(Self.resource, big)
        }
        #expect(wildcard.status == .failed)
        #expect(wildcard.error == "States.DataLimitExceeded")
    }

    @Test func unroutedResourceNamesTheResource() async throws {
        let result = try await runWorkflow(taskDefinition(retry: "[]"))
        #expect(result.status == .failed)
        #expect(result.cause?.contains(Self.resource) == true)
    }

    @Test func aMissingExecutorCannotBeSwallowedByACatch() async throws {
        // A configuration mistake must not look like a handled failure and a successful run.
        let result = try await runWorkflow(
            taskDefinition(retry: #"[{"ErrorEquals":["States.ALL"]}]"#, catchers: #"[{"ErrorEquals":["States.ALL"],"Next":"Caught"}]"#))
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
        #expect(result.cause?.contains("No executor is configured") == true)
    }

    @Test func taskTimeoutRaisesStatesTimeout() async throws {
        let definition = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(Self.resource)","TimeoutSeconds":1,"End":true}}}"#
        let result = try await runWorkflow(definition) {
            $0.executors.register(
                Self.resource,
                ClosureExecutor(input: { _ in
                    try await Task.sleep(nanoseconds: 5_000_000_000)
                    return .null
                }))
        }
        #expect(result.status == .failed)
        #expect(result.error == "States.Timeout")
    }

    @Test func executionTimeoutUnderVirtualTime() async throws {
        let result = try await runWorkflow(
            #"{"TimeoutSeconds":5,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}"#)
        #expect(result.status == .timedOut)
        #expect(result.error == nil)
    }
}

@Suite struct ConcurrencyStateTests {
    @Test func parallelOutputsInBranchOrderAndFailureStopsSiblings() async throws {
        let ok = try await runWorkflow(
            #"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":50,"Next":"A2"},"A2":{"Type":"Pass","Result":"a","End":true}}},{"StartAt":"B","States":{"B":{"Type":"Pass","Result":"b","End":true}}}],"End":true}}}"#
        )
        #expect(ok.output == ["a", "b"])
        #expect(ok.stopDate - ok.startDate == 50_000)
        let failing = try await runWorkflow(
            #"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Fail","Error":"BranchBroke","Cause":"x"}}},{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}],"End":true}}}"#
        )
        #expect(failing.status == .failed)
        #expect(failing.error == "BranchBroke")
    }

    @Test func mapKeepsItemOrderAndScopesVariables() async throws {
        let result = try await runWorkflow(
            #"""
            {"StartAt":"Init","States":{
              "Init":{"Type":"Pass","Assign":{"factor":10},"Next":"M"},
              "M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
                   "ItemProcessor":{"StartAt":"Mul","States":{"Mul":{"Type":"Pass","Parameters":{"r.$":"States.MathAdd($.v, $factor)","i.$":"$.i"},"Assign":{"inner":1},"End":true}}},
                   "Next":"After"},
              "After":{"Type":"Pass","Parameters":{"all.$":"$","factor.$":"$factor"},"End":true}}}
            """#, input: ["items": [1, 2, 3]])
        #expect(result.status == .succeeded)
        #expect(result.output == ["all": [["r": 11, "i": 0], ["r": 12, "i": 1], ["r": 13, "i": 2]], "factor": 10])
    }

    @Test func mapOverNonArrayFails() async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}"#,
            input: ["not": "an array"])
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
    }

    @Test func manyExecutionsRunConcurrently() async throws {
        let runtime = try StateMachineRuntime(
            definition: try JSON(parsing: #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}"#))
        let started = Date()
        let executions = (0..<200).map { runtime.start(input: ["n": .int($0)]) }
        var outputs: [JSON] = []
        for execution in executions { outputs.append(await execution.result().output ?? .null) }
        #expect(outputs.count == 200)
        #expect(outputs[199] == ["n": 199])
        // One after the other would take 200 s; the bound only tells concurrent from sequential.
        #expect(Date().timeIntervalSince(started) < 60)
    }
}

@Suite struct WaitStateTests {
    @Test func waitAdvancesVirtualTimeAndContext() async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"Next":"P"},"P":{"Type":"Pass","Parameters":{"t.$":"$$.State.EnteredTime"},"End":true}}}"#
        )
        #expect(result.output == ["t": "2024-01-02T00:00:00.000Z"])
    }

    @Test func timestampPathWaitsUntilInstant() async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.at","End":true}}}"#, input: ["at": "2024-01-01T01:00:00+01:00"]
        )
        #expect(result.status == .succeeded)
        #expect(result.stopDate == result.startDate)
        let later = try await runWorkflow(
            #"{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.at","End":true}}}"#, input: ["at": "2024-01-01T00:00:30.5Z"])
        #expect(later.stopDate - later.startDate == 30_500)
    }

    @Test(arguments: [
        (JSON.double(1.5), "The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5"),
        (JSON.string("x"), "The SecondsPath parameter cannot be parsed as a long value: $.s == x"),
    ])
    func secondsPathMustBeAnInteger(value: JSON, cause: String) async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}"#, input: ["s": value])
        #expect(result.error == "States.Runtime")
        #expect(result.cause?.hasSuffix(cause) == true)
    }
}

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2016-03-14T01:59:00Z", Int64(1_457_920_740_000)),
        ("2016-03-14T01:59:00.123Z", Int64(1_457_920_740_123)),
        ("2016-03-14T03:59:00+02:00", Int64(1_457_920_740_000)),
        ("2016-03-14T01:59:00.123456789Z", Int64(1_457_920_740_123)),
    ])
    func parsesISO8601(text: String, milliseconds: Int64) {
        #expect(Timestamps.parse(text) == milliseconds)
        #expect(Timestamps.iso8601(1_457_920_740_123) == "2016-03-14T01:59:00.123Z")
    }

    @Test(arguments: [
        "2016-13-05T21:29:29Z", "05-12-2016T21:29:29Z", "2016-12-05T25:29:29Z", "2016-12-05 21:29:29Z", "2016-12-05T21:29:29",
        "2015-02-29T00:00:00Z", "",
    ])
    func rejectsInvalid(text: String) {
        #expect(Timestamps.parse(text) == nil)
    }
}

@Suite struct RoutingTests {
    @Test func globPatternsRouteResources() {
        var registry = ExecutorRegistry()
        registry.register("arn:aws:lambda:*:*:function:order-*", ClosureExecutor(input: { _ in "glob" }))
        registry.register("arn:aws:lambda:us-east-1:1:function:exact", ClosureExecutor(input: { _ in "exact" }))
        #expect(registry.executor(for: "arn:aws:lambda:eu-west-1:2:function:order-create") != nil)
        #expect(registry.executor(for: "arn:aws:lambda:us-east-1:1:function:exact") != nil)
        #expect(registry.executor(for: "arn:aws:lambda:us-east-1:1:function:other") == nil)
        #expect(ResourcePattern("a*b?c").matches("axxbyc"))
        #expect(!ResourcePattern("a*b?c").matches("axxbc"))
    }

    @Test func errorMatchingFollowsAWSRules() {
        #expect(ErrorMatching.matches(["States.ALL"], StatesError("Custom")))
        #expect(!ErrorMatching.matches(["States.ALL"], StatesError("States.Runtime")))
        #expect(ErrorMatching.matches(["States.TaskFailed"], StatesError("Lambda.Unknown")))
        #expect(!ErrorMatching.matches(["States.TaskFailed"], StatesError("States.Timeout")))
        #expect(!ErrorMatching.matches(["State.ALL"], StatesError("Custom")))
    }
}
