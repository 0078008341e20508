import Foundation
import SFNRuntime

/// `sfn run` ends on SIGINT and SIGTERM as a terminal program should, but first kills the task
/// programs still running: they run in process groups of their own, so the terminal's Ctrl-C
/// does not reach them and they would outlive sfn.
enum SignalCleanup {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers (once, before any task program starts).
    static func install() {
        guard sources.isEmpty else { return }
        for signal in [SIGINT, SIGTERM] {
            Foundation.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler {
                ProcessExecutor.killRunningPrograms()
                exit(128 + signal)
            }
            source.resume()
            sources.append(source)
        }
    }
}
