import SFNJSON

/// AWS's validation warnings: values that look like paths where they will be taken literally.
/// They never make a definition invalid.
enum LiteralPathWarnings {
    /// `$.x`, `$$.x`, `$[..]`, `$var.x` or a `States.Name(` call: text a reader would take for
    /// an expression.
    static func looksLikeExpression(_ text: String) -> Bool {
        if IntrinsicFunctionCall.looksLikeCall(text) { return true }
        guard text.hasPrefix("$"), text.count > 1 else { return false }
        let afterDollar = text.dropFirst().drop { $0 == "$" }
        guard let first = afterDollar.first else { return false }
        if first == "." || first == "[" { return true }
        // `$name.more` reads a variable; a lone `$word` is too ambiguous to warn about.
        let name = afterDollar.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return !name.isEmpty && afterDollar.dropFirst(name.count).first.map { $0 == "." || $0 == "[" } == true
    }

    /// Template members without `.$` whose string value looks like a path (NO_DOLLAR).
    static func checkTemplate(_ value: JSON, at pointer: JSONPointer, report: (Diagnostic) -> Void) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                if !key.hasSuffix(".$"), case .string(let text) = member, looksLikeExpression(text) {
                    report(.noDollar(key, at: pointer / key))
                }
                checkTemplate(member, at: pointer / key, report: report)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() { checkTemplate(element, at: pointer / index, report: report) }
        default:
            break
        }
    }

    /// A plain field (Fail's Error/Cause, Wait's Timestamp) holding path-like text (NO_PATH).
    static func checkPlainField(_ field: String, _ value: JSON?, at pointer: JSONPointer, report: (Diagnostic) -> Void) {
        if case .string(let text)? = value, looksLikeExpression(text) {
            report(.noPath(field, at: pointer / field))
        }
    }

    /// A Pass state's `Result` holding `.$` keys or path-like strings (PASS_RESULT_IS_STATIC).
    static func checkPassResult(_ value: JSON, at pointer: JSONPointer, report: (Diagnostic) -> Void) {
        if containsExpressionLikeContent(value) { report(.passResultIsStatic(at: pointer)) }
    }

    private static func containsExpressionLikeContent(_ value: JSON) -> Bool {
        switch value {
        case .string(let text): looksLikeExpression(text)
        case .object(let members): members.contains { $0.key.hasSuffix(".$") || containsExpressionLikeContent($0.value) }
        case .array(let elements): elements.contains(where: containsExpressionLikeContent)
        default: false
        }
    }
}
