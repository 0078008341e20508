import Foundation
import SFNJSON
import SFNJSONata
import SFNLanguage
import Synchronization

/// What every execution of one state machine shares, built once: a parked execution should not
/// carry its own copy. Immutable; the JSONata environment is already read concurrently by an
/// execution's Parallel branches and Map iterations, its functions being `@Sendable`.
final class MachineShared: @unchecked Sendable {
    // @unchecked: JSONataEnvironment is not declared Sendable; this class never changes it after init.
    let stateMachineArn: String
    let stateMachineName: String
    /// The `StateMachine` member of the context object.
    let stateMachineContext: JSON
    let jsonataEnvironment: JSONataEnvironment

    init(configuration: RuntimeConfiguration, stateMachineName: String) {
        self.stateMachineName = stateMachineName
        stateMachineArn = ARN.stateMachine(stateMachineName, region: configuration.region, account: configuration.accountId).description
        stateMachineContext = ["Id": .string(stateMachineArn), "Name": .string(stateMachineName)]
        jsonataEnvironment = StepFunctionsJSONata.environment(random: configuration.random)
    }
}

/// What every path of one execution shares: identity, history, limits, executors.
final class ExecutionRun: Sendable {
    let configuration: RuntimeConfiguration
    let history: HistoryRecorder
    let executionArn: String
    let executionName: String
    let machine: MachineShared
    let input: JSON
    /// The input as the caller wrote it, when known: histories quote it until a state changes the value.
    let inputText: String?
    let startTime: EpochMilliseconds
    /// How many times the execution was redriven, and when last.
    let redriveCount: Int
    let redriveDate: EpochMilliseconds?
    /// Where TestState's data-flow steps are noted (nil for every execution).
    let inspection: InspectionLog?
    /// Its Distributed Maps' Map Runs.
    let mapRuns = MapRunBook()
    /// The version or alias the execution was started through, if any.
    let origin: ExecutionOrigin
    /// The `Execution` member of the context object, built once.
    let executionContext: JSON
    /// How long the execution may run (TimeoutSeconds; at most five minutes for Express).
    let timeoutSeconds: Int?
    /// Virtual-time deadline from `timeoutSeconds`.
    let deadline: EpochMilliseconds?
    /// The history-event cap (Standard executions only).
    let eventLimit: Int?

    private let flags = Atomic<UInt8>(0)
    /// State transitions so far, across all paths: every 512th yields the thread.
    private let transitions = Atomic<Int>(0)

    /// Counts a transition; true when the execution should yield its thread, so that a runaway
    /// loop cannot keep other executions (or the server answering StopExecution) from running.
    func countTransition() -> Bool {
        transitions.wrappingAdd(1, ordering: .relaxed).newValue & 511 == 0
    }
    private static let timedOutFlag: UInt8 = 1
    private static let abortedFlag: UInt8 = 2

    init(
        configuration: RuntimeConfiguration, executionName: String, machine: MachineShared, input: JSON,
        inputText: String? = nil, startTime: EpochMilliseconds, timeoutSeconds: Int?, origin: ExecutionOrigin = ExecutionOrigin(),
        inspection: InspectionLog? = nil, resuming: ExecutionSnapshot? = nil, keeping kept: [HistoryEvent]? = nil
    ) {
        self.inspection = inspection
        redriveCount = resuming?.redriveCount ?? 0
        redriveDate = resuming?.redriveDate
        self.inputText = inputText
        self.origin = origin
        self.configuration = configuration
        if let kept {
            history = HistoryRecorder(resuming: kept, replaying: [])
        } else if let resuming {
            history = HistoryRecorder(resuming: resuming.events, replaying: ReplayBook.replayable(resuming.events))
        } else {
            history = HistoryRecorder(
                keepsEvents: configuration.recordsHistory,
                keepLimit: configuration.machineType == .express ? configuration.maxHistoryEvents : nil)
        }
        self.executionName = executionName
        self.machine = machine
        self.input = input
        self.startTime = startTime
        var context: JSONObject = [
            "Input": input,
            "StartTime": .string(Timestamps.iso8601(startTime)),
            "Name": .string(executionName),
            "RoleArn": .string(configuration.roleArn),
        ]
        switch configuration.machineType {
        case .standard:
            executionArn =
                ARN.execution(
                    machine: machine.stateMachineName, name: executionName, region: configuration.region,
                    account: configuration.accountId
                ).description
            context["RedriveCount"] = .int(redriveCount)
        case .express:
            // Express executions cannot be redriven, and their ARNs carry an id of their own.
            executionArn =
                ARN.expressExecution(
                    machine: machine.stateMachineName, name: executionName, id: UUIDs.make(configuration.random),
                    region: configuration.region, account: configuration.accountId
                ).description
        }
        context["Id"] = .string(executionArn)
        executionContext = .object(context)
        eventLimit = configuration.machineType == .standard ? configuration.maxHistoryEvents : nil
        self.timeoutSeconds = timeoutSeconds
        // A redrive starts the execution's timeout again (AWS's redrive guide).
        let timedFrom = resuming?.redriveDate ?? startTime
        deadline = timeoutSeconds.map { Durations.adding(Durations.milliseconds(seconds: $0), to: timedFrom) }
    }

    var stateMachineArn: String { machine.stateMachineArn }
    var stateMachineName: String { machine.stateMachineName }
    var stateMachineContext: JSON { machine.stateMachineContext }
    var jsonataEnvironment: JSONataEnvironment { machine.jsonataEnvironment }

    var timedOut: Bool { flags.load(ordering: .acquiring) & Self.timedOutFlag != 0 }

    func markTimedOut() { flags.bitwiseOr(Self.timedOutFlag, ordering: .acquiringAndReleasing) }

    var aborted: Bool { flags.load(ordering: .acquiring) & Self.abortedFlag != 0 }

    func markAborted() { flags.bitwiseOr(Self.abortedFlag, ordering: .acquiringAndReleasing) }

    /// StopExecution's optional error and cause, reported with the ABORTED result.
    private let stopReason = Locked<StatesError?>(nil)

    func markAborted(error: String?, cause: String?) {
        if error != nil || cause != nil { stopReason.withLock { $0 = StatesError(error ?? "", cause: cause) } }
        markAborted()
    }

    var abortReason: StatesError? { stopReason.withLock { $0 } }

    /// The context object (`$$`) for a state entered at `enteredTime`.
    func context(
        stateName: String, enteredTime: EpochMilliseconds, retryCount: Int? = nil, taskToken: String? = nil,
        mapItem: (index: Int, value: JSON)? = nil, identity: ChildIdentity? = nil
    ) -> JSON {
        var state: JSONObject = ["Name": .string(stateName), "EnteredTime": .string(Timestamps.iso8601(enteredTime))]
        if let retryCount { state["RetryCount"] = .int(retryCount) }
        var members: JSONObject = [
            "Execution": identity?.execution ?? executionContext,
            "StateMachine": identity?.stateMachine ?? stateMachineContext,
            "State": .object(state),
        ]
        if let taskToken { members["Task"] = ["Token": .string(taskToken)] }
        if let overrides = inspection?.context {
            for (key, value) in overrides { members[key] = value }
        }
        if let mapItem {
            // `Source` says where the item came from: STATE_DATA for items of the state's input
            // (AWS's context object documentation; ItemReader items name their S3 URI).
            members["Map"] = ["Item": ["Index": .int(mapItem.index), "Value": mapItem.value, "Source": "STATE_DATA"]]
        }
        return .object(members)
    }
}

/// A Distributed Map child execution's own `$$.Execution` and `$$.StateMachine` (built only
/// when a state reads them). A class: an interpreter carries one reference, not the fields.
final class ChildIdentity: Sendable {
    let executionArn: String
    let name: String
    let input: JSON
    let startTime: EpochMilliseconds
    let roleArn: String
    let machineArn: String
    let machineName: String

    init(
        executionArn: String, name: String, input: JSON, startTime: EpochMilliseconds, roleArn: String, machineArn: String,
        machineName: String
    ) {
        self.executionArn = executionArn
        self.name = name
        self.input = input
        self.startTime = startTime
        self.roleArn = roleArn
        self.machineArn = machineArn
        self.machineName = machineName
    }

    var execution: JSON {
        [
            "Id": .string(executionArn), "Input": input, "Name": .string(name), "RoleArn": .string(roleArn),
            "StartTime": .string(Timestamps.iso8601(startTime)), "RedriveCount": 0,
        ]
    }

    var stateMachine: JSON { ["Id": .string(machineArn), "Name": .string(machineName)] }
}

/// One path through an execution: its time, where its history chain is, its variables.
struct PathContext: Sendable {
    var timeline: Timeline
    var previousEventId: Int
    var variables: VariableScope
    /// What the state being left assigned, for its `...StateExited` event (set only while history
    /// details are wanted).
    var assignedForHistory: JSONObject?
    /// A MapStateFailed / ParallelStateFailed event (and what it follows), written once it is known
    /// that the state will not be retried.
    var pendingStateFailed: (type: String, previous: Int)?
    /// The value flowing along the path as the caller spelled it, while no state has changed it
    /// (AWS's histories quote the caller's text, spaces and all, until then).
    var spelled: SpelledValue?
    /// Sizes of the large arrays and objects measured along this path (see ``SizeMemo``).
    var sizes = SizeMemo()

    func branch() -> PathContext {
        PathContext(timeline: timeline, previousEventId: previousEventId, variables: variables.child())
    }
}

/// A JSON value with the text the caller wrote for it.
struct SpelledValue: Sendable {
    let text: String
    let value: JSON

    /// Whether `other` is still the value, so that its text is still the caller's.
    func matches(_ other: JSON) -> Bool { other.isExactly(value) }
}
