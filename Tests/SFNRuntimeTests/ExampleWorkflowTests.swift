import Foundation
import SFNJSON
import SFNLanguage
import SFNTestSupport
import Testing

@testable import SFNRuntime

/// Runs every example under `workflows/` with local stand-ins for the Lambda functions its README
/// describes.
@Suite struct ExampleWorkflowTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("workflows")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".asl.json") }.map { String($0.dropLast(".asl.json".count)) }.sorted()
    }

    static func load(_ name: String, _ suffix: String) throws -> JSON {
        let data = try Data(contentsOf: folder.appendingPathComponent(name + suffix))
        return try JSON(parsing: data)
    }

    /// ChargeCard and EnrichCustomer as `workflows/README.md` describes them.
    static func register(_ configuration: inout RuntimeConfiguration) {
        configuration.executors.register(
            "arn:aws:lambda:us-east-1:123456789012:function:ChargeCard",
            ClosureExecutor(input: { input in
                ["transactionId": .string("tx-" + (input["orderId"]?.stringValue ?? "0")), "status": "CAPTURED"]
            }))
        configuration.executors.register(
            "arn:aws:states:::lambda:invoke",
            ClosureExecutor(input: { input in
                let customers = input["Payload"]?["customers"]?.arrayValue ?? []
                let enriched = customers.map { customer -> JSON in
                    guard case .object(var members) = customer else { return customer }
                    members["segment"] = "consumer"
                    return .object(members)
                }
                return ["Payload": ["customers": .array(enriched), "source": "crm"], "StatusCode": 200]
            }))
    }

    @Test func thereAreAtLeastTenExamples() {
        #expect(Self.names.count >= 10)
    }

    @Test(arguments: names)
    func exampleSucceeds(name: String) async throws {
        let definition = try Self.load(name, ".asl.json")
        let input = try Self.load(name, ".input.json")
        var configuration = RuntimeConfiguration.virtualTime()
        Self.register(&configuration)
        // The Distributed Map examples read their items from (a copy of) workflows/s3.
        let s3 = try Self.copyOfS3()
        configuration.objects = FolderObjectStore(root: s3.path)
        let runtime = try StateMachineRuntime(definition: definition, name: name, configuration: configuration)
        let result = await runtime.run(input: input)
        #expect(result.status == .succeeded, "\(name): \(result.error ?? "") \(result.cause ?? "")")
        #expect(result.output != nil)
    }

    /// workflows/s3 in a temporary folder: a ResultWriter writes into it.
    static func copyOfS3() throws -> TemporaryFolder {
        let copy = try TemporaryFolder(prefix: "sfn-example-s3")
        try FileManager.default.removeItem(atPath: copy.path)
        try FileManager.default.copyItem(atPath: folder.appendingPathComponent("s3").path, toPath: copy.path)
        return copy
    }

    @Test func theDistributedMapExamplesReadTheirDataAndWriteTheirResults() async throws {
        var configuration = RuntimeConfiguration.virtualTime()
        let s3 = try Self.copyOfS3()
        configuration.objects = FolderObjectStore(root: s3.path)
        func run(_ name: String) async throws -> JSON? {
            let runtime = try StateMachineRuntime(definition: try Self.load(name, ".asl.json"), name: name, configuration: configuration)
            return await runtime.run(input: try Self.load(name, ".input.json")).output
        }
        #expect(
            try await run("distributed-csv")
                == [
                    ["order": "1001", "who": "Ana", "dollars": 25], ["order": "1002", "who": "Bo, Jr.", "dollars": 12],
                    ["order": "1003", "who": "Chen", "dollars": 7],
                ])
        // The ResultWriter's manifest names the result file, which holds each child's output.
        let written = try #require(try await run("distributed-jsonl-batches"))
        #expect(written["MapRunArn"]?.stringValue?.contains(":mapRun:distributed-jsonl-batches/batches:") == true)
        #expect(written["ResultWriterDetails"]?["Bucket"] == "sfn-examples")
        let manifestKey = try #require(written["ResultWriterDetails"]?["Key"]?.stringValue)
        #expect(manifestKey.hasPrefix("batch-results/") && manifestKey.hasSuffix("/manifest.json"))
        let manifest = try JSON(parsing: try Data(contentsOf: URL(fileURLWithPath: s3.path + "/sfn-examples/" + manifestKey)))
        #expect(manifest["MapRunArn"] == written["MapRunArn"])
        #expect(manifest["ResultFiles"]?["FAILED"] == [])
        let resultKey = try #require(manifest["ResultFiles"]?["SUCCEEDED"]?[0]?["Key"]?.stringValue)
        let results = try JSON(parsing: try Data(contentsOf: URL(fileURLWithPath: s3.path + "/sfn-examples/" + resultKey)))
        #expect(
            results.arrayValue?.compactMap { $0["Output"]?.stringValue } == [
                #"{"warehouse":"north","skus":["A1","B7"]}"#, #"{"warehouse":"north","skus":["C3","D4"]}"#,
            ])
        #expect(results[0]?["Status"] == "SUCCEEDED")
        #expect(results[0]?["Input"] == #"{"BatchInput":{"warehouse":"north"},"Items":[{"sku":"A1","qty":2},{"sku":"B7","qty":1}]}"#)
        #expect(
            try await run("distributed-list-objects")
                == [["key": "invoices/2024-001.json", "bytes": 35], ["key": "invoices/2024-002.json", "bytes": 34]])
    }
}
