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

/// A Pass state's own field.
public struct PassState: Sendable {
    /// `Result`: the state's fixed output (JSONPath mode).
    public var result: JSON?
}

/// A Task state's own fields (its data flow, Retry and Catch are on ``State``).
public struct TaskState: Sendable {
    /// The resource ARN as written.
    public var resource: String
    /// `TimeoutSeconds` or `TimeoutSecondsPath` (1...99999999 seconds).
    public var timeoutSeconds: ValueSource?
    /// `HeartbeatSeconds` or `HeartbeatSecondsPath` (less than the timeout).
    public var heartbeatSeconds: ValueSource?
    /// `Credentials`, kept as written (a template in JSONPath mode).
    public var credentials: JSON?
}

/// A Choice state: its rules in order, and where to go when none holds.
public struct ChoiceState: Sendable {
    /// `Choices`, in order: the first that holds decides.
    public var choices: [ChoiceBranch]
    /// `Default`; without it, no rule holding fails the state with States.NoChoiceMatched.
    public var defaultNext: String?
}

/// One entry of `Choices`.
public struct ChoiceBranch: Sendable {
    /// What decides whether the branch is taken.
    public enum Rule: Sendable {
        /// JSONPath mode: `Variable` with an operator, or `And`/`Or`/`Not`.
        case jsonPath(ChoiceRule)
        /// JSONata mode: `Condition`.
        case condition(JSONataValue)
    }

    /// The compiled rule or condition.
    public var rule: Rule
    /// `Next`: the state to go to when the rule holds.
    public var next: String
    /// `Assign` of this branch.
    public var assign: Assignment?
    /// `Output` of this branch (JSONata mode).
    public var output: JSONataValue?
    /// `Comment`, as written.
    public var comment: String?
}

/// A Wait state: how long, or until when.
public struct WaitState: Sendable {
    /// The one of Seconds, SecondsPath, Timestamp, TimestampPath the state gives.
    public enum Duration: Sendable {
        /// `Seconds`, `SecondsPath`, or a JSONata `Seconds`.
        case seconds(ValueSource)
        /// `Timestamp` (a literal checked against AWS's grammar when parsed), `TimestampPath`, or
        /// a JSONata `Timestamp`.
        case timestamp(ValueSource)
    }

    /// How long the state waits.
    public var duration: Duration
}

/// A Fail state: the error and cause it raises.
public struct FailState: Sendable {
    /// `Error` or `ErrorPath`; nil when the state names no error.
    public var error: ValueSource?
    /// `Cause` or `CausePath`.
    public var cause: ValueSource?
}

/// A Parallel state: its branches, each a machine of its own.
public struct ParallelState: Sendable {
    /// `Branches`, in order: the state's result lists their outputs in this order.
    public var branches: [StateMachine]
}

/// Map's `ItemProcessor.ProcessorConfig` (defaults for the legacy `Iterator`).
public struct ProcessorConfig: Sendable, Hashable {
    /// `Mode`: iterations inline, or as child executions (distributed).
    public enum Mode: String, Sendable, Hashable {
        case inline = "INLINE"
        case distributed = "DISTRIBUTED"
    }

    /// `ExecutionType` of a distributed Map's child executions.
    public enum ExecutionType: String, Sendable, Hashable {
        case standard = "STANDARD"
        case express = "EXPRESS"
    }

    /// `Mode` (INLINE when absent).
    public var mode: Mode = .inline
    /// `ExecutionType` (required for DISTRIBUTED).
    public var executionType: ExecutionType?

    /// A configuration with the given mode and execution type.
    public init(mode: Mode = .inline, executionType: ExecutionType? = nil) {
        self.mode = mode
        self.executionType = executionType
    }
}

/// A Map state's own fields: the item processor, where items come from and how they are shaped.
public struct MapState: Sendable {
    /// `ItemProcessor` (or the legacy `Iterator`): the machine each item runs through.
    public var itemProcessor: StateMachine
    /// `ItemProcessor.ProcessorConfig`.
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
    /// `ItemReader`, compiled: where the items come from instead of the state input.
    public var reader: ItemReader?
    /// `ResultWriter`, kept as written (validated: Resource, Parameters/Arguments, WriterConfig).
    public var resultWriter: JSON?
    /// `ResultWriter`, compiled: where the child executions' results are written.
    public var writer: ResultWriter?
    /// `ItemBatcher`: iterations take batches of items.
    public var itemBatcher: ItemBatcher?
    /// `MaxConcurrency` or `MaxConcurrencyPath` (0: no limit).
    public var maxConcurrency: ValueSource?
    /// `ToleratedFailureCount` or its path.
    public var toleratedFailureCount: ValueSource?
    /// `ToleratedFailurePercentage` or its path (0...100).
    public var toleratedFailurePercentage: ValueSource?
    /// `Label` (distributed Map: names the Map Run).
    public var label: String?
}

/// Map's `ItemReader`: the items are read from an S3 object (`s3:getObject`, in one of
/// `ReaderConfig.InputType`'s formats) or are the objects under a prefix (`s3:listObjectsV2`).
public struct ItemReader: Sendable {
    /// `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`.
    public var resource: String
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): the Bucket and Key (or Prefix).
    public var arguments: Assignment?
    /// `ReaderConfig.InputType`: CSV, JSON, JSONL, MANIFEST or PARQUET.
    public var inputType: String?
    /// `ReaderConfig.CSVHeaderLocation`: FIRST_ROW (the default) or GIVEN.
    public var csvHeaderLocation: String
    /// `ReaderConfig.CSVHeaders`, for GIVEN.
    public var csvHeaders: [String]?
    /// `ReaderConfig.CSVDelimiter`: COMMA (the default), PIPE, SEMICOLON, SPACE or TAB.
    public var csvDelimiter: String
    /// `ReaderConfig.MaxItems` or `MaxItemsPath`: read at most this many items.
    public var maxItems: ValueSource?

    /// A reader of `resource`.
    public init(
        resource: String, arguments: Assignment? = nil, inputType: String? = nil, csvHeaderLocation: String = "FIRST_ROW",
        csvHeaders: [String]? = nil, csvDelimiter: String = "COMMA", maxItems: ValueSource? = nil
    ) {
        self.resource = resource
        self.arguments = arguments
        self.inputType = inputType
        self.csvHeaderLocation = csvHeaderLocation
        self.csvHeaders = csvHeaders
        self.csvDelimiter = csvDelimiter
        self.maxItems = maxItems
    }
}

/// Map's `ResultWriter`: the Map Run's results go to S3 (`s3:putObject`) as a manifest and result
/// files, and the state's result says where.
public struct ResultWriter: Sendable {
    /// `arn:aws:states:::s3:putObject`, or nil when only WriterConfig is given.
    public var resource: String?
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): the Bucket and Prefix.
    public var arguments: Assignment?
    /// `WriterConfig.Transformation`: NONE (each child's output with its execution's details,
    /// the default with a Resource), COMPACT (the outputs only, the default without one) or
    /// FLATTEN (the outputs, arrays spliced into one).
    public var transformation: String?
    /// `WriterConfig.OutputType`: JSON (an array, the default) or JSONL (one result per line).
    public var outputType: String?

    /// A writer to `resource`.
    public init(resource: String? = nil, arguments: Assignment? = nil, transformation: String? = nil, outputType: String? = nil) {
        self.resource = resource
        self.arguments = arguments
        self.transformation = transformation
        self.outputType = outputType
    }
}

/// Map's `ItemBatcher`: iterations get `{"BatchInput": ..., "Items": [...]}` instead of one item.
public struct ItemBatcher: Sendable {
    /// `MaxItemsPerBatch` or its path.
    public var maxItemsPerBatch: ValueSource?
    /// `MaxInputBytesPerBatch` or its path.
    public var maxInputBytesPerBatch: ValueSource?
    /// `BatchInput`, added to every batch as written.
    public var batchInput: JSON?

    /// A batcher with the given limits.
    public init(maxItemsPerBatch: ValueSource? = nil, maxInputBytesPerBatch: ValueSource? = nil, batchInput: JSON? = nil) {
        self.maxItemsPerBatch = maxItemsPerBatch
        self.maxInputBytesPerBatch = maxInputBytesPerBatch
        self.batchInput = batchInput
    }
}

/// One `Retry` entry.
public struct Retrier: Sendable, Hashable {
    /// `JitterStrategy`: FULL scales each delay by a random fraction.
    public enum JitterStrategy: String, Sendable, Hashable {
        case full = "FULL"
        case none = "NONE"
    }

    /// `ErrorEquals`: the error names this entry covers (`States.ALL` last, alone).
    public var errorEquals: [String]
    /// `IntervalSeconds` before the first retry (1 by default).
    public var intervalSeconds: Int = 1
    /// `MaxAttempts` (3 by default; 0 never retries).
    public var maxAttempts: Int = 3
    /// `BackoffRate`: each delay is the previous one times this (2.0 by default).
    public var backoffRate: Double = 2.0
    /// `MaxDelaySeconds`: the cap on any one delay.
    public var maxDelaySeconds: Int?
    /// `JitterStrategy` (NONE by default).
    public var jitterStrategy: JitterStrategy = .none
    /// `Comment`, as written.
    public var comment: String?

    /// A retrier with AWS's defaults for the given errors.
    public init(errorEquals: [String]) { self.errorEquals = errorEquals }
}

/// One `Catch` entry.
public struct Catcher: Sendable {
    /// `ErrorEquals`: the error names this entry covers (`States.ALL` last, alone).
    public var errorEquals: [String]
    /// `Next`: the state that handles the error.
    public var next: String
    /// `ResultPath`: where the error output goes (JSONPath mode).
    public var resultPath: ResultPlacement = .replace
    /// `Assign`, evaluated with the error output.
    public var assign: Assignment?
    /// `Output` (JSONata mode; `$states.errorOutput` is the error).
    public var output: JSONataValue?
    /// `Comment`, as written.
    public var comment: String?

    /// A catcher for the given errors, going to `next`.
    public init(errorEquals: [String], next: String) {
        self.errorEquals = errorEquals
        self.next = next
    }
}
