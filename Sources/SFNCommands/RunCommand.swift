import ArgumentParser
import Foundation
import SFNJSON
import SFNLanguage
import SFNRuntime
import SFNServer
import Synchronization

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workflow and print its output (or its error and cause).",
        discussion: """
            Exit codes: 0 SUCCEEDED, 1 FAILED, 2 bad usage or invalid definition, 3 TIMED_OUT, 4 ABORTED.
            """
    )

    enum ResultFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The definition: ASL JSON or YAML, or a SAM/CloudFormation template.")
    var definition: String

    @Option(help: "A file with the execution input ('-' for standard input).")
    var input: String?

    @Option(name: .customLong("input-json"), help: "The execution input as inline JSON.")
    var inputJSON: String?

    @Option(help: "How to print the result: 'text' (output on stdout, error on stderr) or 'json' ({status, output, error, cause}).")
    var result: ResultFormat = .text

    @Flag(
        name: .customLong("history"),
        help: "Print the execution history events (on stderr in text mode, as \"history\" in the JSON result).")
    var historyFlag = false

    enum HistoryFormat: String, ExpressibleByArgument, CaseIterable {
        case json, table
    }

    @Option(
        name: .customLong("history-format"),
        help: "How --history prints in text mode: 'json' (the AWS events) or 'table' (one line per event); 'table' implies --history.")
    var historyFormat: HistoryFormat?

    var history: Bool { historyFlag || historyFormat != nil }

    @Flag(
        name: .customLong("progress"),
        help:
            "Show the running state, its elapsed time and Map item counts on stderr even when stderr is not a terminal (one line a second)."
    )
    var showProgress = false

    @Flag(name: .customLong("virtual-time"), help: "Use a virtual clock: Waits, retry back-offs and timeouts take no real time.")
    var virtualTime = false

    @Option(name: .customLong("state-machine"), help: "The state machine's logical id, for templates with several.")
    var stateMachine: String?

    @Option(
        name: .customLong("type"),
        help: "The state machine type: STANDARD or EXPRESS (default: the template's StateMachineType, else STANDARD).")
    var machineType: StateMachineType?

    @OptionGroup var account: AccountOptions

    @OptionGroup var templateParameters: TemplateParameterOptions

    @Option(help: "The execution name (default: a new UUID).")
    var name: String?

    @Option(name: .customLong("max-events"), help: "End the execution after this many history events.")
    var maxEvents: Int = 25_000

    @Option(
        help:
            "An executor configuration (JSON or YAML) routing Task resources and Lambda functions to local programs, endpoints or fixed results."
    )
    var config: String?

    @Option(
        name: .customLong("register"),
        help: "Another definition to load as a state machine (named after its file) for states:startExecution tasks; repeatable.")
    var registered: [String] = []

    @Option(name: .customLong("mock-config"), help: "A Step Functions Local mock configuration file.")
    var mockConfig: String?

    @Option(name: .customLong("test-case"), help: "The mock test case to use (with --mock-config).")
    var testCase: String?

    @Option(
        name: .customLong("callback-port"),
        help:
            "Serve task-token callbacks (SendTaskSuccess/Failure/Heartbeat, and POST /tokens/TOKEN/success|failure|heartbeat) on this loopback port while the workflow runs; 0 picks a free port."
    )
    var callbackPort: Int?

    @Flag(
        name: .customLong("allow-unrouted"),
        help: "Run even when a Task has no executor (it then fails when it runs, as an unknown Lambda function does on AWS).")
    var allowUnrouted = false

    @Option(
        name: .customLong("s3"),
        help: ArgumentHelp(ObjectStores.help, valueName: "DIR|URL"))
    var s3: String?

    func run() async throws {
        do {
            try await execute()
        } catch {
            if result == .json, case .usage(let message) = error {
                // Tools reading --result json get their one object whatever went wrong.
                let report: JSON = ["status": "USAGE_ERROR", "output": nil, "error": "sfn.UsageError", "cause": .string(message)]
                Terminal.write(report.compactText + "\n")
            }
            throw error.exit(quiet: { if case .execution = error { true } else { false } }())
        }
    }

    private func execute() async throws(CommandFailure) {
        SignalCleanup.install()
        let parameters = try templateParameters.values()
        let loaded = try DefinitionFiles.load(definition, stateMachine: stateMachine, account: account.value, parameters: parameters)
        let definitionJSON = loaded.definition
        let (executionInput, inputText) = try readInput()

        var configuration = virtualTime ? RuntimeConfiguration.virtualTime(startingAt: WallClock.system.now()) : RuntimeConfiguration()
        configuration.recordsHistory = history
        configuration.use(account.value)
        configuration.maxHistoryEvents = maxEvents
        configuration.machineType = machineType ?? loaded.machineType ?? .standard
        if let s3 { configuration.objects = ObjectStores.make(s3, region: configuration.region) }
        try configureExecutors(&configuration, stateMachineName: loaded.stateMachine ?? Self.machineName(definition))
        var callbacks: CallbackServer?
        if let callbackPort {
            do {
                let server = try await CallbackServer.start(tokens: configuration.tokens, port: callbackPort)
                callbacks = server
                Terminal.printError(
                    "Task-token callbacks: http://\(server.host):\(server.port)/ (AWS protocol, or POST /tokens/TOKEN/success with the output as body)"
                )
                // Callback tasks nobody else serves just announce their token and wait for it.
                let base = "http://\(server.host):\(server.port)"
                configuration.executors.register(
                    "*.waitForTaskToken",
                    ClosureExecutor { request in
                        if let token = request.taskToken {
                            Terminal.printError(
                                "State '\(request.stateName)' waits for task token \(token)\n  curl -X POST \(base)/tokens/\(token)/success -d '{\"ok\":true}'"
                            )
                        }
                        return .null
                    })
            } catch {
                throw .usage("cannot serve callbacks on port \(callbackPort): \(error)")
            }
        }
        // Nested executions (states:startExecution) resolve against this run's machine and --register ones.
        let directory = StateMachineDirectory()
        configuration.executors.registerNestedStateMachines(directory)
        let runtime: StateMachineRuntime
        do {
            runtime = try StateMachineRuntime(
                definition: definitionJSON, name: loaded.deployedName ?? loaded.stateMachine ?? Self.machineName(definition),
                configuration: configuration)
        } catch {
            throw invalid(describe(error, in: loaded))
        }
        directory.add(runtime)
        try refuseUnanswerableCallbacks(definitionJSON, configuration: configuration)
        if !allowUnrouted { try refuseUnroutedTasks(definitionJSON, configuration: configuration) }
        var others: [(LoadedDefinition, String)] = []
        for path in registered {
            let other = try DefinitionFiles.load(path, stateMachine: nil, account: account.value, parameters: parameters)
            others.append((other, other.stateMachine ?? Self.machineName(path)))
        }
        // The other state machines of the same template, for states:startExecution between them.
        if let chosen = loaded.stateMachine, let text = try? String(contentsOfFile: definition, encoding: .utf8) {
            for sibling in DefinitionLoader.stateMachineNames(text: text, file: definition) where sibling != chosen {
                // The template is one unit, as a stack is: a sibling that does not load stops the run.
                let other = try DefinitionFiles.load(definition, stateMachine: sibling, account: account.value, parameters: parameters)
                others.append((other, other.deployedName ?? sibling))
            }
        }
        for (other, otherName) in others {
            var otherConfiguration = configuration
            otherConfiguration.machineType = other.machineType ?? .standard
            do {
                directory.add(try StateMachineRuntime(definition: other.definition, name: otherName, configuration: otherConfiguration))
            } catch {
                throw invalid(describe(error, in: other))
            }
        }
        // The display observes from the first event (a fast run's states may all be entered
        // before start returns).
        let progress = ProgressDisplay.makeIfTerminal(enabled: result == .text || showProgress, forced: showProgress)
        var observer: StateMachineRuntime.EventObserver?
        if let progress { observer = { _, event in progress.handle(event) } }
        let execution = runtime.start(input: executionInput, name: name, inputText: inputText, observer: observer)
        progress?.poll(execution)
        SignalCleanup.describe.withLock { describe in
            describe = { [progress] in
                let state = progress?.whereabouts
                return "execution \(execution.name) stopped" + (state.map { " in \($0)" } ?? "")
                    + (execution.history.isEmpty ? "" : " after \(execution.history.count) history events")
            }
        }
        let outcome = await execution.result()
        progress?.finish()
        await callbacks?.stop()

        let events = JSON.array(execution.history.map(\.json))
        if history && result == .text {
            Terminal.printError(historyFormat == .table ? HistoryTable.render(execution.history) : events.prettyText)
        }
        switch result {
        case .json:
            var report = outcome.json
            if history, case .object(var members) = report {
                members["history"] = events
                report = .object(members)
            }
            Terminal.write(report.compactText + "\n")
        case .text:
            if outcome.status == .succeeded {
                Terminal.write((outcome.output ?? .null).prettyText + "\n")
            } else {
                var lines = ["\(outcome.status.rawValue)"]
                if let error = outcome.error { lines.append("error: \(error)") }
                if let cause = outcome.cause { lines.append("cause: \(cause)") }
                Terminal.printError(lines.joined(separator: "\n"))
            }
        }
        if outcome.status != .succeeded { throw .execution(status: outcome.status.rawValue) }
    }

    /// A `.waitForTaskToken` task with no executor waits for a callback; without
    /// `--callback-port` nothing could ever send it, and the run would hang without a word.
    private func refuseUnanswerableCallbacks(_ definition: JSON, configuration: RuntimeConfiguration) throws(CommandFailure) {
        guard callbackPort == nil, let machine = try? StateMachine.parse(definition) else { return }
        for (state, resource) in machine.taskResources
        where resource.hasSuffix(".waitForTaskToken") && configuration.executors.executor(for: resource) == nil {
            throw .usage(
                "state '\(state)' waits for a task token (\(resource)), but nothing can send it: run with --callback-port to answer it over HTTP, or route the resource to an executor with --config"
            )
        }
    }

    /// A Task that nothing serves would fail at run time, where a `Catch` on `States.ALL` could
    /// hide the mistake: before running, every Task must have a route (a mock, `--config`, or a
    /// built-in one), else the run is refused with the configuration lines that would route them.
    private func refuseUnroutedTasks(_ definition: JSON, configuration: RuntimeConfiguration) throws(CommandFailure) {
        var unrouted: [TaskRoute] = []
        for task in TaskRoute.all(in: definition) where !task.resource.hasSuffix(".waitForTaskToken") {
            if configuration.executors.serves(task, region: configuration.region, accountId: configuration.accountId) == false {
                unrouted.append(task)
            }
        }
        guard !unrouted.isEmpty else { return }
        throw .usage(UnroutedTasks.message(unrouted, hasConfig: config != nil))
    }

    /// Routes Task resources as `--config` and `--mock-config` say.
    private func configureExecutors(_ configuration: inout RuntimeConfiguration, stateMachineName: String) throws(CommandFailure) {
        if let config {
            do {
                configuration.executors = try ExecutorConfiguration.load(contentsOf: config).makeRegistry(random: configuration.random)
            } catch {
                throw .usage("--config \(config): \(error)")
            }
        }
        switch (mockConfig, testCase) {
        case (nil, nil):
            break
        case (let file?, let name?):
            do {
                let mocks = try MockConfiguration(contentsOf: file)
                configuration.useMocks(try mocks.testCase(name, stateMachine: stateMachine ?? stateMachineName))
            } catch {
                throw .usage("--mock-config \(file): \(error)")
            }
        default:
            throw .usage("--mock-config and --test-case go together")
        }
    }

    private func describe(_ report: ValidationReport, in loaded: LoadedDefinition) -> String {
        report.errors.map { diagnostic in
            "\(loaded.describeLocation(of: diagnostic.pointer)): error[\(diagnostic.code)] \(diagnostic.message) (at \(diagnostic.location.isEmpty ? "/" : diagnostic.location))"
        }.joined(separator: "\n")
    }

    private func invalid(_ message: String) -> CommandFailure {
        if result == .json {
            let report: JSON = [
                "status": "INVALID_DEFINITION", "output": nil, "error": "States.InvalidDefinition", "cause": .string(message),
            ]
            Terminal.write(report.compactText + "\n")
            return .invalidDefinition("")
        }
        return .invalidDefinition("invalid definition '\(definition)':\n\(message)")
    }

    /// The execution input, and its text as written (histories quote it, as AWS does).
    private func readInput() throws(CommandFailure) -> (JSON, String?) {
        if input != nil && inputJSON != nil { throw .usage("give either --input or --input-json, not both") }
        if let inputJSON {
            do {
                return (try JSON(parsing: inputJSON), inputJSON.trimmingCharacters(in: .whitespacesAndNewlines))
            } catch {
                throw .usage("--input-json is not valid JSON: \(error)")
            }
        }
        if let input {
            let data = try InputFiles.read(input)
            do {
                return (try JSON(parsing: data), String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            } catch {
                throw .usage("input '\(input)' is not valid JSON: \(error)")
            }
        }
        return (.emptyObject, nil)
    }

    static func machineName(_ path: String) -> String {
        var name = URL(fileURLWithPath: path).lastPathComponent
        for suffix in [".json", ".yaml", ".yml", ".asl"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        let allowed = name.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return allowed.isEmpty ? "StateMachine" : String(allowed.prefix(80))
    }

}

/// Shows which state is running on a terminal, on stderr, so stdout stays clean: the state and
/// how long it has run, redrawn while it waits (a long Wait, a task token, an activity worker),
/// the items an inline Map has done, and while a Distributed Map runs, how far its Map Run has
/// got (items read, ended, failed, per second). Off a terminal (`--progress`), one line a second.
final class ProgressDisplay: Sendable {
    private struct Screen {
        var entered = 0
        var current = ""
        var lastDraw: ContinuousClock.Instant?
        var drew = false
        let started = ContinuousClock.now
        var stateSince = ContinuousClock.now
        /// What the current state waits for, read from its last event.
        var waitingFor: String?
        /// The inline Maps open now: their item counts (innermost last).
        var maps: [(length: Int?, done: Int, failed: Int)] = []
        /// The last Map Run figures drawn: when, and how many items had ended.
        var lastMapRun: (at: ContinuousClock.Instant, ended: Int)?
    }

    private let screen = Locked(Screen())
    private let poller = Locked<Task<Void, Never>?>(nil)
    /// Whether stderr is a terminal (redraw one line in place) or not (append lines).
    private let inPlace: Bool

    init(inPlace: Bool) {
        self.inPlace = inPlace
    }

    static func makeIfTerminal(enabled: Bool, forced: Bool = false) -> ProgressDisplay? {
        guard enabled else { return nil }
        if Terminal.standardErrorIsTerminal { return ProgressDisplay(inPlace: true) }
        return forced ? ProgressDisplay(inPlace: false) : nil
    }

    /// Redraws twice a second until ``finish()``: the running Map Run if any, else the current
    /// state with its elapsed time when no transition has redrawn it for a second.
    func poll(_ execution: Execution) {
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                if let running = execution.mapRuns.last(where: { $0.status == .running }) {
                    draw(running)
                } else {
                    screen.withLock { screen in
                        if let last = screen.lastDraw, ContinuousClock.now - last < .seconds(1) { return }
                        drawState(&screen)
                    }
                }
            }
        }
        poller.withLock { $0 = task }
    }

    private func emit(_ line: String) {
        Terminal.printErrorInline(inPlace ? "\r\u{1B}[K" + line : line + "\n")
    }

    private func draw(_ report: MapRunReport) {
        screen.withLock { screen in
            let now = ContinuousClock.now
            if !inPlace, let last = screen.lastDraw, now - last < .seconds(1) { return }
            let counts = report.items
            let ended = counts.succeeded + counts.failed + counts.timedOut + counts.aborted
            var rate = ""
            if let last = screen.lastMapRun {
                let seconds = (now - last.at) / .seconds(1)
                if seconds > 0 { rate = " · \(Self.grouped(Int(Double(ended - last.ended) / seconds))) items/s" }
            }
            screen.lastMapRun = (now, ended)
            screen.lastDraw = now
            screen.drew = true
            // mapRun:MACHINE/LABEL:ID; without a Label, LABEL is a UUID, not worth showing.
            let label = report.arn.split(separator: ":").dropLast().last?.split(separator: "/").last.map(String.init) ?? ""
            let named = label.isEmpty || UUID(uuidString: label) != nil ? "" : " \(label)"
            emit(
                "▸ Map Run\(named): \(Self.grouped(counts.total)) items read · \(Self.grouped(ended)) ended"
                    + " (\(Self.grouped(counts.failed + counts.timedOut)) failed) · \(Self.grouped(counts.running)) running\(rate)")
        }
    }

    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var text = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return number < 0 ? "-" + text : text
    }

    /// `12 s`, `3 min 04 s`, `2 h 05 min`.
    static func elapsed(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min \(String(format: "%02d", seconds % 60)) s" }
        return "\(seconds / 3600) h \(String(format: "%02d", seconds % 3600 / 60)) min"
    }

    /// `▸ 5 states entered · in Approval for 12 s, waiting for its task token · Map 40/100 items done · 20 s in all`.
    static func stateLine(
        entered: Int, state: String, inState: Duration, total: Duration, waitingFor: String?,
        map: (length: Int?, done: Int, failed: Int)?
    ) -> String {
        var line = "▸ \(grouped(entered)) states entered · in \(state) for \(elapsed(inState))"
        if let waitingFor { line += ", \(waitingFor)" }
        if let map {
            line += " · Map \(grouped(map.done))" + (map.length.map { "/\(grouped($0))" } ?? "") + " items done"
            if map.failed > 0 { line += " (\(grouped(map.failed)) failed)" }
        }
        return line + " · \(elapsed(total)) in all"
    }

    private func drawState(_ screen: inout Screen) {
        guard !screen.current.isEmpty else { return }
        let now = ContinuousClock.now
        screen.lastDraw = now
        screen.drew = true
        emit(
            Self.stateLine(
                entered: screen.entered, state: screen.current, inState: now - screen.stateSince, total: now - screen.started,
                waitingFor: screen.waitingFor, map: screen.maps.last))
    }

    func handle(_ event: HistoryEvent) {
        screen.withLock { screen in
            let type = event.type
            switch type {
            case "MapStateStarted":
                if !screen.maps.isEmpty { screen.maps[screen.maps.count - 1].length = event.details?["length"]?.intValue }
            case "MapIterationSucceeded":
                if !screen.maps.isEmpty { screen.maps[screen.maps.count - 1].done += 1 }
            case "MapIterationFailed", "MapIterationAborted":
                if !screen.maps.isEmpty { screen.maps[screen.maps.count - 1].failed += 1 }
            case "MapStateExited":  // (a failed Map is exited too)
                if !screen.maps.isEmpty { screen.maps.removeLast() }
            case "WaitStateEntered":
                screen.waitingFor = "waiting"
            case "TaskScheduled":
                let resource = event.details?["resource"]?.stringValue ?? ""
                screen.waitingFor = resource.hasSuffix(".waitForTaskToken") ? "waiting for its task token" : "waiting for the task"
            case "ActivityScheduled":
                screen.waitingFor = "waiting for an activity worker"
            case "ActivityStarted":
                screen.waitingFor = "waiting for the activity worker to finish"
            default:
                break
            }
            guard type.hasSuffix("StateEntered") else { return }
            if type == "MapStateEntered" { screen.maps.append((nil, 0, 0)) }
            if type != "WaitStateEntered" { screen.waitingFor = nil }
            screen.entered += 1
            screen.current = event.stateName ?? screen.current
            let now = ContinuousClock.now
            screen.stateSince = now
            if let last = screen.lastDraw, now - last < (inPlace ? .milliseconds(200) : .seconds(1)) { return }
            screen.lastDraw = now
            screen.drew = true
            emit("▸ \(screen.entered) states entered · now in \(screen.current)")
        }
    }

    /// Where the run is: its state, and a running Map Run's figures.
    var whereabouts: String? {
        let (state, entered) = screen.withLock { ($0.current, $0.entered) }
        guard !state.isEmpty else { return nil }
        return "state '\(state)' (\(entered) states entered)"
    }

    func finish() {
        poller.withLock { $0?.cancel() }
        screen.withLock { screen in
            if screen.drew && inPlace { Terminal.printErrorInline("\r\u{1B}[K") }
        }
    }
}

extension Terminal {
    static func printErrorInline(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

extension StateMachineType: ExpressibleByArgument {}
