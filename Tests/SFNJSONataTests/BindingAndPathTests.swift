import SFNJSON
import SFNJSONata
import Testing

/// Host bindings and simple field paths: the shapes Step Functions evaluates most, which the
/// engine serves from the JSON directly. These pin down that the quick routes agree with the
/// general evaluation in every corner they touch.
@Suite("Bindings and field paths")
struct BindingAndPathTests {
    static let states: JSON = {
        let text = """
            {
              "input": {
                "order": { "id": 17, "total": 12.5, "customer": { "name": "Ada", "tags": ["a", "b"] },
                           "items": [ { "sku": "A-1", "qty": 2 }, { "sku": "B-2", "qty": 1 } ],
                           "nested": [[1, 2], [3, 4]], "empty": [], "none": null, "flag": false },
                "list": [ { "v": 1 }, { "v": [2, 3] }, { "w": 4 } ]
              },
              "context": { "Execution": { "Name": "run-1" } }
            }
            """
        return (try? JSON(parsing: text)) ?? .null
    }()

    static let cases: [Case] = [
        Case("$states.input.order.id", "17"),
        Case("$states.input.order.total", "12.5"),
        Case("$states.input.order.customer.name", #""Ada""#),
        Case("$states.input.order.customer", #"{"name":"Ada","tags":["a","b"]}"#),
        Case("$states.input.order.customer.tags", #"["a","b"]"#),
        Case("$states.input.order.customer.tags[1]", #""b""#),
        Case("$states.input.order.customer.tags[-1]", #""b""#),
        Case("$states.input.order.customer.tags[5]", "undefined"),
        Case("$states.input.order.items[0].sku", #""A-1""#),
        Case("$states.input.order.items[1].sku", #""B-2""#),
        Case("$states.input.order.items[-2].qty", "2"),
        Case("$states.input.order.items[2].sku", "undefined"),
        Case("$states.input.order.items[0.9].sku", #""A-1""#),
        Case("$states.input.order.items.sku", #"["A-1","B-2"]"#),
        Case("$states.input.order.items[0]", #"{"sku":"A-1","qty":2}"#),
        Case("$states.input.order.customer[0].name", #""Ada""#),
        Case("$states.input.order.customer[-1].name", #""Ada""#),
        Case("$states.input.order.customer[1].name", "undefined"),
        Case("$states.input.order.nested", "[[1,2],[3,4]]"),
        Case("$states.input.order.nested[0]", "[1,2]"),
        Case("$states.input.order.nested[1][0]", "3"),
        Case("$states.input.order.empty", "[]"),
        Case("$states.input.order.empty[0]", "undefined"),
        Case("$states.input.order.none", "null"),
        Case("$states.input.order.none.x", "undefined"),
        Case("$states.input.order.flag", "false"),
        Case("$states.input.order.id.x", "undefined"),
        Case("$states.input.order.missing", "undefined"),
        Case("$states.input.order.missing.deeper", "undefined"),
        Case("$states.input.list.v", "[1,2,3]"),
        Case("$states.input.list[1].v", "[2,3]"),
        Case("$states.input.list[1].v[0]", "2"),
        Case("$states.input.list.w", "4"),
        Case("$states.input.order.items[]", #"[{"sku":"A-1","qty":2},{"sku":"B-2","qty":1}]"#),
        Case("$states.input.order.id[]", "[17]"),
        Case("$states.input.order.items[0][]", #"[{"sku":"A-1","qty":2}]"#),
        Case("$states.input.order.customer.tags[0][]", #"["a"]"#),
        Case("$states.context.Execution.Name", #""run-1""#),
        Case("$states.input.`order`.id", "17"),
        Case("$states.input.order.(id)", "17"),
        Case("$states.input.order.items[qty > 1].sku", #""A-1""#),
        Case("$states.input.order.items[0].sku & '/' & $states.input.order.items[1].sku", #""A-1/B-2""#),
        Case("'order ' & $string($states.input.order.id) & ' for ' & $states.input.order.customer.name", #""order 17 for Ada""#),
        Case("$string($states.input.order.total)", #""12.5""#),
        Case("$string($states.input.order.customer)", #""{\"name\":\"Ada\",\"tags\":[\"a\",\"b\"]}""#),
        Case("$states.input.order = $states.input.order", "true"),
        Case("$count($states.input.order.items) + $states.input.order.items[1].qty", "3"),
        Case(
            "[$states.input.order.id, ($states := {'input': {'order': {'id': 9}}}; $states.input.order.id), $states.input.order.id]",
            "[17,9,17]"),
        Case("($copy := $states ~> |input.order|{'id': 1}|; [$copy.input.order.id, $states.input.order.id])", "[1,17]"),
        Case("$states.input.order.items ~> $map(function($item) { $item.sku })", #"["A-1","B-2"]"#),
        Case("$limit", "3"),
        Case("$limit.x", "undefined"),
        Case("$items[1]", "20"),
        Case("$items", "[10,20,30]"),
        Case("$items.x", "undefined"),
        Case("$sum($items) + $items[0]", "70"),
        Case("$missing.x", "undefined"),
        Case("$$.top", #""level""#),
        Case("$.top", #""level""#),
        Case("top", #""level""#),
        Case("$states.input.order.customer.name.$$.top", #""level""#),
    ]

    @Test(arguments: cases)
    func pathsThroughBindings(_ example: Case) {
        let bindings: [String: JSON] = ["states": Self.states, "limit": 3, "items": [10, 20, 30]]
        #expect(run(example.expression, ["top": "level"], bindings: bindings) == example.expected)
    }

    @Test func largeArraysReadRepeatedlyStayCorrect() {
        let big = JSON.array((0..<40).map { JSON.int($0) })
        let bindings: [String: JSON] = ["states": ["input": ["big": big, "rows": .array((0..<20).map { ["n": .int($0)] })]]]
        let doubled = (0..<40).map { String($0 * 2) }.joined(separator: ",")
        #expect(run("$map($states.input.big, function($v, $i) { $states.input.big[$i] * 2 })", nil, bindings: bindings) == "[\(doubled)]")
        #expect(run("$sum($states.input.rows.n) + $count($states.input.big) + $states.input.rows[19].n", nil, bindings: bindings) == "249")
        #expect(run("$states.input.big = $states.input.big", nil, bindings: bindings) == "true")
        #expect(run("$states.input.big[-1]", nil, bindings: bindings) == "39")
    }

    @Test(arguments: [
        Case(#"{"a": {"b": [1, 2]}}.a.b"#, "[1,2]"),
        Case(#"({"a": {"b": 5}}).a.b"#, "5"),
        Case(#"($o := {"a": {"b": 5}}; $o.a.b)"#, "5"),
        Case(#"($o := {"a": [{"b": 1}, {"b": 2}]}; $o.a.b)"#, "[1,2]"),
        Case(#"($o := {"a": [{"b": 1}, {"b": 2}]}; $o.a[1].b)"#, "2"),
        Case(#"(function($x) { $x.a.b })({"a": {"b": 2}})"#, "2"),
        Case(#"$map([{"a": {"b": 1}}, {"a": {"b": 2}}], function($x) { $x.a.b })"#, "[1,2]"),
        Case(#"Address.City"#, #""Winchester""#),
        Case(#"Phone.type"#, #"["home","office","office","mobile"]"#),
        Case(#"Phone[0].number"#, #""0203 544 1234""#),
        Case(#"Email.address[0]"#, #"["fred.smith@my-work.com","freddy@my-social.com"]"#),
        Case(#"Address.City.Nothing"#, "undefined"),
        Case(#"$ ~> |Address|{"City": "Paris"}| ~> $lookup("Address") ~> $lookup("City")"#, #""Paris""#),
        Case(#"($x := $ ~> |Address|{"City": "Paris"}|; [$x.Address.City, Address.City])"#, #"["Paris","Winchester"]"#),
        Case(#"FirstName()"#, "ERROR T1006"),
    ])
    func fieldPathsOnBuiltValues(_ example: Case) {
        #expect(run(example.expression) == example.expected)
    }

    @Test(arguments: [
        Case("$string(17)", #""17""#),
        Case("$string(-17)", #""-17""#),
        Case("$string(999999999999999)", #""999999999999999""#),
        Case("$string(1234567890123456)", #""1234567890123460""#),
        Case("$string(0.1 + 0.2)", #""0.3""#),
        Case("'n=' & 100000000000000000000", #""n=100000000000000000000""#),
        Case("'n=' & 12.0", #""n=12""#),
    ])
    func numbersInText(_ example: Case) {
        #expect(run(example.expression) == example.expected)
    }

    /// A whole expression that is a field path is answered without an evaluator; inside a
    /// block the same path goes through one. Both must give the same JSON.
    @Test(arguments: [
        "$states.n", "$states.whole", "$states.big", "$states.list", "$states.object", "$states.object.inner",
        "$states.text", "$states.none", "$states.flag", "$$.n", "$.n", "n", "$.object.list[1]", "$states.missing",
    ])
    func directAnswersMatchTheEvaluator(_ expression: String) {
        let document: JSON = [
            "n": .double(12.5), "whole": .double(12.0), "big": .int(9_007_199_254_740_993),
            "list": [.double(1.0), .int(2), ["x": .double(3.0)]],
            "object": ["inner": .double(4.0), "list": [.double(5.0), .double(6.0)]], "text": "t", "none": .null, "flag": true,
        ]
        let direct = run(expression, document, bindings: ["states": document])
        let evaluated = run("(\(expression))", document, bindings: ["states": document])
        #expect(direct == evaluated)
    }

    @Test(arguments: [
        Case("'a' & 'b' & Nothing & 1 & true & null", #""ab1truenull""#),
        Case("('a' & 'b')[0] & 'c'", #""abc""#),
        Case("'a' & ('b' & 'c') & 'd'", #""abcd""#),
        Case("'a' & (1/0) & 'b'", "ERROR D3001"),
        Case("(1/0) & 'a' & 'b'", "ERROR D3001"),
        Case("'a' & 'b' & $error('stop')", "ERROR D3137"),
        Case("FirstName & ' ' & Surname & ' (' & Age & ')'", #""Fred Smith (28)""#),
        Case("(Phone.(type & ':' & number))[1]", #""office:01962 001234""#),
    ])
    func concatenationChains(_ example: Case) {
        #expect(run(example.expression) == example.expected)
    }

    @Test func longConcatenationChains() {
        let terms = 300
        let expression = Array(repeating: "'x'", count: terms).joined(separator: " & ")
        #expect(run(expression) == "\"" + String(repeating: "x", count: terms) + "\"")
    }

    @Test func concatenationErrorsPointAtTheirOperator() {
        #expect(failure("'a' & 'b' & (1/0)")?.position == 11)
        #expect(failure("(1/0) & 'a' & 'b'")?.position == 7)
    }

    @Test func topLevelArrayInputThroughContext() {
        let input: JSON = [["a": 1], ["a": 2]]
        #expect(run("$.a", input) == "[1,2]")
        #expect(run("$[0].a", input) == "1")
        #expect(run("$$[1].a", input) == "2")
        #expect(run("a", input) == "[1,2]")
    }

    @Test func oneCompiledExpressionServesManyInputs() throws {
        let expression = try JSONataExpression("$states.input.order.customer.name")
        for name in ["Ada", "Grace", "Edsger"] {
            let bindings: [String: JSON] = ["states": ["input": ["order": ["customer": ["name": .string(name)]]]]]
            #expect(try expression.evaluate(nil, bindings: bindings) == .string(name))
        }
        #expect(try expression.evaluate(nil, bindings: ["states": ["input": "text"]]) == nil)
        #expect(try expression.evaluate(nil) == nil)
    }

    @Test func hostFunctionsShadowBuiltinsAndBindingsShadowBoth() {
        let environment = JSONataEnvironment(
            now: { 0 }, random: { 0.5 },
            functions: ["string": JSONataHostFunction { _ throws(JSONataError) in .string("host") }])
        #expect(run("$string(1)", nil, environment: environment) == #""host""#)
        #expect(run("$string(1)", nil) == #""1""#)
        #expect(run("$string = $string", nil) == "true")
        #expect(run("$string", nil, bindings: ["string": 5]) == "5")
        #expect(run("$string(1)", nil, bindings: ["string": 5]) == "ERROR T1006")
    }
}

@Suite struct HostileExpressionTests {
    @Test(arguments: [5_000, 50_000])
    func longOperatorChainsAreRefusedNotCrashed(terms: Int) {
        let source = Array(repeating: "'x'", count: terms).joined(separator: " & ")
        #expect(throws: JSONataError.self) { try JSONataExpression(source) }
    }

    @Test func deepParenthesesAreRefusedNotCrashed() {
        let source = String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000)
        #expect(throws: JSONataError.self) { try JSONataExpression(source) }
    }

    @Test func ordinaryChainsStillWork() throws {
        let source = Array(repeating: "'x'", count: 200).joined(separator: " & ")
        #expect(try JSONataExpression(source).evaluate(nil) == .string(String(repeating: "x", count: 200)))
    }
}
