import Foundation
import SFNJSON
import SFNTestSupport
import Testing

/// The first half hour with `sfn run`: the traps a newcomer meets, each shut.
@Suite struct NewcomerTests {
    let runner = RunCommandTests()

    func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-newcomer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func helpAndVersionAnswerOnStandardOutput() async throws {
        guard let help = try await runner.sfn(["run", "--help"]) else { return }
        #expect(help.status == 0)
        #expect(help.stdout.contains("--mock-config"))
        #expect(help.stdout.contains("--parameter"))
        guard let version = try await runner.sfn(["--version"]) else { return }
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    /// A Task nothing serves is refused before the run (a Catch on States.ALL would otherwise
    /// swallow the mistake), with the configuration lines that route it; those lines work.
    @Test func anUnroutedTaskIsRefusedWithTheConfigurationThatRoutesIt() async throws {
        let definition = #"""
            {"StartAt":"Ship","States":{
              "Ship":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:ship","Next":"Notify",
                      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}]},
              "Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"Message":"sent"},"Next":"Done"},
              "Done":{"Type":"Succeed"}}}
            """#
        guard let refused = try await runner.sfn(["run"], definition: definition) else { return }
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("2 Task states have nothing to run them"))
        #expect(refused.stderr.contains("state 'Ship': arn:aws:lambda:us-east-1:111111111111:function:ship"))
        #expect(refused.stderr.contains("  ship: {command: [python3, ship.py]}"))
        #expect(refused.stderr.contains(#"  "arn:aws:states:::sns:publish": {result: {}}"#))

        // The suggested lines, as written, route both Tasks.
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = refused.stderr.split(separator: "\n").filter {
            $0 == "functions:" || $0 == "resources:" || $0.hasPrefix("  ship:") || $0.hasPrefix("  \"arn:")
        }
        let config = folder.appendingPathComponent("sfn.yaml")
        try lines.joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
        try #"import json, sys; print(json.dumps({"shipped": json.load(sys.stdin)}))"#.write(
            to: folder.appendingPathComponent("ship.py"), atomically: true, encoding: .utf8)
        guard let routed = try await runner.sfn(["run", "--config", config.path, "--result", "json"], definition: definition) else {
            return
        }
        let report = try JSON(parsing: routed.stdout)
        #expect(report["status"] == "SUCCEEDED", "\(routed.stdout) \(routed.stderr)")

        // --allow-unrouted runs anyway: the Task fails when it runs, with States.Runtime, which
        // no Catch takes.
        guard let anyway = try await runner.sfn(["run", "--allow-unrouted", "--result", "json"], definition: definition) else { return }
        let failed = try JSON(parsing: anyway.stdout)
        #expect(failed["status"] == "FAILED")
        #expect(failed["error"] == "States.Runtime")
        #expect(failed["cause"]?.stringValue?.contains("--config FILE") == true)
    }

    @Test func aMissingFileStillGivesOneJSONObject() async throws {
        guard let outcome = try await runner.sfn(["run", "/nonexistent/machine.json", "--result", "json"]) else { return }
        #expect(outcome.status == 2)
        let report = try JSON(parsing: outcome.stdout)
        #expect(report["status"] == "USAGE_ERROR")
        #expect(report["cause"]?.stringValue?.contains("/nonexistent/machine.json") == true)
    }

    static let template = """
        AWSTemplateFormatVersion: '2010-09-09'
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Greeting: {Type: String}
          Stage: {Type: String}
        Resources:
          Outer:
            Type: AWS::Serverless::StateMachine
            Properties:
              Definition:
                StartAt: Call
                States:
                  Call:
                    Type: Task
                    Resource: arn:aws:states:::states:startExecution.sync:2
                    Parameters:
                      StateMachineArn: !Ref Inner
                      Input: {who: world}
                    OutputPath: $.Output
                    End: true
          Inner:
            Type: AWS::Serverless::StateMachine
            Properties:
              StateMachineName: inner-greeter
              Definition:
                StartAt: Greet
                States:
                  Greet:
                    Type: Pass
                    Parameters:
                      text.$: !Sub "States.Format('${Greeting}, {}! (${Stage})', $.who)"
                    End: true
        """

    /// Template parameters come from --parameter and --parameters; a sibling state machine of
    /// the same template is there for states:startExecution.
    @Test func parametersAndSiblingMachinesOfATemplate() async throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = folder.appendingPathComponent("template.yaml")
        try Self.template.write(to: template, atomically: true, encoding: .utf8)

        guard let missing = try await runner.sfn(["run", template.path, "--state-machine", "Outer"]) else { return }
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("Greeting"), "\(missing.stderr)")

        let file = folder.appendingPathComponent("parameters.json")
        try #"[{"ParameterKey": "Greeting", "ParameterValue": "Hello"}, {"ParameterKey": "Stage", "ParameterValue": "file"}]"#.write(
            to: file, atomically: true, encoding: .utf8)
        guard
            let outcome = try await runner.sfn([
                "run", template.path, "--state-machine", "Outer", "--parameters", file.path, "--parameter", "Stage=dev", "--result",
                "json",
            ])
        else { return }
        let report = try JSON(parsing: outcome.stdout)
        #expect(report["status"] == "SUCCEEDED", "\(outcome.stdout) \(outcome.stderr)")
        #expect(report["output"] == ["text": "Hello, world! (dev)"])
    }

    /// Ctrl-C says where the run was instead of ending without a word.
    @Test func anInterruptedRunSaysWhichExecutionItStopped() async throws {
        guard let executable = RunCommandTests.executable else { return }
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("nap.json")
        try #"{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":30,"End":true}}}"#.write(
            to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", file.path, "--name", "napping"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(700))
        kill(process.processIdentifier, SIGINT)
        let text = String(decoding: await finish(process, errors: errors).errors, as: UTF8.self)
        #expect(process.terminationStatus == 128 + SIGINT)
        #expect(text.contains("interrupted: execution napping stopped"), "\(text)")
    }
}
