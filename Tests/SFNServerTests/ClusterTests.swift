import Foundation
import SFNJSON
import SFNRuntime
import SFNStore
import SFNTestSupport
import Testing

@testable import SFNServer
@testable import SFNStorePostgres

/// `sfn serve --store postgres://...` on a real PostgreSQL server: two nodes in one process, each
/// on its own store. They run when `SFN_TEST_POSTGRES_URL` names a database whose user may create
/// databases (CI sets it; each test makes a database of its own), and are skipped otherwise.
@Suite(.serialized) struct ClusterTests {
    static let adminURL = ProcessInfo.processInfo.environment["SFN_TEST_POSTGRES_URL"]

    /// A new, empty database, and its URL.
    static func freshDatabase() async throws -> String {
        let admin = try #require(adminURL)
        let name = "sfn_test_\(UInt32.random(in: .min ... .max))"
        let psql = try #require(findExecutable("psql"), "psql is needed to create the test database")
        let created = try await runProcess(psql, [admin, "-q", "-c", "CREATE DATABASE \(name)"])
        #expect(created.status == 0, "\(created.error)")
        var url = try #require(URLComponents(string: admin))
        url.path = "/\(name)"
        return try #require(url.string)
    }

    static func node(_ url: String, _ name: String, lease: Duration = .seconds(2)) async throws -> (StepFunctionsService, PostgresStore) {
        let store = try await PostgresStore.open(PostgresStoreOptions(url: url, nodeId: name, leaseDuration: lease))
        let service = try StepFunctionsService(store: store)
        service.joinCluster()
        return (service, store)
    }

    /// What a second node says of an execution, once it has caught up.
    static func seen(_ service: StepFunctionsService, _ arn: String, status: String) async throws -> JSON {
        for _ in 0..<500 {
            if let described = try? await service.handle("DescribeExecution", ["executionArn": .string(arn)]),
                described["status"]?.stringValue == status
            {
                return described
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await call(service, "DescribeExecution", ["executionArn": .string(arn)])
    }

    /// Nodes pass changes to each other as JSON: every kind reads back as it was written.
    @Test func everyChangeReadsBackFromItsJSON() throws {
        let revision = StoredRevision(definitionText: Definitions.pass, roleArn: "arn:aws:iam::1:role/r", revisionId: "r1", updateDate: 5)
        let machine = StoredMachine(
            arn: machinePrefix + "m", name: "m", type: "STANDARD", revision: revision, logging: "{}", tracing: "{}", creationDate: 1,
            sequence: 4097, nextVersion: 2)
        let event = HistoryEvent(
            id: 2, previousEventId: 1, timestamp: 9, type: "PassStateEntered", detailsKey: "stateEnteredEventDetails",
            details: ["name": "P", "input": "{}"])
        let changes: [StoreChange] = [
            .putMachine(machine), .deleteMachine(machine.arn),
            .putVersion(
                StoredVersion(
                    arn: machine.arn + ":1", machineArn: machine.arn, number: 1, revision: revision, description: "d", creationDate: 2)),
            .deleteVersion(machine.arn + ":1"),
            .putAlias(
                StoredAlias(
                    arn: machine.arn + ":live", machineArn: machine.arn, name: "live", description: nil, routing: "[]", creationDate: 1,
                    updateDate: 2, sequence: 3)),
            .deleteAlias(machine.arn + ":live"), .putTags(resource: machine.arn, tags: [(key: "k", value: "v")]),
            .putActivity(StoredActivity(arn: "arn:aws:states:us-east-1:1:activity:a", name: "a", creationDate: 1, sequence: 2)),
            .deleteActivity("arn:aws:states:us-east-1:1:activity:a"),
            .putExecution(
                StoredExecution(
                    arn: executionPrefix + "m:e", name: "e", machine: machine, revision: revision, inputText: #"{"a": 1}"#, startDate: 3,
                    versionArn: nil, aliasArn: nil, sequence: 8193, redriveToken: "t", testCase: nil)),
            .appendEvent(execution: executionPrefix + "m:e", event: event),
            .putCallback(token: "sfn1.x", outcome: #"{"execution":"e","output":"1"}"#, date: 7),
            .forgetExecutions([executionPrefix + "m:e"]), .forgetCallbacks(before: 7),
            .requestStop(execution: executionPrefix + "m:e", error: "E", cause: nil), .heartbeat(token: "sfn1.x"),
            .offerActivityTask(activity: "arn:aws:states:us-east-1:1:activity:a", token: "sfn1.x", execution: "e", input: "{}"),
            .activityStarted(activity: "arn:aws:states:us-east-1:1:activity:a", token: "sfn1.x", worker: nil),
        ]
        for change in changes {
            let json = change.json
            let read = try #require(StoreChange(json: try JSON(parsing: json.compactText)), "\(json.compactText)")
            #expect(read.json == json)
        }
        #expect(StoreChange(json: ["change": "putMachine", "record": "not a machine"]) == nil)
        #expect(StoreChange(json: ["change": "somethingElse"]) == nil)
    }

    /// `--store` URLs as libpq spells them; anything else is refused with the reason, and the
    /// password never appears in a message.
    @Test func storeURLs() throws {
        let url = try PostgresURL("postgres://sfn:s%40cret@db.internal:6432/work")
        #expect(url.host == "db.internal" && url.port == 6432 && url.user == "sfn" && url.password == "s@cret" && url.database == "work")
        let socket = try PostgresURL("postgresql://sfn@/work?host=/var/run/postgresql")
        #expect(socket.socket == "/var/run/postgresql/.s.PGSQL.5432" && socket.host == nil)
        #expect(try PostgresURL("postgres://sfn@db").database == "sfn")
        #expect(PostgresURL.redacted("postgres://sfn:secret@db/x") == "postgres://sfn:***@db/x")
        for bad in ["mysql://db/x", "postgres:///x", "postgres://db/x?sslmode=require", "not a url"] {
            #expect(throws: StoreError.self, "\(bad)") { try PostgresURL(bad) }
        }
        #expect(throws: StoreError.self) { try PostgresURL("postgres://u:secret@db/x?sslmode=verify-full") }
        do {
            _ = try PostgresURL("mysql://u:secret@db/x")
        } catch {
            #expect(!error.message.contains("secret"))
        }
    }

    /// Events reach a mirror in the order their owner stored them, which concurrent branches may
    /// swap: the mirror keeps id order, each event once.
    @Test func mirroredEventsStayInIdOrderEachOnce() {
        func event(_ id: Int) -> HistoryEvent { HistoryEvent(id: id, previousEventId: id - 1, timestamp: 0, type: "T\(id)") }
        let merged = StepFunctionsService.merge([event(1), event(2)], [event(4), event(3), event(2), event(5)])
        #expect(merged.map(\.id) == [1, 2, 3, 4, 5])
        #expect(StepFunctionsService.merge([event(1), event(3)], [event(2)]).map(\.id) == [1, 2, 3])
        #expect(StepFunctionsService.merge([], [event(2), event(1)]).map(\.id) == [1, 2])
    }

    @Test(.enabled(if: adminURL != nil)) func eitherNodeServesTheWholeAPI() async throws {
        let url = try await Self.freshDatabase()
        let (first, firstStore) = try await Self.node(url, "first")
        let (second, secondStore) = try await Self.node(url, "second")
        defer {
            firstStore.close()
            secondStore.close()
        }
        // A machine made on one node runs on the other; its execution is seen on both.
        let machine = try await createMachine(first, "approvals", Definitions.callback)
        let execution = try await startExecution(second, machine, input: #"{"order": "A-1"}"#, name: "asking")
        let token = try #require(try await scheduledToken(second, execution))
        #expect(try await Self.seen(first, execution, status: "RUNNING")["name"] == "asking")
        // The callback reaches the node that runs the task through the other one.
        _ = try await call(first, "SendTaskSuccess", ["taskToken": .string(token), "output": #"{"approved": true}"#])
        let done = try await finished(second, execution)
        #expect(done["status"] == "SUCCEEDED")
        #expect(done["output"] == #"{"approved":true}"#)
        let mirrored = try await Self.seen(first, execution, status: "SUCCEEDED")
        #expect(mirrored["output"] == done["output"])
        let history = try await call(second, "GetExecutionHistory", ["executionArn": .string(execution)])
        #expect(try await call(first, "GetExecutionHistory", ["executionArn": .string(execution)]) == history)
        // A second callback for the same task is refused, as the running node refuses it.
        let again = await failure(second, "SendTaskSuccess", ["taskToken": .string(token), "output": "{}"])
        #expect(again?.type == "TaskTimedOut")
        let elsewhere = await failure(first, "SendTaskSuccess", ["taskToken": .string(token), "output": "{}"])
        #expect(elsewhere != nil)

        // StopExecution through the node that does not run it.
        let waits = try await createMachine(second, "waits", Definitions.longWait)
        let sleeping = try await startExecution(second, waits, name: "sleeping")
        _ = try await Self.seen(first, sleeping, status: "RUNNING")
        _ = try await call(first, "StopExecution", ["executionArn": .string(sleeping), "cause": "enough"])
        let stopped = try await Self.seen(second, sleeping, status: "ABORTED")
        #expect(stopped["cause"] == "enough")
        #expect(try await Self.seen(first, sleeping, status: "ABORTED")["cause"] == "enough")
        // Listing from either node shows each execution once.
        let listed = try await call(first, "ListExecutions", ["stateMachineArn": .string(waits)])["executions"]?.arrayValue ?? []
        #expect(listed.count == 1)
        #expect(first.health().healthy && second.health().healthy)
        // Each node counts the live leases when it renews its own (three times a lease).
        var metrics = first.metricsText()
        for _ in 0..<250 where !metrics.contains("sfn_cluster_live_nodes 2") {
            try await Task.sleep(for: .milliseconds(20))
            metrics = first.metricsText()
        }
        #expect(metrics.contains("sfn_cluster_live_nodes 2"))
        #expect(metrics.contains("sfn_cluster_lease_held 1"))
    }

    @Test(.enabled(if: adminURL != nil)) func aFencedNodeNeverWritesAgainAndItsExecutionsAreTakenOver() async throws {
        let url = try await Self.freshDatabase()
        // The first node renews every 20 s (not again within this test); its lease is then cut
        // short as if it had paused.
        let (first, firstStore) = try await Self.node(url, "paused", lease: .seconds(60))
        let machine = try await createMachine(first, "waits", #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":2,"End":true}}}"#)
        let execution = try await startExecution(first, machine, name: "sleeping")
        #expect(firstStore.owns(execution))
        let psql = try #require(findExecutable("psql"))
        let expired = try await runProcess(
            psql, [url, "-q", "-c", "UPDATE sfn_nodes SET lease_until = now() - interval '1 second' WHERE id = 'paused'"])
        #expect(expired.status == 0, "\(expired.error)")

        // Another node takes the execution over and runs it to its end.
        let (second, secondStore) = try await Self.node(url, "taker", lease: .seconds(1))
        defer { secondStore.close() }
        let done = try await Self.seen(second, execution, status: "SUCCEEDED")
        #expect(done["status"] == "SUCCEEDED")
        #expect(secondStore.status().takeovers == 1)
        let events = try await call(second, "GetExecutionHistory", ["executionArn": .string(execution)])["events"]?.arrayValue ?? []
        #expect(events.compactMap { $0["id"]?.intValue } == Array(1...events.count))
        #expect(events.compactMap { $0["type"]?.stringValue }.filter { $0 == "ExecutionStarted" }.count == 1)

        // The paused node's next write is refused: its epoch changed under it.
        await #expect(throws: StoreError.self) {
            firstStore.save([.putTags(resource: machine, tags: [(key: "written", value: "by the fenced node")])])
            try await firstStore.commit()
        }
        // The write itself found out (no renewal came between), and the node lost its lease.
        #expect(firstStore.status().fencedWrites == 1)
        let tags = try await runProcess(psql, [url, "-At", "-c", "SELECT count(*) FROM sfn_tags"])
        #expect(tags.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        // It joins again under a new lease, and sees the execution as the other node ended it.
        _ = try await Self.seen(first, execution, status: "SUCCEEDED")
        #expect(firstStore.status().leasesLost == 1)
        firstStore.close()
    }
}
