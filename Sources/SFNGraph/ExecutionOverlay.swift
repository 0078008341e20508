import SFNJSON

/// What happened to each state in one execution, read from its history events.
public struct ExecutionOverlay: Sendable {
    /// A state's fate in the execution.
    public enum Status: String, Sendable, CaseIterable {
        /// Never entered.
        case notReached = "not-reached"
        /// Entered and not yet left.
        case running
        /// Left normally (after retries, perhaps).
        case succeeded
        /// Failed, and the failure ended the execution (or the branch).
        case failed
        /// Failed, and a Catch led on.
        case caught
        /// Running when the execution was stopped or timed out.
        case stopped
    }

    /// The status of each state reached, by name (absent: not reached).
    public var statuses: [String: Status] = [:]
    /// How many times each state was entered (Map iterations and loops enter more than once).
    public var entries: [String: Int] = [:]
    /// The execution's own status, from its last event: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED.
    public var executionStatus = "RUNNING"

    /// The status of `state` (``Status/notReached`` when it never ran).
    public func status(of state: String) -> Status { statuses[state] ?? .notReached }

    /// No state reached yet.
    public init() {}

    /// The overlay of `events`: GetExecutionHistory's `events` (or `sfn run --history`'s list).
    public init(events: [JSON]) {
        var ownership = EventOwnership()
        var failing: Set<String> = []
        for event in events {
            guard let type = event["type"]?.stringValue else { continue }
            let id = event["id"]?.intValue ?? 0
            let stated = (event["stateEnteredEventDetails"] ?? event["stateExitedEventDetails"])?["name"]?.stringValue
            let (owner, previousOwner) = ownership.record(
                id: id, previous: event["previousEventId"]?.intValue ?? 0, type: type, name: stated)
            let previous = type.hasSuffix("StateEntered") ? previousOwner : owner
            if type.hasSuffix("StateEntered") {
                let name = event["stateEnteredEventDetails"]?["name"]?.stringValue ?? ""
                // A state entered straight after another's failure: that failure was caught.
                if let previous, failing.contains(previous) {
                    statuses[previous] = .caught
                    failing.remove(previous)
                }
                entries[name, default: 0] += 1
                // A Fail state does nothing but fail its branch or execution; it has no Exited event.
                statuses[name] = type == "FailStateEntered" ? .failed : .running
                failing.remove(name)
            } else if type.hasSuffix("StateExited") {
                let name = event["stateExitedEventDetails"]?["name"]?.stringValue ?? previous ?? ""
                statuses[name] = failing.contains(name) ? .caught : .succeeded
                failing.remove(name)
            } else if type.hasPrefix("Execution") {
                switch type {
                case "ExecutionSucceeded": executionStatus = "SUCCEEDED"
                case "ExecutionFailed": executionStatus = "FAILED"
                case "ExecutionTimedOut": executionStatus = "TIMED_OUT"
                case "ExecutionAborted": executionStatus = "ABORTED"
                case "ExecutionRedriven": executionStatus = "RUNNING"
                default: break
                }
                if executionStatus != "RUNNING" && executionStatus != "SUCCEEDED" {
                    for (name, status) in statuses where status == .running {
                        statuses[name] = failing.contains(name) ? .failed : (executionStatus == "FAILED" ? .failed : .stopped)
                    }
                }
                if type == "ExecutionRedriven" { failing.removeAll() }
            } else if let previous {
                if type.hasSuffix("Failed") || type.hasSuffix("TimedOut") || type.hasSuffix("Aborted") {
                    failing.insert(previous)
                } else if type.hasSuffix("Scheduled") || type.hasSuffix("Started") || type.hasSuffix("Succeeded") {
                    failing.remove(previous)
                }
            }
        }
    }

    /// The overlay of a history file: a list of events, GetExecutionHistory's `{"events": [...]}`
    /// or `sfn run --result json --history`'s `{"history": [...]}`. Nil when it is none of those.
    public init?(history: JSON) {
        if let events = history.arrayValue ?? history["events"]?.arrayValue ?? history["history"]?.arrayValue {
            self.init(events: events)
        } else {
            return nil
        }
    }
}

/// Which state each event of a history belongs to. A state's Entered and Exited events name it;
/// the events between follow their previous event to the state it was in, except a Map's and a
/// Parallel's own (MapIteration…, MapStateFailed, ParallelStateFailed, …), which come after their
/// children's events and belong to the innermost Map or Parallel still open.
public struct EventOwnership: Sendable {
    private var owners: [Int: String] = [:]
    private var open: [(name: String, type: String)] = []

    /// No events seen yet.
    public init() {}

    /// Records the event with `id` (`name`: its Entered or Exited details' name): the state it
    /// belongs to, and the state its previous event belonged to.
    public mutating func record(id: Int, previous: Int, type: String, name: String?) -> (state: String?, previousState: String?) {
        let previousState = owners[previous]
        let state: String?
        if type.hasSuffix("StateEntered") {
            state = name ?? ""
            if type == "MapStateEntered" || type == "ParallelStateEntered" {
                open.append((name ?? "", type.hasPrefix("Map") ? "Map" : "Parallel"))
            }
        } else if type.hasSuffix("StateExited") {
            state = name ?? previousState
            if type == "MapStateExited" || type == "ParallelStateExited", let name, let index = open.lastIndex(where: { $0.name == name }) {
                open.remove(at: index)
            }
        } else if type.hasPrefix("MapState") || type.hasPrefix("MapIteration") || type.hasPrefix("MapRun") {
            state = open.last { $0.type == "Map" }?.name ?? previousState
        } else if type.hasPrefix("ParallelState") {
            state = open.last { $0.type == "Parallel" }?.name ?? previousState
        } else {
            state = previousState
        }
        // An Exited event ends its state: what follows it belongs to no state until the next one.
        if !type.hasSuffix("StateExited"), let state { owners[id] = state }
        return (state, previousState)
    }
}
