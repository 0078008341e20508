import ArgumentParser
import Foundation

/// The `sfn` command line: one subcommand per job.
public struct SFNCommand: AsyncParsableCommand {
    /// The version `sfn --version` prints.
    public static let version = "0.1.0"

    /// The subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "sfn",
        abstract: "Run Amazon States Language workflows locally, faithfully and fast.",
        version: version,
        subcommands: [RunCommand.self, ValidateCommand.self, ServeCommand.self, GraphCommand.self]
    )

    /// The root command.
    public init() {}
}

extension SFNCommand {
    /// Runs the command line and ends the process: the one place where any error becomes text on
    /// stderr and an exit code (2 for every usage problem, whatever the parser's own default).
    public static func runAndExit(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                // --help and --version answer on stdout, so `sfn run --help | grep mock` finds it.
                if !message.isEmpty { Terminal.write(message + "\n") }
                Foundation.exit(0)
            }
            if !message.isEmpty {
                Terminal.printError(message)
            }
            if code == .validationFailure {
                // Help requested via a usage error still explains itself; the code says "usage".
                Foundation.exit(2)
            }
            Foundation.exit(code.rawValue)
        }
    }
}
