import SFNJSON
import SFNRuntime

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

/// A repeatable entropy source for tests (SplitMix64).
final class SeededRandom: @unchecked Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    @Sendable func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
