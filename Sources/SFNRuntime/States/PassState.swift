import SFNJSON
import SFNLanguage

extension Interpreter {
    /// Pass: its Result (or its effective input) becomes the result.
    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func runPass(_ entry: StateEntry, result: JSON?, path: inout PathContext) throws(StatesError) -> StepOutcome {
        if let placement = entry.state.plainPassPlacement, run.inspection == nil {
            // What the general path below does for these fields, without its scopes.
            do {
                return StepOutcome(next: entry.state.next, output: try place(result ?? entry.input, into: entry.input, placement))
            } catch {
                throw stateFailure(error, entry)
            }
        }
        let context = self.context(for: entry)
        switch entry.state.flow {
        case .jsonPath(let flow):
            let effective = try effectiveInput(flow, entry, context: context, path: path)
            return try finish(entry, result: result ?? effective, context: context, path: &path)
        case .jsonata:
            // A JSONata Pass has no result of its own: Output defaults to the input and Assign sees
            // `$states.input`.
            let output: JSON
            let assigned = try assignments(entry.state.assign, entry, value: entry.input, context: context, path: path)
            if case .jsonata(let flow) = entry.state.flow {
                output = try jsonataOutput(flow.output, entry, context: context, result: nil, path: path)
            } else {
                output = entry.input
            }
            try commit(assigned, entry, path: &path)
            return StepOutcome(next: entry.state.next, output: output)
        }
    }
}
