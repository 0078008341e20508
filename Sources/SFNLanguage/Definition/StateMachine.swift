import SFNJSON

/// Which expression language a state's fields are written in.
public enum QueryLanguage: String, Sendable, Hashable {
    /// JSONPath, intrinsic functions and payload templates (the default).
    case jsonPath = "JSONPath"
    /// JSONata expressions in `{% %}` strings.
    case jsonata = "JSONata"
}

/// A parsed, fully compiled state machine (the top level, a Parallel branch or a Map item
/// processor). Every expression in it was compiled when the definition loaded.
public struct StateMachine: Sendable {
    /// `Comment`, as written.
    public var comment: String?
    /// `StartAt`: the first state's name.
    public var startAt: String
    /// The states in definition order.
    public var states: [State]
    /// The top level's `TimeoutSeconds` (1...99999999).
    public var timeoutSeconds: Int?
    /// The top level's `Version`, as written.
    public var version: String?
    /// The machine-level language; states inherit it unless they set their own.
    public var queryLanguage: QueryLanguage
    /// Where this machine sits in the definition (`""` for the top level,
    /// `/States/P/Branches/0` for a branch).
    public var pointer: JSONPointer

    private var indexByName: [String: Int]

    /// A machine of `states` (in definition order) starting at `startAt`.
    public init(
        comment: String?, startAt: String, states: [State], timeoutSeconds: Int?, version: String?,
        queryLanguage: QueryLanguage, pointer: JSONPointer
    ) {
        self.comment = comment
        self.startAt = startAt
        self.states = states
        self.timeoutSeconds = timeoutSeconds
        self.version = version
        self.queryLanguage = queryLanguage
        self.pointer = pointer
        var indexes: [String: Int] = [:]
        for (index, state) in states.enumerated() where indexes[state.name] == nil { indexes[state.name] = index }
        self.indexByName = indexes
    }

    /// The position of the state named `name` in ``states``.
    public func index(ofState name: String) -> Int? { indexByName[name] }

    /// The state named `name`, if the machine has one.
    public func state(named name: String) -> State? {
        indexByName[name].map { states[$0] }
    }

    /// The state `StartAt` names (the parser guarantees it exists).
    public var startState: State? { state(named: startAt) }
}

/// Where a non-terminal, non-Choice state goes next.
public enum Transition: Sendable, Hashable {
    /// `Next`: the state to go to.
    case next(String)
    /// `"End": true`: the machine ends here.
    case end
}

/// One state with the fields its type allows, in the effective query language.
public struct State: Sendable {
    /// The state's name (its key in `States`).
    public var name: String
    /// `/States/Name`, `/States/P/Branches/0/States/X`, ...
    public var pointer: JSONPointer
    /// The effective language (the state's own `QueryLanguage`, else the machine's).
    public var queryLanguage: QueryLanguage
    /// `Comment`, as written.
    public var comment: String?
    /// The type, with the fields only it has.
    public var kind: StateKind
    /// `nil` for Choice, Succeed and Fail, which never use Next/End.
    public var transition: Transition?
    /// The input and output fields of the state's language.
    public var flow: DataFlow
    /// `Assign`.
    public var assign: Assignment?
    /// `Retry` (Task, Parallel, Map).
    public var retry: [Retrier]
    /// `Catch` (Task, Parallel, Map).
    public var `catch`: [Catcher]
    /// Whether any field of the state reads the context object (`$$`; a JSONata state
    /// through `$states.context`, when its text mentions it), so the runtime builds it only then.
    public var readsContext: Bool
    /// Whether any field of the state may draw random numbers (`States.UUID`, `$random`,
    /// `$uuid`, or `$eval`, which may call them), judged from its text, so that the runtime keeps
    /// the draws of Map iterations in item order (repeatable when the random source is seeded).
    public var drawsRandom: Bool

    /// A state with no data-flow fields, no Retry and no Catch; the parser fills in the rest.
    public init(name: String, pointer: JSONPointer, queryLanguage: QueryLanguage, kind: StateKind) {
        self.name = name
        self.pointer = pointer
        self.queryLanguage = queryLanguage
        self.kind = kind
        self.flow = queryLanguage == .jsonata ? .jsonata(JSONataFlow()) : .jsonPath(JSONPathFlow())
        self.retry = []
        self.catch = []
        self.readsContext = queryLanguage == .jsonata
        self.drawsRandom = queryLanguage == .jsonata
    }

    /// `Pass`, `Task`, ... as written in `Type`.
    public var typeName: String { kind.typeName }

    /// Whether reaching this state can finish the machine (End, Succeed, Fail).
    public var isTerminal: Bool {
        switch kind {
        case .succeed, .fail: true
        case .choice: false
        default: transition == .end
        }
    }

    /// The JSONPath fields, when the state is in JSONPath mode.
    public var jsonPath: JSONPathFlow? { if case .jsonPath(let flow) = flow { flow } else { nil } }
    /// The JSONata fields, when the state is in JSONata mode.
    public var jsonata: JSONataFlow? { if case .jsonata(let flow) = flow { flow } else { nil } }
}

/// A state's input and output fields: the JSONPath set or the JSONata set, never both.
///
/// Indirect so that a switch over it copies one reference, not the fields.
public indirect enum DataFlow: Sendable {
    /// The JSONPath fields.
    case jsonPath(JSONPathFlow)
    /// The JSONata fields.
    case jsonata(JSONataFlow)
}

/// JSONPath states: InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath.
public struct JSONPathFlow: Sendable {
    /// `InputPath`.
    public var inputPath: PathSelection = .whole
    /// `Parameters` (for Map, the legacy spelling of ItemSelector is kept in ``MapState``).
    public var parameters: PayloadTemplate?
    /// `ResultSelector`.
    public var resultSelector: PayloadTemplate?
    /// `ResultPath`.
    public var resultPath: ResultPlacement = .replace
    /// `OutputPath`.
    public var outputPath: PathSelection = .whole

    /// No fields: the whole input in, the result out.
    public init() {}
}

/// JSONata states: Arguments → (work) → Output.
public struct JSONataFlow: Sendable {
    /// `Arguments`: the task's or branches' input.
    public var arguments: JSONataValue?
    /// `Output`: the state's output.
    public var output: JSONataValue?

    /// The given Arguments and Output.
    public init(arguments: JSONataValue? = nil, output: JSONataValue? = nil) {
        self.arguments = arguments
        self.output = output
    }
}

/// A JSONPath-mode `InputPath`/`OutputPath`/`ItemsPath`: where a state takes its value from.
public indirect enum PathSelection: Sendable, Hashable {
    /// Absent or `$`: the whole value.
    case whole
    /// `null`: an empty object.
    case discard
    case path(PathExpression)
}

/// A JSONPath-mode `ResultPath`: where the result goes.
public indirect enum ResultPlacement: Sendable, Hashable {
    /// Absent or `$`: the result replaces the input.
    case replace
    /// `null`: the result is dropped, the input passes through.
    case discard
    case at(ReferencePath)
}

/// `Assign`, Map's `ItemSelector`: a payload template in JSONPath mode, a JSONata template in
/// JSONata mode.
public indirect enum Assignment: Sendable {
    case jsonPath(PayloadTemplate)
    case jsonata(JSONataValue)
}

/// A state's type with the fields only that type has.
///
/// Indirect: the payloads are large, and a switch over an inline payload copies it into the async
/// frame of every suspended state.
public indirect enum StateKind: Sendable {
    case pass(PassState)
    case task(TaskState)
    case choice(ChoiceState)
    case wait(WaitState)
    case succeed
    case fail(FailState)
    case parallel(ParallelState)
    case map(MapState)

    /// The type as written in `Type`.
    public var typeName: String {
        switch self {
        case .pass: "Pass"
        case .task: "Task"
        case .choice: "Choice"
        case .wait: "Wait"
        case .succeed: "Succeed"
        case .fail: "Fail"
        case .parallel: "Parallel"
        case .map: "Map"
        }
    }
}
