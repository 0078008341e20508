import SFNJSON
import SFNLanguage
import SFNRuntime

/// SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat over a token registry, shared by
/// `sfn serve` and the callback server `sfn run` starts.
public struct TaskCallbacks: Sendable {
    /// The tokens callbacks complete.
    public let tokens: TaskTokenRegistry

    /// Callbacks for `tokens`.
    public init(tokens: TaskTokenRegistry) {
        self.tokens = tokens
    }

    /// The AWS-protocol operations this type answers.
    public static let operations: Set<String> = ["SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat"]

    /// Answers SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat.
    public func handle(_ operation: String, _ body: JSON) throws(ServerError) -> JSON {
        let fields = try RequestFields(body)
        switch operation {
        case "SendTaskSuccess": return try sendTaskSuccess(fields)
        case "SendTaskFailure": return try sendTaskFailure(fields)
        case "SendTaskHeartbeat": return try sendTaskHeartbeat(fields)
        default: throw .unknownOperation(operation)
        }
    }

    func sendTaskSuccess(_ fields: RequestFields) throws(ServerError) -> JSON {
        let token = try fields.string("taskToken")
        guard let output = try fields.jsonText("output", invalid: { ServerError("InvalidOutput", "Invalid Output: '\($0)'") }) else {
            throw .missing("output")
        }
        try succeed(token: token, output: output)
        return .emptyObject
    }

    func sendTaskFailure(_ fields: RequestFields) throws(ServerError) -> JSON {
        let token = try fields.string("taskToken")
        try fail(token: token, error: fields.optionalString("error"), cause: fields.optionalString("cause"))
        return .emptyObject
    }

    func sendTaskHeartbeat(_ fields: RequestFields) throws(ServerError) -> JSON {
        try heartbeat(token: fields.string("taskToken"))
        return .emptyObject
    }

    /// Completes `token` with `output`.
    public func succeed(token: String, output: JSON) throws(ServerError) {
        do {
            try tokens.complete(token, with: .success(output))
        } catch {
            throw Self.refusal(error)
        }
    }

    /// A failure without an error name fails the task with an empty name, as AWS does.
    public func fail(token: String, error: String?, cause: String?) throws(ServerError) {
        do {
            try tokens.complete(token, with: .failure(StatesError(error ?? "", cause: cause)))
        } catch {
            throw Self.refusal(error)
        }
    }

    /// Records a heartbeat for `token`.
    public func heartbeat(token: String) throws(ServerError) {
        do {
            try tokens.heartbeat(token)
        } catch {
            throw Self.refusal(error)
        }
    }

    static func refusal(_ error: TaskTokenError) -> ServerError {
        switch error {
        case .invalidToken: ServerError(error.awsName, "Invalid Token: 'Invalid token'")
        case .taskDoesNotExist: ServerError(error.awsName, "Task Does Not Exist")
        case .taskTimedOut: ServerError(error.awsName, "Task Timed Out")
        }
    }
}
