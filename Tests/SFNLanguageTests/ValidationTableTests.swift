import SFNJSON
import Testing

@testable import SFNLanguage

/// A broken definition and the first diagnostic AWS-style validation must give for it.
struct BrokenDefinition: Sendable, CustomTestStringConvertible {
    let name: String
    let definition: String
    let code: DiagnosticCode
    /// AWS's location text; empty where AWS reports none.
    let location: String

    init(_ name: String, _ definition: String, _ code: DiagnosticCode, _ location: String) {
        self.name = name
        self.definition = definition
        self.code = code
        self.location = location
    }

    var testDescription: String { name }
}

/// `{"StartAt":"A","States":{"A": <state>}}` with `state` spliced in.
private func single(_ state: String, language: String? = nil) -> String {
    let header = language.map { #""QueryLanguage":"\#($0)","# } ?? ""
    return #"{\#(header)"StartAt":"A","States":{"A":\#(state)}}"#
}

let brokenDefinitions: [BrokenDefinition] = [
    BrokenDefinition("not JSON", #"{"StartAt": "A", "States": {"#, .invalidJSONDescription, ""),
    BrokenDefinition("blank text", "  ", .schemaValidationFailed, ""),
    BrokenDefinition("definition is an array", "[]", .schemaValidationFailed, ""),
    BrokenDefinition("missing StartAt", #"{"States":{"A":{"Type":"Succeed"}}}"#, .schemaValidationFailed, "/"),
    BrokenDefinition(
        "unknown top-level field", #"{"Coment":"x","StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#, .schemaValidationFailed, "/"),
    BrokenDefinition("StartAt names no state", #"{"StartAt":"B","States":{"A":{"Type":"Succeed"}}}"#, .missingTransitionTarget, "/StartAt"),
    BrokenDefinition("empty States", #"{"StartAt":"A","States":{}}"#, .schemaValidationFailed, "/States"),
    BrokenDefinition("States not an object", #"{"StartAt":"A","States":[]}"#, .schemaValidationFailed, "/States"),
    BrokenDefinition(
        "bad top-level QueryLanguage", #"{"QueryLanguage":"XPath","StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/QueryLanguage"),
    BrokenDefinition(
        "negative TimeoutSeconds", #"{"TimeoutSeconds":-1,"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#, .schemaValidationFailed,
        "/TimeoutSeconds"),
    BrokenDefinition("state without Type", single(#"{"End":true}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition("unknown state type", single(#"{"Type":"Sleep","End":true}"#), .schemaValidationFailed, "/States/A/Type"),
    BrokenDefinition("state is not an object", single(#""Pass""#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "unsupported field on Pass", single(#"{"Type":"Pass","End":true,"TimeoutSeconds":3}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition("Catch on Pass", single(#"{"Type":"Pass","End":true,"Catch":[]}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "ResultPath on Wait", single(#"{"Type":"Wait","Seconds":1,"End":true,"ResultPath":null}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "Next on Succeed", #"{"StartAt":"A","States":{"A":{"Type":"Succeed","Next":"A"}}}"#, .schemaValidationFailed, "/States/A"),
    BrokenDefinition("neither Next nor End", single(#"{"Type":"Pass"}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "both Next and End", #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B","End":true},"B":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/States/A"),
    BrokenDefinition("End false", single(#"{"Type":"Pass","End":false}"#), .schemaValidationFailed, "/States/A/End"),
    BrokenDefinition("Next not a string", single(#"{"Type":"Pass","Next":3}"#), .schemaValidationFailed, "/States/A/Next"),
    BrokenDefinition(
        "dangling Next", #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}"#, .missingTransitionTarget, "/States/A/Next"),
    BrokenDefinition(
        "dangling StartAt leaves every state unreachable", #"{"StartAt":"B","States":{"A":{"Type":"Succeed"}}}"#, .missingTransitionTarget,
        "/StartAt"),
    BrokenDefinition(
        "unreachable state", #"{"StartAt":"A","States":{"A":{"Type":"Succeed"},"B":{"Type":"Succeed"}}}"#, .missingTransitionTarget,
        "/States/B"),
    BrokenDefinition(
        "no terminal state", #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}"#, .missingEndState,
        ""),
    BrokenDefinition(
        "dangling Choice Next",
        #"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"Gone"}],"Default":"D"},"D":{"Type":"Succeed"}}}"#,
        .missingTransitionTarget, "/States/C/Choices[0]/Next"),
    BrokenDefinition(
        "dangling Choice Default",
        #"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"D"}],"Default":"Gone"},"D":{"Type":"Succeed"}}}"#,
        .missingTransitionTarget, "/States/C/Default"),
    BrokenDefinition(
        "Choice without Choices", #"{"StartAt":"C","States":{"C":{"Type":"Choice","Default":"D"},"D":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/States/C"),
    BrokenDefinition(
        "Choice rule without operator",
        #"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","Next":"D"}]},"D":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/States/C/Choices[0]"),
    BrokenDefinition(
        "Choice rule bad Variable",
        #"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"x","IsNull":true,"Next":"D"}]},"D":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/States/C/Choices[0]/Variable"),
    BrokenDefinition(
        "Choice rule without Next",
        #"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsNull":true}],"Default":"D"},"D":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/States/C/Choices[0]"),
    BrokenDefinition(
        "JSONata Choice without Condition",
        #"{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Next":"D"}]},"D":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/States/C/Choices[0]"),
    BrokenDefinition(
        "Variable in JSONata Choice",
        #"{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Variable":"$.x","Next":"D"}]},"D":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/States/C/Choices[0]"),
    BrokenDefinition(
        "invalid InputPath", single(#"{"Type":"Pass","End":true,"InputPath":"$.a[?(@.x"}"#), .schemaValidationFailed, "/States/A/InputPath"),
    BrokenDefinition(
        "InputPath without dollar", single(#"{"Type":"Pass","End":true,"InputPath":"a.b"}"#), .schemaValidationFailed, "/States/A/InputPath"
    ),
    BrokenDefinition(
        "OutputPath a number", single(#"{"Type":"Pass","End":true,"OutputPath":1}"#), .schemaValidationFailed, "/States/A/OutputPath"),
    BrokenDefinition(
        "ResultPath with wildcard", single(#"{"Type":"Pass","End":true,"ResultPath":"$.a[*]"}"#), .schemaValidationFailed,
        "/States/A/ResultPath"),
    BrokenDefinition(
        "bad template path", single(#"{"Type":"Pass","End":true,"Parameters":{"x":{"y.$":"nope"}}}"#), .schemaValidationFailed,
        "/States/A/Parameters/x/y.$"),
    BrokenDefinition(
        "bad intrinsic", single(#"{"Type":"Pass","End":true,"Parameters":{"x.$":"States.NoSuch(1)"}}"#), .schemaValidationFailed,
        "/States/A/Parameters/x.$"),
    BrokenDefinition(
        "Assign not an object", single(#"{"Type":"Pass","End":true,"Assign":[1]}"#), .schemaValidationFailed, "/States/A/Assign"),
    BrokenDefinition(
        "Assign variable starting with a digit", single(#"{"Type":"Pass","End":true,"Assign":{"1x":1}}"#), .schemaValidationFailed,
        "/States/A/Assign/1x"),
    BrokenDefinition(
        "Assign reserved variable", single(#"{"Type":"Pass","End":true,"Assign":{"states":"{% 1 %}"}}"#, language: "JSONata"),
        .schemaValidationFailed, "/States/A/Assign/states"),
    BrokenDefinition(
        "Assign path variable with a dash", single(#"{"Type":"Pass","End":true,"Assign":{"my-var.$":"$.a"}}"#), .schemaValidationFailed,
        "/States/A/Assign/my-var.$"),
    BrokenDefinition(
        "Arguments in JSONPath mode",
        single(#"{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f","End":true,"Arguments":{}}"#),
        .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "InputPath in JSONata mode", single(#"{"Type":"Pass","End":true,"InputPath":"$.a"}"#, language: "JSONata"), .schemaValidationFailed,
        "/States/A"),
    BrokenDefinition(
        "Parameters in a JSONata state", single(#"{"Type":"Pass","QueryLanguage":"JSONata","End":true,"Parameters":{}}"#),
        .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "empty JSONata expression", single(#"{"Type":"Pass","End":true,"Output":"{%  %}"}"#, language: "JSONata"),
        .invalidJSONataExpression, "/States/A/Output"),
    BrokenDefinition(
        "JSONPath state in a JSONata machine", single(#"{"Type":"Pass","QueryLanguage":"JSONPath","End":true}"#, language: "JSONata"),
        .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "JSONata syntax error", single(#"{"Type":"Pass","End":true,"Output":{"a":["{% $states.input. %}"]}}"#, language: "JSONata"),
        .invalidJSONataExpression, "/States/A/Output/a[0]"),
    BrokenDefinition(
        "JSONata syntax error in Condition",
        #"{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Condition":"{% ( %}","Next":"D"}]},"D":{"Type":"Succeed"}}}"#,
        .invalidJSONataExpression, "/States/C/Choices[0]/Condition"),
    BrokenDefinition(
        "bad state QueryLanguage", single(#"{"Type":"Pass","End":true,"QueryLanguage":"jsonata"}"#), .schemaValidationFailed,
        "/States/A/QueryLanguage"),
    BrokenDefinition("Task without Resource", single(#"{"Type":"Task","End":true}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "Task Resource not an ARN", single(#"{"Type":"Task","Resource":"my-function","End":true}"#), .schemaValidationFailed,
        "/States/A/Resource"),
    BrokenDefinition(
        "Task Resource with a line break",
        single(#"{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f\r\nX-Injected: 1","End":true}"#),
        .schemaValidationFailed, "/States/A/Resource"),
    BrokenDefinition(
        "TimeoutSeconds zero", single(#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"TimeoutSeconds":0}"#),
        .schemaValidationFailed, "/States/A/TimeoutSeconds"),
    BrokenDefinition(
        "TimeoutSeconds and TimeoutSecondsPath",
        single(#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"TimeoutSeconds":5,"TimeoutSecondsPath":"$.t"}"#),
        .schemaValidationFailed, "/States/A/TimeoutSeconds"),
    BrokenDefinition(
        "heartbeat not below timeout",
        single(#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"TimeoutSeconds":5,"HeartbeatSeconds":5}"#),
        .schemaValidationFailed, "/States/A/HeartbeatSeconds"),
    BrokenDefinition(
        "TimeoutSeconds as text in JSONata",
        single(#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"TimeoutSeconds":"5"}"#, language: "JSONata"),
        .schemaValidationFailed, "/States/A/TimeoutSeconds"),
    BrokenDefinition("Wait without duration", single(#"{"Type":"Wait","End":true}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "Wait with two durations", single(#"{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}"#), .schemaValidationFailed,
        "/States/A"),
    BrokenDefinition(
        "Wait negative Seconds", single(#"{"Type":"Wait","Seconds":-1,"End":true}"#), .schemaValidationFailed, "/States/A/Seconds"),
    BrokenDefinition(
        "Wait fractional Seconds", single(#"{"Type":"Wait","Seconds":1.5,"End":true}"#), .schemaValidationFailed, "/States/A/Seconds"),
    BrokenDefinition(
        "Wait bad Timestamp", single(#"{"Type":"Wait","Timestamp":"tomorrow","End":true}"#), .schemaValidationFailed, "/States/A/Timestamp"),
    BrokenDefinition(
        "Wait bad TimestampPath", single(#"{"Type":"Wait","TimestampPath":"$.a[*]","End":true}"#), .schemaValidationFailed,
        "/States/A/TimestampPath"),
    BrokenDefinition(
        "Fail with Error and ErrorPath", single(#"{"Type":"Fail","Error":"E","ErrorPath":"$.e"}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition("Fail Cause not a string", single(#"{"Type":"Fail","Cause":{}}"#), .schemaValidationFailed, "/States/A/Cause"),
    BrokenDefinition(
        "Fail bad CausePath", single(#"{"Type":"Fail","CausePath":"States.Nope($.a)"}"#), .schemaValidationFailed, "/States/A/CausePath"),
    BrokenDefinition(
        "Retry not an array", single(#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Retry":{}}"#),
        .schemaValidationFailed, "/States/A/Retry"),
    BrokenDefinition(
        "Retrier without ErrorEquals",
        single(#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Retry":[{"MaxAttempts":1}]}"#),
        .schemaValidationFailed, "/States/A/Retry[0]"),
    BrokenDefinition(
        "Retrier empty ErrorEquals",
        single(#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Retry":[{"ErrorEquals":[]}]}"#),
        .schemaValidationFailed, "/States/A/Retry[0]/ErrorEquals"),
    BrokenDefinition(
        "States.ALL not alone",
        single(
            #"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Retry":[{"ErrorEquals":["States.ALL","States.Timeout"]}]}"#
        ), .schemaValidationFailed, "/States/A/Retry[0]/ErrorEquals[0]"),
    BrokenDefinition(
        "States.ALL retrier not last",
        single(
            #"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["States.Timeout"]}]}"#
        ), .schemaValidationFailed, "/States/A/Retry[0]/ErrorEquals[0]"),
    BrokenDefinition(
        "BackoffRate below one",
        single(
            #"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Retry":[{"ErrorEquals":["States.ALL"],"BackoffRate":0.5}]}"#
        ), .schemaValidationFailed, "/States/A/Retry[0]/BackoffRate"),
    BrokenDefinition(
        "unknown JitterStrategy",
        single(
            #"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Retry":[{"ErrorEquals":["States.ALL"],"JitterStrategy":"HALF"}]}"#
        ), .schemaValidationFailed, "/States/A/Retry[0]/JitterStrategy"),
    BrokenDefinition(
        "unknown retrier field",
        single(
            #"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Retry":[{"ErrorEquals":["States.ALL"],"Attempts":2}]}"#
        ), .schemaValidationFailed, "/States/A/Retry[0]"),
    BrokenDefinition(
        "Catcher without Next",
        single(#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Catch":[{"ErrorEquals":["States.ALL"]}]}"#),
        .schemaValidationFailed, "/States/A/Catch[0]"),
    BrokenDefinition(
        "dangling Catch Next",
        single(
            #"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Gone"}]}"#
        ), .missingTransitionTarget, "/States/A/Catch[0]/Next"),
    BrokenDefinition(
        "States.ALL catcher not last",
        #"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"B"},{"ErrorEquals":["X"],"Next":"B"}]},"B":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/States/A/Catch[0]/ErrorEquals[0]"),
    BrokenDefinition(
        "Catcher Output in JSONPath mode",
        #"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Catch":[{"ErrorEquals":["X"],"Next":"B","Output":{}}]},"B":{"Type":"Succeed"}}}"#,
        .schemaValidationFailed, "/States/A/Catch[0]"),
    BrokenDefinition("Parallel without Branches", single(#"{"Type":"Parallel","End":true}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "Parallel branch dangling Next",
        single(#"{"Type":"Parallel","End":true,"Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Y"}}}]}"#),
        .missingTransitionTarget, "/States/A/Branches[0]/States/X/Next"),
    BrokenDefinition(
        "Parallel branch targets outer state",
        #"{"StartAt":"A","States":{"A":{"Type":"Parallel","Next":"B","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"B"}}}]},"B":{"Type":"Succeed"}}}"#,
        .missingTransitionTarget, "/States/A/Branches[0]/States/X/Next"),
    BrokenDefinition(
        "Parallel branch unknown field",
        single(#"{"Type":"Parallel","End":true,"Branches":[{"StartAt":"X","Extra":1,"States":{"X":{"Type":"Succeed"}}}]}"#),
        .schemaValidationFailed, "/States/A/Branches[0]"),
    BrokenDefinition(
        "duplicate name across branches",
        single(
            #"{"Type":"Parallel","End":true,"Branches":[{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}]}"#
        ), .duplicateStateName, "/States/A/Branches[1]/States/X"),
    BrokenDefinition("Map without processor", single(#"{"Type":"Map","End":true}"#), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "Map with processor and Iterator",
        single(
            #"{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}},"Iterator":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "Map processor unreachable state",
        single(#"{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"},"Y":{"Type":"Succeed"}}}}"#),
        .missingTransitionTarget, "/States/A/ItemProcessor/States/Y"),
    BrokenDefinition(
        "Map bad ProcessorConfig mode",
        single(
            #"{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"LOCAL"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A/ItemProcessor/ProcessorConfig/Mode"),
    BrokenDefinition(
        "distributed Map without ExecutionType",
        single(
            #"{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A/ItemProcessor/ProcessorConfig"),
    BrokenDefinition(
        "ItemReader without Resource",
        single(
            #"{"Type":"Map","End":true,"ItemReader":{"ReaderConfig":{}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A/ItemReader"),
    BrokenDefinition(
        "ItemReader bad Parameters path",
        single(
            #"{"Type":"Map","End":true,"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket.$":"bucket"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A/ItemReader/Parameters/Bucket.$"),
    BrokenDefinition(
        "ItemReader resource not S3",
        single(
            #"{"Type":"Map","End":true,"ItemReader":{"Resource":"arn:aws:states:::lambda:invoke"},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A/ItemReader/Resource"),
    BrokenDefinition(
        "ItemReader unknown InputType",
        single(
            #"{"Type":"Map","End":true,"ItemReader":{"Resource":"arn:aws-cn:states:::s3:getObject","ReaderConfig":{"InputType":"XML"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A/ItemReader/ReaderConfig/InputType"),
    BrokenDefinition(
        "ResultWriter unknown Transformation",
        single(
            #"{"Type":"Map","End":true,"ResultWriter":{"WriterConfig":{"Transformation":"ZIP","OutputType":"JSON"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A/ResultWriter/WriterConfig/Transformation"),
    BrokenDefinition(
        "ItemBatcher unknown field",
        single(
            #"{"Type":"Map","End":true,"ItemBatcher":{"MaxItems":2},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#),
        .schemaValidationFailed, "/States/A/ItemBatcher"),
    BrokenDefinition(
        "Map negative MaxConcurrency",
        single(#"{"Type":"Map","End":true,"MaxConcurrency":-2,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#),
        .schemaValidationFailed, "/States/A/MaxConcurrency"),
    BrokenDefinition(
        "Map percentage above 100",
        single(
            #"{"Type":"Map","End":true,"ToleratedFailurePercentage":101,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A/ToleratedFailurePercentage"),
    BrokenDefinition(
        "Map ItemsPath not a reference path",
        single(#"{"Type":"Map","End":true,"ItemsPath":"$..a","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#),
        .schemaValidationFailed, "/States/A/ItemsPath"),
    BrokenDefinition(
        "Map ItemSelector and Parameters",
        single(
            #"{"Type":"Map","End":true,"ItemSelector":{},"Parameters":{},"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#
        ), .schemaValidationFailed, "/States/A"),
    BrokenDefinition(
        "Map Items a number in JSONata",
        single(
            #"{"Type":"Map","End":true,"Items":4,"ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#, language: "JSONata"),
        .schemaValidationFailed, "/States/A/Items"),
    BrokenDefinition(
        "Map label with a space",
        single(#"{"Type":"Map","End":true,"Label":"my label","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}}"#),
        .invalidLabelName, "/States/A/Label"),
    BrokenDefinition(
        "state name too long",
        #"{"StartAt":"\#(String(repeating: "n", count: 81))","States":{"\#(String(repeating: "n", count: 81))":{"Type":"Succeed"}}}"#,
        .invalidStateName, "/States/" + String(repeating: "n", count: 81)),
    BrokenDefinition(
        "state name with a control character", #"{"StartAt":"a\u0001","States":{"a\u0001":{"Type":"Succeed"}}}"#, .invalidStateName,
        "/States/a\u{1}"),
]

@Suite struct ValidationTableTests {
    @Test(arguments: brokenDefinitions)
    func reportsTheProblem(_ broken: BrokenDefinition) {
        let report = StateMachine.validate(text: broken.definition)
        #expect(!report.isValid)
        let first = report.diagnostics.first
        #expect(first?.code == broken.code, "\(report)")
        #expect(first?.location == broken.location, "\(report)")
        #expect(throws: ValidationReport.self) { _ = try StateMachine.parse(text: broken.definition) }
    }

    @Test func collectsEveryProblemInOnePass() {
        let definition = #"""
            {"StartAt":"A","States":{
              "A":{"Type":"Pass","Next":"Missing","Bogus":1},
              "B":{"Type":"Wait","End":true},
              "C":{"Type":"Succeed"}
            }}
            """#
        let report = StateMachine.validate(text: definition)
        let found = report.diagnostics.map { "\($0.code) \($0.location)" }
        #expect(
            found == [
                "SCHEMA_VALIDATION_FAILED /States/A",
                "SCHEMA_VALIDATION_FAILED /States/B",
                "MISSING_TRANSITION_TARGET /States/A/Next",
                "MISSING_TRANSITION_TARGET /States/B",
                "MISSING_TRANSITION_TARGET /States/C",
            ])
    }

    @Test func reportsUnreachableStatesAfterTargets() {
        let definition = #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Gone"},"B":{"Type":"Succeed"}}}"#
        let found = StateMachine.validate(text: definition).diagnostics.map(\.description)
        #expect(
            found == [
                "MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone at /States/A/Next",
                "MISSING_TRANSITION_TARGET: State \"B\" is not reachable. at /States/B",
            ])
    }

    @Test func noTerminalStateSuppressesReachability() {
        let definition = #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A"},"B":{"Type":"Pass","Next":"A"}}}"#
        let found = StateMachine.validate(text: definition).diagnostics.map(\.description)
        #expect(found == ["MISSING_END_STATE: Workflow has no terminal state at null"])
    }

    @Test func danglingStartAtReportsEveryState() {
        let definition = #"{"StartAt":"Z","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}"#
        let found = StateMachine.validate(text: definition).diagnostics.map { "\($0.code) \($0.location)" }
        #expect(
            found == [
                "MISSING_TRANSITION_TARGET /StartAt",
                "MISSING_TRANSITION_TARGET /States/A",
                "MISSING_TRANSITION_TARGET /States/B",
            ])
    }

    @Test func nestedMachinesNeedNoTerminalStateButAreWalked() {
        let branch = #"{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"X"},"Y":{"Type":"Pass","Next":"X"}}}"#
        let definition = #"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[\#(branch)]}}}"#
        let found = StateMachine.validate(text: definition).diagnostics.map(\.description)
        #expect(found == ["MISSING_TRANSITION_TARGET: State \"Y\" is not reachable. at /States/P/Branches[0]/States/Y"])
    }

    @Test func nestedStatesInheritTheMachineLanguageNotTheEnclosingState() throws {
        let definition = #"""
            {"StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","End":true,
              "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","InputPath":"$.a","End":true}}}}}}
            """#
        let machine = try StateMachine.parse(text: definition)
        guard case .map(let map)? = machine.state(named: "M")?.kind else {
            Issue.record("M is not a Map")
            return
        }
        #expect(map.itemProcessor.state(named: "I")?.queryLanguage == .jsonPath)
    }

    @Test func leavingJSONataIsTheOnlyComplaint() {
        let definition =
            #"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONPath","Output":{},"End":true}}}"#
        let found = StateMachine.validate(text: definition).diagnostics.map(\.description)
        #expect(
            found == [
                "SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/A"
            ])
    }

    @Test func invalidJSONCarriesLineAndColumn() {
        let report = StateMachine.validate(text: "{\n  \"StartAt\": \"A\",\n  \"States\": ]\n}")
        let diagnostic = report.diagnostics.first
        #expect(diagnostic?.code == .invalidJSONDescription)
        #expect(diagnostic?.line == 3)
        #expect(diagnostic?.column != nil)
    }

    @Test func awsLocationsUseBrackets() {
        let pointer = JSONPointer.root / "States" / "Check" / "Choices" / 0 / "Next"
        #expect(Diagnostic.awsLocation(of: pointer) == "/States/Check/Choices[0]/Next")
        #expect(Diagnostic.awsLocation(of: .root / "States" / "P" / "Branches" / 1 / "States" / "X") == "/States/P/Branches[1]/States/X")
    }
}
