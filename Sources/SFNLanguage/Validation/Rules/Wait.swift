import SFNJSON

// Wait: exactly one of Seconds, SecondsPath, Timestamp, TimestampPath.

extension DefinitionParser {
    mutating func wait(_ reader: inout FieldReader) -> StateKind? {
        let pointer = reader.pointer
        let given = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].filter { reader.fields[$0] != nil }
        guard given.count == 1 else {
            let choices =
                reader.language == .jsonata ? ["Seconds", "Timestamp"] : ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            report(.exactlyOneOf(choices, at: pointer))
            return nil
        }
        switch given[0] {
        case "Seconds", "SecondsPath":
            guard let seconds = reader.number("Seconds", pathField: "SecondsPath", minimum: 0, maximum: 99_999_999) else { return nil }
            return .wait(WaitState(duration: .seconds(seconds)))
        case "TimestampPath":
            guard let path = reader.referencePath("TimestampPath") else { return nil }
            return .wait(WaitState(duration: .timestamp(.path(path.expression, field: "TimestampPath"))))
        default:
            let timestampPointer = pointer / "Timestamp"
            guard case .string(let text)? = reader.fields["Timestamp"] else {
                report(.wrongType("Timestamp", expected: "a string", at: timestampPointer))
                return nil
            }
            if reader.language == .jsonata, JSONataValue.expressionSource(text) != nil {
                guard let expression = reader.jsonata("Timestamp") else { return nil }
                return .wait(WaitState(duration: .timestamp(.expression(expression))))
            }
            guard StatesTimestamp(text) != nil else {
                report(.invalidTimestamp(text, at: timestampPointer))
                return nil
            }
            return .wait(WaitState(duration: .timestamp(.literal(.string(text)))))
        }
    }
}

extension FieldTable {
    static let waitFields: Set<String> = common.union(transition).union([
        "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Assign", "Output",
    ])
    static let waitJSONPathOnly: Set<String> = ["SecondsPath", "TimestampPath"]
}
