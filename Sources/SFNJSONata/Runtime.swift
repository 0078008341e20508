/// A scope of variable bindings; lambdas capture the frame they were defined in.
final class Frame {
    private var bindings: [String: Value?] = [:]
    let parent: Frame?

    init(parent: Frame?) {
        self.parent = parent
    }

    func bind(_ name: String, _ value: Value?) {
        bindings[name] = .some(value)
    }

    /// `.some(nil)` when bound to undefined, `nil` when not bound anywhere.
    func lookup(_ name: String) -> Value?? {
        var frame: Frame? = self
        while let current = frame {
            if !current.bindings.isEmpty, let found = current.bindings[name] { return .some(found) }
            frame = current.parent
        }
        return nil
    }
}

/// A tuple of a `@`/`#` step: the context value plus the variables bound along the path.
struct Tuple {
    var context: Value?
    var bindings: [String: Value?]
}

/// A built-in or host function implementation.
struct NativeFunction: Sendable {
    typealias Body = @Sendable (Evaluator, [Value?], Value?) throws(EvaluationFailure) -> Value?
    var name: String
    var signature: Signature?
    var body: Body

    init(_ name: String, _ signature: String?, _ body: @escaping Body) {
        self.name = name
        // Signatures of built-ins are fixed text known to parse.
        self.signature = signature.flatMap { try? Signature($0) }
        self.body = body
    }
}

final class FunctionValue {
    enum Kind {
        case lambda(LambdaDefinition, frame: Frame, input: Value?)
        case native(NativeFunction)
        /// Arguments fixed by partial application; `nil` entries are the `?` placeholders.
        case partial(FunctionValue, [Value??])
        case composition(FunctionValue, FunctionValue)
        case regex(RegexBox)
        case transform(pattern: Node, update: Node, deletion: Node?, frame: Frame)
    }

    let kind: Kind

    init(_ kind: Kind) {
        self.kind = kind
    }

    var identity: ObjectIdentifier { ObjectIdentifier(self) }

    /// How many arguments the function declares; higher-order functions pass only that many.
    var arity: Int {
        switch kind {
        case .lambda(let definition, _, _): definition.parameters.count
        case .native(let native): native.signature?.arity ?? 1
        case .partial(_, let arguments): arguments.filter { if case .none = $0 { true } else { false } }.count
        case .composition: 1
        case .regex: 1
        case .transform: 1
        }
    }
}
