import SFNJSON

/// A number field that may be written literally, read through a `...Path` twin (JSONPath
/// mode) or computed by a `{% %}` expression (JSONata mode).
public enum NumberSource: Sendable {
    case literal(JSON)
    case path(ReferencePath)
    case expression(JSONataValue)

    /// The literal as an integer, when it is one.
    public var literalInt: Int? {
        if case .literal(let value) = self { value.intValue } else { nil }
    }
}

/// A string field (Fail's Error/Cause) that may be literal, a path or a JSONata expression.
public enum StringSource: Sendable {
    case literal(String)
    case path(PathExpression)
    case intrinsic(IntrinsicFunctionCall)
    case expression(JSONataValue)
}

public struct PassState: Sendable {
    /// `Result`: the state's fixed output (JSONPath mode).
    public var result: JSON?
}

public struct TaskState: Sendable {
    /// The resource ARN as written.
    public var resource: String
    public var timeoutSeconds: NumberSource?
    public var heartbeatSeconds: NumberSource?
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
        case seconds(NumberSource)
        case timestamp(StatesTimestamp)
        case timestampPath(ReferencePath)
        /// JSONata `Timestamp: "{% ... %}"`.
        case timestampExpression(JSONataValue)
    }

    public var duration: Duration
}

public struct FailState: Sendable {
    public var error: StringSource?
    public var cause: StringSource?
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
    /// `ItemsPath` (JSONPath mode).
    public var itemsPath: ReferencePath?
    /// `Items` (JSONata mode): an array or a `{% %}` expression.
    public var items: JSONataValue?
    /// `ItemSelector`, or the legacy `Parameters` (JSONPath mode).
    public var itemSelector: ItemSelector?
    /// Kept as written; these configure S3 readers/writers and batching.
    public var itemReader: JSON?
    public var itemBatcher: JSON?
    public var resultWriter: JSON?
    public var maxConcurrency: NumberSource?
    public var toleratedFailureCount: NumberSource?
    public var toleratedFailurePercentage: NumberSource?
    public var label: String?
}

public enum ItemSelector: Sendable {
    case jsonPath(PayloadTemplate)
    case jsonata(JSONataValue)
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
    public var resultPath: ResultPlacement?
    public var assign: Assignment?
    public var output: JSONataValue?
    public var comment: String?

    public init(errorEquals: [String], next: String) {
        self.errorEquals = errorEquals
        self.next = next
    }
}
