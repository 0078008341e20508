import SFNJSON
import SFNLanguage

/// Why a validated model could not be linked: a name that names no state. The parser reports
/// these first (with every problem at once), so this is a safety net, not a second validator.
public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What could not be linked.
    public var message: String
    /// Where, in the definition.
    public var pointer: JSONPointer

    /// `/States/A/Next: no state is named ...`.
    public var description: String { "\(pointer.description.isEmpty ? "/" : pointer.description): \(message)" }
}

/// Links the model SFNLanguage built into the runtime's plan: state names become indices and
/// nested machines become plans of their own. Nothing here reads definition JSON.
enum PlanBuilder {
    static func link(_ machine: StateMachine) throws(PlanError) -> MachinePlan {
        guard let startIndex = machine.index(ofState: machine.startAt) else {
            throw PlanError(message: "StartAt names no state: '\(machine.startAt)'", pointer: machine.pointer / "StartAt")
        }
        var plans: [StatePlan] = []
        plans.reserveCapacity(machine.states.count)
        for state in machine.states {
            plans.append(try link(state, in: machine))
        }
        return MachinePlan(states: plans, startIndex: startIndex, timeoutSeconds: machine.timeoutSeconds)
    }

    private static func link(_ state: State, in machine: StateMachine) throws(PlanError) -> StatePlan {
        func index(_ name: String, at pointer: JSONPointer) throws(PlanError) -> Int {
            guard let index = machine.index(ofState: name) else {
                throw PlanError(message: "no state is named '\(name)'", pointer: pointer)
            }
            return index
        }
        var next: Int?
        if case .next(let name)? = state.transition { next = try index(name, at: state.pointer / "Next") }
        var catchTargets: [Int] = []
        for (offset, catcher) in state.catch.enumerated() {
            catchTargets.append(try index(catcher.next, at: state.pointer / "Catch" / offset / "Next"))
        }
        var choiceTargets: [Int] = []
        var defaultTarget: Int?
        var children: [MachinePlan] = []
        switch state.kind {
        case .choice(let choice):
            for (offset, branch) in choice.choices.enumerated() {
                choiceTargets.append(try index(branch.next, at: state.pointer / "Choices" / offset / "Next"))
            }
            if let name = choice.defaultNext { defaultTarget = try index(name, at: state.pointer / "Default") }
        case .parallel(let parallel):
            for branch in parallel.branches { children.append(try link(branch)) }
        case .map(let map):
            children.append(try link(map.itemProcessor))
        default:
            break
        }
        return StatePlan(
            definition: state, next: next, catchTargets: catchTargets, choiceTargets: choiceTargets,
            defaultTarget: defaultTarget, children: children)
    }
}
