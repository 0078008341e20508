import ArgumentParser

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workflow and print its output (or its error and cause)."
    )

    @Argument(help: "The definition file.")
    var definition: String

    func run() async throws {
        throw ValidationError("run is not implemented yet")
    }
}
