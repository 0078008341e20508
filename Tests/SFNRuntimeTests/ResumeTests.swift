import SFNJSON
import SFNLanguage
import Synchronization
import Testing

@testable import SFNRuntime

/// Resuming an execution from any prefix of its history (what a restart after `kill -9` finds)
/// and redriving a failed one.
@Suite struct ResumeTests {
    /// Counts each Task's invocations by state name (and item, for Map iterations).
    final class Calls: Sendable {
        private let counts = Locked<[String: Int]>([:])
        func count(_ key: String) -> Int { counts.withLock { $0[key, default: 0] } }
        func add(_ key: String) -> Int {
            counts.withLock { counts in
                counts[key, default: 0] += 1
                return counts[key, default: 0]
            }
        }
        var total: Int { counts.withLock { $0.values.reduce(0, +) } }
    }

    /// A definition with every kind of step a resume must get right: Pass, Task with retries
    /// and a catch, Wait, Choice, variables, Parallel and an inline Map.
    static let definition = #"""
        {"StartAt": "Begin", "States": {
          "Begin": {"Type": "Pass", "Result": {"items": [1, 2, 3], "n": 5}, "Assign": {"seen": 0}, "Next": "Work"},
          "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:work",
                   "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "MaxAttempts": 3}],
                   "ResultPath": "$.work", "Next": "Pause"},
          "Pause": {"Type": "Wait", "Seconds": 30, "Next": "Decide"},
          "Decide": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 3, "Next": "Fan"}], "Default": "Done"},
          "Fan": {"Type": "Parallel", "ResultPath": "$.fan", "Next": "Each", "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:a", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 5, "Next": "B2"},
                                        "B2": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:b", "End": true}}}]},
          "Each": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.each", "Next": "Done",
                   "ItemProcessor": {"StartAt": "Item", "States": {
                     "Item": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:item", "End": true}}}},
          "Done": {"Type": "Succeed"}}}
        """#

    static func configuration(_ calls: Calls, failFirst: Set<String> = []) -> RuntimeConfiguration {
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.random = { 4 }
        configuration.tokens = TaskTokenRegistry(secret: Array("a fixed secret".utf8))
        configuration.executors.register(
            "arn:aws:lambda:*",
            ClosureExecutor { request in
                var key = request.stateName
                if case .int(let item)? = request.input["item"] ?? nil { key += "#\(item)" }
                if case .int(let item) = request.input { key += "#\(item)" }
                let call = calls.add(key)
                // The first attempt of Work always fails, whichever run makes it.
                if key == "Work" && request.context["State"]?["RetryCount"] == .int(0) {
                    throw StatesError("Flaky", cause: "first attempt fails")
                }
                if failFirst.contains(key) && call == 1 { throw StatesError("Broken", cause: "\(key) fails once") }
                return ["from": .string(key)]
            })
        return configuration
    }

    /// The history as a set of events, each with what it follows (by type, details and time,
    /// not by id: concurrent branches and iterations number their events in whatever order they
    /// run). A join (a Parallel or Map state's end) follows whichever branch ended last, which
    /// is up to scheduling too, so for those only the type is compared.
    func comparable(_ events: [HistoryEvent]) -> [String] {
        let byId = Dictionary(uniqueKeysWithValues: events.map { ($0.id, $0) })
        let joins: Set<String> = [
            "ParallelStateSucceeded", "ParallelStateExited", "MapStateSucceeded", "MapStateExited", "ParallelStateFailed", "MapStateFailed",
        ]
        func describe(_ event: HistoryEvent) -> String { "\(event.type) \(event.timestamp) \(event.details?.compactText ?? "")" }
        return events.map { event in
            let parent = byId[event.previousEventId].map(describe) ?? "start"
            return describe(event) + " after " + (joins.contains(event.type) ? "a branch" : parent)
        }.sorted()
    }

    @Test func resumingFromEveryPrefixGivesTheSameHistory() async throws {
        let calls = Calls()
        let machine = try StateMachineRuntime(definition: try JSON(parsing: Self.definition), configuration: Self.configuration(calls))
        let whole = machine.start(input: ["n": 5], name: "resumed")
        let result = await whole.result()
        #expect(result.status == .succeeded)
        let history = whole.history
        let original = comparable(history)
        let originalCalls = calls.total
        #expect(originalCalls == 7)  // Work twice (one retry), A, B2, three items
        #expect(history.filter { $0.type == "TaskScheduled" }.count == originalCalls)

        let attempts = history.filter { $0.type == "TaskScheduled" }.count
        for cut in 1..<history.count {
            let prefix = Array(history.prefix(cut))
            let before = calls.total
            // The executors answer alike on every run: each "first call" already happened.
            let resumed = machine.resume(
                ExecutionSnapshot(name: "resumed", input: ["n": 5], startDate: result.startDate, events: prefix))
            let outcome = await resumed.result()
            #expect(outcome.status == .succeeded, "cut at \(cut)")
            #expect(outcome.output == result.output, "cut at \(cut)")
            let events = resumed.history
            #expect(Array(events.prefix(cut)) == prefix, "cut at \(cut): the recorded events must stay as they were")
            #expect(events.map(\.id) == Array(1...events.count), "cut at \(cut): ids must stay contiguous")
            let replayed = comparable(events)
            let missing = Set(original).subtracting(replayed).sorted()
            let extra = Set(replayed).subtracting(original).sorted()
            #expect(
                missing.isEmpty && extra.isEmpty && replayed.count == original.count, "cut at \(cut): missing \(missing), extra \(extra)")
            // Every attempt whose outcome was recorded is not run again; every other one runs once.
            let recorded = prefix.filter { ["TaskSucceeded", "TaskFailed"].contains($0.type) }.count
            #expect(calls.total - before == attempts - recorded, "cut at \(cut)")
        }
    }

    @Test func aResumedCallbackWaitsOnTheSameToken() async throws {
        let definition = #"""
            {"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
              "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"token.$": "$$.Task.Token"}, "End": true}}}
            """#
        let handedOut = Calls()
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.tokens = TaskTokenRegistry(secret: Array("kept".utf8))
        configuration.executors.register(
            "arn:aws:states:::sqs:*",
            ClosureExecutor { (_: TaskRequest) in
                _ = handedOut.add("sent")
                return .emptyObject
            })
        let first = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)
        let execution = first.start(name: "waiting")
        for _ in 0..<1_000 where handedOut.count("sent") == 0 { try await Task.sleep(for: .milliseconds(2)) }
        let snapshot = execution.snapshot
        let scheduled = try #require(snapshot.events.first { $0.type == "TaskScheduled" })
        let parameters = try JSON(parsing: try #require(scheduled.details?["parameters"]?.stringValue))
        let token = try #require(parameters["token"]?.stringValue)

        // "Restart": a new registry with the same secret, a new runtime.
        configuration.tokens = TaskTokenRegistry(secret: Array("kept".utf8))
        let second = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)
        let resumed = second.resume(snapshot)
        for _ in 0..<100 { await Task.yield() }
        try configuration.tokens.complete(token, with: .success(["answer": 42]))
        let outcome = await resumed.result()
        #expect(outcome.status == .succeeded)
        #expect(outcome.output == ["answer": 42])
        #expect(handedOut.count("sent") == 1, "the resumed task must not send its token again")
        #expect(
            resumed.history.map(\.type) == [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
                "ExecutionSucceeded",
            ])
    }

    @Test func redriveRunsAgainOnlyWhatFailed() async throws {
        let calls = Calls()
        let machine = try StateMachineRuntime(
            definition: try JSON(parsing: Self.definition), configuration: Self.configuration(calls, failFirst: ["Item#2"]))
        let execution = machine.start(input: ["n": 5], name: "redriven")
        let failed = await execution.result()
        #expect(failed.status == .failed)
        #expect(failed.error == "Broken")
        let beforeRedrive = execution.history
        let work = calls.count("Work"), a = calls.count("A"), item1 = calls.count("Item#1")

        let redriven = machine.redrive(execution.snapshot, at: failed.stopDate + 60_000)
        let result = await redriven.result()
        #expect(result.status == .succeeded)
        #expect(redriven.redriveCount == 1)
        // What succeeded is not run again; the failed item is.
        #expect(calls.count("Work") == work)
        #expect(calls.count("A") == a)
        #expect(calls.count("Item#1") == item1)
        #expect(calls.count("Item#2") == 2)
        let events = redriven.history
        // The history keeps everything and continues after the failure.
        #expect(Array(events.prefix(beforeRedrive.count)) == beforeRedrive)
        let redrivenEvent = try #require(events.first { $0.type == "ExecutionRedriven" })
        #expect(redrivenEvent.id == beforeRedrive.count + 1)
        #expect(redrivenEvent.details == ["redriveCount": 1])
        #expect(events.last?.type == "ExecutionSucceeded")
        #expect(Set(events.map(\.id)).count == events.count)
        #expect(events.map(\.id) == Array(1...events.count))
    }
}

/// TestState's refusals: what it cannot run without a mock, as AWS documents.
@Suite struct StateTestRefusalTests {
    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            #"{"Type": "Task", "Resource": "arn:aws:states:us-east-1:111111111111:activity:worker", "End": true}"#,
            #"{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}"#,
            #"{"Type": "Parallel", "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}], "End": true}"#,
        ])
    func activitiesCallbacksAndParallelNeedAMock(definition: String) async throws {
        let test = StateTest(definition: try JSON(parsing: definition))
        await #expect(throws: ValidationReport.self) { try await test.run(configuration: .virtualTime()) }
        var mocked = test
        mocked.mock = .result(["ok": true])
        #expect(try await mocked.run(configuration: .virtualTime()).status == .succeeded)
    }
}
