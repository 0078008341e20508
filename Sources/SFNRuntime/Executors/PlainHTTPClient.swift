import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 client for plain `http://` endpoints (local Lambda emulators).
///
/// It exists so that the runtime does not need FoundationNetworking, which on Linux loads libcurl
/// and some thirty libraries at every `sfn` start. Each request runs its blocking socket calls on a
/// thread of its own and resumes the caller when done, so no concurrency thread is held.
package struct PlainHTTPClient {
    package struct Response {
        package var status: Int
        /// Header names lowercased.
        package var headers: [String: String]
        package var body: [UInt8]

        package func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    package enum Failure: Error, CustomStringConvertible {
        case invalidURL(String)
        case connection(String)
        case timedOut
        case malformedResponse(String)

        package var description: String {
            switch self {
            case .invalidURL(let url): "'\(url)' is not an http:// URL"
            case .connection(let reason): reason
            case .timedOut: "the request timed out"
            case .malformedResponse(let reason): "malformed HTTP response: \(reason)"
            }
        }
    }

    package static func post(
        _ urlText: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Double
    ) async throws(Failure) -> Response {
        try await request("POST", urlText, headers: headers, body: body, timeoutSeconds: timeoutSeconds)
    }

    /// One request (`GET`, `PUT`, `POST`...), the URL's path and query sent as encoded.
    static func request(
        _ method: String, _ urlText: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Double
    ) async throws(Failure) -> Response {
        // The request line carries the path as it was encoded (URL.path would decode %0D%0A back
        // into a line break); nothing with a control character or a space goes on the wire.
        guard let components = URLComponents(string: urlText), components.scheme == "http", let host = components.host,
            !host.isEmpty, Self.isWireSafe(host), Self.isWireSafe(components.percentEncodedPath)
        else { throw .invalidURL(urlText) }
        let port = components.port ?? 80
        var path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery, !query.isEmpty {
            guard Self.isWireSafe(query) else { throw .invalidURL(urlText) }
            path += "?" + query
        }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers {
            guard Self.isWireSafe(name), !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw .invalidURL(urlText)
            }
            head += "\(name): \(value)\r\n"
        }
        head += "\r\n"
        let request = Array(head.utf8) + body
        let result: Result<Response, Failure> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: exchange(host: host, port: port, request: request, timeoutSeconds: timeoutSeconds))
            }
            thread.start()
        }
        return try result.get()
    }

    /// Text with no control characters and no spaces: safe on a request line or as a header name.
    static func isWireSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }
    }

    private static func exchange(host: String, port: Int, request: [UInt8], timeoutSeconds: Double) -> Result<Response, Failure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var addresses: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &addresses) == 0, let first = addresses else {
            return .failure(.connection("cannot resolve \(host)"))
        }
        defer { freeaddrinfo(addresses) }
        var descriptor: Int32 = -1
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            if descriptor >= 0 {
                var timeout = timeval(
                    tv_sec: Int(timeoutSeconds), tv_usec: .init((timeoutSeconds - Double(Int(timeoutSeconds))) * 1_000_000))
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { break }
                close(descriptor)
                descriptor = -1
            }
            candidate = address.pointee.ai_next
        }
        guard descriptor >= 0 else { return .failure(.connection("cannot connect to \(host):\(port)")) }
        defer { close(descriptor) }

        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 {
                return .failure(errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .connection("the connection closed while sending"))
            }
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                return .failure(errno == EAGAIN || errno == EWOULDBLOCK ? .timedOut : .connection("the connection failed while receiving"))
            }
            received.append(contentsOf: buffer[0..<count])
        }
        return parse(received)
    }

    static func parse(_ bytes: [UInt8]) -> Result<Response, Failure> {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = bytes.firstRange(of: separator) else { return .failure(.malformedResponse("no end of headers")) }
        let head = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        guard !lines.isEmpty else { return .failure(.malformedResponse("no status line")) }
        let statusParts = lines.removeFirst().split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return .failure(.malformedResponse("bad status line")) }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[headEnd.upperBound...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let decoded = dechunk(body) else { return .failure(.malformedResponse("bad chunked body")) }
            body = decoded
        } else if let length = headers["content-length"].flatMap({ Int($0) }), length <= body.count {
            body = Array(body.prefix(length))
        }
        return .success(Response(status: status, headers: headers, body: body))
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstRange(of: [13, 10]) else { return nil }
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            index = lineEnd.upperBound
            if size == 0 { return result }
            guard index + size <= bytes.count else { return nil }
            result.append(contentsOf: bytes[index..<(index + size)])
            index += size + 2
        }
        return result
    }
}
