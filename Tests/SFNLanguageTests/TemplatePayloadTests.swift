import SFNJSON
import Testing

@testable import SFNLanguage

private func render(
    _ templateText: String,
    input: JSON,
    context: JSON = .emptyObject,
    variables: [String: JSON] = [:]
) throws -> JSON {
    let template = try PayloadTemplate(compiling: JSON(parsing: templateText))
    return try template.evaluate(ExpressionScope(input: input, context: context, variable: { variables[$0] }))
}

@Suite struct TemplatePayloadTests {
    @Test func replacesDynamicFieldsAndKeepsOrder() throws {
        let output = try render(
            #"{"z": 1, "b.$": "$.b", "a": {"c.$": "$.c[1]", "k": "v"}, "list": [1, {"x.$": "$"}, "s"], "y.$": "$$.Execution.Id"}"#,
            input: ["b": [true], "c": [10, 20]],
            context: ["Execution": ["Id": "arn:exec"]]
        )
        #expect(
            output.compactText
                == #"{"z":1,"b":[true],"a":{"c":20,"k":"v"},"list":[1,{"x":{"b":[true],"c":[10,20]}},"s"],"y":"arn:exec"}"#)
    }

    @Test func intrinsicFieldsAndVariables() throws {
        let output = try render(
            #"{"greeting.$": "States.Format('Hello {}, welcome to {}!', $name, $.place)", "sum.$": "$total", "id.$": "States.ArrayLength($.list)"}"#,
            input: ["place": "Oz", "list": [1, 2, 3]],
            variables: ["name": "Ann", "total": 7]
        )
        #expect(output == ["greeting": "Hello Ann, welcome to Oz!", "sum": 7, "id": 3])
    }

    @Test func indefinitePathsAndMapContext() throws {
        let output = try render(
            #"{"ids.$": "$.items[*].id", "item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "first.$": "$pick[0]"}"#,
            input: ["items": [["id": 1], ["id": 2]]],
            context: ["Map": ["Item": ["Value": ["n": "v"], "Index": 3]]],
            variables: ["pick": ["p", "q"]]
        )
        #expect(output == ["ids": [1, 2], "item": ["n": "v"], "index": 3, "first": "p"])
    }

    @Test func constantTemplatesAreRecognisedAndReturnedAsIs() throws {
        let text = #"{"a": [1, {"b": "$.not_a_path"}], "c": {"d": null}}"#
        let template = try PayloadTemplate(compiling: JSON(parsing: text))
        #expect(template.isConstant)
        #expect(try template.evaluate(ExpressionScope(input: ["x": 1])) == JSON(parsing: text))
        #expect(try !PayloadTemplate(compiling: ["a": ["b.$": "$"]]).isConstant)
    }

    @Test func nonObjectTemplatesAreConstants() throws {
        #expect(try render("[1, 2]", input: .null) == [1, 2])
        #expect(try render(#""text""#, input: .null) == "text")
    }

    @Test func keyThatIsOnlyTheSuffixStaysLiteral() throws {
        #expect(try render(#"{".$": "$.a"}"#, input: ["a": 1]) == [".$": "$.a"])
    }

    @Test func missingPathFailsWithAWSCause() throws {
        do {
            _ = try render(#"{"value.$": "$.no_such_jsonpath"}"#, input: ["int-literal": 0])
            Issue.record("expected a failure")
        } catch let error as StatesError {
            #expect(error.name == StatesErrorName.runtime)
            #expect(
                error.cause
                    == #"The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{"int-literal":0}'"#
            )
        }
    }

    @Test func missingPathInsideIntrinsicNamesTheField() throws {
        do {
            _ = try render(#"{"nested": {"v.$": "States.Format('{}', $.gone)"}}"#, input: ["a": 1])
            Issue.record("expected a failure")
        } catch let error as StatesError {
            #expect(error.name == StatesErrorName.runtime)
            #expect(error.cause == #"The JSONPath '$.gone' specified for the field 'v.$' could not be found in the input '{"a":1}'"#)
        }
    }

    @Test func missingVariableFails() throws {
        #expect(throws: StatesError.self) { try render(#"{"v.$": "$undefined"}"#, input: .emptyObject) }
    }

    @Test func intrinsicFailuresPropagate() throws {
        do {
            _ = try render(#"{"v.$": "States.ArrayGetItem($.a, 5)"}"#, input: ["a": [1]])
            Issue.record("expected a failure")
        } catch let error as StatesError {
            #expect(error.name == StatesErrorName.intrinsicFailure)
        }
    }

    @Test(
        arguments: [
            (#"{"a": {"b.$": 1}}"#, "/a/b.$"),
            (#"{"a": [{"b.$": "no path"}]}"#, "/a/0/b.$"),
            (#"{"x.$": "States.Nope($.a)"}"#, "/x.$"),
            (#"{"x.$": "States.Format('{}'"}"#, "/x.$"),
            (#"{"x.$": null}"#, "/x.$"),
        ] as [(String, String)])
    func compileErrorsPointAtTheKey(text: String, pointer: String) throws {
        let json = try JSON(parsing: text)
        do {
            _ = try PayloadTemplate(compiling: json)
            Issue.record("expected a compile error for \(text)")
        } catch {
            #expect(error.pointer.description == pointer)
            #expect(error.message.contains("must be"))
        }
    }
}
