import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

@Suite struct PassAndFlowTests {
    @Test func passResultWithResultPathMergesIntoInput() async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r.s","End":true}}}"#,
            input: ["keep": true])
        #expect(result.status == .succeeded)
        #expect(result.output == ["keep": true, "r": ["s": ["x": 1]]])
    }

    /// Pass states whose only data-flow field is ResultPath take a shorter path through the
    /// interpreter (no scopes, no context object). The same states with an empty `Assign`, which
    /// changes nothing but takes the general path, must give the same output or the same failure.
    @Test(arguments: [
        (#""Result":{"x":1},"ResultPath":"$.last""#, #"{"a":1,"last":0}"#, #"{"a":1,"last":{"x":1}}"#),
        (#""Result":{"x":1},"ResultPath":"$.r.s""#, #"{"a":1}"#, #"{"a":1,"r":{"s":{"x":1}}}"#),
        (#""Result":[1,2]"#, #"{"a":1}"#, "[1,2]"),
        (#""Result":"x","ResultPath":null"#, #"{"a":1}"#, #"{"a":1}"#),
        (#""ResultPath":"$.copy""#, #"{"a":1}"#, #"{"a":1,"copy":{"a":1}}"#),
        (#""ResultPath":"$""#, #"[1,{"b":2}]"#, #"[1,{"b":2}]"#),
        ("", #""text""#, #""text""#),
        (#""Result":{"x":1},"ResultPath":"$.list[1]""#, #"{"list":[0,1]}"#, #"{"list":[0,{"x":1}]}"#),
        (
            #""Result":{"x":1},"ResultPath":"$.r.s""#, #"{"r":"text"}"#,
            #"States.ResultPathMatchFailure: An error occurred while executing the state 'A' (entered at the event id #2). Unable to apply ReferencePath $.r.s to input {"r":"text"}"#
        ),
        (
            #""ResultPath":"$.x""#, "[1]",
            "States.ResultPathMatchFailure: An error occurred while executing the state 'A' (entered at the event id #2). Unable to apply ReferencePath $.x to input [1]"
        ),
    ])
    func plainPassStatesMatchTheGeneralPath(fields: String, input: String, expected: String) async throws {
        func outcome(_ extra: String) async throws -> String {
            let separator = fields.isEmpty ? "" : ","
            let result = try await runWorkflow(
                #"{"StartAt":"A","States":{"A":{"Type":"Pass"\#(separator)\#(fields)\#(extra),"End":true}}}"#,
                input: try JSON(parsing: input))
            if result.status == .succeeded { return result.output?.compactText ?? "none" }
            return "\(result.error ?? "-"): \(result.cause ?? "-")"
        }
        #expect(try await outcome("") == expected)
        #expect(try await outcome(#","Assign":{}"#) == expected)
    }

    @Test func nullPathsDiscard() async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":null,"ResultPath":null,"OutputPath":"$.keep","End":true}}}"#,
            input: ["keep": [1, 2]])
        #expect(result.output == [1, 2])
        let discarded = try await runWorkflow(
            #"{"StartAt":"A","States":{"A":{"Type":"Pass","OutputPath":null,"End":true}}}"#, input: ["a": 1])
        #expect(discarded.output == .emptyObject)
    }

    @Test func missingInputPathFailsWithAWSCause() async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"pass","States":{"pass":{"Type":"Pass","InputPath":"$.NoSuchInputPath","End":true}}}"#)
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
        #expect(
            result.cause
                == "An error occurred while executing the state 'pass' (entered at the event id #2). Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
        )
    }

    @Test func parametersUseContextAndIntrinsics() async throws {
        let result = try await runWorkflow(
            #"""
            {"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"name.$":"$$.State.Name","sum.$":"States.MathAdd($.n, 2)","const":"c"},"End":true}}}
            """#, input: ["n": 40])
        #expect(result.output == ["name": "A", "sum": 42, "const": "c"])
    }

    @Test func failStateReportsErrorAndCause() async throws {
        let result = try await runWorkflow(#"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"C"}}}"#)
        #expect(result.status == .failed)
        #expect(result.error == "E")
        #expect(result.cause == "C")
        let bare = try await runWorkflow(#"{"StartAt":"F","States":{"F":{"Type":"Fail"}}}"#)
        #expect(bare.status == .failed)
        #expect(bare.error == nil)
        #expect(bare.cause == nil)
    }

    @Test func variablesAreVisibleFromTheNextStateOn() async throws {
        let result = try await runWorkflow(
            #"""
            {"StartAt":"S0","States":{
              "S0":{"Type":"Pass","Result":{"q":"?"},"Assign":{"answer":42},"Next":"S1"},
              "S1":{"Type":"Pass","InputPath":"$answer","ResultPath":"$.theAnswer","OutputPath":"$answer","Assign":{"answer":"later"},"Next":"S2"},
              "S2":{"Type":"Pass","Parameters":{"now.$":"$answer"},"End":true}}}
            """#)
        #expect(result.output == ["now": "later"])
    }

    @Test func historyLimitStopsRunawayLoops() async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"C"},"C":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"Done"}],"Default":"A"},"Done":{"Type":"Succeed"}}}"#,
            configure: { $0.maxHistoryEvents = 500 })
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
    }

    @Test func payloadLimitIsEnforced() async throws {
        let result = try await runWorkflow(
            #"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"$.s","b.$":"$.s"},"End":true}}}"#,
            input: ["s": .string(String(repeating: "y", count: 100))], configure: { $0.maxPayloadBytes = 150 })
        #expect(result.status == .failed)
        #expect(result.error == "States.DataLimitExceeded")
    }
}

@Suite struct DefinitionRejectionTests {
    @Test func invalidDefinitionsAreRejectedWithEveryDiagnostic() throws {
        let definition = try JSON(parsing: #"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"},"Lost":{"Type":"Succeed"}}}"#)
        do {
            _ = try StateMachineRuntime(definition: definition)
            Issue.record("expected the definition to be rejected")
        } catch {
            let codes = error.diagnostics.map(\.code.rawValue)
            #expect(codes.contains("MISSING_TRANSITION_TARGET"))
            #expect(error.diagnostics.contains { $0.location == "/States/A/Next" })
            #expect(error.diagnostics.contains { $0.location == "/States/Lost" })
        }
    }
}
