import Foundation
import SFNJSON
import Testing

/// `sfn graph`, and the terminal views of `sfn run` (--progress, --history-format table),
/// through the built executable.
@Suite struct GraphCommandTests {
    let runner = RunCommandTests()
    static let workflows = RunCommandTests.root.appendingPathComponent("workflows")

    @Test func mermaidIsTheDefaultAndEveryFormatDraws() async throws {
        let file = Self.workflows.appendingPathComponent("order-processing.asl.json").path
        guard let mermaid = try await runner.sfn(["graph", file]) else { return }
        #expect(mermaid.status == 0, "\(mermaid.stderr)")
        #expect(mermaid.stdout.hasPrefix("flowchart TD\n"))
        #expect(mermaid.stdout.contains(#"-.->|"Catch CardDeclined"|"#))
        guard let dot = try await runner.sfn(["graph", file, "--format", "dot"]) else { return }
        #expect(dot.stdout.hasPrefix("digraph \"order-processing\" {"))
        guard let svg = try await runner.sfn(["graph", file, "--format", "svg", "--layout", "builtin"]) else { return }
        #expect(svg.stdout.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.stdout.contains(#"data-state="ChargeCard""#))
        // Templates load as `sfn run` loads them.
        let template = Self.workflows.appendingPathComponent("sam-template.yaml").path
        guard let chosen = try await runner.sfn(["graph", template, "--state-machine", "GreetingMachine"]) else { return }
        #expect(chosen.status == 0, "\(chosen.stderr)")
    }

    @Test func anExecutionColoursTheStatesItReached() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sfn-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let definition = folder.appendingPathComponent("branch.asl.json")
        try #"""
        {"StartAt": "Check", "States": {
          "Check": {"Type": "Choice", "Choices": [{"Variable": "$.go", "BooleanEquals": true, "Next": "Go"}], "Default": "Stop"},
          "Go": {"Type": "Pass", "End": true},
          "Stop": {"Type": "Fail", "Error": "Stopped"}}}
        """#.write(to: definition, atomically: true, encoding: .utf8)
        guard let run = try await runner.sfn(["run", definition.path, "--input-json", #"{"go": true}"#, "--result", "json", "--history"])
        else {
            return
        }
        #expect(run.status == 0)
        let history = folder.appendingPathComponent("history.json")
        try run.stdout.write(to: history, atomically: true, encoding: .utf8)
        guard let graph = try await runner.sfn(["graph", definition.path, "--execution", history.path]) else { return }
        #expect(graph.status == 0, "\(graph.stderr)")
        #expect(graph.stdout.contains("class s0,s1 status-succeeded"))
        #expect(graph.stdout.contains("class s2 status-not-reached"))
        guard
            let svg = try await runner.sfn([
                "graph", definition.path, "--execution", history.path, "--format", "svg", "--layout", "builtin",
            ])
        else {
            return
        }
        #expect(svg.stdout.contains(#"class="state status-succeeded" id="state-s1" data-state="Go""#))
        guard let bad = try await runner.sfn(["graph", definition.path, "--execution", definition.path]) else { return }
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("not a history"))
    }

    @Test func anInvalidDefinitionIsRefusedWithItsPlace() async throws {
        guard
            let outcome = try await runner.sfn(
                ["graph"], definition: #"{"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": true}}}"#)
        else { return }
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("MISSING_TRANSITION_TARGET") || outcome.stderr.contains("error["))
        guard let none = try await runner.sfn(["graph"]) else { return }
        #expect(none.status == 2)
    }

    @Test func progressShowsTheWaitingStateAndItsTime() async throws {
        let definition =
            #"{"StartAt": "Prep", "States": {"Prep": {"Type": "Pass", "Next": "Hold"}, "Hold": {"Type": "Wait", "Seconds": 3, "End": true}}}"#
        guard let outcome = try await runner.sfn(["run", "--progress"], definition: definition) else { return }
        #expect(outcome.status == 0)
        // Redrawn while the Wait waits (about once a second; how many times depends on the load).
        let waited = outcome.stderr.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: "in Hold for "), line.hasSuffix(" in all"), line.contains(" s, waiting") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(waited.contains { $0 >= 1 }, "\(outcome.stderr)")
    }

    @Test func theHistoryTableHasALinePerEvent() async throws {
        let definition =
            #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"n": 1}, "Next": "B"}, "B": {"Type": "Fail", "Error": "Oops", "Cause": "why"}}}"#
        guard let outcome = try await runner.sfn(["run", "--history-format", "table"], definition: definition) else { return }
        #expect(outcome.status == 1)
        let lines = outcome.stderr.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("ID  +TIME  TYPE") })
        let rows = lines[(header + 1)...].prefix { $0.first?.isWhitespace == true || $0.first?.isNumber == true }
        #expect(rows.count == 5, "\(outcome.stderr)")
        #expect(rows.contains { $0.contains("PassStateExited") && $0.contains(" A ") && $0.contains(#"output {"n":1}"#) })
        #expect(rows.contains { $0.contains("ExecutionFailed") && $0.contains("Oops: why") })
        guard let bad = try await runner.sfn(["run", "--history-format", "yaml"], definition: definition) else { return }
        #expect(bad.status == 2)
    }
}
