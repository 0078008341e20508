/// Checked conversions between the units sfn keeps time in. Every number here may come from a
/// definition or an execution input (SecondsPath, TimeoutSecondsPath, a Retry back-off), so none
/// of them traps: they clamp to the range sfn can represent, and the callers that must refuse a
/// value (Wait's "delay is too long") check against `longestSeconds` first.
enum Durations {
    /// The longest delay sfn represents: AWS refuses delays that do not fit a 32-bit count of
    /// seconds, and so nothing longer ever needs to be waited for.
    static let longestSeconds: Int64 = Int64(Int32.max)
    static let longestMilliseconds: Int64 = longestSeconds * 1000

    /// Whole seconds to milliseconds, clamped to `0...longestMilliseconds`.
    static func milliseconds(seconds: Int64) -> Int64 {
        if seconds <= 0 { return 0 }
        if seconds >= longestSeconds { return longestMilliseconds }
        return seconds * 1000
    }

    /// Whole seconds to milliseconds, clamped; for an `Int` read from JSON.
    static func milliseconds(seconds: Int) -> Int64 { milliseconds(seconds: Int64(seconds)) }

    /// Fractional seconds (a Retry back-off) to whole milliseconds, rounded, clamped; NaN and
    /// infinity are the longest delay.
    static func milliseconds(seconds: Double) -> Int64 {
        guard seconds.isFinite else { return seconds == -.infinity ? 0 : longestMilliseconds }
        if seconds <= 0 { return 0 }
        if seconds >= Double(longestSeconds) { return longestMilliseconds }
        return Int64((seconds * 1000).rounded())
    }

    /// Milliseconds to the nanoseconds `Task.sleep` takes, for any (even negative) count.
    static func nanoseconds(milliseconds: Int64) -> UInt64 {
        guard milliseconds > 0 else { return 0 }
        let (product, overflow) = UInt64(milliseconds).multipliedReportingOverflow(by: 1_000_000)
        return overflow ? UInt64.max : product
    }

    /// `instant + milliseconds`, saturating instead of overflowing.
    static func adding(_ milliseconds: Int64, to instant: EpochMilliseconds) -> EpochMilliseconds {
        let (sum, overflow) = instant.addingReportingOverflow(milliseconds)
        if overflow { return milliseconds > 0 ? .max : .min }
        return sum
    }

    /// `later - earlier`, saturating.
    static func difference(_ later: EpochMilliseconds, _ earlier: EpochMilliseconds) -> Int64 {
        let (difference, overflow) = later.subtractingReportingOverflow(earlier)
        if overflow { return later > earlier ? .max : .min }
        return difference
    }
}
