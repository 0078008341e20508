import ArgumentParser
import Foundation
import SFNGraph
import SFNJSON
import SFNLanguage
import SFNRuntime

struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a state machine as Mermaid, Graphviz DOT or SVG, optionally coloured by one execution.",
        discussion: """
            Mermaid pastes into GitHub Markdown (a ```mermaid block). SVG is laid out by Graphviz's dot when it is
            installed (Debian: graphviz) and by sfn's own layered layout otherwise (--layout builtin forces it).
            --execution colours each state: succeeded, failed, caught, running, stopped or not reached. It reads a
            history file (sfn run --result json --history, or aws stepfunctions get-execution-history), or an
            execution ARN from a running `sfn serve` (--endpoint); with an ARN the definition may be left out.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case mermaid, dot, svg
    }

    enum Layout: String, ExpressibleByArgument, CaseIterable {
        case auto, builtin, dot
    }

    @Argument(help: "The definition: ASL JSON or YAML, or a SAM/CloudFormation template.")
    var definition: String?

    @Option(help: "mermaid (default), dot or svg.")
    var format: Format = .mermaid

    @Option(help: "A history file, or an execution ARN on the server --endpoint names.")
    var execution: String?

    @Option(help: "The sfn serve (or Step Functions) endpoint an execution ARN is read from.")
    var endpoint = "http://127.0.0.1:8083"

    @Option(help: "How SVG is laid out: auto (Graphviz's dot when installed), builtin or dot.")
    var layout: Layout = .auto

    @Option(name: .customLong("state-machine"), help: "The state machine's logical id, for templates with several.")
    var stateMachine: String?

    @OptionGroup var account: AccountOptions

    @OptionGroup var templateParameters: TemplateParameterOptions

    func run() async throws {
        do {
            try await draw()
        } catch {
            throw error.exit()
        }
    }

    private func draw() async throws(CommandFailure) {
        var overlay: ExecutionOverlay?
        var definitionJSON: JSON
        var title = definition.map(RunCommand.machineName) ?? "execution"
        if let execution, execution.hasPrefix("arn:") {
            let client = APIClient(endpoint: endpoint)
            overlay = ExecutionOverlay(events: try await client.history(of: execution))
            if definition == nil {
                let described = try await client.call("DescribeStateMachineForExecution", ["executionArn": .string(execution)])
                guard let text = described["definition"]?.stringValue, let parsed = try? JSON(parsing: text) else {
                    throw .usage("\(endpoint) gave no definition for \(execution)")
                }
                definitionJSON = parsed
                title = described["name"]?.stringValue ?? title
            } else {
                definitionJSON = .null
            }
        } else {
            if let execution {
                let data = try InputFiles.read(execution)
                guard let history = try? JSON(parsing: data), let read = ExecutionOverlay(history: history) else {
                    throw .usage("--execution \(execution): not a history (a list of events, {\"events\": [...]} or {\"history\": [...]})")
                }
                overlay = read
            }
            definitionJSON = .null
        }
        if let definition {
            let loaded = try DefinitionFiles.load(
                definition, stateMachine: stateMachine, account: account.value, parameters: try templateParameters.values())
            definitionJSON = loaded.definition
            do {
                _ = try StateMachine.parse(definitionJSON)
            } catch {
                let lines = error.errors.map { "\(loaded.describeLocation(of: $0.pointer)): error[\($0.code)] \($0.message)" }
                throw .invalidDefinition("invalid definition '\(definition)':\n" + lines.joined(separator: "\n"))
            }
        } else if execution?.hasPrefix("arn:") != true {
            throw .usage("give a definition file (or --execution with an execution ARN)")
        }
        let graph = WorkflowGraph(definition: definitionJSON)
        switch format {
        case .mermaid: Terminal.write(MermaidRenderer.render(graph, overlay: overlay))
        case .dot: Terminal.write(DOTRenderer.render(graph, overlay: overlay, title: title))
        case .svg:
            let dot = layout == .builtin ? nil : Self.findDot()
            if layout == .dot && dot == nil { throw .usage("--layout dot: Graphviz's dot is not installed (Debian: apt install graphviz)") }
            if let dot {
                switch await Self.runDot(dot, DOTRenderer.render(graph, overlay: overlay, title: title)) {
                case .success(let svg):
                    Terminal.write(svg)
                    return
                case .failure(let failure):
                    if layout == .dot { throw .usage("dot failed: \(failure.message)") }
                    Terminal.printError("warning: dot failed (\(failure.message)); using the built-in layout")
                }
            }
            Terminal.write(SVGRenderer.render(graph, overlay: overlay, title: title))
        }
    }

    /// `dot` on the PATH, if Graphviz is installed.
    static func findDot() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/dot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct DotFailure: Error {
        var message: String
    }

    /// How long `dot` may take, and how much SVG it may write, before it is stopped (a hostile
    /// definition can keep its layout busy for a very long time).
    static let dotTimeoutSeconds = 60.0
    static let dotOutputLimit = 64 << 20

    /// `dot -Tsvg` over `source`, under the project's program runner and its limits.
    static func runDot(_ executable: String, _ source: String) async -> Result<String, DotFailure> {
        let launch = ProgramLaunch(
            executable: executable, arguments: ["-Tsvg"], environment: ProcessInfo.processInfo.environment,
            timeoutSeconds: dotTimeoutSeconds, stdoutLimit: dotOutputLimit, stderrKeptBytes: 16 * 1024)
        switch await ProgramRun.run(launch, stdin: Array(source.utf8)) {
        case .failure(let failure):
            return .failure(DotFailure(message: failure.message))
        case .success(let outcome):
            switch outcome.termination {
            case .exited(0): return .success(String(decoding: outcome.stdout, as: UTF8.self))
            case .exited(let status):
                let message = String(decoding: outcome.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                return .failure(.init(message: message.isEmpty ? "exit status \(status)" : message))
            case .signalled(let signal): return .failure(.init(message: "killed by signal \(signal)"))
            case .timedOut(let seconds): return .failure(.init(message: "no layout after \(Int(seconds)) s"))
            case .outputTooLarge(let bytes): return .failure(.init(message: "more than \(bytes) bytes of SVG"))
            }
        }
    }
}

/// The few Step Functions API calls `sfn graph` makes (unsigned, plain HTTP: `sfn serve` on loopback).
struct APIClient {
    var endpoint: String

    func call(_ operation: String, _ body: JSONObject) async throws(CommandFailure) -> JSON {
        let response: PlainHTTPClient.Response
        do {
            response = try await PlainHTTPClient.post(
                endpoint,
                headers: [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AWSStepFunctions.\(operation)")],
                body: Array(JSON.object(body).compactText.utf8), timeoutSeconds: 30)
        } catch {
            throw .usage("cannot reach \(endpoint): \(error)")
        }
        guard let answer = try? JSON(parsing: String(decoding: response.body, as: UTF8.self)) else {
            throw .usage("\(endpoint) answered \(operation) with something not JSON (HTTP \(response.status))")
        }
        if let type = answer["__type"]?.stringValue {
            throw .usage(
                "\(operation): \(type.split(separator: "#").last.map(String.init) ?? type): \(answer["message"]?.stringValue ?? "")")
        }
        return answer
    }

    /// Every event of the execution, page by page.
    func history(of executionArn: String) async throws(CommandFailure) -> [JSON] {
        var events: [JSON] = []
        var next: String?
        repeat {
            var body: JSONObject = ["executionArn": .string(executionArn), "maxResults": 1000]
            if let next { body["nextToken"] = .string(next) }
            let page = try await call("GetExecutionHistory", body)
            events += page["events"]?.arrayValue ?? []
            next = page["nextToken"]?.stringValue
        } while next != nil && events.count < 1_000_000
        return events
    }
}
