import SFNJSON
import Testing

@testable import SFNLanguage

private func rule(_ text: String) throws -> ChoiceRule {
    try ChoiceRule(compiling: try JSON(parsing: text))
}

private func matches(_ ruleText: String, _ input: String, variables: [String: JSON] = [:]) throws -> Bool {
    let scope = ExpressionScope(input: try JSON(parsing: input), variable: { variables[$0] })
    return try rule(ruleText).evaluate(scope)
}

@Suite struct ChoiceRuleEvaluationTests {
    /// The Choice state example from the AWS documentation.
    @Test(arguments: [
        (#"{"type":"Public","value":0}"#, "Public"),
        (#"{"type":"Private","value":0}"#, "ValueIsZero"),
        (#"{"type":"Private","value":25}"#, "ValueInTwenties"),
        (#"{"type":"Private","value":31}"#, "Default"),
    ])
    func awsDocumentationScenario(input: String, expected: String) throws {
        let choices: [(String, String)] = [
            (#"{"Not":{"Variable":"$.type","StringEquals":"Private"},"Next":"Public"}"#, "Public"),
            (#"{"Variable":"$.value","NumericEquals":0,"Next":"ValueIsZero"}"#, "ValueIsZero"),
            (
                #"{"And":[{"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30}],"Next":"ValueInTwenties"}"#,
                "ValueInTwenties"
            ),
        ]
        var taken = "Default"
        for (text, next) in choices where try matches(text, input) {
            taken = next
            break
        }
        #expect(taken == expected)
    }

    @Test func orAndNestedRules() throws {
        let text =
            #"{"Or":[{"Variable":"$.a","NumericLessThan":0},{"And":[{"Variable":"$.b","IsPresent":true},{"Not":{"Variable":"$.b","StringEquals":"no"}}]}]}"#
        #expect(try matches(text, #"{"a":-1}"#))
        #expect(try matches(text, #"{"a":1,"b":"yes"}"#))
        #expect(try !matches(text, #"{"a":1,"b":"no"}"#))
        #expect(try !matches(text, #"{"a":1}"#))
    }

    @Test func mapBreakConditionFromAWS() throws {
        let text =
            #"{"And":[{"IsPresent":true,"Variable":"$"},{"And":[{"IsNumeric":true,"Variable":"$"},{"NumericEquals":3,"Variable":"$"}]}],"Next":"Break"}"#
        #expect(try matches(text, "3"))
        #expect(try !matches(text, "2"))
        #expect(try !matches(text, #""3""#))
    }

    @Test func missingVariableIsARuntimeError() throws {
        let expected = StatesError(
            "States.Runtime", cause: "Invalid path '$.approved': The choice state's condition path references an invalid value.")
        #expect(throws: expected) { try matches(#"{"Variable":"$.approved","BooleanEquals":true}"#, #"{"status":"PENDING"}"#) }
        #expect(throws: StatesError.self) { try matches(#"{"Variable":"$.x","IsNull":true}"#, "{}") }
        #expect(throws: StatesError.self) { try matches(#"{"Variable":"$missingVar","StringEquals":"a"}"#, "{}") }
        // A missing ...Path operand fails the same way, naming the operand's path.
        let operandMissing = StatesError(
            "States.Runtime", cause: "Invalid path '$.right': The choice state's condition path references an invalid value.")
        #expect(throws: operandMissing) { try matches(#"{"Variable":"$.left","NumericEqualsPath":"$.right"}"#, #"{"left":8}"#) }
    }

    @Test func isPresentToleratesMissingPaths() throws {
        #expect(try matches(#"{"Variable":"$.input_value","IsPresent":false}"#, "{}"))
        #expect(try !matches(#"{"Variable":"$.input_value","IsPresent":true}"#, "{}"))
        #expect(try matches(#"{"Variable":"$.v","IsPresent":true}"#, #"{"v":null}"#))
        #expect(try matches(#"{"Variable":"$missing","IsPresent":false}"#, "{}"))
    }

    @Test func variablesAndContextAsOperands() throws {
        let variables: [String: JSON] = ["guess": "42", "answer": "42", "other": "7"]
        #expect(try matches(#"{"Variable":"$guess","StringEqualsPath":"$answer"}"#, "{}", variables: variables))
        #expect(try !matches(#"{"Variable":"$guess","StringEqualsPath":"$other"}"#, "{}", variables: variables))
        let scope = ExpressionScope(input: [:], context: ["State": ["RetryCount": 2]])
        #expect(try rule(#"{"Variable":"$$.State.RetryCount","NumericGreaterThan":1}"#).evaluate(scope))
    }

    @Test(arguments: [
        ("NumericEquals", "3", "3.0", true), ("NumericEquals", "3", "3.5", false),
        ("NumericLessThan", "2", "10", true), ("NumericGreaterThan", "-1.5", "-2", true),
        ("NumericLessThanEquals", "9007199254740993", "9007199254740993", true),
        ("NumericGreaterThanEquals", "1e3", "999", true),
        ("StringLessThan", #""B""#, #""a""#, true), ("StringGreaterThan", #""b""#, #""a""#, true),
        ("StringEquals", #""é""#, #""e\u0301""#, false),
        ("TimestampEquals", #""2016-03-14T01:59:00Z""#, #""2016-03-14T02:59:00+01:00""#, true),
        ("TimestampLessThan", #""2016-03-14T01:59:00.5Z""#, #""2016-03-14T01:59:00.75Z""#, true),
        ("TimestampGreaterThan", #""2016-03-14T01:59:00Z""#, #""2016-03-13T23:59:59-05:00""#, false),
        ("BooleanEquals", "true", "true", true), ("BooleanEquals", "1", "true", false),
    ])
    func comparisonsWithLiterals(operatorName: String, value: String, operand: String, expected: Bool) throws {
        let text = #"{"Variable":"$.v",""# + operatorName + #"":"# + operand + "}"
        #expect(try matches(text, #"{"v":"# + value + "}") == expected, "\(operatorName) \(value) \(operand)")
    }

    @Test func pathOperandOfTheWrongTypeDoesNotMatch() throws {
        #expect(try !matches(#"{"Variable":"$.a","StringEqualsPath":"$.b"}"#, #"{"a":"1","b":1}"#))
        #expect(try !matches(#"{"Variable":"$.a","NumericEqualsPath":"$.b"}"#, #"{"a":1,"b":"1"}"#))
        #expect(try !matches(#"{"Variable":"$.a","TimestampEqualsPath":"$.b"}"#, #"{"a":"2016-03-14T01:59:00Z","b":"soon"}"#))
        #expect(try matches(#"{"Variable":"$.a","BooleanEqualsPath":"$.b"}"#, #"{"a":false,"b":false}"#))
    }

    @Test(arguments: [
        ("log-*.txt", "log-2024.txt", true), ("log-*.txt", "log-.txt", true), ("log-*.txt", "log-a.txt.bak", false),
        ("*", "", true), ("*.log", "a.log.log", true), ("a*b*c", "aXbYbZc", true), ("a*b*c", "acb", false),
        (#"literal\\*star"#, "literal*star", true), (#"literal\\*star"#, "literalXstar", false),
        (#"back\\\\slash"#, #"back\slash"#, true), ("exact", "exact", true), ("exact", "exactly", false),
        ("*end", "the end", true), ("start*", "starting", true), ("**", "anything", true),
    ])
    func stringMatches(pattern: String, candidate: String, expected: Bool) throws {
        let rule = ChoiceRule.test(
            variable: try PathExpression("$"),
            condition: .stringMatches(
                StringMatchPattern(
                    try JSON(parsing: "\"" + pattern + "\"").stringValue ?? "")))
        #expect(try rule.evaluate(ExpressionScope(input: .string(candidate))) == expected, "\(pattern) ~ \(candidate)")
    }

    @Test func stringMatchesOnNonStringIsFalse() throws {
        #expect(try !matches(#"{"Variable":"$.v","StringMatches":"*"}"#, #"{"v":1}"#))
    }

    @Test(arguments: [
        ("2016-03-14T01:59:00Z", true), ("2016-03-14T01:59:00.123456789Z", true), ("2016-03-14T01:59:00+05:30", true),
        ("2016-02-29T00:00:00Z", true), ("2015-02-29T00:00:00Z", false), ("2016-13-05T21:29:29Z", false),
        ("2016-12-05T25:29:29Z", false), ("2016-12-05 21:29:29Z", false), ("2016-12-05T21:29:29", false),
        ("2016-03-14t01:59:00Z", false), ("2016-03-14T01:59:00z", false), ("2016-03-14T01:59Z", false),
        ("2016-03-14T01:59:00.Z", false), ("05-12-2016T21:29:29Z", false), ("2023-02-24", false), ("", false),
    ])
    func isTimestamp(text: String, expected: Bool) throws {
        let rule = try rule(#"{"Variable":"$","IsTimestamp":true}"#)
        #expect(try rule.evaluate(ExpressionScope(input: .string(text))) == expected, "\(text)")
    }

    @Test func timestampsCompareAsInstants() throws {
        let earlier = try #require(StatesTimestamp("1969-12-31T23:59:59Z"))
        let epoch = try #require(StatesTimestamp("1970-01-01T01:00:00+01:00"))
        #expect(earlier.epochSeconds == -1)
        #expect(epoch.epochSeconds == 0)
        #expect(earlier < epoch)
        #expect(StatesTimestamp("2000-03-01T00:00:00Z")?.epochSeconds == 951_868_800)
    }
}

@Suite struct ChoiceRuleCompileTests {
    @Test func compilesEveryComparisonOperator() throws {
        for kind in ChoiceValueKind.allCases {
            for comparison in ChoiceComparison.allCases where kind != .boolean || comparison == .equals {
                let literal: String
                switch kind {
                case .string: literal = #""x""#
                case .numeric: literal = "1"
                case .boolean: literal = "true"
                case .timestamp: literal = #""2016-03-14T01:59:00Z""#
                }
                let name = kind.rawValue + comparison.rawValue
                let compiled = try rule(#"{"Variable":"$.v",""# + name + #"":"# + literal + "}")
                guard case .test(_, .compare(kind, comparison, _)) = compiled else {
                    Issue.record("\(name) compiled to \(compiled)")
                    continue
                }
                let pathRule = try rule(#"{"Variable":"$.v",""# + name + #"Path":"$.w"}"#)
                guard case .test(_, .compare(kind, comparison, .path)) = pathRule else {
                    Issue.record("\(name)Path compiled to \(pathRule)")
                    continue
                }
            }
        }
        for test in ChoiceTypeTest.allCases {
            let compiled = try rule(#"{"Variable":"$.v",""# + test.rawValue + #"":false}"#)
            #expect(compiled == .test(variable: try PathExpression("$.v"), condition: .typeTest(test, expected: false)))
        }
    }

    @Test func ignoresKeysOwnedByTheDefinition() throws {
        _ = try rule(#"{"Variable":"$.v","IsNull":true,"Next":"A","Assign":{"x":1},"Comment":"c"}"#)
    }

    @Test(arguments: [
        (#"{"Variable":"$.v","StringEquals":"a","NumericEquals":1}"#, "/NumericEquals"),
        (#"{"Variable":"$.v","StringEqualz":"a"}"#, "/StringEqualz"),
        (#"{"Variable":"$.v","BooleanLessThan":true}"#, "/BooleanLessThan"),
        (#"{"Variable":"$.v","StringEquals":1}"#, "/StringEquals"),
        (#"{"Variable":"$.v","NumericEquals":"1"}"#, "/NumericEquals"),
        (#"{"Variable":"$.v","BooleanEquals":"true"}"#, "/BooleanEquals"),
        (#"{"Variable":"$.v","TimestampEquals":"yesterday"}"#, "/TimestampEquals"),
        (#"{"Variable":"$.v","IsNull":"yes"}"#, "/IsNull"),
        (#"{"Variable":"$.v","StringEqualsPath":"no-dollar"}"#, "/StringEqualsPath"),
        (#"{"Variable":"$.v","StringEqualsPath":5}"#, "/StringEqualsPath"),
        (#"{"Variable":"v","StringEquals":"a"}"#, "/Variable"),
        (#"{"Variable":7,"StringEquals":"a"}"#, "/Variable"),
        (#"{"StringEquals":"a"}"#, ""),
        (#"{"Variable":"$.v"}"#, ""),
        (#"{"Next":"A"}"#, ""),
        (#"{"And":[]}"#, "/And"),
        (#"{"Or":{"Variable":"$.v","IsNull":true}}"#, "/Or"),
        (#"{"And":[{"Variable":"$.v","IsNull":true},{"Variable":"$.v"}]}"#, "/And/1"),
        (#"{"Or":[{"Not":{"Variable":"$.v","Bogus":1}}]}"#, "/Or/0/Not/Bogus"),
        (#"{"Not":[{"Variable":"$.v","IsNull":true}]}"#, "/Not"),
        (#"{"Not":{"Variable":"$.v","IsNull":true,"Next":"A"},"Next":"B"}"#, "/Not/Next"),
        (#"{"And":[{"Variable":"$.v","IsNull":true,"Assign":{}}]}"#, "/And/0/Assign"),
        (#"{"Variable":"$.v","And":[{"Variable":"$.v","IsNull":true}]}"#, "/Variable"),
    ])
    func compileErrorsPointAtTheProblem(text: String, pointer: String) throws {
        let ruleObject = try JSON(parsing: text)
        do throws(ExpressionSyntaxError) {
            _ = try ChoiceRule(compiling: ruleObject)
            Issue.record("compiled: \(text)")
        } catch {
            #expect(error.pointer.description == pointer, "\(text): \(error.message)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func nonObjectRule() {
        #expect(throws: ExpressionSyntaxError.self) { try ChoiceRule(compiling: "text") }
    }
}

@Suite struct HostileNestingTests {
    @Test func deeplyNestedChoiceRulesAreRefusedNotCrashed() throws {
        var rule: JSON = ["Variable": "$.a", "IsPresent": true]
        for _ in 0..<5_000 { rule = ["Not": rule] }
        #expect(throws: ExpressionSyntaxError.self) { try ChoiceRule(compiling: rule) }
    }

    @Test func deeplyNestedFilterParenthesesAreRefusedNotCrashed() {
        let path = "$[?(" + String(repeating: "(", count: 20_000) + "@.a" + String(repeating: ")", count: 20_000) + ")]"
        #expect(throws: ExpressionSyntaxError.self) { try JSONPath(path) }
    }
}
