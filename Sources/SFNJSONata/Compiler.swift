/// Rewrites the parse tree into evaluation form, as jsonata's `processAST` does: `.` chains
/// become paths of steps, predicates attach to steps, `@`/`#` bindings turn steps into tuple
/// steps, `^(...)` becomes a sort step.
enum Compiler {
    static func compile(_ raw: RawNode) throws(EvaluationFailure) -> Node {
        var result = try process(raw)
        if raw.keepArray { result.keepArray = true }
        return result
    }

    /// Compiles a whole expression: a `%` left unresolved has no parent to refer to.
    static func compileRoot(_ raw: RawNode) throws(EvaluationFailure) -> Node {
        var root = try compile(raw)
        if root.hasUnresolvedParent { throw EvaluationFailure("S0217", position: raw.position, token: "%") }
        root.compileFieldPaths()
        return root
    }

    private static func process(_ raw: RawNode) throws(EvaluationFailure) -> Node {
        let position = raw.position
        var result: Node
        switch raw.kind {
        case .name(let name):
            var step = Node(.name(name), position: position)
            if raw.keepArray { step.keepArray = true }
            result = Node(.path([step]), position: position)
            if raw.keepArray { result.keepSingletonArray = true }
        case .variable(let name): result = Node(.variable(name), position: position)
        case .string(let text): result = Node(.string(text), position: position)
        case .number(let number): result = Node(.number(number), position: position)
        case .bool(let flag): result = Node(.bool(flag), position: position)
        case .null: result = Node(.null, position: position)
        case .regex(let pattern, let flags):
            result = Node(.regex(try RegexBox(pattern: pattern, flags: flags, position: position)), position: position)
        case .wildcard: result = Node(.wildcard, position: position)
        case .descendant: result = Node(.descendant, position: position)
        case .parent:
            result = Node(.parent(nil), position: position)
        case .placeholder: result = Node(.placeholder, position: position)
        case .operatorToken(let symbol):
            throw EvaluationFailure("S0201", position: position, token: symbol)
        case .binary(".", let lhs, let rhs):
            result = try processPathStep(lhs, rhs, position: position)
        case .binary(let symbol, let lhs, let rhs):
            guard let op = BinaryOperator(rawValue: symbol) else {
                throw EvaluationFailure("S0204", position: position, token: symbol)
            }
            result = Node(.binary(op, try compile(lhs), try compile(rhs)), position: position)
        case .negate(let operand):
            let inner = try compile(operand)
            if case .number(let number) = inner.kind, inner.predicates.isEmpty {
                result = Node(.number(-number), position: inner.position)
            } else {
                result = Node(.negate(inner), position: position)
            }
        case .arrayConstructor(let items):
            var compiled: [Node] = []
            for item in items { compiled.append(try compile(item)) }
            result = Node(.arrayConstructor(compiled), position: position)
        case .objectConstructor(let pairs):
            result = Node(.objectConstructor(try compilePairs(pairs)), position: position)
        case .group(let lhs, let pairs):
            result = try compile(lhs)
            if result.group != nil { throw EvaluationFailure("S0210", position: position) }
            result.group = GroupDefinition(pairs: try compilePairs(pairs), position: position)
        case .predicate(let lhs, let rhs):
            result = try compile(lhs)
            let predicate = try compile(rhs)
            if case .path(var steps) = result.kind, var last = steps.last {
                if last.group != nil { throw EvaluationFailure("S0209", position: position) }
                last.stages.append(.filter(predicate))
                steps[steps.count - 1] = last
                result.kind = .path(steps)
            } else {
                if result.group != nil { throw EvaluationFailure("S0209", position: position) }
                result.predicates.append(predicate)
            }
        case .focus(let lhs, let variable):
            result = try compile(lhs)
            try modifyLastStep(&result) { (step: inout Node) throws(EvaluationFailure) in
                if !step.stages.isEmpty || !step.predicates.isEmpty {
                    throw EvaluationFailure("S0215", position: position)
                }
                if case .sort = step.kind { throw EvaluationFailure("S0216", position: position) }
                if raw.keepArray { step.keepArray = true }
                step.focus = variable
                step.tuple = true
            }
        case .index(let lhs, let variable):
            result = try compile(lhs)
            if !result.isPath {
                var step = result
                step.stages = step.predicates.map { .filter($0) }
                step.predicates = []
                result = Node(.path([step]), position: step.position)
            }
            try modifyLastStep(&result) { (step: inout Node) throws(EvaluationFailure) in
                if step.stages.isEmpty {
                    step.indexVariable = variable
                } else {
                    step.stages.append(.index(variable))
                }
                step.tuple = true
            }
        case .sort(let lhs, let terms):
            result = try compile(lhs)
            if !result.isPath { result = Node(.path([result]), position: result.position) }
            var sortTerms: [SortTerm] = []
            for term in terms {
                sortTerms.append(SortTerm(descending: term.descending, expression: try compile(term.expression)))
            }
            if case .path(var steps) = result.kind {
                steps.append(Node(.sort(sortTerms), position: position))
                result.kind = .path(steps)
            }
        case .condition(let test, let then, let otherwise):
            result = Node(.condition(try compile(test), try compile(then), try otherwise.map(compile)), position: position)
        case .coalesce(let lhs, let rhs):
            result = Node(.coalesce(try compile(lhs), try compile(rhs)), position: position)
        case .elvis(let lhs, let rhs):
            result = Node(.elvis(try compile(lhs), try compile(rhs)), position: position)
        case .block(let expressions):
            var compiled: [Node] = []
            for expression in expressions { compiled.append(try compile(expression)) }
            result = Node(.block(compiled), position: position)
        case .bind(let lhs, let rhs):
            guard case .variable(let name) = lhs.kind else { throw EvaluationFailure("S0212", position: position) }
            result = Node(.bind(name, try compile(rhs)), position: position)
        case .call(let callee, let arguments, let partial):
            var compiled: [Node] = []
            for argument in arguments { compiled.append(try compile(argument)) }
            let procedure = try compile(callee)
            result = Node(partial ? .partial(procedure, compiled) : .call(procedure, compiled), position: position)
        case .lambda(let parameters, let signature, let body):
            let compiledBody = tailCallOptimized(try compile(body))
            result = Node(
                .lambda(LambdaDefinition(parameters: parameters, signature: signature, body: compiledBody)),
                position: position)
        case .apply(let lhs, let rhs):
            let left = try compile(lhs)
            let right = try compile(rhs)
            result = Node(.apply(left, right), position: position)
            result.keepArray = left.keepArray || right.keepArray
        case .transform(let pattern, let update, let deletion):
            result = Node(.transform(try compile(pattern), try compile(update), try deletion.map(compile)), position: position)
        }
        if raw.keepArray { result.keepArray = true }
        return result
    }

    /// Wraps calls in tail position into tail-call thunks (see `LambdaDefinition.isTailCall`).
    private static func tailCallOptimized(_ node: Node) -> Node {
        var result = node
        guard node.predicates.isEmpty, node.group == nil, !node.keepArray else { return node }
        switch node.kind {
        case .call:
            let thunk = LambdaDefinition(parameters: [], signature: nil, body: node, isTailCall: true)
            return Node(.lambda(thunk), position: node.position)
        case .condition(let test, let then, let otherwise):
            result.kind = .condition(test, tailCallOptimized(then), otherwise.map(tailCallOptimized))
        case .block(var expressions):
            if let last = expressions.popLast() { expressions.append(tailCallOptimized(last)) }
            result.kind = .block(expressions)
        default:
            break
        }
        return result
    }

    private static func compilePairs(_ pairs: [(RawNode, RawNode)]) throws(EvaluationFailure) -> [ObjectPair] {
        var compiled: [ObjectPair] = []
        for (key, value) in pairs {
            compiled.append(ObjectPair(key: try compile(key), value: try compile(value)))
        }
        return compiled
    }

    private static func modifyLastStep(
        _ node: inout Node, _ change: (inout Node) throws(EvaluationFailure) -> Void
    ) throws(EvaluationFailure) {
        if case .path(var steps) = node.kind, !steps.isEmpty {
            try change(&steps[steps.count - 1])
            node.kind = .path(steps)
        } else {
            try change(&node)
        }
    }

    private static func processPathStep(_ lhs: RawNode, _ rhs: RawNode, position: Int) throws(EvaluationFailure) -> Node {
        let left = try compile(lhs)
        var result: Node
        var steps: [Node]
        if case .path(let existing) = left.kind {
            result = left
            steps = existing
        } else {
            result = Node(.path([]), position: position)
            steps = [left]
        }
        var rest = try compile(rhs)
        if case .path(let more) = rest.kind {
            steps.append(contentsOf: more)
        } else {
            if !rest.predicates.isEmpty {
                rest.stages = rest.predicates.map { .filter($0) }
                rest.predicates = []
            }
            steps.append(rest)
        }
        for index in steps.indices {
            switch steps[index].kind {
            case .number(let number):
                throw EvaluationFailure("S0213", position: steps[index].position, value: .some(.number(number)))
            case .bool(let flag):
                throw EvaluationFailure("S0213", position: steps[index].position, value: .some(.bool(flag)))
            case .null:
                throw EvaluationFailure("S0213", position: steps[index].position, value: .some(.null))
            case .string(let text):
                steps[index].kind = .name(text)
            default: break
            }
        }
        // A `%` refers to the input of a step: from the step's own predicates, or from the
        // expression of the following step. That step binds its input under a label, which
        // makes the rest of the path a tuple stream.
        for index in steps.indices {
            let label = "%\(steps[index].position).\(index)"
            var found = false
            for stageIndex in steps[index].stages.indices {
                if case .filter(var predicate) = steps[index].stages[stageIndex], predicate.resolveParents(label) {
                    steps[index].stages[stageIndex] = .filter(predicate)
                    found = true
                }
            }
            if index + 1 < steps.count {
                let stages = steps[index + 1].stages
                steps[index + 1].stages = []
                if steps[index + 1].resolveParents(label) { found = true }
                steps[index + 1].stages = stages
            }
            if found {
                steps[index].ancestorLabel = label
                steps[index].tuple = true
            }
        }
        if steps[0].isArrayConstructor { steps[0].constructedArray = true }
        if steps[steps.count - 1].isArrayConstructor { steps[steps.count - 1].constructedArray = true }
        result.kind = .path(steps)
        if left.keepSingletonArray || rest.keepSingletonArray || steps.contains(where: { $0.keepArray }) {
            result.keepSingletonArray = true
        }
        return result
    }
}
