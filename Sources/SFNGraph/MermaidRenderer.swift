/// Mermaid flowchart text (pastes into GitHub Markdown, docs and mermaid.live).
public enum MermaidRenderer {
    /// The graph as a `flowchart TD`, coloured by `overlay` when given.
    public static func render(_ graph: WorkflowGraph, overlay: ExecutionOverlay? = nil) -> String {
        var lines = ["flowchart TD"]
        var edges: [String] = []
        emit(graph.root, indent: "    ", lines: &lines, edges: &edges)
        lines += edges
        lines.append("    classDef marker fill:#232f3e,color:#ffffff,stroke:#232f3e")
        lines.append("    classDef choice fill:#fff7e6,stroke:#d48806")
        lines.append("    classDef terminal fill:#f0f0f0,stroke:#595959")
        let markers = graph.root.nodes.filter(\.isMarker).map(\.id)
        if !markers.isEmpty { lines.append("    class \(markers.joined(separator: ",")) marker") }
        let states = graph.allStates
        let choices = states.filter { $0.type == "Choice" }.map(\.id)
        if !choices.isEmpty { lines.append("    class \(choices.joined(separator: ",")) choice") }
        let terminals = states.filter { $0.type == "Succeed" || $0.type == "Fail" }.map(\.id)
        if !terminals.isEmpty { lines.append("    class \(terminals.joined(separator: ",")) terminal") }
        if let overlay {
            for status in ExecutionOverlay.Status.allCases {
                let style = Palette.mermaid(status)
                lines.append("    classDef \(Palette.className(status)) \(style)")
                let ids = states.filter { overlay.status(of: $0.name) == status }.map(\.id)
                if !ids.isEmpty { lines.append("    class \(ids.joined(separator: ",")) \(Palette.className(status))") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func emit(_ region: WorkflowGraph.Region, indent: String, lines: inout [String], edges: inout [String]) {
        let compound = Set(region.nodes.filter(\.isCompound).map(\.id))
        for node in region.nodes {
            if node.isCompound {
                // A loop on a subgraph does not draw; its retries go in its title instead.
                let retries = region.edges.filter { $0.kind == .retry && $0.from == node.id }.compactMap(\.label)
                let title = "\(node.name) (\(node.type))" + retries.map { " · " + $0 }.joined()
                lines.append("\(indent)subgraph \(node.id) [\"\(escape(title))\"]")
                lines.append("\(indent)    direction TB")
                for (index, inner) in node.regions.enumerated() {
                    let regionId = "\(node.id)_r\(index)"
                    lines.append("\(indent)    subgraph \(regionId) [\"\(escape(inner.label))\"]")
                    lines.append("\(indent)        direction TB")
                    emit(inner, indent: indent + "        ", lines: &lines, edges: &edges)
                    lines.append("\(indent)    end")
                }
                lines.append("\(indent)end")
            } else {
                lines.append(indent + shape(node))
            }
        }
        for edge in region.edges where !(edge.kind == .retry && compound.contains(edge.from)) {
            let arrow = edge.kind == .catch || edge.kind == .retry ? "-.->" : "-->"
            if let label = edge.label {
                edges.append("    \(edge.from) \(arrow)|\"\(escape(label))\"| \(edge.to)")
            } else {
                edges.append("    \(edge.from) \(arrow) \(edge.to)")
            }
        }
    }

    private static func shape(_ node: WorkflowGraph.Node) -> String {
        var label = escape(node.name)
        if !node.isMarker {
            label += "<br/><small>\(escape(node.type))" + (node.detail.map { ": " + escape($0) } ?? "") + "</small>"
        }
        switch node.type {
        case "Start", "End": return "\(node.id)((\"\(label)\"))"
        case "Choice": return "\(node.id){\"\(label)\"}"
        case "Succeed", "Fail": return "\(node.id)([\"\(label)\"])"
        case "Wait": return "\(node.id)[/\"\(label)\"/]"
        default: return "\(node.id)[\"\(label)\"]"
        }
    }

    /// Mermaid's entity codes for what would end a quoted label or be read as markup.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\"": escaped += "#quot;"
            case "#": escaped += "#35;"
            case "<": escaped += "#lt;"
            case ">": escaped += "#gt;"
            case "&": escaped += "#amp;"
            case "|": escaped += "#124;"
            case "\n", "\r": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// The colours of the execution statuses, shared by every format.
enum Palette {
    static func className(_ status: ExecutionOverlay.Status) -> String { "status-" + status.rawValue }

    static func fill(_ status: ExecutionOverlay.Status) -> String {
        switch status {
        case .notReached: "#f5f5f5"
        case .running: "#d6e8ff"
        case .succeeded: "#d9f2d9"
        case .failed: "#ffd6d6"
        case .caught: "#ffe8c2"
        case .stopped: "#e6e6e6"
        }
    }

    static func stroke(_ status: ExecutionOverlay.Status) -> String {
        switch status {
        case .notReached: "#bfbfbf"
        case .running: "#1a73e8"
        case .succeeded: "#2e7d32"
        case .failed: "#c62828"
        case .caught: "#d48806"
        case .stopped: "#595959"
        }
    }

    static func mermaid(_ status: ExecutionOverlay.Status) -> String {
        "fill:\(fill(status)),stroke:\(stroke(status))" + (status == .notReached ? ",color:#8c8c8c" : "")
    }
}
