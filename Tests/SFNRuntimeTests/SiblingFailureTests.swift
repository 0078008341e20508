import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

/// When one branch or iteration fails while a sibling waits (on a task token here), the state
/// fails with the real error; the sibling's cancellation is never reported instead of it.
@Suite struct SiblingFailureTests {
    static let callback = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"

    func run(_ definition: String, input: JSON = .emptyObject) async throws -> ExecutionResult {
        var configuration = RuntimeConfiguration.virtualTime()
        // Sends the message and leaves the token unanswered: the branch waits until cancelled.
        configuration.executors.register(Self.callback, ClosureExecutor(input: { _ in ["MessageId": "1"] }))
        let machine = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)
        return await machine.run(input: input)
    }

    @Test func parallelReportsTheFailingBranchAndItsCatchRuns() async throws {
        let definition = """
            {"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
              {"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"\(Self.callback)",
                "Parameters":{"token.$":"$$.Task.Token"},"End":true}}},
              {"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"Order.Rejected","Cause":"no stock"}}}],
              "Catch":[{"ErrorEquals":["Order.Rejected"],"Next":"Caught"}],"End":true},
              "Caught":{"Type":"Pass","End":true}}}
            """
        let result = try await run(definition)
        #expect(result.status == .succeeded, "\(result.error ?? ""): \(result.cause ?? "")")
        #expect(result.output == ["Error": "Order.Rejected", "Cause": "no stock"])
    }

    @Test func mapReportsTheFailingIterationNotTheWaitingOne() async throws {
        let definition = """
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"Which","States":{
              "Which":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":0,"Next":"Wait"}],"Default":"Boom"},
              "Wait":{"Type":"Task","Resource":"\(Self.callback)","Parameters":{"token.$":"$$.Task.Token"},"End":true},
              "Boom":{"Type":"Fail","Error":"Item.Bad","Cause":"item 1"}}},"End":true}}}
            """
        let result = try await run(definition, input: [0, 1])
        #expect(result.status == .failed)
        #expect(result.error == "Item.Bad")
        #expect(result.cause == "item 1")
    }
}
