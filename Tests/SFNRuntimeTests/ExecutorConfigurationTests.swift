import Foundation
import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

@Suite struct ExecutorConfigurationTests {
    func writeConfiguration(_ text: String, name: String = "executors.json") throws -> (folder: String, path: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = "\(folder)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (folder, path)
    }

    @Test func parsesEveryExecutorKind() throws {
        let configuration = try ExecutorConfiguration(
            json: try JSON(
                parsing: #"""
                    {"resources": {
                       "arn:aws:lambda:*:*:function:order-*": {"command": ["python3", "fn.py"], "env": {"MODE": "test", "LEVEL": 3}, "cwd": "functions", "timeoutSeconds": 30},
                       "arn:aws:lambda:us-east-1:123456789012:function:pay": {"url": "http://127.0.0.1:3001", "functionName": "pay-local"},
                       "arn:aws:states:::sqs:sendMessage": {"result": {"MessageId": "1"}},
                       "arn:aws:states:::sns:publish": {"error": "SNS.Down", "cause": "offline"}},
                     "functions": {"greet": {"shell": "./greet.sh"}, "count": {"command": "wc -c"}}}
                    """#), baseDirectory: "/srv/app")
        #expect(
            configuration.resources.map(\.pattern) == [
                "arn:aws:lambda:*:*:function:order-*", "arn:aws:lambda:us-east-1:123456789012:function:pay",
                "arn:aws:states:::sqs:sendMessage", "arn:aws:states:::sns:publish",
            ])
        #expect(
            configuration.resources[0].executor
                == .process(
                    command: .arguments(["python3", "fn.py"]), environment: ["MODE": "test", "LEVEL": "3"],
                    workingDirectory: "/srv/app/functions", timeoutSeconds: 30))
        #expect(
            configuration.resources[1].executor
                == .lambdaEndpoint(url: "http://127.0.0.1:3001", functionName: "pay-local", timeoutSeconds: nil))
        #expect(configuration.resources[2].executor == .fixedResult(["MessageId": "1"]))
        #expect(configuration.resources[3].executor == .fixedFailure(StatesError("SNS.Down", cause: "offline")))
        #expect(
            configuration.functions[0].executor
                == .process(
                    command: .shell("./greet.sh"), environment: [:], workingDirectory: "/srv/app", timeoutSeconds: nil))
        #expect(
            configuration.functions[1].executor
                == .process(
                    command: .shell("wc -c"), environment: [:], workingDirectory: "/srv/app", timeoutSeconds: nil))
    }

    @Test func relativeProgramPathsResolveAgainstTheFile() throws {
        let configuration = try ExecutorConfiguration(
            json: ["functions": ["f": ["command": ["./bin/fn", "--flag"]]]], baseDirectory: "/srv/app")
        #expect(
            configuration.functions[0].executor
                == .process(
                    command: .arguments(["/srv/app/bin/fn", "--flag"]), environment: [:], workingDirectory: "/srv/app", timeoutSeconds: nil)
        )
    }

    @Test(arguments: [
        (#"[1]"#, "must be an object with resources"),
        (#"{"resource": {}}"#, "Unknown top-level field 'resource'"),
        (#"{"resources": []}"#, "resources must be an object"),
        (#"{"resources": {"arn:x": 3}}"#, "resources.arn:x must be an object"),
        (#"{"resources": {"arn:x": {}}}"#, "must have one of command, shell, url, result or error"),
        (#"{"resources": {"arn:x": {"command": ["a"], "url": "http://h"}}}"#, "has command and url; give exactly one"),
        (#"{"resources": {"arn:x": {"command": []}}}"#, "non-empty array of strings"),
        (#"{"resources": {"arn:x": {"command": ["a", 1]}}}"#, "must be an array of strings; found number"),
        (#"{"resources": {"arn:x": {"shell": ["a"]}}}"#, "shell must be a non-empty command string"),
        (#"{"resources": {"arn:x": {"command": ["a"], "timeoutSeconds": 0}}}"#, "timeoutSeconds must be a positive number"),
        (#"{"resources": {"arn:x": {"command": ["a"], "env": {"A": []}}}}"#, "env.A must be a string"),
        (#"{"resources": {"arn:x": {"command": ["a"], "cwd": ""}}}"#, "cwd must be a non-empty string"),
        (#"{"resources": {"arn:x": {"command": ["a"], "retries": 2}}}"#, "unknown field 'retries'"),
        (#"{"resources": {"arn:x": {"url": "ftp://host"}}}"#, "must be an http(s) URL"),
        (#"{"resources": {"arn:x": {"error": ""}}}"#, "error must be a non-empty string"),
        (#"{"resources": {"arn:x": {"error": "E", "cause": 1}}}"#, "cause must be a string"),
        (#"{"functions": {"arn:aws:states:::x": {"result": 1}}}"#, "is not a Lambda function name"),
    ])
    func invalidConfigurations(text: String, message: String) throws {
        do {
            _ = try ExecutorConfiguration(json: try JSON(parsing: text))
            Issue.record("expected an error containing \(message)")
        } catch let error as ExecutorConfigurationError {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func unreadableOrMalformedFilesAreClearErrors() throws {
        #expect(throws: ExecutorConfigurationError.self) { try ExecutorConfiguration.load(contentsOf: "/nonexistent/sfn/executors.json") }
        let (folder, path) = try writeConfiguration(#"{"resources": {"#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            _ = try ExecutorConfiguration.load(contentsOf: path)
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.message.contains("not valid"))
        }
    }

    @Test func yamlFilesWork() throws {
        let (folder, path) = try writeConfiguration(
            """
            functions:
              greet:
                command: ["sh", "greet.sh"]
            """, name: "executors.yaml")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configuration = try ExecutorConfiguration.load(contentsOf: path)
        let resolvedFolder = URL(fileURLWithPath: folder).standardizedFileURL.path
        #expect(
            configuration.functions[0].executor
                == .process(
                    command: .arguments(["sh", "greet.sh"]), environment: [:], workingDirectory: resolvedFolder, timeoutSeconds: nil))
    }

    @Test func registryRoutesResourcesAndFunctionsEndToEnd() async throws {
        let (folder, path) = try writeConfiguration(
            #"""
            {"resources": {
               "arn:aws:lambda:*:*:function:double": {"command": ["python3", "double.py"], "cwd": "\#(ExampleFunctions.folder)"},
               "arn:aws:states:::sqs:sendMessage": {"result": {"MessageId": "m-1"}}},
             "functions": {"greet": {"shell": "\#(ExampleFunctions.folder)/greet.sh", "env": {"GREETING": "Welcome"}}}}
            """#)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let registry = try ExecutorConfiguration.load(contentsOf: path).makeRegistry()
        let definition = #"""
            {"StartAt":"Double","States":{
              "Double":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:double","ResultPath":"$.doubled","Next":"DoubleViaInvoke"},
              "DoubleViaInvoke":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"double","Payload.$":"$.doubled"},
                "ResultSelector":{"value.$":"$.Payload.value"},"ResultPath":"$.again","Next":"Greet"},
              "Greet":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:111111111111:function:greet:$LATEST","Payload":{"name":"Ada"}},
                "ResultSelector":{"greeting.$":"$.Payload.greeting"},"ResultPath":"$.greet","Next":"Send"},
              "Send":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"q","MessageBody":"b"},"ResultPath":"$.sent","End":true}}}
            """#
        let result = try await runWorkflow(definition, input: ["value": 2]) { $0.executors = registry }
        #expect(result.status == .succeeded)
        #expect(
            result.output == [
                "value": 2, "doubled": ["value": 4], "again": ["value": 8], "greet": ["greeting": "Welcome, Ada!"],
                "sent": ["MessageId": "m-1"],
            ])
    }

    @Test func fixedFailureIsCatchable() async throws {
        let registry = try ExecutorConfiguration(json: [
            "resources": ["arn:aws:states:::sns:publish": ["error": "SNS.Down", "cause": "offline"]]
        ])
        .makeRegistry()
        let definition = #"""
            {"StartAt":"P","States":{"P":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"Message":"m"},
              "Catch":[{"ErrorEquals":["SNS.Down"],"Next":"C"}],"End":true},"C":{"Type":"Pass","End":true}}}
            """#
        let result = try await runWorkflow(definition) { $0.executors = registry }
        #expect(result.output == ["Error": "SNS.Down", "Cause": "offline"])
    }

    /// A catch-all resource glob serves `lambda:invoke` as a function, its result in Lambda's
    /// Payload shape; function names may be globs; an exact route for the integration's resource
    /// still answers as written.
    @Test func globsServeFunctionsInLambdasShape() async throws {
        let definition = #"""
            {"StartAt":"Invoke","States":{
              "Invoke":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"order-create","Payload":{"n":1}},"End":true}}}
            """#
        let anyResource = try ExecutorConfiguration(json: ["resources": ["*": ["result": ["made": true]]]]).makeRegistry()
        let wrapped = try await runWorkflow(definition) { $0.executors = anyResource }
        #expect(wrapped.output?["Payload"] == ["made": true], "\(String(describing: wrapped.output))")
        #expect(wrapped.output?["StatusCode"] == 200)

        let named = try ExecutorConfiguration(json: ["functions": ["order-*": ["result": ["by": "glob"]], "*": ["result": ["by": "any"]]]])
            .makeRegistry()
        #expect(try await runWorkflow(definition) { $0.executors = named }.output?["Payload"] == ["by": "glob"])

        let integration = try ExecutorConfiguration(json: ["resources": ["arn:aws:states:::lambda:invoke": ["result": ["raw": 1]]]])
            .makeRegistry()
        #expect(try await runWorkflow(definition) { $0.executors = integration }.output == ["raw": 1])
        let task = TaskRoute(state: "Invoke", resource: "arn:aws:states:::lambda:invoke", functionName: "order-create")
        #expect(integration.serves(task, region: "us-east-1", accountId: "111111111111") == true)
        #expect(named.serves(task, region: "us-east-1", accountId: "111111111111") == true)
        #expect(
            ExecutorConfiguration(resources: [], functions: []).makeRegistry().serves(task, region: "us-east-1", accountId: "1") == false)
    }
}
