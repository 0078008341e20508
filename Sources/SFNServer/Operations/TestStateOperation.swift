import SFNJSON
import SFNLanguage
import SFNRuntime

/// TestState: one state run in isolation, with the server's executors doing its Task's work
/// (or a mock standing in), and its data flow shown at DEBUG and TRACE.
extension StepFunctionsService {
    func testState(_ fields: RequestFields) async throws(ServerError) -> JSON {
        let definitionText = try fields.string("definition")
        let level = try fields.optionalString("inspectionLevel") ?? "INFO"
        guard ["INFO", "DEBUG", "TRACE"].contains(level) else {
            throw .validation(
                "1 validation error detected: Value '\(level)' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]"
            )
        }
        _ = try fields.optionalBool("revealSecrets")
        if let roleArn = try fields.optionalString("roleArn"), ARN(parsing: roleArn) == nil { throw .invalidArn(roleArn) }
        var test = StateTest(
            definition: try parseDefinition(definitionText), stateName: try fields.optionalString("stateName", length: 1...80))
        test.input = try Self.jsonMember(fields, "input", invalid: "InvalidExecutionInput") ?? .emptyObject
        if let variables = try Self.jsonMember(fields, "variables", invalid: "ValidationException") {
            guard case .object(let members) = variables else { throw .validation("variables must be a JSON object") }
            test.variables = members
        }
        if let context = try Self.jsonMember(fields, "context", invalid: "ValidationException") {
            guard case .object(let members) = context else { throw .validation("context must be a JSON object") }
            test.context = members
        }
        if case .object? = fields.members["mock"] {
            let mock = try RequestFields(fields.members["mock"] ?? .emptyObject)
            if let result = try Self.jsonMember(mock, "result", invalid: "ValidationException") {
                test.mock = .result(result)
            } else if case .object? = mock.members["errorOutput"] {
                let failure = try RequestFields(mock.members["errorOutput"] ?? .emptyObject)
                test.mock = .failure(error: try failure.optionalString("error") ?? "", cause: try failure.optionalString("cause") ?? "")
            } else {
                throw .validation("A mock must have a result or an errorOutput")
            }
        }
        if case .object? = fields.members["stateConfiguration"] {
            let configuration = try RequestFields(fields.members["stateConfiguration"] ?? .emptyObject)
            test.retryCount = try configuration.optionalInt("retrierRetryCount", range: 0...Int(Int32.max)) ?? 0
        }
        let outcome: StateTest.Outcome
        do {
            outcome = try await test.run(configuration: configuration)
        } catch {
            throw Self.refusal(error)
        }
        var response: JSONObject = ["status": .string(outcome.status.rawValue)]
        if let output = outcome.output { response["output"] = .string(output.compactText) }
        if let error = outcome.error { response["error"] = .string(error) }
        if let cause = outcome.cause { response["cause"] = .string(cause) }
        if let next = outcome.nextState { response["nextState"] = .string(next) }
        var inspection: JSONObject = [:]
        if level != "INFO" {
            // AWS sends each step's value as JSON text.
            for (step, value) in outcome.inspection { inspection[step] = .string(value.compactText) }
        }
        if let details = outcome.errorDetails { inspection["errorDetails"] = .object(details) }
        if !inspection.isEmpty { response["inspectionData"] = .object(inspection) }
        return .object(response)
    }

    /// A string member holding JSON text, refused with AWS's error name when it is not JSON.
    static func jsonMember(_ fields: RequestFields, _ name: String, invalid type: String) throws(ServerError) -> JSON? {
        try fields.jsonText(name) { message in ServerError(type, "Invalid \(name): '\(message)'") }
    }
}
