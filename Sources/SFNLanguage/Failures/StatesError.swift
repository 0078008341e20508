import SFNJSON

/// An error name as Retry, Catch and an execution's result carry it: one of AWS's predefined
/// `States.*` names, or any name a task or a Fail state raises.
///
/// Open like GRDB's result codes: the predefined names are static members, and any other string
/// is a name too.
///
/// ```swift
/// if failure.name == .timeout { ... }
/// let custom: StatesErrorName = "Order.Rejected"
/// ```
public struct StatesErrorName: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    /// Whether this is one of the names AWS reserves (`States.` prefix).
    public var isPredefined: Bool { rawValue.hasPrefix("States.") }

    /// Matches every error in `ErrorEquals` (except `States.Runtime` and `States.DataLimitExceeded`
    /// in Retry, which only match by name).
    public static let all: StatesErrorName = "States.ALL"
    public static let heartbeatTimeout: StatesErrorName = "States.HeartbeatTimeout"
    public static let timeout: StatesErrorName = "States.Timeout"
    public static let taskFailed: StatesErrorName = "States.TaskFailed"
    public static let permissions: StatesErrorName = "States.Permissions"
    public static let resultPathMatchFailure: StatesErrorName = "States.ResultPathMatchFailure"
    public static let parameterPathFailure: StatesErrorName = "States.ParameterPathFailure"
    public static let queryEvaluationError: StatesErrorName = "States.QueryEvaluationError"
    public static let branchFailed: StatesErrorName = "States.BranchFailed"
    public static let noChoiceMatched: StatesErrorName = "States.NoChoiceMatched"
    public static let intrinsicFailure: StatesErrorName = "States.IntrinsicFailure"
    public static let exceedToleratedFailureThreshold: StatesErrorName = "States.ExceedToleratedFailureThreshold"
    public static let itemReaderFailed: StatesErrorName = "States.ItemReaderFailed"
    public static let resultWriterFailed: StatesErrorName = "States.ResultWriterFailed"
    public static let dataLimitExceeded: StatesErrorName = "States.DataLimitExceeded"
    public static let runtime: StatesErrorName = "States.Runtime"
    /// An execution stopped by StopExecution.
    public static let aborted: StatesErrorName = "States.Aborted"
    /// sfn's own: a path cancelled because a sibling failed. Never an execution's result.
    public static let cancelled: StatesErrorName = "States.Cancelled"
}

/// A failure with AWS's error name and cause: what a state raises, what Retry and Catch match,
/// and what an execution reports when it fails.
///
/// The causes sfn writes itself are built by the static factories in
/// `StatesError+Causes.swift`, so that each wording exists once.
public struct StatesError: Error, Sendable, Hashable, CustomStringConvertible {
    public var name: StatesErrorName
    public var cause: String?

    public init(_ name: StatesErrorName, cause: String? = nil) {
        self.name = name
        self.cause = cause
    }

    /// A failure under any name (a task's, a Fail state's).
    public init(_ error: String, cause: String? = nil) {
        self.init(StatesErrorName(error), cause: cause)
    }

    /// The error name as text.
    public var error: String {
        get { name.rawValue }
        set { name = StatesErrorName(newValue) }
    }

    public var description: String { cause.map { "\(error): \($0)" } ?? error }

    /// The `{"Error","Cause"}` object that Catch passes on (Cause left out when there is none).
    public var errorOutput: JSON {
        var members: JSONObject = ["Error": .string(error)]
        if let cause { members["Cause"] = .string(cause) }
        return .object(members)
    }

    public static func runtime(_ cause: String) -> StatesError { StatesError(.runtime, cause: cause) }
    public static func intrinsicFailure(_ cause: String) -> StatesError { StatesError(.intrinsicFailure, cause: cause) }
    public static func queryEvaluation(_ cause: String) -> StatesError { StatesError(.queryEvaluationError, cause: cause) }
}
