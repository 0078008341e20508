import SFNJSON
import SFNLanguage
import SFNRuntime
import SFNStore

/// `sfn serve --data-dir`: the service's records written through a ``ServiceStore`` and read
/// back at start, when unfinished executions carry on from their recorded histories.
extension StepFunctionsService {
    /// Operations that change what is stored: their answer waits until the change is durable.
    static let changingOperations: Set<String> = [
        "CreateStateMachine", "UpdateStateMachine", "DeleteStateMachine", "PublishStateMachineVersion", "DeleteStateMachineVersion",
        "CreateStateMachineAlias", "UpdateStateMachineAlias", "DeleteStateMachineAlias", "TagResource", "UntagResource",
        "StartExecution", "StartSyncExecution", "StopExecution", "RedriveExecution", "SendTaskSuccess", "SendTaskFailure",
        "CreateActivity", "DeleteActivity", "UpdateMapRun",
    ]

    /// Queues changes for the store (called with `lock` held, so they are written in order).
    func persist(_ changes: StoreChange...) {
        store?.save(changes)
    }

    /// Waits until every change so far is durable.
    func commit() async throws(ServerError) {
        guard let store else { return }
        do {
            try await store.commit()
        } catch {
            throw ServerError("ServiceUnavailable", "The store could not write the change: \(error.message)", status: 503)
        }
    }

    /// Where an execution's events go: the store, as they are recorded (in a cluster, only while
    /// the lease the node holds now lasts).
    var eventObserver: StateMachineRuntime.EventObserver? {
        if let cluster {
            let generation = cluster.generation
            return { [cluster] arn, event in cluster.save([.appendEvent(execution: arn, event: event)], generation: generation) }
        }
        guard let store else { return nil }
        return { [store] arn, event in store.save([.appendEvent(execution: arn, event: event)]) }
    }

    // MARK: Records to stored records

    static func stored(_ revision: Revision) -> StoredRevision {
        StoredRevision(
            definitionText: revision.definitionText, roleArn: revision.roleArn, revisionId: revision.revisionId,
            updateDate: revision.updateDate)
    }

    static func stored(_ machine: StateMachineRecord) -> StoredMachine {
        StoredMachine(
            arn: machine.arn, name: machine.name, type: machine.type, revision: stored(machine.revision),
            logging: machine.loggingConfiguration.compactText, tracing: machine.tracingConfiguration.compactText,
            creationDate: machine.creationDate, sequence: machine.sequence, nextVersion: machine.nextVersion)
    }

    static func stored(_ version: VersionRecord) -> StoredVersion {
        StoredVersion(
            arn: version.arn, machineArn: version.machineArn, number: version.number, revision: stored(version.revision),
            description: version.description, creationDate: version.creationDate)
    }

    static func stored(_ alias: AliasRecord) -> StoredAlias {
        StoredAlias(
            arn: alias.arn, machineArn: alias.machineArn, name: alias.name, description: alias.description,
            routing: alias.routingJSON.compactText, creationDate: alias.creationDate, updateDate: alias.updateDate, sequence: alias.sequence
        )
    }

    static func stored(_ activity: ActivityRecord) -> StoredActivity {
        StoredActivity(arn: activity.arn, name: activity.name, creationDate: activity.creationDate, sequence: activity.sequence)
    }

    static func stored(_ tags: [Tag]) -> [(key: String, value: String)] { tags.map { (key: $0.key, value: $0.value) } }

    static func stored(_ record: ExecutionRecord) -> StoredExecution {
        StoredExecution(
            arn: record.execution.arn, name: record.execution.name, machine: stored(record.machine), revision: stored(record.revision),
            inputText: record.execution.inputText, startDate: record.execution.startDate, versionArn: record.versionArn,
            aliasArn: record.aliasArn, sequence: record.sequence, redriveToken: record.redriveToken, testCase: record.testCase)
    }

    /// Whether an execution is kept in the store: Standard ones (Express executions are not
    /// durable on AWS either, and have no history API).
    static func isDurable(_ record: ExecutionRecord) -> Bool { record.machine.type == "STANDARD" }

    // MARK: Reading back

    /// Rebuilds the records from the store and carries on every unfinished execution (in a
    /// cluster, those this node owns: the others are mirrored from their histories).
    func restore(from state: StoredState) throws(StoreError) {
        var builder = StoredRecords(service: self)
        func revision(_ stored: StoredRevision, name: String, type: String) throws(StoreError) -> Revision {
            try builder.revision(stored, name: name, type: type)
        }
        func machineRecord(_ stored: StoredMachine) throws(StoreError) -> StateMachineRecord {
            try builder.machine(stored)
        }

        var maxSequence = 0
        var restoredMachines: [String: StateMachineRecord] = [:]
        for stored in state.machines {
            restoredMachines[stored.arn] = try machineRecord(stored)
            maxSequence = max(maxSequence, stored.sequence)
        }
        var restoredVersions: [String: VersionRecord] = [:]
        var byMachine: [String: [String]] = [:]
        for stored in state.versions {
            let name =
                restoredMachines[stored.machineArn]?.name ?? ARN(parsing: stored.machineArn)?.resourceParts.last.map(String.init) ?? ""
            let type = restoredMachines[stored.machineArn]?.type ?? "STANDARD"
            restoredVersions[stored.arn] = VersionRecord(
                machineArn: stored.machineArn, number: stored.number, arn: stored.arn,
                revision: try revision(stored.revision, name: name, type: type),
                description: stored.description, creationDate: stored.creationDate)
            byMachine[stored.machineArn, default: []].append(stored.arn)
        }
        var restoredAliases: [String: AliasRecord] = [:]
        for stored in state.aliases {
            restoredAliases[stored.arn] = StoredRecords.alias(stored)
            maxSequence = max(maxSequence, stored.sequence)
        }
        var restoredActivities: [String: ActivityRecord] = [:]
        for stored in state.activities {
            restoredActivities[stored.arn] = ActivityRecord(
                name: stored.name, arn: stored.arn, creationDate: stored.creationDate, sequence: stored.sequence)
            maxSequence = max(maxSequence, stored.sequence)
        }

        // Callbacks that arrived for executions that had not yet recorded them.
        var unfinished: Set<String> = []
        for (execution, events) in state.executions where ExecutionResult(ending: events, startDate: execution.startDate) == nil {
            unfinished.insert(execution.arn)
        }
        for callback in state.callbacks {
            guard let outcome = Self.callbackOutcome(callback.outcome), unfinished.contains(outcome.execution) else { continue }
            configuration.tokens.preload(callback.token, with: outcome.outcome)
        }

        var mirrored: [(arn: String, runtime: StateMachineRuntime, snapshot: ExecutionSnapshot)] = []
        var restoredExecutions: [String: ExecutionRecord] = [:]
        var restoredByMachine: [String: [ExecutionRecord]] = [:]
        for (stored, events) in state.executions {
            // An execution with no events yet was accepted (its record is written before
            // StartExecution answers) but had not recorded ExecutionStarted: it starts afresh.
            let machine = try machineRecord(stored.machine)
            let runs = try revision(stored.revision, name: machine.name, type: machine.type)
            let redrives = events.filter { $0.type == "ExecutionRedriven" }
            let snapshot = ExecutionSnapshot(
                name: stored.name, input: (try? JSON(parsing: stored.inputText)) ?? .emptyObject, inputText: stored.inputText,
                startDate: stored.startDate, origin: ExecutionOrigin(versionArn: stored.versionArn, aliasArn: stored.aliasArn),
                events: events, redriveCount: redrives.count, redriveDate: redrives.last?.timestamp)
            let execution: Execution
            if let ended = runs.runtime.restore(snapshot) {
                execution = ended
            } else if let cluster, !cluster.owns(stored.arn) {
                execution = runs.runtime.mirror(snapshot)
                mirrored.append((stored.arn, runs.runtime, snapshot))
            } else {
                let runtime: StateMachineRuntime
                do {
                    runtime = try runtimeForNewExecution(machine, runs, testCase: stored.testCase)
                } catch {
                    throw StoreError("execution '\(stored.arn)' cannot carry on: \(error.message)")
                }
                execution = runtime.resume(snapshot, observer: eventObserver)
            }
            var record = ExecutionRecord(execution: execution, machine: machine, revision: runs, sequence: stored.sequence)
            record.redriveToken = stored.redriveToken
            record.testCase = stored.testCase
            restoredExecutions[stored.arn] = record
            restoredByMachine[machine.arn, default: []].append(record)
            maxSequence = max(maxSequence, stored.sequence)
        }

        lock.withLock {
            machines = restoredMachines
            versions = restoredVersions
            versionsByMachine = byMachine
            aliases = restoredAliases
            activityRecords = restoredActivities
            var restoredTags: [String: [Tag]] = [:]
            for (resource, tags) in state.tags { restoredTags[resource] = tags.map { Tag(key: $0.key, value: $0.value) } }
            tags = restoredTags
            executions = restoredExecutions
            executionsByMachine = restoredByMachine
            sequence = maxSequence
            nextSweep = executions.count + Self.sweepSlack(retention)
            // What workers took survives (it is known only from the feed, not the tables).
            let handedOut = clusterBook.handedOut
            clusterBook = ClusterBook()
            clusterBook.records = builder
            clusterBook.handedOut = handedOut
            for (arn, runtime, snapshot) in mirrored { noteWaitingTokens(arn, runtime: runtime, snapshot: snapshot) }
        }
    }

    /// A stored callback: `{"execution": ARN, "output": JSON text}` or `{"execution": ARN,
    /// "error": ..., "cause": ...}`.
    static func callbackRecord(execution: String, _ outcome: TaskTokenOutcome) -> String {
        switch outcome {
        case .success(let output): return (["execution": .string(execution), "output": .string(output.compactText)] as JSON).compactText
        case .failure(let error):
            var members: JSONObject = ["execution": .string(execution), "error": .string(error.error)]
            if let cause = error.cause { members["cause"] = .string(cause) }
            return JSON.object(members).compactText
        }
    }

    static func callbackOutcome(_ text: String) -> (execution: String, outcome: TaskTokenOutcome)? {
        guard let json = try? JSON(parsing: text), let execution = json["execution"]?.stringValue else { return nil }
        if let output = json["output"]?.stringValue {
            return (execution, .success((try? JSON(parsing: output)) ?? .null))
        }
        return (execution, .failure(StatesError(json["error"]?.stringValue ?? "", cause: json["cause"]?.stringValue)))
    }
}

extension StepFunctionsService {
    /// SendTaskSuccess, kept in the store first (for the execution of its token) so that a
    /// restart before the execution records it does not lose it.
    func sendTaskSuccess(_ fields: RequestFields) async throws(ServerError) -> JSON {
        if try forwardCallback(fields, success: true) { return .emptyObject }
        try await awaitHandOut(fields)
        try keepCallback(fields) { token, output in .success(output) }
        return try callbacks.sendTaskSuccess(fields)
    }

    /// SendTaskFailure, kept as SendTaskSuccess is.
    func sendTaskFailure(_ fields: RequestFields) async throws(ServerError) -> JSON {
        if try forwardCallback(fields, success: false) { return .emptyObject }
        try await awaitHandOut(fields)
        try keepCallback(fields) { _, _ in nil }
        return try callbacks.sendTaskFailure(fields)
    }

    private func keepCallback(
        _ fields: RequestFields, _ success: (String, JSON) -> TaskTokenOutcome?
    ) throws(ServerError) {
        guard store != nil, let token = try fields.optionalString("taskToken"),
            let seed = configuration.tokens.seed(of: token), let execution = seed.split(separator: "|").first.map(String.init)
        else { return }
        let outcome: TaskTokenOutcome
        if let text = try fields.optionalString("output"), let output = try? JSON(parsing: text), let made = success(token, output) {
            outcome = made
        } else {
            outcome = .failure(StatesError(try fields.optionalString("error") ?? "", cause: try fields.optionalString("cause")))
        }
        lock.withLock {
            persist(.putCallback(token: token, outcome: Self.callbackRecord(execution: execution, outcome), date: nowMilliseconds()))
        }
    }
}

/// Records rebuilt from stored ones (at start, and in a cluster from other nodes' changes): each
/// revision is compiled once.
struct StoredRecords {
    unowned let service: StepFunctionsService
    private var runtimes: [String: StateMachineRuntime] = [:]

    init(service: StepFunctionsService) { self.service = service }

    mutating func revision(_ stored: StoredRevision, name: String, type: String) throws(StoreError) -> Revision {
        let key = "\(name)\n\(type)\n\(stored.revisionId)"
        let definition: JSON
        do {
            definition = try JSON(parsing: stored.definitionText)
        } catch {
            throw StoreError("state machine '\(name)' in the store has a definition that does not parse: \(error)")
        }
        let runtime: StateMachineRuntime
        if let known = runtimes[key] {
            runtime = known
        } else {
            do {
                runtime = try service.compile(definition, name: name, type: type)
            } catch {
                throw StoreError("state machine '\(name)' in the store no longer validates: \(error.message)")
            }
            runtimes[key] = runtime
        }
        return Revision(
            definition: definition, definitionText: stored.definitionText, runtime: runtime, roleArn: stored.roleArn,
            revisionId: stored.revisionId, updateDate: stored.updateDate)
    }

    mutating func machine(_ stored: StoredMachine) throws(StoreError) -> StateMachineRecord {
        StateMachineRecord(
            name: stored.name, arn: stored.arn, type: stored.type,
            revision: try revision(stored.revision, name: stored.name, type: stored.type),
            loggingConfiguration: (try? JSON(parsing: stored.logging)) ?? ["level": "OFF", "includeExecutionData": false],
            tracingConfiguration: (try? JSON(parsing: stored.tracing)) ?? ["enabled": false], creationDate: stored.creationDate,
            sequence: stored.sequence, nextVersion: stored.nextVersion)
    }

    static func alias(_ stored: StoredAlias) -> AliasRecord {
        var routes: [AliasRecord.Route] = []
        if case .array(let items)? = try? JSON(parsing: stored.routing) {
            for item in items {
                if let arn = item["stateMachineVersionArn"]?.stringValue, let weight = item["weight"]?.intValue {
                    routes.append(AliasRecord.Route(versionArn: arn, weight: weight))
                }
            }
        }
        return AliasRecord(
            name: stored.name, arn: stored.arn, machineArn: stored.machineArn, description: stored.description, routing: routes,
            creationDate: stored.creationDate, updateDate: stored.updateDate, sequence: stored.sequence)
    }
}
