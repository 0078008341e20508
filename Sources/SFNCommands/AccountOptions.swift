import ArgumentParser
import Foundation
import SFNJSON
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

/// `--parameter KEY=VALUE` and `--parameters FILE`: values for a template's parameters, over
/// their `Default`s, for `run`, `validate` and `serve`.
struct TemplateParameterOptions: ParsableArguments {
    @Option(
        name: .customLong("parameter"),
        help: ArgumentHelp("A template parameter's value (repeatable), over its Default.", valueName: "KEY=VALUE"))
    var parameter: [String] = []

    @Option(
        name: .customLong("parameters"),
        help: ArgumentHelp(
            "A file of template parameter values: a JSON or YAML object {KEY: VALUE}, the AWS CLI's [{ParameterKey, ParameterValue}] list, or KEY=VALUE words (sam's parameter_overrides); --parameter wins over it.",
            valueName: "FILE"))
    var parametersFile: String?

    /// The values, the file's first and then each `--parameter`.
    func values() throws(CommandFailure) -> [String: String] {
        var values: [String: String] = [:]
        if let parametersFile {
            let data = try InputFiles.read(parametersFile)
            values = try Self.parse(String(decoding: data, as: UTF8.self), file: parametersFile)
        }
        for pair in parameter {
            guard let (key, value) = Self.assignment(pair[...]) else { throw .usage("--parameter '\(pair)' is not KEY=VALUE") }
            values[key] = value
        }
        return values
    }

    /// `KEY=VALUE` split at its first `=` (nil without one, or with an empty key).
    static func assignment(_ text: Substring) -> (key: String, value: String)? {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    static func parse(_ text: String, file: String) throws(CommandFailure) -> [String: String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") || trimmed.contains(":") && !trimmed.contains("=") {
            let document: JSON
            do {
                document = try DefinitionLoader.parseDocument(text: text, file: file).0
            } catch {
                throw .usage("--parameters \(file): \(error.description)")
            }
            var values: [String: String] = [:]
            switch document {
            case .object(let members):
                for (key, value) in members { values[key] = value.stringValue ?? value.compactText }
            case .array(let items):
                for item in items {
                    guard let key = item["ParameterKey"]?.stringValue, let value = item["ParameterValue"] else {
                        throw .usage("--parameters \(file): each entry of the list needs ParameterKey and ParameterValue")
                    }
                    values[key] = value.stringValue ?? value.compactText
                }
            default:
                throw .usage("--parameters \(file): expected an object of values or a list of ParameterKey/ParameterValue")
            }
            return values
        }
        var values: [String: String] = [:]
        for word in trimmed.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
            guard var (key, value) = assignment(word) else { throw .usage("--parameters \(file): '\(word)' is not KEY=VALUE") }
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            values[key] = value
        }
        return values
    }
}
