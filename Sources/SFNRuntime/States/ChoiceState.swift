import SFNJSON
import SFNLanguage

extension Interpreter {
    /// Choice: the first rule that holds decides the next state; else Default; else
    /// States.NoChoiceMatched.
    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func runChoice(_ entry: StateEntry, _ choice: ChoiceState, path: inout PathContext) throws(StatesError) -> StepOutcome {
        let context = self.context(for: entry)
        switch entry.state.flow {
        case .jsonPath(let flow):
            let selected: JSON
            do {
                selected = try select(
                    flow.inputPath, from: entry.input, field: "InputPath", scope: scope(entry.input, context: context, path: path))
            } catch {
                throw stateFailure(error, entry)
            }
            let ruleScope = scope(selected, context: context, path: path)
            for (offset, branch) in choice.choices.enumerated() {
                guard case .jsonPath(let rule) = branch.rule else { continue }
                let holds: Bool
                do {
                    holds = try rule.evaluate(ruleScope)
                } catch {
                    throw stateFailure(error, entry)
                }
                if holds {
                    return try leaveChoice(
                        entry, to: entry.state.choiceTargets[offset], assign: branch.assign, value: selected, context: context, path: &path)
                }
            }
            guard let defaultNext = entry.state.defaultTarget else { throw noChoiceMatched(entry) }
            return try leaveChoice(entry, to: defaultNext, assign: entry.state.assign, value: selected, context: context, path: &path)
        case .jsonata(let flow):
            let bindings = jsonataBindings(entry, context: context, path: path)
            for (offset, branch) in choice.choices.enumerated() {
                guard case .condition(let condition) = branch.rule else { continue }
                let value: JSON?
                do {
                    value = try condition.evaluateAllowingUndefined(bindings)
                } catch {
                    throw stateFailure(error, entry)
                }
                let holds: Bool
                switch value {
                case .bool(let flag)?: holds = flag
                default:
                    throw stateFailure(
                        StatesError.jsonataUnexpectedType(
                            condition.wholeExpressionSource ?? "", field: "Condition", expected: "boolean", value: value),
                        entry)
                }
                if holds {
                    let assigned = try assignments(branch.assign, entry, value: entry.input, context: context, path: path)
                    let output = try jsonataOutput(branch.output ?? flow.output, entry, context: context, result: nil, path: path)
                    try commit(assigned, entry, path: &path)
                    return StepOutcome(next: entry.state.choiceTargets[offset], output: output)
                }
            }
            guard let defaultNext = entry.state.defaultTarget else { throw noChoiceMatched(entry) }
            let assigned = try assignments(entry.state.assign, entry, value: entry.input, context: context, path: path)
            let output = try jsonataOutput(flow.output, entry, context: context, result: nil, path: path)
            try commit(assigned, entry, path: &path)
            return StepOutcome(next: defaultNext, output: output)
        }
    }

    private func leaveChoice(
        _ entry: StateEntry, to next: Int, assign: Assignment?, value: JSON, context: JSON, path: inout PathContext
    ) throws(StatesError) -> StepOutcome {
        let assigned = try assignments(assign, entry, value: value, context: context, path: path)
        let output: JSON
        if case .jsonPath(let flow) = entry.state.flow {
            do {
                output = try select(flow.outputPath, from: value, field: "OutputPath", scope: scope(value, context: context, path: path))
            } catch {
                throw stateFailure(error, entry)
            }
        } else {
            output = value
        }
        try commit(assigned, entry, path: &path)
        return StepOutcome(next: next, output: output)
    }

    private func noChoiceMatched(_ entry: StateEntry) -> StatesError {
        stateFailure(StatesError.noChoiceMatched, entry)
    }
}
