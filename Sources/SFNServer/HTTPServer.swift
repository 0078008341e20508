import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SFNJSON
import SFNLanguage
import SFNRuntime
import ServiceLifecycle
import UnixSignals

/// Routes for the AWS JSON 1.0 protocol (`POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`)
/// and the plain REST callback routes under `/tokens/{token}/...` for curl.
public enum StepFunctionsRoutes {
    /// The AWS JSON 1.0 content type the SDKs send.
    public static let contentType = "application/x-amz-json-1.0"
    /// The `X-Amz-Target` prefix of Step Functions operations.
    public static let targetPrefix = "AWSStepFunctions."
    /// Larger bodies are refused before parsing (AWS's own request limit is about 1 MiB).
    public static let defaultMaxBodyBytes = 1 << 20

    /// The full API (`sfn serve`). With a `verifier`, every request must carry a valid AWS
    /// Signature Version 4 from one of its keys. Without one (loopback), the browser console is
    /// served at `/` too, unless `console` is false: a browser cannot sign its requests.
    public static func router(
        service: StepFunctionsService, maxBodyBytes: Int = defaultMaxBodyBytes, verifier: SignatureV4Verifier? = nil,
        console: Bool = true
    ) -> Router<BasicRequestContext> {
        let router = Router()
        if console && verifier == nil { ConsoleRoutes.add(to: router, service: service) }
        addProtocolRoute(to: router, operations: StepFunctionsService.operations, maxBodyBytes: maxBodyBytes, verifier: verifier) {
            operation, body throws(ServerError) in
            try await service.handle(operation, body)
        }
        // Through the service, so that a durable server keeps the callback and a cluster node
        // passes it to the node that runs the task.
        addTokenRoutes(to: router, maxBodyBytes: maxBodyBytes, verifier: verifier) { operation, body throws(ServerError) in
            try await service.handle(operation, body)
        }
        addHealthRoutes(to: router, service: service)
        return router
    }

    /// `GET /health` (JSON; 503 while a cluster node does not hold its lease) and `GET /metrics`
    /// (Prometheus' text format). Neither needs a signature: they show no workflow data.
    static func addHealthRoutes(to router: Router<BasicRequestContext>, service: StepFunctionsService) {
        router.get("/health") { _, _ -> Response in
            let (healthy, body) = service.health()
            return respond(body, status: healthy ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ -> Response in
            var buffer = ByteBuffer()
            buffer.writeString(service.metricsText())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4", .contentLength: String(buffer.readableBytes)],
                body: ResponseBody(byteBuffer: buffer))
        }
    }

    /// Only the callback operations (the server `sfn run --callback-port` starts).
    public static func callbackRouter(callbacks: TaskCallbacks, maxBodyBytes: Int = defaultMaxBodyBytes) -> Router<BasicRequestContext> {
        let router = Router()
        addProtocolRoute(to: router, operations: TaskCallbacks.operations, maxBodyBytes: maxBodyBytes) {
            operation, body throws(ServerError) in
            try callbacks.handle(operation, body)
        }
        addTokenRoutes(to: router, maxBodyBytes: maxBodyBytes) { operation, body throws(ServerError) in
            try callbacks.handle(operation, body)
        }
        return router
    }

    typealias Dispatch = @Sendable (String, JSON) async throws(ServerError) -> JSON

    static func addProtocolRoute(
        to router: Router<BasicRequestContext>, operations: Set<String>, maxBodyBytes: Int, verifier: SignatureV4Verifier? = nil,
        dispatch: @escaping Dispatch
    ) {
        router.post("/") { request, _ -> Response in
            do {
                let bytes = try await readBody(request, maxBodyBytes: maxBodyBytes, verifier: verifier)
                let target = request.headers.first { $0.name.canonicalName == "x-amz-target" }?.value ?? ""
                let operation = target.hasPrefix(targetPrefix) ? String(target.dropFirst(targetPrefix.count)) : ""
                guard operations.contains(operation) else { throw ServerError.unknownOperation(target) }
                let body = try parseJSON(bytes, emptyMeans: .emptyObject) { message in
                    ServerError.serialization("The request body is not valid JSON: \(message)")
                }
                return respond(try await dispatch(operation, body))
            } catch {
                return respond(error)
            }
        }
    }

    /// `POST /tokens/TOKEN/success|failure|heartbeat`: the callbacks as plain HTTP, answered as
    /// SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat.
    static func addTokenRoutes(
        to router: Router<BasicRequestContext>, maxBodyBytes: Int, verifier: SignatureV4Verifier? = nil, dispatch: @escaping Dispatch
    ) {
        router.post("/tokens/:token/success") { request, context -> Response in
            do {
                let token = context.parameters.get("token") ?? ""
                let bytes = try await readBody(request, maxBodyBytes: maxBodyBytes, verifier: verifier)
                let output = try parseJSON(bytes, emptyMeans: nil) { message in
                    ServerError("InvalidOutput", "Invalid Output: '\(message)'")
                }
                let body: JSON = ["taskToken": .string(token), "output": .string(output.compactText)]
                return respond(try await dispatch("SendTaskSuccess", body))
            } catch {
                return respond(error)
            }
        }
        router.post("/tokens/:token/failure") { request, context -> Response in
            do {
                let token = context.parameters.get("token") ?? ""
                let bytes = try await readBody(request, maxBodyBytes: maxBodyBytes, verifier: verifier)
                let fields = try parseJSON(bytes, emptyMeans: .emptyObject) { message in
                    ServerError.serialization("The request body is not valid JSON: \(message)")
                }
                var body: JSONObject = ["taskToken": .string(token)]
                if let error = fields["error"] { body["error"] = error }
                if let cause = fields["cause"] { body["cause"] = cause }
                return respond(try await dispatch("SendTaskFailure", .object(body)))
            } catch {
                return respond(error)
            }
        }
        router.post("/tokens/:token/heartbeat") { request, context -> Response in
            do {
                _ = try await readBody(request, maxBodyBytes: maxBodyBytes, verifier: verifier)
                return respond(try await dispatch("SendTaskHeartbeat", ["taskToken": .string(context.parameters.get("token") ?? "")]))
            } catch {
                return respond(error)
            }
        }
    }

    /// Reads the body (up to the limit) and, with a verifier, checks the request's signature.
    static func readBody(_ request: Request, maxBodyBytes: Int, verifier: SignatureV4Verifier?) async throws(ServerError) -> [UInt8] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw .payloadTooLarge
        } catch {
            throw .serialization("The request body could not be read: \(error)")
        }
        let bytes = Array(buffer.readableBytesView)
        try verifier?.verify(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", authority: request.head.authority,
            headers: request.headers, body: bytes)
        return bytes
    }

    /// Parses a body; `emptyMeans` stands in for an empty body (nil: an empty body is invalid).
    static func parseJSON(_ bytes: [UInt8], emptyMeans: JSON?, invalid: (String) -> ServerError) throws(ServerError) -> JSON {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.allSatisfy(\.isWhitespace), let emptyMeans { return emptyMeans }
        do {
            return try JSON(parsing: text)
        } catch {
            throw invalid("\(error)")
        }
    }

    static func respond(_ body: JSON, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(body.compactText)
        var headers: HTTPFields = [.contentType: contentType, .contentLength: String(buffer.readableBytes)]
        // SDKs surface this id in their response metadata and error reports.
        if let requestId = HTTPField.Name("x-amzn-RequestId") { headers[requestId] = UUIDs.make { UInt64.random(in: .min ... .max) } }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    static func respond(_ error: any Error) -> Response {
        let failure = error as? ServerError ?? ServerError("InternalFailure", "\(error)", status: 500)
        var response = respond(failure.json, status: HTTPResponse.Status(code: failure.status))
        if let name = HTTPField.Name("x-amzn-ErrorType") { response.headers[name] = failure.type }
        return response
    }
}

/// A running HTTP server: its bound port, and a graceful stop (stop accepting, finish in-flight
/// requests).
public final class RunningServer: Sendable {
    /// The address listened on.
    public let host: String
    /// The port listened on.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(host: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.group = group
        self.task = task
    }

    /// How long a connection may sit without a request in progress (or with a request head that
    /// never completes) before it is closed: idle and byte-a-minute clients cannot hold
    /// connections open indefinitely.
    public static let defaultIdleTimeout = Duration.seconds(30)
    /// How many connections are served at once; past it new ones wait in the listen backlog, so
    /// a flood of clients cannot exhaust file descriptors.
    public static let defaultMaxConnections = 512

    /// Binds `host:port` (port 0: any free port) and serves `router` until stopped or, when
    /// `stopsOnSignals`, until SIGINT or SIGTERM arrives. `onShutdown` runs as shutdown begins,
    /// before in-flight requests are awaited (to end long polls early).
    public static func start(
        router: Router<BasicRequestContext>, host: String = "127.0.0.1", port: Int = 0, stopsOnSignals: Bool = false,
        idleTimeout: Duration = defaultIdleTimeout, maxConnections: Int = defaultMaxConnections,
        onShutdown: (@Sendable () -> Void)? = nil
    ) async throws -> RunningServer {
        let shutdownSignals: [UnixSignal] = stopsOnSignals ? [.sigterm, .sigint] : []
        var logger = Logger(label: "sfn.server")
        logger.logLevel = .warning
        let (ports, portReporter) = AsyncStream<Int>.makeStream()
        let idleNanoseconds = idleTimeout.components.seconds * 1_000_000_000 + idleTimeout.components.attoseconds / 1_000_000_000
        let application = Application(
            router: router,
            server: .http1(configuration: HTTP1Channel.Configuration(idleTimeout: .nanoseconds(idleNanoseconds))),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "sfn",
                availableConnectionsDelegate: MaximumAvailableConnections(max(1, maxConnections))),
            onServerRunning: { channel in
                portReporter.yield(channel.localAddress?.port ?? port)
                portReporter.finish()
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                // Services shut down last-first, so the hook runs before the server drains its requests.
                services: [application, ShutdownHook(action: onShutdown ?? {})], gracefulShutdownSignals: shutdownSignals, logger: logger))
        let task = Task {
            defer { portReporter.finish() }
            try await group.run()
        }
        for await bound in ports {
            return RunningServer(host: host, port: bound, group: group, task: task)
        }
        // The stream ended without a port: the server failed to start; surface why.
        try await task.value
        throw ServerStartError(host: host, port: port)
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Waits until the server has shut down (after `stop()` or a shutdown signal).
    public func waitUntilStopped() async throws {
        try await task.value
    }

    /// Whether `host` only accepts connections from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// Waits for graceful shutdown, then runs its action.
private struct ShutdownHook: Service {
    let action: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        action()
    }
}

/// The server could not listen.
public struct ServerStartError: Error, CustomStringConvertible {
    /// The address asked for.
    public var host: String
    /// The port asked for.
    public var port: Int
    /// What went wrong.
    public var description: String { "the server could not listen on \(host):\(port)" }
}

/// The small server `sfn run --callback-port` starts so task tokens can be completed while a
/// workflow runs: the AWS-protocol SendTask* operations plus `POST /tokens/{token}/success|failure|heartbeat`.
public final class CallbackServer: Sendable {
    private let server: RunningServer
    /// The port listened on (chosen by the system when 0 was asked).
    public var port: Int { server.port }
    /// The address listened on.
    public var host: String { server.host }

    private init(server: RunningServer) {
        self.server = server
    }

    /// Serves the task-token callbacks of `tokens` on `host:port` until stopped.
    public static func start(tokens: TaskTokenRegistry, host: String = "127.0.0.1", port: Int = 0) async throws -> CallbackServer {
        let router = StepFunctionsRoutes.callbackRouter(callbacks: TaskCallbacks(tokens: tokens))
        return CallbackServer(server: try await RunningServer.start(router: router, host: host, port: port))
    }

    /// Stops listening and waits for the server to end.
    public func stop() async {
        await server.stop()
    }
}
