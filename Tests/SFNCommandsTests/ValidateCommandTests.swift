import Foundation
import SFNJSON
import SFNTestSupport
import Testing

@testable import SFNCommands

private let validDefinition = """
    {
      "StartAt": "Hello",
      "States": {
        "Hello": { "Type": "Pass", "Result": "hi", "End": true }
      }
    }
    """

private func run(
    _ files: [String], format: ValidateCommand.OutputFormat = .text, stateMachine: String? = nil, parameters: [String] = []
)
    -> ValidationRun.Outcome
{
    ValidationRun.perform(files: files, format: format, stateMachine: stateMachine, parameterAssignments: parameters)
}

@Suite("sfn validate")
struct ValidateCommandTests {
    @Test func acceptsAValidDefinition() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let file = try folder.write("hello.asl.json", validDefinition)
        let outcome = run([file])
        #expect(outcome.exitCode == 0)
        #expect(outcome.output.contains("\(file): valid"))
        #expect(outcome.output.hasSuffix("1 file checked: 1 valid, 0 invalid (0 errors, 0 warnings)\n"))
        #expect(outcome.errorOutput.isEmpty)
    }

    @Test func reportsSyntaxErrorsWithFileLineAndColumn() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let file = try folder.write("broken.json", "{\n  \"StartAt\": \"A\"\n  \"States\": {}\n}")
        let outcome = run([file])
        #expect(outcome.exitCode == 1)
        #expect(outcome.output.contains("\(file):3:3: error[INVALID_JSON_DESCRIPTION] invalid JSON"))
        #expect(outcome.output.contains("0 valid, 1 invalid (1 error, 0 warnings)"))
    }

    @Test func missingFilesAreUsageErrors() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let valid = try folder.write("ok.json", validDefinition)
        let missing = folder.path + "/nope.json"
        let outcome = run([valid, missing])
        #expect(outcome.exitCode == 2)
        #expect(outcome.errorOutput == "\(missing): error: no such file\n")
        #expect(outcome.output.contains("2 files checked: 1 valid, 0 invalid, 1 could not be checked"))
    }

    @Test func reportsDefinitionProblemsAtTheirLines() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let file = try folder.write(
            "broken.asl.json",
            """
            {
              "StartAt": "First",
              "States": {
                "First": { "Type": "Pass", "Next": "Missing" },
                "Second": { "Type": "Wait", "End": true }
              }
            }
            """)
        let outcome = run([file])
        #expect(outcome.exitCode == 1)
        #expect(
            outcome.output.contains(
                "\(file):4:32: error[MISSING_TRANSITION_TARGET] Missing 'Next' target: Missing (at /States/First/Next)"))
        #expect(outcome.output.contains("\(file):5:5: error[SCHEMA_VALIDATION_FAILED]"))
        #expect(outcome.output.contains("(at /States/Second)"))
        #expect(outcome.output.contains("0 valid, 1 invalid"))
    }

    @Test func reportsYAMLDefinitionProblemsAtTheirLines() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let file = try folder.write(
            "broken.yaml",
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    ResultPath: not a path\n    End: true\n")
        let outcome = run([file], format: .json)
        #expect(outcome.exitCode == 1)
        let diagnostic = try #require(try JSON(parsing: outcome.output)["files"]?[0]?["diagnostics"]?[0])
        #expect(diagnostic["code"] == "SCHEMA_VALIDATION_FAILED")
        #expect(diagnostic["location"] == "/States/A/ResultPath")
        #expect(diagnostic["line"] == 5)
        #expect(diagnostic["column"] == 5)
    }

    @Test func placesTemplateDefinitionProblemsInTheTemplate() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let file = try folder.write(
            "template.yaml",
            """
            Resources:
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Definition:
                    StartAt: Go
                    States:
                      Go:
                        Type: Choice
                        Choices:
                          - Variable: $.x
                            NumericEquals: 1
                            Next: Nowhere
                        Default: Done
                      Done: {Type: Succeed}
            """)
        let outcome = run([file])
        #expect(outcome.exitCode == 1)
        #expect(outcome.output.contains("\(file):13:17: error[MISSING_TRANSITION_TARGET]"))
        #expect(outcome.output.contains("(at /States/Go/Choices[0]/Next)"))
    }

    @Test func acceptsTheExampleWorkflows() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("workflows")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".asl.json") }
        #expect(names.count >= 10)
        let outcome = run(names.sorted().map { folder.appendingPathComponent($0).path })
        #expect(outcome.exitCode == 0, "\(outcome.output)")
        for machine in ["PollingMachine", "GreetingMachine"] {
            let template = run([folder.appendingPathComponent("sam-template.yaml").path], stateMachine: machine)
            #expect(template.exitCode == 0, "\(template.output)")
        }
    }

    @Test func noFilesIsAUsageError() {
        let outcome = run([])
        #expect(outcome.exitCode == 2)
        #expect(outcome.errorOutput.contains("at least one"))
    }

    @Test func rejectsMalformedParameters() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let file = try folder.write("ok.json", validDefinition)
        #expect(run([file], parameters: ["novalue"]).exitCode == 2)
        #expect(run([file], parameters: ["Stage=prod"]).exitCode == 0)
    }

    @Test func writesAJSONReportForTools() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let valid = try folder.write("ok.json", validDefinition)
        let broken = try folder.write("broken.yaml", "StartAt: A\nStates: [unclosed\n")
        let outcome = run([valid, broken], format: .json)
        #expect(outcome.exitCode == 1)
        let report = try JSON(parsing: outcome.output)
        #expect(report["result"] == "FAIL")
        #expect(report["files"]?[0]?["result"] == "OK")
        #expect(report["files"]?[0]?["diagnostics"] == [])
        let diagnostic = try #require(report["files"]?[1]?["diagnostics"]?[0])
        #expect(report["files"]?[1]?["result"] == "FAIL")
        #expect(diagnostic["severity"] == "ERROR")
        #expect(diagnostic["code"] == "INVALID_JSON_DESCRIPTION")
        #expect(diagnostic["line"] == 3)
        #expect(diagnostic["file"] == .string(broken))
    }

    @Test func jsonReportMarksUnusableFiles() throws {
        let outcome = run(["/nonexistent/sfn/x.json"], format: .json)
        #expect(outcome.exitCode == 2)
        let report = try JSON(parsing: outcome.output)
        #expect(report["result"] == "ERROR")
        #expect(report["files"]?[0]?["error"] == "no such file")
    }

    static let template = """
        Resources:
          First:
            Type: AWS::StepFunctions::StateMachine
            Properties:
              Definition:
                StartAt: A
                States:
                  A: {Type: Succeed}
          Second:
            Type: AWS::Serverless::StateMachine
            Properties:
              DefinitionSubstitutions: {Known: value}
              Definition:
                StartAt: B
                States:
                  B: {Type: Pass, Result: "${Known} ${Unknown}", End: true}
        """

    @Test func everyMachineOfATemplateIsCheckedUnlessOneIsChosen() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let file = try folder.write("template.yaml", Self.template)
        let all = run([file])
        #expect(all.exitCode == 0)
        #expect(all.output.contains("\(file) (First): valid"))
        #expect(all.output.contains("\(file) (Second): valid"))
        // One broken machine makes the template invalid, and the report names it.
        let broken = try folder.write("broken.yaml", Self.template.replacingOccurrences(of: "End: true", with: "Next: Nowhere"))
        let failing = run([broken])
        #expect(failing.exitCode == 1)
        #expect(failing.output.contains("\(broken) (First): valid"))
        #expect(failing.output.contains("\(broken) (Second): invalid"))
        let chosen = run([file], stateMachine: "First")
        #expect(chosen.exitCode == 0)
        #expect(chosen.output.contains("\(file) (First): valid"))
    }

    @Test func unresolvedSubstitutionsAreWarnings() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let file = try folder.write("template.yaml", Self.template)
        let outcome = run([file], stateMachine: "Second")
        #expect(outcome.exitCode == 0)
        #expect(outcome.output.contains("\(file):16:27: warning[UNRESOLVED_SUBSTITUTION]"))
        #expect(outcome.output.contains("(at /States/B/Result)"))
        #expect(outcome.output.contains("${Unknown}"))
        #expect(outcome.output.contains("(Second): valid, 0 errors, 1 warning"))
    }

    @Test func definitionsInS3CannotBeChecked() throws {
        let folder = try TemporaryFolder(prefix: "sfn-validate")
        let file = try folder.write(
            "template.json",
            #"{"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionS3Location": {"Bucket": "b", "Key": "k"}}}}}"#
        )
        let outcome = run([file])
        #expect(outcome.exitCode == 1)
        #expect(outcome.output.contains("error[DEFINITION_NOT_LOCAL]"))
        #expect(outcome.output.contains("\(file):1:"))
    }

    @Test func readsStandardInputForADash() {
        let valid = ValidationRun.perform(
            files: ["-"], format: .text, stateMachine: nil, parameterAssignments: [], standardInput: { validDefinition })
        #expect(valid.exitCode == 0)
        #expect(valid.output.contains("-: valid"))
        let broken = ValidationRun.perform(
            files: ["-"], format: .text, stateMachine: nil, parameterAssignments: [], standardInput: { "StartAt: [" })
        #expect(broken.exitCode == 1)
        #expect(broken.output.contains("<stdin>:2:1: error[INVALID_JSON_DESCRIPTION] invalid YAML"))
    }

    @Test func parsesItsCommandLine() throws {
        let command = try ValidateCommand.parse(["a.json", "b.yaml", "--format", "json", "--state-machine", "M", "--parameter", "K=V"])
        #expect(command.files == ["a.json", "b.yaml"])
        #expect(command.format == .json)
        #expect(command.stateMachine == "M")
        #expect(try command.templateParameters.values() == ["K": "V"])
        #expect(throws: (any Error).self) { try ValidateCommand.parse(["a.json", "--format", "xml"]) }
    }
}
