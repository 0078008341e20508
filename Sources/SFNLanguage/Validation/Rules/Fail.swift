import SFNJSON

// Fail: Error and Cause, literal, from a path or intrinsic, or JSONata.

extension DefinitionParser {
    mutating func fail(_ reader: inout FieldReader) -> StateKind? {
        if reader.language == .jsonPath {
            var warnings: [Diagnostic] = []
            for field in ["Error", "Cause"] {
                LiteralPathWarnings.checkPlainField(field, reader.fields[field], at: reader.pointer) { warnings.append($0) }
            }
            diagnostics += warnings
        }
        let error = reader.failText("Error", pathField: "ErrorPath")
        let cause = reader.failText("Cause", pathField: "CausePath")
        return .fail(FailState(error: error, cause: cause))
    }
}

extension FieldTable {
    static let failFields: Set<String> = common.union(["Error", "Cause", "ErrorPath", "CausePath"])
    static let failJSONPathOnly: Set<String> = ["ErrorPath", "CausePath"]
}
