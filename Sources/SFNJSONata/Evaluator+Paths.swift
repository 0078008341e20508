import SFNJSON

// Path evaluation: steps, tuple streams, predicates, and the navigation helpers they share.

extension Evaluator {
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

    static func isVariable(_ node: Node) -> Bool {
        if case .variable = node.kind { true } else { false }
    }

    func evaluateStep(_ step: Node, _ input: [Value?], _ frame: Frame, isLast: Bool) throws(EvaluationFailure) -> ValueSequence {
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

    func frame(_ parent: Frame, with tuple: Tuple) -> Frame {
        let frame = Frame(parent: parent)
        for (name, value) in tuple.bindings { frame.bind(name, value) }
        return frame
    }

    /// What one tuple holds besides its value: a small dictionary of bindings.
    static let tupleBytes = 192

    func evaluateTupleStep(_ step: Node, _ input: [Value?], _ tuples: [Tuple]?, _ frame: Frame) throws(EvaluationFailure) -> [Tuple] {
        // Tuples (`#$i`, `@$v` bindings) cost a dictionary each: ten million of them are gigabytes,
        // so they count against the evaluation's budget like the values they carry.
        try account(bytes: (tuples?.count ?? input.count) &* Self.tupleBytes, at: step.position)
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
            try account(bytes: items.count &* Self.tupleBytes, at: step.position)
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

    func applyStages(_ stages: [Stage], to tuples: [Tuple], _ frame: Frame) throws(EvaluationFailure) -> [Tuple] {
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

    static func isArrayOfNumbers(_ value: Value?) -> [Double]? {
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

    func filterTuples(_ predicate: Node, _ tuples: [Tuple], _ frame: Frame) throws(EvaluationFailure) -> [Tuple] {
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
}
