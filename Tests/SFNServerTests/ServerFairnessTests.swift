import Foundation
import SFNJSON
import SFNTestSupport
import Testing

@testable import SFNServer

/// Runaway executions share the machine: they yield their threads, so the API keeps answering
/// and StopExecution ends them.
@Suite struct ServerFairnessTests {
    @Test func runawayExecutionsCannotStarveTheAPI() async throws {
        // A Distributed Map's children have event caps of their own, so this parent runs for
        // a long time on pure computation: 1,000 children of 6,000 transitions, one after another.
        let service = StepFunctionsService()
        let definition = """
            {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.items","ResultPath":null,"ItemProcessor":{
              "ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Count","States":{
              "Count":{"Type":"Pass","Parameters":{"i.$":"States.MathAdd($.i, 1)"},"Next":"Check"},
              "Check":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericLessThan":3000,"Next":"Count"}],"Default":"Done"},
              "Done":{"Type":"Succeed"}}},"End":true}}}
            """
        let machine = try await createMachine(service, "runaway", definition)
        let items = JSON.array(Array(repeating: ["i": 0], count: 1_000))
        var executions: [String] = []
        for _ in 0..<4 {
            executions.append(try await startExecution(service, machine, input: JSON.object(["items": items]).compactText))
        }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        for execution in executions {
            let asked = clock.now
            let described = try await call(service, "DescribeExecution", ["executionArn": .string(execution)])
            #expect(described["status"] == "RUNNING")
            _ = try await call(service, "StopExecution", ["executionArn": .string(execution)])
            #expect(asked.duration(to: clock.now) < .seconds(5), "the API answered late under runaway executions")
        }
        for execution in executions {
            let description = try await finished(service, execution)
            #expect(description["status"] == "ABORTED")
        }
    }
}

@Suite struct SlowClientTests {
    /// A client that opens a connection and sends half a request head, byte by byte or not at all.
    static let slowClient = #"""
        import socket, sys, time
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        started = time.time()
        s.settimeout(30)
        try:
            data = s.recv(1)
        except Exception as error:
            print("error", error)
            sys.exit(1)
        print("closed" if data == b"" else "data", round(time.time() - started, 1))
        """#

    @Test func idleAndHalfSentRequestsAreClosed() async throws {
        let service = StepFunctionsService()
        let server = try await RunningServer.start(
            router: StepFunctionsRoutes.router(service: service), idleTimeout: .seconds(1))
        let python = try #require(findExecutable("python3"))
        let answer = try await runProcess(python, ["-c", Self.slowClient, String(server.port)])
        await server.stop()
        #expect(answer.output.hasPrefix("closed"), "\(answer.output) \(answer.error)")
        let seconds = Double(answer.output.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 99
        #expect(seconds < 15)
    }
}

@Suite struct RetentionTests {
    @Test func closedExecutionsBeyondTheRetentionAreForgotten() async throws {
        let service = StepFunctionsService(retention: ExecutionRetention(closedExecutions: 5))
        let machine = try await createMachine(service, "quick", #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#)
        var started: [String] = []
        for index in 0..<60 {
            let execution = try await startExecution(service, machine, name: "run-\(index)")
            _ = try await finished(service, execution)
            started.append(execution)
        }
        let listed = try await call(service, "ListExecutions", ["stateMachineArn": .string(machine), "maxResults": 1000])
        let arns = listed["executions"]?.arrayValue?.compactMap { $0["executionArn"]?.stringValue } ?? []
        // The newest are kept (and listed newest first); at most a sweep's slack more than 5 remain.
        #expect(arns.first == started.last)
        #expect(arns.count >= 5 && arns.count <= 5 + 16)
        #expect(await failure(service, "DescribeExecution", ["executionArn": .string(started[0])])?.type == "ExecutionDoesNotExist")
        #expect(try await call(service, "DescribeExecution", ["executionArn": .string(started[59])])["status"] == "SUCCEEDED")
    }

    @Test func listingPagesWithoutWalkingEverything() async throws {
        let service = StepFunctionsService()
        let machine = try await createMachine(service, "pages", #"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#)
        var started: [String] = []
        for index in 0..<7 {
            let execution = try await startExecution(service, machine, name: "p-\(index)")
            _ = try await finished(service, execution)
            started.append(execution)
        }
        var seen: [String] = []
        var token: JSON = .null
        repeat {
            var body: JSONObject = ["stateMachineArn": .string(machine), "maxResults": 3]
            if token != .null { body["nextToken"] = token }
            let page = try await call(service, "ListExecutions", .object(body))
            seen += page["executions"]?.arrayValue?.compactMap { $0["executionArn"]?.stringValue } ?? []
            token = page["nextToken"] ?? .null
        } while token != .null
        #expect(seen == started.reversed())
    }
}
