import Foundation
import SFNJSON

/// One execution history event, shaped like GetExecutionHistory's `events[]` entries.
public struct HistoryEvent: Sendable, Equatable {
    public var id: Int
    public var previousEventId: Int
    public var timestamp: EpochMilliseconds
    public var type: String
    /// The `...EventDetails` member name (e.g. `stateEnteredEventDetails`) and its content.
    public var detailsKey: String?
    public var details: JSON?

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
public final class HistoryRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [HistoryEvent] = []
    private var lastId = 0
    public let keepsEvents: Bool
    /// Whether anyone will read event details (kept events or observers), so callers can skip
    /// building them.
    public private(set) var wantsDetails: Bool
    private var observers: [@Sendable (HistoryEvent) -> Void] = []

    public init(keepsEvents: Bool) {
        self.keepsEvents = keepsEvents
        wantsDetails = keepsEvents
    }

    /// Records an event and returns its id.
    @discardableResult
    public func record(
        _ type: String, previous: Int, at timestamp: EpochMilliseconds, detailsKey: String? = nil, details: JSON? = nil
    ) -> Int {
        lock.lock()
        lastId += 1
        let id = lastId
        var event: HistoryEvent?
        if keepsEvents || !observers.isEmpty {
            event = HistoryEvent(
                id: id, previousEventId: previous, timestamp: timestamp, type: type, detailsKey: detailsKey, details: details)
        }
        if keepsEvents, let event { events.append(event) }
        let currentObservers = observers
        lock.unlock()
        if let event { for observer in currentObservers { observer(event) } }
        return id
    }

    public var snapshot: [HistoryEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }

    public var eventCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return lastId
    }

    /// Calls `observer` for each event recorded from now on (progress display, streaming).
    public func observe(_ observer: @escaping @Sendable (HistoryEvent) -> Void) {
        lock.lock()
        observers.append(observer)
        wantsDetails = true
        lock.unlock()
    }
}

/// The payload fields AWS puts in history details: the JSON text and whether it was truncated.
enum HistoryPayload {
    static func text(_ value: JSON) -> JSON { .string(value.compactText) }
    static let notTruncated: JSON = ["truncated": false]
}
