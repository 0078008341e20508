import SFNJSON
import Testing

@testable import SFNJSONata

/// A host may keep its variables in its own form (``JSONataVariables``): the direct walks ask it
/// for `$name`'s first member only, and every answer must be the one the dictionary gives.
@Suite struct HostVariablesTests {
    /// Answers members from its own table and counts how often the whole dictionary was built.
    final class Host: JSONataVariables {
        let table: [String: JSON]
        var wholeReads = 0

        init(_ table: [String: JSON]) { self.table = table }

        func member(_ member: String, of name: String) -> JSONataMember {
            guard case .object(let members)? = table[name] else { return .notAnObject }
            return members[member].map(JSONataMember.found) ?? .missing
        }

        var all: [String: JSON] {
            wholeReads += 1
            return table
        }
    }

    static let table: [String: JSON] = [
        "states": ["input": ["count": 3, "limit": 10, "items": [1, 2], "nested": ["deep": "yes"]], "result": 2.5],
        "n": 5,
        "list": [["a": 1], ["a": 2]],
        "empty": [:],
    ]

    func outcome(_ result: () throws(JSONataError) -> JSONataResult) -> String {
        do {
            return "\(try result())"
        } catch {
            return "error \(error)"
        }
    }

    @Test(arguments: [
        "$states.input.count", "$states.input.nested.deep", "$states.input.items[1]", "$states.input.items",
        "$states.input.missing", "$states.missing", "$states.result", "$states.input.count + 1",
        "$states.input.count < $states.input.limit", "$states.result * 2", "$n.field", "$n + 1", "$list.a",
        "$empty.x", "$unbound.x", "$states.input.items[5]", "$states.input.count & 'x'", "$keys($states.input)",
    ])
    func aHostAnswersAsTheDictionaryDoes(source: String) throws {
        let expression = try JSONataExpression(source)
        let host = Host(Self.table)
        let fromHost = outcome { () throws(JSONataError) in
            try expression.evaluateResult(nil, variables: host, environment: JSONataEnvironment())
        }
        let fromDictionary = outcome { () throws(JSONataError) in try expression.evaluateResult(nil, bindings: Self.table) }
        #expect(fromHost == fromDictionary)
    }

    @Test(arguments: [
        "$states.input.count", "$states.input.nested.deep", "$states.input.count + 1",
        "$states.input.count < $states.input.limit", "$states.missing", "$states.input.items[0]",
    ])
    func directPathsNeverBuildTheDictionary(source: String) throws {
        let host = Host(Self.table)
        _ = try JSONataExpression(source).evaluateResult(nil, variables: host, environment: JSONataEnvironment())
        #expect(host.wholeReads == 0)
    }

    @Test func theGeneralEvaluationReadsTheWholeDictionary() throws {
        let host = Host(Self.table)
        let result = try JSONataExpression("$count($states.input.items)").evaluateResult(
            nil, variables: host, environment: JSONataEnvironment())
        #expect(result == .value(.int(2)))
        #expect(host.wholeReads == 1)
    }
}
