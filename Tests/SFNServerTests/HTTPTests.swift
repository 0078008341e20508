import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SFNJSON
import SFNRuntime
import SFNServer
import SFNTestSupport
import Testing

private func awsHeaders(_ operation: String) -> HTTPFields {
    var headers: HTTPFields = [.contentType: StepFunctionsRoutes.contentType]
    if let target = HTTPField.Name("X-Amz-Target") { headers[target] = "AWSStepFunctions." + operation }
    return headers
}

private func bodyJSON(_ buffer: ByteBuffer) -> JSON? {
    try? JSON(parsing: String(decoding: buffer.readableBytesView, as: UTF8.self))
}

@Suite struct HTTPProtocolTests {
    @Test func operationsAnswerInAWSJSON() async throws {
        let service = StepFunctionsService()
        let app = Application(router: StepFunctionsRoutes.router(service: service))
        try await app.test(.router) { client in
            let create: JSON = ["name": "web", "definition": .string(Definitions.pass), "roleArn": "arn:aws:iam::1:role/r"]
            try await client.execute(
                uri: "/", method: .post, headers: awsHeaders("CreateStateMachine"), body: ByteBuffer(string: create.compactText)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-amz-json-1.0")
                #expect(bodyJSON(response.body)?["stateMachineArn"]?.stringValue == machinePrefix + "web")
            }
            try await client.execute(
                uri: "/", method: .post, headers: awsHeaders("DescribeExecution"),
                body: ByteBuffer(string: #"{"executionArn":"arn:aws:states:us-east-1:111111111111:execution:web:none"}"#)
            ) { response in
                #expect(response.status == .badRequest)
                let error = bodyJSON(response.body)
                #expect(error?["__type"] == "ExecutionDoesNotExist")
                #expect(error?["message"]?.stringValue?.contains("execution:web:none") == true)
            }
        }
    }

    @Test(arguments: [
        ("ListStateMachines", "{", "SerializationException"),
        ("ListStateMachines", "[]", "SerializationException"),
        ("Frobnicate", "{}", "UnknownOperationException"),
        ("", "{}", "UnknownOperationException"),
        ("StartExecution", "{}", "ValidationException"),
    ])
    func malformedRequestsGetAWSErrors(operation: String, body: String, expected: String) async throws {
        let app = Application(router: StepFunctionsRoutes.router(service: StepFunctionsService()))
        try await app.test(.router) { client in
            var headers = awsHeaders(operation)
            if operation.isEmpty, let target = HTTPField.Name("X-Amz-Target") { headers[target] = nil }
            try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                #expect(bodyJSON(response.body)?["__type"]?.stringValue == expected)
            }
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        let app = Application(router: StepFunctionsRoutes.router(service: StepFunctionsService(), maxBodyBytes: 64))
        try await app.test(.router) { client in
            let body = #"{"name":""# + String(repeating: "x", count: 200) + #""}"#
            try await client.execute(uri: "/", method: .post, headers: awsHeaders("CreateActivity"), body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .contentTooLarge)
                #expect(bodyJSON(response.body)?["__type"] == "RequestEntityTooLargeException")
            }
        }
    }

    @Test func restTokenRoutesCompleteCallbacks() async throws {
        let tokens = TaskTokenRegistry()
        let app = Application(router: StepFunctionsRoutes.callbackRouter(callbacks: TaskCallbacks(tokens: tokens)))
        let succeeded = tokens.issue()
        let failed = tokens.issue()
        try await app.test(.router) { client in
            try await client.execute(uri: "/tokens/\(succeeded)/heartbeat", method: .post) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/tokens/\(succeeded)/success", method: .post, body: ByteBuffer(string: #"{"ok":1}"#)) {
                response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/tokens/\(failed)/failure", method: .post, body: ByteBuffer(string: #"{"error":"Nope","cause":"because"}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/tokens/\(succeeded)/success", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(bodyJSON(response.body)?["__type"] == "TaskTimedOut")
            }
            try await client.execute(uri: "/tokens/forged/success", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
                #expect(bodyJSON(response.body)?["__type"] == "InvalidToken")
            }
            try await client.execute(uri: "/tokens/\(tokens.issue())/success", method: .post, body: ByteBuffer(string: "{oops")) {
                response in
                #expect(bodyJSON(response.body)?["__type"] == "InvalidOutput")
            }
            // The protocol route of the callback server only knows the SendTask* operations.
            try await client.execute(uri: "/", method: .post, headers: awsHeaders("ListStateMachines"), body: ByteBuffer(string: "{}")) {
                response in
                #expect(bodyJSON(response.body)?["__type"] == "UnknownOperationException")
            }
        }
        guard case .success(let output)? = await tokens.wait(for: succeeded) else {
            Issue.record("the success callback did not arrive")
            return
        }
        #expect(output == ["ok": 1])
        guard case .failure(let error)? = await tokens.wait(for: failed) else {
            Issue.record("the failure callback did not arrive")
            return
        }
        #expect(error.error == "Nope")
        #expect(error.cause == "because")
    }
}

@Suite struct CallbackServerTests {
    @Test func completesARunningWorkflowOverHTTP() async throws {
        var configuration = RuntimeConfiguration()
        configuration.recordsHistory = false
        let seen = TokenBox()
        configuration.executors.register(
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            ClosureExecutor { request in
                seen.set(request.taskToken)
                return .null
            })
        let runtime = try StateMachineRuntime(
            definition: try JSON(
                parsing:
                    #"{"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}"#
            ),
            configuration: configuration)
        let server = try await CallbackServer.start(tokens: configuration.tokens)
        #expect(server.port > 0)
        let execution = runtime.start()
        var token: String?
        for _ in 0..<500 where token == nil {
            token = seen.value
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        let issued = try #require(token)
        guard let curl = findExecutable("curl") else {
            await server.stop()
            Issue.record("curl is needed for this test")
            return
        }
        let answer = try await runProcess(
            curl, ["-s", "-X", "POST", "http://127.0.0.1:\(server.port)/tokens/\(issued)/success", "-d", #"{"answer":42}"#])
        #expect(answer.output == "{}")
        let result = await execution.result()
        #expect(result.status == .succeeded)
        #expect(result.output == ["answer": 42])
        await server.stop()
    }
}

final class TokenBox: @unchecked Sendable {
    private let lock = NSLock()
    private var token: String?

    func set(_ value: String?) { lock.withLock { token = value } }
    var value: String? { lock.withLock { token } }
}
