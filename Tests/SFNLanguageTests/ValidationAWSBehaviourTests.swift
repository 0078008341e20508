import SFNJSON
import Testing

@testable import SFNLanguage

/// A definition and every diagnostic AWS's ValidateStateMachineDefinition returns for it, in
/// order, each written as `CODE: message at location` (`at null` where AWS gives no location).
struct ExpectedValidation: Sendable, CustomTestStringConvertible {
    let name: String
    let definition: String
    let diagnostics: [String]

    init(_ name: String, _ definition: String, _ diagnostics: [String]) {
        self.name = name
        self.definition = definition
        self.diagnostics = diagnostics
    }

    var testDescription: String { name }
}

private let onePass = #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#
private let downgrade = "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"
private let notInEnum = "Value should be one of the following: [JSONPath, JSONata]"

private func onlyJSONata(_ field: String) -> String {
    "The QueryLanguage is set to 'JSONPath', but field '\(field)' is only supported for the 'JSONata' QueryLanguage"
}
private func onlyJSONPath(_ field: String) -> String {
    "The QueryLanguage is set to 'JSONata', but field '\(field)' is only supported for the 'JSONPath' QueryLanguage"
}

/// Cases whose answers were recorded from AWS (LocalStack's validation snapshots and other
/// emulators' measurements against the real service).
let awsValidations: [ExpectedValidation] = [
    ExpectedValidation("valid", onePass, []),
    ExpectedValidation("blank text", " ", ["SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object at null"]),
    ExpectedValidation("empty object", "{}", ["SCHEMA_VALIDATION_FAILED: These fields are required: [States, StartAt] at /"]),
    ExpectedValidation(
        "no StartAt", #"{"States":{"P":{"Type":"Pass","End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /"]),
    ExpectedValidation(
        "loop without a terminal state", #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}"#,
        ["MISSING_END_STATE: Workflow has no terminal state at null"]),
    ExpectedValidation(
        "no terminal state hides unreachable states",
        #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"},"Unused":{"Type":"Pass","Next":"A"}}}"#,
        ["MISSING_END_STATE: Workflow has no terminal state at null"]),
    ExpectedValidation(
        "dangling Next before no terminal state", #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"NOPE"}}}"#,
        [
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: NOPE at /States/A/Next",
            "MISSING_END_STATE: Workflow has no terminal state at null",
        ]),
    ExpectedValidation(
        "unreachable terminal state",
        #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"},"C":{"Type":"Pass","End":true}}}"#,
        [#"MISSING_TRANSITION_TARGET: State "C" is not reachable. at /States/C"#]),
    ExpectedValidation(
        "a nested loop needs no terminal state",
        #"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}},"End":true}}}"#,
        []),
    ExpectedValidation(
        "dangling Default",
        #"{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"Z"}],"Default":"Ghost"},"Z":{"Type":"Pass","End":true}}}"#,
        ["MISSING_TRANSITION_TARGET: Missing 'Next' target: Ghost at /States/A/Default"]),
    ExpectedValidation(
        "dangling StartAt", #"{"StartAt":"Nope","States":{"A":{"Type":"Pass","End":true}}}"#,
        [
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /StartAt",
            #"MISSING_TRANSITION_TARGET: State "A" is not reachable. at /States/A"#,
        ]),
    ExpectedValidation(
        "dangling StartAt in an item processor",
        #"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Nope","States":{"A":{"Type":"Pass","End":true}}},"End":true}}}"#,
        [
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /States/M/ItemProcessor/StartAt",
            #"MISSING_TRANSITION_TARGET: State "A" is not reachable. at /States/M/ItemProcessor/States/A"#,
        ]),
    ExpectedValidation(
        "unreachable state named with a slash",
        #"{"StartAt":"Start","States":{"Start":{"Type":"Pass","End":true},"a/b":{"Type":"Pass","End":true}}}"#,
        [#"MISSING_TRANSITION_TARGET: State "a/b" is not reachable. at /States/a/b"#]),
    ExpectedValidation(
        "Resource not an ARN", #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"${FunctionArn}","End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: Value is not a valid resource ARN at /States/T/Resource"]),
    ExpectedValidation(
        "States.ALL before other retriers and catchers",
        #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["Exception"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Z"},{"ErrorEquals":["Exception"],"Next":"Z"}],"Next":"Z"},"Z":{"Type":"Succeed"}}}"#,
        [
            "SCHEMA_VALIDATION_FAILED: States.ALL must appear alone and at end of list at /States/T/Retry[0]/ErrorEquals[0]",
            "SCHEMA_VALIDATION_FAILED: States.ALL must appear alone and at end of list at /States/T/Catch[0]/ErrorEquals[0]",
        ]),
    ExpectedValidation(
        "TimeoutSeconds on Parallel",
        #"{"StartAt":"P","States":{"P":{"Type":"Parallel","TimeoutSeconds":5,"Branches":[{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":25,"End":true}}}],"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/P"]),
    ExpectedValidation(
        "Catch on a JSONata Pass",
        #"{"QueryLanguage":"JSONata","StartAt":"X","States":{"X":{"Type":"Pass","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"X"}]}}}"#,
        ["SCHEMA_VALIDATION_FAILED: Field 'Catch' is not supported at /States/X"]),
    ExpectedValidation(
        "Arguments on a JSONPath Task",
        #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"payload":"literal"},"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: \(onlyJSONata("Arguments")) at /States/T"]),
    ExpectedValidation(
        "Items on a JSONPath Map",
        #"{"StartAt":"M","States":{"M":{"Type":"Map","Items":[{"n":1}],"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: \(onlyJSONata("Items")) at /States/M"]),
    ExpectedValidation(
        "three JSONPath fields on a JSONata Pass",
        #"{"QueryLanguage":"JSONata","StartAt":"X","States":{"X":{"Type":"Pass","InputPath":"$.a","OutputPath":"$.b","ResultPath":"$.c","End":true}}}"#,
        [
            "SCHEMA_VALIDATION_FAILED: \(onlyJSONPath("InputPath")) at /States/X",
            "SCHEMA_VALIDATION_FAILED: \(onlyJSONPath("OutputPath")) at /States/X",
            "SCHEMA_VALIDATION_FAILED: \(onlyJSONPath("ResultPath")) at /States/X",
        ]),
    ExpectedValidation(
        "Assign on a JSONPath state", #"{"StartAt":"X","States":{"X":{"Type":"Pass","Assign":{"counter":1},"End":true}}}"#, []),
    ExpectedValidation(
        "a Map's language does not reach its item processor",
        #"{"QueryLanguage":"JSONPath","StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","Items":"{% [1, 2] %}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":{"doubled":"{% $states.input.n * 2 %}"},"End":true}}},"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: \(onlyJSONata("Output")) at /States/M/ItemProcessor/States/P"]),
    ExpectedValidation(
        "a Parallel's language does not reach its branches",
        #"{"StartAt":"PAR","States":{"PAR":{"Type":"Parallel","QueryLanguage":"JSONata","Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","Output":{"d":"{% 1 %}"},"End":true}}}],"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: \(onlyJSONata("Output")) at /States/PAR/Branches[0]/States/P"]),
    ExpectedValidation(
        "a JSONata machine reaches inside its Maps",
        #"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":{"d":"{% $states.input.n %}"},"End":true}}},"End":true}}}"#,
        []),
    ExpectedValidation(
        "a state declaring JSONata inside a JSONPath machine",
        #"{"StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","Items":"{% [1, 2] %}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $states.input * 2 %}","End":true}}},"End":true}}}"#,
        []),
    ExpectedValidation(
        "JSONPath state in a JSONata machine",
        #"{"QueryLanguage":"JSONata","StartAt":"X","States":{"X":{"Type":"Pass","QueryLanguage":"JSONPath","Output":{"v":"{% 1 %}"},"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: \(downgrade) at /States/X"]),
    ExpectedValidation(
        "the downgrade does not hide other problems",
        #"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONPath","MaxConcurrency":-1,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#,
        [
            "SCHEMA_VALIDATION_FAILED: \(downgrade) at /States/M",
            "SCHEMA_VALIDATION_FAILED: Field 'MaxConcurrency' must be at least 0 at /States/M/MaxConcurrency",
        ]),
    ExpectedValidation(
        "QueryLanguage on an item processor",
        #"{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: Field 'QueryLanguage' is not supported at /States/M/ItemProcessor"]),
    ExpectedValidation(
        "QueryLanguage on a legacy Iterator",
        #"{"StartAt":"M","States":{"M":{"Type":"Map","Iterator":{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: Field 'QueryLanguage' is not supported at /States/M/Iterator"]),
    ExpectedValidation(
        "QueryLanguage on a branch",
        #"{"StartAt":"PAR","States":{"PAR":{"Type":"Parallel","Branches":[{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}],"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: Field 'QueryLanguage' is not supported at /States/PAR/Branches[0]"]),
    ExpectedValidation(
        "lower-case jsonata on a state is JSONata, and misspelt",
        #"{"StartAt":"X","States":{"X":{"Type":"Pass","QueryLanguage":"jsonata","Output":{"v":"{% 1 %}"},"InputPath":"$.a","End":true}}}"#,
        [
            "SCHEMA_VALIDATION_FAILED: \(onlyJSONPath("InputPath")) at /States/X",
            "SCHEMA_VALIDATION_FAILED: \(notInEnum) at /States/X/QueryLanguage",
        ]),
    ExpectedValidation(
        "lower-case top-level language",
        #"{"QueryLanguage":"jsonata","StartAt":"X","States":{"X":{"Type":"Pass","Output":{"v":"{% 1 %}"},"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: \(notInEnum) at /QueryLanguage"]),
    ExpectedValidation(
        "lower-case jsonpath at the top level is JSONata",
        #"{"QueryLanguage":"jsonpath","StartAt":"X","States":{"X":{"Type":"Pass","InputPath":"$.a","End":true}}}"#,
        [
            "SCHEMA_VALIDATION_FAILED: \(notInEnum) at /QueryLanguage",
            "SCHEMA_VALIDATION_FAILED: \(onlyJSONPath("InputPath")) at /States/X",
        ]),
    ExpectedValidation(
        "lower-case jsonpath under JSONata is no downgrade",
        #"{"QueryLanguage":"JSONata","StartAt":"X","States":{"X":{"Type":"Pass","QueryLanguage":"jsonpath","End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: \(notInEnum) at /States/X/QueryLanguage"]),
    ExpectedValidation(
        "QueryLanguage a number", #"{"QueryLanguage":5,"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: Expected value of type [STRING] at /QueryLanguage"]),
    ExpectedValidation(
        "state QueryLanguage a number",
        #"{"StartAt":"X","States":{"X":{"Type":"Pass","QueryLanguage":5,"InputPath":"$.a","End":true}}}"#,
        [
            "SCHEMA_VALIDATION_FAILED: \(onlyJSONPath("InputPath")) at /States/X",
            "SCHEMA_VALIDATION_FAILED: Expected value of type [STRING] at /States/X/QueryLanguage",
        ]),
    ExpectedValidation(
        "JSONata MaxConcurrency expression",
        #"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":"{% $states.input.limit %}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#,
        []),
    ExpectedValidation(
        "MaxConcurrencyPath in JSONata",
        #"{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrencyPath":"$.limit","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#,
        ["SCHEMA_VALIDATION_FAILED: \(onlyJSONPath("MaxConcurrencyPath")) at /States/M"]),
    ExpectedValidation(
        "MaxConcurrency beyond 32 bits",
        #"{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":9223372036854775807,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#,
        []),
]

@Suite struct ValidationAWSBehaviourTests {
    @Test(arguments: awsValidations)
    func matchesAWS(_ expected: ExpectedValidation) {
        let report = DefinitionValidator.validate(text: expected.definition)
        #expect(report.diagnostics.map(\.description) == expected.diagnostics)
        #expect(report.isValid == expected.diagnostics.isEmpty)
    }

    /// Only where the location is the same field do MaxConcurrency and its path twin clash.
    @Test func bothConcurrencyFieldsAreReportedAtTheLiteral() {
        let definition =
            #"{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":2,"MaxConcurrencyPath":"$.limit","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}"#
        let locations = DefinitionValidator.validate(text: definition).diagnostics.map(\.location)
        #expect(locations == ["/States/M/MaxConcurrency"])
    }

    private static func distributedMap(_ resultWriter: String, language: String = "JSONPath") -> String {
        let items = language == "JSONata" ? #""Items":"{% $states.input.items %}""# : #""ItemsPath":"$.items""#
        return
            #"{"QueryLanguage":"\#(language)","StartAt":"M","States":{"M":{"Type":"Map",\#(items),"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ResultWriter":\#(resultWriter),"End":true}}}"#
    }

    /// Where AWS places ResultWriter problems (its wording was not recorded).
    @Test(arguments: [
        (
            #"{"Resource":"arn:aws:states:::s3:putObject","WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSONL"},"Parameters":{"Bucket.$":"$.b","Prefix":"results"}}"#,
            "JSONPath", [String]()
        ),
        (#"{"Resource":"arn:aws:states:::s3:putObject","Arguments":"{% $states.input.destination %}"}"#, "JSONata", []),
        (
            #"{"Resource":"arn:aws:states:::s3:putObject","Arguments":{"Bucket":"b"},"Parameters":{"Bucket":"c"}}"#, "JSONata",
            ["/States/M/ResultWriter/Parameters"]
        ),
        (
            #"{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b"},"Arguments":{"Bucket":"c"}}"#, "JSONPath",
            ["/States/M/ResultWriter/Arguments"]
        ),
        ("{}", "JSONPath", ["/States/M/ResultWriter"]),
        (#"{"Resource":"arn:aws:states:::s3:putObject"}"#, "JSONPath", ["/States/M/ResultWriter"]),
    ])
    func resultWriterProblems(_ writer: String, _ language: String, _ locations: [String]) {
        let report = DefinitionValidator.validate(text: Self.distributedMap(writer, language: language))
        #expect(report.diagnostics.map(\.location) == locations, "\(report)")
    }

    @Test func theFacadeAgreesWithTheParser() throws {
        let json = try JSON(parsing: onePass)
        #expect(DefinitionValidator.validate(json).isValid)
        #expect(try StateMachine.parse(json).states.map(\.name) == ["P"])
        let broken = try JSON(parsing: #"{"StartAt":"Q","States":{"P":{"Type":"Pass","End":true}}}"#)
        #expect(DefinitionValidator.validate(broken) == StateMachine.validate(broken))
        #expect(throws: ValidationReport.self) { _ = try StateMachine.parse(broken) }
    }

    @Test func statesInsideAMapTakeTheMachineLanguage() throws {
        let definition = #"""
            {"StartAt": "M", "States": {
              "M": {"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% [1, 2] %}", "End": true,
                    "ItemProcessor": {"StartAt": "I", "States": {
                      "I": {"Type": "Pass", "InputPath": "$.x", "Next": "J"},
                      "J": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input %}", "End": true}}}}
            }}
            """#
        let machine = try StateMachine.parse(text: definition)
        let map = try #require(machine.state(named: "M"))
        #expect(map.queryLanguage == .jsonata)
        guard case .map(let mapState) = map.kind else {
            Issue.record("M is \(map.typeName)")
            return
        }
        #expect(mapState.itemProcessor.queryLanguage == .jsonPath)
        #expect(mapState.itemProcessor.state(named: "I")?.queryLanguage == .jsonPath)
        #expect(mapState.itemProcessor.state(named: "J")?.queryLanguage == .jsonata)
    }
}

/// A `{% %}` string the JSONata parser refuses: INVALID_JSONATA_EXPRESSION at the string itself,
/// worded as JSONata words it (without its S0xxx code).
@Suite struct ValidationJSONataSyntaxTests {
    private static func outputDefinition(_ output: String) -> String {
        #"{"QueryLanguage":"JSONata","StartAt":"Main","States":{"Main":{"Type":"Pass","Output":\#(output),"End":true}}}"#
    }

    @Test(arguments: [#""{% a[1,2) %}""#, #""{% 1 + %}""#, #""{% $x := %}""#, #""{% phone %.other %}""#, #""{%  %}""#])
    func unparsableExpression(_ output: String) {
        let diagnostics = DefinitionValidator.validate(text: Self.outputDefinition(output)).diagnostics
        #expect(diagnostics.count == 1, "\(diagnostics)")
        #expect(diagnostics.first?.code == .invalidJSONataExpression)
        #expect(diagnostics.first?.location == "/States/Main/Output")
        #expect(diagnostics.first.map { !$0.message.hasPrefix("S0") } == true)
    }

    @Test func endOfExpressionWording() {
        let diagnostics = DefinitionValidator.validate(text: Self.outputDefinition(#""{% 1 + %}""#)).diagnostics
        #expect(diagnostics.map(\.message) == ["Unexpected end of expression"])
    }

    @Test func nestedExpressionIsLocatedAtItsString() {
        let diagnostics = DefinitionValidator.validate(text: Self.outputDefinition(#"{"a":[1,"{% ( %}"]}"#)).diagnostics
        #expect(diagnostics.map(\.location) == ["/States/Main/Output/a[1]"])
    }

    @Test func compiledExpressionsAreKeptInTheModel() throws {
        let machine = try StateMachine.parse(text: Self.outputDefinition(#""{% $states.input.n * 2 %}""#))
        guard case .expression(let expression, _)? = machine.state(named: "Main")?.jsonata?.output else {
            Issue.record("Output should be an expression")
            return
        }
        #expect(expression.source == " $states.input.n * 2 ")
    }
}

/// Names AWS refuses inside JSONata expressions when the definition is validated.
@Suite struct ValidationJSONataReferenceTests {
    private static func outputDefinition(_ expression: String) -> String {
        #"{"QueryLanguage":"JSONata","StartAt":"Main","States":{"Main":{"Type":"Pass","Output":"{% \#(expression) %}","End":true}}}"#
    }

    private static func catchDefinition(_ field: String, _ expression: String) -> String {
        let value = field == "Assign" ? #"{"lastError":"{% \#(expression) %}"}"# : #""{% \#(expression) %}""#
        return
            #"{"QueryLanguage":"JSONata","StartAt":"Main","States":{"Main":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"Handled","Catch":[{"ErrorEquals":["States.ALL"],"Next":"Handled","\#(field)":\#(value)}]},"Handled":{"Type":"Pass","End":true}}}"#
    }

    @Test func rootContextIsRefused() {
        let found = DefinitionValidator.validate(text: Self.outputDefinition("$$")).diagnostics.map(\.description)
        #expect(found == ["UNSUPPORTED_JSONATA_EXPRESSION: Reference to '$$' is not supported. at /States/Main/Output"])
    }

    @Test func errorOutputOutsideACatcherIsRefused() {
        let found = DefinitionValidator.validate(text: Self.outputDefinition("$states.errorOutput")).diagnostics.map(\.description)
        #expect(found == ["UNSUPPORTED_JSONATA_EXPRESSION: Field '$states.errorOutput' does not exist. at /States/Main/Output"])
    }

    @Test(arguments: ["Output", "Assign"])
    func errorOutputInACatcherIsAccepted(_ field: String) {
        let report = DefinitionValidator.validate(text: Self.catchDefinition(field, "$states.errorOutput"))
        #expect(report.diagnostics.isEmpty, "\(report)")
    }

    @Test(arguments: [#"'$$' & \"$$\""#, "/* $$ */ 1", "$states.errorOutputs", "`$$`"])
    func lookalikesAreAccepted(_ expression: String) {
        let report = DefinitionValidator.validate(text: Self.outputDefinition(expression))
        #expect(report.diagnostics.isEmpty, "\(report)")
    }

    @Test func literalsAndCommentsAreBlanked() {
        #expect(JSONataReferenceCheck.codeOutsideLiterals(#"a & "$$" /* $$ */ & $x"#) == "a &     & $x")
    }
}
