import SFNJSON

/// Which expression language a state's fields are written in.
public enum QueryLanguage: String, Sendable, Hashable {
    case jsonPath = "JSONPath"
    case jsonata = "JSONata"
}

/// A parsed, fully compiled state machine (the top level, a Parallel branch or a Map item
/// processor). Every expression in it was compiled when the definition loaded.
public struct StateMachine: Sendable {
    public var comment: String?
    public var startAt: String
    /// The states in definition order.
    public var states: [State]
    public var timeoutSeconds: Int?
    public var version: String?
    /// The machine-level language; states inherit it unless they set their own.
    public var queryLanguage: QueryLanguage
    /// Where this machine sits in the definition (`""` for the top level,
    /// `/States/P/Branches/0` for a branch).
    public var pointer: JSONPointer

    private var indexByName: [String: Int]

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

    public func index(ofState name: String) -> Int? { indexByName[name] }

    public func state(named name: String) -> State? {
        indexByName[name].map { states[$0] }
    }

    /// The state `StartAt` names (the parser guarantees it exists).
    public var startState: State? { state(named: startAt) }
}

/// Where a non-terminal, non-Choice state goes next.
public enum Transition: Sendable, Hashable {
    case next(String)
    case end
}

/// One state with the fields its type allows, in the effective query language.
public struct State: Sendable {
    public var name: String
    /// `/States/Name`, `/States/P/Branches/0/States/X`, ...
    public var pointer: JSONPointer
    /// The effective language (the state's own `QueryLanguage`, else the machine's).
    public var queryLanguage: QueryLanguage
    public var comment: String?
    public var kind: StateKind
    /// `nil` for Choice, Succeed and Fail, which never use Next/End.
    public var transition: Transition?

    // JSONPath data flow (absent fields are `nil`).
    public var inputPath: PathSelection?
    public var outputPath: PathSelection?
    public var parameters: PayloadTemplate?
    public var resultSelector: PayloadTemplate?
    public var resultPath: ResultPlacement?

    // Variables and JSONata data flow.
    public var assign: Assignment?
    public var arguments: JSONataValue?
    public var output: JSONataValue?

    public var retry: [Retrier]
    public var `catch`: [Catcher]

    public init(name: String, pointer: JSONPointer, queryLanguage: QueryLanguage, kind: StateKind) {
        self.name = name
        self.pointer = pointer
        self.queryLanguage = queryLanguage
        self.kind = kind
        self.retry = []
        self.catch = []
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
}

/// A JSONPath-mode `InputPath`/`OutputPath`: a path, or `null` (which yields `{}`).
public enum PathSelection: Sendable, Hashable {
    case path(PathExpression)
    case empty
}

/// A JSONPath-mode `ResultPath`: where the result goes, or `null` (discard the result, keep
/// the input).
public enum ResultPlacement: Sendable, Hashable {
    case path(ReferencePath)
    case discard
}

/// `Assign`: a payload template in JSONPath mode, a JSONata template in JSONata mode.
public enum Assignment: Sendable {
    case jsonPath(PayloadTemplate)
    case jsonata(JSONataValue)
}

public enum StateKind: Sendable {
    case pass(PassState)
    case task(TaskState)
    case choice(ChoiceState)
    case wait(WaitState)
    case succeed
    case fail(FailState)
    case parallel(ParallelState)
    case map(MapState)

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
