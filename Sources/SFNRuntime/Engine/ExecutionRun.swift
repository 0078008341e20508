import Foundation
import SFNJSON
import SFNJSONata
import SFNLanguage

/// What every path of one execution shares: identity, history, limits, executors.
final class ExecutionRun: @unchecked Sendable {
    let configuration: RuntimeConfiguration
    let history: HistoryRecorder
    let executionArn: String
    let executionName: String
    let stateMachineArn: String
    let stateMachineName: String
    let input: JSON
    let startTime: EpochMilliseconds
    /// The `Execution` and `StateMachine` members of the context object, built once.
    let executionContext: JSON
    let stateMachineContext: JSON
    let jsonataEnvironment: JSONataEnvironment
    /// Virtual-time deadline from the definition's TimeoutSeconds.
    let deadline: EpochMilliseconds?

    private let lock = NSLock()
    private var timedOutFlag = false
    private var abortedFlag = false

    init(
        configuration: RuntimeConfiguration, executionName: String, stateMachineName: String, input: JSON,
        startTime: EpochMilliseconds, timeoutSeconds: Int?
    ) {
        self.configuration = configuration
        history = HistoryRecorder(keepsEvents: configuration.recordsHistory)
        self.executionName = executionName
        self.stateMachineName = stateMachineName
        self.input = input
        self.startTime = startTime
        let prefix = "arn:aws:states:\(configuration.region):\(configuration.accountId)"
        stateMachineArn = "\(prefix):stateMachine:\(stateMachineName)"
        executionArn = "\(prefix):execution:\(stateMachineName):\(executionName)"
        executionContext = [
            "Id": .string(executionArn),
            "Input": input,
            "StartTime": .string(Timestamps.iso8601(startTime)),
            "Name": .string(executionName),
            "RoleArn": .string(configuration.roleArn),
            "RedriveCount": 0,
        ]
        stateMachineContext = ["Id": .string(stateMachineArn), "Name": .string(stateMachineName)]
        jsonataEnvironment = StepFunctionsJSONata.environment(random: configuration.random)
        deadline = timeoutSeconds.map { startTime + Int64($0) * 1000 }
    }

    var timedOut: Bool {
        lock.lock()
        defer { lock.unlock() }
        return timedOutFlag
    }

    func markTimedOut() {
        lock.lock()
        timedOutFlag = true
        lock.unlock()
    }

    var aborted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return abortedFlag
    }

    func markAborted() {
        lock.lock()
        abortedFlag = true
        lock.unlock()
    }

    /// The context object (`$$`) for a state entered at `enteredTime`.
    func context(
        stateName: String, enteredTime: EpochMilliseconds, retryCount: Int? = nil, taskToken: String? = nil,
        mapItem: (index: Int, value: JSON)? = nil
    ) -> JSON {
        var state: JSONObject = ["Name": .string(stateName), "EnteredTime": .string(Timestamps.iso8601(enteredTime))]
        if let retryCount { state["RetryCount"] = .int(retryCount) }
        var members: JSONObject = [
            "Execution": executionContext,
            "StateMachine": stateMachineContext,
            "State": .object(state),
        ]
        if let taskToken { members["Task"] = ["Token": .string(taskToken)] }
        if let mapItem { members["Map"] = ["Item": ["Index": .int(mapItem.index), "Value": mapItem.value]] }
        return .object(members)
    }
}

/// One path through an execution: its time, where its history chain is, its variables.
struct PathContext: Sendable {
    var timeline: Timeline
    var previousEventId: Int
    var variables: VariableScope

    func branch() -> PathContext {
        PathContext(timeline: timeline, previousEventId: previousEventId, variables: variables.child())
    }
}
