/// An Amazon Resource Name: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
///
/// The one place sfn builds and reads ARNs: state machines, executions, activities, Lambda
/// functions and service integrations (`arn:aws:states:::lambda:invoke`).
///
/// ```swift
/// let arn = ARN.execution(machine: "Orders", name: "run-1", region: "us-east-1", account: "111111111111")
/// ARN(parsing: arn.description)?.resourceType  // "execution"
/// ```
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    public var partition: String
    /// `states`, `lambda`, `s3`...
    public var service: String
    /// Empty for global resources and service integrations.
    public var region: String
    /// Empty for global resources and service integrations.
    public var account: String
    /// Everything after the account: `stateMachine:NAME`, `function:NAME:QUALIFIER`, `lambda:invoke`.
    public var resource: String

    /// An ARN from its parts.
    public init(partition: String = "aws", service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Reads an ARN; nil when `text` does not start with `arn:` or has fewer than six parts.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        self.init(
            partition: String(parts[1]), service: String(parts[2]), region: String(parts[3]), account: String(parts[4]),
            resource: String(parts[5]))
    }

    /// The ARN as text.
    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    /// The resource's parts, split at `:` (`["execution", "Machine", "name"]`).
    public var resourceParts: [Substring] { resource.split(separator: ":", omittingEmptySubsequences: false) }

    /// The resource's kind: `stateMachine`, `execution`, `activity`, `function`; for a service
    /// integration (`arn:aws:states:::sqs:sendMessage`), the service (`sqs`).
    public var resourceType: String { resourceParts.first.map(String.init) ?? "" }

    /// The part after the kind: a state machine's, activity's or function's name.
    public var resourceName: String? {
        let parts = resourceParts
        return parts.count > 1 ? String(parts[1]) : nil
    }

    /// Whether this is a Step Functions service integration (`arn:PARTITION:states:::SERVICE:ACTION...`),
    /// which has no region and no account.
    public var isServiceIntegration: Bool { service == "states" && region.isEmpty && account.isEmpty }

    // MARK: Step Functions' own resources

    /// `arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`.
    public static func stateMachine(_ name: String, region: String, account: String, partition: String = "aws") -> ARN {
        ARN(partition: partition, service: "states", region: region, account: account, resource: "stateMachine:\(name)")
    }

    /// `arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME`.
    public static func execution(machine: String, name: String, region: String, account: String, partition: String = "aws") -> ARN {
        ARN(partition: partition, service: "states", region: region, account: account, resource: "execution:\(machine):\(name)")
    }

    /// `arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:ID`: an Express execution.
    public static func expressExecution(
        machine: String, name: String, id: String, region: String, account: String, partition: String = "aws"
    ) -> ARN {
        ARN(partition: partition, service: "states", region: region, account: account, resource: "express:\(machine):\(name):\(id)")
    }

    /// `arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:ID`: a Distributed Map's Map Run, named
    /// by the Map's `Label` (or a generated one) and an id of its own.
    public static func mapRun(
        machine: String, label: String, id: String, region: String, account: String, partition: String = "aws"
    ) -> ARN {
        ARN(partition: partition, service: "states", region: region, account: account, resource: "mapRun:\(machine)/\(label):\(id)")
    }

    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME`.
    public static func activity(_ name: String, region: String, account: String, partition: String = "aws") -> ARN {
        ARN(partition: partition, service: "states", region: region, account: account, resource: "activity:\(name)")
    }

    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME`.
    public static func lambdaFunction(_ name: String, region: String, account: String, partition: String = "aws") -> ARN {
        ARN(partition: partition, service: "lambda", region: region, account: account, resource: "function:\(name)")
    }

    /// `arn:PARTITION:states:::ACTION`, e.g. `s3:getObject`.
    public static func integration(_ action: String, partition: String = "aws") -> ARN {
        ARN(partition: partition, service: "states", region: "", account: "", resource: action)
    }
}
