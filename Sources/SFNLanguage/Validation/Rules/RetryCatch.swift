import SFNJSON

// Retry and Catch entries, shared by Task, Parallel and Map.

extension DefinitionParser {
    mutating func retriers(_ value: JSON?, at pointer: JSONPointer) -> [Retrier] {
        var retriers: [Retrier] = []
        for (_, fields, entryPointer, isLast) in entries(value, field: "Retry", at: pointer) {
            for key in fields.keys where !FieldTable.retrierFields.contains(key) { report(.unsupportedField(key, at: entryPointer)) }
            let errors = errorEquals(fields, at: entryPointer, isLast: isLast, field: "Retry")
            var retrier = Retrier(errorEquals: errors)
            if let value = fields["IntervalSeconds"],
                let seconds = integer(value, "IntervalSeconds", at: entryPointer / "IntervalSeconds", minimum: 1, maximum: 99_999_999)
            {
                retrier.intervalSeconds = seconds
            }
            if let value = fields["MaxAttempts"],
                let attempts = integer(value, "MaxAttempts", at: entryPointer / "MaxAttempts", minimum: 0, maximum: 99_999_999)
            {
                retrier.maxAttempts = attempts
            }
            if let value = fields["MaxDelaySeconds"],
                let delay = integer(value, "MaxDelaySeconds", at: entryPointer / "MaxDelaySeconds", minimum: 1, maximum: 31_622_400)
            {
                retrier.maxDelaySeconds = delay
            }
            if let value = fields["BackoffRate"] {
                if let rate = value.doubleValue, rate >= 1.0 {
                    retrier.backoffRate = rate
                } else {
                    report(.outOfRange("BackoffRate", requirement: "a number of at least 1.0", at: entryPointer / "BackoffRate"))
                }
            }
            if let value = fields["JitterStrategy"] {
                if let strategy = value.stringValue.flatMap(Retrier.JitterStrategy.init(rawValue:)) {
                    retrier.jitterStrategy = strategy
                } else {
                    report(
                        .valueNotAllowed("JitterStrategy", value: value, allowed: ["FULL", "NONE"], at: entryPointer / "JitterStrategy"))
                }
            }
            retrier.comment = string(fields, "Comment", at: entryPointer)
            retriers.append(retrier)
        }
        return retriers
    }

    mutating func catchers(_ value: JSON?, at pointer: JSONPointer, language: QueryLanguage) -> [Catcher] {
        var catchers: [Catcher] = []
        for (index, fields, entryPointer, isLast) in entries(value, field: "Catch", at: pointer) {
            for key in fields.keys {
                if !FieldTable.catcherFields.contains(key) {
                    report(.unsupportedField(key, at: entryPointer))
                } else if !FieldTable.belongs(key, to: language) {
                    report(.fieldNotInLanguage(key, language: language, at: entryPointer))
                }
            }
            let errors = errorEquals(fields, at: entryPointer, isLast: isLast, field: "Catch")
            var next = ""
            switch fields["Next"] {
            case .string(let name)?: next = name
            case nil: report(.requiredFields(["Next"], at: entryPointer))
            default: report(.wrongType("Next", expected: "a string", at: entryPointer / "Next"))
            }
            var catcher = Catcher(errorEquals: errors, next: next)
            catcher.comment = string(fields, "Comment", at: entryPointer)
            if FieldTable.belongs("ResultPath", to: language) {
                catcher.resultPath = resultPlacement(fields["ResultPath"], at: entryPointer / "ResultPath")
            }
            catcher.assign = assignment(
                fields["Assign"], field: "Catch[\(index)]/Assign", at: entryPointer / "Assign", language: language, inCatcher: true)
            if language == .jsonata {
                var reader = FieldReader(fields: fields, pointer: entryPointer, language: language)
                reader.isCatcher = true
                reader.labelPrefix = "Catch[\(index)]/"
                catcher.output = reader.jsonata("Output")
                diagnostics += reader.diagnostics
            }
            catchers.append(catcher)
        }
        return catchers
    }

    /// The object entries of `Retry` or `Catch`, each with its index, pointer and whether it is the last
    /// entry; a value that is not an array, or an entry that is not an object, is reported.
    mutating func entries(
        _ value: JSON?, field: String, at pointer: JSONPointer
    ) -> [(index: Int, fields: JSONObject, pointer: JSONPointer, isLast: Bool)] {
        guard let value else { return [] }
        guard case .array(let entries) = value else {
            report(.wrongType(field, expected: "an array", at: pointer))
            return []
        }
        var objects: [(index: Int, fields: JSONObject, pointer: JSONPointer, isLast: Bool)] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let fields) = entry else {
                report(.wrongType(field, expected: "an array of objects", at: pointer / index))
                continue
            }
            objects.append((index, fields, pointer / index, index == entries.count - 1))
        }
        return objects
    }

    mutating func errorEquals(_ fields: JSONObject, at pointer: JSONPointer, isLast: Bool, field: String) -> [String] {
        guard let value = fields["ErrorEquals"] else {
            report(.requiredFields(["ErrorEquals"], at: pointer))
            return []
        }
        let listPointer = pointer / "ErrorEquals"
        guard case .array(let items) = value else {
            report(.wrongType("ErrorEquals", expected: "an array of strings", at: listPointer))
            return []
        }
        if items.isEmpty { report(.emptyErrorEquals(at: listPointer)) }
        var names: [String] = []
        for (index, item) in items.enumerated() {
            if case .string(let name) = item {
                names.append(name)
            } else {
                report(.wrongType("ErrorEquals", expected: "an array of strings", at: listPointer / index))
            }
        }
        if let index = items.firstIndex(of: .string(StatesErrorName.all.rawValue)), items.count > 1 || !isLast {
            report(.statesAllMisplaced(at: listPointer / index))
        }
        return names
    }
}

extension FieldTable {
    static let retrierFields: Set<String> = [
        "ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment",
    ]
    static let catcherFields: Set<String> = ["ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment"]
}
