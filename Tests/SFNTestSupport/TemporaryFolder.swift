import Foundation

/// A fresh folder for the files one test writes; removed when the value goes away.
public final class TemporaryFolder {
    /// The folder's path.
    public let path: String

    /// Makes a new folder named `prefix-UUID` in the temporary directory.
    public init(prefix: String = "sfn-test") throws {
        path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` inside the folder and returns the file's path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}
