/// The built-in layout, used when Graphviz is not installed and by the console: each region is
/// drawn in layers (longest path from its start), ordered to cross few edges (barycentres), with
/// long edges bent through the layers they cross and loops drawn on the right.
struct LayeredLayout {
    struct Point {
        var x: Double
        var y: Double
    }

    /// A placed node: its frame in the region and, for Parallel and Map, its laid-out regions.
    struct Box {
        var node: WorkflowGraph.Node
        var x: Double
        var y: Double
        var width: Double
        var height: Double
        /// The regions inside, each with its offset from the box's corner.
        var inner: [(label: String, x: Double, y: Double, layout: LayeredLayout)]
    }

    /// A drawn edge: its points in the region and where its label goes.
    struct Route {
        var edge: WorkflowGraph.Edge
        var points: [Point]
        var curved: Bool
        var labelAt: Point?
    }

    var boxes: [Box] = []
    var routes: [Route] = []
    var width: Double = 0
    var height: Double = 0

    static let nodeHeight = 46.0
    static let layerGap = 58.0
    static let nodeGap = 36.0
    static let characterWidth = 6.6
    static let headerHeight = 40.0
    static let padding = 12.0
    static let regionLabelHeight = 18.0
    static let maxLabelCharacters = 34
    /// How many bend points (layers crossed by long edges) one region's layout may add.
    static let maxBendPoints = 20_000

    static func textWidth(_ text: String, scale: Double = 1) -> Double {
        Double(min(text.count, maxLabelCharacters + 6)) * characterWidth * scale
    }

    static func typeLine(_ node: WorkflowGraph.Node) -> String {
        node.type + (node.detail.map { " · " + $0 } ?? "")
    }

    init(region: WorkflowGraph.Region) {
        // Sizes first: a compound node's size is that of its regions.
        var sized: [Box] = region.nodes.map { node in
            if node.isMarker { return Box(node: node, x: 0, y: 0, width: 44, height: 44, inner: []) }
            let text = max(Self.textWidth(node.name), Self.textWidth(Self.typeLine(node), scale: 0.85))
            if node.isCompound {
                var inner: [(String, Double, Double, LayeredLayout)] = []
                var x = Self.padding
                var tallest = 0.0
                for region in node.regions {
                    let layout = LayeredLayout(region: region)
                    let width = max(layout.width, Self.textWidth(region.label, scale: 0.85) + 8)
                    inner.append((region.label, x, Self.headerHeight + Self.regionLabelHeight, layout))
                    x += width + Self.padding
                    tallest = max(tallest, layout.height)
                }
                let width = max(x, text + 24)
                let height = Self.headerHeight + Self.regionLabelHeight + tallest + Self.padding
                // Centre the regions when the title is wider than they are.
                let spare = (width - x) / 2
                let centred = inner.map { ($0.0, $0.1 + spare, $0.2, $0.3) }
                return Box(node: node, x: 0, y: 0, width: width, height: height, inner: centred)
            }
            let width = max(120, text + 28) + (node.type == "Choice" ? 24 : 0)
            return Box(node: node, x: 0, y: 0, width: width, height: Self.nodeHeight, inner: [])
        }
        let count = sized.count
        guard count > 0 else { return }
        var index: [String: Int] = [:]
        for (position, box) in sized.enumerated() { index[box.node.id] = position }

        // Depth-first from the start (then from anything unreached) to find the edges that loop back.
        var successors = [[Int]](repeating: [], count: count)
        for edge in region.edges where edge.from != edge.to {
            if let from = index[edge.from], let to = index[edge.to] { successors[from].append(to) }
        }
        var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on the stack, 2 done
        var postorder: [Int] = []
        var backEdges: Set<[Int]> = []
        var roots = region.start.flatMap { index[$0] }.map { [$0] } ?? []
        roots += Array(0..<count)
        for root in roots where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                if top.next < successors[top.node].count {
                    stack[stack.count - 1].next += 1
                    let target = successors[top.node][top.next]
                    if state[target] == 0 {
                        state[target] = 1
                        stack.append((target, 0))
                    } else if state[target] == 1 {
                        backEdges.insert([top.node, target])
                    }
                } else {
                    state[top.node] = 2
                    postorder.append(top.node)
                    stack.removeLast()
                }
            }
        }
        let topological = Array(postorder.reversed())
        var layer = [Int](repeating: 0, count: count)
        for node in topological {
            for target in successors[node] where !backEdges.contains([node, target]) {
                layer[target] = max(layer[target], layer[node] + 1)
            }
        }

        // Long forward edges pass through a dummy point in each layer they cross.
        var layerOf = layer
        var chains: [[Int]] = []  // per forward edge (in region.edges order): node, dummies..., node
        var chainOfEdge: [Int: Int] = [:]
        for (edgeIndex, edge) in region.edges.enumerated() where edge.from != edge.to {
            guard let from = index[edge.from], let to = index[edge.to], !backEdges.contains([from, to]) else { continue }
            var chain = [from]
            // Past the budget, long edges are drawn straight: a hostile definition (thousands of
            // states that all Catch to the last) would otherwise need states² bend points.
            if layer[to] - layer[from] > 1 && layerOf.count - count + layer[to] - layer[from] <= Self.maxBendPoints {
                for crossing in (layer[from] + 1)..<layer[to] {
                    chain.append(layerOf.count)
                    layerOf.append(crossing)
                }
            }
            chain.append(to)
            chainOfEdge[edgeIndex] = chains.count
            chains.append(chain)
        }
        let total = layerOf.count
        let widths = sized.map(\.width) + [Double](repeating: 8, count: total - count)
        let heights = sized.map(\.height) + [Double](repeating: 0, count: total - count)
        var above = [[Int]](repeating: [], count: total)
        var below = [[Int]](repeating: [], count: total)
        for chain in chains {
            for (a, b) in zip(chain, chain.dropFirst()) {
                below[a].append(b)
                above[b].append(a)
            }
        }
        let layerCount = (layerOf.max() ?? 0) + 1
        var layers = [[Int]](repeating: [], count: layerCount)
        for node in topological { layers[layerOf[node]].append(node) }
        for dummy in count..<total { layers[layerOf[dummy]].append(dummy) }

        // Barycentre sweeps, down then up.
        var position = [Double](repeating: 0, count: total)
        func number() {
            for members in layers { for (offset, node) in members.enumerated() { position[node] = Double(offset) } }
        }
        number()
        for _ in 0..<4 {
            for direction in [1, -1] {
                let order = direction == 1 ? Array(1..<max(layerCount, 1)) : Array((0..<max(layerCount - 1, 0)).reversed())
                for current in order {
                    let keys = layers[current].map { node -> (Int, Double) in
                        let neighbours = direction == 1 ? above[node] : below[node]
                        guard !neighbours.isEmpty else { return (node, position[node]) }
                        return (node, neighbours.map { position[$0] }.reduce(0, +) / Double(neighbours.count))
                    }
                    layers[current] = keys.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element.0)
                    for (offset, node) in layers[current].enumerated() { position[node] = Double(offset) }
                }
            }
        }

        // Coordinates: layers stacked, each centred; a node is then pulled toward its
        // neighbours' centres where its layer leaves room.
        var layerTop: [Double] = []
        var top = 0.0
        for members in layers {
            layerTop.append(top)
            top += (members.map { heights[$0] }.max() ?? 0) + Self.layerGap
        }
        let layerWidths = layers.map { members in
            members.map { widths[$0] }.reduce(0, +) + Self.nodeGap * Double(max(members.count - 1, 0))
        }
        let widest = layerWidths.max() ?? 0
        var centre = [Double](repeating: 0, count: total)
        for (current, members) in layers.enumerated() {
            var x = (widest - layerWidths[current]) / 2
            for node in members {
                centre[node] = x + widths[node] / 2
                x += widths[node] + Self.nodeGap
            }
        }
        for _ in 0..<3 {
            for members in layers {
                for (offset, node) in members.enumerated() {
                    let neighbours = above[node] + below[node]
                    guard !neighbours.isEmpty else { continue }
                    var wanted = neighbours.map { centre[$0] }.reduce(0, +) / Double(neighbours.count)
                    let half = widths[node] / 2
                    if offset > 0 {
                        let left = members[offset - 1]
                        wanted = max(wanted, centre[left] + widths[left] / 2 + Self.nodeGap + half)
                    } else {
                        wanted = max(wanted, half)
                    }
                    if offset + 1 < members.count {
                        let right = members[offset + 1]
                        wanted = min(wanted, centre[right] - widths[right] / 2 - Self.nodeGap - half)
                    }
                    centre[node] = wanted
                }
            }
        }
        let left = (0..<total).map { centre[$0] - widths[$0] / 2 }.min() ?? 0
        for node in 0..<total { centre[node] -= left }
        for node in 0..<count {
            let members = layers[layerOf[node]]
            let rowHeight = members.map { heights[$0] }.max() ?? heights[node]
            sized[node].x = centre[node] - widths[node] / 2
            sized[node].y = layerTop[layerOf[node]] + (rowHeight - heights[node]) / 2
        }
        boxes = sized
        var right = (0..<total).map { centre[$0] + widths[$0] / 2 }.max() ?? 0
        let bottom = (0..<count).map { sized[$0].y + sized[$0].height }.max() ?? 0

        // Routes.
        var lane = right + 22
        var fanOut: [Int: Int] = [:]
        var labelled: [Int: Int] = [:]
        for (edgeIndex, edge) in region.edges.enumerated() where edge.label != nil && chainOfEdge[edgeIndex] != nil {
            if let from = index[edge.from] { fanOut[from, default: 0] += 1 }
        }
        // One loop per state carries all its retriers.
        var retryLabels: [String: [String]] = [:]
        for edge in region.edges where edge.kind == .retry { retryLabels[edge.from, default: []].append(edge.label ?? "Retry") }
        var loopDrawn: Set<String> = []
        for (edgeIndex, var edge) in region.edges.enumerated() {
            guard let from = index[edge.from], let to = index[edge.to] else { continue }
            if edge.kind == .retry {
                guard loopDrawn.insert(edge.from).inserted else { continue }
                let labels = retryLabels[edge.from] ?? []
                edge.label = "Retry " + labels.map { $0.hasPrefix("Retry ") ? String($0.dropFirst(6)) : $0 }.joined(separator: "; ")
            }
            let source = sized[from]
            let target = sized[to]
            if from == to {
                let x = source.x + source.width
                let points = [
                    Point(x: x, y: source.y + source.height * 0.3), Point(x: x + 34, y: source.y - 4),
                    Point(x: x + 34, y: source.y + source.height + 4), Point(x: x, y: source.y + source.height * 0.7),
                ]
                let labelAt = Point(x: x + 38, y: source.y + source.height / 2)
                routes.append(Route(edge: edge, points: points, curved: true, labelAt: labelAt))
                right = max(right, labelAt.x + Self.textWidth(edge.label ?? "", scale: 0.8))
            } else if let chainIndex = chainOfEdge[edgeIndex] {
                let chain = chains[chainIndex]
                var points = [Point(x: centre[from], y: source.y + source.height)]
                for dummy in chain.dropFirst().dropLast() {
                    let y = layerTop[layerOf[dummy]]
                    let rowHeight = layers[layerOf[dummy]].map { heights[$0] }.max() ?? 0
                    points.append(Point(x: centre[dummy], y: y))
                    points.append(Point(x: centre[dummy], y: y + rowHeight))
                }
                points.append(Point(x: centre[to], y: target.y))
                // Labels of edges that fan out from one state are staggered along their edges.
                let ordinal = labelled[from, default: 0]
                if edge.label != nil { labelled[from] = ordinal + 1 }
                let fraction = fanOut[from, default: 0] > 1 ? (ordinal % 2 == 0 ? 0.38 : 0.72) : 0.5
                let labelAt = edge.label.map { _ in
                    Point(
                        x: points[0].x + (points[1].x - points[0].x) * fraction, y: points[0].y + (points[1].y - points[0].y) * fraction + 4
                    )
                }
                routes.append(Route(edge: edge, points: points, curved: false, labelAt: labelAt))
            } else {
                // Back to an earlier layer: out on the right, up a lane, back in from the right.
                let points = [
                    Point(x: source.x + source.width, y: source.y + source.height / 2), Point(x: lane, y: source.y + source.height / 2),
                    Point(x: lane, y: target.y + target.height / 2), Point(x: target.x + target.width, y: target.y + target.height / 2),
                ]
                let labelAt = edge.label.map { _ in Point(x: lane + 4, y: (points[1].y + points[2].y) / 2) }
                routes.append(Route(edge: edge, points: points, curved: false, labelAt: labelAt))
                right = max(right, lane + 4 + Self.textWidth(edge.label ?? "", scale: 0.8))
                lane += 14
            }
        }
        right = max(right, lane - 14)
        width = right
        height = bottom
    }
}
