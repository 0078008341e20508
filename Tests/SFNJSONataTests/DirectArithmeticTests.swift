import SFNJSON
import Testing

@testable import SFNJSONata

/// Arithmetic and comparisons of two field paths or numbers skip the evaluator; they must answer
/// exactly as it does, errors included (a block `( … )` always takes the evaluator).
@Suite struct DirectArithmeticTests {
    static let values: [JSON] = [
        .int(0), .int(7), .int(-3), .int(Int.max), .double(2.5), .double(-0.0), .double(1e308), .string("7"), .string(""),
        .null, .bool(true), [1, 2], ["a": 1],
    ]
    static let operators = ["+", "-", "*", "<", "<=", ">", ">=", "=", "!="]

    func outcome(_ source: String, _ input: JSON, _ bindings: [String: JSON]) -> String {
        do {
            switch try JSONataExpression(source).evaluateResult(input, bindings: bindings) {
            case .value(let value): return "value \(value.compactText)"
            case .undefined: return "undefined"
            case .function: return "function"
            }
        } catch {
            return "error \(error)"
        }
    }

    @Test(arguments: operators)
    func theShortcutAgreesWithTheEvaluator(op: String) throws {
        for left in Self.values {
            for right in Self.values + [.string("missing")] {
                var input: JSONObject = ["a": left]
                if right != .string("missing") { input["b"] = right }
                let bindings: [String: JSON] = ["s": ["input": .object(input)]]
                for (direct, general) in [
                    ("$s.input.a \(op) $s.input.b", "($s.input.a \(op) $s.input.b)"),
                    ("a \(op) b", "(a \(op) b)"),
                    ("$s.input.a \(op) 2", "($s.input.a \(op) 2)"),
                    ("1.5 \(op) $s.input.b", "(1.5 \(op) $s.input.b)"),
                ] {
                    let fast = outcome(direct, .object(input), bindings)
                    let slow = outcome(general, .object(input), bindings)
                    #expect(fast == slow, "\(direct) with a = \(left.compactText), b = \(right.compactText)")
                }
            }
        }
    }

    @Test func theShortcutIsTaken() throws {
        let expression = try JSONataExpression("$s.input.count + 1")
        guard case .binary(let op, let lhs, let rhs) = expression.root.kind else {
            Issue.record("not compiled to a binary node")
            return
        }
        let bindings: [String: JSON] = ["s": ["input": ["count": 41]]]
        #expect(JSONataExpression.numericDirectly(op, lhs, rhs, nil, bindings) == .value(.int(42)))
    }
}
