import Foundation
import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

@Suite struct ExecutorMockTests {
    static let configurationText = #"""
        {
          "StateMachines": {
            "Orders": {
              "TestCases": {
                "RetryPath": {"Charge": "FlakyThenOk", "Notify": "Sent"},
                "HappyPath": {"Charge": "Ok"}
              }
            }
          },
          "MockedResponses": {
            "FlakyThenOk": {
              "0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "try again"}},
              "1-2": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
              "3": {"Return": {"StatusCode": 200, "Payload": {"charged": true}}}
            },
            "Ok": {"0": {"Return": {"Payload": {"charged": true}}}},
            "Sent": {"0": {"Return": {"MessageId": "m-1"}}}
          }
        }
        """#

    func configuration() throws -> MockConfiguration {
        try MockConfiguration(json: try JSON(parsing: Self.configurationText))
    }

    @Test func parsesTestCasesAndExpandsRanges() throws {
        let testCase = try configuration().testCase("RetryPath", stateMachine: "Orders")
        let charge = try #require(testCase.responses["Charge"])
        #expect(charge.count == 4)
        #expect(charge[0] == .throwsError(StatesError("Lambda.ServiceException", cause: "try again")))
        #expect(charge[1] == charge[2])
        #expect(charge[3] == .returns(["StatusCode": 200, "Payload": ["charged": true]]))
    }

    @Test func throwThenReturnAsRetriesCallIt() async throws {
        let mock = MockExecutor(try configuration().testCase("RetryPath", stateMachine: "Orders"))
        let request = taskRequest(.emptyObject, resource: "arn:aws:states:::lambda:invoke", stateName: "Charge")
        var errors: [String] = []
        var result: JSON?
        for _ in 0..<4 {
            do {
                result = try await mock.execute(request)
            } catch {
                errors.append(error.error)
            }
        }
        #expect(errors == ["Lambda.ServiceException", "Lambda.TooManyRequestsException", "Lambda.TooManyRequestsException"])
        #expect(result?["Payload"] == ["charged": true])
        // Past the last response, the last one repeats.
        #expect(try await mock.execute(request)["StatusCode"] == 200)
        #expect(mock.invocationCount(of: "Charge") == 5)
    }

    @Test func statesOutsideTheTestCaseFallThrough() async throws {
        var fallback = ExecutorRegistry()
        fallback.register("arn:aws:states:::sqs:sendMessage", FixedExecutor(.success("real")))
        let mock = MockExecutor(try configuration().testCase("HappyPath", stateMachine: "Orders"), wrapping: fallback)
        let notify = taskRequest(.emptyObject, resource: "arn:aws:states:::sqs:sendMessage", stateName: "Notify")
        #expect(try await mock.execute(notify) == "real")
        let unrouted = taskRequest(.emptyObject, resource: "arn:aws:states:::sns:publish", stateName: "Other")
        let error = await failure { () async throws(StatesError) -> JSON in try await mock.execute(unrouted) }
        #expect(error?.name == StatesErrorName.taskFailed)
        #expect(error?.cause?.contains("arn:aws:states:::sns:publish") == true)
    }

    @Test func workflowRetriesThroughMockedFailures() async throws {
        let definition = #"""
            {"StartAt":"Charge","States":{
              "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge"},
                "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":1,"MaxAttempts":3,"BackoffRate":1}],
                "ResultSelector":{"charged.$":"$.Payload.charged"},"Next":"Notify"},
              "Notify":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"q","MessageBody":"x"},
                "ResultPath":"$.notify","End":true}}}
            """#
        let testCase = try configuration().testCase("RetryPath", stateMachine: "Orders")
        let result = try await runWorkflow(definition) { $0.useMocks(testCase) }
        #expect(result.status == .succeeded)
        #expect(result.output == ["charged": true, "notify": ["MessageId": "m-1"]])
        #expect(result.stopDate - result.startDate == 3_000)
    }

    @Test func mapIterationsEachTakeAResponse() async throws {
        let definition = #"""
            {"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":1,"ItemProcessor":{"StartAt":"Charge","States":{
              "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge"},
                "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Failed"}],"OutputPath":"$.Payload","End":true},
              "Failed":{"Type":"Pass","Result":"failed","End":true}}},"End":true}}}
            """#
        let testCase = try configuration().testCase("RetryPath", stateMachine: "Orders")
        let result = try await runWorkflow(definition, input: [1, 2, 3, 4, 5]) { $0.useMocks(testCase) }
        #expect(result.status == .succeeded)
        #expect(result.output == ["failed", "failed", "failed", ["charged": true], ["charged": true]])
    }

    @Test func mockedCallbackTaskDoesNotWait() async throws {
        let definition = #"""
            {"StartAt":"Approve","States":{"Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token"}},"End":true}}}
            """#
        let mocks = try MockConfiguration(json: [
            "StateMachines": ["M": ["TestCases": ["T": ["Approve": "Approved"]]]],
            "MockedResponses": ["Approved": ["0": ["Return": ["approved": true]]]],
        ])
        let testCase = try mocks.testCase("T", stateMachine: "M")
        let result = try await runWorkflow(definition) { $0.useMocks(testCase) }
        #expect(result.status == .succeeded)
        #expect(result.output == ["approved": true])
    }

    @Test func unknownTestCaseAndMachineAreClearErrors() throws {
        let configuration = try configuration()
        #expect(throws: MockConfigurationError("The state machine 'Orders' has no test case named 'Nope' (it has: HappyPath, RetryPath)."))
        {
            try configuration.testCase("Nope", stateMachine: "Orders")
        }
        #expect(throws: MockConfigurationError("The mock configuration has no state machine named 'Other' (it has: Orders).")) {
            try configuration.testCase("HappyPath", stateMachine: "Other")
        }
    }

    @Test(arguments: [
        (#"[]"#, "must be an object"),
        (#"{"StateMachines":{},"MockedResponses":{},"Extra":1}"#, "Unknown top-level field 'Extra'"),
        (#"{"StateMachines":{"M":{"TestCases":{"T":{"S":"Missing"}}}},"MockedResponses":{}}"#, "refers to the mocked response 'Missing'"),
        (#"{"StateMachines":{"M":{"TestCases":{"T":{"S":3}}}},"MockedResponses":{}}"#, "must be the name of a mocked response"),
        (#"{"StateMachines":{"M":{}},"MockedResponses":{}}"#, "TestCases"),
        (#"{"StateMachines":{},"MockedResponses":{"R":{}}}"#, "non-empty object"),
        (#"{"StateMachines":{},"MockedResponses":{"R":{"1":{"Return":1}}}}"#, "leaves invocation 0 without a response"),
        (#"{"StateMachines":{},"MockedResponses":{"R":{"0-2":{"Return":1},"2":{"Return":2}}}}"#, "overlaps"),
        (#"{"StateMachines":{},"MockedResponses":{"R":{"first":{"Return":1}}}}"#, "'first' is not an invocation number"),
        (#"{"StateMachines":{},"MockedResponses":{"R":{"3-1":{"Return":1}}}}"#, "ends before it starts"),
        (#"{"StateMachines":{},"MockedResponses":{"R":{"0":{"Return":1,"Throw":{"Error":"E"}}}}}"#, "cannot have both"),
        (#"{"StateMachines":{},"MockedResponses":{"R":{"0":{}}}}"#, "must have Return or Throw"),
        (#"{"StateMachines":{},"MockedResponses":{"R":{"0":{"Throw":{"Cause":"c"}}}}}"#, "string Error"),
        (#"{"StateMachines":{},"MockedResponses":{"R":{"0":{"Throw":{"Error":"E","Cause":5}}}}}"#, "Cause must be a string"),
    ])
    func invalidConfigurations(text: String, message: String) throws {
        let json = try JSON(parsing: text)
        do {
            _ = try MockConfiguration(json: json)
            Issue.record("expected an error containing \(message)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func readsAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-mock-\(UUID().uuidString).json").path
        try Self.configurationText.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try MockConfiguration(contentsOf: path)
        #expect(configuration.testCases["Orders"]?.count == 2)
        #expect(throws: MockConfigurationError.self) { try MockConfiguration(contentsOf: path + ".missing") }
    }
}
