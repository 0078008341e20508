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
