import SFNJSON
import SFNJSONata
import Testing

@Suite("Standard library")
struct FunctionTests {
    static let stringCases: [Case] = [
        Case("$string(5)", #""5""#), Case("$string('x')", #""x""#), Case("$string(true)", #""true""#),
        Case("$string(null)", #""null""#), Case("$string([1,'a'])", #""[1,\"a\"]""#),
        Case("$string({'a': [1, 2]})", #""{\"a\":[1,2]}""#), Case("$string({'a': 1}, true)", #""{\n  \"a\": 1\n}""#),
        Case("$string(1/3)", #""0.333333333333333""#), Case("$string(1e21)", #""1e+21""#), Case("$string(1e-7)", #""1e-7""#),
        Case("$string(123456789012)", #""123456789012""#), Case("$string(Nothing)", "undefined"),
        Case("$string(function(){1})", #""""#), Case("Age.$string()", #""28""#),
        Case("$length('Hello')", "5"), Case("$length('')", "0"), Case("$length('日本語')", "3"), Case("Surname.$length()", "5"),
        Case("$substring('Hello World', 3)", #""lo World""#), Case("$substring('Hello World', 3, 5)", #""lo Wo""#),
        Case("$substring('Hello World', -4)", #""orld""#), Case("$substring('Hello World', -4, 2)", #""or""#),
        Case("$substring('Hello', 1, 0)", #""""#), Case("$substring('Hello', 10)", #""""#), Case("$substring('Hello', -10, 2)", #""He""#),
        Case("$substringBefore('Hello World', ' ')", #""Hello""#), Case("$substringBefore('Hello', 'z')", #""Hello""#),
        Case("$substringAfter('Hello World', ' ')", #""World""#), Case("$substringAfter('Hello', 'z')", #""Hello""#),
        Case("$uppercase('Hello')", #""HELLO""#), Case("$lowercase('Hello')", #""hello""#), Case("$uppercase(Nothing)", "undefined"),
        Case("$trim('  Hello \n  World  ')", #""Hello World""#), Case("$trim('')", #""""#),
        Case("$pad('foo', 5)", #""foo  ""#), Case("$pad('foo', -5)", #""  foo""#), Case("$pad('foo', -5, '#')", ###""##foo""###),
        Case("$pad('5', 3, 'ab')", #""5ab""#), Case("$pad('abcdef', 3)", #""abcdef""#),
        Case("$contains('abracadabra', 'bra')", "true"), Case("$contains('abracadabra', 'xyz')", "false"),
        Case("$split('so many words', ' ')", #"["so","many","words"]"#), Case("$split('so many words', ' ', 2)", #"["so","many"]"#),
        Case("$split('abc', '')", #"["a","b","c"]"#), Case("$split('a,b', ';')", #"["a,b"]"#),
        Case("$join(['a','b','c'])", #""abc""#), Case("$join(['a','b','c'], ', ')", #""a, b, c""#), Case("$join('a', '-')", #""a""#),
        Case("$replace('John Smith and John Jones', 'John', 'Mr')", #""Mr Smith and Mr Jones""#),
        Case("$replace('John Smith and John Jones', 'John', 'Mr', 1)", #""Mr Smith and John Jones""#),
        Case("$replace('abracadabra', /a.*?a/, '*')", #""*c*bra""#),
        Case("$replace('John Smith', /(\\w+)\\s(\\w+)/, '$2, $1')", #""Smith, John""#),
        Case("$replace('265USD', /([0-9]+)USD/, '$$$1')", #""$265""#),
        Case("$replace('abc', /b/, function($m){ $uppercase($m.match) })", #""aBc""#),
        Case("$base64encode('myuser:mypass')", #""bXl1c2VyOm15cGFzcw==""#),
        Case("$base64decode('bXl1c2VyOm15cGFzcw==')", #""myuser:mypass""#),
        Case("$encodeUrlComponent('?x=test')", #""%3Fx%3Dtest""#),
        Case("$encodeUrl('https://mozilla.org/?x=шеллы')", #""https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B""#),
        Case("$decodeUrlComponent('%3Fx%3Dtest')", #""?x=test""#),
        Case("$decodeUrl('https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B')", #""https://mozilla.org/?x=шеллы""#),
        Case("$eval('[1,2,3]')", "[1,2,3]"), Case("$eval('$ + 1', 5)", "6"), Case("$eval('Age')", "28"),
    ]

    @Test(arguments: stringCases)
    func strings(_ testCase: Case) {
        #expect(run(testCase.expression) == testCase.expected)
    }

    static let numericCases: [Case] = [
        Case("$number('5')", "5"), Case("$number('-0.05')", "-0.05"), Case("$number('1e2')", "100"),
        Case("$number(true)", "1"), Case("$number(false)", "0"), Case("$number(7)", "7"), Case("$number('0x1F')", "31"),
        Case("$number(Nothing)", "undefined"),
        Case("$abs(-5)", "5"), Case("$abs(5)", "5"), Case("$floor(5.8)", "5"), Case("$floor(-5.3)", "-6"),
        Case("$ceil(5.3)", "6"), Case("$ceil(-5.8)", "-5"),
        Case("$round(123.456)", "123"), Case("$round(123.456, 2)", "123.46"), Case("$round(123.456, -1)", "120"),
        Case("$round(123.456, -2)", "100"), Case("$round(11.5)", "12"), Case("$round(12.5)", "12"), Case("$round(-0.5)", "0"),
        Case("$round(125, -1)", "120"), Case("$round(2.675, 2)", "2.68"), Case("$round(0.125, 2)", "0.12"),
        Case("$power(2, 8)", "256"), Case("$power(2, 0.5)", "1.4142135623730951"), Case("$power(2, -2)", "0.25"),
        Case("$sqrt(4)", "2"), Case("$sqrt(2)", "1.4142135623730951"), Case("$random()", "0.5"),
        Case("$sum([5,1,3,7,4])", "20"), Case("$sum([])", "0"), Case("$sum(5)", "5"),
        Case("$max([5,1,3,7,4])", "7"), Case("$max([])", "undefined"), Case("$min([5,1,3,7,4])", "1"),
        Case("$average([5,1,3,7,4])", "4"), Case("$average([])", "undefined"),
        Case("$formatBase(100, 2)", #""1100100""#), Case("$formatBase(2555, 16)", #""9fb""#), Case("$formatBase(10)", #""10""#),
    ]

    @Test(arguments: numericCases)
    func numbers(_ testCase: Case) {
        #expect(run(testCase.expression) == testCase.expected)
    }

    static let logicAndArrayCases: [Case] = [
        Case("$boolean('')", "false"), Case("$boolean('0')", "true"), Case("$boolean(0)", "false"), Case("$boolean(1)", "true"),
        Case("$boolean([])", "false"), Case("$boolean([0])", "false"), Case("$boolean([0, 1])", "true"),
        Case("$boolean({})", "false"), Case("$boolean({'a':1})", "true"), Case("$boolean(null)", "false"),
        Case("$boolean(function(){1})", "false"), Case("$boolean(Nothing)", "undefined"),
        Case("$not(true)", "false"), Case("$not('')", "true"), Case("$not(Nothing)", "undefined"),
        Case("$exists(Age)", "true"), Case("$exists(Nothing)", "false"), Case("$exists(null)", "true"),
        Case("$count([1,2,3,1])", "4"), Case("$count([])", "0"), Case("$count(Nothing)", "0"), Case("$count('a')", "1"),
        Case("$append([1,2], [3,4])", "[1,2,3,4]"), Case("$append(1, 2)", "[1,2]"), Case("$append([1], [])", "[1]"),
        Case("$append(Nothing, [1])", "[1]"), Case("$append([1], Nothing)", "[1]"),
        Case("$sort([3,1,2])", "[1,2,3]"), Case("$sort(['b','a','C'])", #"["C","a","b"]"#),
        Case("$sort(Phone, function($l, $r){ $l.number > $r.number }).type", #"["office","office","home","mobile"]"#),
        Case("$reverse([1,2,3])", "[3,2,1]"), Case("$reverse([])", "[]"),
        Case("$count($shuffle([1,2,3,4]))", "4"), Case("$sort($shuffle([3,1,2]))", "[1,2,3]"),
        Case("$distinct([1,2,2,3,1])", "[1,2,3]"), Case("$distinct(Phone.type)", #"["home","office","mobile"]"#),
        Case("$distinct([{'a':1},{'a':1}])", #"[{"a":1}]"#),
        Case("$zip([1,2,3],[4,5,6])", "[[1,4],[2,5],[3,6]]"), Case("$zip([1,2,3],[4,5],[7,8,9])", "[[1,4,7],[2,5,8]]"),
        Case("$zip([1])", "[[1]]"),
        Case("$keys(Address)", #"["Street","City","Postcode"]"#), Case("$keys(Phone)", #"["type","number"]"#),
        Case("$keys({'a':1})", #""a""#), Case("$lookup(Address, 'City')", #""Winchester""#),
        Case("$lookup(Phone, 'type')", #"["home","office","office","mobile"]"#),
        Case("$spread({'a':1,'b':2})", #"[{"a":1},{"b":2}]"#), Case("$spread(5)", "5"),
        Case("$merge([{'a':1},{'b':2},{'a':3}])", #"{"a":3,"b":2}"#),
        Case("$each(Address, function($v, $k){ $k & '=' & $v })", #"["Street=Hursley Park","City=Winchester","Postcode=SO21 2JN"]"#),
        Case("$sift(Address, function($v, $k){ $k ~> $contains('o') })", #"{"Postcode":"SO21 2JN"}"#),
        Case("$sift(Address, function($v){ false })", "undefined"),
        Case("$type('a')", #""string""#), Case("$type(1)", #""number""#), Case("$type(null)", #""null""#),
        Case("$type([])", #""array""#), Case("$type({})", #""object""#), Case("$type(true)", #""boolean""#),
        Case("$type(Nothing)", "undefined"),
        Case("$map([1,2,3], function($v){ $v * 2 })", "[2,4,6]"), Case("$map([1], function($v){ $v })", "1"),
        Case("$map(Phone, function($p){ $p.type })", #"["home","office","office","mobile"]"#),
        Case("$map([1,2], $string)", #"["1","2"]"#),
        Case("$filter([1,2,3,4], function($v){ $v % 2 = 0 })", "[2,4]"),
        Case("$filter(Phone, function($p, $i){ $i < 2 }).type", #"["home","office"]"#),
        Case("$single([1,2,3], function($v){ $v = 2 })", "2"), Case("$single([7])", "7"),
        Case("$reduce([1,2,3,4], function($a, $v){ $a + $v })", "10"),
        Case("$reduce([1,2,3,4], function($a, $v){ $a + $v }, 10)", "20"),
        Case("$reduce([], function($a, $v){ $a + $v })", "undefined"),
        Case("$reduce([1,2,3], function($a, $v, $i){ $a + $i })", "4"),
        Case("$clone({'a': [1]})", #"{"a":[1]}"#),
        Case("$assert(true, 'fine')", "undefined"),
    ]

    @Test(arguments: logicAndArrayCases)
    func logicAndCollections(_ testCase: Case) {
        #expect(run(testCase.expression) == testCase.expected)
    }

    @Test func hostFunctionsAreCallable() {
        var environment = JSONataEnvironment(now: { 0 }, random: { 0 })
        environment.functions["double"] = JSONataHostFunction { arguments in
            .int((arguments.first??.intValue ?? 0) * 2)
        }
        environment.functions["fail"] = JSONataHostFunction { _ throws(JSONataError) in
            throw JSONataError(code: "X0001", position: 0, message: "host said no")
        }
        #expect(run("$double(21)", environment: environment) == "42")
        #expect(run("[1,2].$double($)", environment: environment) == "[2,4]")
        let error = try? #require(throws: JSONataError.self) {
            try JSONataExpression("$fail()").evaluate(nil, environment: environment)
        }
        #expect(error?.description == "X0001: host said no")
    }

    @Test func stepFunctionsAdditions() {
        let functions = JSONataEnvironment.stepFunctionsFunctions(
            random: { 0.25 }, uuid: { "00000000-0000-4000-8000-000000000000" },
            hash: { value, algorithm in algorithm == "SHA-256" ? "digest-of-\(value)" : nil })
        let environment = JSONataEnvironment(now: { 0 }, random: { 0.5 }, functions: functions)
        #expect(run("$partition([0,1,2,3], 2)", environment: environment) == "[[0,1],[2,3]]")
        #expect(run("$partition([0], 4)", environment: environment) == "[[0]]")
        #expect(run("$range(0, 10, 3)", environment: environment) == "[0,3,6,9]")
        #expect(run("$range(1, 9, 9)", environment: environment) == "1")
        #expect(run("$range(5, 1, -2)", environment: environment) == "[5,3,1]")
        #expect(run("$hash('x', 'SHA-256')", environment: environment) == #""digest-of-x""#)
        #expect(run("$random()", environment: environment) == "0.25")
        let seeded = run("$random(42)", environment: environment)
        #expect(seeded == run("$random(42)", environment: environment))
        #expect(seeded != run("$random(43)", environment: environment))
        #expect(run("$uuid()", environment: environment) == #""00000000-0000-4000-8000-000000000000""#)
        #expect(run("$parse('{\"a\": [1, 2]}')", environment: environment) == #"{"a":[1,2]}"#)
        #expect(run("$parse('-0')", environment: environment) == "0")
        #expect(run("$randomSeeded(1)", environment: environment) == "ERROR T1006")
        let error = failure("$randomSeeded($states.input.x)")
        #expect(error?.description == "T1006: Attempted to invoke a non-function")
    }
}
