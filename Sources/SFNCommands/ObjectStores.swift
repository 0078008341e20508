import Foundation
import SFNRuntime

/// `--s3 DIR` or `--s3 http://HOST:PORT`: a folder standing for S3, or an S3-compatible endpoint
/// signed with the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the environment.
enum ObjectStores {
    static func make(_ value: String, region: String) -> any ObjectStore {
        guard value.hasPrefix("http://") else { return FolderObjectStore(root: value) }
        let environment = ProcessInfo.processInfo.environment
        return S3EndpointStore(
            endpoint: value, region: region, accessKey: environment["AWS_ACCESS_KEY_ID"] ?? "test",
            secret: environment["AWS_SECRET_ACCESS_KEY"] ?? "test")
    }

    static let help =
        "S3 for Distributed Maps (ItemReader, ResultWriter): a folder, where object s3://BUCKET/KEY is the file DIR/BUCKET/KEY, or an S3-compatible endpoint http://HOST:PORT (MinIO, LocalStack, moto), signed with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
}
