import Foundation
import SFNJSON

/// A JSONata expression, parsed and compiled once, evaluated any number of times.
public struct JSONataExpression: Sendable {
    /// The expression as written.
    public let source: String
    let root: Node

    /// Parses and compiles `source`.
    public init(_ source: String) throws(JSONataError) {
        self.source = source
        do throws(EvaluationFailure) {
            root = try Compiler.compileRoot(try Parser.parse(source))
        } catch {
            throw error.publicError
        }
    }

    /// Evaluates against `input` (nil = undefined input). A nil result means undefined.
    /// `bindings` become variables (`$name`) visible to the expression.
    public func evaluate(
        _ input: JSON?, bindings: [String: JSON] = [:],
        environment: JSONataEnvironment = JSONataEnvironment()
    ) throws(JSONataError) -> JSON? {
        if case .value(let value) = try evaluateResult(input, bindings: bindings, environment: environment) { return value }
        return nil
    }

    /// Like `evaluate`, telling an undefined result apart from a function (which has no JSON form).
    public func evaluateResult(
        _ input: JSON?, bindings: [String: JSON] = [:],
        environment: JSONataEnvironment = JSONataEnvironment()
    ) throws(JSONataError) -> JSONataResult {
        try evaluateResult(input, variables: bindings, environment: environment)
    }

    /// The same, with the variables a host keeps in its own form: an expression the direct
    /// walks answer reads only the members it names, and ``JSONataVariables/all`` is asked for
    /// only when the general evaluation runs.
    public func evaluateResult(
        _ input: JSON?, variables: some JSONataVariables, environment: JSONataEnvironment
    ) throws(JSONataError) -> JSONataResult {
        if case .fieldPath(let path) = root.kind, let result = path.evaluateDirectly(input, bindings: variables) {
            return result
        }
        if case .binary(let op, let lhs, let rhs) = root.kind, let result = Self.numericDirectly(op, lhs, rhs, input, variables) {
            return result
        }
        do throws(EvaluationFailure) {
            let conversions = ArrayConversions()
            var subject = input.map { Value($0, conversions: conversions) }
            let evaluator = Evaluator(environment: environment, input: subject, bindings: variables.all, conversions: conversions)
            if case .array(var seq)? = subject {
                seq = ValueSequence([.array(seq)], isSequence: true)
                seq.outerWrapper = true
                subject = .array(seq)
            }
            let result = try evaluator.evaluate(root, subject, evaluator.rootFrame)
            guard let result else { return .undefined }
            if result.isFunction { return .function }
            return try result.toJSON().map(JSONataResult.value) ?? .undefined
        } catch {
            throw error.publicError
        }
    }
}

extension JSONataExpression {
    /// `$states.input.count + 1`, `$x.n < $x.limit` and the like without an evaluator: arithmetic
    /// (+ - *) and comparisons of two plain field paths or number literals that both hold finite
    /// numbers. Anything else (a string, an undefined operand, an overflow to infinity) returns nil
    /// and takes the evaluator, which gives the same answers and the errors.
    static func numericDirectly(
        _ op: BinaryOperator, _ lhs: Node, _ rhs: Node, _ input: JSON?, _ bindings: some JSONataVariables
    ) -> JSONataResult? {
        func operand(_ node: Node) -> Double? {
            let json: JSON
            switch node.kind {
            case .number(let number): return number.isFinite ? number : nil
            case .fieldPath(let path):
                guard case .value(let found)? = path.evaluateDirectly(input, bindings: bindings) else { return nil }
                json = found
            default: return nil
            }
            switch json {
            case .int(let number): return Double(number)
            case .double(let number): return number.isFinite ? number : nil
            default: return nil
            }
        }
        switch op {
        case .add, .subtract, .multiply, .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual: break
        default: return nil
        }
        guard let left = operand(lhs), let right = operand(rhs) else { return nil }
        let result: JSON
        switch op {
        case .add, .subtract, .multiply:
            let number = op == .add ? left + right : op == .subtract ? left - right : left * right
            guard number.isFinite else { return nil }
            result = .number(number)
        case .less: result = .bool(left < right)
        case .lessOrEqual: result = .bool(left <= right)
        case .greater: result = .bool(left > right)
        case .greaterOrEqual: result = .bool(left >= right)
        case .equal: result = .bool(left == right)
        default: result = .bool(left != right)
        }
        return .value(result)
    }
}

/// The variables (`$name`) an evaluation sees, as its host keeps them.
public protocol JSONataVariables {
    /// `$name`'s member `member`: the host answers without building the object around it when
    /// it keeps that object's members apart (Step Functions' `$states`).
    func member(_ member: String, of name: String) -> JSONataMember
    /// Every variable, for the general evaluation.
    var all: [String: JSON] { get }
}

/// What ``JSONataVariables/member(_:of:)`` found.
public enum JSONataMember: Sendable, Equatable {
    case found(JSON)
    /// `$name` is an object without that member.
    case missing
    /// `$name` is unbound, or not an object.
    case notAnObject

    /// `member` of `value`, the value bound to a name (nil when unbound).
    public init(_ member: String, of value: JSON?) {
        guard case .object(let members)? = value else {
            self = .notAnObject
            return
        }
        self = members[member].map(JSONataMember.found) ?? .missing
    }
}

extension Dictionary: JSONataVariables where Key == String, Value == JSON {
    /// The member of the object bound to `name`.
    public func member(_ member: String, of name: String) -> JSONataMember {
        JSONataMember(member, of: self[name])
    }

    /// The dictionary itself.
    public var all: [String: JSON] { self }
}

/// What an expression produced.
public enum JSONataResult: Sendable, Equatable {
    case value(JSON)
    case undefined
    /// A function value: it has no JSON form.
    case function
}

/// What an evaluation may draw on from its host: the clock, randomness and extra functions.
public struct JSONataEnvironment {
    /// Milliseconds since the epoch; read once per evaluation, as `$now()` requires.
    public var now: () -> Double
    /// Uniform in [0, 1).
    public var random: () -> Double
    /// Extra functions by name (without `$`); they take precedence over built-ins.
    public var functions: [String: JSONataHostFunction]
    /// What one evaluation may spend.
    public var limits = JSONataLimits()

    /// An environment with these functions and this clock.
    public init(
        now: @escaping () -> Double = { Date().timeIntervalSince1970 * 1000 },
        random: @escaping () -> Double = { Double.random(in: 0..<1) },
        functions: [String: JSONataHostFunction] = [:]
    ) {
        self.now = now
        self.random = random
        self.functions = functions
    }
}

/// The budget of one evaluation: expressions are user input, and one that never ends or fills
/// memory must fail with a clear error (U1003, U1004) instead of taking the process with it.
public struct JSONataLimits: Sendable {
    /// Wall-clock time one evaluation may take.
    public var time = Duration.seconds(10)
    /// Bytes of strings and arrays one evaluation may build in all (strings by UTF-8 length,
    /// arrays by element count).
    public var builtBytes = 256 * 1024 * 1024

    /// The default budget: 10 seconds and 256 MiB.
    public init() {}
}

/// A function supplied by the host. Receives the evaluated arguments (nil = undefined).
public struct JSONataHostFunction: Sendable {
    let body: @Sendable ([JSON?]) throws(JSONataError) -> JSON?

    /// A host function.
    public init(_ body: @escaping @Sendable ([JSON?]) throws(JSONataError) -> JSON?) {
        self.body = body
    }
}
