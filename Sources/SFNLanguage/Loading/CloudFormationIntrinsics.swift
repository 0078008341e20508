import SFNJSON

/// Evaluates the CloudFormation intrinsic functions that state machine resources commonly use
/// (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Split`, `Fn::Select`, `Fn::If` with the
/// template's `Conditions`, `Fn::ToJsonString`, `Fn::FindInMap`) as well as a local tool can:
/// pseudo parameters take the account's values (`us-east-1`, `111111111111` unless given),
/// parameters take their override or `Default`, and resources get names and ARNs of the shape
/// AWS gives them, built from their name property or logical id (a Lambda function `Worker`
/// becomes `arn:aws:lambda:us-east-1:111111111111:function:Worker`). SAM's implicit resources
/// (`ServerlessRestApi`, a function's or state machine's generated `...Role`) can be named too.
struct CloudFormationIntrinsics {
    let file: String
    let resources: JSONObject
    let parameters: JSONObject
    let mappings: JSONObject
    let conditions: JSONObject
    let parameterOverrides: [String: String]
    let sourceMap: SourceMap
    let account: AWSAccount

    init(
        template: JSONObject, file: String, sourceMap: SourceMap, parameterOverrides: [String: String], account: AWSAccount = .local
    ) {
        self.file = file
        self.resources = template["Resources"]?.objectValue ?? [:]
        self.parameters = template["Parameters"]?.objectValue ?? [:]
        self.mappings = template["Mappings"]?.objectValue ?? [:]
        self.conditions = template["Conditions"]?.objectValue ?? [:]
        self.parameterOverrides = parameterOverrides
        self.sourceMap = sourceMap
        self.account = account
    }

    func failure(_ message: String, at pointer: JSONPointer) -> DefinitionLoadError {
        DefinitionLoadError(.invalidDocument, file: file, location: sourceMap.position(of: pointer), message: message)
    }

    /// The value with every intrinsic function inside it evaluated; `nil` when the value is
    /// `AWS::NoValue` (the member disappears).
    func resolve(_ value: JSON, at pointer: JSONPointer) throws(DefinitionLoadError) -> JSON? {
        switch value {
        case .object(let members):
            if members.count == 1, let only = members.elements.first,
                only.key == "Ref" || only.key.hasPrefix("Fn::")
            {
                return try evaluate(only.key, only.value, at: pointer / only.key)
            }
            var resolved = JSONObject(minimumCapacity: members.count)
            for (key, member) in members {
                if let value = try resolve(member, at: pointer / key) { resolved[key] = value }
            }
            return .object(resolved)
        case .array(let elements):
            var resolved: [JSON] = []
            resolved.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                if let value = try resolve(element, at: pointer / index) { resolved.append(value) }
            }
            return .array(resolved)
        default:
            return value
        }
    }

    private func resolveString(_ value: JSON, at pointer: JSONPointer, purpose: String) throws(DefinitionLoadError) -> String {
        guard let resolved = try resolve(value, at: pointer) else {
            throw failure("\(purpose) must not be AWS::NoValue", at: pointer)
        }
        if let text = Self.text(of: resolved) { return text }
        throw failure("\(purpose) must be a string, not \(resolved.typeName)", at: pointer)
    }

    /// A scalar as CloudFormation turns it into text.
    static func text(of value: JSON) -> String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double: value.compactText
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }

    private func evaluate(_ function: String, _ argument: JSON, at pointer: JSONPointer) throws(DefinitionLoadError) -> JSON? {
        switch function {
        case "Ref":
            guard case .string(let name) = argument else {
                throw failure("Ref takes the name of a parameter or resource", at: pointer)
            }
            return try reference(name, at: pointer)
        case "Fn::GetAtt":
            let parts: [String]
            switch argument {
            case .string(let text): parts = text.split(separator: ".", maxSplits: 1).map(String.init)
            case .array(let elements): parts = elements.compactMap(\.stringValue)
            default: parts = []
            }
            guard parts.count == 2 else {
                throw failure("Fn::GetAtt takes [LogicalId, Attribute]", at: pointer)
            }
            return .string(try attribute(parts[1], of: parts[0], at: pointer))
        case "Fn::Sub":
            return .string(try substitute(argument, at: pointer))
        case "Fn::Join":
            guard case .array(let parts) = argument, parts.count == 2, case .string(let delimiter) = parts[0] else {
                throw failure("Fn::Join takes [delimiter, [values]]", at: pointer)
            }
            guard case .array(let values)? = try resolve(parts[1], at: pointer / 1) else {
                throw failure("Fn::Join takes [delimiter, [values]]", at: pointer / 1)
            }
            var texts: [String] = []
            for (index, value) in values.enumerated() {
                guard let text = Self.text(of: value) else {
                    throw failure("Fn::Join can only join strings, not \(value.typeName)", at: pointer / 1 / index)
                }
                texts.append(text)
            }
            return .string(texts.joined(separator: delimiter))
        case "Fn::Select":
            guard case .array(let parts) = argument, parts.count == 2 else {
                throw failure("Fn::Select takes [index, [values]]", at: pointer)
            }
            let indexValue = try resolve(parts[0], at: pointer / 0)
            guard let index = indexValue?.intValue ?? indexValue?.stringValue.flatMap({ Int($0) }),
                case .array(let values)? = try resolve(parts[1], at: pointer / 1)
            else {
                throw failure("Fn::Select takes [index, [values]]", at: pointer)
            }
            guard values.indices.contains(index) else {
                throw failure("Fn::Select index \(index) is out of range (\(values.count) values)", at: pointer)
            }
            return values[index]
        case "Fn::Split":
            guard case .array(let parts) = argument, parts.count == 2, case .string(let delimiter) = parts[0], !delimiter.isEmpty else {
                throw failure("Fn::Split takes [delimiter, string]", at: pointer)
            }
            let source = try resolveString(parts[1], at: pointer / 1, purpose: "the string Fn::Split splits")
            return .array(source.split(separator: delimiter, omittingEmptySubsequences: false).map { .string(String($0)) })
        case "Fn::If":
            guard case .array(let parts) = argument, parts.count == 3, case .string(let condition) = parts[0] else {
                throw failure("Fn::If takes [ConditionName, value if true, value if false]", at: pointer)
            }
            let holds = try self.condition(condition, at: pointer / 0, depth: 0)
            return try resolve(holds ? parts[1] : parts[2], at: pointer / (holds ? 1 : 2))
        case "Fn::ToJsonString":
            guard let value = try resolve(argument, at: pointer) else { return .string("null") }
            return .string(value.compactText)
        case "Fn::FindInMap":
            guard case .array(let parts) = argument, parts.count == 3 else {
                throw failure("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]", at: pointer)
            }
            var keys: [String] = []
            for index in 0..<3 {
                keys.append(try resolveString(parts[index], at: pointer / index, purpose: "a Fn::FindInMap key"))
            }
            guard let found = mappings[keys[0]]?[keys[1]]?[keys[2]] else {
                throw failure("Fn::FindInMap: no value at \(keys.joined(separator: "."))", at: pointer)
            }
            return found
        default:
            throw failure("\(function) cannot be evaluated locally; give the value directly", at: pointer)
        }
    }

    // MARK: Conditions

    /// Whether the template's condition `name` holds.
    private func condition(_ name: String, at pointer: JSONPointer, depth: Int) throws(DefinitionLoadError) -> Bool {
        guard let definition = conditions[name] else {
            throw failure("Fn::If names condition '\(name)', which the template's Conditions do not define", at: pointer)
        }
        return try holds(definition, at: JSONPointer.root / "Conditions" / name, depth: depth + 1)
    }

    /// Evaluates a condition function: Fn::Equals, Fn::Not, Fn::And, Fn::Or, or `{"Condition": name}`.
    private func holds(_ value: JSON, at pointer: JSONPointer, depth: Int) throws(DefinitionLoadError) -> Bool {
        // Conditions may name each other; a cycle must end in an error, not a stack overflow.
        guard depth <= 64 else { throw failure("Conditions refer to each other in a cycle", at: pointer) }
        guard case .object(let members) = value, members.count == 1, let only = members.elements.first else {
            if case .bool(let flag) = value { return flag }
            throw failure("a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or {\"Condition\": name}", at: pointer)
        }
        let at = pointer / only.key
        switch (only.key, only.value) {
        case ("Condition", .string(let name)):
            return try condition(name, at: at, depth: depth)
        case ("Fn::Equals", .array(let sides)) where sides.count == 2:
            let left = try resolve(sides[0], at: at / 0).flatMap(Self.text(of:))
            let right = try resolve(sides[1], at: at / 1).flatMap(Self.text(of:))
            return left != nil && left == right
        case ("Fn::Not", .array(let inner)) where inner.count == 1:
            return try !holds(inner[0], at: at / 0, depth: depth + 1)
        case ("Fn::And", .array(let inner)) where (2...10).contains(inner.count):
            for (index, part) in inner.enumerated() where try !holds(part, at: at / index, depth: depth + 1) { return false }
            return true
        case ("Fn::Or", .array(let inner)) where (2...10).contains(inner.count):
            for (index, part) in inner.enumerated() where try holds(part, at: at / index, depth: depth + 1) { return true }
            return false
        default:
            throw failure("\(only.key) is not a condition function CloudFormation accepts here", at: at)
        }
    }

    // MARK: References

    private func reference(_ name: String, at pointer: JSONPointer) throws(DefinitionLoadError) -> JSON? {
        if name == "AWS::NoValue" { return nil }
        if let value = pseudoParameter(name) { return value }
        if parameters[name] != nil { return try parameterValue(name, at: pointer) }
        if let resource = resource(named: name) {
            return .string(physicalReference(of: name, resource: resource))
        }
        throw failure("Ref to '\(name)', which is not a parameter or resource of the template", at: pointer)
    }

    private func pseudoParameter(_ name: String) -> JSON? {
        switch name {
        case "AWS::Region": .string(account.region)
        case "AWS::AccountId": .string(account.accountId)
        case "AWS::Partition": .string(account.partition)
        case "AWS::URLSuffix": .string(account.partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com")
        case "AWS::StackName": .string("sfn-local")
        case "AWS::StackId":
            .string(
                ARN(
                    partition: account.partition, service: "cloudformation", region: account.region, account: account.accountId,
                    resource: "stack/sfn-local/00000000-0000-0000-0000-000000000000"
                )
                .description)
        case "AWS::NotificationARNs": .array([])
        default: nil
        }
    }

    private func parameterValue(_ name: String, at pointer: JSONPointer) throws(DefinitionLoadError) -> JSON {
        if let override = parameterOverrides[name] { return .string(override) }
        guard let fallback = parameters[name]?["Default"] else {
            // Every parameter still without a value, so one run says all that is missing.
            let unset = parameters.keys.filter { parameters[$0]?["Default"] == nil && parameterOverrides[$0] == nil }
            let others = unset.filter { $0 != name }
            throw failure(
                "parameter '\(name)' has no Default; give it a value (sfn: --parameter \(name)=VALUE, or --parameters FILE)"
                    + (others.isEmpty ? "" : "; these have none either: " + others.joined(separator: ", ")), at: pointer)
        }
        return fallback
    }

    /// A resource of the template, or one SAM's transform would add: `ServerlessRestApi` and
    /// `ServerlessHttpApi`, and the `<LogicalId>Role` of a function or state machine without a `Role`.
    private func resource(named logicalID: String) -> JSONObject? {
        if let resource = resources[logicalID]?.objectValue { return resource }
        switch logicalID {
        case "ServerlessRestApi": return ["Type": "AWS::Serverless::Api"]
        case "ServerlessHttpApi": return ["Type": "AWS::Serverless::HttpApi"]
        default: break
        }
        if logicalID.hasSuffix("Role"), let owner = resources[String(logicalID.dropLast(4))]?.objectValue,
            ["AWS::Serverless::Function", "AWS::Serverless::StateMachine"].contains(owner["Type"]?.stringValue ?? ""),
            owner["Properties"]?["Role"] == nil
        {
            return ["Type": "AWS::IAM::Role"]
        }
        return nil
    }

    /// How AWS names and references one resource type.
    private struct Kind {
        /// The ARN's service.
        var service: String
        /// The ARN's resource part for a resource of this name.
        var resource: (String) -> String
        /// What `Ref` returns.
        var reference: Reference = .name
        /// Global services (S3 buckets, IAM) leave the region out; S3 leaves the account out too.
        var regional = true
        var hasAccount = true

        enum Reference { case name, arn, queueURL, identifier }
    }

    private static func kind(of type: String) -> Kind {
        switch type {
        case "AWS::Lambda::Function", "AWS::Serverless::Function": Kind(service: "lambda", resource: { "function:\($0)" })
        case "AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine":
            Kind(service: "states", resource: { "stateMachine:\($0)" }, reference: .arn)
        case "AWS::StepFunctions::Activity": Kind(service: "states", resource: { "activity:\($0)" }, reference: .arn)
        case "AWS::SNS::Topic": Kind(service: "sns", resource: { $0 }, reference: .arn)
        case "AWS::SQS::Queue": Kind(service: "sqs", resource: { $0 }, reference: .queueURL)
        case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable": Kind(service: "dynamodb", resource: { "table/\($0)" })
        case "AWS::S3::Bucket": Kind(service: "s3", resource: { $0 }, regional: false, hasAccount: false)
        case "AWS::Events::EventBus": Kind(service: "events", resource: { "event-bus/\($0)" })
        case "AWS::Events::Rule": Kind(service: "events", resource: { "rule/\($0)" })
        case "AWS::IAM::Role": Kind(service: "iam", resource: { "role/\($0)" }, regional: false)
        case "AWS::ECS::Cluster": Kind(service: "ecs", resource: { "cluster/\($0)" })
        case "AWS::ECS::TaskDefinition": Kind(service: "ecs", resource: { "task-definition/\($0):1" }, reference: .arn)
        case "AWS::Batch::JobQueue": Kind(service: "batch", resource: { "job-queue/\($0)" }, reference: .arn)
        case "AWS::Batch::JobDefinition": Kind(service: "batch", resource: { "job-definition/\($0):1" }, reference: .arn)
        case "AWS::Glue::Job": Kind(service: "glue", resource: { "job/\($0)" })
        case "AWS::Kinesis::Stream": Kind(service: "kinesis", resource: { "stream/\($0)" })
        case "AWS::Logs::LogGroup": Kind(service: "logs", resource: { "log-group:\($0):*" })
        case "AWS::SecretsManager::Secret": Kind(service: "secretsmanager", resource: { "secret:\($0)" }, reference: .arn)
        case "AWS::Serverless::Api", "AWS::ApiGateway::RestApi", "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api":
            Kind(service: "apigateway", resource: { "/restapis/\($0)" }, reference: .identifier, hasAccount: false)
        default:
            Kind(service: type.split(separator: "::").dropFirst().first.map { $0.lowercased() } ?? "unknown", resource: { $0 })
        }
    }

    private static func resourceName(of logicalID: String, resource: JSONObject) -> String {
        let properties = resource["Properties"]?.objectValue ?? [:]
        for key in [
            "FunctionName", "StateMachineName", "Name", "TopicName", "QueueName", "TableName", "BucketName", "EventBusName",
            "RoleName", "ClusterName", "Family", "JobQueueName", "JobDefinitionName", "LogGroupName",
        ] {
            if case .string(let name)? = properties[key] { return name }
        }
        return logicalID
    }

    private func arn(of logicalID: String, resource: JSONObject) -> String {
        let kind = Self.kind(of: resource["Type"]?.stringValue ?? "")
        return ARN(
            partition: account.partition, service: kind.service, region: kind.regional ? account.region : "",
            account: kind.hasAccount ? account.accountId : "", resource: kind.resource(Self.resourceName(of: logicalID, resource: resource))
        ).description
    }

    /// What `Ref` returns for a resource, by type.
    private func physicalReference(of logicalID: String, resource: JSONObject) -> String {
        let name = Self.resourceName(of: logicalID, resource: resource)
        switch Self.kind(of: resource["Type"]?.stringValue ?? "").reference {
        case .arn: return arn(of: logicalID, resource: resource)
        case .queueURL: return "https://sqs.\(account.region).amazonaws.com/\(account.accountId)/\(name)"
        case .identifier: return Self.identifier(for: logicalID)
        case .name: return name
        }
    }

    /// A stable 10-character id of the kind API Gateway gives (lower-case letters and digits).
    private static func identifier(for logicalID: String) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in logicalID.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        return String((0..<10).map { index in digits[Int((hash >> UInt64(index * 6)) % 36)] })
    }

    private func attribute(_ attribute: String, of logicalID: String, at pointer: JSONPointer) throws(DefinitionLoadError) -> String {
        guard let resource = resource(named: logicalID) else {
            throw failure("Fn::GetAtt names '\(logicalID)', which is not a resource of the template", at: pointer)
        }
        switch attribute {
        case "Arn", "TopicArn", "StateMachineArn", "QueueArn": return arn(of: logicalID, resource: resource)
        case "Name", "QueueName", "TopicName", "TableName", "FunctionName", "StateMachineName", "RoleName":
            return Self.resourceName(of: logicalID, resource: resource)
        case "QueueUrl": return physicalReference(of: logicalID, resource: resource)
        case "StreamArn": return arn(of: logicalID, resource: resource) + "/stream/1970-01-01T00:00:00.000"
        case "RoleId": return "AROA" + Self.identifier(for: logicalID).uppercased() + "LOCAL"
        case "RootResourceId", "ApiId": return Self.identifier(for: logicalID + "." + attribute)
        default: return "\(logicalID).\(attribute)"
        }
    }

    // MARK: Fn::Sub

    private func substitute(_ argument: JSON, at pointer: JSONPointer) throws(DefinitionLoadError) -> String {
        let template: String
        var variables: [String: String] = [:]
        switch argument {
        case .string(let text):
            template = text
        case .array(let parts) where parts.count == 2:
            guard case .string(let text) = parts[0], case .object(let members) = parts[1] else {
                throw failure("Fn::Sub takes a string or [string, {variables}]", at: pointer)
            }
            template = text
            for (name, value) in members {
                variables[name] = try resolveString(value, at: pointer / 1 / name, purpose: "Fn::Sub variable '\(name)'")
            }
        default:
            throw failure("Fn::Sub takes a string or [string, {variables}]", at: pointer)
        }
        var missing: String?
        var parameterFailure: DefinitionLoadError?
        let result = Placeholders.replace(in: template) { name in
            if name.hasPrefix("!") { return "${" + name.dropFirst() + "}" }
            if let value = variables[name] { return value }
            do {
                if let dot = name.firstIndex(of: "."), resource(named: String(name[..<dot])) != nil {
                    return try attribute(String(name[name.index(after: dot)...]), of: String(name[..<dot]), at: pointer)
                }
                if let value = try reference(name, at: pointer), let text = Self.text(of: value) { return text }
            } catch {
                // A parameter without a value says so; the rest is reported below, with the
                // variable's name, like CloudFormation does.
                if parameters[name] != nil, parameterFailure == nil { parameterFailure = error as? DefinitionLoadError }
            }
            if missing == nil { missing = name }
            return nil
        }
        if let parameterFailure { throw parameterFailure }
        if let missing {
            throw failure("Fn::Sub variable '${\(missing)}' is not a parameter, resource, attribute or given variable", at: pointer)
        }
        return result
    }
}

/// `${Name}` placeholders, as Fn::Sub and DefinitionSubstitutions write them.
enum Placeholders {
    /// Replaces every `${...}` whose name `value(for:)` knows; unknown ones stay as written.
    static func replace(in text: String, value: (String) -> String?) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = text[...]
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                rest = rest[start.lowerBound...]
                break
            }
            let name = String(rest[start.upperBound..<end])
            if let replacement = value(name.trimmingWhitespace()) {
                result += replacement
            } else {
                result += rest[start.lowerBound...end]
            }
            rest = rest[rest.index(after: end)...]
        }
        result += rest
        return result
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " { slice = slice.dropFirst() }
        while let last = slice.last, last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
