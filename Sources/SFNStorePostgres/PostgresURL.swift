import Foundation
import PostgresNIO
import SFNStore

/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (or `postgresql://`), as libpq spells it;
/// `?host=/path` names a Unix socket folder instead of a host.
struct PostgresURL {
    var host: String?
    var socket: String?
    var port: Int
    var user: String
    var password: String?
    var database: String

    init(_ text: String) throws(StoreError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme, scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError("'\(Self.redacted(text))' is not a postgres:// URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        user = url.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        password = url.password.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        database = path.isEmpty ? user : path
        port = url.port ?? 5432
        if let folder = url.queryItems?.first(where: { $0.name == "host" })?.value, folder.hasPrefix("/") {
            socket = "\(folder)/.s.PGSQL.\(port)"
        } else {
            guard let host = url.host, !host.isEmpty else { throw StoreError("'\(Self.redacted(text))' names no host") }
            self.host = host
        }
        if let mode = url.queryItems?.first(where: { $0.name == "sslmode" })?.value, mode != "disable" {
            throw StoreError("sslmode=\(mode) is not supported yet: use sslmode=disable on loopback or a private network")
        }
    }

    /// The pool's configuration, with at most `connections` connections. A session that sits in
    /// a transaction longer than `idleLimit` (its node paused or cut off mid-write) is ended by
    /// the server, so that its locks (its node row, the feed lock) do not hold the others up; a
    /// lock is waited for at most `lockLimit`.
    func client(connections: Int, idleLimit: Duration, lockLimit: Duration) -> PostgresClient.Configuration {
        var configuration =
            if let socket {
                PostgresClient.Configuration(unixSocketPath: socket, username: user, password: password, database: database)
            } else {
                PostgresClient.Configuration(
                    host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: .disable)
            }
        configuration.options.maximumConnections = max(3, connections)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.additionalStartupParameters = [
            ("idle_in_transaction_session_timeout", String(Self.milliseconds(idleLimit))),
            ("lock_timeout", String(Self.milliseconds(lockLimit))),
        ]
        return configuration
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        max(1, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// One connection's configuration (to tell why the database cannot be reached: the pool
    /// only says that connecting failed).
    var connection: PostgresConnection.Configuration {
        var configuration =
            if let socket {
                PostgresConnection.Configuration(unixSocketPath: socket, username: user, password: password, database: database)
            } else {
                PostgresConnection.Configuration(
                    host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: .disable)
            }
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
