import Foundation
import SFNJSON
import Testing

@testable import SFNLanguage

/// Every definition AWS accepted in the recorded conformance corpus must validate cleanly.
@Suite struct ValidationCorpusTests {
    /// `../shared/conformance/localstack` next to the package root, when present.
    static let corpusFolder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/conformance/localstack")

    static func caseFiles() -> [URL] {
        var files: [URL] = []
        for group in ["none", "lambda"] {
            let folder = corpusFolder.appendingPathComponent(group)
            guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in walker where file.pathExtension == "json" { files.append(file) }
        }
        return files.sorted { $0.path < $1.path }
    }

    @Test func everyRecordedDefinitionValidates() throws {
        let files = Self.caseFiles()
        guard !files.isEmpty else { return }  // the corpus is not shipped with the package
        var failures: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            guard let definition = try JSON(parsing: text)["definition"] else { continue }
            let report = StateMachine.validate(definition)
            // AWS warns about literal path-like text (e.g. `.$` keys in a Pass Result); the corpus
            // has some on purpose, and warnings do not make a definition invalid.
            let warningCodes: Set<DiagnosticCode> = [.noDollar, .noPath, .passResultIsStatic]
            let unexpected = report.diagnostics.filter { $0.severity == .error || !warningCodes.contains($0.code) }
            if !unexpected.isEmpty {
                failures.append("\(file.lastPathComponent):\n\(report)")
            }
            if report.isValid {
                #expect(throws: Never.self) { _ = try StateMachine.parse(definition) }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(files.count) definitions:\n\(failures.prefix(30).joined(separator: "\n"))")
        #expect(files.count > 700)
    }
}
