import Foundation
import Logging
import PostgresNIO
import SFNJSON
import SFNRuntime
import SFNStore

/// How a node joins a cluster on PostgreSQL (`sfn serve --store postgres://...`).
public struct PostgresStoreOptions: Sendable {
    /// The database: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (TLS is not used: keep the
    /// database on loopback or a private network).
    public var url: String
    /// This node's name: a node that starts again under the same name takes back the executions
    /// it owned, unless another node took them over first.
    public var nodeId: String
    /// How long a lease lasts without renewal: a node that dies is taken over within about this
    /// long (renewals and takeover checks run three times per lease).
    public var leaseDuration: Duration
    /// How often a node reads the other nodes' changes when no notification wakes it.
    public var pollInterval: Duration
    /// At most this many connections to the database.
    public var connections: Int

    /// Options for a node named `nodeId` on the database at `url`.
    public init(
        url: String, nodeId: String, leaseDuration: Duration = .seconds(10), pollInterval: Duration = .milliseconds(500),
        connections: Int = 4
    ) {
        self.url = url
        self.nodeId = nodeId
        self.leaseDuration = leaseDuration
        self.pollInterval = pollInterval
        self.connections = connections
    }
}

/// The cluster store: every node's records in one PostgreSQL database, a feed of the changes each
/// node writes (which the others follow), and the leases that say which node runs which
/// execution. Writes are fenced: each batch checks, in its transaction, that the node's lease
/// epoch is still the one it joined with, so a node that lost its lease never writes again.
public final class PostgresStore: ClusterStore, @unchecked Sendable {
    // @unchecked: everything in `book` is only touched with `lock` held; the rest is immutable.
    /// This node's name in the cluster.
    public let nodeId: String
    let options: PostgresStoreOptions
    let client: PostgresClient
    let logger: Logger
    private var clientRun: Task<Void, Never>?
    private let writerBell = Doorbell()
    private let coordinatorBell = Doorbell()
    private let lock = NSLock()
    private var book: Book

    private struct Book {
        var pending: [StoreChange] = []
        var saved = 0
        var committed = 0
        var waiters: [(upTo: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var closed = false
        var epoch: Int64 = 0
        /// Bumped when the lease is lost: changes saved for an older generation are dropped.
        var generation = 0
        var accepting = true
        var owned: Set<String> = []
        var position: Int64 = 0
        var loaded: StoredState?
        var secrets: [String: [UInt8]] = [:]
        var member: (any ClusterMember)?
        var status: ClusterStatus
        var lastRenewal = ContinuousClock.now
        var tasks: [Task<Void, Never>] = []
    }

    /// The advisory lock every write transaction takes before it adds to the feed, so that the
    /// feed's ids are in commit order.
    static let feedLock: Int64 = 0x5f6e_0001
    /// The advisory lock held while the schema is migrated.
    static let migrationLock: Int64 = 0x5f6e_0002
    /// How long the feed keeps a change (a node that falls further behind has lost its lease
    /// and reloads everything anyway).
    static let feedRetentionSeconds = 600

    private init(options: PostgresStoreOptions, configuration: PostgresClient.Configuration) {
        self.options = options
        nodeId = options.nodeId
        var logger = Logger(label: "sfn.postgres")
        logger.logLevel = .critical
        self.logger = logger
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        book = Book(status: ClusterStatus(nodeId: options.nodeId, epoch: 0))
    }

    /// Connects (waiting while the database is unreachable, and saying so on `report`), creates
    /// or migrates the schema, joins as `options.nodeId` and reads everything stored.
    public static func open(
        _ options: PostgresStoreOptions, report: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws(StoreError) -> PostgresStore {
        let url = try PostgresURL(options.url)
        let place = "the database at \(PostgresURL.redacted(options.url))"
        // One connection first: it says why it fails (the pool only says that it did). The node
        // waits while the server is unreachable; a refusal (password, no such database) is final.
        var waited = false
        while true {
            do {
                let probe = try await PostgresConnection.connect(
                    configuration: url.connection, id: 0,
                    logger: Logger(label: "sfn.postgres.probe", factory: { _ in SwiftLogNoOpLogHandler() }))
                try? await probe.close()
                break
            } catch let error as PSQLError where Self.isUnreachable(error) {
                if !waited { report("sfn serve: \(place) is unreachable (\(Self.describe(error))); waiting for it") }
                waited = true
                try? await Task.sleep(for: .seconds(1))
            } catch {
                throw StoreError("\(place): \(Self.describe(error))")
            }
        }
        if waited { report("sfn serve: \(place) answers") }
        let store = PostgresStore(
            options: options,
            configuration: url.client(
                connections: options.connections, idleLimit: max(options.leaseDuration / 2, .seconds(1)), lockLimit: options.leaseDuration))
        let client = store.client
        store.clientRun = Task { await client.run() }
        do {
            try await store.migrate()
        } catch {
            store.shutDown()
            throw StoreError("\(place): \(Self.describe(error))")
        }
        do {
            let epoch = try await store.register()
            let (state, owned, position) = try await store.read()
            var secrets: [String: [UInt8]] = [:]
            for name in ["task-tokens", "page-tokens"] { secrets[name] = try await store.fetchSecret(name) }
            store.lock.withLock {
                store.book.epoch = epoch
                store.book.status.epoch = epoch
                store.book.status.holdsLease = true
                store.book.status.databaseReachable = true
                store.book.owned = owned
                store.book.position = position
                store.book.loaded = state
                store.book.secrets = secrets
                store.book.lastRenewal = .now
            }
        } catch {
            store.shutDown()
            throw StoreError("\(place): \(Self.describe(error))")
        }
        return store
    }

    private func shutDown() {
        clientRun?.cancel()
    }

    // MARK: ServiceStore

    /// What ``open(_:report:)`` read (once).
    public func load() throws(StoreError) -> StoredState {
        let state = lock.withLock { () -> StoredState? in
            defer { book.loaded = nil }
            return book.loaded
        }
        guard let state else { throw StoreError("the cluster store was already read") }
        return state
    }

    /// Queues changes for the current lease.
    public func save(_ changes: [StoreChange]) {
        save(changes, generation: nil)
    }

    /// The lease's generation now: it changes when the lease is lost.
    public var generation: Int { lock.withLock { book.generation } }

    /// Queues changes made for `generation` (nil: now): after the lease was lost they are dropped.
    public func save(_ changes: [StoreChange], generation: Int?) {
        guard !changes.isEmpty else { return }
        let queued = lock.withLock { () -> Bool in
            guard book.accepting, !book.closed, generation == nil || generation == book.generation else { return false }
            book.pending.append(contentsOf: changes)
            book.saved += changes.count
            return true
        }
        if queued { writerBell.ring() }
    }

    /// Returns once every change saved before is written, or throws when the lease was lost.
    public func commit() async throws(StoreError) {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready = lock.withLock { () -> Result<Bool, StoreError> in
                    if !book.accepting { return .failure(StoreError("this node lost its cluster lease and is joining again")) }
                    if book.committed >= book.saved { return .success(true) }
                    book.waiters.append((book.saved, continuation))
                    return .success(false)
                }
                switch ready {
                case .success(true): continuation.resume()
                case .success(false): break
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("\(error)")
        }
    }

    /// A secret all nodes share (read at open).
    public func secret(named name: String) throws(StoreError) -> [UInt8] {
        guard let secret = lock.withLock({ book.secrets[name] }) else { throw StoreError("the cluster store has no secret '\(name)'") }
        return secret
    }

    /// Writes what is queued, gives up the lease (other nodes take over at once) and disconnects.
    public func close() {
        let done = DispatchSemaphore(value: 0)
        let store = self
        Task {
            // What is queued is written, then the lease is given up so other nodes take over at once.
            try? await store.commit()
            store.lock.withLock { store.book.closed = true }
            _ = try? await store.client.query(
                "UPDATE sfn_nodes SET lease_until = now() - interval '1 second' WHERE id = \(store.nodeId) AND epoch = \(store.currentEpoch)",
                logger: store.logger)
            for task in store.lock.withLock({ store.book.tasks }) { task.cancel() }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 10)
        writerBell.ring()
        coordinatorBell.ring()
        shutDown()
    }

    private var currentEpoch: Int64 { lock.withLock { book.epoch } }

    // MARK: ClusterStore

    /// Whether this node runs `executionArn`.
    public func owns(_ executionArn: String) -> Bool { lock.withLock { book.owned.contains(executionArn) } }

    /// Starts the writer, the lease keeper (renewals, takeovers, the feed) and the listener.
    public func join(_ member: any ClusterMember) {
        let tasks = [
            Task { [self] in await writeLoop() }, Task { [self] in await coordinate() }, Task { [self] in await listen() },
        ]
        lock.withLock {
            book.member = member
            book.tasks = tasks
        }
    }

    /// Waits until the coordinator has applied every change written so far (at most 2 s).
    public func catchUp() async {
        var head: Int64 = 0
        do {
            for try await id in try await client.query("SELECT coalesce(max(id), 0) FROM sfn_feed", logger: logger).decode(Int64.self) {
                head = id
            }
        } catch {
            return
        }
        // The coordinator reads the feed (one reader keeps the changes in order); wait for it.
        let deadline = ContinuousClock.now + .seconds(2)
        while lock.withLock({ book.position < head && book.status.holdsLease }), ContinuousClock.now < deadline {
            coordinatorBell.ring()
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Takes the oldest offered task of the activity, deleting it so that no other node can.
    public func claimActivityTask(
        _ activityArn: String
    ) async throws(StoreError) -> (
        token: String, execution: String, input: String
    )? {
        do {
            let rows = try await client.query(
                """
                DELETE FROM sfn_activity_tasks WHERE token = (
                    SELECT token FROM sfn_activity_tasks WHERE activity_arn = \(activityArn) ORDER BY offered_at LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                RETURNING token, execution_arn, input
                """, logger: logger)
            for try await (token, execution, input) in rows.decode((String, String, String).self) { return (token, execution, input) }
            return nil
        } catch {
            throw StoreError("the database: \(Self.describe(error))")
        }
    }

    /// Puts a claimed task back (not through the fenced writer: it is the task, not a record).
    public func offerAgain(_ activityArn: String, _ task: (token: String, execution: String, input: String)) async throws(StoreError) {
        do {
            try await client.query(
                """
                INSERT INTO sfn_activity_tasks (token, activity_arn, execution_arn, input)
                SELECT \(task.token), \(activityArn), \(task.execution), \(task.input)
                WHERE EXISTS (SELECT 1 FROM sfn_owners WHERE execution_arn = \(task.execution))
                ON CONFLICT (token) DO NOTHING
                """, logger: logger)
        } catch {
            throw StoreError("the database: \(Self.describe(error))")
        }
    }

    /// The node's view of the cluster.
    public func status() -> ClusterStatus {
        lock.withLock {
            var status = book.status
            status.ownedExecutions = book.owned.count
            return status
        }
    }

    // MARK: Schema

    /// Each migration runs once, in order, in one transaction with its version's row.
    static let migrations: [String] = [
        """
        CREATE TABLE sfn_meta (name TEXT PRIMARY KEY, value BYTEA NOT NULL);
        CREATE TABLE sfn_machines (arn TEXT PRIMARY KEY, record TEXT NOT NULL);
        CREATE TABLE sfn_versions (arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, record TEXT NOT NULL);
        CREATE INDEX sfn_versions_by_machine ON sfn_versions (machine_arn);
        CREATE TABLE sfn_aliases (arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, record TEXT NOT NULL);
        CREATE INDEX sfn_aliases_by_machine ON sfn_aliases (machine_arn);
        CREATE TABLE sfn_tags (resource_arn TEXT NOT NULL, position INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
            PRIMARY KEY (resource_arn, position));
        CREATE TABLE sfn_activities (arn TEXT PRIMARY KEY, record TEXT NOT NULL);
        CREATE TABLE sfn_executions (arn TEXT PRIMARY KEY, sequence BIGINT NOT NULL, record TEXT NOT NULL);
        CREATE TABLE sfn_events (execution_arn TEXT NOT NULL, id BIGINT NOT NULL, previous BIGINT NOT NULL, timestamp BIGINT NOT NULL,
            type TEXT NOT NULL, details_key TEXT, details TEXT, PRIMARY KEY (execution_arn, id));
        CREATE TABLE sfn_callbacks (token TEXT PRIMARY KEY, outcome TEXT NOT NULL, date BIGINT NOT NULL);
        CREATE TABLE sfn_nodes (id TEXT PRIMARY KEY, epoch BIGINT NOT NULL, lease_until TIMESTAMPTZ NOT NULL,
            started_at TIMESTAMPTZ NOT NULL);
        CREATE TABLE sfn_owners (execution_arn TEXT PRIMARY KEY, node TEXT NOT NULL);
        CREATE INDEX sfn_owners_by_node ON sfn_owners (node);
        CREATE TABLE sfn_feed (id BIGSERIAL PRIMARY KEY, node TEXT NOT NULL, change TEXT NOT NULL,
            written_at TIMESTAMPTZ NOT NULL DEFAULT now());
        """,
        """
        CREATE TABLE sfn_activity_tasks (token TEXT PRIMARY KEY, activity_arn TEXT NOT NULL, execution_arn TEXT NOT NULL,
            input TEXT NOT NULL, offered_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());
        CREATE INDEX sfn_activity_tasks_by_activity ON sfn_activity_tasks (activity_arn, offered_at);
        CREATE INDEX sfn_activity_tasks_by_execution ON sfn_activity_tasks (execution_arn);
        """,
    ]

    private func migrate() async throws {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLock))", logger: logger)
            do {
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS sfn_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                    logger: logger)
                var applied: Set<Int> = []
                for try await version in try await connection.query("SELECT version FROM sfn_migrations", logger: logger).decode(Int.self) {
                    applied.insert(version)
                }
                if let newest = applied.max(), newest > Self.migrations.count {
                    throw StoreError(
                        "the database's schema is version \(newest), newer than this sfn knows (\(Self.migrations.count)): upgrade sfn")
                }
                for (index, sql) in Self.migrations.enumerated() where !applied.contains(index + 1) {
                    let version = index + 1
                    try await connection.withTransaction(logger: logger) { connection in
                        for statement in sql.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                            try await connection.query(PostgresQuery(unsafeSQL: String(statement)), logger: logger)
                        }
                        try await connection.query("INSERT INTO sfn_migrations (version) VALUES (\(version))", logger: logger)
                    }
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLock))", logger: logger)
        }
    }

    /// Joins (or joins again) under a new epoch: the node's earlier lease, if any, is fenced.
    private func register() async throws -> Int64 {
        let seconds = Self.seconds(options.leaseDuration)
        let rows = try await client.query(
            """
            INSERT INTO sfn_nodes (id, epoch, lease_until, started_at) VALUES (\(nodeId), 1, now() + make_interval(secs => \(seconds)), now())
            ON CONFLICT (id) DO UPDATE SET epoch = sfn_nodes.epoch + 1, lease_until = excluded.lease_until, started_at = now()
            RETURNING epoch
            """, logger: logger)
        for try await epoch in rows.decode(Int64.self) { return epoch }
        throw StoreError("the database did not register node '\(nodeId)'")
    }

    private func fetchSecret(_ name: String) async throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try await client.query(
            "INSERT INTO sfn_meta (name, value) VALUES (\(name), \(ByteBuffer(bytes: bytes))) ON CONFLICT (name) DO NOTHING",
            logger: logger)
        for try await value in try await client.query("SELECT value FROM sfn_meta WHERE name = \(name)", logger: logger).decode(
            ByteBuffer.self)
        {
            return Array(buffer: value)
        }
        throw StoreError("the database lost the secret '\(name)'")
    }

    /// Everything stored, the executions this node owns and the feed's position, from one snapshot.
    private func read() async throws -> (StoredState, Set<String>, Int64) {
        try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let result = try await Self.read(connection, node: nodeId, logger: logger)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    private static func read(
        _ connection: PostgresConnection, node: String, logger: Logger
    ) async throws -> (
        StoredState, Set<String>, Int64
    ) {
        var state = StoredState()
        func records<Record>(_ table: String, _ make: (JSON) -> Record?) async throws -> [Record] {
            var records: [Record] = []
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT record FROM \(table)"), logger: logger)
            for try await text in rows.decode(String.self) {
                guard let record = (try? JSON(parsing: text)).flatMap(make) else {
                    throw StoreError("a \(table) record in the database is unreadable: \(text.prefix(200))")
                }
                records.append(record)
            }
            return records
        }
        var position: Int64 = 0
        for try await id in try await connection.query("SELECT coalesce(max(id), 0) FROM sfn_feed", logger: logger).decode(Int64.self) {
            position = id
        }
        state.machines = try await records("sfn_machines", StoredMachine.init(json:)).sorted { $0.sequence < $1.sequence }
        state.versions = try await records("sfn_versions", StoredVersion.init(json:)).sorted {
            ($0.machineArn, $0.number) < ($1.machineArn, $1.number)
        }
        state.aliases = try await records("sfn_aliases", StoredAlias.init(json:)).sorted { $0.sequence < $1.sequence }
        state.activities = try await records("sfn_activities", StoredActivity.init(json:)).sorted { $0.sequence < $1.sequence }
        for try await (resource, key, value) in try await connection.query(
            "SELECT resource_arn, key, value FROM sfn_tags ORDER BY resource_arn, position", logger: logger
        ).decode((String, String, String).self) {
            state.tags[resource, default: []].append((key: key, value: value))
        }
        var events: [String: [HistoryEvent]] = [:]
        for try await (arn, id, previous, timestamp, type, key, details) in try await connection.query(
            "SELECT execution_arn, id, previous, timestamp, type, details_key, details FROM sfn_events ORDER BY execution_arn, id",
            logger: logger
        ).decode((String, Int, Int, Int64, String, String?, String?).self) {
            events[arn, default: []].append(
                HistoryEvent(
                    id: id, previousEventId: previous, timestamp: timestamp, type: type, detailsKey: key,
                    details: details.flatMap { try? JSON(parsing: $0) }))
        }
        for try await text in try await connection.query("SELECT record FROM sfn_executions ORDER BY sequence", logger: logger).decode(
            String.self)
        {
            guard let execution = (try? JSON(parsing: text)).flatMap(StoredExecution.init(json:)) else {
                throw StoreError("an execution record in the database is unreadable: \(text.prefix(200))")
            }
            state.executions.append((execution, events[execution.arn] ?? []))
        }
        for try await (token, outcome) in try await connection.query("SELECT token, outcome FROM sfn_callbacks", logger: logger).decode(
            (String, String).self)
        {
            state.callbacks.append((token: token, outcome: outcome))
        }
        var owned: Set<String> = []
        for try await arn in try await connection.query("SELECT execution_arn FROM sfn_owners WHERE node = \(node)", logger: logger)
            .decode(String.self)
        {
            owned.insert(arn)
        }
        return (state, owned, position)
    }

    // MARK: Writing

    private struct Fenced: Error {}

    /// Whether a write was refused for a lost lease. Thrown inside a transaction, `Fenced` comes
    /// out wrapped in postgres-nio's `PostgresTransactionError`; taken for an unreachable
    /// database, it had the node retry the batch forever, its clients waiting, under a lease
    /// it no longer held.
    static func isFenced(_ error: any Error) -> Bool {
        error is Fenced || (error as? PostgresTransactionError)?.closureError is Fenced
    }

    private func writeLoop() async {
        while !Task.isCancelled {
            await writerBell.wait()
            while !Task.isCancelled {
                let taken = lock.withLock { () -> (batch: [StoreChange], epoch: Int64, generation: Int)? in
                    guard !book.pending.isEmpty else { return nil }
                    defer { book.pending = [] }
                    return (book.pending, book.epoch, book.generation)
                }
                guard let (batch, epoch, generation) = taken else { break }
                var delay = 0.05
                while true {
                    do {
                        let ended = try await withinLease { [self] in try await write(batch, epoch: epoch) }
                        finish(batch, ended: ended, failure: nil)
                        break
                    } catch  where Self.isFenced(error) {
                        finish(batch, ended: [], failure: StoreError("this node lost its cluster lease; another node runs its executions"))
                        if lock.withLock({ book.generation == generation }) {
                            lock.withLock { book.status.fencedWrites += 1 }
                            await loseLease()
                        }
                        break
                    } catch {
                        let stale = lock.withLock { () -> Bool in
                            book.status.databaseReachable = false
                            book.status.lastError = Self.describe(error)
                            return book.generation != generation || book.closed
                        }
                        if stale {
                            finish(batch, ended: [], failure: StoreError("the database is unreachable: \(Self.describe(error))"))
                            break
                        }
                        // The database is unreachable: the batch is kept and written when it answers.
                        try? await Task.sleep(for: .seconds(delay))
                        delay = min(delay * 2, 2)
                    }
                }
            }
        }
    }

    private func finish(_ batch: [StoreChange], ended: Set<String>, failure: StoreError?) {
        let ready = lock.withLock { () -> [(upTo: Int, continuation: CheckedContinuation<Void, any Error>)] in
            book.committed += batch.count
            if failure == nil {
                book.status.changesWritten += batch.count
                book.status.databaseReachable = true
                for change in batch {
                    if case .putExecution(let execution) = change { book.owned.insert(execution.arn) }
                    if case .forgetExecutions(let arns) = change { book.owned.subtract(arns) }
                }
                book.owned.subtract(ended)
            }
            let committed = book.committed
            let ready = book.waiters.filter { $0.upTo <= committed || failure != nil }
            book.waiters.removeAll { $0.upTo <= committed || failure != nil }
            return ready
        }
        for waiter in ready {
            if let failure { waiter.continuation.resume(throwing: failure) } else { waiter.continuation.resume() }
        }
    }

    static let endings: Set<String> = ["ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"]

    private struct TimedOut: Error, CustomStringConvertible {
        var description: String { "a database call did not end within a lease" }
    }

    /// What `body` returns, given up (its task cancelled) after a lease: a connection the server
    /// dropped while this node was paused can leave a query waiting for an answer that never
    /// comes. A dropped connection commits nothing: a write is tried again, or dropped if the
    /// lease is lost; the coordinator's renewals, takeovers and reads are asked again on its
    /// next round, so that a node that was paused still finds out that it lost its lease.
    private func withinLease<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let limit = options.leaseDuration
        let result = FirstOutcome<Value>()
        let bell = Doorbell()
        let work = Task {
            do {
                result.set(.success(try await body()))
            } catch {
                result.set(.failure(error))
            }
            bell.ring()
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            result.set(.failure(TimedOut()))
            bell.ring()
        }
        await bell.wait()
        timer.cancel()
        let outcome = result.value ?? .failure(TimedOut())
        if case .failure(let error) = outcome, error is TimedOut { work.cancel() }
        return try outcome.get()
    }

    /// Writes a batch in one transaction, after checking the node still holds its lease.
    private func write(_ batch: [StoreChange], epoch: Int64) async throws -> Set<String> {
        let node = nodeId
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection -> Set<String> in
            var current: Int64?
            for try await value in try await connection.query("SELECT epoch FROM sfn_nodes WHERE id = \(node) FOR SHARE", logger: logger)
                .decode(Int64.self)
            {
                current = value
            }
            guard current == epoch else { throw Fenced() }
            var events = EventRows()
            var feed: [String] = []
            var ended: Set<String> = []
            for change in batch {
                if case .appendEvent(let arn, let event) = change {
                    events.append(arn, event)
                    if Self.endings.contains(event.type) { ended.insert(arn) }
                } else {
                    try await events.flush(connection, logger: logger)
                    try await Self.apply(change, node: node, connection, logger: logger)
                    if case .putExecution(let execution) = change { ended.remove(execution.arn) }
                }
                if case .forgetCallbacks = change { continue }
                feed.append(change.json.compactText)
            }
            try await events.flush(connection, logger: logger)
            if !ended.isEmpty {
                try await connection.query("DELETE FROM sfn_owners WHERE execution_arn = ANY(\(Array(ended)))", logger: logger)
                try await connection.query("DELETE FROM sfn_activity_tasks WHERE execution_arn = ANY(\(Array(ended)))", logger: logger)
            }
            if !feed.isEmpty {
                // Held from here to the commit: feed ids are given in commit order, so a node that
                // has read up to an id has missed nothing before it.
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.feedLock))", logger: logger)
                try await connection.query(
                    "INSERT INTO sfn_feed (node, change) SELECT \(node), unnest(\(feed)::text[])", logger: logger)
                try await connection.query("SELECT pg_notify('sfn_feed', \(node))", logger: logger)
            }
            return ended
        }
    }

    /// Events gathered for one multi-row insert.
    private struct EventRows {
        var arns: [String] = []
        var ids: [Int] = []
        var previous: [Int] = []
        var timestamps: [Int64] = []
        var types: [String] = []
        var keys: [String] = []
        var details: [String] = []

        mutating func append(_ arn: String, _ event: HistoryEvent) {
            arns.append(arn)
            ids.append(event.id)
            previous.append(event.previousEventId)
            timestamps.append(event.timestamp)
            types.append(event.type)
            keys.append(event.detailsKey ?? "")
            details.append(event.details?.compactText ?? "")
        }

        mutating func flush(_ connection: PostgresConnection, logger: Logger) async throws {
            guard !arns.isEmpty else { return }
            try await connection.query(
                """
                INSERT INTO sfn_events (execution_arn, id, previous, timestamp, type, details_key, details)
                SELECT a, i, p, t, y, NULLIF(k, ''), NULLIF(d, '')
                FROM unnest(\(arns)::text[], \(ids)::int8[], \(previous)::int8[], \(timestamps)::int8[], \(types)::text[],
                    \(keys)::text[], \(details)::text[]) AS e(a, i, p, t, y, k, d)
                ON CONFLICT (execution_arn, id) DO NOTHING
                """, logger: logger)
            self = EventRows()
        }
    }

    private static func apply(_ change: StoreChange, node: String, _ connection: PostgresConnection, logger: Logger) async throws {
        switch change {
        case .putMachine(let machine):
            try await connection.query(
                """
                INSERT INTO sfn_machines (arn, record) VALUES (\(machine.arn), \(machine.json.compactText))
                ON CONFLICT (arn) DO UPDATE SET record = excluded.record
                """, logger: logger)
        case .deleteMachine(let arn):
            try await connection.query("DELETE FROM sfn_machines WHERE arn = \(arn)", logger: logger)
            try await connection.query("DELETE FROM sfn_versions WHERE machine_arn = \(arn)", logger: logger)
            try await connection.query("DELETE FROM sfn_aliases WHERE machine_arn = \(arn)", logger: logger)
            try await connection.query("DELETE FROM sfn_tags WHERE resource_arn = \(arn)", logger: logger)
        case .putVersion(let version):
            try await connection.query(
                """
                INSERT INTO sfn_versions (arn, machine_arn, record) VALUES (\(version.arn), \(version.machineArn), \(version.json.compactText))
                ON CONFLICT (arn) DO UPDATE SET record = excluded.record
                """, logger: logger)
        case .deleteVersion(let arn):
            try await connection.query("DELETE FROM sfn_versions WHERE arn = \(arn)", logger: logger)
        case .putAlias(let alias):
            try await connection.query(
                """
                INSERT INTO sfn_aliases (arn, machine_arn, record) VALUES (\(alias.arn), \(alias.machineArn), \(alias.json.compactText))
                ON CONFLICT (arn) DO UPDATE SET record = excluded.record
                """, logger: logger)
        case .deleteAlias(let arn):
            try await connection.query("DELETE FROM sfn_aliases WHERE arn = \(arn)", logger: logger)
        case .putTags(let resource, let tags):
            try await connection.query("DELETE FROM sfn_tags WHERE resource_arn = \(resource)", logger: logger)
            if !tags.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO sfn_tags (resource_arn, position, key, value)
                    SELECT \(resource), p, k, v FROM unnest(\(Array(0..<tags.count))::int8[], \(tags.map(\.key))::text[],
                        \(tags.map(\.value))::text[]) AS t(p, k, v)
                    """, logger: logger)
            }
        case .putActivity(let activity):
            try await connection.query(
                """
                INSERT INTO sfn_activities (arn, record) VALUES (\(activity.arn), \(activity.json.compactText))
                ON CONFLICT (arn) DO UPDATE SET record = excluded.record
                """, logger: logger)
        case .deleteActivity(let arn):
            try await connection.query("DELETE FROM sfn_activities WHERE arn = \(arn)", logger: logger)
            try await connection.query("DELETE FROM sfn_tags WHERE resource_arn = \(arn)", logger: logger)
        case .putExecution(let execution):
            try await connection.query(
                """
                INSERT INTO sfn_executions (arn, sequence, record) VALUES (\(execution.arn), \(execution.sequence), \(execution.json.compactText))
                ON CONFLICT (arn) DO UPDATE SET record = excluded.record, sequence = excluded.sequence
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO sfn_owners (execution_arn, node) VALUES (\(execution.arn), \(node))
                ON CONFLICT (execution_arn) DO UPDATE SET node = excluded.node
                """, logger: logger)
        case .appendEvent:
            break  // gathered by the caller
        case .putCallback(let token, let outcome, let date):
            try await connection.query(
                """
                INSERT INTO sfn_callbacks (token, outcome, date) VALUES (\(token), \(outcome), \(Int64(date)))
                ON CONFLICT (token) DO UPDATE SET outcome = excluded.outcome, date = excluded.date
                """, logger: logger)
        case .forgetExecutions(let arns):
            try await connection.query("DELETE FROM sfn_executions WHERE arn = ANY(\(arns))", logger: logger)
            try await connection.query("DELETE FROM sfn_events WHERE execution_arn = ANY(\(arns))", logger: logger)
            try await connection.query("DELETE FROM sfn_owners WHERE execution_arn = ANY(\(arns))", logger: logger)
            try await connection.query("DELETE FROM sfn_activity_tasks WHERE execution_arn = ANY(\(arns))", logger: logger)
        case .forgetCallbacks(let before):
            try await connection.query("DELETE FROM sfn_callbacks WHERE date < \(Int64(before))", logger: logger)
        case .offerActivityTask(let activity, let token, let execution, let input):
            try await connection.query(
                """
                INSERT INTO sfn_activity_tasks (token, activity_arn, execution_arn, input) VALUES (\(token), \(activity), \(execution), \(input))
                ON CONFLICT (token) DO NOTHING
                """, logger: logger)
        case .requestStop, .heartbeat, .activityStarted:
            break  // only the feed carries these messages
        }
    }

    // MARK: Leases, the feed and takeover

    private func listen() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: "sfn_feed") { notifications in
                        for try await _ in notifications { coordinatorBell.ring() }
                    }
                }
            } catch {
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func coordinate() async {
        let tick = options.leaseDuration / 3
        var nextTick = ContinuousClock.now
        var nextSweep = ContinuousClock.now + .seconds(60)
        while !Task.isCancelled && !lock.withLock({ book.closed }) {
            let now = ContinuousClock.now
            // A node that lost its lease (a refused write may say so first) joins again at once.
            if now >= nextTick || !lock.withLock({ book.status.holdsLease }) {
                nextTick = now + tick
                await keepLease()
                if now >= nextSweep {
                    nextSweep = now + .seconds(60)
                    _ = try? await client.query(
                        "DELETE FROM sfn_feed WHERE written_at < now() - make_interval(secs => \(Double(Self.feedRetentionSeconds)))",
                        logger: logger)
                }
            }
            if lock.withLock({ book.status.holdsLease }) { _ = try? await follow() }
            await coordinatorBell.wait(timeout: min(options.pollInterval, max(nextTick - .now, .milliseconds(1))))
        }
    }

    /// Renews the lease (or, having lost it, joins again), then takes over the executions of
    /// nodes whose leases ran out.
    private func keepLease() async {
        let (holds, epoch, lastRenewal) = lock.withLock { (book.status.holdsLease, book.epoch, book.lastRenewal) }
        if !holds {
            await rejoin()
            return
        }
        do {
            let renewed = try await withinLease { [self] in
                let rows = try await client.query(
                    """
                    UPDATE sfn_nodes SET lease_until = now() + make_interval(secs => \(Self.seconds(options.leaseDuration)))
                    WHERE id = \(nodeId) AND epoch = \(epoch) RETURNING epoch
                    """, logger: logger)
                var renewed = false
                for try await _ in rows.decode(Int64.self) { renewed = true }
                return renewed
            }
            lock.withLock {
                book.status.databaseReachable = true
                book.status.lastError = nil
                if renewed { book.lastRenewal = .now }
            }
            if !renewed {
                await loseLease()
                return
            }
            try await takeOver()
        } catch {
            lock.withLock {
                book.status.databaseReachable = false
                book.status.lastError = Self.describe(error)
            }
            // Unable to renew for a whole lease: another node may be taking over, so stop now.
            if ContinuousClock.now - lastRenewal >= options.leaseDuration { await loseLease() }
        }
    }

    private func takeOver() async throws {
        let taken = try await withinLease { [self] in try await takeOverTransaction() }
        guard !taken.isEmpty else { return }
        // Everything the old owner wrote is in the feed before the takeover: read it first.
        while try await follow() {}
        let member = lock.withLock { () -> (any ClusterMember)? in
            book.owned.formUnion(taken)
            book.status.takeovers += taken.count
            return book.member
        }
        member?.takeOver(taken)
    }

    /// Fences the nodes whose leases ran out and gives their executions to this one.
    private func takeOverTransaction() async throws -> [String] {
        let node = nodeId
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection -> [String] in
            var dead: [String] = []
            for try await id in try await connection.query(
                """
                SELECT id FROM sfn_nodes n WHERE lease_until < now() AND id <> \(node)
                AND EXISTS (SELECT 1 FROM sfn_owners o WHERE o.node = n.id) FOR UPDATE SKIP LOCKED
                """, logger: logger
            ).decode(String.self) {
                dead.append(id)
            }
            if !dead.isEmpty {
                // Fenced: a node that comes back finds its epoch changed and writes nothing more.
                try await connection.query("UPDATE sfn_nodes SET epoch = epoch + 1 WHERE id = ANY(\(dead))", logger: logger)
            }
            var arns: [String] = []
            for try await arn in try await connection.query(
                """
                UPDATE sfn_owners SET node = \(node)
                WHERE node = ANY(\(dead)) OR NOT EXISTS (SELECT 1 FROM sfn_nodes n WHERE n.id = sfn_owners.node)
                RETURNING execution_arn
                """, logger: logger
            ).decode(String.self) {
                arns.append(arn)
            }
            var live = 0
            for try await count in try await connection.query(
                "SELECT count(*)::int8 FROM sfn_nodes WHERE lease_until > now()", logger: logger
            ).decode(Int64.self) {
                live = Int(count)
            }
            lock.withLock { book.status.liveNodes = live }
            return arns
        }
    }

    /// Reads the next changes other nodes wrote and hands them to the service; true when it may
    /// not have read them all.
    @discardableResult
    private func follow() async throws -> Bool {
        let position = lock.withLock { book.position }
        var changes: [StoreChange] = []
        var last = position
        var count = 0
        let limit = 2000
        let rows = try await withinLease { [self] in
            var rows: [(Int64, String, String)] = []
            for try await row in try await client.query(
                "SELECT id, node, change FROM sfn_feed WHERE id > \(position) ORDER BY id LIMIT \(limit)", logger: logger
            ).decode((Int64, String, String).self) {
                rows.append(row)
            }
            return rows
        }
        for (id, node, text) in rows {
            last = id
            count += 1
            guard node != nodeId, let change = (try? JSON(parsing: text)).flatMap(StoreChange.init(json:)) else { continue }
            changes.append(change)
        }
        let member = lock.withLock { book.member }
        if !changes.isEmpty { member?.applyRemote(changes) }
        // Only now: catchUp() waits for the position, and the changes must be applied by then.
        lock.withLock {
            book.position = last
            book.status.changesApplied += changes.count
        }
        return count == limit
    }

    private func loseLease() async {
        let member = lock.withLock { () -> (any ClusterMember)? in
            guard book.status.holdsLease else { return nil }
            book.generation += 1
            book.accepting = false
            book.status.holdsLease = false
            book.status.leasesLost += 1
            book.owned = []
            book.committed += book.pending.count
            book.pending = []
            return book.member
        }
        guard let member else { return }
        let failed = lock.withLock { () -> [CheckedContinuation<Void, any Error>] in
            defer { book.waiters = [] }
            return book.waiters.map(\.continuation)
        }
        for waiter in failed { waiter.resume(throwing: StoreError("this node lost its cluster lease; another node runs its executions")) }
        member.leaseLost()
        coordinatorBell.ring()
    }

    private func rejoin() async {
        do {
            let epoch = try await withinLease { [self] in try await register() }
            let (state, owned, position) = try await withinLease { [self] in try await read() }
            let member = lock.withLock { () -> (any ClusterMember)? in
                book.epoch = epoch
                book.status.epoch = epoch
                book.status.databaseReachable = true
                book.owned = owned
                book.position = position
                book.accepting = true
                book.lastRenewal = .now
                return book.member
            }
            // The service rebuilds its records before it takes changes again: a change made
            // meanwhile would be lost when the rebuilt records replace the old ones.
            member?.rejoined(state)
            lock.withLock { book.status.holdsLease = true }
        } catch {
            lock.withLock {
                book.status.databaseReachable = false
                book.status.lastError = Self.describe(error)
            }
        }
    }

    // MARK: Helpers

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func isUnreachable(_ error: PSQLError) -> Bool {
        error.serverInfo == nil
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? StoreError { return error.message }
        let text = "\(error)"
        if text.hasPrefix("ConnectionPoolError") {
            // `ConnectionPoolError(base: ...Base.connectionCreationCircuitBreakerTripped)`: the reason.
            let reason = text.split(separator: ".").last.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ")")) } ?? text
            return "cannot connect to the database (\(reason))"
        }
        return text
    }
}

/// The first outcome set, of a database call racing its time limit.
final class FirstOutcome<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `outcome` is only touched with `lock` held.
    private let lock = NSLock()
    private var outcome: Result<Value, any Error>?

    func set(_ new: Result<Value, any Error>) { lock.withLock { if outcome == nil { outcome = new } } }
    var value: Result<Value, any Error>? { lock.withLock { outcome } }
}

/// Wakes one waiting task; a ring with nobody waiting wakes the next wait at once.
final class Doorbell: @unchecked Sendable {
    // @unchecked: `rung` and `waiter` are only touched with `lock` held.
    private let lock = NSLock()
    private var rung = false
    private var waiter: CheckedContinuation<Void, Never>?

    func ring() {
        let waiting = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            if let waiter {
                self.waiter = nil
                return waiter
            }
            rung = true
            return nil
        }
        waiting?.resume()
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if rung {
                    rung = false
                    return true
                }
                waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Waits for a ring or for `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        let timer = Task { [self] in
            do {
                try await Task.sleep(for: timeout)
                ring()
            } catch {}
        }
        await wait()
        timer.cancel()
    }
}
