/// Graphviz DOT (`dot -Tsvg`, `dot -Tpng`): Parallel branches and Map item processors as clusters.
public enum DOTRenderer {
    /// The graph as a `digraph`, coloured by `overlay` when given.
    public static func render(_ graph: WorkflowGraph, overlay: ExecutionOverlay? = nil, title: String = "state machine") -> String {
        var lines = [
            "digraph \(quote(title)) {",
            "    graph [rankdir=TB, compound=true, fontname=\"Helvetica\", fontsize=11, nodesep=0.35, ranksep=0.45];",
            "    node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#595959\", fontname=\"Helvetica\", fontsize=11];",
            "    edge [fontname=\"Helvetica\", fontsize=9, color=\"#595959\", arrowsize=0.7];",
        ]
        emit(graph.root, indent: "    ", overlay: overlay, lines: &lines)
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func emit(_ region: WorkflowGraph.Region, indent: String, overlay: ExecutionOverlay?, lines: inout [String]) {
        let retries = retries(region)
        for node in region.nodes {
            if node.isCompound {
                // The state's own box heads its cluster; a point below its branches is where it
                // leaves from, so edges in and out meet the cluster at its top and its bottom.
                lines.append("\(indent)subgraph cluster_\(node.id) {")
                lines.append("\(indent)    style=\"rounded,dashed\"; color=\"#8c8c8c\"; label=\"\";")
                lines.append("\(indent)    \(node.id) [\(attributes(node, retries: retries[node.id] ?? [], overlay: overlay))];")
                for (index, inner) in node.regions.enumerated() {
                    lines.append("\(indent)    subgraph cluster_\(node.id)_r\(index) {")
                    lines.append("\(indent)        style=\"rounded\"; color=\"#bfbfbf\"; fontsize=9; label=\(quote(inner.label));")
                    emit(inner, indent: indent + "        ", overlay: overlay, lines: &lines)
                    lines.append("\(indent)    }")
                    if let start = inner.start { lines.append("\(indent)    \(node.id) -> \(start) [style=dashed, arrowhead=none];") }
                    for last in lastNodes(inner) { lines.append("\(indent)    \(last) -> \(node.id)_join [style=dashed, arrowhead=none];") }
                }
                lines.append("\(indent)    \(node.id)_join [shape=point, width=0.08, color=\"#8c8c8c\"];")
                lines.append("\(indent)}")
            } else {
                lines.append("\(indent)\(node.id) [\(attributes(node, retries: retries[node.id] ?? [], overlay: overlay))];")
            }
        }
        let compound = Set(region.nodes.filter(\.isCompound).map(\.id))
        for edge in region.edges where edge.kind != .retry {
            let from = compound.contains(edge.from) ? edge.from + "_join" : edge.from
            var attributes: [String] = []
            if let label = edge.label { attributes.append("label=\(quote(label))") }
            switch edge.kind {
            case .catch: attributes += ["style=dashed", "color=\"#d48806\"", "fontcolor=\"#ad6800\""]
            case .retry: attributes += ["style=dotted", "color=\"#1a73e8\"", "fontcolor=\"#1a73e8\""]
            case .choiceDefault: attributes.append("style=bold")
            case .next, .choice: break
            }
            lines.append("\(indent)\(from) -> \(edge.to)" + (attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]") + ";")
        }
    }

    /// The states a region can finish in (End, Succeed, Fail).
    static func lastNodes(_ region: WorkflowGraph.Region) -> [String] {
        let leaving = Set(region.edges.filter { $0.kind == .next && $0.from != $0.to }.map(\.from))
        let ends = region.nodes.filter { node in
            node.type == "Succeed" || node.type == "Fail" || (!leaving.contains(node.id) && node.type != "Choice")
        }
        return ends.map { $0.isCompound ? $0.id + "_join" : $0.id }
    }

    /// Retriers go in the state's label (a loop per retrier crowds the drawing): each state's lines.
    private static func retries(_ region: WorkflowGraph.Region) -> [String: [String]] {
        var lines: [String: [String]] = [:]
        for edge in region.edges where edge.kind == .retry {
            let label = edge.label ?? "Retry"
            let text = label.hasPrefix("Retry ") ? String(label.dropFirst(6)) : label
            lines[edge.from, default: []].append("↻ " + (text.count > 44 ? String(text.prefix(43)) + "…" : text))
        }
        return lines
    }

    private static func attributes(_ node: WorkflowGraph.Node, retries: [String], overlay: ExecutionOverlay?) -> String {
        var label = node.name
        if !node.isMarker { label += "\n" + node.type + (node.detail.map { ": " + $0 } ?? "") }
        for retry in retries { label += "\n" + retry }
        var attributes = ["label=\(quote(label))", "id=\(quote("state-" + node.id))"]
        switch node.type {
        case "Start", "End":
            attributes += ["shape=circle", "style=filled", "fillcolor=\"#232f3e\"", "fontcolor=\"#ffffff\"", "width=0.6", "fixedsize=true"]
        case "Choice": attributes += ["shape=diamond", "style=filled", "fillcolor=\"#fff7e6\"", "color=\"#d48806\""]
        case "Succeed", "Fail": attributes += ["style=\"rounded,filled,bold\"", "fillcolor=\"#f0f0f0\""]
        default: break
        }
        if let overlay, !node.isMarker {
            let status = overlay.status(of: node.name)
            attributes += [
                "fillcolor=\(quote(Palette.fill(status)))", "color=\(quote(Palette.stroke(status)))",
                "class=\(quote(Palette.className(status)))",
            ]
            if status == .notReached { attributes.append("fontcolor=\"#8c8c8c\"") }
        }
        return attributes.joined(separator: ", ")
    }

    /// A DOT quoted string: quotes and backslashes escaped, line breaks as `\n`.
    static func quote(_ text: String) -> String {
        var quoted = "\""
        for character in text {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": break
            default: quoted.append(character)
            }
        }
        return quoted + "\""
    }
}
