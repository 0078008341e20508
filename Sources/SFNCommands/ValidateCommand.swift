import ArgumentParser

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check state machine definitions and report every problem found."
    )

    @Argument(help: "Definition files (JSON, YAML, or a SAM/CloudFormation template).")
    var files: [String]

    func run() async throws {
        throw ValidationError("validate is not implemented yet")
    }
}
