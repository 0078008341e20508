import Foundation
import SFNJSON
import SFNLanguage
import SFNTestSupport
import Testing

@testable import SFNRuntime

/// A small Lambda Invoke endpoint on a free loopback port, served by Python's http.server:
/// `echo` returns its event, `fail` and `untyped` raise function errors, `slow` sleeps, anything
/// else is not found.
final class FakeLambdaEndpoint: @unchecked Sendable {
    private static let script = #"""
        import json, sys, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, body, headers=()):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                event = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                parts = self.path.split("/")
                name = parts[3] if len(parts) > 4 and parts[1] == "2015-03-31" and parts[4] == "invocations" else None
                if name == "echo":
                    self.send(200, event)
                elif name == "fail":
                    self.send(200, json.dumps({"errorMessage": "boom", "errorType": "ValueError", "stackTrace": []}),
                              [("X-Amz-Function-Error", "Unhandled")])
                elif name == "untyped":
                    self.send(200, '{"errorMessage":"Task timed out after 3.00 seconds"}', [("X-Amz-Function-Error", "Unhandled")])
                elif name == "slow":
                    time.sleep(5)
                    self.send(200, "{}")
                elif name == "garbage":
                    self.send(200, "<html>")
                else:
                    self.send(404, json.dumps({"Type": "User", "Message": "Function not found: " + str(name)}),
                              [("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/"),
                               ("x-amzn-RequestId", "req-1")])

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    private let process = Process()
    let baseURL: String

    init() async throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let port = await readPipe(output, until: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard Int(port) != nil else {
            kill(process.processIdentifier, SIGKILL)
            throw StatesError("TestSetup", cause: "the fake endpoint did not start")
        }
        baseURL = "http://127.0.0.1:\(port)"
    }

    deinit {
        // SIGKILL: the test runner's signal setup can leave SIGTERM without effect on children.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite struct ExecutorHTTPTests {
    let endpoint: FakeLambdaEndpoint

    init() async throws {
        endpoint = try await FakeLambdaEndpoint()
    }

    func request(_ function: String, _ input: JSON) -> TaskRequest {
        taskRequest(input, resource: "arn:aws:lambda:us-east-1:111111111111:function:\(function)")
    }

    /// No FunctionName or Resource can split the request: names outside Lambda's pattern fail
    /// before anything is sent, as Lambda's own validation fails them.
    @Test(arguments: ["echo\r\nX-Injected: 1", "echo%0D%0AX-Injected:%201", "echo/../admin", "echo me", String(repeating: "a", count: 65)])
    func functionNamesOutsideLambdasPatternAreRefused(name: String) async throws {
        let executor = LambdaHTTPExecutor(baseURL: endpoint.baseURL, functionName: name)
        do {
            _ = try await executor.execute(request("echo", ["a": 1]))
            Issue.record("the request was sent")
        } catch {
            #expect(error.error == "Lambda.AWSLambdaException")
            #expect(error.cause?.contains("failed to satisfy constraint") == true)
        }
    }

    @Test func aDecodedPathNeverReachesTheRequestLine() async throws {
        // %0D%0A stays encoded on the wire: the fake endpoint sees one request for a function it
        // does not know, not a second request line.
        do {
            _ = try await PlainHTTPClient.post(
                endpoint.baseURL + "/2015-03-31/functions/a%0D%0AHost:%20evil/invocations", headers: [], body: [], timeoutSeconds: 5)
        } catch {
            Issue.record("\(error)")
        }
        await #expect(throws: PlainHTTPClient.Failure.self) {
            try await PlainHTTPClient.post(endpoint.baseURL + "/x", headers: [("X-Bad", "a\r\nInjected: 1")], body: [], timeoutSeconds: 5)
        }
    }

    @Test func invokesTheNamedFunction() async throws {
        let executor = LambdaHTTPExecutor(baseURL: endpoint.baseURL)
        #expect(try await executor.execute(request("echo", ["a": [1, 2]])) == ["a": [1, 2]])
    }

    @Test func configuredFunctionNameOverridesTheResource() async throws {
        let executor = LambdaHTTPExecutor(baseURL: endpoint.baseURL + "/", functionName: "echo")
        #expect(try await executor.execute(request("anything", "text")) == "text")
    }

    @Test func functionErrorUsesTheBodysErrorType() async {
        let executor = LambdaHTTPExecutor(baseURL: endpoint.baseURL)
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(request("fail", .emptyObject)) }
        #expect(error == StatesError("ValueError", cause: #"{"errorMessage": "boom", "errorType": "ValueError", "stackTrace": []}"#))
    }

    @Test func functionErrorWithoutTypeIsLambdaUnknown() async {
        let executor = LambdaHTTPExecutor(baseURL: endpoint.baseURL)
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(request("untyped", .emptyObject)) }
        #expect(error == StatesError("Lambda.Unknown", cause: #"{"errorMessage":"Task timed out after 3.00 seconds"}"#))
    }

    @Test func missingFunctionIsResourceNotFound() async {
        let executor = LambdaHTTPExecutor(baseURL: endpoint.baseURL)
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(request("nope", .emptyObject)) }
        #expect(error?.error == "Lambda.ResourceNotFoundException")
        #expect(
            error?.cause
                == "Function not found: nope (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: req-1; Proxy: null)"
        )
    }

    @Test func nonJSONResponseIsAMarshalError() async {
        let executor = LambdaHTTPExecutor(baseURL: endpoint.baseURL)
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(request("garbage", .emptyObject)) }
        #expect(error?.error == "Runtime.MarshalError")
    }

    @Test func slowFunctionTimesOut() async {
        let executor = LambdaHTTPExecutor(baseURL: endpoint.baseURL, timeoutSeconds: 0.5)
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(request("slow", .emptyObject)) }
        #expect(error?.name == StatesErrorName.timeout)
    }

    @Test func unreachableEndpointIsAClientError() async {
        // Port 9 (discard) is closed on a test machine's loopback.
        let executor = LambdaHTTPExecutor(baseURL: "http://127.0.0.1:9")
        let error = await failure { () async throws(StatesError) -> JSON in try await executor.execute(request("echo", .emptyObject)) }
        #expect(error?.error == "Lambda.SdkClientException")
    }

    @Test func invokeIntegrationThroughTheEndpoint() async throws {
        let router = LambdaRouter(functions: ["echo": LambdaHTTPExecutor(baseURL: endpoint.baseURL)])
        let output = try await router.execute(
            TaskRequest(resource: "arn:aws:states:::lambda:invoke", input: ["FunctionName": "echo", "Payload": ["k": "v"]], stateName: "S"))
        #expect(output["Payload"] == ["k": "v"])
        #expect(output["SdkHttpMetadata"]?["HttpHeaders"]?["Content-Length"] == "9")

        let failing = LambdaRouter(functions: ["fail": LambdaHTTPExecutor(baseURL: endpoint.baseURL)])
        let error = await failure { () async throws(StatesError) -> JSON in
            try await failing.execute(
                TaskRequest(resource: "arn:aws:states:::lambda:invoke", input: ["FunctionName": "fail"], stateName: "S"))
        }
        #expect(error == StatesError("ValueError", cause: #"{"errorMessage":"boom","errorType":"ValueError","stackTrace":[]}"#))
    }
}
