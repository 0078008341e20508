import ArgumentParser
import SFNLanguage
import SFNRuntime

/// `--region` and `--account`: the one account `run`, `validate` and `serve` put in every ARN,
/// a template's `Ref`s and `Fn::GetAtt`s included.
struct AccountOptions: ParsableArguments {
    @Option(help: "The region in every ARN (state machines, executions, a template's resources).")
    var region = AWSAccount.local.region

    @Option(help: "The 12-digit account id in every ARN.")
    var account = AWSAccount.local.accountId

    func validate() throws {
        if let problem = AWSAccount.problem(region: region, accountId: account) {
            throw ValidationError(problem)
        }
    }

    var value: AWSAccount { AWSAccount(region: region, accountId: account) }
}
