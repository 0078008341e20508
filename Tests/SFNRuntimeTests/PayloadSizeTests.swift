import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

/// The payload limit with the size memo: parts measured once are not walked again, and a change
/// anywhere is still counted.
@Suite struct PayloadSizeTests {
    static func records(_ count: Int, note: String = "text") -> JSON {
        .array((0..<count).map { index in ["sku": .string("item-\(index)"), "price": .double(9.5), "note": .string(note)] })
    }

    /// `value` fits a limit of its own compact size and not one byte less: just under and just
    /// over, twice each (the second time from the memo).
    static func expectExactLimit(_ value: JSON, sourceLocation: SourceLocation = #_sourceLocation) {
        let size = value.compactByteCount
        var memo = SizeMemo()
        for _ in 0..<2 {
            #expect(!PayloadSize.exceeds(value, limit: size, memo: &memo), sourceLocation: sourceLocation)
            #expect(PayloadSize.exceeds(value, limit: size - 1, memo: &memo), sourceLocation: sourceLocation)
        }
    }

    @Test func exactSizesAgreeWithTheCompactText() {
        let values: [JSON] = [
            Self.records(100), Self.records(40, note: "quote \" slash \\ tab \t bell \u{07} é"),
            [
                "big": .int(Int.max), "small": .int(Int.min), "real": .double(1e300), "tiny": .double(-2.5e-7),
                "flags": [true, false, .null],
            ],
        ]
        for value in values { Self.expectExactLimit(value) }
    }

    @Test func keysSharedBetweenObjectsAreCountedAsWritten() {
        // Objects that share some keys in place and not others; names equal as strings but not in
        // their bytes ("é" composed and decomposed); names that take escapes.
        let values: [JSON] = [
            .array((0..<50).map { index in index % 3 == 0 ? ["a": 1, "b": 2] : ["a": 1, "ccc\(index)": 2, "b\"q": 3] }),
            .array([["\u{E9}": 1, "x": 2], ["e\u{301}": 1, "x": 2], ["\u{E9}": 1, "tab\t": 2], ["e\u{301}": 1]]),
            // Ten letters each: the decomposed name is ten bytes longer, more than the quick
            // pass's over-count of an object.
            .array(
                (0..<20).map { index in
                    [(index % 2 == 0 ? String(repeating: "\u{E9}", count: 10) : String(repeating: "e\u{301}", count: 10)): 1]
                }),
        ]
        for value in values { Self.expectExactLimit(value) }
    }

    @Test func aChangedPartIsMeasuredAgain() {
        var memo = SizeMemo()
        let records = Self.records(200)
        let before: JSON = ["records": records]
        let limit = before.compactByteCount + 10
        #expect(!PayloadSize.exceeds(before, limit: limit, memo: &memo))
        // The same records plus one more: new storage, so not taken from the memo.
        var grown = records.arrayValue!
        grown.append(["sku": "one more"])
        #expect(PayloadSize.exceeds(["records": .array(grown)], limit: limit, memo: &memo))
        // The old value still fits.
        #expect(!PayloadSize.exceeds(before, limit: limit, memo: &memo))
    }

    @Test func escapedTextCountsAsWritten() {
        // 1,000 quotes are 2,002 bytes of JSON text: over a 1,500-byte limit.
        let quotes = JSON.array((0..<40).map { _ in .string(String(repeating: "\"", count: 25)) })
        var memo = SizeMemo()
        #expect(quotes.compactByteCount > 1_500)
        _ = PayloadSize.exceeds(quotes, limit: Int.max, memo: &memo)
        #expect(PayloadSize.exceeds(quotes, limit: 1_500, memo: &memo))
    }

    @Test func aLongChainCarryingALargePayloadStillFailsWhenAStatePassesTheLimit() async throws {
        var states: [String] = []
        for index in 0..<20 {
            states.append(#""S\#(index)":{"Type":"Pass","Result":{"step":\#(index)},"ResultPath":"$.last","Next":"S\#(index + 1)"}"#)
        }
        // S20 copies the records beside themselves: twice the size.
        states.append(#""S20":{"Type":"Pass","Parameters":{"a.$":"$.records","b.$":"$.records"},"End":true}"#)
        let definition = #"{"StartAt":"S0","States":{\#(states.joined(separator: ","))}}"#
        let input: JSON = ["records": Self.records(500)]
        let size = input.compactByteCount
        let result = try await runWorkflow(definition, input: input, configure: { $0.maxPayloadBytes = size + 200 })
        #expect(result.status == .failed)
        #expect(result.error == "States.DataLimitExceeded")
        #expect(result.cause?.contains("S20") == true)
        let fits = try await runWorkflow(definition, input: input, configure: { $0.maxPayloadBytes = 2 * size + 200 })
        #expect(fits.status == .succeeded)
    }
}

/// State payloads in the history are written as text when the history is read.
@Suite struct LazyHistoryTests {
    @Test func detailsReadLaterQuoteTheValuesAsTheyWere() async throws {
        var configuration = RuntimeConfiguration.virtualTime(startingAt: 1_704_067_200_000)
        configuration.recordsHistory = true
        let definition = try JSON(
            parsing: #"""
                {"StartAt":"A","States":{
                  "A":{"Type":"Pass","Next":"B"},
                  "B":{"Type":"Pass","Result":{"x":1.0},"ResultPath":"$.r","Assign":{"v.$":"$.x"},"End":true}}}
                """#)
        let runtime = try StateMachineRuntime(definition: definition, configuration: configuration)
        let text = #"{ "n" : 1 }"#
        let execution = runtime.start(input: try JSON(parsing: text), inputText: text)
        _ = await execution.result()
        let events = execution.history
        func detail(_ type: String, _ key: String) -> JSON? {
            events.first { $0.type == type }?.details?[key]
        }
        // The caller's spelling while the value is unchanged (through A), the compact text after.
        #expect(events.first?.details?["input"] == .string(text))
        #expect(detail("PassStateExited", "output") == .string(text))
        #expect(events.last(where: { $0.type == "PassStateExited" })?.details?["output"] == #"{"n":1,"r":{"x":1.0}}"#)
        #expect(events.last(where: { $0.type == "PassStateExited" })?.details?["assignedVariables"] == ["v": "1.0"])
        #expect(events.last?.details?["output"] == #"{"n":1,"r":{"x":1.0}}"#)
        #expect(events.first { $0.type == "PassStateEntered" }?.stateName == "A")
        // Events compare by their details, however they are held.
        let rebuilt = events.map {
            HistoryEvent(
                id: $0.id, previousEventId: $0.previousEventId, timestamp: $0.timestamp, type: $0.type, detailsKey: $0.detailsKey,
                details: $0.details)
        }
        #expect(rebuilt == events)
    }
}
