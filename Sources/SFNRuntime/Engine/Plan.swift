import SFNJSON
import SFNJSONata
import SFNLanguage

// The runtime's executable form of a definition: built once from the validated model, with every
// expression compiled and every `Next` resolved to an index, so that running a state does no name
// lookups and no parsing.

final class MachinePlan: Sendable {
    let states: [StatePlan]
    let startIndex: Int
    let timeoutSeconds: Int?

    init(states: [StatePlan], startIndex: Int, timeoutSeconds: Int?) {
        self.states = states
        self.startIndex = startIndex
        self.timeoutSeconds = timeoutSeconds
    }

    /// True when no state anywhere inside needs to suspend (no Task, no Wait), so iterations can
    /// run inline without a child task each.
    var isPurelyComputational: Bool {
        states.allSatisfy { state in
            switch state.kind {
            case .task, .wait: false
            case .parallel(let branches): branches.allSatisfy(\.isPurelyComputational)
            case .map(let map): map.processor.isPurelyComputational
            default: true
            }
        }
    }
}

enum Transition: Sendable {
    case next(Int)
    case end
    /// Choice, Succeed and Fail decide for themselves.
    case none
}

final class StatePlan: Sendable {
    let name: String
    let typeName: String
    let kind: StateKindPlan
    let transition: Transition
    let flow: DataFlowPlan
    let assign: AssignmentPlan?
    let retriers: [RetrierPlan]
    let catchers: [CatcherPlan]
    /// Whether any expression of the state reads the context object, so it is built only then.
    let readsContext: Bool

    init(
        name: String, typeName: String, kind: StateKindPlan, transition: Transition, flow: DataFlowPlan,
        assign: AssignmentPlan?, retriers: [RetrierPlan], catchers: [CatcherPlan], readsContext: Bool
    ) {
        self.name = name
        self.typeName = typeName
        self.kind = kind
        self.transition = transition
        self.flow = flow
        self.assign = assign
        self.retriers = retriers
        self.catchers = catchers
        self.readsContext = readsContext
    }

    var isJSONata: Bool { if case .jsonata = flow { true } else { false } }
}

// Plan enums are indirect: their payloads (compiled templates, paths, nested plans) are large, and
// a switch over an inline payload copies it into the async frame of every suspended state.
indirect enum StateKindPlan: Sendable {
    case pass(result: JSON?)
    case task(TaskPlan)
    case choice(ChoicePlan)
    case wait(WaitPlan)
    case succeed
    case fail(FailPlan)
    case parallel([MachinePlan])
    case map(MapPlan)
}

/// Where a JSONPath-mode `InputPath`/`OutputPath`/`ItemsPath` takes its value from.
indirect enum PathSelection: Sendable {
    /// Absent or `$`: the whole value.
    case whole
    /// `null`: an empty object.
    case discard
    case path(PathExpression)
}

/// Where `ResultPath` puts the result.
indirect enum ResultPlacement: Sendable {
    /// Absent or `$`: the result replaces the input.
    case replace
    /// `null`: the result is dropped, the input passes through.
    case discard
    case at(ReferencePath)
}

struct JSONPathFlow: Sendable {
    var inputPath: PathSelection = .whole
    var parameters: PayloadTemplate?
    var resultSelector: PayloadTemplate?
    var resultPath: ResultPlacement = .replace
    var outputPath: PathSelection = .whole
}

struct JSONataFlow: Sendable {
    var arguments: JSONataTemplate?
    var output: JSONataTemplate?
}

indirect enum DataFlowPlan: Sendable {
    case jsonPath(JSONPathFlow)
    case jsonata(JSONataFlow)
}

indirect enum AssignmentPlan: Sendable {
    case jsonPath(PayloadTemplate)
    case jsonata(JSONataTemplate)
}

/// A value that is literal, read from a path, or computed by JSONata (TimeoutSeconds, Error, ...).
indirect enum ValueSource: Sendable {
    case literal(JSON)
    case path(PathExpression, field: String)
    /// ErrorPath and CausePath also take an intrinsic function call.
    case intrinsic(IntrinsicFunctionCall, field: String)
    case jsonata(JSONataTemplate, field: String)
}

struct TaskPlan: Sendable {
    var resource: String
    var timeoutSeconds: ValueSource?
    var heartbeatSeconds: ValueSource?
    var credentials: JSON?
}

struct ChoiceBranchPlan: Sendable {
    enum Condition: Sendable {
        case rule(ChoiceRule)
        case jsonata(JSONataTemplate)
    }
    var condition: Condition
    var next: Int
    var assign: AssignmentPlan?
    var output: JSONataTemplate?
}

struct ChoicePlan: Sendable {
    var branches: [ChoiceBranchPlan]
    var defaultNext: Int?
}

indirect enum WaitPlan: Sendable {
    case seconds(ValueSource)
    case timestamp(ValueSource)
}

struct FailPlan: Sendable {
    var error: ValueSource?
    var cause: ValueSource?
}

struct MapPlan: Sendable {
    var processor: MachinePlan
    var itemsPath: PathSelection = .whole
    var items: JSONataTemplate?
    var itemSelector: AssignmentPlan?
    var maxConcurrency: ValueSource?
    var toleratedFailureCount: ValueSource?
    var toleratedFailurePercentage: ValueSource?
    var isDistributed = false
    var batchInput: JSON?
    var maxItemsPerBatch: ValueSource?
}

struct RetrierPlan: Sendable {
    var errorEquals: [String]
    var intervalSeconds: Double
    var maxAttempts: Int
    var backoffRate: Double
    var maxDelaySeconds: Double?
    var fullJitter: Bool
}

struct CatcherPlan: Sendable {
    var errorEquals: [String]
    var next: Int
    var resultPath: ResultPlacement
    var assign: AssignmentPlan?
    var output: JSONataTemplate?
}
