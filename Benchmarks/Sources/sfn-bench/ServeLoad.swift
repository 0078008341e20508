import Foundation
import SFNJSON
import SFNRuntime
import SFNServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Load checks of `sfn serve` over loopback: the server runs in this process on a free
/// 127.0.0.1 port, and plain HTTP/1.1 keep-alive clients, each on a thread of its own, send it
/// AWS JSON 1.0 requests. Blocking sockets on dedicated threads keep the clients off Swift's
/// cooperative pool, which the executions themselves run on.
///
/// Measured figures (release build, 2 shared cores under load average ~5, 5,000 requests, 16 clients):
/// serve-start 11–16k executions started/s (p50 0.6–0.9 ms, p99 2.7–11 ms);
/// serve-callback 10–16k SendTaskSuccess round trips/s (p50 0.9–1.1 ms, p99 1.8–6.4 ms).
extension Bench {
    static let serveClients = 16
    /// A safety bound: a phase that has not finished by then fails the workload instead of hanging.
    static let servePhaseSeconds = 60.0

    static func serveStart(_ folder: String) async throws -> Measurement {
        let count = Int(ProcessInfo.processInfo.environment["SFN_BENCH_SERVE_STARTS"] ?? "") ?? 5_000
        var configuration = RuntimeConfiguration()
        // As `sfn serve` runs them.
        configuration.recordsHistory = true
        let service = StepFunctionsService(configuration: configuration)
        let machineArn = try service.register(
            name: "serve-load-pass", definition: try JSON(parsing: #"{"StartAt":"Pass","States":{"Pass":{"Type":"Pass","End":true}}}"#))
        let server = try await RunningServer.start(router: StepFunctionsRoutes.router(service: service), host: "127.0.0.1", port: 0)
        do {
            // One unmeasured request per client first, so connection set-up and first-use costs stay out of the figures.
            let warmUp = (0..<serveClients).map { ServeRequest.startExecution(machineArn: machineArn, input: ["warmUp": .int($0)]) }
            _ = try await ServeLoad.send(warmUp, clients: serveClients, port: server.port)
            let starts = (0..<count).map { index in
                ServeRequest.startExecution(machineArn: machineArn, input: ["n": .int(index)])
            }
            let load = try await ServeLoad.send(starts, clients: serveClients, port: server.port)
            let arns = try load.responses.map { response in
                guard let arn = response["executionArn"]?.stringValue else {
                    throw BenchError("StartExecution answered \(response.compactText)")
                }
                return arn
            }
            try await ServeLoad.expectSucceeded(arns, service: service)
            await server.stop()
            return Measurement(
                name: "serve-start", rate: Double(load.responses.count) / load.seconds, unit: "executions started/s",
                detail: "\(load.responses.count) StartExecution by \(serveClients) clients, \(load.latencySummary), all SUCCEEDED",
                peakMemoryKiB: peakMemoryKiB())
        } catch {
            await server.stop()
            throw error
        }
    }

    static func serveCallback(_ folder: String) async throws -> Measurement {
        let count = Int(ProcessInfo.processInfo.environment["SFN_BENCH_SERVE_CALLBACKS"] ?? "") ?? 5_000
        let collector = TokenCollector()
        var configuration = RuntimeConfiguration()
        configuration.recordsHistory = true
        let resource = "arn:aws:states:::lambda:invoke.waitForTaskToken"
        configuration.executors.register(
            resource,
            ClosureExecutor { request in
                if let token = request.taskToken { collector.add(token) }
                return .null
            })
        let service = StepFunctionsService(configuration: configuration)
        let machineArn = try service.register(
            name: "serve-load-callback",
            definition: try JSON(
                parsing:
                    #"{"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"\#(resource)","Parameters":{"token.$":"$$.Task.Token"},"End":true}}}"#
            ))
        let server = try await RunningServer.start(router: StepFunctionsRoutes.router(service: service), host: "127.0.0.1", port: 0)
        do {
            let starts = (0..<count).map { index in
                ServeRequest.startExecution(machineArn: machineArn, input: ["n": .int(index)])
            }
            let started = try await ServeLoad.send(starts, clients: serveClients, port: server.port)
            let arns = try started.responses.map { response in
                guard let arn = response["executionArn"]?.stringValue else {
                    throw BenchError("StartExecution answered \(response.compactText)")
                }
                return arn
            }
            let parkingDeadline = Date().addingTimeInterval(servePhaseSeconds)
            while collector.count < count || configuration.tokens.parkedCount < count {
                guard Date() < parkingDeadline else {
                    throw BenchError("only \(collector.count) of \(count) executions reached their callback task")
                }
                try await Task.sleep(nanoseconds: 5_000_000)
            }

            let output: JSON = ["approved": true]
            let callbacks = collector.all.map { ServeRequest.sendTaskSuccess(token: $0, output: output) }
            let load = try await ServeLoad.send(callbacks, clients: serveClients, port: server.port)
            for response in load.responses where response != .emptyObject {
                throw BenchError("SendTaskSuccess answered \(response.compactText)")
            }
            let settled = try await timed { try await ServeLoad.expectSucceeded(arns, service: service, output: output) }
            await server.stop()
            return Measurement(
                name: "serve-callback", rate: Double(load.responses.count) / load.seconds, unit: "callbacks/s",
                detail: "\(count) SendTaskSuccess by \(serveClients) clients, \(load.latencySummary), all SUCCEEDED "
                    + String(format: "(%.0f ms after the last); starts %@/s", settled * 1000, formatRate(Double(count) / started.seconds)),
                peakMemoryKiB: peakMemoryKiB())
        } catch {
            await server.stop()
            throw error
        }
    }
}

/// One AWS JSON 1.0 request, already encoded.
struct ServeRequest: Sendable {
    var operation: String
    var body: String

    static func startExecution(machineArn: String, input: JSON) -> ServeRequest {
        let body: JSON = ["stateMachineArn": .string(machineArn), "input": .string(input.compactText)]
        return ServeRequest(operation: "StartExecution", body: body.compactText)
    }

    static func sendTaskSuccess(token: String, output: JSON) -> ServeRequest {
        let body: JSON = ["taskToken": .string(token), "output": .string(output.compactText)]
        return ServeRequest(operation: "SendTaskSuccess", body: body.compactText)
    }

    func http(port: Int) -> [UInt8] {
        let bodyBytes = Array(body.utf8)
        let head =
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            + "X-Amz-Target: \(StepFunctionsRoutes.targetPrefix)\(operation)\r\n"
            + "Content-Type: \(StepFunctionsRoutes.contentType)\r\nContent-Length: \(bodyBytes.count)\r\n\r\n"
        return Array(head.utf8) + bodyBytes
    }
}

enum ServeLoad {
    struct Run {
        /// Parsed response bodies, in request order.
        var responses: [JSON]
        /// Seconds per request as each client saw it, sorted.
        var latencies: [Double]
        /// Wall time from the first request sent to the last response read.
        var seconds: Double

        func percentile(_ fraction: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int(Double(latencies.count) * fraction))]
        }

        var latencySummary: String {
            String(format: "p50 %.2f ms, p99 %.2f ms", percentile(0.5) * 1000, percentile(0.99) * 1000)
        }
    }

    /// Sends `requests` over `clients` keep-alive connections (client `c` takes every
    /// `clients`-th request from `c`) and fails on any non-200 answer.
    static func send(_ requests: [ServeRequest], clients: Int, port: Int) async throws -> Run {
        let clients = max(1, min(clients, requests.count))
        let deadline = Date().addingTimeInterval(Bench.servePhaseSeconds)
        let results = ClientResults(clients: clients)
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for client in 0..<clients {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                results.store(client, Result { try runClient(client, of: clients, requests: requests, port: port, deadline: deadline) })
            }
            thread.start()
        }
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            group.notify(queue: .global()) { finished.resume() }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        var texts = [String](repeating: "", count: requests.count)
        var latencies: [Double] = []
        latencies.reserveCapacity(requests.count)
        for (client, outcome) in results.all.enumerated() {
            guard let outcome else { throw BenchError("client \(client) did not report") }
            let answers = try outcome.get()
            for (offset, answer) in answers.enumerated() {
                texts[client + offset * clients] = answer.body
                latencies.append(answer.seconds)
            }
        }
        latencies.sort()
        let responses = try texts.map { try JSON(parsing: $0) }
        return Run(responses: responses, latencies: latencies, seconds: seconds)
    }

    private static func runClient(
        _ client: Int, of clients: Int, requests: [ServeRequest], port: Int, deadline: Date
    ) throws -> [(body: String, seconds: Double)] {
        let connection = try LoopbackConnection(port: port)
        var answers: [(body: String, seconds: Double)] = []
        answers.reserveCapacity(requests.count / clients + 1)
        for index in stride(from: client, to: requests.count, by: clients) {
            guard Date() < deadline else {
                throw BenchError("the server did not answer \(requests.count) requests within \(Int(Bench.servePhaseSeconds)) s")
            }
            let sent = DispatchTime.now().uptimeNanoseconds
            let response = try connection.exchange(requests[index].http(port: port))
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9
            guard response.status == 200 else {
                throw BenchError("\(requests[index].operation) answered HTTP \(response.status): \(response.body)")
            }
            answers.append((response.body, seconds))
        }
        return answers
    }

    /// Waits (bounded) for every execution to end, then checks each SUCCEEDED (with `output`, if given).
    static func expectSucceeded(_ arns: [String], service: StepFunctionsService, output: JSON? = nil) async throws {
        let deadline = Date().addingTimeInterval(Bench.servePhaseSeconds)
        for arn in arns {
            while true {
                let description = try await service.handle("DescribeExecution", ["executionArn": .string(arn)])
                let status = description["status"]?.stringValue ?? ""
                if status == "RUNNING" {
                    guard Date() < deadline else { throw BenchError("\(arn) still RUNNING after \(Int(Bench.servePhaseSeconds)) s") }
                    try await Task.sleep(nanoseconds: 1_000_000)
                    continue
                }
                guard status == "SUCCEEDED" else { throw BenchError("\(arn) ended \(description.compactText)") }
                if let output {
                    let text = description["output"]?.stringValue ?? ""
                    guard (try? JSON(parsing: text)) == output else {
                        throw BenchError("\(arn) output \(text), expected \(output.compactText)")
                    }
                }
                break
            }
        }
    }
}

/// Per-client outcomes, written by the client threads.
private final class ClientResults: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Result<[(body: String, seconds: Double)], any Error>?]

    init(clients: Int) { outcomes = Array(repeating: nil, count: clients) }

    func store(_ client: Int, _ outcome: Result<[(body: String, seconds: Double)], any Error>) {
        lock.withLock { outcomes[client] = outcome }
    }
    var all: [Result<[(body: String, seconds: Double)], any Error>?] { lock.withLock { outcomes } }
}

/// A blocking HTTP/1.1 keep-alive connection to 127.0.0.1, used by one thread at a time.
/// Responses must carry Content-Length (the server always sets it).
final class LoopbackConnection {
    private let descriptor: Int32
    private var pending: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(port: Int) throws {
        #if canImport(Glibc)
        let stream = Int32(SOCK_STREAM.rawValue)
        #else
        let stream = SOCK_STREAM
        #endif
        descriptor = socket(AF_INET, stream, 0)
        guard descriptor >= 0 else { throw BenchError("socket() failed: errno \(errno)") }
        var enabled: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enabled, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &enabled, socklen_t(MemoryLayout<Int32>.size))
        #endif
        // A stuck server fails the workload instead of hanging it.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(descriptor)
            throw BenchError("cannot connect to 127.0.0.1:\(port): errno \(code)")
        }
    }

    deinit { close(descriptor) }

    /// Writes one request and reads its response.
    func exchange(_ request: [UInt8]) throws -> (status: Int, body: String) {
        try write(request)
        let headerEnd = try readUntilHeaderEnd()
        let head = String(decoding: pending[0..<headerEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw BenchError("malformed response head: \(head)")
        }
        var length: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == "content-length" {
                length = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
        }
        guard let length else { throw BenchError("response without Content-Length: \(head)") }
        let bodyStart = headerEnd + 4
        while pending.count < bodyStart + length { try fill() }
        let body = String(decoding: pending[bodyStart..<(bodyStart + length)], as: UTF8.self)
        pending.removeFirst(bodyStart + length)
        return (status, body)
    }

    private func write(_ bytes: [UInt8]) throws {
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset, flags)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw BenchError("send failed: errno \(errno)") }
            offset += written
        }
    }

    /// The index of the blank line ending the response head.
    private func readUntilHeaderEnd() throws -> Int {
        var searchFrom = 0
        while true {
            if pending.count >= 4 {
                for index in searchFrom...(pending.count - 4)
                where pending[index] == 13 && pending[index + 1] == 10 && pending[index + 2] == 13 && pending[index + 3] == 10 {
                    return index
                }
                searchFrom = pending.count - 3
            }
            try fill()
        }
    }

    private func fill() throws {
        let received = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if received < 0 && errno == EINTR { return }
        guard received > 0 else {
            throw BenchError(received == 0 ? "the server closed the connection" : "recv failed: errno \(errno)")
        }
        pending.append(contentsOf: chunk[0..<received])
    }
}
