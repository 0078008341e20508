import SFNRuntime

/// Where `sfn serve` keeps what must outlive it: state machines, versions, aliases, tags,
/// activities, executions with their histories, and task-token callbacks. The service works on
/// its records in memory and hands every change to the store in order; it answers a request
/// that changed something only once ``commit()`` says the change is durable.
///
/// A backend (SQLite in `SFNStoreSQLite`; PostgreSQL may follow) writes changes in batches: many
/// requests share one transaction, so durability costs little per request.
public protocol ServiceStore: AnyObject, Sendable {
    /// Everything stored, read once when the service starts.
    func load() throws(StoreError) -> StoredState
    /// Queues changes, to be written in the order given (after those queued before).
    func save(_ changes: [StoreChange])
    /// Returns once every change saved before the call is durable.
    func commit() async throws(StoreError)
    /// A secret of the store's (created on first use and kept): task tokens and page tokens are
    /// derived from these, so both outlive a restart.
    func secret(named name: String) throws(StoreError) -> [UInt8]
    /// Writes what is queued and closes.
    func close()
}

/// A store that cannot do its work: the folder cannot be opened, a write failed.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the store's file.
    public var message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// One revision of a state machine's definition and role.
public struct StoredRevision: Sendable, Equatable {
    /// The definition as the client sent it.
    public var definitionText: String
    /// The execution role.
    public var roleArn: String
    /// DescribeStateMachine's revisionId.
    public var revisionId: String
    /// When this revision was made.
    public var updateDate: EpochMilliseconds

    /// A revision.
    public init(definitionText: String, roleArn: String, revisionId: String, updateDate: EpochMilliseconds) {
        self.definitionText = definitionText
        self.roleArn = roleArn
        self.revisionId = revisionId
        self.updateDate = updateDate
    }
}

/// A state machine.
public struct StoredMachine: Sendable, Equatable {
    /// Its ARN and name.
    public var arn: String
    /// Its name.
    public var name: String
    /// STANDARD or EXPRESS.
    public var type: String
    /// Its current revision.
    public var revision: StoredRevision
    /// loggingConfiguration and tracingConfiguration as JSON text.
    public var logging: String
    /// tracingConfiguration as JSON text.
    public var tracing: String
    /// When it was created.
    public var creationDate: EpochMilliseconds
    /// Its place in listing order.
    public var sequence: Int
    /// The number its next published version gets.
    public var nextVersion: Int

    /// A state machine.
    public init(
        arn: String, name: String, type: String, revision: StoredRevision, logging: String, tracing: String,
        creationDate: EpochMilliseconds, sequence: Int, nextVersion: Int
    ) {
        self.arn = arn
        self.name = name
        self.type = type
        self.revision = revision
        self.logging = logging
        self.tracing = tracing
        self.creationDate = creationDate
        self.sequence = sequence
        self.nextVersion = nextVersion
    }
}

/// A published version.
public struct StoredVersion: Sendable, Equatable {
    /// `MACHINE_ARN:NUMBER`.
    public var arn: String
    /// The state machine's ARN.
    public var machineArn: String
    /// Its number.
    public var number: Int
    /// The revision it froze.
    public var revision: StoredRevision
    /// Its description.
    public var description: String?
    /// When it was published.
    public var creationDate: EpochMilliseconds

    /// A version.
    public init(
        arn: String, machineArn: String, number: Int, revision: StoredRevision, description: String?, creationDate: EpochMilliseconds
    ) {
        self.arn = arn
        self.machineArn = machineArn
        self.number = number
        self.revision = revision
        self.description = description
        self.creationDate = creationDate
    }
}

/// An alias.
public struct StoredAlias: Sendable, Equatable {
    /// `MACHINE_ARN:NAME`.
    public var arn: String
    /// The state machine's ARN.
    public var machineArn: String
    /// Its name.
    public var name: String
    /// Its description.
    public var description: String?
    /// Its routing configuration as JSON text.
    public var routing: String
    /// When it was created.
    public var creationDate: EpochMilliseconds
    /// When it was last updated.
    public var updateDate: EpochMilliseconds
    /// Its place in listing order.
    public var sequence: Int

    /// An alias.
    public init(
        arn: String, machineArn: String, name: String, description: String?, routing: String, creationDate: EpochMilliseconds,
        updateDate: EpochMilliseconds, sequence: Int
    ) {
        self.arn = arn
        self.machineArn = machineArn
        self.name = name
        self.description = description
        self.routing = routing
        self.creationDate = creationDate
        self.updateDate = updateDate
        self.sequence = sequence
    }
}

/// An activity.
public struct StoredActivity: Sendable, Equatable {
    /// Its ARN.
    public var arn: String
    /// Its name.
    public var name: String
    /// When it was created.
    public var creationDate: EpochMilliseconds
    /// Its place in listing order.
    public var sequence: Int

    /// An activity.
    public init(arn: String, name: String, creationDate: EpochMilliseconds, sequence: Int) {
        self.arn = arn
        self.name = name
        self.creationDate = creationDate
        self.sequence = sequence
    }
}

/// What an execution is, apart from its history (its status, output and redrives are read
/// from its history's events).
public struct StoredExecution: Sendable, Equatable {
    /// Its ARN.
    public var arn: String
    /// Its name.
    public var name: String
    /// The state machine, as it was when the execution started.
    public var machine: StoredMachine
    /// The revision it runs.
    public var revision: StoredRevision
    /// Its input as the caller spelled it.
    public var inputText: String
    /// When it started.
    public var startDate: EpochMilliseconds
    /// The version and alias it was started through.
    public var versionArn: String?
    /// The alias it was started through.
    public var aliasArn: String?
    /// Its place in listing order.
    public var sequence: Int
    /// The clientToken of its last redrive.
    public var redriveToken: String?
    /// The mock test case it runs with.
    public var testCase: String?

    /// An execution.
    public init(
        arn: String, name: String, machine: StoredMachine, revision: StoredRevision, inputText: String, startDate: EpochMilliseconds,
        versionArn: String?, aliasArn: String?, sequence: Int, redriveToken: String?, testCase: String? = nil
    ) {
        self.testCase = testCase
        self.arn = arn
        self.name = name
        self.machine = machine
        self.revision = revision
        self.inputText = inputText
        self.startDate = startDate
        self.versionArn = versionArn
        self.aliasArn = aliasArn
        self.sequence = sequence
        self.redriveToken = redriveToken
    }
}

/// Everything a store holds.
public struct StoredState: Sendable {
    /// State machines, versions, aliases and activities, in listing order.
    public var machines: [StoredMachine] = []
    /// Versions, oldest first.
    public var versions: [StoredVersion] = []
    /// Aliases.
    public var aliases: [StoredAlias] = []
    /// Tags by resource ARN, in the order they were set.
    public var tags: [String: [(key: String, value: String)]] = [:]
    /// Activities.
    public var activities: [StoredActivity] = []
    /// Executions, oldest first, each with its history.
    public var executions: [(execution: StoredExecution, events: [HistoryEvent])] = []
    /// Task-token callbacks received (the token and the outcome as JSON text:
    /// `{"output": ...}` or `{"error": ..., "cause": ...}`), for tokens whose task may not yet
    /// have recorded them.
    public var callbacks: [(token: String, outcome: String)] = []

    /// An empty state.
    public init() {}
}

/// One change to the stored state.
public enum StoreChange: Sendable {
    /// Creates or replaces a state machine.
    case putMachine(StoredMachine)
    /// Deletes the machine with its versions, aliases and tags (not its executions).
    case deleteMachine(String)
    /// Creates a version.
    case putVersion(StoredVersion)
    /// Deletes a version.
    case deleteVersion(String)
    /// Creates or replaces an alias.
    case putAlias(StoredAlias)
    /// Deletes an alias.
    case deleteAlias(String)
    /// Replaces a resource's tags.
    case putTags(resource: String, tags: [(key: String, value: String)])
    /// Creates an activity.
    case putActivity(StoredActivity)
    /// Deletes the activity and its tags.
    case deleteActivity(String)
    /// Creates or replaces an execution's record.
    case putExecution(StoredExecution)
    /// Adds an event to an execution's history.
    case appendEvent(execution: String, event: HistoryEvent)
    /// A callback for a task token, kept until its execution has ended.
    case putCallback(token: String, outcome: String, date: EpochMilliseconds)
    /// Forgets executions (retention), with their histories.
    case forgetExecutions([String])
    /// Forgets the callbacks received before `date` (their executions have recorded them).
    case forgetCallbacks(before: EpochMilliseconds)
    /// StopExecution received by a node that does not run the execution: a message for the node
    /// that does (a single store, which runs everything itself, has nothing to keep).
    case requestStop(execution: String, error: String?, cause: String?)
    /// SendTaskHeartbeat received by a node that does not run the token's execution: a message
    /// for the node that does.
    case heartbeat(token: String)
    /// An activity task waiting for a worker, which GetActivityTask on any node may hand out.
    case offerActivityTask(activity: String, token: String, execution: String, input: String)
    /// A worker took an activity task from a node that does not run its execution (named
    /// `worker`): a message for the node that does, which records ActivityStarted.
    case activityStarted(activity: String, token: String, worker: String?)
}

/// A store that several `sfn serve` processes (nodes) share. Each node runs the executions it
/// owns and mirrors the rest from the changes the other nodes write; an owner holds a lease that
/// it renews, and a node whose lease has run out is fenced (the store refuses its writes) while
/// another takes over its executions. See `docs/cluster.md`.
public protocol ClusterStore: ServiceStore {
    /// This node's name in the cluster.
    var nodeId: String { get }
    /// The lease's generation now: it changes when the lease is lost.
    var generation: Int { get }
    /// Queues changes made under `generation` (nil: the current one); those made under an
    /// earlier one (by executions stopped when the lease was lost) are dropped.
    func save(_ changes: [StoreChange], generation: Int?)
    /// Whether this node runs `executionArn` (as of the last ``ServiceStore/load()`` or takeover).
    func owns(_ executionArn: String) -> Bool
    /// Starts renewing the lease, following the other nodes' changes and taking over the
    /// executions of nodes whose leases ran out, reporting to `member`.
    func join(_ member: any ClusterMember)
    /// Returns once this node has applied every change the other nodes had written when it was
    /// called (or after a short wait when the database does not answer).
    func catchUp() async
    /// Takes the oldest activity task offered for `activityArn` (by any node), if there is one:
    /// no other node can take it then.
    func claimActivityTask(_ activityArn: String) async throws(StoreError) -> (token: String, execution: String, input: String)?
    /// Offers a claimed task again (the node that claimed it could not hand it out).
    func offerAgain(_ activityArn: String, _ task: (token: String, execution: String, input: String)) async throws(StoreError)
    /// The node's view of the cluster, for its health and metrics endpoints.
    func status() -> ClusterStatus
}

/// What a cluster store tells the service of a node.
public protocol ClusterMember: AnyObject, Sendable {
    /// Changes other nodes wrote, in the order they were written.
    func applyRemote(_ changes: [StoreChange])
    /// Executions this node now owns (their previous owner's lease ran out): each carries on from
    /// its recorded history.
    func takeOver(_ executionArns: [String])
    /// This node's lease ran out (it could not renew it in time, or another node fenced it): it
    /// stops running its executions, whose further events the store drops.
    func leaseLost()
    /// The node joined again under a new lease: the service rebuilds its records from `state`.
    func rejoined(_ state: StoredState)
}

/// A node's view of its cluster.
public struct ClusterStatus: Sendable {
    /// The node's name.
    public var nodeId: String
    /// Its lease's fencing epoch.
    public var epoch: Int64
    /// Whether it holds its lease now (false while the database is unreachable or after it was
    /// fenced, until it joins again).
    public var holdsLease: Bool
    /// Whether the database answered the last time the node asked.
    public var databaseReachable: Bool
    /// The last error talking to the database since it last answered, if any.
    public var lastError: String?
    /// Nodes with a live lease, as last seen.
    public var liveNodes: Int
    /// Executions this node owns.
    public var ownedExecutions: Int
    /// Changes this node wrote.
    public var changesWritten: Int
    /// Changes read from other nodes.
    public var changesApplied: Int
    /// Executions taken over from nodes whose leases ran out.
    public var takeovers: Int
    /// Times this node lost its lease.
    public var leasesLost: Int
    /// Write batches refused because the lease was no longer held.
    public var fencedWrites: Int

    /// A status.
    public init(nodeId: String, epoch: Int64) {
        self.nodeId = nodeId
        self.epoch = epoch
        holdsLease = false
        databaseReachable = false
        liveNodes = 0
        ownedExecutions = 0
        changesWritten = 0
        changesApplied = 0
        takeovers = 0
        leasesLost = 0
        fencedWrites = 0
    }
}
