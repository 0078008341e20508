import SFNJSON
import SFNLanguage

/// Tags on state machines and activities: given at creation or by TagResource, listed in the
/// order they were first set, at most 50 per resource (AWS's quota).
extension StepFunctionsService {
    static let maxTags = 50

    func tagResource(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("resourceArn")
        guard fields.members["tags"] != nil else { throw .missing("tags") }
        let added = try Self.tags(fields)
        try locked { () throws(ServerError) in
            try checkTaggable(arn)
            var current = tags[arn] ?? []
            for tag in added {
                if let index = current.firstIndex(where: { $0.key == tag.key }) {
                    current[index].value = tag.value
                } else {
                    current.append(tag)
                }
            }
            guard current.count <= Self.maxTags else {
                throw ServerError("TooManyTags", "Too many tags: '\(arn)' may have at most \(Self.maxTags)")
            }
            tags[arn] = current
            persist(.putTags(resource: arn, tags: Self.stored(current)))
        }
        return .emptyObject
    }

    func untagResource(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("resourceArn")
        guard let keys = try fields.optionalStrings("tagKeys") else { throw .missing("tagKeys") }
        try locked { () throws(ServerError) in
            try checkTaggable(arn)
            tags[arn]?.removeAll { keys.contains($0.key) }
            persist(.putTags(resource: arn, tags: Self.stored(tags[arn] ?? [])))
        }
        return .emptyObject
    }

    func listTagsForResource(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("resourceArn")
        let current = try locked { () throws(ServerError) -> [Tag] in
            try checkTaggable(arn)
            return tags[arn] ?? []
        }
        return ["tags": .array(current.map(\.json))]
    }

    /// A state machine or an activity that exists. Called with `lock` held.
    private func checkTaggable(_ arn: String) throws(ServerError) {
        guard let parsed = ARN(parsing: arn), parsed.service == "states",
            parsed.resourceType == "stateMachine" || parsed.resourceType == "activity"
        else { throw .invalidArn(arn) }
        guard machines[arn] != nil || activityRecords[arn] != nil else { throw .resourceNotFound(arn) }
    }

    /// A request's `tags`: keys of 1–128 characters, values of at most 256.
    static func tags(_ fields: RequestFields) throws(ServerError) -> [Tag] {
        guard let items = try fields.optionalObjects("tags") else { return [] }
        var result: [Tag] = []
        for item in items {
            guard let key = try item.optionalString("key", length: 1...128) else { throw .missing("tags.member.key") }
            let value = try item.optionalString("value", length: 0...256) ?? ""
            if let index = result.firstIndex(where: { $0.key == key }) {
                result[index].value = value
            } else {
                result.append(Tag(key: key, value: value))
            }
        }
        guard result.count <= maxTags else { throw ServerError("TooManyTags", "Too many tags: at most \(maxTags) may be given") }
        return result
    }
}
