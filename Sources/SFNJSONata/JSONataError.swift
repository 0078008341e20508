/// An error raised while parsing or evaluating a JSONata expression, carrying JSONata's own code,
/// wording and the character offset in the expression where it arose.
public struct JSONataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSONata's code (`S0201`, `T2001`, ...).
    public var code: String
    /// Where in the expression, in characters.
    public var position: Int
    /// JSONata's message.
    public var message: String

    /// An error.
    public init(code: String, position: Int, message: String) {
        self.code = code
        self.position = position
        self.message = message
    }

    /// `CODE: message`, the form Step Functions puts in its error causes.
    public var description: String { "\(code): \(message)" }
}

/// The facts an error template may mention; filled as the error travels outwards, because the
/// place that detects a problem rarely knows the operator token or the source position.
struct ErrorDetails: Sendable {
    var token: String?
    var value: RenderedValue?
    var value2: RenderedValue?
    var index: Int?
    var type: String?
    var extra: String?
}

/// Internal error: a code plus details, rendered to `JSONataError` once position and token are known.
/// Kept to one reference in size: with typed throws every call site reserves room for the
/// error, and evaluation recurses deeply.
struct EvaluationFailure: Error {
    private final class Storage: @unchecked Sendable {
        // Mutated only through the copy-on-write accessors below.
        var code: String
        var position: Int?
        var details: ErrorDetails
        var fixedMessage: String?

        init(code: String, position: Int?, details: ErrorDetails, fixedMessage: String?) {
            self.code = code
            self.position = position
            self.details = details
            self.fixedMessage = fixedMessage
        }

        func copy() -> Storage {
            Storage(code: code, position: position, details: details, fixedMessage: fixedMessage)
        }
    }

    private var storage: Storage

    init(
        _ code: String, position: Int? = nil, token: String? = nil, value: Value?? = nil,
        value2: Value?? = nil, index: Int? = nil, type: String? = nil, extra: String? = nil
    ) {
        let details = ErrorDetails(
            token: token, value: value.map(RenderedValue.init), value2: value2.map(RenderedValue.init),
            index: index, type: type, extra: extra)
        storage = Storage(code: code, position: position, details: details, fixedMessage: nil)
    }

    private mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    var code: String { storage.code }

    var position: Int? {
        get { storage.position }
        set { uniqueStorage().position = newValue }
    }

    var details: ErrorDetails {
        get { storage.details }
        set { uniqueStorage().details = newValue }
    }

    /// A message given verbatim (errors raised by host functions or `$error`).
    var fixedMessage: String? {
        get { storage.fixedMessage }
        set { uniqueStorage().fixedMessage = newValue }
    }

    var publicError: JSONataError {
        JSONataError(
            code: code, position: position ?? 0,
            message: fixedMessage ?? ErrorMessages.render(code: code, details: details))
    }

    func withMessage(_ message: String) -> EvaluationFailure {
        var copy = self
        copy.fixedMessage = message
        return copy
    }
}

enum ErrorMessages {
    /// JSONata's message templates. `{{name}}` is replaced by the JSON text of the value
    /// (strings quoted), `{{{name}}}` by the raw text, as jsonata does.
    static let templates: [String: String] = [
        "S0101": "String literal must be terminated by a matching quote",
        "S0102": "Number out of range: {{token}}",
        "S0103": "Unsupported escape sequence: \\{{{token}}}",
        "S0104": "The escape sequence \\u must be followed by 4 hex digits",
        "S0105": "Quoted property name must be terminated with a backquote (`)",
        "S0106": "Comment has no closing tag",
        "S0201": "Syntax error: {{token}}",
        "S0202": "Expected {{value}}, got {{token}}",
        "S0203": "Expected {{value}} before end of expression",
        "S0204": "Unknown operator: {{token}}",
        "S0205": "Unexpected token: {{token}}",
        "S0206": "Unknown expression type: {{token}}",
        "S0207": "Unexpected end of expression",
        "S0208": "Parameter {{value}} of function definition must be a variable name (start with $)",
        "S0209": "A predicate cannot follow a grouping expression in a step",
        "S0210": "Each step can only have one grouping expression",
        "S0211": "The symbol {{token}} cannot be used as a unary operator",
        "S0212": "The left side of := must be a variable name (start with $)",
        "S0213": "The literal value {{value}} cannot be used as a step within a path expression",
        "S0214": "The right side of {{token}} must be a variable name (start with $)",
        "S0215": "A context variable binding must precede any predicates on a step",
        "S0216": "A context variable binding must precede the 'order-by' clause on a step",
        "S0217": "The object representing the 'parent' cannot be derived from this expression",
        "S0301": "Empty regular expressions are not allowed",
        "S0302": "No terminating / in regular expression",
        "S0401": "Type parameters can only be applied to functions and arrays",
        "S0402": "Choice groups containing parameterized types are not supported",
        "T0410": "Argument {{index}} of function {{token}} does not match function signature",
        "T0411": "Context value is not a compatible type with argument {{index}} of function {{token}}",
        "T0412": "Argument {{index}} of function {{token}} must be an array of {{type}}",
        "D1001": "Number out of range: {{value}}",
        "D1002": "Cannot negate a non-numeric value: {{value}}",
        "T1003": "Key in object structure must evaluate to a string; got: {{value}}",
        "D1004": "Regular expression matches zero length string",
        "T1005": "Attempted to invoke a non-function. Did you mean ${{{token}}}?",
        "T1006": "Attempted to invoke a non-function",
        "T1007": "Attempted to partially apply a non-function. Did you mean ${{{token}}}?",
        "T1008": "Attempted to partially apply a non-function",
        "D1009": "Multiple key definitions evaluate to same key: {{value}}",
        "T1010": "The matcher function argument passed to function {{token}} does not return the correct object structure",
        "T2001": "The left side of the {{token}} operator must evaluate to a number",
        "T2002": "The right side of the {{token}} operator must evaluate to a number",
        "T2003": "The left side of the range operator (..) must evaluate to an integer",
        "T2004": "The right side of the range operator (..) must evaluate to an integer",
        "D2005": "The left side of := must be a variable name (start with $)",
        "T2006": "The right side of the function application operator ~> must be a function",
        "T2007": "Type mismatch when comparing values {{value}} and {{value2}} in order-by clause",
        "T2008": "The expressions within an order-by clause must evaluate to numeric or string values",
        "T2009": "The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type",
        "T2010": "The expressions either side of operator {{token}} must evaluate to numeric or string values",
        "T2011": "The insert/update clause of the transform expression must evaluate to an object: {{value}}",
        "T2012": "The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}",
        "T2013":
            "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function.",
        "D2014": "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {{value}}.",
        "D3001": "Attempting to invoke string function on Infinity or NaN",
        "D3010": "Second argument of replace function cannot be an empty string",
        "D3011": "Fourth argument of replace function must evaluate to a positive number",
        "D3012": "Attempted to replace a matched string with a non-string value",
        "D3020": "Third argument of split function must evaluate to a positive number",
        "D3030": "Unable to cast value to a number: {{value}}",
        "D3040": "Third argument of match function must evaluate to a positive number",
        "D3050": "The second argument of reduce function must be a function with at least two arguments",
        "D3060": "The sqrt function cannot be applied to a negative number: {{value}}",
        "D3061":
            "The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{value2}}",
        "D3070":
            "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function",
        "D3080": "The picture string must only contain a maximum of two sub-pictures",
        "D3081": "The sub-picture must not contain more than one instance of the 'decimal-separator' character",
        "D3082": "The sub-picture must not contain more than one instance of the 'percent' character",
        "D3083": "The sub-picture must not contain more than one instance of the 'per-mille' character",
        "D3084": "The sub-picture must not contain both a 'percent' and a 'per-mille' character",
        "D3085":
            "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'",
        "D3100": "The radix of the formatBase function must be between 2 and 36.  It was given {{value}}",
        "D3110": "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}",
        "D3120": "Syntax error in expression passed to function eval: {{value}}",
        "D3121": "Dynamic error evaluating the expression passed to function eval: {{value}}",
        "D3130": "Formatting or parsing an integer as a sequence starting with {{value}} is not supported by this implementation",
        "D3132": "Unknown component specifier {{value}} in date/time picture string",
        "D3133": "The 'name' modifier can only be applied to months and days in the date/time picture string, not {{value}}",
        "D3135": "No matching closing bracket ']' in date/time picture string",
        "D3136": "The date/time picture string is missing specifiers required to parse the timestamp",
        "D3137": "{{{extra}}}",
        "D3138": "The $single() function expected exactly 1 matching result.  Instead it matched more.",
        "D3139": "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
        "D3140": "Malformed URL passed to ${{{token}}}(): {{value}}",
        "D3141": "{{{extra}}}",
        "U1001": "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
        "U1002":
            "The regular expression {{value}} ran past its time budget of 1 second (nested repetition such as (a+)+ backtracks exponentially)",
        "U1003": "The expression ran past its time budget of {{value}} seconds",
        "U1004": "The expression built more than {{value}} MiB of strings and arrays",
    ]

    static func render(code: String, details: ErrorDetails) -> String {
        guard let template = templates[code] else { return details.extra ?? "Unknown error" }
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            var afterOpen = rest[open.upperBound...]
            let raw = afterOpen.hasPrefix("{")
            if raw { afterOpen = afterOpen.dropFirst() }
            guard let close = afterOpen.range(of: raw ? "}}}" : "}}") else {
                result += rest
                return result
            }
            let name = String(afterOpen[..<close.lowerBound])
            result += substitute(name, raw: raw, details: details)
            rest = afterOpen[close.upperBound...]
        }
        result += rest
        return result
    }

    private static func substitute(_ name: String, raw: Bool, details: ErrorDetails) -> String {
        func text(_ value: RenderedValue?) -> String {
            guard let value else { return "" }
            return raw ? value.raw : value.json
        }
        switch name {
        case "token":
            guard let token = details.token else { return raw ? "undefined" : "" }
            return raw ? token : ValueText.quote(token)
        case "value": return text(details.value)
        case "value2": return text(details.value2)
        case "index": return details.index.map(String.init) ?? ""
        case "type": return raw ? (details.type ?? "") : ValueText.quote(details.type ?? "")
        default: return details.extra ?? ""
        }
    }
}

/// A value as an error message shows it, rendered when the error is raised.
struct RenderedValue: Sendable {
    var json: String
    var raw: String

    init(_ value: Value?) {
        guard let value else {
            json = "undefined"
            raw = "undefined"
            return
        }
        json = ValueText.stringify(value)
        if case .string(let text) = value { raw = text } else { raw = json }
    }
}
