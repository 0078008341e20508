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
