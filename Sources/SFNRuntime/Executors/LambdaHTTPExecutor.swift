import Foundation
import SFNJSON
import SFNLanguage

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Invokes a function through a Lambda Invoke endpoint (`sam local start-lambda`, a Lambda
/// runtime emulator, LocalStack): `POST {baseURL}/2015-03-31/functions/{name}/invocations`.
///
/// The function is `functionName` when given, else the one the request's resource names. A
/// response with `X-Amz-Function-Error` fails with the body's errorType (`Lambda.Unknown` when it
/// has none) and the body as the cause; a 404 is `Lambda.ResourceNotFoundException`; an
/// unreachable endpoint is `Lambda.SdkClientException`.
public struct LambdaHTTPExecutor: LambdaFunction {
    public var baseURL: String
    public var functionName: String?
    public var timeoutSeconds: Double?
    private let session: URLSession

    public init(baseURL: String, functionName: String? = nil, timeoutSeconds: Double? = nil, session: URLSession = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.functionName = functionName
        self.timeoutSeconds = timeoutSeconds
        self.session = session
    }

    public func execute(_ request: TaskRequest) async throws(StatesError) -> JSON {
        try await invoke(request).payload
    }

    public func invoke(_ request: TaskRequest) async throws(StatesError) -> FunctionResponse {
        let name = functionName ?? LambdaFunctionReference(request.resource)?.name ?? request.resource
        let escaped = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? name
        guard let url = URL(string: "\(baseURL)/2015-03-31/functions/\(escaped)/invocations") else {
            throw StatesError("Lambda.SdkClientException", cause: "The endpoint URL '\(baseURL)' is not valid.")
        }
        var httpRequest = URLRequest(url: url)
        httpRequest.httpMethod = "POST"
        httpRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        httpRequest.setValue("Tail", forHTTPHeaderField: "X-Amz-Log-Type")
        httpRequest.httpBody = Data(request.input.compactText.utf8)
        if let timeoutSeconds { httpRequest.timeoutInterval = timeoutSeconds }

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: httpRequest)
        } catch let error as URLError where error.code == .timedOut {
            throw StatesError(
                ErrorName.timeout,
                cause: "The function '\(name)' did not answer within \(JSONNumberFormat.text(for: timeoutSeconds ?? 60)) seconds.")
        } catch {
            throw StatesError(
                "Lambda.SdkClientException", cause: "Unable to execute HTTP request: \(error.localizedDescription) (\(url.absoluteString))")
        }
        guard let http = response as? HTTPURLResponse else {
            throw StatesError("Lambda.SdkClientException", cause: "The endpoint \(url.absoluteString) did not answer over HTTP.")
        }
        let body = String(decoding: data, as: UTF8.self)
        let log = (http.value(forHTTPHeaderField: "X-Amz-Log-Result")).flatMap { Data(base64Encoded: $0) }
            .map { String(decoding: $0, as: UTF8.self) }

        if http.value(forHTTPHeaderField: "X-Amz-Function-Error") != nil {
            throw LambdaErrorDocument.failure(documentText: body)
        }
        guard (200..<300).contains(http.statusCode) else {
            throw Self.serviceFailure(status: http.statusCode, body: body, http: http)
        }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return FunctionResponse(payload: .null, bodyByteCount: data.count, log: log) }
        do {
            return FunctionResponse(payload: try JSON(parsing: Array(data)), bodyByteCount: data.count, log: log)
        } catch {
            throw LambdaErrorDocument.make(
                type: "Runtime.MarshalError",
                message: "Unable to parse the function's response as JSON (\(error.description)). Response began: \(String(trimmed.prefix(200)))")
        }
    }

    /// An Invoke API error (not the function's): AWS names it `Lambda.<ErrorCode>`.
    private static func serviceFailure(status: Int, body: String, http: HTTPURLResponse) -> StatesError {
        let document = try? JSON(parsing: body)
        let code = http.value(forHTTPHeaderField: "X-Amzn-ErrorType")?.split(separator: ":").first.map(String.init)
            ?? document?["Type"]?.stringValue.flatMap { $0 == "User" ? nil : $0 }
            ?? (status == 404 ? "ResourceNotFoundException" : "ServiceException")
        let message = document?["Message"]?.stringValue ?? document?["message"]?.stringValue ?? body
        let requestId = http.value(forHTTPHeaderField: "x-amzn-RequestId") ?? "unknown"
        return StatesError(
            "Lambda.\(code)",
            cause: "\(message) (Service: AWSLambda; Status Code: \(status); Error Code: \(code); Request ID: \(requestId); Proxy: null)")
    }
}
