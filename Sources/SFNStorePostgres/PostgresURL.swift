import Foundation
import PostgresNIO
import SFNStore

/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (or `postgresql://`), as libpq spells it;
/// `?host=/path` names a Unix socket folder instead of a host.
enum PostgresURL {
    static func configuration(_ text: String, connections: Int) throws(StoreError) -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), let scheme = url.scheme, scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError("'\(redacted(text))' is not a postgres:// URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let user = url.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = url.password.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let database = path.isEmpty ? user : path
        var configuration: PostgresClient.Configuration
        if let socket = url.queryItems?.first(where: { $0.name == "host" })?.value, socket.hasPrefix("/") {
            let port = url.port ?? 5432
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(socket)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            guard let host = url.host, !host.isEmpty else { throw StoreError("'\(redacted(text))' names no host") }
            if let mode = url.queryItems?.first(where: { $0.name == "sslmode" })?.value, mode != "disable" {
                throw StoreError("sslmode=\(mode) is not supported yet: use sslmode=disable on loopback or a private network")
            }
            configuration = PostgresClient.Configuration(
                host: host, port: url.port ?? 5432, username: user, password: password, database: database, tls: .disable)
        }
        configuration.options.maximumConnections = max(3, connections)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The URL without its password, for messages.
    static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? text
    }
}
