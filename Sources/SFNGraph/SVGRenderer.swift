/// A self-contained SVG of the built-in layout: no script, no external font or stylesheet.
///
/// Every state is a `<g class="state status-…" id="state-sN" data-state="Name">`, so a page can
/// find and restyle it.
public enum SVGRenderer {
    /// The graph as an SVG document, coloured by `overlay` when given.
    public static func render(_ graph: WorkflowGraph, overlay: ExecutionOverlay? = nil, title: String? = nil) -> String {
        let layout = LayeredLayout(region: graph.root)
        let margin = 16.0
        let width = layout.width + 2 * margin
        let height = layout.height + 2 * margin
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="sfn-graph" width="\(number(width))" height="\(number(height))" \
            viewBox="0 0 \(number(width)) \(number(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">

            """
        if let title { out += "<title>\(escape(title))</title>\n" }
        out += style
        out += """
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">\
            <path d="M0,0 L10,5 L0,10 z" fill="#595959"/></marker></defs>

            """
        draw(layout, dx: margin, dy: margin, overlay: overlay, into: &out)
        out += "</svg>\n"
        return out
    }

    private static let style = """
        <style>
        .state rect, .state polygon { fill: #ffffff; stroke: #595959; stroke-width: 1.2; }
        .state .name { font-weight: bold; fill: #1f1f1f; }
        .state .type { fill: #595959; font-size: 10px; }
        .marker circle { fill: #232f3e; }
        .marker text { fill: #ffffff; font-size: 10px; }
        .compound > rect.frame { fill: #fafafa; stroke-dasharray: 5 3; }
        .region rect { fill: #ffffff; stroke: #d9d9d9; }
        .region text { fill: #8c8c8c; font-size: 10px; }
        .edge { fill: none; stroke: #595959; stroke-width: 1.2; }
        .edge.catch { stroke: #d48806; stroke-dasharray: 6 3; }
        .edge.retry { stroke: #1a73e8; stroke-dasharray: 2 3; }
        .edge.default { stroke-width: 2; }
        .label { font-size: 10px; fill: #434343; }
        .label-back { fill: #ffffff; opacity: 0.85; }
        .count { font-size: 10px; fill: #434343; }
        \(ExecutionOverlay.Status.allCases.map { status in
            ".\(Palette.className(status)) > rect, .\(Palette.className(status)) > polygon { fill: \(Palette.fill(status)); stroke: \(Palette.stroke(status)); stroke-width: 1.8; }"
        }.joined(separator: "\n"))
        .status-not-reached text { fill: #8c8c8c; }
        .status-running > rect, .status-running > polygon { animation: sfn-pulse 1.2s ease-in-out infinite; }
        @keyframes sfn-pulse { 50% { stroke-width: 3.5; } }
        </style>

        """

    private static func draw(_ layout: LayeredLayout, dx: Double, dy: Double, overlay: ExecutionOverlay?, into out: inout String) {
        for route in layout.routes { drawRoute(route, dx: dx, dy: dy, into: &out) }
        for box in layout.boxes { drawBox(box, dx: dx, dy: dy, overlay: overlay, into: &out) }
        for route in layout.routes { drawLabel(route, dx: dx, dy: dy, into: &out) }
    }

    private static func drawBox(_ box: LayeredLayout.Box, dx: Double, dy: Double, overlay: ExecutionOverlay?, into out: inout String) {
        let x = box.x + dx
        let y = box.y + dy
        let node = box.node
        if node.isMarker {
            out += """
                <g class="marker" id="state-\(node.id)"><circle cx="\(number(x + box.width / 2))" cy="\(number(y + box.height / 2))" r="\(number(box.width / 2))"/>\
                <text x="\(number(x + box.width / 2))" y="\(number(y + box.height / 2 + 3.5))" text-anchor="middle">\(node.name)</text></g>

                """
            return
        }
        var classes = "state"
        if node.isCompound { classes += " compound" }
        if let overlay { classes += " " + Palette.className(overlay.status(of: node.name)) }
        out += "<g class=\"\(classes)\" id=\"state-\(node.id)\" data-state=\"\(escape(node.name))\" data-type=\"\(escape(node.type))\">"
        out += "<title>\(escape(node.name)) (\(escape(node.type)))</title>"
        let typeText = shortened(LayeredLayout.typeLine(node))
        if node.isCompound {
            out += rect(x, y, box.width, box.height, radius: 8, extra: " class=\"frame\"")
            out += text(node.name, x: x + 10, y: y + 17, className: "name", anchor: "start")
            out += text(typeText, x: x + 10, y: y + 31, className: "type", anchor: "start")
            if let overlay, let count = overlay.entries[node.name], count > 1 {
                out += text("×\(count)", x: x + box.width - 8, y: y + 17, className: "count", anchor: "end")
            }
            for inner in box.inner {
                let rx = x + inner.x
                let ry = y + inner.y
                out += "<g class=\"region\">"
                out += rect(
                    rx - 4, ry - LayeredLayout.regionLabelHeight + 2, inner.layout.width + 8,
                    inner.layout.height + LayeredLayout.regionLabelHeight + 2, radius: 6)
                out += text(inner.label, x: rx, y: ry - 5, className: "", anchor: "start")
                out += "</g>"
                draw(inner.layout, dx: rx, dy: ry, overlay: overlay, into: &out)
            }
            out += "</g>\n"
            return
        }
        if node.type == "Choice" {
            let inset = 12.0
            let points = [
                (x + inset, y), (x + box.width - inset, y), (x + box.width, y + box.height / 2), (x + box.width - inset, y + box.height),
                (x + inset, y + box.height), (x, y + box.height / 2),
            ].map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " ")
            out += "<polygon points=\"\(points)\"/>"
        } else {
            let radius = node.type == "Succeed" || node.type == "Fail" ? box.height / 2 : 6
            out += rect(x, y, box.width, box.height, radius: radius)
        }
        let centre = x + box.width / 2
        out += text(shortened(node.name), x: centre, y: y + 20, className: "name", anchor: "middle")
        out += text(typeText, x: centre, y: y + 35, className: "type", anchor: "middle")
        if let overlay, let count = overlay.entries[node.name], count > 1 {
            out += text("×\(count)", x: x + box.width - 6, y: y + 12, className: "count", anchor: "end")
        }
        out += "</g>\n"
    }

    private static func drawRoute(_ route: LayeredLayout.Route, dx: Double, dy: Double, into out: inout String) {
        let points = route.points.map { (x: $0.x + dx, y: $0.y + dy) }
        guard let first = points.first else { return }
        var d = "M\(number(first.x)),\(number(first.y))"
        if route.curved, points.count == 4 {
            d +=
                " C\(number(points[1].x)),\(number(points[1].y)) \(number(points[2].x)),\(number(points[2].y)) \(number(points[3].x)),\(number(points[3].y))"
        } else {
            for point in points.dropFirst() { d += " L\(number(point.x)),\(number(point.y))" }
        }
        let kind = route.edge.kind.rawValue
        out +=
            "<path class=\"edge \(kind)\" data-from=\"\(route.edge.from)\" data-to=\"\(route.edge.to)\" d=\"\(d)\" marker-end=\"url(#arrow)\"/>\n"
    }

    private static func drawLabel(_ route: LayeredLayout.Route, dx: Double, dy: Double, into out: inout String) {
        guard let label = route.edge.label, let at = route.labelAt else { return }
        let text = shortened(label, limit: 44)
        let width = LayeredLayout.textWidth(text, scale: 0.8)
        // Loops (retries) carry their label to the right; so does a straight edge through one
        // bend layer, whose label sits on the line.
        let vertical = route.points.count == 4 && abs(route.points[0].x - at.x) < 1
        let x = at.x + dx
        let y = at.y + dy
        let left = route.curved || vertical ? x : x - width / 2
        out +=
            "<rect class=\"label-back\" x=\"\(number(left - 2))\" y=\"\(number(y - 9))\" width=\"\(number(width + 4))\" height=\"12\" rx=\"2\"/>"
        out += Self.text(text, x: left, y: y, className: "label", anchor: "start") + "\n"
    }

    private static func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, radius: Double, extra: String = "") -> String {
        "<rect\(extra) x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(width))\" height=\"\(number(height))\" rx=\"\(number(radius))\"/>"
    }

    private static func text(_ content: String, x: Double, y: Double, className: String, anchor: String) -> String {
        let classAttribute = className.isEmpty ? "" : " class=\"\(className)\""
        return "<text\(classAttribute) x=\"\(number(x))\" y=\"\(number(y))\" text-anchor=\"\(anchor)\">\(escape(content))</text>"
    }

    static func shortened(_ text: String, limit: Int = LayeredLayout.maxLabelCharacters) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    /// One decimal is plenty for a drawing.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// XML text and attribute escaping; characters XML 1.0 cannot hold become U+FFFD.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    escaped += "\u{FFFD}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}
