import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

/// Express state machines, as AWS's "Choosing workflow type" and integration-pattern pages
/// describe them: no `.sync` or `.waitForTaskToken` integrations, no activities, no
/// 25,000-event history cap, and execution ARNs of their own.
@Suite struct ExpressMachineTests {
    func runtime(_ definition: String, _ type: StateMachineType, limit: Int = 25_000) throws -> StateMachineRuntime {
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.machineType = type
        configuration.maxHistoryEvents = limit
        return try StateMachineRuntime(definition: try JSON(parsing: definition), name: "Quick", configuration: configuration)
    }

    func refusal(_ definition: String) -> [Diagnostic] {
        do {
            _ = try runtime(definition, .express)
            return []
        } catch let report as ValidationReport {
            return report.diagnostics
        } catch {
            return []
        }
    }

    @Test(arguments: [
        ("arn:aws:states:::lambda:invoke.waitForTaskToken", "'.waitForTaskToken' service integration"),
        ("arn:aws:states:::states:startExecution.sync", "'.sync' service integration"),
        ("arn:aws:states:::states:startExecution.sync:2", "'.sync' service integration"),
        ("arn:aws:states:us-east-1:111111111111:activity:review", "Activity ARN"),
    ])
    func expressRefusesCallbacksJobRunsAndActivities(resource: String, problem: String) throws {
        let definition = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(resource)","End":true}}}"#
        let diagnostics = refusal(definition)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.code == .schemaValidationFailed)
        #expect(diagnostics.first?.message == "Express state machine does not support \(problem)")
        #expect(diagnostics.first?.location == "/States/T/Resource")
        // The same definition is a valid Standard machine.
        _ = try runtime(definition, .standard)
    }

    @Test func theRuleReachesIntoBranchesAndItemProcessors() {
        let diagnostics = refusal(
            """
            {"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"M","Branches":[{"StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}]},
             "M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"U","States":{
              "U":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync","End":true}}}}}}
            """)
        #expect(diagnostics.map(\.location) == ["/States/P/Branches[0]/States/T/Resource", "/States/M/ItemProcessor/States/U/Resource"])
    }

    @Test func requestResponseTasksAreFine() throws {
        #expect(refusal(#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}"#).isEmpty)
    }

    @Test func expressExecutionsHaveExpressARNsAndNoRedriveCount() async throws {
        let machine = try runtime(
            #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"e.$":"$$.Execution"},"End":true}}}"#, .express)
        let result = await machine.run(name: "run-1")
        let execution = try #require(result.output?["e"])
        let id = try #require(execution["Id"]?.stringValue)
        #expect(id.hasPrefix("arn:aws:states:us-east-1:111111111111:express:Quick:run-1:"))
        #expect(execution["Name"] == "run-1")
        #expect(execution["RedriveCount"] == nil)
        let standard = try runtime(
            #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"e.$":"$$.Execution"},"End":true}}}"#, .standard)
        let standardResult = await standard.run(name: "run-1")
        #expect(standardResult.output?["e"]?["Id"] == "arn:aws:states:us-east-1:111111111111:execution:Quick:run-1")
        #expect(standardResult.output?["e"]?["RedriveCount"] == 0)
    }

    @Test func expressExecutionsEndAfterFiveMinutes() async throws {
        // An endless Express loop has no event cap; AWS's five-minute limit ends it (virtual time).
        let loop =
            #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":7,"Next":"C"},"C":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"D"}],"Default":"W"},"D":{"Type":"Succeed"}}}"#
        let result = try await runtime(loop, .express).run()
        #expect(result.status == .timedOut)
        #expect(result.stopDate - result.startDate <= 300_000)
        let short = try await runtime(
            #"{"TimeoutSeconds":20,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":7,"Next":"C"},"C":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"D"}],"Default":"W"},"D":{"Type":"Succeed"}}}"#,
            .express
        ).run()
        #expect(short.status == .timedOut)
        #expect(short.stopDate - short.startDate <= 20_000)
    }

    @Test func expressHasNoHistoryEventCap() async throws {
        // 100 loop turns write about 400 events: past a cap of 50 for Standard only.
        let loop = """
            {"StartAt":"Count","States":{
              "Count":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)"},"Next":"Again"},
              "Again":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThan":100,"Next":"Count"}],"Default":"Done"},
              "Done":{"Type":"Succeed"}}}
            """
        let express = try await runtime(loop, .express, limit: 50).run(input: ["i": 0])
        #expect(express.status == .succeeded)
        #expect(express.output == ["i": 100])
        let standard = try await runtime(loop, .standard, limit: 50).run(input: ["i": 0])
        #expect(standard.status == .failed)
    }
}

@Suite struct ExpressHistoryBoundTests {
    @Test func anExpressExecutionKeepsAtMostTheEventCapInMemory() async throws {
        // Found by sfn-fuzz: an endless Express loop kept every event; Express has no cap, so
        // counting goes on but at most `maxHistoryEvents` events are kept.
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.machineType = .express
        configuration.maxHistoryEvents = 100
        let loop = """
            {"StartAt":"Count","States":{
              "Count":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)"},"Next":"Again"},
              "Again":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThan":500,"Next":"Count"}],"Default":"Done"},
              "Done":{"Type":"Succeed"}}}
            """
        let machine = try StateMachineRuntime(definition: try JSON(parsing: loop), configuration: configuration)
        let execution = machine.start(input: ["i": 0])
        let result = await execution.result()
        #expect(result.status == .succeeded)
        #expect(execution.history.count == 100)
    }
}
