import SFNJSON

/// Why an expression (JSONPath, reference path, payload template, intrinsic call, choice rule,
/// JSONata) could not be compiled when the definition loaded.
public struct ExpressionSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Where inside the field the problem is, relative to the field itself (for templates and
    /// choice rules: the nested key, e.g. `/a/b.$`); empty for a plain string field.
    public var pointer: JSONPointer
    /// Character offset inside the expression text, when known.
    public var position: Int?

    /// An error at `pointer` (and a character `position` in an expression).
    public init(_ message: String, pointer: JSONPointer = .root, position: Int? = nil) {
        self.message = message
        self.pointer = pointer
        self.position = position
    }

    /// The message.
    public var description: String { message }
}
