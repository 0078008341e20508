import SFNJSON
import SFNRuntime

// JSON forms of the stored records, so that a backend may keep each record as one text column
// (and every backend reads and writes the same shapes).

extension JSON {
    fileprivate func string(_ key: String) -> String? { self[key]?.stringValue }
    fileprivate func int(_ key: String) -> Int? { self[key]?.intValue }
    fileprivate func millis(_ key: String) -> EpochMilliseconds? { self[key]?.intValue.map(EpochMilliseconds.init) }
}

extension StoredRevision {
    /// The record as JSON.
    public var json: JSON {
        [
            "definition": .string(definitionText), "roleArn": .string(roleArn), "revisionId": .string(revisionId),
            "updateDate": .int(Int(updateDate)),
        ]
    }

    /// The record from its JSON, nil when it is not one.
    public init?(json: JSON) {
        guard let definition = json.string("definition"), let role = json.string("roleArn"), let id = json.string("revisionId"),
            let date = json.millis("updateDate")
        else { return nil }
        self.init(definitionText: definition, roleArn: role, revisionId: id, updateDate: date)
    }
}

extension StoredMachine {
    /// The record as JSON.
    public var json: JSON {
        [
            "arn": .string(arn), "name": .string(name), "type": .string(type), "revision": revision.json, "logging": .string(logging),
            "tracing": .string(tracing), "creationDate": .int(Int(creationDate)), "sequence": .int(sequence),
            "nextVersion": .int(nextVersion),
        ]
    }

    /// The record from its JSON, nil when it is not one.
    public init?(json: JSON) {
        guard let arn = json.string("arn"), let name = json.string("name"), let type = json.string("type"),
            let revision = json["revision"].flatMap(StoredRevision.init(json:)), let logging = json.string("logging"),
            let tracing = json.string("tracing"), let created = json.millis("creationDate"), let sequence = json.int("sequence"),
            let next = json.int("nextVersion")
        else { return nil }
        self.init(
            arn: arn, name: name, type: type, revision: revision, logging: logging, tracing: tracing, creationDate: created,
            sequence: sequence, nextVersion: next)
    }
}

extension StoredVersion {
    /// The record as JSON.
    public var json: JSON {
        var members: JSONObject = [
            "arn": .string(arn), "machineArn": .string(machineArn), "number": .int(number), "revision": revision.json,
            "creationDate": .int(Int(creationDate)),
        ]
        if let description { members["description"] = .string(description) }
        return .object(members)
    }

    /// The record from its JSON, nil when it is not one.
    public init?(json: JSON) {
        guard let arn = json.string("arn"), let machine = json.string("machineArn"), let number = json.int("number"),
            let revision = json["revision"].flatMap(StoredRevision.init(json:)), let created = json.millis("creationDate")
        else { return nil }
        self.init(
            arn: arn, machineArn: machine, number: number, revision: revision, description: json.string("description"),
            creationDate: created)
    }
}

extension StoredAlias {
    /// The record as JSON.
    public var json: JSON {
        var members: JSONObject = [
            "arn": .string(arn), "machineArn": .string(machineArn), "name": .string(name), "routing": .string(routing),
            "creationDate": .int(Int(creationDate)), "updateDate": .int(Int(updateDate)), "sequence": .int(sequence),
        ]
        if let description { members["description"] = .string(description) }
        return .object(members)
    }

    /// The record from its JSON, nil when it is not one.
    public init?(json: JSON) {
        guard let arn = json.string("arn"), let machine = json.string("machineArn"), let name = json.string("name"),
            let routing = json.string("routing"), let created = json.millis("creationDate"), let updated = json.millis("updateDate"),
            let sequence = json.int("sequence")
        else { return nil }
        self.init(
            arn: arn, machineArn: machine, name: name, description: json.string("description"), routing: routing, creationDate: created,
            updateDate: updated, sequence: sequence)
    }
}

extension StoredActivity {
    /// The record as JSON.
    public var json: JSON {
        ["arn": .string(arn), "name": .string(name), "creationDate": .int(Int(creationDate)), "sequence": .int(sequence)]
    }

    /// The record from its JSON, nil when it is not one.
    public init?(json: JSON) {
        guard let arn = json.string("arn"), let name = json.string("name"), let created = json.millis("creationDate"),
            let sequence = json.int("sequence")
        else { return nil }
        self.init(arn: arn, name: name, creationDate: created, sequence: sequence)
    }
}

extension StoredExecution {
    /// The record as JSON.
    public var json: JSON {
        var members: JSONObject = [
            "arn": .string(arn), "name": .string(name), "machine": machine.json, "revision": revision.json, "input": .string(inputText),
            "startDate": .int(Int(startDate)), "sequence": .int(sequence),
        ]
        if let versionArn { members["versionArn"] = .string(versionArn) }
        if let aliasArn { members["aliasArn"] = .string(aliasArn) }
        if let redriveToken { members["redriveToken"] = .string(redriveToken) }
        if let testCase { members["testCase"] = .string(testCase) }
        return .object(members)
    }

    /// The record from its JSON, nil when it is not one.
    public init?(json: JSON) {
        guard let arn = json.string("arn"), let name = json.string("name"),
            let machine = json["machine"].flatMap(StoredMachine.init(json:)),
            let revision = json["revision"].flatMap(StoredRevision.init(json:)), let input = json.string("input"),
            let start = json.millis("startDate"), let sequence = json.int("sequence")
        else { return nil }
        self.init(
            arn: arn, name: name, machine: machine, revision: revision, inputText: input, startDate: start,
            versionArn: json.string("versionArn"), aliasArn: json.string("aliasArn"), sequence: sequence,
            redriveToken: json.string("redriveToken"), testCase: json.string("testCase"))
    }
}
