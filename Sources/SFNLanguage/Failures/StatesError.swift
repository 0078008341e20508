import SFNJSON

/// A failure with AWS's error name and cause: what a state raises, what Retry and Catch match,
/// and what an execution reports when it fails.
public struct StatesError: Error, Sendable, Hashable, CustomStringConvertible {
    public var error: String
    public var cause: String?

    public init(_ error: String, cause: String? = nil) {
        self.error = error
        self.cause = cause
    }

    public var description: String { cause.map { "\(error): \($0)" } ?? error }

    /// The `{"Error","Cause"}` object that Catch passes on (Cause left out when there is none).
    public var errorOutput: JSON {
        var members: JSONObject = ["Error": .string(error)]
        if let cause { members["Cause"] = .string(cause) }
        return .object(members)
    }

    public static func runtime(_ cause: String) -> StatesError { StatesError(ErrorName.runtime, cause: cause) }
    public static func intrinsicFailure(_ cause: String) -> StatesError { StatesError(ErrorName.intrinsicFailure, cause: cause) }
    public static func queryEvaluation(_ cause: String) -> StatesError { StatesError(ErrorName.queryEvaluationError, cause: cause) }
}

/// AWS's predefined error names.
public enum ErrorName {
    public static let all = "States.ALL"
    public static let heartbeatTimeout = "States.HeartbeatTimeout"
    public static let timeout = "States.Timeout"
    public static let taskFailed = "States.TaskFailed"
    public static let permissions = "States.Permissions"
    public static let resultPathMatchFailure = "States.ResultPathMatchFailure"
    public static let parameterPathFailure = "States.ParameterPathFailure"
    public static let queryEvaluationError = "States.QueryEvaluationError"
    public static let branchFailed = "States.BranchFailed"
    public static let noChoiceMatched = "States.NoChoiceMatched"
    public static let intrinsicFailure = "States.IntrinsicFailure"
    public static let exceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
    public static let itemReaderFailed = "States.ItemReaderFailed"
    public static let resultWriterFailed = "States.ResultWriterFailed"
    public static let runtime = "States.Runtime"
}
