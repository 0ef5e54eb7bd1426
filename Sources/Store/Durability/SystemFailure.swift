#if canImport(Glibc)
import Glibc
#endif

/// A failed system call on the data directory: what was attempted and the system's reason.
package struct SystemFailure: Error, CustomStringConvertible {
    package let description: String

    /// `operation` failed with the current `errno`.
    package init(_ operation: String) {
        description = "\(operation): \(String(cString: strerror(errno)))"
    }
}
