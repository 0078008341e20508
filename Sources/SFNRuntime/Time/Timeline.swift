import SFNCalendar
import SFNLanguage

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
    /// Real or virtual.
    public let mode: ClockMode
    private var virtualNow: EpochMilliseconds
    private let wall: WallClock

    /// A timeline starting now (real) or at the virtual start.
    public init(mode: ClockMode, wall: WallClock = .system) {
        self.mode = mode
        self.wall = wall
        switch mode {
        case .real: virtualNow = 0
        case .virtual(let start): virtualNow = start
        }
    }

    /// Whether waiting only moves this timeline's clock.
    public var isVirtual: Bool { if case .virtual = mode { true } else { false } }

    /// The current time on this path.
    public var now: EpochMilliseconds {
        switch mode {
        case .real: wall.now()
        case .virtual: virtualNow
        }
    }

    /// Waits `milliseconds` (really or virtually). Throws when the surrounding task is cancelled.
    public mutating func sleep(milliseconds: Int64) async throws {
        guard milliseconds > 0 else { return }
        switch mode {
        case .real:
            try await Task.sleep(nanoseconds: Durations.nanoseconds(milliseconds: milliseconds))
        case .virtual:
            try Task.checkCancellation()
            virtualNow = Durations.adding(milliseconds, to: virtualNow)
        }
    }

    /// Waits until `instant` (really or virtually).
    public mutating func sleep(until instant: EpochMilliseconds) async throws {
        try await sleep(milliseconds: Durations.difference(instant, now))
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
        if millis < 0 {
            millis += 1000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = CivilDate.date(days: Int(days))
        let hour = secondOfDay / 3600, minute = (secondOfDay % 3600) / 60, second = secondOfDay % 60
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millis, 3))Z"
    }

    private static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Parses an ISO-8601 extended offset date-time (`2016-03-14T01:59:00Z`,
    /// `...T01:59:00.123+02:00`) as Wait's Timestamp requires; nil for anything else. The same
    /// grammar as Choice rules' timestamps.
    public static func parse(_ text: String) -> EpochMilliseconds? {
        guard let timestamp = StatesTimestamp(text) else { return nil }
        return timestamp.epochSeconds * 1000 + Int64(timestamp.nanoseconds / 1_000_000)
    }
}
