import Foundation
import Synchronization

/// What to start and under which limits.
package struct ProgramLaunch: Sendable {
    package var executable: String
    package var arguments: [String]
    package var environment: [String: String]
    package var workingDirectory: String?
    package var timeoutSeconds: Double?
    /// Past this much stdout the program is killed (the outcome says `.outputTooLarge`).
    package var stdoutLimit: Int
    /// How much of the end of stderr is kept.
    package var stderrKeptBytes: Int

    package init(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String? = nil,
        timeoutSeconds: Double?, stdoutLimit: Int, stderrKeptBytes: Int
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeoutSeconds = timeoutSeconds
        self.stdoutLimit = stdoutLimit
        self.stderrKeptBytes = stderrKeptBytes
    }
}

package struct ProcessOutcome: Sendable {
    package enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut(Double)
        /// Killed for writing more than this many bytes to stdout.
        case outputTooLarge(Int)
    }

    package var termination: Termination
    package var stdout: [UInt8]
    /// The end of stderr (at most `stderrKeptBytes`).
    package var stderr: [UInt8]
}

/// One running program, started with `posix_spawn` in a process group of its own, with default
/// signal dispositions and an empty signal mask (a server that ignores SIGTERM, or a worker thread
/// that blocks signals, must not pass that on: `timeout`, `alarm` and graceful shutdown work in
/// task programs as in a terminal).
///
/// Three threads serve it, each ending with the program: one feeds stdin, one waits for the
/// program to exit, and one drains stdout and stderr with `poll`, keeping at most the limits, and
/// keeps the clock: at the timeout, past the output limit, or on `kill()` it kills the process
/// group. Once the program has exited, pipes still held open by something it left behind get a
/// short grace, then the group is killed and reading stops whatever still holds them. The
/// group is killed at the end in any case, before the program is reaped (so its id cannot have
/// been reused by then).
package final class ProgramRun: @unchecked Sendable {
    // @unchecked: every mutable member is only touched with `lock` held.
    private let lock = NSLock()
    private let launch: ProgramLaunch
    private var continuation: CheckedContinuation<ProcessOutcome?, Never>?
    private var pid: pid_t = 0
    private var exited = false
    private var killRequested = false
    private var timedOut = false
    private var overflowed = false
    /// Written to when the program exits or a kill is requested, to wake the reader's `poll`.
    private var wake: (read: Int32, write: Int32) = (-1, -1)
    private(set) var launchError: String?

    /// How long pipes may stay open after the program has exited before the group is killed.
    static let exitGrace = 1.0
    /// After that kill, how long to wait for end of file before reading stops anyway (a holder
    /// in another process group or session is out of reach of the group kill).
    static let abandonGrace = 0.5

    /// Process groups of programs still running, for ``killAll()``.
    private static let runningGroups = Locked<Set<pid_t>>([])

    init(_ launch: ProgramLaunch) {
        self.launch = launch
    }

    /// Kills every program still running (their whole process groups): `sfn run` and `sfn serve`
    /// call this on their way out so that no task program outlives them.
    static func killAll() {
        let groups = runningGroups.withLock { $0 }
        for group in groups { _ = Foundation.kill(-group, SIGKILL) }
    }

    /// Pipes are created and the program spawned under one lock, so that no program started
    /// meanwhile inherits another's pipe ends between `pipe` and their close-on-exec flag.
    private static let spawnLock = NSLock()

    func start(continuation: CheckedContinuation<ProcessOutcome?, Never>, stdin: [UInt8]) {
        lock.withLock { self.continuation = continuation }
        Self.spawnLock.lock()
        guard let input = Self.makePipe(), let output = Self.makePipe(), let errors = Self.makePipe(), let wake = Self.makePipe()
        else {
            Self.spawnLock.unlock()
            fail("cannot create pipes: \(String(cString: strerror(errno)))")
            return
        }
        let spawned = spawn(stdin: input.read, stdout: output.write, stderr: errors.write)
        Self.spawnLock.unlock()
        // The program has its copies; these ends must close here so end of file can arrive.
        close(input.read)
        close(output.write)
        close(errors.write)
        guard case .success(let pid) = spawned else {
            for descriptor in [input.write, output.read, errors.read, wake.read, wake.write] { close(descriptor) }
            if case .failure(let message) = spawned { fail(message) }
            return
        }
        Self.runningGroups.withLock { _ = $0.insert(pid) }
        let killEarly = lock.withLock { () -> Bool in
            self.pid = pid
            self.wake = wake
            return killRequested
        }
        if killEarly { _ = Foundation.kill(-pid, SIGKILL) }

        thread {
            writeWithoutBrokenPipeSignal(stdin, to: input.write)
            close(input.write)
        }
        thread { [self] in
            // Waits without reaping: the zombie keeps the process id (and so the group id) taken
            // until the group has been killed for the last time.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            lock.withLock { exited = true }
            poke()
        }
        thread { [self] in drain(stdout: output.read, stderr: errors.read) }
    }

    private enum Spawned {
        case success(pid_t)
        case failure(String)
    }

    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) -> Spawned {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // Nothing else of sfn's reaches the program: not the server's listening socket, not its
        // clients' connections, not the store's database (descriptors without close-on-exec).
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        if let directory = launch.workingDirectory {
            guard let addChdir = Self.addChdir else { return .failure("this system cannot start programs in another folder") }
            guard addChdir(&actions, directory) == 0 else { return .failure("cannot use the folder '\(directory)'") }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                return .failure("the working folder '\(directory)' does not exist")
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var catchable = sigset_t()
        sigemptyset(&catchable)
        for signal in Int32(1)..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&catchable, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &catchable)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([launch.executable] + launch.arguments).map { strdup($0) }
        let envp = launch.environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, launch.executable, &actions, &attributes, argv + [nil], envp + [nil])
        guard status == 0 else { return .failure(String(cString: strerror(status))) }
        return .success(pid)
    }

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29, macOS 10.15), looked up at run time:
    /// the Swift Glibc module does not declare it.
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addChdir: AddChdir? = {
        #if os(Linux)
        let everywhere: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
        #else
        let everywhere = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
        #endif
        guard let symbol = dlsym(everywhere, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34), looked up at run time like
    /// `addChdir`.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        #if os(Linux)
        let everywhere: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
        #else
        let everywhere = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
        #endif
        guard let symbol = dlsym(everywhere, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Reads both pipes until end of file, enforcing the limits and the clock, then finishes.
    private func drain(stdout: Int32, stderr: Int32) {
        let clock = ContinuousClock()
        let deadline = launch.timeoutSeconds.map { clock.now + .milliseconds(Int64(min($0, 1e9) * 1000)) }
        var exitGraceEnd: ContinuousClock.Instant?
        var abandonAt: ContinuousClock.Instant?
        var output: [UInt8] = []
        var errorTail: [UInt8] = []
        var open = (stdout: true, stderr: true)
        let wakeRead = lock.withLock { wake.read }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
        defer { buffer.deallocate() }

        while true {
            let (hasExited, killWanted) = lock.withLock { (exited, killRequested) }
            if killWanted { killGroup() }
            if hasExited && !open.stdout && !open.stderr { break }
            let now = clock.now
            if let deadline, now >= deadline, !hasExited, !lock.withLock({ timedOut }) {
                lock.withLock { timedOut = true }
                killGroup()
            }
            if hasExited && exitGraceEnd == nil { exitGraceEnd = now + .milliseconds(Int64(Self.exitGrace * 1000)) }
            if let end = exitGraceEnd, now >= end, abandonAt == nil {
                killGroup()
                abandonAt = now + .milliseconds(Int64(Self.abandonGrace * 1000))
            }
            if let abandonAt, now >= abandonAt { break }

            var descriptors: [pollfd] = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            if open.stdout { descriptors.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
            if open.stderr { descriptors.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
            let wait = [deadline, exitGraceEnd, abandonAt].compactMap { $0 }.filter { $0 > now }.min().map { now.duration(to: $0) }
            let milliseconds =
                wait.map { Int32(clamping: $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000 + 1) } ?? -1
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready < 0 && errno != EINTR { break }
            if ready <= 0 { continue }
            for entry in descriptors where entry.revents != 0 {
                let count = read(entry.fd, buffer.baseAddress, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if entry.fd == wakeRead { continue }
                if count <= 0 {
                    if entry.fd == stdout { open.stdout = false } else { open.stderr = false }
                    continue
                }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                if entry.fd == stdout {
                    if output.count + count > launch.stdoutLimit {
                        // Past the limit nothing more is kept: the program and its group end here.
                        if !lock.withLock({ overflowed }) {
                            lock.withLock { overflowed = true }
                            killGroup()
                        }
                    } else {
                        output.append(contentsOf: chunk)
                    }
                } else {
                    errorTail.append(contentsOf: chunk)
                    if errorTail.count > 2 * launch.stderrKeptBytes { errorTail.removeFirst(errorTail.count - launch.stderrKeptBytes) }
                }
            }
        }
        close(stdout)
        close(stderr)
        if errorTail.count > launch.stderrKeptBytes { errorTail.removeFirst(errorTail.count - launch.stderrKeptBytes) }
        finish(stdout: output, stderr: errorTail)
    }

    private func finish(stdout: [UInt8], stderr: [UInt8]) {
        // Whatever the program left running goes with it; then the zombie is reaped.
        let pid = lock.withLock { self.pid }
        _ = Foundation.kill(-pid, SIGKILL)
        // The program has exited unless reading was abandoned: wait for it either way (it was killed).
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        Self.runningGroups.withLock { _ = $0.remove(pid) }
        let (timedOut, overflowed, wake, pending) = lock.withLock {
            () -> (Bool, Bool, (Int32, Int32), CheckedContinuation<ProcessOutcome?, Never>?) in
            let pending = continuation
            continuation = nil
            let wake = self.wake
            self.wake = (-1, -1)
            return (self.timedOut, self.overflowed, wake, pending)
        }
        close(wake.0)
        close(wake.1)
        let termination: ProcessOutcome.Termination
        if overflowed {
            termination = .outputTooLarge(launch.stdoutLimit)
        } else if timedOut, let seconds = launch.timeoutSeconds {
            termination = .timedOut(seconds)
        } else if status & 0x7F == 0 {
            termination = .exited((status >> 8) & 0xFF)
        } else {
            termination = .signalled(status & 0x7F)
        }
        pending?.resume(returning: ProcessOutcome(termination: termination, stdout: stdout, stderr: stderr))
    }

    /// Kills the program and everything in its process group, so pipes its children hold close too.
    func kill() {
        let started = lock.withLock { () -> Bool in
            killRequested = true
            return pid > 0
        }
        if started { poke() }
    }

    private func killGroup() {
        let pid = lock.withLock { self.pid }
        if pid > 0 { _ = Foundation.kill(-pid, SIGKILL) }
    }

    /// Wakes the reader's `poll`.
    private func poke() {
        let descriptor = lock.withLock { wake.write }
        guard descriptor >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(descriptor, &byte, 1)
    }

    private func fail(_ message: String) {
        let pending = lock.withLock { () -> CheckedContinuation<ProcessOutcome?, Never>? in
            launchError = message
            let pending = continuation
            continuation = nil
            return pending
        }
        pending?.resume(returning: nil)
    }

    private static func makePipe() -> (read: Int32, write: Int32)? {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { return nil }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    private func thread(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.stackSize = 256 * 1024
        thread.start()
    }
}
/// Writes all of `bytes`, stopping quietly when the reader has gone. A write to a pipe nobody reads
/// raises SIGPIPE, which would end this whole process: the signal is held back for this thread and
/// discarded, so the host's signal dispositions (which programs started here inherit) stay as they are.
func writeWithoutBrokenPipeSignal(_ bytes: [UInt8], to descriptor: Int32) {
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

extension ProgramRun {
    /// Runs `launch` to its end under its limits, killing it if the calling task is cancelled:
    /// the outcome, or why the program could not be started.
    package static func run(_ launch: ProgramLaunch, stdin: [UInt8]) async -> Result<ProcessOutcome, LaunchFailure> {
        let run = ProgramRun(launch)
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ProcessOutcome?, Never>) in
                run.start(continuation: continuation, stdin: stdin)
            }
        } onCancel: {
            run.kill()
        }
        guard let outcome else { return .failure(LaunchFailure(message: run.launchError ?? "unknown error")) }
        return .success(outcome)
    }

    /// Why a program could not be started.
    package struct LaunchFailure: Error {
        package var message: String
    }
}
