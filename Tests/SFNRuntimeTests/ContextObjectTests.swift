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
}
