import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real system calls (Linux, glibc). Each failure keeps the `errno` of the call that failed, read
/// before anything else can change it.
package struct PosixFileSystem: FileSystem {
    package init() {}

    private func failure(_ operation: String, _ path: String) -> SystemFailure {
        SystemFailure(operation, path: path, errno: Glibc.errno)
    }

    /// The path a descriptor was opened on, for messages (from /proc; the number when it is gone).
    private func path(of descriptor: Int32) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")) ?? "descriptor \(descriptor)"
    }

    package func openForAppending(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("open", path) }
        guard lseek(fd, 0, SEEK_END) >= 0 else {
            let error = failure("seek", path)
            Glibc.close(fd)
            throw error
        }
        return fd
    }

    package func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.write(descriptor, bytes.baseAddress!, bytes.count)
            if n >= 0 { return n }
            if Glibc.errno != EINTR { throw failure("write", path(of: descriptor)) }
        }
    }

    package func sync(_ descriptor: Int32) throws {
        guard fsync(descriptor) == 0 else { throw failure("fsync", path(of: descriptor)) }
    }

    package func truncate(_ descriptor: Int32, to length: Int) throws {
        guard ftruncate(descriptor, off_t(length)) == 0, lseek(descriptor, off_t(length), SEEK_SET) >= 0 else {
            throw failure("truncate", path(of: descriptor))
        }
    }

    package func size(_ descriptor: Int32) throws -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("stat", path(of: descriptor)) }
        return Int(info.st_size)
    }

    package func close(_ descriptor: Int32) { Glibc.close(descriptor) }

    package func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw failure("rename", "\(from) to \(to)") }
    }

    package func unlink(_ path: String) throws {
        guard Glibc.unlink(path) == 0 else { throw failure("unlink", path) }
    }

    package func makeDirectory(_ path: String) throws -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        let error = failure("mkdir", path)
        if error.errno == EEXIST, isDirectory(path) { return false }
        throw error
    }

    package func removeDirectory(_ path: String) throws {
        guard rmdir(path) == 0 else { throw failure("rmdir", path) }
    }

    package func syncDirectory(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open directory", path) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync directory", path) }
    }

    package func lock(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("open", path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let error = failure("flock", path)
            Glibc.close(fd)
            throw error
        }
        return fd
    }

    package func read(_ path: String) throws -> Data {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("stat", path) }
        var data = Data(count: Int(info.st_size))
        var done = 0
        try data.withUnsafeMutableBytes { buffer in
            while done < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 {
                    if Glibc.errno == EINTR { continue }
                    throw failure("read", path)
                }
                if n == 0 { break }
                done += n
            }
        }
        return done == data.count ? data : data.prefix(done)
    }

    package func list(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else { throw failure("opendir", directory) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    package func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    package func fileSize(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw failure("stat", path) }
        return Int(info.st_size)
    }
}
