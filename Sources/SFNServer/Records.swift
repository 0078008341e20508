import Foundation
import SFNJSON
import SFNLanguage
import SFNRuntime

/// One revision of a state machine: what UpdateStateMachine replaces and a version freezes.
struct Revision: Sendable {
    var definition: JSON
    /// The definition exactly as the client sent it, which Describe* return.
    var definitionText: String
    var runtime: StateMachineRuntime
    var roleArn: String
    /// A new id for every change of definition or role (DescribeStateMachine's `revisionId`).
    var revisionId: String
    var updateDate: EpochMilliseconds
}

/// A state machine (its unqualified ARN) and its current revision.
struct StateMachineRecord: Sendable {
    var name: String
    var arn: String
    var type: String
    var revision: Revision
    var loggingConfiguration: JSON
    var tracingConfiguration: JSON
    var creationDate: EpochMilliseconds
    var sequence: Int
    /// The number the next published version gets (versions are never renumbered).
    var nextVersion = 1

    /// The members DescribeStateMachine and DescribeStateMachineForExecution share.
    func description(of revision: Revision, arn: String? = nil) -> JSONObject {
        [
            "stateMachineArn": .string(arn ?? self.arn), "name": .string(name), "definition": .string(revision.definitionText),
            "roleArn": .string(revision.roleArn), "type": .string(type), "revisionId": .string(revision.revisionId),
            "loggingConfiguration": loggingConfiguration, "tracingConfiguration": tracingConfiguration,
        ]
    }
}

/// A published version: an immutable revision with a number.
struct VersionRecord: Sendable {
    var machineArn: String
    var number: Int
    var arn: String
    var revision: Revision
    var description: String?
    var creationDate: EpochMilliseconds
}

/// An alias: a name that routes executions to one or two versions by weight.
struct AliasRecord: Sendable {
    struct Route: Sendable, Equatable {
        var versionArn: String
        var weight: Int
    }

    var name: String
    var arn: String
    var machineArn: String
    var description: String?
    var routing: [Route]
    var creationDate: EpochMilliseconds
    var updateDate: EpochMilliseconds
    var sequence: Int

    var routingJSON: JSON {
        .array(routing.map { ["stateMachineVersionArn": .string($0.versionArn), "weight": .int($0.weight)] })
    }
}

struct ExecutionRecord: Sendable {
    var execution: Execution
    /// The machine as it was when the execution started, and the revision it runs.
    var machine: StateMachineRecord
    var revision: Revision
    var sequence: Int
    /// The clientToken of the last RedriveExecution (a repeat with it is answered, not run).
    var redriveToken: String?
    /// The mock test case it runs with (`stateMachineArn#TestCase`).
    var testCase: String?

    var redriveCount: Int { execution.redriveCount }
    var redriveDate: EpochMilliseconds? { execution.redriveDate }

    var versionArn: String? { execution.origin.versionArn }
    var aliasArn: String? { execution.origin.aliasArn }
}

struct ActivityRecord: Sendable {
    var name: String
    var arn: String
    var creationDate: EpochMilliseconds
    var sequence: Int

    var json: JSON {
        ["activityArn": .string(arn), "name": .string(name), "creationDate": StepFunctionsService.epochSeconds(creationDate)]
    }
}

/// A resource tag (TagResource, and `tags` at creation).
struct Tag: Sendable, Equatable {
    var key: String
    var value: String

    var json: JSON { ["key": .string(key), "value": .string(value)] }
}

/// How long a server keeps closed executions (DescribeExecution, GetExecutionHistory and
/// ListExecutions see only those kept). AWS keeps closed Standard executions for 90 days; a local
/// server also caps their number, so that memory stays bounded under any load.
public struct ExecutionRetention: Sendable {
    /// How many closed executions are kept (the newest).
    public var closedExecutions: Int
    /// How long after it closed an execution is kept.
    public var maximumAge: Duration

    /// 10,000 closed executions, for at most AWS's 90 days.
    public init(closedExecutions: Int = 10_000, maximumAge: Duration = .seconds(90 * 24 * 3600)) {
        self.closedExecutions = max(0, closedExecutions)
        self.maximumAge = maximumAge
    }
}
