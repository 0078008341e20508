import SFNJSON

/// A state machine as a graph: its states as nodes, its transitions as labelled edges, and the
/// Parallel branches and Map item processors as regions nested in the node of their state.
///
/// Built from definition JSON that has already been validated (``WorkflowGraph/init(definition:)``
/// skips what it does not understand rather than failing, so a definition the parser accepts
/// always draws).
public struct WorkflowGraph: Sendable {
    /// The top level: its states, plus the Start and End markers.
    public var root: Region

    /// One node: a state, or the Start/End marker of the top level.
    public struct Node: Sendable {
        /// An identifier safe in Mermaid, DOT and SVG ids (`s0`, `s1`, ...; `sfn_start`, `sfn_end`).
        public var id: String
        /// The state's name (`Start`/`End` for the markers).
        public var name: String
        /// `Type` as written (`Pass`, `Task`, ...), or `Start`/`End` for the markers.
        public var type: String
        /// The regions drawn inside it: Parallel branches, a Map's item processor.
        public var regions: [Region]
        /// What a Task calls, for its label (the resource's last part).
        public var detail: String?

        /// Whether this is the Start or End marker rather than a state.
        public var isMarker: Bool { type == "Start" || type == "End" }
        /// Parallel and Map: nodes drawn as boxes holding their regions.
        public var isCompound: Bool { !regions.isEmpty }
    }

    /// How one state leads to another.
    public enum EdgeKind: String, Sendable {
        /// `Next`, or Start to `StartAt`, or a terminal state to End.
        case next
        /// A Choice rule's `Next`.
        case choice
        /// A Choice's `Default`.
        case choiceDefault = "default"
        /// A `Catch` clause's `Next`.
        case `catch`
        /// A `Retry` clause (an edge from the state to itself).
        case retry
    }

    /// A transition.
    public struct Edge: Sendable {
        /// The node the edge leaves.
        public var from: String
        /// The node it reaches.
        public var to: String
        /// What kind of transition it is.
        public var kind: EdgeKind
        /// The rule, the errors caught or retried; nil for a plain Next.
        public var label: String?
    }

    /// A state machine's level: the top level, a branch or an item processor.
    public struct Region: Sendable {
        /// `Branch 1`, `Item processor`, ... (empty for the top level).
        public var label: String
        /// The id of the node `StartAt` names (the Start marker at the top level).
        public var start: String?
        /// The nodes in definition order.
        public var nodes: [Node]
        /// The edges between them.
        public var edges: [Edge]
    }

    /// The graph of `definition` (ASL JSON, already validated).
    public init(definition: JSON) {
        var numbering = Numbering()
        root = Self.region(definition, label: "", topLevel: true, numbering: &numbering)
    }

    /// Every state node at every depth, in definition order (a compound state before its regions' states).
    public var allStates: [Node] {
        var nodes: [Node] = []
        func visit(_ region: Region) {
            for node in region.nodes where !node.isMarker {
                nodes.append(node)
                for inner in node.regions { visit(inner) }
            }
        }
        visit(root)
        return nodes
    }

    struct Numbering {
        var next = 0
        mutating func id() -> String {
            defer { next += 1 }
            return "s\(next)"
        }
    }

    private static func region(_ machine: JSON, label: String, topLevel: Bool, numbering: inout Numbering) -> Region {
        let states = machine["States"]?.objectValue ?? [:]
        var ids: [String: String] = [:]
        for name in states.keys { ids[name] = numbering.id() }
        var nodes: [Node] = []
        var edges: [Edge] = []
        if topLevel { nodes.append(Node(id: "sfn_start", name: "Start", type: "Start", regions: [], detail: nil)) }
        let startAt = machine["StartAt"]?.stringValue.flatMap { ids[$0] }
        if topLevel, let startAt { edges.append(Edge(from: "sfn_start", to: startAt, kind: .next, label: nil)) }
        var reachesEnd = false
        for (name, state) in states {
            guard let id = ids[name] else { continue }
            let type = state["Type"]?.stringValue ?? "?"
            var regions: [Region] = []
            if type == "Parallel" {
                for (index, branch) in (state["Branches"]?.arrayValue ?? []).enumerated() {
                    regions.append(region(branch, label: "Branch \(index + 1)", topLevel: false, numbering: &numbering))
                }
            } else if type == "Map", let processor = state["ItemProcessor"] ?? state["Iterator"] {
                let distributed = processor["ProcessorConfig"]?["Mode"]?.stringValue == "DISTRIBUTED"
                regions.append(
                    region(
                        processor, label: distributed ? "Item processor (distributed)" : "Item processor", topLevel: false,
                        numbering: &numbering))
            }
            let detail = type == "Task" ? state["Resource"]?.stringValue.map(resourceLabel) : nil
            nodes.append(Node(id: id, name: name, type: type, regions: regions, detail: detail))

            if let next = state["Next"]?.stringValue, let target = ids[next] {
                edges.append(Edge(from: id, to: target, kind: .next, label: nil))
            }
            if type == "Choice" {
                for rule in state["Choices"]?.arrayValue ?? [] {
                    if let next = rule["Next"]?.stringValue, let target = ids[next] {
                        edges.append(Edge(from: id, to: target, kind: .choice, label: ChoiceLabel.describe(rule)))
                    }
                }
                if let next = state["Default"]?.stringValue, let target = ids[next] {
                    edges.append(Edge(from: id, to: target, kind: .choiceDefault, label: "Default"))
                }
            }
            for retrier in state["Retry"]?.arrayValue ?? [] {
                var text = "Retry " + errorList(retrier)
                if let attempts = retrier["MaxAttempts"]?.intValue { text += " ×\(attempts)" } else { text += " ×3" }
                edges.append(Edge(from: id, to: id, kind: .retry, label: text))
            }
            for catcher in state["Catch"]?.arrayValue ?? [] {
                if let next = catcher["Next"]?.stringValue, let target = ids[next] {
                    edges.append(Edge(from: id, to: target, kind: .catch, label: "Catch " + errorList(catcher)))
                }
            }
            let ends = type == "Succeed" || type == "Fail" || state["End"]?.boolValue == true
            if topLevel && ends {
                edges.append(Edge(from: id, to: "sfn_end", kind: .next, label: nil))
                reachesEnd = true
            }
        }
        if topLevel && (reachesEnd || states.isEmpty) {
            nodes.append(Node(id: "sfn_end", name: "End", type: "End", regions: [], detail: nil))
        }
        return Region(label: label, start: topLevel ? "sfn_start" : startAt, nodes: nodes, edges: edges)
    }

    private static func errorList(_ clause: JSON) -> String {
        let errors = (clause["ErrorEquals"]?.arrayValue ?? []).compactMap(\.stringValue)
        return errors.isEmpty ? "(no errors)" : errors.joined(separator: ", ")
    }

    /// `arn:aws:states:::lambda:invoke` → `lambda:invoke`; a function's ARN → its name.
    static func resourceLabel(_ resource: String) -> String {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        if resource.hasPrefix("arn:aws:states:::"), parts.count > 5 { return parts[5...].joined(separator: ":") }
        if parts.count >= 7, parts[2] == "lambda" { return "λ " + parts[6...].joined(separator: ":") }
        if parts.count >= 7, parts[2] == "states", parts[5] == "activity" { return "activity " + parts[6...].joined(separator: ":") }
        return resource.count > 40 ? String(resource.suffix(40)) : resource
    }
}
