import SFNJSON
import SFNJSONata
import Testing

/// A small document in the shape of the JSONata reference's examples.
let sampleDocument: JSON = {
    let text = """
        {
          "FirstName": "Fred",
          "Surname": "Smith",
          "Age": 28,
          "Address": { "Street": "Hursley Park", "City": "Winchester", "Postcode": "SO21 2JN" },
          "Phone": [
            { "type": "home", "number": "0203 544 1234" },
            { "type": "office", "number": "01962 001234" },
            { "type": "office", "number": "01962 001235" },
            { "type": "mobile", "number": "077 7700 1234" }
          ],
          "Email": [
            { "type": "work", "address": ["fred.smith@my-work.com", "fsmith@my-work.com"] },
            { "type": "home", "address": ["freddy@my-social.com", "frederic.smith@very-serious.com"] }
          ],
          "Other": { "Over 18 ?": true, "Misc": null, "Alternative.Address": { "Street": "Brick Lane", "City": "London" } }
        }
        """
    return (try? JSON(parsing: text)) ?? .null
}()

let orderDocument: JSON = {
    let text = """
        {
          "Account": {
            "Name": "Firefly",
            "Order": [
              { "OrderID": "order103", "Product": [
                  { "Name": "Bowler Hat", "ID": 858383, "Price": 34.45, "Quantity": 2 },
                  { "Name": "Trilby hat", "ID": 858236, "Price": 21.67, "Quantity": 1 } ] },
              { "OrderID": "order104", "Product": [
                  { "Name": "Bowler Hat", "ID": 858383, "Price": 34.45, "Quantity": 4 },
                  { "Name": "Cloak", "ID": 345664, "Price": 107.99, "Quantity": 1 } ] }
            ]
          }
        }
        """
    return (try? JSON(parsing: text)) ?? .null
}()

/// Evaluates `expression` and returns the compact JSON text, "undefined", or "ERROR CODE".
func run(
    _ expression: String, _ input: JSON? = sampleDocument, bindings: [String: JSON] = [:],
    environment: JSONataEnvironment = JSONataEnvironment(now: { 1_700_000_000_000 }, random: { 0.5 })
) -> String {
    do throws(JSONataError) {
        let compiled = try JSONataExpression(expression)
        guard let result = try compiled.evaluate(input, bindings: bindings, environment: environment) else {
            return "undefined"
        }
        return result.compactText
    } catch {
        return "ERROR \(error.code)"
    }
}

/// The error a failing expression raises.
func failure(_ expression: String, _ input: JSON? = sampleDocument) -> JSONataError? {
    do {
        _ = try JSONataExpression(expression).evaluate(input)
        return nil
    } catch {
        return error
    }
}

struct Case: CustomTestStringConvertible, Sendable {
    var expression: String
    var expected: String
    init(_ expression: String, _ expected: String) {
        self.expression = expression
        self.expected = expected
    }
    var testDescription: String { expression }
}
