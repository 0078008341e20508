import Foundation
import SFNJSON
import SFNLanguage

/// A problem in an executor configuration file.
public struct ExecutorConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the place in the file.
    public var message: String

    /// An error with this message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// Which local executor serves which Task resources, read from a JSON or YAML file:
/// ```
/// {"resources": {"arn:aws:lambda:*:*:function:order-*": {"command": ["python3", "fn.py"],
///                                                         "env": {...}, "cwd": "...", "timeoutSeconds": 30},
///                "arn:aws:lambda:us-east-1:123456789012:function:pay": {"url": "http://127.0.0.1:3001"},
///                "arn:aws:states:::sqs:sendMessage": {"result": {"MessageId": "1"}}},
///  "functions": {"greet": {"shell": "./greet.sh"}}}
/// ```
/// `resources` keys are Resource ARNs or globs (`*`, `?`); `functions` keys are Lambda function
/// names or globs of them (`order-*`, `*`), for `arn:aws:states:::lambda:invoke` (by FunctionName)
/// and `arn:aws:lambda:...` resources. Lambda resources reach the functions first: a resource glob
/// such as `*` then serves a function the others do not, with Lambda's response shape.
/// An executor is one of: `command` (argv array, or a string run by `/bin/sh -c`) or `shell`
/// (a string); `url` (a Lambda Invoke endpoint, optional `functionName`); `result` (a fixed
/// result); `error` with an optional `cause` (a fixed failure). Relative paths resolve against the
/// file's folder, which is also the default working directory.
public struct ExecutorConfiguration: Sendable {
    /// Where one resource or function goes.
    public enum Executor: Sendable, Equatable {
        case process(command: ProcessExecutor.Command, environment: [String: String], workingDirectory: String?, timeoutSeconds: Double?)
        case lambdaEndpoint(url: String, functionName: String?, timeoutSeconds: Double?)
        case fixedResult(JSON)
        case fixedFailure(StatesError)
    }

    /// In file order: earlier patterns win.
    public var resources: [(pattern: String, executor: Executor)]
    /// Lambda functions by name, for `lambda:invoke` and function ARNs.
    public var functions: [(name: String, executor: Executor)]

    /// A configuration of these routes.
    public init(resources: [(pattern: String, executor: Executor)] = [], functions: [(name: String, executor: Executor)] = []) {
        self.resources = resources
        self.functions = functions
    }

    /// Parses a configuration; `baseDirectory` resolves relative paths (nil: leave them as written).
    public init(json: JSON, baseDirectory: String? = nil) throws(ExecutorConfigurationError) {
        guard case .object(let root) = json else {
            throw ExecutorConfigurationError(
                "The executor configuration must be an object with resources and/or functions, not \(json.typeName).")
        }
        for key in root.keys where key != "resources" && key != "functions" {
            throw ExecutorConfigurationError(
                "Unknown top-level field '\(key)' in the executor configuration (expected resources and functions).")
        }
        resources = try Self.parseSection(root["resources"], name: "resources", baseDirectory: baseDirectory)
        functions = try Self.parseSection(root["functions"], name: "functions", baseDirectory: baseDirectory)
        for (name, _) in functions where LambdaFunctionReference(name) == nil {
            throw ExecutorConfigurationError("functions: '\(name)' is not a Lambda function name.")
        }
    }

    /// Reads a configuration file (JSON or YAML); relative paths resolve against its folder.
    public static func load(contentsOf path: String) throws(ExecutorConfigurationError) -> ExecutorConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ExecutorConfigurationError("Cannot read the executor configuration file \(path): \(error.localizedDescription)")
        }
        let document: JSON
        do {
            document = try DefinitionLoader.parseDocument(text: text, file: path).0
        } catch {
            throw ExecutorConfigurationError("The executor configuration file is not valid: \(error.description)")
        }
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        return try ExecutorConfiguration(json: document, baseDirectory: folder)
    }

    /// The registry serving this configuration: each resource pattern, then Lambda routing
    /// (functions by name, then resources by the function's ARN).
    public func makeRegistry(random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }) -> ExecutorRegistry {
        var resourceRegistry = ExecutorRegistry()
        let resourceExecutors = resources.map { (pattern: $0.pattern, executor: Self.makeExecutor($0.executor)) }
        for (pattern, executor) in resourceExecutors {
            resourceRegistry.register(pattern, executor)
        }
        var functionExecutors: [String: any TaskExecutor] = [:]
        var functionPatterns: [(pattern: ResourcePattern, executor: any TaskExecutor)] = []
        for (name, executor) in functions {
            if name.contains("*") || name.contains("?") {
                functionPatterns.append((ResourcePattern(name), Self.makeExecutor(executor)))
            } else if let reference = LambdaFunctionReference(name), functionExecutors[reference.name] == nil {
                functionExecutors[reference.name] = Self.makeExecutor(executor)
            }
        }
        // Lambda resources go to the router first, so a glob such as `*` serves lambda:invoke as
        // a function (its result wrapped in Payload, as AWS wraps it) rather than replacing the
        // integration; the router looks functions up by name, then in these resources.
        var registry = ExecutorRegistry()
        registry.registerLambda(
            LambdaRouter(functions: functionExecutors, functionPatterns: functionPatterns, resources: resourceRegistry, random: random))
        for (pattern, executor) in resourceExecutors { registry.register(pattern, executor) }
        return registry
    }

    /// The executor a configured route stands for.
    public static func makeExecutor(_ executor: Executor) -> any TaskExecutor {
        switch executor {
        case .process(let command, let environment, let workingDirectory, let timeoutSeconds):
            return ProcessExecutor(
                command: command, environment: environment, workingDirectory: workingDirectory, timeoutSeconds: timeoutSeconds)
        case .lambdaEndpoint(let url, let functionName, let timeoutSeconds):
            return LambdaHTTPExecutor(baseURL: url, functionName: functionName, timeoutSeconds: timeoutSeconds)
        case .fixedResult(let value):
            return FixedExecutor(.success(value))
        case .fixedFailure(let failure):
            return FixedExecutor(.failure(failure))
        }
    }

    private static func parseSection(
        _ value: JSON?, name: String, baseDirectory: String?
    ) throws(ExecutorConfigurationError) -> [(String, Executor)] {
        guard let value else { return [] }
        guard case .object(let members) = value else {
            throw ExecutorConfigurationError("\(name) must be an object, not \(value.typeName).")
        }
        var entries: [(String, Executor)] = []
        for (key, entry) in members {
            if key.isEmpty { throw ExecutorConfigurationError("\(name) has an empty key.") }
            entries.append((key, try parseExecutor(entry, at: "\(name).\(key)", baseDirectory: baseDirectory)))
        }
        return entries
    }

    private static let executorKinds = ["command", "shell", "url", "result", "error"]
    private static let allowedKeys: [String: Set<String>] = [
        "command": ["command", "env", "cwd", "timeoutSeconds"],
        "shell": ["shell", "env", "cwd", "timeoutSeconds"],
        "url": ["url", "functionName", "timeoutSeconds"],
        "result": ["result"],
        "error": ["error", "cause"],
    ]

    private static func parseExecutor(
        _ value: JSON, at location: String, baseDirectory: String?
    ) throws(ExecutorConfigurationError) -> Executor {
        guard case .object(let members) = value else {
            throw ExecutorConfigurationError("\(location) must be an object (command, shell, url, result or error), not \(value.typeName).")
        }
        let kinds = executorKinds.filter { members[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first else {
            throw ExecutorConfigurationError(
                kinds.isEmpty
                    ? "\(location) must have one of command, shell, url, result or error."
                    : "\(location) has \(kinds.joined(separator: " and ")); give exactly one.")
        }
        let allowed = allowedKeys[kind] ?? []
        for key in members.keys where !allowed.contains(key) {
            throw ExecutorConfigurationError(
                "\(location): unknown field '\(key)' for a \(kind) executor (allowed: \(allowed.sorted().joined(separator: ", "))).")
        }
        let timeout = try timeoutSeconds(members["timeoutSeconds"], at: location)
        switch kind {
        case "command", "shell":
            let command = try parseCommand(members[kind], kind: kind, at: location, baseDirectory: baseDirectory)
            var environment: [String: String] = [:]
            if let env = members["env"] {
                guard case .object(let variables) = env else {
                    throw ExecutorConfigurationError("\(location).env must be an object of strings.")
                }
                for (variable, variableValue) in variables {
                    switch variableValue {
                    case .string(let text): environment[variable] = text
                    case .int, .double, .bool: environment[variable] = variableValue.compactText
                    default: throw ExecutorConfigurationError("\(location).env.\(variable) must be a string.")
                    }
                }
            }
            var workingDirectory = baseDirectory
            if let cwd = members["cwd"] {
                guard let path = cwd.stringValue, !path.isEmpty else {
                    throw ExecutorConfigurationError("\(location).cwd must be a non-empty string.")
                }
                workingDirectory = resolve(path, against: baseDirectory)
            }
            return .process(command: command, environment: environment, workingDirectory: workingDirectory, timeoutSeconds: timeout)
        case "url":
            guard let url = members["url"]?.stringValue, let parsed = URL(string: url), let scheme = parsed.scheme,
                scheme == "http" || scheme == "https", parsed.host != nil
            else {
                throw ExecutorConfigurationError("\(location).url must be an http(s) URL such as http://127.0.0.1:3001.")
            }
            var functionName: String?
            if let name = members["functionName"] {
                guard let text = name.stringValue, !text.isEmpty else {
                    throw ExecutorConfigurationError("\(location).functionName must be a non-empty string.")
                }
                functionName = text
            }
            return .lambdaEndpoint(url: url, functionName: functionName, timeoutSeconds: timeout)
        case "result":
            return .fixedResult(members["result"] ?? .null)
        default:
            guard let error = members["error"]?.stringValue, !error.isEmpty else {
                throw ExecutorConfigurationError("\(location).error must be a non-empty string (the error name).")
            }
            if let cause = members["cause"], cause.stringValue == nil {
                throw ExecutorConfigurationError("\(location).cause must be a string.")
            }
            return .fixedFailure(StatesError(error, cause: members["cause"]?.stringValue))
        }
    }

    private static func parseCommand(
        _ value: JSON?, kind: String, at location: String, baseDirectory: String?
    ) throws(ExecutorConfigurationError) -> ProcessExecutor.Command {
        switch value {
        case .string(let line)? where !line.trimmingCharacters(in: .whitespaces).isEmpty:
            return .shell(line)
        case .array(let items)? where kind == "command" && !items.isEmpty:
            var arguments: [String] = []
            for item in items {
                guard let text = item.stringValue else {
                    throw ExecutorConfigurationError("\(location).command must be an array of strings; found \(item.typeName).")
                }
                arguments.append(text)
            }
            // A program given by a relative path (./fn, bin/fn) lives next to the configuration.
            if arguments[0].contains("/") { arguments[0] = resolve(arguments[0], against: baseDirectory) }
            return .arguments(arguments)
        default:
            throw ExecutorConfigurationError(
                kind == "command"
                    ? "\(location).command must be a non-empty array of strings (program and arguments) or a shell command string."
                    : "\(location).shell must be a non-empty command string.")
        }
    }

    private static func timeoutSeconds(_ value: JSON?, at location: String) throws(ExecutorConfigurationError) -> Double? {
        guard let value else { return nil }
        guard let seconds = value.doubleValue, seconds > 0, seconds.isFinite else {
            throw ExecutorConfigurationError("\(location).timeoutSeconds must be a positive number.")
        }
        return seconds
    }

    private static func resolve(_ path: String, against baseDirectory: String?) -> String {
        guard !path.hasPrefix("/"), let baseDirectory else { return path }
        return URL(fileURLWithPath: baseDirectory, isDirectory: true).appendingPathComponent(path).standardizedFileURL.path
    }
}

/// An executor that always gives the same answer.
public struct FixedExecutor: TaskExecutor {
    private let outcome: Result<JSON, StatesError>

    /// An executor that always answers `outcome`.
    public init(_ outcome: Result<JSON, StatesError>) {
        self.outcome = outcome
    }

    /// Answers the fixed outcome.
    public func execute(_ request: TaskRequest) async throws(StatesError) -> JSON {
        try outcome.get()
    }
}
