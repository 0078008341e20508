/// Which fields each state type accepts (AWS's per-state field table), and which of them belong
/// to only one query language.
enum FieldTable {
    static let stateTypes: Set<String> = Set(allowed.keys)

    static let common: Set<String> = ["Type", "Comment", "QueryLanguage"]
    static let transition: Set<String> = ["Next", "End"]

    // Each state type's own fields are declared beside its rule (`Rules/Task.swift`, ...), so a
    // new field is added where it is read.
    private static let allowed: [String: Set<String>] = [
        "Pass": common.union(transition).union(["InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Assign", "Output"]),
        "Succeed": common.union(["InputPath", "OutputPath", "Output"]),
        "Task": taskFields,
        "Choice": choiceFields,
        "Wait": waitFields,
        "Fail": failFields,
        "Parallel": parallelFields,
        "Map": mapFields,
    ]

    /// Fields that only JSONPath-mode states may use.
    static let jsonPathOnly: Set<String> = Set([
        "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Result",
    ]).union(taskJSONPathOnly).union(waitJSONPathOnly).union(failJSONPathOnly).union(mapJSONPathOnly)

    /// Fields that only JSONata-mode states may use.
    static let jsonataOnly: Set<String> = Set(["Arguments", "Output"]).union(mapJSONataOnly)

    static func allows(_ field: String, onType type: String) -> Bool {
        allowed[type]?.contains(field) ?? false
    }

    static func belongs(_ field: String, to language: QueryLanguage) -> Bool {
        switch language {
        case .jsonPath: !jsonataOnly.contains(field)
        case .jsonata: !jsonPathOnly.contains(field)
        }
    }

    static let topLevelFields: Set<String> = ["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"]
    static let branchFields: Set<String> = ["Comment", "StartAt", "States"]
    static let processorFields: Set<String> = ["Comment", "StartAt", "States", "ProcessorConfig"]
}
