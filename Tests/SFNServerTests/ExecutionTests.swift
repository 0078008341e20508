import Foundation
import SFNJSON
import SFNRuntime
import SFNServer
import SFNTestSupport
import Testing

@Suite struct ExecutionOperationTests {
    @Test func executionRunsAndDescribes() async throws {
        let service = StepFunctionsService()
        let machine = try await createMachine(service, "echo", Definitions.pass)
        let started = try await call(
            service, "StartExecution", ["stateMachineArn": .string(machine), "name": "first", "input": #"{"a":1}"#])
        #expect(started["executionArn"]?.stringValue == executionPrefix + "echo:first")
        #expect(started["startDate"]?.doubleValue != nil)
        let description = try await finished(service, executionPrefix + "echo:first")
        #expect(description["status"] == "SUCCEEDED")
        #expect(description["output"] == #"{"a":1}"#)
        #expect(description["input"] == #"{"a":1}"#)
        #expect(description["name"] == "first")
        #expect(description["stateMachineArn"]?.stringValue == machine)
        #expect(description["stopDate"]?.doubleValue != nil)

        let duplicate = await failure(service, "StartExecution", ["stateMachineArn": .string(machine), "name": "first", "input": "{}"])
        #expect(duplicate?.type == "ExecutionAlreadyExists")

        let forExecution = try await call(
            service, "DescribeStateMachineForExecution", ["executionArn": .string(executionPrefix + "echo:first")])
        #expect(forExecution["definition"]?.stringValue == Definitions.pass)
    }

    @Test func stopAbortsAndListsFilterByStatus() async throws {
        let service = StepFunctionsService()
        let machine = try await createMachine(service, "sleepy", Definitions.longWait)
        let sleeping = try await startExecution(service, machine, name: "sleeping")
        let stopped = try await startExecution(service, machine, name: "stopped")
        // Repeating a start of a running execution (same name, same input) is idempotent.
        #expect(try await startExecution(service, machine, name: "sleeping") == sleeping)
        let stop = try await call(service, "StopExecution", ["executionArn": .string(stopped), "error": "Manual", "cause": "test"])
        #expect(stop["stopDate"]?.doubleValue != nil)
        #expect(try await finished(service, stopped)["status"] == "ABORTED")
        #expect(service.runningExecutionArns == [sleeping])

        let all = try await call(service, "ListExecutions", ["stateMachineArn": .string(machine)])
        #expect(all["executions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["stopped", "sleeping"])
        let running = try await call(service, "ListExecutions", ["stateMachineArn": .string(machine), "statusFilter": "RUNNING"])
        #expect(running["executions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["sleeping"])
        let badFilter = await failure(service, "ListExecutions", ["stateMachineArn": .string(machine), "statusFilter": "SLEEPING"])
        #expect(badFilter?.type == "ValidationException")
        _ = try await call(service, "StopExecution", ["executionArn": .string(sleeping)])
    }

    @Test func historyPagesForwardAndBackward() async throws {
        let service = StepFunctionsService()
        let machine = try await createMachine(service, "hist", Definitions.pass)
        let execution = try await startExecution(service, machine, input: #"{"secret":1}"#)
        _ = try await finished(service, execution)

        let full = try await call(service, "GetExecutionHistory", ["executionArn": .string(execution)])
        let types = full["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue }
        #expect(types == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"])
        #expect(full["events"]?[0]?["timestamp"]?.doubleValue != nil)
        #expect(full["nextToken"] == nil)

        let first = try await call(service, "GetExecutionHistory", ["executionArn": .string(execution), "maxResults": 3])
        #expect(first["events"]?.arrayValue?.count == 3)
        let token = try #require(first["nextToken"]?.stringValue)
        let rest = try await call(
            service, "GetExecutionHistory", ["executionArn": .string(execution), "maxResults": 3, "nextToken": .string(token)])
        #expect(rest["events"]?.arrayValue?.compactMap { $0["id"]?.intValue } == [4])

        let reversed = try await call(service, "GetExecutionHistory", ["executionArn": .string(execution), "reverseOrder": true])
        #expect(reversed["events"]?.arrayValue?.compactMap { $0["id"]?.intValue } == [4, 3, 2, 1])

        let withoutData = try await call(
            service, "GetExecutionHistory", ["executionArn": .string(execution), "includeExecutionData": false])
        #expect(withoutData["events"]?[0]?["executionStartedEventDetails"]?["input"] == nil)
        #expect(full["events"]?[0]?["executionStartedEventDetails"]?["input"] == #"{"secret":1}"#)
    }
}

@Suite struct CallbackOperationTests {
    @Test func taskTokenCallbackSucceedsOnce() async throws {
        let service = StepFunctionsService()
        let machine = try await createMachine(service, "approval", Definitions.callback)
        let execution = try await startExecution(service, machine, input: #"{"order":"A-1"}"#)
        let token = try #require(try await scheduledToken(service, execution))
        #expect(try await call(service, "DescribeExecution", ["executionArn": .string(execution)])["status"] == "RUNNING")

        _ = try await call(service, "SendTaskSuccess", ["taskToken": .string(token), "output": #"{"approved":true}"#])
        let description = try await finished(service, execution)
        #expect(description["status"] == "SUCCEEDED")
        #expect(description["output"] == #"{"approved":true}"#)

        let again = await failure(service, "SendTaskSuccess", ["taskToken": .string(token), "output": "{}"])
        #expect(again?.type == "TaskTimedOut")
    }

    @Test func taskTokenFailureFailsTheExecution() async throws {
        let service = StepFunctionsService()
        let machine = try await createMachine(service, "approval", Definitions.callback)
        let execution = try await startExecution(service, machine, input: #"{"order":"A-2"}"#)
        let token = try #require(try await scheduledToken(service, execution))
        let badOutput = await failure(service, "SendTaskSuccess", ["taskToken": .string(token), "output": "{nope"])
        #expect(badOutput?.type == "InvalidOutput")
        _ = try await call(service, "SendTaskHeartbeat", ["taskToken": .string(token)])
        _ = try await call(service, "SendTaskFailure", ["taskToken": .string(token), "error": "Rejected", "cause": "too expensive"])
        let description = try await finished(service, execution)
        #expect(description["status"] == "FAILED")
        #expect(description["error"] == "Rejected")
        #expect(description["cause"] == "too expensive")
    }

    @Test func activityWorkerCompletesTheTask() async throws {
        let service = StepFunctionsService(activityPollSeconds: 5)
        let created = try await call(service, "CreateActivity", ["name": "worker"])
        let activity = try #require(created["activityArn"]?.stringValue)
        #expect(activity == "arn:aws:states:us-east-1:111111111111:activity:worker")
        #expect(try await call(service, "CreateActivity", ["name": "worker"])["activityArn"]?.stringValue == activity)
        #expect(try await call(service, "DescribeActivity", ["activityArn": .string(activity)])["name"] == "worker")
        #expect(try await call(service, "ListActivities", [:])["activities"]?.arrayValue?.count == 1)

        let machine = try await createMachine(service, "work", Definitions.activity)
        let execution = try await startExecution(service, machine, input: #"{"job":7}"#)
        let task = try await call(service, "GetActivityTask", ["activityArn": .string(activity), "workerName": "w1"])
        #expect(task["input"] == #"{"job":7}"#)
        let token = try #require(task["taskToken"]?.stringValue)
        _ = try await call(service, "SendTaskSuccess", ["taskToken": .string(token), "output": #"{"done":7}"#])
        let description = try await finished(service, execution)
        #expect(description["status"] == "SUCCEEDED")
        #expect(description["output"] == #"{"done":7}"#)
        // ActivityStarted is written when the worker takes the task, with its name.
        let events = try #require(
            try await call(service, "GetExecutionHistory", ["executionArn": .string(execution)])["events"]?.arrayValue)
        let scheduled = try #require(events.first { $0["type"] == "ActivityScheduled" })
        let started = try #require(events.first { $0["type"] == "ActivityStarted" })
        let succeeded = try #require(events.first { $0["type"] == "ActivitySucceeded" })
        #expect(started["activityStartedEventDetails"]?["workerName"] == "w1")
        #expect(started["previousEventId"] == scheduled["id"])
        #expect(succeeded["previousEventId"] == started["id"])

        _ = try await call(service, "DeleteActivity", ["activityArn": .string(activity)])
        #expect(await failure(service, "DescribeActivity", ["activityArn": .string(activity)])?.type == "ActivityDoesNotExist")
    }

    @Test func idleActivityPollReturnsNoTask() async throws {
        let service = StepFunctionsService(activityPollSeconds: 0.2)
        let activity = try #require(try await call(service, "CreateActivity", ["name": "idle"])["activityArn"]?.stringValue)
        let started = Date()
        let task = try await call(service, "GetActivityTask", ["activityArn": .string(activity)])
        #expect(task == [:])
        #expect(Date().timeIntervalSince(started) >= 0.15)
    }

    @Test func activityWithoutHeartbeatTimesOut() async throws {
        let service = StepFunctionsService(activityPollSeconds: 5)
        let activity = try #require(try await call(service, "CreateActivity", ["name": "worker"])["activityArn"]?.stringValue)
        let machine = try await createMachine(service, "beats", Definitions.activityWithHeartbeat)
        let execution = try await startExecution(service, machine)
        // Heartbeats are due only once a worker has the task: waiting in the queue is not late.
        try await Task.sleep(nanoseconds: 1_500_000_000)
        #expect(try await call(service, "DescribeExecution", ["executionArn": .string(execution)])["status"] == "RUNNING")
        let token = try #require(try await call(service, "GetActivityTask", ["activityArn": .string(activity)])["taskToken"]?.stringValue)
        let description = try await finished(service, execution)
        #expect(description["status"] == "FAILED")
        #expect(description["error"] == "States.HeartbeatTimeout")
        let late = await failure(service, "SendTaskSuccess", ["taskToken": .string(token), "output": "{}"])
        #expect(late?.type == "TaskTimedOut")
    }
}

@Suite struct ActivityQueueTests {
    @Test func waitingWorkerGetsTheNextTask() async throws {
        let queue = ActivityQueue()
        async let polled = queue.poll("arn:a", timeoutSeconds: 5)
        try await Task.sleep(nanoseconds: 50_000_000)
        queue.enqueue(ActivityTask(taskToken: "t1", input: ["n": 1]), for: "arn:a")
        #expect(await polled == ActivityTask(taskToken: "t1", input: ["n": 1]))
    }

    @Test func withdrawnTasksAreNotHandedOut() async {
        let queue = ActivityQueue()
        queue.enqueue(ActivityTask(taskToken: "t1", input: [:]), for: "arn:a")
        queue.enqueue(ActivityTask(taskToken: "t2", input: [:]), for: "arn:a")
        queue.withdraw(token: "t1", from: "arn:a")
        #expect(queue.pendingCount(for: "arn:a") == 1)
        #expect(await queue.poll("arn:a", timeoutSeconds: 1)?.taskToken == "t2")
        #expect(await queue.poll("arn:b", timeoutSeconds: 0.05) == nil)
    }

    @Test func cancelledPollReturnsNil() async {
        let queue = ActivityQueue()
        let poll = Task { await queue.poll("arn:a", timeoutSeconds: 30) }
        poll.cancel()
        #expect(await poll.value == nil)
    }
}

@Suite struct ShutdownTests {
    @Test func stoppingReleasesLongPollingWorkers() async throws {
        let service = StepFunctionsService(activityPollSeconds: 60)
        let activity = try #require(try await call(service, "CreateActivity", ["name": "slow"])["activityArn"]?.stringValue)
        let server = try await RunningServer.start(
            router: StepFunctionsRoutes.router(service: service), onShutdown: { service.activities.releaseWaitingWorkers() })
        let curl = try #require(findExecutable("curl"))
        let poll = Task {
            try await runProcess(
                curl,
                [
                    "-s", "http://127.0.0.1:\(server.port)/", "-H", "X-Amz-Target: AWSStepFunctions.GetActivityTask", "-d",
                    #"{"activityArn":"\#(activity)"}"#,
                ])
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        let started = Date()
        await server.stop()
        let answer = try await poll.value
        #expect(answer.output == "{}")
        // The poll would otherwise hold the server for its 60 s; the bound leaves room for a
        // wait for a thread of the cooperative pool, which the other tests keep busy.
        #expect(Date().timeIntervalSince(started) < 30)
    }
}

@Suite struct SyncShutdownTests {
    @Test func stoppingAnswersASyncExecutionWaitingOnAToken() async throws {
        // StartSyncExecution of a callback task nobody answers: shutting down must not wait forever.
        let service = StepFunctionsService()
        let definition =
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"f","Payload":{"token.$":"$$.Task.Token"}},"End":true}}}"#
        let machine = try await createMachine(service, "waits", definition, type: "STANDARD")
        let server = try await RunningServer.start(
            router: StepFunctionsRoutes.router(service: service),
            onShutdown: { service.stopRunningExecutions(cause: "shut down") })
        let curl = try #require(findExecutable("curl"))
        let execution = Task {
            try await runProcess(
                curl,
                [
                    "-s", "http://127.0.0.1:\(server.port)/", "-H", "X-Amz-Target: AWSStepFunctions.StartExecution", "-d",
                    #"{"stateMachineArn":"\#(machine)"}"#,
                ])
        }
        _ = try await execution.value
        try await Task.sleep(for: .milliseconds(200))
        #expect(service.runningExecutionArns.count == 1)
        let started = Date()
        await server.stop()
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(service.runningExecutionArns.isEmpty)
    }
}

@Suite struct VirtualTimeTests {
    @Test func virtualClockExecutionsStartNowAndSkipWaits() async throws {
        let service = StepFunctionsService(configuration: .virtualTime(startingAt: 1_000))
        let machine = try await createMachine(service, "sleepy", Definitions.longWait)
        let before = Date().timeIntervalSince1970
        let execution = try await startExecution(service, machine)
        let description = try await finished(service, execution)
        #expect(description["status"] == "SUCCEEDED")
        let start = try #require(description["startDate"]?.doubleValue)
        let stop = try #require(description["stopDate"]?.doubleValue)
        #expect(start >= before - 1)
        #expect(stop - start == 3600)
    }
}

@Suite struct ConcurrencyTests {
    @Test func longPollDoesNotBlockOtherClients() async throws {
        // Four polls wait 10 s for work; a list asked meanwhile must not wait for them. The bound
        // leaves room for a wait for a pool thread that other tests keep busy.
        let service = StepFunctionsService(activityPollSeconds: 10)
        let activity = try #require(try await call(service, "CreateActivity", ["name": "patient"])["activityArn"]?.stringValue)
        let server = try await RunningServer.start(router: StepFunctionsRoutes.router(service: service))
        let curl = try #require(findExecutable("curl"))
        let url = "http://127.0.0.1:\(server.port)/"
        let polls = (0..<4).map { _ in
            Task {
                try await runProcess(
                    curl, ["-s", url, "-H", "X-Amz-Target: AWSStepFunctions.GetActivityTask", "-d", #"{"activityArn":"\#(activity)"}"#])
            }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        let started = Date()
        let listed = try await runProcess(curl, ["-s", url, "-H", "X-Amz-Target: AWSStepFunctions.ListActivities", "-d", "{}"])
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(listed.output.contains(activity))
        for poll in polls { #expect(try await poll.value.output == "{}") }
        await server.stop()
    }
}

/// One client's hostile numbers fail that client's execution, and the server goes on serving.
@Suite struct HostileInputServerTests {
    @Test(arguments: [
        (#"{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.n","End":true}}}"#, "States.Runtime"),
        (
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:us-east-1:111111111111:activity:worker","TimeoutSecondsPath":"$.n","End":true}}}"#,
            "States.Runtime"
        ),
    ])
    func hugeNumbersInTheInputFailTheExecutionOnly(definition: String, error: String) async throws {
        let service = StepFunctionsService()
        let machine = try await createMachine(service, "hostile", definition)
        let execution = try await startExecution(service, machine, input: #"{"n":9223372036854775807}"#)
        let description = try await finished(service, execution)
        #expect(description["status"] == "FAILED")
        #expect(description["error"]?.stringValue == error)
        // The server still runs other executions.
        let echo = try await createMachine(service, "echo", Definitions.pass)
        let next = try await startExecution(service, echo, input: #"{"ok":true}"#)
        #expect(try await finished(service, next)["status"] == "SUCCEEDED")
    }
}
