import Foundation
import SFNJSON
import SFNLanguage

extension Interpreter {
    /// A DISTRIBUTED Map: a Map Run whose iterations are child executions. The parent's history
    /// shows the Map Run (MapRunStarted, then MapRunSucceeded or MapRunFailed), never the
    /// iterations' states: each child execution counts its own events, under its own 25,000-event
    /// limit. Child failures count against the tolerated failure threshold (none by default, as
    /// AWS documents), and exceeding it fails the Map with `States.ExceedToleratedFailureThreshold`.
    ///
    /// Items stream: an ItemReader's object is read as children become free for its items, and
    /// with a ResultWriter each child's result goes to a result file as it ends, so memory stays
    /// bounded by the concurrency, not by the item count. Children that never wait (no task, no
    /// Wait) run in chunks on every core.
    func runMapRun(
        _ entry: StateEntry, _ plan: MapState, processor: MachinePlan, inputs: [JSON]?, tolerance: FailureTolerance?,
        maxConcurrency: Int, effective: JSON, context: JSON, path: inout PathContext
    ) async throws(StatesError) -> StepOutcome {
        let configuration = run.configuration
        // What the ItemReader reads, evaluated before the Map Run starts.
        var reading: ItemReading?
        var batcher: MapBatcher?
        if let reader = plan.reader {
            reading = try itemReading(reader, entry, effective: effective, context: context, path: path)
            batcher = try mapBatcher(entry, plan, effective: effective, context: context, path: path)
        }
        var mapRunArn = ARN.mapRun(
            machine: run.stateMachineName, label: plan.label ?? UUIDs.make(configuration.random), id: UUIDs.make(configuration.random),
            region: configuration.region, account: configuration.accountId)
        let startedId = history.record(
            "MapRunStarted", previous: path.previousEventId, at: path.timeline.now, detailsKey: "mapRunStartedEventDetails",
            details: history.wantsDetails ? ["mapRunArn": .string(mapRunArn.description)] : nil)
        path.previousEventId = startedId
        if let recorded = history.recordedEvent(startedId), case .string(let text)? = recorded.details?["mapRunArn"],
            let arn = ARN(parsing: text)
        {
            // Resumed: the Map Run keeps its ARN.
            mapRunArn = arn
        }
        let report = run.mapRuns.begin(
            MapRunReport(
                arn: mapRunArn.description, executionArn: run.executionArn, stateMachineArn: run.stateMachineArn,
                startDate: path.timeline.now, maxConcurrency: maxConcurrency,
                toleratedFailureCount: tolerance?.count ?? 0, toleratedFailurePercentage: tolerance?.percentage ?? 0,
                itemCount: inputs?.count ?? 0))
        let label = plan.label ?? entry.state.name
        let shape = ResultShape(plan.writer)
        var run = MapRunProgress(
            interpreter: self, entry: entry, plan: plan, processor: processor, mapRunArn: mapRunArn, label: label,
            tolerance: tolerance ?? .none, shape: shape, report: report, base: path, effective: effective)

        var readerFailure: StatesError?
        do throws(StatesError) {
            let feed: ItemFeed
            if let reading {
                guard let store = configuration.objects else {
                    throw StatesError.itemReaderFailure(
                        "No S3 store is configured for ItemReader: give sfn a folder standing for S3 (--s3 DIR) or set RuntimeConfiguration.objects."
                    )
                }
                feed = try await ItemFeed.open(reading, store: store)
            } else {
                feed = ItemFeed(items: inputs ?? [])
            }
            if plan.writer?.resource != nil { run.spool = try ResultSpool(jsonLines: shape.jsonLines) }
            readerFailure = await run.run(feed, selecting: reading != nil, batcher: batcher, pure: processor.isPurelyComputational)
        } catch {
            readerFailure = error
        }
        path.timeline.join([run.latest])
        // Stopping or timing out the parent ends its children: that is the parent's end, not a
        // failed item.
        if self.run.aborted || self.run.timedOut {
            report.update { $0.end(.aborted, at: path.timeline.now) }
            throw run.firstFailure ?? StatesError.runtime("The execution ended while its Map Run ran")
        }
        var written: JSON?
        if let writer = plan.writer, writer.resource != nil, let spool = run.spool {
            written = try await writeResults(
                writer, entry, spool: spool, mapRunArn: mapRunArn, effective: effective, context: context, path: path)
        }
        // UpdateMapRun may have changed the tolerance while the items ran.
        let total = report.snapshot.items.total
        var failure = readerFailure
        if failure == nil, run.failures > 0, report.tolerance.isExceeded(failures: run.failures, total: total) {
            failure = StatesError.toleratedFailureThresholdExceeded
        }
        if let failure {
            report.update { $0.end(.failed, at: path.timeline.now) }
            let failedId = history.record(
                "MapRunFailed", previous: startedId, at: path.timeline.now, detailsKey: "mapRunFailedEventDetails",
                details: history.wantsDetails ? ["error": .string(failure.error), "cause": .string(failure.cause ?? "")] : nil)
            path.pendingStateFailed = ("MapStateFailed", failedId)
            throw failure
        }
        report.update { $0.end(.succeeded, at: path.timeline.now) }
        let succeededId = history.record("MapRunSucceeded", previous: startedId, at: path.timeline.now)
        history.record("MapStateSucceeded", previous: succeededId, at: path.timeline.now)
        path.previousEventId = succeededId
        path.spelled = nil
        return try finish(entry, result: written ?? shape.output(run.results), context: context, path: &path)
    }

    /// The state machine a child execution runs: `...:stateMachine:MACHINE/LABEL`.
    func childMachineArn(_ mapRunArn: ARN, label: String) -> String {
        "arn:\(mapRunArn.partition):states:\(run.configuration.region):\(run.configuration.accountId):stateMachine:\(run.stateMachineName)/\(label)"
    }

    /// A child execution's ARN: `...:execution:MACHINE/LABEL:NAME`.
    func childArn(_ mapRunArn: ARN, label: String, name: String) -> String {
        "arn:\(mapRunArn.partition):states:\(run.configuration.region):\(run.configuration.accountId):execution:\(run.stateMachineName)/\(label):\(name)"
    }

    /// ResultWriter: `PREFIX/MAP_RUN_ID/manifest.json` and `SUCCEEDED_0.json` / `FAILED_0.json`,
    /// as AWS's ResultWriter page lays them out; the Map's result names the manifest.
    func writeResults(
        _ writer: ResultWriter, _ entry: StateEntry, spool: ResultSpool, mapRunArn: ARN, effective: JSON, context: JSON,
        path: PathContext
    ) async throws(StatesError) -> JSON {
        let arguments = try s3Arguments(writer.arguments, entry, effective: effective, context: context, path: path)
        guard let store = run.configuration.objects else {
            throw StatesError(
                .resultWriterFailed,
                cause:
                    "No S3 store is configured for ResultWriter: give sfn a folder standing for S3 (--s3 DIR) or set RuntimeConfiguration.objects."
            )
        }
        guard let bucket = arguments["Bucket"]?.stringValue else {
            throw StatesError(.resultWriterFailed, cause: "The ResultWriter's arguments name no Bucket: \(arguments.compactText)")
        }
        let prefix = arguments["Prefix"]?.stringValue ?? ""
        let runId = mapRunArn.resourceParts.last.map(String.init) ?? UUIDs.make(run.configuration.random)
        let folder = (prefix.isEmpty ? "" : prefix.hasSuffix("/") ? prefix : prefix + "/") + runId + "/"
        var files: JSONObject = ["FAILED": [], "PENDING": [], "SUCCEEDED": []]
        for file in try spool.finish() {
            let key = folder + "\(file.status)_0.json"
            try await store.put(bucket: bucket, key: key, file: file.path)
            files[file.status] = [["Key": .string(key), "Size": .int(file.size)]]
        }
        let manifest: JSON = [
            "DestinationBucket": .string(bucket), "MapRunArn": .string(mapRunArn.description), "ResultFiles": .object(files),
        ]
        let manifestKey = folder + "manifest.json"
        try await store.put(bucket: bucket, key: manifestKey, Array(manifest.compactText.utf8))
        return [
            "MapRunArn": .string(mapRunArn.description), "ResultWriterDetails": ["Bucket": .string(bucket), "Key": .string(manifestKey)],
        ]
    }
}

/// How a Map Run's results are shaped (ResultWriter's WriterConfig): in result files, NONE (the
/// default there) gives each child's execution details with its output, COMPACT the outputs,
/// FLATTEN the outputs with arrays spliced; failed children keep their details. In the state's
/// output (no Resource), COMPACT is the default.
struct ResultShape: Sendable {
    enum Transformation: String, Sendable { case none = "NONE", compact = "COMPACT", flatten = "FLATTEN" }
    var transformation: Transformation
    var jsonLines: Bool
    var toFiles: Bool

    init(_ writer: ResultWriter?) {
        toFiles = writer?.resource != nil
        transformation = writer?.transformation.flatMap(Transformation.init(rawValue:)) ?? (toFiles ? .none : .compact)
        jsonLines = writer?.outputType == "JSONL"
    }

    /// The state's output from the results in item order.
    func output(_ results: [JSON]) -> JSON {
        guard transformation == .flatten else { return .array(results) }
        var flat: [JSON] = []
        flat.reserveCapacity(results.count)
        for result in results {
            if case .array(let elements) = result { flat.append(contentsOf: elements) } else { flat.append(result) }
        }
        return .array(flat)
    }
}

/// One ended child execution of a Map Run, as its chunk reports it.
struct ChildOutcome: Sendable {
    var index: Int
    var child: MapRunChild
    var timeline: Timeline
    /// The state output's entry (no ResultWriter Resource), or nil.
    var result: JSON?
    /// The result file's entries (with a Resource): status and element texts.
    var pieces: (status: String, texts: [String])?
}

/// A Map Run under way: it hands items to children, at most `slots` chunks at a time, and takes
/// their outcomes in (counts, results, result files, the report) on its own task.
struct MapRunProgress {
    let interpreter: Interpreter
    let entry: StateEntry
    let plan: MapState
    let processor: MachinePlan
    let mapRunArn: ARN
    let label: String
    let tolerance: FailureTolerance
    let shape: ResultShape
    let report: MapRunBook.Entry
    let base: PathContext
    let effective: JSON

    var spool: ResultSpool?
    var results: [JSON] = []
    var failures = 0
    var firstFailure: StatesError?
    var latest: Timeline
    private var stopping = false
    private var spoolFailure: StatesError?

    /// AWS runs at most 10,000 child executions of a Distributed Map at once.
    static let concurrencyCap = 10_000
    /// How many ended children the report keeps (ListExecutions by mapRunArn, DescribeExecution).
    static let keptChildren = 1_000
    /// Items a chunk of never-waiting children runs one after the other (an inline Map's
    /// spread iterations too, see `Interpreter.runSpread`).
    static let pureChunk = 64

    init(
        interpreter: Interpreter, entry: StateEntry, plan: MapState, processor: MachinePlan, mapRunArn: ARN, label: String,
        tolerance: FailureTolerance, shape: ResultShape, report: MapRunBook.Entry, base: PathContext, effective: JSON
    ) {
        self.interpreter = interpreter
        self.entry = entry
        self.plan = plan
        self.processor = processor
        self.mapRunArn = mapRunArn
        self.label = label
        self.tolerance = tolerance
        self.shape = shape
        self.report = report
        self.base = base
        self.effective = effective
        latest = base.timeline
    }

    /// Runs every item; returns the reader's failure, if reading failed.
    mutating func run(_ feed: ItemFeed, selecting: Bool, batcher: MapBatcher?, pure: Bool) async -> StatesError? {
        // UpdateMapRun may change MaxConcurrency while the Map Run runs.
        let report = report
        let cores = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
        func slots() -> Int {
            let configured = report.maxConcurrency
            let limit = configured > 0 ? min(configured, Self.concurrencyCap) : Self.concurrencyCap
            return pure ? min(limit, cores) : limit
        }
        // Children that never wait gain nothing from more tasks than cores: chunks of them
        // keep every core busy without a task per item.
        let chunkSize = pure ? Self.pureChunk : 1
        var batcher = batcher
        var readerFailure: StatesError?
        var exhausted = false
        var nextIndex = 0
        let source = feed
        let counted = !selecting  // items in hand are counted from the start
        // Reads the next child input: an item (with ItemSelector for read items) or a batch.
        func nextInput() async throws(StatesError) -> JSON? {
            while true {
                guard let item = try await source.next() else {
                    return batcher?.close()
                }
                guard var current = batcher else {
                    return selecting
                        ? try interpreter.selectItem(entry, plan, index: source.count - 1, item: item, effective: effective, path: base)
                        : item
                }
                let closed = try current.add(item, entry: entry, interpreter: interpreter)
                batcher = current
                if let closed { return closed }
            }
        }
        await withTaskGroup(of: [ChildOutcome].self) { group in
            var inFlight = 0
            while true {
                // A stopped or timed-out execution starts no more children.
                while !exhausted && !stopping && inFlight < slots() && !interpreter.run.aborted && !interpreter.run.timedOut {
                    var chunk: [(Int, JSON)] = []
                    do throws(StatesError) {
                        while chunk.count < chunkSize, let input = try await nextInput() {
                            chunk.append((nextIndex, input))
                            nextIndex += 1
                        }
                    } catch {
                        readerFailure = error
                        stopping = true
                        group.cancelAll()
                    }
                    if chunk.count < chunkSize { exhausted = true }
                    if !counted { report.update { $0.itemsRead(chunk.count) } }
                    guard !chunk.isEmpty, readerFailure == nil else { break }
                    report.update { $0.itemsStarted(chunk.count) }
                    let work = self.chunkWork(chunk)
                    group.addTask(operation: work)
                    inFlight += 1
                }
                guard inFlight > 0, let outcomes = await group.next() else { break }
                inFlight -= 1
                take(outcomes, group: &group)
            }
        }
        return readerFailure ?? spoolFailure
    }

    /// The work of one chunk: its children one after the other.
    private func chunkWork(_ chunk: [(Int, JSON)]) -> @Sendable () async -> [ChildOutcome] {
        let interpreter = interpreter
        let processor = processor
        let base = base
        let shape = shape
        let arn = mapRunArn
        let label = label
        return {
            var outcomes: [ChildOutcome] = []
            outcomes.reserveCapacity(chunk.count)
            for (index, input) in chunk {
                outcomes.append(
                    await interpreter.runChild(
                        index: index, input: input, processor: processor, base: base, shape: shape, mapRunArn: arn, label: label))
            }
            return outcomes
        }
    }

    private mutating func take(_ outcomes: [ChildOutcome], group: inout TaskGroup<[ChildOutcome]>) {
        for outcome in outcomes {
            latest.join([outcome.timeline])
            let result = outcome.child.result
            if stopping, case .failure = result {
                // Cancelled with the Map Run: aborted, not failed.
                report.update { $0.itemAborted() }
                continue
            }
            report.update { report in
                report.itemEnded(result)
                report.keep(outcome.child, limit: Self.keptChildren)
            }
            if case .failure(let error) = result {
                failures += 1
                if firstFailure == nil { firstFailure = error }
            }
            if let spool, let pieces = outcome.pieces, spoolFailure == nil {
                do throws(StatesError) {
                    try spool.append(pieces.status, pieces.texts)
                } catch {
                    spoolFailure = error
                }
            }
            if let value = outcome.result {
                while results.count <= outcome.index { results.append(.null) }
                results[outcome.index] = value
            }
            // Once the threshold is passed whatever the total, no further child starts.
            if failures > 0, !stopping, report.tolerance.isExceeded(failures: failures, total: Int.max) || spoolFailure != nil {
                stopping = true
                group.cancelAll()
            }
        }
    }
}

extension Interpreter {
    /// One child execution: its events go to a history of its own, which starts at id 1.
    func runChild(
        index: Int, input: JSON, processor: MachinePlan, base: PathContext, shape: ResultShape, mapRunArn: ARN, label: String
    ) async -> ChildOutcome {
        var childPath = base.branch()
        let start = childPath.timeline.now
        let name = UUIDs.make(run.configuration.random)
        let arn = childArn(mapRunArn, label: label, name: name)
        // Its own $$.Execution and $$.StateMachine (MACHINE/LABEL), as AWS gives a child execution.
        let machineName = "\(run.stateMachineName)/\(label)"
        let identity = ChildIdentity(
            executionArn: arn, name: name, input: input, startTime: start, roleArn: run.configuration.roleArn,
            machineArn: childMachineArn(mapRunArn, label: label), machineName: machineName)
        // The first children keep their histories (GetExecutionHistory on their ARNs), when the
        // execution keeps its own; the rest only count their events.
        let keeps = index < MapRunProgress.keptChildren && run.history.keepsEvents
        let child = Interpreter(run: run, history: HistoryRecorder(keepsEvents: keeps), identity: identity, spreads: false)
        childPath.previousEventId = child.history.record(
            "ExecutionStarted", previous: 0, at: start, detailsKey: "executionStartedEventDetails",
            details: keeps
                ? [
                    "input": .string(input.compactText), "inputDetails": HistoryPayload.notTruncated,
                    "roleArn": .string(run.configuration.roleArn),
                ] : nil)
        let result: Result<JSON, StatesError>
        do throws(StatesError) {
            result = .success(try await child.execute(processor, input: input, path: &childPath))
        } catch {
            result = .failure(error)
        }
        var ended = MapRunChild(name: name, arn: arn, input: input, start: start, stop: childPath.timeline.now, result: result)
        if keeps {
            let last = child.history.eventCount
            switch result {
            case .success(let output):
                child.history.record(
                    "ExecutionSucceeded", previous: last, at: ended.stop, detailsKey: "executionSucceededEventDetails",
                    details: ["output": .string(output.compactText), "outputDetails": HistoryPayload.notTruncated])
            case .failure(let error):
                child.history.record(
                    "ExecutionFailed", previous: last, at: ended.stop, detailsKey: "executionFailedEventDetails",
                    details: error.historyDetailsOmittingEmpty)
            }
            ended.events = child.history.snapshot
        }
        var outcome = ChildOutcome(index: index, child: ended, timeline: childPath.timeline)
        if shape.toFiles {
            outcome.pieces = resultPieces(ended, shape: shape, mapRunArn: mapRunArn, label: label)
        } else {
            switch result {
            case .success(let output):
                outcome.result = shape.transformation == .none ? resultEntry(ended, mapRunArn: mapRunArn, label: label) : output
            case .failure(let error): outcome.result = error.errorOutput
            }
        }
        return outcome
    }

    /// A child's entries in a result file.
    func resultPieces(_ child: MapRunChild, shape: ResultShape, mapRunArn: ARN, label: String) -> (status: String, texts: [String]) {
        switch child.result {
        case .success(let output):
            switch shape.transformation {
            case .none: return ("SUCCEEDED", [resultEntry(child, mapRunArn: mapRunArn, label: label).compactText])
            case .compact: return ("SUCCEEDED", [output.compactText])
            case .flatten:
                if case .array(let elements) = output { return ("SUCCEEDED", elements.map(\.compactText)) }
                return ("SUCCEEDED", [output.compactText])
            }
        case .failure:
            return ("FAILED", [resultEntry(child, mapRunArn: mapRunArn, label: label).compactText])
        }
    }

    /// A child execution as ResultWriter's NONE shape gives it: its ARN, input, output or error
    /// and dates.
    func resultEntry(_ child: MapRunChild, mapRunArn: ARN, label: String) -> JSON {
        var entry: JSONObject = [
            "ExecutionArn": .string(child.arn), "Input": .string(child.input.compactText), "InputDetails": ["Included": true],
            "Name": .string(child.name), "StartDate": .string(Timestamps.iso8601(child.start)),
            "StateMachineArn": .string(childMachineArn(mapRunArn, label: label)), "StopDate": .string(Timestamps.iso8601(child.stop)),
        ]
        switch child.result {
        case .success(let output):
            entry["Output"] = .string(output.compactText)
            entry["OutputDetails"] = ["Included": true]
            entry["Status"] = "SUCCEEDED"
        case .failure(let error):
            entry["Error"] = .string(error.error)
            if let cause = error.cause { entry["Cause"] = .string(cause) }
            entry["Status"] = error.name == .timeout ? "TIMED_OUT" : "FAILED"
        }
        return .object(entry)
    }
}

/// What DescribeMapRun shows of a Map Run: its settings and how its items stand.
public struct MapRunReport: Sendable, Equatable {
    /// How a Map Run stands.
    public enum Status: String, Sendable {
        case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", aborted = "ABORTED"
    }

    /// Its child executions that have ended, in the order they ended: the first thousand, with
    /// failed ones taking the place of succeeded ones after that (the counts cover them all).
    public var children: [MapRunChild] = []

    /// Items (each is one child execution) in each condition.
    public struct Counts: Sendable, Equatable {
        /// Not started yet.
        public var pending = 0
        /// Running now.
        public var running = 0
        /// Ended: succeeded.
        public var succeeded = 0
        /// Ended: failed.
        public var failed = 0
        /// Ended: timed out.
        public var timedOut = 0
        /// Ended with the Map Run (stopped or timed out with its execution).
        public var aborted = 0
        /// All items.
        public var total = 0
    }

    /// `arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:ID`.
    public var arn: String
    /// The execution whose Map state started it.
    public var executionArn: String
    /// That execution's state machine.
    public var stateMachineArn: String
    /// RUNNING until it ends.
    public var status: Status = .running
    /// When it started.
    public var startDate: EpochMilliseconds
    /// When it ended, once it has.
    public var stopDate: EpochMilliseconds?
    /// Its MaxConcurrency (0: no limit); UpdateMapRun may change it.
    public var maxConcurrency: Int
    /// How many failed items it tolerates (0 with no percentage: none).
    public var toleratedFailureCount: Int
    /// What percentage of failed items it tolerates.
    public var toleratedFailurePercentage: Double
    /// Its items.
    public var items: Counts

    init(
        arn: String, executionArn: String, stateMachineArn: String, startDate: EpochMilliseconds, maxConcurrency: Int,
        toleratedFailureCount: Int, toleratedFailurePercentage: Double, itemCount: Int
    ) {
        self.arn = arn
        self.executionArn = executionArn
        self.stateMachineArn = stateMachineArn
        self.startDate = startDate
        self.maxConcurrency = maxConcurrency
        self.toleratedFailureCount = toleratedFailureCount
        self.toleratedFailurePercentage = toleratedFailurePercentage
        items = Counts(pending: itemCount, total: itemCount)
    }

    var tolerance: FailureTolerance {
        FailureTolerance(
            count: toleratedFailureCount > 0 || toleratedFailurePercentage == 0 ? toleratedFailureCount : nil,
            percentage: toleratedFailurePercentage > 0 ? toleratedFailurePercentage : nil)
    }

    /// Items read (an ItemReader counts them as it reads).
    mutating func itemsRead(_ count: Int) {
        items.pending += count
        items.total += count
    }

    mutating func itemsStarted(_ count: Int) {
        items.pending -= count
        items.running += count
    }

    /// A child cancelled when its Map Run stopped.
    mutating func itemAborted() {
        items.running -= 1
        items.aborted += 1
    }

    /// Keeps an ended child for ListExecutions and DescribeExecution: the first `limit`, and
    /// then failed ones in place of succeeded ones.
    mutating func keep(_ child: MapRunChild, limit: Int) {
        if children.count < limit {
            children.append(child)
        } else if case .failure = child.result, let succeeded = children.firstIndex(where: { $0.status == .succeeded }) {
            children.remove(at: succeeded)
            children.append(child)
        }
    }

    mutating func itemEnded(_ result: Result<JSON, StatesError>) {
        items.running -= 1
        switch result {
        case .success: items.succeeded += 1
        case .failure(let error) where error.name == .timeout: items.timedOut += 1
        case .failure: items.failed += 1
        }
    }

    mutating func end(_ status: Status, at date: EpochMilliseconds) {
        self.status = status
        stopDate = date
        if status == .aborted {
            items.aborted += items.running + items.pending
            items.running = 0
            items.pending = 0
        }
    }
}

/// One child execution of a Map Run, as ListExecutions and DescribeExecution show it.
public struct MapRunChild: Sendable, Equatable {
    /// Its name (a UUID).
    public var name: String
    /// `arn:aws:states:REGION:ACCOUNT:execution:MACHINE/LABEL:NAME`.
    public var arn: String
    /// Its input (the item, or its batch).
    public var input: JSON
    /// When it started.
    public var start: EpochMilliseconds
    /// When it ended.
    public var stop: EpochMilliseconds
    /// Its output or its failure.
    public var result: Result<JSON, StatesError>
    /// Its history, for the first thousand children of a Map Run whose execution keeps its
    /// history (empty otherwise).
    public var events: [HistoryEvent] = []

    /// SUCCEEDED, FAILED or TIMED_OUT.
    public var status: ExecutionStatus {
        switch result {
        case .success: .succeeded
        case .failure(let error) where error.name == .timeout: .timedOut
        case .failure: .failed
        }
    }
}

/// An execution's Map Runs, in the order they started.
final class MapRunBook: Sendable {
    final class Entry: Sendable {
        private let report: Locked<MapRunReport>
        init(_ report: MapRunReport) { self.report = Locked(report) }
        func update(_ change: (inout MapRunReport) -> Void) { report.withLock { change(&$0) } }
        var snapshot: MapRunReport { report.withLock { $0 } }
        /// MaxConcurrency now (UpdateMapRun may change it).
        var maxConcurrency: Int { report.withLock { $0.maxConcurrency } }
        /// The tolerance now (UpdateMapRun may change it), without copying the report.
        var tolerance: FailureTolerance { report.withLock { $0.tolerance } }
    }

    private let entries = Locked<[Entry]>([])

    func begin(_ report: MapRunReport) -> Entry {
        let entry = Entry(report)
        entries.withLock { $0.append(entry) }
        return entry
    }

    var reports: [MapRunReport] { entries.withLock { $0 }.map(\.snapshot) }

    /// UpdateMapRun: false when the execution has no such Map Run.
    func update(_ arn: String, _ change: (inout MapRunReport) -> Void) -> Bool {
        guard let entry = entries.withLock({ $0 }).first(where: { $0.snapshot.arn == arn }) else { return false }
        entry.update(change)
        return true
    }
}
