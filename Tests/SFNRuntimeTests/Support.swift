import SFNJSON
import SFNRuntime
import SFNTestSupport

/// Runs a definition under a virtual clock starting at 2024-01-01T00:00:00Z.
func runWorkflow(
    _ definition: String, input: JSON = .emptyObject, configure: (inout RuntimeConfiguration) -> Void = { _ in }
) async throws -> ExecutionResult {
    var configuration = RuntimeConfiguration.virtualTime(startingAt: 1_704_067_200_000)
    configuration.random = SeededRandom(seed: 7).next
    configure(&configuration)
    let runtime = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)
    return await runtime.run(input: input, name: "test-execution")
}
