import SFNJSON

// What an EXPRESS state machine may not contain: AWS refuses the definition at
// CreateStateMachine (SCHEMA_VALIDATION_FAILED), at the Task state's Resource.

extension StateMachine {
    /// The problems that keep this definition from being a state machine of `type` (none for
    /// STANDARD). Every Task of every branch and item processor is checked.
    public func diagnostics(for type: StateMachineType) -> [Diagnostic] {
        guard type == .express else { return [] }
        var found: [Diagnostic] = []
        collectExpressDiagnostics(into: &found)
        return found
    }

    private func collectExpressDiagnostics(into found: inout [Diagnostic]) {
        for state in states {
            switch state.kind {
            case .task(let task):
                if let problem = Self.expressProblem(resource: task.resource) {
                    found.append(Diagnostic(.schemaValidationFailed, problem, at: state.pointer / "Resource"))
                }
            case .parallel(let parallel):
                for branch in parallel.branches { branch.collectExpressDiagnostics(into: &found) }
            case .map(let map):
                map.itemProcessor.collectExpressDiagnostics(into: &found)
            default:
                break
            }
        }
    }

    /// Every Task state's Resource, in branches and item processors too, with the state's name.
    public var taskResources: [(state: String, resource: String)] {
        var found: [(state: String, resource: String)] = []
        for state in states {
            switch state.kind {
            case .task(let task): found.append((state.name, task.resource))
            case .parallel(let parallel): for branch in parallel.branches { found += branch.taskResources }
            case .map(let map): found += map.itemProcessor.taskResources
            default: break
            }
        }
        return found
    }

    /// Why an Express machine cannot run `resource`, or nil when it can.
    static func expressProblem(resource: String) -> String? {
        if let arn = ARN(parsing: resource), arn.service == "states", arn.resourceType == "activity" {
            return "Express state machine does not support Activity ARN"
        }
        // JSONata and templates may compute parts of an ARN, but the pattern suffix is literal.
        for pattern in [".waitForTaskToken", ".sync:2", ".sync"] where resource.hasSuffix(pattern) {
            let name = pattern == ".sync:2" ? ".sync" : pattern
            return "Express state machine does not support '\(name)' service integration"
        }
        return nil
    }
}
