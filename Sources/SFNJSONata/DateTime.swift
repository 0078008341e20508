import Foundation
import SFNCalendar

/// `$now`, `$millis`, `$fromMillis`, `$toMillis` with ISO 8601 text and XPath-style pictures.
enum DateTimeFunctions {
    static let functions: [NativeFunction] = [
        NativeFunction("millis", "<:n>") { evaluator, _, _ throws(EvaluationFailure) in
            .number(evaluator.timestamp)
        },
        NativeFunction("now", "<s?s?:s>") { evaluator, arguments, _ throws(EvaluationFailure) in
            try format(evaluator.timestamp, picture: arguments[0]?.stringValue, timezone: arguments[1]?.stringValue)
        },
        NativeFunction("fromMillis", "<n-s?s?:s>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .number(let millis)? = arguments[0] else { return nil }
            return try format(millis, picture: arguments[1]?.stringValue, timezone: arguments[2]?.stringValue)
        },
        NativeFunction("toMillis", "<s-s?:n>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let text)? = arguments[0] else { return nil }
            if let picture = arguments[1]?.stringValue {
                return try parse(text, picture: picture).map { .number($0) }
            }
            guard let millis = parseISO(text) else {
                throw EvaluationFailure("D3110", value: .some(.string(text)))
            }
            return .number(millis)
        },
    ]

    // MARK: Calendar arithmetic (proleptic Gregorian, UTC)

    struct Parts {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int
        var dayOfWeek: Int  // 1 = Monday ... 7 = Sunday
        var dayOfYear: Int
    }

    static func parts(_ millis: Double, offsetMinutes: Int) -> Parts {
        let shifted = (millis + Double(offsetMinutes) * 60_000).clampedInt(.down)
        var days = shifted / 86_400_000
        var within = shifted % 86_400_000
        if within < 0 {
            within += 86_400_000
            days -= 1
        }
        let (year, month, day) = CivilDate.date(days: days)
        let weekday = ((days % 7) + 7 + 3) % 7 + 1  // 1970-01-01 was a Thursday
        return Parts(
            year: year, month: month, day: day, hour: within / 3_600_000, minute: (within / 60_000) % 60,
            second: (within / 1000) % 60, millisecond: within % 1000, dayOfWeek: weekday,
            dayOfYear: days - CivilDate.days(year: year, month: 1, day: 1) + 1)
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func iso(_ millis: Double) -> String {
        let p = parts(millis, offsetMinutes: 0)
        return "\(padded(p.year, 4))-\(twoDigits(p.month))-\(twoDigits(p.day))T\(twoDigits(p.hour)):"
            + "\(twoDigits(p.minute)):\(twoDigits(p.second)).\(padded(p.millisecond, 3))Z"
    }

    /// Minutes east of UTC from `±HHMM` / `±HH:MM`.
    static func offset(_ timezone: String?) -> Int {
        guard let timezone, !timezone.isEmpty else { return 0 }
        var text = Substring(timezone)
        var sign = 1
        if text.hasPrefix("-") {
            sign = -1
            text = text.dropFirst()
        } else if text.hasPrefix("+") {
            text = text.dropFirst()
        }
        let digits = text.filter(\.isNumber)
        guard let number = Int(digits) else { return 0 }
        if digits.count <= 2 { return sign * number * 60 }
        return sign * ((number / 100) * 60 + number % 100)
    }

    // MARK: Formatting

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ]
    static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    static func format(_ millis: Double, picture: String?, timezone: String?) throws(EvaluationFailure) -> Value {
        guard millis.isFinite else { throw EvaluationFailure("D3001") }
        guard let picture else {
            if timezone == nil { return .string(iso(millis)) }
            return try format(millis, picture: "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]", timezone: timezone)
        }
        let offsetMinutes = offset(timezone)
        let p = parts(millis, offsetMinutes: offsetMinutes)
        var output = ""
        let characters = Array(picture)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "[" {
                if index + 1 < characters.count, characters[index + 1] == "[" {
                    output += "["
                    index += 2
                    continue
                }
                guard let close = characters[index...].firstIndex(of: "]") else {
                    throw EvaluationFailure("D3135")
                }
                let marker = String(characters[(index + 1)..<close]).filter { !$0.isWhitespace }
                output += try component(marker, p, offsetMinutes: offsetMinutes)
                index = close + 1
            } else if character == "]", index + 1 < characters.count, characters[index + 1] == "]" {
                output += "]"
                index += 2
            } else {
                output.append(character)
                index += 1
            }
        }
        return .string(output)
    }

    private static func component(_ marker: String, _ p: Parts, offsetMinutes: Int) throws(EvaluationFailure) -> String {
        guard let specifier = marker.first else { return "" }
        var modifier = String(marker.dropFirst())
        var maximumWidth: Int?
        var minimumWidth: Int?
        if let comma = modifier.firstIndex(of: ",") {
            let widths = modifier[modifier.index(after: comma)...].split(separator: "-", omittingEmptySubsequences: false)
            minimumWidth = widths.first.flatMap { Int($0) }
            if widths.count > 1 { maximumWidth = Int(widths[1]) }
            modifier = String(modifier[..<comma])
        }
        func name(_ full: String) -> String {
            var text = full
            if let maximumWidth, text.count > maximumWidth { text = String(text.prefix(maximumWidth)) }
            switch modifier {
            case "N": return text.uppercased()
            case "n": return text.lowercased()
            default: return text
            }
        }
        func number(_ value: Int, defaultWidth: Int) -> String {
            if modifier == "I" { return FormattingFunctions.roman(value).uppercased() }
            if modifier == "i" { return FormattingFunctions.roman(value).lowercased() }
            if modifier == "w" { return FormattingFunctions.words(value).lowercased() }
            if modifier == "W" { return FormattingFunctions.words(value).uppercased() }
            if modifier == "Ww" { return FormattingFunctions.words(value).capitalized }
            let digitCount = modifier.filter { $0 == "0" || $0 == "#" || $0.isNumber }.count
            var width = digitCount > 0 ? modifier.filter { $0.isNumber }.count : defaultWidth
            if let minimumWidth { width = max(width, minimumWidth) }
            var text = padded(value, width)
            if let maximumWidth, text.count > maximumWidth { text = String(text.suffix(maximumWidth)) }
            return text
        }
        switch specifier {
        case "Y":
            var text = number(p.year, defaultWidth: 1)
            if modifier.count == 2 && modifier.allSatisfy(\.isNumber) { text = String(text.suffix(2)) }
            return text
        case "M":
            if modifier.hasPrefix("N") || modifier.hasPrefix("n") { return name(monthNames[p.month - 1]) }
            return number(p.month, defaultWidth: 1)
        case "D": return number(p.day, defaultWidth: 1)
        case "d": return number(p.dayOfYear, defaultWidth: 1)
        case "F":
            if modifier.isEmpty || modifier.hasPrefix("N") || modifier.hasPrefix("n") {
                return name(dayNames[p.dayOfWeek - 1])
            }
            return number(p.dayOfWeek, defaultWidth: 1)
        case "H": return number(p.hour, defaultWidth: 1)
        case "h":
            let hour = p.hour % 12 == 0 ? 12 : p.hour % 12
            return number(hour, defaultWidth: 1)
        case "P":
            let text = p.hour < 12 ? "am" : "pm"
            return modifier == "N" ? text.uppercased() : text
        case "m": return number(p.minute, defaultWidth: 2)
        case "s": return number(p.second, defaultWidth: 2)
        case "f":
            let digits = max(1, modifier.filter(\.isNumber).count)
            let fraction = padded(p.millisecond, 3)
            return digits <= 3 ? String(fraction.prefix(digits)) : fraction + String(repeating: "0", count: digits - 3)
        case "Z", "z":
            if modifier.hasSuffix("t") && offsetMinutes == 0 { return "Z" }
            let sign = offsetMinutes < 0 ? "-" : "+"
            let hours = abs(offsetMinutes) / 60
            let minutes = abs(offsetMinutes) % 60
            let text: String
            let digits = modifier.filter(\.isNumber)
            if modifier.contains(":") || modifier.isEmpty || modifier == "t" {
                text = "\(sign)\(twoDigits(hours)):\(twoDigits(minutes))"
            } else if digits.count <= 2 {
                text = "\(sign)\(digits.count == 2 ? twoDigits(hours) : String(hours))" + (minutes != 0 ? ":\(twoDigits(minutes))" : "")
            } else {
                text = "\(sign)\(twoDigits(hours))\(twoDigits(minutes))"
            }
            return specifier == "z" ? "GMT" + text : text
        case "E": return "ISO"
        case "C": return "ISO"
        case "W", "w", "X", "x":
            return number(isoWeek(p), defaultWidth: 1)
        default:
            throw EvaluationFailure("D3132", value: .some(.string(String(specifier))))
        }
    }

    private static func isoWeek(_ p: Parts) -> Int {
        let week = (p.dayOfYear - p.dayOfWeek + 10) / 7
        return max(1, min(week, 53))
    }

    // MARK: Parsing

    /// ISO 8601 dates and date-times; a missing zone means UTC.
    static func parseISO(_ text: String) -> Double? {
        let characters = Array(text)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= characters.count else { return nil }
            let slice = String(characters[index..<(index + count)])
            guard slice.allSatisfy(\.isASCII), slice.allSatisfy(\.isNumber), let value = Int(slice) else { return nil }
            index += count
            return value
        }
        func accept(_ character: Character) -> Bool {
            if index < characters.count && characters[index] == character {
                index += 1
                return true
            }
            return false
        }
        guard let year = digits(4) else { return nil }
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0
        var millis = 0.0
        var offsetMinutes = 0
        if accept("-") {
            guard let parsedMonth = digits(2) else { return nil }
            month = parsedMonth
            if accept("-") {
                guard let parsedDay = digits(2) else { return nil }
                day = parsedDay
            }
        }
        if accept("T") || accept(" ") {
            guard let parsedHour = digits(2), accept(":"), let parsedMinute = digits(2) else { return nil }
            hour = parsedHour
            minute = parsedMinute
            if accept(":") {
                guard let parsedSecond = digits(2) else { return nil }
                second = parsedSecond
                if accept(".") || accept(",") {
                    var fraction = "0."
                    while index < characters.count, characters[index].isNumber {
                        fraction.append(characters[index])
                        index += 1
                    }
                    millis = ((Double(fraction) ?? 0) * 1000).rounded(.down)
                }
            }
            if accept("Z") {
                offsetMinutes = 0
            } else if index < characters.count, characters[index] == "+" || characters[index] == "-" {
                let sign = characters[index] == "-" ? -1 : 1
                index += 1
                guard let offsetHours = digits(2) else { return nil }
                _ = accept(":")
                let offsetMins = digits(2) ?? 0
                offsetMinutes = sign * (offsetHours * 60 + offsetMins)
            }
        }
        guard index == characters.count, (1...12).contains(month), (1...31).contains(day), hour <= 24, minute < 60,
            second < 61
        else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        let seconds = Double(days) * 86_400 + Double(hour * 3600 + minute * 60 + second) - Double(offsetMinutes * 60)
        return seconds * 1000 + millis
    }

    /// Parses `text` against a picture of numeric components ([Y], [M], [D], [H], [m], [s], [f], [Z]).
    static func parse(_ text: String, picture: String) throws(EvaluationFailure) -> Double? {
        let source = Array(text)
        let pattern = Array(picture)
        var sourceIndex = 0
        var patternIndex = 0
        var values: [Character: Int] = [:]
        var offsetMinutes = 0
        while patternIndex < pattern.count {
            let character = pattern[patternIndex]
            if character == "[" {
                guard let close = pattern[patternIndex...].firstIndex(of: "]") else { throw EvaluationFailure("D3135") }
                let marker = String(pattern[(patternIndex + 1)..<close])
                guard let specifier = marker.first else { return nil }
                patternIndex = close + 1
                if specifier == "Z" || specifier == "z" {
                    if sourceIndex < source.count, source[sourceIndex] == "Z" {
                        sourceIndex += 1
                        continue
                    }
                    var zone = ""
                    if specifier == "z" && String(source[sourceIndex...]).hasPrefix("GMT") { sourceIndex += 3 }
                    while sourceIndex < source.count, "+-:0123456789".contains(source[sourceIndex]) {
                        zone.append(source[sourceIndex])
                        sourceIndex += 1
                    }
                    offsetMinutes = offset(zone)
                    continue
                }
                let fixedWidth = marker.dropFirst().filter(\.isNumber).count
                var digits = ""
                while sourceIndex < source.count, source[sourceIndex].isNumber,
                    fixedWidth < 2 || digits.count < fixedWidth
                {
                    digits.append(source[sourceIndex])
                    sourceIndex += 1
                }
                guard let value = Int(digits) else { return nil }
                values[specifier] = value
            } else {
                guard sourceIndex < source.count, source[sourceIndex] == character else { return nil }
                sourceIndex += 1
                patternIndex += 1
            }
        }
        guard values["Y"] != nil || values["H"] != nil else { throw EvaluationFailure("D3136") }
        let year = values["Y"] ?? 1970
        let days: Int
        if let dayOfYear = values["d"] {
            days = CivilDate.days(year: year, month: 1, day: 1) + dayOfYear - 1
        } else {
            days = CivilDate.days(year: year, month: values["M"] ?? 1, day: values["D"] ?? 1)
        }
        var hour = values["H"] ?? 0
        if let twelveHour = values["h"] { hour = twelveHour % 12 }
        let seconds =
            Double(days) * 86_400 + Double(hour * 3600 + (values["m"] ?? 0) * 60 + (values["s"] ?? 0))
            - Double(offsetMinutes * 60)
        return seconds * 1000 + Double(values["f"] ?? 0)
    }
}
