import SFNJSON

/// A path of plain member names, each optionally indexed by a constant, read from `$`, a
/// variable or the context: the common shape of Step Functions expressions
/// (`$states.input.order.items[0].sku`). It is walked on the JSON it reads, without building
/// the sequences of the general path evaluation; whatever the walk does not cover (arrays
/// along the way, objects built by the expression) goes to the general evaluation.
struct FieldPath: Sendable {
    enum Head: Sendable {
        /// The first field is read from the context value.
        case context
        /// `$name`; the empty name is the context `$`.
        case variable(String)
    }

    struct Field: Sendable {
        var name: String
        /// A constant subscript, as the general filter rounds it (down).
        var index: Int?
    }

    var head: Head
    var fields: [Field]
    /// The general form of the same path.
    var steps: [Node]

    /// The field path `steps` amount to, when they are that simple.
    init?(steps: [Node]) {
        guard let first = steps.first else { return nil }
        var remaining = steps[...]
        if case .variable(let name) = first.kind {
            guard first.isUndecorated, first.stages.isEmpty else { return nil }
            head = .variable(name)
            remaining = steps.dropFirst()
        } else {
            head = .context
        }
        guard !remaining.isEmpty else { return nil }
        fields = []
        for step in remaining {
            guard case .name(let name) = step.kind, step.isUndecorated else { return nil }
            var field = Field(name: name)
            switch step.stages.count {
            case 0: break
            case 1:
                guard case .filter(let predicate) = step.stages[0], case .number(let number) = predicate.kind,
                    predicate.isUndecorated, predicate.stages.isEmpty
                else { return nil }
                field.index = number.clampedInt(.down)
            default: return nil
            }
            fields.append(field)
        }
        self.steps = steps
    }
}

extension Node {
    /// Nothing but the node's kind and stages matters to its evaluation.
    fileprivate var isUndecorated: Bool {
        predicates.isEmpty && group == nil && focus == nil && indexVariable == nil && !tuple && !keepArray
            && !constructedArray && !keepSingletonArray && ancestorLabel == nil
    }

    /// Turns every simple path in this tree, lambda bodies included, into a field path.
    mutating func compileFieldPaths() {
        switch kind {
        case .path(let steps) where isUndecorated && stages.isEmpty:
            if let fieldPath = FieldPath(steps: steps) {
                kind = .fieldPath(fieldPath)
                return
            }
        case .lambda(var definition):
            definition.body.compileFieldPaths()
            kind = .lambda(definition)
        case .transform(var pattern, var update, var deletion):
            pattern.compileFieldPaths()
            update.compileFieldPaths()
            deletion?.compileFieldPaths()
            kind = .transform(pattern, update, deletion)
        default:
            break
        }
        updateChildren { $0.compileFieldPaths() }
    }
}

extension Evaluator {
    enum Walk {
        case found(JSON)
        case undefined
        /// The walk met something only the general evaluation handles.
        case general
    }

    func evaluateFieldPath(_ node: Node, _ path: FieldPath, _ input: Value?, _ frame: Frame) throws(EvaluationFailure) -> Value? {
        if case .variable(let name) = path.head, case .object(let members)? = hostJSON(name, in: frame) {
            switch Self.walk(members, path.fields) {
            case .found(let json): return Value(json, conversions: conversions)
            case .undefined: return nil
            case .general: return try evaluatePath(node, path.steps, input, frame)
            }
        }
        let start: Value?
        switch path.head {
        case .context:
            start = input
        case .variable(let name) where name.isEmpty:
            if case .array(let seq)? = input, seq.outerWrapper { start = seq.items.first } else { start = input }
        case .variable(let name):
            start = lookupVariable(name, in: frame)
        }
        switch start {
        case .object(let object)?:
            guard let source = object.unmodifiedSource else { break }
            switch Self.walk(source, path.fields) {
            case .found(let json): return Value(json, conversions: conversions)
            case .undefined: return nil
            case .general: break
            }
        case .array?:
            break
        default:
            // Scalars and functions have no members.
            return nil
        }
        return try evaluatePath(node, path.steps, input, frame)
    }

    static func walk(_ root: JSONObject, _ fields: [FieldPath.Field]) -> Walk {
        guard let first = fields.first, let member = root[first.name] else { return .undefined }
        return walk(from: member, fields, at: 0)
    }

    /// The rest of a walk whose field `position` read `member` (before its subscript).
    static func walk(from member: JSON, _ fields: [FieldPath.Field], at position: Int) -> Walk {
        var member = member
        var offset = position
        while true {
            if let index = fields[offset].index {
                if case .array(let elements) = member {
                    let element = index < 0 ? index + elements.count : index
                    guard elements.indices.contains(element) else { return .undefined }
                    member = elements[element]
                } else if index != 0 && index != -1 {
                    return .undefined
                }
            }
            if offset == fields.count - 1 { return .found(member) }
            offset += 1
            switch member {
            case .object(let members):
                guard let next = members[fields[offset].name] else { return .undefined }
                member = next
            // A path maps over arrays and flattens them: the general evaluation's work.
            case .array: return .general
            default: return .undefined
            }
        }
    }
}

extension FieldPath {
    /// The path's JSON result read straight from an evaluation's own input and bindings, when
    /// the walk covers it (nil otherwise): a whole expression of this shape needs no evaluator.
    func evaluateDirectly(_ input: JSON?, bindings: some JSONataVariables) -> JSONataResult? {
        let walked: Evaluator.Walk
        switch head {
        case .variable(let name) where !name.isEmpty && name != "$":
            // The first member is asked of the host, which need not build the object it is in.
            switch bindings.member(fields[0].name, of: name) {
            case .found(let member): walked = Evaluator.walk(from: member, fields, at: 0)
            case .missing: walked = .undefined
            case .notAnObject: return nil
            }
        default:
            guard case .object(let members)? = input else { return nil }
            walked = Evaluator.walk(members, fields)
        }
        switch walked {
        case .undefined: return .undefined
        case .general: return nil
        case .found(let json):
            switch json {
            // Numbers leave JSONata as JavaScript numbers, so 12.0 is 12.
            case .double(let number): return .value(.number(number))
            case .int(let number): return .value(.number(Double(number)))
            // Arrays' members are converted like any result's.
            case .array: return nil
            default: return .value(json)
            }
        }
    }
}
