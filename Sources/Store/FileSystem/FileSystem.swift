import Foundation

/// The system calls that durability rests on, and nothing else: every file the data directory holds is
/// opened, written, synced, renamed, removed and read through one of these. `PosixFileSystem` makes the
/// real calls; tests put a simulated file system in its place that knows what a power cut keeps (see
/// docs/durability.md). Paths are absolute. Failures throw `SystemFailure`, which keeps `errno`.
package protocol FileSystem: Sendable {
    /// open(2) with O_WRONLY | O_CREAT (mode 0644), positioned at the end: a descriptor to append to.
    func openForAppending(_ path: String) throws -> Int32
    /// write(2) of `bytes` at the end of `descriptor`; returns how many were written (possibly fewer).
    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws -> Int
    /// fsync(2): the file's data and size are on disk.
    func sync(_ descriptor: Int32) throws
    /// ftruncate(2) to `length` bytes, later writes going to the new end.
    func truncate(_ descriptor: Int32, to length: Int) throws
    /// The file's size in bytes (fstat(2)).
    func size(_ descriptor: Int32) throws -> Int
    /// close(2).
    func close(_ descriptor: Int32)
    /// rename(2): `to` is replaced atomically.
    func rename(_ from: String, to: String) throws
    /// unlink(2) of a file.
    func unlink(_ path: String) throws
    /// mkdir(2) (mode 0755); returns false when `path` already exists as a directory.
    func makeDirectory(_ path: String) throws -> Bool
    /// rmdir(2) of an empty directory.
    func removeDirectory(_ path: String) throws
    /// fsync(2) of a directory: the entries created, renamed or removed in it stay so.
    func syncDirectory(_ path: String) throws
    /// open(2) and flock(2) LOCK_EX | LOCK_NB of `path` (created when missing); throws
    /// `SystemFailure` with EWOULDBLOCK when another process holds it.
    func lock(_ path: String) throws -> Int32
    /// The whole file (open, read, close).
    func read(_ path: String) throws -> Data
    /// The names in a directory (without "." and ".."), unordered.
    func list(_ directory: String) throws -> [String]
    /// Whether `path` names a directory (false when it does not exist or is a file).
    func isDirectory(_ path: String) -> Bool
    /// The size of the file at `path`.
    func fileSize(_ path: String) throws -> Int
}

extension FileSystem {
    /// Whether `path` exists (a file or a directory).
    package func exists(_ path: String) -> Bool {
        isDirectory(path) || (try? fileSize(path)) != nil
    }

    /// Creates `path` and any missing parents, fsyncing each parent that gained an entry, so that a
    /// directory that exists after this call still exists after a power cut. `path`'s own parent is
    /// fsynced even when `path` was there already: an earlier call that created it may have failed
    /// at that fsync.
    package func makeDirectories(_ path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !isDirectory(path) {
            if parent != path, !parent.isEmpty, !isDirectory(parent) { try makeDirectories(parent) }
            _ = try makeDirectory(path)
        }
        try syncDirectory(parent.isEmpty ? "/" : parent)
    }

    /// Removes a directory and the files in it (one level, as checkpoint folders are), then fsyncs its parent.
    package func removeTree(_ path: String) throws {
        for name in try list(path) {
            let child = path + "/" + name
            if isDirectory(child) { try removeTree(child) } else { try unlink(child) }
        }
        try removeDirectory(path)
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }
}
