import SFNCalendar

/// An instant written as AWS accepts timestamps in Choice rules (and Wait states): the RFC 3339
/// profile of ISO 8601 with an uppercase `T` between date and time and either an uppercase `Z`
/// or a numeric offset, e.g. `2016-03-14T01:59:00Z`, `2016-03-14T01:59:00.123-05:00`.
/// Compared as instants, so the same moment written with different offsets is equal.
public struct StatesTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let epochSeconds: Int64
    /// Fraction of the second, in nanoseconds (0 ..< 1_000_000_000).
    public let nanoseconds: Int32
    /// The timestamp as written.
    public let text: String

    /// The timestamp as written.
    public var description: String { text }

    /// Parses an RFC 3339 timestamp as AWS accepts it; nil otherwise.
    public init?(_ text: String) {
        guard let parsed = Self.parse(Array(text.utf8)) else { return nil }
        self.epochSeconds = parsed.seconds
        self.nanoseconds = parsed.nanoseconds
        self.text = text
    }

    /// The same instant.
    public static func == (lhs: StatesTimestamp, rhs: StatesTimestamp) -> Bool {
        lhs.epochSeconds == rhs.epochSeconds && lhs.nanoseconds == rhs.nanoseconds
    }

    /// Hashes the instant.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(epochSeconds)
        hasher.combine(nanoseconds)
    }

    /// Earlier.
    public static func < (lhs: StatesTimestamp, rhs: StatesTimestamp) -> Bool {
        (lhs.epochSeconds, lhs.nanoseconds) < (rhs.epochSeconds, rhs.nanoseconds)
    }

    private static func parse(_ bytes: [UInt8]) -> (seconds: Int64, nanoseconds: Int32)? {
        var position = 0
        func digits(_ count: Int) -> Int? {
            guard position + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<(position + count)] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            position += count
            return value
        }
        func expect(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
            expect("T"), let hour = digits(2), expect(":"), let minute = digits(2), expect(":"),
            let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(month, year: year),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }

        var nanoseconds = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var count = 0
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                guard count < 9 else { return nil }
                nanoseconds = nanoseconds * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                count += 1
                position += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<9 { nanoseconds *= 10 }
        }

        var offsetSeconds = 0
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "Z"):
            position += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            position += 1
            guard let offsetHours = digits(2), expect(":"), let offsetMinutes = digits(2),
                offsetHours <= 18, offsetMinutes <= 59, offsetHours * 60 + offsetMinutes <= 18 * 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        default:
            return nil
        }
        guard position == bytes.count else { return nil }

        let days = CivilDate.days(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return (seconds, Int32(nanoseconds))
    }
}
