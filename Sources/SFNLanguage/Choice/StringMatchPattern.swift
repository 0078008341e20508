/// The pattern of a `StringMatches` rule: `*` matches any run of characters (including none),
/// `\*` a literal star and `\\` a literal backslash. Matching works on Unicode scalars.
public struct StringMatchPattern: Sendable, Hashable, CustomStringConvertible {
    enum Piece: Sendable, Hashable {
        case literal([Unicode.Scalar])
        case anything
    }

    /// The pattern as written.
    public let text: String
    let pieces: [Piece]

    /// A pattern: `*` any run of characters, `\*` a star.
    public init(_ text: String) {
        self.text = text
        var pieces: [Piece] = []
        var literal: [Unicode.Scalar] = []
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                literal.append(scalar)
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "*" {
                if !literal.isEmpty {
                    pieces.append(.literal(literal))
                    literal = []
                }
                if pieces.last != .anything { pieces.append(.anything) }
            } else {
                literal.append(scalar)
            }
        }
        // A trailing lone backslash stands for itself.
        if escaped { literal.append("\\") }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
    }

    /// The pattern as written.
    public var description: String { text }

    /// Whether `candidate` matches the whole pattern.
    public func matches(_ candidate: String) -> Bool {
        let scalars = Array(candidate.unicodeScalars)
        var position = 0
        var pieceIndex = 0
        // Greedy matching with one backtrack point: the most recent star.
        var starPiece: Int?
        var starResume = 0

        func literalMatches(_ literal: [Unicode.Scalar], at start: Int) -> Bool {
            guard start + literal.count <= scalars.count else { return false }
            for offset in 0..<literal.count where scalars[start + offset] != literal[offset] { return false }
            return true
        }

        while true {
            if pieceIndex == pieces.count {
                if position == scalars.count { return true }
            } else {
                switch pieces[pieceIndex] {
                case .anything:
                    starPiece = pieceIndex
                    starResume = position
                    pieceIndex += 1
                    continue
                case .literal(let literal):
                    let isLastPiece = pieceIndex == pieces.count - 1
                    if isLastPiece && starPiece != nil {
                        // A final literal after a star must end the candidate.
                        let start = scalars.count - literal.count
                        if start >= position, literalMatches(literal, at: start) { return true }
                        return false
                    }
                    if literalMatches(literal, at: position) {
                        position += literal.count
                        pieceIndex += 1
                        continue
                    }
                }
            }
            guard let star = starPiece, starResume < scalars.count else { return false }
            starResume += 1
            position = starResume
            pieceIndex = star + 1
        }
    }
}
