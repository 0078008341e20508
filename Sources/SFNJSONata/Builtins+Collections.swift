extension Builtins {
    static func keys(_ value: Value?) -> [String] {
        switch value {
        case .object(let object)?:
            return object.keys
        case .array(let seq)?:
            var seen = Set<String>()
            var ordered: [String] = []
            for item in seq.items {
                for key in keys(item) where seen.insert(key).inserted { ordered.append(key) }
            }
            return ordered
        default:
            return []
        }
    }

    static let collectionFunctions: [NativeFunction] = [
        NativeFunction("boolean", "<x-:b>") { _, arguments, _ throws(EvaluationFailure) in
            Evaluator.boolean(arguments[0]).map { .bool($0) }
        },
        NativeFunction("not", "<x-:b>") { _, arguments, _ throws(EvaluationFailure) in
            Evaluator.boolean(arguments[0]).map { .bool(!$0) }
        },
        NativeFunction("exists", "<x:b>") { _, arguments, _ throws(EvaluationFailure) in
            .bool(arguments[0] != nil)
        },
        NativeFunction("count", "<a:n>") { _, arguments, _ throws(EvaluationFailure) in
            .number(Double(items(arguments[0]).count))
        },
        NativeFunction("append", "<xx:a>") { _, arguments, _ throws(EvaluationFailure) in
            append(arguments[0], arguments[1])
        },
        NativeFunction("reverse", "<a:a>") { _, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0] else { return nil }
            return .array(Array(items(value).reversed()))
        },
        NativeFunction("shuffle", "<a:a>") { evaluator, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0] else { return nil }
            var shuffled = items(value)
            if shuffled.count > 1 {
                for index in stride(from: shuffled.count - 1, to: 0, by: -1) {
                    let other = min(Int(evaluator.environment.random() * Double(index + 1)), index)
                    shuffled.swapAt(index, other)
                }
            }
            return .array(shuffled)
        },
        NativeFunction("distinct", "<x:x>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .array(let seq)? = arguments[0] else { return arguments[0] }
            var unique: [Value] = []
            for item in seq.items where !unique.contains(where: { Value.deepEqual($0, item) }) {
                unique.append(item)
            }
            return .array(ValueSequence(unique, isSequence: seq.isSequence))
        },
        NativeFunction("zip", "<a+>") { _, arguments, _ throws(EvaluationFailure) in
            let arrays = arguments.map { items($0) }
            let length = arrays.map(\.count).min() ?? 0
            return .array((0..<length).map { index in .array(arrays.map { $0[index] }) })
        },
        NativeFunction("sort", "<af?:a>") { evaluator, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0] else { return nil }
            let list = items(value)
            if list.count <= 1 { return .array(list) }
            if let comparator = function(arguments.count > 1 ? arguments[1] : nil) {
                return .array(
                    try Evaluator.mergeSort(list) { (a, b) throws(EvaluationFailure) in
                        Evaluator.boolean(try evaluator.apply(comparator, [a, b], input: nil)) == true
                    })
            }
            if list.allSatisfy({ $0.numberValue != nil }) {
                return .array(
                    try Evaluator.mergeSort(list) { (a, b) throws(EvaluationFailure) in
                        try evaluator.spend(at: nil)
                        return (a.numberValue ?? 0) > (b.numberValue ?? 0)
                    })
            }
            if list.allSatisfy({ $0.stringValue != nil }) {
                return .array(
                    try Evaluator.mergeSort(list) { (a, b) throws(EvaluationFailure) in
                        try evaluator.spend(at: nil)
                        return Evaluator.compareStrings(a.stringValue ?? "", b.stringValue ?? "") > 0
                    })
            }
            throw EvaluationFailure("D3070", value: .some(value))
        },
        NativeFunction("keys", "<x-:a<s>>") { _, arguments, _ throws(EvaluationFailure) in
            sequence(keys(arguments[0]).map { .string($0) })
        },
        NativeFunction("lookup", "<x-s:x>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .string(let key)? = arguments[1] else { return nil }
            return Evaluator.lookup(arguments[0], key)
        },
        NativeFunction("spread", "<x-:a<o>>") { _, arguments, _ throws(EvaluationFailure) in
            func spread(_ value: Value) -> [Value] {
                switch value {
                case .array(let seq): return seq.items.flatMap(spread)
                case .object(let object):
                    return object.entries.map { entry in
                        let single = ObjectRef()
                        single[entry.key] = entry.value
                        return .object(single)
                    }
                default: return [value]
                }
            }
            guard let value = arguments[0] else { return nil }
            if case .object = value {} else if case .array = value {} else { return value }
            return sequence(spread(value))
        },
        NativeFunction("merge", "<a<o>:o>") { _, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0] else { return nil }
            let merged = ObjectRef()
            for item in items(value) {
                if case .object(let object) = item {
                    for (key, member) in object.entries { merged[key] = member }
                }
            }
            return .object(merged)
        },
        NativeFunction("type", "<x:s>") { _, arguments, _ throws(EvaluationFailure) in
            arguments[0].map { .string($0.typeName) }
        },
        NativeFunction("error", "<s?:x>") { _, arguments, _ throws(EvaluationFailure) in
            let message: String
            if case .string(let text)? = arguments.first ?? nil { message = text } else { message = "$error() function evaluated" }
            throw EvaluationFailure("D3137", extra: message).withMessage(message)
        },
        NativeFunction("assert", "<bs?:x>") { _, arguments, _ throws(EvaluationFailure) in
            guard case .bool(let condition)? = arguments[0] else { throw EvaluationFailure("T0410", index: 1) }
            if !condition {
                let message: String
                if case .string(let text)? = arguments.count > 1 ? arguments[1] : nil {
                    message = text
                } else {
                    message = "$assert() statement failed"
                }
                throw EvaluationFailure("D3141", extra: message).withMessage(message)
            }
            return nil
        },
        NativeFunction("clone", "<(oa)-:o>") { _, arguments, _ throws(EvaluationFailure) in
            arguments[0]?.deepCopy()
        },
    ]

    static let higherOrderFunctions: [NativeFunction] = [
        NativeFunction("map", "<af>") { evaluator, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0], let mapper = function(arguments[1]) else { return nil }
            var results: [Value] = []
            for (index, item) in items(value).enumerated() {
                if let mapped = try callback(evaluator, mapper, item, index, value) { results.append(mapped) }
            }
            return sequence(results)
        },
        NativeFunction("filter", "<af>") { evaluator, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0], let predicate = function(arguments[1]) else { return nil }
            var results: [Value] = []
            for (index, item) in items(value).enumerated() {
                if Evaluator.boolean(try callback(evaluator, predicate, item, index, value)) == true {
                    results.append(item)
                }
            }
            return sequence(results)
        },
        NativeFunction("single", "<af?>") { evaluator, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0] else { return nil }
            let predicate = function(arguments.count > 1 ? arguments[1] : nil)
            var found: Value?
            for (index, item) in items(value).enumerated() {
                var matches = true
                if let predicate {
                    matches = Evaluator.boolean(try callback(evaluator, predicate, item, index, value)) == true
                }
                if matches {
                    if found != nil { throw EvaluationFailure("D3138") }
                    found = item
                }
            }
            if found == nil { throw EvaluationFailure("D3139") }
            return found
        },
        NativeFunction("reduce", "<afj?:j>") { evaluator, arguments, _ throws(EvaluationFailure) in
            guard let value = arguments[0], let reducer = function(arguments[1]) else { return nil }
            if reducer.arity < 2 { throw EvaluationFailure("D3050") }
            let list = items(value)
            var accumulator: Value?
            var start = 0
            if arguments.count > 2, let initial = arguments[2] {
                accumulator = initial
            } else if !list.isEmpty {
                accumulator = list[0]
                start = 1
            }
            var index = start
            while index < list.count {
                var callArguments: [Value?] = [accumulator, list[index]]
                if reducer.arity >= 3 { callArguments.append(.number(Double(index))) }
                if reducer.arity >= 4 { callArguments.append(value) }
                accumulator = try evaluator.apply(reducer, callArguments, input: nil)
                index += 1
            }
            return accumulator
        },
        NativeFunction("sift", "<o-f?:o>") { evaluator, arguments, _ throws(EvaluationFailure) in
            guard case .object(let object)? = arguments[0], let predicate = function(arguments[1]) else { return nil }
            let result = ObjectRef()
            for (key, member) in object.entries {
                var callArguments: [Value?] = [member]
                if predicate.arity >= 2 { callArguments.append(.string(key)) }
                if predicate.arity >= 3 { callArguments.append(.object(object)) }
                if Evaluator.boolean(try evaluator.apply(predicate, callArguments, input: nil)) == true {
                    result[key] = member
                }
            }
            return result.isEmpty ? nil : .object(result)
        },
        NativeFunction("each", "<o-f:a>") { evaluator, arguments, _ throws(EvaluationFailure) in
            guard case .object(let object)? = arguments[0], let body = function(arguments[1]) else { return nil }
            var results: [Value] = []
            for (key, member) in object.entries {
                var callArguments: [Value?] = [member]
                if body.arity >= 2 { callArguments.append(.string(key)) }
                if body.arity >= 3 { callArguments.append(.object(object)) }
                if let produced = try evaluator.apply(body, callArguments, input: nil) { results.append(produced) }
            }
            return sequence(results)
        },
    ]
}
