import Foundation
import SFNJSON
import SFNLanguage
import SFNRuntime
import SFNStore

/// The AWS Step Functions API over in-memory state machines, versions, aliases, executions,
/// activities and tags. Transport-free: `handle(_:_:)` takes an operation name and its JSON
/// request and returns its JSON response, so the HTTP layer stays thin and tests can call
/// operations directly. The operations live in groups, one file each, under `Operations/`.
///
/// State sits behind one lock that is never held across an `await`, so a long poll or a
/// synchronous execution never blocks other clients.
public final class StepFunctionsService: @unchecked Sendable {
    // @unchecked: the records below are only touched with `lock` held; the rest is immutable.
    /// How executions run (clock, executors, limits).
    public let configuration: RuntimeConfiguration
    /// Activity tasks waiting for workers.
    public let activities: ActivityQueue
    /// SendTaskSuccess / Failure / Heartbeat.
    public let callbacks: TaskCallbacks
    /// How long GetActivityTask waits for work (AWS: 60 seconds).
    public let activityPollSeconds: Double
    /// How many closed executions are kept, and for how long (see ``init(configuration:activityPollSeconds:retention:)``).
    public let retention: ExecutionRetention
    let pageTokens: PageTokens
    /// Where records are kept beyond the process (`--data-dir`); nil: in memory only.
    let store: (any ServiceStore)?
    /// The store as a cluster's, when other nodes share it.
    let cluster: (any ClusterStore)?
    /// Where this node's new listing sequence numbers fall in a cluster (see ``nextSequence()``).
    let clusterSlot: Int?
    /// What a cluster node knows of the executions other nodes run (touched with `lock` held).
    var clusterBook = ClusterBook()
    /// Step Functions Local mock test cases, chosen by `stateMachineArn#TestCase` on
    /// StartExecution (`--mock-config`, `SFN_MOCK_CONFIG`).
    public var mocks: MockConfiguration? {
        get { lock.withLock { mockConfiguration } }
        set { lock.withLock { mockConfiguration = newValue } }
    }
    private var mockConfiguration: MockConfiguration?

    let lock = NSLock()
    var machines: [String: StateMachineRecord] = [:]
    var versions: [String: VersionRecord] = [:]
    /// Each machine's version ARNs, oldest first.
    var versionsByMachine: [String: [String]] = [:]
    var aliases: [String: AliasRecord] = [:]
    var executions: [String: ExecutionRecord] = [:]
    /// Each machine's executions, oldest first (listing reads them newest first, page by page).
    var executionsByMachine: [String: [ExecutionRecord]] = [:]
    /// The executions count at which closed ones are next swept out.
    var nextSweep: Int
    var activityRecords: [String: ActivityRecord] = [:]
    var tags: [String: [Tag]] = [:]
    var sequence = 0

    /// - Parameters:
    ///   - configuration: how executions run; an executor for activity ARNs is added to it.
    ///   - retention: how many closed executions are kept, and for how long: memory stays bounded
    ///     however many executions a long-running server sees.
    public convenience init(
        configuration: RuntimeConfiguration = RuntimeConfiguration(), activityPollSeconds: Double = 60,
        retention: ExecutionRetention = ExecutionRetention()
    ) {
        self.init(configuration: configuration, activityPollSeconds: activityPollSeconds, retention: retention, store: nil, pageKey: nil)
    }

    /// A durable service over `store`: what it holds is read back (state machines, versions,
    /// aliases, tags, activities, executions), every unfinished execution carries on from its
    /// recorded history, and every change is written through before it is answered. Task
    /// tokens and page tokens are derived from the store's secrets, so they outlive a restart.
    public convenience init(
        configuration: RuntimeConfiguration = RuntimeConfiguration(), activityPollSeconds: Double = 60,
        retention: ExecutionRetention = ExecutionRetention(), store: any ServiceStore, mocks: MockConfiguration? = nil
    ) throws(StoreError) {
        var configuration = configuration
        configuration.tokens = TaskTokenRegistry(random: configuration.random, secret: try store.secret(named: "task-tokens"))
        configuration.recordsHistory = true
        self.init(
            configuration: configuration, activityPollSeconds: activityPollSeconds, retention: retention, store: store,
            pageKey: try store.secret(named: "page-tokens"))
        mockConfiguration = mocks
        try restore(from: store.load())
    }

    private init(
        configuration: RuntimeConfiguration, activityPollSeconds: Double, retention: ExecutionRetention, store: (any ServiceStore)?,
        pageKey: [UInt8]?
    ) {
        self.store = store
        cluster = store as? any ClusterStore
        clusterSlot = cluster.map { Self.slot(of: $0.nodeId) }
        pageTokens = pageKey.map(PageTokens.init(key:)) ?? PageTokens()
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

    typealias Operation = @Sendable (StepFunctionsService, RequestFields) async throws(ServerError) -> JSON

    /// Every operation of the Step Functions API, by name.
    static let table: [String: Operation] = [
        // State machines (StateMachineOperations.swift)
        "CreateStateMachine": { s, f throws(ServerError) in try s.createStateMachine(f) },
        "DescribeStateMachine": { s, f throws(ServerError) in try s.describeStateMachine(f) },
        "ListStateMachines": { s, f throws(ServerError) in try s.listStateMachines(f) },
        "UpdateStateMachine": { s, f throws(ServerError) in try s.updateStateMachine(f) },
        "DeleteStateMachine": { s, f throws(ServerError) in try s.deleteStateMachine(f) },
        "ValidateStateMachineDefinition": { s, f throws(ServerError) in try s.validateDefinition(f) },
        // Versions and aliases (VersionOperations.swift)
        "PublishStateMachineVersion": { s, f throws(ServerError) in try s.publishStateMachineVersion(f) },
        "ListStateMachineVersions": { s, f throws(ServerError) in try s.listStateMachineVersions(f) },
        "DeleteStateMachineVersion": { s, f throws(ServerError) in try s.deleteStateMachineVersion(f) },
        "CreateStateMachineAlias": { s, f throws(ServerError) in try s.createStateMachineAlias(f) },
        "DescribeStateMachineAlias": { s, f throws(ServerError) in try s.describeStateMachineAlias(f) },
        "UpdateStateMachineAlias": { s, f throws(ServerError) in try s.updateStateMachineAlias(f) },
        "ListStateMachineAliases": { s, f throws(ServerError) in try s.listStateMachineAliases(f) },
        "DeleteStateMachineAlias": { s, f throws(ServerError) in try s.deleteStateMachineAlias(f) },
        // Tags (TagOperations.swift)
        "TagResource": { s, f throws(ServerError) in try s.tagResource(f) },
        "UntagResource": { s, f throws(ServerError) in try s.untagResource(f) },
        "ListTagsForResource": { s, f throws(ServerError) in try s.listTagsForResource(f) },
        // Executions (ExecutionOperations.swift)
        "StartExecution": { s, f throws(ServerError) in try s.startExecution(f) },
        "StartSyncExecution": { s, f throws(ServerError) in try await s.startSyncExecution(f) },
        "DescribeExecution": { s, f throws(ServerError) in try s.describeExecution(f) },
        "ListExecutions": { s, f throws(ServerError) in try s.listExecutions(f) },
        "StopExecution": { s, f throws(ServerError) in try await s.stopExecution(f) },
        "RedriveExecution": { s, f throws(ServerError) in try s.redriveExecution(f) },
        "GetExecutionHistory": { s, f throws(ServerError) in try s.executionHistory(f) },
        "DescribeStateMachineForExecution": { s, f throws(ServerError) in try s.describeStateMachineForExecution(f) },
        // Map Runs (MapRunOperations.swift)
        "ListMapRuns": { s, f throws(ServerError) in try s.listMapRuns(f) },
        "DescribeMapRun": { s, f throws(ServerError) in try s.describeMapRun(f) },
        "UpdateMapRun": { s, f throws(ServerError) in try s.updateMapRun(f) },
        // One state in isolation (TestStateOperation.swift)
        "TestState": { s, f throws(ServerError) in try await s.testState(f) },
        // Task tokens (TaskCallbacks.swift)
        "SendTaskSuccess": { s, f throws(ServerError) in try await s.sendTaskSuccess(f) },
        "SendTaskFailure": { s, f throws(ServerError) in try await s.sendTaskFailure(f) },
        "SendTaskHeartbeat": { s, f throws(ServerError) in try await s.sendTaskHeartbeat(f) },
        // Activities (ActivityOperations.swift)
        "CreateActivity": { s, f throws(ServerError) in try s.createActivity(f) },
        "DeleteActivity": { s, f throws(ServerError) in try s.deleteActivity(f) },
        "ListActivities": { s, f throws(ServerError) in try s.listActivities(f) },
        "DescribeActivity": { s, f throws(ServerError) in try s.describeActivity(f) },
        "GetActivityTask": { s, f throws(ServerError) in try await s.getActivityTask(f) },
    ]

    /// The operations the service answers: all 37 of the AWS Step Functions API.
    public static let operations: Set<String> = Set(table.keys)

    /// Runs one API operation.
    public func handle(_ operation: String, _ body: JSON) async throws(ServerError) -> JSON {
        guard let run = Self.table[operation] else { throw .unknownOperation(operation) }
        let fields = try RequestFields(body)
        if let cluster { return try await handleInCluster(cluster, operation, run, fields) }
        let response = try await run(self, fields)
        if store != nil, Self.changingOperations.contains(operation) { try await commit() }
        return response
    }

    /// Registers a state machine from definition JSON (e.g. a file given to `sfn serve`). One
    /// already there (a durable server's, from an earlier start) takes the definition as a new
    /// revision when it differs, as a deploy would.
    @discardableResult
    public func register(name: String, definition: JSON, type: String = "STANDARD") throws(ServerError) -> String {
        try ResourceName.check(name)
        let runtime = try compile(definition, name: name, type: type)
        return try locked { () throws(ServerError) -> String in
            let arn = machineArn(name)
            if var existing = machines[arn] {
                guard existing.type == type else {
                    throw ServerError("StateMachineAlreadyExists", "State Machine Already Exists: '\(arn)'")
                }
                if existing.revision.definition != definition {
                    existing.revision = newRevision(
                        definition: definition, text: definition.prettyText, runtime: runtime, roleArn: existing.revision.roleArn)
                    machines[arn] = existing
                    persist(.putMachine(Self.stored(existing)))
                }
                return arn
            }
            let record = newMachine(
                name: name, type: type,
                revision: newRevision(
                    definition: definition, text: definition.prettyText, runtime: runtime, roleArn: configuration.roleArn),
                logging: nil, tracing: nil)
            machines[record.arn] = record
            persist(.putMachine(Self.stored(record)))
            return record.arn
        }
    }

    /// Stops every running execution (at shutdown: an in-memory server loses them anyway, and
    /// a StartSyncExecution waiting on one must answer so the server can exit).
    public func stopRunningExecutions(cause: String) {
        let records = lock.withLock { Array(executions.values) }
        for record in records where record.execution.currentResult == nil {
            record.execution.stop(error: "States.Aborted", cause: cause)
        }
    }

    /// Writes what the store has queued and closes it (at shutdown; executions carry on when a
    /// server starts again on the same store).
    public func closeStore() { store?.close() }

    /// Whether the service keeps its records in a store.
    public var isDurable: Bool { store != nil }

    /// Executions still running (reported at shutdown).
    public var runningExecutionArns: [String] {
        let records = lock.withLock { Array(executions.values) }
        return records.filter { $0.execution.currentResult == nil }.sorted { $0.sequence < $1.sequence }.map(\.execution.arn)
    }

    // MARK: Records

    func nextSequence() -> Int {
        if let clusterSlot {
            // Nodes number what they create in their own residues, so no two numbers are equal.
            sequence = (sequence / Self.clusterSlots + 1) * Self.clusterSlots + clusterSlot
        } else {
            sequence += 1
        }
        return sequence
    }

    func newRevision(definition: JSON, text: String, runtime: StateMachineRuntime, roleArn: String) -> Revision {
        Revision(
            definition: definition, definitionText: text, runtime: runtime, roleArn: roleArn, revisionId: UUID().uuidString.lowercased(),
            updateDate: nowMilliseconds())
    }

    func newMachine(name: String, type: String, revision: Revision, logging: JSON?, tracing: JSON?) -> StateMachineRecord {
        StateMachineRecord(
            name: name, arn: machineArn(name), type: type, revision: revision,
            loggingConfiguration: logging ?? ["level": "OFF", "includeExecutionData": false],
            tracingConfiguration: tracing ?? ["enabled": false],
            creationDate: revision.updateDate, sequence: nextSequence())
    }

    // MARK: Lookups

    func existingMachine(_ arn: String) throws(ServerError) -> StateMachineRecord {
        try Self.checkArn(arn, kind: "stateMachine", parts: 7)
        guard let machine = lock.withLock({ machines[arn] }) else { throw .stateMachineDoesNotExist(arn) }
        return machine
    }

    func existingExecution(_ arn: String) throws(ServerError) -> ExecutionRecord {
        try Self.checkArn(arn, kind: "execution", parts: 8)
        guard let record = lock.withLock({ executions[arn] }) else { throw .executionDoesNotExist(arn) }
        return record
    }

    func existingActivity(_ arn: String) throws(ServerError) -> ActivityRecord {
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

    func machineArn(_ name: String) -> String {
        ARN.stateMachine(name, region: configuration.region, account: configuration.accountId).description
    }
    func executionArn(machine: String, name: String) -> String {
        ARN.execution(machine: machine, name: name, region: configuration.region, account: configuration.accountId).description
    }
    func activityArn(_ name: String) -> String {
        ARN.activity(name, region: configuration.region, account: configuration.accountId).description
    }

    // MARK: Definitions

    /// Unreadable text is refused as AWS does: an INVALID_JSON_DESCRIPTION diagnostic.
    func parseDefinition(_ text: String) throws(ServerError) -> JSON {
        do {
            return try JSON(parsing: text)
        } catch {
            throw Self.refusal(StateMachine.validate(text: text))
        }
    }

    /// A runtime for a machine of `type` (STANDARD or EXPRESS: Express refuses `.sync`,
    /// `.waitForTaskToken` and activities as InvalidDefinition).
    func compile(
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

    func machineType(_ fields: RequestFields) throws(ServerError) -> String {
        let type = try fields.optionalString("type") ?? "STANDARD"
        guard type == "STANDARD" || type == "EXPRESS" else {
            throw .validation(
                "1 validation error detected: Value '\(type)' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
            )
        }
        return type
    }

    /// NSLock.withLock rethrows untyped errors; this keeps the operation's typed throws.
    func locked<Result>(_ body: () throws(ServerError) -> Result) throws(ServerError) -> Result {
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
    func nowMilliseconds() -> EpochMilliseconds { configuration.wallClock.now() }
}
