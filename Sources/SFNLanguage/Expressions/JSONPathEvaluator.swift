import SFNJSON

/// Walks a document for one compiled path.
struct JSONPathEvaluator {
    /// The document `$` refers to inside filters.
    let root: JSON

    init(root: JSON) { self.root = root }

    mutating func run(_ path: JSONPath, on start: JSON) -> Result<JSON, JSONPathMiss> {
        let selected: JSON
        if path.isDefinite {
            switch definite(path, on: start) {
            case .success(let value): selected = value
            case .failure(let miss): return .failure(miss.explained(path))
            }
        } else {
            var matches: [JSON] = []
            collect(path.steps[...], from: start, into: &matches)
            selected = .array(matches)
        }
        guard let function = path.function else { return .success(selected) }
        return function.apply(to: selected)
    }

    /// `run` without explanations: misses cost no string work.
    mutating func value(_ path: JSONPath, on start: JSON) -> JSON? {
        let selected: JSON
        if path.isDefinite {
            guard case .success(let value) = definite(path, on: start) else { return nil }
            selected = value
        } else {
            var matches: [JSON] = []
            collect(path.steps[...], from: start, into: &matches)
            selected = .array(matches)
        }
        guard let function = path.function else { return selected }
        return try? function.apply(to: selected).get()
    }

    // MARK: Definite paths

    /// Where and why a definite path stopped; rendered as Jayway's message only on demand.
    enum DefiniteMiss: Error {
        case noResults
        case missingProperty(afterSteps: Int)
        case notAnObject(step: Int, found: JSON)
        case nullBeforeIndex(step: Int)
        case notAnArray(step: Int, found: JSON)

        func explained(_ path: JSONPath) -> JSONPathMiss {
            let steps = path.steps
            func walked(_ count: Int) -> String { "$" + steps[..<count].map(\.normalizedText).joined() }
            switch self {
            case .noResults:
                return JSONPathMiss("No results for path: \(path.normalizedText)")
            case .missingProperty(let count):
                return JSONPathMiss("Missing property in path \(walked(count))")
            case .notAnObject(let step, let found):
                return JSONPathEvaluator.notAnObject(steps[step].normalizedText, walked: walked(step), found: found)
            case .nullBeforeIndex(let step):
                return JSONPathMiss("The path \(walked(step)) is null")
            case .notAnArray(let step, let found):
                let rest = steps[step...].map(\.normalizedText).joined()
                return JSONPathMiss(
                    "Filter: \(rest) can only be applied to arrays. Current context is: \(JSONPathEvaluator.javaText(found))")
            }
        }
    }

    /// Follows names and single indexes, noting where Jayway would have stopped.
    private func definite(_ path: JSONPath, on start: JSON) -> Result<JSON, DefiniteMiss> {
        var current = start
        let steps = path.steps
        for (offset, step) in steps.enumerated() {
            switch step {
            case .property(let name):
                guard case .object(let members) = current else { return .failure(.notAnObject(step: offset, found: current)) }
                guard let next = members[name] else {
                    return .failure(offset == steps.count - 1 ? .noResults : .missingProperty(afterSteps: offset + 1))
                }
                current = next
            case .properties(let names):
                guard case .object(let members) = current else { return .failure(.notAnObject(step: offset, found: current)) }
                var merged = JSONObject(minimumCapacity: names.count)
                for name in names {
                    if let value = members[name] { merged[name] = value }
                }
                current = .object(merged)
            case .index(let index):
                guard case .array(let elements) = current else {
                    if case .null = current { return .failure(.nullBeforeIndex(step: offset)) }
                    return .failure(.notAnArray(step: offset, found: current))
                }
                let effective = index < 0 ? elements.count + index : index
                guard elements.indices.contains(effective) else { return .failure(.noResults) }
                current = elements[effective]
            case .indexes, .slice, .wildcard, .descendants, .filter:
                // Not reachable for a definite path; treated as a miss rather than trusted.
                return .failure(.noResults)
            }
        }
        return .success(current)
    }

    static func notAnObject(_ fragment: String, walked: String, found: JSON) -> JSONPathMiss {
        JSONPathMiss(
            "Expected to find an object with property \(fragment) in path \(walked) but found '\(javaClassName(found))'. "
                + "This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.")
    }

    private static func javaClassName(_ value: JSON) -> String {
        switch value {
        case .null: "null"
        case .bool: "java.lang.Boolean"
        case .int(let number): Int32(exactly: number) != nil ? "java.lang.Integer" : "java.lang.Long"
        case .double: "java.lang.Double"
        case .string: "java.lang.String"
        case .array: "net.minidev.json.JSONArray"
        case .object: "net.minidev.json.JSONObject"
        }
    }

    /// `String.valueOf` of a JSON node in Java: strings bare, everything else as JSON.
    static func javaText(_ value: JSON) -> String {
        if case .string(let text) = value { return text }
        return value.compactText
    }

    // MARK: Indefinite paths

    /// Appends every match of `steps` applied to `value`, in Jayway's order. Parts that do not
    /// apply (a name on an array, an index on an object, a missing key) simply add nothing.
    private func collect(_ steps: ArraySlice<JSONPathStep>, from value: JSON, into matches: inout [JSON]) {
        guard let step = steps.first else {
            matches.append(value)
            return
        }
        apply(step, then: steps.dropFirst(), to: value, into: &matches)
    }

    private func apply(_ step: JSONPathStep, then rest: ArraySlice<JSONPathStep>, to value: JSON, into matches: inout [JSON]) {
        switch step {
        case .property(let name):
            if case .object(let members) = value, let next = members[name] {
                collect(rest, from: next, into: &matches)
            }
        case .properties(let names):
            guard case .object(let members) = value else { return }
            if rest.isEmpty {
                var merged = JSONObject(minimumCapacity: names.count)
                for name in names {
                    if let member = members[name] { merged[name] = member }
                }
                matches.append(.object(merged))
            } else {
                for name in names {
                    if let next = members[name] { collect(rest, from: next, into: &matches) }
                }
            }
        case .index(let index):
            if case .array(let elements) = value {
                let effective = index < 0 ? elements.count + index : index
                if elements.indices.contains(effective) { collect(rest, from: elements[effective], into: &matches) }
            }
        case .indexes(let indexes):
            if case .array(let elements) = value {
                for index in indexes {
                    let effective = index < 0 ? elements.count + index : index
                    if elements.indices.contains(effective) { collect(rest, from: elements[effective], into: &matches) }
                }
            }
        case .slice(let from, let to):
            guard case .array(let elements) = value else { return }
            for index in Self.sliceIndexes(from: from, to: to, count: elements.count) {
                collect(rest, from: elements[index], into: &matches)
            }
        case .wildcard:
            switch value {
            case .object(let members):
                for member in members.values { collect(rest, from: member, into: &matches) }
            case .array(let elements):
                for element in elements { collect(rest, from: element, into: &matches) }
            default:
                break
            }
        case .descendants(let target):
            scan(target, rest, in: value, into: &matches)
        case .filter(let filter):
            switch value {
            case .array(let elements):
                for element in elements where filter.accepts(element, root: root) {
                    collect(rest, from: element, into: &matches)
                }
            case .object:
                // Jayway applies a filter to an object as to a one-element collection.
                if filter.accepts(value, root: root) { collect(rest, from: value, into: &matches) }
            default:
                break
            }
        }
    }

    /// `..target`: applies `target` at this node when it can apply, then at every descendant
    /// (an object's members in order, an array's elements in order).
    private func scan(_ target: JSONPathStep, _ rest: ArraySlice<JSONPathStep>, in value: JSON, into matches: inout [JSON]) {
        let applies: Bool
        switch (target, value) {
        case (.property(let name), .object(let members)): applies = members[name] != nil
        case (.properties(let names), .object(let members)): applies = names.allSatisfy { members[$0] != nil }
        case (.index, .array), (.indexes, .array), (.slice, .array): applies = true
        case (.wildcard, .object), (.wildcard, .array): applies = true
        case (.filter(let filter), .object): applies = filter.accepts(value, root: root)
        // Jayway tests the filter against the array itself, which only a filter on the array
        // as a whole (e.g. its length) can satisfy; the elements are visited on their own.
        case (.filter(let filter), .array): applies = filter.accepts(value, root: root)
        default: applies = false
        }
        if applies { apply(target, then: rest, to: value, into: &matches) }
        switch value {
        case .object(let members):
            for member in members.values { scan(target, rest, in: member, into: &matches) }
        case .array(let elements):
            for element in elements { scan(target, rest, in: element, into: &matches) }
        default:
            break
        }
    }

    /// Jayway's slice bounds: `[from:]` and `[:to]` count negative bounds from the end, while
    /// `[from:to]` walks the bounds as written and maps each negative position on its own (so
    /// `[1:-1]` is empty and `[-2:2]` yields the last two elements, then the first two).
    static func sliceIndexes(from: Int?, to: Int?, count: Int) -> [Int] {
        guard count > 0 else { return [] }
        switch (from, to) {
        case (let from?, nil):
            let start = Swift.max(0, from < 0 ? count + from : from)
            return start < count ? Array(start..<count) : []
        case (nil, let to?):
            let end = Swift.min(count, to < 0 ? count + to : to)
            return end > 0 ? Array(0..<end) : []
        case (let from?, let to?):
            let end = Swift.min(count, to)
            // Positions before -count select nothing: start there, so a start of -9e18 costs
            // no more than -count (the walk stays within 2 × count positions).
            let start = Swift.max(from, -count)
            guard start < end else { return [] }
            return (start..<end).compactMap { position in
                let effective = position < 0 ? count + position : position
                return effective >= 0 && effective < count ? effective : nil
            }
        case (nil, nil):
            return Array(0..<count)
        }
    }
}

extension JSONPathFunction {
    func apply(to value: JSON) -> Result<JSON, JSONPathMiss> {
        switch self {
        case .length:
            switch value {
            case .array(let elements): return .success(.int(elements.count))
            case .object(let members): return .success(.int(members.count))
            default: return .failure(JSONPathMiss("length operation cannot be applied to \(value.typeName)"))
            }
        case .keys:
            guard case .object(let members) = value else {
                return .failure(JSONPathMiss("keys() can only be applied to an object"))
            }
            return .success(.array(members.keys.map { .string($0) }))
        case .first, .last:
            guard case .array(let elements) = value, let element = (self == .first ? elements.first : elements.last) else {
                return .failure(JSONPathMiss("\(rawValue)() needs a non-empty array"))
            }
            return .success(element)
        case .min, .max, .avg, .sum, .stddev:
            let numbers: [Double]
            switch value {
            case .array(let elements): numbers = elements.compactMap(\.doubleValue)
            default: numbers = []
            }
            guard !numbers.isEmpty else {
                return .failure(JSONPathMiss("Aggregation function attempted to calculate value using empty array"))
            }
            let total = numbers.reduce(0, +)
            switch self {
            case .min: return .success(.double(numbers.min() ?? 0))
            case .max: return .success(.double(numbers.max() ?? 0))
            case .sum: return .success(.double(total))
            case .avg: return .success(.double(total / Double(numbers.count)))
            default:
                let mean = total / Double(numbers.count)
                let variance = numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(numbers.count)
                return .success(.double(variance.squareRoot()))
            }
        }
    }
}
