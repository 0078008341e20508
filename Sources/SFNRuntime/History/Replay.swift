import SFNJSON

/// Recorded events an execution is resumed from (after a restart) or redriven from.
///
/// A resumed execution runs its definition again from the start, and each event it would record
/// that the history already holds is matched instead of written: matched by the event it follows,
/// its type and (for state entries and Map iterations) its state name or item index, so that
/// concurrent branches and iterations find their own events in any order. Where the history
/// holds a task's outcome the task is not run again; where it shows a wait or back-off already
/// over, nothing waits. Past the last recorded event the execution runs live, and its new
/// events continue the ids.
struct ReplayBook: Sendable {
    struct Key: Hashable, Sendable {
        var previous: Int
        var type: String
        var discriminator: String
    }

    private var pending: [Key: [HistoryEvent]] = [:]
    private var children: [Int: [HistoryEvent]] = [:]
    private(set) var remaining = 0

    init(_ events: [HistoryEvent]) {
        for event in events {
            pending[Self.key(event.type, previous: event.previousEventId, content: event.content), default: []].append(event)
            children[event.previousEventId, default: []].append(event)
        }
        remaining = events.count
    }

    static func key(_ type: String, previous: Int, content: EventDetails?) -> Key {
        var discriminator = ""
        if type.hasSuffix("StateEntered"), let name = content?.stateName {
            discriminator = name
        } else if type.hasPrefix("MapIteration"), let index = content?.json["index"] {
            discriminator = index.compactText
        }
        return Key(previous: previous, type: type, discriminator: discriminator)
    }

    /// The recorded event an event about to be recorded is, if any (taken out of the book).
    mutating func take(_ type: String, previous: Int, content: EventDetails?) -> HistoryEvent? {
        let key = Self.key(type, previous: previous, content: content)
        guard var events = pending[key], !events.isEmpty else { return nil }
        let event = events.removeFirst()
        pending[key] = events.isEmpty ? nil : events
        if var siblings = children[previous], let index = siblings.firstIndex(where: { $0.id == event.id }) {
            siblings.remove(at: index)
            children[previous] = siblings.isEmpty ? nil : siblings
        }
        remaining -= 1
        return event
    }

    /// A recorded event not yet matched that follows `id`, of a type `accepts`.
    func pendingChild(of id: Int, where accepts: (String) -> Bool) -> HistoryEvent? {
        children[id]?.first { accepts($0.type) }
    }

    /// Event types that end an execution, and that no resumed run records again.
    static let executionEnds: Set<String> = [
        "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted", "ExecutionRedriven",
    ]

    /// Events that report a failure or an abort.
    static let failures: Set<String> = [
        "TaskFailed", "TaskTimedOut", "ActivityFailed", "ActivityTimedOut", "ActivityScheduleFailed", "LambdaFunctionFailed",
        "LambdaFunctionTimedOut", "LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed", "TaskStartFailed", "TaskSubmitFailed",
        "MapIterationFailed", "MapIterationAborted", "ParallelStateFailed", "ParallelStateAborted", "MapStateFailed", "MapStateAborted",
        "MapRunFailed", "MapRunAborted", "EvaluationFailed", "FailStateEntered",
    ]

    /// The events of one attempt at a task, before its outcome.
    static let attempts: Set<String> = [
        "TaskScheduled", "TaskStarted", "TaskSubmitted", "ActivityScheduled", "ActivityStarted", "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
    ]

    /// The token seeds (see `Interpreter.tokenSeed`) of the callback and activity attempts a
    /// history shows waiting: scheduled, with no outcome yet.
    static func waitingTokenSeeds(_ events: [HistoryEvent], executionArn: String, redriveCount: Int) -> [String] {
        var byId: [Int: HistoryEvent] = [:]
        for event in events { byId[event.id] = event }
        var seeds: [String] = []
        for event in events {
            let waits: Bool
            switch event.type {
            case "TaskScheduled": waits = event.details?["resource"]?.stringValue?.hasSuffix(".waitForTaskToken") ?? false
            case "ActivityScheduled": waits = true
            default: waits = false
            }
            guard waits else { continue }
            // Waiting: no outcome follows the attempt (its Started event, or itself).
            let started = events.first { $0.previousEventId == event.id && ($0.type == "TaskStarted" || $0.type == "ActivityStarted") }
            let last = started ?? event
            if events.contains(where: { $0.previousEventId == last.id && Interpreter.taskOutcomes.contains($0.type) }) { continue }
            // The state entry and the attempt's number: back along the chain to ...StateEntered.
            var retries = 0
            var cursor = byId[event.previousEventId]
            while let current = cursor, !current.type.hasSuffix("StateEntered") {
                if current.type == "TaskScheduled" || current.type == "ActivityScheduled" { retries += 1 }
                cursor = byId[current.previousEventId]
            }
            guard let entered = cursor else { continue }
            seeds.append("\(executionArn)|\(redriveCount)|\(entered.id)|\(retries)")
        }
        return seeds
    }

    /// What a resumed run replays of `events`: everything but the execution's ends and, before
    /// the last of those (a redrive follows each), the failures that ended it: the failed
    /// attempts and the failure events that only led to the end. A redrive runs those again;
    /// what succeeded is kept.
    static func replayable(_ events: [HistoryEvent]) -> [HistoryEvent] {
        guard let lastEnd = events.lastIndex(where: { executionEnds.contains($0.type) && $0.type != "ExecutionRedriven" }) else {
            return events.filter { !executionEnds.contains($0.type) }
        }
        let settled = events[...lastEnd]
        var childrenOf: [Int: [Int]] = [:]
        for event in settled { childrenOf[event.previousEventId, default: []].append(event.id) }
        var dead: Set<Int> = []
        for event in settled.reversed() {
            let children = childrenOf[event.id] ?? []
            if executionEnds.contains(event.type) {
                dead.insert(event.id)
            } else if failures.contains(event.type) {
                if children.allSatisfy(dead.contains) { dead.insert(event.id) }
            } else if attempts.contains(event.type) {
                if !children.isEmpty && children.allSatisfy(dead.contains) { dead.insert(event.id) }
            }
        }
        return events.filter { !dead.contains($0.id) && !executionEnds.contains($0.type) }
    }
}
