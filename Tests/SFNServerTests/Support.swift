import Foundation
import SFNJSON
import SFNRuntime
import SFNServer
import SFNTestSupport

enum Definitions {
    static let pass = #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#
    static let passWithResult = #"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"changed":true},"End":true}}}"#
    static let callback = """
        {"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters":{"FunctionName":"approve","Payload":{"token.$":"$$.Task.Token","order.$":"$.order"}},"End":true}}}
        """
    static let activity = """
        {"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:us-east-1:111111111111:activity:worker","End":true}}}
        """
    static let activityWithHeartbeat = """
        {"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:aws:states:us-east-1:111111111111:activity:worker",
        "HeartbeatSeconds":1,"End":true}}}
        """
    static let longWait = #"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#
}

let machinePrefix = "arn:aws:states:us-east-1:111111111111:stateMachine:"
let executionPrefix = "arn:aws:states:us-east-1:111111111111:execution:"

/// Calls an operation that is expected to succeed.
func call(_ service: StepFunctionsService, _ operation: String, _ body: JSON) async throws -> JSON {
    try await service.handle(operation, body)
}

/// The error an operation answers with, or nil when it succeeds.
func failure(_ service: StepFunctionsService, _ operation: String, _ body: JSON) async -> ServerError? {
    do {
        _ = try await service.handle(operation, body)
        return nil
    } catch {
        return error
    }
}

@discardableResult
func createMachine(_ service: StepFunctionsService, _ name: String, _ definition: String, type: String = "STANDARD") async throws -> String
{
    let response = try await call(
        service, "CreateStateMachine",
        ["name": .string(name), "definition": .string(definition), "roleArn": "arn:aws:iam::111111111111:role/test", "type": .string(type)])
    return response["stateMachineArn"]?.stringValue ?? ""
}

func startExecution(_ service: StepFunctionsService, _ machineArn: String, input: String = "{}", name: String? = nil) async throws -> String
{
    var body: JSON = ["stateMachineArn": .string(machineArn), "input": .string(input)]
    if let name, case .object(var members) = body {
        members["name"] = .string(name)
        body = .object(members)
    }
    return try await call(service, "StartExecution", body)["executionArn"]?.stringValue ?? ""
}

/// Polls DescribeExecution until the execution leaves RUNNING (or 10 s pass).
func finished(_ service: StepFunctionsService, _ executionArn: String) async throws -> JSON {
    for _ in 0..<1000 {
        let description = try await call(service, "DescribeExecution", ["executionArn": .string(executionArn)])
        if description["status"]?.stringValue != "RUNNING" { return description }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
    return try await call(service, "DescribeExecution", ["executionArn": .string(executionArn)])
}

/// Polls the history until a TaskScheduled event shows the token passed in the task's parameters.
func scheduledToken(_ service: StepFunctionsService, _ executionArn: String) async throws -> String? {
    for _ in 0..<1000 {
        let events = try await call(service, "GetExecutionHistory", ["executionArn": .string(executionArn)])["events"]?.arrayValue ?? []
        for event in events where event["type"]?.stringValue == "TaskScheduled" {
            if let text = event["taskScheduledEventDetails"]?["parameters"]?.stringValue,
                let token = try JSON(parsing: text)["Payload"]?["token"]?.stringValue
            {
                return token
            }
        }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
    return nil
}

/// The first executable named `name` on PATH.
func findExecutable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
