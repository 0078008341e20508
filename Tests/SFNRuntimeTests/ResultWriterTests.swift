import Foundation
import SFNJSON
import SFNLanguage
import SFNTestSupport
import Testing

@testable import SFNRuntime

/// ResultWriter and its WriterConfig as AWS's "ResultWriter (Map)" page documents them, and a
/// Map Run that streams its items and results, over a folder standing for S3.
@Suite struct ResultWriterTests {
    let folder: TemporaryFolder
    let configuration: RuntimeConfiguration

    init() throws {
        folder = try TemporaryFolder(prefix: "sfn-s3")
        try FileManager.default.createDirectory(atPath: folder.path + "/results", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.path + "/items", withIntermediateDirectories: true)
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.objects = FolderObjectStore(root: folder.path)
        self.configuration = configuration
    }

    /// A Distributed Map over the input's items whose children return `[item, item]`, or fail
    /// on the item 3 (tolerated).
    func definition(writer: JSON?, reader: JSON? = nil) -> JSON {
        var map: JSONObject = [
            "Type": "Map", "End": true, "ToleratedFailurePercentage": 100,
            "ItemProcessor": [
                "ProcessorConfig": ["Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"], "StartAt": "Three?",
                "States": [
                    "Three?": ["Type": "Choice", "Choices": [["Variable": "$", "NumericEquals": 3, "Next": "No"]], "Default": "Twice"],
                    "No": ["Type": "Fail", "Error": "Three", "Cause": "not three"],
                    "Twice": ["Type": "Pass", "Parameters": ["pair.$": "States.Array($, $)"], "OutputPath": "$.pair", "End": true],
                ],
            ],
        ]
        if let writer { map["ResultWriter"] = writer }
        if let reader { map["ItemReader"] = reader }
        return ["StartAt": "Map", "States": ["Map": .object(map)]]
    }

    func run(_ definition: JSON, input: JSON = [1, 2, 3]) async throws -> ExecutionResult {
        let runtime = try StateMachineRuntime(definition: definition, configuration: configuration)
        return await runtime.run(input: input)
    }

    func read(_ key: String) throws -> String {
        try String(contentsOfFile: folder.path + "/results/" + key, encoding: .utf8)
    }

    static func toS3(_ config: JSON? = nil) -> JSON {
        var writer: JSONObject = ["Resource": "arn:aws:states:::s3:putObject", "Parameters": ["Bucket": "results", "Prefix": "runs"]]
        if let config { writer["WriterConfig"] = config }
        return .object(writer)
    }

    /// The result files named by the manifest the state's output points at.
    func files(_ result: ExecutionResult) throws -> (succeeded: String, failed: String) {
        let manifestKey = try #require(result.output?["ResultWriterDetails"]?["Key"]?.stringValue)
        let manifest = try JSON(parsing: try read(manifestKey))
        let succeeded = try #require(manifest["ResultFiles"]?["SUCCEEDED"]?[0]?["Key"]?.stringValue)
        let failed = try #require(manifest["ResultFiles"]?["FAILED"]?[0]?["Key"]?.stringValue)
        #expect(manifest["ResultFiles"]?["SUCCEEDED"]?[0]?["Size"]?.intValue == (try read(succeeded)).utf8.count)
        return (try read(succeeded), try read(failed))
    }

    @Test func withoutWriterConfigTheFilesHoldEachChildsDetails() async throws {
        let result = try await run(definition(writer: Self.toS3()))
        #expect(result.status == .succeeded)
        let (succeeded, failed) = try files(result)
        let entries = try JSON(parsing: succeeded).arrayValue ?? []
        #expect(Set(entries.compactMap { $0["Output"]?.stringValue }) == ["[1,1]", "[2,2]"])
        #expect(entries.allSatisfy { $0["Status"] == "SUCCEEDED" && $0["ExecutionArn"]?.stringValue?.contains(":execution:") == true })
        let failures = try JSON(parsing: failed).arrayValue ?? []
        #expect(failures.count == 1)
        #expect(failures.first?["Error"] == "Three")
        #expect(failures.first?["Input"] == "3")
    }

    @Test func compactAndFlattenWriteTheOutputsAndJSONLWritesLines() async throws {
        let compact = try files(try await run(definition(writer: Self.toS3(["Transformation": "COMPACT", "OutputType": "JSON"]))))
        #expect(Set((try JSON(parsing: compact.succeeded).arrayValue ?? [])) == [[1, 1], [2, 2]])
        // A failed child keeps its details whatever the transformation.
        #expect(try JSON(parsing: compact.failed)[0]?["Error"] == "Three")

        let flat = try files(try await run(definition(writer: Self.toS3(["Transformation": "FLATTEN", "OutputType": "JSONL"]))))
        let lines = flat.succeeded.split(separator: "\n").map(String.init)
        #expect(lines.sorted() == ["1", "1", "2", "2"])
        #expect(flat.succeeded.hasSuffix("\n"))
        #expect(try JSON(parsing: String(flat.failed.split(separator: "\n")[0]))["Status"] == "FAILED")
    }

    @Test func writerConfigAloneShapesTheStatesOutput() async throws {
        let flat = try await run(definition(writer: ["WriterConfig": ["Transformation": "FLATTEN", "OutputType": "JSON"]]))
        #expect(flat.output == [1, 1, 2, 2, ["Error": "Three", "Cause": "not three"]])
        let compact = try await run(definition(writer: ["WriterConfig": ["Transformation": "COMPACT", "OutputType": "JSON"]]))
        #expect(compact.output == [[1, 1], [2, 2], ["Error": "Three", "Cause": "not three"]])
        let none = try await run(definition(writer: ["WriterConfig": ["Transformation": "NONE", "OutputType": "JSON"]]))
        #expect(none.output?[0]?["Output"] == "[1,1]")
        #expect(none.output?[0]?["Status"] == "SUCCEEDED")
    }

    /// 20,000 JSON Lines read in pieces and 20,000 results written as they end: every item is
    /// run once, the report counts them all, and it keeps a bounded number of children.
    @Test func aLargeMapRunStreamsItsItemsAndResults() async throws {
        let count = 20_000
        var text = ""
        for index in 1...count { text += "{\"n\": \(index)}\n" }
        try text.write(toFile: folder.path + "/items/many.jsonl", atomically: true, encoding: .utf8)
        let reader: JSON = [
            "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": ["InputType": "JSONL"],
            "Parameters": ["Bucket": "items", "Key": "many.jsonl"],
        ]
        let machine: JSON = [
            "StartAt": "Map",
            "States": [
                "Map": [
                    "Type": "Map", "End": true, "ItemReader": reader, "MaxConcurrency": 100,
                    "ResultWriter": Self.toS3(["Transformation": "COMPACT", "OutputType": "JSONL"]),
                    "ItemSelector": ["value.$": "$$.Map.Item.Value.n", "index.$": "$$.Map.Item.Index"],
                    "ItemProcessor": [
                        "ProcessorConfig": ["Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"], "StartAt": "Add",
                        "States": [
                            "Add": ["Type": "Pass", "Parameters": ["sum.$": "States.MathAdd($.value, $.index)"], "End": true]
                        ],
                    ],
                ]
            ],
        ]
        let runtime = try StateMachineRuntime(definition: machine, configuration: configuration)
        let execution = runtime.start()
        let result = await execution.result()
        #expect(result.status == .succeeded, "\(result.error ?? "") \(result.cause ?? "")")
        let manifestKey = try #require(result.output?["ResultWriterDetails"]?["Key"]?.stringValue)
        let manifest = try JSON(parsing: try read(manifestKey))
        let key = try #require(manifest["ResultFiles"]?["SUCCEEDED"]?[0]?["Key"]?.stringValue)
        let sums = try read(key).split(separator: "\n").compactMap { try? JSON(parsing: String($0))["sum"]?.intValue }
        // Item n (index n - 1) sums to 2n - 1: each item ran once.
        #expect(sums.sorted() == (1...count).map { 2 * $0 - 1 })
        let report = try #require(execution.mapRuns.first)
        #expect(report.items.total == count)
        #expect(report.items.succeeded == count)
        #expect(report.items.pending == 0 && report.items.running == 0)
        #expect(report.children.count == 1_000)
        #expect(report.status == .succeeded)
    }
}
