import Foundation
import SFNJSON
import SFNLanguage

/// Reads a definition file (ASL JSON or YAML, or a SAM/CloudFormation template) into definition JSON.
enum DefinitionFiles {
    static func load(
        _ path: String, stateMachine: String?, account: AWSAccount, parameters: [String: String] = [:]
    ) throws(CommandFailure) -> LoadedDefinition {
        do {
            return try DefinitionLoader.load(contentsOf: path, stateMachine: stateMachine, parameters: parameters, account: account)
        } catch {
            throw .usage(error.description)
        }
    }

    /// Every state machine in the file (all of a template's, or the one definition).
    static func loadAll(
        _ path: String, account: AWSAccount, parameters: [String: String] = [:]
    ) throws(CommandFailure) -> [LoadedDefinition] {
        do {
            return try DefinitionLoader.loadAll(contentsOf: path, parameters: parameters, account: account)
        } catch {
            throw .usage(error.description)
        }
    }
}
