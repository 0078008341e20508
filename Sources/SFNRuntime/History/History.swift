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
    /// What the details are made of (see ``EventDetails``).
    var content: EventDetails?

    /// The details object. A state's input or output is written as JSON text here, when the
    /// details are read, not when the event is recorded.
    public var details: JSON? {
        get { content?.json }
        set { content = newValue.map(EventDetails.built) }
    }

    /// The state's name, for `...StateEntered` and `...StateExited` events (without writing the
    /// payload's text).
    public var stateName: String? { content?.stateName }

    /// An event (as a store reads it back).
    public init(
        id: Int, previousEventId: Int, timestamp: EpochMilliseconds, type: String, detailsKey: String? = nil, details: JSON? = nil
    ) {
        self.init(
            id: id, previousEventId: previousEventId, timestamp: timestamp, type: type, detailsKey: detailsKey,
            content: details.map(EventDetails.built))
    }

    init(id: Int, previousEventId: Int, timestamp: EpochMilliseconds, type: String, detailsKey: String?, content: EventDetails?) {
        self.id = id
        self.previousEventId = previousEventId
        self.timestamp = timestamp
        self.type = type
        self.detailsKey = detailsKey
        self.content = content
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

    /// Equal events: the same fields and the same details, however they are held.
    public static func == (lhs: HistoryEvent, rhs: HistoryEvent) -> Bool {
        lhs.id == rhs.id && lhs.previousEventId == rhs.previousEventId && lhs.timestamp == rhs.timestamp && lhs.type == rhs.type
            && lhs.detailsKey == rhs.detailsKey && lhs.details == rhs.details
    }
}

/// An event's details: a JSON object already built, or a state's input or output kept as the
/// value itself. Most histories are never read (`sfn run` without `--history`, an execution
/// nobody asks about), so writing every state's payload as text when it is recorded would cost a
/// serialization per state for nothing; the value is shared with the execution, not copied.
///
/// A state's entry and exit, two events of every transition, mostly carry only a name and a
/// value: they are held in the event itself. The rest (a caller's spelling of the value, assigned
/// variables, trailing members) take a ``StatePayload`` object.
enum EventDetails: Sendable {
    case built(JSON)
    /// A `...StateEntered`: the state's name and input.
    case stateEntered(name: String, input: JSON)
    /// A `...StateExited` that assigned no variables: the state's name and output.
    case stateExited(name: String, output: JSON)
    case statePayload(StatePayload)

    /// The details of a `...StateEntered` or `...StateExited`: held in the event when there is
    /// no spelling to keep and nothing assigned.
    static func state(
        _ name: String, _ role: StatePayload.Role, value: JSON, spelling: String?, assigned: JSONObject? = nil
    ) -> EventDetails {
        guard spelling == nil, assigned == nil else {
            return .statePayload(StatePayload(name: name, role: role, value: value, spelling: spelling, assigned: assigned))
        }
        switch role {
        case .input: return .stateEntered(name: name, input: value)
        case .output: return .stateExited(name: name, output: value)
        }
    }

    var json: JSON {
        switch self {
        case .built(let json): json
        case .stateEntered(let name, let input): StatePayload.details(name: name, role: .input, text: input.compactText)
        case .stateExited(let name, let output): StatePayload.details(name: name, role: .output, text: output.compactText)
        case .statePayload(let payload): payload.json
        }
    }

    var stateName: String? {
        switch self {
        case .stateEntered(let name, _), .stateExited(let name, _): name
        case .statePayload(let payload): payload.name
        case .built(let json): json["name"]?.stringValue
        }
    }
}

/// Details that carry an input or output as JSON text, written out on demand: a
/// `...StateEntered` (the state's name and input), a `...StateExited` (name, output and the
/// variables it assigned), `ExecutionStarted` (the input, then the role and version or alias
/// ARNs) and `ExecutionSucceeded` (the output).
final class StatePayload: Sendable {
    enum Role: Sendable {
        case input, output
    }

    let name: String?
    let role: Role
    let value: JSON
    /// The caller's text for the value, while no state has changed it.
    let spelling: String?
    let assigned: JSONObject?
    /// Members after the payload's.
    let trailing: JSONObject?

    init(name: String?, role: Role, value: JSON, spelling: String?, assigned: JSONObject? = nil, trailing: JSONObject? = nil) {
        self.name = name
        self.role = role
        self.value = value
        self.spelling = spelling
        self.assigned = assigned
        self.trailing = trailing
    }

    var json: JSON {
        var members = Self.members(name: name, role: role, text: spelling ?? value.compactText)
        if let assigned {
            // AWS lists each assigned variable with its value as JSON text.
            members["assignedVariables"] = .object(assigned.mapValues { HistoryPayload.text($0) })
            members["assignedVariablesDetails"] = HistoryPayload.notTruncated
        }
        if let trailing { members.merge(trailing) { _, new in new } }
        return .object(members)
    }

    /// `name`, then `input` and `inputDetails` or `output` and `outputDetails`.
    static func details(name: String, role: Role, text: String) -> JSON {
        .object(members(name: name, role: role, text: text))
    }

    private static func members(name: String?, role: Role, text: String) -> JSONObject {
        var members: JSONObject = [:]
        if let name { members["name"] = .string(name) }
        switch role {
        case .input:
            members["input"] = .string(text)
            members["inputDetails"] = HistoryPayload.notTruncated
        case .output:
            members["output"] = .string(text)
            members["outputDetails"] = HistoryPayload.notTruncated
        }
        return members
    }
}

/// Numbers and (when enabled) keeps an execution's events. Event ids are always counted, even when
/// events are not kept, because AWS's error causes quote them ("entered at the event id #2").
public final class HistoryRecorder: Sendable {
    private struct Book {
        var events: [HistoryEvent] = []
        var observers: [@Sendable (HistoryEvent) -> Void] = []
        /// While resuming: the recorded events not yet matched.
        var replay: ReplayBook?
    }

    private let book = Locked(Book())
    /// The last id given. Taken under the lock when events are kept or observed (so that they are
    /// kept in order), without it when they are only counted.
    private let lastId: Atomic<Int>
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
        lastId = Atomic(0)
        resumedThrough = 0
    }

    /// A recorder that only counts, from `start` on: a spread Map iteration's (see `runSpread`),
    /// whose count is added to the execution's at the end.
    init(countingFrom start: Int) {
        keepsEvents = false
        keepLimit = nil
        detailsWanted = Atomic(false)
        replaying = Atomic(false)
        lastId = Atomic(start)
        resumedThrough = 0
    }

    /// Counts `count` events recorded elsewhere (by the recorders of spread Map iterations).
    func count(_ count: Int) {
        lastId.wrappingAdd(count, ordering: .relaxed)
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
        lastId = Atomic(history.last?.id ?? 0)
        self.book.withLock {
            $0.events = history
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
        record(type, previous: previous, at: timestamp, detailsKey: detailsKey, content: details.map(EventDetails.built))
    }

    /// Records an event whose details may be written out later (see ``EventDetails``).
    @discardableResult
    func record(_ type: String, previous: Int, at timestamp: EpochMilliseconds, detailsKey: String?, content: EventDetails?) -> Int {
        let limit = keepLimit ?? Int.max
        if replaying.load(ordering: .relaxed), let matched = matchRecorded(type, previous: previous, content: content) {
            return matched
        }
        if !detailsWanted.load(ordering: .relaxed) {
            // Neither kept nor observed: only counted.
            return lastId.wrappingAdd(1, ordering: .relaxed).newValue
        }
        let (id, observed) = book.withLock { book -> (Int, (HistoryEvent, [@Sendable (HistoryEvent) -> Void])?) in
            let id = lastId.wrappingAdd(1, ordering: .relaxed).newValue
            let keepsEvents = self.keepsEvents && book.events.count < limit
            guard !book.observers.isEmpty else {
                // Built in the append itself: a local event would be copied in, then destroyed.
                if keepsEvents {
                    book.events.append(
                        HistoryEvent(
                            id: id, previousEventId: previous, timestamp: timestamp, type: type, detailsKey: detailsKey, content: content))
                }
                return (id, nil)
            }
            // The event leaves the lock (a copy) only when someone observes it.
            let event = HistoryEvent(
                id: id, previousEventId: previous, timestamp: timestamp, type: type, detailsKey: detailsKey, content: content)
            if keepsEvents { book.events.append(event) }
            return (id, (event, book.observers))
        }
        if let (event, observers) = observed { for observer in observers { observer(event) } }
        return id
    }

    /// The id of the recorded event this one is, taken out of the replay book.
    private func matchRecorded(_ type: String, previous: Int, content: EventDetails?) -> Int? {
        book.withLock { book -> Int? in
            guard var replay = book.replay else { return nil }
            let matched = replay.take(type, previous: previous, content: content)
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
    public var eventCount: Int { lastId.load(ordering: .relaxed) }

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
