import Synchronization

/// When a task's last heartbeat (or its start) happened, on the monotonic clock: a wall-clock
/// jump never makes a heartbeat overdue or early.
final class HeartbeatClock: Sendable {
    private let last: Locked<ContinuousClock.Instant?>

    /// `started: false` for an activity, whose heartbeat clock starts when a worker takes it.
    init(started: Bool = true) {
        last = Locked(started ? ContinuousClock.now : nil)
    }

    /// Starts the clock, or restarts it at a heartbeat.
    func beat() { last.withLock { $0 = ContinuousClock.now } }

    func start() { beat() }

    /// Milliseconds left before `limitSeconds` have passed since the last beat (negative when
    /// overdue); nil while the clock has not started.
    func remaining(limitSeconds: Int) -> Int64? {
        last.withLock { last -> Int64? in
            guard let last else { return nil }
            let elapsed = (ContinuousClock.now - last).components
            let elapsedMilliseconds = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
            return Durations.milliseconds(seconds: limitSeconds) - elapsedMilliseconds
        }
    }
}
