import Foundation
import SFNJSON
import SFNLanguage

/// Serves Lambda Tasks from local functions, shaped as AWS shapes them:
/// - `arn:aws:states:::lambda:invoke` (and `.waitForTaskToken`): the input is
///   `{FunctionName, Payload, InvocationType?, LogType?, Qualifier?, ...}`; the result is the
///   Invoke API response `{ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode}`;
///   a function error fails with its errorType and the error document (compact JSON) as the cause.
/// - `arn:aws:lambda:REGION:ACCOUNT:function:NAME`: the input is the payload and the result is the
///   function's raw result; a function error's cause is the document exactly as the function wrote it.
///
/// Functions are found by name (any of Lambda's spellings: name, `name:alias`, partial or full ARN),
/// then by their full ARN in `resources`.
public struct LambdaRouter: TaskExecutor {
    /// The optimized integration's resources (`lambda:invoke`, `.waitForTaskToken`).
    public static let invokeResourcePattern = "arn:aws:states:::lambda:invoke*"
    /// Function ARNs used directly as a Resource.
    public static let functionResourcePattern = "arn:aws:lambda:*"

    private let functions: [String: any TaskExecutor]
    /// Function-name globs (`order-*`, `*`), in order, for names not in `functions`.
    private let functionPatterns: [(pattern: ResourcePattern, executor: any TaskExecutor)]
    private let resources: ExecutorRegistry
    private let random: @Sendable () -> UInt64

    /// - Parameters:
    ///   - functions: executors by function name (unqualified, e.g. `order-handler`).
    ///   - resources: where a function not in `functions` is looked up by its full ARN
    ///     (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`). It must not route back to this router.
    ///   - functionPatterns: executors by function-name glob (`*` any run, `?` one character),
    ///     tried in order for a name not in `functions`.
    ///   - random: entropy for request ids and trace ids.
    public init(
        functions: [String: any TaskExecutor], functionPatterns: [(pattern: ResourcePattern, executor: any TaskExecutor)] = [],
        resources: ExecutorRegistry = ExecutorRegistry(), random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
    ) {
        self.functions = functions
        self.functionPatterns = functionPatterns
        self.resources = resources
        self.random = random
    }

    /// Invokes the function the request names and shapes the result as AWS does.
    public func execute(_ request: TaskRequest) async throws(StatesError) -> JSON {
        if request.resource.hasPrefix("arn:aws:states:::lambda:invoke") {
            return try await invokeIntegration(request)
        }
        guard let reference = LambdaFunctionReference(request.resource) else {
            throw StatesError.notAFunction(resource: request.resource)
        }
        let location = ExecutionLocation(context: request.context)
        let arn = reference.arn(defaultRegion: location.region, defaultAccountId: location.accountId)
        guard let function = function(for: reference, arn: arn) else {
            throw notFound(reference, arn: arn)
        }
        var functionRequest = request
        functionRequest.resource = arn
        return try await function.execute(functionRequest)
    }

    func hasFunction(_ reference: LambdaFunctionReference, arn: String) -> Bool { function(for: reference, arn: arn) != nil }

    func servesIntegration(_ resource: String) -> Bool { resources.executor(for: resource) != nil }

    /// A configured route for the `lambda:invoke` resource itself (an exact entry, or a glob
    /// that names the integration), used when no function of the FunctionName is routed.
    private func directIntegration(_ request: TaskRequest) -> (any TaskExecutor)? {
        guard case .object(let parameters) = request.input, let name = parameters["FunctionName"]?.stringValue,
            let reference = LambdaFunctionReference(name)
        else { return resources.executor(for: request.resource) }
        let location = ExecutionLocation(context: request.context)
        if function(for: reference, arn: reference.arn(defaultRegion: location.region, defaultAccountId: location.accountId)) != nil {
            return nil
        }
        return resources.executor(for: request.resource)
    }

    private func function(for reference: LambdaFunctionReference, arn: String) -> (any TaskExecutor)? {
        functions[reference.name] ?? functionPatterns.first { $0.pattern.matches(reference.name) }?.executor
            ?? resources.executor(for: arn)
    }

    private func notFound(_ reference: LambdaFunctionReference, arn: String) -> StatesError {
        let qualified = "\(arn):\(reference.qualifier ?? "$LATEST")"
        return StatesError.lambdaServiceError(
            code: "ResourceNotFoundException", message: "Function not found: \(qualified)", status: 404, requestId: uuid())
    }

    private func invokeIntegration(_ request: TaskRequest) async throws(StatesError) -> JSON {
        if let direct = directIntegration(request) {
            // A route for the integration's Resource itself, not for a function: its executor
            // answers as written, without Lambda's response shape.
            return try await direct.execute(request)
        }
        guard case .object(let parameters) = request.input else {
            throw StatesError.invokeParametersNotObject(request.input)
        }
        guard let functionName = parameters["FunctionName"]?.stringValue,
            let reference = LambdaFunctionReference(functionName)
        else {
            throw StatesError.lambdaServiceError(
                code: "InvalidParameterValueException",
                message:
                    "1 validation error detected: Value at 'functionName' failed to satisfy constraint: Member must not be null or empty",
                status: 400, requestId: uuid())
        }
        var qualified = reference
        if qualified.qualifier == nil, let qualifier = parameters["Qualifier"]?.stringValue { qualified.qualifier = qualifier }
        let location = ExecutionLocation(context: request.context)
        let arn = reference.arn(defaultRegion: location.region, defaultAccountId: location.accountId)
        guard let function = function(for: reference, arn: arn) else {
            throw notFound(qualified, arn: arn)
        }

        let payload = try Self.payload(parameters["Payload"], requestId: uuid)
        var functionRequest = request
        functionRequest.resource = arn
        functionRequest.input = payload

        let invocationType = parameters["InvocationType"]?.stringValue ?? "RequestResponse"
        switch invocationType {
        case "DryRun":
            return response(payload: nil, bodyByteCount: 0, statusCode: 204, log: nil, request: request)
        case "Event":
            Task { _ = try? await function.execute(functionRequest) }
            return response(payload: .string(""), bodyByteCount: 0, statusCode: 202, log: nil, request: request)
        default:
            break
        }

        let result: FunctionResponse
        do {
            result = try await function.invokeAsFunction(functionRequest)
        } catch {
            throw Self.integrationFailure(error)
        }
        let wantsLog = parameters["LogType"]?.stringValue == "Tail"
        return response(
            payload: result.payload, bodyByteCount: result.bodyByteCount ?? result.payload.compactByteCount, statusCode: 200,
            log: wantsLog ? (result.log ?? "") : nil, request: request)
    }

    /// The service integration reports a function error's document re-serialized compactly
    /// (the `arn:aws:lambda` resource passes the function's own text through).
    static func integrationFailure(_ error: StatesError) -> StatesError {
        guard let cause = error.cause, let document = LambdaErrorDocument.parse(cause) else { return error }
        return StatesError(error.error, cause: document.compactText)
    }

    /// What the function receives: no Payload (or null) is an empty event, a string is the JSON
    /// text of the event (the Invoke API takes bytes), anything else is the event itself.
    static func payload(_ value: JSON?, requestId: () -> String) throws(StatesError) -> JSON {
        switch value {
        case nil, .null?:
            return .emptyObject
        case .string(let text)?:
            do {
                return try JSON(parsing: text)
            } catch {
                throw StatesError.lambdaServiceError(
                    code: "InvalidRequestContentException", message: "Could not parse request body into json: \(error.message)",
                    status: 400, requestId: requestId())
            }
        case let value?:
            return value
        }
    }

    private func response(payload: JSON?, bodyByteCount: Int, statusCode: Int, log: String?, request: TaskRequest) -> JSON {
        let requestId = uuid()
        let traceId = self.traceId(context: request.context)
        let date = Self.httpDate(context: request.context)
        let logResult = log.map { Data(Self.logTail($0).utf8).base64EncodedString() }
        let length = String(bodyByteCount)

        var allHeaders: JSONObject = [:]
        if let logResult { allHeaders["X-Amz-Log-Result"] = [.string(logResult)] }
        allHeaders["X-Amz-Executed-Version"] = ["$LATEST"]
        allHeaders["x-amzn-Remapped-Content-Length"] = ["0"]
        allHeaders["Connection"] = ["keep-alive"]
        allHeaders["x-amzn-RequestId"] = [.string(requestId)]
        allHeaders["Content-Length"] = [.string(length)]
        allHeaders["Date"] = [.string(date)]
        allHeaders["X-Amzn-Trace-Id"] = [.string(traceId)]
        allHeaders["Content-Type"] = ["application/json"]

        var headers: JSONObject = [
            "Connection": "keep-alive", "Content-Length": .string(length), "Content-Type": "application/json",
            "Date": .string(date), "X-Amz-Executed-Version": "$LATEST",
        ]
        if let logResult { headers["X-Amz-Log-Result"] = .string(logResult) }
        headers["x-amzn-Remapped-Content-Length"] = "0"
        headers["x-amzn-RequestId"] = .string(requestId)
        headers["X-Amzn-Trace-Id"] = .string(traceId)

        var members: JSONObject = ["ExecutedVersion": "$LATEST"]
        if let logResult { members["LogResult"] = .string(logResult) }
        if let payload { members["Payload"] = payload }
        members["SdkHttpMetadata"] = [
            "AllHttpHeaders": .object(allHeaders), "HttpHeaders": .object(headers), "HttpStatusCode": .int(statusCode),
        ]
        members["SdkResponseMetadata"] = ["RequestId": .string(requestId)]
        members["StatusCode"] = .int(statusCode)
        return .object(members)
    }

    /// Lambda returns the last 4 KB of the log.
    static func logTail(_ log: String) -> String {
        let bytes = Array(log.utf8)
        guard bytes.count > 4096 else { return log }
        return String(decoding: bytes.suffix(4096), as: UTF8.self)
    }

    private func hex(_ digits: Int) -> String {
        var text = ""
        while text.count < digits {
            text += String(random(), radix: 16).leftPadded(to: 16)
        }
        return String(text.prefix(digits))
    }

    private func uuid() -> String { UUIDs.make(random) }

    private func traceId(context: JSON) -> String {
        let seconds = Int(Self.enteredTime(context: context) / 1000)
        return "Root=1-\(String(seconds, radix: 16).leftPadded(to: 8))-\(hex(24));Parent=\(hex(16));Sampled=0"
    }

    /// When the state was entered (the execution's clock, virtual or real); the system's time for
    /// a request without a context.
    private static func enteredTime(context: JSON) -> EpochMilliseconds {
        context["State"]?["EnteredTime"]?.stringValue.flatMap(Timestamps.parse) ?? WallClock.system.now()
    }

    /// The response's Date header: when the state was entered (the execution's clock, virtual or real).
    static func httpDate(context: JSON) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(enteredTime(context: context)) / 1000))
    }
}

extension ExecutorRegistry {
    /// Registers `router` for both Lambda resource shapes (`lambda:invoke` and function ARNs).
    /// Register more specific function ARNs before calling this: patterns match in the order added.
    public mutating func registerLambda(_ router: LambdaRouter) {
        register(LambdaRouter.invokeResourcePattern, router)
        register(LambdaRouter.functionResourcePattern, router)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
