import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

/// A DISTRIBUTED Map runs a Map Run of child executions (AWS's "Using Map state in Distributed
/// mode" and "Tolerated failure threshold for Distributed Map state").
@Suite struct DistributedMapTests {
    func distributed(_ processor: String, extra: String = "", catching: String? = nil) -> String {
        let handler = catching.map { #","Catch":[{"ErrorEquals":["\#($0)"],"Next":"Handled"}]"# } ?? ""
        let handled = catching == nil ? "" : #","Handled":{"Type":"Pass","End":true}"#
        return """
            {"StartAt":"M","States":{"M":{"Type":"Map",\(extra)"ItemProcessor":{
              "ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},\(processor)}\(handler),"End":true}\(handled)}}
            """
    }

    func run(_ definition: String, input: JSON) async throws -> (ExecutionResult, [HistoryEvent]) {
        let machine = try StateMachineRuntime(
            definition: try JSON(parsing: definition), name: "Orders", configuration: .virtualTime())
        let execution = machine.start(input: input)
        let result = await execution.result()
        return (result, execution.history)
    }

    let passThrough = #""StartAt":"Inner","States":{"Inner":{"Type":"Pass","End":true}}"#
    let failOnTwo = """
        "StartAt":"Check","States":{"Check":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"Boom"}],
          "Default":"Fine"},"Boom":{"Type":"Fail","Error":"ItemBroke","Cause":"two"},"Fine":{"Type":"Pass","End":true}}
        """

    @Test func theParentHistoryShowsTheMapRunNotTheChildrensStates() async throws {
        let (result, events) = try await run(distributed(passThrough, extra: #""Label":"Batch","#), input: [1, 2, 3])
        #expect(result.status == .succeeded)
        #expect(result.output == [1, 2, 3])
        #expect(
            events.map { "\($0.id)<\($0.previousEventId) \($0.type)" } == [
                "1<0 ExecutionStarted", "2<0 MapStateEntered", "3<2 MapStateStarted", "4<3 MapRunStarted",
                "5<4 MapRunSucceeded", "6<5 MapStateSucceeded", "7<5 MapStateExited", "8<7 ExecutionSucceeded",
            ])
        let arn = try #require(events[3].details?["mapRunArn"]?.stringValue)
        #expect(arn.hasPrefix("arn:aws:states:us-east-1:111111111111:mapRun:Orders/Batch:"))
    }

    /// A child execution has its own context: its ARN and name, its input, and its state machine
    /// `MACHINE/LABEL`, not the parent's.
    @Test func aChildSeesItsOwnExecutionInTheContextObject() async throws {
        let reading = #"""
            "StartAt":"Who","States":{"Who":{"Type":"Pass","Parameters":{"id.$":"$$.Execution.Id","name.$":"$$.Execution.Name",
              "input.$":"$$.Execution.Input","machine.$":"$$.StateMachine.Name","machineId.$":"$$.StateMachine.Id"},"End":true}}
            """#
        let (result, _) = try await run(distributed(reading, extra: #""Label":"Batch","#), input: [["n": 1], ["n": 2]])
        let children = result.output?.arrayValue ?? []
        #expect(children.count == 2)
        for (index, child) in children.enumerated() {
            let name = try #require(child["name"]?.stringValue)
            #expect(child["id"]?.stringValue == "arn:aws:states:us-east-1:111111111111:execution:Orders/Batch:\(name)")
            #expect(child["input"] == ["n": .int(index + 1)])
            #expect(child["machine"] == "Orders/Batch")
            #expect(child["machineId"] == "arn:aws:states:us-east-1:111111111111:stateMachine:Orders/Batch")
        }
        #expect(children[0]["name"] != children[1]["name"])
    }

    @Test func aFailedChildFailsTheMapRunWithTheThresholdError() async throws {
        // The default tolerance is zero: one failed child execution fails the Map Run, and the
        // Map's error is States.ExceedToleratedFailureThreshold, not the child's own error.
        let (result, events) = try await run(distributed(failOnTwo), input: [1, 2, 3])
        #expect(result.status == .failed)
        #expect(result.error == "States.ExceedToleratedFailureThreshold")
        let types = events.map(\.type)
        #expect(types.contains("MapRunFailed"))
        #expect(!types.contains("FailStateEntered"))
        let failed = try #require(events.first { $0.type == "MapRunFailed" })
        #expect(failed.details?["error"] == "States.ExceedToleratedFailureThreshold")
        let mapFailed = try #require(events.first { $0.type == "MapStateFailed" })
        #expect(mapFailed.previousEventId == failed.id)
    }

    @Test func catchSeesTheThresholdErrorNotTheChildsError() async throws {
        #expect(try await run(distributed(failOnTwo, catching: "ItemBroke"), input: [2]).0.status == .failed)
        let (result, _) = try await run(distributed(failOnTwo, catching: "States.ExceedToleratedFailureThreshold"), input: [2])
        #expect(result.status == .succeeded)
        #expect(result.output?["Error"] == "States.ExceedToleratedFailureThreshold")
    }

    @Test func failuresWithinTheToleranceLeaveTheirErrorsInTheResult() async throws {
        let (result, events) = try await run(
            distributed(failOnTwo, extra: #""ToleratedFailurePercentage":50,"#), input: [1, 2])
        #expect(result.status == .succeeded)
        #expect(result.output == [1, ["Error": "ItemBroke", "Cause": "two"]])
        #expect(events.map(\.type).contains("MapRunSucceeded"))
        // Over the tolerance: two of three (67 %) failed.
        let (over, _) = try await run(
            distributed(failOnTwo, extra: #""ToleratedFailurePercentage":50,"#), input: [2, 2, 1])
        #expect(over.error == "States.ExceedToleratedFailureThreshold")
    }

    @Test func eachChildExecutionHasItsOwnEventLimit() async throws {
        // 30 children of 1,000 states each: far past 25,000 events in all, but no child passes it,
        // and the parent records only the Map Run.
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.maxHistoryEvents = 2_500
        let processor = """
            "StartAt":"Loop","States":{"Loop":{"Type":"Pass","Result":1,"ResultPath":"$.n","Next":"Again"},
              "Again":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericGreaterThan":0,"Next":"Down"}],"Default":"Done"},
              "Down":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, -1)"},"Next":"Loop"},
              "Done":{"Type":"Pass","End":true}}
            """
        let machine = try StateMachineRuntime(definition: try JSON(parsing: distributed(processor)), configuration: configuration)
        let items = JSON.array(Array(repeating: ["i": 300], count: 30))
        let execution = machine.start(input: items)
        let result = await execution.result()
        #expect(result.status == .succeeded)
        #expect(execution.history.count == 8)
    }

    /// Stopping the execution ends its Map Run: no further child starts, whatever the tolerance.
    @Test func stoppingTheExecutionStartsNoMoreChildren() async throws {
        let napping = #""StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":1,"End":true}}"#
        let machine = try StateMachineRuntime(
            definition: try JSON(
                parsing: distributed(napping, extra: #""MaxConcurrency":5,"ToleratedFailurePercentage":100,"ItemsPath":"$.items","#)),
            name: "Orders", configuration: RuntimeConfiguration())
        let execution = machine.start(input: ["items": .array((0..<1_000).map { JSON.int($0) })])
        try await Task.sleep(for: .milliseconds(200))
        execution.stop(error: "Enough", cause: "test")
        let clock = ContinuousClock()
        let started = clock.now
        let result = await execution.result()
        #expect(result.status == .aborted)
        // Running on, the 1,000 one-second children would take 200 s.
        #expect(clock.now - started < .seconds(60))
        let report = try #require(execution.mapRuns.first)
        #expect(report.status == .aborted)
        #expect(report.items.succeeded < 50)
        #expect(report.items.failed < 50, "children went on starting after the stop: \(report.items)")
    }
}
