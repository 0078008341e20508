import Foundation
import SFNJSON
import SFNLanguage
import Testing

@testable import SFNRuntime

private let motoServer: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/moto_server") {
        return "\(directory)/moto_server"
    }
    return nil
}()

/// ItemReader and ResultWriter against a real S3-compatible server (moto's, which CI installs),
/// through SigV4-signed path-style requests.
@Suite struct S3EndpointTests {
    @Test(.enabled(if: motoServer != nil, "moto_server is not installed: the S3-endpoint test is skipped"))
    func aDistributedMapReadsAndWritesThroughAnS3Endpoint() async throws {
        let port = Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: motoServer ?? "moto_server")
        server.arguments = ["-p", "\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        let endpoint = "http://127.0.0.1:\(port)"
        var store = S3EndpointStore(endpoint: endpoint, accessKey: "testing", secret: "testing")
        // Streamed objects come in ranges this small, so rows and quoted fields span ranges.
        store.rangeBytes = 5
        // Wait for the server, then make the bucket (CreateBucket: PUT /BUCKET, signed).
        var ready = false
        for _ in 0..<200 where !ready {
            let headers = SignatureV4.sign(
                method: "PUT", path: "/sfn-data", query: "", host: "127.0.0.1:\(port)", body: [], accessKey: "testing", secret: "testing",
                region: "us-east-1", service: "s3")
            if let response = try? await PlainHTTPClient.request(
                "PUT", endpoint + "/sfn-data", headers: headers, body: [], timeoutSeconds: 2),
                response.status == 200
            {
                ready = true
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(ready, "moto_server did not start")
        try await store.put(bucket: "sfn-data", key: "in/rows.csv", Array("id,name\n1,Ana\n2,\"Bo, Jr.\"\n".utf8))
        try await store.put(bucket: "sfn-data", key: "in/more file.json", Array("[3]".utf8))

        var configuration = RuntimeConfiguration.virtualTime()
        configuration.objects = store
        let definition = try JSON(
            parsing: #"""
                {"StartAt": "Rows", "States": {
                  "Rows": {"Type": "Map", "Next": "Objects",
                    "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV"},
                                   "Parameters": {"Bucket": "sfn-data", "Key": "in/rows.csv"}},
                    "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "sfn-data", "Prefix": "out"}},
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                      "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                    "ResultPath": "$.written"},
                  "Objects": {"Type": "Map", "End": true, "ResultPath": "$.objects",
                    "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "sfn-data", "Prefix": "in/"}},
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                      "StartAt": "K", "States": {"K": {"Type": "Pass", "Parameters": {"key.$": "$.Key", "size.$": "$.Size"}, "End": true}}}}}}
                """#)
        let result = try await StateMachineRuntime(definition: definition, configuration: configuration).run()
        #expect(result.status == .succeeded, "\(result.error ?? "") \(result.cause ?? "")")
        #expect(result.output?["objects"] == [["key": "in/more file.json", "size": 3], ["key": "in/rows.csv", "size": 26]])
        let manifestKey = try #require(result.output?["written"]?["ResultWriterDetails"]?["Key"]?.stringValue)
        let manifest = try JSON(parsing: String(decoding: try await store.object(bucket: "sfn-data", key: manifestKey), as: UTF8.self))
        let resultsKey = try #require(manifest["ResultFiles"]?["SUCCEEDED"]?[0]?["Key"]?.stringValue)
        let results = try JSON(parsing: String(decoding: try await store.object(bucket: "sfn-data", key: resultsKey), as: UTF8.self))
        #expect(
            results.arrayValue?.compactMap { $0["Output"]?.stringValue } == [#"{"id":"1","name":"Ana"}"#, #"{"id":"2","name":"Bo, Jr."}"#])

        // A missing object fails the Map with S3's own words.
        let missing = try JSON(
            parsing:
                #"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"sfn-data","Key":"nope.json"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}"#
        )
        let failed = try await StateMachineRuntime(definition: missing, configuration: configuration).run()
        #expect(failed.error == "States.ItemReaderFailed")
        #expect(failed.cause?.contains("NoSuchKey") == true, "\(failed.cause ?? "")")
    }

    static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
