import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

/// Numbers from a definition or an execution input that become durations, counts or indices:
/// each gives a States.* error (or is clamped where AWS clamps), never a trap.
@Suite struct HostileNumberTests {
    static let resource = "arn:aws:lambda:us-east-1:111111111111:function:echo"

    func run(_ definition: String, input: JSON = .emptyObject, start: EpochMilliseconds = 1_700_000_000_000) async throws -> ExecutionResult
    {
        var configuration = RuntimeConfiguration.virtualTime(startingAt: start)
        configuration.executors.register(Self.resource, ClosureExecutor(input: { $0 }))
        let machine = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)
        return await machine.run(input: input)
    }

    static let waitOnPath = #"{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}"#

    @Test(arguments: [JSON.int(Int.max), .int(9_000_000_000_000_000), .int(Int(Int32.max) + 1)])
    func waitSecondsPathTooLongIsARuntimeError(seconds: JSON) async throws {
        let result = try await run(Self.waitOnPath, input: ["s": seconds])
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
        #expect(result.cause?.hasSuffix("Wait state delay is too long.") == true, "\(result.cause ?? "")")
    }

    @Test func waitSecondsPathThatIsNotAnIntegerIsARuntimeError() async throws {
        let result = try await run(Self.waitOnPath, input: ["s": .double(9e15)])
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
        #expect(result.cause?.contains("cannot be parsed as a long value") == true, "\(result.cause ?? "")")
    }

    @Test func waitNearTheEndOfTimeSaturatesInsteadOfOverflowing() async throws {
        let result = try await run(Self.waitOnPath, input: ["s": 1000], start: Int64.max - 10)
        #expect(result.status == .succeeded)
        #expect(result.stopDate == Int64.max)
    }

    @Test(
        arguments: ["TimeoutSecondsPath", "HeartbeatSecondsPath"], [JSON.double(1e11), .int(Int.max), .int(0), .int(-5), .double(1e300)])
    func taskDeadlinePathsOutOfRangeAreRuntimeErrors(field: String, value: JSON) async throws {
        let definition = #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(Self.resource)","\#(field)":"$.n","End":true}}}"#
        let result = try await run(definition, input: ["n": value])
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
        #expect(result.cause?.contains("The \(field) field refers to value") == true, "\(result.cause ?? "")")
        #expect(result.cause?.contains("which is not a valid positive integer: $.n") == true, "\(result.cause ?? "")")
    }

    @Test func jsonataTimeoutOutOfRangeIsAQueryEvaluationError() async throws {
        let definition =
            #"{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(Self.resource)","TimeoutSeconds":"{% 100000000000 %}","End":true}}}"#
        let result = try await run(definition)
        #expect(result.status == .failed)
        #expect(result.error == "States.QueryEvaluationError")
        #expect(result.cause?.contains("specified for the field 'TimeoutSeconds' returned an unexpected result type") == true)
    }

    @Test(arguments: ["1e300", "-1e300", "9223372036854775807", "0.5"])
    func seededRandomTakesAnyNumber(seed: String) async throws {
        let definition =
            #"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $random(\#(seed)) %}","End":true}}}"#
        let first = try await run(definition)
        #expect(first.status == .succeeded, "\(first.cause ?? "")")
        let value = try #require(first.output?.doubleValue)
        #expect(value >= 0 && value < 1)
        // The same seed, the same number.
        #expect(try await run(definition).output == first.output)
    }

    @Test func retryBackOffPastInt64UnderVirtualTimeDoesNotTrap() async throws {
        let definition = #"""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:111111111111:function:fails",
              "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":99999999,"MaxAttempts":40,"BackoffRate":1000}],"End":true}}}
            """#
        var configuration = RuntimeConfiguration.virtualTime(startingAt: Int64.max - 5_000_000_000_000)
        configuration.executors.register(
            "arn:aws:lambda:us-east-1:111111111111:function:fails", ClosureExecutor(input: { _ in throw StatesError("Boom") }))
        let machine = try StateMachineRuntime(definition: try JSON(parsing: definition), configuration: configuration)
        let result = await machine.run()
        #expect(result.status == .failed)
        #expect(result.error == "Boom")
        #expect(result.stopDate == Int64.max)
    }

    @Test func retryDelayIsClampedToTheLongestDelay() throws {
        var retrier = Retrier(errorEquals: ["States.ALL"])
        retrier.intervalSeconds = 99_999_999
        retrier.backoffRate = 1e300
        let run = ExecutionRun(
            configuration: .virtualTime(), executionName: "e",
            machine: MachineShared(configuration: .virtualTime(), stateMachineName: "m"), input: .emptyObject,
            startTime: 0, timeoutSeconds: nil)
        let interpreter = Interpreter(run: run)
        #expect(interpreter.retryDelay(retrier, attempt: 0) == 99_999_999_000)
        #expect(interpreter.retryDelay(retrier, attempt: 5) == Durations.longestMilliseconds)
    }

    @Test func mapBatchOfIntMaxItemsTakesEverythingInOneBatch() async throws {
        let definition = #"""
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemBatcher":{"MaxItemsPerBatch":9223372036854775807},
              "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}
            """#
        let result = try await run(definition, input: [1, 2, 3])
        #expect(result.status == .succeeded, "\(result.cause ?? "")")
        #expect(result.output == [["Items": [1, 2, 3]]])
    }

    @Test(arguments: ["MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"])
    func mapCountsFromPathsThatAreNotNumbersFail(field: String) async throws {
        let definition = #"""
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","\#(field)":"$.n",
              "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}
            """#
        let result = try await run(definition, input: ["items": [1], "n": "lots"])
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
        #expect(result.cause?.contains("The \(field) field refers to value \"lots\"") == true, "\(result.cause ?? "")")
    }

    @Test func durationConversionsSaturate() {
        #expect(Durations.milliseconds(seconds: Int64.max) == Durations.longestMilliseconds)
        #expect(Durations.milliseconds(seconds: -1 as Int64) == 0)
        #expect(Durations.milliseconds(seconds: Double.infinity) == Durations.longestMilliseconds)
        #expect(Durations.milliseconds(seconds: Double.nan) == Durations.longestMilliseconds)
        #expect(Durations.milliseconds(seconds: 1.5) == 1500)
        #expect(Durations.nanoseconds(milliseconds: Int64.max) == UInt64.max)
        #expect(Durations.nanoseconds(milliseconds: -3) == 0)
        #expect(Durations.adding(10, to: Int64.max - 5) == Int64.max)
        #expect(Durations.difference(Int64.min, Int64.max) == Int64.min)
    }
}
