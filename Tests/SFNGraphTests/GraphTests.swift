import Foundation
import SFNGraph
import SFNJSON
import SFNLanguage
import SFNRuntime
import SFNTestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Every workflow in `workflows/`, each of its state machines, drawn in every format.
@Suite struct WorkflowDrawingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func definitions() throws -> [(String, JSON)] {
        let folder = root.appendingPathComponent("workflows")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        var found: [(String, JSON)] = []
        for file in files where file.hasSuffix(".asl.json") || file.hasSuffix(".yaml") || file.hasSuffix(".asl.yaml") {
            let path = folder.appendingPathComponent(file).path
            for loaded in try DefinitionLoader.loadAll(contentsOf: path, parameters: [:], account: .local) {
                found.append((file + (loaded.stateMachine.map { "#" + $0 } ?? ""), loaded.definition))
            }
        }
        return found
    }

    @Test func everyWorkflowDrawsInEveryFormat() async throws {
        let definitions = try Self.definitions()
        #expect(definitions.count >= 15)
        let dot = ["/usr/bin/dot", "/usr/local/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }
        for (name, definition) in definitions {
            _ = try StateMachine.parse(definition)
            let graph = WorkflowGraph(definition: definition)
            let states = graph.allStates
            #expect(!states.isEmpty, "\(name)")

            let mermaid = MermaidRenderer.render(graph)
            #expect(MermaidSyntax.check(mermaid) == [], "\(name):\n\(mermaid)")

            let svg = SVGRenderer.render(graph, title: name)
            let shape = try SVGShape(svg)
            #expect(shape.wellFormed, "\(name): \(shape.error ?? "")")
            #expect(Set(shape.states) == Set(states.map(\.name)), "\(name)")

            if let dot {
                let (status, output, errors) = try await runProcess(dot, ["-Tsvg"], input: DOTRenderer.render(graph, title: name))
                #expect(status == 0 && errors.isEmpty, "\(name): dot said \(errors)")
                #expect(try SVGShape(output).wellFormed, "\(name): dot's SVG")
            }
        }
        if dot == nil { print("note: Graphviz's dot is not installed; the DOT output was not checked by dot") }
    }

    /// The checker is real: it refuses what Mermaid refuses.
    @Test func theMermaidCheckRejectsBrokenText() {
        #expect(MermaidSyntax.check("flowchart TD\n    a[\"A\"]\n    a --> b\n") != [])  // b undeclared
        #expect(MermaidSyntax.check("flowchart TD\n    end((\"End\"))\n") != [])  // a keyword as an id
        #expect(MermaidSyntax.check("flowchart TD\n    a[\"say \"hi\"\"]\n") != [])  // a raw quote
        #expect(MermaidSyntax.check("flowchart TD\n    subgraph p [\"P\"]\n    a[\"A\"]\n") != [])  // no end
        #expect(MermaidSyntax.check("flowchart TD\n    a[\"A\"]\n    b[\"B\"]\n    a -->|\"x\"| b\n") == [])
    }

    @Test func hostileNamesStayText() throws {
        let definition: JSON = try JSON(
            parsing: #"""
                {"StartAt": "<script>alert(1)</script>", "States": {
                  "<script>alert(1)</script>": {"Type": "Pass", "Next": "say \"hi\" | #1 \\ end"},
                  "say \"hi\" | #1 \\ end": {"Type": "Choice", "Choices": [{"Variable": "$.a", "StringEquals": "\"<&>\"", "Next": "end"}], "Default": "end"},
                  "end": {"Type": "Succeed"}}}
                """#)
        let graph = WorkflowGraph(definition: definition)
        let mermaid = MermaidRenderer.render(graph)
        #expect(MermaidSyntax.check(mermaid) == [], "\(mermaid)")
        let svg = SVGRenderer.render(graph)
        let shape = try SVGShape(svg)
        #expect(shape.wellFormed)
        #expect(!shape.elements.contains("script"))
        #expect(Set(shape.states) == ["<script>alert(1)</script>", "say \"hi\" | #1 \\ end", "end"])
        let dotText = DOTRenderer.render(graph)
        #expect(dotText.contains(#"label="say \"hi\" | #1 \\ end\nChoice""#))
    }

    /// Thousands of states that all Catch to the last would need states² bend points; past a
    /// budget long edges are drawn straight, so the drawing stays proportional to the definition.
    @Test func aHostileDefinitionDrawsInBoundedSpace() throws {
        var states: JSONObject = [:]
        let count = 2_000
        for index in 0..<count {
            states["S\(index)"] = [
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": .string(index + 1 < count ? "S\(index + 1)" : "Last"),
                "Catch": [["ErrorEquals": ["States.ALL"], "Next": "Last"]],
            ]
        }
        states["Last"] = ["Type": "Succeed"]
        let graph = WorkflowGraph(definition: ["StartAt": "S0", "States": .object(states)])
        let svg = SVGRenderer.render(graph)
        #expect(svg.utf8.count < 4_000_000, "\(svg.utf8.count) bytes")
        #expect(try SVGShape(svg).states.count == count + 1)
        #expect(MermaidSyntax.check(MermaidRenderer.render(graph)) == [])
    }

    @Test func edgesSayWhatKindOfTransitionTheyAre() throws {
        let definition = try JSON(
            parsing: #"""
                {"StartAt": "Route", "States": {
                  "Route": {"Type": "Choice", "Choices": [
                      {"And": [{"Variable": "$.kind", "StringEquals": "fast"}, {"Not": {"Variable": "$.n", "NumericLessThanEquals": 3}}], "Next": "Work"},
                      {"Variable": "$.ready", "IsPresent": false, "Next": "Fan"}],
                    "Default": "Fan"},
                  "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                    "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fan"}]},
                  "Fan": {"Type": "Parallel", "End": true, "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
                    {"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
                      "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}}}}]}}}
                """#)
        let graph = WorkflowGraph(definition: definition)
        let labels = graph.root.edges.compactMap(\.label)
        #expect(labels.contains(#"$.kind == "fast" and not $.n ≤ 3"#))
        #expect(labels.contains("$.ready is not present"))
        #expect(labels.contains("Default"))
        #expect(labels.contains("Retry States.Timeout ×2"))
        #expect(labels.contains("Catch States.ALL"))
        let fan = try #require(graph.root.nodes.first { $0.name == "Fan" })
        #expect(fan.regions.map(\.label) == ["Branch 1", "Branch 2"])
        #expect(fan.regions[1].nodes.first?.regions.first?.label == "Item processor (distributed)")
        #expect(graph.allStates.map(\.name) == ["Route", "Work", "Fan", "A", "Each", "B"])
        // Start leads to StartAt; the terminal states lead to End.
        #expect(graph.root.edges.contains { $0.from == "sfn_start" && $0.to == graph.root.nodes[1].id })
        #expect(graph.root.edges.filter { $0.to == "sfn_end" }.count == 2)
        let jsonata = try JSON(
            parsing:
                #"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n > 5 %}", "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}"#
        )
        #expect(WorkflowGraph(definition: jsonata).root.edges.compactMap(\.label).contains("$states.input.n > 5"))
    }
}

/// States coloured by what happened in real executions (run here, with their histories).
@Suite struct ExecutionOverlayTests {
    static let resource = "arn:aws:lambda:us-east-1:111111111111:function:work"

    func history(_ definition: String, input: JSON = .emptyObject, executor: ClosureExecutor) async throws -> (ExecutionResult, [JSON]) {
        var configuration = RuntimeConfiguration.virtualTime(startingAt: 1_704_067_200_000)
        configuration.recordsHistory = true
        configuration.executors.register(Self.resource, executor)
        let runtime = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)
        let execution = runtime.start(input: input, name: "overlay")
        let result = await execution.result()
        return (result, execution.history.map(\.json))
    }

    static func definition(catching: Bool) -> String {
        """
        {"StartAt": "Prepare", "States": {
          "Prepare": {"Type": "Pass", "Next": "Work"},
          "Work": {"Type": "Task", "Resource": "\(resource)", "Next": "Finish",
            "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 2, "IntervalSeconds": 1}]
            \(catching ? #", "Catch": [{"ErrorEquals": ["Broken"], "Next": "Recover"}]"# : "")},
          \(catching ? #""Recover": {"Type": "Pass", "End": true},"# : "")
          "Finish": {"Type": "Succeed"}}}
        """
    }

    @Test func aCaughtFailureIsCaughtAndItsHandlerSucceeds() async throws {
        let (result, events) = try await history(
            Self.definition(catching: true), executor: ClosureExecutor(input: { _ in throw StatesError("Broken", cause: "no") }))
        #expect(result.status == .succeeded)
        let overlay = ExecutionOverlay(events: events)
        #expect(overlay.status(of: "Prepare") == .succeeded)
        #expect(overlay.status(of: "Work") == .caught)
        #expect(overlay.status(of: "Recover") == .succeeded)
        #expect(overlay.status(of: "Finish") == .notReached)
        #expect(overlay.executionStatus == "SUCCEEDED")
        // The SVG carries the same classes the console styles.
        let svg = SVGRenderer.render(WorkflowGraph(definition: try JSON(parsing: Self.definition(catching: true))), overlay: overlay)
        #expect(svg.contains(#"class="state status-caught" id="state-s1" data-state="Work""#))
        #expect(svg.contains(#"class="state status-not-reached" id="state-s3" data-state="Finish""#))
    }

    /// A Fail state fails when entered; a Map that an iteration's Fail ended, and that a Catch
    /// led on from, is caught.
    @Test func aFailStateFailsAndTheMapItEndedIsCaught() async throws {
        let definition = """
            {"StartAt": "Each", "States": {
              "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Refuse", "States": {"Refuse": {"Type": "Fail", "Error": "No"}}},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "After"}], "End": true},
              "After": {"Type": "Pass", "End": true}}}
            """
        let (result, events) = try await history(definition, input: ["items": [1, 2]], executor: ClosureExecutor(input: { $0 }))
        #expect(result.status == .succeeded)
        let overlay = ExecutionOverlay(events: events)
        #expect(overlay.status(of: "Refuse") == .failed)
        #expect(overlay.status(of: "Each") == .caught)
        #expect(overlay.status(of: "After") == .succeeded)
    }

    @Test func anUncaughtFailureFailsItsState() async throws {
        let (result, events) = try await history(
            Self.definition(catching: false), executor: ClosureExecutor(input: { _ in throw StatesError("Broken", cause: "no") }))
        #expect(result.status == .failed)
        let overlay = ExecutionOverlay(events: events)
        #expect(overlay.status(of: "Work") == .failed)
        #expect(overlay.executionStatus == "FAILED")
    }

    @Test func aRetriedSuccessSucceedsAndARunningStateRuns() async throws {
        let attempts = Locked(0)
        let flaky = ClosureExecutor(input: { input in
            let attempt = attempts.withLock { count in
                count += 1
                return count
            }
            if attempt == 1 { throw StatesError("Flaky", cause: nil) }
            return input
        })
        let (result, events) = try await history(Self.definition(catching: true), executor: flaky)
        #expect(result.status == .succeeded)
        let overlay = ExecutionOverlay(events: events)
        #expect(overlay.status(of: "Work") == .succeeded)
        #expect(overlay.status(of: "Finish") == .succeeded)
        // Cut after the task was scheduled the second time: the execution is still in it.
        let cut = try #require(events.lastIndex { $0["type"]?.stringValue == "TaskScheduled" })
        let partial = ExecutionOverlay(events: Array(events[...cut]))
        #expect(partial.status(of: "Work") == .running)
        #expect(partial.status(of: "Finish") == .notReached)
        #expect(partial.executionStatus == "RUNNING")
        #expect(ExecutionOverlay(history: ["events": .array(events)])?.status(of: "Finish") == .succeeded)
        #expect(ExecutionOverlay(history: ["nothing": 1]) == nil)
    }
}

/// What an SVG document holds, read with an XML parser.
struct SVGShape {
    var wellFormed = false
    var error: String?
    var elements: Set<String> = []
    var states: [String] = []

    init(_ text: String) throws {
        let parser = XMLParser(data: Data(text.utf8))
        let reader = Reader()
        parser.delegate = reader
        wellFormed = parser.parse()
        error = parser.parserError.map { "\($0)" }
        elements = reader.elements
        states = reader.states
    }

    final class Reader: NSObject, XMLParserDelegate {
        var elements: Set<String> = []
        var states: [String] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.insert(elementName)
            if elementName == "g", let state = attributes["data-state"] { states.append(state) }
        }
    }
}
