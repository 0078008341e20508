import SFNJSON

// Intrinsic arguments and payload templates read paths through `ArgumentPath`. Until the shared
// JSONPath engine lands, a small reader of plain member/index paths stands in for it; switching
// over means pointing this alias at `PathExpression` and deleting the stand-in.
typealias ArgumentPath = StandInPathExpression

/// Plain paths only: `$`, `$$`, `$name`, then `.key`, `['key']` and `[index]` steps.
struct StandInPathExpression: Sendable, Hashable {
    enum Root: Sendable, Hashable {
        case input
        case context
        case variable(String)
    }

    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    let text: String
    let root: Root
    let steps: [Step]

    init(_ text: String) throws(ExpressionSyntaxError) {
        self.text = text
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "$" else { throw ExpressionSyntaxError("A path must start with '$': \(text)") }
        var position = 1
        if position < scalars.count, scalars[position] == "$" {
            root = .context
            position += 1
        } else if position < scalars.count, Self.isNameScalar(scalars[position]) {
            var name = ""
            while position < scalars.count, Self.isNameScalar(scalars[position]) {
                name.unicodeScalars.append(scalars[position])
                position += 1
            }
            root = .variable(name)
        } else {
            root = .input
        }
        var steps: [Step] = []
        while position < scalars.count {
            switch scalars[position] {
            case ".":
                position += 1
                var key = ""
                while position < scalars.count, scalars[position] != ".", scalars[position] != "[" {
                    key.unicodeScalars.append(scalars[position])
                    position += 1
                }
                guard !key.isEmpty else { throw ExpressionSyntaxError("Empty member name in path: \(text)") }
                steps.append(.key(key))
            case "[":
                position += 1
                guard position < scalars.count else { throw ExpressionSyntaxError("Unclosed '[' in path: \(text)") }
                if scalars[position] == "'" || scalars[position] == "\"" {
                    let quote = scalars[position]
                    position += 1
                    var key = ""
                    while position < scalars.count, scalars[position] != quote {
                        key.unicodeScalars.append(scalars[position])
                        position += 1
                    }
                    position += 1
                    guard position < scalars.count, scalars[position] == "]" else {
                        throw ExpressionSyntaxError("Unclosed '[' in path: \(text)")
                    }
                    steps.append(.key(key))
                } else {
                    var digits = ""
                    while position < scalars.count, scalars[position] != "]" {
                        digits.unicodeScalars.append(scalars[position])
                        position += 1
                    }
                    guard position < scalars.count, let index = Int(digits) else {
                        throw ExpressionSyntaxError("Unsupported path step in: \(text)")
                    }
                    steps.append(.index(index))
                }
                position += 1
            default:
                throw ExpressionSyntaxError("Unexpected character in path: \(text)")
            }
        }
        self.steps = steps
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }

    func evaluate(_ scope: ExpressionScope) -> JSON? {
        var current: JSON
        switch root {
        case .input: current = scope.input
        case .context: current = scope.context
        case .variable(let name):
            guard let value = scope.variable(name) else { return nil }
            current = value
        }
        for step in steps {
            switch step {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard let next = current[index] else { return nil }
                current = next
            }
        }
        return current
    }
}
