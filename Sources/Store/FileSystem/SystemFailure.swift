#if canImport(Glibc)
import Glibc
#endif

/// A failed system call on the data directory: the call, its path and the system's `errno`, as
/// swift-nio's `IOError` keeps them.
package struct SystemFailure: Error, CustomStringConvertible, Equatable {
    /// The call, e.g. "fsync".
    package let operation: String
    /// The file or directory it was made on.
    package let path: String
    /// The `errno` it failed with.
    package let errno: Int32

    package init(_ operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// Whether the disk (or the user's quota) is full.
    package var isNoSpace: Bool { errno == ENOSPC || errno == EDQUOT }

    package var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno)))"
    }
}
