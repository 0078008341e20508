import Foundation
import SFNJSON
import SFNLanguage

/// Reads a definition file (ASL JSON or YAML, or a SAM/CloudFormation template) into definition JSON.
enum DefinitionFiles {
    static func load(_ path: String, stateMachine: String?, account: AWSAccount) throws(CommandFailure) -> LoadedDefinition {
        do {
            return try DefinitionLoader.load(contentsOf: path, stateMachine: stateMachine, account: account)
        } catch {
            throw .usage(error.description)
        }
    }
}
