import SFNJSON
import SFNLanguage
import SFNRuntime

extension StepFunctionsService {
    func startExecution(_ fields: RequestFields) throws(ServerError) -> JSON {
        let record = try launch(fields)
        return ["executionArn": .string(record.execution.arn), "startDate": Self.epochSeconds(record.execution.startDate)]
    }

    func startSyncExecution(_ fields: RequestFields) async throws(ServerError) -> JSON {
        let (machine, _, _) = try startTarget(fields.string("stateMachineArn"))
        guard machine.type == "EXPRESS" else {
            throw ServerError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
        }
        let record = try launch(fields)
        let result = await record.execution.result()
        var response = executionSummary(record, result: result)
        response["input"] = .string(record.execution.input.compactText)
        response["inputDetails"] = ["included": true]
        if let output = result.output {
            response["output"] = .string(output.compactText)
            response["outputDetails"] = ["included": true]
        }
        if let error = result.error { response["error"] = .string(error) }
        if let cause = result.cause { response["cause"] = .string(cause) }
        response["billingDetails"] = [
            "billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": .int(Int(max(100, result.stopDate - result.startDate))),
        ]
        return .object(response)
    }

    /// What a StartExecution ARN runs: the machine's current revision, a version's, or the
    /// version an alias routes this execution to.
    func startTarget(_ arn: String) throws(ServerError) -> (StateMachineRecord, Revision, ExecutionOrigin) {
        let target = try MachineTarget(arn)
        return try locked { () throws(ServerError) -> (StateMachineRecord, Revision, ExecutionOrigin) in
            guard let machine = machines[target.machineArn] else { throw .stateMachineDoesNotExist(arn) }
            switch target {
            case .machine:
                return (machine, machine.revision, ExecutionOrigin())
            case .version:
                guard let version = versions[arn] else { throw .stateMachineDoesNotExist(arn) }
                return (machine, version.revision, ExecutionOrigin(versionArn: arn))
            case .alias:
                guard let alias = aliases[arn] else { throw .resourceNotFound(arn) }
                let versionArn = routedVersion(alias)
                guard let version = versions[versionArn] else { throw .resourceNotFound(versionArn) }
                return (machine, version.revision, ExecutionOrigin(versionArn: versionArn, aliasArn: arn))
            }
        }
    }

    /// Starts (or, for a repeated identical request, finds) an execution.
    func launch(_ fields: RequestFields) throws(ServerError) -> ExecutionRecord {
        var targetArn = try fields.string("stateMachineArn")
        // Step Functions Local's mocks: `stateMachineArn#TestCase`.
        var testCase: String?
        if let hash = targetArn.firstIndex(of: "#") {
            testCase = String(targetArn[targetArn.index(after: hash)...])
            targetArn = String(targetArn[..<hash])
        }
        let name = try fields.optionalString("name")
        let input =
            try fields.jsonText("input") { message in
                ServerError("InvalidExecutionInput", "Invalid State Machine Execution Input: '\(message)'")
            } ?? .emptyObject
        if let name { try ResourceName.check(name) }
        let (machine, revision, origin) = try startTarget(targetArn)
        let runtime = try runtimeForNewExecution(machine, revision, testCase: testCase)
        return try locked { () throws(ServerError) -> ExecutionRecord in
            if let name {
                let arn = executionArn(machine: machine.name, name: name)
                if let existing = executions[arn] {
                    if existing.execution.currentResult == nil, existing.execution.input == input { return existing }
                    throw ServerError("ExecutionAlreadyExists", "Execution Already Exists: '\(arn)'")
                }
            }
            let durable = store != nil && machine.type == "STANDARD"
            guard requestHoldsLease() else {
                throw ServerError("ServiceUnavailable", "This node lost its cluster lease and is joining again; ask again", status: 503)
            }
            let execution = runtime.start(
                input: input, name: name, inputText: try? fields.optionalString("input"), origin: origin,
                observer: durable ? eventObserver : nil)
            var record = ExecutionRecord(execution: execution, machine: machine, revision: revision, sequence: nextSequence())
            record.testCase = testCase
            if durable { persist(.putExecution(Self.stored(record))) }
            if durable && cluster != nil { clusterBook.unconfirmed.insert(execution.arn) }
            executions[execution.arn] = record
            executionsByMachine[machine.arn, default: []].append(record)
            if executions.count >= nextSweep { sweepClosedExecutions() }
            return record
        }
    }

    /// Under a virtual clock each execution's time starts now, not when its machine was created;
    /// that needs a runtime of its own (a real clock shares the revision's).
    func runtimeForNewExecution(
        _ machine: StateMachineRecord, _ revision: Revision, testCase: String? = nil
    ) throws(ServerError) -> StateMachineRuntime {
        var own = configuration
        var shared = true
        if case .virtual = configuration.clock {
            own.clock = .virtual(start: nowMilliseconds())
            shared = false
        }
        if let testCase {
            // Mocks count each state's calls, so each execution has its own.
            guard let mocks else {
                throw .validation("'#\(testCase)' names a mock test case, but the server has no mock configuration (--mock-config)")
            }
            do {
                own.useMocks(try mocks.testCase(testCase, stateMachine: machine.name))
            } catch {
                throw .validation(error.message)
            }
            shared = false
        }
        if shared { return revision.runtime }
        return try compile(revision.definition, name: machine.name, type: machine.type, configuration: own)
    }

    static func sweepSlack(_ retention: ExecutionRetention) -> Int { max(16, retention.closedExecutions / 10) }

    /// Forgets closed executions past the retention: beyond the newest `closedExecutions`, or
    /// closed longer ago than `maximumAge`. Running executions are always kept. Called with
    /// `lock` held, once the count has grown by a tenth since the last sweep (amortized O(1)).
    func sweepClosedExecutions() {
        let now = nowMilliseconds()
        let oldest = now - Int64(clamping: retention.maximumAge.components.seconds) * 1000
        let closed = executions.values.compactMap { record -> (ExecutionRecord, ExecutionResult)? in
            record.execution.currentResult.map { (record, $0) }
        }.sorted { $0.0.sequence > $1.0.sequence }
        var forget: Set<String> = []
        for (position, (record, result)) in closed.enumerated() where position >= retention.closedExecutions || result.stopDate < oldest {
            forget.insert(record.execution.arn)
        }
        if !forget.isEmpty {
            for arn in forget { executions[arn] = nil }
            persist(.forgetExecutions(Array(forget)))
            for (machine, records) in executionsByMachine {
                let kept = records.filter { !forget.contains($0.execution.arn) }
                executionsByMachine[machine] = kept.isEmpty && machines[machine] == nil ? nil : kept
            }
        }
        nextSweep = executions.count + Self.sweepSlack(retention)
    }

    /// A Map Run child's ListExecutions entry.
    static func childSummary(_ child: MapRunChild, of run: MapRunReport) -> JSONObject {
        let label = ARN(parsing: child.arn)?.resourceParts.dropFirst().first.map(String.init) ?? ""
        let machineArn = run.stateMachineArn.components(separatedBy: ":stateMachine:").first.map { "\($0):stateMachine:\(label)" } ?? ""
        return [
            "executionArn": .string(child.arn), "stateMachineArn": .string(machineArn), "name": .string(child.name),
            "status": .string(child.status.rawValue), "startDate": epochSeconds(child.start), "stopDate": epochSeconds(child.stop),
            "mapRunArn": .string(run.arn),
        ]
    }

    /// DescribeExecution of a Distributed Map's child: `...:execution:MACHINE/LABEL:NAME`.
    func describeChild(_ arn: String, includedData: Bool) -> JSON? {
        if let (child, run) = mapRunChild(arn) {
            var response = Self.childSummary(child, of: run)
            if includedData {
                response["input"] = .string(child.input.compactText)
                response["inputDetails"] = ["included": true]
                switch child.result {
                case .success(let output):
                    response["output"] = .string(output.compactText)
                    response["outputDetails"] = ["included": true]
                case .failure(let error):
                    response["error"] = .string(error.error)
                    if let cause = error.cause { response["cause"] = .string(cause) }
                }
            }
            response["redriveCount"] = 0
            response["redriveStatus"] = "NOT_REDRIVABLE"
            response["redriveStatusReason"] = "A Map Run's child execution is redriven with its parent"
            return .object(response)
        }
        return nil
    }

    /// A Distributed Map's child execution (`...:execution:MACHINE/LABEL:NAME`) that its Map
    /// Run's report keeps, and that report.
    func mapRunChild(_ arn: String) -> (MapRunChild, MapRunReport)? {
        guard let parsed = ARN(parsing: arn), parsed.resourceParts.count == 3, let slash = parsed.resourceParts[1].firstIndex(of: "/")
        else {
            return nil
        }
        let machine = String(parsed.resourceParts[1][..<slash])
        let candidates = lock.withLock { (executionsByMachine[machineArn(machine)] ?? []).reversed() }
        for record in candidates {
            for run in record.execution.mapRuns {
                if let child = run.children.first(where: { $0.arn == arn }) { return (child, run) }
            }
        }
        return nil
    }

    func describeExecution(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("executionArn")
        if arn.contains("/"), lock.withLock({ executions[arn] }) == nil,
            let child = describeChild(arn, includedData: try Self.includedData(fields))
        {
            return child
        }
        let record = try existingExecution(arn)
        let includedData = try Self.includedData(fields)
        let result = record.execution.currentResult
        var response = executionSummary(record, result: result)
        if includedData {
            response["input"] = .string(record.execution.input.compactText)
            response["inputDetails"] = ["included": true]
            if let output = result?.output {
                response["output"] = .string(output.compactText)
                response["outputDetails"] = ["included": true]
            }
            if let error = result?.error { response["error"] = .string(error) }
            if let cause = result?.cause { response["cause"] = .string(cause) }
        }
        let (status, reason) = redriveStatus(record, result: result)
        response["redriveStatus"] = .string(status)
        if let reason { response["redriveStatusReason"] = .string(reason) }
        return .object(response)
    }

    /// AWS's redrive quotas: 14 days after the execution ended, at most 1,000 redrives.
    static let redrivableMilliseconds: Int64 = 14 * 24 * 3600 * 1000
    static let maxRedrives = 1000

    /// Whether RedriveExecution would take the execution, and if not, why.
    func redriveStatus(_ record: ExecutionRecord, result: ExecutionResult?) -> (String, String?) {
        guard record.machine.type == "STANDARD" else { return ("NOT_REDRIVABLE", "Execution is of type EXPRESS, which cannot be redriven") }
        guard let result else { return ("NOT_REDRIVABLE", "Execution is RUNNING and cannot be redriven") }
        if result.status == .succeeded { return ("NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven") }
        if nowMilliseconds() - result.stopDate > Self.redrivableMilliseconds {
            return ("NOT_REDRIVABLE", "Execution ended more than 14 days ago and can no longer be redriven")
        }
        if record.redriveCount >= Self.maxRedrives {
            return ("NOT_REDRIVABLE", "Execution has been redriven \(Self.maxRedrives) times, the most allowed")
        }
        if record.execution.history.count >= configuration.maxHistoryEvents - 1 {
            return ("NOT_REDRIVABLE", "Execution has reached the limit of \(configuration.maxHistoryEvents) history events")
        }
        return ("REDRIVABLE", nil)
    }

    /// RedriveExecution: a FAILED, TIMED_OUT or ABORTED Standard execution runs again from where
    /// it failed (what succeeded is kept, the failed attempts, iterations and branches run again),
    /// with its ARN, input and the revision it started with.
    func redriveExecution(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("executionArn")
        let clientToken = try fields.optionalString("clientToken", length: 1...64)
        let record = try existingExecution(arn)
        if let clientToken, clientToken == record.redriveToken, let date = record.redriveDate {
            return ["redriveDate": Self.epochSeconds(date)]
        }
        let (status, reason) = redriveStatus(record, result: record.execution.currentResult)
        guard status == "REDRIVABLE" else {
            throw ServerError("ExecutionNotRedrivable", "Execution \(arn) cannot be redriven: \(reason ?? status)")
        }
        let runtime = try runtimeForNewExecution(record.machine, record.revision, testCase: record.testCase)
        let now = nowMilliseconds()
        return try locked { () throws(ServerError) -> JSON in
            guard var current = executions[arn], current.execution === record.execution else {
                throw ServerError("ExecutionNotRedrivable", "Execution \(arn) is being redriven already")
            }
            current.execution = runtime.redrive(record.execution.snapshot, at: now, observer: eventObserver)
            current.redriveToken = clientToken
            executions[arn] = current
            persist(.putExecution(Self.stored(current)))
            if let index = executionsByMachine[current.machine.arn]?.firstIndex(where: { $0.execution.arn == arn }) {
                executionsByMachine[current.machine.arn]?[index] = current
            }
            return ["redriveDate": Self.epochSeconds(now)]
        }
    }

    /// `includedData`: ALL_DATA (the default) or METADATA_ONLY, which leaves out input, output,
    /// error and cause.
    static func includedData(_ fields: RequestFields) throws(ServerError) -> Bool {
        switch try fields.optionalString("includedData") {
        case nil, "ALL_DATA"?: return true
        case "METADATA_ONLY"?: return false
        case let other?:
            throw .validation(
                "1 validation error detected: Value '\(other)' at 'includedData' failed to satisfy constraint: Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]"
            )
        }
    }

    func executionSummary(_ record: ExecutionRecord, result: ExecutionResult?) -> JSONObject {
        var summary: JSONObject = [
            "executionArn": .string(record.execution.arn), "stateMachineArn": .string(record.machine.arn),
            "name": .string(record.execution.name), "status": .string((result?.status ?? .running).rawValue),
            "startDate": Self.epochSeconds(record.execution.startDate),
        ]
        if let result { summary["stopDate"] = Self.epochSeconds(result.stopDate) }
        if let version = record.versionArn { summary["stateMachineVersionArn"] = .string(version) }
        if let alias = record.aliasArn { summary["stateMachineAliasArn"] = .string(alias) }
        if record.machine.type == "STANDARD" {
            summary["redriveCount"] = .int(record.redriveCount)
            if let date = record.redriveDate { summary["redriveDate"] = Self.epochSeconds(date) }
        }
        return summary
    }

    static let statusValues = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]

    func listExecutions(_ fields: RequestFields) throws(ServerError) -> JSON {
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        let statusFilter = try fields.optionalString("statusFilter")
        if let statusFilter, !Self.statusValues.contains(statusFilter) {
            throw .validation(
                "1 validation error detected: Value '\(statusFilter)' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [\(Self.statusValues.joined(separator: ", "))]"
            )
        }
        let redriveFilter = try fields.optionalString("redriveFilter")
        if let redriveFilter, redriveFilter != "REDRIVEN", redriveFilter != "NOT_REDRIVEN" {
            throw .validation(
                "1 validation error detected: Value '\(redriveFilter)' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]"
            )
        }
        let machineArn = try fields.optionalString("stateMachineArn")
        let mapRunArn = try fields.optionalString("mapRunArn")
        switch (machineArn, mapRunArn) {
        case (nil, nil): throw .validation("Must provide a StateMachine ARN or MapRun ARN")
        case (.some, .some): throw .validation("Must provide only one of StateMachine ARN or MapRun ARN")
        case (nil, let mapRunArn?):
            // A Map Run's child executions, in the order they ended.
            let (_, run) = try existingMapRun(mapRunArn)
            let children = Array(run.children.enumerated()).filter { _, child in
                statusFilter == nil || child.status.rawValue == statusFilter
            }
            let (page, next) = try pageTokens.page(
                children, key: \.offset, scope: "ListExecutions \(mapRunArn) \(statusFilter ?? "")",
                token: fields.optionalString("nextToken"),
                maxResults: maxResults)
            return Self.listResponse("executions", page.map { .object(Self.childSummary($0.element, of: run)) }, next: next)
        case (let machineArn?, nil):
            let target = try MachineTarget(machineArn)
            let records = try locked { () throws(ServerError) -> [ExecutionRecord] in
                switch target {
                case .machine(let arn):
                    guard machines[arn] != nil || executionsByMachine[arn] != nil else { throw .stateMachineDoesNotExist(arn) }
                case .version:
                    guard versions[machineArn] != nil else { throw .stateMachineDoesNotExist(machineArn) }
                case .alias:
                    guard aliases[machineArn] != nil else { throw .resourceNotFound(machineArn) }
                }
                return executionsByMachine[target.machineArn] ?? []
            }
            // Newest first, one page at a time: the cost is the page's, not the history's.
            let scope = "ListExecutions \(machineArn) \(statusFilter ?? "") \(redriveFilter ?? "")"
            let (page, next) = try pageTokens.page(
                records, key: \.sequence, descending: true, scope: scope, token: fields.optionalString("nextToken"), maxResults: maxResults
            ) { record in
                switch target {
                case .machine: break
                case .version: if record.versionArn != machineArn { return false }
                case .alias: if record.aliasArn != machineArn { return false }
                }
                if let redriveFilter, (record.redriveCount > 0) != (redriveFilter == "REDRIVEN") { return false }
                if let statusFilter, (record.execution.currentResult?.status ?? .running).rawValue != statusFilter { return false }
                return true
            }
            return Self.listResponse(
                "executions", page.map { .object(executionSummary($0, result: $0.execution.currentResult)) }, next: next)
        }
    }

    func stopExecution(_ fields: RequestFields) async throws(ServerError) -> JSON {
        let record = try existingExecution(fields.string("executionArn"))
        let error = try fields.optionalString("error", length: 0...256)
        let cause = try fields.optionalString("cause", length: 0...32768)
        if record.execution.isMirror {
            return try await stopElsewhere(record, error: error, cause: cause)
        }
        if record.execution.currentResult == nil { record.execution.stop(error: error, cause: cause) }
        let result = await record.execution.result()
        return ["stopDate": Self.epochSeconds(result.stopDate)]
    }

    func executionHistory(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("executionArn")
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        let reverse = try fields.optionalBool("reverseOrder") ?? false
        let includeData = try fields.optionalBool("includeExecutionData") ?? true
        let events: [HistoryEvent]
        if arn.contains("/"), lock.withLock({ executions[arn] }) == nil, let (child, _) = mapRunChild(arn), !child.events.isEmpty {
            // A Distributed Map's child execution, one of those its Map Run kept with a history.
            events = child.events
        } else {
            events = try existingExecution(arn).execution.history
        }
        let (page, next) = try pageTokens.page(
            events, key: \.id, descending: reverse, scope: "GetExecutionHistory \(arn) \(reverse)",
            token: fields.optionalString("nextToken"),
            maxResults: maxResults)
        return Self.listResponse("events", page.map { Self.eventJSON($0, includeData: includeData) }, next: next)
    }

    /// AWS's event shape with the timestamp as epoch seconds, as the JSON protocol sends dates.
    static func eventJSON(_ event: HistoryEvent, includeData: Bool) -> JSON {
        guard case .object(var json) = event.json else { return event.json }
        json["timestamp"] = epochSeconds(event.timestamp)
        if !includeData, let key = event.detailsKey, case .object(var details)? = json[key] {
            for field in ["input", "output", "parameters", "result"] { details[field] = nil }
            json[key] = .object(details)
        }
        return .object(json)
    }

    func describeStateMachineForExecution(_ fields: RequestFields) throws(ServerError) -> JSON {
        let record = try existingExecution(fields.string("executionArn"))
        var response = record.machine.description(of: record.revision)
        response["type"] = nil
        response["updateDate"] = Self.epochSeconds(record.revision.updateDate)
        return .object(response)
    }
}
