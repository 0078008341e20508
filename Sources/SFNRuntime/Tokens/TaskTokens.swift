import Foundation
import SFNJSON
import SFNLanguage

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

    public var awsName: String {
        switch self {
        case .taskDoesNotExist: "TaskDoesNotExist"
        case .invalidToken: "InvalidToken"
        case .taskTimedOut: "TaskTimedOut"
        }
    }
}

/// Issues unguessable task tokens and parks the tasks waiting for them without holding a thread.
// @unchecked: every mutable member is read and written with `lock` held, never across an await;
// continuations are resumed after the lock is released.
public final class TaskTokenRegistry: @unchecked Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<TaskTokenOutcome, Never>?
        /// A parked execution's continuation: no suspended task, just what to run on the callback.
        var callback: (@Sendable (TaskTokenOutcome) -> Void)?
        var heartbeat: (@Sendable () -> Void)?
    }

    private let lock = NSLock()
    private var waiters: [String: Waiter] = [:]
    private var early: [String: TaskTokenOutcome] = [:]
    private var timedOut: Set<String> = []
    private var generator: @Sendable () -> UInt64

    public init(random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }) {
        generator = random
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
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let token = "sfn1." + encoded
        lock.lock()
        waiters[token] = Waiter()
        lock.unlock()
        return token
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.hasPrefix("sfn1.") && token.count == 5 + 43
    }

    /// Parks until the token's callback arrives. Cancellation (timeouts) resumes with nil.
    public func wait(for token: String, onHeartbeat: (@Sendable () -> Void)? = nil) async -> TaskTokenOutcome? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<TaskTokenOutcome, Never>) in
                lock.lock()
                if let outcome = early.removeValue(forKey: token) {
                    waiters[token] = nil
                    lock.unlock()
                    continuation.resume(returning: outcome)
                    return
                }
                waiters[token, default: Waiter()].continuation = continuation
                if let onHeartbeat, waiters[token]?.heartbeat == nil { waiters[token]?.heartbeat = onHeartbeat }
                lock.unlock()
            }
        } onCancel: {
            self.expire(token)
        }
    }

    /// Runs `action` (at most once) when the token's callback arrives, without a task waiting for it.
    /// A callback that came before the registration runs it at once.
    func onComplete(_ token: String, _ action: @escaping @Sendable (TaskTokenOutcome) -> Void) {
        lock.lock()
        if let outcome = early.removeValue(forKey: token) {
            waiters[token] = nil
            lock.unlock()
            action(outcome)
            return
        }
        waiters[token, default: Waiter()].callback = action
        lock.unlock()
    }

    private func expire(_ token: String) {
        lock.lock()
        let waiter = waiters.removeValue(forKey: token)
        timedOut.insert(token)
        lock.unlock()
        waiter?.continuation?.resume(returning: .failure(StatesError(StatesErrorName.timeout)))
    }

    /// Ends the wait of a parked execution that is being stopped, as cancelling a waiting task would:
    /// later callbacks are refused as timed out. Does nothing once the token's callback has arrived.
    func cancel(_ token: String) {
        let timeout = TaskTokenOutcome.failure(StatesError(StatesErrorName.timeout))
        lock.lock()
        guard let waiter = waiters.removeValue(forKey: token) else {
            lock.unlock()
            return
        }
        timedOut.insert(token)
        if let callback = waiter.callback {
            lock.unlock()
            callback(timeout)
        } else if let continuation = waiter.continuation {
            lock.unlock()
            continuation.resume(returning: timeout)
        } else {
            // Not registered yet: keep the outcome for the registration.
            early[token] = timeout
            lock.unlock()
        }
    }

    /// Delivers a callback (SendTaskSuccess / SendTaskFailure).
    public func complete(_ token: String, with outcome: TaskTokenOutcome) throws(TaskTokenError) {
        guard Self.isWellFormed(token) else { throw .invalidToken }
        lock.lock()
        if timedOut.contains(token) {
            lock.unlock()
            throw .taskTimedOut
        }
        guard let waiter = waiters[token] else {
            lock.unlock()
            throw .taskDoesNotExist
        }
        if let continuation = waiter.continuation {
            waiters[token] = nil
            lock.unlock()
            continuation.resume(returning: outcome)
        } else if let callback = waiter.callback {
            waiters[token] = nil
            lock.unlock()
            callback(outcome)
        } else {
            // The callback beat the task to its wait: keep the outcome for it.
            waiters[token] = nil
            early[token] = outcome
            lock.unlock()
        }
    }

    /// Registers what a heartbeat for `token` should do (the task's heartbeat watchdog).
    public func onHeartbeat(_ token: String, _ action: @escaping @Sendable () -> Void) {
        lock.lock()
        if waiters[token] != nil { waiters[token]?.heartbeat = action }
        lock.unlock()
    }

    /// SendTaskHeartbeat.
    public func heartbeat(_ token: String) throws(TaskTokenError) {
        guard Self.isWellFormed(token) else { throw .invalidToken }
        lock.lock()
        if timedOut.contains(token) {
            lock.unlock()
            throw .taskTimedOut
        }
        guard let waiter = waiters[token] else {
            lock.unlock()
            throw .taskDoesNotExist
        }
        lock.unlock()
        waiter.heartbeat?()
    }

    public var parkedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return waiters.values.filter { $0.continuation != nil || $0.callback != nil }.count
    }
}
