import Foundation

/// Where sfn reads the date and time of day: the one place `Date()` is read, replaceable so
/// tests (and embedders) can fix "now" for everything that stamps a time — real-clock timelines,
/// the server's creation and update dates, Lambda trace ids and request dates.
///
/// ```swift
/// var configuration = RuntimeConfiguration()
/// configuration.wallClock = .fixed(1_700_000_000_000)
/// ```
public struct WallClock: Sendable {
    private let read: @Sendable () -> EpochMilliseconds

    /// A clock that reads `now`.
    public init(_ now: @escaping @Sendable () -> EpochMilliseconds) { read = now }

    /// Milliseconds since the Unix epoch, now.
    public func now() -> EpochMilliseconds { read() }

    /// The system's clock.
    public static let system = WallClock { EpochMilliseconds((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// A clock that always reads `instant`.
    public static func fixed(_ instant: EpochMilliseconds) -> WallClock { WallClock { instant } }
}
