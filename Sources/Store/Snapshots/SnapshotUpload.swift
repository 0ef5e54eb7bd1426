import Foundation

/// A snapshot upload on its way in: its bytes go to a temporary file in the data directory as they
/// arrive (`DataDirectory.newUploadPath`), so that a body of up to `--max-snapshot-bytes` is never held
/// in memory while it comes, and is read from the file once to be decoded. The file is removed when
/// the upload is released, whatever became of it (stored, refused, or its client gone); one a crash
/// leaves behind is removed when the data directory is next opened.
package final class SnapshotUpload: Sendable {
    /// The temporary file's path.
    package let path: String
    private let file: AppendingFile
    private let fileSystem: any FileSystem

    /// Creates the (empty) temporary file in `directory`.
    package init(in directory: DataDirectory) throws {
        path = directory.newUploadPath()
        fileSystem = directory.fileSystem
        file = try AppendingFile(path, on: fileSystem)
    }

    deinit { try? fileSystem.unlink(path) }

    /// Bytes written so far.
    package var size: Int { file.size }

    /// Appends the next `bytes` of the upload. Blocking: call off the threads that serve HTTP.
    package func write(_ bytes: UnsafeRawBufferPointer) throws { try file.write(bytes) }

    /// The whole upload, read once. Blocking.
    package func contents() throws -> Data { try fileSystem.read(path) }
}
