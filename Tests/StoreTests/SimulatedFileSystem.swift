import Foundation
import Synchronization
import TestSupport
@testable import Store
#if canImport(Glibc)
import Glibc
#endif

/// A file system in memory that knows what is durable, for crash and fault tests (docs/durability.md,
/// "How it is tested"). Data written but not fsynced, and a file or directory created, renamed or
/// removed in a directory that was not fsynced since, are lost at a simulated power cut
/// (`afterPowerCut`), which may also keep part of the unsynced bytes at a file's end, or zeros where
/// the file grew but its blocks were never written. Any mutating call can be made to fail (`faults`),
/// and power can go after a given number of them (`powerCutAfter`): every later call fails.
/// A failed fsync loses the bytes it should have written, as Linux drops such dirty pages: a later
/// fsync that succeeds leaves zeros there.
final class SimulatedFileSystem: FileSystem {
    /// What a call can be made to do instead of succeeding.
    enum Fault: Sendable {
        case error(Int32)
        /// A write that writes only half of what it was given.
        case short
    }

    /// How a power cut treats the bytes written at a file's end since its last fsync.
    enum Tear: Sendable {
        /// All lost.
        case none
        /// A seeded random part kept, sometimes followed by zeros (blocks allocated, never written).
        case random(UInt64)
    }

    private struct File {
        var data: [UInt8] = []
        var durable: [UInt8] = []
        /// Bytes a failed fsync dropped: zeros on disk whatever a later fsync says.
        var lost: [Range<Int>] = []
    }

    private enum Node: Equatable {
        case file(Int)
        case directory
    }

    private struct State {
        var files: [Int: File] = [:]
        var nextFile = 0
        var names: [String: Node] = ["/": .directory]
        var durableNames: [String: Node] = ["/": .directory]
        var descriptors: [Int32: (file: Int, path: String)] = [:]
        var nextDescriptor: Int32 = 3
        var locked: [String: Int32] = [:]
        /// Mutating calls made, and what each was.
        var calls: [String] = []
        var powerCutAfter: Int?
        var faults: [Int: Fault] = [:]
        /// A fault for the next call whose description starts with the prefix.
        var next: (prefix: String, fault: Fault)?
        var off = false
    }

    private let state = Mutex(State())
    /// Called with each write's and fsync's description before it is made, outside the file system's lock.
    private let beforeCall = Mutex<(@Sendable (String) -> Void)?>(nil)

    /// Calls `hook` before each write and fsync of a file (with its description, e.g.
    /// "write /data/wal/…", "fsync /data/wal/…"), where it may block.
    func whenCalling(_ hook: @escaping @Sendable (String) -> Void) { beforeCall.withLock { $0 = hook } }

    private func announce(_ call: String, _ fd: Int32) {
        if let hook = beforeCall.withLock({ $0 }), let path = state.withLock({ $0.descriptors[fd]?.path }) { hook("\(call) \(path)") }
    }

    init() {}

    /// Power goes after this many mutating calls (nil: never).
    var powerCutAfter: Int? {
        get { state.withLock { $0.powerCutAfter } }
        set { state.withLock { $0.powerCutAfter = newValue } }
    }

    /// The fault each numbered mutating call (1, 2, …) meets.
    var faults: [Int: Fault] {
        get { state.withLock { $0.faults } }
        set { state.withLock { $0.faults = newValue } }
    }

    /// Makes the next mutating call whose description ("fsync /data/wal/…") starts with `prefix` meet `fault`.
    func failNext(_ prefix: String, with fault: Fault) { state.withLock { $0.next = (prefix, fault) } }

    /// Writes `bytes` as the file at `path` (its folder must exist), durably, as a person or another
    /// program might have left it.
    func place(_ bytes: [UInt8], at path: String) throws {
        try writeAtomically(to: path) { file in try bytes.withUnsafeBytes { try file.write($0) } }
    }

    /// The mutating calls made so far, in order ("fsync /d/wal/…").
    var calls: [String] { state.withLock { $0.calls } }

    /// Whether the power has gone.
    var isOff: Bool { state.withLock { $0.off } }

    /// The file system as a machine finds it after a power cut now: the durable names, each file's
    /// durable bytes (with the part `tear` keeps), no descriptors or locks, every call working.
    func afterPowerCut(tear: Tear = .none) -> SimulatedFileSystem {
        let image = SimulatedFileSystem()
        state.withLock { s in
            var random = SeededGenerator(seed: { if case .random(let seed) = tear { seed } else { 0 } }())
            image.state.withLock { t in
                t.names = s.durableNames
                t.durableNames = s.durableNames
                for (_, node) in s.durableNames {
                    guard case .file(let id) = node, t.files[id] == nil, let file = s.files[id] else { continue }
                    var bytes = file.durable
                    if case .random = tear, file.data.count > bytes.count, Array(file.data.prefix(bytes.count)) == bytes {
                        let extra = file.data.count - bytes.count
                        let kept = Int(random.next() % UInt64(extra + 1))
                        bytes += file.data[bytes.count..<(bytes.count + kept)]
                        if random.next() % 2 == 0 { bytes += [UInt8](repeating: 0, count: Int(random.next() % UInt64(extra - kept + 1))) }
                    }
                    for range in file.lost where range.lowerBound < bytes.count {
                        for i in range.clamped(to: 0..<bytes.count) { bytes[i] = 0 }
                    }
                    t.files[id] = File(data: bytes, durable: bytes)
                }
                t.nextFile = s.nextFile
            }
        }
        return image
    }

    /// Counts a mutating call, fails it when it is due to fail or the power is off, and returns the
    /// fault it meets, if any. After the call numbered `powerCutAfter`, the power goes.
    private func step(_ s: inout State, _ call: String) throws -> Fault? {
        if s.off { throw SystemFailure(call, path: "(power is off)", errno: EIO) }
        s.calls.append(call)
        let number = s.calls.count
        if number == s.powerCutAfter { s.off = true }
        var fault = s.faults[number]
        if let next = s.next, call.hasPrefix(next.prefix) {
            fault = next.fault
            s.next = nil
        }
        if case .error(let code) = fault { throw SystemFailure(call, path: "(simulated fault)", errno: code) }
        return fault
    }

    private func checkPower(_ s: State, _ call: String) throws {
        if s.off { throw SystemFailure(call, path: "(power is off)", errno: EIO) }
    }

    private static func parent(_ path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "/" : parent
    }

    private func file(_ s: State, _ path: String, _ call: String) throws -> Int {
        guard case .file(let id) = s.names[path] else { throw SystemFailure(call, path: path, errno: s.names[path] == nil ? ENOENT : EISDIR) }
        return id
    }

    private func open(_ s: inout State, _ path: String, _ call: String) throws -> Int32 {
        let id: Int
        switch s.names[path] {
        case .file(let existing): id = existing
        case .directory: throw SystemFailure(call, path: path, errno: EISDIR)
        case nil:
            guard s.names[Self.parent(path)] == .directory else { throw SystemFailure(call, path: path, errno: ENOENT) }
            id = s.nextFile
            s.nextFile += 1
            s.files[id] = File()
            s.names[path] = .file(id)
        }
        let fd = s.nextDescriptor
        s.nextDescriptor += 1
        s.descriptors[fd] = (id, path)
        return fd
    }

    private func descriptor(_ s: State, _ fd: Int32, _ call: String) throws -> (file: Int, path: String) {
        guard let d = s.descriptors[fd] else { throw SystemFailure(call, path: "descriptor \(fd)", errno: EBADF) }
        return d
    }

    func openForAppending(_ path: String) throws -> Int32 {
        try state.withLock { s in
            _ = try step(&s, "open \(path)")
            return try open(&s, path, "open")
        }
    }

    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws -> Int {
        announce("write", fd)
        return try state.withLock { s in
            let d = try descriptor(s, fd, "write")
            let fault = try step(&s, "write \(d.path)")
            let count = if case .short = fault, bytes.count > 1 { bytes.count / 2 } else { bytes.count }
            s.files[d.file]!.data += UnsafeRawBufferPointer(rebasing: bytes[..<count])
            return count
        }
    }

    func sync(_ fd: Int32) throws {
        announce("fsync", fd)
        try state.withLock { s in
            let d = try descriptor(s, fd, "fsync")
            try checkPower(s, "fsync")
            do {
                _ = try step(&s, "fsync \(d.path)")
            } catch {
                // The dirty bytes are dropped: never written, whatever a later fsync says.
                let file = s.files[d.file]!
                if file.data.count > file.durable.count { s.files[d.file]!.lost.append(file.durable.count..<file.data.count) }
                throw error
            }
            s.files[d.file]!.durable = s.files[d.file]!.data
        }
    }

    func truncate(_ fd: Int32, to length: Int) throws {
        try state.withLock { s in
            let d = try descriptor(s, fd, "truncate")
            _ = try step(&s, "truncate \(d.path)")
            var data = s.files[d.file]!.data
            if length < data.count { data.removeLast(data.count - length) } else { data += [UInt8](repeating: 0, count: length - data.count) }
            s.files[d.file]!.data = data
        }
    }

    func size(_ fd: Int32) throws -> Int {
        try state.withLock { s in
            try checkPower(s, "stat")
            return s.files[try descriptor(s, fd, "stat").file]!.data.count
        }
    }

    func close(_ fd: Int32) {
        state.withLock { s in
            s.descriptors[fd] = nil
            s.locked = s.locked.filter { $0.value != fd }
        }
    }

    func rename(_ from: String, to: String) throws {
        try state.withLock { s in
            _ = try step(&s, "rename \(from) \(to)")
            let id = try file(s, from, "rename")
            guard s.names[Self.parent(to)] == .directory, s.names[to] != .directory else { throw SystemFailure("rename", path: to, errno: ENOENT) }
            s.names[from] = nil
            s.names[to] = .file(id)
        }
    }

    func unlink(_ path: String) throws {
        try state.withLock { s in
            _ = try step(&s, "unlink \(path)")
            _ = try file(s, path, "unlink")
            s.names[path] = nil
        }
    }

    func makeDirectory(_ path: String) throws -> Bool {
        try state.withLock { s in
            _ = try step(&s, "mkdir \(path)")
            if s.names[path] == .directory { return false }
            guard s.names[path] == nil else { throw SystemFailure("mkdir", path: path, errno: EEXIST) }
            guard s.names[Self.parent(path)] == .directory else { throw SystemFailure("mkdir", path: path, errno: ENOENT) }
            s.names[path] = .directory
            return true
        }
    }

    func removeDirectory(_ path: String) throws {
        try state.withLock { s in
            _ = try step(&s, "rmdir \(path)")
            guard s.names[path] == .directory else { throw SystemFailure("rmdir", path: path, errno: ENOTDIR) }
            guard !s.names.keys.contains(where: { Self.parent($0) == path && $0 != path }) else { throw SystemFailure("rmdir", path: path, errno: ENOTEMPTY) }
            s.names[path] = nil
        }
    }

    func syncDirectory(_ path: String) throws {
        try state.withLock { s in
            _ = try step(&s, "fsync directory \(path)")
            guard s.names[path] == .directory else { throw SystemFailure("fsync directory", path: path, errno: ENOENT) }
            for (name, _) in s.durableNames where Self.parent(name) == path && name != path { s.durableNames[name] = nil }
            for (name, node) in s.names where Self.parent(name) == path && name != path { s.durableNames[name] = node }
        }
    }

    func lock(_ path: String) throws -> Int32 {
        try state.withLock { s in
            _ = try step(&s, "lock \(path)")
            if s.locked[path] != nil { throw SystemFailure("flock", path: path, errno: EWOULDBLOCK) }
            let fd = try open(&s, path, "open")
            s.locked[path] = fd
            return fd
        }
    }

    func read(_ path: String) throws -> Data {
        try state.withLock { s in
            try checkPower(s, "read")
            return Data(s.files[try file(s, path, "read")]!.data)
        }
    }

    func list(_ directory: String) throws -> [String] {
        try state.withLock { s in
            try checkPower(s, "opendir")
            guard s.names[directory] == .directory else { throw SystemFailure("opendir", path: directory, errno: ENOENT) }
            return s.names.keys.filter { Self.parent($0) == directory && $0 != directory }.map { ($0 as NSString).lastPathComponent }
        }
    }

    func isDirectory(_ path: String) -> Bool { state.withLock { $0.names[path] == .directory } }

    func fileSize(_ path: String) throws -> Int {
        try state.withLock { s in
            try checkPower(s, "stat")
            return s.files[try file(s, path, "stat")]!.data.count
        }
    }
}
