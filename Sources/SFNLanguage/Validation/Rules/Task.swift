import SFNJSON

// Task: Resource, TimeoutSeconds and HeartbeatSeconds (or their paths), Credentials.

extension DefinitionParser {
    mutating func task(_ reader: inout FieldReader) -> StateKind? {
        let pointer = reader.pointer
        guard let resource = requiredString(reader, "Resource") else { return nil }
        // An ARN is printable text without spaces: a Resource with a line break or a control
        // character is refused here, before it can reach a request line or a log.
        if !resource.hasPrefix("arn:") || resource.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            report(.invalidResource(at: pointer / "Resource"))
        }
        let timeout = reader.number("TimeoutSeconds", pathField: "TimeoutSecondsPath", minimum: 1, maximum: 99_999_999)
        let heartbeat = reader.number(
            "HeartbeatSeconds", pathField: "HeartbeatSecondsPath", minimum: 1, maximum: 99_999_999)
        if let timeoutLimit = timeout?.literalInt, let heartbeatLimit = heartbeat?.literalInt, heartbeatLimit >= timeoutLimit {
            report(.heartbeatNotBelowTimeout(at: pointer / "HeartbeatSeconds"))
        }
        var credentials: JSON?
        if let value = reader.fields["Credentials"] {
            if case .object = value {
                credentials = value
            } else {
                report(.wrongType("Credentials", expected: "an object", at: pointer / "Credentials"))
            }
        }
        return .task(TaskState(resource: resource, timeoutSeconds: timeout, heartbeatSeconds: heartbeat, credentials: credentials))
    }
}

extension FieldTable {
    static let taskFields: Set<String> = common.union(transition).union([
        "Resource", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch",
        "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials",
        "Assign", "Arguments", "Output",
    ])
    static let taskJSONPathOnly: Set<String> = ["TimeoutSecondsPath", "HeartbeatSecondsPath"]
}
