import Foundation
import SFNJSON
import SFNLanguage
import SFNTestSupport
import Testing

@testable import SFNRuntime

/// Distributed Map ItemReader forms as AWS's "ItemReader (Map)" page documents them, over a
/// folder standing for S3.
@Suite struct ItemReaderTests {
    let folder: TemporaryFolder
    let configuration: RuntimeConfiguration

    init() throws {
        folder = try TemporaryFolder(prefix: "sfn-s3")
        try FileManager.default.createDirectory(atPath: folder.path + "/amzn-s3-demo-bucket/csvDataset", withIntermediateDirectories: true)
        var configuration = RuntimeConfiguration.virtualTime()
        configuration.objects = FolderObjectStore(root: folder.path)
        self.configuration = configuration
    }

    func put(_ key: String, _ text: String) throws {
        let path = folder.path + "/amzn-s3-demo-bucket/" + key
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A Distributed Map whose iterations return their input, reading with `reader`.
    func run(_ reader: JSON, input: JSON = .emptyObject, jsonata: Bool = false) async throws -> ExecutionResult {
        var definition: JSONObject = [
            "StartAt": "Map",
            "States": [
                "Map": [
                    "Type": "Map", "ItemReader": reader, "End": true,
                    "ItemProcessor": [
                        "ProcessorConfig": ["Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"], "StartAt": "P",
                        "States": ["P": ["Type": "Pass", "End": true]],
                    ],
                ]
            ],
        ]
        if jsonata { definition["QueryLanguage"] = "JSONata" }
        let runtime = try StateMachineRuntime(definition: .object(definition), configuration: configuration)
        return await runtime.run(input: input)
    }

    static func getObject(_ key: String, _ config: JSON) -> JSON {
        [
            "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": config,
            "Parameters": ["Bucket": "amzn-s3-demo-bucket", "Key": .string(key)],
        ]
    }

    @Test func csvWithAHeaderRowGivesObjectsOfStrings() async throws {
        try put("csvDataset/ratings.csv", "rating,movieId,userId\n3.5,1,1\n4,2,1\n\"5, at last\",\"\"\"3\"\"\",2\n")
        let result = try await run(Self.getObject("csvDataset/ratings.csv", ["InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"]))
        #expect(
            result.output
                == [
                    ["rating": "3.5", "movieId": "1", "userId": "1"], ["rating": "4", "movieId": "2", "userId": "1"],
                    ["rating": "5, at last", "movieId": "\"3\"", "userId": "2"],
                ])
    }

    @Test func csvWithGivenHeadersAndAnotherDelimiter() async throws {
        try put("pipes.csv", "a|b\r\nc|d\r\n")
        let result = try await run(
            Self.getObject(
                "pipes.csv", ["InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["x", "y"], "CSVDelimiter": "PIPE"]))
        #expect(result.output == [["x": "a", "y": "b"], ["x": "c", "y": "d"]])
    }

    @Test func jsonArrayJsonLinesAndMaxItems() async throws {
        try put("items.json", #"[{"n": 1}, {"n": 2}, {"n": 3}]"#)
        try put("items.jsonl", "{\"n\": 1}\n{\"n\": 2}\n\n{\"n\": 3}\n")
        #expect(try await run(Self.getObject("items.json", ["InputType": "JSON"])).output == [["n": 1], ["n": 2], ["n": 3]])
        #expect(try await run(Self.getObject("items.jsonl", ["InputType": "JSONL", "MaxItems": 2])).output == [["n": 1], ["n": 2]])
        let fromPath = try await run(
            Self.getObject("items.json", ["InputType": "JSON", "MaxItemsPath": "$.limit"]), input: ["limit": 1])
        #expect(fromPath.output == [["n": 1]])
    }

    @Test func listObjectsV2GivesTheObjectsUnderAPrefixInKeyOrder() async throws {
        try put("images/b.jpg", "bb")
        try put("images/a.jpg", "a")
        try put("other/c.jpg", "c")
        let result = try await run([
            "Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": ["Bucket": "amzn-s3-demo-bucket", "Prefix": "images/"],
        ])
        let items = result.output?.arrayValue ?? []
        #expect(items.compactMap { $0["Key"]?.stringValue } == ["images/a.jpg", "images/b.jpg"])
        #expect(items.compactMap { $0["Size"]?.intValue } == [1, 2])
        #expect(items.first?["StorageClass"] == "STANDARD")
        #expect(items.first?["Etag"]?.stringValue == "\"0cc175b9c0f1b6a831c399e269772661\"")  // MD5 of "a"
    }

    @Test func jsonataArgumentsNameTheObject() async throws {
        try put("items.json", #"[1, 2]"#)
        let result = try await run(
            [
                "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": ["InputType": "JSON"],
                "Arguments": ["Bucket": "amzn-s3-demo-bucket", "Key": "{% $states.input.key %}"],
            ], input: ["key": "items.json"], jsonata: true)
        #expect(result.output == [1, 2])
    }

    @Test(arguments: [
        (#"{"InputType": "JSON"}"#, "missing.json", "The specified key does not exist"),
        (#"{"InputType": "CSV"}"#, "bad.csv", "ends inside a quoted field"),
        (#"{"InputType": "CSV"}"#, "wide.csv", "has 3 fields, more than the 2 headers"),
        (#"{"InputType": "JSON"}"#, "object.json", "not a JSON array"),
        (#"{"InputType": "JSONL"}"#, "broken.jsonl", "Line 2"),
    ])
    func unreadableItemsFailWithItemReaderFailed(config: String, key: String, cause: String) async throws {
        try put("bad.csv", "a,b\n\"open,1\n")
        try put("wide.csv", "a,b\n1,2,3\n")
        try put("object.json", #"{"not": "a list"}"#)
        try put("broken.jsonl", "{\"n\": 1}\n{broken\n")
        let result = try await run(Self.getObject(key, try JSON(parsing: config)))
        #expect(result.status == .failed)
        #expect(result.error == "States.ItemReaderFailed")
        #expect(result.cause?.contains(cause) == true, "\(result.cause ?? "")")
    }

    @Test func aReaderWithoutAStoreSaysHowToGiveOne() async throws {
        var bare = RuntimeConfiguration.virtualTime()
        bare.objects = nil
        let runtime = try StateMachineRuntime(
            definition: try JSON(
                parsing:
                    #"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b-1","Key":"k"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}"#
            ), configuration: bare)
        let result = await runtime.run()
        #expect(result.error == "States.ItemReaderFailed")
        #expect(result.cause?.contains("--s3 DIR") == true)
    }

    @Test func keysNeverLeaveTheirBucketsFolder() async throws {
        let store = FolderObjectStore(root: folder.path)
        for key in ["../escape", "a/../../b", "/absolute", ""] {
            await #expect(throws: StatesError.self) { try await store.object(bucket: "amzn-s3-demo-bucket", key: key) }
        }
        await #expect(throws: StatesError.self) { try await store.object(bucket: "..", key: "x") }
    }
}

@Suite struct ItemBatcherTests {
    func batches(_ batcher: JSON, items: JSON) async throws -> ExecutionResult {
        let definition: JSON = [
            "StartAt": "Map",
            "States": [
                "Map": [
                    "Type": "Map", "ItemBatcher": batcher, "End": true,
                    "ItemProcessor": [
                        "ProcessorConfig": ["Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"], "StartAt": "P",
                        "States": ["P": ["Type": "Pass", "End": true]],
                    ],
                ]
            ],
        ]
        return try await StateMachineRuntime(definition: definition, configuration: .virtualTime()).run(input: items)
    }

    @Test func batchesCloseAtTheByteLimit() async throws {
        // Each item is 9 bytes ({"n":"x"}); a batch costs 12 bytes before its items, and each item one more.
        let items: JSON = [["n": "a"], ["n": "b"], ["n": "c"], ["n": "d"], ["n": "e"]]
        let result = try await batches(["MaxInputBytesPerBatch": 32], items: items)
        #expect(result.output?.arrayValue?.compactMap { $0["Items"]?.arrayValue?.count } == [2, 2, 1])
        let both = try await batches(["MaxInputBytesPerBatch": 1000, "MaxItemsPerBatch": 3, "BatchInput": ["k": 1]], items: items)
        #expect(both.output?.arrayValue?.compactMap { $0["Items"]?.arrayValue?.count } == [3, 2])
        #expect(both.output?[0]?["BatchInput"] == ["k": 1])
    }

    @Test func anItemLargerThanABatchFails() async throws {
        let result = try await batches(["MaxInputBytesPerBatch": 16], items: [["long": "aaaaaaaaaaaaaaaa"]])
        #expect(result.status == .failed)
        #expect(result.cause?.contains("does not fit in a batch") == true)
    }
}
