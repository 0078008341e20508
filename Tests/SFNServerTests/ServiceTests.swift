import Foundation
import SFNJSON
import SFNRuntime
import SFNServer
import Testing

@Suite struct StateMachineOperationTests {
    @Test func createDescribeListUpdateDelete() async throws {
        let service = StepFunctionsService()
        let arn = try await createMachine(service, "orders", Definitions.pass)
        #expect(arn == machinePrefix + "orders")

        let description = try await call(service, "DescribeStateMachine", ["stateMachineArn": .string(arn)])
        #expect(description["name"] == "orders")
        #expect(description["status"] == "ACTIVE")
        #expect(description["type"] == "STANDARD")
        #expect(description["definition"]?.stringValue == Definitions.pass)
        #expect(description["roleArn"] == "arn:aws:iam::111111111111:role/test")
        #expect(description["creationDate"]?.doubleValue != nil)

        try await createMachine(service, "billing", Definitions.pass, type: "EXPRESS")
        let listed = try await call(service, "ListStateMachines", [:])
        #expect(listed["stateMachines"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["orders", "billing"])
        let firstPage = try await call(service, "ListStateMachines", ["maxResults": 1])
        #expect(firstPage["stateMachines"]?.arrayValue?.count == 1)
        let token = try #require(firstPage["nextToken"]?.stringValue)
        let secondPage = try await call(service, "ListStateMachines", ["maxResults": 1, "nextToken": .string(token)])
        #expect(secondPage["stateMachines"]?[0]?["name"] == "billing")
        #expect(secondPage["nextToken"] == nil)

        let updated = try await call(
            service, "UpdateStateMachine", ["stateMachineArn": .string(arn), "definition": .string(Definitions.passWithResult)])
        #expect(updated["updateDate"]?.doubleValue != nil)
        let execution = try await startExecution(service, arn)
        #expect(try await finished(service, execution)["output"] == #"{"changed":true}"#)

        _ = try await call(service, "DeleteStateMachine", ["stateMachineArn": .string(arn)])
        #expect(await failure(service, "DescribeStateMachine", ["stateMachineArn": .string(arn)])?.type == "StateMachineDoesNotExist")
    }

    @Test func creationIsIdempotentOnlyForTheSameDefinition() async throws {
        let service = StepFunctionsService()
        let first = try await createMachine(service, "same", Definitions.pass)
        let again = try await createMachine(service, "same", Definitions.pass)
        #expect(first == again)
        let conflict = await failure(
            service, "CreateStateMachine",
            ["name": "same", "definition": .string(Definitions.passWithResult), "roleArn": "arn:aws:iam::111111111111:role/test"])
        #expect(conflict?.type == "StateMachineAlreadyExists")
    }

    @Test(arguments: [
        ("{not json", "INVALID_JSON_DESCRIPTION"),
        (#"{"StartAt":"Missing","States":{"P":{"Type":"Pass","End":true}}}"#, "MISSING_TRANSITION_TARGET"),
        (#"{"StartAt":"P","States":{"P":{"Type":"Teleport","End":true}}}"#, "SCHEMA_VALIDATION_FAILED"),
    ])
    func invalidDefinitionsAreRefused(definition: String, code: String) async throws {
        let service = StepFunctionsService()
        let refusal = await failure(
            service, "CreateStateMachine", ["name": "bad", "definition": .string(definition), "roleArn": "arn:aws:iam::1:role/r"])
        #expect(refusal?.type == "InvalidDefinition")
        #expect(refusal?.status == 400)
        #expect(refusal?.message.contains(code) == true)

        let report = try await call(service, "ValidateStateMachineDefinition", ["definition": .string(definition)])
        #expect(report["result"] == "FAIL")
        #expect(report["diagnostics"]?[0]?["code"]?.stringValue == code)
    }

    @Test func expressMachinesRefuseCallbackTasks() async throws {
        let definition =
            #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}"#
        let service = StepFunctionsService()
        let refusal = await failure(
            service, "CreateStateMachine",
            ["name": "quick", "definition": .string(definition), "roleArn": "arn:aws:iam::1:role/r", "type": "EXPRESS"])
        #expect(refusal?.type == "InvalidDefinition")
        #expect(refusal?.message.contains("Express state machine does not support '.waitForTaskToken' service integration") == true)
        let report = try await call(service, "ValidateStateMachineDefinition", ["definition": .string(definition), "type": "EXPRESS"])
        #expect(report["result"] == "FAIL")
        #expect(report["diagnostics"]?[0]?["location"] == "/States/T/Resource")
        // A Standard machine may wait for a token.
        _ = try await createMachine(service, "slow", definition)
    }

    @Test func everyProblemIsListedInAWSWording() async throws {
        let definition = #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Gone"},"B":{"Type":"Wait","End":true}}}"#
        let refusal = await failure(
            StepFunctionsService(), "CreateStateMachine", ["name": "two", "definition": .string(definition), "roleArn": "r"])
        let message = try #require(refusal?.message)
        #expect(message.hasPrefix("Invalid State Machine Definition: '"))
        #expect(message.contains("MISSING_TRANSITION_TARGET"))
        #expect(message.contains("at /States/A/Next"))
        #expect(message.contains(", "))
    }

    @Test func validDefinitionValidates() async throws {
        let report = try await call(StepFunctionsService(), "ValidateStateMachineDefinition", ["definition": .string(Definitions.callback)])
        #expect(report["result"] == "OK")
        #expect(report["diagnostics"] == [])
    }

    @Test(arguments: ["has space", "", String(repeating: "n", count: 81), "a*b", "slash/name"])
    func invalidNamesAreRefused(name: String) async {
        let refusal = await failure(
            StepFunctionsService(), "CreateStateMachine", ["name": .string(name), "definition": .string(Definitions.pass), "roleArn": "r"])
        #expect(refusal?.type == "InvalidName")
    }

    @Test func expressMachinesRunSynchronously() async throws {
        let service = StepFunctionsService()
        let express = try await createMachine(service, "quick", Definitions.passWithResult, type: "EXPRESS")
        let response = try await call(service, "StartSyncExecution", ["stateMachineArn": .string(express), "input": #"{"a":1}"#])
        #expect(response["status"] == "SUCCEEDED")
        #expect(response["output"] == #"{"changed":true}"#)
        #expect(response["input"] == #"{"a":1}"#)

        let standard = try await createMachine(service, "slow", Definitions.pass)
        #expect(
            await failure(service, "StartSyncExecution", ["stateMachineArn": .string(standard)])?.type == "StateMachineTypeNotSupported")
    }
}

@Suite struct RequestValidationTests {
    @Test(arguments: [
        ("DescribeStateMachine", ["stateMachineArn": "not-an-arn"] as JSON, "InvalidArn"),
        ("DescribeStateMachine", ["stateMachineArn": "arn:aws:states:us-east-1:111111111111:activity:x"] as JSON, "InvalidArn"),
        ("DescribeStateMachine", ["stateMachineArn": .string(machinePrefix + "ghost")] as JSON, "StateMachineDoesNotExist"),
        ("StartExecution", ["stateMachineArn": .string(machinePrefix + "ghost")] as JSON, "StateMachineDoesNotExist"),
        ("DescribeExecution", ["executionArn": .string(executionPrefix + "ghost:run")] as JSON, "ExecutionDoesNotExist"),
        ("DescribeExecution", ["executionArn": .string(machinePrefix + "ghost")] as JSON, "InvalidArn"),
        ("GetExecutionHistory", ["executionArn": .string(executionPrefix + "ghost:run")] as JSON, "ExecutionDoesNotExist"),
        ("StopExecution", ["executionArn": .string(executionPrefix + "ghost:run")] as JSON, "ExecutionDoesNotExist"),
        ("DescribeActivity", ["activityArn": "arn:aws:states:us-east-1:111111111111:activity:none"] as JSON, "ActivityDoesNotExist"),
        ("DescribeExecution", [:] as JSON, "ValidationException"),
        ("CreateStateMachine", ["name": "x"] as JSON, "ValidationException"),
        ("SendTaskSuccess", ["output": "{}"] as JSON, "ValidationException"),
        ("DescribeExecution", ["executionArn": 42] as JSON, "SerializationException"),
        ("ListStateMachines", ["maxResults": "ten"] as JSON, "SerializationException"),
        ("ListStateMachines", ["maxResults": 5000] as JSON, "ValidationException"),
        ("ListStateMachines", ["nextToken": "garbage"] as JSON, "InvalidToken"),
        ("ListStateMachines", [1, 2] as JSON, "SerializationException"),
        ("DescribeEverything", [:] as JSON, "UnknownOperationException"),
        ("SendTaskSuccess", ["taskToken": "forged", "output": "{}"] as JSON, "InvalidToken"),
        ("SendTaskFailure", ["taskToken": "forged"] as JSON, "InvalidToken"),
        ("SendTaskHeartbeat", ["taskToken": "forged"] as JSON, "InvalidToken"),
    ])
    func refusedWithAWSErrorNames(operation: String, body: JSON, expected: String) async {
        let refusal = await failure(StepFunctionsService(), operation, body)
        #expect(refusal?.type == expected)
        #expect(refusal?.status == 400)
    }

    @Test func executionInputMustBeJSON() async throws {
        let service = StepFunctionsService()
        let arn = try await createMachine(service, "m", Definitions.pass)
        let refusal = await failure(service, "StartExecution", ["stateMachineArn": .string(arn), "input": "{oops"])
        #expect(refusal?.type == "InvalidExecutionInput")
    }
}

@Suite struct MockedExecutionTests {
    static let mocks = #"""
        {"StateMachines": {"charging": {"TestCases": {
            "Declined": {"Charge": "DeclinedResponse"},
            "Flaky": {"Charge": "FlakyResponse"}}}},
         "MockedResponses": {
            "DeclinedResponse": {"0": {"Throw": {"Error": "CardDeclined", "Cause": "no funds"}}},
            "FlakyResponse": {"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "busy"}},
                              "1": {"Return": {"charged": true}}}}}
        """#
    static let definition = #"""
        {"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:charge",
          "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1}], "End": true}}}
        """#

    @Test func startExecutionOnArnHashTestCaseRunsThatTestCase() async throws {
        let service = StepFunctionsService(configuration: .virtualTime())
        service.mocks = try MockConfiguration(json: try JSON(parsing: Self.mocks))
        let machine = try await createMachine(service, "charging", Self.definition)
        let flaky = try await finished(service, try await startExecution(service, machine + "#Flaky"))
        #expect(flaky["status"] == "SUCCEEDED")
        #expect(flaky["output"] == #"{"charged":true}"#)
        let declined = try await finished(service, try await startExecution(service, machine + "#Declined"))
        #expect(declined["error"] == "CardDeclined")
        let unknown = await failure(service, "StartExecution", ["stateMachineArn": .string(machine + "#Missing")])
        #expect(unknown?.type == "ValidationException")
        // Without a test case the machine's own executors run (none here).
        let plain = try await finished(service, try await startExecution(service, machine))
        #expect(plain["error"] == "States.Runtime")
    }
}
