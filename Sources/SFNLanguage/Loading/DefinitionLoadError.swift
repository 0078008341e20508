/// Why a definition could not be loaded from a file.
public struct DefinitionLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem stopped the load.
    public enum Kind: Sendable, Equatable {
        /// The file does not exist.
        case fileNotFound
        /// The file exists but could not be read (a folder, no permission, not UTF-8).
        case unreadable
        /// The text is not valid JSON or YAML; `location` says where.
        case syntax
        /// The document parsed but is not a state machine definition or a usable template.
        case invalidDocument
        /// A template holds several state machines and none (or an unknown one) was chosen.
        case stateMachineSelection
        /// The definition lives somewhere that cannot be read locally (S3).
        case notLocal
    }

    /// What kind of problem.
    public var kind: Kind
    /// The file the problem is in, as given by the caller.
    public var file: String
    /// Where in the file, when known.
    public var location: SourcePosition?
    /// What is wrong.
    public var message: String

    /// An error in `file`.
    public init(_ kind: Kind, file: String, location: SourcePosition? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.location = location
        self.message = message
    }

    /// Problems with how the tool was called rather than with what the file says.
    public var isUsageError: Bool {
        switch kind {
        case .fileNotFound, .unreadable, .stateMachineSelection: true
        case .syntax, .invalidDocument, .notLocal: false
        }
    }

    /// `file:line:col: message`.
    public var description: String {
        if let location { return "\(file):\(location.line):\(location.column): \(message)" }
        return "\(file): \(message)"
    }
}
