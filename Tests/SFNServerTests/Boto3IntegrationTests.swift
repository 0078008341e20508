import Foundation
import SFNJSON
import SFNLanguage
import SFNRuntime
import SFNServer
import SFNTestSupport
import Testing

/// Whether python3 with boto3 is available; the boto3 test is skipped (and says so) without it.
private let python: String? = {
    guard let python3 = findExecutable("python3") else { return nil }
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: python3)
    probe.arguments = ["-c", "import boto3"]
    probe.standardOutput = FileHandle.nullDevice
    probe.standardError = FileHandle.nullDevice
    do {
        try probe.run()
        probe.waitUntilExit()
    } catch {
        return nil
    }
    return probe.terminationStatus == 0 ? python3 : nil
}()

@Suite struct Boto3IntegrationTests {
    @Test(.enabled(if: python != nil, "python3 with boto3 is not installed: the real-AWS-client test is skipped"))
    func realAWSClientDrivesTheServer() async throws {
        let service = StepFunctionsService(activityPollSeconds: 10)
        let server = try await RunningServer.start(router: StepFunctionsRoutes.router(service: service))
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-boto3-\(UUID().uuidString).py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }

        var environment = ProcessInfo.processInfo.environment
        environment["SFN_ENDPOINT"] = "http://127.0.0.1:\(server.port)"
        environment["AWS_ACCESS_KEY_ID"] = "test"
        environment["AWS_SECRET_ACCESS_KEY"] = "test"
        environment["AWS_DEFAULT_REGION"] = "us-east-1"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        let run = try await runProcess(python ?? "python3", [script.path], environment: environment)
        await server.stop()

        #expect(run.status == 0, "boto3 script failed:\n\(run.output)\n\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        for step in ["created", "token-callback", "history", "activity", "errors", "paging"] {
            #expect(lines.contains("ok \(step)"), "missing step \(step):\n\(run.output)\n\(run.error)")
        }
    }

    /// Every one of the 37 operations, through boto3 and (when installed) the AWS CLI, each answer
    /// checked against AWS's own service model: `Tests/API/all-operations.py`.
    @Test(.enabled(if: python != nil, "python3 with boto3 is not installed: the real-AWS-client test is skipped"))
    func everyOperationAnswersAsAWSsModelSays() async throws {
        var configuration = RuntimeConfiguration()
        let calls = Locked(0)
        // The function the redrive case needs: it fails its first call only.
        configuration.executors.register(
            "arn:aws:lambda:us-east-1:111111111111:function:flaky",
            ClosureExecutor { (_: TaskRequest) in
                let call = calls.withLock { count in
                    count += 1
                    return count
                }
                if call == 1 { throw StatesError("Flaky", cause: "the first call fails") }
                return ["ok": true]
            })
        let service = StepFunctionsService(configuration: configuration, activityPollSeconds: 10)
        let server = try await RunningServer.start(router: StepFunctionsRoutes.router(service: service))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("API/all-operations.py").path
        var environment = ProcessInfo.processInfo.environment
        environment["SFN_ENDPOINT"] = "http://127.0.0.1:\(server.port)"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        let cli = findExecutable("aws") != nil
        if !cli { environment["SFN_SKIP_CLI"] = "1" }
        let run = try await runProcess(python ?? "python3", [script], environment: environment)
        await server.stop()
        #expect(run.status == 0, "all-operations.py failed:\n\(run.output)\n\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("ok boto3 37"), "\(run.output)\n\(run.error)")
        if cli { #expect(lines.contains("ok cli 37"), "\(run.output)\n\(run.error)") }
    }

    @Test(.enabled(if: python != nil, "python3 with boto3 is not installed: the real-AWS-client test is skipped"))
    func signedRequestsAreVerified() async throws {
        // With access keys configured, only requests signed with one of them are served.
        let service = StepFunctionsService()
        let verifier = SignatureV4Verifier(secrets: ["AKIDSFNTEST": "s3cret/with+chars"])
        let server = try await RunningServer.start(router: StepFunctionsRoutes.router(service: service, verifier: verifier))
        let script = #"""
            import os, sys, boto3, json, urllib.request
            from botocore.exceptions import ClientError
            endpoint = os.environ["SFN_ENDPOINT"]
            def client(key, secret):
                return boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
                                    aws_access_key_id=key, aws_secret_access_key=secret)
            good = client("AKIDSFNTEST", "s3cret/with+chars")
            good.create_state_machine(name="signed", roleArn="arn:aws:iam::111111111111:role/r",
                definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
            print("ok signed", len(good.list_state_machines()["stateMachines"]))
            for key, secret, expected in [("AKIDSFNTEST", "wrong", "InvalidSignatureException"),
                                          ("AKIDUNKNOWN", "x", "UnrecognizedClientException")]:
                try:
                    client(key, secret).list_state_machines()
                    print("accepted", key, secret)
                except ClientError as error:
                    print("refused", error.response["Error"]["Code"] == expected, error.response["Error"]["Code"])
            request = urllib.request.Request(endpoint + "/", data=b"{}", method="POST",
                headers={"X-Amz-Target": "AWSStepFunctions.ListStateMachines", "Content-Type": "application/x-amz-json-1.0"})
            try:
                urllib.request.urlopen(request)
                print("accepted unsigned")
            except urllib.error.HTTPError as error:
                print("unsigned", error.code)
            """#
        var environment = ProcessInfo.processInfo.environment
        environment["SFN_ENDPOINT"] = "http://127.0.0.1:\(server.port)"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        let run = try await runProcess(python ?? "python3", ["-c", script], environment: environment)
        await server.stop()
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "ok signed 1", "\(run.output)\n\(run.error)")
        #expect(lines.filter { $0.hasPrefix("refused True") }.count == 2, "\(run.output)\n\(run.error)")
        #expect(lines.contains("unsigned 403"), "\(run.output)\n\(run.error)")
    }

    static let script = #"""
        import json, os, time
        import boto3
        from botocore.exceptions import ClientError

        sfn = boto3.client("stepfunctions", endpoint_url=os.environ["SFN_ENDPOINT"], region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test")
        ROLE = "arn:aws:iam::111111111111:role/test"

        def error_code(call, **kwargs):
            try:
                call(**kwargs)
            except ClientError as error:
                return error.response["Error"]["Code"]
            raise AssertionError("expected an error from %s" % call.__name__)

        def wait_done(arn):
            for _ in range(500):
                described = sfn.describe_execution(executionArn=arn)
                if described["status"] != "RUNNING":
                    return described
                time.sleep(0.02)
            raise AssertionError("execution did not finish")

        callback = {
            "StartAt": "Approve",
            "States": {"Approve": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": "approver", "Payload": {"token.$": "$$.Task.Token", "order.$": "$.order"}},
                "ResultPath": "$.approval", "End": True}}}
        machine = sfn.create_state_machine(name="approval", definition=json.dumps(callback), roleArn=ROLE)["stateMachineArn"]
        assert machine == "arn:aws:states:us-east-1:111111111111:stateMachine:approval", machine
        described = sfn.describe_state_machine(stateMachineArn=machine)
        assert described["status"] == "ACTIVE" and described["name"] == "approval"
        assert hasattr(described["creationDate"], "year")
        print("ok created")

        started = sfn.start_execution(stateMachineArn=machine, name="order-1", input=json.dumps({"order": "A-1"}))
        execution = started["executionArn"]
        assert execution.endswith(":execution:approval:order-1"), execution
        token = None
        for _ in range(500):
            for event in sfn.get_execution_history(executionArn=execution)["events"]:
                if event["type"] == "TaskScheduled":
                    token = json.loads(event["taskScheduledEventDetails"]["parameters"])["Payload"]["token"]
            if token:
                break
            time.sleep(0.02)
        assert token, "no task token in the history"
        assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
        sfn.send_task_heartbeat(taskToken=token)
        sfn.send_task_success(taskToken=token, output=json.dumps({"approved": True}))
        done = wait_done(execution)
        assert done["status"] == "SUCCEEDED", done
        assert json.loads(done["output"]) == {"order": "A-1", "approval": {"approved": True}}, done["output"]
        assert done["stopDate"] >= done["startDate"]
        print("ok token-callback")

        events = sfn.get_execution_history(executionArn=execution)["events"]
        types = [event["type"] for event in events]
        assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded", types
        assert "TaskSucceeded" in types, types
        assert hasattr(events[0]["timestamp"], "year")
        backwards = sfn.get_execution_history(executionArn=execution, reverseOrder=True)["events"]
        assert [event["id"] for event in backwards] == sorted([event["id"] for event in events], reverse=True)
        print("ok history")

        activity = sfn.create_activity(name="packer")["activityArn"]
        worker_machine = sfn.create_state_machine(name="packing", roleArn=ROLE, definition=json.dumps(
            {"StartAt": "Pack", "States": {"Pack": {"Type": "Task", "Resource": activity, "End": True}}}))["stateMachineArn"]
        packing = sfn.start_execution(stateMachineArn=worker_machine, input=json.dumps({"box": 3}))["executionArn"]
        task = sfn.get_activity_task(activityArn=activity, workerName="worker-1")
        assert json.loads(task["input"]) == {"box": 3}, task
        sfn.send_task_failure(taskToken=task["taskToken"], error="Packing.Jammed", cause="the tape ran out")
        failed = wait_done(packing)
        assert failed["status"] == "FAILED" and failed["error"] == "Packing.Jammed" and failed["cause"] == "the tape ran out", failed
        print("ok activity")

        assert error_code(sfn.send_task_success, taskToken="not-a-token", output="{}") == "InvalidToken"
        assert error_code(sfn.send_task_success, taskToken=token, output="{}") == "TaskTimedOut"
        assert error_code(sfn.create_state_machine, name="broken", roleArn=ROLE,
                          definition=json.dumps({"StartAt": "Nowhere", "States": {}})) == "InvalidDefinition"
        assert error_code(sfn.describe_execution,
                          executionArn="arn:aws:states:us-east-1:111111111111:execution:approval:missing") == "ExecutionDoesNotExist"
        assert error_code(sfn.describe_state_machine, stateMachineArn="nonsense") == "InvalidArn"
        assert error_code(sfn.start_execution, stateMachineArn=machine, input="{bad") == "InvalidExecutionInput"
        print("ok errors")

        for number in range(3):
            sfn.start_execution(stateMachineArn=machine, name="page-%d" % number, input=json.dumps({"order": number}))
        first = sfn.list_executions(stateMachineArn=machine, maxResults=2)
        assert len(first["executions"]) == 2 and "nextToken" in first
        rest = sfn.list_executions(stateMachineArn=machine, maxResults=2, nextToken=first["nextToken"])
        names = [item["name"] for item in first["executions"] + rest["executions"]]
        assert names == ["page-2", "page-1", "page-0", "order-1"], names
        for item in first["executions"] + rest["executions"]:
            if item["status"] == "RUNNING":
                sfn.stop_execution(executionArn=item["executionArn"])
        print("ok paging")
        """#
}
