import Foundation
import SFNJSON
import SFNLanguage

/// Runs a local program as a Task's function: the task input goes to its stdin as JSON, the JSON
/// it prints on stdout is the result.
///
/// Failures follow Lambda's conventions so Retry and Catch work as they would on AWS:
/// - a non-zero exit with a `{"errorType", "errorMessage"}` document on stdout or stderr fails with
///   that errorType (`Lambda.Unknown` when it has none) and the document's text as the cause;
/// - any other non-zero exit fails with `Runtime.ExitError`, the stderr tail in the cause;
/// - output that is not JSON fails with `Runtime.MarshalError`;
/// - a program that cannot be started fails with `Runtime.InvalidEntrypoint`;
/// - running past `timeoutSeconds` kills the program's process group and fails with `States.Timeout`;
/// - more than `stdoutLimitBytes` of output kills it and fails with `Function.ResponseSizeTooLarge`.
///
/// Programs start in a process group of their own, with every signal at its default disposition
/// and none blocked (whatever the host ignores or blocks), and the group ends with the task: when
/// the program exits, anything it left behind is killed, and pipes a leftover child keeps open
/// cannot hold the task past a short grace. The caller's task is suspended, not blocked, while
/// the program runs: three small threads feed stdin, wait for the exit and drain the output.
public struct ProcessExecutor: LambdaFunction {
    /// What to run: an argument vector, or a line for `/bin/sh -c`.
    public enum Command: Sendable, Equatable {
        /// A program and its arguments; a program name without `/` is looked up on PATH.
        case arguments([String])
        /// A command line for `/bin/sh -c`.
        case shell(String)
    }

    /// The program.
    public var command: Command
    /// Variables set on top of the inherited environment.
    public var environment: [String: String]
    /// Where the program runs (the current folder when nil).
    public var workingDirectory: String?
    /// How long the program may run before it is killed.
    public var timeoutSeconds: Double?
    /// How much of stderr a failure's cause and the log keep (the end of it).
    public var stderrTailBytes = 4096
    /// The most stdout a program may write: Lambda's response limit (6,291,556 bytes). Past it
    /// the program's process group is killed and the task fails with
    /// `Function.ResponseSizeTooLarge`, as an oversized Lambda response does.
    public var stdoutLimitBytes = 6_291_556

    /// A program executor.
    public init(
        command: Command, environment: [String: String] = [:], workingDirectory: String? = nil,
        timeoutSeconds: Double? = nil
    ) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeoutSeconds = timeoutSeconds
    }

    /// Runs `arguments` directly, without a shell.
    public init(arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil, timeoutSeconds: Double? = nil) {
        self.init(
            command: .arguments(arguments), environment: environment, workingDirectory: workingDirectory, timeoutSeconds: timeoutSeconds)
    }

    /// Runs `shell` with `/bin/sh -c`.
    public init(shell: String, environment: [String: String] = [:], workingDirectory: String? = nil, timeoutSeconds: Double? = nil) {
        self.init(command: .shell(shell), environment: environment, workingDirectory: workingDirectory, timeoutSeconds: timeoutSeconds)
    }

    /// Kills every task program still running, with everything each one started: for hosts
    /// (`sfn run`, `sfn serve`) on their way out, so that no program outlives them.
    public static func killRunningPrograms() { ProgramRun.killAll() }

    /// Runs the program with the input on stdin; its stdout is the result.
    public func execute(_ request: TaskRequest) async throws(StatesError) -> JSON {
        try await invoke(request).payload
    }

    /// Runs the program and returns its whole response.
    public func invoke(_ request: TaskRequest) async throws(StatesError) -> FunctionResponse {
        let outcome = try await run(stdin: Array(request.input.compactText.utf8))
        let stderrText = tail(outcome.stderr)
        switch outcome.termination {
        case .timedOut(let seconds):
            throw StatesError.programTimedOut(after: seconds)
        case .exited(0):
            return FunctionResponse(
                payload: try parseResult(outcome.stdout), bodyByteCount: outcome.stdout.count, log: stderrText)
        case .exited(let status):
            throw failure(outcome, description: "exit status \(status)", stderrTail: stderrText)
        case .signalled(let signal):
            throw failure(outcome, description: "signal: \(Self.signalName(signal))", stderrTail: stderrText)
        case .outputTooLarge(let limit):
            throw LambdaErrorDocument.make(
                type: "Function.ResponseSizeTooLarge",
                message: "Response payload size exceeded maximum allowed payload size (\(limit) bytes).")
        }
    }

    private func failure(_ outcome: ProcessOutcome, description: String, stderrTail: String) -> StatesError {
        let stdoutText = String(decoding: outcome.stdout, as: UTF8.self)
        if LambdaErrorDocument.parse(stdoutText) != nil {
            return LambdaErrorDocument.failure(documentText: stdoutText)
        }
        if let line = Self.lastDocumentLine(in: String(decoding: outcome.stderr, as: UTF8.self)) {
            return LambdaErrorDocument.failure(documentText: line)
        }
        var extra: JSONObject = [:]
        if !stderrTail.isEmpty { extra["stderr"] = .string(stderrTail) }
        return LambdaErrorDocument.make(
            type: "Runtime.ExitError", message: "Runtime exited with error: \(description)", extra: extra)
    }

    /// The last stderr line holding an error document: programs often log before failing.
    private static func lastDocumentLine(in text: String) -> String? {
        if LambdaErrorDocument.parse(text) != nil { return text }
        for line in text.split(whereSeparator: \.isNewline).reversed() {
            let candidate = String(line)
            if candidate.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            return LambdaErrorDocument.parse(candidate) != nil ? candidate : nil
        }
        return nil
    }

    private func parseResult(_ stdout: [UInt8]) throws(StatesError) -> JSON {
        let isBlank = stdout.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        // A handler that returns nothing: Lambda's result is null.
        if isBlank { return .null }
        do {
            return try JSON(parsing: stdout)
        } catch {
            let text = String(decoding: stdout.prefix(200), as: UTF8.self)
            throw LambdaErrorDocument.make(
                type: "Runtime.MarshalError",
                message: "Unable to parse the function's output as JSON (\(error.description)). Output began: \(text)")
        }
    }

    private func tail(_ bytes: [UInt8]) -> String {
        let kept = bytes.count > stderrTailBytes ? Array(bytes.suffix(stderrTailBytes)) : bytes
        return String(decoding: kept, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGKILL: "killed"
        case SIGTERM: "terminated"
        case SIGSEGV: "segmentation fault"
        case SIGABRT: "aborted"
        case SIGINT: "interrupt"
        default: "signal \(signal)"
        }
    }

    // MARK: Running the process

    private func launchTarget() throws(StatesError) -> (executable: String, arguments: [String]) {
        switch command {
        case .shell(let line):
            return ("/bin/sh", ["-c", line])
        case .arguments(let arguments):
            guard let program = arguments.first, !program.isEmpty else {
                throw LambdaErrorDocument.make(type: "Runtime.InvalidEntrypoint", message: "The command is empty.")
            }
            if program.contains("/") {
                let path =
                    program.hasPrefix("/") || workingDirectory == nil
                    ? program : URL(fileURLWithPath: workingDirectory ?? "").appendingPathComponent(program).path
                return (path, Array(arguments.dropFirst()))
            }
            let searchPath = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            for directory in searchPath.split(separator: ":") where !directory.isEmpty {
                let candidate = "\(directory)/\(program)"
                if FileManager.default.isExecutableFile(atPath: candidate) {
                    return (candidate, Array(arguments.dropFirst()))
                }
            }
            throw LambdaErrorDocument.make(
                type: "Runtime.InvalidEntrypoint", message: "The program '\(program)' was not found on PATH.")
        }
    }

    func run(stdin: [UInt8]) async throws(StatesError) -> ProcessOutcome {
        let (executable, arguments) = try launchTarget()
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        let launch = ProgramLaunch(
            executable: executable, arguments: arguments, environment: variables, workingDirectory: workingDirectory,
            timeoutSeconds: timeoutSeconds, stdoutLimit: stdoutLimitBytes, stderrKeptBytes: max(stderrTailBytes, 64 * 1024))
        switch await ProgramRun.run(launch, stdin: stdin) {
        case .success(let outcome):
            return outcome
        case .failure(let failure):
            throw LambdaErrorDocument.make(
                type: "Runtime.InvalidEntrypoint", message: "Could not start '\(executable)': \(failure.message)")
        }
    }
}
