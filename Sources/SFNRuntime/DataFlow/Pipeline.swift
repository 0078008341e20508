import SFNJSON
import SFNJSONata
import SFNLanguage

// The input/output pipeline, in one place.
//
// JSONPath states:  InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath
// JSONata states:   Arguments → (work) → Output            (with `$states.input/result/errorOutput`)
// Assign is evaluated with the variables as they were when the state was entered, alongside the
// output, and its values become visible from the next state on.

extension Interpreter {
    /// The scope JSONPath expressions of a state see.
    func scope(_ input: JSON, context: JSON, path: PathContext) -> ExpressionScope {
        let variables = path.variables
        return ExpressionScope(
            input: input, context: context, variable: { variables.value(named: $0) }, random: run.configuration.random)
    }

    func context(for entry: StateEntry, retryCount: Int? = nil, taskToken: String? = nil) -> JSON {
        guard entry.state.readsContext || taskToken != nil else { return .emptyObject }
        return contextObject(
            stateName: entry.state.name, enteredTime: entry.enteredAt, retryCount: retryCount, taskToken: taskToken)
    }

    /// `$states` and the variables for a JSONata state.
    func jsonataBindings(
        _ entry: StateEntry, context: JSON, result: JSON? = nil, errorOutput: JSON? = nil, path: PathContext
    ) -> JSONataBindings {
        var states = JSONataBindings.StatesParts(input: entry.input, result: result, errorOutput: errorOutput)
        if context.objectValue == nil || context == .emptyObject {
            // Built only for states whose expressions may read it (`State.readsContext`).
            if entry.state.readsContext { states.context = contextObject(stateName: entry.state.name, enteredTime: entry.enteredAt) }
        } else {
            states.context = context
        }
        return JSONataBindings(input: entry.input, states: states, variables: path.variables, environment: run.jsonataEnvironment)
    }

    // MARK: JSONPath steps

    func select(
        _ selection: PathSelection, from value: JSON, field: String, scope: @autoclosure () -> ExpressionScope
    ) throws(StatesError) -> JSON {
        switch selection {
        case .whole: return value
        case .discard: return .emptyObject
        case .path(let path):
            var pathScope = scope()
            pathScope.input = value
            switch path.evaluateExplained(pathScope) {
            case .success(let selected): return selected
            case .failure(let miss): throw StatesError.invalidPath(path.text, "\(miss)")
            }
        }
    }

    func place(_ result: JSON, into input: JSON, _ placement: ResultPlacement) throws(StatesError) -> JSON {
        switch placement {
        case .replace: return result
        case .discard: return input
        case .at(let reference): return try reference.setting(result, in: input)
        }
    }

    /// InputPath then Parameters: the effective input of a JSONPath state.
    func effectiveInput(_ flow: JSONPathFlow, _ entry: StateEntry, context: JSON, path: PathContext) throws(StatesError) -> JSON {
        do {
            let selected = try select(
                flow.inputPath, from: entry.input, field: "InputPath", scope: scope(entry.input, context: context, path: path))
            run.inspection?.note("afterInputPath", selected)
            guard let parameters = flow.parameters else {
                run.inspection?.note("afterParameters", selected)
                return selected
            }
            let effective = try parameters.evaluate(scope(selected, context: context, path: path))
            run.inspection?.note("afterParameters", effective)
            return effective
        } catch {
            throw stateFailure(error, entry)
        }
    }

    /// ResultSelector, ResultPath, OutputPath for a JSONPath state's result; returns the state
    /// output and the selected result (what Assign sees as `$`).
    func jsonPathOutput(
        _ flow: JSONPathFlow, result: JSON, _ entry: StateEntry, context: JSON, path: PathContext
    ) throws(StatesError) -> (output: JSON, result: JSON) {
        do {
            var selectedResult = result
            if let selector = flow.resultSelector {
                selectedResult = try selector.evaluate(scope(result, context: context, path: path))
            }
            run.inspection?.note("result", result)
            run.inspection?.note("afterResultSelector", selectedResult)
            let placed = try place(selectedResult, into: entry.input, flow.resultPath)
            run.inspection?.note("afterResultPath", placed)
            let output = try select(flow.outputPath, from: placed, field: "OutputPath", scope: scope(placed, context: context, path: path))
            return (output, selectedResult)
        } catch {
            throw stateFailure(error, entry)
        }
    }

    /// Evaluates an Assign block (not yet applied).
    func assignments(
        _ plan: Assignment?, _ entry: StateEntry, value: JSON, context: JSON, result: JSON? = nil, errorOutput: JSON? = nil,
        path: PathContext
    ) throws(StatesError) -> JSONObject? {
        guard let plan else { return nil }
        do {
            switch plan {
            case .jsonPath(let template):
                return try template.evaluate(scope(value, context: context, path: path)).objectValue
            case .jsonata(let template):
                let bindings = jsonataBindings(entry, context: context, result: result, errorOutput: errorOutput, path: path)
                return try template.evaluate(bindings).objectValue
            }
        } catch {
            throw stateFailure(error, entry)
        }
    }

    /// Makes a state's assignments visible from the next state on. AWS caps what one state may
    /// assign at the payload limit.
    func commit(_ assigned: JSONObject?, _ entry: StateEntry, path: inout PathContext) throws(StatesError) {
        guard let assigned, !assigned.isEmpty else { return }
        if PayloadSize.exceeds(.object(assigned), limit: run.configuration.maxPayloadBytes) {
            throw StatesError.assignedVariablesTooLarge(state: entry.state.name)
        }
        path.variables.assign(assigned)
        if history.wantsDetails { path.assignedForHistory = assigned }
    }

    /// Arguments of a JSONata state (the effective input; the raw input when absent).
    func jsonataArguments(_ flow: JSONataFlow, _ entry: StateEntry, context: JSON, path: PathContext) throws(StatesError) -> JSON {
        guard let arguments = flow.arguments else {
            run.inspection?.note("afterArguments", entry.input)
            return entry.input
        }
        do {
            let effective = try arguments.evaluate(jsonataBindings(entry, context: context, path: path))
            run.inspection?.note("afterArguments", effective)
            return effective
        } catch {
            throw stateFailure(error, entry)
        }
    }

    /// Output of a JSONata state (the result, or the input when the state has none, when absent).
    func jsonataOutput(
        _ template: JSONataValue?, _ entry: StateEntry, context: JSON, result: JSON?, errorOutput: JSON? = nil, path: PathContext
    ) throws(StatesError) -> JSON {
        guard let template else { return errorOutput ?? result ?? entry.input }
        do {
            return try template.evaluate(
                jsonataBindings(entry, context: context, result: result, errorOutput: errorOutput, path: path))
        } catch {
            throw stateFailure(error, entry)
        }
    }

    /// The whole pipeline after the work for states that produce a result (Pass, Task, Parallel,
    /// Map): output, assignments evaluated against the old variables, then applied.
    func finish(_ entry: StateEntry, result: JSON, context: JSON, path: inout PathContext) throws(StatesError) -> StepOutcome {
        let output: JSON
        let assigned: JSONObject?
        switch entry.state.flow {
        case .jsonPath(let flow):
            let shaped = try jsonPathOutput(flow, result: result, entry, context: context, path: path)
            assigned = try assignments(entry.state.assign, entry, value: shaped.result, context: context, path: path)
            output = shaped.output
        case .jsonata(let flow):
            run.inspection?.note("result", result)
            assigned = try assignments(entry.state.assign, entry, value: result, context: context, result: result, path: path)
            output = try jsonataOutput(flow.output, entry, context: context, result: result, path: path)
        }
        try commit(assigned, entry, path: &path)
        return StepOutcome(next: entry.state.next, output: output)
    }

    /// Output for states without a result (Choice, Wait, Succeed): InputPath then OutputPath.
    func passThrough(
        _ entry: StateEntry, context: JSON, path: PathContext, output template: JSONataValue? = nil
    ) throws(StatesError) -> JSON {
        switch entry.state.flow {
        case .jsonPath(let flow):
            do {
                let selected = try select(
                    flow.inputPath, from: entry.input, field: "InputPath", scope: scope(entry.input, context: context, path: path))
                return try select(
                    flow.outputPath, from: selected, field: "OutputPath", scope: scope(selected, context: context, path: path))
            } catch {
                throw stateFailure(error, entry)
            }
        case .jsonata(let flow):
            return try jsonataOutput(template ?? flow.output, entry, context: context, result: nil, path: path)
        }
    }

    /// The state output after a Catcher took the error.
    func applyCatch(
        _ catcher: Catcher, next: Int, _ failure: StatesError, _ entry: StateEntry, path: inout PathContext
    ) throws(StatesError) -> StepOutcome {
        let errorOutput = failure.errorOutput
        let context = self.context(for: entry)
        let output: JSON
        let assigned: JSONObject?
        if entry.state.isJSONata {
            assigned = try assignments(catcher.assign, entry, value: errorOutput, context: context, errorOutput: errorOutput, path: path)
            output = try jsonataOutput(catcher.output, entry, context: context, result: nil, errorOutput: errorOutput, path: path)
        } else {
            assigned = try assignments(catcher.assign, entry, value: errorOutput, context: context, path: path)
            do {
                output = try place(errorOutput, into: entry.input, catcher.resultPath)
            } catch {
                throw stateFailure(error, entry)
            }
        }
        try commit(assigned, entry, path: &path)
        return StepOutcome(next: next, output: output)
    }

    /// Reads a literal / path / JSONata value (TimeoutSeconds, Error, MaxConcurrency, ...).
    func resolve(_ source: ValueSource, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext) throws(StatesError) -> JSON? {
        switch source {
        case .literal(let value):
            return value
        case .path(let expression, _):
            return expression.evaluate(scope(input, context: context, path: path))
        case .intrinsic(let call, let field):
            return try call.evaluate(scope(input, context: context, path: path), field: field)
        case .expression(let value):
            return try value.evaluateAllowingUndefined(jsonataBindings(entry, context: context, path: path))
        }
    }
}
