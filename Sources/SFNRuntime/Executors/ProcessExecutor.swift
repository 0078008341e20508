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
/// - running past `timeoutSeconds` kills the program's process group and fails with `States.Timeout`.
///
/// The caller's task is suspended, not blocked, while the program runs; three small threads feed
/// its stdin and drain stdout and stderr, and end with the program's pipes.
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if let workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory, isDirectory: true)
        }

        let run = ProcessRun(process: process)
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ProcessOutcome?, Never>) in
                run.start(continuation: continuation, stdin: stdin, timeoutSeconds: timeoutSeconds)
            }
        } onCancel: {
            run.kill()
        }
        guard let outcome else {
            throw LambdaErrorDocument.make(
                type: "Runtime.InvalidEntrypoint",
                message: "Could not start '\(executable)': \(run.launchError ?? "unknown error")")
        }
        return outcome
    }
}

struct ProcessOutcome: Sendable {
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut(Double)
    }

    var termination: Termination
    var stdout: [UInt8]
    var stderr: [UInt8]
}

/// One running program: collects its output on reader threads that end with the pipes, and resumes
/// the caller once the program has exited and both pipes reached end of file.
private final class ProcessRun: @unchecked Sendable {
    // @unchecked: the collected output and exit status are only touched with `lock` held.
    private let lock = NSLock()
    private let process: Process
    private var continuation: CheckedContinuation<ProcessOutcome?, Never>?
    private var stdout: [UInt8] = []
    private var stderr: [UInt8] = []
    private var openStreams = 2
    private var exited = false
    private var timedOutAfter: Double?
    private var killRequested = false
    private var timer: DispatchSourceTimer?
    private(set) var launchError: String?

    init(process: Process) {
        self.process = process
    }

    /// Launches are serialized so that no other program started here inherits this one's pipes
    /// between their creation and their close-on-exec flag: an inherited stdin write end would
    /// keep the program from ever seeing end of input.
    private static let launchLock = NSLock()

    func start(continuation: CheckedContinuation<ProcessOutcome?, Never>, stdin: [UInt8], timeoutSeconds: Double?) {
        lock.lock()
        self.continuation = continuation
        lock.unlock()

        // Raw pipes, not Foundation's Pipe: every descriptor here is closed exactly once, by this
        // code, so a descriptor number can never be closed again after the system reuses it.
        Self.launchLock.lock()
        guard let input = Self.makePipe(), let output = Self.makePipe(), let errors = Self.makePipe() else {
            Self.launchLock.unlock()
            fail(launchError: "cannot create pipes: \(String(cString: strerror(errno)))")
            return
        }
        process.standardInput = FileHandle(fileDescriptor: input.read, closeOnDealloc: false)
        process.standardOutput = FileHandle(fileDescriptor: output.write, closeOnDealloc: false)
        process.standardError = FileHandle(fileDescriptor: errors.write, closeOnDealloc: false)
        process.terminationHandler = { [self] _ in
            lock.lock()
            exited = true
            lock.unlock()
            finishIfDone()
        }
        do {
            try process.run()
        } catch {
            Self.launchLock.unlock()
            for descriptor in [input.read, input.write, output.read, output.write, errors.read, errors.write] {
                close(descriptor)
            }
            process.terminationHandler = nil
            fail(launchError: String(describing: error))
            return
        }
        // The program has its copies; these ends must close here so end of file can arrive.
        close(input.read)
        close(output.write)
        close(errors.write)
        Self.launchLock.unlock()

        watch(output.read, intoStdout: true)
        watch(errors.read, intoStdout: false)
        lock.lock()
        let cancelledBeforeLaunch = killRequested
        lock.unlock()
        if cancelledBeforeLaunch { kill() }

        if let timeoutSeconds {
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + timeoutSeconds)
            timer.setEventHandler { [self] in
                lock.lock()
                if !exited { timedOutAfter = timeoutSeconds }
                lock.unlock()
                kill()
            }
            lock.lock()
            self.timer = timer
            lock.unlock()
            timer.resume()
        }

        // The program may read its input slowly or not at all; writing on a queue keeps a full pipe
        // from stalling the caller, and a program that exits early just ends the write.
        let writer = Thread {
            writeWithoutBrokenPipeSignal(stdin, to: input.write)
            close(input.write)
        }
        writer.stackSize = 256 * 1024
        writer.start()
    }

    private func fail(launchError message: String) {
        lock.lock()
        launchError = message
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume(returning: nil)
    }

    private static func makePipe() -> (read: Int32, write: Int32)? {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { return nil }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    /// Drains a pipe to end of file on a thread of its own. (Dispatch read sources and
    /// FileHandle.readabilityHandler both left runs hanging under concurrent launches on Linux; a
    /// blocking loop is dependable, and the thread lives only as long as the program keeps the pipe open.)
    private func watch(_ descriptor: Int32, intoStdout: Bool) {
        let thread = Thread { [self] in
            let capacity = 65_536
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let count = read(descriptor, buffer.baseAddress, capacity)
                if count > 0 {
                    let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                    lock.lock()
                    if intoStdout {
                        stdout.append(contentsOf: chunk)
                    } else {
                        stderr.append(contentsOf: chunk)
                    }
                    lock.unlock()
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(descriptor)
            lock.lock()
            openStreams -= 1
            lock.unlock()
            finishIfDone()
        }
        thread.stackSize = 256 * 1024
        thread.start()
    }

    private func finishIfDone() {
        lock.lock()
        guard exited, openStreams == 0, let continuation else {
            lock.unlock()
            return
        }
        self.continuation = nil
        timer?.cancel()
        timer = nil
        // Breaks the process → handler → run cycle so both are released.
        process.terminationHandler = nil
        let termination: ProcessOutcome.Termination
        if let timedOutAfter {
            termination = .timedOut(timedOutAfter)
        } else if process.terminationReason == .uncaughtSignal {
            termination = .signalled(process.terminationStatus)
        } else {
            termination = .exited(process.terminationStatus)
        }
        let outcome = ProcessOutcome(termination: termination, stdout: stdout, stderr: stderr)
        lock.unlock()
        continuation.resume(returning: outcome)
    }

    /// Kills the program and everything it started (Foundation starts it as a process group leader),
    /// so pipes held by its children close too.
    func kill() {
        lock.lock()
        killRequested = true
        let isRunning = process.isRunning
        let pid = process.processIdentifier
        lock.unlock()
        guard isRunning, pid > 0 else { return }
        if Foundation.kill(-pid, SIGKILL) != 0 {
            _ = Foundation.kill(pid, SIGKILL)
        }
    }
}

/// Writes all of `bytes`, stopping quietly when the reader has gone. A write to a pipe nobody reads
/// raises SIGPIPE, which would end this whole process: the signal is held back for this thread and
/// discarded, so the host's signal dispositions (which programs started here inherit) stay as they are.
private func writeWithoutBrokenPipeSignal(_ bytes: [UInt8], to descriptor: Int32) {
    guard !bytes.isEmpty else { return }
    #if os(Linux)
    var brokenPipe = sigset_t()
    sigemptyset(&brokenPipe)
    sigaddset(&brokenPipe, SIGPIPE)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &brokenPipe, &previous)
    defer {
        var pending = sigset_t()
        sigpending(&pending)
        if sigismember(&pending, SIGPIPE) == 1 {
            var noWait = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&brokenPipe, nil, &noWait)
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }
    #else
    _ = fcntl(descriptor, F_SETNOSIGPIPE, 1)
    #endif
    bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, base + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
