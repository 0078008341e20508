import Foundation
import SFNJSON
import SFNLanguage
import SFNTestSupport
import Testing

@testable import SFNRuntime

/// A function that echoes its event, or fails with a Python-style error document when the event
/// asks it to.
private let echoFunction = ClosureExecutor { request in
    if request.input["fail"] == true {
        throw StatesError(
            "CustomException",
            cause:
                #"{"errorMessage": "", "errorType": "CustomException", "requestId": "r-1", "stackTrace": ["  File \"/var/task/handler.py\", line 9"]}"#
        )
    }
    return request.input
}

@Suite struct ExecutorLambdaTests {
    static let context: JSON = [
        "Execution": ["Id": "arn:aws:states:eu-west-2:222222222222:execution:machine:run-1"],
        "State": ["Name": "Start", "EnteredTime": "2024-01-01T00:00:00.000Z"],
    ]

    func invoke(_ router: LambdaRouter, _ parameters: JSON) async throws(StatesError) -> JSON {
        try await router.execute(
            TaskRequest(resource: "arn:aws:states:::lambda:invoke", input: parameters, stateName: "Start", context: Self.context))
    }

    let router = LambdaRouter(functions: ["echo": echoFunction], random: SeededRandom(seed: 3).next)

    @Test func invokeWrapsThePayloadAsAWSDoes() async throws {
        let output = try await invoke(router, ["FunctionName": "echo", "Payload": ["a": 1]])
        let members = try #require(output.objectValue)
        #expect(Array(members.keys) == ["ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode"])
        #expect(output["ExecutedVersion"] == "$LATEST")
        #expect(output["Payload"] == ["a": 1])
        #expect(output["StatusCode"] == 200)
        let metadata = try #require(output["SdkHttpMetadata"])
        #expect(metadata["HttpStatusCode"] == 200)
        #expect(
            Array(try #require(metadata["AllHttpHeaders"]?.objectValue).keys) == [
                "X-Amz-Executed-Version", "x-amzn-Remapped-Content-Length", "Connection", "x-amzn-RequestId", "Content-Length",
                "Date", "X-Amzn-Trace-Id", "Content-Type",
            ])
        #expect(
            Array(try #require(metadata["HttpHeaders"]?.objectValue).keys) == [
                "Connection", "Content-Length", "Content-Type", "Date", "X-Amz-Executed-Version", "x-amzn-Remapped-Content-Length",
                "x-amzn-RequestId", "X-Amzn-Trace-Id",
            ])
        #expect(metadata["HttpHeaders"]?["Content-Length"] == "7")
        #expect(metadata["AllHttpHeaders"]?["Content-Length"] == ["7"])
        #expect(metadata["HttpHeaders"]?["Date"] == "Mon, 01 Jan 2024 00:00:00 GMT")
        let requestId = try #require(output["SdkResponseMetadata"]?["RequestId"]?.stringValue)
        #expect(requestId.count == 36)
        #expect(metadata["HttpHeaders"]?["x-amzn-RequestId"] == .string(requestId))
        #expect(metadata["HttpHeaders"]?["X-Amzn-Trace-Id"]?.stringValue?.hasPrefix("Root=1-65920080-") == true)
    }

    @Test(
        arguments: [
            (JSON.null, JSON.emptyObject),
            ("0", 0),
            ("true", true),
            ("{}", .emptyObject),
            (#""HelloWorld!""#, "HelloWorld!"),
            (["k": "v"], ["k": "v"]),
        ] as [(JSON, JSON)])
    func payloadShapes(payload: JSON, event: JSON) async throws {
        let output = try await invoke(router, ["FunctionName": "echo", "Payload": payload])
        #expect(output["Payload"] == event)
    }

    @Test func missingPayloadIsAnEmptyEvent() async throws {
        #expect(try await invoke(router, ["FunctionName": "echo"])["Payload"] == .emptyObject)
    }

    @Test func unparsableStringPayloadIsInvalidRequestContent() async {
        let error = await failure { () async throws(StatesError) -> JSON in
            try await invoke(router, ["FunctionName": "echo", "Payload": "{oops"])
        }
        #expect(error?.error == "Lambda.InvalidRequestContentException")
    }

    @Test(arguments: [
        "echo", "echo:$LATEST", "echo:prod", "222222222222:function:echo",
        "arn:aws:lambda:eu-west-2:222222222222:function:echo", "arn:aws:lambda:us-east-1:111111111111:function:echo:7",
    ])
    func functionNameSpellings(name: String) async throws {
        let output = try await invoke(router, ["FunctionName": .string(name), "Payload": ["n": 1]])
        #expect(output["Payload"] == ["n": 1])
    }

    @Test func functionErrorUsesErrorTypeAndCompactDocument() async {
        let error = await failure { () async throws(StatesError) -> JSON in
            try await invoke(router, ["FunctionName": "echo", "Payload": ["fail": true]])
        }
        #expect(error?.error == "CustomException")
        #expect(
            error?.cause
                == #"{"errorMessage":"","errorType":"CustomException","requestId":"r-1","stackTrace":["  File \"/var/task/handler.py\", line 9"]}"#
        )
    }

    @Test func functionResourceKeepsTheDocumentAsWritten() async {
        let error = await failure { () async throws(StatesError) -> JSON in
            try await router.execute(
                TaskRequest(resource: "arn:aws:lambda:us-east-1:111111111111:function:echo", input: ["fail": true], stateName: "S"))
        }
        #expect(error?.error == "CustomException")
        #expect(error?.cause?.hasPrefix(#"{"errorMessage": "", "errorType": "CustomException""#) == true)
    }

    @Test func functionResourceReturnsTheRawResult() async throws {
        let result = try await router.execute(
            TaskRequest(resource: "arn:aws:lambda:us-east-1:111111111111:function:echo:live", input: "HelloWorld", stateName: "S"))
        #expect(result == "HelloWorld")
    }

    @Test func unknownFunctionIsResourceNotFound() async throws {
        let error = try #require(
            await failure { () async throws(StatesError) -> JSON in
                try await invoke(router, ["FunctionName": "no_such_fn", "Payload": nil])
            })
        #expect(error.error == "Lambda.ResourceNotFoundException")
        let cause = try #require(error.cause)
        #expect(
            cause.hasPrefix(
                "Function not found: arn:aws:lambda:eu-west-2:222222222222:function:no_such_fn:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: "
            ))
        #expect(cause.hasSuffix("; Proxy: null)"))
    }

    @Test func unknownFunctionResourceIsResourceNotFound() async {
        let error = await failure { () async throws(StatesError) -> JSON in
            try await router.execute(
                TaskRequest(resource: "arn:aws:lambda:us-east-1:111111111111:function:ghost", input: .emptyObject, stateName: "S"))
        }
        #expect(error?.error == "Lambda.ResourceNotFoundException")
        #expect(error?.cause?.contains("function:ghost:$LATEST") == true)
    }

    @Test func functionsFallBackToResourcesByArn() async throws {
        var resources = ExecutorRegistry()
        resources.register("arn:aws:lambda:*:*:function:order-*", FixedExecutor(.success("from resources")))
        let router = LambdaRouter(functions: [:], resources: resources)
        let output = try await invoke(router, ["FunctionName": "order-create"])
        #expect(output["Payload"] == "from resources")
    }

    @Test func logTypeTailReturnsTheProcessLog() async throws {
        let router = LambdaRouter(functions: ["logger": ProcessExecutor(shell: "echo 'log line' >&2; echo '{}'")])
        let output = try await invoke(router, ["FunctionName": "logger", "LogType": "Tail"])
        let logResult = try #require(output["LogResult"]?.stringValue)
        #expect(String(decoding: try #require(Data(base64Encoded: logResult)), as: UTF8.self) == "log line")
        #expect(output["SdkHttpMetadata"]?["HttpHeaders"]?["X-Amz-Log-Result"] == .string(logResult))
        #expect(output["SdkHttpMetadata"]?["HttpHeaders"]?["Content-Length"] == "3")
    }

    @Test func eventInvocationAnswers202() async throws {
        let output = try await invoke(router, ["FunctionName": "echo", "InvocationType": "Event"])
        #expect(output["StatusCode"] == 202)
        #expect(output["Payload"] == "")
    }

    @Test(
        arguments: [
            ("order", LambdaFunctionReference(name: "order")),
            ("order:prod", LambdaFunctionReference(name: "order", qualifier: "prod")),
            ("123456789012:function:order", LambdaFunctionReference(name: "order", accountId: "123456789012")),
            (
                "arn:aws:lambda:us-west-2:123456789012:function:order:$LATEST",
                LambdaFunctionReference(name: "order", qualifier: "$LATEST", region: "us-west-2", accountId: "123456789012")
            ),
        ] as [(String, LambdaFunctionReference)])
    func functionReferences(text: String, expected: LambdaFunctionReference) {
        #expect(LambdaFunctionReference(text) == expected)
    }

    @Test func nonFunctionReferencesAreRejected() {
        #expect(LambdaFunctionReference("") == nil)
        #expect(LambdaFunctionReference("arn:aws:states:::lambda:invoke") == nil)
    }

    @Test func workflowUsesTheIntegrationShape() async throws {
        let definition = #"""
            {"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName":"echo","Payload.$":"$"},"ResultSelector":{"p.$":"$.Payload","s.$":"$.StatusCode"},"End":true}}}
            """#
        let result = try await runWorkflow(definition, input: ["x": 1]) { configuration in
            configuration.executors.registerLambda(LambdaRouter(functions: ["echo": echoFunction]))
        }
        #expect(result.status == .succeeded)
        #expect(result.output == ["p": ["x": 1], "s": 200])
    }

    @Test func workflowCatchesResourceNotFound() async throws {
        let definition = #"""
            {"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName":"missing"},"Catch":[{"ErrorEquals":["Lambda.ResourceNotFoundException"],"Next":"Caught"}],"End":true},
              "Caught":{"Type":"Pass","End":true}}}
            """#
        let result = try await runWorkflow(definition) { configuration in
            configuration.executors.registerLambda(LambdaRouter(functions: [:]))
        }
        #expect(result.status == .succeeded)
        #expect(result.output?["Error"] == "Lambda.ResourceNotFoundException")
        #expect(result.output?["Cause"]?.stringValue?.contains(":function:missing:$LATEST") == true)
    }
}
