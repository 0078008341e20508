import SFNJSON
import Synchronization

/// One execution history event, shaped like GetExecutionHistory's `events[]` entries.
public struct HistoryEvent: Sendable, Equatable {
    /// The event's number, from 1.
    public var id: Int
    /// The event this one follows (0 for the first).
    public var previousEventId: Int
    /// When it happened, on the execution's clock.
    public var timestamp: EpochMilliseconds
    /// `ExecutionStarted`, `PassStateEntered`, `TaskFailed`...
    public var type: String
    /// The `...EventDetails` member name (e.g. `stateEnteredEventDetails`) and its content.
    public var detailsKey: String?
    /// The details object.
    public var details: JSON?

    /// An event (as a store reads it back).
    public init(
        id: Int, previousEventId: Int, timestamp: EpochMilliseconds, type: String, detailsKey: String? = nil, details: JSON? = nil
    ) {
        self.id = id
        self.previousEventId = previousEventId
        self.timestamp = timestamp
        self.type = type
        self.detailsKey = detailsKey
        self.details = details
    }

    /// The event as GetExecutionHistory returns it.
    public var json: JSON {
        var members: JSONObject = [
            "timestamp": .string(Timestamps.iso8601(timestamp)),
            "type": .string(type),
            "id": .int(id),
            "previousEventId": .int(previousEventId),
        ]
        if let detailsKey, let details { members[detailsKey] = details }
        return .object(members)
    }
}

/// Numbers and (when enabled) keeps an execution's events. Event ids are always counted, even when
/// events are not kept, because AWS's error causes quote them ("entered at the event id #2").
public final class HistoryRecorder: Sendable {
    private struct Book {
        var events: [HistoryEvent] = []
        var lastId = 0
        var observers: [@Sendable (HistoryEvent) -> Void] = []
        /// While resuming: the recorded events not yet matched.
        var replay: ReplayBook?
    }

    private let book = Locked(Book())
    private let detailsWanted: Atomic<Bool>
    private let replaying: Atomic<Bool>
    /// The last id of the history this recorder resumed (0 for a new execution).
    let resumedThrough: Int
    /// Whether events are kept (ids are counted either way).
    public let keepsEvents: Bool
    /// At most this many events are kept (later ones are still counted and observed): Express
    /// executions have no event cap, so an endless one must not fill memory with its history.
    public let keepLimit: Int?

    /// A recorder that keeps events (up to `keepLimit`) or only counts them.
    public init(keepsEvents: Bool, keepLimit: Int? = nil) {
        self.keepsEvents = keepsEvents
        self.keepLimit = keepLimit
        detailsWanted = Atomic(keepsEvents)
        replaying = Atomic(false)
        resumedThrough = 0
    }

    /// A recorder that continues `history` (all of it is kept), matching the events of
    /// `replayed` (see ``ReplayBook``) before it records new ones.
    init(resuming history: [HistoryEvent], replaying replayed: [HistoryEvent]) {
        keepsEvents = true
        keepLimit = nil
        detailsWanted = Atomic(true)
        let book = ReplayBook(replayed)
        replaying = Atomic(book.remaining > 0)
        resumedThrough = history.last?.id ?? 0
        self.book.withLock {
            $0.events = history
            $0.lastId = history.last?.id ?? 0
            $0.replay = book.remaining > 0 ? book : nil
        }
    }

    /// Whether recorded events remain to be matched.
    var isReplaying: Bool { replaying.load(ordering: .relaxed) }

    /// The recorded event `id` of the history this recorder resumed.
    func recordedEvent(_ id: Int) -> HistoryEvent? {
        guard id > 0, id <= resumedThrough else { return nil }
        return book.withLock { book in
            let events = book.events
            if id <= events.count, events[id - 1].id == id { return events[id - 1] }
            return events.first { $0.id == id }
        }
    }

    /// A recorded event not yet matched that follows `id`, of a type `accepts`.
    func pendingChild(of id: Int, where accepts: (String) -> Bool) -> HistoryEvent? {
        guard isReplaying else { return nil }
        return book.withLock { $0.replay?.pendingChild(of: id, where: accepts) }
    }

    deinit {
        // Frees the events here, in code specialised for them: the lock's own deinit would destroy
        // them one by one through generic value witnesses (measurably slower for long histories).
        book.withLock { $0 = Book() }
    }

    /// Whether anyone will read event details (kept events or observers), so callers can skip
    /// building them. Read without the lock: an observer added meanwhile sees details from its
    /// next event on.
    public var wantsDetails: Bool { detailsWanted.load(ordering: .relaxed) }

    /// Records an event and returns its id.
    @discardableResult
    public func record(
        _ type: String, previous: Int, at timestamp: EpochMilliseconds, detailsKey: String? = nil, details: JSON? = nil
    ) -> Int {
        let limit = keepLimit ?? Int.max
        if replaying.load(ordering: .relaxed), let matched = matchRecorded(type, previous: previous, details: details) { return matched }
        let (id, event, observers) = book.withLock { book -> (Int, HistoryEvent?, [@Sendable (HistoryEvent) -> Void]) in
            book.lastId += 1
            let keepsEvents = self.keepsEvents && book.events.count < limit
            var event: HistoryEvent?
            if keepsEvents || !book.observers.isEmpty {
                event = HistoryEvent(
                    id: book.lastId, previousEventId: previous, timestamp: timestamp, type: type, detailsKey: detailsKey,
                    details: details)
            }
            if keepsEvents, let event { book.events.append(event) }
            return (book.lastId, event, book.observers)
        }
        if let event { for observer in observers { observer(event) } }
        return id
    }

    /// The id of the recorded event this one is, taken out of the replay book.
    private func matchRecorded(_ type: String, previous: Int, details: JSON?) -> Int? {
        book.withLock { book -> Int? in
            guard var replay = book.replay else { return nil }
            let matched = replay.take(type, previous: previous, details: details)
            if replay.remaining == 0 {
                book.replay = nil
                replaying.store(false, ordering: .relaxed)
            } else {
                book.replay = replay
            }
            return matched?.id
        }
    }

    /// The events kept so far.
    public var snapshot: [HistoryEvent] { book.withLock { $0.events } }

    /// How many events were recorded (kept or not).
    public var eventCount: Int { book.withLock { $0.lastId } }

    /// Calls `observer` for each event recorded from now on (progress display, streaming).
    public func observe(_ observer: @escaping @Sendable (HistoryEvent) -> Void) {
        book.withLock { $0.observers.append(observer) }
        detailsWanted.store(true, ordering: .relaxed)
    }
}

/// The payload fields AWS puts in history details: the JSON text and whether it was truncated.
enum HistoryPayload {
    static func text(_ value: JSON) -> JSON { .string(value.compactText) }
    static let notTruncated: JSON = ["truncated": false]
}
