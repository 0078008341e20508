import SFNJSON
import SFNJSONata
import SFNLanguage

/// Why a definition could not be turned into a runnable plan (validation normally reports these
/// first, with every problem at once).
public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var pointer: JSONPointer

    public var description: String { "\(pointer.description.isEmpty ? "/" : pointer.description): \(message)" }
}

/// Compiles definition JSON into the runtime's plan: every expression compiled, every `Next`
/// resolved to an index.
enum PlanBuilder {
    static func build(_ definition: JSON) throws(PlanError) -> MachinePlan {
        let language = try queryLanguage(definition["QueryLanguage"], at: .root / "QueryLanguage", inherited: .jsonPath)
        return try machine(definition, at: .root, language: language)
    }

    enum Language { case jsonPath, jsonata }

    private static func queryLanguage(_ value: JSON?, at pointer: JSONPointer, inherited: Language) throws(PlanError) -> Language {
        switch value {
        case nil: return inherited
        case .string("JSONPath")?: return .jsonPath
        case .string("JSONata")?: return .jsonata
        default: throw PlanError(message: "QueryLanguage must be \"JSONPath\" or \"JSONata\"", pointer: pointer)
        }
    }

    private static func machine(_ definition: JSON, at pointer: JSONPointer, language: Language) throws(PlanError) -> MachinePlan {
        guard case .object = definition else { throw PlanError(message: "a state machine must be an object", pointer: pointer) }
        guard case .object(let states)? = definition["States"] else {
            throw PlanError(message: "States must be an object", pointer: pointer / "States")
        }
        guard case .string(let startAt)? = definition["StartAt"] else {
            throw PlanError(message: "StartAt must be a string", pointer: pointer / "StartAt")
        }
        var indexes: [String: Int] = [:]
        for (offset, name) in states.keys.enumerated() { indexes[name] = offset }
        guard let startIndex = indexes[startAt] else {
            throw PlanError(message: "StartAt names no state: '\(startAt)'", pointer: pointer / "StartAt")
        }
        var plans: [StatePlan] = []
        plans.reserveCapacity(states.count)
        for (name, state) in states {
            plans.append(try self.state(name, state, at: pointer / "States" / name, indexes: indexes, language: language))
        }
        let timeout = definition["TimeoutSeconds"]?.intValue
        return MachinePlan(states: plans, startIndex: startIndex, timeoutSeconds: timeout)
    }

    // MARK: States

    private static func state(
        _ name: String, _ json: JSON, at pointer: JSONPointer, indexes: [String: Int], language inherited: Language
    ) throws(PlanError) -> StatePlan {
        guard case .object(let fields) = json else { throw PlanError(message: "a state must be an object", pointer: pointer) }
        let language = try queryLanguage(fields["QueryLanguage"], at: pointer / "QueryLanguage", inherited: inherited)
        guard case .string(let type)? = fields["Type"] else { throw PlanError(message: "Type must be a string", pointer: pointer / "Type") }
        let reader = FieldReader(fields: fields, pointer: pointer, indexes: indexes, language: language, topLevelLanguage: inherited)

        let transition: Transition
        switch type {
        case "Choice", "Succeed", "Fail":
            transition = .none
        default:
            if let next = fields["Next"] {
                transition = .next(try reader.stateIndex(next, at: pointer / "Next"))
            } else if fields["End"] == .bool(true) {
                transition = .end
            } else {
                throw PlanError(message: "a \(type) state needs Next or \"End\": true", pointer: pointer)
            }
        }

        let kind: StateKindPlan
        switch type {
        case "Pass": kind = .pass(result: fields["Result"])
        case "Succeed": kind = .succeed
        case "Fail": kind = .fail(try reader.failPlan())
        case "Wait": kind = .wait(try reader.waitPlan())
        case "Choice": kind = .choice(try reader.choicePlan())
        case "Task": kind = .task(try reader.taskPlan())
        case "Parallel":
            guard case .array(let branches)? = fields["Branches"] else {
                throw PlanError(message: "Branches must be an array", pointer: pointer / "Branches")
            }
            var plans: [MachinePlan] = []
            for (index, branch) in branches.enumerated() {
                // Nested states default to the top-level machine's language, not this state's (as AWS does).
                plans.append(try machine(branch, at: pointer / "Branches" / index, language: inherited))
            }
            kind = .parallel(plans)
        case "Map": kind = .map(try reader.mapPlan())
        default:
            throw PlanError(message: "unknown state type '\(type)'", pointer: pointer / "Type")
        }

        let flow: DataFlowPlan
        switch language {
        case .jsonPath:
            var jsonPath = JSONPathFlow()
            jsonPath.inputPath = try reader.selection("InputPath")
            jsonPath.outputPath = try reader.selection("OutputPath")
            jsonPath.resultPath = try reader.placement(fields["ResultPath"], at: pointer / "ResultPath")
            if type != "Map" { jsonPath.parameters = try reader.payloadTemplate("Parameters") }
            jsonPath.resultSelector = try reader.payloadTemplate("ResultSelector")
            flow = .jsonPath(jsonPath)
        case .jsonata:
            flow = .jsonata(JSONataFlow(arguments: try reader.jsonataTemplate("Arguments"), output: try reader.jsonataTemplate("Output")))
        }
        let assign = try reader.assignment(fields["Assign"], field: "Assign", at: pointer / "Assign")
        let readsContext = language == .jsonata || json.compactText.contains("$$")
        return StatePlan(
            name: name, typeName: type, kind: kind, transition: transition, flow: flow, assign: assign,
            retriers: try reader.retriers(), catchers: try reader.catchers(), readsContext: readsContext)
    }

    /// Reads one state's fields.
    struct FieldReader {
        let fields: JSONObject
        let pointer: JSONPointer
        let indexes: [String: Int]
        let language: Language
        /// What states of nested machines default to.
        let topLevelLanguage: Language

        func stateIndex(_ value: JSON, at pointer: JSONPointer) throws(PlanError) -> Int {
            guard case .string(let name) = value else { throw PlanError(message: "a transition target must be a string", pointer: pointer) }
            guard let index = indexes[name] else { throw PlanError(message: "no state is named '\(name)'", pointer: pointer) }
            return index
        }

        func pathExpression(_ text: String, at pointer: JSONPointer) throws(PlanError) -> PathExpression {
            do {
                return try PathExpression(text)
            } catch {
                throw PlanError(message: error.message, pointer: pointer)
            }
        }

        func selection(_ field: String) throws(PlanError) -> PathSelection {
            switch fields[field] {
            case nil: return .whole
            case .null?: return .discard
            case .string("$")?: return .whole
            case .string(let text)?: return .path(try pathExpression(text, at: pointer / field))
            default: throw PlanError(message: "\(field) must be a string or null", pointer: pointer / field)
            }
        }

        func placement(_ value: JSON?, at pointer: JSONPointer) throws(PlanError) -> ResultPlacement {
            switch value {
            case nil: return .replace
            case .null?: return .discard
            case .string("$")?: return .replace
            case .string(let text)?:
                do {
                    return .at(try ReferencePath(resultPath: text))
                } catch {
                    throw PlanError(message: error.message, pointer: pointer)
                }
            default: throw PlanError(message: "ResultPath must be a string or null", pointer: pointer)
            }
        }

        func payloadTemplate(_ field: String) throws(PlanError) -> PayloadTemplate? {
            guard let value = fields[field] else { return nil }
            return try payloadTemplate(value, at: pointer / field)
        }

        func payloadTemplate(_ value: JSON, at pointer: JSONPointer) throws(PlanError) -> PayloadTemplate {
            do {
                return try PayloadTemplate(compiling: value)
            } catch {
                throw PlanError(message: error.message, pointer: JSONPointer(pointer.tokens + error.pointer.tokens))
            }
        }

        func jsonataTemplate(_ field: String) throws(PlanError) -> JSONataTemplate? {
            guard let value = fields[field] else { return nil }
            return try jsonataTemplate(value, field: field, at: pointer / field)
        }

        func jsonataTemplate(_ value: JSON, field: String, at pointer: JSONPointer) throws(PlanError) -> JSONataTemplate {
            do {
                return try JSONataTemplate(compiling: value, field: field)
            } catch {
                throw PlanError(message: error.message, pointer: pointer)
            }
        }

        func assignment(_ value: JSON?, field: String, at pointer: JSONPointer) throws(PlanError) -> AssignmentPlan? {
            guard let value else { return nil }
            guard case .object = value else { throw PlanError(message: "Assign must be an object", pointer: pointer) }
            switch language {
            case .jsonPath: return .jsonPath(try payloadTemplate(value, at: pointer))
            case .jsonata: return .jsonata(try jsonataTemplate(value, field: field, at: pointer))
            }
        }

        /// A literal number, a `...Path` twin, or a JSONata string.
        func valueSource(_ field: String, pathField: String? = nil, allowsIntrinsic: Bool = false) throws(PlanError) -> ValueSource? {
            if let pathField, case .string(let text)? = fields[pathField] {
                if allowsIntrinsic, IntrinsicFunctionCall.looksLikeCall(text) {
                    do {
                        return .intrinsic(try IntrinsicFunctionCall(parsing: text), field: pathField)
                    } catch {
                        throw PlanError(message: error.message, pointer: pointer / pathField)
                    }
                }
                return .path(try pathExpression(text, at: pointer / pathField), field: pathField)
            }
            guard let value = fields[field] else { return nil }
            if case .string(let text) = value, JSONataTemplate.expressionSource(text) != nil {
                return .jsonata(try jsonataTemplate(value, field: field, at: pointer / field), field: field)
            }
            return .literal(value)
        }

        func failPlan() throws(PlanError) -> FailPlan {
            FailPlan(
                error: try valueSource("Error", pathField: "ErrorPath", allowsIntrinsic: true),
                cause: try valueSource("Cause", pathField: "CausePath", allowsIntrinsic: true))
        }

        func waitPlan() throws(PlanError) -> WaitPlan {
            if let source = try valueSource("Seconds", pathField: "SecondsPath") { return .seconds(source) }
            if let source = try valueSource("Timestamp", pathField: "TimestampPath") { return .timestamp(source) }
            throw PlanError(message: "a Wait state needs Seconds, SecondsPath, Timestamp or TimestampPath", pointer: pointer)
        }

        func taskPlan() throws(PlanError) -> TaskPlan {
            guard case .string(let resource)? = fields["Resource"] else {
                throw PlanError(message: "Resource must be a string", pointer: pointer / "Resource")
            }
            return TaskPlan(
                resource: resource,
                timeoutSeconds: try valueSource("TimeoutSeconds", pathField: "TimeoutSecondsPath"),
                heartbeatSeconds: try valueSource("HeartbeatSeconds", pathField: "HeartbeatSecondsPath"),
                credentials: fields["Credentials"])
        }

        func choicePlan() throws(PlanError) -> ChoicePlan {
            guard case .array(let rules)? = fields["Choices"] else {
                throw PlanError(message: "Choices must be an array", pointer: pointer / "Choices")
            }
            var branches: [ChoiceBranchPlan] = []
            for (index, rule) in rules.enumerated() {
                let rulePointer = pointer / "Choices" / index
                guard case .object(let ruleFields) = rule else { throw PlanError(message: "a choice rule must be an object", pointer: rulePointer) }
                guard let nextValue = ruleFields["Next"] else { throw PlanError(message: "a choice rule needs Next", pointer: rulePointer) }
                let next = try stateIndex(nextValue, at: rulePointer / "Next")
                let label = "Choices[\(index)]"
                switch language {
                case .jsonPath:
                    let compiled: ChoiceRule
                    do {
                        compiled = try ChoiceRule(compiling: rule)
                    } catch {
                        throw PlanError(message: error.message, pointer: JSONPointer(rulePointer.tokens + error.pointer.tokens))
                    }
                    branches.append(
                        ChoiceBranchPlan(
                            condition: .rule(compiled), next: next,
                            assign: try assignment(ruleFields["Assign"], field: label + "/Assign", at: rulePointer / "Assign"),
                            output: nil))
                case .jsonata:
                    guard let condition = ruleFields["Condition"] else {
                        throw PlanError(message: "a JSONata choice rule needs Condition", pointer: rulePointer)
                    }
                    branches.append(
                        ChoiceBranchPlan(
                            condition: .jsonata(try jsonataTemplate(condition, field: label + "/Condition", at: rulePointer / "Condition")),
                            next: next,
                            assign: try assignment(ruleFields["Assign"], field: label + "/Assign", at: rulePointer / "Assign"),
                            output: try ruleFields["Output"].map { (value: JSON) throws(PlanError) -> JSONataTemplate in
                                try jsonataTemplate(value, field: label + "/Output", at: rulePointer / "Output")
                            }))
                }
            }
            let defaultNext = try fields["Default"].map { (value: JSON) throws(PlanError) -> Int in
                try stateIndex(value, at: pointer / "Default")
            }
            return ChoicePlan(branches: branches, defaultNext: defaultNext)
        }

        func mapPlan() throws(PlanError) -> MapPlan {
            let processorField = fields["ItemProcessor"] != nil ? "ItemProcessor" : "Iterator"
            guard let processorJSON = fields[processorField] else {
                throw PlanError(message: "a Map state needs ItemProcessor (or Iterator)", pointer: pointer)
            }
            // Item processor states default to the top-level machine's language, not the Map's.
            var plan = MapPlan(processor: try PlanBuilder.machine(processorJSON, at: pointer / processorField, language: topLevelLanguage))
            let config = processorJSON["ProcessorConfig"]
            plan.isDistributed = config?["Mode"]?.stringValue == "DISTRIBUTED"
            switch language {
            case .jsonPath:
                plan.itemsPath = try selection("ItemsPath")
                let selectorField = fields["ItemSelector"] != nil ? "ItemSelector" : "Parameters"
                if let selector = fields[selectorField] {
                    plan.itemSelector = .jsonPath(try payloadTemplate(selector, at: pointer / selectorField))
                }
            case .jsonata:
                if let items = fields["Items"] { plan.items = try jsonataTemplate(items, field: "Items", at: pointer / "Items") }
                if let selector = fields["ItemSelector"] {
                    plan.itemSelector = .jsonata(try jsonataTemplate(selector, field: "ItemSelector", at: pointer / "ItemSelector"))
                }
            }
            plan.maxConcurrency = try valueSource("MaxConcurrency", pathField: "MaxConcurrencyPath")
            plan.toleratedFailureCount = try valueSource("ToleratedFailureCount", pathField: "ToleratedFailureCountPath")
            plan.toleratedFailurePercentage = try valueSource("ToleratedFailurePercentage", pathField: "ToleratedFailurePercentagePath")
            if case .object(let batcher)? = fields["ItemBatcher"] {
                let batcherReader = FieldReader(
                    fields: batcher, pointer: pointer / "ItemBatcher", indexes: indexes, language: language, topLevelLanguage: topLevelLanguage)
                plan.maxItemsPerBatch = try batcherReader.valueSource("MaxItemsPerBatch", pathField: "MaxItemsPerBatchPath")
                plan.batchInput = batcher["BatchInput"]
            }
            return plan
        }

        func retriers() throws(PlanError) -> [RetrierPlan] {
            guard case .array(let entries)? = fields["Retry"] else { return [] }
            var result: [RetrierPlan] = []
            for (index, entry) in entries.enumerated() {
                let at = pointer / "Retry" / index
                result.append(
                    RetrierPlan(
                        errorEquals: try errorEquals(entry, at: at),
                        intervalSeconds: entry["IntervalSeconds"]?.doubleValue ?? 1,
                        maxAttempts: entry["MaxAttempts"]?.intValue ?? 3,
                        backoffRate: entry["BackoffRate"]?.doubleValue ?? 2,
                        maxDelaySeconds: entry["MaxDelaySeconds"]?.doubleValue,
                        fullJitter: entry["JitterStrategy"]?.stringValue == "FULL"))
            }
            return result
        }

        func catchers() throws(PlanError) -> [CatcherPlan] {
            guard case .array(let entries)? = fields["Catch"] else { return [] }
            var result: [CatcherPlan] = []
            for (index, entry) in entries.enumerated() {
                let at = pointer / "Catch" / index
                guard let nextValue = entry["Next"] else { throw PlanError(message: "a catcher needs Next", pointer: at) }
                let label = "Catch[\(index)]"
                result.append(
                    CatcherPlan(
                        errorEquals: try errorEquals(entry, at: at),
                        next: try stateIndex(nextValue, at: at / "Next"),
                        resultPath: try placement(entry["ResultPath"], at: at / "ResultPath"),
                        assign: try assignment(entry["Assign"], field: label + "/Assign", at: at / "Assign"),
                        output: try entry["Output"].map { (value: JSON) throws(PlanError) -> JSONataTemplate in
                            try jsonataTemplate(value, field: label + "/Output", at: at / "Output")
                        }))
            }
            return result
        }

        private func errorEquals(_ entry: JSON, at pointer: JSONPointer) throws(PlanError) -> [String] {
            guard case .array(let names)? = entry["ErrorEquals"] else {
                throw PlanError(message: "ErrorEquals must be an array of strings", pointer: pointer / "ErrorEquals")
            }
            return names.compactMap(\.stringValue)
        }
    }
}
