import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file open for appending (a log segment, a snapshot being written) through a `FileSystem`: a
/// descriptor, closed when the last reference goes, so a flush holding a segment can still sync it
/// after the log has moved on to a new one.
package final class AppendingFile: @unchecked Sendable {
    package let path: String
    private let fileSystem: any FileSystem
    private let descriptor: Int32
    /// Bytes in the file; changed only by its one writer (under the log's lock).
    package private(set) var size: Int

    /// Opens `path` for appending at its end, creating it when missing (its directory must then be
    /// synced for the new entry to survive a power cut).
    package init(_ path: String, on fileSystem: any FileSystem) throws {
        self.path = path
        self.fileSystem = fileSystem
        descriptor = try fileSystem.openForAppending(path)
        do {
            size = try fileSystem.size(descriptor)
        } catch {
            fileSystem.close(descriptor)
            throw error
        }
    }

    deinit { fileSystem.close(descriptor) }

    /// Appends `bytes` whole, continuing after short writes. On a failure the file may hold part of
    /// them: `truncate(to:)` takes them back.
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        defer { size += done }
        while done < bytes.count {
            let n = try fileSystem.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes[done...]))
            guard n > 0 else { throw SystemFailure("write", path: path, errno: EIO) }
            done += n
        }
    }

    /// Cuts the file back to `length` bytes (after a failed append, or a torn tail).
    package func truncate(to length: Int) throws {
        try fileSystem.truncate(descriptor, to: length)
        size = length
    }

    /// fsync: the file's data and size are on disk.
    package func sync() throws { try fileSystem.sync(descriptor) }
}
