import SFNJSON
import SFNLanguage

extension Interpreter {
    /// Fail: raises its Error and Cause (literal, from a path, or from JSONata).
    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func runFail(_ entry: StateEntry, _ plan: FailPlan, path: inout PathContext) throws(StatesError) -> StepOutcome {
        let context = self.context(for: entry)
        let error = try text(of: plan.error, field: "ErrorPath", entry, context: context, path: path)
        let cause = try text(of: plan.cause, field: "CausePath", entry, context: context, path: path)
        // A Fail state without Error reports no error name; "" stands for it until the result is built.
        throw StatesError(error ?? "", cause: cause)
    }

    private func text(of source: ValueSource?, field: String, _ entry: StateEntry, context: JSON, path: PathContext) throws(StatesError) -> String? {
        guard let source else { return nil }
        let value: JSON?
        do {
            value = try resolve(source, entry, input: entry.input, context: context, path: path)
        } catch {
            throw stateFailure(error, entry)
        }
        switch (source, value) {
        case (_, .string(let text)?):
            return text
        case (.path(let expression, let field), nil):
            throw stateFailure(
                StatesError.runtime(
                    "The JSONPath '\(expression.text)' specified for the field '\(field)' could not be found in the input '\(entry.input.compactText)'"),
                entry)
        case (.path(let expression, let field), let other?):
            throw stateFailure(
                StatesError.runtime(
                    "The JSONPath '\(expression.text)' specified for the field '\(field)' did not resolve to a string: \(other.compactText)"),
                entry)
        case (.jsonata(let template, let field), let other):
            throw stateFailure(
                StatesError.queryEvaluation(
                    "The JSONata expression '\(template.wholeExpressionSource ?? "")' specified for the field '\(field)' returned an unexpected result type. Expected 'string', but was '\(other?.typeName ?? "undefined")' for value: \(other?.compactText ?? "undefined")"),
                entry)
        case (.literal, let other), (.intrinsic, let other):
            return other.map(Self.plain)
        }
    }
}

