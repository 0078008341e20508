import SFNJSON
import SFNLanguage
import SFNRuntime

/// Versions (numbered, immutable revisions of a state machine) and aliases (names that route
/// executions to one or two versions by weight), as AWS's versioning guide describes them.
extension StepFunctionsService {
    /// AWS's quota on versions per state machine.
    static let maxVersions = 1000
    /// AWS's quota on aliases per state machine.
    static let maxAliases = 100

    func publishStateMachineVersion(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("stateMachineArn")
        let revisionId = try fields.optionalString("revisionId")
        let description = try fields.optionalString("description", length: 0...256)
        guard case .machine = try MachineTarget(arn) else { throw .invalidArn(arn) }
        return try locked { () throws(ServerError) -> JSON in
            guard let machine = machines[arn] else { throw .stateMachineDoesNotExist(arn) }
            if let revisionId, revisionId != machine.revision.revisionId {
                throw .conflict(
                    "Failed to publish the State Machine version for revision \(revisionId). The current State Machine revision is \(machine.revision.revisionId)."
                )
            }
            let version = try publishVersion(of: arn, description: description)
            return ["stateMachineVersionArn": .string(version.arn), "creationDate": Self.epochSeconds(version.creationDate)]
        }
    }

    /// Publishes the machine's current revision, or finds the version that already holds it
    /// (publishing is idempotent per revision). Called with `lock` held.
    func publishVersion(of machineArn: String, description: String?) throws(ServerError) -> VersionRecord {
        guard var machine = machines[machineArn] else { throw .stateMachineDoesNotExist(machineArn) }
        let published = versionsByMachine[machineArn] ?? []
        if let latest = published.last.flatMap({ versions[$0] }), latest.revision.revisionId == machine.revision.revisionId {
            if let description, description != latest.description {
                throw .conflict("Version \(latest.arn) already exists for revision \(machine.revision.revisionId) with another description")
            }
            return latest
        }
        guard published.count < Self.maxVersions else {
            throw ServerError(
                "ServiceQuotaExceededException", "The maximum number of versions (\(Self.maxVersions)) has been reached for '\(machineArn)'"
            )
        }
        let number = machine.nextVersion
        machine.nextVersion += 1
        machines[machineArn] = machine
        let version = VersionRecord(
            machineArn: machineArn, number: number, arn: "\(machineArn):\(number)", revision: machine.revision, description: description,
            creationDate: max(nowMilliseconds(), machine.revision.updateDate))
        versions[version.arn] = version
        versionsByMachine[machineArn, default: []].append(version.arn)
        persist(.putMachine(Self.stored(machine)), .putVersion(Self.stored(version)))
        return version
    }

    func listStateMachineVersions(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("stateMachineArn")
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        guard case .machine = try MachineTarget(arn) else { throw .invalidArn(arn) }
        let all = try locked { () throws(ServerError) -> [VersionRecord] in
            guard machines[arn] != nil else { throw .stateMachineDoesNotExist(arn) }
            return (versionsByMachine[arn] ?? []).compactMap { versions[$0] }
        }
        // Newest first, as AWS lists them.
        let (page, next) = try pageTokens.page(
            all, key: \.number, descending: true, scope: "ListStateMachineVersions \(arn)", token: fields.optionalString("nextToken"),
            maxResults: maxResults)
        let items = page.map { version -> JSON in
            ["stateMachineVersionArn": .string(version.arn), "creationDate": Self.epochSeconds(version.creationDate)]
        }
        return Self.listResponse("stateMachineVersions", items, next: next)
    }

    func deleteStateMachineVersion(_ fields: RequestFields) throws(ServerError) -> JSON {
        try deleteStateMachineVersion(fields.string("stateMachineVersionArn"))
    }

    /// Deleting a version an alias routes to is refused; deleting one that is gone succeeds.
    func deleteStateMachineVersion(_ arn: String) throws(ServerError) -> JSON {
        guard case .version(let machineArn, _) = try MachineTarget(arn) else { throw .invalidArn(arn) }
        try locked { () throws(ServerError) in
            let referencing = aliases.values.filter { $0.routing.contains { $0.versionArn == arn } }.sorted { $0.sequence < $1.sequence }
            guard referencing.isEmpty else {
                throw .conflict(
                    "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [\(referencing.map(\.arn).joined(separator: ", "))]"
                )
            }
            versions[arn] = nil
            versionsByMachine[machineArn]?.removeAll { $0 == arn }
            persist(.deleteVersion(arn))
        }
        return .emptyObject
    }

    // MARK: Aliases

    func createStateMachineAlias(_ fields: RequestFields) throws(ServerError) -> JSON {
        let name = try fields.string("name")
        let description = try fields.optionalString("description", length: 0...256)
        guard let routingFields = try fields.optionalObjects("routingConfiguration") else { throw .missing("routingConfiguration") }
        try Self.checkAliasName(name)
        let routing = try Self.routing(routingFields)
        let machineArn = try routingMachine(routing)
        return try locked { () throws(ServerError) -> JSON in
            guard machines[machineArn] != nil else { throw .stateMachineDoesNotExist(machineArn) }
            try checkVersionsExist(routing)
            let arn = "\(machineArn):\(name)"
            if let existing = aliases[arn] {
                guard existing.routing == routing, existing.description == description else {
                    throw .conflict("Alias \(arn) already exists with a different configuration")
                }
                return ["stateMachineAliasArn": .string(arn), "creationDate": Self.epochSeconds(existing.creationDate)]
            }
            guard aliases.values.filter({ $0.machineArn == machineArn }).count < Self.maxAliases else {
                throw ServerError(
                    "ServiceQuotaExceededException",
                    "The maximum number of aliases (\(Self.maxAliases)) has been reached for '\(machineArn)'")
            }
            let now = nowMilliseconds()
            let alias = AliasRecord(
                name: name, arn: arn, machineArn: machineArn, description: description, routing: routing, creationDate: now,
                updateDate: now,
                sequence: nextSequence())
            aliases[arn] = alias
            persist(.putAlias(Self.stored(alias)))
            return ["stateMachineAliasArn": .string(arn), "creationDate": Self.epochSeconds(now)]
        }
    }

    func describeStateMachineAlias(_ fields: RequestFields) throws(ServerError) -> JSON {
        let alias = try existingAlias(fields.string("stateMachineAliasArn"))
        var response: JSONObject = [
            "stateMachineAliasArn": .string(alias.arn), "name": .string(alias.name), "routingConfiguration": alias.routingJSON,
            "creationDate": Self.epochSeconds(alias.creationDate), "updateDate": Self.epochSeconds(alias.updateDate),
        ]
        if let description = alias.description { response["description"] = .string(description) }
        return .object(response)
    }

    func updateStateMachineAlias(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("stateMachineAliasArn")
        let description = try fields.optionalString("description", length: 0...256)
        let routingFields = try fields.optionalObjects("routingConfiguration")
        guard description != nil || routingFields != nil else {
            throw .validation("Either the description or the routingConfiguration must be specified")
        }
        let routing = try routingFields.map { fields throws(ServerError) in try Self.routing(fields) }
        if let routing, try routingMachine(routing) != (try MachineTarget(arn)).machineArn {
            throw .validation("The routing configuration must name versions of the alias's own state machine")
        }
        return try locked { () throws(ServerError) -> JSON in
            guard var alias = aliases[arn] else { throw .resourceNotFound(arn) }
            if let routing {
                try checkVersionsExist(routing)
                alias.routing = routing
            }
            if let description { alias.description = description }
            alias.updateDate = max(nowMilliseconds(), alias.updateDate + 1)
            aliases[arn] = alias
            persist(.putAlias(Self.stored(alias)))
            return ["updateDate": Self.epochSeconds(alias.updateDate)]
        }
    }

    func listStateMachineAliases(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("stateMachineArn")
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        guard case .machine = try MachineTarget(arn) else { throw .invalidArn(arn) }
        let all = try locked { () throws(ServerError) -> [AliasRecord] in
            guard machines[arn] != nil else { throw .stateMachineDoesNotExist(arn) }
            return aliases.values.filter { $0.machineArn == arn }.sorted { $0.sequence < $1.sequence }
        }
        let (page, next) = try pageTokens.page(
            all, key: \.sequence, scope: "ListStateMachineAliases \(arn)", token: fields.optionalString("nextToken"), maxResults: maxResults
        )
        let items = page.map { alias -> JSON in
            ["stateMachineAliasArn": .string(alias.arn), "creationDate": Self.epochSeconds(alias.creationDate)]
        }
        return Self.listResponse("stateMachineAliases", items, next: next)
    }

    func deleteStateMachineAlias(_ fields: RequestFields) throws(ServerError) -> JSON {
        try deleteStateMachineAlias(fields.string("stateMachineAliasArn"))
    }

    func deleteStateMachineAlias(_ arn: String) throws(ServerError) -> JSON {
        guard case .alias = try MachineTarget(arn) else { throw .invalidArn(arn) }
        try locked { () throws(ServerError) in
            guard aliases.removeValue(forKey: arn) != nil else { throw .resourceNotFound(arn) }
            persist(.deleteAlias(arn))
        }
        return .emptyObject
    }

    func existingAlias(_ arn: String) throws(ServerError) -> AliasRecord {
        guard case .alias = try MachineTarget(arn) else { throw .invalidArn(arn) }
        guard let alias = lock.withLock({ aliases[arn] }) else { throw .resourceNotFound(arn) }
        return alias
    }

    /// The version an alias sends a new execution to: one of its routes, drawn by weight.
    func routedVersion(_ alias: AliasRecord) -> String {
        guard alias.routing.count > 1 else { return alias.routing[0].versionArn }
        let draw = Int(configuration.random() % 100)
        return draw < alias.routing[0].weight ? alias.routing[0].versionArn : alias.routing[1].versionArn
    }

    /// Alias names: 1–80 of letters, digits, `-`, `_` and `.`, not all digits (those are versions).
    static func checkAliasName(_ name: String) throws(ServerError) {
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
        }
        guard (1...80).contains(name.count), allowed, name.unicodeScalars.contains(where: { !("0"..."9").contains($0) }) else {
            throw .invalidName(name)
        }
    }

    /// One or two routes with weights from 0 to 100 that add up to 100, to distinct versions.
    static func routing(_ items: [RequestFields]) throws(ServerError) -> [AliasRecord.Route] {
        guard (1...2).contains(items.count) else {
            throw .validation(
                "1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length between 1 and 2"
            )
        }
        var routes: [AliasRecord.Route] = []
        for item in items {
            let versionArn = try item.string("stateMachineVersionArn")
            guard let weight = try item.optionalInt("weight", range: 0...100) else { throw .missing("routingConfiguration.member.weight") }
            guard case .version = try MachineTarget(versionArn) else { throw .invalidArn(versionArn) }
            routes.append(AliasRecord.Route(versionArn: versionArn, weight: weight))
        }
        guard routes.reduce(0, { $0 + $1.weight }) == 100 else {
            throw .validation("Sum of routing configuration weights must be equal to 100")
        }
        guard Set(routes.map(\.versionArn)).count == routes.count else {
            throw .validation("Routing configuration must contain distinct state machine version ARNs")
        }
        return routes
    }

    /// The one state machine every route's version belongs to.
    func routingMachine(_ routes: [AliasRecord.Route]) throws(ServerError) -> String {
        let machines = Set(routes.map { (try? MachineTarget($0.versionArn))?.machineArn ?? "" })
        guard machines.count == 1, let machine = machines.first else {
            throw .validation("Routing configuration must contain state machine version ARNs of the same state machine")
        }
        return machine
    }

    /// Called with `lock` held.
    func checkVersionsExist(_ routes: [AliasRecord.Route]) throws(ServerError) {
        for route in routes where versions[route.versionArn] == nil { throw .resourceNotFound(route.versionArn) }
    }
}
