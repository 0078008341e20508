import Foundation
import SFNJSON
import SFNLanguage
import Synchronization

/// The state machines a runtime knows by ARN and by name, for nested executions.
public final class StateMachineDirectory: Sendable {
    private let byName = Locked<[String: StateMachineRuntime]>([:])

    /// An empty directory.
    public init() {}

    /// Makes `machine` startable by its name and ARN.
    public func add(_ machine: StateMachineRuntime) {
        byName.withLock { $0[machine.name] = machine }
    }

    /// Resolves `arn:aws:states:REGION:ACCOUNT:stateMachine:NAME[:VERSION]` or a bare name.
    public func machine(for reference: String) -> StateMachineRuntime? {
        var name = reference
        if let arn = ARN(parsing: reference), arn.resourceType == "stateMachine", let machineName = arn.resourceName {
            name = machineName
        }
        return byName.withLock { $0[name] }
    }
}

/// Runs `arn:aws:states:::states:startExecution` (request-response, `.sync`, `.sync:2`,
/// `.waitForTaskToken`) against the state machines of a directory, shaping results as AWS does.
public struct StateMachineExecutor: TaskExecutor {
    /// The machines tasks can start.
    public let directory: StateMachineDirectory

    /// An executor starting machines of `directory`.
    public init(directory: StateMachineDirectory) {
        self.directory = directory
    }

    /// Starts the named machine (and waits for it, for `.sync`) and shapes the result as AWS does.
    public func execute(_ request: TaskRequest) async throws(StatesError) -> JSON {
        guard case .string(let reference)? = request.input["StateMachineArn"] else {
            throw StatesError.stateMachineArnRequired(resource: request.resource)
        }
        guard let machine = directory.machine(for: reference) else {
            throw StatesError.stateMachineDoesNotExist(reference)
        }
        // AWS takes Input as JSON or as a JSON string.
        var input = request.input["Input"] ?? .emptyObject
        if case .string(let text) = input, let parsed = try? JSON(parsing: text) { input = parsed }
        let execution = machine.start(input: input, name: request.input["Name"]?.stringValue)
        let resource = request.resource
        if resource.hasSuffix(".sync") || resource.hasSuffix(".sync:2") {
            let result = await execution.result()
            let description = Self.describe(execution, result, outputAsJSON: resource.hasSuffix(":2"))
            guard result.status == .succeeded else {
                throw StatesError(.taskFailed, cause: description.compactText)
            }
            return description
        }
        return ["ExecutionArn": .string(execution.arn), "StartDate": .int(Int(execution.startDate))]
    }

    /// DescribeExecution's answer, as `.sync` (JSON text) or `.sync:2` (JSON) puts it in the output.
    static func describe(_ execution: Execution, _ result: ExecutionResult, outputAsJSON: Bool) -> JSON {
        var members: JSONObject = [
            "ExecutionArn": .string(execution.arn),
            "Input": outputAsJSON ? execution.input : .string(execution.input.compactText),
            "InputDetails": ["Included": true],
            "Name": .string(execution.name),
        ]
        if let output = result.output {
            members["Output"] = outputAsJSON ? output : .string(output.compactText)
            members["OutputDetails"] = ["Included": true]
        }
        members["StartDate"] = .int(Int(result.startDate))
        members["StateMachineArn"] = .string(execution.stateMachineArn)
        members["Status"] = .string(result.status.rawValue)
        members["StopDate"] = .int(Int(result.stopDate))
        if let error = result.error { members["Error"] = .string(error) }
        if let cause = result.cause { members["Cause"] = .string(cause) }
        return .object(members)
    }
}

extension ExecutorRegistry {
    /// Routes `arn:aws:states:::states:startExecution*` to the state machines of `directory`.
    public mutating func registerNestedStateMachines(_ directory: StateMachineDirectory) {
        register("arn:aws:states:::states:startExecution*", StateMachineExecutor(directory: directory))
    }
}
