import Foundation
import SFNJSON
import SFNLanguage
import SFNTestSupport
import Testing

@testable import SFNRuntime

/// Task programs cannot hang a task, fill memory, or inherit the host's signal setup.
@Suite struct TaskProgramLimitTests {
    func run(_ executor: ProcessExecutor, _ input: JSON = .emptyObject) async -> Result<JSON, StatesError> {
        do throws(StatesError) {
            return .success(try await executor.execute(taskRequest(input)))
        } catch {
            return .failure(error)
        }
    }

    @Test func aChildHoldingStdoutOpenDoesNotHoldTheTask() async {
        // The program answers and exits; the background sleep keeps stdout open for 600 s. The
        // time measured includes waiting for a thread of the cooperative pool, which a whole
        // suite's worth of other tests can keep busy (21 s once on CI), so the bound sits between
        // any such wait and the 600 s a task waiting for the child would take.
        let executor = ProcessExecutor(shell: #"sleep 600 & echo '{"done":true}'"#)
        let started = Date()
        let result = await run(executor)
        #expect((try? result.get()) == ["done": true], "\(result)")
        #expect(Date().timeIntervalSince(started) < 300, "the task waited for the leftover child (600 s)")
    }

    @Test func theTimeoutHoldsWhenTheProgramExitsButAChildKeepsItsPipes() async {
        // The program itself leaves at once; its child never closes stdout. timeoutSeconds 600 is
        // not reached: the exit grace ends the task, and the leftover child is killed with it
        // (the bound on the time is chosen as in the test above).
        // A sleep with a duration no other process has, so pgrep finds only this one.
        let marker = "sleep 600.\(UInt32.random(in: 1..<UInt32.max))"
        let executor = ProcessExecutor(shell: "\(marker) & exit 0", timeoutSeconds: 600)
        let started = Date()
        let result = await run(executor)
        #expect((try? result.get()) == .null, "\(result)")
        #expect(Date().timeIntervalSince(started) < 300, "the task waited for the leftover child (600 s)")
        try? await Task.sleep(for: .milliseconds(200))
        let survivors = try? await runProcess("/usr/bin/pgrep", ["-f", marker])
        #expect(survivors?.status == 1, "a task program's child outlived the task")
    }

    @Test func programsStartWithDefaultSignalsWhateverTheHostIgnores() async throws {
        // The host ignores SIGUSR2 (as a server ignores SIGTERM to handle it itself); the program
        // must not inherit that, nor any blocked signal.
        let previous = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, previous) }
        let executor = ProcessExecutor(
            shell:
                #"printf '{"blocked":"%s","ignored":"%s"}' $(grep SigBlk /proc/self/status | cut -f2) $(grep SigIgn /proc/self/status | cut -f2)"#
        )
        let result = try await executor.execute(taskRequest(.emptyObject))
        let blocked = UInt64(try #require(result["blocked"]?.stringValue), radix: 16)
        let ignored = UInt64(try #require(result["ignored"]?.stringValue), radix: 16)
        #expect(blocked == 0)
        // Bits 0...30 are signals 1...31 (glibc keeps its own real-time signals above them).
        #expect((ignored ?? .max) & 0x7FFF_FFFF == 0)
    }

    @Test func outputPastTheLimitKillsTheProgramAndFails() async {
        // `yes` never stops: without a bound this would fill memory.
        var executor = ProcessExecutor(arguments: ["yes"])
        executor.stdoutLimitBytes = 1 << 20
        let started = Date()
        let result = await run(executor)
        guard case .failure(let error) = result else {
            Issue.record("an endless output succeeded")
            return
        }
        #expect(error.error == "Function.ResponseSizeTooLarge")
        #expect(error.cause?.contains("1048576 bytes") == true)
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func hugeStderrKeepsOnlyItsEnd() async {
        // 20 MB of log lines, then the error document Lambda conventions read from stderr.
        let executor = ProcessExecutor(
            arguments: [
                "python3", "-c",
                "import sys\nfor i in range(200000): sys.stderr.write('log line %d padding padding padding padding padding padding padding\\n' % i)\nsys.stderr.write('{\"errorType\":\"Broke\",\"errorMessage\":\"at the end\"}\\n')\nsys.exit(1)",
            ])
        let started = Date()
        let result = await run(executor)
        guard case .failure(let error) = result else {
            Issue.record("a failing program succeeded")
            return
        }
        #expect(error.error == "Broke")
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func aMissingWorkingFolderIsAClearError() async {
        let executor = ProcessExecutor(shell: "true", workingDirectory: "/no/such/folder")
        guard case .failure(let error) = await run(executor) else {
            Issue.record("ran in a folder that does not exist")
            return
        }
        #expect(error.error == "Runtime.InvalidEntrypoint")
        #expect(error.cause?.contains("/no/such/folder") == true)
    }
}
