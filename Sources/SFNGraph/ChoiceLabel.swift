import Foundation
import SFNJSON

/// A Choice rule in a few words, for the label of its edge: `$.n > 5`, `$.kind == "a" and not
/// $.x is null`, or a JSONata `Condition` without its `{% %}`.
enum ChoiceLabel {
    /// Labels longer than this are cut with an ellipsis.
    static let maxLength = 60

    static func describe(_ rule: JSON) -> String {
        shorten(text(rule, nested: false))
    }

    static func shorten(_ text: String) -> String {
        text.count > maxLength ? String(text.prefix(maxLength - 1)) + "…" : text
    }

    private static let comparisons: [(suffix: String, symbol: String)] = [
        ("GreaterThanEquals", "≥"), ("LessThanEquals", "≤"), ("GreaterThan", ">"), ("LessThan", "<"), ("Equals", "=="),
        ("Matches", "matches"),
    ]

    private static func text(_ rule: JSON, nested: Bool) -> String {
        if let condition = rule["Condition"] {
            if case .string(let text) = condition {
                var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if body.hasPrefix("{%") && body.hasSuffix("%}") { body = String(body.dropFirst(2).dropLast(2)) }
                return body.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return condition.compactText
        }
        if let all = rule["And"]?.arrayValue { return joined(all, "and", nested: nested) }
        if let any = rule["Or"]?.arrayValue { return joined(any, "or", nested: nested) }
        if let negated = rule["Not"] { return "not " + text(negated, nested: true) }
        let variable = rule["Variable"]?.stringValue ?? "?"
        guard let object = rule.objectValue else { return "?" }
        for (key, value) in object where key != "Variable" && key != "Next" && key != "Comment" && key != "Assign" && key != "Output" {
            if key.hasPrefix("Is") {
                let what = key.dropFirst(2).lowercased()
                return value.boolValue == false ? "\(variable) is not \(what)" : "\(variable) is \(what)"
            }
            let isPath = key.hasSuffix("Path")
            let operation = isPath ? String(key.dropLast(4)) : key
            let symbol = comparisons.first { operation.hasSuffix($0.suffix) }?.symbol ?? operation
            let operand = isPath ? (value.stringValue ?? value.compactText) : value.compactText
            return "\(variable) \(symbol) \(operand)"
        }
        return variable
    }

    private static func joined(_ rules: [JSON], _ word: String, nested: Bool) -> String {
        let text = rules.map { self.text($0, nested: true) }.joined(separator: " \(word) ")
        return nested ? "(\(text))" : text
    }
}
