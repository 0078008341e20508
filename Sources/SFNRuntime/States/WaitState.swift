import SFNJSON
import SFNLanguage

extension Interpreter {
    /// AWS refuses delays that do not fit a 32-bit count of seconds.
    static let longestWaitSeconds: Int64 = Int64(Int32.max)

    /// Wait: sleeps for Seconds or until Timestamp (really, or virtually).
    @inline(never)  // see Interpreter.execute: a frame of its own, allocated only when this state runs
    func runWait(_ entry: StateEntry, _ plan: WaitPlan, path: inout PathContext) async throws(StatesError) -> StepOutcome {
        let context = self.context(for: entry)
        var effective = entry.input
        if case .jsonPath(let flow) = entry.state.flow {
            do {
                effective = try select(flow.inputPath, from: entry.input, field: "InputPath", scope: scope(entry.input, context: context, path: path))
            } catch {
                throw stateFailure(error, entry)
            }
        }
        let milliseconds: Int64
        switch plan {
        case .seconds(let source):
            milliseconds = try waitSeconds(source, entry, input: effective, context: context, path: path) * 1000
        case .timestamp(let source):
            let instant = try waitTimestamp(source, entry, input: effective, context: context, path: path)
            let delay = instant - path.timeline.now
            if delay / 1000 > Self.longestWaitSeconds {
                throw stateFailure(StatesError.runtime("Wait state delay is too long."), entry)
            }
            milliseconds = max(delay, 0)
        }
        try await sleep(milliseconds: milliseconds, path: &path)
        let assigned = try assignments(entry.state.assign, entry, value: effective, context: context, path: path)
        let output: JSON
        switch entry.state.flow {
        case .jsonPath(let flow):
            do {
                output = try select(flow.outputPath, from: effective, field: "OutputPath", scope: scope(effective, context: context, path: path))
            } catch {
                throw stateFailure(error, entry)
            }
        case .jsonata(let flow):
            output = try jsonataOutput(flow.output, entry, context: context, result: nil, path: path)
        }
        try commit(assigned, entry, path: &path)
        return StepOutcome(next: nextIndex(entry.state), output: output)
    }

    private func waitSeconds(_ source: ValueSource, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext) throws(StatesError) -> Int64 {
        let value = try resolveForState(source, entry, input: input, context: context, path: path)
        switch source {
        case .path(let expression, _):
            guard let value else {
                throw stateFailure(StatesError.runtime("The SecondsPath parameter does not reference an input value: \(expression.text)"), entry)
            }
            guard case .int(let seconds) = value else {
                throw stateFailure(
                    StatesError.runtime("The SecondsPath parameter cannot be parsed as a long value: \(expression.text) == \(Self.plain(value))"),
                    entry)
            }
            return Int64(max(seconds, 0))
        case .jsonata(let template, _):
            guard let value, let seconds = value.intValue, seconds >= 0 else {
                throw stateFailure(
                    StatesError.queryEvaluation(
                        "The JSONata expression '\(template.wholeExpressionSource ?? "")' specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was '\(value?.typeName ?? "undefined")' for value: \(value?.compactText ?? "undefined")"),
                    entry)
            }
            return Int64(seconds)
        case .literal, .intrinsic:
            return Int64(max(value?.intValue ?? 0, 0))
        }
    }

    private func waitTimestamp(_ source: ValueSource, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext) throws(StatesError) -> EpochMilliseconds {
        let value = try resolveForState(source, entry, input: input, context: context, path: path)
        switch source {
        case .path(let expression, _):
            guard let value else {
                throw stateFailure(StatesError.runtime("The TimestampPath parameter does not reference an input value: \(expression.text)"), entry)
            }
            guard case .string(let text) = value, let instant = Timestamps.parse(text) else {
                throw stateFailure(
                    StatesError.runtime(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: \(expression.text) == \(Self.plain(value))"),
                    entry)
            }
            return instant
        case .jsonata, .literal, .intrinsic:
            guard case .string(let text)? = value, let instant = Timestamps.parse(text) else {
                let shown = value.map(Self.plain) ?? "undefined"
                let failure = "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: \(shown)"
                if case .jsonata = source { throw stateFailure(StatesError.queryEvaluation(failure), entry) }
                throw stateFailure(StatesError.runtime(failure), entry)
            }
            return instant
        }
    }

    private func resolveForState(_ source: ValueSource, _ entry: StateEntry, input: JSON, context: JSON, path: PathContext) throws(StatesError) -> JSON? {
        do {
            return try resolve(source, entry, input: input, context: context, path: path)
        } catch {
            throw stateFailure(error, entry)
        }
    }

    /// Values as AWS quotes them in messages: strings bare, everything else as JSON.
    static func plain(_ value: JSON) -> String {
        if case .string(let text) = value { return text }
        return value.compactText
    }
}
