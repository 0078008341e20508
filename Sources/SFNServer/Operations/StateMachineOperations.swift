import SFNJSON
import SFNLanguage
import SFNRuntime

/// A state machine ARN as StartExecution, DescribeStateMachine and ListExecutions accept it:
/// the machine itself, one of its versions (`NAME:3`) or one of its aliases (`NAME:prod`).
enum MachineTarget: Equatable {
    case machine(String)
    case version(machineArn: String, number: Int)
    case alias(machineArn: String, name: String)

    init(_ arn: String) throws(ServerError) {
        guard let parsed = ARN(parsing: arn), parsed.resourceParts.count == 2 || parsed.resourceParts.count == 3 else {
            throw .invalidArn(arn)
        }
        guard parsed.resourceParts.count == 3 else {
            try StepFunctionsService.checkArn(arn, kind: "stateMachine", parts: 7)
            self = .machine(arn)
            return
        }
        try StepFunctionsService.checkArn(arn, kind: "stateMachine", parts: 8)
        let qualifier = String(parsed.resourceParts[2])
        let machineArn = String(arn.dropLast(qualifier.count + 1))
        if let number = Int(qualifier), qualifier.allSatisfy(\.isASCII), number > 0 {
            self = .version(machineArn: machineArn, number: number)
        } else if qualifier.allSatisfy({ $0.isNumber }) {
            throw .invalidArn(arn)
        } else {
            self = .alias(machineArn: machineArn, name: qualifier)
        }
    }

    var machineArn: String {
        switch self {
        case .machine(let arn), .version(let arn, _), .alias(let arn, _): arn
        }
    }
}

extension StepFunctionsService {
    func createStateMachine(_ fields: RequestFields) throws(ServerError) -> JSON {
        let name = try fields.string("name")
        let definitionText = try fields.string("definition")
        let roleArn = try fields.optionalString("roleArn") ?? configuration.roleArn
        let type = try machineType(fields)
        let publish = try fields.optionalBool("publish") ?? false
        let versionDescription = try fields.optionalString("versionDescription", length: 0...256)
        if versionDescription != nil && !publish {
            throw .validation("Version description can only be set when publish is true")
        }
        let newTags = try Self.tags(fields)
        try ResourceName.check(name)
        let definition = try parseDefinition(definitionText)
        let runtime = try compile(definition, name: name, type: type)
        let logging = fields.members["loggingConfiguration"]
        let tracing = fields.members["tracingConfiguration"]
        return try locked { () throws(ServerError) -> JSON in
            let arn = machineArn(name)
            if let existing = machines[arn] {
                // AWS makes creation idempotent only for an identical request.
                guard existing.revision.definition == definition, existing.revision.roleArn == roleArn, existing.type == type else {
                    throw ServerError("StateMachineAlreadyExists", "State Machine Already Exists: '\(arn)'")
                }
                return ["stateMachineArn": .string(arn), "creationDate": Self.epochSeconds(existing.creationDate)]
            }
            let revision = newRevision(definition: definition, text: definitionText, runtime: runtime, roleArn: roleArn)
            let machine = newMachine(name: name, type: type, revision: revision, logging: logging, tracing: tracing)
            machines[arn] = machine
            persist(.putMachine(Self.stored(machine)))
            if !newTags.isEmpty {
                tags[arn] = newTags
                persist(.putTags(resource: arn, tags: Self.stored(newTags)))
            }
            var response: JSONObject = ["stateMachineArn": .string(arn), "creationDate": Self.epochSeconds(revision.updateDate)]
            if publish { response["stateMachineVersionArn"] = .string(try publishVersion(of: arn, description: versionDescription).arn) }
            return .object(response)
        }
    }

    func describeStateMachine(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("stateMachineArn")
        switch try MachineTarget(arn) {
        case .machine:
            let machine = try existingMachine(arn)
            var response = machine.description(of: machine.revision)
            response["status"] = "ACTIVE"
            response["creationDate"] = Self.epochSeconds(machine.creationDate)
            return .object(response)
        case .version(let machineArn, _):
            let (machine, version) = try locked { () throws(ServerError) -> (StateMachineRecord, VersionRecord) in
                guard let machine = machines[machineArn], let version = versions[arn] else { throw .stateMachineDoesNotExist(arn) }
                return (machine, version)
            }
            var response = machine.description(of: version.revision, arn: version.arn)
            response["status"] = "ACTIVE"
            response["creationDate"] = Self.epochSeconds(version.creationDate)
            if let description = version.description { response["description"] = .string(description) }
            return .object(response)
        case .alias:
            // Aliases are described by DescribeStateMachineAlias.
            throw .invalidArn(arn)
        }
    }

    func listStateMachines(_ fields: RequestFields) throws(ServerError) -> JSON {
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        let all = lock.withLock { machines.values.sorted { $0.sequence < $1.sequence } }
        let (page, next) = try pageTokens.page(
            all, key: \.sequence, scope: "ListStateMachines", token: fields.optionalString("nextToken"), maxResults: maxResults)
        let items = page.map { machine -> JSON in
            [
                "stateMachineArn": .string(machine.arn), "name": .string(machine.name), "type": .string(machine.type),
                "creationDate": Self.epochSeconds(machine.creationDate),
            ]
        }
        return Self.listResponse("stateMachines", items, next: next)
    }

    func updateStateMachine(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("stateMachineArn")
        let definitionText = try fields.optionalString("definition")
        let roleArn = try fields.optionalString("roleArn")
        let publish = try fields.optionalBool("publish") ?? false
        let versionDescription = try fields.optionalString("versionDescription", length: 0...256)
        let logging = fields.members["loggingConfiguration"]
        let tracing = fields.members["tracingConfiguration"]
        if versionDescription != nil && !publish {
            throw .validation("Version description can only be set when publish is true")
        }
        if definitionText == nil && roleArn == nil && logging == nil && tracing == nil && !publish {
            throw ServerError(
                "MissingRequiredParameter",
                "Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified")
        }
        let current = try existingMachine(arn)
        var definition = current.revision.definition
        var runtime = current.revision.runtime
        if let definitionText {
            definition = try parseDefinition(definitionText)
            runtime = try compile(definition, name: current.name, type: current.type)
        }
        return try locked { () throws(ServerError) -> JSON in
            guard var record = machines[current.arn] else { throw .stateMachineDoesNotExist(arn) }
            let changesRevision =
                (definitionText != nil && definition != record.revision.definition)
                || (roleArn != nil && roleArn != record.revision.roleArn)
            let updateDate = max(nowMilliseconds(), record.revision.updateDate + 1)
            if changesRevision {
                var revision = newRevision(
                    definition: definition, text: definitionText ?? record.revision.definitionText, runtime: runtime,
                    roleArn: roleArn ?? record.revision.roleArn)
                revision.updateDate = updateDate
                record.revision = revision
            } else if let definitionText {
                record.revision.definitionText = definitionText
            }
            if let logging { record.loggingConfiguration = logging }
            if let tracing { record.tracingConfiguration = tracing }
            machines[current.arn] = record
            persist(.putMachine(Self.stored(record)))
            var response: JSONObject = [
                "updateDate": Self.epochSeconds(changesRevision ? updateDate : record.revision.updateDate),
                "revisionId": .string(record.revision.revisionId),
            ]
            if publish {
                response["stateMachineVersionArn"] = .string(try publishVersion(of: current.arn, description: versionDescription).arn)
            }
            return .object(response)
        }
    }

    func deleteStateMachine(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("stateMachineArn")
        switch try MachineTarget(arn) {
        case .machine:
            // Running executions carry on (as on AWS); the machine, its versions and aliases go.
            lock.withLock {
                forgetMachine(arn)
                persist(.deleteMachine(arn))
            }
            return .emptyObject
        case .version:
            return try deleteStateMachineVersion(arn)
        case .alias:
            return try deleteStateMachineAlias(arn)
        }
    }

    /// Removes a machine with its versions, aliases and tags (not its executions). Called with
    /// `lock` held.
    func forgetMachine(_ arn: String) {
        machines[arn] = nil
        for version in versionsByMachine.removeValue(forKey: arn) ?? [] { versions[version] = nil }
        for (aliasArn, alias) in aliases where alias.machineArn == arn { aliases[aliasArn] = nil }
        tags[arn] = nil
    }

    func validateDefinition(_ fields: RequestFields) throws(ServerError) -> JSON {
        let text = try fields.string("definition")
        let type = StateMachineType(rawValue: try machineType(fields)) ?? .standard
        let maxResults = try fields.optionalInt("maxResults", range: 0...100) ?? 0
        var report = StateMachine.validate(text: text)
        if report.errors.isEmpty, let definition = try? JSON(parsing: text), let machine = try? StateMachine.parse(definition) {
            report.diagnostics += machine.diagnostics(for: type)
        }
        let errors = report.errors
        let limit = maxResults == 0 ? 100 : maxResults
        let diagnostics = report.diagnostics.prefix(limit).map { diagnostic -> JSON in
            var members: JSONObject = [
                "severity": .string(diagnostic.severity.rawValue), "code": .string(diagnostic.code.rawValue),
                "message": .string(diagnostic.message),
            ]
            if !diagnostic.location.isEmpty { members["location"] = .string(diagnostic.location) }
            return .object(members)
        }
        return [
            "result": errors.isEmpty ? "OK" : "FAIL", "diagnostics": .array(Array(diagnostics)),
            "truncated": .bool(report.diagnostics.count > limit),
        ]
    }
}
