import Foundation

extension Builtins {
    static func numbers(_ value: Value?) -> [Double] {
        items(value).compactMap { $0.numberValue }
    }

    /// Rounds half to even at `precision` decimal places, shifting through decimal text as
    /// jsonata does so that 2.675 is treated as written.
    static func roundHalfEven(_ value: Double, precision: Int) -> Double {
        func shift(_ number: Double, by places: Int) -> Double {
            let text = NumberText.javaScript(number)
            let parts = text.split(separator: "e", maxSplits: 1)
            let exponent = (parts.count > 1 ? Int(parts[1]) ?? 0 : 0) + places
            return Double("\(parts[0])e\(exponent)") ?? number
        }
        var shifted = precision != 0 ? shift(value, by: precision) : value
        var result = (shifted + 0.5).rounded(.down)
        if abs(result - shifted) == 0.5 && abs(result.truncatingRemainder(dividingBy: 2)) == 1 { result -= 1 }
        if shifted.isInfinite { result = shifted }
        shifted = result
        if precision != 0 { shifted = shift(result, by: -precision) }
        return shifted == 0 ? 0 : shifted
    }

    static func castNumber(_ value: Value) throws(EvaluationFailure) -> Double {
        switch value {
        case .number(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        case .string(let text):
            if let number = parseDecimal(text) { return number }
            let lower = text.lowercased()
            for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
                if let number = Int(lower.dropFirst(2), radix: radix) { return Double(number) }
            }
            throw EvaluationFailure("D3030", value: .some(value))
        default:
            throw EvaluationFailure("D3030", value: .some(value))
        }
    }

    /// `-?digits(.digits)?(e±digits)?`, the only number spelling `$number` accepts in decimal.
    private static func parseDecimal(_ text: String) -> Double? {
        var characters = Substring(text)
        if characters.hasPrefix("-") { characters = characters.dropFirst() }
        func digits() -> Int {
            let count = characters.prefix { $0.isASCII && $0.isNumber }.count
            characters = characters.dropFirst(count)
            return count
        }
        guard digits() > 0 else { return nil }
        if characters.hasPrefix(".") {
            characters = characters.dropFirst()
            guard digits() > 0 else { return nil }
        }
        if characters.hasPrefix("e") || characters.hasPrefix("E") {
            characters = characters.dropFirst()
            if characters.hasPrefix("+") || characters.hasPrefix("-") { characters = characters.dropFirst() }
            guard digits() > 0 else { return nil }
        }
        guard characters.isEmpty, let number = Double(text), number.isFinite else { return nil }
        return number
    }

    static let numericFunctions: [NativeFunction] = [
        NativeFunction("number", "<(nsb)-:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0] else { return nil }
            return .number(try castNumber(value))
        },
        NativeFunction("abs", "<n-:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let number)? = arguments[0] else { return nil }
            return .number(abs(number))
        },
        NativeFunction("floor", "<n-:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let number)? = arguments[0] else { return nil }
            return .number(number.rounded(.down))
        },
        NativeFunction("ceil", "<n-:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let number)? = arguments[0] else { return nil }
            return .number(number.rounded(.up))
        },
        NativeFunction("round", "<n-n?:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let number)? = arguments[0] else { return nil }
            var precision = 0
            if case .number(let places)? = arguments[1] { precision = Swift.min(Swift.max(places.clampedInt(), -400), 400) }
            return .number(roundHalfEven(number, precision: precision))
        },
        NativeFunction("sqrt", "<n-:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let number)? = arguments[0] else { return nil }
            if number < 0 { throw EvaluationFailure("D3060", value: .some(.number(number))) }
            return .number(number.squareRoot())
        },
        NativeFunction("power", "<n-n:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let base)? = arguments[0], case .number(let exponent)? = arguments[1] else { return nil }
            let result = Foundation.pow(base, exponent)
            if !result.isFinite {
                throw EvaluationFailure("D3061", value: .some(.number(base)), value2: .some(.number(exponent)))
            }
            return .number(result)
        },
        NativeFunction("random", "<:n>") { evaluator, _, _ throws(EvaluationFailure) in
            .number(evaluator.environment.random())
        },
        NativeFunction("sum", "<a<n>:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0] else { return nil }
            return .number(numbers(value).reduce(0, +))
        },
        NativeFunction("max", "<a<n>:n>") { _, arguments, _ throws(EvaluationFailure) in
            let values = numbers(arguments[0])
            return values.max().map { .number($0) }
        },
        NativeFunction("min", "<a<n>:n>") { _, arguments, _ throws(EvaluationFailure) in
            let values = numbers(arguments[0])
            return values.min().map { .number($0) }
        },
        NativeFunction("average", "<a<n>:n>") { _, arguments, _ throws(EvaluationFailure) in
            let values = numbers(arguments[0])
            guard !values.isEmpty else { return nil }
            return .number(values.reduce(0, +) / Double(values.count))
        },
    ]
}
