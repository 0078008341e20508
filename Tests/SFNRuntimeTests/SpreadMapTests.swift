import SFNJSON
import SFNRuntime
import Testing

/// An inline Map whose iterations never wait runs them on every core while no history is kept
/// (`Interpreter.runSpread`). Whatever it gives must be what the iterations give one after the
/// other, which is how they run while a history is kept: outputs, failures with the event ids
/// their causes quote, tolerated failures, the history cap, and random draws in item order.
@Suite struct SpreadMapTests {
    /// Runs `definition` with no history (spread) and with a history (in order); both results.
    func both(
        _ definition: String, input: JSON, configure: @escaping (inout RuntimeConfiguration) -> Void = { _ in }
    ) async throws -> (spread: ExecutionResult, ordered: ExecutionResult) {
        let spread = try await runWorkflow(definition, input: input) { configuration in
            configuration.maxPayloadBytes = 16 << 20
            configuration.maxHistoryEvents = 10_000_000
            configure(&configuration)
            configuration.recordsHistory = false
        }
        let ordered = try await runWorkflow(definition, input: input) { configuration in
            configuration.maxPayloadBytes = 16 << 20
            configuration.maxHistoryEvents = 10_000_000
            configure(&configuration)
            configuration.recordsHistory = true
        }
        return (spread, ordered)
    }

    func items(_ count: Int, missingAt missing: Set<Int> = []) -> JSON {
        ["items": .array((0..<count).map { missing.contains($0) ? ["other": .int($0)] : ["n": .int($0)] })]
    }

    static let processor = #"""
        "ItemSelector":{"item.$":"$$.Map.Item.Value","index.$":"$$.Map.Item.Index"},
        "ItemProcessor":{"StartAt":"Add","States":{
          "Add":{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.item.n, 1000)","index.$":"$.index"},"Next":"Branch"},
          "Branch":{"Type":"Choice","Choices":[{"Variable":"$.index","NumericLessThan":10,"Next":"Small"}],"Default":"Both"},
          "Small":{"Type":"Pass","Result":"small","ResultPath":"$.size","End":true},
          "Both":{"Type":"Parallel","Branches":[
            {"StartAt":"Left","States":{"Left":{"Type":"Pass","OutputPath":"$.sum","End":true}}},
            {"StartAt":"Right","States":{"Right":{"Type":"Pass","Result":"large","End":true}}}],"End":true}}}
        """#

    @Test func outputsAreTheIterationsInItemOrder() async throws {
        let definition = #"""
            {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items",\#(Self.processor),"End":true}}}
            """#
        let (spread, ordered) = try await both(definition, input: items(5_000))
        #expect(spread.status == .succeeded)
        #expect(spread.output == ordered.output)
        let outputs = try #require(spread.output?.arrayValue)
        #expect(outputs.count == 5_000)
        #expect(outputs[3] == ["sum": 1003, "index": 3, "size": "small"])
        #expect(outputs[4_321] == [5321, "large"])
    }

    @Test func aFailedIterationFailsAsInOrderQuotingTheSameEventId() async throws {
        // Item 3,100 has no "n": its Add state fails, and the cause names the event it entered at.
        let definition = #"""
            {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items",\#(Self.processor),"End":true}}}
            """#
        let (spread, ordered) = try await both(definition, input: items(4_000, missingAt: [3_100, 3_900]))
        #expect(spread.status == .failed)
        #expect(spread.error == "States.Runtime")
        #expect(spread.cause == ordered.cause)
        #expect(spread.cause?.contains("entered at the event id #") == true)
    }

    @Test func eventsAfterTheMapAreNumberedAsInOrder() async throws {
        // The state after the Map fails; its cause quotes its own event id, which counts every
        // event of every iteration before it.
        let definition = #"""
            {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items",\#(Self.processor),"ResultPath":"$.out","Next":"After"},
            "After":{"Type":"Pass","InputPath":"$.nothing","End":true}}}
            """#
        let (spread, ordered) = try await both(definition, input: items(3_000))
        #expect(spread.status == .failed)
        #expect(ordered.status == .failed)
        #expect(spread.cause == ordered.cause)
    }

    @Test func toleratedFailuresGiveTheirErrorsInPlace() async throws {
        let definition = #"""
            {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","ToleratedFailurePercentage":10,
            "ItemProcessor":{"StartAt":"Check","States":{
              "Check":{"Type":"Choice","Choices":[{"Variable":"$.n","IsPresent":false,"Next":"Missing"}],"Default":"Keep"},
              "Missing":{"Type":"Fail","Error":"Item.Missing","Cause":"no n"},
              "Keep":{"Type":"Pass","End":true}}},
            "End":true}}}
            """#
        let (spread, ordered) = try await both(definition, input: items(2_000, missingAt: [5, 700, 1_999]))
        #expect(spread.status == .succeeded)
        #expect(spread.output == ordered.output)
        let failed = try #require(spread.output?.arrayValue?[700].objectValue)
        #expect(failed["Error"] == "Item.Missing")
    }

    @Test func theHistoryCapStopsTheMapWhereItWouldInOrder() async throws {
        let definition = #"""
            {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items",\#(Self.processor),"End":true}}}
            """#
        let (spread, ordered) = try await both(definition, input: items(2_000)) { $0.maxHistoryEvents = 9_000 }
        #expect(spread.status == .failed)
        #expect(spread.error == ordered.error)
        #expect(spread.cause == ordered.cause)
        // Under the cap, the same Map succeeds.
        let (under, _) = try await both(definition, input: items(200)) { $0.maxHistoryEvents = 9_000 }
        #expect(under.status == .succeeded)
    }

    @Test func randomDrawsStayInItemOrder() async throws {
        // A seeded source gives the same UUIDs to the same items, run after run.
        let definition = #"""
            {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items",
            "ItemProcessor":{"StartAt":"Id","States":{"Id":{"Type":"Pass","Parameters":{"id.$":"States.UUID()","n.$":"$.n"},"End":true}}},
            "End":true}}}
            """#
        let (spread, ordered) = try await both(definition, input: items(2_000))
        #expect(spread.status == .succeeded)
        let same = spread.output == ordered.output
        #expect(same)
    }

    @Test func aJSONataProcessorSpreadsToo() async throws {
        let definition = #"""
            {"QueryLanguage":"JSONata","StartAt":"Fan","States":{"Fan":{"Type":"Map","Items":"{% $states.input.items %}",
            "ItemProcessor":{"StartAt":"Double","States":{"Double":{"Type":"Pass","Output":"{% $states.input.n * 2 %}","End":true}}},
            "End":true}}}
            """#
        let (spread, ordered) = try await both(definition, input: items(3_000))
        #expect(spread.output == ordered.output)
        #expect(spread.output?.arrayValue?[1_500] == 3_000)
    }

    /// AWS's Inline mode runs at most 40 iterations at once: 100 Task iterations under
    /// MaxConcurrency 0 (or 100) are never more than 40 in flight, and a MaxConcurrency below 40
    /// still decides.
    @Test(arguments: [(0, 40), (100, 40), (25, 25), (1, 1)])
    func inlineIterationsRunAtMostFortyAtOnce(maxConcurrency: Int, expected: Int) async throws {
        let definition = #"""
            {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":\#(maxConcurrency),
            "ItemProcessor":{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:work","End":true}}},
            "End":true}}}
            """#
        let counter = InFlight()
        var configuration = RuntimeConfiguration()
        configuration.executors.register(
            "arn:aws:lambda:us-east-1:123456789012:function:work",
            ClosureExecutor(input: { input in
                counter.enter()
                defer { counter.leave() }
                try await Task.sleep(for: .milliseconds(maxConcurrency == 1 ? 1 : 30))
                return input
            }))
        let runtime = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)
        let result = await runtime.run(input: items(100))
        #expect(result.status == .succeeded)
        #expect(result.output?.arrayValue?.count == 100)
        #expect(counter.most == expected)
    }
}

/// Counts calls in flight and the most seen at once.
private final class InFlight: Sendable {
    private let counts = Locked((now: 0, most: 0))
    func enter() {
        counts.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
        }
    }
    func leave() { counts.withLock { $0.now -= 1 } }
    var most: Int { counts.withLock { $0.most } }
}
