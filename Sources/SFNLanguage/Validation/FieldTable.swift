/// Which fields each state type accepts (AWS's per-state field table), and which of them belong
/// to only one query language.
enum FieldTable {
    static let stateTypes: Set<String> = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]

    private static let common: Set<String> = ["Type", "Comment", "QueryLanguage"]
    private static let transition: Set<String> = ["Next", "End"]

    private static let allowed: [String: Set<String>] = [
        "Pass": common.union(transition).union([
            "InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Assign", "Output",
        ]),
        "Task": common.union(transition).union([
            "Resource", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch",
            "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials",
            "Assign", "Arguments", "Output",
        ]),
        "Choice": common.union(["Choices", "Default", "InputPath", "OutputPath", "Assign", "Output"]),
        "Wait": common.union(transition).union([
            "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Assign", "Output",
        ]),
        "Succeed": common.union(["InputPath", "OutputPath", "Output"]),
        "Fail": common.union(["Error", "Cause", "ErrorPath", "CausePath"]),
        "Parallel": common.union(transition).union([
            "Branches", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch",
            "Assign", "Arguments", "Output",
        ]),
        "Map": common.union(transition).union([
            "ItemProcessor", "Iterator", "ItemsPath", "Items", "ItemSelector", "Parameters", "ItemReader",
            "ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount",
            "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label",
            "InputPath", "OutputPath", "ResultPath", "ResultSelector", "Retry", "Catch", "Assign", "Arguments",
            "Output",
        ]),
    ]

    /// Fields that only JSONPath-mode states may use.
    static let jsonPathOnly: Set<String> = [
        "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Result", "ItemsPath", "Iterator",
        "SecondsPath", "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "ErrorPath", "CausePath",
        "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath",
    ]

    /// Fields that only JSONata-mode states may use.
    static let jsonataOnly: Set<String> = ["Arguments", "Output", "Items"]

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

    static let retrierFields: Set<String> = [
        "ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment",
    ]
    static let catcherFields: Set<String> = ["ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment"]
    static let itemReaderFields: Set<String> = ["Resource", "Parameters", "Arguments", "ReaderConfig"]
    static let resultWriterFields: Set<String> = ["Resource", "Parameters", "Arguments", "WriterConfig"]
    static let itemBatcherFields: Set<String> = [
        "MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput",
    ]
    static let jsonataChoiceFields: Set<String> = ["Condition", "Next", "Comment", "Assign", "Output"]
}
