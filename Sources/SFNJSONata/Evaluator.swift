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
        return result
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

    // MARK: - Paths

    func evaluatePath(_ node: Node, _ steps: [Node], _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        var inputSequence: [Value?]
        if case .array(let seq)? = input, let first = steps.first, !Self.isVariable(first) {
            inputSequence = seq.items
        } else {
            inputSequence = [input]
        }
        var resultSequence: ValueSequence?
        var tuples: [Tuple]?
        var isTupleStream = false
        for (index, step) in steps.enumerated() {
            if step.tuple { isTupleStream = true }
            if index == 0 && step.constructedArray {
                let value = try evaluate(step, .array(ValueSequence(inputSequence.compactMap { $0 }, isSequence: true)), frame)
                switch value {
                case .array(let seq)?: resultSequence = seq
                case let other?: resultSequence = .sequence([other])
                case nil: resultSequence = .sequence()
                }
            } else if isTupleStream {
                tuples = try evaluateTupleStep(step, inputSequence, tuples, frame)
            } else {
                resultSequence = try evaluateStep(step, inputSequence, frame, isLast: index == steps.count - 1)
            }
            if !isTupleStream && (resultSequence?.items.isEmpty ?? true) { break }
            if step.focus == nil, let resultSequence { inputSequence = resultSequence.items }
        }
        if isTupleStream {
            resultSequence = .sequence((tuples ?? []).compactMap { $0.context })
        }
        if node.keepSingletonArray, var seq = resultSequence {
            if seq.constructed && !seq.isSequence { seq = .sequence([.array(seq)]) }
            seq.keepSingleton = true
            resultSequence = seq
        }
        if let group = node.group {
            if isTupleStream {
                return try evaluateGroup(group, tuples: tuples ?? [], frame)
            }
            return try evaluateGroup(group, values: resultSequence.map { .array($0) }, frame)
        }
        return resultSequence.map { .array($0) }
    }

    private static func isVariable(_ node: Node) -> Bool {
        if case .variable = node.kind { true } else { false }
    }

    private func evaluateStep(_ step: Node, _ input: [Value?], _ frame: Frame, isLast: Bool) throws(EvaluationFailure) -> ValueSequence {
        if case .sort(let terms) = step.kind {
            var sorted = Value.array(.sequence(try sortValues(input, terms, frame, position: step.position).compactMap { $0 }))
            for stage in step.stages {
                if case .filter(let predicate) = stage { sorted = try filter(predicate, sorted, frame) }
            }
            if case .array(let seq) = sorted { return seq }
            return .sequence([sorted])
        }
        var results: [Value] = []
        results.reserveCapacity(input.count)
        for item in input {
            var value = try evaluate(step, item, frame)
            for stage in step.stages {
                if case .filter(let predicate) = stage { value = try filter(predicate, value, frame) }
            }
            if let value { results.append(value) }
        }
        if isLast && results.count == 1, case .array(let seq) = results[0], !seq.isSequence {
            return seq
        }
        var flattened = ValueSequence.sequence()
        for value in results {
            if case .array(let seq) = value, !seq.constructed {
                flattened.items.append(contentsOf: seq.items)
            } else {
                flattened.items.append(value)
            }
        }
        return flattened
    }

    private func frame(_ parent: Frame, with tuple: Tuple) -> Frame {
        let frame = Frame(parent: parent)
        for (name, value) in tuple.bindings { frame.bind(name, value) }
        return frame
    }

    private func evaluateTupleStep(_ step: Node, _ input: [Value?], _ tuples: [Tuple]?, _ frame: Frame) throws(EvaluationFailure) -> [Tuple]
    {
        var result: [Tuple]
        if case .sort(let terms) = step.kind {
            if let tuples {
                result = try sortTuples(tuples, terms, frame, position: step.position)
            } else {
                let sorted = try sortValues(input, terms, frame, position: step.position)
                result = sorted.enumerated().map { offset, value in
                    var tuple = Tuple(context: value, bindings: [:])
                    if let indexVariable = step.indexVariable { tuple.bindings[indexVariable] = .some(.number(Double(offset))) }
                    return tuple
                }
            }
            return try applyStages(step.stages, to: result, frame)
        }
        let base = tuples ?? input.map { Tuple(context: $0, bindings: [:]) }
        result = []
        for tuple in base {
            let stepFrame = self.frame(frame, with: tuple)
            guard let value = try evaluate(step, tuple.context, stepFrame) else { continue }
            let items: [Value]
            if case .array(let seq) = value { items = seq.items } else { items = [value] }
            for (offset, item) in items.enumerated() {
                var next = tuple
                if let focus = step.focus {
                    next.bindings[focus] = .some(item)
                } else {
                    next.context = item
                }
                if let indexVariable = step.indexVariable {
                    next.bindings[indexVariable] = .some(.number(Double(offset)))
                }
                if let ancestorLabel = step.ancestorLabel {
                    next.bindings[ancestorLabel] = .some(tuple.context)
                }
                result.append(next)
            }
        }
        return try applyStages(step.stages, to: result, frame)
    }

    private func applyStages(_ stages: [Stage], to tuples: [Tuple], _ frame: Frame) throws(EvaluationFailure) -> [Tuple] {
        var result = tuples
        for stage in stages {
            switch stage {
            case .filter(let predicate):
                result = try filterTuples(predicate, result, frame)
            case .index(let name):
                for offset in result.indices { result[offset].bindings[name] = .some(.number(Double(offset))) }
            }
        }
        return result
    }

    // MARK: - Predicates

    private static func isArrayOfNumbers(_ value: Value?) -> [Double]? {
        switch value {
        case .number(let number)?: return [number]
        case .array(let seq)?:
            var numbers: [Double] = []
            for item in seq.items {
                guard case .number(let number) = item else { return nil }
                numbers.append(number)
            }
            return numbers
        default: return nil
        }
    }

    func filter(_ predicate: Node, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value {
        let items: [Value]
        switch input {
        case .array(let seq)?: items = seq.items
        case let value?: items = [value]
        case nil: items = []
        }
        var results = ValueSequence.sequence()
        if case .number(let number) = predicate.kind, predicate.predicates.isEmpty {
            var index = number.clampedInt(.down)
            if index < 0 { index += items.count }
            if items.indices.contains(index) {
                let item = items[index]
                if case .array = item { return item }
                results.items.append(item)
            }
            return .array(results)
        }
        for (index, item) in items.enumerated() {
            let verdict = try evaluate(predicate, item, frame)
            if let numbers = Self.isArrayOfNumbers(verdict), !(verdict?.isArray == true && numbers.isEmpty) {
                for number in numbers {
                    var wanted = number.clampedInt(.down)
                    if wanted < 0 { wanted += items.count }
                    if wanted == index { results.items.append(item) }
                }
            } else if Self.boolean(verdict) == true {
                results.items.append(item)
            }
        }
        return .array(results)
    }

    private func filterTuples(_ predicate: Node, _ tuples: [Tuple], _ frame: Frame) throws(EvaluationFailure) -> [Tuple] {
        if case .number(let number) = predicate.kind, predicate.predicates.isEmpty {
            var index = number.clampedInt(.down)
            if index < 0 { index += tuples.count }
            return tuples.indices.contains(index) ? [tuples[index]] : []
        }
        var results: [Tuple] = []
        for (index, tuple) in tuples.enumerated() {
            let verdict = try evaluate(predicate, tuple.context, self.frame(frame, with: tuple))
            if let numbers = Self.isArrayOfNumbers(verdict), !(verdict?.isArray == true && numbers.isEmpty) {
                for number in numbers {
                    var wanted = number.clampedInt(.down)
                    if wanted < 0 { wanted += tuples.count }
                    if wanted == index { results.append(tuple) }
                }
            } else if Self.boolean(verdict) == true {
                results.append(tuple)
            }
        }
        return results
    }

    // MARK: - Sorting

    private func sortKeys(_ context: Value?, _ terms: [SortTerm], _ frame: Frame) throws(EvaluationFailure) -> [Value?] {
        var keys: [Value?] = []
        for term in terms { keys.append(try evaluate(term.expression, context, frame)) }
        return keys
    }

    /// Whether `a` must come after `b`.
    private func sortsAfter(_ a: [Value?], _ b: [Value?], _ terms: [SortTerm], position: Int) throws(EvaluationFailure) -> Bool {
        for (index, term) in terms.enumerated() {
            let left = a[index]
            let right = b[index]
            var comparison = 0
            switch (left, right) {
            case (nil, nil): continue
            case (nil, _): comparison = 1
            case (_, nil): comparison = -1
            case (.number(let x)?, .number(let y)?): comparison = x == y ? 0 : (x < y ? -1 : 1)
            case (.string(let x)?, .string(let y)?): comparison = Self.compareStrings(x, y)
            case (.number?, .string?), (.string?, .number?):
                throw EvaluationFailure("T2007", position: position, value: .some(left), value2: .some(right))
            default:
                let offending: Value?
                switch left {
                case .number?, .string?: offending = right
                default: offending = left
                }
                throw EvaluationFailure("T2008", position: position, value: .some(offending))
            }
            if comparison == 0 { continue }
            // Undefined keys stay last regardless of direction.
            if term.descending && left != nil && right != nil { comparison = -comparison }
            return comparison > 0
        }
        return false
    }

    /// Compares strings by UTF-16 code units, as JavaScript's `<` does.
    static func compareStrings(_ x: String, _ y: String) -> Int {
        if x == y { return 0 }
        return x.utf16.lexicographicallyPrecedes(y.utf16) ? -1 : 1
    }

    private func sortValues(_ items: [Value?], _ terms: [SortTerm], _ frame: Frame, position: Int) throws(EvaluationFailure) -> [Value?] {
        var keyed: [(Value?, [Value?])] = []
        for item in items { keyed.append((item, try sortKeys(item, terms, frame))) }
        let sorted = try Self.mergeSort(keyed) { (a, b) throws(EvaluationFailure) in
            try sortsAfter(a.1, b.1, terms, position: position)
        }
        return sorted.map { $0.0 }
    }

    private func sortTuples(_ tuples: [Tuple], _ terms: [SortTerm], _ frame: Frame, position: Int) throws(EvaluationFailure) -> [Tuple] {
        var keyed: [(Tuple, [Value?])] = []
        for tuple in tuples {
            keyed.append((tuple, try sortKeys(tuple.context, terms, self.frame(frame, with: tuple))))
        }
        let sorted = try Self.mergeSort(keyed) { (a, b) throws(EvaluationFailure) in
            try sortsAfter(a.1, b.1, terms, position: position)
        }
        return sorted.map { $0.0 }
    }

    /// A stable merge sort; `after(a, b)` says whether `a` belongs after `b`.
    static func mergeSort<T>(_ items: [T], _ after: (T, T) throws(EvaluationFailure) -> Bool) throws(EvaluationFailure) -> [T] {
        if items.count <= 1 { return items }
        let middle = items.count / 2
        let left = try mergeSort(Array(items[..<middle]), after)
        let right = try mergeSort(Array(items[middle...]), after)
        var merged: [T] = []
        merged.reserveCapacity(items.count)
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            if try after(left[i], right[j]) {
                merged.append(right[j])
                j += 1
            } else {
                merged.append(left[i])
                i += 1
            }
        }
        merged.append(contentsOf: left[i...])
        merged.append(contentsOf: right[j...])
        return merged
    }

    // MARK: - Grouping and object construction

    private func evaluateGroup(_ group: GroupDefinition, values input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        var items: [Value?]
        if case .array(let seq)? = input { items = seq.items } else { items = [input] }
        if items.isEmpty { items = [nil] }
        var order: [String] = []
        var groups: [String: (data: Value?, pairIndex: Int)] = [:]
        for item in items {
            for (pairIndex, pair) in group.pairs.enumerated() {
                let key = try evaluate(pair.key, item, frame)
                guard let key else { continue }
                guard case .string(let name) = key else {
                    throw EvaluationFailure("T1003", position: group.position, value: .some(key))
                }
                if let existing = groups[name] {
                    if existing.pairIndex != pairIndex {
                        throw EvaluationFailure("D1009", position: group.position, value: .some(key))
                    }
                    groups[name] = (Builtins.append(existing.data, item), pairIndex)
                } else {
                    groups[name] = (item, pairIndex)
                    order.append(name)
                }
            }
        }
        let object = ObjectRef()
        for name in order {
            guard let entry = groups[name] else { continue }
            if let value = try evaluate(group.pairs[entry.pairIndex].value, entry.data, frame) {
                object[name] = value
            }
        }
        return .object(object)
    }

    private func evaluateGroup(_ group: GroupDefinition, tuples: [Tuple], _ frame: Frame) throws(EvaluationFailure) -> Value? {
        let items = tuples.isEmpty ? [Tuple(context: nil, bindings: [:])] : tuples
        var order: [String] = []
        var groups: [String: (data: [Tuple], pairIndex: Int)] = [:]
        for tuple in items {
            let tupleFrame = self.frame(frame, with: tuple)
            for (pairIndex, pair) in group.pairs.enumerated() {
                let key = try evaluate(pair.key, tuple.context, tupleFrame)
                guard let key else { continue }
                guard case .string(let name) = key else {
                    throw EvaluationFailure("T1003", position: group.position, value: .some(key))
                }
                if let existing = groups[name] {
                    if existing.pairIndex != pairIndex {
                        throw EvaluationFailure("D1009", position: group.position, value: .some(key))
                    }
                    groups[name]?.data.append(tuple)
                } else {
                    groups[name] = ([tuple], pairIndex)
                    order.append(name)
                }
            }
        }
        let object = ObjectRef()
        for name in order {
            guard let entry = groups[name] else { continue }
            // Merge the group's tuples: each binding becomes the sequence of its values.
            var context: Value?
            var bindings: [String: Value?] = [:]
            for (offset, tuple) in entry.data.enumerated() {
                if offset == 0 {
                    context = tuple.context
                    bindings = tuple.bindings
                } else {
                    context = Builtins.append(context, tuple.context)
                    for (name, value) in tuple.bindings {
                        bindings[name] = .some(Builtins.append(bindings[name] ?? nil, value))
                    }
                }
            }
            let groupFrame = self.frame(frame, with: Tuple(context: nil, bindings: bindings))
            if let value = try evaluate(group.pairs[entry.pairIndex].value, context, groupFrame) {
                object[name] = value
            }
        }
        return .object(object)
    }

    // MARK: - Navigation helpers

    static func lookup(_ input: Value?, _ key: String) -> Value? {
        switch input {
        case .object(let object)?:
            return object[key]
        case .array(let seq)?:
            var result = ValueSequence.sequence()
            for item in seq.items {
                guard let found = lookup(item, key) else { continue }
                if case .array(let inner) = found {
                    result.items.append(contentsOf: inner.items)
                } else {
                    result.items.append(found)
                }
            }
            return .array(result)
        default:
            return nil
        }
    }

    static func flatten(_ value: Value, into result: inout [Value]) {
        if case .array(let seq) = value {
            for item in seq.items { flatten(item, into: &result) }
        } else {
            result.append(value)
        }
    }

    static func wildcard(_ input: Value?) -> Value? {
        var subject = input
        if case .array(let seq)? = input, seq.outerWrapper, let first = seq.items.first { subject = first }
        var result = ValueSequence.sequence()
        let members: [Value]
        switch subject {
        case .object(let object)?: members = object.entries.map { $0.value }
        case .array(let seq)?: members = seq.items
        default: members = []
        }
        for member in members {
            if case .array = member {
                flatten(member, into: &result.items)
            } else {
                result.items.append(member)
            }
        }
        return .array(result)
    }

    static func descendants(_ input: Value?) -> Value? {
        guard let input else { return nil }
        var result = ValueSequence.sequence()
        func recurse(_ value: Value) {
            switch value {
            case .array(let seq):
                for item in seq.items { recurse(item) }
            case .object(let object):
                result.items.append(value)
                for (_, member) in object.entries { recurse(member) }
            default:
                result.items.append(value)
            }
        }
        recurse(input)
        if result.items.count == 1 { return result.items[0] }
        return .array(result)
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
