import Foundation
import HTTPTypes
import SFNLanguage
import SFNRuntime

/// Checks AWS Signature Version 4 on requests, against configured access keys: what every AWS SDK
/// and the AWS CLI already send. With keys configured, a request must be signed with one of
/// them, and the server answers as AWS does otherwise (MissingAuthenticationToken,
/// UnrecognizedClientException, InvalidSignatureException).
public struct SignatureV4Verifier: Sendable {
    /// Secret access keys by access key id.
    public let secrets: [String: String]
    /// How far the request's `X-Amz-Date` may be from the server's clock (AWS: 15 minutes).
    public var allowedSkew: TimeInterval = 15 * 60

    /// A verifier for these keys (access key id → secret access key).
    public init(secrets: [String: String]) {
        self.secrets = secrets
    }

    /// Reads `ID:SECRET`; nil when the text has no colon or an empty part.
    public static func parseKey(_ text: String) -> (id: String, secret: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let id = String(text[..<colon])
        let secret = String(text[text.index(after: colon)...])
        guard !id.isEmpty, !secret.isEmpty else { return nil }
        return (id, secret)
    }

    /// Throws the error AWS answers with unless the request carries a valid signature.
    func verify(
        method: String, path: String, query: String, authority: String?, headers: HTTPFields, body: [UInt8], now: Date = Date()
    ) throws(ServerError) {
        func header(_ name: String) -> String? {
            guard let field = HTTPField.Name(name) else { return nil }
            return headers[values: field].isEmpty ? nil : headers[values: field].joined(separator: ",")
        }
        guard let authorization = header("authorization") else {
            throw ServerError("MissingAuthenticationTokenException", "Missing Authentication Token", status: 403)
        }
        guard let parsed = Authorization(authorization) else {
            throw ServerError(
                "IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.",
                status: 403)
        }
        guard let secret = secrets[parsed.accessKey] else {
            throw ServerError("UnrecognizedClientException", "The security token included in the request is invalid.", status: 403)
        }
        guard let amzDate = header("x-amz-date"), let signedAt = Self.parseAmzDate(amzDate) else {
            throw ServerError(
                "IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
                status: 403)
        }
        if abs(signedAt.timeIntervalSince(now)) > allowedSkew {
            throw ServerError(
                "InvalidSignatureException", "Signature expired: \(amzDate) is now earlier or later than the allowed 15 minutes.",
                status: 403)
        }
        var canonicalHeaders = ""
        for name in parsed.signedHeaders {
            let value: String?
            if name == "host" { value = header("host") ?? authority } else { value = header(name) }
            guard let value else {
                throw ServerError("InvalidSignatureException", "The signed header '\(name)' is missing from the request.", status: 403)
            }
            canonicalHeaders += name + ":" + Self.trimmed(value) + "\n"
        }
        let payloadHash = header("x-amz-content-sha256") ?? DigestAlgorithm.hex(DigestAlgorithm.sha256.digest(body))
        let canonicalRequest = [
            method, Self.canonicalURI(path), Self.canonicalQuery(query), canonicalHeaders, parsed.signedHeaders.joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
        let expected = SignatureV4.signature(canonicalRequest: canonicalRequest, amzDate: amzDate, scope: parsed.scope, secret: secret)
        guard Self.constantTimeEqual(expected, parsed.signature) else {
            throw ServerError(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
                status: 403)
        }
    }

    /// `AWS4-HMAC-SHA256 Credential=ID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=HEX`.
    struct Authorization {
        var accessKey: String
        /// DATE, REGION, SERVICE, `aws4_request`.
        var scope: [String]
        var signedHeaders: [String]
        var signature: String

        init?(_ text: String) {
            guard text.hasPrefix("AWS4-HMAC-SHA256 ") else { return nil }
            var fields: [String: String] = [:]
            for part in text.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                guard let equals = pair.firstIndex(of: "=") else { continue }
                fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else {
                return nil
            }
            let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 5, parts[4] == "aws4_request" else { return nil }
            accessKey = parts[0]
            scope = Array(parts[1...])
            signedHeaders = signed.split(separator: ";").map { $0.lowercased() }
            self.signature = signature.lowercased()
        }
    }

    static func parseAmzDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }

    /// Header values with surrounding spaces trimmed and inner runs of spaces collapsed.
    static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func canonicalURI(_ path: String) -> String { SignatureV4.canonicalURI(path) }
    static func canonicalQuery(_ query: String) -> String { SignatureV4.canonicalQuery(query) }
    static func encode(_ text: String) -> String { SignatureV4.encode(text) }

    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] { DigestAlgorithm.hmacSHA256(key: key, message: message) }

    /// Compares without stopping at the first difference, so timing says nothing about the secret.
    static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8)
        let b = Array(right.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
