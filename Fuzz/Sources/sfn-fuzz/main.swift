// sfn-fuzz: a deterministic mutation fuzzer for everything in sfn that reads user input.
//
//   sfn-fuzz TARGET [--seconds N] [--cases N] [--seed N] [--from INDEX] [--corpus DIR]...
//
// Targets: json (bytes), definition (mutated definitions, validated and then run under virtual
// time), expression (generated JSONPath, intrinsics, JSONata and choice rules, run in states),
// yaml (mutated templates and YAML definitions), api (operations with mutated bodies), all.
//
// Case `i` of a run with seed `s` is generated from (s, i) alone, so any case can be replayed
// with `--seed s --from i --cases 1`. A crash kills the process (the last case index it printed
// names the range); a case running past its time budget, or memory past its budget, stops the
// run with the target, seed and index, and exit status 3.

import Foundation
import SFNGraph
import SFNJSON
import SFNJSONata
import SFNLanguage
import SFNRuntime
import SFNServer
import SFNTestSupport
import Synchronization

// MARK: Options

struct Options {
    var target = "all"
    var seconds: Double?
    var cases: Int?
    var seed: UInt64 = 1
    var from = 0
    var corpus: [String] = []
    var caseBudgetSeconds = 10.0
    var memoryBudgetBytes = 2 << 30

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        if let first = rest.first, !first.hasPrefix("--") {
            target = first
            rest = rest.dropFirst()
        }
        while let flag = rest.popFirst() {
            let value = rest.popFirst() ?? ""
            switch flag {
            case "--seconds": seconds = Double(value)
            case "--cases": cases = Int(value)
            case "--seed": seed = UInt64(value) ?? 1
            case "--from": from = Int(value) ?? 0
            case "--corpus": corpus.append(value)
            case "--case-seconds": caseBudgetSeconds = Double(value) ?? caseBudgetSeconds
            default:
                FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
                exit(2)
            }
        }
        if seconds == nil && cases == nil { seconds = 10 }
    }
}

// MARK: Randomness

/// The generator for one case: seeded from the run's seed and the case index alone.
struct CaseRandom: RandomNumberGenerator {
    private var generator: SeededGenerator

    init(seed: UInt64, index: Int) {
        var mixer = SeededGenerator(state: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: index))
        generator = SeededGenerator(state: mixer.next() ^ UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)
    }

    mutating func next() -> UInt64 { generator.next() }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}

// MARK: Vocabulary

enum Vocabulary {
    static let fields = [
        "Type", "Next", "End", "Resource", "Parameters", "Arguments", "Output", "Assign", "InputPath", "OutputPath",
        "ResultPath", "ResultSelector", "Result", "ItemsPath", "Items", "ItemSelector", "ItemProcessor", "Iterator",
        "ItemReader", "ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount",
        "ToleratedFailurePercentagePath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Choices", "Default",
        "Condition", "Variable", "Branches", "Retry", "Catch", "ErrorEquals", "IntervalSeconds", "MaxAttempts",
        "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
        "Error", "Cause", "ErrorPath", "CausePath", "QueryLanguage", "StartAt", "States", "Label", "ProcessorConfig",
        "Mode", "ExecutionType", "StringEquals", "NumericGreaterThan", "BooleanEquals", "IsPresent", "And", "Or", "Not",
        "StringMatches", "TimestampLessThanPath", "Comment",
    ]

    static let strings = [
        "", "$", "$$", "$.a", "$.a.b[0]", "$[*]", "$..x", "$.a[-1:]", "$[?(@.n > 1)]", "$$.Execution.Id", "$$.Map.Item.Value",
        "{% $states.input %}", "{% %}", "{% $x %}", "{%", "%}", "States.Format('{} {}', $.a, $.b)", "States.ArrayRange(1, 9000000000, 1)",
        "States.MathRandom(1e300, 2)", "States.StringToJson($.s)", "Pass", "Task", "Choice", "Wait", "Map", "Parallel", "Succeed",
        "Fail", "JSONata", "JSONPath", "DISTRIBUTED", "INLINE", "EXPRESS", "States.ALL", "States.Runtime", "States.TaskFailed",
        "arn:aws:states:::lambda:invoke", "arn:aws:states:::lambda:invoke.waitForTaskToken", "arn:aws:states:::states:startExecution.sync",
        "arn:aws:lambda:us-east-1:111111111111:function:f", "arn:aws:states:us-east-1:111111111111:activity:a", "2024-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "\u{0}", "\r\n", "\u{1F600}", String(repeating: "a", count: 300), "a*b", "\\", "\"", "FULL",
    ]

    static let numbers: [JSON] = [
        0, 1, -1, 2, 255, .int(Int(Int32.max)), .int(Int(Int32.max) + 1), .int(Int.max), .int(Int.min), .double(1.5), .double(-0.5),
        .double(1e300), .double(-1e300), .double(9.007199254740993e15), 99_999_999, 100_000_000,
    ]

    static let jsonPathSteps = [
        ".a", ".b", "['c']", "[0]", "[1]", "[-1]", "[-9000000000000000000:2]", "[1:3]", "[::2]", "[*]", "..a", "[?(@.n > 1)]",
        "[?(@.s == 'x')]", ".length()", "[0,1]", "['a','b']", "[?(@)]", ".*",
    ]

    static let intrinsics = [
        "States.Format", "States.StringToJson", "States.JsonToString", "States.Array", "States.ArrayPartition", "States.ArrayContains",
        "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength", "States.ArrayUnique", "States.Base64Encode",
        "States.Base64Decode", "States.Hash", "States.JsonMerge", "States.MathRandom", "States.MathAdd", "States.StringSplit",
        "States.UUID",
    ]

    static let jsonataTokens = [
        "$", "$states.input", "$states.context", "$x", "1", "2.5", "1e308", "\"s\"", "'t'", "true", "null", "[1..10]", "[1..10000000]",
        "+", "-", "*", "/", "%", "&", "=", "!=", "<", "and", "or", "in", "?", ":", ";", "(", ")", "[", "]", "{", "}", ",", ".", "**",
        "~>", "$map(", "$reduce(", "$filter(", "$string(", "$number(", "$length(", "$substring(", "$split(", "$join(", "$match(",
        "$replace(", "$contains(", "$pad(", "$sum(", "$count(", "$sort(", "$keys(", "$merge(", "$now()", "$random()", "$uuid()",
        "$partition(", "$range(", "$hash(", "$parse(", "function($a){", "function($a, $b){", "$a", "$b", "/(a+)+$/", "/[a-z]+/i",
        "$x := ", "$eval(", "$formatNumber(", "$toMillis(", "$fromMillis(", "#$i", "@$v", "^($)", "|$|{'a':1}|",
    ]
}

// MARK: Generation and mutation

extension CaseRandom {
    mutating func scalar() -> JSON {
        switch Int.random(in: 0..<5, using: &self) {
        case 0: return .string(pick(Vocabulary.strings))
        case 1: return pick(Vocabulary.numbers)
        case 2: return .bool(chance(50))
        case 3: return .null
        default: return .string(pick(Vocabulary.fields))
        }
    }

    mutating func value(depth: Int = 0) -> JSON {
        if depth > 3 || chance(60) { return scalar() }
        if chance(50) {
            return .array((0..<Int.random(in: 0...3, using: &self)).map { _ in value(depth: depth + 1) })
        }
        var members: JSONObject = [:]
        for _ in 0..<Int.random(in: 0...3, using: &self) { members[pick(Vocabulary.fields)] = value(depth: depth + 1) }
        return .object(members)
    }

    mutating func jsonPath() -> String {
        var text = chance(15) ? "$$" : "$"
        for _ in 0..<Int.random(in: 0...4, using: &self) { text += pick(Vocabulary.jsonPathSteps) }
        return text
    }

    mutating func intrinsic(depth: Int = 0) -> String {
        let arguments = (0..<Int.random(in: 0...3, using: &self)).map { _ -> String in
            switch Int.random(in: 0..<5, using: &self) {
            case 0 where depth < 2: return intrinsic(depth: depth + 1)
            case 1: return jsonPath()
            case 2: return pick(Vocabulary.numbers).compactText
            case 3: return "'" + pick(["", "{}", "a,b", "{} {}", "\\{", "x"]) + "'"
            default: return pick(["1", "-1", "0", "1.5", "'SHA-256'", "true", "null"])
            }
        }
        return pick(Vocabulary.intrinsics) + "(" + arguments.joined(separator: ", ") + ")"
    }

    mutating func jsonata() -> String {
        let count = Int.random(in: 1...12, using: &self)
        return (0..<count).map { _ in pick(Vocabulary.jsonataTokens) }.joined(separator: chance(50) ? " " : "")
    }

    /// Applies one random change somewhere in `value`.
    mutating func mutate(_ value: JSON, depth: Int = 0) -> JSON {
        switch value {
        case .object(var members) where !members.isEmpty && (depth < 8 && chance(75)):
            let key = pick(Array(members.keys))
            switch Int.random(in: 0..<10, using: &self) {
            case 0: members[key] = nil
            case 1: members[pick(Vocabulary.fields)] = self.value()
            case 2: members[key] = self.value()
            default: members[key] = mutate(members[key] ?? .null, depth: depth + 1)
            }
            return .object(members)
        case .array(var elements) where !elements.isEmpty && (depth < 8 && chance(75)):
            let index = Int.random(in: 0..<elements.count, using: &self)
            switch Int.random(in: 0..<6, using: &self) {
            case 0: elements.remove(at: index)
            case 1: elements.append(elements[index])
            default: elements[index] = mutate(elements[index], depth: depth + 1)
            }
            return .array(elements)
        case .string(let text) where chance(50):
            var scalars = Array(text.unicodeScalars)
            let insert = Array(pick(["[", "]", "{%", "%}", "$", ".", "(", ")", "'", "\u{0}", "\n", "..", "*", "@", "?"]).unicodeScalars)
            scalars.insert(contentsOf: insert, at: Int.random(in: 0...scalars.count, using: &self))
            return .string(String(String.UnicodeScalarView(scalars)))
        default:
            return self.value()
        }
    }

    mutating func mutateBytes(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...6, using: &self) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &self)
            switch Int.random(in: 0..<5, using: &self) {
            case 0 where !bytes.isEmpty: bytes.remove(at: position)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &self), at: position)
            case 2 where !bytes.isEmpty: bytes[position] = pick(Array("{}[]\",:\\0123456789eE.-+tfn u\u{0}".utf8))
            case 3:
                let chunk = Array(
                    pick(["{\"a\":", "[[[[", "1e99999", "\"\\ud800\"", "-0.0", "123456789012345678901234567890", "\"\\u0000\""]).utf8)
                bytes.insert(contentsOf: chunk, at: position)
            default:
                if !bytes.isEmpty {
                    let end = min(bytes.count, position + Int.random(in: 1...16, using: &self))
                    bytes.insert(contentsOf: bytes[position..<end], at: position)
                }
            }
        }
        return bytes
    }
}

// MARK: Seeds

enum Seeds {
    static let builtIn: [String] = [
        #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"$.a"},"ResultPath":"$.r","Next":"C"},"C":{"Type":"Choice","Choices":[{"Variable":"$.r.a","NumericGreaterThan":1,"Next":"W"}],"Default":"F"},"W":{"Type":"Wait","Seconds":1,"Next":"M"},"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ResultPath":"$.m","Next":"Q"},"Q":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}],"End":true},"F":{"Type":"Fail","Error":"E","Cause":"c"}}}"#,
        #"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input %}","Assign":{"x":"{% 1 %}"},"Next":"T"},"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f","Payload":"{% $states.input %}"},"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"D"}],"Next":"D"},"D":{"Type":"Succeed"}}}"#,
        #"{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"ToleratedFailurePercentage":50,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"f","Payload":{"t.$":"$$.Task.Token"}},"TimeoutSeconds":5,"End":true}}},"End":true}}}"#,
    ]

    static func definitions(_ folders: [String]) -> [JSON] {
        var texts = builtIn
        for folder in folders {
            guard let enumerator = FileManager.default.enumerator(atPath: folder) else { continue }
            for case let path as String in enumerator where path.hasSuffix(".json") && texts.count < 2_000 {
                guard let data = FileManager.default.contents(atPath: folder + "/" + path), let json = try? JSON(parsing: data) else {
                    continue
                }
                // Definitions, and the corpus's case files (which hold one under "definition").
                if json["States"] != nil {
                    texts.append(json.compactText)
                } else if let definition = json["definition"], definition["States"] != nil {
                    texts.append(definition.compactText)
                }
            }
        }
        return texts.compactMap { try? JSON(parsing: $0) }
    }

    static let inputs: [JSON] = [
        .emptyObject, ["a": 2, "items": [1, 2, 3], "s": "{\"k\":1}", "n": 3], ["items": [], "a": "x"], [1, 2, 3], "text", .null,
    ]

    static let templates = [
        """
        Transform: AWS::Serverless-2016-10-31
        Parameters: {Stage: {Type: String, Default: prod}}
        Conditions: {IsProd: !Equals [!Ref Stage, prod]}
        Resources:
          Fn: {Type: AWS::Serverless::Function}
          M:
            Type: AWS::Serverless::StateMachine
            Properties:
              Type: STANDARD
              DefinitionSubstitutions: {Arn: !GetAtt Fn.Arn}
              Definition:
                StartAt: T
                States:
                  T: {Type: Task, Resource: "${Arn}", Parameters: {s: !If [IsProd, !Split [",", "a,b"], x]}, End: true}
        """,
        "StartAt: A\nStates:\n  A: &a {Type: Pass, Result: [1, 2], End: true}\n  B: *a\n",
    ]
}

// MARK: The watchdog

/// Stops the run when one case takes longer than its budget or memory grows past its budget.
final class Watchdog: Sendable {
    private struct Current {
        var target = ""
        var index = 0
        var started = ContinuousClock.now
        var running = false
    }

    private let current = Mutex(Current())
    let seed: UInt64

    init(seed: UInt64, caseBudget: Double, memoryBudget: Int) {
        self.seed = seed
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                let now = current.withLock { $0 }
                if now.running, now.started.duration(to: .now) > .milliseconds(Int64(caseBudget * 1000)) {
                    Self.stop(
                        "HANG: \(now.target) case \(now.index) ran past \(caseBudget) s (replay: --seed \(seed) --from \(now.index) --cases 1)"
                    )
                }
                let resident = Self.residentBytes()
                if resident > memoryBudget {
                    Self.stop(
                        "MEMORY: \(now.target) case \(now.index) with \(resident >> 20) MiB resident (replay: --seed \(seed) --from \(now.index) --cases 1)"
                    )
                }
            }
        }
        thread.stackSize = 256 * 1024
        thread.start()
    }

    func begin(_ target: String, _ index: Int) {
        current.withLock { $0 = Current(target: target, index: index, started: .now, running: true) }
    }

    func end() { current.withLock { $0.running = false } }

    static func stop(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(3)
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

// MARK: Targets

struct Fuzzer {
    let options: Options
    let definitions: [JSON]
    let watchdog: Watchdog

    /// Executors for every Resource: tasks echo their input, callback tasks answer their own token.
    func configuration() -> RuntimeConfiguration {
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.random = SeededRandom(seed: options.seed).next
        configuration.maxHistoryEvents = 2_000
        let tokens = configuration.tokens
        configuration.executors.register(
            "*.waitForTaskToken",
            ClosureExecutor { request in
                if let token = request.taskToken { try? tokens.complete(token, with: .success(request.input)) }
                return .null
            })
        configuration.executors.register("*", ClosureExecutor(input: { $0 }))
        return configuration
    }

    func json(_ random: inout CaseRandom) {
        let seed = random.pick(definitions).compactText
        let bytes = random.mutateBytes(Array(seed.utf8))
        guard let parsed = try? JSON(parsing: bytes) else { return }
        // Whatever parses must print and parse back to the same value.
        let again = try? JSON(parsing: parsed.compactText)
        if again != parsed { Watchdog.stop("JSON round trip changed a value: \(String(decoding: bytes.prefix(200), as: UTF8.self))") }
    }

    func definition(_ random: inout CaseRandom) async {
        var definition = random.pick(definitions)
        for _ in 0..<Int.random(in: 1...4, using: &random) { definition = random.mutate(definition) }
        await run(
            definition, input: random.chance(70) ? random.pick(Seeds.inputs) : random.value(),
            type: random.chance(10) ? .express : .standard)
    }

    func expression(_ random: inout CaseRandom) async {
        let definition: String
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            let path = random.jsonPath()
            definition =
                #"{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":\#(JSON.string(path).compactText),"Parameters":{"v.$":\#(JSON.string(random.jsonPath()).compactText)},"End":true}}}"#
        case 1:
            definition =
                #"{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":\#(JSON.string(random.intrinsic()).compactText)},"End":true}}}"#
        case 2:
            let expression = JSON.string("{% " + random.jsonata() + " %}").compactText
            definition =
                #"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"v":\#(expression)},"End":true}}}"#
        default:
            let operators = [
                "StringEquals", "StringMatches", "NumericLessThan", "NumericEqualsPath", "TimestampGreaterThan", "IsNumeric",
                "BooleanEquals",
            ]
            let rule =
                #"{"Variable":\#(JSON.string(random.jsonPath()).compactText),"\#(random.pick(operators))":\#(random.scalar().compactText),"Next":"A"}"#
            definition = #"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[\#(rule)],"Default":"A"},"A":{"Type":"Succeed"}}}"#
        }
        guard let json = try? JSON(parsing: definition) else { return }
        await run(json, input: random.pick(Seeds.inputs), type: .standard)
    }

    func run(_ definition: JSON, input: JSON, type: StateMachineType) async {
        if ProcessInfo.processInfo.environment["SFN_FUZZ_SHOW"] != nil {
            print("definition: \(definition.compactText)\ninput: \(input.compactText)\ntype: \(type.rawValue)")
        }
        var configuration = configuration()
        configuration.machineType = type
        guard let machine = try? StateMachine.parse(definition),
            let runtime = try? StateMachineRuntime(machine: machine, configuration: configuration)
        else { return }
        // An endless Express loop of Pass and Choice states is a valid program (AWS would run it
        // for five minutes of real time, which virtual time never reaches): the harness ends it.
        let execution = runtime.start(input: input)
        let harnessLimit = Task {
            try await Task.sleep(for: .seconds(3))
            execution.stop(error: "Fuzz.HarnessLimit", cause: "stopped by sfn-fuzz after 3 s")
        }
        _ = await execution.result()
        harnessLimit.cancel()
        // Whatever parses also draws, in every format, coloured by what the run did.
        let graph = WorkflowGraph(definition: definition)
        let overlay = ExecutionOverlay(events: execution.history.map(\.json))
        _ = SVGRenderer.render(graph, overlay: overlay)
        _ = MermaidRenderer.render(graph, overlay: overlay)
        _ = DOTRenderer.render(graph, overlay: overlay)
    }

    func yaml(_ random: inout CaseRandom) {
        let text = String(decoding: random.mutateBytes(Array(random.pick(Seeds.templates).utf8)), as: UTF8.self)
        guard let loaded = try? DefinitionLoader.load(text: text, file: "fuzz.yaml") else { return }
        _ = StateMachine.validate(loaded.definition)
    }

    func api(_ random: inout CaseRandom, service: StepFunctionsService) async {
        let operations = [
            "CreateStateMachine", "StartExecution", "StartSyncExecution", "DescribeExecution", "GetExecutionHistory", "StopExecution",
            "ListExecutions", "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat", "CreateActivity", "ValidateStateMachineDefinition",
            "UpdateStateMachine", "DescribeStateMachine", "ListStateMachines", "TagResource", "NoSuchOperation",
        ]
        var body: JSON = [
            "name": .string(random.pick(["m", "a", "", "bad name", "x\u{0}"])),
            "definition": .string(random.pick(definitions).compactText),
            "stateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:m",
            "input": "{}", "executionArn": "arn:aws:states:us-east-1:111111111111:execution:m:e", "taskToken": "sfn1.x", "output": "{}",
            "type": .string(random.pick(["STANDARD", "EXPRESS", "OTHER"])), "maxResults": 5,
        ]
        for _ in 0..<Int.random(in: 0...3, using: &random) { body = random.mutate(body) }
        _ = try? await service.handle(random.pick(operations), body)
    }
}

// MARK: Main

let options = Options(CommandLine.arguments)
let defaultCorpus = ["workflows", "Benchmarks/workflows", "../shared/conformance/localstack"].filter {
    FileManager.default.fileExists(atPath: $0)
}
let definitions = Seeds.definitions(options.corpus.isEmpty ? defaultCorpus : options.corpus)
let watchdog = Watchdog(seed: options.seed, caseBudget: options.caseBudgetSeconds, memoryBudget: options.memoryBudgetBytes)
let fuzzer = Fuzzer(options: options, definitions: definitions, watchdog: watchdog)
let targets = options.target == "all" ? ["json", "definition", "expression", "yaml", "api"] : [options.target]
let service = StepFunctionsService(configuration: fuzzer.configuration(), activityPollSeconds: 0)

var totals: [String: Int] = [:]
let clock = ContinuousClock()
for target in targets {
    let started = clock.now
    var index = options.from
    let perTarget = options.seconds.map { $0 / Double(targets.count) }
    while true {
        if let cases = options.cases, index - options.from >= cases { break }
        if let perTarget, started.duration(to: clock.now) > .milliseconds(Int64(perTarget * 1000)) { break }
        var random = CaseRandom(seed: options.seed, index: index)
        watchdog.begin(target, index)
        switch target {
        case "json": fuzzer.json(&random)
        case "definition": await fuzzer.definition(&random)
        case "expression": await fuzzer.expression(&random)
        case "yaml": fuzzer.yaml(&random)
        case "api": await fuzzer.api(&random, service: service)
        default:
            FileHandle.standardError.write(Data("unknown target \(target)\n".utf8))
            exit(2)
        }
        watchdog.end()
        index += 1
        if index % 10_000 == 0 { print("\(target): \(index) cases", terminator: "\r") }
    }
    totals[target] = index - options.from
    let seconds =
        Double(started.duration(to: clock.now).components.seconds) + Double(started.duration(to: clock.now).components.attoseconds) / 1e18
    print(
        "\(target): \(index - options.from) cases in \(String(format: "%.1f", seconds)) s, no crash, hang or memory blow-up (seed \(options.seed))"
    )
}
print("total: \(totals.values.reduce(0, +)) cases")
