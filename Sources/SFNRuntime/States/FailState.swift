import SFNJSON
import SFNLanguage

extension Interpreter {
    /// Fail: raises its Error and Cause (literal, from a path, or from JSONata).
    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func runFail(_ entry: StateEntry, _ plan: FailState, path: inout PathContext) throws(StatesError) -> StepOutcome {
        let context = self.context(for: entry)
        let error = try text(of: plan.error, field: "ErrorPath", entry, context: context, path: path)
        let cause = try text(of: plan.cause, field: "CausePath", entry, context: context, path: path)
        // A Fail state without Error reports no error name; "" stands for it until the result is built.
        throw StatesError(error ?? "", cause: cause)
    }

    private func text(
        of source: ValueSource?, field: String, _ entry: StateEntry, context: JSON, path: PathContext
    ) throws(StatesError) -> String? {
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
            throw stateFailure(StatesError.failPathNotFound(path: expression.text, field: field, input: entry.input), entry)
        case (.path(let expression, let field), let other?):
            throw stateFailure(StatesError.failPathNotString(path: expression.text, field: field, value: other), entry)
        case (.expression(let template), let other):
            throw stateFailure(
                StatesError.jsonataUnexpectedType(
                    template.wholeExpressionSource ?? "", field: template.fieldName, expected: "string", value: other),
                entry)
        case (.literal, let other), (.intrinsic, let other):
            return other.map(StatesError.plainText)
        }
    }
}
