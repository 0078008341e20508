import SFNJSON
import SFNLanguage

/// How executions run: time, limits, identity and who does Task work.
public struct RuntimeConfiguration: Sendable {
    /// Real or virtual time for executions.
    public var clock: ClockMode = .real
    /// Where real time is read (under `.real`, and for dates outside executions).
    public var wallClock = WallClock.system
    /// Keep history events (GetExecutionHistory, `--history`). Event ids are counted either way.
    public var recordsHistory = true
    /// STANDARD or EXPRESS: Express machines refuse `.sync`, `.waitForTaskToken` and activities,
    /// have no history-event cap, and their executions have `express:` ARNs.
    public var machineType = StateMachineType.standard
    /// AWS ends a Standard execution at 25,000 history events; a runaway loop ends here with a
    /// clear error. (Express executions have no such cap.)
    public var maxHistoryEvents = 25_000
    /// Whether an inline Map whose iterations never wait (no Task, no Wait, no random draws, no
    /// Distributed Map inside) runs them on every core while no history is kept. Its output,
    /// failures and event counts are those of the iterations run one after the other.
    public var spreadsInlineMaps = true
    /// At most this many iterations of an inline Map run at once, whatever its MaxConcurrency:
    /// AWS's Inline mode "supports up to 40 concurrent iterations". 0: no cap (MaxConcurrency
    /// alone decides).
    public var inlineMapConcurrency = 40
    /// AWS's payload limit for inputs, outputs and results.
    public var maxPayloadBytes = 256 * 1024
    /// The region in ARNs and history events.
    public var region = AWSAccount.local.region
    /// The account in ARNs (the conformance corpus's account by default).
    public var accountId = AWSAccount.local.accountId
    /// The execution role ARN that `$$.Execution.RoleArn` and ExecutionStarted report.
    public var roleArn = Self.defaultRoleArn(accountId: AWSAccount.local.accountId)

    /// The role sfn reports when none is given: `arn:aws:iam::ACCOUNT:role/sfn-local`.
    public static func defaultRoleArn(accountId: String) -> String { "arn:aws:iam::\(accountId):role/sfn-local" }

    /// Sets the region and account of every ARN, and the default role's account.
    public mutating func use(_ account: AWSAccount) {
        region = account.region
        accountId = account.accountId
        roleArn = Self.defaultRoleArn(accountId: account.accountId)
    }
    /// Where Task states go, by Resource.
    public var executors = ExecutorRegistry()
    /// Where Distributed Maps read items and write results (S3 buckets and keys); nil: nowhere,
    /// and an ItemReader fails with States.ItemReaderFailed saying so.
    public var objects: (any ObjectStore)?
    /// The task tokens of `.waitForTaskToken` tasks, and their callbacks.
    public var tokens = TaskTokenRegistry()
    /// Entropy for names, tokens, UUIDs, jitter; injected so runs can be repeatable.
    public var random: @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }

    /// Real time, history kept, AWS's limits, no executors.
    public init() {}

    /// A configuration whose executions run on a virtual clock starting at `start`.
    public static func virtualTime(startingAt start: EpochMilliseconds = 1_700_000_000_000) -> RuntimeConfiguration {
        var configuration = RuntimeConfiguration()
        configuration.clock = .virtual(start: start)
        return configuration
    }
}

/// An execution's status, as DescribeExecution reports it.
public enum ExecutionStatus: String, Sendable, Codable {
    case running = "RUNNING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case aborted = "ABORTED"
}

/// How an execution ended.
public struct ExecutionResult: Sendable, Equatable {
    /// SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
    public var status: ExecutionStatus
    /// The output, when the execution succeeded.
    public var output: JSON?
    /// The error name, when it did not.
    public var error: String?
    /// The cause, when there is one.
    public var cause: String?
    /// When the execution started.
    public var startDate: EpochMilliseconds
    /// When it ended.
    public var stopDate: EpochMilliseconds

    /// `{"status","output","error","cause"}` as `sfn run --result json` prints it.
    public var json: JSON {
        var members: JSONObject = ["status": .string(status.rawValue)]
        members["output"] = output ?? .null
        members["error"] = error.map(JSON.string) ?? .null
        members["cause"] = cause.map(JSON.string) ?? .null
        return .object(members)
    }
}

extension ExecutionResult {
    /// The result an ended history records (its last event ends the execution), nil while the
    /// history shows the execution running.
    public init?(ending events: [HistoryEvent], startDate: EpochMilliseconds) {
        guard let last = events.last else { return nil }
        let details = last.details
        let error = details?["error"]?.stringValue
        let cause = details?["cause"]?.stringValue
        switch last.type {
        case "ExecutionSucceeded":
            let output = details?["output"]?.stringValue.flatMap { try? JSON(parsing: $0) } ?? .null
            self.init(status: .succeeded, output: output, startDate: startDate, stopDate: last.timestamp)
        case "ExecutionFailed": self.init(status: .failed, error: error, cause: cause, startDate: startDate, stopDate: last.timestamp)
        case "ExecutionTimedOut": self.init(status: .timedOut, error: error, cause: cause, startDate: startDate, stopDate: last.timestamp)
        case "ExecutionAborted": self.init(status: .aborted, error: error, cause: cause, startDate: startDate, stopDate: last.timestamp)
        default: return nil
        }
    }
}
