import Foundation

/// Milliseconds since the Unix epoch: the resolution AWS's timestamps carry.
public typealias EpochMilliseconds = Int64

/// How an execution experiences time.
///
/// Under a real clock, waiting sleeps. Under a virtual clock, waiting only moves the execution's own
/// notion of "now" forward, so a day-long Wait finishes at once while `$$.State.EnteredTime`, history
/// timestamps and timestamps compared by Wait states advance as if the time had passed. Each path
/// of an execution (a Parallel branch, a Map iteration) carries its own virtual time and the parent
/// continues from the latest of them, which keeps virtual runs deterministic.
public enum ClockMode: Sendable, Equatable {
    case real
    case virtual(start: EpochMilliseconds)
}

/// The time of one path through an execution.
public struct Timeline: Sendable {
    public let mode: ClockMode
    private var virtualNow: EpochMilliseconds

    public init(mode: ClockMode) {
        self.mode = mode
        switch mode {
        case .real: virtualNow = 0
        case .virtual(let start): virtualNow = start
        }
    }

    public var isVirtual: Bool { if case .virtual = mode { true } else { false } }

    public var now: EpochMilliseconds {
        switch mode {
        case .real: EpochMilliseconds((Date().timeIntervalSince1970 * 1000).rounded(.down))
        case .virtual: virtualNow
        }
    }

    /// Waits `milliseconds` (really or virtually). Throws when the surrounding task is cancelled.
    public mutating func sleep(milliseconds: Int64) async throws {
        guard milliseconds > 0 else { return }
        switch mode {
        case .real:
            try await Task.sleep(nanoseconds: UInt64(milliseconds) * 1_000_000)
        case .virtual:
            try Task.checkCancellation()
            virtualNow += milliseconds
        }
    }

    public mutating func sleep(until instant: EpochMilliseconds) async throws {
        try await sleep(milliseconds: instant - now)
    }

    /// Continues after concurrent paths have finished: virtual time resumes from the latest one.
    public mutating func join(_ others: [Timeline]) {
        guard case .virtual = mode else { return }
        for other in others where other.virtualNow > virtualNow { virtualNow = other.virtualNow }
    }

    /// Moves virtual time forward to at least `instant` (used when real work took virtual time).
    public mutating func advance(to instant: EpochMilliseconds) {
        guard case .virtual = mode, instant > virtualNow else { return }
        virtualNow = instant
    }
}

/// AWS's timestamp spellings.
public enum Timestamps {
    /// `2024-01-01T10:00:00.123Z`, as `$$.Execution.StartTime` and `$$.State.EnteredTime` show.
    public static func iso8601(_ milliseconds: EpochMilliseconds) -> String {
        var seconds = milliseconds / 1000
        var millis = milliseconds % 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let hour = secondOfDay / 3600, minute = (secondOfDay % 3600) / 60, second = secondOfDay % 60
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millis, 3))Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
    static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Days since 1970-01-01 for a Gregorian date.
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Parses an RFC 3339 / ISO-8601 extended offset date-time (`2016-03-14T01:59:00Z`,
    /// `...T01:59:00.123+02:00`) as Wait's Timestamp requires; nil for anything else.
    public static func parse(_ text: String) -> EpochMilliseconds? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += count
            return value
        }
        func expect(_ character: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        guard index < bytes.count, bytes[index] == 84 || bytes[index] == 116 else { return nil }
        index += 1
        guard let hour = number(2), expect(58), let minute = number(2), expect(58), let second = number(2) else { return nil }
        var millis: Int64 = 0
        if expect(46) {
            var digits = 0
            var fraction: Int64 = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 3 { fraction = fraction * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { fraction *= 10 } }
            millis = fraction
        }
        var offsetMinutes: Int64 = 0
        if expect(90) || expect(122) {
            offsetMinutes = 0
        } else if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {
            let sign: Int64 = bytes[index] == 45 ? -1 : 1
            index += 1
            guard let offsetHour = number(2), expect(58), let offsetMinute = number(2) else { return nil }
            guard offsetHour < 24, offsetMinute < 60 else { return nil }
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let monthLengths: [Int64] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= monthLengths[Int(month - 1)] else { return nil }
        let isLeap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        if month == 2 && day == 29 && !isLeap { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return seconds * 1000 + millis
    }
}
