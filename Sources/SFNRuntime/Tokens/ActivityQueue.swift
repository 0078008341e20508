import Foundation
import SFNJSON
import SFNLanguage
import Synchronization

/// One unit of activity work as GetActivityTask hands it to a worker.
public struct ActivityTask: Sendable, Equatable {
    /// The token the worker answers with.
    public var taskToken: String
    /// The task's input, for the worker.
    public var input: JSON

    /// A task for a worker.
    public init(taskToken: String, input: JSON) {
        self.taskToken = taskToken
        self.input = input
    }
}

/// Tasks waiting for activity workers, and workers long-polling for tasks, per activity ARN.
/// Nothing holds a thread while waiting: both sides park on continuations, which are resumed after
/// the lock is released.
public final class ActivityQueue: Sendable {
    private struct Poller {
        var id: UInt64
        var workerName: String?
        var continuation: CheckedContinuation<ActivityTask?, Never>
    }

    private struct Queued {
        var task: ActivityTask
        var onHandOut: (@Sendable (_ workerName: String?) -> Void)?
    }

    private struct Book {
        var pending: [String: [Queued]] = [:]
        var pollers: [String: [Poller]] = [:]
        /// Polls that timed out or were cancelled before they parked, so they return at once when they do.
        var abandoned: Set<UInt64> = []
        var nextPollerId: UInt64 = 0
    }

    private let book = Locked(Book())
    private let offered = Locked<(@Sendable (_ activityArn: String, _ task: ActivityTask) -> Void)?>(nil)

    /// An empty queue.
    public init() {}

    /// Calls `observer` with every task queued from now on, instead of handing tasks to the
    /// workers polling this queue (a cluster node offers them to workers polling any node, and
    /// hands them out with ``handOut(token:of:to:)``).
    public func onEnqueue(_ observer: @escaping @Sendable (_ activityArn: String, _ task: ActivityTask) -> Void) {
        offered.withLock { $0 = observer }
    }

    /// Takes a queued task out of the queue as if a worker named `workerName` had polled for it
    /// (it was handed out elsewhere; nil `activityArn`: whichever activity it is queued for):
    /// false when it is not queued (any more).
    @discardableResult
    public func handOut(token: String, of activityArn: String? = nil, to workerName: String?) -> Bool {
        let queued = book.withLock { book -> Queued? in
            for arn in activityArn.map({ [$0] }) ?? Array(book.pending.keys) {
                guard var tasks = book.pending[arn], let index = tasks.firstIndex(where: { $0.task.taskToken == token }) else {
                    continue
                }
                let queued = tasks.remove(at: index)
                book.pending[arn] = tasks.isEmpty ? nil : tasks
                return queued
            }
            return nil
        }
        guard let queued else { return false }
        queued.onHandOut?(workerName)
        return true
    }

    /// Offers a task to the longest-waiting worker, or keeps it until one polls. `onHandOut` runs
    /// when a worker receives it (the activity has started), with the name the worker gave.
    public func enqueue(
        _ task: ActivityTask, for activityArn: String, onHandOut: (@Sendable (_ workerName: String?) -> Void)? = nil
    ) {
        if let observer = offered.withLock({ $0 }) {
            book.withLock { $0.pending[activityArn, default: []].append(Queued(task: task, onHandOut: onHandOut)) }
            observer(activityArn, task)
            return
        }
        let poller = book.withLock { book -> Poller? in
            if var waiting = book.pollers[activityArn], !waiting.isEmpty {
                let poller = waiting.removeFirst()
                book.pollers[activityArn] = waiting.isEmpty ? nil : waiting
                return poller
            }
            book.pending[activityArn, default: []].append(Queued(task: task, onHandOut: onHandOut))
            return nil
        }
        guard let poller else { return }
        onHandOut?(poller.workerName)
        poller.continuation.resume(returning: task)
    }

    /// Whether the task with `token` waits in the queue, not yet handed out.
    public func isQueued(token: String) -> Bool {
        book.withLock { book in book.pending.values.contains { $0.contains { $0.task.taskToken == token } } }
    }

    /// Removes a task no worker has taken yet (its execution stopped or its task timed out).
    public func withdraw(token: String, from activityArn: String) {
        book.withLock { book in
            guard var tasks = book.pending[activityArn] else { return }
            tasks.removeAll { $0.task.taskToken == token }
            book.pending[activityArn] = tasks.isEmpty ? nil : tasks
        }
    }

    /// Waits up to `timeoutSeconds` for a task; nil when none arrived in time or the caller was
    /// cancelled. `workerName` is GetActivityTask's, recorded in the task's ActivityStarted event.
    public func poll(_ activityArn: String, timeoutSeconds: Double, workerName: String? = nil) async -> ActivityTask? {
        let id = book.withLock { book -> UInt64 in
            book.nextPollerId += 1
            return book.nextPollerId
        }
        let nanoseconds = Durations.nanoseconds(milliseconds: Durations.milliseconds(seconds: timeoutSeconds))
        let timer = Task { [weak self] in
            try? await Task.sleep(nanoseconds: nanoseconds)
            self?.abandon(id, of: activityArn)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ActivityTask?, Never>) in
                enum Answer {
                    case none
                    case task(Queued)
                    case parked
                }
                let cancelled = Task.isCancelled
                let answer = book.withLock { book -> Answer in
                    if book.abandoned.remove(id) != nil || cancelled { return .none }
                    if var tasks = book.pending[activityArn], !tasks.isEmpty {
                        let queued = tasks.removeFirst()
                        book.pending[activityArn] = tasks.isEmpty ? nil : tasks
                        return .task(queued)
                    }
                    book.pollers[activityArn, default: []].append(Poller(id: id, workerName: workerName, continuation: continuation))
                    return .parked
                }
                switch answer {
                case .none:
                    continuation.resume(returning: nil)
                case .task(let queued):
                    queued.onHandOut?(workerName)
                    continuation.resume(returning: queued.task)
                case .parked:
                    break
                }
            }
        } onCancel: {
            self.abandon(id, of: activityArn)
        }
    }

    private func abandon(_ id: UInt64, of activityArn: String) {
        let poller = book.withLock { book -> Poller? in
            guard var waiting = book.pollers[activityArn], let index = waiting.firstIndex(where: { $0.id == id }) else {
                book.abandoned.insert(id)
                return nil
            }
            let poller = waiting.remove(at: index)
            book.pollers[activityArn] = waiting.isEmpty ? nil : waiting
            return poller
        }
        poller?.continuation.resume(returning: nil)
    }

    /// Answers every waiting worker with "no task" at once (the server is shutting down).
    public func releaseWaitingWorkers() {
        let waiting = book.withLock { book -> [Poller] in
            let waiting = book.pollers.values.flatMap { $0 }
            book.pollers = [:]
            return waiting
        }
        for poller in waiting { poller.continuation.resume(returning: nil) }
    }

    /// Tasks not yet handed to a worker.
    public func pendingCount(for activityArn: String) -> Int {
        book.withLock { $0.pending[activityArn]?.count ?? 0 }
    }
}

/// Runs a Task whose Resource is an activity ARN: queues the input for a worker and waits for the
/// worker's SendTaskSuccess / SendTaskFailure on a token issued here.
public struct ActivityExecutor: TaskExecutor {
    /// The resource pattern that routes every activity ARN here.
    public static let resourcePattern = "arn:aws:states:*:*:activity:*"

    /// Where tasks wait for workers.
    public let queue: ActivityQueue
    /// Where the workers' answers arrive.
    public let tokens: TaskTokenRegistry

    /// An executor queueing on `queue` and waiting on `tokens`.
    public init(queue: ActivityQueue, tokens: TaskTokenRegistry) {
        self.queue = queue
        self.tokens = tokens
    }

    /// Queues the task and waits for a worker's answer, with the heartbeat rules.
    public func execute(_ request: TaskRequest) async throws(StatesError) -> JSON {
        let token = request.tokenSeed.map { tokens.issue(seed: $0) } ?? tokens.issue()
        let heartbeats = HeartbeatClock(started: false)
        let started = request.activityStart
        queue.enqueue(
            ActivityTask(taskToken: token, input: request.input), for: request.resource,
            onHandOut: { workerName in
                heartbeats.start()
                started?.workerTookTask(named: workerName)
            })
        let outcome = await withTaskCancellationHandler {
            await Self.awaitWorker(token: token, tokens: tokens, heartbeatSeconds: request.heartbeatSeconds, clock: heartbeats)
        } onCancel: {
            queue.withdraw(token: token, from: request.resource)
        }
        // A worker's answer for a task still queued here: a worker took it elsewhere (a cluster
        // node that took this execution over after the hand-out). Started it was, so say so.
        var answered = true
        if case .failure(let error) = outcome {
            answered = error.error != StatesError.timedOut.error && error.error != StatesError.heartbeatTimedOut.error
        }
        if answered && queue.isQueued(token: token) { queue.handOut(token: token, of: request.resource, to: nil) }
        queue.withdraw(token: token, from: request.resource)
        switch outcome {
        case .success(let output): return output
        case .failure(let error): throw error
        }
    }

    /// Heartbeats are due from the moment a worker takes the task; until then it only waits.
    private static func awaitWorker(
        token: String, tokens: TaskTokenRegistry, heartbeatSeconds: Int?, clock: HeartbeatClock
    ) async -> Result<JSON, StatesError> {
        guard let heartbeatSeconds else { return await callback(token, tokens: tokens) }
        return await withTaskGroup(of: Result<JSON, StatesError>?.self) { group in
            group.addTask { await callback(token, tokens: tokens, onHeartbeat: { clock.beat() }) }
            group.addTask {
                while true {
                    guard let remaining = clock.remaining(limitSeconds: heartbeatSeconds) else {
                        do {
                            try await Task.sleep(nanoseconds: 50_000_000)
                        } catch {
                            return nil
                        }
                        continue
                    }
                    if remaining <= 0 { return .failure(StatesError.heartbeatTimedOut) }
                    do {
                        try await Task.sleep(nanoseconds: Durations.nanoseconds(milliseconds: remaining))
                    } catch {
                        return nil
                    }
                }
            }
            return await group.firstAnswer(otherwise: .failure(StatesError.heartbeatTimedOut))
        }
    }

    private static func callback(
        _ token: String, tokens: TaskTokenRegistry, onHeartbeat: (@Sendable () -> Void)? = nil
    ) async -> Result<JSON, StatesError> {
        switch await tokens.wait(for: token, onHeartbeat: onHeartbeat) {
        case .success(let value)?: .success(value)
        case .failure(let error)?: .failure(error)
        case nil: .failure(StatesError.timedOut)
        }
    }
}

/// Writes an activity task's ActivityStarted event when a worker takes the task, once.
public final class ActivityStartReport: Sendable {
    private let record: @Sendable (_ workerName: String?) -> Int
    private let startedEventId = Locked<Int?>(nil)

    init(record: @escaping @Sendable (_ workerName: String?) -> Int) { self.record = record }

    /// A worker took the task (GetActivityTask answered it).
    public func workerTookTask(named workerName: String?) {
        startedEventId.withLock { id in
            if id == nil { id = record(workerName) }
        }
    }

    /// The ActivityStarted event's id, once a worker has taken the task.
    var eventId: Int? { startedEventId.withLock { $0 } }
}
