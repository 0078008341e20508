import Foundation
import SFNJSON
import SFNLanguage

/// Reads a definition file into definition JSON.
enum DefinitionFiles {
    static func load(_ path: String, stateMachine: String?) throws(CommandFailure) -> JSON {
        try InputFiles.json(path, what: "definition")
    }
}
