import Foundation
import SFNJSON
import SFNRuntime
import SFNServer
import SFNStoreSQLite

/// `sfn serve --data-dir` against in-memory, in one run: the same StartExecution load (16
/// keep-alive clients over loopback) on a server without a store and on one writing through an
/// SQLite store in a temporary folder, for short executions (1 Pass state) and for a 20-state
/// chain (transitions/s, from start to every execution recorded as ended). The durable server
/// answers StartExecution only once the execution's record is committed.
extension Bench {
    static func serveDurable(_ folder: String) async throws -> Measurement {
        let count = Int(ProcessInfo.processInfo.environment["SFN_BENCH_SERVE_STARTS"] ?? "") ?? 5_000
        let short = #"{"StartAt":"Pass","States":{"Pass":{"Type":"Pass","End":true}}}"#
        var chain: [String] = []
        for index in 0..<20 {
            let next = index == 19 ? #""End":true"# : #""Next":"S\#(index + 1)""#
            chain.append(#""S\#(index)":{"Type":"Pass",\#(next)}"#)
        }
        let long = #"{"StartAt":"S0","States":{\#(chain.joined(separator: ","))}}"#
        var rates: [String: Double] = [:]
        for durable in [false, true] {
            for (name, definition, states) in [("short", short, 1), ("chain", long, 20)] {
                let data = NSTemporaryDirectory() + "sfn-bench-durable-\(UUID().uuidString)"
                defer { try? FileManager.default.removeItem(atPath: data) }
                var configuration = RuntimeConfiguration()
                configuration.recordsHistory = true
                let service =
                    durable
                    ? try StepFunctionsService(configuration: configuration, store: SQLiteStore(folder: data))
                    : StepFunctionsService(configuration: configuration)
                let machineArn = try service.register(name: "durable-\(name)", definition: try JSON(parsing: definition))
                let server = try await RunningServer.start(router: StepFunctionsRoutes.router(service: service), host: "127.0.0.1", port: 0)
                do {
                    let warmUp = (0..<serveClients).map { ServeRequest.startExecution(machineArn: machineArn, input: ["warmUp": .int($0)]) }
                    _ = try await ServeLoad.send(warmUp, clients: serveClients, port: server.port)
                    let started = Date()
                    let load = try await ServeLoad.send(
                        (0..<count).map { ServeRequest.startExecution(machineArn: machineArn, input: ["n": .int($0)]) },
                        clients: serveClients, port: server.port)
                    let arns = load.responses.compactMap { $0["executionArn"]?.stringValue }
                    guard arns.count == count else { throw BenchError("\(count - arns.count) StartExecution failed") }
                    try await ServeLoad.expectSucceeded(arns, service: service)
                    let whole = Date().timeIntervalSince(started)
                    let kind = durable ? "durable" : "memory"
                    rates["\(kind)-\(name)-starts"] = Double(count) / load.seconds
                    rates["\(kind)-\(name)-transitions"] = Double(count * (states + 1)) / whole
                    await server.stop()
                    service.closeStore()
                } catch {
                    await server.stop()
                    throw error
                }
            }
        }
        func rate(_ key: String) -> String { formatRate(rates[key] ?? 0) }
        let ratio = (rates["memory-short-starts"] ?? 0) / max(rates["durable-short-starts"] ?? 1, 1)
        return Measurement(
            name: "serve-durable", rate: rates["durable-short-starts"] ?? 0, unit: "executions started/s with --data-dir",
            detail:
                "in memory \(rate("memory-short-starts"))/s (\(String(format: "%.2f", ratio))× the durable rate); 20-state chain: \(rate("durable-chain-transitions")) transitions/s durable, \(rate("memory-chain-transitions")) in memory; \(count) StartExecution by \(serveClients) clients each",
            peakMemoryKiB: peakMemoryKiB())
    }
}
