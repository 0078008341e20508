import HTTPTypes
import Hummingbird
import NIOCore
import SFNConsole
import SFNGraph
import SFNJSON
import SFNLanguage
import SFNRuntime

/// The browser console `sfn serve` offers at `/`: its page and script (embedded, nothing fetched
/// from elsewhere), and two read-only views the API lacks: a state machine's or an execution's
/// graph as SVG, and the task tokens an execution waits on. Everything that changes state goes
/// through the API's own POST.
enum ConsoleRoutes {
    static func add(to router: Router<BasicRequestContext>, service: StepFunctionsService) {
        router.get("/") { _, _ in asset(ConsoleAssets.page, type: "text/html; charset=utf-8") }
        router.get("/console") { _, _ in asset(ConsoleAssets.page, type: "text/html; charset=utf-8") }
        router.get("/console/app.js") { _, _ in asset(ConsoleAssets.script, type: "text/javascript; charset=utf-8") }
        router.get("/console/app.css") { _, _ in asset(ConsoleAssets.styles, type: "text/css; charset=utf-8") }
        router.get("/console/graph.svg") { request, _ -> Response in
            do {
                let query = request.uri.queryParameters
                let svg: String
                if let arn = query.get("executionArn") {
                    svg = try service.executionGraph(arn)
                } else if let arn = query.get("stateMachineArn") {
                    svg = try service.stateMachineGraph(arn)
                } else {
                    throw ServerError.missing("stateMachineArn")
                }
                return asset(svg, type: "image/svg+xml; charset=utf-8")
            } catch {
                return StepFunctionsRoutes.respond(error)
            }
        }
        router.get("/console/tasks") { request, _ -> Response in
            do {
                guard let arn = request.uri.queryParameters.get("executionArn") else { throw ServerError.missing("executionArn") }
                return StepFunctionsRoutes.respond(try service.waitingTasks(arn))
            } catch {
                return StepFunctionsRoutes.respond(error)
            }
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(text)
        var headers: HTTPFields = [.contentType: type, .contentLength: String(buffer.readableBytes), .cacheControl: "no-cache"]
        // Only this server's own script and styles run; the SVG graphs carry inline styles.
        if let policy = HTTPField.Name("Content-Security-Policy") {
            headers[policy] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
        }
        if let sniff = HTTPField.Name("X-Content-Type-Options") { headers[sniff] = "nosniff" }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }
}

extension StepFunctionsService {
    /// A state machine's graph (its latest revision).
    func stateMachineGraph(_ arn: String) throws(ServerError) -> String {
        let described = try describeStateMachine(RequestFields(["stateMachineArn": .string(arn)]))
        guard let text = described["definition"]?.stringValue, let definition = try? JSON(parsing: text) else {
            throw .invalidArn(arn)
        }
        return SVGRenderer.render(WorkflowGraph(definition: definition), title: described["name"]?.stringValue)
    }

    /// An execution's graph, each state coloured by what happened to it so far. A Distributed
    /// Map's child execution is drawn as its item processor.
    func executionGraph(_ arn: String) throws(ServerError) -> String {
        if arn.contains("/"), lock.withLock({ executions[arn] }) == nil, let (processor, events) = childProcessor(arn) {
            return SVGRenderer.render(WorkflowGraph(definition: processor), overlay: ExecutionOverlay(events: events.map(\.json)))
        }
        let described = try describeStateMachineForExecution(RequestFields(["executionArn": .string(arn)]))
        guard let text = described["definition"]?.stringValue, let definition = try? JSON(parsing: text) else {
            throw .invalidArn(arn)
        }
        let overlay = ExecutionOverlay(events: try existingExecution(arn).execution.history.map(\.json))
        return SVGRenderer.render(WorkflowGraph(definition: definition), overlay: overlay, title: described["name"]?.stringValue)
    }

    /// The item processor a Map Run's child execution runs, and the child's events: the
    /// Distributed Map of the parent's definition whose Label the child's ARN names (or the only
    /// one, when the label was generated).
    func childProcessor(_ arn: String) -> (JSON, [HistoryEvent])? {
        guard let parsed = ARN(parsing: arn), parsed.resourceParts.count == 3 else { return nil }
        let label = parsed.resourceParts[1].split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        let machine = parsed.resourceParts[1].split(separator: "/").first.map(String.init) ?? ""
        let candidates = lock.withLock { (executionsByMachine[machineArn(machine)] ?? []).reversed() }
        for record in candidates {
            for run in record.execution.mapRuns {
                guard let child = run.children.first(where: { $0.arn == arn }) else { continue }
                let text = record.machine.description(of: record.revision)["definition"]?.stringValue ?? ""
                guard let definition = try? JSON(parsing: text) else { return nil }
                var distributed: [JSON] = []
                Self.collectDistributedMaps(definition, into: &distributed)
                let chosen = distributed.first { $0["Label"]?.stringValue == label } ?? (distributed.count == 1 ? distributed.first : nil)
                guard let processor = chosen?["ItemProcessor"] ?? chosen?["Iterator"] else { return nil }
                return (processor, child.events)
            }
        }
        return nil
    }

    private static func collectDistributedMaps(_ machine: JSON, into found: inout [JSON]) {
        for (_, state) in machine["States"]?.objectValue ?? [:] {
            if state["Type"]?.stringValue == "Map", let processor = state["ItemProcessor"] ?? state["Iterator"] {
                if processor["ProcessorConfig"]?["Mode"]?.stringValue == "DISTRIBUTED" { found.append(state) }
                collectDistributedMaps(processor, into: &found)
            }
            for branch in state["Branches"]?.arrayValue ?? [] { collectDistributedMaps(branch, into: &found) }
        }
    }

    /// The tasks of an execution that wait for a task token now: `{"tasks": [{taskToken,
    /// stateName, enteredEventId}]}`, so the console can answer them.
    func waitingTasks(_ arn: String) throws(ServerError) -> JSON {
        let record = try existingExecution(arn)
        let history = record.execution.history
        var names: [Int: String] = [:]
        for event in history where event.type.hasSuffix("StateEntered") { names[event.id] = event.stateName }
        var tasks: [JSON] = []
        for (token, seed) in callbacks.tokens.waiting(seedPrefix: arn + "|") {
            // The seed is `ARN|redrive|enteredEventId|retry`.
            let parts = seed.dropFirst(arn.count + 1).split(separator: "|")
            let entered = parts.count >= 2 ? Int(parts[1]) : nil
            tasks.append([
                "taskToken": .string(token), "stateName": entered.flatMap { names[$0] }.map(JSON.string) ?? .null,
                "enteredEventId": entered.map(JSON.int) ?? .null,
            ])
        }
        tasks.sort { ($0["enteredEventId"]?.intValue ?? 0) < ($1["enteredEventId"]?.intValue ?? 0) }
        return ["tasks": .array(tasks)]
    }
}
