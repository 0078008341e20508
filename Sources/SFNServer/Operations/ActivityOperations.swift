import SFNJSON
import SFNRuntime

extension StepFunctionsService {
    func createActivity(_ fields: RequestFields) throws(ServerError) -> JSON {
        let name = try fields.string("name")
        try ResourceName.check(name)
        let newTags = try Self.tags(fields)
        return lock.withLock {
            let arn = activityArn(name)
            let record =
                activityRecords[arn] ?? ActivityRecord(name: name, arn: arn, creationDate: nowMilliseconds(), sequence: nextSequence())
            if activityRecords[arn] == nil {
                persist(.putActivity(Self.stored(record)))
                if !newTags.isEmpty {
                    tags[arn] = newTags
                    persist(.putTags(resource: arn, tags: Self.stored(newTags)))
                }
            }
            activityRecords[arn] = record
            return ["activityArn": .string(arn), "creationDate": Self.epochSeconds(record.creationDate)]
        }
    }

    func deleteActivity(_ fields: RequestFields) throws(ServerError) -> JSON {
        let arn = try fields.string("activityArn")
        try Self.checkArn(arn, kind: "activity", parts: 7)
        lock.withLock {
            activityRecords[arn] = nil
            tags[arn] = nil
            persist(.deleteActivity(arn))
        }
        return .emptyObject
    }

    func listActivities(_ fields: RequestFields) throws(ServerError) -> JSON {
        let maxResults = try fields.optionalInt("maxResults", range: 0...1000)
        let all = lock.withLock { activityRecords.values.sorted { $0.sequence < $1.sequence } }
        let (page, next) = try pageTokens.page(
            all, key: \.sequence, scope: "ListActivities", token: fields.optionalString("nextToken"), maxResults: maxResults)
        return Self.listResponse("activities", page.map(\.json), next: next)
    }

    func describeActivity(_ fields: RequestFields) throws(ServerError) -> JSON {
        try existingActivity(fields.string("activityArn")).json
    }

    func getActivityTask(_ fields: RequestFields) async throws(ServerError) -> JSON {
        let activity = try existingActivity(fields.string("activityArn"))
        let workerName = try fields.optionalString("workerName")
        if cluster != nil { return try await claimActivityTask(activity.arn, workerName: workerName) }
        guard let task = await activities.poll(activity.arn, timeoutSeconds: activityPollSeconds, workerName: workerName) else {
            return .emptyObject
        }
        return ["taskToken": .string(task.taskToken), "input": .string(task.input.compactText)]
    }
}
