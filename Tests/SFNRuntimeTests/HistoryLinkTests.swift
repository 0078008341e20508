import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

/// How AWS links the events of Map and Parallel states, and what `...StateExited` says of Assign,
/// as its recorded histories show them (the conformance corpus's Map, Parallel and Assign cases).
@Suite struct HistoryLinkTests {
    func history(_ definition: String, input: JSON = .emptyObject) async throws -> [HistoryEvent] {
        let machine = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: .virtualTime())
        let execution = machine.start(input: input)
        _ = await execution.result()
        return execution.history
    }

    /// `(id, previousEventId, type)` of each event.
    func links(_ events: [HistoryEvent]) -> [String] {
        events.map { "\($0.id)<\($0.previousEventId) \($0.type)" }
    }

    @Test func mapIterationsChainAndTheMapEndsFollowTheLastIteration() async throws {
        let events = try await history(
            """
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"Inner","States":{
              "Inner":{"Type":"Pass","End":true}}},"End":true}}}
            """, input: [1, 2])
        #expect(
            links(events) == [
                "1<0 ExecutionStarted", "2<0 MapStateEntered", "3<2 MapStateStarted",
                "4<3 MapIterationStarted", "5<4 PassStateEntered", "6<5 PassStateExited", "7<6 MapIterationSucceeded",
                // The next iteration follows the previous one's last state event, not its MapIterationSucceeded.
                "8<6 MapIterationStarted", "9<8 PassStateEntered", "10<9 PassStateExited", "11<10 MapIterationSucceeded",
                // MapStateSucceeded and MapStateExited both follow the last iteration's end.
                "12<11 MapStateSucceeded", "13<11 MapStateExited", "14<13 ExecutionSucceeded",
            ])
    }

    @Test func aFailedIterationLinksMapStateFailedToItsLastState() async throws {
        let events = try await history(
            """
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"Boom","States":{
              "Boom":{"Type":"Fail","Error":"E"}}},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}],"Next":"Done"},
              "Done":{"Type":"Succeed"}}}
            """, input: [1])
        #expect(
            links(events).prefix(9) == [
                "1<0 ExecutionStarted", "2<0 MapStateEntered", "3<2 MapStateStarted", "4<3 MapIterationStarted",
                "5<4 FailStateEntered", "6<5 MapIterationFailed", "7<5 MapStateFailed", "8<7 MapStateExited",
                "9<8 SucceedStateEntered",
            ])
    }

    @Test func parallelEndsFollowTheBranchesAndFailedHasNoDetails() async throws {
        let succeeded = try await history(
            #"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}],"End":true}}}"#
        )
        #expect(
            links(succeeded) == [
                "1<0 ExecutionStarted", "2<0 ParallelStateEntered", "3<2 ParallelStateStarted", "4<3 PassStateEntered",
                "5<4 PassStateExited", "6<5 ParallelStateSucceeded", "7<5 ParallelStateExited", "8<7 ExecutionSucceeded",
            ])
        let failed = try await history(
            #"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}],"End":true}}}"#
        )
        #expect(
            links(failed) == [
                "1<0 ExecutionStarted", "2<0 ParallelStateEntered", "3<2 ParallelStateStarted", "4<3 FailStateEntered",
                "5<4 ParallelStateFailed", "6<5 ExecutionFailed",
            ])
        #expect(failed[4].details == nil)
    }

    @Test func exitedEventsListAssignedVariablesAsJSONText() async throws {
        let events = try await history(
            #"{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":42,"items":[1,2,3],"s":"text"},"End":true}}}"#)
        let exited = try #require(events.first { $0.type == "PassStateExited" })
        #expect(exited.details?["assignedVariables"] == ["x": "42", "items": "[1,2,3]", "s": #""text""#])
        #expect(exited.details?["assignedVariablesDetails"] == ["truncated": false])
        let entered = try #require(events.first { $0.type == "PassStateEntered" })
        #expect(entered.details?["assignedVariables"] == nil)
    }

    @Test func aFailedJSONataEvaluationWritesEvaluationFailed() async throws {
        let events = try await history(
            #"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"r":"{% $nothing %}"},"End":true}}}"#)
        #expect(links(events) == ["1<0 ExecutionStarted", "2<0 PassStateEntered", "3<0 EvaluationFailed", "4<3 ExecutionFailed"])
        #expect(events[2].detailsKey == "evaluationFailedEventDetails")
        #expect(events[2].details?["location"] == "Output/r")
        #expect(events[2].details?["state"] == "A")
        #expect(events[2].details?["error"] == "States.QueryEvaluationError")
        #expect(events[2].details?["cause"]?.stringValue?.hasPrefix("An error occurred while executing the state 'A'") == true)
    }

    @Test func mapItemsThatFailToEvaluateWriteEvaluationFailedThenMapStateFailed() async throws {
        let events = try await history(
            """
            {"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% true %}",
              "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}
            """)
        #expect(
            links(events) == [
                "1<0 ExecutionStarted", "2<0 MapStateEntered", "3<0 EvaluationFailed", "4<3 MapStateFailed", "5<4 ExecutionFailed",
            ])
        #expect(events[2].details?["location"] == "Items")
    }

    @Test func aRetriedMapWritesNoMapStateFailedBetweenAttempts() async throws {
        let events = try await history(
            """
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}},
              "Retry":[{"ErrorEquals":["E"],"MaxAttempts":1,"IntervalSeconds":1}],"End":true}}}
            """, input: [1])
        #expect(
            links(events) == [
                "1<0 ExecutionStarted", "2<0 MapStateEntered", "3<2 MapStateStarted", "4<3 MapIterationStarted",
                "5<4 FailStateEntered", "6<5 MapIterationFailed",
                // The retry's MapStateStarted follows what the dropped MapStateFailed would have followed.
                "7<5 MapStateStarted", "8<7 MapIterationStarted", "9<8 FailStateEntered", "10<9 MapIterationFailed",
                "11<9 MapStateFailed", "12<11 ExecutionFailed",
            ])
    }

    @Test func theCallersSpellingOfTheInputLastsUntilAStateChangesTheValue() async throws {
        let definition = """
            {"StartAt":"Same","States":{"Same":{"Type":"Pass","Next":"Changed"},
              "Changed":{"Type":"Pass","Result":{"b":2},"ResultPath":"$.r","End":true}}}
            """
        let machine = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: .virtualTime())
        let text = #"{"a": [1, 2]}"#
        let execution = machine.start(input: try JSON(parsing: text), inputText: text)
        _ = await execution.result()
        let texts = execution.history.map { event in
            (event.details?["input"] ?? event.details?["output"])?.stringValue ?? ""
        }
        #expect(
            texts == [
                text, text, text,  // ExecutionStarted, Same entered and exited: unchanged
                text, #"{"a":[1,2],"r":{"b":2}}"#, #"{"a":[1,2],"r":{"b":2}}"#,  // Changed builds a new value
            ])
    }

    @Test func stateEntriesAndExitsWriteTheSameDetailsHoweverTheyAreHeld() async throws {
        // Entered and exited events without a spelling or assigned variables hold only the name
        // and the value; with either they hold a StatePayload. Both write name, payload text and
        // its details, in AWS's order.
        let definition = """
            {"StartAt":"Plain","States":{"Plain":{"Type":"Pass","Result":{"b":2},"ResultPath":"$.r","Next":"Assigns"},
              "Assigns":{"Type":"Pass","Assign":{"x":1},"End":true}}}
            """
        let machine = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: .virtualTime())
        let execution = machine.start(input: ["a": 1])
        _ = await execution.result()
        let details = execution.history.map { $0.details?.compactText ?? "" }
        let output = #"{\"a\":1,\"r\":{\"b\":2}}"#
        #expect(
            Array(details[1...4]) == [
                #"{"name":"Plain","input":"{\"a\":1}","inputDetails":{"truncated":false}}"#,
                #"{"name":"Plain","output":"\#(output)","outputDetails":{"truncated":false}}"#,
                #"{"name":"Assigns","input":"\#(output)","inputDetails":{"truncated":false}}"#,
                #"{"name":"Assigns","output":"\#(output)","outputDetails":{"truncated":false},"#
                    + #""assignedVariables":{"x":"1"},"assignedVariablesDetails":{"truncated":false}}"#,
            ])
        let held = execution.history.map { event -> String in
            switch event.content {
            case .stateEntered?: "entered"
            case .stateExited?: "exited"
            case .statePayload?: "payload"
            default: "other"
            }
        }
        #expect(held == ["payload", "entered", "exited", "entered", "payload", "payload"])
    }

    @Test func parallelResultsQuoteTheBranchesOutputTexts() async throws {
        // AWS writes a Parallel result as its branches' output texts in brackets: branches that
        // passed the caller's value on keep its spelling inside the result.
        let definition = """
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"Same","States":{"Same":{"Type":"Pass","End":true}}},
              {"StartAt":"New","States":{"New":{"Type":"Pass","Result":[3, 4],"End":true}}}]}}}
            """
        let machine = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: .virtualTime())
        let text = "[1, 2]"
        let execution = machine.start(input: try JSON(parsing: text), inputText: text)
        _ = await execution.result()
        let same = try #require(execution.history.first { $0.type == "PassStateEntered" && $0.details?["name"] == "Same" })
        #expect(same.details?["input"] == "[1, 2]")
        let succeeded = try #require(execution.history.last)
        #expect(succeeded.details?["output"] == "[[1, 2],[3,4]]")
    }

    @Test func anExecutionUnderARealDeadlineEndsWithItsOwnOutputText() async throws {
        // TimeoutSeconds under the real clock runs the machine inside a deadline race.
        let definition = #"{"TimeoutSeconds":60,"StartAt":"Changed","States":{"Changed":{"Type":"Pass","Result":1,"End":true}}}"#
        let machine = try StateMachineRuntime(definition: try JSON(parsing: definition))
        let text = #"{"a": 1}"#
        let execution = machine.start(input: try JSON(parsing: text), inputText: text)
        _ = await execution.result()
        let succeeded = try #require(execution.history.last)
        #expect(succeeded.type == "ExecutionSucceeded")
        #expect(succeeded.details?["output"] == "1")
    }
}
