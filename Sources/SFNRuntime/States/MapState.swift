import Foundation
import SFNJSON
import SFNLanguage
import Synchronization

extension Interpreter {
    /// Map: runs the item processor once per item; the result is the outputs in item order.
    @inline(never)  // see Interpreter.execute: a frame of its own, allocated only when this state runs
    func runMap(
        _ entry: StateEntry, _ plan: MapState, processor: MachinePlan, path: inout PathContext
    ) async throws(StatesError) -> StepOutcome {
        let context = self.context(for: entry)
        let effective: JSON
        // A Distributed Map's ItemReader reads its items in the Map Run (its length is 0 here, as AWS records).
        var items: [JSON] = []
        let maxConcurrency: Int
        do {
            if plan.reader != nil {
                effective = try readerInput(entry, context: context, path: path)
            } else {
                (effective, items) = try mapItems(entry, plan, context: context, path: path)
            }
            maxConcurrency = try mapMaxConcurrency(entry, plan, input: effective, context: context, path: path)
        } catch {
            // A JSONata evaluation that fails before the Map starts: AWS writes EvaluationFailed,
            // then MapStateFailed.
            guard error.evaluation != nil else { throw error }
            let recorded = recordEvaluationFailure(error, path: &path)
            path.pendingStateFailed = ("MapStateFailed", path.previousEventId)
            throw recorded
        }

        path.previousEventId = history.record(
            "MapStateStarted", previous: path.previousEventId, at: path.timeline.now, detailsKey: "mapStateStartedEventDetails",
            details: history.wantsDetails ? ["length": .int(items.count)] : nil)
        let startedId = path.previousEventId
        // AWS reads the tolerated failure fields once the Map has started.
        let tolerance = try mapTolerance(entry, plan, input: effective, context: context, path: path)
        let base = path
        let stateName = entry.state.name
        if plan.processorConfig.mode == .distributed {
            var inputs: [JSON]?
            if plan.reader == nil {
                inputs = try iterationInputs(entry, plan, items: items, effective: effective, context: context, path: path)
            }
            return try await runMapRun(
                entry, plan, processor: processor, inputs: inputs, tolerance: tolerance, maxConcurrency: maxConcurrency,
                effective: effective, context: context, path: &path)
        }
        let inputs = try iterationInputs(entry, plan, items: items, effective: effective, context: context, path: path)
        let inline = processor.isPurelyComputational
        if inline,
            let spread = await runSpread(inputs, processor: processor, maxConcurrency: maxConcurrency, base: base, stateName: stateName)
        {
            path.timeline.join(spread.timelines)
            let lastIterationEvent = history.eventCount
            history.record("MapStateSucceeded", previous: lastIterationEvent, at: path.timeline.now)
            path.previousEventId = lastIterationEvent
            path.spelled = nil
            return try finish(entry, result: .array(spread.results), context: context, path: &path)
        }
        // Iterations run one after the other link each MapIterationStarted to the previous
        // iteration's last state event, as AWS does; concurrent ones to MapStateStarted.
        let previousIterationEnd = Atomic<Int>(startedId)
        let outcomes = await runConcurrently(
            count: inputs.count, maxConcurrency: inlineWindow(maxConcurrency), inline: inline, stopOnFailure: tolerance == nil
        ) { index in
            let outcome = await self.runIteration(
                index, input: inputs[index], processor: processor, base: base, stateName: stateName,
                previous: inline ? previousIterationEnd.load(ordering: .relaxed) : startedId)
            previousIterationEnd.store(outcome.lastStateEventId, ordering: .relaxed)
            return outcome
        }
        path.timeline.join(outcomes.map(\.timeline))
        // MapStateSucceeded (or Failed) and then MapStateExited follow the last iteration's end.
        let lastIterationEvent = outcomes.map(\.lastEventId).max() ?? startedId
        var results: [JSON] = []
        results.reserveCapacity(inputs.count)
        var failures = 0
        for outcome in outcomes {
            switch outcome.result {
            case .success(let value):
                results.append(value)
            case .failure(let error) where tolerance != nil && !ErrorMatching.isTerminal(error):
                // A tolerated iteration's output is its error.
                failures += 1
                results.append(error.errorOutput)
            case .failure(let error):
                // AWS links MapStateFailed to the failed iteration's last state event.
                path.pendingStateFailed = ("MapStateFailed", outcome.lastStateEventId)
                throw error
            }
        }
        if let tolerance, failures > 0, tolerance.isExceeded(failures: failures, total: inputs.count) {
            path.pendingStateFailed = ("MapStateFailed", lastIterationEvent)
            throw StatesError.toleratedFailureThresholdExceeded
        }
        history.record("MapStateSucceeded", previous: lastIterationEvent, at: path.timeline.now)
        path.previousEventId = lastIterationEvent
        // The result is built from the iterations' outputs: a new value, even when it equals the input.
        path.spelled = nil
        return try finish(entry, result: .array(results), context: context, path: &path)
    }

    /// How many iterations of an inline Map run at once: MaxConcurrency (0: no quota), within
    /// AWS's 40 for Inline mode (`RuntimeConfiguration.inlineMapConcurrency`).
    func inlineWindow(_ maxConcurrency: Int) -> Int {
        let cap = run.configuration.inlineMapConcurrency
        guard cap > 0 else { return maxConcurrency }
        return maxConcurrency > 0 ? min(maxConcurrency, cap) : cap
    }

    /// One inline Map iteration: MapIterationStarted (following `previous`), the item processor,
    /// and MapIterationSucceeded or MapIterationFailed.
    func runIteration(
        _ index: Int, input: JSON, processor: MachinePlan, base: PathContext, stateName: String, previous: Int
    ) async -> PathOutcome {
        var iterationPath = base.branch()
        iterationPath.previousEventId = history.record(
            "MapIterationStarted", previous: previous, at: iterationPath.timeline.now, detailsKey: "mapIterationStartedEventDetails",
            details: history.wantsDetails ? ["name": .string(stateName), "index": .int(index)] : nil)
        let result: Result<JSON, StatesError>
        do throws(StatesError) {
            result = .success(try await execute(processor, input: input, path: &iterationPath))
        } catch {
            result = .failure(error)
        }
        let ended: String
        let detailsKey: String
        if case .success = result {
            (ended, detailsKey) = ("MapIterationSucceeded", "mapIterationSucceededEventDetails")
        } else {
            (ended, detailsKey) = ("MapIterationFailed", "mapIterationFailedEventDetails")
        }
        let endedId = history.record(
            ended, previous: iterationPath.previousEventId, at: iterationPath.timeline.now, detailsKey: detailsKey,
            details: history.wantsDetails ? ["name": .string(stateName), "index": .int(index)] : nil)
        return PathOutcome(
            result: result, timeline: iterationPath.timeline, lastEventId: endedId, lastStateEventId: iterationPath.previousEventId)
    }

    /// Runs the iterations of a Map whose item processor can spread (see `MachinePlan.canSpread`)
    /// on every core: chunks of `MapRunProgress.pureChunk` items (as a Distributed Map runs
    /// never-waiting children), one task per core (at most MaxConcurrency)
    /// at a time, so what is in flight is a few iterations however many items there are. Each
    /// chunk counts its events apart and the execution's count grows by their sum, as if the
    /// iterations had run one after the other.
    ///
    /// Applies only while nobody reads event details (history off, no observer): events recorded
    /// in order would interleave. Nil when it does not apply, when an iteration fails, or when the
    /// history cap is reached: the caller then runs the iterations one after the other, which
    /// gives the failure (its cause quotes event ids), the tolerated outputs and the cap exactly
    /// where they are in order. Iterations that never wait and draw no random numbers give the
    /// same outputs run again.
    func runSpread(
        _ inputs: [JSON], processor: MachinePlan, maxConcurrency: Int, base: PathContext, stateName: String
    ) async -> (results: [JSON], timelines: [Timeline])? {
        let size = MapRunProgress.pureChunk
        guard spreads, run.configuration.spreadsInlineMaps, processor.canSpread, inputs.count > size, !history.wantsDetails,
            history.resumedThrough == 0
        else {
            return nil
        }
        let chunks = (inputs.count + size - 1) / size
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let slots = min(cores, maxConcurrency > 0 ? maxConcurrency : cores, chunks)
        guard slots > 1 else { return nil }
        let start = history.eventCount
        let limit = run.eventLimit.map { $0 - start } ?? Int.max
        let stop = SpreadStop()
        let run = run
        let identity = identity
        let gathered = await withTaskGroup(of: SpreadChunk?.self) { group -> (results: [[JSON]], events: Int, timelines: [Timeline])? in
            var results = [[JSON]](repeating: [], count: chunks)
            var timelines: [Timeline] = []
            var events = 0
            var next = 0
            var inFlight = 0
            while true {
                while inFlight < slots && next < chunks && !stop.isSet {
                    let chunk = next
                    let range = chunk * size..<min(inputs.count, (chunk + 1) * size)
                    group.addTask {
                        let recorder = HistoryRecorder(countingFrom: start)
                        let interpreter = Interpreter(run: run, history: recorder, identity: identity, spreads: false)
                        var values: [JSON] = []
                        values.reserveCapacity(range.count)
                        var timeline = base.timeline
                        for index in range {
                            if stop.isSet { return nil }
                            // Counted, never kept: no event links to another.
                            let outcome = await interpreter.runIteration(
                                index, input: inputs[index], processor: processor, base: base, stateName: stateName, previous: start)
                            guard case .success(let value) = outcome.result else {
                                stop.set()
                                return nil
                            }
                            values.append(value)
                            timeline = outcome.timeline
                        }
                        return SpreadChunk(index: chunk, values: values, events: recorder.eventCount - start, timeline: timeline)
                    }
                    next += 1
                    inFlight += 1
                }
                guard inFlight > 0, let finished = await group.next() else { break }
                inFlight -= 1
                guard let finished else { continue }
                results[finished.index] = finished.values
                timelines.append(finished.timeline)
                events += finished.events
                // The cap counts every event: once the sum reaches it, the run in order fails where it does.
                if events >= limit { stop.set() }
            }
            return stop.isSet ? nil : (results, events, timelines)
        }
        guard let gathered else { return nil }
        history.count(gathered.events)
        var results: [JSON] = []
        results.reserveCapacity(inputs.count)
        for chunk in gathered.results { results.append(contentsOf: chunk) }
        return (results, gathered.timelines)
    }

    /// The effective input of a Map with an ItemReader (after InputPath, in JSONPath mode).
    private func readerInput(_ entry: StateEntry, context: JSON, path: PathContext) throws(StatesError) -> JSON {
        guard case .jsonPath(let flow) = entry.state.flow else { return entry.input }
        do {
            return try select(
                flow.inputPath, from: entry.input, field: "InputPath", scope: scope(entry.input, context: context, path: path))
        } catch {
            throw stateFailure(error, entry)
        }
    }

    /// The Map's effective input and the items to iterate over.
    private func mapItems(_ entry: StateEntry, _ plan: MapState, context: JSON, path: PathContext) throws(StatesError) -> (JSON, [JSON]) {
        switch entry.state.flow {
        case .jsonPath(let flow):
            let effective: JSON
            let selected: JSON
            do {
                effective = try select(
                    flow.inputPath, from: entry.input, field: "InputPath", scope: scope(entry.input, context: context, path: path))
                selected = try select(
                    plan.itemsPath, from: effective, field: "ItemsPath", scope: scope(effective, context: context, path: path))
            } catch {
                throw stateFailure(error, entry)
            }
            guard case .array(let items) = selected else {
                throw stateFailure(StatesError.mapInputNotArray(selected, jsonata: false), entry)
            }
            return (effective, items)
        case .jsonata:
            guard let template = plan.items else {
                guard case .array(let items) = entry.input else {
                    throw stateFailure(StatesError.mapInputNotArray(entry.input, jsonata: true), entry)
                }
                return (entry.input, items)
            }
            let value: JSON?
            do {
                value = try template.evaluateAllowingUndefined(jsonataBindings(entry, context: context, path: path))
            } catch {
                throw stateFailure(error, entry)
            }
            guard case .array(let items)? = value else {
                let source = template.wholeExpressionSource ?? ""
                if let value {
                    throw stateFailure(StatesError.jsonataUnexpectedType(source, field: "Items", expected: "array", value: value), entry)
                }
                throw stateFailure(StatesError.jsonataUndefined(source, field: "Items"), entry)
            }
            return (entry.input, items)
        }
    }

    /// Each iteration's input: the item, or ItemSelector applied with `$$.Map.Item`.
    private func iterationInputs(
        _ entry: StateEntry, _ plan: MapState, items: [JSON], effective: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> [JSON] {
        if var batcher = try mapBatcher(entry, plan, effective: effective, context: context, path: path) {
            var inputs: [JSON] = []
            for item in items {
                if let batch = try batcher.add(item, entry: entry, interpreter: self) { inputs.append(batch) }
            }
            if let batch = batcher.close() { inputs.append(batch) }
            return inputs
        }
        guard plan.itemSelector != nil else { return items }
        var inputs: [JSON] = []
        inputs.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            inputs.append(try selectItem(entry, plan, index: index, item: item, effective: effective, path: path))
        }
        return inputs
    }

    /// ItemSelector applied to one item, with `$$.Map.Item` naming it.
    func selectItem(
        _ entry: StateEntry, _ plan: MapState, index: Int, item: JSON, effective: JSON, path: PathContext
    ) throws(StatesError) -> JSON {
        guard let selector = plan.itemSelector else { return item }
        let itemContext = contextObject(stateName: entry.state.name, enteredTime: entry.enteredAt, mapItem: (index, item))
        do {
            switch selector {
            case .jsonPath(let template): return try template.evaluate(scope(effective, context: itemContext, path: path))
            case .jsonata(let template): return try template.evaluate(jsonataBindings(entry, context: itemContext, path: path))
            }
        } catch {
            throw stateFailure(error, entry)
        }
    }

    /// The Map's ItemBatcher with its limits evaluated, or nil when items are not batched.
    func mapBatcher(
        _ entry: StateEntry, _ plan: MapState, effective: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> MapBatcher? {
        let batchSize = try mapBatchSize(entry, plan, input: effective, context: context, path: path)
        let batchBytes = try mapBatchBytes(entry, plan, input: effective, context: context, path: path)
        guard batchSize != nil || batchBytes != nil else { return nil }
        return MapBatcher(maxItems: batchSize ?? Int.max, maxBytes: batchBytes ?? Int.max, batchInput: plan.itemBatcher?.batchInput)
    }

    private func mapBatchSize(
        _ entry: StateEntry, _ plan: MapState, input: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> Int? {
        guard let source = plan.itemBatcher?.maxItemsPerBatch else { return nil }
        let value = try mapNumber(source, entry, input: input, context: context, path: path)
        guard let size = value?.intValue, size > 0 else { return nil }
        return size
    }

    private func mapBatchBytes(
        _ entry: StateEntry, _ plan: MapState, input: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> Int? {
        guard let source = plan.itemBatcher?.maxInputBytesPerBatch else { return nil }
        let value = try mapNumber(source, entry, input: input, context: context, path: path)
        guard let bytes = value?.intValue, bytes > 0 else { return nil }
        // AWS caps a batch at 256 KiB.
        return min(bytes, 262_144)
    }

    private func mapMaxConcurrency(
        _ entry: StateEntry, _ plan: MapState, input: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> Int {
        guard let source = plan.maxConcurrency else { return 0 }
        return try mapNumber(
            source, entry, input: input, context: context, path: path, kind: "integer",
            otherwise: "MaxConcurrency must be a non-negative integer."
        ) { value in value.intValue.flatMap { $0 >= 0 ? $0 : nil } }
    }

    private func mapTolerance(
        _ entry: StateEntry, _ plan: MapState, input: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> FailureTolerance? {
        var tolerance = FailureTolerance()
        var any = false
        if let source = plan.toleratedFailureCount {
            let count = try mapNumber(
                source, entry, input: input, context: context, path: path, kind: "integer",
                otherwise: "ToleratedFailureCount must be an integer.", \.intValue)
            guard count >= 0 else { throw stateFailure(StatesError.numberOutOfRange("ToleratedFailureCount cannot be negative."), entry) }
            tolerance.count = count
            any = true
        }
        if let source = plan.toleratedFailurePercentage {
            let range = "ToleratedFailurePercentage must be between 0 and 100."
            let percentage = try mapNumber(
                source, entry, input: input, context: context, path: path, kind: "float", otherwise: range, \.doubleValue)
            guard percentage >= 0, percentage <= 100 else { throw stateFailure(StatesError.numberOutOfRange(range), entry) }
            tolerance.percentage = percentage
            any = true
        }
        return any ? tolerance : nil
    }

    /// A Map number (MaxConcurrency, ToleratedFailure...): `convert` accepts it, or the failure says
    /// what was wrong (AWS's wording for a `...Path` value, `otherwise` for the other forms).
    private func mapNumber<Number>(
        _ source: ValueSource, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext, kind: String, otherwise: String,
        _ convert: (JSON) -> Number?
    ) throws(StatesError) -> Number {
        let value = try mapNumber(source, entry, input: input, context: context, path: path)
        if let value, let number = convert(value) { return number }
        if case .path(let expression, let field) = source {
            throw stateFailure(StatesError.pathValueNotNumber(field: field, value: value, kind: kind, path: expression.text), entry)
        }
        throw stateFailure(StatesError.numberOutOfRange(otherwise), entry)
    }

    private func mapNumber(
        _ source: ValueSource, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> JSON? {
        do {
            return try resolve(source, entry, input: input, context: context, path: path)
        } catch {
            throw stateFailure(error, entry)
        }
    }
}

/// ItemBatcher: items gathered into `{"BatchInput": ..., "Items": [...]}` of at most
/// MaxItemsPerBatch items and MaxInputBytesPerBatch bytes, as they come.
struct MapBatcher {
    let maxItems: Int
    let maxBytes: Int
    let batchInput: JSON?
    /// What a batch costs before its items: `{"BatchInput":...,"Items":[]}`.
    let overhead: Int
    private var batch: [JSON] = []
    private var bytes: Int

    init(maxItems: Int, maxBytes: Int, batchInput: JSON?) {
        self.maxItems = maxItems
        self.maxBytes = maxBytes
        self.batchInput = batchInput
        overhead = (batchInput.map { 14 + $0.compactText.utf8.count } ?? 0) + 12
        bytes = overhead
    }

    /// Adds an item; returns the batch it closed, if it closed one.
    mutating func add(_ item: JSON, entry: StateEntry, interpreter: Interpreter) throws(StatesError) -> JSON? {
        let size = item.compactText.utf8.count + 1
        if overhead + size > maxBytes {
            throw interpreter.stateFailure(
                StatesError.runtime("An item of \(size - 1) bytes does not fit in a batch of MaxInputBytesPerBatch \(maxBytes) bytes"),
                entry)
        }
        var closed: JSON?
        if !batch.isEmpty && (batch.count == maxItems || bytes + size > maxBytes) { closed = close() }
        batch.append(item)
        bytes += size
        return closed
    }

    /// The batch being gathered, if it has items.
    mutating func close() -> JSON? {
        guard !batch.isEmpty else { return nil }
        var members: JSONObject = [:]
        if let batchInput { members["BatchInput"] = batchInput }
        members["Items"] = .array(batch)
        batch = []
        bytes = overhead
        return .object(members)
    }
}

/// ToleratedFailureCount / ToleratedFailurePercentage of a Map.
struct FailureTolerance {
    var count: Int?
    var percentage: Double?

    /// A Distributed Map's tolerance when it names none: no child execution may fail.
    static let none = FailureTolerance(count: nil, percentage: 0)

    /// Whether a single failure among any number of items exceeds this tolerance (so the first
    /// failure may stop the rest).
    var allowsNoFailure: Bool { isExceeded(failures: 1, total: Int.max) }

    func isExceeded(failures: Int, total: Int) -> Bool {
        if let count, failures > count {
            if let percentage { return Double(failures) * 100 / Double(max(total, 1)) > percentage }
            return true
        }
        if let percentage, count == nil { return Double(failures) * 100 / Double(max(total, 1)) > percentage }
        return false
    }
}

/// What a chunk of a spread Map gave (see `Interpreter.runSpread`).
private struct SpreadChunk: Sendable {
    let index: Int
    let values: [JSON]
    let events: Int
    let timeline: Timeline
}

/// Tells a spread Map's chunks to stop: an iteration failed or the history cap was reached.
private final class SpreadStop: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
