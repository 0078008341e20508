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
    func runTask(_ entry: StateEntry, _ plan: TaskPlan, retryCount: Int, path: inout PathContext) async throws(StatesError) -> StepOutcome {
        let pattern = IntegrationPattern(resource: plan.resource)
        let token = pattern == .waitForTaskToken ? run.configuration.tokens.issue() : nil
        let context = run.context(
            stateName: entry.state.name, enteredTime: entry.enteredAt, retryCount: retryCount, taskToken: token)
        let effective: JSON
        switch entry.state.flow {
        case .jsonPath(let flow): effective = try effectiveInput(flow, entry, context: context, path: path)
        case .jsonata(let flow): effective = try jsonataArguments(flow, entry, context: context, path: path)
        }
        let timeoutSeconds = try seconds(plan.timeoutSeconds, field: "TimeoutSeconds", entry, input: entry.input, context: context, path: path)
        let heartbeatSeconds = try seconds(plan.heartbeatSeconds, field: "HeartbeatSeconds", entry, input: entry.input, context: context, path: path)

        let (resourceType, resourceName) = Self.describe(resource: plan.resource)
        if history.wantsDetails {
            var scheduled: JSONObject = [
                "resourceType": .string(resourceType), "resource": .string(resourceName),
                "region": .string(run.configuration.region), "parameters": .string(effective.compactText),
            ]
            if let timeoutSeconds { scheduled["timeoutInSeconds"] = .int(timeoutSeconds) }
            if let heartbeatSeconds { scheduled["heartbeatInSeconds"] = .int(heartbeatSeconds) }
            path.previousEventId = history.record(
                "TaskScheduled", previous: path.previousEventId, at: path.timeline.now, detailsKey: "taskScheduledEventDetails",
                details: .object(scheduled))
        } else {
            path.previousEventId = history.record("TaskScheduled", previous: path.previousEventId, at: path.timeline.now)
        }
        path.previousEventId = history.record(
            "TaskStarted", previous: path.previousEventId, at: path.timeline.now, detailsKey: "taskStartedEventDetails",
            details: history.wantsDetails ? ["resourceType": .string(resourceType), "resource": .string(resourceName)] : nil)

        let request = TaskRequest(
            resource: plan.resource, input: effective, stateName: entry.state.name, context: context, taskToken: token,
            timeoutSeconds: timeoutSeconds, heartbeatSeconds: heartbeatSeconds, credentials: plan.credentials)
        let outcome = await invoke(request, pattern: pattern, timeoutSeconds: timeoutSeconds, heartbeatSeconds: heartbeatSeconds)
        let result: JSON
        switch outcome {
        case .success(let value):
            result = value
            path.previousEventId = history.record(
                "TaskSucceeded", previous: path.previousEventId, at: path.timeline.now, detailsKey: "taskSucceededEventDetails",
                details: history.wantsDetails
                    ? ["resourceType": .string(resourceType), "resource": .string(resourceName), "output": HistoryPayload.text(value),
                       "outputDetails": HistoryPayload.notTruncated]
                    : nil)
        case .failure(let failure):
            let timedOut = failure.error == ErrorName.timeout || failure.error == ErrorName.heartbeatTimeout
            var details: JSONObject = ["resourceType": .string(resourceType), "resource": .string(resourceName)]
            details["error"] = .string(failure.error)
            if let cause = failure.cause { details["cause"] = .string(cause) }
            path.previousEventId = history.record(
                timedOut ? "TaskTimedOut" : "TaskFailed", previous: path.previousEventId, at: path.timeline.now,
                detailsKey: timedOut ? "taskTimedOutEventDetails" : "taskFailedEventDetails",
                details: history.wantsDetails ? .object(details) : nil)
            if run.timedOut || run.aborted { throw cancellationFailure() }
            throw failure
        }
        return try finish(entry, result: result, context: context, path: &path)
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
        guard let value, let seconds = value.intValue, seconds > 0 else {
            switch source {
            case .path(let expression, let pathField):
                throw stateFailure(
                    StatesError.runtime(
                        "The \(pathField) field refers to value \"\(value.map(Self.plain) ?? "null")\" which is not a valid positive integer: \(expression.text)"),
                    entry)
            case .jsonata(let template, _):
                throw stateFailure(
                    StatesError.queryEvaluation(
                        "The JSONata expression '\(template.wholeExpressionSource ?? "")' specified for the field '\(field)' returned an unexpected result type. Expected 'integer', but was '\(value?.typeName ?? "undefined")' for value: \(value?.compactText ?? "undefined")"),
                    entry)
            case .literal:
                return nil
            }
        }
        return seconds
    }

    /// Runs the executor (and, for callbacks, waits for the token) under the task's timeouts.
    private func invoke(_ request: TaskRequest, pattern: IntegrationPattern, timeoutSeconds: Int?, heartbeatSeconds: Int?) async -> Result<JSON, StatesError> {
        let executor = run.configuration.executors.executor(for: request.resource)
        let tokens = run.configuration.tokens
        let work: @Sendable () async -> Result<JSON, StatesError> = {
            if pattern == .waitForTaskToken, let token = request.taskToken {
                if let executor {
                    do throws(StatesError) {
                        _ = try await executor.execute(request)
                    } catch {
                        return .failure(error)
                    }
                }
                guard let outcome = await tokens.wait(for: token) else {
                    return .failure(StatesError(ErrorName.timeout))
                }
                switch outcome {
                case .success(let value): return .success(value)
                case .failure(let error): return .failure(error)
                }
            }
            guard let executor else {
                return .failure(
                    StatesError(
                        ErrorName.taskFailed,
                        cause: "No executor is configured for the resource '\(request.resource)'. Route it to a local function with a configuration file (--config) or an ExecutorRegistry entry."))
            }
            do throws(StatesError) {
                return .success(try await executor.execute(request))
            } catch {
                return .failure(error)
            }
        }
        let heartbeatLimit = pattern == .waitForTaskToken ? heartbeatSeconds : nil
        if timeoutSeconds == nil && heartbeatLimit == nil { return await work() }
        return await withTaskGroup(of: Result<JSON, StatesError>?.self) { group in
            group.addTask { await work() }
            if let timeoutSeconds {
                group.addTask {
                    do {
                        try await Task.sleep(nanoseconds: UInt64(timeoutSeconds) * 1_000_000_000)
                    } catch {
                        return nil
                    }
                    return .failure(StatesError(ErrorName.timeout, cause: "The task did not finish within \(timeoutSeconds) seconds."))
                }
            }
            if let heartbeatLimit, let token = request.taskToken {
                group.addTask {
                    await Self.watchHeartbeat(token: token, tokens: tokens, seconds: heartbeatLimit)
                }
            }
            var outcome: Result<JSON, StatesError> = .failure(StatesError(ErrorName.timeout))
            while let next = await group.next() {
                if let result = next {
                    outcome = result
                    break
                }
            }
            group.cancelAll()
            return outcome
        }
    }

    /// Fails the task when no heartbeat arrives for `seconds`.
    private static func watchHeartbeat(token: String, tokens: TaskTokenRegistry, seconds: Int) async -> Result<JSON, StatesError>? {
        let clock = HeartbeatClock()
        tokens.onHeartbeat(token) { clock.beat() }
        while true {
            let waitFor = clock.remaining(limitSeconds: seconds)
            if waitFor <= 0 {
                return .failure(StatesError(ErrorName.heartbeatTimeout))
            }
            do {
                try await Task.sleep(nanoseconds: UInt64(waitFor) * 1_000_000)
            } catch {
                return nil
            }
        }
    }

    /// AWS's resourceType / resource split for history events.
    static func describe(resource: String) -> (type: String, name: String) {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        if resource.hasPrefix("arn:aws:states:::"), parts.count >= 7 {
            return (String(parts[5]), parts[6...].joined(separator: ":"))
        }
        if parts.count >= 3 { return (String(parts[2]), resource) }
        return ("unknown", resource)
    }
}

/// When the last heartbeat (or the start) happened, in real milliseconds.
final class HeartbeatClock: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date()

    func beat() {
        lock.lock()
        last = Date()
        lock.unlock()
    }

    func remaining(limitSeconds: Int) -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(last)
        return Int64((Double(limitSeconds) - elapsed) * 1000)
    }
}
