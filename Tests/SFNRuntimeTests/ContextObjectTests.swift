import SFNJSON
import Testing

@testable import SFNRuntime

/// The context object as AWS's "Accessing execution data from the Context object" page documents it.
@Suite struct ContextObjectTests {
    @Test func mapItemsCarryIndexValueAndSourceInJSONPath() async throws {
        // The page's JSONPath example, with its input and its documented output.
        let result = try await runWorkflow(
            """
            {"StartAt":"ExampleMapState","States":{"ExampleMapState":{"Type":"Map",
              "ItemSelector":{"ContextIndex.$":"$$.Map.Item.Index","ContextValue.$":"$$.Map.Item.Value",
                "ContextSource.$":"$$.Map.Item.Source"},
              "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"TestPass","States":{"TestPass":{"Type":"Pass","End":true}}},
              "End":true}}}
            """, input: [["who": "bob"], ["who": "meg"], ["who": "joe"]])
        #expect(
            result.output == [
                ["ContextIndex": 0, "ContextValue": ["who": "bob"], "ContextSource": "STATE_DATA"],
                ["ContextIndex": 1, "ContextValue": ["who": "meg"], "ContextSource": "STATE_DATA"],
                ["ContextIndex": 2, "ContextValue": ["who": "joe"], "ContextSource": "STATE_DATA"],
            ])
    }

    @Test func mapItemsCarryIndexValueAndSourceInJSONata() async throws {
        let result = try await runWorkflow(
            """
            {"QueryLanguage":"JSONata","StartAt":"ExampleMapState","States":{"ExampleMapState":{"Type":"Map",
              "ItemSelector":{"ContextIndex":"{% $states.context.Map.Item.Index %}",
                "ContextValue":"{% $states.context.Map.Item.Value %}","ContextSource":"{% $states.context.Map.Item.Source %}"},
              "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"TestPass","States":{"TestPass":{"Type":"Pass","End":true}}},
              "End":true}}}
            """, input: [["who": "bob"], ["who": "meg"]])
        #expect(
            result.output == [
                ["ContextIndex": 0, "ContextValue": ["who": "bob"], "ContextSource": "STATE_DATA"],
                ["ContextIndex": 1, "ContextValue": ["who": "meg"], "ContextSource": "STATE_DATA"],
            ])
    }

    @Test func jsonataStatesMembersReadWithoutTheWholeObject() async throws {
        // `$states.errorOutput` and `$states.context` are there where AWS defines them; a variable
        // whose members are named like `$states`' is a variable of its own.
        let result = try await runWorkflow(
            """
            {"QueryLanguage":"JSONata","StartAt":"Count","States":{
              "Count":{"Type":"Pass","Assign":{"box":{"input":"mine"},"n":5,"list":[{"a":1},{"a":2}]},
                "Output":{"next":"{% $states.input.count + 1 %}","state":"{% $states.context.State.Name %}",
                  "mine":"{% $states.input.count < $states.input.limit %}"},"Next":"Fail"},
              "Fail":{"Type":"Parallel","Branches":[{"StartAt":"Oops","States":{"Oops":{"Type":"Fail","Error":"Oops","Cause":"why"}}}],
                "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done",
                  "Output":{"caught":"{% $states.errorOutput.Error %}","box":"{% $box.input %}","input":"{% $states.input %}",
                    "sum":"{% $states.input.next + $n %}","unset":"{% $exists($n.input) %}","as":"{% $list.a %}"}}],
                "End":true},
              "Done":{"Type":"Succeed"}}}
            """, input: ["count": 41, "limit": 50])
        #expect(result.status == .succeeded)
        #expect(
            result.output == [
                "caught": "Oops", "box": "mine", "input": ["next": 42, "state": "Count", "mine": true], "sum": 47, "unset": false,
                "as": [1, 2],
            ])
    }
}
