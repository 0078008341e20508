import Foundation
import SFNLanguage

/// AWS Signature Version 4: the canonical forms and the signature, shared by the server that
/// checks requests and the S3 client that signs them.
public enum SignatureV4 {
    /// RFC 3986 encoding: everything but unreserved characters.
    public static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }

    /// Each path segment URI-encoded (`/` for the root).
    public static func canonicalURI(_ path: String) -> String {
        if path.isEmpty { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            encode(String(segment).removingPercentEncoding ?? String(segment))
        }.joined(separator: "/")
    }

    /// The query's name=value pairs, encoded and sorted.
    public static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        return query.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (encode(name), encode(value))
        }.sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// The hex signature of a canonical request under `secret`, for `scope`
    /// (DATE, REGION, SERVICE, `aws4_request`).
    public static func signature(canonicalRequest: String, amzDate: String, scope: [String], secret: String) -> String {
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope.joined(separator: "/"),
            DigestAlgorithm.hex(DigestAlgorithm.sha256.digest(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        var key = Array(("AWS4" + secret).utf8)
        for part in scope { key = DigestAlgorithm.hmacSHA256(key: key, message: Array(part.utf8)) }
        return DigestAlgorithm.hex(DigestAlgorithm.hmacSHA256(key: key, message: Array(stringToSign.utf8)))
    }

    /// The headers that sign a request: `x-amz-date`, `x-amz-content-sha256` and `Authorization`.
    public static func sign(
        method: String, path: String, query: String, host: String, body: [UInt8], accessKey: String, secret: String, region: String,
        service: String, date: Date = Date()
    ) -> [(String, String)] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let amzDate = formatter.string(from: date)
        let day = String(amzDate.prefix(8))
        let payloadHash = DigestAlgorithm.hex(DigestAlgorithm.sha256.digest(body))
        let canonicalHeaders = "host:\(host)\nx-amz-content-sha256:\(payloadHash)\nx-amz-date:\(amzDate)\n"
        let signed = "host;x-amz-content-sha256;x-amz-date"
        let canonicalRequest = [method, canonicalURI(path), canonicalQuery(query), canonicalHeaders, signed, payloadHash].joined(
            separator: "\n")
        let scope = [day, region, service, "aws4_request"]
        let signature = signature(canonicalRequest: canonicalRequest, amzDate: amzDate, scope: scope, secret: secret)
        return [
            ("x-amz-date", amzDate), ("x-amz-content-sha256", payloadHash),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(accessKey)/\(scope.joined(separator: "/")), SignedHeaders=\(signed), Signature=\(signature)"
            ),
        ]
    }
}
