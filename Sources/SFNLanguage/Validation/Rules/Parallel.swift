import SFNJSON

// Parallel: Branches, each a machine of its own.

extension DefinitionParser {
    mutating func parallel(_ reader: inout FieldReader, depth: Int) -> StateKind? {
        let pointer = reader.pointer
        guard let branchValues = requiredArray(reader, "Branches") else { return nil }
        var branches: [StateMachine] = []
        for (index, branchValue) in branchValues.enumerated() {
            let branchPointer = pointer / "Branches" / index
            guard case .object(let fields) = branchValue else {
                report(.wrongType("Branches", expected: "an array of objects", at: branchPointer))
                continue
            }
            if let branch = machine(fields, at: branchPointer, language: machineLanguage, scope: .branch, depth: depth + 1) {
                branches.append(branch)
            }
        }
        return .parallel(ParallelState(branches: branches))
    }
}

extension FieldTable {
    static let parallelFields: Set<String> = common.union(transition).union([
        "Branches", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch",
        "Assign", "Arguments", "Output",
    ])
}
