import ArgumentParser
import Foundation
import SFNJSON

/// Every way a command can end badly, with the exit code it maps to. The one place that turns
/// errors into text and exit codes.
enum CommandFailure: Error, CustomStringConvertible {
    /// Bad flags, unreadable files, unparsable input.
    case usage(String)
    /// The definition did not pass validation (its report already printed).
    case invalidDefinition(String)
    /// The execution ended other than SUCCEEDED.
    case execution(status: String)

    var exitCode: Int32 {
        switch self {
        case .usage: 2
        case .invalidDefinition: 2
        case .execution(let status):
            switch status {
            case "FAILED": 1
            case "TIMED_OUT": 3
            case "ABORTED": 4
            default: 1
            }
        }
    }

    var description: String {
        switch self {
        case .usage(let message): message
        case .invalidDefinition(let message): message
        case .execution(let status): "execution \(status)"
        }
    }
}

enum Terminal {
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static var standardErrorIsTerminal: Bool { isatty(2) == 1 }
}

extension CommandFailure {
    /// Ends the process: prints what went wrong (unless already said) and exits with the code.
    func exit(quiet: Bool = false) -> ExitCode {
        if !quiet, case .usage(let message) = self { Terminal.printError("error: \(message)") }
        if !quiet, case .invalidDefinition(let message) = self { Terminal.printError(message) }
        return ExitCode(exitCode)
    }
}

/// Reads a file's bytes, or standard input for `-`.
enum InputFiles {
    static func read(_ path: String) throws(CommandFailure) -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .usage("cannot read '\(path)': no such file or not readable")
        }
        return data
    }
}
