import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

@Suite struct NestedStateMachineTests {
    static let child =
        #"{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"twice.$":"States.MathAdd($.n, $.n)"},"End":true}}}"#
    static let failingChild = #"{"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"ChildFailed","Cause":"no"}}}"#

    func run(_ resource: String, child: String = child) async throws -> ExecutionResult {
        let directory = StateMachineDirectory()
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.executors.registerNestedStateMachines(directory)
        directory.add(try StateMachineRuntime(definition: try JSON(parsing: child), name: "child", configuration: configuration))
        let parent =
            #"{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"\#(resource)","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:111111111111:stateMachine:child","Input":{"n.$":"$.n"}},"End":true}}}"#
        let runtime = try StateMachineRuntime(definition: try JSON(parsing: parent), name: "parent", configuration: configuration)
        return await runtime.run(input: ["n": 21])
    }

    @Test func syncReturnsTheOutputAsJSONText() async throws {
        let result = try await run("arn:aws:states:::states:startExecution.sync")
        #expect(result.status == .succeeded)
        #expect(result.output?["Status"] == "SUCCEEDED")
        #expect(result.output?["Output"] == .string(#"{"twice":42}"#))
        #expect(result.output?["Input"] == .string(#"{"n":21}"#))
    }

    @Test func sync2ReturnsTheOutputAsJSON() async throws {
        let result = try await run("arn:aws:states:::states:startExecution.sync:2")
        #expect(result.output?["Output"] == ["twice": 42])
    }

    @Test func requestResponseReturnsTheExecutionArn() async throws {
        let result = try await run("arn:aws:states:::states:startExecution")
        #expect(result.output?["ExecutionArn"]?.stringValue?.contains(":execution:child:") == true)
        #expect(result.output?["StartDate"] != nil)
    }

    @Test func aFailedChildFailsTheTask() async throws {
        let result = try await run("arn:aws:states:::states:startExecution.sync", child: Self.failingChild)
        #expect(result.status == .failed)
        #expect(result.error == "States.TaskFailed")
        let cause = try JSON(parsing: result.cause ?? "")
        #expect(cause["Error"] == "ChildFailed")
        #expect(cause["Status"] == "FAILED")
    }

    @Test func anUnknownMachineIsReported() async throws {
        let directory = StateMachineDirectory()
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.executors.registerNestedStateMachines(directory)
        let parent =
            #"{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:111111111111:stateMachine:nope"},"End":true}}}"#
        let result = await (try StateMachineRuntime(definition: try JSON(parsing: parent), configuration: configuration)).run()
        #expect(result.status == .failed)
        #expect(result.error == "StepFunctions.StateMachineDoesNotExistException")
    }
}
