import Foundation

extension FileSystem {
    /// Writes a file all at once or not at all: `body` writes a temporary file beside `path` (named
    /// `.<name>.<random>.tmp`), which is fsynced, renamed over `path`, and its directory fsynced. On
    /// failure the temporary file is removed (when the file system still answers) and `path` is
    /// untouched; one a crash leaves behind is removed when the data directory is next opened. `path`
    /// must be new: when the final directory fsync fails, the file is unlinked again, so that what
    /// was not made durable is not shown either.
    package func writeAtomically(to path: String, _ body: (AppendingFile) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try makeDirectories(directory)
        let temporary = directory + "/." + (path as NSString).lastPathComponent + "." + UUID().uuidString + ".tmp"
        do {
            let file = try AppendingFile(temporary, on: self)
            try body(file)
            try file.sync()
            try rename(temporary, to: path)
        } catch {
            try? unlink(temporary)
            throw error
        }
        do {
            try syncDirectory(directory)
        } catch {
            try? unlink(path)
            throw error
        }
    }

    /// Whether `name` is the name of a temporary file of an atomic write.
    package func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.hasSuffix(".tmp") }
}
