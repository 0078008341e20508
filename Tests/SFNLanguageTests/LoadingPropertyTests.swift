import SFNJSON
import SFNTestSupport
import Testing

@testable import SFNLanguage

private let keyPieces = ["a", "Next", "é", "x/y", "t~n", "0", "12", "quote\"d", "back\\slash", "line\nbreak", "😀", ""]

private func randomValue(_ generator: inout SeededGenerator, depth: Int) -> JSON {
    let choice = Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator)
    switch choice {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &generator))
    case 2: return .int(Int.random(in: -1000...1000, using: &generator))
    case 3: return .double(Double(Int.random(in: -5000...5000, using: &generator)) / 8 + 0.125)
    case 4: return .string(keyPieces.randomElement(using: &generator) ?? "")
    case 5:
        let count = Int.random(in: 0...4, using: &generator)
        return .array((0..<count).map { _ in randomValue(&generator, depth: depth + 1) })
    default:
        var members = JSONObject()
        for _ in 0..<Int.random(in: 0...4, using: &generator) {
            let key = (keyPieces.randomElement(using: &generator) ?? "") + String(Int.random(in: 0...3, using: &generator))
            members[key] = randomValue(&generator, depth: depth + 1)
        }
        return .object(members)
    }
}

/// Every pointer of a value, with the value there.
private func allPointers(of value: JSON, at pointer: JSONPointer = .root, into result: inout [(JSONPointer, JSON)]) {
    result.append((pointer, value))
    switch value {
    case .array(let elements):
        for (index, element) in elements.enumerated() { allPointers(of: element, at: pointer / index, into: &result) }
    case .object(let members):
        for (key, member) in members { allPointers(of: member, at: pointer / key, into: &result) }
    default:
        break
    }
}

/// The character a value's text starts with.
private func expectedFirstCharacter(of value: JSON) -> Character? {
    switch value {
    case .null: "n"
    case .bool(let flag): flag ? "t" : "f"
    case .int, .double: nil
    case .string: "\""
    case .array: "["
    case .object: "{"
    }
}

private func character(at position: SourcePosition, in text: String) -> Character? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard position.line >= 1, position.line <= lines.count else { return nil }
    let scalars = Array(lines[position.line - 1].unicodeScalars)
    guard position.column >= 1, position.column <= scalars.count else { return nil }
    return Character(scalars[position.column - 1])
}

@Suite("Loading properties")
struct LoadingPropertyTests {
    @Test(arguments: 0..<40)
    func jsonSourceMapPointsAtEveryValue(seed: Int) throws {
        var generator = SeededGenerator(state: UInt64(seed))
        let value = JSON.object(["root": randomValue(&generator, depth: 0), "other": randomValue(&generator, depth: 1)])
        for text in [value.prettyText, value.compactText] {
            let loaded = try DefinitionLoader.load(text: text, file: "generated.json", format: .json)
            #expect(loaded.definition == value)
            var pointers: [(JSONPointer, JSON)] = []
            allPointers(of: value, into: &pointers)
            for (pointer, expected) in pointers {
                #expect(loaded.sourceMap.contains(pointer), "missing \(pointer)")
                guard let position = loaded.sourceMap.valuePosition(of: pointer) else { continue }
                let found = character(at: position, in: text)
                if let first = expectedFirstCharacter(of: expected) {
                    #expect(found == first, "\(pointer) at \(position)")
                } else {
                    #expect(found.map { $0.isNumber || $0 == "-" } == true, "\(pointer) at \(position)")
                }
            }
        }
    }

    static let samples = [
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}",
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: &r {x: [1, 2.5, \"s\"]}\n    Parameters: *r\n    End: true\n",
        """
        Resources:
          M:
            Type: AWS::StepFunctions::StateMachine
            Properties:
              DefinitionSubstitutions: {X: !Ref AWS::Region, Y: !GetAtt M.Arn}
              DefinitionString: !Sub |
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "${X} ${!Y}", "End": true}}}
        """,
    ]

    /// Damaged files must give a value or a `DefinitionLoadError`: never a crash or a hang.
    @Test(arguments: 0..<3)
    func mutatedFilesNeverCrash(sample: Int) {
        var generator = SeededGenerator(state: UInt64(1000 + sample))
        let original = Array(Self.samples[sample].utf8)
        let replacements = Array("{}[]:,\"'!&*|>-#\n \\${}%@`".utf8)
        var outcomes = 0
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(replacements.randomElement(using: &generator) ?? 32, at: position)
                default: bytes[position] = replacements.randomElement(using: &generator) ?? 32
                }
                if bytes.isEmpty { bytes = [32] }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try DefinitionLoader.load(text: text, file: "mutated")
            } catch {
                #expect(!error.message.isEmpty)
            }
            outcomes += 1
        }
        #expect(outcomes == 400)
    }
}
