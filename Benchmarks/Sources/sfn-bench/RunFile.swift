import Foundation
import SFNJSON
import SFNLanguage
import SFNRuntime

/// `sfn-bench run FILE [--input F] [--runs N] [--history]`: runs any workflow (JSON, YAML or a
/// template, as `sfn run` loads them) N times on virtual time and prints the median run; its
/// last line is `<number> ns per transition`.
///
/// `sfn-bench limit [--history] [--rounds N]`: the Pass chain against the bare-C limit
/// (`Benchmarks/limit/pass-chain-limit.c`, built with cc and jansson), in turns in the same
/// minute, and the ratio of their medians. Both run the same chain: 1,000 Pass states, every
/// other one setting `$.last` (``PayloadScaling/definition(states:)``).
enum RunFile {
    struct Options {
        var file = ""
        var inputFile: String?
        var runs = 20
        var history = false
    }

    struct Timing {
        /// States entered per run.
        var transitions: Int
        /// Each run's wall time, in nanoseconds, sorted.
        var runNanoseconds: [Double]
        var median: Double { runNanoseconds[runNanoseconds.count / 2] }
        var nanosecondsPerTransition: Double { median / Double(max(1, transitions)) }
    }

    static func main(_ arguments: [String]) async {
        var options = Options()
        var rest = arguments
        while !rest.isEmpty {
            let argument = rest.removeFirst()
            switch argument {
            case "--input": options.inputFile = value(after: argument, &rest)
            case "--runs":
                guard let runs = Int(value(after: argument, &rest)), runs > 0 else { Bench.fail("--runs needs a positive count") }
                options.runs = runs
            case "--history": options.history = true
            default:
                guard options.file.isEmpty, !argument.hasPrefix("-") else { Bench.fail("unexpected argument \(argument)") }
                options.file = argument
            }
        }
        guard !options.file.isEmpty else { Bench.fail("usage: sfn-bench run FILE [--input F] [--runs N] [--history]") }
        do {
            let timing = try await measure(options)
            let samples = timing.runNanoseconds
            print("\(options.file): \(options.runs) runs × \(timing.transitions) transitions, history \(options.history ? "on" : "off")")
            print(
                String(
                    format: "run: median %.3f ms, fastest %.3f ms, slowest %.3f ms; peak %d MiB", timing.median / 1e6,
                    samples[0] / 1e6, samples[samples.count - 1] / 1e6, Bench.peakMemoryKiB() / 1024))
            print(String(format: "%.1f ns per transition", timing.nanosecondsPerTransition))
        } catch {
            Bench.fail("\(error)")
        }
    }

    static func measure(_ options: Options) async throws -> Timing {
        let loaded: LoadedDefinition
        do { loaded = try DefinitionLoader.load(contentsOf: options.file) } catch { throw BenchError("\(error)") }
        var input = JSON.emptyObject
        if let inputFile = options.inputFile {
            guard let data = FileManager.default.contents(atPath: inputFile) else { throw BenchError("cannot read \(inputFile)") }
            input = try JSON(parsing: data)
        }
        return try await measure(definition: loaded.definition, input: input, runs: options.runs, history: options.history)
    }

    /// Times `runs` executions of `definition` (after one untimed run, which also counts the
    /// states it enters).
    static func measure(definition: JSON, input: JSON, runs: Int, history: Bool) async throws -> Timing {
        let counting = try runtime(definition, history: true)
        let first = counting.start(input: input)
        let result = await first.result()
        guard result.status == .succeeded else {
            throw BenchError("the workflow ended \(result.status.rawValue): \(result.error ?? "") \(result.cause ?? "")")
        }
        let transitions = first.history.filter { $0.type.hasSuffix("StateEntered") }.count
        let timed = try runtime(definition, history: history)
        var samples: [Double] = []
        samples.reserveCapacity(runs)
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            let outcome = await timed.run(input: input)
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start))
            guard outcome.status == .succeeded else { throw BenchError("a timed run ended \(outcome.status.rawValue)") }
        }
        samples.sort()
        return Timing(transitions: transitions, runNanoseconds: samples)
    }

    static func runtime(_ definition: JSON, history: Bool) throws -> StateMachineRuntime {
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.recordsHistory = history
        configuration.maxHistoryEvents = Int.max
        return try StateMachineRuntime(definition: definition, name: "bench", configuration: configuration)
    }

    static func value(after option: String, _ rest: inout [String]) -> String {
        guard !rest.isEmpty else { Bench.fail("\(option) needs a value") }
        return rest.removeFirst()
    }

    // MARK: The bare-C limit

    static func limit(_ arguments: [String], folder: String) async {
        var history = false
        var rounds = 5
        var rest = arguments
        while !rest.isEmpty {
            let argument = rest.removeFirst()
            switch argument {
            case "--history": history = true
            case "--rounds":
                guard let count = Int(value(after: argument, &rest)), count > 0 else { Bench.fail("--rounds needs a positive count") }
                rounds = count
            default: Bench.fail("unexpected argument \(argument)")
            }
        }
        do {
            let program = try buildLimit(folder: folder)
            defer { try? FileManager.default.removeItem(atPath: program) }
            // The chain the C program runs: 1,000 states, every other one sets `$.last` to a
            // one-field object, on the same three-field input. (Until 2026-12-03 this ran the
            // `pass-chain` workflow, whose states change nothing: a cheaper chain than the C one.)
            let definition = PayloadScaling.definition(states: 1000)
            let input: JSON = ["id": "bench", "n": 1, "tags": ["a", "b"]]
            var limits: [Double] = []
            var engine: [Double] = []
            for round in 1...rounds {
                let c = try runLimit(program)
                let sfn = try await measure(definition: definition, input: input, runs: history ? 100 : 400, history: history)
                limits.append(c)
                engine.append(sfn.nanosecondsPerTransition)
                print(
                    String(
                        format: "round %d: C %.2f ns, sfn %.1f ns per transition (%.1f×)", round, c, sfn.nanosecondsPerTransition,
                        sfn.nanosecondsPerTransition / c))
            }
            limits.sort()
            engine.sort()
            let ratio = engine[engine.count / 2] / limits[limits.count / 2]
            print(
                String(
                    format: "pass chain, history %@: sfn %.1f ns against C %.2f ns per transition (medians of %d rounds)",
                    history ? "on" : "off", engine[engine.count / 2], limits[limits.count / 2], rounds))
            print(String(format: "%.1f× the C limit", ratio))
        } catch {
            Bench.fail("\(error)")
        }
    }

    /// Compiles the C limit into a temporary file and returns its path.
    static func buildLimit(folder: String) throws -> String {
        let source = folder + "/limit/pass-chain-limit.c"
        guard FileManager.default.fileExists(atPath: source) else { throw BenchError("missing \(source)") }
        let output = NSTemporaryDirectory() + "sfn-pass-chain-limit-\(getpid())"
        // $CC, else cc, clang or gcc, whichever is found first.
        let script =
            #"compiler=${CC:-$(command -v cc || command -v clang || command -v gcc)}; "#
            + #""$compiler" -O2 -o "$1" "$2" $(pkg-config --cflags --libs jansson)"#
        let status = try shell(["sh", "-c", script, "sh", output, source])
        guard status.code == 0 else {
            throw BenchError("building the C limit failed (are a C compiler and libjansson-dev installed?): \(status.text)")
        }
        return output
    }

    /// Runs the C limit and reads its `<number> ns per transition` line.
    static func runLimit(_ program: String) throws -> Double {
        let outcome = try shell([program])
        guard outcome.code == 0,
            let line = outcome.text.split(separator: "\n").last(where: { $0.hasSuffix("ns per transition") }),
            let number = Double(line.split(separator: " ")[0])
        else { throw BenchError("the C limit failed: \(outcome.text)") }
        return number
    }

    static func shell(_ command: [String]) throws -> (code: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The `payload` workload: a 100-state Pass chain (every other state sets `$.last`) carrying a
/// small, a 64 KB and a 250 KB input, history off and on. What a state costs should not depend
/// on what it carries but does not touch.
enum PayloadScaling {
    static let sizes: [(name: String, bytes: Int)] = [("small", 0), ("64 KB", 64_000), ("250 KB", 250_000)]

    static func definition(states: Int) -> JSON {
        var members: JSONObject = [:]
        for index in 0..<states {
            var state: JSONObject = ["Type": "Pass"]
            if index % 2 == 1 {
                state["Result"] = ["step": .int(index)]
                state["ResultPath"] = "$.last"
            }
            if index + 1 < states { state["Next"] = .string("S\(index + 1)") } else { state["End"] = true }
            members["S\(index)"] = .object(state)
        }
        return ["StartAt": "S0", "States": .object(members)]
    }

    /// `{"id", "n", "records": [...]}` whose compact text is about `bytes` long.
    static func input(bytes: Int) -> JSON {
        var records: [JSON] = []
        var length = 40
        while length < bytes {
            let record: JSON = [
                "sku": .string("item-\(records.count)"), "quantity": .int(records.count % 7), "price": .double(9.5),
                "note": "a few words of text",
            ]
            length += record.compactText.utf8.count + 1
            records.append(record)
        }
        return ["id": "bench", "n": 1, "records": .array(records)]
    }

    static func run(_ folder: String) async throws -> Bench.Measurement {
        let short = definition(states: 100)
        let long = definition(states: 1000)
        var rows: [String] = []
        var worst = 1.0
        for history in [false, true] {
            var small: (whole: Double, marginal: Double)?
            for size in sizes {
                let input = input(bytes: size.bytes)
                let runs = history ? 200 : 500
                let hundred = try await RunFile.measure(definition: short, input: input, runs: runs, history: history)
                let thousand = try await RunFile.measure(definition: long, input: input, runs: runs / 5, history: history)
                // What one more state costs: the 1,000-state run less the 100-state one, over 900.
                let marginal = (thousand.median - hundred.median) / Double(thousand.transitions - hundred.transitions)
                let whole = hundred.nanosecondsPerTransition
                if small == nil { small = (whole, marginal) }
                let ratio = whole / small!.whole
                worst = max(worst, ratio)
                rows.append(
                    String(
                        format: "  %@ input (%d bytes), history %@: %.1f ns per transition over 100 states (%.2f× the small input); "
                            + "%.1f ns per added state (%.2f×)", size.name, input.compactText.utf8.count, history ? "on" : "off", whole,
                        ratio, marginal, marginal / small!.marginal))
            }
        }
        for row in rows { print(row) }
        return Bench.Measurement(
            name: "payload", rate: worst, unit: "× (largest cost over the small input's, 100 states)",
            detail: "Pass chains of 100 and 1,000 states; see the lines above", peakMemoryKiB: Bench.peakMemoryKiB())
    }
}
