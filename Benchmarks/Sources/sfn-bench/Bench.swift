import Foundation
import OrderedCollections
import SFNJSON
import SFNJSONata
import SFNLanguage
import SFNRuntime

/// `sfn-bench [--json] [--workflows DIR] [NAME...]`: measures the engine on fixed workloads and
/// prints one line per workload (rate and peak memory), or JSON for tools. `sfn-bench run` and
/// `sfn-bench limit` are in RunFile.swift.
@main
struct Bench {
    struct Measurement: Sendable {
        var name: String
        var rate: Double
        var unit: String
        var detail: String
        var peakMemoryKiB: Int
    }

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "run": return await RunFile.main(Array(arguments.dropFirst()))
        case "limit":
            let benchmarks = URL(fileURLWithPath: defaultWorkflowFolder()).deletingLastPathComponent().path
            return await RunFile.limit(Array(arguments.dropFirst()), folder: benchmarks)
        default: break
        }
        var asJSON = false
        var folder = defaultWorkflowFolder()
        var selected: [String] = []
        while !arguments.isEmpty {
            let argument = arguments.removeFirst()
            switch argument {
            case "--json": asJSON = true
            case "--workflows":
                guard !arguments.isEmpty else { fail("--workflows needs a folder") }
                folder = arguments.removeFirst()
            case "--help", "-h":
                print("usage: sfn-bench [--json] [--workflows DIR] [\(workloads.map(\.name).joined(separator: "|"))...]")
                print("       sfn-bench run FILE [--input F] [--runs N] [--history]")
                print("       sfn-bench limit [--history] [--rounds N]")
                return
            default: selected.append(argument)
            }
        }
        let chosen = selected.isEmpty ? workloads : workloads.filter { selected.contains($0.name) }
        if chosen.isEmpty { fail("unknown workload; choose from \(workloads.map(\.name).joined(separator: ", "))") }
        var results: [Measurement] = []
        for workload in chosen {
            do {
                let measurement = try await workload.run(folder)
                results.append(measurement)
                if !asJSON {
                    let rate = formatRate(measurement.rate)
                    print(
                        "\(measurement.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(rate) \(measurement.unit)   peak \(measurement.peakMemoryKiB / 1024) MiB   \(measurement.detail)"
                    )
                }
            } catch {
                fail("\(workload.name): \(error)")
            }
        }
        if asJSON {
            let json = JSON.array(
                results.map { m in
                    [
                        "name": .string(m.name), "rate": .double(m.rate), "unit": .string(m.unit), "detail": .string(m.detail),
                        "peakMemoryKiB": .int(m.peakMemoryKiB),
                    ]
                })
            print(json.prettyText)
        }
    }

    struct Workload: Sendable {
        var name: String
        var run: @Sendable (String) async throws -> Measurement
    }

    static let workloads: [Workload] = [
        Workload(name: "pass-chain", run: { try await passChain($0, history: false) }),
        Workload(name: "pass-chain-history", run: { try await passChain($0, history: true) }),
        Workload(name: "payload", run: PayloadScaling.run),
        Workload(name: "choice-loop", run: choiceLoop),
        Workload(name: "map-fanout", run: mapFanout),
        Workload(name: "map-scaling", run: mapScaling),
        Workload(name: "distributed-items", run: distributedItems),
        Workload(name: "parallel-wide", run: parallelWide),
        Workload(name: "templates", run: templates),
        Workload(name: "jsonata-template", run: jsonataTemplate),
        Workload(name: "json", run: jsonThroughput),
        Workload(name: "parked", run: parked),
        Workload(name: "startup", run: startup),
        Workload(name: "serve-start", run: serveStart),
        Workload(name: "serve-callback", run: serveCallback),
        Workload(name: "serve-durable", run: serveDurable),
    ]

    // MARK: Workloads

    static func passChain(_ folder: String, history: Bool) async throws -> Measurement {
        let runtime = try loadRuntime(folder, "pass-chain", history: history)
        let input = try loadInput(folder, "pass-chain")
        _ = await runtime.run(input: input)
        let runs = history ? 100 : 400
        let seconds = try await timed {
            for _ in 0..<runs {
                let result = await runtime.run(input: input)
                guard result.status == .succeeded else { throw BenchError("pass-chain ended \(result.status)") }
            }
        }
        let transitions = Double(runs * 1000)
        return Measurement(
            name: history ? "pass-chain-history" : "pass-chain", rate: transitions / seconds, unit: "transitions/s",
            detail: "\(runs) runs × 1,000 states, history \(history ? "on" : "off")", peakMemoryKiB: peakMemoryKiB())
    }

    static func choiceLoop(_ folder: String) async throws -> Measurement {
        let runtime = try loadRuntime(folder, "choice-loop", history: false)
        let input = try loadInput(folder, "choice-loop")
        var result: ExecutionResult?
        let seconds = try await timed { result = await runtime.run(input: input) }
        guard result?.output?["count"] == .int(10_000) else { throw BenchError("choice-loop gave \(String(describing: result))") }
        return Measurement(
            name: "choice-loop", rate: 20_000 / seconds, unit: "transitions/s",
            detail: "10,000 iterations in \(formatSeconds(seconds))", peakMemoryKiB: peakMemoryKiB())
    }

    static func mapFanout(_ folder: String) async throws -> Measurement {
        let runtime = try loadRuntime(folder, "map-fanout", history: false)
        let input: JSON = ["items": .array((0..<100_000).map { JSON.int($0) })]
        var result: ExecutionResult?
        let seconds = try await timed { result = await runtime.run(input: input) }
        guard result?.output?.arrayValue?.count == 100_000 else {
            throw BenchError("map-fanout gave \(String(describing: result?.status))")
        }
        return Measurement(
            name: "map-fanout", rate: 100_000 / seconds, unit: "items/s",
            detail: "100,000 items × 3 states in \(formatSeconds(seconds))", peakMemoryKiB: peakMemoryKiB())
    }

    /// The inline Map of map-fanout over 100,000 and 400,000 items, its iterations on one core
    /// (`spreadsInlineMaps` off) and spread over every core, in turns (3 rounds, medians): wall
    /// time and CPU over wall. Peak memory is measured in a fresh process per row (this program
    /// run again with SFN_BENCH_MAP=one|every:COUNT, which prints its peak after one run), since
    /// memory a process has freed stays in its resident set. The table goes to standard error;
    /// the figure is the spread rate at 100,000 items.
    static func mapScaling(_ folder: String) async throws -> Measurement {
        func once(_ count: Int, spread: Bool) async throws -> (wall: Double, cpu: Double) {
            let runtime = try loadRuntime(folder, "map-fanout", history: false) { $0.spreadsInlineMaps = spread }
            let input: JSON = ["items": .array((0..<count).map { JSON.int($0) })]
            let cpuBefore = cpuSeconds()
            var result: ExecutionResult?
            let seconds = try await timed { result = await runtime.run(input: input) }
            let cpu = cpuSeconds() - cpuBefore
            guard result?.output?.arrayValue?.count == count else {
                throw BenchError("map-scaling gave \(String(describing: result?.status))")
            }
            return (seconds, cpu)
        }
        if let only = ProcessInfo.processInfo.environment["SFN_BENCH_MAP"] {
            let parts = only.split(separator: ":")
            guard parts.count == 2, let count = Int(parts[1]) else { throw BenchError("SFN_BENCH_MAP=one|every:COUNT") }
            _ = try await once(count, spread: parts[0] == "every")
            print("peak \(peakMemoryKiB())")
            exit(0)
        }
        func peakInFreshProcess(_ count: Int, spread: Bool) throws -> Int {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["--workflows", folder, "map-scaling"]
            var environment = ProcessInfo.processInfo.environment
            environment["SFN_BENCH_MAP"] = "\(spread ? "every" : "one"):\(count)"
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("peak ") }), let kib = Int(line.dropFirst(5)) else {
                throw BenchError("map-scaling: no peak from the fresh process")
            }
            return kib
        }
        var spreadRate = 0.0
        func cell(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        var lines = [cell("items", 9) + cell("cores", 7) + cell("wall", 10) + cell("CPU/wall", 10) + "peak RSS (fresh process)"]
        for count in [100_000, 400_000] {
            var samples: [Bool: [(wall: Double, cpu: Double)]] = [false: [], true: []]
            for _ in 0..<3 {
                for spread in [false, true] { samples[spread]!.append(try await once(count, spread: spread)) }
            }
            for spread in [false, true] {
                let runs = samples[spread]!
                let wall = runs.map(\.wall).sorted()[1]
                let ratio = runs.map { $0.cpu / $0.wall }.sorted()[1]
                if spread && count == 100_000 { spreadRate = Double(count) / wall }
                let peak = try peakInFreshProcess(count, spread: spread)
                lines.append(
                    cell("\(count)", 9) + cell(spread ? "every" : "one", 7) + cell(formatSeconds(wall), 10)
                        + cell(String(format: "%.2f", ratio), 10) + "\(peak / 1024) MiB")
            }
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        return Measurement(
            name: "map-scaling", rate: spreadRate, unit: "items/s", detail: "100,000 items on every core (table on stderr)",
            peakMemoryKiB: peakMemoryKiB())
    }

    /// A Distributed Map over SFN_BENCH_ITEMS (default 1,000,000) JSON Lines read from a folder
    /// standing for S3, each child's result written to a ResultWriter file: items/s, peak
    /// memory (reset before it runs), and CPU time over wall time (2.0 is both cores busy).
    static func distributedItems(_ folder: String) async throws -> Measurement {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["SFN_BENCH_ITEMS"].flatMap { Int($0) } ?? 1_000_000
        // SFN_BENCH_FORMAT=json: one JSON array instead of JSON Lines (what moto can read, for compare-moto.py).
        let jsonArray = environment["SFN_BENCH_FORMAT"] == "json"
        let objectName = jsonArray ? "items.json" : "items.jsonl"
        let s3 = (NSTemporaryDirectory() as NSString).appendingPathComponent("sfn-bench-s3-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: s3) }
        try FileManager.default.createDirectory(atPath: s3 + "/bench-items", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: s3 + "/bench-results", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: s3 + "/bench-items/" + objectName, contents: nil)
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: s3 + "/bench-items/" + objectName))
        var text = jsonArray ? "[" : ""
        for index in 0..<count {
            if jsonArray && index > 0 { text += "," }
            text += "{\"id\": \(index), \"price\": \(index % 1000), \"tax\": 7, \"sku\": \"SKU-\(index)\"}"
            if !jsonArray { text += "\n" }
            if text.utf8.count > 1 << 20 {
                file.write(Data(text.utf8))
                text = ""
            }
        }
        if jsonArray { text += "]" }
        file.write(Data(text.utf8))
        try file.close()
        var runtime = try loadRuntime(folder, "distributed-items", history: false, objects: FolderObjectStore(root: s3))
        if jsonArray {
            guard
                case .object(var definition) = try JSON(
                    parsing: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/distributed-items.asl.json"))),
                case .object(var states)? = definition["States"], case .object(var fan)? = states["Fan"]
            else { throw BenchError("distributed-items.asl.json has no Fan state") }
            fan["ItemReader"] = [
                "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": ["InputType": "JSON"],
                "Parameters": ["Bucket": "bench-items", "Key": "items.json"],
            ]
            states["Fan"] = .object(fan)
            definition["States"] = .object(states)
            runtime = try StateMachineRuntime(
                definition: .object(definition), name: "distributed-items", configuration: runtime.configuration)
        }
        // The peak from here on, not the file's writing or earlier workloads.
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let cpuBefore = cpuSeconds()
        var result: ExecutionResult?
        let seconds = try await timed { result = await runtime.run() }
        let cpu = cpuSeconds() - cpuBefore
        guard result?.status == .succeeded, result?.output?["ResultWriterDetails"] != nil else {
            throw BenchError("distributed-items ended \(String(describing: result?.status)) \(result?.cause ?? "")")
        }
        return Measurement(
            name: "distributed-items", rate: Double(count) / seconds, unit: "items/s",
            detail: String(
                format: "%d items (%@) × 3 states in %.2f s wall, %.2f s CPU (%.2f cores), results to a ResultWriter file", count,
                jsonArray ? "JSON array" : "JSON Lines", seconds, cpu, cpu / seconds),
            peakMemoryKiB: peakMemoryKiB())
    }

    /// User and system CPU time of the process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func parallelWide(_ folder: String) async throws -> Measurement {
        let runtime = try loadRuntime(folder, "parallel-wide", history: false)
        let input = try loadInput(folder, "parallel-wide")
        let runs = 200
        let seconds = try await timed {
            for _ in 0..<runs {
                let result = await runtime.run(input: input)
                guard result.output?.arrayValue?.count == 50 else { throw BenchError("parallel-wide ended \(result.status)") }
            }
        }
        return Measurement(
            name: "parallel-wide", rate: Double(runs * 501) / seconds, unit: "transitions/s",
            detail: "\(runs) runs × 50 branches × 10 states", peakMemoryKiB: peakMemoryKiB())
    }

    static func templates(_ folder: String) async throws -> Measurement {
        let runtime = try loadRuntime(folder, "templates", history: false)
        let input = try loadInput(folder, "templates")
        let runs = 500
        let seconds = try await timed {
            for _ in 0..<runs {
                let result = await runtime.run(input: input)
                guard result.status == .succeeded else { throw BenchError("templates ended \(result.status): \(result.cause ?? "")") }
            }
        }
        // The template alone, without the state machinery around it.
        let template = try PayloadTemplate(
            compiling: try JSON(
                parsing:
                    #"{"id.$":"$.order.id","customer.$":"$.order.customer.name","first.$":"$.order.items[0].sku","label.$":"States.Format('order {} for {}', $.order.id, $.order.customer.name)"}"#
            ))
        let scope = ExpressionScope(input: input)
        let evaluations = 200_000
        var sink = 0
        let templateSeconds = try await timed {
            for _ in 0..<evaluations { sink &+= try template.evaluate(scope).objectValue?.count ?? 0 }
        }
        return Measurement(
            name: "templates", rate: Double(evaluations) / templateSeconds, unit: "evaluations/s",
            detail: "3 JSONPaths + States.Format; in states: \(formatRate(Double(runs * 100) / seconds)) states/s (sink \(sink % 7))",
            peakMemoryKiB: peakMemoryKiB())
    }

    /// The JSONata counterpart of `templates`: three field accesses and one function call, against
    /// the JSONPath template doing the same work.
    static func jsonataTemplate(_ folder: String) async throws -> Measurement {
        let input = try loadInput(folder, "templates")
        let sources = [
            "$states.input.order.id", "$states.input.order.customer.name", "$states.input.order.items[0].sku",
            "'order ' & $string($states.input.order.id) & ' for ' & $states.input.order.customer.name",
        ]
        let expressions = try sources.map { try JSONataExpression($0) }
        let keys = ["id", "customer", "first", "label"]
        let bindings: [String: JSON] = ["states": ["input": input]]
        let evaluations = 100_000
        var sink = 0
        let seconds = try await timed {
            for _ in 0..<evaluations {
                var members = JSONObject(minimumCapacity: 4)
                for (key, expression) in zip(keys, expressions) { members[key] = try expression.evaluate(input, bindings: bindings) }
                sink &+= members.count
            }
        }
        let template = try PayloadTemplate(
            compiling: try JSON(
                parsing:
                    #"{"id.$":"$.order.id","customer.$":"$.order.customer.name","first.$":"$.order.items[0].sku","label.$":"States.Format('order {} for {}', $.order.id, $.order.customer.name)"}"#
            ))
        let scope = ExpressionScope(input: input)
        let jsonPathSeconds = try await timed {
            for _ in 0..<evaluations { sink &+= try template.evaluate(scope).objectValue?.count ?? 0 }
        }
        let rate = Double(evaluations) / seconds
        return Measurement(
            name: "jsonata-template", rate: rate, unit: "evaluations/s",
            detail: String(
                format: "JSONPath equivalent %.0f/s, JSONata takes %.1fx as long (sink %d)", Double(evaluations) / jsonPathSeconds,
                seconds / jsonPathSeconds, sink % 7),
            peakMemoryKiB: peakMemoryKiB())
    }

    static func jsonThroughput(_ folder: String) async throws -> Measurement {
        var records: [JSON] = []
        var size = 0
        var index = 0
        while size < 1 << 20 {
            let record: JSON = [
                "id": .int(index), "name": .string("customer \(index) — ünïcode"), "score": .double(Double(index) * 1.25),
                "active": .bool(index % 2 == 0), "tags": ["a", "b", .string("tag\(index % 13)")],
                "address": ["city": "Paris", "zip": "75001"],
            ]
            size += record.compactByteCount + 1
            records.append(record)
            index += 1
        }
        let text = JSON.array(records).compactText
        let bytes = Double(text.utf8.count)
        let rounds = 20
        var parsed: JSON = .null
        let parseSeconds = try await timed { for _ in 0..<rounds { parsed = try JSON(parsing: text) } }
        var written = 0
        let writeSeconds = try await timed { for _ in 0..<rounds { written &+= parsed.compactText.utf8.count } }
        let megabytes = bytes * Double(rounds) / 1_048_576
        return Measurement(
            name: "json", rate: megabytes / parseSeconds, unit: "MB/s parse",
            detail: String(format: "%.1f MB/s serialize, %.2f MiB document", megabytes / writeSeconds, bytes / 1_048_576),
            peakMemoryKiB: peakMemoryKiB())
    }

    static func parked(_ folder: String) async throws -> Measurement {
        let count = Int(ProcessInfo.processInfo.environment["SFN_BENCH_PARKED"] ?? "") ?? 100_000
        let collector = TokenCollector()
        var configuration = RuntimeConfiguration()
        configuration.recordsHistory = false
        let resource = "arn:aws:states:::lambda:invoke.waitForTaskToken"
        configuration.executors.register(
            resource,
            ClosureExecutor { request in
                if let token = request.taskToken { collector.add(token) }
                return .null
            })
        let runtime = try StateMachineRuntime(
            definition: try JSON(
                parsing:
                    #"{"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"\#(resource)","Parameters":{"token.$":"$$.Task.Token"},"End":true}}}"#
            ),
            configuration: configuration)
        let before = currentMemoryKiB()

        var executions: [Execution] = []
        executions.reserveCapacity(count)
        let input: JSON = ["n": 1]
        for _ in 0..<count { executions.append(runtime.start(input: input)) }
        while collector.count < count || configuration.tokens.parkedCount < count { try await Task.sleep(nanoseconds: 20_000_000) }
        let parkedMemory = currentMemoryKiB() - before

        let tokens = collector.all
        let seconds = try await timed {
            for token in tokens { try configuration.tokens.complete(token, with: .success(["done": true])) }
            for execution in executions { _ = await execution.result() }
        }
        let perExecution = Double(parkedMemory) * 1024 / Double(count)
        return Measurement(
            name: "parked", rate: Double(count) / seconds, unit: "resumed/s",
            detail: String(format: "%.0f bytes per parked execution (%d parked)", perExecution, count), peakMemoryKiB: peakMemoryKiB())
    }

    static func startup(_ folder: String) async throws -> Measurement {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sfn").path
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw BenchError("no sfn executable beside sfn-bench") }
        let definition = folder + "/one-state.asl.json"
        var samples: [Double] = []
        for _ in 0..<20 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["run", definition, "--input-json", "{}"]
            process.standardOutput = FileHandle.nullDevice
            let started = Date()
            try process.run()
            process.waitUntilExit()
            samples.append(Date().timeIntervalSince(started))
        }
        samples.sort()
        let median = samples[samples.count / 2]
        return Measurement(
            name: "startup", rate: median * 1000, unit: "ms (median of 20 `sfn run`)",
            detail: String(format: "min %.1f ms, max %.1f ms", samples[0] * 1000, samples[samples.count - 1] * 1000),
            peakMemoryKiB: peakMemoryKiB())
    }

    // MARK: Support

    static func defaultWorkflowFolder() -> String {
        let local = "Benchmarks/workflows"
        if FileManager.default.fileExists(atPath: local) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("workflows").path
    }

    static func loadRuntime(
        _ folder: String, _ name: String, history: Bool, objects: (any ObjectStore)? = nil,
        configure: (inout RuntimeConfiguration) -> Void = { _ in }
    ) throws -> StateMachineRuntime {
        guard let data = FileManager.default.contents(atPath: "\(folder)/\(name).asl.json") else {
            throw BenchError("missing \(folder)/\(name).asl.json")
        }
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.recordsHistory = history
        configuration.maxHistoryEvents = Int.max
        configuration.maxPayloadBytes = Int.max
        configuration.objects = objects
        configure(&configuration)
        return try StateMachineRuntime(definition: try JSON(parsing: data), name: name, configuration: configuration)
    }

    static func loadInput(_ folder: String, _ name: String) throws -> JSON {
        guard let data = FileManager.default.contents(atPath: "\(folder)/\(name).input.json") else { return .emptyObject }
        return try JSON(parsing: data)
    }

    static func timed(_ body: () async throws -> Void) async throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func statusField(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    static func peakMemoryKiB() -> Int { statusField("VmHWM") }
    static func currentMemoryKiB() -> Int { statusField("VmRSS") }

    static func formatRate(_ value: Double) -> String {
        if value >= 1_000_000 { return String(format: "%.2fM", value / 1_000_000) }
        if value >= 1000 { return String(format: "%.1fk", value / 1000) }
        return String(format: "%.1f", value)
    }

    static func formatSeconds(_ value: Double) -> String { String(format: "%.3f s", value) }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("sfn-bench: " + message + "\n").utf8))
        exit(2)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

final class TokenCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String] = []

    func add(_ token: String) { lock.withLock { tokens.append(token) } }
    var count: Int { lock.withLock { tokens.count } }
    var all: [String] { lock.withLock { tokens } }
}
