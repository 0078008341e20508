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
        (#"{"InputType": "CSV"}"#, "twice.csv", "CSV headers cannot contain duplicates."),
        (#"{"InputType": "JSON"}"#, "object.json", "Attempting to map over non-iterable node."),
        (#"{"InputType": "JSONL"}"#, "broken.jsonl", "Line 2"),
    ])
    func unreadableItemsFailWithItemReaderFailed(config: String, key: String, cause: String) async throws {
        try put("bad.csv", "a,b\n\"open,1\n")
        try put("twice.csv", "a,b,a\n1,2,3\n")
        try put("object.json", #"{"not": "a list"}"#)
        try put("broken.jsonl", "{\"n\": 1}\n{broken\n")
        let result = try await run(Self.getObject(key, try JSON(parsing: config)))
        #expect(result.status == .failed)
        #expect(result.error == "States.ItemReaderFailed")
        #expect(result.cause?.contains(cause) == true, "\(result.cause ?? "")")
    }

    /// AWS's recorded CSV behaviour: fields past the headers are dropped, missing ones are empty
    /// strings, a row of blanks is an item, and an empty header name is a key.
    @Test func csvRowsTakeTheirHeadersShape() async throws {
        try put("ragged.csv", "H1,\nValue4,Value5,Value6\n,,,\nNull,None,\n   \n")
        let result = try await run(Self.getObject("ragged.csv", ["InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"]))
        #expect(
            result.output
                == [["H1": "Value4", "": "Value5"], ["H1": "", "": ""], ["H1": "Null", "": "None"], ["H1": "   ", "": ""]])
        let given = try await run(
            Self.getObject("ragged.csv", ["InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["only"]]))
        #expect(given.output?.arrayValue?.first == ["only": "H1"])
        let twice = try await run(
            Self.getObject("ragged.csv", ["InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["x", "x"]]))
        #expect(twice.error == "States.ItemReaderFailed")
        #expect(twice.cause == "CSV headers cannot contain duplicates.")
    }

    /// The Map Run reads the items: MapStateStarted counts none, and a reader failure is the
    /// Map Run's (MapRunFailed with the error, then MapStateFailed), which a Catch can take.
    @Test func aReaderFailureFailsTheMapRun() async throws {
        var recording = configuration
        recording.recordsHistory = true
        let definition: JSON = [
            "StartAt": "Map",
            "States": [
                "Map": [
                    "Type": "Map", "ItemReader": Self.getObject("missing.json", ["InputType": "JSON"]), "End": true,
                    "ItemProcessor": [
                        "ProcessorConfig": ["Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"], "StartAt": "P",
                        "States": ["P": ["Type": "Pass", "End": true]],
                    ],
                ]
            ],
        ]
        let runtime = try StateMachineRuntime(definition: definition, configuration: recording)
        let execution = runtime.start()
        let result = await execution.result()
        #expect(result.error == "States.ItemReaderFailed")
        let events = execution.history
        #expect(
            events.map(\.type) == [
                "ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunFailed", "MapStateFailed",
                "ExecutionFailed",
            ])
        #expect(events[2].details?["length"] == 0)
        #expect(events[4].details?["error"] == "States.ItemReaderFailed")
    }

    /// MaxItems as AWS takes it: 0 is no limit, a negative number fails the Map Run, a number
    /// that is not an integer fails the state, and anything past 100,000,000 is that cap.
    @Test(arguments: [
        (JSON.int(0), nil as String?, nil as String?, 4), (JSON.int(2), nil, nil, 2), (JSON.int(100_000_001), nil, nil, 4),
        (JSON.int(-1), "States.ItemReaderFailed", "field MaxItems must be positive", 0),
        (
            JSON.double(1.5), "States.Runtime",
            #"An error occurred while executing the state 'Map' (entered at the event id #2). The MaxItemsPath field refers to value "1.5" which is not a valid integer: $.MaxItems"#,
            0
        ),
    ])
    func maxItemsFromAPath(limit: JSON, error: String?, cause: String?, count: Int) async throws {
        try put("four.csv", "Col1,Col2\n1,2\n3,4\n5,6\n7,8\n")
        let result = try await run(
            Self.getObject("four.csv", ["InputType": "CSV", "MaxItemsPath": "$.MaxItems"]), input: ["MaxItems": limit])
        #expect(result.error == error)
        #expect(result.cause == cause)
        if error == nil { #expect(result.output?.arrayValue?.count == count) }
    }

    /// Lines and CSV rows are read from pieces: a piece may end anywhere, inside a quoted field,
    /// between a carriage return and its line feed.
    @Test func piecesMayEndAnywhere() throws {
        let text = Array("a,\"b\r\nc\",\"\"\"q\"\"\"\r\nd,e\n\nf,g".utf8)
        var whole = CSVRowParser(delimiter: UInt8(ascii: ","))
        whole.add(text)
        _ = try whole.finish(source: "s")
        var expected: [[String]] = []
        while let row = whole.nextRow() { expected.append(row) }
        #expect(expected == [["a", "b\r\nc", "\"q\""], ["d", "e"], [""], ["f", "g"]])
        for cut in 0...text.count {
            var parser = CSVRowParser(delimiter: UInt8(ascii: ","))
            var rows: [[String]] = []
            parser.add(Array(text[..<cut]))
            while let row = parser.nextRow() { rows.append(row) }
            parser.add(Array(text[cut...]))
            _ = try parser.finish(source: "s")
            while let row = parser.nextRow() { rows.append(row) }
            #expect(rows == expected, "cut at \(cut)")
        }
        let lines = Array("{\"a\":1}\r\n\n{\"b\":2}".utf8)
        for cut in 0...lines.count {
            var splitter = LineSplitter()
            var found: [String] = []
            splitter.add(Array(lines[..<cut]))
            while let line = splitter.nextLine() { found.append(String(decoding: line, as: UTF8.self)) }
            splitter.add(Array(lines[cut...]))
            _ = splitter.finish()
            while let line = splitter.nextLine() { found.append(String(decoding: line, as: UTF8.self)) }
            #expect(found == [#"{"a":1}"#, "", #"{"b":2}"#], "cut at \(cut)")
        }
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
