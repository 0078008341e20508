/// Evaluates a compiled tree against one input. One evaluator serves one evaluation.
import SFNJSON

final class Evaluator {
    let environment: JSONataEnvironment
    let rootFrame: Frame
    /// `$now()` and `$millis()` report the same instant throughout one evaluation.
    lazy var timestamp: Double = environment.now()
    private var depth = 0
    static let maximumDepth = 10_000
    /// Evaluation recurses on the machine stack; it stops with JSONata's stack overflow error
    /// before the thread's stack would overflow, instead of crashing. Linux threads get 8 MiB
    /// stacks by default; Darwin's secondary threads only 512 KiB.
    #if os(Linux)
    private static let stackBudget: UInt = 2 * 1024 * 1024
    #else
    private static let stackBudget: UInt = 384 * 1024
    #endif
    private var stackBase: UInt = 0
    /// Nodes evaluated so far: the clock is read every 1,024 of them.
    private var steps = 0
    private lazy var deadline = ContinuousClock.now + environment.limits.time
    /// Bytes of strings and arrays that operators and functions have built.
    private var builtBytes = 0
    /// Tail calls run in a loop, so endless tail recursion would never exhaust the stack;
    /// bound the total per evaluation instead.
    var tailCalls = 0
    static let maximumTailCalls = 100_000
    /// Host functions as values, made once per evaluation so that each keeps one identity.
    private var builtinCache: [String: FunctionValue] = [:]
    /// The whole input, which `$$` names.
    let rootInput: Value?
    /// Host bindings stay JSON: Step Functions passes large documents of which an expression
    /// usually reads a little, and a read converts only what it touches.
    private let hostBindings: [String: JSON]
    let conversions: ArrayConversions

    init(
        environment: JSONataEnvironment, input: Value? = nil, bindings: [String: JSON] = [:],
        conversions: ArrayConversions = ArrayConversions()
    ) {
        self.environment = environment
        self.conversions = conversions
        rootFrame = Frame(parent: nil)
        rootInput = input
        hostBindings = bindings
    }

    /// The host binding `name` refers to in `frame`, as the JSON it is.
    func hostJSON(_ name: String, in frame: Frame) -> JSON? {
        guard !hostBindings.isEmpty, name != "$", frame.lookup(name) == nil else { return nil }
        return hostBindings[name]
    }

    func lookupVariable(_ name: String, in frame: Frame) -> Value? {
        if let bound = frame.lookup(name) { return bound }
        if name == "$" { return rootInput }
        if !hostBindings.isEmpty, let json = hostBindings[name] { return Value(json, conversions: conversions) }
        guard !environment.functions.isEmpty, let host = environment.functions[name] else {
            return SharedBuiltins.functions[name].map(Value.function)
        }
        if let cached = builtinCache[name] { return .function(cached) }
        let native = NativeFunction(name, nil) { _, arguments, _ throws(EvaluationFailure) in
            var converted: [JSON?] = []
            for argument in arguments { converted.append(try argument?.toJSON()) }
            do throws(JSONataError) {
                return try host.body(converted).map(Value.init)
            } catch {
                throw EvaluationFailure(error.code, position: nil, extra: error.message).withMessage(error.message)
            }
        }
        let function = FunctionValue(.native(native))
        builtinCache[name] = function
        return .function(function)
    }

    // MARK: - Core

    func evaluate(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        depth += 1
        defer { depth -= 1 }
        var marker = 0
        let stackAddress = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        if depth == 1 { stackBase = stackAddress }
        let used = stackBase > stackAddress ? stackBase - stackAddress : stackAddress - stackBase
        if depth > Self.maximumDepth || used > Self.stackBudget {
            throw EvaluationFailure("U1001", position: node.position)
        }
        try spend(at: node.position)

        // Each kind is evaluated in its own function: keeping this frame small matters because
        // it sits on the stack once per nesting level of the expression.
        var result: Value?
        switch node.kind {
        case .path: result = try evaluatePathNode(node, input, frame)
        case .fieldPath(let path): result = try evaluateFieldPath(node, path, input, frame)
        case .name: result = lookupName(node, input)
        case .variable: result = evaluateVariable(node, input, frame)
        case .string, .number, .bool, .null, .regex, .wildcard, .descendant, .parent, .placeholder:
            result = evaluateLeaf(node, input, frame)
        case .binary: result = try evaluateBinaryNode(node, input, frame)
        case .negate: result = try evaluateNegate(node, input, frame)
        case .arrayConstructor: result = try evaluateArrayConstructor(node, input, frame)
        case .objectConstructor: result = try evaluateObjectConstructor(node, input, frame)
        case .condition, .coalesce, .elvis: result = try evaluateConditional(node, input, frame)
        case .block, .bind: result = try evaluateBlockOrBind(node, input, frame)
        case .call: result = try evaluateCallNode(node, input, frame)
        case .partial: result = try evaluatePartialNode(node, input, frame)
        case .lambda, .transform: result = makeFunction(node, input, frame)
        case .apply: result = try evaluateApplyNode(node, input, frame)
        case .sort: result = try evaluateSortNode(node, input, frame)
        }
        if !node.predicates.isEmpty || (node.group != nil && !node.isPath) {
            result = try applyPostfix(node, result, frame)
        }
        if case .array(let seq)? = result, seq.isSequence {
            result = Self.normalize(seq, keepArray: node.keepArray)
        }
        switch node.kind {
        case .binary, .call, .apply: try account(result, node)
        default: break
        }
        return result
    }

    /// Counts one step (a node evaluated, a comparison of a sort) against the time budget; the
    /// clock is read every 1,024 steps.
    func spend(at position: Int?) throws(EvaluationFailure) {
        steps &+= 1
        if steps & 1023 == 0, ContinuousClock.now > deadline {
            let seconds = Double(environment.limits.time.components.seconds)
            throw EvaluationFailure("U1003", position: position, value: .some(.number(seconds)))
        }
    }

    /// Counts what an operator or function built against the evaluation's budget.
    private func account(_ result: Value?, _ node: Node) throws(EvaluationFailure) {
        switch result {
        case .string(let text)?: try account(bytes: text.utf8.count, at: node.position)
        case .array(let array)?: try account(bytes: array.items.count &* MemoryLayout<Value>.stride, at: node.position)
        default: return
        }
    }

    /// Counts `bytes` about to be built (sort keys, groups) against the evaluation's budget.
    func account(bytes: Int, at position: Int?) throws(EvaluationFailure) {
        builtBytes &+= bytes
        if builtBytes > environment.limits.builtBytes {
            throw EvaluationFailure("U1004", position: position, value: .some(.number(Double(environment.limits.builtBytes >> 20))))
        }
    }

    static func normalize(_ sequence: ValueSequence, keepArray: Bool) -> Value? {
        var seq = sequence
        if keepArray { seq.keepSingleton = true }
        if seq.items.isEmpty { return nil }
        if seq.items.count == 1 && !seq.keepSingleton { return seq.items[0] }
        return .array(seq)
    }

    @inline(never)
    private func applyPostfix(_ node: Node, _ value: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        var result = value
        for predicate in node.predicates {
            result = try filter(predicate, result, frame)
        }
        if !node.isPath, let group = node.group {
            result = try evaluateGroup(group, values: result, frame)
        }
        return result
    }

    @inline(never)
    private func evaluatePathNode(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        guard case .path(let steps) = node.kind else { return nil }
        return try evaluatePath(node, steps, input, frame)
    }

    @inline(never)
    private func lookupName(_ node: Node, _ input: Value?) -> Value? {
        guard case .name(let name) = node.kind else { return nil }
        return Self.lookup(input, name)
    }

    @inline(never)
    private func evaluateVariable(_ node: Node, _ input: Value?, _ frame: Frame) -> Value? {
        guard case .variable(let name) = node.kind else { return nil }
        if name.isEmpty {
            if case .array(let seq)? = input, seq.outerWrapper { return seq.items.first }
            return input
        }
        return lookupVariable(name, in: frame)
    }

    @inline(never)
    private func evaluateLeaf(_ node: Node, _ input: Value?, _ frame: Frame) -> Value? {
        switch node.kind {
        case .string(let text): return .string(text)
        case .number(let number): return .number(number)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .regex(let box): return .function(FunctionValue(.regex(box)))
        case .wildcard: return Self.wildcard(input)
        case .descendant: return Self.descendants(input)
        case .parent(let label?): return frame.lookup(label) ?? nil
        default: return nil
        }
    }

    @inline(never)
    private func evaluateBinaryNode(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        guard case .binary(let op, let lhs, let rhs) = node.kind else { return nil }
        if op == .concatenate {
            var text = ""
            try appendConcatenation(node, input, frame, into: &text, depth: 0)
            return .string(text)
        }
        return try evaluateBinary(op, lhs, rhs, input, frame, position: node.position)
    }

    @inline(never)
    private func evaluateNegate(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        guard case .negate(let operand) = node.kind else { return nil }
        let value = try evaluate(operand, input, frame)
        switch value {
        case nil: return nil
        case .number(let number)?: return .number(-number)
        default: throw EvaluationFailure("D1002", position: node.position, token: "-", value: .some(value))
        }
    }

    @inline(never)
    private func evaluateArrayConstructor(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        guard case .arrayConstructor(let items) = node.kind else { return nil }
        var values: [Value] = []
        for item in items {
            guard let value = try evaluate(item, input, frame) else { continue }
            if !item.isArrayConstructor, case .array(let seq) = value {
                values.append(contentsOf: seq.items)
            } else {
                values.append(value)
            }
        }
        var seq = ValueSequence(values)
        seq.constructed = node.constructedArray
        return .array(seq)
    }

    @inline(never)
    private func evaluateObjectConstructor(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        guard case .objectConstructor(let pairs) = node.kind else { return nil }
        return try evaluateGroup(GroupDefinition(pairs: pairs, position: node.position), values: input, frame)
    }

    @inline(never)
    private func evaluateConditional(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        switch node.kind {
        case .condition(let test, let then, let otherwise):
            if Self.boolean(try evaluate(test, input, frame)) == true {
                return try evaluate(then, input, frame)
            }
            if let otherwise { return try evaluate(otherwise, input, frame) }
            return nil
        case .coalesce(let lhs, let rhs):
            if let value = try evaluate(lhs, input, frame) { return value }
            return try evaluate(rhs, input, frame)
        case .elvis(let lhs, let rhs):
            let value = try evaluate(lhs, input, frame)
            if Self.boolean(value) == true { return value }
            return try evaluate(rhs, input, frame)
        default:
            return nil
        }
    }

    @inline(never)
    private func evaluateBlockOrBind(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        switch node.kind {
        case .block(let expressions):
            let blockFrame = Frame(parent: frame)
            var result: Value?
            for expression in expressions { result = try evaluate(expression, input, blockFrame) }
            return result
        case .bind(let name, let rhs):
            let result = try evaluate(rhs, input, frame)
            frame.bind(name, result)
            return result
        default:
            return nil
        }
    }

    @inline(never)
    private func evaluateCallNode(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        guard case .call(let procedure, let arguments) = node.kind else { return nil }
        return try evaluateCall(node, procedure, arguments, input, frame, appliedTo: nil)
    }

    @inline(never)
    private func evaluatePartialNode(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        guard case .partial(let procedure, let arguments) = node.kind else { return nil }
        return try evaluatePartial(node, procedure, arguments, input, frame)
    }

    @inline(never)
    private func makeFunction(_ node: Node, _ input: Value?, _ frame: Frame) -> Value? {
        switch node.kind {
        case .lambda(let definition):
            return .function(FunctionValue(.lambda(definition, frame: frame, input: input)))
        case .transform(let pattern, let update, let deletion):
            return .function(FunctionValue(.transform(pattern: pattern, update: update, deletion: deletion, frame: frame)))
        default:
            return nil
        }
    }

    @inline(never)
    private func evaluateApplyNode(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        guard case .apply(let lhs, let rhs) = node.kind else { return nil }
        return try evaluateApply(node, lhs, rhs, input, frame)
    }

    @inline(never)
    private func evaluateSortNode(_ node: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        guard case .sort(let terms) = node.kind else { return nil }
        var items: [Value?] = []
        if case .array(let seq)? = input { items = seq.items } else if let input { items = [input] }
        return .array(.sequence(try sortValues(items, terms, frame, position: node.position).compactMap { $0 }))
    }

    // MARK: - Truthiness

    /// JSONata's `$boolean`: nil for undefined.
    static func boolean(_ value: Value?) -> Bool? {
        guard let value else { return nil }
        switch value {
        case .null: return false
        case .bool(let flag): return flag
        case .number(let number): return number != 0 && !number.isNaN
        case .string(let text): return !text.isEmpty
        case .object(let object): return !object.isEmpty
        case .function: return false
        case .array(let seq):
            if seq.items.count == 1 { return boolean(seq.items[0]) }
            return seq.items.contains { boolean($0) == true }
        }
    }
}
