import Testing

@testable import SFNJSON

@Suite struct JSONParsingTests {
    @Test func keepsKeyOrderAndNumberKinds() throws {
        let value = try JSON(parsing: #"{"b":1,"a":1.5,"c":1.0,"d":[true,null,"x"]}"#)
        #expect(value.compactText == #"{"b":1,"a":1.5,"c":1.0,"d":[true,null,"x"]}"#)
        #expect(value["b"] == .int(1))
        #expect(value["c"] == .double(1.0))
    }

    @Test(arguments: [
        (#"{"a":1,"a":2}"#, "duplicate key"),
        ("{\"a\":", "truncated"),
        ("[1,2", "truncated"),
        ("99999999999999999999999", "integer too large"),
        ("\"\u{FFFD}\"", ""),
    ])
    func rejectsBadInput(text: String, fragment: String) {
        do {
            _ = try JSON(parsing: text)
            if !fragment.isEmpty { Issue.record("expected an error for \(text)") }
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
            #expect(error.line >= 1)
        }
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParseError.self) { try JSON(parsing: bytes) }
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSON(parsing: "{\n  \"a\": 1,\n  \"b\": ]\n}")
            Issue.record("expected failure")
        } catch {
            #expect(error.line == 3)
            #expect(error.column > 1)
        }
    }

    @Test func rejectsDepthBombWithoutCrashing() {
        let bomb = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSON(parsing: bomb) }
    }

    @Test func keepsNulCharactersAndUnicode() throws {
        let value = try JSON(parsing: #""a\u0000b é 😀""#)
        #expect(value == .string("a\u{0}b é 😀"))
        #expect(value.compactText == "\"a\\u0000b é 😀\"")
    }

    @Test func largeIntegersStayExact() throws {
        let value = try JSON(parsing: "9223372036854775807")
        #expect(value == .int(Int.max))
        #expect(value.compactText == "9223372036854775807")
    }
}

@Suite struct JSONSerializationTests {
    @Test(arguments: [
        (1.5, "1.5"), (0.1, "0.1"), (1.0, "1.0"), (100.0, "100.0"), (1e7, "1.0E7"),
        (1.25e-5, "1.25E-5"), (0.001, "0.001"), (123456.789, "123456.789"), (-2.5, "-2.5"),
        (1e21, "1.0E21"), (0.0, "0.0"),
    ])
    func doublesPrintLikeAWS(value: Double, text: String) {
        #expect(JSON.double(value).compactText == text)
    }

    @Test func escapesStrings() {
        #expect(JSON.string("a\"b\\c\nd\u{1}/").compactText == #""a\"b\\c\nd\u0001/""#)
    }

    @Test func prettyForm() {
        let value: JSON = ["a": [1, 2], "b": [:]]
        #expect(value.prettyText == "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}")
    }

    @Test func equalityIgnoresKeyOrderAndNumberKind() throws {
        let a = try JSON(parsing: #"{"x":1,"y":[2]}"#)
        let b = try JSON(parsing: #"{"y":[2.0],"x":1}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(JSON.int(1) != JSON.bool(true))
    }
}

@Suite struct JSONPointerTests {
    @Test func getAndSet() throws {
        let value = try JSON(parsing: #"{"a":{"b/c":[1,2,3]}}"#)
        let pointer = try #require(JSONPointer(parsing: "/a/b~1c/1"))
        #expect(value[pointer: pointer] == .int(2))
        #expect(pointer.description == "/a/b~1c/1")
        let updated = try value.setting("x", at: pointer)
        #expect(updated.compactText == #"{"a":{"b/c":[1,"x",3]}}"#)
        let added = try value.setting(true, at: JSONPointer(parsing: "/n/m")!)
        #expect(added.compactText == #"{"a":{"b/c":[1,2,3]},"n":{"m":true}}"#)
        #expect(throws: JSON.PointerSetError.self) { try value.setting(1, at: JSONPointer(parsing: "/a/b~1c/9")!) }
    }
}
