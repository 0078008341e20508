import SFNJSON

/// Evaluates the CloudFormation intrinsic functions that state machine resources commonly use
/// (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::ToJsonString`,
/// `Fn::FindInMap`) as well as a local tool can: pseudo parameters take fixed values
/// (`us-east-1`, account `123456789012`), parameters take their override or `Default`, and
/// resources get names and ARNs built from their name property or logical id (a Lambda function
/// `Worker` becomes `arn:aws:lambda:us-east-1:123456789012:function:Worker`).
struct CloudFormationIntrinsics {
    static let region = "us-east-1"
    static let accountID = "123456789012"
    static let partition = "aws"

    let file: String
    let resources: JSONObject
    let parameters: JSONObject
    let mappings: JSONObject
    let parameterOverrides: [String: String]
    let sourceMap: SourceMap

    init(template: JSONObject, file: String, sourceMap: SourceMap, parameterOverrides: [String: String]) {
        self.file = file
        self.resources = template["Resources"]?.objectValue ?? [:]
        self.parameters = template["Parameters"]?.objectValue ?? [:]
        self.mappings = template["Mappings"]?.objectValue ?? [:]
        self.parameterOverrides = parameterOverrides
        self.sourceMap = sourceMap
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

    // MARK: References

    private func reference(_ name: String, at pointer: JSONPointer) throws(DefinitionLoadError) -> JSON? {
        if name == "AWS::NoValue" { return nil }
        if let value = Self.pseudoParameter(name) { return value }
        if parameters[name] != nil { return try parameterValue(name, at: pointer) }
        if let resource = resources[name]?.objectValue {
            return .string(Self.physicalReference(of: name, resource: resource))
        }
        throw failure("Ref to '\(name)', which is not a parameter or resource of the template", at: pointer)
    }

    private static func pseudoParameter(_ name: String) -> JSON? {
        switch name {
        case "AWS::Region": .string(region)
        case "AWS::AccountId": .string(accountID)
        case "AWS::Partition": .string(partition)
        case "AWS::URLSuffix": .string("amazonaws.com")
        case "AWS::StackName": .string("sfn-local")
        case "AWS::StackId":
            .string(
                ARN(
                    service: "cloudformation", region: region, account: accountID,
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
            throw failure("parameter '\(name)' has no Default; pass a value for it", at: pointer)
        }
        return fallback
    }

    private static func resourceName(of logicalID: String, resource: JSONObject) -> String {
        let properties = resource["Properties"]?.objectValue ?? [:]
        for key in ["FunctionName", "StateMachineName", "Name", "TopicName", "QueueName", "TableName", "BucketName", "EventBusName"] {
            if case .string(let name)? = properties[key] { return name }
        }
        return logicalID
    }

    private static func arn(of logicalID: String, resource: JSONObject) -> String {
        let name = resourceName(of: logicalID, resource: resource)
        func arn(_ service: String, _ resource: String, regional: Bool = true) -> String {
            ARN(service: service, region: regional ? region : "", account: regional ? accountID : "", resource: resource).description
        }
        switch resource["Type"]?.stringValue ?? "" {
        case "AWS::Lambda::Function", "AWS::Serverless::Function":
            return ARN.lambdaFunction(name, region: region, account: accountID).description
        case "AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine":
            return ARN.stateMachine(name, region: region, account: accountID).description
        case "AWS::SNS::Topic": return arn("sns", name)
        case "AWS::SQS::Queue": return arn("sqs", name)
        case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable": return arn("dynamodb", "table/\(name)")
        case "AWS::S3::Bucket": return arn("s3", name, regional: false)
        case "AWS::Events::EventBus": return arn("events", "event-bus/\(name)")
        case let type:
            let service = type.split(separator: "::").dropFirst().first.map { $0.lowercased() } ?? "unknown"
            return arn(service, name)
        }
    }

    /// What `Ref` returns for a resource, by type.
    private static func physicalReference(of logicalID: String, resource: JSONObject) -> String {
        let name = resourceName(of: logicalID, resource: resource)
        switch resource["Type"]?.stringValue ?? "" {
        case "AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine", "AWS::SNS::Topic":
            return arn(of: logicalID, resource: resource)
        case "AWS::SQS::Queue": return "https://sqs.\(region).amazonaws.com/\(accountID)/\(name)"
        default: return name
        }
    }

    private func attribute(_ attribute: String, of logicalID: String, at pointer: JSONPointer) throws(DefinitionLoadError) -> String {
        guard let resource = resources[logicalID]?.objectValue else {
            throw failure("Fn::GetAtt names '\(logicalID)', which is not a resource of the template", at: pointer)
        }
        switch attribute {
        case "Arn", "TopicArn", "StateMachineArn": return Self.arn(of: logicalID, resource: resource)
        case "Name", "QueueName", "TopicName", "TableName", "FunctionName", "StateMachineName":
            return Self.resourceName(of: logicalID, resource: resource)
        case "QueueUrl": return Self.physicalReference(of: logicalID, resource: resource)
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
        let result = Placeholders.replace(in: template) { name in
            if name.hasPrefix("!") { return "${" + name.dropFirst() + "}" }
            if let value = variables[name] { return value }
            do {
                if let dot = name.firstIndex(of: "."), resources[String(name[..<dot])] != nil {
                    return try attribute(String(name[name.index(after: dot)...]), of: String(name[..<dot]), at: pointer)
                }
                if let value = try reference(name, at: pointer), let text = Self.text(of: value) { return text }
            } catch {
                // Reported below, with the variable's name, like CloudFormation does.
            }
            if missing == nil { missing = name }
            return nil
        }
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
