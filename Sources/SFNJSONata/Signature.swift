/// A JSONata function signature such as `<s-nn?:s>`: checks and adapts the arguments of a call
/// (context substitution for `-`, wrapping single values for array parameters).
struct Signature: Sendable {
    struct Parameter: Sendable {
        var symbol: Character
        var accepted: SymbolSet
        var optional = false
        var variadic = false
        var usesContext = false
        var arraySubtype: Character?
    }

    var parameters: [Parameter]

    private static let everything: SymbolSet = ["a", "s", "n", "b", "l", "f", "o", "m"]

    init(_ text: String, position: Int = 0) throws(EvaluationFailure) {
        parameters = []
        var characters = Array(text)
        if characters.first == "<" { characters.removeFirst() }
        var index = 0
        var choice: SymbolSet?
        while index < characters.count {
            let character = characters[index]
            if character == ":" || (character == ">" && choice == nil) { break }
            switch character {
            case "s", "n", "b", "l", "o":
                if choice != nil {
                    choice?.insert(character)
                } else {
                    parameters.append(Parameter(symbol: character, accepted: [character, "m"]))
                }
            case "a":
                if choice != nil {
                    choice?.insert("a")
                } else {
                    parameters.append(Parameter(symbol: "a", accepted: Self.everything))
                }
            case "f":
                if choice != nil { choice?.insert("f") } else { parameters.append(Parameter(symbol: "f", accepted: ["f", "m"])) }
            case "x":
                parameters.append(Parameter(symbol: "x", accepted: Self.everything))
            case "j":
                parameters.append(Parameter(symbol: "j", accepted: ["a", "s", "n", "b", "l", "o", "m"]))
            case "u":
                parameters.append(Parameter(symbol: "u", accepted: ["s", "n", "b", "l", "m"]))
            case "(":
                choice = []
            case ")":
                var accepted = choice ?? []
                accepted.insert("m")
                parameters.append(Parameter(symbol: "(", accepted: accepted))
                choice = nil
            case "?":
                if !parameters.isEmpty { parameters[parameters.count - 1].optional = true }
            case "+":
                if !parameters.isEmpty { parameters[parameters.count - 1].variadic = true }
            case "-":
                if !parameters.isEmpty {
                    parameters[parameters.count - 1].usesContext = true
                    parameters[parameters.count - 1].optional = true
                }
            case "<":
                // Type parameter: record array item types, skip function signatures.
                guard let last = parameters.last, last.symbol == "a" || last.symbol == "f" else {
                    throw EvaluationFailure("S0401", position: position)
                }
                var depth = 1
                var inner = ""
                index += 1
                while index < characters.count && depth > 0 {
                    if characters[index] == "<" { depth += 1 }
                    if characters[index] == ">" { depth -= 1 }
                    if depth > 0 { inner.append(characters[index]) }
                    index += 1
                }
                if last.symbol == "a", let subtype = inner.first {
                    parameters[parameters.count - 1].arraySubtype = subtype
                }
                continue
            default:
                break
            }
            index += 1
        }
    }

    /// The declared arity higher-order functions use: parameters not marked optional with `?`.
    var arity: Int { parameters.filter { !$0.optional || $0.usesContext }.count }

    static func symbol(of value: Value?) -> Character {
        guard let value else { return "m" }
        switch value {
        case .null: return "l"
        case .bool: return "b"
        case .number: return "n"
        case .string: return "s"
        case .array: return "a"
        case .object: return "o"
        case .function: return "f"
        }
    }

    private static let arrayTypeNames: [Character: String] = [
        "a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings",
    ]

    /// How many arguments each parameter takes, or nil when the arguments do not fit.
    private func assign(_ symbols: [Character], parameter: Int, argument: Int) -> [Int]? {
        if parameter == parameters.count { return argument == symbols.count ? [] : nil }
        let current = parameters[parameter]
        var maximum = 0
        while argument + maximum < symbols.count, current.accepted.contains(symbols[argument + maximum]) {
            maximum += 1
            if !current.variadic { break }
        }
        let minimum = (current.optional && !current.variadic) ? 0 : (current.variadic && current.optional ? 0 : 1)
        if maximum < minimum { return nil }
        for count in stride(from: maximum, through: minimum, by: -1) {
            if let rest = assign(symbols, parameter: parameter + 1, argument: argument + count) {
                return [count] + rest
            }
        }
        return nil
    }

    /// One argument per leading parameter, when that fits: the first assignment `assign` would
    /// find, without building the symbol list or searching.
    private func directCounts(_ arguments: [Value?]) -> [Int]? {
        guard arguments.count <= parameters.count else { return nil }
        var counts: [Int] = []
        counts.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            if parameter.variadic { return nil }
            if index < arguments.count {
                guard parameter.accepted.contains(Self.symbol(of: arguments[index])) else { return nil }
                counts.append(1)
            } else {
                guard parameter.optional else { return nil }
                counts.append(0)
            }
        }
        return counts
    }

    func validate(_ arguments: [Value?], context: Value?) throws(EvaluationFailure) -> [Value?] {
        let counts: [Int]
        if let direct = directCounts(arguments) {
            counts = direct
        } else {
            let symbols = arguments.map(Self.symbol(of:))
            guard let searched = assign(symbols, parameter: 0, argument: 0) else {
                throw EvaluationFailure("T0410", index: firstMismatch(symbols) + 1)
            }
            counts = searched
        }
        var validated: [Value?] = []
        validated.reserveCapacity(parameters.count)
        var argumentIndex = 0
        for (parameter, count) in zip(parameters, counts) {
            if count == 0 {
                if parameter.usesContext {
                    guard parameter.accepted.contains(Self.symbol(of: context)) else {
                        throw EvaluationFailure("T0411", value: .some(context), index: argumentIndex + 1)
                    }
                    validated.append(context)
                } else {
                    validated.append(nil)
                }
                continue
            }
            for _ in 0..<count {
                var argument = arguments[argumentIndex]
                if parameter.symbol == "a", let value = argument {
                    if let subtype = parameter.arraySubtype {
                        var fits = true
                        if case .array(let seq) = value {
                            fits = seq.items.allSatisfy { Self.symbol(of: $0) == subtype }
                        } else {
                            fits = Self.symbol(of: value) == subtype
                        }
                        if !fits {
                            throw EvaluationFailure(
                                "T0412", value: .some(value), index: argumentIndex + 1,
                                type: Self.arrayTypeNames[subtype] ?? String(subtype))
                        }
                    }
                    if !value.isArray { argument = .array([value]) }
                }
                validated.append(argument)
                argumentIndex += 1
            }
        }
        return validated
    }

    private func firstMismatch(_ symbols: [Character]) -> Int {
        var position = 0
        for parameter in parameters {
            if position < symbols.count, parameter.accepted.contains(symbols[position]) {
                position += 1
                if parameter.variadic {
                    while position < symbols.count, parameter.accepted.contains(symbols[position]) { position += 1 }
                }
            } else if !parameter.optional {
                return position
            }
        }
        return position
    }
}

/// A set of signature type symbols as bits: validation runs on every call of a built-in, and
/// testing a bit is far cheaper than hashing a Character.
struct SymbolSet: Sendable, ExpressibleByArrayLiteral {
    private var bits: UInt16 = 0

    init(arrayLiteral symbols: Character...) {
        for symbol in symbols { insert(symbol) }
    }

    private static func bit(_ symbol: Character) -> UInt16 {
        switch symbol {
        case "a": 1 << 0
        case "s": 1 << 1
        case "n": 1 << 2
        case "b": 1 << 3
        case "l": 1 << 4
        case "f": 1 << 5
        case "o": 1 << 6
        case "m": 1 << 7
        default: 1 << 15
        }
    }

    mutating func insert(_ symbol: Character) { bits |= Self.bit(symbol) }
    func contains(_ symbol: Character) -> Bool { bits & Self.bit(symbol) != 0 }
}
