import ArgumentParser
import Foundation
import SFNJSON
import SFNLanguage

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check state machine definitions and report every problem found.",
        discussion: """
            Exit status: 0 when every definition is valid, 1 when any has an error, 2 when a file \
            could not be used at all (missing, unreadable, or an ambiguous template).
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case text
        case json
    }

    @Argument(help: "Definition files (JSON, YAML, or a SAM/CloudFormation template); '-' reads standard input.")
    var files: [String] = []

    @Option(help: "Report format: text for people, json for tools.")
    var format: OutputFormat = .text

    @Option(name: .customLong("state-machine"), help: "The state machine resource (logical id) to check in a template.")
    var stateMachine: String?

    @OptionGroup var templateParameters: TemplateParameterOptions

    @Option(
        name: .customLong("type"),
        help: "Check the rules of this state machine type: STANDARD or EXPRESS (default: the template's, else STANDARD).")
    var machineType: StateMachineType?

    @OptionGroup var account: AccountOptions

    func run() async throws {
        let parameters: [String: String]
        do {
            parameters = try templateParameters.values()
        } catch {
            throw error.exit()
        }
        let outcome = ValidationRun.perform(
            files: files, format: format, stateMachine: stateMachine,
            parameterAssignments: parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }, type: machineType,
            account: account.value)
        if !outcome.errorOutput.isEmpty {
            FileHandle.standardError.write(Data(outcome.errorOutput.utf8))
        }
        if !outcome.output.isEmpty { print(outcome.output, terminator: "") }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

/// One problem in one file, ready to print.
struct ReportedDiagnostic: Sendable, Equatable {
    enum Severity: String, Sendable {
        case error = "ERROR"
        case warning = "WARNING"
    }

    var severity: Severity
    var code: String
    var message: String
    /// Where in the definition, in AWS's location style (`/States/A/Next`); `nil` for problems
    /// with the file as a whole.
    var location: String?
    /// The file the problem is in (a template's `DefinitionUri` file, when the definition is there).
    var file: String
    var position: SourcePosition?
}

/// The outcome of checking one file given on the command line.
struct FileValidation: Sendable {
    var file: String
    var stateMachine: String?
    var diagnostics: [ReportedDiagnostic]
    /// Set when the file could not be checked at all (exit status 2).
    var usageProblem: String?

    var errorCount: Int { diagnostics.count { $0.severity == .error } }
    var warningCount: Int { diagnostics.count { $0.severity == .warning } }
    var isValid: Bool { usageProblem == nil && errorCount == 0 }
}

/// `sfn validate` without the command-line plumbing, so tests can call it directly.
enum ValidationRun {
    struct Outcome: Sendable {
        var output: String
        var errorOutput: String
        var exitCode: Int32
        var files: [FileValidation]
    }

    static let usageExitCode: Int32 = 2
    static let invalidExitCode: Int32 = 1

    static func perform(
        files: [String], format: ValidateCommand.OutputFormat, stateMachine: String?, parameterAssignments: [String],
        type: StateMachineType? = nil, account: AWSAccount = .local, standardInput: () -> String = readStandardInput
    ) -> Outcome {
        guard !files.isEmpty else {
            return Outcome(
                output: "", errorOutput: "error: give at least one definition file to validate\n", exitCode: usageExitCode, files: [])
        }
        var parameters: [String: String] = [:]
        for assignment in parameterAssignments {
            guard let (key, value) = TemplateParameterOptions.assignment(assignment[...]) else {
                return Outcome(
                    output: "", errorOutput: "error: --parameter takes name=value, not '\(assignment)'\n",
                    exitCode: usageExitCode, files: [])
            }
            parameters[key] = value
        }
        var results: [FileValidation] = []
        for file in files {
            let text = file == standardInputName ? standardInput() : nil
            // Without --state-machine, every state machine of a template is checked.
            let machines =
                stateMachine == nil
                ? DefinitionLoader.stateMachineNames(
                    text: text ?? (try? String(contentsOfFile: file, encoding: .utf8)) ?? "",
                    file: file == standardInputName ? "<stdin>" : file)
                : []
            if machines.count > 1 {
                for machine in machines {
                    results.append(
                        validate(file: file, stateMachine: machine, parameters: parameters, type: type, account: account, text: text))
                }
            } else {
                results.append(
                    validate(file: file, stateMachine: stateMachine, parameters: parameters, type: type, account: account, text: text))
            }
        }
        let exitCode: Int32 =
            results.contains { $0.usageProblem != nil }
            ? usageExitCode
            : results.allSatisfy(\.isValid) ? 0 : invalidExitCode
        switch format {
        case .text:
            let usage = results.compactMap { result in result.usageProblem.map { "\(result.file): error: \($0)\n" } }
            return Outcome(output: textReport(results), errorOutput: usage.joined(), exitCode: exitCode, files: results)
        case .json:
            return Outcome(output: jsonReport(results).prettyText + "\n", errorOutput: "", exitCode: exitCode, files: results)
        }
    }

    static let standardInputName = "-"

    static func readStandardInput() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Checks one file; `text` is the content already read (standard input), or `nil` to read `file`.
    static func validate(
        file: String, stateMachine: String?, parameters: [String: String], type: StateMachineType? = nil, account: AWSAccount = .local,
        text: String? = nil
    ) -> FileValidation {
        let loaded: LoadedDefinition
        do {
            if let text {
                loaded = try DefinitionLoader.load(
                    text: text, file: "<stdin>", stateMachine: stateMachine, parameters: parameters, account: account)
            } else {
                loaded = try DefinitionLoader.load(
                    contentsOf: file, stateMachine: stateMachine, parameters: parameters, account: account)
            }
        } catch {
            if error.isUsageError {
                return FileValidation(file: file, stateMachine: stateMachine, diagnostics: [], usageProblem: error.message)
            }
            let diagnostic = ReportedDiagnostic(
                severity: .error, code: code(for: error.kind), message: error.message, location: nil,
                file: error.file, position: error.location)
            return FileValidation(file: file, stateMachine: stateMachine, diagnostics: [diagnostic])
        }
        var diagnostics = loaded.warnings.map { warning in
            ReportedDiagnostic(
                severity: .warning, code: "UNRESOLVED_SUBSTITUTION", message: warning.message,
                location: Diagnostic.awsLocation(of: warning.pointer), file: loaded.sourceMap.file,
                position: loaded.sourceMap.position(of: warning.pointer))
        }
        diagnostics += DefinitionCheck.diagnostics(for: loaded, type: type ?? loaded.machineType ?? .standard)
        return FileValidation(file: file, stateMachine: loaded.stateMachine, diagnostics: diagnostics)
    }

    /// Codes for problems found before the definition itself could be checked. Unreadable
    /// definitions take AWS's code; the others name what went wrong with the file.
    static func code(for kind: DefinitionLoadError.Kind) -> String {
        switch kind {
        case .syntax, .unreadable, .fileNotFound: "INVALID_JSON_DESCRIPTION"
        case .invalidDocument, .stateMachineSelection: "INVALID_DEFINITION_SOURCE"
        case .notLocal: "DEFINITION_NOT_LOCAL"
        }
    }

    // MARK: Text

    static func textReport(_ results: [FileValidation]) -> String {
        var text = ""
        for result in results where result.usageProblem == nil {
            let name = result.stateMachine.map { "\(result.file) (\($0))" } ?? result.file
            if result.diagnostics.isEmpty {
                text += "\(name): valid\n"
                continue
            }
            for diagnostic in result.diagnostics {
                var line = diagnostic.file
                if let position = diagnostic.position { line += ":\(position.line):\(position.column)" }
                line += ": \(diagnostic.severity == .error ? "error" : "warning")[\(diagnostic.code)] \(diagnostic.message)"
                if let location = diagnostic.location, !location.isEmpty { line += " (at \(location))" }
                text += line + "\n"
            }
            text += "\(name): \(result.isValid ? "valid" : "invalid"), \(counts(result.errorCount, result.warningCount))\n"
        }
        let checked = results.filter { $0.usageProblem == nil }
        let valid = checked.count { $0.isValid }
        var summary = "\(plural(results.count, "file")) checked: \(valid) valid, \(checked.count - valid) invalid"
        let unusable = results.count - checked.count
        if unusable > 0 { summary += ", \(unusable) could not be checked" }
        let errors = checked.reduce(0) { $0 + $1.errorCount }
        let warnings = checked.reduce(0) { $0 + $1.warningCount }
        summary += " (\(counts(errors, warnings)))"
        return text + summary + "\n"
    }

    private static func counts(_ errors: Int, _ warnings: Int) -> String {
        "\(plural(errors, "error")), \(plural(warnings, "warning"))"
    }

    private static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    // MARK: JSON

    /// Shaped after AWS's ValidateStateMachineDefinition response (`result`, `diagnostics` with
    /// `severity`, `code`, `message`, `location`), one entry per file, plus where in the file.
    static func jsonReport(_ results: [FileValidation]) -> JSON {
        var files: [JSON] = []
        for result in results {
            var entry: JSONObject = ["file": .string(result.file)]
            if let stateMachine = result.stateMachine { entry["stateMachine"] = .string(stateMachine) }
            if let problem = result.usageProblem {
                entry["result"] = "ERROR"
                entry["error"] = .string(problem)
            } else {
                entry["result"] = result.isValid ? "OK" : "FAIL"
            }
            entry["diagnostics"] = .array(result.diagnostics.map(jsonDiagnostic))
            files.append(.object(entry))
        }
        let overall = results.contains { $0.usageProblem != nil } ? "ERROR" : results.allSatisfy(\.isValid) ? "OK" : "FAIL"
        return .object(["result": .string(overall), "files": .array(files)])
    }

    private static func jsonDiagnostic(_ diagnostic: ReportedDiagnostic) -> JSON {
        var members: JSONObject = [
            "severity": .string(diagnostic.severity.rawValue),
            "code": .string(diagnostic.code),
            "message": .string(diagnostic.message),
        ]
        if let location = diagnostic.location { members["location"] = .string(location) }
        members["file"] = .string(diagnostic.file)
        if let position = diagnostic.position {
            members["line"] = .int(position.line)
            members["column"] = .int(position.column)
        }
        return .object(members)
    }
}

/// Checks a loaded definition's content with the language's validator, placing each problem in
/// the file the definition was written in.
enum DefinitionCheck {
    static func diagnostics(for loaded: LoadedDefinition, type: StateMachineType = .standard) -> [ReportedDiagnostic] {
        var (machine, report) = StateMachine.check(loaded.definition)
        if let machine, report.errors.isEmpty { report.diagnostics += machine.diagnostics(for: type) }
        return report.diagnostics.map { diagnostic in
            var position = loaded.sourceMap.position(of: diagnostic.pointer)
            // A bad JSONata expression: point at the character, past the opening `"{%`. JSONata
            // positions count the character after the offending token, so step back one.
            if let offset = diagnostic.expressionOffset, let start = loaded.sourceMap.valuePosition(of: diagnostic.pointer),
                case .string(let text)? = loaded.definition[pointer: diagnostic.pointer], !text.contains("\\"),
                !text.contains("\n")
            {
                position = SourcePosition(line: start.line, column: start.column + 3 + max(offset - 1, 0))
            }
            return ReportedDiagnostic(
                severity: diagnostic.severity == .error ? .error : .warning,
                code: diagnostic.code.rawValue,
                message: diagnostic.message,
                location: diagnostic.location,
                file: loaded.sourceMap.file,
                position: position)
        }
    }
}
