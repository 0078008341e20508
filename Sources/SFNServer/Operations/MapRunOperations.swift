import SFNJSON
import SFNLanguage
import SFNRuntime

/// ListMapRuns, DescribeMapRun and UpdateMapRun over the Map Runs each execution's Distributed
/// Map states start.
extension StepFunctionsService {
    func listMapRuns(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("executionArn")
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        let record = try existingExecution(arn)
        let runs = Array(record.execution.mapRuns.enumerated())
        let (page, next) = try pageTokens.page(
            runs, key: \.offset, scope: "ListMapRuns \(arn)", token: fields.optionalString("nextToken"), maxResults: maxResults)
        let items = page.map { _, run -> JSON in
            var item: JSONObject = [
                "executionArn": .string(run.executionArn), "mapRunArn": .string(run.arn), "stateMachineArn": .string(run.stateMachineArn),
                "startDate": Self.epochSeconds(run.startDate),
            ]
            if let stop = run.stopDate { item["stopDate"] = Self.epochSeconds(stop) }
            return .object(item)
        }
        return Self.listResponse("mapRuns", items, next: next)
    }

    func describeMapRun(_ fields: RequestFields) throws(ServerError) -> JSON {
        let (_, run) = try existingMapRun(fields.string("mapRunArn"))
        let items = Self.counts(run.items)
        var response: JSONObject = [
            "mapRunArn": .string(run.arn), "executionArn": .string(run.executionArn), "status": .string(run.status.rawValue),
            "startDate": Self.epochSeconds(run.startDate), "maxConcurrency": .int(run.maxConcurrency),
            "toleratedFailurePercentage": .number(run.toleratedFailurePercentage), "toleratedFailureCount": .int(run.toleratedFailureCount),
            // Each item runs as one child execution.
            "itemCounts": items, "executionCounts": items, "redriveCount": 0,
        ]
        if let stop = run.stopDate { response["stopDate"] = Self.epochSeconds(stop) }
        return .object(response)
    }

    func updateMapRun(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("mapRunArn")
        let maxConcurrency = try fields.optionalInt("maxConcurrency", range: 0...Int(Int32.max))
        let count = try fields.optionalInt("toleratedFailureCount", range: 0...Int(Int32.max))
        let percentage = try fields.optionalDouble("toleratedFailurePercentage", range: 0...100)
        guard maxConcurrency != nil || count != nil || percentage != nil else {
            throw .validation("At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be specified")
        }
        let (record, _) = try existingMapRun(arn)
        guard
            record.execution.updateMapRun(
                arn, maxConcurrency: maxConcurrency, toleratedFailureCount: count, toleratedFailurePercentage: percentage)
        else { throw .resourceNotFound(arn) }
        return .emptyObject
    }

    /// `arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:ID` and the execution that runs it.
    func existingMapRun(_ arn: String) throws(ServerError) -> (ExecutionRecord, MapRunReport) {
        guard let parsed = ARN(parsing: arn), parsed.service == "states", parsed.resourceType == "mapRun", parsed.resourceParts.count == 3,
            let slash = parsed.resourceParts[1].firstIndex(of: "/")
        else { throw .invalidArn(arn) }
        let machine = String(parsed.resourceParts[1][..<slash])
        let candidates = lock.withLock { (executionsByMachine[machineArn(machine)] ?? []).reversed() }
        for record in candidates {
            if let run = record.execution.mapRuns.first(where: { $0.arn == arn }) { return (record, run) }
        }
        throw .resourceNotFound(arn)
    }

    static func counts(_ counts: MapRunReport.Counts) -> JSON {
        [
            "pending": .int(counts.pending), "running": .int(counts.running), "succeeded": .int(counts.succeeded),
            "failed": .int(counts.failed), "timedOut": .int(counts.timedOut), "aborted": .int(counts.aborted), "total": .int(counts.total),
            "resultsWritten": .int(counts.succeeded + counts.failed + counts.timedOut + counts.aborted), "failuresNotRedrivable": 0,
            "pendingRedrive": 0,
        ]
    }
}
