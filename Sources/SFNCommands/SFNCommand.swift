import ArgumentParser

/// The `sfn` command line: one subcommand per job.
public struct SFNCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "sfn",
        abstract: "Run Amazon States Language workflows locally, faithfully and fast.",
        version: version,
        subcommands: [RunCommand.self, ValidateCommand.self, ServeCommand.self]
    )

    public init() {}
}
