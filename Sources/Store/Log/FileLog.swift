import Formats
import Foundation
import Synchronization

/// The write-ahead log as segment files in one directory, each named by the sequence number of its
/// first record (`00000000000000000001.wal`) and holding `LogFrame`s back to back. Appends go to the
/// newest segment; `sync(through:)` fsyncs it with group commit; `seal` starts a new segment so that
/// `truncate(before:)` can delete whole old ones. Every call goes through a `FileSystem`.
///
/// A failed fsync (of a segment or of the directory) is final: the kernel may have dropped the pages
/// it could not write, so a later fsync that succeeds proves nothing. From then on the log refuses
/// every append, seal and sync until the server restarts and recovery reads what is really on disk.
package final class FileLog: MutationLog {
    /// The segments' directory.
    package let directory: String
    private let fileSystem: any FileSystem
    private let shared: Shared
    private let commit: GroupCommit

    /// The log's mutable state behind its lock, shared with the group commit's flush.
    private final class Shared: Sendable {
        let state: Mutex<State>
        init(_ state: State) { self.state = Mutex(state) }
    }

    private struct State {
        /// The newest segment, open for appending.
        var segment: AppendingFile
        /// The first sequence number of each segment, ascending; the last is `segment`'s.
        var firsts: [UInt64]
        /// The next record's sequence number.
        var next: UInt64
        /// The last record known durable.
        var durable: UInt64
        /// Bytes in all segments.
        var bytes: Int
        /// Why the log refuses writes (a failed fsync, or an append it could not take back), if it does.
        var failure: String?

        func refuse() throws {
            if let failure { throw StoreError.unavailable("the write-ahead log refuses writes until the server restarts: \(failure)") }
        }
    }

    /// Opens the log in `directory` (created when missing): reads every segment, cuts a torn final
    /// record off the last one, and continues after every sequence number any segment holds and at
    /// `nextAtLeast` or later (what checkpoints hold). Returns the log and what reading it found.
    package static func open(directory: String, on fileSystem: any FileSystem, nextAtLeast: UInt64 = 1) throws -> (log: FileLog, scan: LogScan) {
        try fileSystem.makeDirectories(directory)
        let files = try segments(in: directory, on: fileSystem)
        var reading = try LogReader.read(files, on: fileSystem)
        if let cut = reading.cut, let last = files.last {
            let file = try AppendingFile(last.path, on: fileSystem)
            let dropped = file.size - cut
            try file.truncate(to: cut)
            try file.sync()
            reading.scan.tornTail = "cut \(dropped) bytes at the end of \((last.path as NSString).lastPathComponent): a final record that was never fully written"
        }
        var next = Swift.max(nextAtLeast, 1)
        if let highest = reading.highest { next = Swift.max(next, highest + 1) }
        if let last = files.last { next = Swift.max(next, last.first) }
        let log = try FileLog(directory: directory, fileSystem: fileSystem, firsts: files.map(\.first), next: next)
        return (log, reading.scan)
    }

    private init(directory: String, fileSystem: any FileSystem, firsts: [UInt64], next: UInt64) throws {
        self.directory = directory
        self.fileSystem = fileSystem
        var firsts = firsts
        if firsts.isEmpty { firsts = [next] }
        let segment = try AppendingFile(Self.path(directory, first: firsts[firsts.count - 1]), on: fileSystem)
        try fileSystem.syncDirectory(directory)
        let bytes = try firsts.reduce(0) { $0 + (try fileSystem.fileSize(Self.path(directory, first: $1))) }
        let shared = Shared(State(segment: segment, firsts: firsts, next: next, durable: next - 1, bytes: bytes))
        self.shared = shared
        commit = GroupCommit(durable: next - 1) {
            let (through, segment) = try shared.state.withLock { s in
                try s.refuse()
                return (s.next - 1, s.segment)
            }
            do {
                try segment.sync()
            } catch {
                shared.state.withLock { $0.failure = "\(error)" }
                throw error
            }
            shared.state.withLock { $0.durable = Swift.max($0.durable, through) }
            return through
        }
    }

    /// Flushes (fsyncs) run so far: each serves every writer waiting when it starts.
    package var flushes: Int { commit.flushes }

    package func append(store: String, entry: LogEntry) throws -> UInt64 {
        try entry.withPayload { payload in try append(store: store, kind: entry.kind, payload: payload) }
    }

    private func append(store: String, kind: UInt8, payload: UnsafeRawBufferPointer) throws -> UInt64 {
        guard payload.count <= Int(UInt32.max) else { throw StoreError.invalid("a log record of \(payload.count) bytes is over the 4 GiB limit") }
        var crc = CRC32.checksum(payload).littleEndian
        return try shared.state.withLock { s in
            try s.refuse()
            let sequence = s.next
            let header = LogFrame.header(sequence: sequence, store: store, kind: kind, payloadLength: payload.count)
            let start = s.segment.size
            do {
                try header.withUnsafeBytes { try s.segment.write($0) }
                try s.segment.write(payload)
                try withUnsafeBytes(of: &crc) { try s.segment.write($0) }
            } catch {
                do { try s.segment.truncate(to: start) } catch { s.failure = "an append failed and could not be taken back: \(error)" }
                throw error
            }
            s.next += 1
            s.bytes += s.segment.size - start
            return sequence
        }
    }

    package func sync(through sequence: UInt64) async throws {
        try await commit.wait(through: sequence)
    }

    package func read(from sequence: UInt64) throws -> LogScan {
        let files = shared.state.withLock { s in s.firsts.map { (first: $0, path: Self.path(directory, first: $0)) } }
        var scan = try LogReader.read(files, on: fileSystem).scan
        scan.items.removeAll { if case .record(let r) = $0 { r.sequence < sequence } else { false } }
        return scan
    }

    package func seal() throws -> UInt64 {
        try shared.state.withLock { s in
            try s.refuse()
            let last = s.next - 1
            guard s.segment.size > 0 else { return last }
            do {
                try s.segment.sync()
                s.durable = Swift.max(s.durable, last)
                let segment = try AppendingFile(Self.path(directory, first: s.next), on: fileSystem)
                try fileSystem.syncDirectory(directory)
                s.segment = segment
                s.firsts.append(s.next)
            } catch {
                s.failure = "sealing a segment failed: \(error)"
                throw error
            }
            return last
        }
    }

    package func truncate(before sequence: UInt64) throws {
        try shared.state.withLock { s in
            // Segment i holds [firsts[i], firsts[i + 1]): delete it when all of that is before `sequence`.
            // A segment whose unlink a power cut undoes holds only records that checkpoints hold: replay
            // skips them.
            var removed = false
            while s.firsts.count > 1, s.firsts[1] <= sequence {
                let path = Self.path(directory, first: s.firsts[0])
                let size = try fileSystem.fileSize(path)
                try fileSystem.unlink(path)
                removed = true
                s.bytes -= size
                s.firsts.removeFirst()
            }
            if removed { try fileSystem.syncDirectory(directory) }
        }
    }

    package var firstSequence: UInt64 { shared.state.withLock { $0.firsts[0] } }

    package var durableSequence: UInt64 { shared.state.withLock { $0.durable } }

    package var bytes: Int { shared.state.withLock { $0.bytes } }

    package var failure: String? { shared.state.withLock { $0.failure } }

    /// The segment files in `directory`, by first sequence number.
    package static func segments(in directory: String, on fileSystem: any FileSystem) throws -> [(first: UInt64, path: String)] {
        try fileSystem.list(directory).compactMap { name in
            guard name.hasSuffix(".wal"), let first = UInt64(name.dropLast(4)) else { return nil }
            return (first, directory + "/" + name)
        }.sorted { $0.first < $1.first }
    }

    static func path(_ directory: String, first: UInt64) -> String {
        let digits = String(first)
        return directory + "/" + String(repeating: "0", count: Swift.max(0, 20 - digits.count)) + digits + ".wal"
    }
}

extension LogSource {
    /// The segment files in the data directory's `wal/`: the embedded default.
    package static func files(of data: DataDirectory) -> LogSource {
        LogSource { nextAtLeast in
            let (log, scan) = try FileLog.open(directory: data.wal, on: data.fileSystem, nextAtLeast: nextAtLeast)
            return (log, scan)
        }
    }
}
