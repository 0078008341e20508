import Foundation
import SFNJSON
import SFNLanguage

/// What one function invocation produced besides its payload, for the Lambda integration's
/// response metadata.
public struct FunctionResponse: Sendable {
    /// What the function returned.
    public var payload: JSON
    /// The size of the response body as the function wrote it (Content-Length), when known.
    public var bodyByteCount: Int?
    /// The function's log output (`LogType: Tail` returns its last 4 KB).
    public var log: String?

    /// A function response.
    public init(payload: JSON, bodyByteCount: Int? = nil, log: String? = nil) {
        self.payload = payload
        self.bodyByteCount = bodyByteCount
        self.log = log
    }
}

/// An executor that behaves like a Lambda function and can report more than its payload.
/// Executors that are not `LambdaFunction`s still serve as functions through `execute`.
public protocol LambdaFunction: TaskExecutor {
    func invoke(_ request: TaskRequest) async throws(StatesError) -> FunctionResponse
}

extension TaskExecutor {
    /// Runs the executor as a function, keeping the extra details when it reports them.
    func invokeAsFunction(_ request: TaskRequest) async throws(StatesError) -> FunctionResponse {
        if let function = self as? any LambdaFunction {
            return try await function.invoke(request)
        }
        return FunctionResponse(payload: try await execute(request))
    }
}

/// Lambda's error document: `{"errorMessage", "errorType", ...}`.
enum LambdaErrorDocument {
    /// AWS's error name for a function error whose document names no type.
    static let unknownErrorName = "Lambda.Unknown"

    /// The task failure for a function error document, as Step Functions reports it for a
    /// `arn:aws:lambda:...` resource: the errorType as the error and the document's text as the cause.
    static func failure(documentText: String) -> StatesError {
        let trimmed = documentText.trimmingCharacters(in: .whitespacesAndNewlines)
        let errorType = (try? JSON(parsing: trimmed))?["errorType"]?.stringValue
        return StatesError(errorType ?? unknownErrorName, cause: trimmed)
    }

    /// A document in Lambda's shape, when `text` is one (an object with errorType or errorMessage).
    static func parse(_ text: String) -> JSON? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{"), let value = try? JSON(parsing: trimmed), value.objectValue != nil,
            value["errorType"] != nil || value["errorMessage"] != nil
        else { return nil }
        return value
    }

    /// A document this runtime writes itself (runtime failures such as a crash or bad output).
    static func make(type: String, message: String, extra: JSONObject = [:]) -> StatesError {
        var members: JSONObject = ["errorMessage": .string(message), "errorType": .string(type)]
        for (key, value) in extra { members[key] = value }
        return StatesError(type, cause: JSON.object(members).compactText)
    }
}

/// The parts of a Lambda function reference (`name`, `name:alias`, `account:function:name`,
/// or a full ARN, with or without a qualifier).
public struct LambdaFunctionReference: Sendable, Equatable {
    /// The function's name.
    public var name: String
    /// A version or alias, when given.
    public var qualifier: String?
    /// The region, when the reference is an ARN.
    public var region: String?
    /// The account, when the reference carries one.
    public var accountId: String?

    /// A reference to a function.
    public init(name: String, qualifier: String? = nil, region: String? = nil, accountId: String? = nil) {
        self.name = name
        self.qualifier = qualifier
        self.region = region
        self.accountId = accountId
    }

    /// Whether a function name and qualifier have the characters Lambda allows: a name of 1 to 64
    /// of `A-Z a-z 0-9 - _ .`, a qualifier `$LATEST` or of `A-Z a-z 0-9 - _` (Lambda's Invoke
    /// `FunctionName` pattern). Anything else (spaces, `/`, `%`, line breaks) never reaches a URL.
    public var isValid: Bool {
        func allowed(_ text: String, dot: Bool) -> Bool {
            !text.isEmpty
                && text.unicodeScalars.allSatisfy { scalar in
                    scalar.isASCII
                        && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_" || (dot && scalar == "."))
                }
        }
        guard name.count <= 64, allowed(name, dot: true) else { return false }
        if let qualifier, qualifier != "$LATEST", !allowed(qualifier, dot: false) { return false }
        return true
    }

    /// Parses a FunctionName value or a `arn:aws:lambda:...:function:...` resource; nil when the text
    /// names no function.
    public init?(_ text: String) {
        if let arn = ARN(parsing: text) {
            let resource = arn.resourceParts
            guard arn.service == "lambda", resource.count >= 2, resource[0] == "function", !resource[1].isEmpty else { return nil }
            self.init(
                name: String(resource[1]), qualifier: resource.count > 2 ? resource[2...].joined(separator: ":") : nil,
                region: arn.region.isEmpty ? nil : arn.region, accountId: arn.account.isEmpty ? nil : arn.account)
            return
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 3, parts[1] == "function" {
            guard !parts[2].isEmpty else { return nil }
            self.init(
                name: parts[2], qualifier: parts.count > 3 ? parts[3...].joined(separator: ":") : nil, accountId: parts[0])
        } else if !parts[0].isEmpty, parts[0] != "arn" {
            self.init(name: parts[0], qualifier: parts.count > 1 ? parts[1...].joined(separator: ":") : nil)
        } else {
            return nil
        }
    }

    /// The unqualified function ARN, filling region and account from `defaults` when the reference
    /// does not carry them.
    func arn(defaultRegion: String, defaultAccountId: String, partition: String = "aws") -> String {
        ARN.lambdaFunction(name, region: region ?? defaultRegion, account: accountId ?? defaultAccountId, partition: partition).description
    }
}

/// Where an execution runs, read from the context object's execution ARN.
struct ExecutionLocation {
    var region = "us-east-1"
    var accountId = "111111111111"

    init(context: JSON) {
        guard let arn = context["Execution"]?["Id"]?.stringValue ?? context["StateMachine"]?["Id"]?.stringValue else { return }
        guard let parsed = ARN(parsing: arn) else { return }
        if !parsed.region.isEmpty { region = parsed.region }
        if !parsed.account.isEmpty { accountId = parsed.account }
    }
}
