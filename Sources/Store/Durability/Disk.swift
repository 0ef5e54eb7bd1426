import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File-system steps that durability rests on.
package enum Disk {
    /// fsync of a directory, so that files created, renamed or removed in it stay so after a crash.
    package static func syncDirectory(_ directory: URL) throws {
        let fd = Glibc.open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemFailure("open directory \(directory.path)") }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw SystemFailure("fsync directory \(directory.path)") }
    }

    /// The size of the file at `url` in bytes.
    package static func size(of url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Writes a file all at once or not at all: `body` writes a temporary file beside `url`, which is
    /// fsynced, renamed over `url` and its directory fsynced. On failure the temporary file is removed
    /// and `url` is untouched.
    package static func writeAtomically(to url: URL, _ body: (AppendingFile) throws -> Void) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            let file = try AppendingFile(url: temporary)
            try body(file)
            try file.sync()
            guard rename(temporary.path, url.path) == 0 else { throw SystemFailure("rename \(temporary.path) to \(url.path)") }
            try syncDirectory(directory)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
