extension Evaluator {
    // MARK: - Operators

    func evaluateBinary(
        _ op: BinaryOperator, _ lhsNode: Node, _ rhsNode: Node, _ input: Value?, _ frame: Frame,
        position: Int
    ) throws(EvaluationFailure) -> Value? {
        let lhs = try evaluate(lhsNode, input, frame)
        switch op {
        case .and:
            guard Self.boolean(lhs) == true else { return .bool(false) }
            return .bool(Self.boolean(try evaluate(rhsNode, input, frame)) == true)
        case .or:
            if Self.boolean(lhs) == true { return .bool(true) }
            return .bool(Self.boolean(try evaluate(rhsNode, input, frame)) == true)
        default:
            break
        }
        let rhs = try evaluate(rhsNode, input, frame)
        do throws(EvaluationFailure) {
            switch op {
            case .add, .subtract, .multiply, .divide, .modulo:
                return try Self.arithmetic(op, lhs, rhs)
            case .equal:
                guard let lhs, let rhs else { return .bool(false) }
                return .bool(Value.deepEqual(lhs, rhs))
            case .notEqual:
                guard let lhs, let rhs else { return .bool(false) }
                return .bool(!Value.deepEqual(lhs, rhs))
            case .less, .lessOrEqual, .greater, .greaterOrEqual:
                return try Self.compare(op, lhs, rhs)
            case .concatenate:
                let left = try lhs.map { (value) throws(EvaluationFailure) in try Builtins.string(value) } ?? ""
                let right = try rhs.map { (value) throws(EvaluationFailure) in try Builtins.string(value) } ?? ""
                return .string(left + right)
            case .range:
                return try Self.range(lhs, rhs)
            case .in:
                guard let lhs, let rhs else { return .bool(false) }
                let candidates: [Value]
                if case .array(let seq) = rhs { candidates = seq.items } else { candidates = [rhs] }
                return .bool(candidates.contains { Value.deepEqual($0, lhs) })
            case .and, .or:
                return nil
            }
        } catch {
            var failure = error
            if failure.position == nil { failure.position = position }
            if failure.details.token == nil { failure.details.token = op.rawValue }
            throw failure
        }
    }

    /// `a & b & c` builds one string: the operands of a chain of plain `&` append their text
    /// in turn, in the order the nested operators evaluate and convert them, without making
    /// the intermediate strings.
    func appendConcatenation(
        _ node: Node, _ input: Value?, _ frame: Frame, into text: inout String,
        depth: Int
    ) throws(EvaluationFailure) {
        guard case .binary(_, let lhsNode, let rhsNode) = node.kind else { return }
        var lhs: Value?
        // Long chains go back through `evaluate`, which guards the stack.
        if depth < 32, Self.isPlainConcatenation(lhsNode) {
            try appendConcatenation(lhsNode, input, frame, into: &text, depth: depth + 1)
        } else {
            lhs = try evaluate(lhsNode, input, frame)
        }
        let rhs = try evaluate(rhsNode, input, frame)
        do throws(EvaluationFailure) {
            if let lhs { text += try Builtins.string(lhs) }
            if let rhs { text += try Builtins.string(rhs) }
        } catch {
            var failure = error
            if failure.position == nil { failure.position = node.position }
            if failure.details.token == nil { failure.details.token = BinaryOperator.concatenate.rawValue }
            throw failure
        }
    }

    private static func isPlainConcatenation(_ node: Node) -> Bool {
        guard case .binary(.concatenate, _, _) = node.kind else { return false }
        return node.predicates.isEmpty && node.group == nil && !node.keepArray
    }

    static func isNumeric(_ value: Value?) throws(EvaluationFailure) -> Double? {
        guard case .number(let number)? = value, !number.isNaN else { return nil }
        if !number.isFinite { throw EvaluationFailure("D1001", value: .some(value)) }
        return number
    }

    static func arithmetic(_ op: BinaryOperator, _ lhs: Value?, _ rhs: Value?) throws(EvaluationFailure) -> Value? {
        let left = try isNumeric(lhs)
        if lhs != nil && left == nil { throw EvaluationFailure("T2001", value: .some(lhs)) }
        let right = try isNumeric(rhs)
        if rhs != nil && right == nil { throw EvaluationFailure("T2002", value: .some(rhs)) }
        guard let left, let right else { return nil }
        switch op {
        case .add: return .number(left + right)
        case .subtract: return .number(left - right)
        case .multiply: return .number(left * right)
        case .divide: return .number(left / right)
        default: return .number(left.truncatingRemainder(dividingBy: right))
        }
    }

    static func compare(_ op: BinaryOperator, _ lhs: Value?, _ rhs: Value?) throws(EvaluationFailure) -> Value? {
        func comparable(_ value: Value?) -> Bool {
            switch value {
            case nil, .string?, .number?: true
            default: false
            }
        }
        guard comparable(lhs), comparable(rhs) else {
            let offending: Value?
            switch lhs {
            case .string?, .number?: offending = rhs
            default: offending = lhs
            }
            throw EvaluationFailure("T2010", value: .some(offending))
        }
        guard let lhs, let rhs else { return nil }
        let ordering: Int
        switch (lhs, rhs) {
        case (.number(let x), .number(let y)): ordering = x == y ? 0 : (x < y ? -1 : 1)
        case (.string(let x), .string(let y)): ordering = compareStrings(x, y)
        default: throw EvaluationFailure("T2009", value: .some(lhs), value2: .some(rhs))
        }
        switch op {
        case .less: return .bool(ordering < 0)
        case .lessOrEqual: return .bool(ordering <= 0)
        case .greater: return .bool(ordering > 0)
        default: return .bool(ordering >= 0)
        }
    }

    static func range(_ lhs: Value?, _ rhs: Value?) throws(EvaluationFailure) -> Value? {
        var start: Int?
        var end: Int?
        if let lhs {
            guard case .number(let number) = lhs, number.rounded() == number, let exact = Int(exactly: number) else {
                throw EvaluationFailure("T2003", value: .some(lhs))
            }
            start = exact
        }
        if let rhs {
            guard case .number(let number) = rhs, number.rounded() == number, let exact = Int(exactly: number) else {
                throw EvaluationFailure("T2004", value: .some(rhs))
            }
            end = exact
        }
        guard let start, let end, start <= end else { return nil }
        let size = Double(end) - Double(start) + 1
        if size > 10_000_000 { throw EvaluationFailure("D2014", value: .some(.number(size))) }
        return .array(.sequence((start...end).map { .number(Double($0)) }))
    }

    // MARK: - Functions

    private static func procedureName(_ node: Node) -> String? {
        switch node.kind {
        case .path(let steps):
            if let first = steps.first, case .name(let name) = first.kind { return name }
            return nil
        case .fieldPath(let path):
            if case .context = path.head, let first = path.fields.first { return first.name }
            return nil
        case .variable(let name): return name
        default: return nil
        }
    }

    func evaluateCall(
        _ node: Node, _ procedure: Node, _ argumentNodes: [Node], _ input: Value?, _ frame: Frame,
        appliedTo: Value??
    ) throws(EvaluationFailure) -> Value? {
        let function = try evaluate(procedure, input, frame)
        let name = Self.procedureName(procedure)
        if function == nil, procedure.isPath, let name, lookupVariable(name, in: frame) != nil {
            throw EvaluationFailure("T1005", position: node.position, token: name)
        }
        var arguments: [Value?] = []
        if let appliedTo { arguments.append(appliedTo) }
        for argument in argumentNodes { arguments.append(try evaluate(argument, input, frame)) }
        do throws(EvaluationFailure) {
            return try apply(function, arguments, input: input)
        } catch {
            var failure = error
            if failure.position == nil { failure.position = node.position }
            if failure.details.token == nil { failure.details.token = name }
            throw failure
        }
    }

    func apply(_ function: Value?, _ arguments: [Value?], input: Value?) throws(EvaluationFailure) -> Value? {
        guard case .function(let callee)? = function else { throw EvaluationFailure("T1006") }
        return try apply(callee, arguments, input: input)
    }

    func apply(_ callee: FunctionValue, _ arguments: [Value?], input: Value?) throws(EvaluationFailure) -> Value? {
        var result = try applyOnce(callee, arguments, input: input)
        // Perform deferred tail calls iteratively.
        while case .function(let pending)? = result, case .lambda(let thunk, let frame, let thunkInput) = pending.kind,
            thunk.isTailCall, case .call(let procedure, let argumentNodes) = thunk.body.kind
        {
            tailCalls += 1
            if tailCalls > Self.maximumTailCalls {
                throw EvaluationFailure("U1001", position: thunk.body.position)
            }
            let function = try evaluate(procedure, thunkInput, frame)
            var nextArguments: [Value?] = []
            for argument in argumentNodes { nextArguments.append(try evaluate(argument, thunkInput, frame)) }
            let name = Self.procedureName(procedure)
            do throws(EvaluationFailure) {
                guard case .function(let next)? = function else { throw EvaluationFailure("T1006") }
                result = try applyOnce(next, nextArguments, input: thunkInput)
                if case .array(let seq)? = result, seq.isSequence { result = Self.normalize(seq, keepArray: false) }
            } catch {
                var failure = error
                if failure.position == nil { failure.position = thunk.body.position }
                if failure.details.token == nil { failure.details.token = name }
                throw failure
            }
        }
        return result
    }

    private func applyOnce(_ callee: FunctionValue, _ arguments: [Value?], input: Value?) throws(EvaluationFailure) -> Value? {
        switch callee.kind {
        case .lambda(let definition, let closureFrame, let closureInput):
            let validated = try definition.signature?.validate(arguments, context: input) ?? arguments
            let callFrame = Frame(parent: closureFrame)
            for (index, parameter) in definition.parameters.enumerated() {
                callFrame.bind(parameter, index < validated.count ? validated[index] : nil)
            }
            return try evaluate(definition.body, closureInput, callFrame)
        case .native(let native):
            let validated: [Value?]
            do throws(EvaluationFailure) {
                validated = try native.signature?.validate(arguments, context: input) ?? arguments
            } catch {
                var failure = error
                if failure.details.token == nil { failure.details.token = native.name }
                throw failure
            }
            return try native.body(self, validated, input)
        case .partial(let base, let bound):
            var remaining = arguments.makeIterator()
            var filled: [Value?] = []
            for argument in bound {
                if let fixed = argument { filled.append(fixed) } else { filled.append(remaining.next() ?? nil) }
            }
            return try apply(base, filled, input: input)
        case .composition(let first, let second):
            let intermediate = try apply(first, arguments, input: input)
            return try apply(second, [intermediate], input: input)
        case .regex(let box):
            guard case .string(let text)? = arguments.first ?? nil else { return nil }
            return try Builtins.regexMatches(box, in: text, limit: 1).first.map { .object($0) }
        case .transform(let pattern, let update, let deletion, let frame):
            guard let subject = arguments.first ?? nil else { return nil }
            return try transform(subject, pattern: pattern, update: update, deletion: deletion, frame: frame)
        }
    }

    func evaluatePartial(
        _ node: Node, _ procedure: Node, _ argumentNodes: [Node], _ input: Value?,
        _ frame: Frame
    ) throws(EvaluationFailure) -> Value? {
        var bound: [Value??] = []
        for argument in argumentNodes {
            if case .placeholder = argument.kind {
                bound.append(nil)
            } else {
                bound.append(.some(try evaluate(argument, input, frame)))
            }
        }
        let function = try evaluate(procedure, input, frame)
        let name = Self.procedureName(procedure)
        guard case .function(let callee)? = function else {
            if function == nil, procedure.isPath, let name, lookupVariable(name, in: frame) != nil {
                throw EvaluationFailure("T1007", position: node.position, token: name)
            }
            throw EvaluationFailure("T1008", position: node.position, token: name)
        }
        return .function(FunctionValue(.partial(callee, bound)))
    }

    func evaluateApply(
        _ node: Node, _ lhsNode: Node, _ rhsNode: Node, _ input: Value?,
        _ frame: Frame
    ) throws(EvaluationFailure) -> Value? {
        let lhs = try evaluate(lhsNode, input, frame)
        if case .call(let procedure, let arguments) = rhsNode.kind, rhsNode.predicates.isEmpty, rhsNode.group == nil {
            return try evaluateCall(rhsNode, procedure, arguments, input, frame, appliedTo: .some(lhs))
        }
        let function = try evaluate(rhsNode, input, frame)
        guard case .function(let callee)? = function else {
            throw EvaluationFailure("T2006", position: node.position, value: .some(function))
        }
        if case .function(let first)? = lhs {
            return .function(FunctionValue(.composition(first, callee)))
        }
        return try apply(callee, [lhs], input: nil)
    }

    // MARK: - Transform

    private func transform(
        _ subject: Value, pattern: Node, update: Node, deletion: Node?,
        frame: Frame
    ) throws(EvaluationFailure) -> Value? {
        switch subject {
        case .object, .array: break
        default: throw EvaluationFailure("T0410", token: "transform", index: 1)
        }
        let result = subject.deepCopy()
        guard let matches = try evaluate(pattern, result, frame) else { return result }
        let targets: [Value]
        if case .array(let seq) = matches { targets = seq.items } else { targets = [matches] }
        for target in targets {
            let changes = try evaluate(update, target, frame)
            if let changes {
                guard case .object(let changeObject) = changes else {
                    throw EvaluationFailure("T2011", position: update.position, value: .some(changes))
                }
                if case .object(let object) = target {
                    for (key, value) in changeObject.entries { object[key] = value }
                }
            }
            if let deletion, let removals = try evaluate(deletion, target, frame) {
                var names: [String] = []
                let candidates: [Value]
                if case .array(let seq) = removals { candidates = seq.items } else { candidates = [removals] }
                for candidate in candidates {
                    guard case .string(let name) = candidate else {
                        throw EvaluationFailure("T2012", position: deletion.position, value: .some(removals))
                    }
                    names.append(name)
                }
                if case .object(let object) = target {
                    for name in names { object[name] = nil }
                }
            }
        }
        return result
    }
}
