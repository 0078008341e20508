import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the AWS Step Functions API on localhost for SDKs, the AWS CLI and task-token callbacks."
    )

    func run() async throws {
        throw ValidationError("serve is not implemented yet")
    }
}
