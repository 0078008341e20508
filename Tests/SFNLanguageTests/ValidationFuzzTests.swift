import SFNJSON
import SFNTestSupport
import Testing

@testable import SFNLanguage

/// Deterministic mutations of valid definitions: the parser must never crash or hang, and must
/// always answer with either a model or diagnostics that explain the refusal.
@Suite struct ValidationFuzzTests {
    static let seeds: [String] = [
        #"{"Comment":"c","StartAt":"A","TimeoutSeconds":30,"States":{"A":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","Next":"W"},"W":{"Type":"Wait","SecondsPath":"$.r.x","Next":"C"},"C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.r.x","NumericGreaterThan":0},{"Not":{"Variable":"$.y","IsPresent":true}}],"Next":"T"}],"Default":"F"},"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"States.JsonMerge($, $.r, false)"},"ResultSelector":{"p.$":"$.Payload"},"TimeoutSeconds":10,"HeartbeatSeconds":5,"Retry":[{"ErrorEquals":["States.Timeout"],"MaxAttempts":2,"BackoffRate":1.5,"JitterStrategy":"FULL"},{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"F"}],"Next":"P"},"P":{"Type":"Parallel","Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","End":true}}},{"StartAt":"B2","States":{"B2":{"Type":"Succeed"}}}],"Next":"M"},"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ItemSelector":{"v.$":"$$.Map.Item.Value"},"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ResultPath":null,"End":true},"F":{"Type":"Fail","Error":"Oops","CausePath":"States.Format('bad {}', $.r.x)"}}}"#,
        #"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"n":"{% $states.input.n + 1 %}"},"Assign":{"seen":"{% true %}"},"Next":"C"},"C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n > 2 %}","Next":"M","Output":"{% $states.input %}"}],"Default":"W"},"W":{"Type":"Wait","Seconds":"{% 1 %}","Next":"M"},"M":{"Type":"Map","Items":"{% [1,2,3] %}","MaxConcurrency":"{% 2 %}","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f"},"Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput %}","Next":"X"}],"End":true},"X":{"Type":"Fail","Error":"{% 'E' %}","Cause":"c"}}},"End":true}}}"#,
        #"{"StartAt":"M","States":{"M":{"Type":"Map","Iterator":{"StartAt":"S","States":{"S":{"Type":"Succeed"}}},"Parameters":{"a.$":"$.a"},"ToleratedFailurePercentagePath":"$.p","Label":"lbl","End":true}}}"#,
    ]

    static let replacements: [JSON] = [
        .null, .bool(true), .bool(false), .int(0), .int(-1), .int(Int.max), .double(1.5), .double(-0.0),
        .string(""), .string("$"), .string("$.a[?(@"), .string("{% %}"), .string("{% $x %}"), .string("States.ALL"),
        .string("States.Format("), .string("A"), .string("Nowhere"), .emptyArray, .emptyObject,
        .array([.string("States.ALL"), .int(1)]), .object(["Type": .string("Pass"), "End": .bool(true)]),
    ]

    static let fieldNames = [
        "Type", "Next", "End", "StartAt", "States", "Choices", "Default", "Branches", "ItemProcessor", "Iterator",
        "Retry", "Catch", "ErrorEquals", "Resource", "Seconds", "Timestamp", "InputPath", "ResultPath", "Parameters",
        "Assign", "Output", "Arguments", "QueryLanguage", "Variable", "Condition", "MaxConcurrency", "Label",
    ]

    /// Every place in a JSON value, as pointers.
    static func pointers(in value: JSON, at pointer: JSONPointer = .root, into list: inout [JSONPointer]) {
        list.append(pointer)
        switch value {
        case .object(let members): for (key, member) in members { pointers(in: member, at: pointer / key, into: &list) }
        case .array(let elements): for (index, element) in elements.enumerated() { pointers(in: element, at: pointer / index, into: &list) }
        default: break
        }
    }

    static func mutate(_ value: JSON, at pointer: JSONPointer, using generator: inout SeededGenerator) -> JSON {
        guard let last = pointer.tokens.last else { return replacements.randomElement(using: &generator) ?? .null }
        let parent = JSONPointer(Array(pointer.tokens.dropLast()))
        guard let container = value[pointer: parent] else { return value }
        var changed: JSON
        switch (container, last) {
        case (.object(var members), .key(let key)):
            switch generator.next() % 4 {
            case 0: members.removeValue(forKey: key)
            case 1:
                let name = fieldNames.randomElement(using: &generator) ?? "Type"
                members[name] = replacements.randomElement(using: &generator)
            default: members[key] = replacements.randomElement(using: &generator)
            }
            changed = .object(members)
        case (.array(var elements), .index(let index)) where elements.indices.contains(index):
            if generator.next() % 2 == 0 {
                elements.remove(at: index)
            } else {
                elements[index] = replacements.randomElement(using: &generator) ?? .null
            }
            changed = .array(elements)
        default:
            return value
        }
        return (try? value.setting(changed, at: parent)) ?? value
    }

    static func corruptText(_ text: String, using generator: inout SeededGenerator) -> String {
        var bytes = Array(text.utf8)
        for _ in 0..<(1 + Int(generator.next() % 4)) where !bytes.isEmpty {
            let index = Int(generator.next() % UInt64(bytes.count))
            switch generator.next() % 3 {
            case 0: bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            case 1: bytes.remove(at: index)
            default:
                let punctuation = Array("{}[]\",:$%".utf8)
                bytes.insert(punctuation[Int(generator.next() % UInt64(punctuation.count))], at: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func checkAnswer(_ definition: JSON) {
        let report = StateMachine.validate(definition)
        do {
            _ = try StateMachine.parse(definition)
            #expect(report.isValid)
        } catch {
            #expect(!error.diagnostics.isEmpty)
            #expect(!report.isValid)
        }
    }

    @Test(arguments: 0..<seeds.count)
    func structuralMutations(_ seedIndex: Int) throws {
        let original = try JSON(parsing: Self.seeds[seedIndex])
        #expect(StateMachine.validate(original).diagnostics.isEmpty, "\(StateMachine.validate(original))")
        var generator = SeededGenerator(state: UInt64(seedIndex) &* 7919 &+ 1)
        var places: [JSONPointer] = []
        Self.pointers(in: original, into: &places)
        for _ in 0..<1500 {
            var mutated = original
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                guard let place = places.randomElement(using: &generator) else { break }
                mutated = Self.mutate(mutated, at: place, using: &generator)
            }
            Self.checkAnswer(mutated)
        }
    }

    @Test(arguments: 0..<seeds.count)
    func textCorruption(_ seedIndex: Int) {
        var generator = SeededGenerator(state: UInt64(seedIndex) &+ 0xC0FFEE)
        for _ in 0..<1000 {
            let text = Self.corruptText(Self.seeds[seedIndex], using: &generator)
            let report = StateMachine.validate(text: text)
            switch Result(catching: { () throws(ValidationReport) in try StateMachine.parse(text: text) }) {
            case .success: #expect(report.isValid)
            case .failure(let failure): #expect(!failure.diagnostics.isEmpty)
            }
        }
    }

    @Test func deepTemplatesDoNotExhaustTheStack() {
        let depth = 1_000
        let nested = String(repeating: #"{"a":["#, count: depth) + #""$.x""# + String(repeating: "]}", count: depth)
        for field in ["Parameters", "Result", "Assign"] {
            let text = #"{"StartAt":"A","States":{"A":{"Type":"Pass","\#(field)":\#(nested),"End":true}}}"#
            let report = StateMachine.validate(text: text)
            #expect(report.isValid, "\(report.diagnostics.prefix(2))")
        }
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        var branch = #"{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}"#
        for _ in 0..<150 {
            branch = #"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[\#(branch)]}}}"#
        }
        let report = StateMachine.validate(text: branch)
        #expect(report.diagnostics.contains { $0.code == .tooDeeplyNested || $0.code == .invalidJSONDescription })
    }
}
