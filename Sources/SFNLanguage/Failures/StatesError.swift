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
    /// The name as AWS spells it.
    public var rawValue: String

    /// The name `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The name `rawValue`.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The name written as a literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The name, or for a failure `name: cause`.
    public var description: String { rawValue }

    /// Whether this is one of the names AWS reserves (`States.` prefix).
    public var isPredefined: Bool { rawValue.hasPrefix("States.") }

    /// Matches every error in `ErrorEquals` (except `States.Runtime` and `States.DataLimitExceeded`
    /// in Retry, which only match by name).
    public static let all: StatesErrorName = "States.ALL"
    /// A task sent no heartbeat within `HeartbeatSeconds`.
    public static let heartbeatTimeout: StatesErrorName = "States.HeartbeatTimeout"
    /// A task ran past `TimeoutSeconds`, or the execution past its own.
    public static let timeout: StatesErrorName = "States.Timeout"
    /// A task failed; in ErrorEquals it matches every error but States.Timeout.
    public static let taskFailed: StatesErrorName = "States.TaskFailed"
    /// The execution lacked the permissions a task needs.
    public static let permissions: StatesErrorName = "States.Permissions"
    /// `ResultPath` cannot be applied to the state's input.
    public static let resultPathMatchFailure: StatesErrorName = "States.ResultPathMatchFailure"
    /// A path in `Parameters` selects nothing.
    public static let parameterPathFailure: StatesErrorName = "States.ParameterPathFailure"
    /// A JSONata expression failed or returned a value the field cannot take.
    public static let queryEvaluationError: StatesErrorName = "States.QueryEvaluationError"
    /// A Parallel branch failed.
    public static let branchFailed: StatesErrorName = "States.BranchFailed"
    /// No Choice rule held and there is no `Default`.
    public static let noChoiceMatched: StatesErrorName = "States.NoChoiceMatched"
    /// An intrinsic function (`States.Format`, ...) failed.
    public static let intrinsicFailure: StatesErrorName = "States.IntrinsicFailure"
    /// More Map iterations failed than `ToleratedFailureCount`/`Percentage` allow.
    public static let exceedToleratedFailureThreshold: StatesErrorName = "States.ExceedToleratedFailureThreshold"
    /// A distributed Map could not read its items.
    public static let itemReaderFailed: StatesErrorName = "States.ItemReaderFailed"
    /// A distributed Map could not write its results.
    public static let resultWriterFailed: StatesErrorName = "States.ResultWriterFailed"
    /// A payload passed the 256 KiB limit; only matched by name.
    public static let dataLimitExceeded: StatesErrorName = "States.DataLimitExceeded"
    /// The state machinery failed (a path selecting nothing, a bad value); only matched by name.
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
    /// The error name (`States.Timeout`, or the task's own).
    public var name: StatesErrorName
    /// The cause text, when there is one.
    public var cause: String?
    /// Where a JSONata evaluation failed, while the history event AWS writes for it
    /// (`EvaluationFailed`) is still to be written. Not part of the failure's identity.
    public var evaluation: EvaluationSite?

    /// Equal name and cause.
    public static func == (lhs: StatesError, rhs: StatesError) -> Bool { lhs.name == rhs.name && lhs.cause == rhs.cause }

    /// Hashes name and cause.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(cause)
    }

    /// A failure named `name`.
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

    /// The name, or for a failure `name: cause`.
    public var description: String { cause.map { "\(error): \($0)" } ?? error }

    /// The `{"Error","Cause"}` object that Catch passes on (Cause left out when there is none).
    public var errorOutput: JSON {
        var members: JSONObject = ["Error": .string(error)]
        if let cause { members["Cause"] = .string(cause) }
        return .object(members)
    }

    /// A States.Runtime failure.
    public static func runtime(_ cause: String) -> StatesError { StatesError(.runtime, cause: cause) }
    /// A States.IntrinsicFailure failure.
    public static func intrinsicFailure(_ cause: String) -> StatesError { StatesError(.intrinsicFailure, cause: cause) }
    /// A States.QueryEvaluationError failure.
    public static func queryEvaluation(_ cause: String) -> StatesError { StatesError(.queryEvaluationError, cause: cause) }

    /// A States.QueryEvaluationError failure of the field `location` (`Output/result`, `Items`).
    public static func queryEvaluation(_ cause: String, location: String?) -> StatesError {
        var failure = StatesError(.queryEvaluationError, cause: cause)
        failure.evaluation = EvaluationSite(location: location)
        return failure
    }
}

/// Where a JSONata evaluation failed: the field, and once the state is known, the state and the
/// event its `...StateEntered` followed (what AWS links `EvaluationFailed` to).
public final class EvaluationSite: Sendable {
    /// The field, as AWS names it in the event's `location`.
    public let location: String?
    /// The state whose evaluation failed.
    public let state: String?
    /// The `previousEventId` of the state's `...StateEntered` event.
    public let enteredPreviousEventId: Int

    /// A site in field `location` of `state`.
    public init(location: String?, state: String? = nil, enteredPreviousEventId: Int = 0) {
        self.location = location
        self.state = state
        self.enteredPreviousEventId = enteredPreviousEventId
    }
}
