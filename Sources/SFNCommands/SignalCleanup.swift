import Foundation
import SFNRuntime

/// `sfn run` ends on SIGINT and SIGTERM as a terminal program should, but first kills the task
/// programs still running: they run in process groups of their own, so the terminal's Ctrl-C
/// does not reach them and they would outlive sfn.
enum SignalCleanup {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    /// What to say of the run when a signal ends it.
    static let describe = Locked<(@Sendable () -> String?)?>(nil)

    /// Installs the handlers (once, before any task program starts).
    static func install() {
        guard sources.isEmpty else { return }
        for signal in [SIGINT, SIGTERM] {
            Foundation.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler {
                ProcessExecutor.killRunningPrograms()
                // Say where the run was, so an interrupted run is not a silent one.
                let whereabouts = describe.withLock { $0 }?() ?? "the run was interrupted"
                Terminal.printError("\r\u{1B}[K\(signal == SIGINT ? "interrupted" : "terminated"): \(whereabouts)")
                exit(128 + signal)
            }
            source.resume()
            sources.append(source)
        }
    }
}
