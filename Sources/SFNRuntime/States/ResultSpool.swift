import Foundation
import SFNLanguage

/// ResultWriter's result files, written to local files as the children end (a JSON array, or
/// JSON Lines), then put in the object store when the Map Run ends: the results of a million
/// children are never held in memory.
///
/// The Map Run's task owns it.
final class ResultSpool {
    private struct File {
        var handle: FileHandle
        var path: String
        var entries = 0
        var size = 0
        var buffer: [UInt8] = []
    }

    private let folder: String
    private let jsonLines: Bool
    private var files: [String: File] = [:]
    private static let flushBytes = 1 << 20

    /// A spool in a new temporary folder.
    init(jsonLines: Bool) throws(StatesError) {
        self.jsonLines = jsonLines
        folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("sfn-results-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StatesError(.resultWriterFailed, cause: "Cannot make a folder for the result files: \(error.localizedDescription)")
        }
    }

    deinit {
        for file in files.values { try? file.handle.close() }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Adds entries (each one JSON text) to the file of `status` (SUCCEEDED or FAILED).
    func append(_ status: String, _ texts: [String]) throws(StatesError) {
        var file: File
        if let open = files[status] {
            file = open
        } else {
            let path = (folder as NSString).appendingPathComponent("\(status).json")
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw StatesError(.resultWriterFailed, cause: "Cannot write the result file \(path)")
            }
            file = File(handle: handle, path: path)
            if !jsonLines { file.buffer.append(UInt8(ascii: "[")) }
        }
        files[status] = nil  // while it is out, so its buffer is not copied
        for text in texts {
            if !jsonLines && file.entries > 0 { file.buffer.append(UInt8(ascii: ",")) }
            file.buffer.append(contentsOf: text.utf8)
            if jsonLines { file.buffer.append(UInt8(ascii: "\n")) }
            file.entries += 1
        }
        if file.buffer.count >= Self.flushBytes { try flush(&file) }
        files[status] = file
    }

    private func flush(_ file: inout File) throws(StatesError) {
        guard !file.buffer.isEmpty else { return }
        do {
            try file.handle.write(contentsOf: file.buffer)
        } catch {
            throw StatesError(.resultWriterFailed, cause: "Cannot write the result file \(file.path): \(error.localizedDescription)")
        }
        file.size += file.buffer.count
        file.buffer.removeAll(keepingCapacity: true)
    }

    /// Closes the files: each status's file and its size, SUCCEEDED first.
    func finish() throws(StatesError) -> [(status: String, path: String, size: Int)] {
        var finished: [(status: String, path: String, size: Int)] = []
        for status in files.keys.sorted(by: >) {
            guard var file = files[status] else { continue }
            if !jsonLines { file.buffer.append(UInt8(ascii: "]")) }
            try flush(&file)
            try? file.handle.close()
            finished.append((status, file.path, file.size))
        }
        files = [:]
        return finished
    }
}
