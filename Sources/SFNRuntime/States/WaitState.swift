import SFNJSON
import SFNLanguage

extension Interpreter {
    /// Wait: sleeps for Seconds or until Timestamp (really, or virtually).
    @inline(never)  // see Interpreter.execute: a frame of its own, allocated only when this state runs
    func runWait(_ entry: StateEntry, _ duration: WaitState.Duration, path: inout PathContext) async throws(StatesError) -> StepOutcome {
        let context = self.context(for: entry)
        var effective = entry.input
        if case .jsonPath(let flow) = entry.state.flow {
            do {
                effective = try select(
                    flow.inputPath, from: entry.input, field: "InputPath", scope: scope(entry.input, context: context, path: path))
            } catch {
                throw stateFailure(error, entry)
            }
        }
        let milliseconds: Int64
        switch duration {
        case .seconds(let source):
            let seconds = try waitSeconds(source, entry, input: effective, context: context, path: path)
            if seconds > Durations.longestSeconds { throw stateFailure(StatesError.waitTooLong, entry) }
            milliseconds = Durations.milliseconds(seconds: seconds)
        case .timestamp(let source):
            let instant = try waitTimestamp(source, entry, input: effective, context: context, path: path)
            // A resumed Wait counts from when it was entered, as the history says.
            let delay = Durations.difference(instant, history.resumedThrough > 0 ? entry.enteredAt : path.timeline.now)
            if delay / 1000 > Durations.longestSeconds { throw stateFailure(StatesError.waitTooLong, entry) }
            milliseconds = max(delay, 0)
        }
        try await sleep(milliseconds: milliseconds, path: &path)
        let assigned = try assignments(entry.state.assign, entry, value: effective, context: context, path: path)
        let output: JSON
        switch entry.state.flow {
        case .jsonPath(let flow):
            do {
                output = try select(
                    flow.outputPath, from: effective, field: "OutputPath", scope: scope(effective, context: context, path: path))
            } catch {
                throw stateFailure(error, entry)
            }
        case .jsonata(let flow):
            output = try jsonataOutput(flow.output, entry, context: context, result: nil, path: path)
        }
        try commit(assigned, entry, path: &path)
        return StepOutcome(next: entry.state.next, output: output)
    }

    private func waitSeconds(
        _ source: ValueSource, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> Int64 {
        let value = try resolveForState(source, entry, input: input, context: context, path: path)
        switch source {
        case .path(let expression, _):
            guard let value else {
                throw stateFailure(StatesError.pathFindsNothing("SecondsPath", path: expression.text), entry)
            }
            guard case .int(let seconds) = value else {
                throw stateFailure(StatesError.secondsPathNotLong(path: expression.text, value: value), entry)
            }
            return Int64(max(seconds, 0))
        case .expression(let template):
            guard let value, let seconds = value.intValue, seconds >= 0 else {
                throw stateFailure(
                    StatesError.jsonataUnexpectedType(
                        template.wholeExpressionSource ?? "", field: "Seconds", expected: "integer", value: value),
                    entry)
            }
            return Int64(seconds)
        case .literal, .intrinsic:
            return Int64(max(value?.intValue ?? 0, 0))
        }
    }

    private func waitTimestamp(
        _ source: ValueSource, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> EpochMilliseconds {
        let value = try resolveForState(source, entry, input: input, context: context, path: path)
        switch source {
        case .path(let expression, _):
            guard let value else {
                throw stateFailure(StatesError.pathFindsNothing("TimestampPath", path: expression.text), entry)
            }
            guard case .string(let text) = value, let instant = Timestamps.parse(text) else {
                throw stateFailure(StatesError.timestampPathNotTimestamp(path: expression.text, value: value), entry)
            }
            return instant
        case .expression, .literal, .intrinsic:
            guard case .string(let text)? = value, let instant = Timestamps.parse(text) else {
                var isJSONata = false
                if case .expression = source { isJSONata = true }
                throw stateFailure(StatesError.timestampNotTimestamp(value, jsonata: isJSONata), entry)
            }
            return instant
        }
    }

    private func resolveForState(
        _ source: ValueSource, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext
    ) throws(StatesError) -> JSON? {
        do {
            return try resolve(source, entry, input: input, context: context, path: path)
        } catch {
            throw stateFailure(error, entry)
        }
    }

}
