import Foundation
import SFNJSON
import SFNLanguage

/// S3 at an S3-compatible endpoint (MinIO, LocalStack, moto's server, Ceph...): path-style
/// requests (`http://HOST:PORT/BUCKET/KEY`), signed with Signature Version 4.
public struct S3EndpointStore: ObjectStore {
    /// `http://HOST:PORT`.
    public let endpoint: String
    /// The region requests are signed for.
    public let region: String
    /// The access key id and secret requests are signed with.
    public let accessKey: String
    /// The secret access key.
    public let secret: String
    /// How long one request may take.
    public var timeoutSeconds: Double = 30
    /// How many bytes each ranged GET of a streamed object (JSON Lines, CSV) asks for.
    public var rangeBytes = 8 << 20

    /// A store at `endpoint` (http only: a local server).
    public init(endpoint: String, region: String = "us-east-1", accessKey: String, secret: String) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.region = region
        self.accessKey = accessKey
        self.secret = secret
    }

    fileprivate func call(
        _ method: String, bucket: String, key: String = "", query: [(String, String)] = [], body: [UInt8] = [],
        extraHeaders: [(String, String)] = []
    ) async throws(StatesError) -> PlainHTTPClient.Response {
        let path =
            "/" + SignatureV4.encode(bucket)
            + (key.isEmpty
                ? ""
                : "/"
                    + key.split(separator: "/", omittingEmptySubsequences: false).map { SignatureV4.encode(String($0)) }.joined(
                        separator: "/"))
        let queryText = query.map { "\(SignatureV4.encode($0.0))=\(SignatureV4.encode($0.1))" }.joined(separator: "&")
        guard let components = URLComponents(string: endpoint), let host = components.host else {
            throw StatesError.itemReaderFailure("The S3 endpoint '\(endpoint)' is not an http:// URL")
        }
        let authority = components.port.map { "\(host):\($0)" } ?? host
        let headers = SignatureV4.sign(
            method: method, path: path, query: queryText, host: authority, body: body, accessKey: accessKey, secret: secret,
            region: region, service: "s3")
        let url = endpoint + path + (queryText.isEmpty ? "" : "?" + queryText)
        do throws(PlainHTTPClient.Failure) {
            return try await PlainHTTPClient.request(
                method, url, headers: headers + extraHeaders, body: body, timeoutSeconds: timeoutSeconds)
        } catch {
            throw StatesError.itemReaderFailure("S3 endpoint \(endpoint): \(error)")
        }
    }

    fileprivate func failure(_ response: PlainHTTPClient.Response, bucket: String, key: String) -> StatesError {
        let body = String(decoding: response.body, as: UTF8.self)
        let code = XMLText.first("Code", in: body) ?? "HTTP \(response.status)"
        let message = XMLText.first("Message", in: body) ?? body.prefix(200).description
        return StatesError.itemReaderFailure(
            "\(message) (Service: S3, Status Code: \(response.status), Error Code: \(code), Bucket: \(bucket), Key: \(key))")
    }

    /// GET /BUCKET/KEY.
    public func object(bucket: String, key: String) async throws(StatesError) -> [UInt8] {
        let response = try await call("GET", bucket: bucket, key: key)
        guard response.status == 200 else { throw failure(response, bucket: bucket, key: key) }
        return response.body
    }

    /// GET /BUCKET/KEY in ranges of eight megabytes.
    public func reader(bucket: String, key: String) async throws(StatesError) -> any ObjectReader {
        S3RangeReader(store: self, bucket: bucket, key: key)
    }

    /// ListObjectsV2, page after page.
    public func objects(bucket: String, prefix: String) async throws(StatesError) -> [StoredObjectSummary] {
        var found: [StoredObjectSummary] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let response = try await call("GET", bucket: bucket, query: query)
            guard response.status == 200 else { throw failure(response, bucket: bucket, key: prefix) }
            let body = String(decoding: response.body, as: UTF8.self)
            for contents in XMLText.all("Contents", in: body) {
                let modified = XMLText.first("LastModified", in: contents).flatMap(Timestamps.parse) ?? 0
                found.append(
                    StoredObjectSummary(
                        key: XMLText.first("Key", in: contents) ?? "", size: Int(XMLText.first("Size", in: contents) ?? "") ?? 0,
                        lastModified: modified, etag: XMLText.first("ETag", in: contents) ?? ""))
            }
            token = XMLText.first("IsTruncated", in: body) == "true" ? XMLText.first("NextContinuationToken", in: body) : nil
        } while token != nil
        return found
    }

    /// PUT /BUCKET/KEY.
    public func put(bucket: String, key: String, _ bytes: [UInt8]) async throws(StatesError) {
        let response = try await call("PUT", bucket: bucket, key: key, body: bytes)
        guard response.status == 200 else {
            throw StatesError(.resultWriterFailed, cause: failure(response, bucket: bucket, key: key).cause ?? "")
        }
    }
}

/// An S3 object read with ranged GETs, so a large object is never held whole.
final class S3RangeReader: ObjectReader {
    let store: S3EndpointStore
    let bucket: String
    let key: String
    /// Where the next range starts, and the object's size once known.
    private let position = Locked<(offset: Int, size: Int?)>((0, nil))

    init(store: S3EndpointStore, bucket: String, key: String) {
        self.store = store
        self.bucket = bucket
        self.key = key
    }

    func next() async throws(StatesError) -> [UInt8]? {
        let (offset, size) = position.withLock { $0 }
        if let size, offset >= size { return nil }
        let (end, overflow) = offset.addingReportingOverflow(max(1, store.rangeBytes) - 1)
        let range = "bytes=\(offset)-\(overflow ? Int.max : end)"
        let response = try await store.call("GET", bucket: bucket, key: key, extraHeaders: [("Range", range)])
        switch response.status {
        case 206:
            // Content-Range: bytes FIRST-LAST/SIZE
            let total = response.header("Content-Range").flatMap { $0.split(separator: "/").last }.flatMap { Int($0) }
            position.withLock { $0 = (offset + response.body.count, total ?? Int.max) }
            return response.body.isEmpty ? nil : response.body
        case 200:
            // A server that ignores ranges sends the whole object.
            position.withLock { $0 = (response.body.count, response.body.count) }
            return offset == 0 && !response.body.isEmpty ? response.body : nil
        case 416:
            return nil  // an empty object has no first byte
        default:
            throw store.failure(response, bucket: bucket, key: key)
        }
    }
}

/// The few pieces of S3's XML answers the store reads: text of elements by name.
enum XMLText {
    static func all(_ element: String, in text: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(element)>"), let close = rest.range(of: "</\(element)>", range: open.upperBound..<rest.endIndex)
        {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }

    static func first(_ element: String, in text: String) -> String? {
        all(element, in: text).first.map(unescape)
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }
}
