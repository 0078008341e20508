import Foundation

/// A syntax check for the Mermaid flowchart subset `sfn graph` writes, written from Mermaid's
/// flowchart grammar independently of the renderer: statements one per line, ids that are not
/// keywords, quoted labels with no raw quote, balanced `subgraph`/`end`, and every edge and
/// `class` naming something declared.
enum MermaidSyntax {
    static let keywords: Set<String> = [
        "end", "subgraph", "graph", "flowchart", "direction", "class", "classDef", "click", "style", "linkStyle", "default",
    ]

    static func check(_ text: String) -> [String] {
        var problems: [String] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, ["flowchart TD", "flowchart TB", "graph TD"].contains(first) else {
            return ["line 1: expected a flowchart header"]
        }
        var declared: Set<String> = []
        var referenced: [(Int, String)] = []
        var classes: Set<String> = []
        var classUses: [(Int, String)] = []
        var depth = 0
        for (offset, raw) in lines.enumerated().dropFirst() {
            let number = offset + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            var scanner = Scanner(line)
            if line == "end" {
                depth -= 1
                if depth < 0 { problems.append("line \(number): end without subgraph") }
                continue
            }
            if line.hasPrefix("direction ") {
                if !["direction TB", "direction TD", "direction LR", "direction BT", "direction RL"].contains(line) {
                    problems.append("line \(number): bad direction")
                }
                continue
            }
            if line.hasPrefix("subgraph ") {
                scanner.skip("subgraph ")
                guard let id = scanner.identifier() else {
                    problems.append("line \(number): subgraph without an id")
                    continue
                }
                if let problem = idProblem(id) { problems.append("line \(number): \(problem)") }
                if !declared.insert(id).inserted { problems.append("line \(number): \(id) declared twice") }
                scanner.skipSpaces()
                if !scanner.atEnd {
                    guard scanner.take("["), scanner.quoted() != nil, scanner.take("]"), scanner.atEnd else {
                        problems.append("line \(number): bad subgraph title")
                        continue
                    }
                }
                depth += 1
                continue
            }
            if line.hasPrefix("classDef ") {
                let parts = line.split(separator: " ")
                guard parts.count == 3, parts[2].split(separator: ",").allSatisfy({ $0.contains(":") }) else {
                    problems.append("line \(number): bad classDef")
                    continue
                }
                classes.insert(String(parts[1]))
                continue
            }
            if line.hasPrefix("class ") {
                let parts = line.split(separator: " ")
                guard parts.count == 3 else {
                    problems.append("line \(number): bad class statement")
                    continue
                }
                for id in parts[1].split(separator: ",") { referenced.append((number, String(id))) }
                classUses.append((number, String(parts[2])))
                continue
            }
            guard let id = scanner.identifier() else {
                problems.append("line \(number): expected an id: \(line)")
                continue
            }
            if let problem = idProblem(id) { problems.append("line \(number): \(problem)") }
            scanner.skipSpaces()
            if scanner.take("-->") || scanner.take("-.->") {
                referenced.append((number, id))
                if scanner.take("|") {
                    guard scanner.quoted() != nil, scanner.take("|") else {
                        problems.append("line \(number): bad edge label")
                        continue
                    }
                }
                scanner.skipSpaces()
                guard let target = scanner.identifier(), scanner.atEnd else {
                    problems.append("line \(number): bad edge target")
                    continue
                }
                referenced.append((number, target))
                continue
            }
            // A node: id, an opening bracket, a quoted label, the matching closing bracket.
            let shapes = [("((", "))"), ("([", "])"), ("[/", "/]"), ("{", "}"), ("[", "]")]
            guard let shape = shapes.first(where: { scanner.peek($0.0) }) else {
                problems.append("line \(number): expected a node shape or an edge")
                continue
            }
            _ = scanner.take(shape.0)
            guard scanner.quoted() != nil, scanner.take(shape.1), scanner.atEnd else {
                problems.append("line \(number): bad node label")
                continue
            }
            if !declared.insert(id).inserted { problems.append("line \(number): \(id) declared twice") }
        }
        if depth != 0 { problems.append("unbalanced subgraph/end") }
        for (number, id) in referenced where !declared.contains(id) { problems.append("line \(number): \(id) is not declared") }
        for (number, name) in classUses where !classes.contains(name) { problems.append("line \(number): class \(name) is not defined") }
        return problems
    }

    static func idProblem(_ id: String) -> String? {
        if keywords.contains(id) { return "\(id) is a Mermaid keyword" }
        return nil
    }

    struct Scanner {
        var characters: [Character]
        var index = 0

        init(_ text: String) { characters = Array(text) }

        var atEnd: Bool { index == characters.count }

        func peek(_ text: String) -> Bool {
            let wanted = Array(text)
            return index + wanted.count <= characters.count && Array(characters[index..<(index + wanted.count)]) == wanted
        }

        mutating func take(_ text: String) -> Bool {
            guard peek(text) else { return false }
            index += text.count
            return true
        }

        mutating func skip(_ text: String) { _ = take(text) }

        mutating func skipSpaces() { while !atEnd && characters[index] == " " { index += 1 } }

        mutating func identifier() -> String? {
            let start = index
            while !atEnd, characters[index].isASCII, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" {
                index += 1
            }
            guard index > start, characters[start].isLetter else { return nil }
            return String(characters[start..<index])
        }

        /// A `"…"` string: no raw quote or line break inside.
        mutating func quoted() -> String? {
            guard take("\"") else { return nil }
            let start = index
            while !atEnd && characters[index] != "\"" { index += 1 }
            guard !atEnd else { return nil }
            let text = String(characters[start..<index])
            index += 1
            return text
        }
    }
}
