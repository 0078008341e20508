import SFNJSON
import Testing

@testable import SFNLanguage

@Suite struct ReferencePathTests {
    private func json(_ text: String) throws -> JSON { try JSON(parsing: text) }

    @Test(arguments: ["$", "$.a", "$.a.b", "$['a b'].c", "$.a[0]", "$.a[0].b", "$$.Execution.Input", "$var", "$var.x[1]"])
    func accepts(text: String) throws {
        _ = try ReferencePath(text)
    }

    @Test(arguments: ["$.a[*]", "$..a", "$.a[0:1]", "$.a[0,1]", "$.a[?(@.b)]", "$.a.length()", "$['a','b']", "$.*", "$.a[-1]", "a", ""])
    func rejects(text: String) {
        #expect(throws: ExpressionSyntaxError.self) { try ReferencePath(text) }
    }

    @Test func resultPathMustAddressTheInput() throws {
        _ = try ReferencePath(resultPath: "$.x")
        #expect(throws: ExpressionSyntaxError.self) { try ReferencePath(resultPath: "$$.Execution") }
        #expect(throws: ExpressionSyntaxError.self) { try ReferencePath(resultPath: "$var.x") }
    }

    @Test func rootReplacesEverything() throws {
        let path = try ReferencePath("$")
        #expect(path.isRoot)
        #expect(try path.setting(["r": 1], in: ["old": true]) == ["r": 1])
        #expect(try path.setting("text", in: 5) == "text")
    }

    @Test func addsAndReplacesMembersKeepingOrder() throws {
        let input = try json(#"{"comment":"x","details":{"a":1}}"#)
        let added = try ReferencePath("$.results").setting([1, 2], in: input)
        #expect(added.compactText == #"{"comment":"x","details":{"a":1},"results":[1,2]}"#)
        let replaced = try ReferencePath("$.comment").setting("y", in: input)
        #expect(replaced.compactText == #"{"comment":"y","details":{"a":1}}"#)
        let nested = try ReferencePath("$.details.b").setting(true, in: input)
        #expect(nested.compactText == #"{"comment":"x","details":{"a":1,"b":true}}"#)
    }

    @Test func createsMissingIntermediateObjects() throws {
        let result = try ReferencePath("$.a.b.c").setting(1, in: ["z": 0])
        #expect(result.compactText == #"{"z":0,"a":{"b":{"c":1}}}"#)
    }

    @Test func replacesArrayElements() throws {
        let result = try ReferencePath("$.list[1].v").setting("new", in: try json(#"{"list":[{"v":1},{"v":2}]}"#))
        #expect(result.compactText == #"{"list":[{"v":1},{"v":"new"}]}"#)
    }

    @Test func nonObjectInTheWayIsResultPathMatchFailure() throws {
        let path = try ReferencePath("$.partitioned")
        #expect(
            throws: StatesError(
                StatesErrorName.resultPathMatchFailure,
                cause: #"Unable to apply ReferencePath $.partitioned to input "{\"min\":1}""#)
        ) {
            try path.setting(1, in: .string(#"{"min":1}"#))
        }
        #expect(throws: StatesError.self) { try ReferencePath("$.a.b").setting(1, in: ["a": 3]) }
        #expect(throws: StatesError.self) { try ReferencePath("$.a[3]").setting(1, in: ["a": [1]]) }
        #expect(throws: StatesError.self) { try ReferencePath("$.a[0]").setting(1, in: ["a": ["k": 1]]) }
    }

    @Test func getReadsOneNode() throws {
        let scope = ExpressionScope(
            input: ["items": [1, 2]], context: ["Map": ["Item": ["Index": 0]]], variable: { $0 == "v" ? ["x": 9] : nil })
        #expect(try ReferencePath("$.items").get(scope) == .success([1, 2]))
        #expect(try ReferencePath("$$.Map.Item.Index").get(scope) == .success(0))
        #expect(try ReferencePath("$v.x").get(scope) == .success(9))
        #expect(try ReferencePath("$.nothing").get(scope) == .failure(.noMatch(JSONPathMiss("No results for path: $['nothing']"))))
        #expect(try ReferencePath("$.items[1]").get(in: ["items": [5, 6]]) == .success(6))
    }
}
