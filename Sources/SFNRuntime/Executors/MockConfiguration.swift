import Foundation
import SFNJSON
import SFNLanguage
import Synchronization

/// A problem in a mock configuration file (AWS Step Functions Local's `MockConfigFile.json` format).
public struct MockConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the place in the file.
    public var message: String

    /// An error with this message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// One answer a mocked state gives: a result or a failure.
public enum MockedResponse: Sendable, Equatable {
    case returns(JSON)
    case throwsError(StatesError)
}

/// A mock configuration in Step Functions Local's format:
/// ```
/// {"StateMachines": {MACHINE: {"TestCases": {CASE: {STATE: RESPONSE_NAME}}}},
///  "MockedResponses": {RESPONSE_NAME: {"0": {"Return": ...}, "1-2": {"Throw": {"Error", "Cause"}}}}}
/// ```
/// Every test case is checked when the file is read, so a typo fails before any execution runs.
public struct MockConfiguration: Sendable {
    /// Test cases by state machine name, then by test case name.
    public let testCases: [String: [String: MockTestCase]]

    /// Reads a mock configuration in Step Functions Local's format.
    public init(json: JSON) throws(MockConfigurationError) {
        guard case .object(let root) = json else {
            throw MockConfigurationError(
                "The mock configuration must be an object with StateMachines and MockedResponses, not \(json.typeName).")
        }
        for key in root.keys where key != "StateMachines" && key != "MockedResponses" {
            throw MockConfigurationError(
                "Unknown top-level field '\(key)' in the mock configuration (expected StateMachines and MockedResponses).")
        }
        let responses = try Self.parseResponses(root["MockedResponses"])
        guard case .object(let machines) = root["StateMachines"] ?? .emptyObject else {
            throw MockConfigurationError("StateMachines must be an object of state machine names.")
        }
        var testCases: [String: [String: MockTestCase]] = [:]
        for (machine, machineValue) in machines {
            guard case .object(let machineMembers) = machineValue, case .object(let cases)? = machineMembers["TestCases"] else {
                throw MockConfigurationError("StateMachines.\(machine) must be an object with a TestCases object.")
            }
            var parsed: [String: MockTestCase] = [:]
            for (caseName, caseValue) in cases {
                guard case .object(let states) = caseValue else {
                    throw MockConfigurationError(
                        "StateMachines.\(machine).TestCases.\(caseName) must map state names to mocked response names.")
                }
                var sequences: [String: [MockedResponse]] = [:]
                for (state, responseName) in states {
                    guard let name = responseName.stringValue else {
                        throw MockConfigurationError(
                            "StateMachines.\(machine).TestCases.\(caseName).\(state) must be the name of a mocked response, not \(responseName.typeName)."
                        )
                    }
                    guard let sequence = responses[name] else {
                        throw MockConfigurationError(
                            "StateMachines.\(machine).TestCases.\(caseName).\(state) refers to the mocked response '\(name)', which MockedResponses does not define."
                        )
                    }
                    sequences[state] = sequence
                }
                parsed[caseName] = MockTestCase(stateMachine: machine, name: caseName, responses: sequences)
            }
            testCases[machine] = parsed
        }
        self.testCases = testCases
    }

    /// Reads a mock configuration from a JSON (or YAML) file.
    public init(contentsOf path: String) throws(MockConfigurationError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MockConfigurationError("Cannot read the mock configuration file \(path): \(error.localizedDescription)")
        }
        let document: JSON
        do {
            document = try DefinitionLoader.parseDocument(text: text, file: path).0
        } catch {
            throw MockConfigurationError("The mock configuration file is not valid: \(error.description)")
        }
        try self.init(json: document)
    }

    /// The test case `name` of the state machine `stateMachine`.
    public func testCase(_ name: String, stateMachine: String) throws(MockConfigurationError) -> MockTestCase {
        guard let cases = testCases[stateMachine] else {
            let known = testCases.keys.sorted().joined(separator: ", ")
            throw MockConfigurationError(
                "The mock configuration has no state machine named '\(stateMachine)'\(known.isEmpty ? "" : " (it has: \(known))").")
        }
        guard let testCase = cases[name] else {
            let known = cases.keys.sorted().joined(separator: ", ")
            throw MockConfigurationError(
                "The state machine '\(stateMachine)' has no test case named '\(name)'\(known.isEmpty ? "" : " (it has: \(known))").")
        }
        return testCase
    }

    private static func parseResponses(_ value: JSON?) throws(MockConfigurationError) -> [String: [MockedResponse]] {
        guard case .object(let members) = value ?? .emptyObject else {
            throw MockConfigurationError("MockedResponses must be an object of mocked response names.")
        }
        var responses: [String: [MockedResponse]] = [:]
        for (name, steps) in members {
            responses[name] = try parseSequence(name, steps)
        }
        return responses
    }

    /// Expands `{"0": ..., "1-2": ...}` into one response per invocation, checking that the keys
    /// number the invocations from 0 without gaps or overlaps.
    private static func parseSequence(_ name: String, _ value: JSON) throws(MockConfigurationError) -> [MockedResponse] {
        guard case .object(let steps) = value, !steps.isEmpty else {
            throw MockConfigurationError(
                "MockedResponses.\(name) must be a non-empty object keyed by invocation numbers (\"0\", \"1-2\", ...).")
        }
        var ranges: [(first: Int, last: Int, response: MockedResponse)] = []
        for (key, step) in steps {
            let (first, last) = try parseRange(key, in: name)
            ranges.append((first, last, try parseStep(step, at: "MockedResponses.\(name).\(key)")))
        }
        ranges.sort { $0.first < $1.first }
        var sequence: [MockedResponse] = []
        for range in ranges {
            guard range.first == sequence.count else {
                let problem =
                    range.first < sequence.count
                    ? "overlaps the invocations before it" : "leaves invocation \(sequence.count) without a response"
                throw MockConfigurationError(
                    "MockedResponses.\(name): the response for invocation \(range.first) \(problem); number invocations consecutively from 0."
                )
            }
            sequence.append(contentsOf: repeatElement(range.response, count: range.last - range.first + 1))
        }
        return sequence
    }

    private static func parseRange(_ key: String, in name: String) throws(MockConfigurationError) -> (Int, Int) {
        let parts = key.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), numbers.count == parts.count, numbers.allSatisfy({ $0 >= 0 }) else {
            throw MockConfigurationError(
                "MockedResponses.\(name): '\(key)' is not an invocation number or range (use \"0\" or \"1-3\").")
        }
        let first = numbers[0], last = numbers.count == 2 ? numbers[1] : numbers[0]
        guard last >= first else {
            throw MockConfigurationError("MockedResponses.\(name): the range '\(key)' ends before it starts.")
        }
        guard last - first < 100_000 else {
            throw MockConfigurationError("MockedResponses.\(name): the range '\(key)' is too long.")
        }
        return (first, last)
    }

    private static func parseStep(_ value: JSON, at location: String) throws(MockConfigurationError) -> MockedResponse {
        guard case .object(let members) = value else {
            throw MockConfigurationError("\(location) must be an object with Return or Throw.")
        }
        switch (members["Return"], members["Throw"]) {
        case (let result?, nil):
            return .returns(result)
        case (nil, let failure?):
            guard case .object(let fields) = failure, let error = fields["Error"]?.stringValue else {
                throw MockConfigurationError("\(location).Throw must be an object with a string Error (and optionally a Cause).")
            }
            if let cause = fields["Cause"], cause.stringValue == nil {
                throw MockConfigurationError("\(location).Throw.Cause must be a string.")
            }
            return .throwsError(StatesError(error, cause: fields["Cause"]?.stringValue))
        case (nil, nil):
            throw MockConfigurationError("\(location) must have Return or Throw.")
        case (_?, _?):
            throw MockConfigurationError("\(location) cannot have both Return and Throw.")
        }
    }
}

/// The mocked responses of one test case, by state name.
public struct MockTestCase: Sendable {
    /// The state machine the test case is for.
    public let stateMachine: String
    /// The test case's name.
    public let name: String
    /// For each mocked state, its answer to the first, second, ... invocation.
    public let responses: [String: [MockedResponse]]

    /// A test case answering states from `responses`.
    public init(stateMachine: String, name: String, responses: [String: [MockedResponse]]) {
        self.stateMachine = stateMachine
        self.name = name
        self.responses = responses
    }
}

/// Answers Task states named in a test case from their mocked responses, and hands every other
/// Task to `fallback`.
///
/// Each invocation of a mocked state (a retry, a Map iteration, a loop back) takes the next
/// response; past the last one the last response repeats. A mocked `.waitForTaskToken` task does
/// not wait: its response completes the token at once. Make one executor per execution (the
/// counters are the execution's).
public final class MockExecutor: TaskExecutor, Sendable {
    private let testCase: MockTestCase
    private let fallback: ExecutorRegistry
    private let tokens: TaskTokenRegistry?
    private let invocations = Locked<[String: Int]>([:])

    /// - Parameters:
    ///   - testCase: the responses, by state name.
    ///   - fallback: serves states the test case does not mock.
    ///   - tokens: the runtime's token registry, to complete mocked `.waitForTaskToken` tasks.
    public init(_ testCase: MockTestCase, wrapping fallback: ExecutorRegistry = ExecutorRegistry(), tokens: TaskTokenRegistry? = nil) {
        self.testCase = testCase
        self.fallback = fallback
        self.tokens = tokens
    }

    /// Whether the test case mocks `state`.
    func mocks(_ state: String) -> Bool { testCase.responses[state] != nil }

    /// What serves the states the test case does not mock.
    var fallbackRegistry: ExecutorRegistry { fallback }

    /// Answers with the state's next mocked response, or passes the task on.
    public func execute(_ request: TaskRequest) async throws(StatesError) -> JSON {
        guard let response = nextResponse(for: request.stateName) else {
            guard let executor = fallback.executor(for: request.resource) else {
                throw StatesError.notMocked(state: request.stateName, testCase: testCase.name, resource: request.resource)
            }
            return try await executor.execute(request)
        }
        switch response {
        case .returns(let value):
            if let token = request.taskToken, let tokens {
                try? tokens.complete(token, with: .success(value))
            }
            return value
        case .throwsError(let failure):
            throw failure
        }
    }

    /// How many times `stateName` has been answered from mocks.
    public func invocationCount(of stateName: String) -> Int {
        invocations.withLock { $0[stateName, default: 0] }
    }

    private func nextResponse(for stateName: String) -> MockedResponse? {
        guard let sequence = testCase.responses[stateName], let last = sequence.last else { return nil }
        let index = invocations.withLock { counts in
            let index = counts[stateName, default: 0]
            counts[stateName] = index + 1
            return index
        }
        return index < sequence.count ? sequence[index] : last
    }
}

extension ExecutorRegistry {
    /// A registry that answers every Task through a `MockExecutor` for `testCase`, falling back to
    /// this registry for states the test case does not mock.
    public func mocking(_ testCase: MockTestCase, tokens: TaskTokenRegistry? = nil) -> ExecutorRegistry {
        var registry = ExecutorRegistry()
        registry.register("*", MockExecutor(testCase, wrapping: self, tokens: tokens))
        return registry
    }
}

extension RuntimeConfiguration {
    /// Routes Tasks through `testCase`'s mocks first (new counters each call: use once per execution).
    public mutating func useMocks(_ testCase: MockTestCase) {
        executors = executors.mocking(testCase, tokens: tokens)
    }
}
