import Foundation
import SFNJSON
import SFNLanguage

/// Invokes a function through a Lambda Invoke endpoint (`sam local start-lambda`, a Lambda
/// runtime emulator, LocalStack): `POST {baseURL}/2015-03-31/functions/{name}/invocations`.
///
/// The function is `functionName` when given, else the one the request's resource names. A
/// response with `X-Amz-Function-Error` fails with the body's errorType (`Lambda.Unknown` when it
/// has none) and the body as the cause; a 404 is `Lambda.ResourceNotFoundException`; an
/// unreachable endpoint is `Lambda.SdkClientException`.
public struct LambdaHTTPExecutor: LambdaFunction {
    /// The endpoint, e.g. `http://127.0.0.1:3001` (`sam local start-lambda`).
    public var baseURL: String
    /// The function to invoke there (else the name the task gives).
    public var functionName: String?
    /// How long one invocation may take (900 s by default).
    public var timeoutSeconds: Double?

    /// An executor for the endpoint at `baseURL`.
    public init(baseURL: String, functionName: String? = nil, timeoutSeconds: Double? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.functionName = functionName
        self.timeoutSeconds = timeoutSeconds
    }

    /// Invokes the function with the task's input; its payload is the result.
    public func execute(_ request: TaskRequest) async throws(StatesError) -> JSON {
        try await invoke(request).payload
    }

    /// Invokes the function and returns its whole response.
    public func invoke(_ request: TaskRequest) async throws(StatesError) -> FunctionResponse {
        let name = functionName ?? LambdaFunctionReference(request.resource)?.name ?? request.resource
        // Lambda refuses names outside its pattern before anything is sent; so does sfn, so that no
        // name can smuggle a line break or a second path into the request.
        guard LambdaFunctionReference(name: name).isValid else { throw StatesError.lambdaInvalidFunctionName(name) }
        let escaped =
            name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? name
        let url = "\(baseURL)/2015-03-31/functions/\(escaped)/invocations"
        let http: PlainHTTPClient.Response
        do {
            http = try await PlainHTTPClient.post(
                url, headers: [("Content-Type", "application/json"), ("X-Amz-Log-Type", "Tail")],
                body: Array(request.input.compactText.utf8), timeoutSeconds: timeoutSeconds ?? 900)
        } catch {
            switch error {
            case .timedOut:
                throw StatesError.functionTimedOut(name, after: timeoutSeconds ?? 900)
            case .invalidURL:
                throw StatesError.lambdaClientError("The endpoint URL '\(baseURL)' is not valid: \(error).")
            default:
                throw StatesError.lambdaClientError("Unable to execute HTTP request: \(error) (\(url))")
            }
        }
        let data = http.body
        let body = String(decoding: data, as: UTF8.self)
        let log = http.header("X-Amz-Log-Result").flatMap { Data(base64Encoded: $0) }
            .map { String(decoding: $0, as: UTF8.self) }

        if http.header("X-Amz-Function-Error") != nil {
            throw LambdaErrorDocument.failure(documentText: body)
        }
        guard (200..<300).contains(http.status) else {
            throw Self.serviceFailure(status: http.status, body: body, http: http)
        }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return FunctionResponse(payload: .null, bodyByteCount: data.count, log: log) }
        do {
            return FunctionResponse(payload: try JSON(parsing: data), bodyByteCount: data.count, log: log)
        } catch {
            throw LambdaErrorDocument.make(
                type: "Runtime.MarshalError",
                message:
                    "Unable to parse the function's response as JSON (\(error.description)). Response began: \(String(trimmed.prefix(200)))"
            )
        }
    }

    /// An Invoke API error (not the function's): AWS names it `Lambda.<ErrorCode>`.
    private static func serviceFailure(status: Int, body: String, http: PlainHTTPClient.Response) -> StatesError {
        let document = try? JSON(parsing: body)
        let code =
            http.header("X-Amzn-ErrorType")?.split(separator: ":").first.map(String.init)
            ?? document?["Type"]?.stringValue.flatMap { $0 == "User" ? nil : $0 }
            ?? (status == 404 ? "ResourceNotFoundException" : "ServiceException")
        let message = document?["Message"]?.stringValue ?? document?["message"]?.stringValue ?? body
        let requestId = http.header("x-amzn-RequestId") ?? "unknown"
        return StatesError.lambdaServiceError(code: code, message: message, status: status, requestId: requestId)
    }
}
