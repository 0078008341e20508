import Foundation
import SFNJSON
import SFNJSONata
import SFNLanguage

/// The JSONata environment AWS Step Functions gives expressions: its extra functions
/// ($partition, $range, $hash, $random, $uuid, $parse) on top of the standard library, with the
/// runtime's injected entropy.
enum StepFunctionsJSONata {
    static func environment(random: @escaping @Sendable () -> UInt64) -> JSONataEnvironment {
        let unit: @Sendable () -> Double = { Double(random() >> 11) / Double(1 << 53) }
        let functions = JSONataEnvironment.stepFunctionsFunctions(
            random: unit,
            uuid: { UUIDs.make(random) },
            hash: { value, algorithm in
                DigestAlgorithm(rawValue: algorithm)?.hexDigest(of: value)
            })
        return JSONataEnvironment(random: unit, functions: functions)
    }
}
