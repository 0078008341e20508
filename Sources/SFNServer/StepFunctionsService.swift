import Foundation
import SFNJSON
import SFNLanguage
import SFNRuntime

/// The AWS Step Functions API over in-memory state machines, executions and activities.
/// Transport-free: `handle(_:_:)` takes an operation name and its JSON request and returns its JSON
/// response, so the HTTP layer stays thin and tests can call operations directly.
///
/// State sits behind one lock that is never held across an `await`, so a long poll or a
/// synchronous execution never blocks other clients.
public final class StepFunctionsService: @unchecked Sendable {
    // @unchecked: the records are only touched with `lock` held (see above); the rest is immutable.
    /// How executions run (clock, executors, limits).
    public let configuration: RuntimeConfiguration
    /// Activity tasks waiting for workers.
    public let activities: ActivityQueue
    /// SendTaskSuccess / Failure / Heartbeat.
    public let callbacks: TaskCallbacks
    /// How long GetActivityTask waits for work (AWS: 60 seconds).
    public let activityPollSeconds: Double

    private let lock = NSLock()
    private var machines: [String: StateMachineRecord] = [:]
    private var executions: [String: ExecutionRecord] = [:]
    /// Each machine's executions, oldest first (listing reads them newest first, page by page).
    private var executionsByMachine: [String: [ExecutionRecord]] = [:]
    /// The executions count at which closed ones are next swept out.
    private var nextSweep: Int
    /// How many closed executions are kept, and for how long (see ``init(configuration:activityPollSeconds:retention:)``).
    public let retention: ExecutionRetention
    private var activityRecords: [String: ActivityRecord] = [:]
    private var sequence = 0

    /// - Parameters:
    ///   - configuration: how executions run; an executor for activity ARNs is added to it.
    ///   - retention: how many closed executions are kept, and for how long: memory stays bounded
    ///     however many executions a long-running server sees.
    public init(
        configuration: RuntimeConfiguration = RuntimeConfiguration(), activityPollSeconds: Double = 60,
        retention: ExecutionRetention = ExecutionRetention()
    ) {
        self.retention = retention
        nextSweep = retention.closedExecutions + Self.sweepSlack(retention)
        let queue = ActivityQueue()
        var configuration = configuration
        configuration.executors.register(ActivityExecutor.resourcePattern, ActivityExecutor(queue: queue, tokens: configuration.tokens))
        self.configuration = configuration
        activities = queue
        callbacks = TaskCallbacks(tokens: configuration.tokens)
        self.activityPollSeconds = activityPollSeconds
    }

    /// The operations the service answers.
    public static let operations: Set<String> = [
        "CreateStateMachine", "DescribeStateMachine", "ListStateMachines", "UpdateStateMachine", "DeleteStateMachine",
        "ValidateStateMachineDefinition", "StartExecution", "StartSyncExecution", "DescribeExecution", "ListExecutions",
        "StopExecution", "GetExecutionHistory", "SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat", "CreateActivity",
        "DeleteActivity", "ListActivities", "DescribeActivity", "GetActivityTask", "DescribeStateMachineForExecution",
    ]

    /// Runs one API operation.
    public func handle(_ operation: String, _ body: JSON) async throws(ServerError) -> JSON {
        let fields = try RequestFields(body)
        switch operation {
        case "CreateStateMachine": return try createStateMachine(fields)
        case "DescribeStateMachine": return try describeStateMachine(fields)
        case "ListStateMachines": return try listStateMachines(fields)
        case "UpdateStateMachine": return try updateStateMachine(fields)
        case "DeleteStateMachine": return try deleteStateMachine(fields)
        case "ValidateStateMachineDefinition": return try validateDefinition(fields)
        case "StartExecution": return try startExecution(fields)
        case "StartSyncExecution": return try await startSyncExecution(fields)
        case "DescribeExecution": return try describeExecution(fields)
        case "ListExecutions": return try listExecutions(fields)
        case "StopExecution": return try await stopExecution(fields)
        case "GetExecutionHistory": return try executionHistory(fields)
        case "DescribeStateMachineForExecution": return try describeStateMachineForExecution(fields)
        case "SendTaskSuccess": return try callbacks.sendTaskSuccess(fields)
        case "SendTaskFailure": return try callbacks.sendTaskFailure(fields)
        case "SendTaskHeartbeat": return try callbacks.sendTaskHeartbeat(fields)
        case "CreateActivity": return try createActivity(fields)
        case "DeleteActivity": return try deleteActivity(fields)
        case "ListActivities": return try listActivities(fields)
        case "DescribeActivity": return try describeActivity(fields)
        case "GetActivityTask": return try await getActivityTask(fields)
        default: throw .unknownOperation(operation)
        }
    }

    /// Registers a state machine from definition JSON (e.g. a file given to `sfn serve`).
    @discardableResult
    public func register(name: String, definition: JSON, type: String = "STANDARD") throws(ServerError) -> String {
        try ResourceName.check(name)
        let runtime = try compile(definition, name: name, type: type)
        return lock.withLock {
            let record = newMachine(
                name: name, definition: definition, text: definition.prettyText, runtime: runtime, roleArn: configuration.roleArn,
                type: type)
            machines[record.arn] = record
            return record.arn
        }
    }

    private static func sweepSlack(_ retention: ExecutionRetention) -> Int { max(16, retention.closedExecutions / 10) }

    /// Forgets closed executions past the retention: beyond the newest `closedExecutions`, or
    /// closed longer ago than `maximumAge`. Running executions are always kept. Called with
    /// `lock` held, once the count has grown by a tenth since the last sweep (amortized O(1)).
    private func sweepClosedExecutions() {
        let now = nowMilliseconds()
        let oldest = now - Int64(clamping: retention.maximumAge.components.seconds) * 1000
        let closed = executions.values.compactMap { record -> (ExecutionRecord, ExecutionResult)? in
            record.execution.currentResult.map { (record, $0) }
        }.sorted { $0.0.sequence > $1.0.sequence }
        var forget: Set<String> = []
        for (position, (record, result)) in closed.enumerated() where position >= retention.closedExecutions || result.stopDate < oldest {
            forget.insert(record.execution.arn)
        }
        if !forget.isEmpty {
            for arn in forget { executions[arn] = nil }
            for (machine, records) in executionsByMachine {
                let kept = records.filter { !forget.contains($0.execution.arn) }
                executionsByMachine[machine] = kept.isEmpty && machines[machine] == nil ? nil : kept
            }
        }
        nextSweep = executions.count + Self.sweepSlack(retention)
    }

    /// Stops every running execution (at shutdown: an in-memory server loses them anyway, and
    /// a StartSyncExecution waiting on one must answer so the server can exit).
    public func stopRunningExecutions(cause: String) {
        let records = lock.withLock { Array(executions.values) }
        for record in records where record.execution.currentResult == nil {
            record.execution.stop(error: "States.Aborted", cause: cause)
        }
    }

    /// Executions still running (reported at shutdown).
    public var runningExecutionArns: [String] {
        let records = lock.withLock { Array(executions.values) }
        return records.filter { $0.execution.currentResult == nil }.sorted { $0.sequence < $1.sequence }.map(\.execution.arn)
    }

    // MARK: State machines

    private func createStateMachine(_ fields: RequestFields) throws(ServerError) -> JSON {
        let name = try fields.string("name")
        let definitionText = try fields.string("definition")
        let roleArn = try fields.optionalString("roleArn") ?? configuration.roleArn
        let type = try machineType(fields)
        try ResourceName.check(name)
        let definition = try parseDefinition(definitionText)
        let runtime = try compile(definition, name: name, type: type)
        return try locked { () throws(ServerError) -> JSON in
            let arn = machineArn(name)
            if let existing = machines[arn] {
                // AWS makes creation idempotent only for an identical request.
                guard existing.definition == definition, existing.roleArn == roleArn, existing.type == type else {
                    throw ServerError("StateMachineAlreadyExists", "State Machine Already Exists: '\(arn)'")
                }
                return ["stateMachineArn": .string(arn), "creationDate": Self.epochSeconds(existing.creationDate)]
            }
            let record = newMachine(
                name: name, definition: definition, text: definitionText, runtime: runtime, roleArn: roleArn, type: type)
            machines[arn] = record
            return ["stateMachineArn": .string(arn), "creationDate": Self.epochSeconds(record.creationDate)]
        }
    }

    private func newMachine(
        name: String, definition: JSON, text: String, runtime: StateMachineRuntime, roleArn: String, type: String
    ) -> StateMachineRecord {
        sequence += 1
        let now = nowMilliseconds()
        return StateMachineRecord(
            name: name, arn: machineArn(name), definition: definition, definitionText: text, runtime: runtime, roleArn: roleArn, type: type,
            creationDate: now, updateDate: now, sequence: sequence)
    }

    private func describeStateMachine(_ fields: RequestFields) throws(ServerError) -> JSON {
        let machine = try existingMachine(fields.string("stateMachineArn"))
        var response = machine.description
        response["status"] = "ACTIVE"
        response["creationDate"] = Self.epochSeconds(machine.creationDate)
        return .object(response)
    }

    private func listStateMachines(_ fields: RequestFields) throws(ServerError) -> JSON {
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        let all = lock.withLock { machines.values.sorted { $0.sequence < $1.sequence } }
        let (page, next) = try PageToken.page(all, token: fields.optionalString("nextToken"), maxResults: maxResults)
        let items = page.map { machine -> JSON in
            [
                "stateMachineArn": .string(machine.arn), "name": .string(machine.name), "type": .string(machine.type),
                "creationDate": Self.epochSeconds(machine.creationDate),
            ]
        }
        return Self.listResponse("stateMachines", items, next: next)
    }

    private func updateStateMachine(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("stateMachineArn")
        let definitionText = try fields.optionalString("definition")
        let roleArn = try fields.optionalString("roleArn")
        if definitionText == nil && roleArn == nil && fields.members["loggingConfiguration"] == nil
            && fields.members["tracingConfiguration"] == nil
        {
            throw ServerError(
                "MissingRequiredParameter",
                "Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified")
        }
        let current = try existingMachine(arn)
        var definition = current.definition
        var runtime = current.runtime
        if let definitionText {
            definition = try parseDefinition(definitionText)
            runtime = try compile(definition, name: current.name, type: current.type)
        }
        let updated = try locked { () throws(ServerError) -> StateMachineRecord in
            guard var record = machines[current.arn] else { throw .stateMachineDoesNotExist(arn) }
            record.definition = definition
            if let definitionText { record.definitionText = definitionText }
            record.runtime = runtime
            if let roleArn { record.roleArn = roleArn }
            record.updateDate = max(nowMilliseconds(), record.updateDate + 1)
            machines[current.arn] = record
            return record
        }
        return ["updateDate": Self.epochSeconds(updated.updateDate)]
    }

    private func deleteStateMachine(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("stateMachineArn")
        try Self.checkArn(arn, kind: "stateMachine", parts: 7)
        // Running executions carry on (as on AWS); the machine just stops being listed.
        lock.withLock { machines[arn] = nil }
        return .emptyObject
    }

    private func validateDefinition(_ fields: RequestFields) throws(ServerError) -> JSON {
        let text = try fields.string("definition")
        let type = StateMachineType(rawValue: try machineType(fields)) ?? .standard
        let maxResults = try fields.optionalInt("maxResults", range: 0...100) ?? 0
        var report = StateMachine.validate(text: text)
        if report.errors.isEmpty, let definition = try? JSON(parsing: text), let machine = try? StateMachine.parse(definition) {
            report.diagnostics += machine.diagnostics(for: type)
        }
        let errors = report.errors
        let limit = maxResults == 0 ? 100 : maxResults
        let diagnostics = report.diagnostics.prefix(limit).map { diagnostic -> JSON in
            var members: JSONObject = [
                "severity": .string(diagnostic.severity.rawValue), "code": .string(diagnostic.code.rawValue),
                "message": .string(diagnostic.message),
            ]
            if !diagnostic.location.isEmpty { members["location"] = .string(diagnostic.location) }
            return .object(members)
        }
        return [
            "result": errors.isEmpty ? "OK" : "FAIL", "diagnostics": .array(Array(diagnostics)),
            "truncated": .bool(report.diagnostics.count > limit),
        ]
    }

    // MARK: Executions

    private func startExecution(_ fields: RequestFields) throws(ServerError) -> JSON {
        let record = try launch(fields)
        return ["executionArn": .string(record.execution.arn), "startDate": Self.epochSeconds(record.execution.startDate)]
    }

    private func startSyncExecution(_ fields: RequestFields) async throws(ServerError) -> JSON {
        let machine = try existingMachine(fields.string("stateMachineArn"))
        guard machine.type == "EXPRESS" else {
            throw ServerError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
        }
        let record = try launch(fields)
        let result = await record.execution.result()
        var response = executionSummary(record, result: result)
        response["input"] = .string(record.execution.input.compactText)
        response["inputDetails"] = ["included": true]
        if let output = result.output {
            response["output"] = .string(output.compactText)
            response["outputDetails"] = ["included": true]
        }
        if let error = result.error { response["error"] = .string(error) }
        if let cause = result.cause { response["cause"] = .string(cause) }
        response["billingDetails"] = [
            "billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": .int(Int(max(100, result.stopDate - result.startDate))),
        ]
        return .object(response)
    }

    /// Starts (or, for a repeated identical request, finds) an execution.
    private func launch(_ fields: RequestFields) throws(ServerError) -> ExecutionRecord {
        let machineArn = try fields.string("stateMachineArn")
        let name = try fields.optionalString("name")
        let input =
            try fields.jsonText("input") { message in
                ServerError("InvalidExecutionInput", "Invalid State Machine Execution Input: '\(message)'")
            } ?? .emptyObject
        if let name { try ResourceName.check(name) }
        let machine = try existingMachine(machineArn)
        let runtime = try runtimeForNewExecution(machine)
        return try locked { () throws(ServerError) -> ExecutionRecord in
            if let name {
                let arn = executionArn(machine: machine.name, name: name)
                if let existing = executions[arn] {
                    if existing.execution.currentResult == nil, existing.execution.input == input { return existing }
                    throw ServerError("ExecutionAlreadyExists", "Execution Already Exists: '\(arn)'")
                }
            }
            let execution = runtime.start(input: input, name: name, inputText: try? fields.optionalString("input"))
            sequence += 1
            let record = ExecutionRecord(execution: execution, machine: machine, sequence: sequence)
            executions[execution.arn] = record
            executionsByMachine[machine.arn, default: []].append(record)
            if executions.count >= nextSweep { sweepClosedExecutions() }
            return record
        }
    }

    /// Under a virtual clock each execution's time starts now, not when its machine was created;
    /// that needs a runtime of its own (a real clock shares the machine's).
    private func runtimeForNewExecution(_ machine: StateMachineRecord) throws(ServerError) -> StateMachineRuntime {
        guard case .virtual = configuration.clock else { return machine.runtime }
        var startingNow = configuration
        startingNow.clock = .virtual(start: nowMilliseconds())
        return try compile(machine.definition, name: machine.name, type: machine.type, configuration: startingNow)
    }

    private func describeExecution(_ fields: RequestFields) throws(ServerError) -> JSON {
        let record = try existingExecution(fields.string("executionArn"))
        let result = record.execution.currentResult
        var response = executionSummary(record, result: result)
        response["input"] = .string(record.execution.input.compactText)
        response["inputDetails"] = ["included": true]
        if let output = result?.output {
            response["output"] = .string(output.compactText)
            response["outputDetails"] = ["included": true]
        }
        if let error = result?.error { response["error"] = .string(error) }
        if let cause = result?.cause { response["cause"] = .string(cause) }
        response["redriveCount"] = 0
        response["redriveStatus"] = "NOT_REDRIVABLE"
        return .object(response)
    }

    private func executionSummary(_ record: ExecutionRecord, result: ExecutionResult?) -> JSONObject {
        var summary: JSONObject = [
            "executionArn": .string(record.execution.arn), "stateMachineArn": .string(record.machine.arn),
            "name": .string(record.execution.name), "status": .string((result?.status ?? .running).rawValue),
            "startDate": Self.epochSeconds(record.execution.startDate),
        ]
        if let result { summary["stopDate"] = Self.epochSeconds(result.stopDate) }
        return summary
    }

    private func listExecutions(_ fields: RequestFields) throws(ServerError) -> JSON {
        let machineArn = try fields.string("stateMachineArn")
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        let statusFilter = try fields.optionalString("statusFilter")
        if let statusFilter, ExecutionStatus(rawValue: statusFilter) == nil {
            throw .validation(
                "1 validation error detected: Value '\(statusFilter)' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED]"
            )
        }
        try Self.checkArn(machineArn, kind: "stateMachine", parts: 7)
        let records = try locked { () throws(ServerError) -> [ExecutionRecord] in
            guard machines[machineArn] != nil || executionsByMachine[machineArn] != nil else { throw .stateMachineDoesNotExist(machineArn) }
            return executionsByMachine[machineArn] ?? []
        }
        // Newest first, one page at a time: the cost is the page's, not the history's.
        let matching = records.reversed().lazy.compactMap { record -> (ExecutionRecord, ExecutionResult?)? in
            let result = record.execution.currentResult
            if let statusFilter, (result?.status ?? .running).rawValue != statusFilter { return nil }
            return (record, result)
        }
        let (page, next) = try PageToken.page(lazy: matching, token: fields.optionalString("nextToken"), maxResults: maxResults)
        return Self.listResponse("executions", page.map { .object(executionSummary($0.0, result: $0.1)) }, next: next)
    }

    private func stopExecution(_ fields: RequestFields) async throws(ServerError) -> JSON {
        let record = try existingExecution(fields.string("executionArn"))
        let error = try fields.optionalString("error")
        let cause = try fields.optionalString("cause")
        if record.execution.currentResult == nil { record.execution.stop(error: error, cause: cause) }
        let result = await record.execution.result()
        return ["stopDate": Self.epochSeconds(result.stopDate)]
    }

    private func executionHistory(_ fields: RequestFields) throws(ServerError) -> JSON {
        let record = try existingExecution(fields.string("executionArn"))
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        let reverse = try fields.optionalBool("reverseOrder") ?? false
        let includeData = try fields.optionalBool("includeExecutionData") ?? true
        var events = record.execution.history
        if reverse { events.reverse() }
        let (page, next) = try PageToken.page(events, token: fields.optionalString("nextToken"), maxResults: maxResults)
        return Self.listResponse("events", page.map { Self.eventJSON($0, includeData: includeData) }, next: next)
    }

    /// AWS's event shape with the timestamp as epoch seconds, as the JSON protocol sends dates.
    static func eventJSON(_ event: HistoryEvent, includeData: Bool) -> JSON {
        guard case .object(var json) = event.json else { return event.json }
        json["timestamp"] = epochSeconds(event.timestamp)
        if !includeData, let key = event.detailsKey, case .object(var details)? = json[key] {
            for field in ["input", "output", "parameters", "result"] { details[field] = nil }
            json[key] = .object(details)
        }
        return .object(json)
    }

    private func describeStateMachineForExecution(_ fields: RequestFields) throws(ServerError) -> JSON {
        let record = try existingExecution(fields.string("executionArn"))
        var response = record.machine.description
        response["updateDate"] = Self.epochSeconds(record.machine.updateDate)
        return .object(response)
    }

    // MARK: Activities

    private func createActivity(_ fields: RequestFields) throws(ServerError) -> JSON {
        let name = try fields.string("name")
        try ResourceName.check(name)
        return lock.withLock {
            let arn = activityArn(name)
            let record = activityRecords[arn] ?? ActivityRecord(name: name, arn: arn, creationDate: nowMilliseconds())
            activityRecords[arn] = record
            return ["activityArn": .string(arn), "creationDate": Self.epochSeconds(record.creationDate)]
        }
    }

    private func deleteActivity(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("activityArn")
        try Self.checkArn(arn, kind: "activity", parts: 7)
        lock.withLock { activityRecords[arn] = nil }
        return .emptyObject
    }

    private func listActivities(_ fields: RequestFields) throws(ServerError) -> JSON {
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        let all = lock.withLock { activityRecords.values.sorted { ($0.creationDate, $0.name) < ($1.creationDate, $1.name) } }
        let (page, next) = try PageToken.page(all, token: fields.optionalString("nextToken"), maxResults: maxResults)
        return Self.listResponse("activities", page.map(\.json), next: next)
    }

    private func describeActivity(_ fields: RequestFields) throws(ServerError) -> JSON {
        try existingActivity(fields.string("activityArn")).json
    }

    private func getActivityTask(_ fields: RequestFields) async throws(ServerError) -> JSON {
        let activity = try existingActivity(fields.string("activityArn"))
        let workerName = try fields.optionalString("workerName")
        guard let task = await activities.poll(activity.arn, timeoutSeconds: activityPollSeconds, workerName: workerName) else {
            return .emptyObject
        }
        return ["taskToken": .string(task.taskToken), "input": .string(task.input.compactText)]
    }

    // MARK: Lookups

    private func existingMachine(_ arn: String) throws(ServerError) -> StateMachineRecord {
        try Self.checkArn(arn, kind: "stateMachine", parts: 7)
        guard let machine = lock.withLock({ machines[arn] }) else { throw .stateMachineDoesNotExist(arn) }
        return machine
    }

    private func existingExecution(_ arn: String) throws(ServerError) -> ExecutionRecord {
        try Self.checkArn(arn, kind: "execution", parts: 8)
        guard let record = lock.withLock({ executions[arn] }) else { throw .executionDoesNotExist(arn) }
        return record
    }

    private func existingActivity(_ arn: String) throws(ServerError) -> ActivityRecord {
        try Self.checkArn(arn, kind: "activity", parts: 7)
        guard let record = lock.withLock({ activityRecords[arn] }) else { throw .activityDoesNotExist(arn) }
        return record
    }

    /// `arn:aws:states:REGION:ACCOUNT:KIND:NAME[:NAME]` with the expected resource kind.
    static func checkArn(_ arn: String, kind: String, parts: Int) throws(ServerError) {
        guard let parsed = ARN(parsing: arn), parsed.partition.hasPrefix("aws"), parsed.service == "states",
            !parsed.region.isEmpty, !parsed.account.isEmpty, parsed.resourceType == kind,
            parsed.resourceParts.count == parts - 5, parsed.resourceParts.allSatisfy({ !$0.isEmpty })
        else {
            throw .invalidArn(arn)
        }
    }

    private func machineArn(_ name: String) -> String {
        ARN.stateMachine(name, region: configuration.region, account: configuration.accountId).description
    }
    private func executionArn(machine: String, name: String) -> String {
        ARN.execution(machine: machine, name: name, region: configuration.region, account: configuration.accountId).description
    }
    private func activityArn(_ name: String) -> String {
        ARN.activity(name, region: configuration.region, account: configuration.accountId).description
    }

    // MARK: Definitions

    /// Unreadable text is refused as AWS does: an INVALID_JSON_DESCRIPTION diagnostic.
    private func parseDefinition(_ text: String) throws(ServerError) -> JSON {
        do {
            return try JSON(parsing: text)
        } catch {
            throw Self.refusal(StateMachine.validate(text: text))
        }
    }

    /// A runtime for a machine of `type` (STANDARD or EXPRESS: Express refuses `.sync`,
    /// `.waitForTaskToken` and activities as InvalidDefinition).
    private func compile(
        _ definition: JSON, name: String, type: String, configuration: RuntimeConfiguration? = nil
    ) throws(ServerError) -> StateMachineRuntime {
        var configuration = configuration ?? self.configuration
        configuration.machineType = StateMachineType(rawValue: type) ?? .standard
        do {
            return try StateMachineRuntime(definition: definition, name: name, configuration: configuration)
        } catch {
            throw Self.refusal(error)
        }
    }

    /// AWS lists every problem in one InvalidDefinition message: `CODE: message at /location, ...`.
    static func refusal(_ report: ValidationReport) -> ServerError {
        let problems = report.errors.isEmpty ? report.diagnostics : report.errors
        return .invalidDefinition(problems.map(\.description).joined(separator: ", "))
    }

    private func machineType(_ fields: RequestFields) throws(ServerError) -> String {
        let type = try fields.optionalString("type") ?? "STANDARD"
        guard type == "STANDARD" || type == "EXPRESS" else {
            throw .validation(
                "1 validation error detected: Value '\(type)' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
            )
        }
        return type
    }

    /// NSLock.withLock rethrows untyped errors; this keeps the operation's typed throws.
    private func locked<Result>(_ body: () throws(ServerError) -> Result) throws(ServerError) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Shapes

    static func listResponse(_ key: String, _ items: [JSON], next: String?) -> JSON {
        var response: JSONObject = [key: .array(items)]
        if let next { response["nextToken"] = .string(next) }
        return .object(response)
    }

    /// The JSON protocol sends dates as epoch seconds.
    static func epochSeconds(_ milliseconds: EpochMilliseconds) -> JSON { .number(Double(milliseconds) / 1000) }

    /// Creation and update dates: the configuration's wall clock.
    private func nowMilliseconds() -> EpochMilliseconds { configuration.wallClock.now() }
}

struct StateMachineRecord: Sendable {
    var name: String
    var arn: String
    var definition: JSON
    /// The definition exactly as the client sent it, which Describe* return.
    var definitionText: String
    var runtime: StateMachineRuntime
    var roleArn: String
    var type: String
    var creationDate: EpochMilliseconds
    var updateDate: EpochMilliseconds
    var sequence: Int

    /// The members DescribeStateMachine and DescribeStateMachineForExecution share.
    var description: JSONObject {
        [
            "stateMachineArn": .string(arn), "name": .string(name), "definition": .string(definitionText),
            "roleArn": .string(roleArn), "type": .string(type),
            "loggingConfiguration": ["level": "OFF", "includeExecutionData": false],
            "tracingConfiguration": ["enabled": false],
        ]
    }
}

/// How long a server keeps closed executions (DescribeExecution, GetExecutionHistory and
/// ListExecutions see only those kept). AWS keeps closed Standard executions for 90 days; a local
/// server also caps their number, so that memory stays bounded under any load.
public struct ExecutionRetention: Sendable {
    /// How many closed executions are kept (the newest).
    public var closedExecutions: Int
    /// How long after it closed an execution is kept.
    public var maximumAge: Duration

    /// 10,000 closed executions, for at most AWS's 90 days.
    public init(closedExecutions: Int = 10_000, maximumAge: Duration = .seconds(90 * 24 * 3600)) {
        self.closedExecutions = max(0, closedExecutions)
        self.maximumAge = maximumAge
    }
}

struct ExecutionRecord: Sendable {
    var execution: Execution
    /// The machine as it was when the execution started.
    var machine: StateMachineRecord
    var sequence: Int
}

struct ActivityRecord: Sendable {
    var name: String
    var arn: String
    var creationDate: EpochMilliseconds

    var json: JSON {
        ["activityArn": .string(arn), "name": .string(name), "creationDate": StepFunctionsService.epochSeconds(creationDate)]
    }
}
