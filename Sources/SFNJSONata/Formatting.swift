import Foundation

/// `$formatBase`, `$formatInteger`, `$parseInteger` and `$formatNumber`.
enum FormattingFunctions {
    static let functions: [NativeFunction] = [
        NativeFunction("formatBase", "<n-n?:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let number)? = arguments[0] else { return nil }
            var radix = 10
            if case .number(let requested)? = arguments[1] { radix = requested.clampedInt() }
            guard (2...36).contains(radix) else { throw EvaluationFailure("D3100", value: .some(.number(Double(radix)))) }
            let rounded = Builtins.roundHalfEven(number, precision: 0)
            guard let integer = Int(exactly: rounded) else { return .string(NumberText.javaScript(rounded)) }
            return .string(String(integer, radix: radix))
        },
        NativeFunction("formatInteger", "<n-s:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let number)? = arguments[0], case .string(let picture)? = arguments[1] else { return nil }
            return .string(formatInteger(number.clampedInt(), picture: picture))
        },
        NativeFunction("parseInteger", "<s-s:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0], case .string(let picture)? = arguments[1] else { return nil }
            return parseInteger(text, picture: picture).map { .number(Double($0)) }
        },
        NativeFunction("formatNumber", "<n-so?:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let number)? = arguments[0], case .string(let picture)? = arguments[1] else { return nil }
            var options: ObjectRef?
            if case .object(let object)? = arguments[2] { options = object }
            return .string(try formatNumber(number, picture: picture, options: options))
        },
    ]

    // MARK: Integers

    static func roman(_ value: Int) -> String {
        guard value > 0 else { return "" }
        // Numerals for huge values would be millions of Ms; fall back to digits.
        guard value < 1_000_000 else { return String(value) }
        let table: [(Int, String)] = [
            (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
        ]
        var remaining = value
        var result = ""
        for (amount, numeral) in table {
            while remaining >= amount {
                result += numeral
                remaining -= amount
            }
        }
        return result
    }

    static let small = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen",
    ]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    static func words(_ value: Int) -> String {
        if value < 0 { return "minus " + words(-value) }
        if value < 20 { return small[value] }
        if value < 100 {
            return tens[value / 10] + (value % 10 == 0 ? "" : "-" + small[value % 10])
        }
        if value < 1000 {
            let rest = value % 100
            return small[value / 100] + " hundred" + (rest == 0 ? "" : " and " + words(rest))
        }
        let scales: [(Int, String)] = [
            (1_000_000_000_000, "trillion"), (1_000_000_000, "billion"),
            (1_000_000, "million"), (1000, "thousand"),
        ]
        for (scale, name) in scales where value >= scale {
            let rest = value % scale
            let joiner = rest == 0 ? "" : (rest < 100 ? " and " : ", ")
            return words(value / scale) + " " + name + joiner + (rest == 0 ? "" : words(rest))
        }
        return String(value)
    }

    static func letters(_ value: Int, uppercase: Bool) -> String {
        guard value > 0 else { return "" }
        var remaining = value
        var result = ""
        let base = uppercase ? 65 : 97
        while remaining > 0 {
            remaining -= 1
            result = String(UnicodeScalar(UInt8(base + remaining % 26))) + result
            remaining /= 26
        }
        return result
    }

    static func formatInteger(_ value: Int, picture: String) -> String {
        var primary = picture
        var ordinal = false
        if let semicolon = picture.lastIndex(of: ";") {
            primary = String(picture[..<semicolon])
            ordinal = picture[picture.index(after: semicolon)...].hasPrefix("o")
        }
        switch primary {
        case "I": return roman(value)
        case "i": return roman(value).lowercased()
        case "A": return letters(value, uppercase: true)
        case "a": return letters(value, uppercase: false)
        case "w": return ordinal ? ordinalWords(value) : words(value)
        case "W": return (ordinal ? ordinalWords(value) : words(value)).uppercased()
        case "Ww": return (ordinal ? ordinalWords(value) : words(value)).capitalized
        default: break
        }
        // Decimal digit pattern, possibly with grouping separators.
        let characters = Array(primary)
        let mandatory = characters.filter(\.isNumber).count
        var digits = String(abs(value))
        if digits.count < mandatory { digits = String(repeating: "0", count: mandatory - digits.count) + digits }
        var separators: [(position: Int, character: Character)] = []
        var digitPositionsFromRight = 0
        for character in characters.reversed() {
            if character.isNumber || character == "#" {
                digitPositionsFromRight += 1
            } else {
                separators.append((digitPositionsFromRight, character))
            }
        }
        var result = ""
        let digitArray = Array(digits)
        let regular =
            separators.count > 0
                && separators.allSatisfy { sep in
                    sep.position % (separators.first?.position ?? 1) == 0
                } ? separators.first : nil
        for (offset, digit) in digitArray.reversed().enumerated() {
            if offset > 0 {
                if let regular, regular.position > 0, offset % regular.position == 0 {
                    result.append(regular.character)
                } else if regular == nil, let separator = separators.first(where: { $0.position == offset }) {
                    result.append(separator.character)
                }
            }
            result.append(digit)
        }
        result = String(result.reversed())
        if ordinal { result += ordinalSuffix(value) }
        return (value < 0 ? "-" : "") + result
    }

    static func ordinalSuffix(_ value: Int) -> String {
        let lastTwo = abs(value) % 100
        if (11...13).contains(lastTwo) { return "th" }
        switch abs(value) % 10 {
        case 1: return "st"
        case 2: return "nd"
        case 3: return "rd"
        default: return "th"
        }
    }

    static func ordinalWords(_ value: Int) -> String {
        let cardinal = words(value)
        let irregular = [
            "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
            "nine": "ninth", "twelve": "twelfth",
        ]
        var parts = cardinal.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard var last = parts.popLast() else { return cardinal }
        var hyphenParts = last.split(separator: "-").map(String.init)
        var final = hyphenParts.popLast() ?? last
        if let replacement = irregular[final] {
            final = replacement
        } else if final.hasSuffix("y") {
            final = String(final.dropLast()) + "ieth"
        } else {
            final += "th"
        }
        hyphenParts.append(final)
        last = hyphenParts.joined(separator: "-")
        parts.append(last)
        return parts.joined(separator: " ")
    }

    static func parseInteger(_ text: String, picture: String) -> Int? {
        switch picture {
        case "I", "i":
            let values: [Character: Int] = ["I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000]
            let numerals = text.uppercased().compactMap { values[$0] }
            var total = 0
            for (index, value) in numerals.enumerated() {
                if index + 1 < numerals.count && value < numerals[index + 1] { total -= value } else { total += value }
            }
            return total
        case "A", "a":
            var total = 0
            for scalar in text.uppercased().unicodeScalars {
                total = total * 26 + Int(scalar.value) - 64
            }
            return total
        case "w", "W", "Ww":
            return parseWords(text.lowercased())
        default:
            let digits = text.filter { $0.isNumber || $0 == "-" }
            return Int(digits)
        }
    }

    private static func parseWords(_ text: String) -> Int? {
        var total = 0
        var current = 0
        let cleaned = text.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: ",", with: " ")
        for word in cleaned.split(separator: " ") where word != "and" {
            let token = String(word)
            if let value = small.firstIndex(of: token) {
                current += value
            } else if let value = tens.firstIndex(of: token), value >= 2 {
                current += value * 10
            } else if token == "hundred" {
                current *= 100
            } else if let scale = [
                "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000,
                "trillion": 1_000_000_000_000,
            ][token] {
                total += current * scale
                current = 0
            } else {
                return nil
            }
        }
        return total + current
    }

    // MARK: Decimal format pictures

    static func formatNumber(_ value: Double, picture: String, options: ObjectRef?) throws(EvaluationFailure) -> String {
        func option(_ name: String, _ fallback: String) -> String {
            if case .string(let text)? = options?[name] { return text }
            return fallback
        }
        let decimalSeparator = Character(option("decimal-separator", "."))
        let groupingSeparator = Character(option("grouping-separator", ","))
        let percentSign = option("percent", "%")
        let perMilleSign = option("per-mille", "‰")
        let zeroDigit = Character(option("zero-digit", "0"))
        let optionalDigit = Character(option("digit", "#"))
        let patternSeparator = Character(option("pattern-separator", ";"))
        let minusSign = option("minus-sign", "-")

        let subPictures = picture.split(separator: patternSeparator, omittingEmptySubsequences: false).map(String.init)
        if subPictures.count > 2 { throw EvaluationFailure("D3080") }
        var active = subPictures[0]
        var negativePrefix = minusSign
        var useNegativePicture = false
        if value < 0 && subPictures.count == 2 {
            active = subPictures[1]
            useNegativePicture = true
            negativePrefix = ""
        }
        func isDigit(_ character: Character) -> Bool {
            character == optionalDigit
                || (character.isNumber
                    && character.unicodeScalars.first.map {
                        Int($0.value) - Int(zeroDigit.unicodeScalars.first?.value ?? 48)
                    }.map { (0...9).contains($0) } == true)
        }
        let characters = Array(active)
        guard let firstActive = characters.firstIndex(where: { isDigit($0) || $0 == decimalSeparator || $0 == groupingSeparator }),
            let lastActive = characters.lastIndex(where: { isDigit($0) || $0 == decimalSeparator || $0 == groupingSeparator })
        else { throw EvaluationFailure("D3085") }
        let prefix = String(characters[..<firstActive])
        let suffix = String(characters[(lastActive + 1)...])
        let mantissa = Array(characters[firstActive...lastActive])
        let decimalCount = mantissa.filter { $0 == decimalSeparator }.count
        if decimalCount > 1 { throw EvaluationFailure("D3081") }
        let isPercent = active.contains(percentSign)
        let isPerMille = active.contains(perMilleSign)
        if active.components(separatedBy: percentSign).count > 2 { throw EvaluationFailure("D3082") }
        if active.components(separatedBy: perMilleSign).count > 2 { throw EvaluationFailure("D3083") }
        if isPercent && isPerMille { throw EvaluationFailure("D3084") }

        var integerPart: [Character]
        var fractionPart: [Character]
        if let dot = mantissa.firstIndex(of: decimalSeparator) {
            integerPart = Array(mantissa[..<dot])
            fractionPart = Array(mantissa[(dot + 1)...])
        } else {
            integerPart = mantissa
            fractionPart = []
        }
        let minimumIntegerDigits = integerPart.filter { isDigit($0) && $0 != optionalDigit }.count
        let minimumFractionDigits = fractionPart.filter { isDigit($0) && $0 != optionalDigit }.count
        let maximumFractionDigits = fractionPart.filter { isDigit($0) }.count
        // Grouping positions counted from the decimal point.
        var groupingPositions: [Int] = []
        var count = 0
        for character in integerPart.reversed() {
            if character == groupingSeparator { groupingPositions.append(count) } else { count += 1 }
        }
        var regularGrouping: Int?
        if let first = groupingPositions.first, first > 0,
            groupingPositions.enumerated().allSatisfy({ $0.element == first * ($0.offset + 1) })
        {
            regularGrouping = first
        }

        var scaled = abs(value)
        if isPercent { scaled *= 100 }
        if isPerMille { scaled *= 1000 }
        let rounded = Builtins.roundHalfEven(scaled, precision: maximumFractionDigits)
        var digitsText = String(format: "%.\(maximumFractionDigits)f", rounded)
        if digitsText.hasPrefix("-") { digitsText.removeFirst() }
        var integerDigits = String(digitsText.split(separator: ".").first ?? "0")
        var fractionDigits = digitsText.contains(".") ? String(digitsText.split(separator: ".").last ?? "") : ""
        while fractionDigits.count > minimumFractionDigits && fractionDigits.hasSuffix("0") { fractionDigits.removeLast() }
        if integerDigits == "0" && minimumIntegerDigits == 0 && !(fractionDigits.isEmpty) { integerDigits = "" }
        if integerDigits.count < minimumIntegerDigits {
            integerDigits = String(repeating: "0", count: minimumIntegerDigits - integerDigits.count) + integerDigits
        }
        if integerDigits.isEmpty && fractionDigits.isEmpty { integerDigits = "0" }
        var grouped = ""
        for (offset, digit) in integerDigits.reversed().enumerated() {
            if offset > 0 {
                if let regularGrouping, offset % regularGrouping == 0 {
                    grouped.append(groupingSeparator)
                } else if regularGrouping == nil, groupingPositions.contains(offset) {
                    grouped.append(groupingSeparator)
                }
            }
            grouped.append(digit)
        }
        var result = String(grouped.reversed())
        if !fractionDigits.isEmpty { result += String(decimalSeparator) + fractionDigits }
        let zeroValue = zeroDigit.unicodeScalars.first?.value ?? 48
        if zeroValue != 48 {
            result = String(
                result.map { character -> Character in
                    guard let digit = character.wholeNumberValue, character.isASCII,
                        let scalar = Unicode.Scalar(zeroValue + UInt32(digit))
                    else { return character }
                    return Character(scalar)
                })
        }
        let sign = value < 0 && !useNegativePicture ? negativePrefix : ""
        return sign + prefix + result + suffix
    }
}
