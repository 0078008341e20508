import Foundation
import SFNJSON
import SFNLanguage
import Synchronization

/// What a task-token callback delivers.
public enum TaskTokenOutcome: Sendable {
    case success(JSON)
    case failure(StatesError)
}

/// Why a callback was refused, named as AWS's API names it.
public enum TaskTokenError: Error, Sendable, Equatable {
    /// The token was never issued, or its task has already finished.
    case taskDoesNotExist
    /// The token is not one this runtime could have issued.
    case invalidToken
    /// The task's timeout or heartbeat timeout passed before the callback.
    case taskTimedOut

    /// The error name the Step Functions API answers with.
    public var awsName: String {
        switch self {
        case .taskDoesNotExist: "TaskDoesNotExist"
        case .invalidToken: "InvalidToken"
        case .taskTimedOut: "TaskTimedOut"
        }
    }
}

/// Issues unguessable task tokens and parks the tasks waiting for them without holding a thread.
///
/// The book is only touched inside `book.withLock`; what a callback resumes (a continuation, a
/// parked execution's action, a heartbeat) runs after the lock is released.
public final class TaskTokenRegistry: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<TaskTokenOutcome, Never>?
        /// A parked execution's continuation: no suspended task, just what to run on the callback.
        var callback: (@Sendable (TaskTokenOutcome) -> Void)?
        var heartbeat: (@Sendable () -> Void)?
        /// What a seeded token was derived from (its execution and attempt).
        var seed: String?
    }

    private struct Book {
        var waiters: [String: Waiter] = [:]
        var early: [String: TaskTokenOutcome] = [:]
        /// Tokens whose task ended, so late callbacks are told TaskTimedOut. Bounded: past
        /// `rememberedEnded` the oldest are forgotten (a callback for one of those is told
        /// TaskDoesNotExist), so a long-running server's memory does not grow with every token.
        var timedOut: Set<String> = []
        var timedOutOrder: [String] = []

        mutating func markEnded(_ token: String) {
            guard timedOut.insert(token).inserted else { return }
            timedOutOrder.append(token)
            if timedOutOrder.count > TaskTokenRegistry.rememberedEnded {
                let forgotten = timedOutOrder.count / 2
                for old in timedOutOrder.prefix(forgotten) {
                    timedOut.remove(old)
                    early[old] = nil
                }
                timedOutOrder.removeFirst(forgotten)
            }
        }
    }

    /// How many ended tokens are remembered for their late callbacks.
    static let rememberedEnded = 100_000

    private let book = Locked(Book())
    private let generator: @Sendable () -> UInt64
    /// The key seeded tokens are derived with (``issue(seed:)``).
    public let secret: [UInt8]

    /// A registry whose tokens draw on `random`; seeded tokens are derived with `secret` (a
    /// durable server keeps it, so tokens outlive a restart), or a key drawn from `random`.
    public init(random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }, secret: [UInt8]? = nil) {
        generator = random
        self.secret = secret ?? (0..<4).flatMap { _ in withUnsafeBytes(of: random().littleEndian, Array.init) }
    }

    /// The token for `seed` (an execution's task attempt): the same seed always gives the same
    /// token, which nobody without the secret can compute.
    public func issue(seed: String) -> String {
        let token = token(forSeed: seed)
        book.withLock { book in
            if book.waiters[token] == nil { book.waiters[token] = Waiter() }
            book.waiters[token]?.seed = seed
            book.timedOut.remove(token)
        }
        return token
    }

    /// The token ``issue(seed:)`` gives for `seed`, without waiting on it.
    public func token(forSeed seed: String) -> String {
        "sfn1." + Self.base64URL(DigestAlgorithm.hmacSHA256(key: secret, message: Array(seed.utf8)))
    }

    /// The seed a waiting seeded token was issued for (``issue(seed:)``): names its execution.
    public func seed(of token: String) -> String? {
        book.withLock { $0.waiters[token]?.seed }
    }

    /// A callback that arrived before a restart, for a token its resumed execution will issue
    /// again: the task gets it as soon as it waits.
    public func preload(_ token: String, with outcome: TaskTokenOutcome) {
        book.withLock { $0.early[token] = outcome }
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A new token: 256 random bits, base64url-encoded behind a fixed prefix so it can be recognised.
    public func issue() -> String {
        var bytes: [UInt8] = []
        for _ in 0..<4 {
            var word = generator()
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        let token = "sfn1." + Self.base64URL(bytes)
        book.withLock { $0.waiters[token] = Waiter() }
        return token
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.hasPrefix("sfn1.") && token.count == 5 + 43
    }

    /// Parks until the token's callback arrives. Cancellation (timeouts) resumes with nil.
    public func wait(for token: String, onHeartbeat: (@Sendable () -> Void)? = nil) async -> TaskTokenOutcome? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<TaskTokenOutcome, Never>) in
                let arrived = book.withLock { book -> TaskTokenOutcome? in
                    if let outcome = book.early.removeValue(forKey: token) {
                        book.waiters[token] = nil
                        return outcome
                    }
                    // Cancelled before this wait began (a stop that came first): the cancellation
                    // handler has already run and will not run again, so end the wait here.
                    if book.timedOut.contains(token) {
                        book.waiters[token] = nil
                        return .failure(StatesError.timedOut)
                    }
                    book.waiters[token, default: Waiter()].continuation = continuation
                    if let onHeartbeat, book.waiters[token]?.heartbeat == nil { book.waiters[token]?.heartbeat = onHeartbeat }
                    return nil
                }
                if let arrived { continuation.resume(returning: arrived) }
            }
        } onCancel: {
            self.expire(token)
        }
    }

    /// Runs `action` (at most once) when the token's callback arrives, without a task waiting for it.
    /// A callback that came before the registration runs it at once.
    func onComplete(_ token: String, _ action: @escaping @Sendable (TaskTokenOutcome) -> Void) {
        let arrived = book.withLock { book -> TaskTokenOutcome? in
            if let outcome = book.early.removeValue(forKey: token) {
                book.waiters[token] = nil
                return outcome
            }
            book.waiters[token, default: Waiter()].callback = action
            return nil
        }
        if let arrived { action(arrived) }
    }

    /// Ends a token whose task will not wait for it (the task failed before waiting): its entry
    /// goes, and a late callback is told TaskTimedOut.
    func release(_ token: String) { expire(token) }

    private func expire(_ token: String) {
        let waiter = book.withLock { book -> Waiter? in
            book.markEnded(token)
            return book.waiters.removeValue(forKey: token)
        }
        waiter?.continuation?.resume(returning: .failure(StatesError.timedOut))
    }

    /// Ends the wait of a parked execution that is being stopped, as cancelling a waiting task would:
    /// later callbacks are refused as timed out. Does nothing once the token's callback has arrived.
    func cancel(_ token: String) {
        let timeout = TaskTokenOutcome.failure(StatesError.timedOut)
        let waiter = book.withLock { book -> Waiter? in
            guard let waiter = book.waiters.removeValue(forKey: token) else { return nil }
            book.markEnded(token)
            // Not registered yet: keep the outcome for the registration.
            if waiter.callback == nil && waiter.continuation == nil { book.early[token] = timeout }
            return waiter
        }
        if let callback = waiter?.callback {
            callback(timeout)
        } else if let continuation = waiter?.continuation {
            continuation.resume(returning: timeout)
        }
    }

    /// Delivers a callback (SendTaskSuccess / SendTaskFailure).
    public func complete(_ token: String, with outcome: TaskTokenOutcome) throws(TaskTokenError) {
        guard Self.isWellFormed(token) else { throw .invalidToken }
        let taken = book.withLock { book -> Result<Waiter, TaskTokenError> in
            if book.timedOut.contains(token) { return .failure(.taskTimedOut) }
            guard let waiter = book.waiters.removeValue(forKey: token) else { return .failure(.taskDoesNotExist) }
            // A second callback for the task is told it is closed (AWS's TaskTimedOut: "the task
            // associated with the token has already been closed").
            book.markEnded(token)
            // The callback beat the task to its wait: keep the outcome for it.
            if waiter.continuation == nil && waiter.callback == nil { book.early[token] = outcome }
            return .success(waiter)
        }
        let waiter = try taken.get()
        if let continuation = waiter.continuation {
            continuation.resume(returning: outcome)
        } else if let callback = waiter.callback {
            callback(outcome)
        }
    }

    /// Registers what a heartbeat for `token` should do (the task's heartbeat watchdog).
    public func onHeartbeat(_ token: String, _ action: @escaping @Sendable () -> Void) {
        book.withLock { book in
            if book.waiters[token] != nil { book.waiters[token]?.heartbeat = action }
        }
    }

    /// SendTaskHeartbeat.
    public func heartbeat(_ token: String) throws(TaskTokenError) {
        guard Self.isWellFormed(token) else { throw .invalidToken }
        let found = book.withLock { book -> Result<Waiter, TaskTokenError> in
            if book.timedOut.contains(token) { return .failure(.taskTimedOut) }
            guard let waiter = book.waiters[token] else { return .failure(.taskDoesNotExist) }
            return .success(waiter)
        }
        try found.get().heartbeat?()
    }

    /// The seeded tokens whose tasks wait on a callback now, with their seeds, for the seeds that
    /// begin with `prefix` (an execution's ARN and `|`: that execution's waiting tasks).
    public func waiting(seedPrefix prefix: String) -> [(token: String, seed: String)] {
        book.withLock { book in
            book.waiters.compactMap { token, waiter in
                guard let seed = waiter.seed, seed.hasPrefix(prefix), waiter.continuation != nil || waiter.callback != nil else {
                    return nil
                }
                return (token, seed)
            }
        }
    }

    /// How many tasks wait on a callback now (suspended or parked).
    public var parkedCount: Int {
        book.withLock { book in book.waiters.values.filter { $0.continuation != nil || $0.callback != nil }.count }
    }
}
