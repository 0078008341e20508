import Foundation
import SFNJSON
import SFNLanguage

/// An object in an ``ObjectStore``, as S3's ListObjectsV2 describes it.
public struct StoredObjectSummary: Sendable, Equatable {
    /// The object's key.
    public var key: String
    /// Its size in bytes.
    public var size: Int
    /// When it was last written.
    public var lastModified: EpochMilliseconds
    /// Its entity tag, quoted as S3 quotes it.
    public var etag: String
}

/// Where Distributed Maps read items (ItemReader) and write results (ResultWriter): S3's
/// buckets and keys, locally.
public protocol ObjectStore: Sendable {
    /// The object's bytes; a failure names what is missing, as S3 would.
    func object(bucket: String, key: String) async throws(StatesError) -> [UInt8]
    /// The objects whose keys start with `prefix`, in key order (UTF-8 bytes, as S3 orders them).
    func objects(bucket: String, prefix: String) async throws(StatesError) -> [StoredObjectSummary]
    /// Writes an object.
    func put(bucket: String, key: String, _ bytes: [UInt8]) async throws(StatesError)
    /// The object's bytes a piece at a time (ItemReader streams JSON Lines and CSV through it).
    func reader(bucket: String, key: String) async throws(StatesError) -> any ObjectReader
    /// Writes an object from a local file (ResultWriter's result files, spooled as they grow).
    func put(bucket: String, key: String, file: String) async throws(StatesError)
}

/// An object read a piece at a time.
public protocol ObjectReader: AnyObject, Sendable {
    /// The next piece, or nil at the object's end.
    func next() async throws(StatesError) -> [UInt8]?
}

extension ObjectStore {
    /// The whole object, as one piece.
    public func reader(bucket: String, key: String) async throws(StatesError) -> any ObjectReader {
        WholeObjectReader(try await object(bucket: bucket, key: key))
    }

    /// Reads the file and writes its bytes.
    public func put(bucket: String, key: String, file: String) async throws(StatesError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw StatesError(.resultWriterFailed, cause: "Cannot read the result file spooled for s3://\(bucket)/\(key)")
        }
        try await put(bucket: bucket, key: key, Array(data))
    }
}

/// An object already read whole.
final class WholeObjectReader: ObjectReader {
    private let bytes: Locked<[UInt8]?>
    init(_ bytes: [UInt8]) { self.bytes = Locked(bytes) }
    func next() async throws(StatesError) -> [UInt8]? {
        bytes.withLock { value in
            defer { value = nil }
            return value
        }
    }
}

/// A file read a piece at a time.
final class FileObjectReader: ObjectReader {
    private let handle: Locked<FileHandle?>
    private let source: String
    static let pieceBytes = 1 << 20

    init(_ handle: FileHandle, source: String) {
        self.handle = Locked(handle)
        self.source = source
    }

    func next() async throws(StatesError) -> [UInt8]? {
        let result: Result<[UInt8]?, StatesError> = handle.withLock { handle in
            guard let open = handle else { return .success(nil) }
            do {
                if let data = try open.read(upToCount: Self.pieceBytes), !data.isEmpty { return .success(Array(data)) }
                try? open.close()
                handle = nil
                return .success(nil)
            } catch {
                try? open.close()
                handle = nil
                return .failure(StatesError.itemReaderFailure("Cannot read \(self.source): \(error.localizedDescription)"))
            }
        }
        return try result.get()
    }

    deinit { handle.withLock { try? $0?.close() } }
}

/// S3 in a folder (`sfn run --s3 DIR`): the object `s3://BUCKET/KEY` is the file `DIR/BUCKET/KEY`.
public struct FolderObjectStore: ObjectStore {
    /// The folder holding one folder per bucket.
    public let root: String

    /// A store over `root`.
    public init(root: String) { self.root = root }

    private func bucketPath(_ bucket: String) throws(StatesError) -> String {
        // Bucket names are 3-63 of lowercase letters, digits, dots and hyphens: never a path.
        guard (3...63).contains(bucket.count),
            bucket.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "-") }),
            bucket != ".", bucket != ".."
        else {
            throw StatesError.itemReaderFailure("The specified bucket is not valid: \(bucket)")
        }
        return (root as NSString).appendingPathComponent(bucket)
    }

    private func path(bucket: String, key: String) throws(StatesError) -> String {
        let folder = try bucketPath(bucket)
        // A key names a file under its bucket's folder, never outside it.
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." }), !key.hasPrefix("/"), !key.contains("\0") else {
            throw StatesError.itemReaderFailure("The key '\(key)' cannot be stored in a folder")
        }
        return folder + "/" + key
    }

    /// The file `root/bucket/key`.
    public func object(bucket: String, key: String) async throws(StatesError) -> [UInt8] {
        let file = try path(bucket: bucket, key: key)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: try bucketPath(bucket), isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StatesError.itemReaderFailure("The specified bucket does not exist (Bucket: \(bucket))")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw StatesError.itemReaderFailure("The specified key does not exist. (Bucket: \(bucket), Key: \(key))")
        }
        return Array(data)
    }

    /// The file `root/bucket/key`, a megabyte at a time.
    public func reader(bucket: String, key: String) async throws(StatesError) -> any ObjectReader {
        let file = try path(bucket: bucket, key: key)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: try bucketPath(bucket), isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StatesError.itemReaderFailure("The specified bucket does not exist (Bucket: \(bucket))")
        }
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
            let handle = FileHandle(forReadingAtPath: file)
        else {
            throw StatesError.itemReaderFailure("The specified key does not exist. (Bucket: \(bucket), Key: \(key))")
        }
        return FileObjectReader(handle, source: "s3://\(bucket)/\(key)")
    }

    /// Moves (or copies) the file to `root/bucket/key`.
    public func put(bucket: String, key: String, file: String) async throws(StatesError) {
        let destination = try path(bucket: bucket, key: key)
        do {
            try FileManager.default.createDirectory(
                atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: destination) { try FileManager.default.removeItem(atPath: destination) }
            if rename(file, destination) != 0 { try FileManager.default.copyItem(atPath: file, toPath: destination) }
        } catch {
            throw StatesError(.resultWriterFailed, cause: "Cannot write s3://\(bucket)/\(key): \(error.localizedDescription)")
        }
    }

    /// The files under `root/bucket` whose paths start with `prefix`.
    public func objects(bucket: String, prefix: String) async throws(StatesError) -> [StoredObjectSummary] {
        let folder = try bucketPath(bucket)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StatesError.itemReaderFailure("The specified bucket does not exist (Bucket: \(bucket))")
        }
        var found: [StoredObjectSummary] = []
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        while let relative = walker.nextObject() as? String {
            guard relative.hasPrefix(prefix) || prefix.hasPrefix(relative + "/") || prefix.isEmpty else {
                if !prefix.hasPrefix(relative) { walker.skipDescendants() }
                continue
            }
            let full = folder + "/" + relative
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full),
                attributes[.type] as? FileAttributeType == .typeRegular, relative.hasPrefix(prefix)
            else { continue }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            let modified = (attributes[.modificationDate] as? Date).map { EpochMilliseconds($0.timeIntervalSince1970 * 1000) } ?? 0
            let digest = DigestAlgorithm.md5.digest(FileManager.default.contents(atPath: full).map(Array.init) ?? [])
            found.append(StoredObjectSummary(key: relative, size: size, lastModified: modified, etag: "\"\(DigestAlgorithm.hex(digest))\""))
        }
        return found.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
    }

    /// Writes the file `root/bucket/key`, making its folders.
    public func put(bucket: String, key: String, _ bytes: [UInt8]) async throws(StatesError) {
        let file = try path(bucket: bucket, key: key)
        do {
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: file))
        } catch {
            throw StatesError(.resultWriterFailed, cause: "Cannot write s3://\(bucket)/\(key): \(error.localizedDescription)")
        }
    }
}
