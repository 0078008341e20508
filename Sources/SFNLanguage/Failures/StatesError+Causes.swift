import SFNJSON

// Every failure sfn raises itself, with AWS's wording, in one place. Each factory is named for
// the situation; where AWS's text was recorded (the conformance corpus), the wording is AWS's.

extension StatesError {
    // MARK: Limits

    /// A state's or task's result over the payload limit (AWS names the task's resource when a
    /// Task's service result is too large, the state otherwise).
    public static func resultTooLarge(stateOrTask name: String) -> StatesError {
        StatesError(
            .dataLimitExceeded,
            cause: "The state/task '\(name)' returned a result with a size exceeding the maximum number of bytes service limit.")
    }

    /// A state's `Assign` over the payload limit.
    public static func assignedVariablesTooLarge(state: String) -> StatesError {
        StatesError(
            .dataLimitExceeded,
            cause: "The state '\(state)' assigned variables with a size exceeding the maximum number of bytes service limit.")
    }

    /// An execution's input over the payload limit.
    public static let executionInputTooLarge = StatesError(
        .dataLimitExceeded, cause: "The execution input exceeds the maximum number of bytes service limit.")

    /// The execution wrote as many history events as it may.
    public static func historyLimitReached(_ limit: Int) -> StatesError {
        .runtime("The execution reached the maximum number of history events (\(limit)).")
    }

    // MARK: Ending paths

    /// A task or execution timeout, with no cause.
    public static let timedOut = StatesError(.timeout)
    /// A missed heartbeat, with no cause.
    public static let heartbeatTimedOut = StatesError(.heartbeatTimeout)
    /// An execution stopped by StopExecution.
    public static let aborted = StatesError(.aborted)
    /// A path cancelled because a sibling branch or iteration failed.
    public static let cancelled = StatesError(.cancelled)

    // MARK: The state machinery

    /// AWS's prefix for failures the state machinery itself raises (paths, templates, intrinsics).
    public func raised(inState state: String, enteredEventId: Int, enteredPreviousEventId: Int = 0) -> StatesError {
        let prefix = "An error occurred while executing the state '\(state)' (entered at the event id #\(enteredEventId))."
        var prefixed = self
        if let cause, !cause.isEmpty {
            prefixed.cause = prefix + " " + cause
        } else {
            prefixed.cause = prefix
        }
        if name == .queryEvaluationError {
            // AWS writes an EvaluationFailed event for it (see EvaluationSite).
            prefixed.evaluation = EvaluationSite(
                location: evaluation?.location, state: state, enteredPreviousEventId: enteredPreviousEventId)
        }
        return prefixed
    }

    /// InputPath, OutputPath, ItemsPath selecting nothing.
    public static func invalidPath(_ path: String, _ reason: String) -> StatesError {
        .runtime("Invalid path '\(path)' : \(reason)")
    }

    /// No Choice rule held and there is no Default.
    public static let noChoiceMatched = StatesError(.noChoiceMatched, cause: "No Matches!")

    /// Too many Map iterations failed.
    public static let toleratedFailureThresholdExceeded = StatesError(
        .exceedToleratedFailureThreshold, cause: "The specified tolerated failure threshold was exceeded")

    /// A Distributed Map's ItemReader could not read its items.
    public static func itemReaderFailure(_ cause: String) -> StatesError { StatesError(.itemReaderFailed, cause: cause) }

    /// Map items that are not an array (JSONPath: States.Runtime; JSONata: QueryEvaluationError).
    public static func mapInputNotArray(_ value: JSON, jsonata: Bool) -> StatesError {
        let cause = "Map state input must be an array but was: \(value.compactText)"
        return jsonata ? .queryEvaluation(cause) : .runtime(cause)
    }

    /// A `...Path` number field (MaxConcurrencyPath, TimeoutSecondsPath, ...) whose value is not a
    /// number of the kind the field takes (`integer`, `positive integer`, `float`).
    public static func pathValueNotNumber(field: String, value: JSON?, kind: String, path: String) -> StatesError {
        .runtime("The \(field) field refers to value \"\(value.map(plainText) ?? "null")\" which is not a valid \(kind): \(path)")
    }

    /// A number field out of the range AWS accepts, e.g. "MaxConcurrency must be a non-negative integer."
    public static func numberOutOfRange(_ requirement: String) -> StatesError {
        .runtime(requirement)
    }

    // MARK: Wait

    /// A Wait longer than 2³¹−1 seconds.
    public static let waitTooLong = StatesError.runtime("Wait state delay is too long.")

    /// SecondsPath or TimestampPath selecting nothing.
    public static func pathFindsNothing(_ field: String, path: String) -> StatesError {
        .runtime("The \(field) parameter does not reference an input value: \(path)")
    }

    /// SecondsPath selecting something that is not an integer.
    public static func secondsPathNotLong(path: String, value: JSON) -> StatesError {
        .runtime("The SecondsPath parameter cannot be parsed as a long value: \(path) == \(plainText(value))")
    }

    /// TimestampPath selecting something that is not an ISO-8601 timestamp.
    public static func timestampPathNotTimestamp(path: String, value: JSON) -> StatesError {
        .runtime(
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: \(path) == \(plainText(value))"
        )
    }

    /// A Timestamp (literal, intrinsic or JSONata) that is not an ISO-8601 timestamp.
    public static func timestampNotTimestamp(_ value: JSON?, jsonata: Bool) -> StatesError {
        let cause =
            "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: \(value.map(plainText) ?? "undefined")"
        return jsonata ? .queryEvaluation(cause, location: "Timestamp") : .runtime(cause)
    }

    // MARK: Fail

    /// A Fail state's ErrorPath or CausePath selecting nothing.
    public static func failPathNotFound(path: String, field: String, input: JSON) -> StatesError {
        .runtime("The JSONPath '\(path)' specified for the field '\(field)' could not be found in the input '\(input.compactText)'")
    }

    /// A Fail state's ErrorPath or CausePath selecting something that is not a string.
    public static func failPathNotString(path: String, field: String, value: JSON) -> StatesError {
        .runtime("The JSONPath '\(path)' specified for the field '\(field)' did not resolve to a string: \(value.compactText)")
    }

    // MARK: JSONata

    /// A JSONata field whose expression returned nothing.
    public static func jsonataUndefined(_ expression: String, field: String) -> StatesError {
        .queryEvaluation(
            "The JSONata expression '\(expression)' specified for the field '\(field)' returned nothing (undefined).", location: field)
    }

    /// A JSONata field whose expression failed.
    public static func jsonataThrew(_ expression: String, field: String, code: String, message: String) -> StatesError {
        .queryEvaluation(
            "The JSONata expression '\(expression)' specified for the field '\(field)' threw an error during evaluation. \(code): \(message)",
            location: field)
    }

    /// A JSONata field whose expression returned a function.
    public static func jsonataUnsupportedResult(_ expression: String, field: String) -> StatesError {
        .queryEvaluation(
            "The JSONata expression '\(expression)' specified for the field '\(field)' returned an unsupported result type.",
            location: field)
    }

    /// A JSONata field whose value is not of the type the field takes (`integer`, `boolean`, `array`, `string`).
    public static func jsonataUnexpectedType(_ expression: String, field: String, expected: String, value: JSON?) -> StatesError {
        .queryEvaluation(
            "The JSONata expression '\(expression)' specified for the field '\(field)' returned an unexpected result type. Expected '\(expected)', but was '\(value?.typeName ?? "undefined")' for value: \(value?.compactText ?? "undefined")",
            location: field)
    }

    /// Values as AWS quotes them in messages: strings bare, everything else as JSON.
    public static func plainText(_ value: JSON) -> String {
        if case .string(let text) = value { return text }
        return value.compactText
    }

    // MARK: Tasks and service integrations

    /// A Task whose Resource no executor serves: a configuration mistake, so States.Runtime,
    /// which no Catch or Retry can swallow (a `States.ALL` catcher would otherwise turn it into
    /// what looks like a successful run).
    public static func unroutedResource(_ resource: String) -> StatesError {
        StatesError(
            .runtime,
            cause:
                "No executor is configured for the resource '\(resource)'. Route it to a local program, a Lambda endpoint or a fixed result in an executor configuration file (sfn run --config FILE), or answer it from a mock file (--mock-config)."
        )
    }

    /// An error of a service that a task calls, as the AWS SDK words it:
    /// `Lambda.ResourceNotFoundException` with "MESSAGE (Service: AWSLambda; Status Code: 404; ...)".
    public static func serviceError(
        service: String, sdkName: String, code: String, message: String, status: Int, requestId: String
    ) -> StatesError {
        StatesError(
            "\(service).\(code)",
            cause: "\(message) (Service: \(sdkName); Status Code: \(status); Error Code: \(code); Request ID: \(requestId); Proxy: null)")
    }

    /// A Lambda Invoke API error (not the function's own).
    public static func lambdaServiceError(code: String, message: String, status: Int, requestId: String) -> StatesError {
        serviceError(service: "Lambda", sdkName: "AWSLambda", code: code, message: message, status: status, requestId: requestId)
    }

    /// A FunctionName Lambda's Invoke refuses (characters outside its pattern), as the SDK reports it.
    public static func lambdaInvalidFunctionName(_ name: String) -> StatesError {
        let message =
            "1 validation error detected: Value '\(name)' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"
        return StatesError(
            "Lambda.AWSLambdaException",
            cause: "\(message) (Service: AWSLambda; Status Code: 400; Error Code: ValidationException; Request ID: null; Proxy: null)")
    }

    /// A Task cancelled from outside (its execution stopped or timed out).
    public static let taskCancelled = StatesError(.timeout, cause: "The task was cancelled.")

    /// A task program that ran past its `timeoutSeconds` and was killed.
    public static func programTimedOut(after seconds: Double) -> StatesError {
        StatesError(.timeout, cause: "The command did not finish within \(JSONNumberFormat.text(for: seconds)) seconds and was killed.")
    }

    /// A Lambda endpoint that did not answer in time.
    public static func functionTimedOut(_ name: String, after seconds: Double) -> StatesError {
        StatesError(.timeout, cause: "The function '\(name)' did not answer within \(JSONNumberFormat.text(for: seconds)) seconds.")
    }

    /// A Lambda endpoint that could not be reached (`reason` says why).
    public static func lambdaClientError(_ reason: String) -> StatesError {
        StatesError("Lambda.SdkClientException", cause: reason)
    }

    /// A `lambda:invoke` or function Resource that names no function.
    public static func notAFunction(resource: String) -> StatesError {
        StatesError(.taskFailed, cause: "The resource '\(resource)' does not name a Lambda function.")
    }

    /// `lambda:invoke` parameters that are not an object.
    public static func invokeParametersNotObject(_ input: JSON) -> StatesError {
        .runtime("The lambda:invoke parameters must be an object, not \(input.typeName).")
    }

    /// A state a mock test case does not answer, with nothing else to route it to.
    public static func notMocked(state: String, testCase: String, resource: String) -> StatesError {
        StatesError(
            .taskFailed,
            cause:
                "The state '\(state)' is not mocked in test case '\(testCase)' and no executor is configured for the resource '\(resource)'."
        )
    }

    /// `states:startExecution` without a StateMachineArn.
    public static func stateMachineArnRequired(resource: String) -> StatesError {
        .runtime("The field 'StateMachineArn' is required for the resource '\(resource)'.")
    }

    /// `states:startExecution` of a machine sfn does not know.
    public static func stateMachineDoesNotExist(_ reference: String) -> StatesError {
        StatesError(
            "StepFunctions.StateMachineDoesNotExistException",
            cause:
                "State Machine Does Not Exist: '\(reference)' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist)"
        )
    }
}
