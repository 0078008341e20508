import Foundation
import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

/// Where the repository's example functions live, found from this file's location.
enum ExampleFunctions {
    static let folder: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/functions").path

    static func path(_ name: String) -> String { "\(folder)/\(name)" }
}

func taskRequest(
    _ input: JSON, resource: String = "arn:aws:lambda:us-east-1:111111111111:function:fn", stateName: String = "Task"
) -> TaskRequest {
    TaskRequest(resource: resource, input: input, stateName: stateName)
}

/// Runs `body` and returns the StatesError it throws (nil when it succeeds).
func failure(of body: () async throws(StatesError) -> JSON) async -> StatesError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

@Suite struct ExecutorProcessTests {
    @Test func pythonFunctionDoublesItsInput() async throws {
        let executor = ProcessExecutor(arguments: ["python3", ExampleFunctions.path("double.py")])
        let result = try await executor.execute(taskRequest(["value": 21]))
        #expect(result == ["value": 42])
    }

    @Test func programsInheritNoDescriptorButTheirPipes() async throws {
        // A descriptor without close-on-exec, as SwiftNIO's listening socket is: a task program
        // must not hold it (a killed server's orphaned programs kept its port bound).
        let open = Foundation.open("/dev/null", O_RDONLY)
        #expect(open >= 0)
        let kept = dup2(open, 250)
        defer {
            close(open)
            close(kept)
        }
        let executor = ProcessExecutor(shell: #"ls /proc/self/fd | tr '\n' ' ' | sed 's/^/"/; s/ *$/"/'"#)
        let listed = try await executor.execute(taskRequest(.emptyObject))
        let descriptors = Set((listed.stringValue ?? "").split(separator: " ").compactMap { Int($0) })
        #expect(!descriptors.contains(250), "the program holds sfn's descriptor: \(listed)")
        #expect(descriptors.isSubset(of: [0, 1, 2, 3]), "\(listed)")
    }

    @Test func shellFunctionSeesEnvironmentAndWorkingDirectory() async throws {
        let executor = ProcessExecutor(
            shell: "./greet.sh", environment: ["GREETING": "Howdy"], workingDirectory: ExampleFunctions.folder)
        let result = try await executor.execute(taskRequest(["name": "Ada"]))
        #expect(result == ["greeting": "Howdy, Ada!"])
    }

    @Test func lambdaErrorDocumentOnStdoutBecomesTheFailure() async {
        let executor = ProcessExecutor(arguments: ["python3", ExampleFunctions.path("double.py")])
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(taskRequest(["value": "x"])) }
        #expect(error?.error == "ValueError")
        // The cause is the document as the function printed it, like Lambda's.
        #expect(error?.cause == #"{"errorMessage": "value must be a number, got \"x\"", "errorType": "ValueError"}"#)
    }

    @Test func lambdaErrorDocumentOnStderrAfterLogLines() async {
        let executor = ProcessExecutor(
            shell: #"echo 'starting' >&2; echo '{"errorType":"Boom","errorMessage":"bad"}' >&2; exit 1"#)
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(taskRequest(.emptyObject)) }
        #expect(error == StatesError("Boom", cause: #"{"errorType":"Boom","errorMessage":"bad"}"#))
    }

    @Test func errorDocumentWithoutTypeIsLambdaUnknown() async {
        let executor = ProcessExecutor(shell: #"echo '{"errorMessage":"no type"}'; exit 1"#)
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(taskRequest(.emptyObject)) }
        #expect(error?.error == "Lambda.Unknown")
        #expect(error?.cause == #"{"errorMessage":"no type"}"#)
    }

    @Test func crashWithoutDocumentReportsExitStatusAndStderrTail() async throws {
        let executor = ProcessExecutor(shell: "echo 'Traceback: something broke' >&2; exit 3")
        let error = try #require(
            await failure { () async throws(StatesError) -> JSON in try await executor.execute(taskRequest(.emptyObject)) })
        #expect(error.error == "Runtime.ExitError")
        let cause = try JSON(parsing: try #require(error.cause))
        #expect(cause["errorType"] == "Runtime.ExitError")
        #expect(cause["errorMessage"] == "Runtime exited with error: exit status 3")
        #expect(cause["stderr"] == "Traceback: something broke")
    }

    @Test func killedBySignal() async throws {
        let executor = ProcessExecutor(shell: "kill -9 $$")
        let error = try #require(
            await failure { () async throws(StatesError) -> JSON in try await executor.execute(taskRequest(.emptyObject)) })
        #expect(error.error == "Runtime.ExitError")
        #expect(try JSON(parsing: error.cause ?? "")["errorMessage"] == "Runtime exited with error: signal: killed")
    }

    @Test func garbageOutputIsAMarshalError() async throws {
        let executor = ProcessExecutor(shell: "echo 'this is not json'")
        let error = try #require(
            await failure { () async throws(StatesError) -> JSON in try await executor.execute(taskRequest(.emptyObject)) })
        #expect(error.error == "Runtime.MarshalError")
        #expect(error.cause?.contains("this is not json") == true)
    }

    @Test func emptyOutputIsNull() async throws {
        let executor = ProcessExecutor(shell: "cat > /dev/null")
        #expect(try await executor.execute(taskRequest(["a": 1])) == .null)
    }

    @Test func scalarOutputsPassThrough() async throws {
        let executor = ProcessExecutor(shell: "cat")
        for value: JSON in [0, 1.5, "text", true, [1, 2], ["nested": ["deep": [nil]]]] {
            #expect(try await executor.execute(taskRequest(value)) == value)
        }
    }

    @Test func timeoutKillsTheWholeProcessGroup() async throws {
        // The background sleep holds stdout open: only killing the group lets the pipes close.
        let executor = ProcessExecutor(shell: "sleep 30 & sleep 30", timeoutSeconds: 0.5)
        let started = Date()
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(taskRequest(.emptyObject)) }
        #expect(error?.name == StatesErrorName.timeout)
        #expect(Date().timeIntervalSince(started) < 25)  // the program itself sleeps 30 s
    }

    @Test func cancellationKillsTheProcess() async throws {
        let executor = ProcessExecutor(shell: "sleep 30")
        let started = Date()
        let task = Task { try await executor.execute(taskRequest(.emptyObject)) }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        _ = await task.result
        #expect(Date().timeIntervalSince(started) < 25)  // the program itself sleeps 30 s
    }

    @Test func largeOutputAndUnreadInputDoNotDeadlock() async throws {
        // 2 MB out, far beyond a pipe buffer, while ignoring a 1 MB input.
        let executor = ProcessExecutor(
            arguments: ["python3", "-c", "import json; print(json.dumps({'data': 'x' * 2000000}))"], timeoutSeconds: 60)
        let input: JSON = ["blob": .string(String(repeating: "y", count: 1_000_000))]
        let result = try await executor.execute(taskRequest(input))
        #expect(result["data"]?.stringValue?.count == 2_000_000)
    }

    @Test func largeInputIsDeliveredWhole() async throws {
        let executor = ProcessExecutor(arguments: [
            "python3", "-c", "import json,sys; print(json.dumps(len(json.load(sys.stdin)['blob'])))",
        ])
        let input: JSON = ["blob": .string(String(repeating: "y", count: 3_000_000))]
        #expect(try await executor.execute(taskRequest(input)) == 3_000_000)
    }

    @Test func missingProgramIsAnInvalidEntrypoint() async {
        let executor = ProcessExecutor(arguments: ["definitely-not-a-program-sfn"])
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(taskRequest(.emptyObject)) }
        #expect(error?.error == "Runtime.InvalidEntrypoint")
        #expect(error?.cause?.contains("definitely-not-a-program-sfn") == true)
    }

    @Test func manyConcurrentProcesses() async throws {
        let executor = ProcessExecutor(shell: "cat")
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask { try await executor.execute(taskRequest(["i": .int(index)])) == ["i": .int(index)] }
            }
            for try await matched in group { #expect(matched) }
        }
    }

    @Test func workflowTaskServedByAProcessEndToEnd() async throws {
        let resource = "arn:aws:lambda:us-east-1:111111111111:function:double"
        let definition = #"""
            {"StartAt":"Double","States":{
              "Double":{"Type":"Task","Resource":"\#(resource)","InputPath":"$.payload","ResultPath":"$.doubled","Next":"Again"},
              "Again":{"Type":"Task","Resource":"\#(resource)","InputPath":"$.doubled","ResultSelector":{"final.$":"$.value"},"End":true}}}
            """#
        let executor = ProcessExecutor(arguments: ["python3", ExampleFunctions.path("double.py")])
        let result = try await runWorkflow(definition, input: ["payload": ["value": 5]]) {
            $0.executors.register(resource, executor)
        }
        #expect(result.status == .succeeded)
        #expect(result.output == ["final": 20])
    }

    @Test func workflowCatchesAProcessFailure() async throws {
        let resource = "arn:aws:lambda:us-east-1:111111111111:function:double"
        let definition = #"""
            {"StartAt":"Double","States":{
              "Double":{"Type":"Task","Resource":"\#(resource)","Catch":[{"ErrorEquals":["ValueError"],"Next":"Handled"}],"End":true},
              "Handled":{"Type":"Pass","End":true}}}
            """#
        let executor = ProcessExecutor(arguments: ["python3", ExampleFunctions.path("double.py")])
        let result = try await runWorkflow(definition, input: ["value": "nope"]) { $0.executors.register(resource, executor) }
        #expect(result.status == .succeeded)
        #expect(result.output?["Error"] == "ValueError")
    }
}
