import Foundation
import SFNJSON
import SFNLanguage

/// How a Task's Resource asks to be run.
enum IntegrationPattern: Sendable, Equatable {
    case requestResponse
    case sync
    case waitForTaskToken

    init(resource: String) {
        if resource.hasSuffix(".waitForTaskToken") {
            self = .waitForTaskToken
        } else if resource.hasSuffix(".sync") || resource.hasSuffix(".sync:2") {
            self = .sync
        } else {
            self = .requestResponse
        }
    }
}

extension Interpreter {
    /// Task: hands the effective input to the executor routed for the Resource.
    ///
    /// The async part is kept to the call itself: everything before and after runs in plain
    /// functions, so a task parked on a callback holds a small async frame.
    @inline(never)  // see Interpreter.execute: a frame of its own, allocated only when this state runs
    func runTask(_ entry: StateEntry, _ plan: TaskState, retryCount: Int, path: inout PathContext) async throws(StatesError) -> StepOutcome
    {
        var prepared = try prepareTask(entry, plan, retryCount: retryCount, path: &path)
        let outcome: Result<JSON, StatesError>
        resumeDeadline(&prepared, path: path)
        if let recorded = recordedOutcome(prepared, path: &path) {
            outcome = recorded
        } else {
            outcome = await invoke(prepared.request, pattern: prepared.pattern, handOut: !callbackWasHandedOut(prepared, path: path))
        }
        return try completeTask(entry, prepared, outcome: outcome, path: &path)
    }

    struct PreparedTask: Sendable {
        var request: TaskRequest
        var pattern: IntegrationPattern
        var resourceType: String
        var resourceName: String
    }

    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func prepareTask(_ entry: StateEntry, _ plan: TaskState, retryCount: Int, path: inout PathContext) throws(StatesError) -> PreparedTask {
        let pattern = IntegrationPattern(resource: plan.resource)
        let seed = pattern == .waitForTaskToken || Self.isActivity(plan.resource) ? tokenSeed(entry, retryCount: retryCount) : nil
        let tokens = run.configuration.tokens
        let token = pattern == .waitForTaskToken ? (seed.map { tokens.issue(seed: $0) } ?? tokens.issue()) : nil
        let context = contextObject(
            stateName: entry.state.name, enteredTime: entry.enteredAt, retryCount: retryCount, taskToken: token)
        let effective: JSON
        switch entry.state.flow {
        case .jsonPath(let flow): effective = try effectiveInput(flow, entry, context: context, path: path)
        case .jsonata(let flow): effective = try jsonataArguments(flow, entry, context: context, path: path)
        }
        let timeoutSeconds = try seconds(
            plan.timeoutSeconds, field: "TimeoutSeconds", entry, input: entry.input, context: context, path: path)
        let heartbeatSeconds = try seconds(
            plan.heartbeatSeconds, field: "HeartbeatSeconds", entry, input: entry.input, context: context, path: path)

        let (resourceType, resourceName) = Self.describe(resource: plan.resource)
        var activityStart: ActivityStartReport?
        if Self.isActivity(plan.resource) {
            // Activities have events of their own: the worker's input, not the service parameters.
            var scheduled: JSONObject = [
                "resource": .string(plan.resource), "input": .string(effective.compactText),
                "inputDetails": HistoryPayload.notTruncated,
            ]
            if let timeoutSeconds { scheduled["timeoutInSeconds"] = .int(timeoutSeconds) }
            if let heartbeatSeconds { scheduled["heartbeatInSeconds"] = .int(heartbeatSeconds) }
            let scheduledId = history.record(
                "ActivityScheduled", previous: path.previousEventId, at: path.timeline.now, detailsKey: "activityScheduledEventDetails",
                details: history.wantsDetails ? .object(scheduled) : nil)
            path.previousEventId = scheduledId
            if run.configuration.executors.executor(for: plan.resource) is ActivityExecutor {
                // Workers take activity tasks when they poll: ActivityStarted is written then, with
                // the worker's name (GetActivityTask's workerName).
                let history = self.history
                let timeline = path.timeline
                activityStart = ActivityStartReport { workerName in
                    history.record(
                        "ActivityStarted", previous: scheduledId, at: timeline.now, detailsKey: "activityStartedEventDetails",
                        details: history.wantsDetails ? (workerName.map { ["workerName": .string($0)] } ?? .emptyObject) : nil)
                }
            } else {
                path.previousEventId = history.record("ActivityStarted", previous: scheduledId, at: path.timeline.now)
            }
        } else if history.wantsDetails {
            var scheduled: JSONObject = [
                "resourceType": .string(resourceType), "resource": .string(resourceName),
                "region": .string(run.configuration.region), "parameters": .string(effective.compactText),
            ]
            if let timeoutSeconds { scheduled["timeoutInSeconds"] = .int(timeoutSeconds) }
            if let heartbeatSeconds { scheduled["heartbeatInSeconds"] = .int(heartbeatSeconds) }
            path.previousEventId = history.record(
                "TaskScheduled", previous: path.previousEventId, at: path.timeline.now, detailsKey: "taskScheduledEventDetails",
                details: .object(scheduled))
            path.previousEventId = history.record(
                "TaskStarted", previous: path.previousEventId, at: path.timeline.now, detailsKey: "taskStartedEventDetails",
                details: ["resourceType": .string(resourceType), "resource": .string(resourceName)])
        } else {
            path.previousEventId = history.record("TaskScheduled", previous: path.previousEventId, at: path.timeline.now)
            path.previousEventId = history.record("TaskStarted", previous: path.previousEventId, at: path.timeline.now)
        }

        var request = TaskRequest(
            resource: plan.resource, input: effective, stateName: entry.state.name, context: context, taskToken: token,
            timeoutSeconds: timeoutSeconds, heartbeatSeconds: heartbeatSeconds, credentials: plan.credentials)
        request.activityStart = activityStart
        request.tokenSeed = seed
        return PreparedTask(request: request, pattern: pattern, resourceType: resourceType, resourceName: resourceName)
    }

    @inline(never)  // see Interpreter.execute: keeps its locals out of suspended async frames
    func completeTask(
        _ entry: StateEntry, _ prepared: PreparedTask, outcome: Result<JSON, StatesError>, path: inout PathContext
    ) throws(StatesError) -> StepOutcome {
        let resourceType = prepared.resourceType
        let resourceName = prepared.resourceName
        let activity = Self.isActivity(prepared.request.resource)
        // The activity's end follows ActivityStarted when a worker took it (not written otherwise:
        // a task no worker took times out straight after ActivityScheduled).
        if let started = prepared.request.activityStart?.eventId { path.previousEventId = started }
        let result: JSON
        switch outcome {
        case .success(let value):
            if PayloadSize.exceeds(value, limit: run.configuration.maxPayloadBytes) {
                throw StatesError.resultTooLarge(stateOrTask: prepared.request.resource)
            }
            result = value
            var details: JSONObject = activity ? [:] : ["resourceType": .string(resourceType), "resource": .string(resourceName)]
            details["output"] = HistoryPayload.text(value)
            details["outputDetails"] = HistoryPayload.notTruncated
            path.previousEventId = history.record(
                activity ? "ActivitySucceeded" : "TaskSucceeded", previous: path.previousEventId, at: path.timeline.now,
                detailsKey: activity ? "activitySucceededEventDetails" : "taskSucceededEventDetails",
                details: history.wantsDetails ? .object(details) : nil)
        case .failure(let failure):
            // A task cut short by StopExecution or the execution's own timeout ends with the
            // execution: AWS writes no TaskTimedOut or TaskFailed for it.
            if run.timedOut || run.aborted { throw cancellationFailure() }
            let timedOut = failure.name == .timeout || failure.name == .heartbeatTimeout
            var details: JSONObject = activity ? [:] : ["resourceType": .string(resourceType), "resource": .string(resourceName)]
            details["error"] = .string(failure.error)
            if let cause = failure.cause { details["cause"] = .string(cause) }
            let type = (activity ? "Activity" : "Task") + (timedOut ? "TimedOut" : "Failed")
            path.previousEventId = history.record(
                type, previous: path.previousEventId, at: path.timeline.now,
                detailsKey: (activity ? "activity" : "task") + (timedOut ? "TimedOutEventDetails" : "FailedEventDetails"),
                details: history.wantsDetails ? .object(details) : nil)
            throw failure
        }
        return try finish(entry, result: result, context: prepared.request.context, path: &path)
    }

    private func seconds(
        _ source: ValueSource?, field: String, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> Int? {
        guard let source else { return nil }
        let value: JSON?
        do {
            value = try resolve(source, entry, input: input, context: context, path: path)
        } catch {
            throw stateFailure(error, entry)
        }
        // AWS takes 1...99999999 seconds here, as it does for the literal field.
        guard let value, let seconds = value.intValue, seconds > 0, seconds <= Self.longestTaskSeconds else {
            switch source {
            case .path(let expression, let pathField):
                throw stateFailure(
                    StatesError.pathValueNotNumber(field: pathField, value: value, kind: "positive integer", path: expression.text), entry)
            case .expression(let template):
                throw stateFailure(
                    StatesError.jsonataUnexpectedType(
                        template.wholeExpressionSource ?? "", field: field, expected: "integer", value: value),
                    entry)
            case .literal, .intrinsic:
                return nil
            }
        }
        return seconds
    }

    /// The largest TimeoutSeconds and HeartbeatSeconds AWS accepts.
    static let longestTaskSeconds = 99_999_999

    /// Runs the executor (and, for callbacks, waits for the token) under the task's timeouts.
    private func invoke(_ request: TaskRequest, pattern: IntegrationPattern, handOut: Bool = true) async -> Result<JSON, StatesError> {
        let executor = handOut ? run.configuration.executors.executor(for: request.resource) : nil
        let tokens = run.configuration.tokens
        let heartbeatLimit = pattern == .waitForTaskToken ? request.heartbeatSeconds : nil
        if request.timeoutSeconds == nil && heartbeatLimit == nil {
            return await Self.work(request, pattern: pattern, executor: executor, tokens: tokens)
        }
        return await Self.workWithDeadlines(request, pattern: pattern, executor: executor, tokens: tokens, heartbeatLimit: heartbeatLimit)
    }

    private static func work(
        _ request: TaskRequest, pattern: IntegrationPattern, executor: (any TaskExecutor)?, tokens: TaskTokenRegistry
    ) async -> Result<JSON, StatesError> {
        if pattern == .waitForTaskToken, let token = request.taskToken {
            if let executor {
                do throws(StatesError) {
                    _ = try await executor.execute(request)
                } catch {
                    tokens.release(token)
                    return .failure(error)
                }
            }
            return await waitForCallback(token, tokens: tokens)
        }
        guard let executor else { return .failure(StatesError.unroutedResource(request.resource)) }
        do throws(StatesError) {
            return .success(try await executor.execute(request))
        } catch {
            return .failure(error)
        }
    }

    private static func waitForCallback(_ token: String, tokens: TaskTokenRegistry) async -> Result<JSON, StatesError> {
        switch await tokens.wait(for: token) {
        case .success(let value)?: .success(value)
        case .failure(let error)?: .failure(error)
        case nil: .failure(StatesError.timedOut)
        }
    }

    @inline(never)  // its task-group machinery stays out of invoke's frame when there is no deadline
    private static func workWithDeadlines(
        _ request: TaskRequest, pattern: IntegrationPattern, executor: (any TaskExecutor)?, tokens: TaskTokenRegistry, heartbeatLimit: Int?
    ) async -> Result<JSON, StatesError> {
        await withTaskGroup(of: Result<JSON, StatesError>?.self) { group in
            group.addTask { await work(request, pattern: pattern, executor: executor, tokens: tokens) }
            if let timeoutSeconds = request.timeoutSeconds {
                let milliseconds = request.remainingMilliseconds ?? Durations.milliseconds(seconds: timeoutSeconds)
                group.addTask {
                    do {
                        try await Task.sleep(nanoseconds: Durations.nanoseconds(milliseconds: milliseconds))
                    } catch {
                        return nil
                    }
                    // AWS reports a task timeout with an empty cause.
                    return .failure(StatesError(.timeout, cause: ""))
                }
            }
            if let heartbeatLimit, let token = request.taskToken {
                group.addTask {
                    await watchHeartbeat(token: token, tokens: tokens, seconds: heartbeatLimit)
                }
            }
            return await group.firstAnswer(otherwise: .failure(StatesError.timedOut))
        }
    }

    /// Fails the task when no heartbeat arrives for `seconds`.
    private static func watchHeartbeat(token: String, tokens: TaskTokenRegistry, seconds: Int) async -> Result<JSON, StatesError>? {
        let clock = HeartbeatClock()
        tokens.onHeartbeat(token) { clock.beat() }
        while true {
            let waitFor = clock.remaining(limitSeconds: seconds) ?? 0
            if waitFor <= 0 {
                return .failure(StatesError.heartbeatTimedOut)
            }
            do {
                try await Task.sleep(nanoseconds: Durations.nanoseconds(milliseconds: waitFor))
            } catch {
                return nil
            }
        }
    }

    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME`: a worker does the task.
    static func isActivity(_ resource: String) -> Bool {
        ARN(parsing: resource)?.resourceType == "activity"
    }

    /// AWS's resourceType / resource split for history events.
    static func describe(resource: String) -> (type: String, name: String) {
        guard let arn = ARN(parsing: resource) else { return ("unknown", resource) }
        if arn.partition == "aws", arn.isServiceIntegration {
            let parts = arn.resourceParts
            if parts.count >= 2 { return (String(parts[0]), parts[1...].joined(separator: ":")) }
        }
        return (arn.service, resource)
    }
}
