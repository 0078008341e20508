/// The partition, region and account sfn puts in every ARN it makes up: state machines,
/// executions, activities, and the resources a template names (`Ref`, `Fn::GetAtt`,
/// `AWS::AccountId`). `sfn run`, `sfn validate` and `sfn serve` share one (`--region`,
/// `--account`), so a template's ARNs and the server's agree.
public struct AWSAccount: Sendable, Hashable {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    public var partition: String
    /// The region, `us-east-1` by default.
    public var region: String
    /// The twelve-digit account id.
    public var accountId: String

    /// An account in a region.
    public init(region: String = Self.local.region, accountId: String = Self.local.accountId, partition: String = "aws") {
        self.partition = partition
        self.region = region
        self.accountId = accountId
    }

    /// sfn's default: us-east-1 and account 111111111111 (the account of the recorded AWS cases
    /// sfn is measured against).
    public static let local = AWSAccount(partition: "aws", region: "us-east-1", accountId: "111111111111")

    private init(partition: String, region: String, accountId: String) {
        self.partition = partition
        self.region = region
        self.accountId = accountId
    }

    /// The problem with a region or account id as a user gave it, or nil when both are usable.
    public static func problem(region: String, accountId: String) -> String? {
        if accountId.count != 12 || !accountId.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return "the account id must be 12 digits, not '\(accountId)'"
        }
        let regionCharacters = region.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        if region.isEmpty || region.count > 32 || !regionCharacters {
            return "the region must look like us-east-1, not '\(region)'"
        }
        return nil
    }
}
