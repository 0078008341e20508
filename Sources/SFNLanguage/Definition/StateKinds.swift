import SFNJSON

/// A field that may be written literally, read through its `...Path` twin (JSONPath mode), or
/// computed by a `{% %}` expression (JSONata mode): TimeoutSeconds, Seconds, Error,
/// MaxConcurrency, ...
public indirect enum ValueSource: Sendable {
    case literal(JSON)
    /// A `...Path` twin, named by `field` (`SecondsPath`, `ErrorPath`...).
    case path(PathExpression, field: String)
    /// ErrorPath and CausePath also take an intrinsic function call.
    case intrinsic(IntrinsicFunctionCall, field: String)
    /// A JSONata `{% %}` string; its node carries the field name.
    case expression(JSONataValue)

    /// The literal as an integer, when it is one.
    public var literalInt: Int? {
        if case .literal(let value) = self { value.intValue } else { nil }
    }
}

public struct PassState: Sendable {
    /// `Result`: the state's fixed output (JSONPath mode).
    public var result: JSON?
}

public struct TaskState: Sendable {
    /// The resource ARN as written.
    public var resource: String
    public var timeoutSeconds: ValueSource?
    public var heartbeatSeconds: ValueSource?
    /// `Credentials`, kept as written (a template in JSONPath mode).
    public var credentials: JSON?
}

public struct ChoiceState: Sendable {
    public var choices: [ChoiceBranch]
    public var defaultNext: String?
}

public struct ChoiceBranch: Sendable {
    public enum Rule: Sendable {
        /// JSONPath mode: `Variable` with an operator, or `And`/`Or`/`Not`.
        case jsonPath(ChoiceRule)
        /// JSONata mode: `Condition`.
        case condition(JSONataValue)
    }

    public var rule: Rule
    public var next: String
    public var assign: Assignment?
    public var output: JSONataValue?
    public var comment: String?
}

public struct WaitState: Sendable {
    public enum Duration: Sendable {
        /// `Seconds`, `SecondsPath`, or a JSONata `Seconds`.
        case seconds(ValueSource)
        /// `Timestamp` (a literal checked against AWS's grammar when parsed), `TimestampPath`, or
        /// a JSONata `Timestamp`.
        case timestamp(ValueSource)
    }

    public var duration: Duration
}

public struct FailState: Sendable {
    public var error: ValueSource?
    public var cause: ValueSource?
}

public struct ParallelState: Sendable {
    public var branches: [StateMachine]
}

/// Map's `ItemProcessor.ProcessorConfig` (defaults for the legacy `Iterator`).
public struct ProcessorConfig: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable {
        case inline = "INLINE"
        case distributed = "DISTRIBUTED"
    }

    public enum ExecutionType: String, Sendable, Hashable {
        case standard = "STANDARD"
        case express = "EXPRESS"
    }

    public var mode: Mode = .inline
    public var executionType: ExecutionType?

    public init(mode: Mode = .inline, executionType: ExecutionType? = nil) {
        self.mode = mode
        self.executionType = executionType
    }
}

public struct MapState: Sendable {
    public var itemProcessor: StateMachine
    public var processorConfig: ProcessorConfig
    /// Whether the processor came from the legacy `Iterator` field.
    public var usesLegacyIterator: Bool
    /// `ItemsPath` (JSONPath mode; a reference path).
    public var itemsPath: PathSelection = .whole
    /// `Items` (JSONata mode): an array or a `{% %}` expression.
    public var items: JSONataValue?
    /// `ItemSelector`, or the legacy `Parameters` (JSONPath mode).
    public var itemSelector: Assignment?
    /// Kept as written; these configure S3 readers and writers.
    public var itemReader: JSON?
    public var resultWriter: JSON?
    public var itemBatcher: ItemBatcher?
    public var maxConcurrency: ValueSource?
    public var toleratedFailureCount: ValueSource?
    public var toleratedFailurePercentage: ValueSource?
    public var label: String?
}

/// Map's `ItemBatcher`: iterations get `{"BatchInput": ..., "Items": [...]}` instead of one item.
public struct ItemBatcher: Sendable {
    public var maxItemsPerBatch: ValueSource?
    public var maxInputBytesPerBatch: ValueSource?
    /// `BatchInput`, added to every batch as written.
    public var batchInput: JSON?

    public init(maxItemsPerBatch: ValueSource? = nil, maxInputBytesPerBatch: ValueSource? = nil, batchInput: JSON? = nil) {
        self.maxItemsPerBatch = maxItemsPerBatch
        self.maxInputBytesPerBatch = maxInputBytesPerBatch
        self.batchInput = batchInput
    }
}

/// One `Retry` entry.
public struct Retrier: Sendable, Hashable {
    public enum JitterStrategy: String, Sendable, Hashable {
        case full = "FULL"
        case none = "NONE"
    }

    public var errorEquals: [String]
    public var intervalSeconds: Int = 1
    public var maxAttempts: Int = 3
    public var backoffRate: Double = 2.0
    public var maxDelaySeconds: Int?
    public var jitterStrategy: JitterStrategy = .none
    public var comment: String?

    public init(errorEquals: [String]) { self.errorEquals = errorEquals }
}

/// One `Catch` entry.
public struct Catcher: Sendable {
    public var errorEquals: [String]
    public var next: String
    public var resultPath: ResultPlacement = .replace
    public var assign: Assignment?
    public var output: JSONataValue?
    public var comment: String?

    public init(errorEquals: [String], next: String) {
        self.errorEquals = errorEquals
        self.next = next
    }
}
