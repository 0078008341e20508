import SFNJSON
import SFNJSONata
import Testing

@Suite("Errors")
struct ErrorTests {
    struct ErrorCase: CustomTestStringConvertible, Sendable {
        var expression: String
        var code: String
        var message: String?
        init(_ expression: String, _ code: String, _ message: String? = nil) {
            self.expression = expression
            self.code = code
            self.message = message
        }
        var testDescription: String { expression }
    }

    static let cases: [ErrorCase] = [
        // Syntax
        ErrorCase("'unterminated", "S0101", "String literal must be terminated by a matching quote"),
        ErrorCase("'bad \\q escape'", "S0103", "Unsupported escape sequence: \\q"),
        ErrorCase("'\\u12'", "S0104"),
        ErrorCase("`name", "S0105"),
        ErrorCase("/* open", "S0106", "Comment has no closing tag"),
        ErrorCase("1 +", "S0207", "Unexpected end of expression"),
        ErrorCase("(1; 2", "S0203", "Expected \")\" before end of expression"),
        ErrorCase("[1, 2}", "S0202", "Expected \"]\", got \"}\""),
        ErrorCase("Age 5", "S0201", "Syntax error: \"5\""),
        ErrorCase("function(x){1}", "S0208"),
        ErrorCase("5 := 3", "S0212", "The left side of := must be a variable name (start with $)"),
        ErrorCase("Phone@x", "S0214"),
        ErrorCase("Phone.5", "S0213", "The literal value 5 cannot be used as a step within a path expression"),
        ErrorCase("Phone[0]@$x", "S0215"),
        ErrorCase("Phone{'a':1}{'b':2}", "S0210"),
        ErrorCase("$x{'a':1}[0]", "S0209"),
        ErrorCase("$match('a', //)", "S0301"),
        ErrorCase("$match('a', /abc)", "S0302"),
        ErrorCase("%", "S0217"),
        ErrorCase("]", "S0211"),
        // Types
        ErrorCase("'a' + 1", "T2001", "The left side of the \"+\" operator must evaluate to a number"),
        ErrorCase("1 * 'a'", "T2002", "The right side of the \"*\" operator must evaluate to a number"),
        ErrorCase("Surname - 1", "T2001"),
        ErrorCase("[1..'a']", "T2004"),
        ErrorCase("[1.5..3]", "T2003"),
        ErrorCase("1 < 'a'", "T2009", "The values 1 and \"a\" either side of operator \"<\" must be of the same data type"),
        ErrorCase("Address > 1", "T2010"),
        ErrorCase("-'a'", "D1002", "Cannot negate a non-numeric value: \"a\""),
        ErrorCase("{1: 2}", "T1003", "Key in object structure must evaluate to a string; got: 1"),
        ErrorCase("Phone{type: 1, 'home': 2}", "D1009"),
        ErrorCase("$randomSeeded(1)", "T1006", "Attempted to invoke a non-function"),
        ErrorCase("Age(1)", "T1006"),
        ErrorCase("$nothing(?)", "T1008"),
        ErrorCase("uppercase('a')", "T1005", "Attempted to invoke a non-function. Did you mean $uppercase?"),
        ErrorCase("5 ~> 6", "T2006"),
        ErrorCase("Phone^(type = 'home')", "T2008"),
        ErrorCase("[{'a':1},{'a':'x'}]^(a)", "T2007"),
        ErrorCase("$ ~> |Address|5|", "T2011"),
        ErrorCase("$ ~> |Address|{}, 5|", "T2012"),
        // Function arguments
        ErrorCase("$uppercase(5)", "T0410", "Argument 1 of function \"uppercase\" does not match function signature"),
        ErrorCase("$substring('a', 'b')", "T0410", "Argument 2 of function \"substring\" does not match function signature"),
        ErrorCase("$length('a', 'b')", "T0410"),
        ErrorCase("Age.$uppercase()", "T0411", "Context value is not a compatible type with argument 1 of function \"uppercase\""),
        ErrorCase("$sum(['a'])", "T0412", "Argument 1 of function \"sum\" must be an array of \"numbers\""),
        ErrorCase("$number('abc')", "D3030", "Unable to cast value to a number: \"abc\""),
        ErrorCase("$number([1])", "T0410"),
        ErrorCase("$sqrt(-1)", "D3060"),
        ErrorCase("$power(10, 1000)", "D3061"),
        ErrorCase("$string(1/0)", "D3001"),
        ErrorCase("$replace('a', '', 'b')", "D3010"),
        ErrorCase("$replace('a', 'a', 'b', -1)", "D3011"),
        ErrorCase("$replace('abc', /b/, function($m){ 5 })", "D3012"),
        ErrorCase("$split('a', 'b', -1)", "D3020"),
        ErrorCase("$match('a', /a/, -1)", "D3040"),
        ErrorCase("$reduce([1], function($a){ $a })", "D3050"),
        ErrorCase("$sort([1, 'a'])", "D3070"),
        ErrorCase("$single([1, 2])", "D3138"),
        ErrorCase("$single([1, 2], function($v){ $v > 5 })", "D3139"),
        ErrorCase("$error('custom failure')", "D3137", "custom failure"),
        ErrorCase("$assert(1 = 2, 'must hold')", "D3141", "must hold"),
        ErrorCase("$eval('1 +')", "D3120"),
        ErrorCase("$eval('$x()')", "D3121"),
        ErrorCase("$decodeUrlComponent('%E0%A4%A')", "D3140"),
        ErrorCase("$formatBase(10, 40)", "D3100"),
        ErrorCase("($f := function(){ $f() }; $f())", "U1001"),
    ]

    @Test(arguments: cases)
    func errorCodes(_ testCase: ErrorCase) {
        let error = failure(testCase.expression)
        #expect(error?.code == testCase.code)
        if let message = testCase.message {
            #expect(error?.message == message)
        }
    }

    @Test func positionsPointAtTheOffendingToken() {
        #expect(failure("1 + 'a'")?.position == 3)
        #expect(failure("Age + Surname")?.position == 5)
        #expect(failure("$nope(1)")?.position == 6)
        #expect(failure("'abc")?.position == 4)
    }

    @Test func descriptionIsCodeAndMessage() {
        #expect(failure("$randomSeeded($states.input.fst)")?.description == "T1006: Attempted to invoke a non-function")
        #expect(failure("'x' - 1")?.description == "T2001: The left side of the \"-\" operator must evaluate to a number")
    }

    @Test func compileErrorsAreThrownByTheInitializer() {
        #expect(throws: JSONataError.self) { try JSONataExpression("(") }
        #expect(throws: Never.self) { try JSONataExpression("$undefinedFunction()") }
    }
}

@Suite("Hostile inputs")
struct HostileInputTests {
    @Test(arguments: [
        "$substring('abc', 1e300, 1e300)", "$substring('abc', -1e300)", "[1,2,3][1e300]", "[1,2,3][-1e300]",
        "$pad('a', 1e300)", "$split('a,b', ',', 1e300)", "$formatInteger(1e300, 'I')", "$formatBase(1e300, 2)",
        "$round(1.5, 1e300)", "$fromMillis(1e300)", "[-9e18..9e18]", "$replace('aaa', 'a', 'b', 1e300)",
        "$formatInteger(1e300, 'w')", "$substring('abc', 0/0)",
    ])
    func doesNotTrap(_ expression: String) {
        // Any outcome but a crash is acceptable here; the value is checked to be produced.
        let outcome = run(expression)
        #expect(!outcome.isEmpty)
    }
}
