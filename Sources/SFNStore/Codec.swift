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

extension HistoryEvent {
    /// The event as a stored record: its fields, with `details` as JSON.
    public var storedJSON: JSON {
        var members: JSONObject = [
            "id": .int(id), "previous": .int(previousEventId), "timestamp": .int(Int(timestamp)), "type": .string(type),
        ]
        if let detailsKey { members["detailsKey"] = .string(detailsKey) }
        if let details { members["details"] = details }
        return .object(members)
    }

    /// The event from its stored record, nil when it is not one.
    public init?(storedJSON json: JSON) {
        guard let id = json.int("id"), let previous = json.int("previous"), let timestamp = json.millis("timestamp"),
            let type = json.string("type")
        else { return nil }
        self.init(
            id: id, previousEventId: previous, timestamp: timestamp, type: type, detailsKey: json.string("detailsKey"),
            details: json["details"])
    }
}

extension StoreChange {
    /// The change as JSON (`{"change": KIND, ...}`), the form cluster nodes pass changes in.
    public var json: JSON {
        switch self {
        case .putMachine(let machine): ["change": "putMachine", "record": machine.json]
        case .deleteMachine(let arn): ["change": "deleteMachine", "arn": .string(arn)]
        case .putVersion(let version): ["change": "putVersion", "record": version.json]
        case .deleteVersion(let arn): ["change": "deleteVersion", "arn": .string(arn)]
        case .putAlias(let alias): ["change": "putAlias", "record": alias.json]
        case .deleteAlias(let arn): ["change": "deleteAlias", "arn": .string(arn)]
        case .putTags(let resource, let tags):
            [
                "change": "putTags", "arn": .string(resource),
                "tags": .array(tags.map { ["key": .string($0.key), "value": .string($0.value)] }),
            ]
        case .putActivity(let activity): ["change": "putActivity", "record": activity.json]
        case .deleteActivity(let arn): ["change": "deleteActivity", "arn": .string(arn)]
        case .putExecution(let execution): ["change": "putExecution", "record": execution.json]
        case .appendEvent(let execution, let event): ["change": "appendEvent", "arn": .string(execution), "event": event.storedJSON]
        case .putCallback(let token, let outcome, let date):
            ["change": "putCallback", "token": .string(token), "outcome": .string(outcome), "date": .int(Int(date))]
        case .forgetExecutions(let arns): ["change": "forgetExecutions", "arns": .array(arns.map(JSON.string))]
        case .forgetCallbacks(let before): ["change": "forgetCallbacks", "date": .int(Int(before))]
        case .requestStop(let execution, let error, let cause): Self.stopJSON(execution, error, cause)
        case .heartbeat(let token): ["change": "heartbeat", "token": .string(token)]
        case .offerActivityTask(let activity, let token, let execution, let input):
            [
                "change": "offerActivityTask", "arn": .string(activity), "token": .string(token), "execution": .string(execution),
                "input": .string(input),
            ]
        case .activityStarted(let activity, let token, let worker):
            ["change": "activityStarted", "arn": .string(activity), "token": .string(token), "worker": worker.map(JSON.string) ?? .null]
        }
    }

    private static func stopJSON(_ execution: String, _ error: String?, _ cause: String?) -> JSON {
        var members: JSONObject = ["change": "requestStop", "arn": .string(execution)]
        if let error { members["error"] = .string(error) }
        if let cause { members["cause"] = .string(cause) }
        return .object(members)
    }

    /// The change from its JSON, nil when it is not one.
    public init?(json: JSON) {
        let arn = json.string("arn")
        let record = json["record"]
        switch json.string("change") {
        case "putMachine":
            guard let value = record.flatMap(StoredMachine.init(json:)) else { return nil }
            self = .putMachine(value)
        case "deleteMachine":
            guard let arn else { return nil }
            self = .deleteMachine(arn)
        case "putVersion":
            guard let value = record.flatMap(StoredVersion.init(json:)) else { return nil }
            self = .putVersion(value)
        case "deleteVersion":
            guard let arn else { return nil }
            self = .deleteVersion(arn)
        case "putAlias":
            guard let value = record.flatMap(StoredAlias.init(json:)) else { return nil }
            self = .putAlias(value)
        case "deleteAlias":
            guard let arn else { return nil }
            self = .deleteAlias(arn)
        case "putTags":
            guard let arn, case .array(let items)? = json["tags"] else { return nil }
            var tags: [(key: String, value: String)] = []
            for item in items {
                guard let key = item.string("key"), let value = item.string("value") else { return nil }
                tags.append((key: key, value: value))
            }
            self = .putTags(resource: arn, tags: tags)
        case "putActivity":
            guard let value = record.flatMap(StoredActivity.init(json:)) else { return nil }
            self = .putActivity(value)
        case "deleteActivity":
            guard let arn else { return nil }
            self = .deleteActivity(arn)
        case "putExecution":
            guard let value = record.flatMap(StoredExecution.init(json:)) else { return nil }
            self = .putExecution(value)
        case "appendEvent":
            guard let arn, let event = json["event"].flatMap(HistoryEvent.init(storedJSON:)) else { return nil }
            self = .appendEvent(execution: arn, event: event)
        case "putCallback":
            guard let token = json.string("token"), let outcome = json.string("outcome"), let date = json.millis("date") else {
                return nil
            }
            self = .putCallback(token: token, outcome: outcome, date: date)
        case "forgetExecutions":
            guard case .array(let items)? = json["arns"] else { return nil }
            self = .forgetExecutions(items.compactMap(\.stringValue))
        case "forgetCallbacks":
            guard let date = json.millis("date") else { return nil }
            self = .forgetCallbacks(before: date)
        case "requestStop":
            guard let arn else { return nil }
            self = .requestStop(execution: arn, error: json.string("error"), cause: json.string("cause"))
        case "heartbeat":
            guard let token = json.string("token") else { return nil }
            self = .heartbeat(token: token)
        case "offerActivityTask":
            guard let arn, let token = json.string("token"), let execution = json.string("execution"), let input = json.string("input")
            else { return nil }
            self = .offerActivityTask(activity: arn, token: token, execution: execution, input: input)
        case "activityStarted":
            guard let arn, let token = json.string("token") else { return nil }
            self = .activityStarted(activity: arn, token: token, worker: json.string("worker"))
        default: return nil
        }
    }
}
