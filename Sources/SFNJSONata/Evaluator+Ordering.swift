import SFNJSON

// Order-by (`^(...)`) and grouping (`{...}` after a path): sort keys, stable sorts, groups.

extension Evaluator {
    // MARK: - Sorting

    func sortKeys(_ context: Value?, _ terms: [SortTerm], _ frame: Frame) throws(EvaluationFailure) -> [Value?] {
        var keys: [Value?] = []
        for term in terms { keys.append(try evaluate(term.expression, context, frame)) }
        return keys
    }

    /// Whether `a` must come after `b`.
    func sortsAfter(_ a: [Value?], _ b: [Value?], _ terms: [SortTerm], position: Int) throws(EvaluationFailure) -> Bool {
        // A sort of millions of items makes tens of millions of comparisons: each is a step.
        try spend(at: position)
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

    /// What sorting `count` items holds besides the items: a key list per item.
    private func accountSortKeys(_ count: Int, _ terms: [SortTerm], position: Int) throws(EvaluationFailure) {
        try account(bytes: count &* (64 &+ terms.count &* MemoryLayout<Value?>.stride), at: position)
    }

    func sortValues(_ items: [Value?], _ terms: [SortTerm], _ frame: Frame, position: Int) throws(EvaluationFailure) -> [Value?] {
        try accountSortKeys(items.count, terms, position: position)
        var keyed: [(Value?, [Value?])] = []
        for item in items { keyed.append((item, try sortKeys(item, terms, frame))) }
        let sorted = try Self.mergeSort(keyed) { (a, b) throws(EvaluationFailure) in
            try sortsAfter(a.1, b.1, terms, position: position)
        }
        return sorted.map { $0.0 }
    }

    func sortTuples(_ tuples: [Tuple], _ terms: [SortTerm], _ frame: Frame, position: Int) throws(EvaluationFailure) -> [Tuple] {
        try accountSortKeys(tuples.count, terms, position: position)
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

    func evaluateGroup(_ group: GroupDefinition, values input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
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

    func evaluateGroup(_ group: GroupDefinition, tuples: [Tuple], _ frame: Frame) throws(EvaluationFailure) -> Value? {
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
}
