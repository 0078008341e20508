import SFNJSON
import Testing

@testable import SFNLanguage

/// The store document from the JsonPath documentation, used by most queries below.
private let store = try! JSON(
    parsing: """
        {
          "store": {
            "book": [
              {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
              {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
              {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
              {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 19.95}
          },
          "expensive": 10
        }
        """)

private func json(_ text: String) -> JSON {
    do { return try JSON(parsing: text) } catch {
        Issue.record("bad test JSON \(text)")
        return .null
    }
}

private func query(_ path: String, _ document: JSON = store) throws -> JSON? {
    try JSONPath(path).query(document)
}

@Suite struct JSONPathQueryTests {
    @Test(arguments: [
        ("$.store.book[*].author", #"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#),
        ("$..author", #"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#),
        ("$.store.*", ""),
        ("$.store..price", "[8.95,12.99,8.99,22.99,19.95]"),
        ("$..book[2].title", #"["Moby Dick"]"#),
        ("$..book[-2].title", #"["Moby Dick"]"#),
        ("$..book[0,1].title", #"["Sayings of the Century","Sword of Honour"]"#),
        ("$..book[:2].title", #"["Sayings of the Century","Sword of Honour"]"#),
        ("$..book[1:2].title", #"["Sword of Honour"]"#),
        ("$..book[-2:].title", #"["Moby Dick","The Lord of the Rings"]"#),
        ("$..book[2:].title", #"["Moby Dick","The Lord of the Rings"]"#),
        ("$..[?(@.price < 10)].title", #"["Sayings of the Century","Moby Dick"]"#),
        ("$..book[?(@.isbn)].title", #"["Moby Dick","The Lord of the Rings"]"#),
        ("$.store.book[?(@.price < 10)].title", #"["Sayings of the Century","Moby Dick"]"#),
        ("$..book[?(@.price <= $['expensive'])].title", #"["Sayings of the Century","Moby Dick"]"#),
        ("$..book[?(@.author =~ /.*REES/i)].title", #"["Sayings of the Century"]"#),
        ("$..book[?(@.author =~ /Rees/)].title", "[]"),
        ("$.store.book[?(@.price < 10 && @.category == 'fiction')].title", #"["Moby Dick"]"#),
        ("$.store.book[?(@.price > 20 || @.category == 'reference')].title", #"["Sayings of the Century","The Lord of the Rings"]"#),
        ("$.store.book[?(!(@.price < 10))].title", #"["Sword of Honour","The Lord of the Rings"]"#),
        ("$.store.book[?(!@.isbn)].title", #"["Sayings of the Century","Sword of Honour"]"#),
        ("$.store.book[?(@.category in ['reference', 'none'])].title", #"["Sayings of the Century"]"#),
        ("$.store.book[?(@.category nin ['fiction'])].title", #"["Sayings of the Century"]"#),
        ("$.store.book[?(@.category != \"fiction\")].title", #"["Sayings of the Century"]"#),
        ("$.store.book[?(@.price >= 12.99)].price", "[12.99,22.99]"),
        ("$.store['bicycle','missing']", #"{"bicycle":{"color":"red","price":19.95}}"#),
        ("$['store']['bicycle']['color']", #""red""#),
        ("$[\"store\"].bicycle.color", #""red""#),
        ("$.store.book.length()", "4"),
        ("$.store.book[0]", #"{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95}"#),
        ("$.store.book[-1].author", #""J. R. R. Tolkien""#),
        ("$.expensive", "10"),
    ])
    func storeQueries(path: String, expected: String) throws {
        let result = try query(path)
        if path == "$.store.*" {
            // Member order: the book array then the bicycle object.
            #expect(result?.arrayValue?.count == 2)
            #expect(result?[1]?["color"] == "red")
            return
        }
        #expect(result == json(expected), "\(path)")
    }

    @Test func wholeDocumentAndDefiniteness() throws {
        #expect(try query("$") == store)
        #expect(try JSONPath("$").isDefinite)
        #expect(try JSONPath("$.a['b'][0]").isDefinite)
        #expect(try JSONPath("$.a['b','c']").isDefinite)
        for indefinite in ["$.a[*]", "$..a", "$.a[0,1]", "$.a[1:]", "$.a[?(@.x)]", "$.*", "$['a','b'].c"] {
            #expect(try JSONPath(indefinite).isDefinite == false, "\(indefinite)")
        }
    }

    @Test func missingDefinitePathsGiveNilAndJaywaysReason() throws {
        #expect(try query("$.store.nothing") == nil)
        #expect(try query("$.store.book[10]") == nil)
        let path = try JSONPath("$.NoSuchInputPath")
        #expect(path.evaluate(store) == .failure(JSONPathMiss("No results for path: $['NoSuchInputPath']")))
        #expect(try JSONPath("$.a.b").evaluate(json("{}")) == .failure(JSONPathMiss("Missing property in path $['a']")))
        #expect(
            try JSONPath("$.items[10]").evaluate(json(#"{"items":[1]}"#)) == .failure(JSONPathMiss("No results for path: $['items'][10]")))
        #expect(try JSONPath("$.a[0]").evaluate(json(#"{"a":null}"#)) == .failure(JSONPathMiss("The path $['a'] is null")))
        let notObject = try JSONPath("$.a.b").evaluate(json(#"{"a":"text"}"#))
        guard case .failure(let miss) = notObject else {
            Issue.record("expected a miss")
            return
        }
        #expect(miss.message.hasPrefix("Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.String'"))
    }

    @Test func indefinitePathsOnMissingDataGiveEmptyArrays() throws {
        let empty = json("{}")
        for path in ["$[*]", "$.item.items[*]", "$.items[1:]", "$.items[:1]", "$.items[1:5].itemValue", "$..x", "$.a[?(@.b)]"] {
            #expect(try query(path, empty) == .emptyArray, "\(path)")
        }
    }

    @Test func awsRecordedFilterOnUsers() throws {
        let input = json(#"{"users":[{"year":1997,"status":0},{"year":1998,"status":1}]}"#)
        #expect(try query("$.users[?(@.status == 0)]", input) == json(#"[{"year":1997,"status":0}]"#))
    }

    @Test func quotedNamesAreTakenVerbatim() throws {
        // Recorded on AWS: a backslash inside brackets only protects the next character.
        let key = #"Test\""Name""#
        let input = JSON.object([key: "Value\"\\"])
        #expect(try query(#"$['Test\""Name"']"#, input) == "Value\"\\")
        #expect(try query("$['a b']", json(#"{"a b":1}"#)) == 1)
        #expect(try query("$['a.b']", json(#"{"a.b":2}"#)) == 2)
        #expect(try query("$.sub-values", json(#"{"sub-values":[1]}"#)) == [1])
    }

    @Test(arguments: [
        ("$[1:3]", "[1,2]"), ("$[-2:]", "[4,5]"), ("$[:-3]", "[0,1,2]"), ("$[1:-1]", "[]"),
        ("$[-3:-1]", "[3,4]"), ("$[4:100]", "[4,5]"), ("$[7:]", "[]"), ("$[0:4:2]", "[0,1,2,3]"),
        ("$[-1]", "5"), ("$[-6]", "0"), ("$[0, -1]", "[0,5]"), ("$[9]", "null"),
    ])
    func arraySlicesAndIndexes(path: String, expected: String) throws {
        let numbers = json("[0,1,2,3,4,5]")
        let result = try query(path, numbers)
        if expected == "null" { #expect(result == nil) } else { #expect(result == json(expected), "\(path)") }
    }

    @Test func aHugeNegativeSliceStartCostsNoMoreThanTheArray() throws {
        // Positions before -count select nothing; the walk starts at -count, not at -9e18.
        let numbers = json("[0,1,2,3,4,5]")
        #expect(try query("$[-9000000000000000000:2]", numbers) == query("$[-6:2]", numbers))
        #expect(try query("$[-9223372036854775808:9223372036854775807]", numbers) == query("$[-6:6]", numbers))
    }

    @Test func recursiveDescentOrder() throws {
        let document = json(#"{"a":{"b":1,"c":{"b":2}},"b":3,"d":[{"b":4}]}"#)
        #expect(try query("$..b", document) == json("[3,1,2,4]"))
        #expect(try query("$..*", json(#"{"a":{"b":1},"c":2}"#)) == json(#"[{"b":1},2,1]"#))
        #expect(try query("$..[0]", json(#"{"x":[1,[2]]}"#)) == json("[1,2]"))
    }

    @Test func filterLiteralsAndOperators() throws {
        let items = json(#"[{"n":1,"s":"1","t":["a","b"],"f":true,"z":null},{"n":2,"s":"x","t":[],"f":false}]"#)
        #expect(try query("$[?(@.n == '1')].n", items) == [1])
        #expect(try query("$[?(@.s == 1)].n", items) == [1])
        #expect(try query("$[?(@.f == true)].n", items) == [1])
        #expect(try query("$[?(@.z == null)].n", items) == [1])
        #expect(try query("$[?(@.z)].n", items) == [1])
        #expect(try query("$[?(@.t contains 'b')].n", items) == [1])
        #expect(try query("$[?(@.t size 2)].n", items) == [1])
        #expect(try query("$[?(@.t empty true)].n", items) == [2])
        #expect(try query("$[?(@.t subsetof ['a','b','c'])].n", items) == [1, 2])
        #expect(try query("$[?(@.t anyof ['b'])].n", items) == [1])
        #expect(try query("$[?(@.t noneof ['b'])].n", items) == [2])
        #expect(try query("$[?(@.n > 1.5)].n", items) == [2])
        #expect(try query("$[?(@.s > 'a')].n", items) == [2])
        #expect(try query("$[?(@.missing != 'x')].n", items) == [1, 2])
        #expect(try query("$[?(@.t == ['a','b'])].n", items) == [1])
        #expect(try query("$[?(@.s =~ /\\d+/)].n", items) == [1])
        #expect(try query("$[?(@.s == 'it\\'s')].n", json(#"[{"s":"it's","n":7}]"#)) == [7])
    }

    @Test func functions() throws {
        let document = json(#"{"n":[1,2,3,4],"o":{"a":1,"b":2},"e":[]}"#)
        #expect(try query("$.n.length()", document) == 4)
        #expect(try query("$.o.length()", document) == 2)
        #expect(try query("$.n.sum()", document) == 10.0)
        #expect(try query("$.n.avg()", document) == 2.5)
        #expect(try query("$.n.min()", document) == 1.0)
        #expect(try query("$.n.max()", document) == 4.0)
        #expect(try query("$.o.keys()", document) == ["a", "b"])
        #expect(try query("$.n.first()", document) == 1)
        #expect(try query("$.n.last()", document) == 4)
        #expect(try query("$.e.max()", document) == nil)
        #expect(try query("$.missing.length()", document) == nil)
    }

    @Test func normalizedText() throws {
        #expect(try JSONPath("$.a.b[0]").normalizedText == "$['a']['b'][0]")
        #expect(try JSONPath("$..a[*]").normalizedText == "$..['a'][*]")
        #expect(try JSONPath("$['x','y'][1:3]").normalizedText == "$['x','y'][1:3]")
        #expect(try JSONPath("$.a[?(@.b)]").normalizedText == "$['a'][?]")
    }

    @Test(arguments: [
        "", "a", "$.", "$..", "$.a.", "$[", "$['a'", "$[abc]", "$.a b", "$[::2]", "$.a.nofunc()",
        "$[?(@.a ==)]", "$[?(@.a <> 1)]", "$.a.length().b", "$[?(@.a =~ /[/)]",
    ])
    func syntaxErrors(text: String) {
        #expect(throws: ExpressionSyntaxError.self) { try JSONPath(text) }
    }
}

@Suite struct PathExpressionTests {
    private let scope = ExpressionScope(
        input: ["a": ["b": 1], "list": [10, 20]],
        context: ["Execution": ["Id": "exec-1"]],
        variable: { name in
            switch name {
            case "order": ["items": [["sku": "x"], ["sku": "y"]], "total": 3]
            case "flag": false
            default: nil
            }
        })

    @Test(arguments: [
        ("$", #"{"a":{"b":1},"list":[10,20]}"#),
        ("$.a.b", "1"),
        ("$.list[1]", "20"),
        ("$$", #"{"Execution":{"Id":"exec-1"}}"#),
        ("$$.Execution.Id", #""exec-1""#),
        ("$order.total", "3"),
        ("$order.items[1].sku", #""y""#),
        ("$order.items[*].sku", #"["x","y"]"#),
        ("$order['total']", "3"),
        ("$flag", "false"),
    ])
    func evaluates(text: String, expected: String) throws {
        let expression = try PathExpression(text)
        #expect(expression.evaluate(scope) == json(expected), "\(text)")
    }

    @Test func kinds() throws {
        #expect(try PathExpression("$.x").kind == .input)
        #expect(try PathExpression("$$.x").kind == .context)
        #expect(try PathExpression("$my_var1.x").kind == .variable("my_var1"))
        #expect(try PathExpression("$my_var1").path.isRoot)
    }

    @Test func misses() throws {
        #expect(try PathExpression("$.nope").evaluateExplained(scope) == .failure(.noMatch(JSONPathMiss("No results for path: $['nope']"))))
        #expect(try PathExpression("$undefined.x").evaluateExplained(scope) == .failure(.undefinedVariable("undefined")))
        #expect(try PathExpression("$order.none").evaluate(scope) == nil)
    }

    @Test(arguments: ["", "x", "$$.", "$a-b", "$.a b", "$x[", "$$[?("])
    func syntaxErrors(text: String) {
        #expect(throws: ExpressionSyntaxError.self) { try PathExpression(text) }
    }
}

@Suite struct PathExpressionCauseTests {
    @Test func invalidPathCauseMatchesAWS() throws {
        let expression = try PathExpression("$.NoSuchInputPath")
        guard case .failure(let miss) = expression.evaluateExplained(ExpressionScope(input: ["a": 1])) else {
            Issue.record("expected a miss")
            return
        }
        #expect(miss.invalidPathCause(for: expression) == "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']")
    }

    @Test func templateFieldCauseMatchesAWS() throws {
        let cause = PathExpressionMiss.templateFieldCause(
            path: try PathExpression("$.application.address"), field: "address.$", input: ["flagged": false])
        #expect(
            cause
                == #"The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{"flagged":false}'"#
        )
    }
}

@Suite struct LeadingPathTests {
    @Test(arguments: [
        ("$.a, 'x')", "$.a"),
        ("$$.Execution.Id)", "$$.Execution.Id"),
        ("$var[0] ,", "$var[0]"),
        ("$['a, b'].c)", "$['a, b'].c"),
        ("$.list[?(@.x == 'p, q)')].y, 1)", "$.list[?(@.x == 'p, q)')].y"),
        ("$", "$"),
    ])
    func readsUpToTheArgumentEnd(text: String, expected: String) throws {
        let (expression, length) = try PathExpression.leadingPath(in: Substring(text))
        #expect(expression.text == expected)
        #expect(length == expected.count)
    }
}
