import SFNJSON

/// What an expression (JSONPath, payload template, intrinsic call, choice rule) may read while it
/// is evaluated. Built by the runtime for each evaluation; cheap to create.
public struct ExpressionScope {
    /// `$`: the value the expression is applied to (state input, effective input, result, ...).
    public var input: JSON
    /// `$$`: the context object.
    public var context: JSON
    /// `$name`: the variables visible to the state; `nil` when the variable is not defined.
    public var variable: (String) -> JSON?
    /// Entropy for States.UUID and unseeded States.MathRandom; injected so tests are repeatable.
    public var random: () -> UInt64

    /// What paths read: the input (`$`), the context object (`$$`), variables and entropy.
    public init(
        input: JSON,
        context: JSON = .emptyObject,
        variable: @escaping (String) -> JSON? = { _ in nil },
        random: @escaping () -> UInt64 = { UInt64.random(in: .min ... .max) }
    ) {
        self.input = input
        self.context = context
        self.variable = variable
        self.random = random
    }
}
