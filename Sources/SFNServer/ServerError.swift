import SFNJSON

/// An error the API answers with: AWS's error name (`__type`), a message and the HTTP status.
public struct ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The AWS error name (`ValidationException`, `StateMachineDoesNotExist`, ...).
    public var type: String
    /// The message the client sees.
    public var message: String
    /// The HTTP status.
    public var status: Int

    /// An error answer.
    public init(_ type: String, _ message: String, status: Int = 400) {
        self.type = type
        self.message = message
        self.status = status
    }

    /// `type: message`.
    public var description: String { "\(type): \(message)" }

    /// The AWS JSON 1.0 error body.
    public var json: JSON { ["__type": .string(type), "message": .string(message)] }

    static func validation(_ message: String) -> ServerError { ServerError("ValidationException", message) }

    static func missing(_ field: String) -> ServerError {
        validation("1 validation error detected: Value null at '\(field)' failed to satisfy constraint: Member must not be null")
    }

    static func serialization(_ message: String) -> ServerError { ServerError("SerializationException", message) }

    static func invalidArn(_ arn: String) -> ServerError { ServerError("InvalidArn", "Invalid Arn: '\(arn)'") }

    static func stateMachineDoesNotExist(_ arn: String) -> ServerError {
        ServerError("StateMachineDoesNotExist", "State Machine Does Not Exist: '\(arn)'")
    }

    static func executionDoesNotExist(_ arn: String) -> ServerError {
        ServerError("ExecutionDoesNotExist", "Execution Does Not Exist: '\(arn)'")
    }

    static func activityDoesNotExist(_ arn: String) -> ServerError {
        ServerError("ActivityDoesNotExist", "Activity Does Not Exist: '\(arn)'")
    }

    static func resourceNotFound(_ arn: String) -> ServerError {
        ServerError("ResourceNotFound", "Resource not found: '\(arn)'")
    }

    static func conflict(_ message: String) -> ServerError { ServerError("ConflictException", message) }

    static func invalidDefinition(_ message: String) -> ServerError {
        ServerError("InvalidDefinition", "Invalid State Machine Definition: '\(message)'")
    }

    static func invalidName(_ name: String) -> ServerError { ServerError("InvalidName", "Invalid Name: '\(name)'") }

    static func unknownOperation(_ target: String) -> ServerError {
        ServerError("UnknownOperationException", target.isEmpty ? "Missing X-Amz-Target header" : "Unknown operation '\(target)'")
    }

    static let payloadTooLarge = ServerError("RequestEntityTooLargeException", "The request body exceeds the 1 MiB limit", status: 413)
}
