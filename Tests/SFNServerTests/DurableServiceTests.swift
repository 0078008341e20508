import Foundation
import SFNJSON
import SFNRuntime
import SFNStore
import SFNStoreSQLite
import SFNTestSupport
import Testing

@testable import SFNServer

/// `sfn serve --data-dir` on a real SQLite file: what one service wrote, a second one on the
/// same folder reads back, and what was running carries on.
@Suite struct DurableServiceTests {
    static let role: JSON = "arn:aws:iam::111111111111:role/test"

    func open(_ folder: TemporaryFolder) throws -> StepFunctionsService {
        try StepFunctionsService(store: SQLiteStore(folder: folder.path))
    }

    @Test func everythingWrittenIsReadBackAndRunningExecutionsCarryOn() async throws {
        let folder = try TemporaryFolder(prefix: "sfn-durable")
        var service: StepFunctionsService? = try open(folder)
        let first = try #require(service)

        // State machines, versions, an alias, tags, an activity.
        let created = try await call(
            first, "CreateStateMachine",
            [
                "name": "orders", "definition": .string(Definitions.pass), "roleArn": Self.role, "publish": true,
                "tags": [["key": "env", "value": "test"]],
            ])
        let machine = try #require(created["stateMachineArn"]?.stringValue)
        let version = try #require(created["stateMachineVersionArn"]?.stringValue)
        let alias = try await call(
            first, "CreateStateMachineAlias",
            ["name": "live", "routingConfiguration": [["stateMachineVersionArn": .string(version), "weight": 100]]])
        let activity = try await call(first, "CreateActivity", ["name": "worker"])["activityArn"]
        let callback = try await createMachine(first, "approvals", Definitions.callback)
        let waiting = try await createMachine(first, "waits", #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}"#)

        // Executions: one ended, one waiting on a task token, one in a Wait state.
        let ended = try await startExecution(first, machine, input: #"{"a": 1}"#, name: "ended")
        #expect(try await finished(first, ended)["status"] == "SUCCEEDED")
        let asking = try await startExecution(first, callback, input: #"{"order": "A-1"}"#, name: "asking")
        let token = try #require(try await scheduledToken(first, asking))
        let sleeping = try await startExecution(first, waiting, name: "sleeping")
        let pagedBefore = try await call(first, "ListStateMachines", ["maxResults": 1])
        let describedBefore = try await call(first, "DescribeStateMachine", ["stateMachineArn": .string(machine)])
        let historyBefore = try await call(first, "GetExecutionHistory", ["executionArn": .string(ended)])

        // A restart: the first service goes, a second opens the same folder.
        first.closeStore()
        service = nil
        let second = try open(folder)

        #expect(try await call(second, "DescribeStateMachine", ["stateMachineArn": .string(machine)]) == describedBefore)
        #expect(try await call(second, "GetExecutionHistory", ["executionArn": .string(ended)]) == historyBefore)
        let versions = try await call(second, "ListStateMachineVersions", ["stateMachineArn": .string(machine)])
        #expect(versions["stateMachineVersions"]?[0]?["stateMachineVersionArn"]?.stringValue == version)
        let described = try await call(
            second, "DescribeStateMachineAlias", ["stateMachineAliasArn": alias["stateMachineAliasArn"] ?? .null])
        #expect(described["routingConfiguration"]?[0]?["weight"] == 100)
        #expect(
            try await call(second, "ListTagsForResource", ["resourceArn": .string(machine)])["tags"] == [["key": "env", "value": "test"]])
        #expect(try await call(second, "DescribeActivity", ["activityArn": activity ?? .null])["name"] == "worker")
        // A page token from before the restart still reads the next page.
        let next = try #require(pagedBefore["nextToken"]?.stringValue)
        let page = try await call(second, "ListStateMachines", ["maxResults": 1, "nextToken": .string(next)])
        #expect(page["stateMachines"]?[0]?["name"] == "approvals")

        // The token handed out before the restart completes the execution after it.
        _ = try await call(second, "SendTaskSuccess", ["taskToken": .string(token), "output": #"{"approved": true}"#])
        let answered = try await finished(second, asking)
        #expect(answered["status"] == "SUCCEEDED")
        #expect(answered["output"] == #"{"approved":true}"#)
        // The Wait ends when it would have.
        #expect(try await finished(second, sleeping)["status"] == "SUCCEEDED")
        let events = try await call(second, "GetExecutionHistory", ["executionArn": .string(asking)])["events"]?.arrayValue ?? []
        #expect(events.compactMap { $0["id"]?.intValue } == Array(1...events.count))
        #expect(events.compactMap { $0["type"]?.stringValue }.filter { $0 == "TaskScheduled" }.count == 1)
        // An alias still routes executions.
        let routed = try await startExecution(second, alias["stateMachineAliasArn"]?.stringValue ?? "")
        #expect(try await finished(second, routed)["stateMachineVersionArn"]?.stringValue == version)
    }

    @Test func aCallbackAnsweredJustBeforeACrashIsNotLost() async throws {
        let folder = try TemporaryFolder(prefix: "sfn-durable")
        let first = try open(folder)
        let callback = try await createMachine(first, "approvals", Definitions.callback)
        let asking = try await startExecution(first, callback, input: #"{"order": "B-2"}"#, name: "asking")
        let token = try #require(try await scheduledToken(first, asking))
        first.closeStore()
        // What a crash right after SendTaskSuccess's answer can leave: the callback committed,
        // the execution not yet having recorded it.
        let store = try SQLiteStore(folder: folder.path)
        store.save([
            .putCallback(
                token: token, outcome: StepFunctionsService.callbackRecord(execution: asking, .success(["late": true])), date: 1)
        ])
        try await store.commit()
        store.close()

        let second = try open(folder)
        let answered = try await finished(second, asking)
        #expect(answered["status"] == "SUCCEEDED")
        #expect(answered["output"] == #"{"late":true}"#)
    }

    @Test func anExecutionAcceptedBeforeItsFirstEventRunsAfterARestart() async throws {
        let folder = try TemporaryFolder(prefix: "sfn-durable")
        let first = try open(folder)
        let machineArn = try await createMachine(first, "orders", Definitions.pass)
        first.closeStore()
        // What a crash can leave: StartExecution's record committed (it is, before the answer),
        // the execution not yet having recorded ExecutionStarted.
        let store = try SQLiteStore(folder: folder.path)
        let machine = try #require(try store.load().machines.first)
        let arn = "arn:aws:states:us-east-1:111111111111:execution:orders:accepted"
        store.save([
            .putExecution(
                StoredExecution(
                    arn: arn, name: "accepted", machine: machine, revision: machine.revision, inputText: #"{"a": 1}"#, startDate: 1,
                    versionArn: nil, aliasArn: nil, sequence: 5, redriveToken: nil))
        ])
        try await store.commit()
        store.close()

        let second = try open(folder)
        let ended = try await finished(second, arn)
        #expect(ended["status"] == "SUCCEEDED")
        #expect(ended["stateMachineArn"]?.stringValue == machineArn)
        let events = try await call(second, "GetExecutionHistory", ["executionArn": .string(arn)])["events"]?.arrayValue ?? []
        #expect(events.first?["type"] == "ExecutionStarted")
        #expect(events.last?["type"] == "ExecutionSucceeded")
    }
}
