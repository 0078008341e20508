import Foundation
import SFNJSON
import SFNLanguage
import SFNRuntime
import Testing

/// The workflow under test, with its Lambda functions replaced by closures.
struct OrderWorkflow {
    var chargeFailuresBeforeSuccess = 0
    var declineCard = false

    func run(_ input: JSON) async throws -> ExecutionResult {
        let url = try #require(Bundle.module.url(forResource: "order", withExtension: "asl.json"))
        let definition = try JSON(parsing: try Data(contentsOf: url))

        // 2024-05-01T08:00:00Z, virtually: the 2-hour Wait and the retry back-offs take no time.
        var configuration = RuntimeConfiguration.virtualTime(startingAt: 1_714_550_400_000)
        configuration.executors.register(
            "arn:aws:lambda:*:*:function:reserve-stock",
            ClosureExecutor(input: { _ in ["reservationId": "r-1"] }))
        let attempts = Counter()
        let failures = chargeFailuresBeforeSuccess
        let decline = declineCard
        configuration.executors.register(
            "arn:aws:lambda:*:*:function:charge-card",
            ClosureExecutor(input: { request in
                if decline { throw StatesError("CardDeclined", cause: "insufficient funds") }
                if attempts.next() <= failures { throw StatesError("PaymentServiceBusy", cause: "try later") }
                return ["transactionId": .string("tx-\(request["orderId"]?.stringValue ?? "")")]
            }))
        let machine = try StateMachineRuntime(definition: definition, name: "orders", configuration: configuration)
        return await machine.run(input: input)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}

@Test func confirmsAnOrderAfterRetryingThePaymentService() async throws {
    let result = try await OrderWorkflow(chargeFailuresBeforeSuccess: 2).run(["orderId": "o-7", "amount": 25])
    #expect(result.status == .succeeded)
    #expect(result.output?["transaction"] == "tx-o-7")
    // Two back-offs (30 s + 60 s) and the 2-hour Wait, all virtual.
    #expect(result.output?["confirmedAt"] == "2024-05-01T10:01:30.000Z")
    #expect(result.stopDate - result.startDate == 7_290_000)
}

@Test func aDeclinedCardFailsTheOrder() async throws {
    let result = try await OrderWorkflow(declineCard: true).run(["orderId": "o-8", "amount": 99])
    #expect(result.status == .failed)
    #expect(result.error == "OrderDeclined")
    #expect(result.cause == "insufficient funds")
}
