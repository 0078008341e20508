import SFNJSON

/// Checks one machine's transitions: every target exists, every state can be reached from
/// `StartAt`, and some state ends the machine.
enum GraphCheck {
    /// `declaredNames` holds every state written in `States`, including ones that failed to
    /// parse, so a broken state is not reported a second time as a missing target.
    /// Reachability and terminal states are judged only when every state parsed (a broken
    /// state's transitions are unknown).
    static func check(
        _ machine: StateMachine, startAt: String, startPointer: JSONPointer, declaredNames: Set<String>,
        allStatesParsed: Bool, report: (Diagnostic) -> Void
    ) {
        if !declaredNames.contains(startAt) {
            report(.missingStartTarget(startAt, at: startPointer))
        }
        for state in machine.states {
            for (target, field, pointer) in targets(of: state) where !declaredNames.contains(target) {
                report(.missingNextTarget(target, field: field, at: pointer))
            }
        }
        guard allStatesParsed, machine.state(named: startAt) != nil else { return }

        var reached = Set<String>([startAt])
        var pending = [startAt]
        while let name = pending.popLast() {
            guard let state = machine.state(named: name) else { continue }
            for (target, _, _) in targets(of: state) where reached.insert(target).inserted {
                pending.append(target)
            }
        }
        for state in machine.states where !reached.contains(state.name) {
            report(.unreachableState(state.name, at: state.pointer))
        }
        if !machine.states.contains(where: \.isTerminal) {
            report(.noTerminalState(at: machine.pointer))
        }
    }

    /// The states a state may go to, with the field naming each and where it is written.
    static func targets(of state: State) -> [(name: String, field: String, pointer: JSONPointer)] {
        var targets: [(name: String, field: String, pointer: JSONPointer)] = []
        if case .next(let name) = state.transition {
            targets.append((name, "Next", state.pointer / "Next"))
        }
        if case .choice(let choice) = state.kind {
            for (index, branch) in choice.choices.enumerated() {
                targets.append((branch.next, "Next", state.pointer / "Choices" / index / "Next"))
            }
            if let defaultNext = choice.defaultNext {
                targets.append((defaultNext, "Default", state.pointer / "Default"))
            }
        }
        for (index, catcher) in state.catch.enumerated() {
            targets.append((catcher.next, "Next", state.pointer / "Catch" / index / "Next"))
        }
        return targets
    }
}
