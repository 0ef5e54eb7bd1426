import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file open for appending (a log segment, a snapshot being written): a file descriptor, closed
/// when the last reference goes, so a flush holding a segment can still sync it after the log has
/// moved on to a new one.
package final class AppendingFile: @unchecked Sendable {
    package let url: URL
    private let fd: Int32
    /// Bytes in the file; changed only under the log's lock.
    package private(set) var size: Int

    /// Opens `url` for appending at its end, creating it when missing.
    package init(url: URL) throws {
        self.url = url
        fd = Glibc.open(url.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SystemFailure("open \(url.path)") }
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0 else {
            Glibc.close(fd)
            throw SystemFailure("seek \(url.path)")
        }
        size = Int(end)
    }

    deinit { Glibc.close(fd) }

    /// Appends `bytes` whole (retrying short writes).
    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemFailure("write \(url.path)")
            }
            done += n
        }
        size += bytes.count
    }

    /// Cuts the file back to `length` bytes (after a failed append, or a torn tail).
    package func truncate(to length: Int) throws {
        guard ftruncate(fd, off_t(length)) == 0, lseek(fd, off_t(length), SEEK_SET) >= 0 else { throw SystemFailure("truncate \(url.path)") }
        size = length
    }

    /// fsync: the file's data and size are on disk.
    package func sync() throws {
        guard fsync(fd) == 0 else { throw SystemFailure("fsync \(url.path)") }
    }
}
