import SFNJSON

/// Checks one machine's transitions: every target exists, every state can be reached from
/// `StartAt`, and some state ends the machine. Works on the definition JSON rather than the
/// model, so a state with other problems still contributes its transitions.
enum GraphCheck {
    /// AWS's order: dangling targets first (StartAt, then each state's in definition order);
    /// then, for the top-level machine only, MISSING_END_STATE when no state ends it, which
    /// replaces the reachability report; otherwise every state not reachable from StartAt.
    /// Nested machines (branches, item processors) may loop forever without a terminal state.
    static func check(
        _ states: JSONObject, startAt: String, machinePointer: JSONPointer, isTopLevel: Bool,
        report: (Diagnostic) -> Void
    ) {
        let statesPointer = machinePointer / "States"
        if states[startAt] == nil {
            report(.missingTarget(startAt, at: machinePointer / "StartAt"))
        }
        var successors: [String: [String]] = [:]
        for (name, state) in states {
            let found = targets(of: state, at: statesPointer / name)
            for target in found where states[target.name] == nil {
                report(.missingTarget(target.name, at: target.pointer))
            }
            successors[name] = found.map(\.name)
        }
        if isTopLevel, !states.values.contains(where: isTerminal) {
            report(.noTerminalState())
            return
        }

        var reached: Set<String> = []
        var pending: [String] = []
        if states[startAt] != nil {
            reached.insert(startAt)
            pending.append(startAt)
        }
        while let name = pending.popLast() {
            for target in successors[name] ?? [] where states[target] != nil && reached.insert(target).inserted {
                pending.append(target)
            }
        }
        for name in states.keys where !reached.contains(name) {
            report(.unreachableState(name, at: statesPointer / name))
        }
    }

    private static func isTerminal(_ state: JSON) -> Bool {
        switch state["Type"] {
        case .string("Succeed")?, .string("Fail")?: true
        case .string("Choice")?: false
        default: state["End"] == .bool(true)
        }
    }

    /// The states a state may go to, each with where it is written.
    private static func targets(of state: JSON, at pointer: JSONPointer) -> [(name: String, pointer: JSONPointer)] {
        var targets: [(name: String, pointer: JSONPointer)] = []
        guard case .object(let fields) = state else { return targets }
        let type = fields["Type"]?.stringValue
        if type != "Choice", type != "Succeed", type != "Fail", case .string(let next)? = fields["Next"] {
            targets.append((next, pointer / "Next"))
        }
        if type == "Choice" {
            if case .array(let rules)? = fields["Choices"] {
                for (index, rule) in rules.enumerated() {
                    if case .string(let next)? = rule["Next"] {
                        targets.append((next, pointer / "Choices" / index / "Next"))
                    }
                }
            }
            if case .string(let defaultNext)? = fields["Default"] {
                targets.append((defaultNext, pointer / "Default"))
            }
        }
        if type == "Task" || type == "Parallel" || type == "Map", case .array(let catchers)? = fields["Catch"] {
            for (index, catcher) in catchers.enumerated() {
                if case .string(let next)? = catcher["Next"] {
                    targets.append((next, pointer / "Catch" / index / "Next"))
                }
            }
        }
        return targets
    }
}
