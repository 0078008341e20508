import SFNJSON
import SFNLanguage

extension Interpreter {
    /// Succeed: ends its path with its (filtered) input.
    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func runSucceed(_ entry: StateEntry, path: inout PathContext) throws(StatesError) -> StepOutcome {
        let output = try passThrough(entry, context: context(for: entry), path: path)
        return StepOutcome(next: nil, output: output)
    }
}
