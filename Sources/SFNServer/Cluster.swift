import Foundation
import SFNJSON
import SFNLanguage
import SFNRuntime
import SFNStore

/// What a cluster node keeps about the executions other nodes run.
struct ClusterBook {
    /// Rebuilds records from other nodes' changes (compiling each revision once).
    var records: StoredRecords?
    /// The task tokens mirrored executions wait on, with their executions: a callback for one
    /// is passed to the node that runs it.
    var remoteTokens: [String: String] = [:]
    /// Each mirrored execution's waiting tokens.
    var tokensByExecution: [String: [String]] = [:]
    /// Events that came before their execution's record (an owner records ExecutionStarted as
    /// the execution starts, and its record just after).
    var early: [String: [HistoryEvent]] = [:]
    /// Activity tasks of mirrored executions that workers took (through any node), with the
    /// worker's name: a node that takes the execution over queues the task again, and a worker's
    /// answer for it then counts as that hand-out.
    var handedOut: [String: (execution: String, worker: String?)] = [:]
    /// Executions started here whose StartExecution has not yet been answered: if the lease is
    /// lost before their record is written, they are forgotten (they never were).
    var unconfirmed: Set<String> = []
    /// Set at shutdown: waiting GetActivityTask calls answer at once.
    var closing = false
}

/// `sfn serve --store postgres://...`: this node runs the executions it owns, mirrors the others
/// from the events their owners write, passes StopExecution and task-token callbacks on to the
/// owner, and takes over the executions of nodes whose leases ran out.
extension StepFunctionsService: ClusterMember {
    /// Errors a cluster node answers only after it has read every change the others wrote.
    static let missingAfterCatchUp: Set<String> = [
        "StateMachineDoesNotExist", "ExecutionDoesNotExist", "ActivityDoesNotExist", "ResourceNotFound", "TaskDoesNotExist",
    ]

    /// The lease generation the request in progress began under (see ``handleInCluster``).
    @TaskLocal static var requestGeneration: Int?

    /// An operation on a cluster node. A change is answered only if it was made and written
    /// under the lease the request began under: when the lease is lost meanwhile (the node was
    /// paused or cut off, another took its executions over), the answer is 503 and the client
    /// asks again, of this node once it has joined again or of another.
    func handleInCluster(
        _ cluster: any ClusterStore, _ operation: String, _ run: Operation, _ fields: RequestFields
    ) async throws(ServerError) -> JSON {
        let changing = Self.changingOperations.contains(operation)
        let generation = cluster.generation
        let unavailable = ServerError(
            "ServiceUnavailable", "This node lost its cluster lease and is joining again; ask again (or ask another node)", status: 503)
        if changing && !cluster.status().holdsLease { throw unavailable }
        let outcome = await Self.$requestGeneration.withValue(generation) { await self.outcome(run, fields) }
        let response = try outcome.get()
        guard changing else { return response }
        try await commit()
        guard cluster.generation == generation else { throw unavailable }
        if let arn = response["executionArn"]?.stringValue { lock.withLock { _ = clusterBook.unconfirmed.remove(arn) } }
        return response
    }

    private func outcome(_ run: Operation, _ fields: RequestFields) async -> Result<JSON, ServerError> {
        do {
            return .success(try await run(self, fields))
        } catch  where Self.missingAfterCatchUp.contains(error.type) {
            do {
                return .success(try await runCaughtUp(run, fields, after: error))
            } catch {
                return .failure(error)
            }
        } catch {
            return .failure(error)
        }
    }

    /// Whether a request may still change records: false once the lease it began under is lost.
    /// Called with `lock` held.
    func requestHoldsLease() -> Bool {
        guard let cluster, let generation = Self.requestGeneration else { return true }
        return cluster.generation == generation
    }

    /// Asks again after reading what the other nodes wrote: another node may have made the thing
    /// a moment ago. A task token may come out (to a worker, a queue) a little before its owner
    /// has written the event that schedules it, so a token is looked for a little longer.
    func runCaughtUp(_ run: Operation, _ fields: RequestFields, after first: ServerError) async throws(ServerError) -> JSON {
        var last = first
        for pause in [0, 50, 150, 300, 500] {
            if pause > 0 {
                guard last.type == "TaskDoesNotExist" else { break }
                try? await Task.sleep(for: .milliseconds(pause))
            }
            await cluster?.catchUp()
            do {
                return try await run(self, fields)
            } catch  where Self.missingAfterCatchUp.contains(error.type) {
                last = error
            }
        }
        throw last
    }

    /// Sequence numbers of different nodes differ modulo this.
    static let clusterSlots = 4096

    /// A node's residue for sequence numbers (FNV-1a of its name).
    static func slot(of nodeId: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in nodeId.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int(hash % UInt64(clusterSlots))
    }

    /// Starts following the cluster (after the service was built from the store).
    public func joinCluster() {
        guard let cluster else { return }
        // Activity tasks go to the database, where GetActivityTask on any node claims them.
        activities.onEnqueue { [weak self] activityArn, task in
            guard let self, let seed = self.configuration.tokens.seed(of: task.taskToken),
                let execution = seed.split(separator: "|").first.map(String.init)
            else { return }
            // Queued again by an execution this node took over, whose worker already has it.
            if let taken = self.lock.withLock({ self.clusterBook.handedOut.removeValue(forKey: task.taskToken) }) {
                self.activities.handOut(token: task.taskToken, of: activityArn, to: taken.worker)
                return
            }
            self.lock.withLock {
                self.persist(
                    .offerActivityTask(activity: activityArn, token: task.taskToken, execution: execution, input: task.input.compactText))
            }
        }
        cluster.join(self)
    }

    /// Answers every waiting GetActivityTask with "no task" (the server is shutting down).
    public func releaseWaitingWorkers() {
        lock.withLock { clusterBook.closing = true }
        activities.releaseWaitingWorkers()
    }

    /// GetActivityTask on a cluster node: the oldest task any node offered for the activity.
    func claimActivityTask(_ activityArn: String, workerName: String?) async throws(ServerError) -> JSON {
        guard let cluster else { return .emptyObject }
        let deadline = ContinuousClock.now + .milliseconds(Int64(activityPollSeconds * 1000))
        while !Task.isCancelled && !lock.withLock({ clusterBook.closing }) {
            let claimed: (token: String, execution: String, input: String)?
            guard cluster.status().holdsLease else {
                try? await Task.sleep(for: .milliseconds(100))
                if ContinuousClock.now >= deadline { break }
                continue
            }
            do {
                claimed = try await cluster.claimActivityTask(activityArn)
            } catch {
                throw ServerError("ServiceUnavailable", "The store could not be read: \(error.message)", status: 503)
            }
            if let claimed {
                let owned = lock.withLock { executions[claimed.execution].map { !$0.execution.isMirror } ?? false }
                if owned {
                    // Run here: the task starts now (its ActivityStarted, its heartbeat clock).
                    if activities.handOut(token: claimed.token, of: activityArn, to: workerName) {
                        // Told to the others too, for a node that may take the execution over.
                        lock.withLock { persist(.activityStarted(activity: activityArn, token: claimed.token, worker: workerName)) }
                        return ["taskToken": .string(claimed.token), "input": .string(claimed.input)]
                    }
                    continue
                }
                if lock.withLock({ clusterBook.remoteTokens[claimed.token] }) == nil { await cluster.catchUp() }
                guard lock.withLock({ clusterBook.remoteTokens[claimed.token] }) != nil else { continue }  // it ended meanwhile
                lock.withLock {
                    clusterBook.handedOut[claimed.token] = (claimed.execution, workerName)
                    persist(.activityStarted(activity: activityArn, token: claimed.token, worker: workerName))
                }
                // Written before the worker has the task, so that its owner records ActivityStarted
                // before any answer the worker sends through another node. If it cannot be, the
                // task goes back for another worker.
                do {
                    try await commit()
                } catch {
                    lock.withLock { _ = clusterBook.handedOut.removeValue(forKey: claimed.token) }
                    try? await cluster.offerAgain(activityArn, claimed)
                    throw error
                }
                return ["taskToken": .string(claimed.token), "input": .string(claimed.input)]
            }
            if ContinuousClock.now >= deadline { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return .emptyObject
    }

    // MARK: ClusterMember

    /// Applies other nodes' changes: catalog records, mirrored histories, and the stops,
    /// callbacks and heartbeats meant for executions this node runs.
    public func applyRemote(_ changes: [StoreChange]) {
        var stops: [(String, String?, String?)] = []
        var heartbeats: [String] = []
        var callbacks: [(String, String)] = []
        var started: [(String, String, String?)] = []
        lock.withLock {
            var events: [String: [HistoryEvent]] = [:]
            var touched: [String] = []
            func flush() {
                for arn in touched { if let new = events[arn] { extendMirror(arn, with: new) } }
                events = [:]
                touched = []
            }
            for change in changes {
                switch change {
                case .appendEvent(let arn, let event):
                    if events[arn] == nil { touched.append(arn) }
                    events[arn, default: []].append(event)
                case .putExecution(let stored):
                    flush()
                    putMirror(stored)
                case .forgetExecutions(let arns):
                    flush()
                    forget(Set(arns))
                case .putCallback(let token, let outcome, _):
                    callbacks.append((token, outcome))
                case .requestStop(let arn, let error, let cause):
                    stops.append((arn, error, cause))
                case .heartbeat(let token):
                    heartbeats.append(token)
                case .activityStarted(let activity, let token, let worker):
                    started.append((activity, token, worker))
                case .offerActivityTask:
                    break  // the database holds it until a node hands it out
                default:
                    applyCatalog(change)
                }
            }
            flush()
        }
        for (arn, error, cause) in stops {
            guard let record = lock.withLock({ executions[arn] }), !record.execution.isMirror, record.execution.currentResult == nil
            else { continue }
            record.execution.stop(error: error, cause: cause)
        }
        for token in heartbeats { try? configuration.tokens.heartbeat(token) }
        // A worker took the task from another node: it starts now (ActivityStarted, heartbeats).
        for (activity, token, worker) in started where !activities.handOut(token: token, of: activity, to: worker) {
            guard let seed = configuration.tokens.seed(of: token) ?? lock.withLock({ clusterBook.remoteTokens[token].map { "\($0)|" } }),
                let execution = seed.split(separator: "|").first.map(String.init)
            else { continue }
            lock.withLock { clusterBook.handedOut[token] = (execution, worker) }
        }
        for (token, text) in callbacks {
            guard let (arn, outcome) = Self.callbackOutcome(text) else { continue }
            let owned = lock.withLock { executions[arn].map { !$0.execution.isMirror } ?? false }
            if owned, (try? configuration.tokens.complete(token, with: outcome)) != nil { continue }
            // Not waiting here yet (or owned elsewhere): kept for when this node runs the task.
            configuration.tokens.preload(token, with: outcome)
        }
    }

    /// Carries on, from their mirrored histories, the executions this node now owns.
    public func takeOver(_ executionArns: [String]) {
        lock.withLock {
            for arn in executionArns {
                guard var record = executions[arn], record.execution.isMirror, record.execution.currentResult == nil,
                    let runtime = try? runtimeForNewExecution(record.machine, record.revision, testCase: record.testCase)
                else { continue }
                record.execution = runtime.resume(record.execution.snapshot, observer: eventObserver)
                replace(record)
                forgetTokens(of: arn)
            }
        }
    }

    /// Stops every execution this node runs (their further events are dropped).
    public func leaseLost() {
        // The store drops what these record from now on; the node reloads when it joins again.
        let running = lock.withLock { () -> [ExecutionRecord] in
            // Started but not yet answered: their records may not be written, so they go.
            for arn in clusterBook.unconfirmed {
                guard let record = executions.removeValue(forKey: arn) else { continue }
                executionsByMachine[record.machine.arn]?.removeAll { $0.execution.arn == arn }
                record.execution.stop(error: "States.Aborted", cause: "This node lost its cluster lease.")
            }
            clusterBook.unconfirmed = []
            return executions.values.filter { !$0.execution.isMirror && $0.execution.currentResult == nil }
        }
        for record in running { record.execution.stop(error: "States.Aborted", cause: "This node lost its cluster lease.") }
    }

    /// Rebuilds every record from what the store holds now.
    public func rejoined(_ state: StoredState) {
        do {
            try restore(from: state)
        } catch {
            FileHandle.standardError.write(Data("sfn serve: cannot reload the cluster's records: \(error.message)\n".utf8))
        }
    }

    // MARK: Mirrors (called with `lock` held)

    private func replace(_ record: ExecutionRecord) {
        let arn = record.execution.arn
        executions[arn] = record
        if let index = executionsByMachine[record.machine.arn]?.lastIndex(where: { $0.execution.arn == arn }) {
            executionsByMachine[record.machine.arn]?[index] = record
        } else {
            // Listing pages by sequence: records from other nodes go where their numbers fall.
            var list = executionsByMachine[record.machine.arn] ?? []
            var index = list.endIndex
            while index > list.startIndex, list[index - 1].sequence > record.sequence { index -= 1 }
            list.insert(record, at: index)
            executionsByMachine[record.machine.arn] = list
        }
    }

    private func putMirror(_ stored: StoredExecution) {
        // An execution this node runs is its own to record (fencing keeps any other writer out).
        if let local = executions[stored.arn], !local.execution.isMirror, local.execution.currentResult == nil { return }
        guard var records = clusterBook.records,
            let machine = try? records.machine(stored.machine),
            let revision = try? records.revision(stored.revision, name: machine.name, type: machine.type)
        else { return }
        clusterBook.records = records
        // A redrive elsewhere: the history so far stays, and its ExecutionRedriven follows.
        let events = Self.merge(executions[stored.arn]?.execution.history ?? [], clusterBook.early.removeValue(forKey: stored.arn) ?? [])
        let snapshot = Self.snapshot(stored, events: events)
        var record = ExecutionRecord(
            execution: revision.runtime.mirror(snapshot), machine: machine, revision: revision, sequence: stored.sequence)
        record.redriveToken = stored.redriveToken
        record.testCase = stored.testCase
        sequence = max(sequence, stored.sequence)
        replace(record)
        noteWaitingTokens(stored.arn, runtime: revision.runtime, snapshot: snapshot)
    }

    private func extendMirror(_ arn: String, with new: [HistoryEvent]) {
        guard var record = executions[arn] else {
            clusterBook.early[arn, default: []] += new
            return
        }
        guard record.execution.isMirror else { return }
        var snapshot = record.execution.snapshot
        snapshot.events = Self.merge(snapshot.events, new)
        let redrives = snapshot.events.filter { $0.type == "ExecutionRedriven" }
        snapshot.redriveCount = redrives.count
        snapshot.redriveDate = redrives.last?.timestamp
        record.execution = record.revision.runtime.mirror(snapshot)
        replace(record)
        noteWaitingTokens(arn, runtime: record.revision.runtime, snapshot: snapshot)
    }

    /// A history with more of its events, in id order, each once (an owner's concurrent
    /// branches may hand their events to the store in another order than their ids').
    static func merge(_ history: [HistoryEvent], _ new: [HistoryEvent]) -> [HistoryEvent] {
        guard !new.isEmpty else { return history }
        let sorted = new.sorted { $0.id < $1.id }
        let last = history.last?.id ?? 0
        if sorted[0].id > last {
            var merged = history
            for event in sorted where event.id != merged.last?.id { merged.append(event) }
            return merged
        }
        var byId: [Int: HistoryEvent] = [:]
        for event in history { byId[event.id] = event }
        for event in sorted where byId[event.id] == nil { byId[event.id] = event }
        return byId.values.sorted { $0.id < $1.id }
    }

    private static func snapshot(_ stored: StoredExecution, events: [HistoryEvent]) -> ExecutionSnapshot {
        let redrives = events.filter { $0.type == "ExecutionRedriven" }
        return ExecutionSnapshot(
            name: stored.name, input: (try? JSON(parsing: stored.inputText)) ?? .emptyObject, inputText: stored.inputText,
            startDate: stored.startDate, origin: ExecutionOrigin(versionArn: stored.versionArn, aliasArn: stored.aliasArn),
            events: events, redriveCount: redrives.count, redriveDate: redrives.last?.timestamp)
    }

    /// Remembers which tokens a mirrored execution waits on (none once it has ended).
    func noteWaitingTokens(_ arn: String, runtime: StateMachineRuntime, snapshot: ExecutionSnapshot) {
        forgetTokens(of: arn)
        guard ExecutionResult(ending: snapshot.events, startDate: snapshot.startDate) == nil else {
            forgetHandOuts(of: arn)
            return
        }
        let tokens = runtime.waitingTokens(snapshot, executionArn: arn)
        guard !tokens.isEmpty else { return }
        clusterBook.tokensByExecution[arn] = tokens
        for token in tokens { clusterBook.remoteTokens[token] = arn }
    }

    private func forgetTokens(of arn: String) {
        for token in clusterBook.tokensByExecution.removeValue(forKey: arn) ?? [] { clusterBook.remoteTokens[token] = nil }
    }

    /// Forgets the hand-outs of an execution that ended.
    private func forgetHandOuts(of arn: String) {
        guard !clusterBook.handedOut.isEmpty else { return }
        clusterBook.handedOut = clusterBook.handedOut.filter { $0.value.execution != arn }
    }

    private func forget(_ arns: Set<String>) {
        for arn in arns {
            forgetTokens(of: arn)
            forgetHandOuts(of: arn)
            clusterBook.early[arn] = nil
            guard let record = executions.removeValue(forKey: arn) else { continue }
            executionsByMachine[record.machine.arn]?.removeAll { $0.execution.arn == arn }
        }
    }

    /// State machines, versions, aliases, tags and activities another node changed.
    private func applyCatalog(_ change: StoreChange) {
        guard var records = clusterBook.records else { return }
        defer { clusterBook.records = records }
        switch change {
        case .putMachine(let stored):
            guard let machine = try? records.machine(stored) else { return }
            machines[stored.arn] = machine
            sequence = max(sequence, stored.sequence)
        case .deleteMachine(let arn):
            forgetMachine(arn)
        case .putVersion(let stored):
            let machine = machines[stored.machineArn]
            let name = machine?.name ?? ARN(parsing: stored.machineArn)?.resourceParts.last.map(String.init) ?? ""
            guard let revision = try? records.revision(stored.revision, name: name, type: machine?.type ?? "STANDARD") else { return }
            if versions[stored.arn] == nil { versionsByMachine[stored.machineArn, default: []].append(stored.arn) }
            versions[stored.arn] = VersionRecord(
                machineArn: stored.machineArn, number: stored.number, arn: stored.arn, revision: revision,
                description: stored.description, creationDate: stored.creationDate)
            if var owner = machine {
                owner.nextVersion = max(owner.nextVersion, stored.number + 1)
                machines[stored.machineArn] = owner
            }
        case .deleteVersion(let arn):
            if let version = versions.removeValue(forKey: arn) { versionsByMachine[version.machineArn]?.removeAll { $0 == arn } }
        case .putAlias(let stored):
            aliases[stored.arn] = StoredRecords.alias(stored)
            sequence = max(sequence, stored.sequence)
        case .deleteAlias(let arn):
            aliases[arn] = nil
        case .putTags(let resource, let stored):
            tags[resource] = stored.isEmpty ? nil : stored.map { Tag(key: $0.key, value: $0.value) }
        case .putActivity(let stored):
            activityRecords[stored.arn] = ActivityRecord(
                name: stored.name, arn: stored.arn, creationDate: stored.creationDate, sequence: stored.sequence)
            sequence = max(sequence, stored.sequence)
        case .deleteActivity(let arn):
            activityRecords[arn] = nil
            tags[arn] = nil
        default:
            break
        }
    }

    // MARK: Operations on executions other nodes run

    /// StopExecution of an execution another node runs: the request goes to that node, which
    /// records the abort.
    func stopElsewhere(_ record: ExecutionRecord, error: String?, cause: String?) async throws(ServerError) -> JSON {
        if let result = record.execution.currentResult { return ["stopDate": Self.epochSeconds(result.stopDate)] }
        let now = nowMilliseconds()
        lock.withLock { persist(.requestStop(execution: record.execution.arn, error: error, cause: cause)) }
        try await commit()
        return ["stopDate": Self.epochSeconds(now)]
    }

    /// SendTaskSuccess or SendTaskFailure for a task another node runs: kept in the store, which
    /// passes it to that node. False when the token is not one of those.
    func forwardCallback(_ fields: RequestFields, success: Bool) throws(ServerError) -> Bool {
        guard cluster != nil, let token = try fields.optionalString("taskToken"),
            let execution = lock.withLock({ clusterBook.remoteTokens[token] })
        else { return false }
        let outcome: TaskTokenOutcome
        if success {
            guard let output = try fields.jsonText("output", invalid: { ServerError("InvalidOutput", "Invalid Output: '\($0)'") }) else {
                throw .missing("output")
            }
            outcome = .success(output)
        } else {
            outcome = .failure(StatesError(try fields.optionalString("error") ?? "", cause: try fields.optionalString("cause")))
        }
        // Kept here too, in case this node takes the execution over before its owner records it.
        configuration.tokens.preload(token, with: outcome)
        lock.withLock {
            // A second callback for the same task is refused, as the owner would refuse it.
            clusterBook.remoteTokens[token] = nil
            persist(.putCallback(token: token, outcome: Self.callbackRecord(execution: execution, outcome), date: nowMilliseconds()))
        }
        return true
    }

    /// SendTaskHeartbeat, passed on to the node that runs the task when it is not this one.
    func sendTaskHeartbeat(_ fields: RequestFields) async throws(ServerError) -> JSON {
        if cluster != nil, let token = try fields.optionalString("taskToken"), lock.withLock({ clusterBook.remoteTokens[token] }) != nil {
            lock.withLock { persist(.heartbeat(token: token)) }
            return .emptyObject
        }
        try await awaitHandOut(fields)
        return try callbacks.sendTaskHeartbeat(fields)
    }

    /// An answer for an activity task this node runs and has not handed out itself: the worker
    /// took it from another node, whose word of it (and the worker's name, for ActivityStarted)
    /// is read first.
    func awaitHandOut(_ fields: RequestFields) async throws(ServerError) {
        guard let cluster, let token = try fields.optionalString("taskToken"), activities.isQueued(token: token) else { return }
        await cluster.catchUp()
        // Still queued: a worker took it before this node took the execution over.
        // (A worker's answer means a worker has it, under the name it gave if that was written.)
        if activities.isQueued(token: token) {
            let taken = lock.withLock { clusterBook.handedOut.removeValue(forKey: token) }
            activities.handOut(token: token, to: taken?.worker)
        }
    }

    // MARK: Health and metrics

    /// `GET /health`: 200 while the node can serve (it holds its lease, or it has no cluster), else 503.
    public func health() -> (healthy: Bool, body: JSON) {
        let running = lock.withLock { executions.values.filter { !$0.execution.isMirror && $0.execution.currentResult == nil }.count }
        guard let status = cluster?.status() else {
            return (true, ["status": "ok", "runningExecutions": .int(running)])
        }
        var body: JSONObject = [
            "status": status.holdsLease ? "ok" : "unavailable", "node": .string(status.nodeId), "epoch": .int(Int(status.epoch)),
            "holdsLease": .bool(status.holdsLease), "databaseReachable": .bool(status.databaseReachable),
            "liveNodes": .int(status.liveNodes), "ownedExecutions": .int(status.ownedExecutions), "runningExecutions": .int(running),
        ]
        if let error = status.lastError { body["lastError"] = .string(error) }
        return (status.holdsLease, .object(body))
    }

    /// `GET /metrics`: Prometheus' text format.
    public func metricsText() -> String {
        let (running, mirrored, kept) = lock.withLock { () -> (Int, Int, Int) in
            var running = 0
            var mirrored = 0
            for record in executions.values where record.execution.currentResult == nil {
                if record.execution.isMirror { mirrored += 1 } else { running += 1 }
            }
            return (running, mirrored, executions.count)
        }
        var lines = [
            "# HELP sfn_executions_running Executions this node runs now.", "# TYPE sfn_executions_running gauge",
            "sfn_executions_running \(running)",
            "# HELP sfn_executions_mirrored Running executions other nodes run, as this node sees them.",
            "# TYPE sfn_executions_mirrored gauge", "sfn_executions_mirrored \(mirrored)",
            "# HELP sfn_executions_kept Executions this node keeps records of.", "# TYPE sfn_executions_kept gauge",
            "sfn_executions_kept \(kept)",
        ]
        if let status = cluster?.status() {
            let counters: [(String, String, Int)] = [
                ("sfn_cluster_changes_written_total", "Changes this node wrote.", status.changesWritten),
                ("sfn_cluster_changes_applied_total", "Changes of other nodes this node applied.", status.changesApplied),
                ("sfn_cluster_takeovers_total", "Executions this node took over.", status.takeovers),
                ("sfn_cluster_leases_lost_total", "Times this node lost its lease.", status.leasesLost),
                ("sfn_cluster_fenced_writes_total", "Write batches refused for a lost lease.", status.fencedWrites),
            ]
            for (name, help, value) in counters { lines += ["# HELP \(name) \(help)", "# TYPE \(name) counter", "\(name) \(value)"] }
            let gauges: [(String, String, Int)] = [
                ("sfn_cluster_lease_held", "1 while this node holds its lease.", status.holdsLease ? 1 : 0),
                ("sfn_cluster_database_reachable", "1 while the database answers.", status.databaseReachable ? 1 : 0),
                ("sfn_cluster_live_nodes", "Nodes with a live lease.", status.liveNodes),
                ("sfn_cluster_owned_executions", "Executions this node owns.", status.ownedExecutions),
                ("sfn_cluster_epoch", "This node's lease epoch.", Int(status.epoch)),
            ]
            for (name, help, value) in gauges { lines += ["# HELP \(name) \(help)", "# TYPE \(name) gauge", "\(name) \(value)"] }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
