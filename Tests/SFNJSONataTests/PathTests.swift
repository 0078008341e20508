import SFNJSON
import SFNJSONata
import Testing

@Suite("Paths, predicates and sequences")
struct PathTests {
    static let cases: [Case] = [
        Case("Surname", #""Smith""#),
        Case("Age", "28"),
        Case("Address.City", #""Winchester""#),
        Case("Other.Misc", "null"),
        Case("Other.Nothing", "undefined"),
        Case("Other.`Over 18 ?`", "true"),
        Case("Other.`Alternative.Address`.City", #""London""#),
        Case("Phone[0]", #"{"type":"home","number":"0203 544 1234"}"#),
        Case("Phone[1]", #"{"type":"office","number":"01962 001234"}"#),
        Case("Phone[-1]", #"{"type":"mobile","number":"077 7700 1234"}"#),
        Case("Phone[-2].number", #""01962 001235""#),
        Case("Phone[8]", "undefined"),
        Case("Phone[0.5].type", #""home""#),
        Case("Phone[0].number", #""0203 544 1234""#),
        Case("Phone.number", #"["0203 544 1234","01962 001234","01962 001235","077 7700 1234"]"#),
        Case("Phone.number[0]", #"["0203 544 1234","01962 001234","01962 001235","077 7700 1234"]"#),
        Case("(Phone.number)[0]", #""0203 544 1234""#),
        Case("Phone[[0..1]].type", #"["home","office"]"#),
        Case("Phone[type='mobile']", #"{"type":"mobile","number":"077 7700 1234"}"#),
        Case("Phone[type='mobile'].number", #""077 7700 1234""#),
        Case("Phone[type='office'].number", #"["01962 001234","01962 001235"]"#),
        Case("Phone[type='office'][1].number", #""01962 001235""#),
        Case("Phone[type='home'][]", #"[{"type":"home","number":"0203 544 1234"}]"#),
        Case("Phone[type='mobile'].number[]", #"["077 7700 1234"]"#),
        Case("Phone[type='work'].number", "undefined"),
        Case("Address.*", #"["Hursley Park","Winchester","SO21 2JN"]"#),
        Case("*.Postcode", #""SO21 2JN""#),
        Case("**.Postcode", #""SO21 2JN""#),
        Case("**.City", #"["Winchester","London"]"#),
        Case("Email.address", #"["fred.smith@my-work.com","fsmith@my-work.com","freddy@my-social.com","frederic.smith@very-serious.com"]"#),
        Case("Email[type='home'].address[1]", #""frederic.smith@very-serious.com""#),
        Case("$.Age", "28"),
        Case("$$.Surname", #""Smith""#),
        Case("Phone.$count($)", "[1,1,1,1]"),
        Case("Address.(Street & ', ' & City)", #""Hursley Park, Winchester""#),
        Case(
            "Phone.{type: number}",
            #"[{"home":"0203 544 1234"},{"office":"01962 001234"},{"office":"01962 001235"},{"mobile":"077 7700 1234"}]"#),
        Case("Phone{type: number}", #"{"home":"0203 544 1234","office":["01962 001234","01962 001235"],"mobile":"077 7700 1234"}"#),
        Case("Phone{type: $count(number)}", #"{"home":1,"office":2,"mobile":1}"#),
        Case("Phone.[type, number][0]", #"["home","office","office","mobile"]"#),
        Case(
            "Phone.[type, number]",
            #"[["home","0203 544 1234"],["office","01962 001234"],["office","01962 001235"],["mobile","077 7700 1234"]]"#),
        Case("Phone.[type]", #"[["home"],["office"],["office"],["mobile"]]"#),
        Case("[Address, Other.`Alternative.Address`].City", #"["Winchester","London"]"#),
        Case("Phone^(number).number", #"["01962 001234","01962 001235","0203 544 1234","077 7700 1234"]"#),
        Case("Phone^(>type, number).type", #"["office","office","mobile","home"]"#),
        Case("Phone^(type)[0].type", #""home""#),
        Case("Phone#$i[$i > 1].number", #"["01962 001235","077 7700 1234"]"#),
        Case("Phone#$i.{'n': $i, 't': type}", #"[{"n":0,"t":"home"},{"n":1,"t":"office"},{"n":2,"t":"office"},{"n":3,"t":"mobile"}]"#),
        Case("Phone[type='office']#$i.($i)", "[0,1]"),
        Case(
            "Phone@$p.Email@$e[$p.type=$e.type].{'t': $p.type, 'n': $p.number, 'e': $e.address[0]}",
            #"{"t":"home","n":"0203 544 1234","e":"freddy@my-social.com"}"#),
        Case("Phone@$p.Email@$e[$p.type=$e.type]{$p.type: $e.address[0]}", #"{"home":"freddy@my-social.com"}"#),
        Case(
            "Email@$e.$e.address",
            #"["fred.smith@my-work.com","fsmith@my-work.com","freddy@my-social.com","frederic.smith@very-serious.com"]"#),
        Case("Account.Order.Product[0].Name", #"["Bowler Hat","Bowler Hat"]"#),
        Case("Account.Order[0].Product.Name", #"["Bowler Hat","Trilby hat"]"#),
        Case("Account.Order.Product.(Price * Quantity)", "[68.9,21.67,137.8,107.99]"),
        Case("$sum(Account.Order.Product.(Price * Quantity))", "336.36"),
        Case("Account.Order.Product{Name: $sum(Quantity)}", #"{"Bowler Hat":6,"Trilby hat":1,"Cloak":1}"#),
        Case(
            "Account.Order@$o.$o.Product.{'order': $o.OrderID, 'p': Name}",
            #"[{"order":"order103","p":"Bowler Hat"},{"order":"order103","p":"Trilby hat"},{"order":"order104","p":"Bowler Hat"},{"order":"order104","p":"Cloak"}]"#
        ),
        Case("Account.Order.Product^(>Price).Name", #"["Cloak","Bowler Hat","Bowler Hat","Trilby hat"]"#),
        Case("Account.Order[OrderID='order104'].Product.ID", "[858383,345664]"),
        Case("Account.Order.Product[Price > 30 and Quantity > 2].Name", #""Bowler Hat""#),
        Case(
            "Account.Order#$i.Product.{'i': $i, 'n': Name}",
            #"[{"i":0,"n":"Bowler Hat"},{"i":0,"n":"Trilby hat"},{"i":1,"n":"Bowler Hat"},{"i":1,"n":"Cloak"}]"#),
        Case("Account.Order.Product.Name{$: $count($)}", #"{"Bowler Hat":2,"Trilby hat":1,"Cloak":1}"#),
    ]

    @Test(arguments: cases)
    func sampleDocumentPaths(_ testCase: Case) {
        let input = testCase.expression.contains("Account") ? orderDocument : sampleDocument
        #expect(run(testCase.expression, input) == testCase.expected)
    }

    static let arrayInputCases: [Case] = [
        Case("$", "[1,2,3]"),
        Case("$[0]", "1"),
        Case("$[-1]", "3"),
        Case("$[$ > 1]", "[2,3]"),
        Case("$count($)", "3"),
        Case("$.$string()", #"["1","2","3"]"#),
    ]

    @Test(arguments: arrayInputCases)
    func topLevelArrays(_ testCase: Case) {
        #expect(run(testCase.expression, [1, 2, 3]) == testCase.expected)
    }

    @Test func nestedArraysFlattenAlongPaths() {
        let input: JSON = ["a": [["b": [1, 2]], ["b": [3]], ["b": 4]]]
        #expect(run("a.b", input) == "[1,2,3,4]")
        #expect(run("a[0].b", input) == "[1,2]")
        #expect(run("a.b[0]", input) == "[1,3,4]")
        #expect(run("[[1,2],[3]]", input) == "[[1,2],[3]]")
        #expect(run("[[1,2],[3]][0]", input) == "[1,2]")
        #expect(run("a.b[]", ["a": ["b": 1]]) == "[1]")
    }

    @Test func undefinedInputGivesUndefinedPaths() {
        #expect(run("a.b", nil) == "undefined")
        #expect(run("$", nil) == "undefined")
        #expect(run("1 + 2", nil) == "3")
    }
}

@Suite("Parent operator")
struct ParentTests {
    @Test func parentOfStepContext() {
        #expect(
            run("Account.Order.Product.{'name': Name, 'order': %.OrderID}", orderDocument)
                == #"[{"name":"Bowler Hat","order":"order103"},{"name":"Trilby hat","order":"order103"},{"name":"Bowler Hat","order":"order104"},{"name":"Cloak","order":"order104"}]"#
        )
        #expect(run("Account.Order.Product[%.OrderID = 'order104'].Name", orderDocument) == #"["Bowler Hat","Cloak"]"#)
        #expect(run("Phone.%.Surname") == #"["Smith","Smith","Smith","Smith"]"#)
        #expect(run("Address.(City & ' ' & %.Surname)") == #""Winchester Smith""#)
    }

    @Test func parentWithoutAStepIsAnError() {
        #expect(failure("%")?.code == "S0217")
        #expect(failure("%.Surname")?.code == "S0217")
    }
}

@Suite("Order document")
struct OrderDocumentTests {
    static let cases: [Case] = [
        Case("Account.Order[0].Product[0].Name", #""Bowler Hat""#),
        Case("Account.Order.Product{Name: Price}", #"{"Bowler Hat":[34.45,34.45],"Trilby hat":21.67,"Cloak":107.99}"#),
        Case(
            "Account.Order.Product{Name: {'count': $count($), 'total': $sum(Price)}}",
            #"{"Bowler Hat":{"count":2,"total":68.9},"Trilby hat":{"count":1,"total":21.67},"Cloak":{"count":1,"total":107.99}}"#),
        Case("$reduce(Account.Order.Product.Quantity, function($a, $b){ $a + $b })", "8"),
        Case("Account.Order.Product.Price.$string()", #"["34.45","21.67","34.45","107.99"]"#),
        Case("Account.Order.Product[Price > 30][0].Name", #"["Bowler Hat","Bowler Hat"]"#),
        Case("Account.Order{OrderID: $round($sum(Product.(Price * Quantity)), 2)}", #"{"order103":90.57,"order104":245.79}"#),
        Case("Account.Order.Product.{'n': Name}[1]", "undefined"),
        Case("Account.Order.Product[0].ID", "[858383,858383]"),
        Case("$merge(Account.Order.Product.{Name: Quantity})", #"{"Bowler Hat":4,"Trilby hat":1,"Cloak":1}"#),
        Case("**[Quantity > 3].Name", #""Bowler Hat""#),
        Case("Account.**.Name", #"["Firefly","Bowler Hat","Trilby hat","Bowler Hat","Cloak"]"#),
        Case("Account.*.OrderID", #"["order103","order104"]"#),
        Case("$keys(Account.Order.Product)", #"["Name","ID","Price","Quantity"]"#),
        Case("Account.Order.Product.Name ~> $join(', ')", #""Bowler Hat, Trilby hat, Bowler Hat, Cloak""#),
        Case("Account.Order.Product#$i[$i = 0].Name", #"["Bowler Hat","Bowler Hat"]"#),
        Case("Account.Order[1]#$o.Product.Name", #"["Bowler Hat","Cloak"]"#),
        Case(
            "$sort(Account.Order.Product, function($a, $b){ $a.Price > $b.Price }).Name",
            #"["Trilby hat","Bowler Hat","Bowler Hat","Cloak"]"#),
        Case("$string(Account.Order[0].Product[0])", #""{\"Name\":\"Bowler Hat\",\"ID\":858383,\"Price\":34.45,\"Quantity\":2}""#),
    ]

    @Test(arguments: cases)
    func orders(_ testCase: Case) {
        #expect(run(testCase.expression, orderDocument) == testCase.expected)
    }
}
