import Foundation

/// Runs blocking `work` on a thread of its own and waits for it without holding a thread.
///
/// Swift Testing runs tests, synchronous ones too, on the cooperative pool, which has as many
/// threads as the machine has cores: two on CI. A test that blocks one of them (reading a
/// program's output to its end, `waitUntilExit`) for many seconds halves the pool for every other
/// test; two such tests stop them all, and tests that measure time then fail for waits that are
/// not theirs.
public func offThePool<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
    await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}

/// Reads `output` and `errors` to their end, each on a thread of its own (so that neither pipe
/// can fill while the other is read), then waits for `process` to exit; no thread of the
/// cooperative pool waits meanwhile.
public func finish(_ process: Process, output: Pipe? = nil, errors: Pipe? = nil) async -> (output: Data, errors: Data) {
    async let errorText = offThePool { errors?.fileHandleForReading.readDataToEndOfFile() ?? Data() }
    let outputText = await offThePool { output?.fileHandleForReading.readDataToEndOfFile() ?? Data() }
    let errorsRead = await errorText
    await offThePool { process.waitUntilExit() }
    return (outputText, errorsRead)
}

/// Runs a program to its end off the cooperative pool, capturing its output. `input` is written
/// to its standard input (on a thread of its own, so a program that answers before it has read
/// everything cannot block the writer); without it, standard input is empty.
public func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: String? = nil
) async throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let outputPipe = Pipe()
    let errorPipe = Pipe()
    let inputPipe = input.map { _ in Pipe() }
    process.standardInput = inputPipe ?? FileHandle.nullDevice
    process.standardOutput = outputPipe
    process.standardError = errorPipe
    try process.run()
    if let inputPipe, let input {
        Thread.detachNewThread {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inputPipe.fileHandleForWriting.close()
        }
    }
    let (output, error) = await finish(process, output: outputPipe, errors: errorPipe)
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
}

/// Reads `pipe` until what was read contains `marker`, its end, or `deadline` (checked between
/// chunks), off the cooperative pool; the pipe stays open for the rest.
public func readPipe(_ pipe: Pipe, until marker: String, deadline: Date = .distantFuture) async -> String {
    await offThePool {
        var text = ""
        while !text.contains(marker) && Date() < deadline {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return text
    }
}
