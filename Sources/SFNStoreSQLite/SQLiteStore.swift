import Foundation
import GRDB
import SFNJSON
import SFNRuntime
import SFNStore

/// The embedded store: one SQLite database (`sfn.sqlite3`) in a folder, written by a thread of
/// its own in batches: every change queued while a transaction commits goes into the next one,
/// so many requests share each commit (and its fsync).
///
/// Commits are synchronous (`PRAGMA synchronous = FULL`, write-ahead log): a change that
/// ``commit()`` reported durable survives the process being killed and the machine losing power.
public final class SQLiteStore: ServiceStore, @unchecked Sendable {
    // @unchecked: `pending`, `saved`, `committed`, `waiters`, `failure` and `closed` are only
    // touched with `condition` locked; `database` only on the writer thread (and in load()).
    private let database: DatabaseQueue
    /// The database file.
    public let path: String
    private let condition = NSCondition()
    private var pending: [StoreChange] = []
    private var saved = 0
    private var committed = 0
    private var waiters: [(upTo: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var failure: StoreError?
    private var closed = false
    private var writer: Thread?

    /// Opens (creating it if needed) the store in `folder`.
    public init(folder: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError("cannot create the data folder '\(folder)': \(error.localizedDescription)")
        }
        path = (folder as NSString).appendingPathComponent("sfn.sqlite3")
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.write { db in try Self.migrate(db) }
        } catch {
            throw StoreError("cannot open the store '\(path)': \(error)")
        }
        let thread = Thread { [unowned self] in self.writeLoop() }
        thread.name = "sfn-store-writer"
        writer = thread
        thread.start()
    }

    deinit { close() }

    private static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS machines (arn TEXT PRIMARY KEY, record TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS versions (arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, record TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS versions_by_machine ON versions (machine_arn);
                CREATE TABLE IF NOT EXISTS aliases (arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, record TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS aliases_by_machine ON aliases (machine_arn);
                CREATE TABLE IF NOT EXISTS tags (resource_arn TEXT NOT NULL, position INTEGER NOT NULL, key TEXT NOT NULL,
                    value TEXT NOT NULL, PRIMARY KEY (resource_arn, position)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS activities (arn TEXT PRIMARY KEY, record TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS executions (arn TEXT PRIMARY KEY, sequence INTEGER NOT NULL, record TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS events (execution_arn TEXT NOT NULL, id INTEGER NOT NULL, previous INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL, type TEXT NOT NULL, details_key TEXT, details TEXT,
                    PRIMARY KEY (execution_arn, id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS callbacks (token TEXT PRIMARY KEY, outcome TEXT NOT NULL, date INTEGER NOT NULL);
                """)
    }

    // MARK: ServiceStore

    /// Reads everything in one read transaction.
    public func load() throws(StoreError) -> StoredState {
        do {
            return try database.read { db in try Self.read(db) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("cannot read the store '\(path)': \(error)")
        }
    }

    private static func read(_ db: Database) throws -> StoredState {
        var state = StoredState()
        func records<Record>(_ table: String, _ make: (JSON) -> Record?) throws -> [Record] {
            try String.fetchAll(db, sql: "SELECT record FROM \(table)").map { text in
                guard let record = (try? JSON(parsing: text)).flatMap(make) else {
                    throw StoreError("a \(table) record in the store is unreadable: \(text.prefix(200))")
                }
                return record
            }
        }
        state.machines = try records("machines", StoredMachine.init(json:)).sorted { $0.sequence < $1.sequence }
        state.versions = try records("versions", StoredVersion.init(json:)).sorted {
            ($0.machineArn, $0.number) < ($1.machineArn, $1.number)
        }
        state.aliases = try records("aliases", StoredAlias.init(json:)).sorted { $0.sequence < $1.sequence }
        state.activities = try records("activities", StoredActivity.init(json:)).sorted { $0.sequence < $1.sequence }
        for row in try Row.fetchAll(db, sql: "SELECT resource_arn, key, value FROM tags ORDER BY resource_arn, position") {
            state.tags[row["resource_arn"], default: []].append((key: row["key"], value: row["value"]))
        }
        var events: [String: [HistoryEvent]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT execution_arn, id, previous, timestamp, type, details_key, details FROM events ORDER BY execution_arn, id")
        {
            let details: String? = row["details"]
            let event = HistoryEvent(
                id: row["id"], previousEventId: row["previous"], timestamp: row["timestamp"], type: row["type"],
                detailsKey: row["details_key"], details: details.flatMap { try? JSON(parsing: $0) })
            events[row["execution_arn"], default: []].append(event)
        }
        for text in try String.fetchAll(db, sql: "SELECT record FROM executions ORDER BY sequence") {
            guard let execution = (try? JSON(parsing: text)).flatMap(StoredExecution.init(json:)) else {
                throw StoreError("an execution record in the store is unreadable: \(text.prefix(200))")
            }
            state.executions.append((execution, events[execution.arn] ?? []))
        }
        for row in try Row.fetchAll(db, sql: "SELECT token, outcome FROM callbacks") {
            state.callbacks.append((token: row["token"], outcome: row["outcome"]))
        }
        return state
    }

    /// Queues changes for the writer thread.
    public func save(_ changes: [StoreChange]) {
        guard !changes.isEmpty else { return }
        condition.lock()
        pending.append(contentsOf: changes)
        saved += changes.count
        condition.signal()
        condition.unlock()
    }

    /// Waits for the writer to commit what was queued before the call.
    public func commit() async throws(StoreError) {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                condition.lock()
                if let failure {
                    condition.unlock()
                    continuation.resume(throwing: failure)
                } else if committed >= saved {
                    condition.unlock()
                    continuation.resume()
                } else {
                    waiters.append((saved, continuation))
                    condition.unlock()
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("\(error)")
        }
    }

    /// A secret kept in the `meta` table, made on first use.
    public func secret(named name: String) throws(StoreError) -> [UInt8] {
        do {
            return try database.write { db -> [UInt8] in
                if let data = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE name = ?", arguments: [name]) {
                    return Array(data)
                }
                var generator = SystemRandomNumberGenerator()
                let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
                try db.execute(sql: "INSERT INTO meta (name, value) VALUES (?, ?)", arguments: [name, Data(bytes)])
                return bytes
            }
        } catch {
            throw StoreError("cannot read the store's secret '\(name)': \(error)")
        }
    }

    /// Waits for the writer to commit what is queued, then stops it.
    public func close() {
        condition.lock()
        closed = true
        condition.signal()
        while committed < saved && failure == nil && writer != nil { condition.wait() }
        condition.unlock()
    }

    // MARK: Writing

    private func writeLoop() {
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty && closed {
                writer = nil
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = pending
            pending = []
            condition.unlock()

            var writeFailure: StoreError?
            do {
                try database.write { db in
                    for change in batch { try Self.apply(change, db) }
                }
            } catch {
                writeFailure = StoreError("cannot write to the store '\(path)': \(error)")
            }

            condition.lock()
            committed += batch.count
            if let writeFailure, failure == nil { failure = writeFailure }
            let ready = waiters.filter { $0.upTo <= committed || failure != nil }
            waiters.removeAll { $0.upTo <= committed || failure != nil }
            let failed = failure
            condition.broadcast()
            condition.unlock()
            for waiter in ready {
                if let failed { waiter.continuation.resume(throwing: failed) } else { waiter.continuation.resume() }
            }
        }
    }

    private static func apply(_ change: StoreChange, _ db: Database) throws {
        switch change {
        case .putMachine(let machine):
            try upsert(db, "machines", machine.arn, machine.json)
        case .deleteMachine(let arn):
            try db.cachedStatement(sql: "DELETE FROM machines WHERE arn = ?").execute(arguments: [arn])
            try db.cachedStatement(sql: "DELETE FROM versions WHERE machine_arn = ?").execute(arguments: [arn])
            try db.cachedStatement(sql: "DELETE FROM aliases WHERE machine_arn = ?").execute(arguments: [arn])
            try db.cachedStatement(sql: "DELETE FROM tags WHERE resource_arn = ?").execute(arguments: [arn])
        case .putVersion(let version):
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO versions (arn, machine_arn, record) VALUES (?, ?, ?)")
                .execute(arguments: [version.arn, version.machineArn, version.json.compactText])
        case .deleteVersion(let arn):
            try db.cachedStatement(sql: "DELETE FROM versions WHERE arn = ?").execute(arguments: [arn])
        case .putAlias(let alias):
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO aliases (arn, machine_arn, record) VALUES (?, ?, ?)")
                .execute(arguments: [alias.arn, alias.machineArn, alias.json.compactText])
        case .deleteAlias(let arn):
            try db.cachedStatement(sql: "DELETE FROM aliases WHERE arn = ?").execute(arguments: [arn])
        case .putTags(let resource, let tags):
            try db.cachedStatement(sql: "DELETE FROM tags WHERE resource_arn = ?").execute(arguments: [resource])
            let insert = try db.cachedStatement(sql: "INSERT INTO tags (resource_arn, position, key, value) VALUES (?, ?, ?, ?)")
            for (position, tag) in tags.enumerated() { try insert.execute(arguments: [resource, position, tag.key, tag.value]) }
        case .putActivity(let activity):
            try upsert(db, "activities", activity.arn, activity.json)
        case .deleteActivity(let arn):
            try db.cachedStatement(sql: "DELETE FROM activities WHERE arn = ?").execute(arguments: [arn])
            try db.cachedStatement(sql: "DELETE FROM tags WHERE resource_arn = ?").execute(arguments: [arn])
        case .putExecution(let execution):
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO executions (arn, sequence, record) VALUES (?, ?, ?)")
                .execute(arguments: [execution.arn, execution.sequence, execution.json.compactText])
        case .appendEvent(let execution, let event):
            try db.cachedStatement(
                sql:
                    "INSERT OR REPLACE INTO events (execution_arn, id, previous, timestamp, type, details_key, details) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [
                execution, event.id, event.previousEventId, event.timestamp, event.type, event.detailsKey, event.details?.compactText,
            ])
        case .putCallback(let token, let outcome, let date):
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO callbacks (token, outcome, date) VALUES (?, ?, ?)")
                .execute(arguments: [token, outcome, date])
        case .forgetExecutions(let arns):
            let executions = try db.cachedStatement(sql: "DELETE FROM executions WHERE arn = ?")
            let events = try db.cachedStatement(sql: "DELETE FROM events WHERE execution_arn = ?")
            for arn in arns {
                try executions.execute(arguments: [arn])
                try events.execute(arguments: [arn])
            }
        case .forgetCallbacks(let before):
            try db.cachedStatement(sql: "DELETE FROM callbacks WHERE date < ?").execute(arguments: [before])
        case .requestStop, .heartbeat, .offerActivityTask, .activityStarted:
            // Messages between cluster nodes: one process runs every execution it stores.
            break
        }
    }

    private static func upsert(_ db: Database, _ table: String, _ arn: String, _ record: JSON) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO \(table) (arn, record) VALUES (?, ?)").execute(arguments: [
            arn, record.compactText,
        ])
    }
}
