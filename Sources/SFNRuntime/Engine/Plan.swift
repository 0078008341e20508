import SFNJSON
import SFNLanguage

// The runtime's executable form of a definition: the validated model from SFNLanguage, linked.
// Every expression was compiled once by the parser and is used as it is; linking only resolves
// each `Next` (of a state, a Catch entry, a Choice rule, Default) to an index and builds the
// nested plans of Parallel branches and Map item processors, so that running a state does no
// name lookups and no parsing.

/// A linked machine: the top level, a Parallel branch or a Map item processor.
final class MachinePlan: Sendable {
    let states: [StatePlan]
    let startIndex: Int
    let timeoutSeconds: Int?
    /// True when no state anywhere inside needs to suspend (no Task, no Wait), so iterations can
    /// run inline without a child task each.
    let isPurelyComputational: Bool
    /// True when, besides, nothing inside draws random numbers or runs a Distributed Map (whose
    /// Map Runs are records of their own), so iterations may run on every core in any order and
    /// give what they give one after the other.
    let canSpread: Bool

    init(states: [StatePlan], startIndex: Int, timeoutSeconds: Int?) {
        self.states = states
        self.startIndex = startIndex
        self.timeoutSeconds = timeoutSeconds
        self.isPurelyComputational = states.allSatisfy { state in
            switch state.definition.kind {
            case .task, .wait: false
            default: state.children.allSatisfy(\.isPurelyComputational)
            }
        }
        self.canSpread =
            isPurelyComputational
            && states.allSatisfy { state in
                if state.definition.drawsRandom { return false }
                if case .map(let map) = state.definition.kind, map.processorConfig.mode == .distributed { return false }
                return state.children.allSatisfy(\.canSpread)
            }
    }
}

/// A linked state: the model's state with its transitions as indices.
final class StatePlan: Sendable {
    /// The state as the parser built it; its `kind` carries the type's own fields.
    let definition: State
    let name: String
    let typeName: String
    /// `PassStateEntered`, `PassStateExited`...: built once, not per transition.
    let enteredEventType: String
    let exitedEventType: String
    let flow: DataFlow
    let assign: Assignment?
    let readsContext: Bool
    /// `Next` as an index; nil for End and for Choice, Succeed and Fail, which decide for themselves.
    let next: Int?
    /// `Catch[i].Next`.
    let catchTargets: [Int]
    /// `Choices[i].Next`.
    let choiceTargets: [Int]
    /// Choice's `Default`.
    let defaultTarget: Int?
    /// Parallel's branches, or the Map's item processor (one).
    let children: [MachinePlan]
    /// A JSONPath Pass state whose only data-flow field is ResultPath (no InputPath, Parameters,
    /// OutputPath or Assign): its output is its Result, or its input, placed there, with no path
    /// scope or context object to build. nil for every other state.
    let plainPassPlacement: ResultPlacement?

    init(
        definition: State, next: Int?, catchTargets: [Int], choiceTargets: [Int], defaultTarget: Int?,
        children: [MachinePlan]
    ) {
        self.definition = definition
        self.name = definition.name
        self.typeName = definition.typeName
        self.enteredEventType = definition.typeName + "StateEntered"
        self.exitedEventType = definition.typeName + "StateExited"
        self.flow = definition.flow
        self.assign = definition.assign
        self.readsContext = definition.readsContext
        self.next = next
        self.catchTargets = catchTargets
        self.choiceTargets = choiceTargets
        self.defaultTarget = defaultTarget
        self.children = children
        if case .pass = definition.kind, definition.assign == nil, case .jsonPath(let flow) = definition.flow,
            case .whole = flow.inputPath, flow.parameters == nil, flow.resultSelector == nil, case .whole = flow.outputPath
        {
            self.plainPassPlacement = flow.resultPath
        } else {
            self.plainPassPlacement = nil
        }
    }

    var retriers: [Retrier] { definition.retry }
    var catchers: [Catcher] { definition.catch }
    var isJSONata: Bool { if case .jsonata = flow { true } else { false } }
}
