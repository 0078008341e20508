import Foundation
import SFNJSON
import SFNTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sfn run` end to end, through the built executable.
@Suite struct RunCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var executable: String? {
        for configuration in ["debug", "release"] {
            let path = root.appendingPathComponent(".build/\(configuration)/sfn").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func sfn(_ arguments: [String], definition: String? = nil) async throws -> Outcome? {
        guard let executable = Self.executable else {
            Issue.record("the sfn executable is not built (swift test builds it; run swift build first)")
            return nil
        }
        var arguments = arguments
        var file: URL?
        if let definition {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-run-\(UUID().uuidString).json")
            try definition.write(to: url, atomically: true, encoding: .utf8)
            arguments.insert(url.path, at: 1)
            file = url
        }
        defer { if let file { try? FileManager.default.removeItem(at: file) } }
        let run = try await runProcess(executable, arguments)
        return Outcome(status: run.status, stdout: run.output, stderr: run.error)
    }

    @Test func succeededPrintsOutputAndExitsZero() async throws {
        guard
            let outcome = try await sfn(
                ["run", "--input-json", #"{"a":1}"#],
                definition: #"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"b":2},"ResultPath":"$.r","End":true}}}"#)
        else { return }
        #expect(outcome.status == 0)
        #expect(try JSON(parsing: outcome.stdout) == ["a": 1, "r": ["b": 2]])
    }

    @Test func failedTimedOutAndUsageHaveTheirOwnExitCodes() async throws {
        guard
            let failed = try await sfn(["run"], definition: #"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom","Cause":"why"}}}"#)
        else { return }
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("error: Boom"))
        #expect(failed.stderr.contains("cause: why"))
        #expect(failed.stdout.isEmpty)
        let timedOut = try await sfn(
            ["run", "--virtual-time"],
            definition: #"{"TimeoutSeconds":1,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"End":true}}}"#)
        #expect(timedOut?.status == 3)
        let usage = try await sfn(["run", "/no/such/file.json"])
        #expect(usage?.status == 2)
        let invalid = try await sfn(["run"], definition: #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}"#)
        #expect(invalid?.status == 2)
        #expect(invalid?.stderr.contains("/States/A/Next") == true)
    }

    @Test func typeExpressRunsAsAnExpressMachine() async throws {
        let echo = #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"id.$":"$$.Execution.Id"},"End":true}}}"#
        guard let express = try await sfn(["run", "--type", "EXPRESS", "--name", "e1"], definition: echo) else { return }
        #expect(express.status == 0)
        #expect(express.stdout.contains(":express:"))
        let callback =
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","End":true}}}"#
        let refused = try await sfn(["run", "--type", "EXPRESS"], definition: callback)
        #expect(refused?.status == 2)
        #expect(refused?.stderr.contains("Express state machine does not support '.waitForTaskToken' service integration") == true)
    }

    @Test func oneAccountForTheTemplateAndTheExecution() async throws {
        // The template's pseudo parameters and the execution's own ARNs name the same account.
        let template = """
            {"Resources":{"M":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"Definition":{"StartAt":"A","States":{
              "A":{"Type":"Pass","Parameters":{"fromTemplate":{"Fn::Sub":"${AWS::Region}:${AWS::AccountId}"},
                "machine.$":"$$.StateMachine.Id"},"End":true}}}}}}}
            """
        guard let outcome = try await sfn(["run", "--region", "eu-west-2", "--account", "222233334444"], definition: template) else {
            return
        }
        #expect(outcome.status == 0)
        let output = try JSON(parsing: outcome.stdout)
        #expect(output["fromTemplate"] == "eu-west-2:222233334444")
        #expect(output["machine"] == "arn:aws:states:eu-west-2:222233334444:stateMachine:M")
        let defaults = try await sfn(["run"], definition: template)
        #expect(try JSON(parsing: defaults?.stdout ?? "")["fromTemplate"] == "us-east-1:111111111111")
        let bad = try await sfn(["run", "--account", "12"], definition: template)
        #expect(bad?.status == 2)
    }

    @Test func aCallbackNobodyCanAnswerIsRefusedUpFront() async throws {
        let callback =
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}"#
        guard let refused = try await sfn(["run"], definition: callback) else { return }
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--callback-port"))
    }

    @Test func servingBeyondLoopbackNeedsAccessKeys() async throws {
        guard let refused = try await sfn(["serve", "--host", "0.0.0.0", "--port", "0"]) else { return }
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--access-key"))
        let malformed = try await sfn(["serve", "--access-key", "no-colon", "--port", "0"])
        #expect(malformed?.status == 2)
    }

    @Test func interruptingARunKillsItsTaskPrograms() async throws {
        // Task programs run in process groups of their own, out of reach of the terminal's Ctrl-C:
        // sfn run kills them on its way out.
        guard let executable = Self.executable else { return }
        // A sleep with a duration no other process has, so pgrep finds only this one.
        let marker = "sleep 3600.\(UInt32.random(in: 1..<UInt32.max))"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-orphan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let definition = folder.appendingPathComponent("slow.json")
        try #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:slow","End":true}}}"#
            .write(to: definition, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("config.json")
        try #"{"functions":{"slow":{"shell":"exec \#(marker)"}}}"#.write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", definition.path, "--config", config.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        func running() async -> Bool {
            (try? await runProcess("/usr/bin/pgrep", ["-f", marker]))?.status == 0
        }
        var started = await running()
        for _ in 0..<100 where !started {
            try await Task.sleep(for: .milliseconds(50))
            started = await running()
        }
        #expect(started, "the task program did not start")
        kill(process.processIdentifier, SIGINT)
        for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            Issue.record("sfn run did not end on SIGINT")
            kill(process.processIdentifier, SIGKILL)
        }
        _ = await finish(process)
        #expect(process.terminationStatus == 128 + SIGINT)
        try await Task.sleep(for: .milliseconds(300))
        let outlived = await running()
        #expect(!outlived, "the task program outlived sfn run")
    }

    @Test func jsonResultAlwaysPrintsOneObject() async throws {
        guard
            let outcome = try await sfn(
                ["run", "--result", "json", "--history"], definition: #"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}"#)
        else { return }
        let report = try JSON(parsing: outcome.stdout)
        #expect(report["status"] == "FAILED")
        #expect(report["error"] == "E")
        #expect(report["cause"] == .null)
        #expect(report["history"]?.arrayValue?.first?["type"] == "ExecutionStarted")
    }

    @Test(arguments: [
        ("HappyPath", "CONFIRMED"), ("FlakyPaymentService", "CONFIRMED"), ("CardDeclined", "CANCELLED"),
    ])
    func mockConfigurationServesTheTestCase(testCase: String, state: String) async throws {
        let workflow = Self.root.appendingPathComponent("workflows/order-processing").path
        guard
            let outcome = try await sfn([
                "run", workflow + ".asl.json", "--input", workflow + ".input.json", "--virtual-time", "--result", "json",
                "--mock-config", Self.root.appendingPathComponent("examples/mocks/mocks.json").path, "--test-case", testCase,
            ])
        else { return }
        let report = try JSON(parsing: outcome.stdout)
        #expect(report["status"] == "SUCCEEDED")
        #expect(report["output"]?["state"] == .string(state))
    }

    @Test func configRoutesAResourceToALocalProgram() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("sfn.json")
        let double = Self.root.appendingPathComponent("examples/functions/double.py").path
        try #"{"functions":{"double":{"command":["python3","\#(double)"]}}}"#.write(to: config, atomically: true, encoding: .utf8)
        guard
            let outcome = try await sfn(
                ["run", "--input-json", #"{"value":21}"#, "--config", config.path, "--result", "json"],
                definition:
                    #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:double","End":true}}}"#
            )
        else { return }
        let report = try JSON(parsing: outcome.stdout)
        #expect(report["status"] == "SUCCEEDED", "\(outcome.stdout) \(outcome.stderr)")
        #expect(report["output"] == ["value": 42])
    }

    @Test func callbackPortCompletesAWaitingTask() async throws {
        guard let executable = Self.executable else {
            Issue.record("the sfn executable is not built")
            return
        }
        let definition = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-callback-\(UUID().uuidString).json")
        try
            #"{"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"token.$":"$$.Task.Token"},"End":true}}}"#
            .write(to: definition, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: definition) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", definition.path, "--callback-port", "0", "--result", "json"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read stderr until the token line appears.
        let announced = await readPipe(errors, until: "curl -X POST", deadline: Date().addingTimeInterval(20))
        if !announced.contains("curl -X POST") { process.terminate() }
        let line = try #require(announced.split(separator: "\n").first { $0.contains("curl -X POST") }, "stderr so far: \(announced)")
        let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") })
        var request = URLRequest(url: try #require(URL(string: String(url))))
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"approved":true}"#.utf8)
        _ = try await URLSession.shared.data(for: request)
        let (stdout, _) = await finish(process, output: output, errors: errors)
        let report = try JSON(parsing: stdout)
        #expect(report["status"] == "SUCCEEDED")
        #expect(report["output"] == ["approved": true])
    }
}

@Suite struct ValidateJSONataPositionTests {
    @Test func pointsAtTheCharacterInsideTheExpression() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-jsonata-\(UUID().uuidString).json")
        try """
        {
          "QueryLanguage": "JSONata",
          "StartAt": "A",
          "States": {
            "A": {"Type": "Pass", "Output": {"x": "{% $states.input.a + %}"}, "End": true}
          }
        }
        """.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        guard let executable = RunCommandTests.executable else {
            Issue.record("the sfn executable is not built")
            return
        }
        let validated = try await runProcess(executable, ["validate", url.path])
        let text = validated.output
        #expect(validated.status == 1)
        // Line 5: the string opens at column 43, the expression at column 46; it ends too early,
        // so the problem is its last character (column 64, the blank before `%}`).
        #expect(text.contains(":5:64: error[INVALID_JSONATA_EXPRESSION]"), "\(text)")
    }
}
