import ArgumentParser
import Foundation
import SFNJSON
import SFNLanguage
import SFNRuntime
import SFNServer
import SFNStore
import SFNStorePostgres
import SFNStoreSQLite

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the AWS Step Functions API on localhost for SDKs, the AWS CLI and task-token callbacks.",
        discussion: """
            Point any AWS SDK or the AWS CLI at it with --endpoint-url http://HOST:PORT (any credentials, any region).
            Task tokens can also be completed with plain HTTP:
              curl -X POST http://HOST:PORT/tokens/TOKEN/success -d '{"result": 1}'
              curl -X POST http://HOST:PORT/tokens/TOKEN/failure -d '{"error": "Oops", "cause": "why"}'
              curl -X POST http://HOST:PORT/tokens/TOKEN/heartbeat
            """
    )

    @Option(help: "The address to listen on. Anything but loopback exposes the API to the network.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port).")
    var port = 8083

    @Flag(name: .customLong("virtual-time"), help: "Use a virtual clock: Waits, retry back-offs and timeouts take no real time.")
    var virtualTime = false

    @Option(
        help:
            "An executor configuration (JSON or YAML) routing Task resources and Lambda functions to local programs, endpoints or fixed results."
    )
    var config: String?

    @OptionGroup var account: AccountOptions

    @OptionGroup var templateParameters: TemplateParameterOptions

    @Option(
        name: .customLong("access-key"),
        help: ArgumentHelp(
            "An access key requests must be signed with (AWS Signature Version 4, as SDKs and the AWS CLI sign); repeatable. Required when listening beyond loopback.",
            valueName: "ID:SECRET"))
    var accessKeys: [String] = []

    @Option(
        name: .customLong("retain-executions"),
        help:
            "How many closed executions to keep for Describe/GetExecutionHistory/ListExecutions (the newest; at most 90 days old, as AWS keeps them)."
    )
    var retainedExecutions = ExecutionRetention().closedExecutions

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Keep state machines, executions and their histories in SQLite in this folder: a restart (or a crash) on the same folder carries on every unfinished execution.",
            valueName: "DIR"))
    var dataDir: String?

    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "Keep everything in PostgreSQL and share it with every other node given the same database: each node serves the whole API, runs the executions it starts and takes over those of a node that dies.",
            valueName: "postgres://USER:PASSWORD@HOST:PORT/DATABASE"))
    var storeURL: String?

    @Option(
        name: .customLong("node-id"),
        help: ArgumentHelp(
            "This node's name in the cluster (default: HOSTNAME:PORT). A node that starts again under its name takes back its executions if no other node has taken them over.",
            valueName: "NAME"))
    var nodeId: String?

    @Option(
        name: .customLong("lease-seconds"),
        help: "How long a node's lease lasts unrenewed (with --store): a node that dies is taken over within about this long.")
    var leaseSeconds = 10.0

    @Option(name: .customLong("store-connections"), help: "At most this many connections to the database (with --store).")
    var storeConnections = 4

    @Option(
        name: .customLong("mock-config"),
        help: ArgumentHelp(
            "A Step Functions Local mock configuration: StartExecution on 'STATE_MACHINE_ARN#TestCase' runs that test case's mocked responses (also read from SFN_MOCK_CONFIG).",
            valueName: "FILE"))
    var mockConfig: String?

    @Option(
        name: .customLong("s3"),
        help: ArgumentHelp(ObjectStores.help, valueName: "DIR|URL"))
    var s3: String?

    @Argument(help: "Definition files to register as state machines, each named after its file.")
    var definitions: [String] = []

    func run() async throws {
        do {
            try await serve()
        } catch let failure as CommandFailure {
            throw failure.exit()
        }
    }

    private func serve() async throws {
        var configuration = virtualTime ? RuntimeConfiguration.virtualTime(startingAt: WallClock.system.now()) : RuntimeConfiguration()
        configuration.recordsHistory = true
        configuration.use(account.value)
        if let s3 { configuration.objects = ObjectStores.make(s3, region: configuration.region) }
        if let config {
            do {
                configuration.executors = try ExecutorConfiguration.load(contentsOf: config).makeRegistry(random: configuration.random)
            } catch {
                throw CommandFailure.usage("--config \(config): \(error)")
            }
        }
        let retention = ExecutionRetention(closedExecutions: retainedExecutions)
        var mocks: MockConfiguration?
        if let file = mockConfig ?? ProcessInfo.processInfo.environment["SFN_MOCK_CONFIG"] {
            do {
                mocks = try MockConfiguration(contentsOf: file)
            } catch {
                throw CommandFailure.usage("--mock-config \(file): \(error)")
            }
        }
        let service: StepFunctionsService
        if let storeURL {
            guard dataDir == nil else { throw CommandFailure.usage("--store and --data-dir cannot be used together") }
            guard leaseSeconds >= 1, leaseSeconds <= 3600 else { throw CommandFailure.usage("--lease-seconds must be from 1 to 3600") }
            guard (1...256).contains(storeConnections) else { throw CommandFailure.usage("--store-connections must be from 1 to 256") }
            let name = nodeId ?? "\(ProcessInfo.processInfo.hostName):\(port == 0 ? "pid\(getpid())" : String(port))"
            let options = PostgresStoreOptions(
                url: storeURL, nodeId: name, leaseDuration: .milliseconds(Int64(leaseSeconds * 1000)), connections: storeConnections)
            do {
                let store = try await PostgresStore.open(options) { Terminal.printError($0) }
                service = try StepFunctionsService(configuration: configuration, retention: retention, store: store, mocks: mocks)
            } catch {
                throw CommandFailure.usage("--store: \(error.message)")
            }
            service.joinCluster()
        } else if let dataDir {
            do {
                service = try StepFunctionsService(
                    configuration: configuration, retention: retention, store: SQLiteStore(folder: dataDir), mocks: mocks)
            } catch {
                throw CommandFailure.usage("--data-dir \(dataDir): \(error.message)")
            }
        } else {
            service = StepFunctionsService(configuration: configuration, retention: retention)
            service.mocks = mocks
        }
        var registered: [String] = []
        for path in definitions {
            // A template deploys all of its state machines, each under its logical id.
            for loaded in try DefinitionFiles.loadAll(path, account: account.value, parameters: try templateParameters.values()) {
                let name = loaded.deployedName ?? loaded.stateMachine ?? RunCommand.machineName(path)
                do {
                    registered.append(
                        try service.register(
                            name: name, definition: loaded.definition, type: (loaded.machineType ?? .standard).rawValue))
                } catch {
                    let what = loaded.stateMachine.map { "state machine \($0) in '\(path)'" } ?? "definition '\(path)'"
                    throw CommandFailure.invalidDefinition("invalid \(what): \(error.message)")
                }
            }
        }
        var secrets: [String: String] = [:]
        for key in accessKeys {
            guard let (id, secret) = SignatureV4Verifier.parseKey(key) else {
                throw CommandFailure.usage("--access-key takes ID:SECRET, not '\(key)'")
            }
            secrets[id] = secret
        }
        if !RunningServer.isLoopback(host) && secrets.isEmpty {
            throw CommandFailure.usage(
                "listening on \(host), beyond loopback, needs --access-key ID:SECRET: anyone who can reach this machine could otherwise run workflows, read task tokens from histories and complete them"
            )
        }
        let verifier = secrets.isEmpty ? nil : SignatureV4Verifier(secrets: secrets)
        let server: RunningServer
        do {
            server = try await RunningServer.start(
                router: StepFunctionsRoutes.router(service: service, verifier: verifier), host: host, port: port, stopsOnSignals: true,
                onShutdown: {
                    service.releaseWaitingWorkers()
                    if service.isDurable {
                        // They carry on when the server starts again on the same folder.
                        service.closeStore()
                        ProcessExecutor.killRunningPrograms()
                        return
                    }
                    let running = service.runningExecutionArns
                    if !running.isEmpty {
                        Terminal.printError(
                            "sfn serve: stopping \(running.count) running execution(s):\n"
                                + running.map { "  \($0)" }.joined(separator: "\n"))
                    }
                    service.stopRunningExecutions(cause: "sfn serve shut down while the execution was running.")
                    ProcessExecutor.killRunningPrograms()
                })
        } catch {
            throw CommandFailure.usage("cannot listen on \(host):\(port): \(error)")
        }
        var banner = [
            "sfn serve: AWS Step Functions API on http://\(server.host):\(server.port) (use --endpoint-url http://\(server.host):\(server.port))",
            "  StartSyncExecution and TestState: set AWS_DISABLE_HOST_PREFIX_INJECTION=true (the AWS CLI and SDKs",
            "  otherwise send them to sync-\(server.host), which does not resolve)",
        ]
        for arn in registered { banner.append("  state machine \(arn)") }
        Terminal.printError(banner.joined(separator: "\n"))
        try await server.waitUntilStopped()
        Terminal.printError("sfn serve: stopped")
    }
}
