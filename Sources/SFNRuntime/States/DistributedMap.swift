import SFNJSON
import SFNLanguage

extension Interpreter {
    /// A DISTRIBUTED Map: a Map Run whose iterations are child executions. The parent's history
    /// shows the Map Run (MapRunStarted, then MapRunSucceeded or MapRunFailed), never the
    /// iterations' states: each child execution counts its own events, under its own 25,000-event
    /// limit. Child failures count against the tolerated failure threshold (none by default, as
    /// AWS documents), and exceeding it fails the Map with `States.ExceedToleratedFailureThreshold`.
    func runMapRun(
        _ entry: StateEntry, _ plan: MapState, processor: MachinePlan, inputs: [JSON], tolerance: FailureTolerance?,
        maxConcurrency: Int, effective: JSON, context: JSON, path: inout PathContext
    ) async throws(StatesError) -> StepOutcome {
        let configuration = run.configuration
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
                itemCount: inputs.count))
        let base = path
        // With a ResultWriter, each child's run is kept for the result files.
        // Each child execution's run: ListExecutions and DescribeExecution read them from the
        // Map Run report, a ResultWriter writes them.
        let children: ChildRuns? = ChildRuns()
        let runArn = mapRunArn
        let label = plan.label ?? entry.state.name
        let outcomes = await runConcurrently(
            count: inputs.count, maxConcurrency: maxConcurrency, inline: processor.isPurelyComputational,
            stopOnFailure: (tolerance ?? .none).allowsNoFailure
        ) { index in
            report.update { $0.itemStarted() }
            // A child execution: its events go to a history of its own, which starts at id 1.
            let child = Interpreter(run: self.run, history: HistoryRecorder(keepsEvents: false))
            var childPath = base.branch()
            let childStart = childPath.timeline.now
            childPath.previousEventId = child.history.record("ExecutionStarted", previous: 0, at: childPath.timeline.now)
            let result: Result<JSON, StatesError>
            do throws(StatesError) {
                result = .success(try await child.execute(processor, input: inputs[index], path: &childPath))
            } catch {
                result = .failure(error)
            }
            report.update { $0.itemEnded(result) }
            if let children {
                let run = ChildRun(name: UUIDs.make(configuration.random), start: childStart, stop: childPath.timeline.now, result: result)
                children.runs.withLock { $0[index] = run }
                report.update { report in
                    report.children.append(
                        MapRunChild(
                            name: run.name, arn: self.childArn(runArn, label: label, name: run.name), input: inputs[index],
                            start: run.start, stop: run.stop, result: result))
                }
            }
            return PathOutcome(result: result, timeline: childPath.timeline, lastEventId: startedId)
        }
        path.timeline.join(outcomes.map(\.timeline))
        var results: [JSON] = []
        results.reserveCapacity(inputs.count)
        var failures = 0
        for outcome in outcomes {
            switch outcome.result {
            case .success(let value):
                results.append(value)
            case .failure(let error):
                // Stopping or timing out the parent ends its children: that is the parent's end,
                // not a failed item.
                if run.aborted || run.timedOut {
                    report.update { $0.end(.aborted, at: path.timeline.now) }
                    throw error
                }
                failures += 1
                results.append(error.errorOutput)
            }
        }
        var written: JSON?
        if let writer = plan.writer, writer.resource != nil, let children {
            written = try await writeResults(
                writer, entry, mapRunArn: mapRunArn, label: label, inputs: inputs, children: children.runs.withLock { $0 },
                effective: effective,
                context: context, path: path)
        }
        // UpdateMapRun may have changed the tolerance while the items ran.
        let tolerance = report.snapshot.tolerance
        if failures > 0, tolerance.isExceeded(failures: failures, total: inputs.count) {
            report.update { $0.end(.failed, at: path.timeline.now) }
            let failure = StatesError.toleratedFailureThresholdExceeded
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
        return try finish(entry, result: written ?? .array(results), context: context, path: &path)
    }

    /// A child execution's ARN: `...:execution:MACHINE/LABEL:NAME`.
    func childArn(_ mapRunArn: ARN, label: String, name: String) -> String {
        "arn:\(mapRunArn.partition):states:\(run.configuration.region):\(run.configuration.accountId):execution:\(run.stateMachineName)/\(label):\(name)"
    }

    /// The child runs a ResultWriter reports, by item index.
    final class ChildRuns: Sendable {
        let runs = Locked<[Int: ChildRun]>([:])
    }

    /// One child execution's run, for ResultWriter's files.
    struct ChildRun: Sendable {
        var name: String
        var start: EpochMilliseconds
        var stop: EpochMilliseconds
        var result: Result<JSON, StatesError>
    }

    /// ResultWriter: `PREFIX/MAP_RUN_ID/manifest.json` and `SUCCEEDED_0.json` / `FAILED_0.json`
    /// (each child execution's ARN, input, output or error and dates), as AWS's ResultWriter page
    /// lays them out; the Map's result names the manifest.
    func writeResults(
        _ writer: ResultWriter, _ entry: StateEntry, mapRunArn: ARN, label: String, inputs: [JSON], children: [Int: ChildRun],
        effective: JSON, context: JSON, path: PathContext
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
        let childMachine = ARN(
            service: "states", region: run.configuration.region, account: run.configuration.accountId,
            resource: "stateMachine:\(run.stateMachineName)/\(label)")
        var succeeded: [JSON] = []
        var failed: [JSON] = []
        for index in inputs.indices {
            guard let child = children[index] else { continue }
            var entry: JSONObject = [
                "ExecutionArn": .string(childArn(mapRunArn, label: label, name: child.name)),
                "Input": .string(inputs[index].compactText), "InputDetails": ["Included": true], "Name": .string(child.name),
                "StartDate": .string(Timestamps.iso8601(child.start)), "StateMachineArn": .string(childMachine.description),
                "StopDate": .string(Timestamps.iso8601(child.stop)),
            ]
            switch child.result {
            case .success(let output):
                entry["Output"] = .string(output.compactText)
                entry["OutputDetails"] = ["Included": true]
                entry["Status"] = "SUCCEEDED"
                succeeded.append(.object(entry))
            case .failure(let error):
                entry["Error"] = .string(error.error)
                if let cause = error.cause { entry["Cause"] = .string(cause) }
                entry["Status"] = error.name == .timeout ? "TIMED_OUT" : "FAILED"
                failed.append(.object(entry))
            }
        }
        var files: JSONObject = ["FAILED": [], "PENDING": [], "SUCCEEDED": []]
        for (status, entries) in [("SUCCEEDED", succeeded), ("FAILED", failed)] where !entries.isEmpty {
            let key = folder + "\(status)_0.json"
            let bytes = Array(JSON.array(entries).compactText.utf8)
            try await store.put(bucket: bucket, key: key, bytes)
            files[status] = [["Key": .string(key), "Size": .int(bytes.count)]]
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

/// What DescribeMapRun shows of a Map Run: its settings and how its items stand.
public struct MapRunReport: Sendable, Equatable {
    /// How a Map Run stands.
    public enum Status: String, Sendable {
        case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", aborted = "ABORTED"
    }

    /// Its child executions that have ended, in the order they ended.
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

    mutating func itemStarted() {
        items.pending -= 1
        items.running += 1
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
