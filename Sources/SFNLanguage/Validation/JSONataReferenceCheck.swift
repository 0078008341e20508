import SFNJSON
import SFNJSONata

/// The names a Step Functions JSONata expression may not read: `$$` anywhere, and
/// `$states.errorOutput` outside a catcher's own Output and Assign. AWS refuses both when the
/// definition is validated (UNSUPPORTED_JSONATA_EXPRESSION), so they are found here by scanning
/// each compiled expression's source outside its string literals and comments.
enum JSONataReferenceCheck {
    static func problems(in value: JSONataValue, at pointer: JSONPointer, inCatcher: Bool) -> [Diagnostic] {
        var found: [Diagnostic] = []
        visit(value, at: pointer, inCatcher: inCatcher, into: &found)
        return found
    }

    private static func visit(_ value: JSONataValue, at pointer: JSONPointer, inCatcher: Bool, into found: inout [Diagnostic]) {
        switch value {
        case .constant: return
        case .expression(let expression, _):
            let code = codeOutsideLiterals(expression.source)
            if code.contains("$$") {
                found.append(.rootContextReference(at: pointer))
            } else if !inCatcher, readsErrorOutput(code) {
                found.append(.errorOutputOutsideCatch(at: pointer))
            }
        case .object(let members):
            for (key, member) in members { visit(member, at: pointer / key, inCatcher: inCatcher, into: &found) }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                visit(element, at: pointer / index, inCatcher: inCatcher, into: &found)
            }
        }
    }

    private static func readsErrorOutput(_ code: String) -> Bool {
        let target = Array("$states.errorOutput".unicodeScalars)
        let scalars = Array(code.unicodeScalars)
        guard scalars.count >= target.count else { return false }
        for start in 0...(scalars.count - target.count) where scalars[start] == "$" {
            guard Array(scalars[start..<(start + target.count)]) == target else { continue }
            let after = start + target.count
            if after == scalars.count || !isNameCharacter(scalars[after]) { return true }
        }
        return false
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }

    /// The expression with string literals, backquoted names and comments blanked out, so a
    /// `$$` written inside quotes is not mistaken for a reference.
    static func codeOutsideLiterals(_ source: String) -> String {
        var result = String.UnicodeScalarView()
        var scalars = source.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return scalars.next()
        }
        while let scalar = next() {
            switch scalar {
            case "\"", "'", "`":
                result.append(" ")
                while let inner = next(), inner != scalar {
                    if inner == "\\", scalar != "`" { _ = next() }
                }
            case "/":
                guard let following = next() else {
                    result.append(scalar)
                    break
                }
                if following == "*" {
                    result.append(" ")
                    var previous: Unicode.Scalar = " "
                    while let inner = next() {
                        if previous == "*", inner == "/" { break }
                        previous = inner
                    }
                } else {
                    result.append(scalar)
                    pending = following
                }
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }
}
