import SFNRuntime

/// What `sfn run` says of Tasks that nothing would serve: each one, and the executor
/// configuration (YAML) that would route it.
enum UnroutedTasks {
    static func message(_ tasks: [TaskRoute], hasConfig: Bool) -> String {
        var functions: [(name: String, states: [String])] = []
        var resources: [(resource: String, states: [String])] = []
        for task in tasks {
            if let function = task.function {
                if let index = functions.firstIndex(where: { $0.name == function.name }) {
                    functions[index].states.append(task.state)
                } else {
                    functions.append((function.name, [task.state]))
                }
            } else if let index = resources.firstIndex(where: { $0.resource == task.resource }) {
                resources[index].states.append(task.state)
            } else {
                resources.append((task.resource, [task.state]))
            }
        }
        var lines = [
            tasks.count == 1 ? "a Task state has nothing to run it:" : "\(tasks.count) Task states have nothing to run them:"
        ]
        for task in tasks {
            lines.append("  state '\(task.state)': \(task.resource)\(task.functionName.map { " (FunctionName \($0))" } ?? "")")
        }
        lines.append("")
        lines.append(
            hasConfig
                ? "Add \(tasks.count == 1 ? "a route" : "routes") to your --config file, for example:"
                : "Route \(tasks.count == 1 ? "it" : "them") with --config FILE (JSON or YAML), for example:")
        lines.append("")
        if !functions.isEmpty {
            lines.append("functions:")
            for (name, states) in functions {
                lines.append(
                    "  \(yamlKey(name)): {command: [python3, \(name).py]}    # \(describe(states)); or {url: http://127.0.0.1:3001} for sam local start-lambda"
                )
            }
        }
        if !resources.isEmpty {
            lines.append("resources:")
            for (resource, states) in resources {
                lines.append("  \(yamlKey(resource)): {result: {}}    # \(describe(states)): a fixed result, or {command: [...]}")
            }
        }
        lines.append("")
        lines.append("A program reads the task's input as JSON on stdin and writes its result as JSON on stdout.")
        lines.append("Or answer states from a Step Functions Local mock file (--mock-config FILE --test-case NAME),")
        lines.append("or run anyway with --allow-unrouted (those Tasks then fail when they run).")
        return lines.joined(separator: "\n")
    }

    private static func describe(_ states: [String]) -> String {
        states.count == 1 ? "state '\(states[0])'" : "states " + states.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// A YAML mapping key: quoted when it holds characters YAML would read otherwise.
    private static func yamlKey(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        return plain && !text.isEmpty
            ? text : "\"\(text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
    }
}
