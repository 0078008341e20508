import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SFNJSON
import SFNRuntime
import SFNServer
import Testing

/// The console's own routes: its embedded page, the graphs and the waiting tasks. (The whole
/// console in a browser: Tests/Browser/console-test.py.)
@Suite struct ConsoleRouteTests {
    static func text(_ buffer: ByteBuffer) -> String { String(decoding: buffer.readableBytesView, as: UTF8.self) }

    @Test func thePageAndItsAssetsAreServedWithATightPolicy() async throws {
        let app = Application(router: StepFunctionsRoutes.router(service: StepFunctionsService()))
        try await app.test(.router) { client in
            for (path, type) in [("/", "text/html"), ("/console/app.js", "text/javascript"), ("/console/app.css", "text/css")] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix(type) == true)
                    let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                    #expect(policy.contains("default-src 'self'"))
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                }
            }
            try await client.execute(uri: "/", method: .get) { response in
                let page = Self.text(response.body)
                #expect(page.contains(#"<script src="/console/app.js"></script>"#))
                // Offline: nothing is loaded from anywhere but the server.
                #expect(!page.contains("http://") && !page.contains("https://"))
            }
            try await client.execute(uri: "/console/app.js", method: .get) { response in
                let script = Self.text(response.body)
                #expect(!script.contains("innerHTML"))
                #expect(!script.contains("http://") && !script.contains("https://"))
            }
        }
    }

    @Test func aSignedServerHasNoConsole() async throws {
        let verifier = SignatureV4Verifier(secrets: ["AKID": "secret"])
        let app = Application(router: StepFunctionsRoutes.router(service: StepFunctionsService(), verifier: verifier))
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status != .ok)
            }
        }
    }

    @Test func graphsAndWaitingTasksAnswerTheConsole() async throws {
        let service = StepFunctionsService()
        let machine = try await createMachine(service, "approve", Definitions.callback)
        let execution = try await startExecution(service, machine, input: #"{"order": 7}"#)
        let token = try #require(try await scheduledToken(service, execution))
        let app = Application(router: StepFunctionsRoutes.router(service: service))
        try await app.test(.router) { client in
            try await client.execute(uri: "/console/graph.svg?stateMachineArn=\(machine)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("image/svg+xml") == true)
                #expect(Self.text(response.body).contains(#"<g class="state" id="state-s0" data-state="Wait""#))
            }
            try await client.execute(uri: "/console/graph.svg?executionArn=\(execution)", method: .get) { response in
                #expect(Self.text(response.body).contains(#"<g class="state status-running" id="state-s0" data-state="Wait""#))
            }
            try await client.execute(uri: "/console/tasks?executionArn=\(execution)", method: .get) { response in
                let tasks = try? JSON(parsing: Self.text(response.body))["tasks"]?.arrayValue
                #expect(tasks?.count == 1)
                #expect(tasks?.first?["taskToken"]?.stringValue == token)
                #expect(tasks?.first?["stateName"] == "Wait")
            }
            try await client.execute(uri: "/console/graph.svg?executionArn=\(executionPrefix)approve:nope", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(Self.text(response.body).contains("ExecutionDoesNotExist"))
            }
            try await client.execute(uri: "/console/graph.svg", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
        _ = try await call(service, "SendTaskSuccess", ["taskToken": .string(token), "output": #"{"ok":true}"#])
        #expect(try await finished(service, execution)["status"] == "SUCCEEDED")
        try await app.test(.router) { client in
            try await client.execute(uri: "/console/tasks?executionArn=\(execution)", method: .get) { response in
                #expect((try? JSON(parsing: Self.text(response.body)))?["tasks"]?.arrayValue?.count == 0)
            }
            try await client.execute(uri: "/console/graph.svg?executionArn=\(execution)", method: .get) { response in
                #expect(Self.text(response.body).contains(#"<g class="state status-succeeded" id="state-s0" data-state="Wait""#))
            }
        }
    }

    /// A Distributed Map's child execution is drawn as the item processor it ran.
    @Test func aMapRunChildIsDrawnAsItsItemProcessor() async throws {
        let service = StepFunctionsService()
        let definition = """
            {"StartAt":"Each","States":{"Each":{"Type":"Map","Label":"Orders","ItemsPath":"$.items","ItemProcessor":{
              "ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Look","States":{
              "Look":{"Type":"Pass","Next":"Ship"},"Ship":{"Type":"Succeed"}}},"End":true}}}
            """
        let machine = try await createMachine(service, "orders", definition)
        let execution = try await startExecution(service, machine, input: #"{"items": [1, 2]}"#)
        #expect(try await finished(service, execution)["status"] == "SUCCEEDED")
        let runs = try await call(service, "ListMapRuns", ["executionArn": .string(execution)])["mapRuns"]?.arrayValue ?? []
        let run = try #require(runs.first?["mapRunArn"]?.stringValue)
        let children = try await call(service, "ListExecutions", ["mapRunArn": .string(run)])["executions"]?.arrayValue ?? []
        let child = try #require(children.first?["executionArn"]?.stringValue)
        let app = Application(router: StepFunctionsRoutes.router(service: service))
        try await app.test(.router) { client in
            try await client.execute(uri: "/console/graph.svg?executionArn=\(child)", method: .get) { response in
                #expect(response.status == .ok)
                let svg = Self.text(response.body)
                #expect(svg.contains(#"class="state status-succeeded" id="state-s0" data-state="Look""#))
                #expect(svg.contains(#"data-state="Ship""#))
                #expect(!svg.contains(#"data-state="Each""#))
            }
        }
    }
}
