import SFNJSON
import Testing

@testable import SFNLanguage

/// Evaluates `expression` against `input` (and optional context/variables), failing the test on
/// a parse error.
private func evaluate(
    _ expression: String,
    input: JSON = .emptyObject,
    context: JSON = .emptyObject,
    variables: [String: JSON] = [:],
    random: @escaping () -> UInt64 = { 0x0123_4567_89AB_CDEF }
) throws -> JSON {
    let call = try IntrinsicFunctionCall(parsing: expression)
    let scope = ExpressionScope(input: input, context: context, variable: { variables[$0] }, random: random)
    return try call.evaluate(scope)
}

private func failure(_ expression: String, input: JSON = .emptyObject) throws -> StatesError? {
    let call = try IntrinsicFunctionCall(parsing: expression)
    do {
        _ = try call.evaluate(ExpressionScope(input: input))
        return nil
    } catch {
        return error
    }
}

@Suite struct IntrinsicParsingTests {
    @Test(arguments: [
        "States.Format('{}', $.a)",
        "States.Array()",
        "  States.UUID()  ",
        "States.Array(1, -2, 3.5, 1e3, true, false, null, 'x', $, $$.Execution.Id, $var.field)",
        "States.MathAdd(States.MathAdd(States.MathAdd($y, $x), $z), $bias)",
        "States.Array($.a['b c'][0], $.d)",
    ])
    func acceptsValidCalls(text: String) throws {
        _ = try IntrinsicFunctionCall(parsing: text)
    }

    @Test(arguments: [
        "States.Nope(1)",
        "States.Format",
        "States.Format('x'",
        "States.Format('unterminated)",
        "States.Array(1 2)",
        "States.Array(1,)",
        "States.Array(foo)",
        "States.UUID(1)",
        "States.ArrayGetItem($.a)",
        "States.JsonMerge($.a, $.b)",
        "States.MathRandom(1)",
        "States.Array(1) extra",
        "$.a",
    ])
    func rejectsInvalidCalls(text: String) {
        #expect(throws: ExpressionSyntaxError.self) { try IntrinsicFunctionCall(parsing: text) }
    }

    @Test func limitsNestingToTen() throws {
        var ten = "$.a"
        for _ in 0..<10 { ten = "States.JsonToString(\(ten))" }
        _ = try IntrinsicFunctionCall(parsing: ten)
        #expect(throws: ExpressionSyntaxError.self) { try IntrinsicFunctionCall(parsing: "States.JsonToString(\(ten))") }
    }

    @Test(arguments: [
        ("States.Format('x')", true),
        ("States.UUID()", true),
        ("States.Array ()", true),
        ("$.States", false),
        ("States.", false),
        ("States.Format", false),
        ("Hello", false),
    ])
    func recognisesCallShape(text: String, expected: Bool) {
        #expect(IntrinsicFunctionCall.looksLikeCall(text) == expected)
    }

    @Test func stringLiteralEscapes() throws {
        #expect(try evaluate(#"States.Format('it\'s \{\} {} \\', 'x')"#) == "it's {} x \\")
        #expect(try evaluate(#"States.Array('a\'b', 'c\\d')"#) == ["a'b", "c\\d"])
        // Real newlines inside the definition's string arrive as characters.
        #expect(try evaluate("States.StringSplit('Hello\nWorld', '\n')") == ["Hello", "World"])
    }

    /// AWS documents a backslash before anything but ' { } \\ as an error when the call runs.
    @Test func unknownEscapeFailsWhenEvaluated() throws {
        let call = try IntrinsicFunctionCall(parsing: #"States.Format('a\nb')"#)
        #expect(throws: StatesError.self) { try call.evaluate(ExpressionScope(input: .emptyObject)) }
        let error = try failure(#"States.Array('x\q')"#)
        #expect(error?.name == StatesErrorName.intrinsicFailure)
        #expect(error?.cause?.contains(#"x\q"#) == true)
    }

    @Test func pathArgumentsMayHoldCommasAndParentheses() throws {
        let input: JSON = ["a, b": ["c)": 5]]
        #expect(try evaluate("States.Array($['a, b']['c)'], 1)", input: input) == [5, 1])
    }
}

@Suite struct IntrinsicArrayTests {
    @Test func arrayCollectsValuesInOrder() throws {
        #expect(try evaluate("States.Array()") == [])
        let input: JSON = ["FunctionInput": ["fst": ["Arg1": 1, "Arg2": []], "snd": nil]]
        #expect(
            try evaluate("States.Array($.FunctionInput.fst, $.FunctionInput.snd, 1.1)", input: input)
                == [["Arg1": 1, "Arg2": []], nil, 1.1])
    }

    @Test(
        arguments: [
            (JSON.array([]), 2, JSON.array([])),
            ([0], 5, [[0]]),
            ([0, 1, 2], 2, [[0, 1], [2]]),
            ([0, 1, 2, 3], 1, [[0], [1], [2], [3]]),
            ([0, 1, 2, 3], 3, [[0, 1, 2], [3]]),
            ([1, 2, 3, 4, 5, 6, 7, 8, 9], 4, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
        ] as [(JSON, Int, JSON)])
    func partition(array: JSON, size: Int, expected: JSON) throws {
        #expect(try evaluate("States.ArrayPartition($.a, $.n)", input: ["a": array, "n": .int(size)]) == expected)
    }

    @Test func partitionRejectsBadChunkSizes() throws {
        #expect(try failure("States.ArrayPartition($.a, 0)", input: ["a": [1]])?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.ArrayPartition($.a, -1)", input: ["a": [1]])?.name == StatesErrorName.intrinsicFailure)
        // A fraction is rounded half up, as States.MathAdd rounds: 0.4 is 0, which is refused.
        #expect(try failure("States.ArrayPartition($.a, 0.4)", input: ["a": [1]])?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.ArrayPartition($.a, 1)", input: ["a": "x"])?.name == StatesErrorName.intrinsicFailure)
    }

    @Test(
        arguments: [
            (JSON.array([]), JSON.array([]), false),
            ([], 1, false),
            ([[1, 2, 3], 2], [1, 2, 3], true),
            ([["1": 2, "2": []]], [], false),
            ([["1": 2, "2": []]], ["2": [], "1": 2], true),
            ([true, false], false, true),
            ([1, 2], 2, true),
            ([1, 2], 2.0, false),
            ([1.5, 2.0], 2.0, true),
            (["a", nil], nil, true),
        ] as [(JSON, JSON, Bool)])
    func contains(array: JSON, value: JSON, expected: Bool) throws {
        #expect(try evaluate("States.ArrayContains($.a, $.v)", input: ["a": array, "v": value]) == .bool(expected))
    }

    @Test(
        arguments: [
            ("States.ArrayRange(0, 9, 3)", JSON.array([0, 3, 6, 9])),
            ("States.ArrayRange(0, 10, 3)", [0, 3, 6, 9]),
            ("States.ArrayRange(1, 9, 9)", [1]),
            ("States.ArrayRange(1, 9, 2)", [1, 3, 5, 7, 9]),
            ("States.ArrayRange(5, 1, -2)", [5, 3, 1]),
            ("States.ArrayRange(3, 3, 1)", [3]),
            ("States.ArrayRange(1, 1000, 1)", JSON.array((1...1000).map { .int($0) })),
        ] as [(String, JSON)])
    func range(expression: String, expected: JSON) throws {
        #expect(try evaluate(expression) == expected)
    }

    @Test(arguments: [
        "States.ArrayRange(1, 1001, 1)",
        "States.ArrayRange(1, 5, 0)",
        "States.ArrayRange(1, 5, 0.4)",
        "States.ArrayRange('1', 5, 1)",
    ])
    func rangeFailures(expression: String) throws {
        let error = try failure(expression)
        #expect(error?.name == StatesErrorName.intrinsicFailure)
        #expect(error?.cause?.contains("States.ArrayRange") == true)
    }

    @Test func extremeBoundsFailCleanly() throws {
        #expect(try failure("States.ArrayRange(0, -9223372036854775808, -1)")?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)")?.name == StatesErrorName.intrinsicFailure)
        #expect(
            try evaluate("States.ArrayRange(9223372036854775807, 9223372036854775806, -9223372036854775808)") == [9_223_372_036_854_775_807]
        )
        #expect(try evaluate("States.ArrayPartition($.a, 9223372036854775807)", input: ["a": [1, 2, 3]]) == [[1, 2, 3]])
        #expect(try evaluate("States.ArrayRange(1, 5, -1)") == [])
    }

    @Test func getItemAndLength() throws {
        let input: JSON = ["a": [1, 2, 3, 4, 5, 6, 7, 8, 9], "i": 5]
        #expect(try evaluate("States.ArrayGetItem($.a, $.i)", input: input) == 6)
        #expect(try evaluate("States.ArrayGetItem($.a, 0)", input: input) == 1)
        #expect(try evaluate("States.ArrayLength($.a)", input: input) == 9)
        #expect(try failure("States.ArrayGetItem($.a, 9)", input: input)?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.ArrayGetItem($.a, -1)", input: input)?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.ArrayLength($.i)", input: input)?.name == StatesErrorName.intrinsicFailure)
    }

    @Test func uniqueKeepsFirstOccurrences() throws {
        let input: JSON = [
            "a": [
                nil, nil, true, true, false, 1, 1, 1.1, 0, "x", "x", [], [], [nil], [nil],
                ["a": 1, "b": 2], ["b": 2, "a": 1], ["a": 1, "b": 1],
            ]
        ]
        #expect(
            try evaluate("States.ArrayUnique($.a)", input: input)
                == [nil, true, false, 1, 1.1, 0, "x", [], [nil], ["a": 1, "b": 2], ["a": 1, "b": 1]])
        // Integers and reals stay distinct, as Java's Integer and Double do.
        let mixed = try evaluate("States.ArrayUnique($.a)", input: ["a": [1, 1.0, 1, [1], [1.0], 2.5, 2.5]])
        #expect(mixed.compactText == "[1,1.0,[1],[1.0],2.5]")
        #expect(try evaluate("States.ArrayLength($.a)", input: input) == 18)
    }
}

@Suite struct IntrinsicEncodingTests {
    @Test(arguments: [
        ("", ""),
        ("Data to encode", "RGF0YSB0byBlbmNvZGU="),
        ("Hello World", "SGVsbG8gV29ybGQ="),
        ("a", "YQ=="),
        ("ab", "YWI="),
        ("abc", "YWJj"),
        ("é✓", "w6ninJM="),
    ])
    func base64RoundTrip(plain: String, encoded: String) throws {
        #expect(try evaluate("States.Base64Encode($.v)", input: ["v": .string(plain)]) == .string(encoded))
        #expect(try evaluate("States.Base64Decode($.v)", input: ["v": .string(encoded)]) == .string(plain))
    }

    @Test(arguments: ["!!!!", "YQ=a", "Y", "YQ===", "Y Q=="])
    func base64DecodeRejectsInvalidText(text: String) throws {
        #expect(try failure("States.Base64Decode($.v)", input: ["v": .string(text)])?.name == StatesErrorName.intrinsicFailure)
    }

    @Test func base64DecodeAcceptsMissingPadding() throws {
        #expect(try evaluate("States.Base64Decode('YQ')") == "a")
    }

    @Test func base64DecodeReplacesBytesThatAreNotUTF8() throws {
        // "/w==" is the single byte 0xFF.
        #expect(try evaluate("States.Base64Decode('/w==')") == "\u{FFFD}")
    }

    @Test func base64LimitsInputSize() throws {
        let large = JSON.string(String(repeating: "a", count: 10_001))
        #expect(try failure("States.Base64Encode($.v)", input: ["v": large])?.name == StatesErrorName.intrinsicFailure)
        #expect(
            try evaluate("States.Base64Encode($.v)", input: ["v": .string(String(repeating: "a", count: 10_000))]).stringValue?.count
                == 13_336)
    }

    @Test func hashUsesNamedAlgorithm() throws {
        #expect(try evaluate("States.Hash('input data', 'MD5')") == "812f45842bc6d66ee14572ce20db8e86")
        #expect(try evaluate("States.Hash($.v, 'SHA-1')", input: ["v": "abc"]) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            try evaluate("States.Hash('Hash this string', 'SHA-256')")
                == "1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e")
        let unknown = try failure("States.Hash('x', 'SHA-3')")
        #expect(unknown?.name == StatesErrorName.intrinsicFailure)
        #expect(unknown?.cause?.contains("SHA-3") == true)
        #expect(try failure("States.Hash(1, 'MD5')")?.name == StatesErrorName.intrinsicFailure)
        #expect(
            try failure("States.Hash($.v, 'MD5')", input: ["v": .string(String(repeating: "a", count: 10_001))])?.name
                == StatesErrorName.intrinsicFailure)
    }
}

@Suite struct IntrinsicJSONTests {
    @Test(
        arguments: [
            ("", JSON.null),
            (" ", nil),
            ("-0", 0),
            ("1", 1),
            ("1.1", 1.1),
            ("true", true),
            ("\"HelloWorld\"", "HelloWorld"),
            ("[1, 2, \"HelloWorld\"]", [1, 2, "HelloWorld"]),
            ("{\"Arg1\": 1, \"Arg2\": []}", ["Arg1": 1, "Arg2": []]),
        ] as [(String, JSON)])
    func stringToJson(text: String, expected: JSON) throws {
        #expect(try evaluate("States.StringToJson($.v)", input: ["v": .string(text)]) == expected)
    }

    @Test func stringToJsonRejectsInvalidJSON() throws {
        #expect(try failure("States.StringToJson($.v)", input: ["v": "{nope"])?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.StringToJson($.v)", input: ["v": 1])?.name == StatesErrorName.intrinsicFailure)
        #expect(try evaluate(#"States.StringToJson('{"text":"A \\\\ backslash"}')"#) == ["text": "A \\ backslash"])
        // A JSON escape such as \" is not an intrinsic escape: AWS rejects it when the call runs.
        #expect(try failure(#"States.StringToJson('{"text":"An \"escaped\" quote"}')"#)?.name == StatesErrorName.intrinsicFailure)
    }

    @Test(
        arguments: [
            (JSON.null, "null"),
            (0, "0"),
            (true, "true"),
            ([1, 2, "HelloWorld"], #"[1,2,"HelloWorld"]"#),
            (["Arg1": 1, "Arg2": []], #"{"Arg1":1,"Arg2":[]}"#),
        ] as [(JSON, String)])
    func jsonToString(value: JSON, expected: String) throws {
        #expect(try evaluate("States.JsonToString($.v)", input: ["v": value]) == .string(expected))
    }

    @Test func jsonMergeIsShallowAndOrdersLikeAWS() throws {
        let merged = try evaluate(
            #"States.JsonMerge(States.StringToJson('{"constant_in_literal": "false"}'), $$.Execution.Input.input_field, false)"#,
            context: ["Execution": ["Input": ["input_field": ["constant_input_field": "constant_value"]]]]
        )
        #expect(merged.compactText == #"{"constant_input_field":"constant_value","constant_in_literal":"false"}"#)
        let input: JSON = ["a": ["x": 1, "n": ["p": 1]], "b": ["y": 2, "n": ["q": 2]]]
        #expect(try evaluate("States.JsonMerge($.a, $.b, false)", input: input) == ["x": 1, "y": 2, "n": ["q": 2]])
        #expect(
            try evaluate("States.JsonMerge($.j1, $.j2, false)", input: ["j1": ["a": 1, "b": 2], "j2": ["c": 3, "d": 4]])
                .compactText == #"{"a":1,"b":2,"c":3,"d":4}"#)
    }

    /// Key order of a java.util.HashMap filled with these keys, printed by a JVM.
    @Test func mergedKeysFollowJavaHashMapOrder() throws {
        let keys = ["zeta", "alpha", "Beta", "gamma", "x1", "x2", "delta", "épée", "k9", "kk", "a1", "b2", "c3", "d4"]
        var members = JSONObject()
        for key in keys { members[key] = 1 }
        let reordered = JavaHashMapOrder.reordered(members)
        #expect(
            Array(reordered.keys) == ["zeta", "kk", "delta", "épée", "k9", "Beta", "a1", "b2", "c3", "d4", "alpha", "x1", "x2", "gamma"])
    }

    @Test func jsonMergeRejectsDeepMergeAndNonObjects() throws {
        let input: JSON = ["a": ["x": 1], "b": ["y": 2]]
        #expect(try failure("States.JsonMerge($.a, $.b, true)", input: input)?.name == StatesErrorName.intrinsicFailure)
        #expect(
            try failure("States.JsonMerge($.a, $.b, false)", input: ["a": ["x": 1], "b": []])?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.JsonMerge($.a, $.b, 'false')", input: input)?.name == StatesErrorName.intrinsicFailure)
    }
}

@Suite struct IntrinsicMathTests {
    @Test(
        arguments: [
            (JSON.int(1), JSON.int(2), 3),
            (1.49, 1.5, 3),
            (1.5, 1.51, 4),
            (-1.49, -1.5, -2),
            (-1.5, -1.51, -3),
            (1.49, 0, 1),
            (1.5, 0, 2),
            (-1.49, 0, -1),
            (-1.5, 0, -1),
            (-1.51, 0, -2),
            (2.5, 0, 3),
            (3.5, 0, 4),
            (-0.5, 0.5, 1),
            (-2.5, 0, -2),
            (-3.5, 0, -3),
            (10, -1, 9),
        ] as [(JSON, JSON, Int)])
    func addRoundsEachAddendHalfUp(first: JSON, second: JSON, expected: Int) throws {
        #expect(try evaluate("States.MathAdd($.a, $.b)", input: ["a": first, "b": second]) == .int(expected))
    }

    @Test func addRejectsNonNumbersAndLargeValues() throws {
        #expect(try failure("States.MathAdd('1', 2)")?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.MathAdd(2147483648, 2)")?.name == StatesErrorName.intrinsicFailure)
        #expect(try evaluate("States.MathAdd(2147483647, 2147483647)") == 4_294_967_294)
        #expect(try evaluate("States.MathAdd($x, -1)", variables: ["x": 5]) == 4)
    }

    @Test func randomStaysInRange() throws {
        var state: UInt64 = 7
        let random: () -> UInt64 = {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
        for _ in 0..<200 {
            let value = try evaluate("States.MathRandom(-99999, -9999)", random: random).intValue ?? 0
            #expect((-99999 ..< -9999).contains(value))
        }
    }

    @Test func seededRandomIsDeterministic() throws {
        let first = try evaluate("States.MathRandom(0, 999, 3)", random: { 1 })
        let second = try evaluate("States.MathRandom(0, 999, 3)", random: { 99 })
        #expect(first == second)
        // java.util.Random(3).nextInt(999) is 239.
        #expect(first == 239)
        let otherSeed = try evaluate("States.MathRandom(0, 999, 4)")
        #expect(otherSeed != first)
    }

    @Test func randomRejectsBadBounds() throws {
        #expect(try failure("States.MathRandom(5, 5)")?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.MathRandom(5, 1)")?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.MathRandom('a', 1)")?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.MathRandom(1, 5, 'seed')")?.name == StatesErrorName.intrinsicFailure)
    }
}

@Suite struct IntrinsicStringTests {
    @Test(
        arguments: [
            (", , ,", ",", JSON.array([" ", " "])),
            ("1,2,3,4,5", ",", ["1", "2", "3", "4", "5"]),
            ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
            ("split on T and \nnew line", "T\n", ["split on ", " and ", "new line"]),
            ("", ",", []),
            ("abc", "", ["abc"]),
            (
                "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n", ",",
                ["Value1", "Value2", "Value3\nValue4", "Value5", "Value6\n", "\ntrue", "1", "'HelloWorld'\nNull", "None", "\n   \n"]
            ),
        ] as [(String, String, JSON)])
    func split(text: String, delimiters: String, expected: JSON) throws {
        #expect(try evaluate("States.StringSplit($.t, $.d)", input: ["t": .string(text), "d": .string(delimiters)]) == expected)
    }

    @Test(
        arguments: [
            (JSON.string(" "), "Formatting argument  ."),
            ("HelloWorld", "Formatting argument HelloWorld."),
            (1, "Formatting argument 1."),
            (1.1, "Formatting argument 1.1."),
            (nil, "Formatting argument null."),
            (true, "Formatting argument true."),
            ([1, "a", [2]], "Formatting argument [1, a, [2]]."),
        ] as [(JSON, String)])
    func formatOneValue(value: JSON, expected: String) throws {
        #expect(try evaluate("States.Format('Formatting argument {}.', $.v)", input: ["v": value]) == .string(expected))
    }

    @Test func formatPrintsObjectsLikeJavaMaps() throws {
        let context: JSON = ["StateMachine": ["Id": "arn:aws:states:us-east-1:1:stateMachine:M", "Name": "M"], "Execution": ["Name": "E"]]
        #expect(
            try evaluate(
                "States.Format('fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)", context: context
            ) == "fst=E and snd={Id=arn:aws:states:us-east-1:1:stateMachine:M, Name=M}.")
    }

    @Test func formatTemplateFromPath() throws {
        let input: JSON = ["t": "It's {}!", "v": "Pikachu"]
        #expect(try evaluate("States.Format($.t, $.v)", input: input) == "It's Pikachu!")
        #expect(
            try evaluate("States.Format('Hello {}, welcome to {}!', $name, $place)", variables: ["name": "Ann", "place": "Oz"])
                == "Hello Ann, welcome to Oz!")
    }

    @Test func formatRequiresMatchingPlaceholderCount() throws {
        #expect(try failure("States.Format('{} {}', 1)")?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.Format('{}', 1, 2)")?.name == StatesErrorName.intrinsicFailure)
        #expect(try failure("States.Format(1)")?.name == StatesErrorName.intrinsicFailure)
        #expect(try evaluate("States.Format('none')") == "none")
    }

    @Test func uuidIsVersion4() throws {
        var counter: UInt64 = 0
        let random: () -> UInt64 = {
            counter &+= 0x9E37_79B9_7F4A_7C15
            return counter
        }
        let first = try evaluate("States.UUID()", random: random).stringValue ?? ""
        let second = try evaluate("States.UUID()", random: random).stringValue ?? ""
        #expect(first != second)
        let parts = first.split(separator: "-").map(\.count)
        #expect(parts == [8, 4, 4, 4, 12])
        #expect(Array(first)[14] == "4")
        #expect("89ab".contains(Array(first)[19]))
        #expect(first == first.lowercased())
    }
}

@Suite struct IntrinsicPathTests {
    @Test func readsInputContextAndVariables() throws {
        let context: JSON = ["Execution": ["Input": ["FunctionInput": "a,b"]]]
        #expect(try evaluate("States.StringSplit($$.Execution.Input.FunctionInput, ',')", context: context) == ["a", "b"])
        #expect(
            try evaluate(
                "States.MathAdd(States.MathAdd(States.MathAdd($y, $x), $z), $bias)",
                variables: ["x": 1, "y": 2, "z": 3, "bias": 4]) == 10)
        #expect(try evaluate("States.JsonToString($)", input: ["a": 1]) == #"{"a":1}"#)
    }

    @Test func jsonPathFeaturesInsideArguments() throws {
        let input: JSON = ["items": [["id": 1, "tag": "x, y"], ["id": 2, "tag": "z"]]]
        #expect(try evaluate("States.ArrayLength($.items[*].id)", input: input) == 2)
        #expect(try evaluate("States.Array($.items[?(@.tag == 'x, y')].id, 3)", input: input) == [[1], 3])
        #expect(try evaluate("States.JsonToString($list[1].name)", variables: ["list": [["name": "a"], ["name": "b"]]]) == "\"b\"")
    }

    @Test func missingPathFailsWithAWSMessage() throws {
        let call = try IntrinsicFunctionCall(parsing: "States.Format('{}', $.missing)")
        do {
            _ = try call.evaluate(ExpressionScope(input: ["a": 1]), field: "value.$")
            Issue.record("expected a failure")
        } catch {
            #expect(error.name == StatesErrorName.runtime)
            #expect(error.cause == "The JSONPath '$.missing' specified for the field 'value.$' could not be found in the input '{\"a\":1}'")
        }
    }
}
