import Formats
import Foundation
import Synchronization

/// The write-ahead log as segment files in one directory, each named by the sequence number of its
/// first record (`00000000000000000001.wal`) and holding `LogFrame`s back to back. Appends go to the
/// newest segment; `sync(through:)` fsyncs it with group commit; `seal` starts a new segment so that
/// `truncate(before:)` can delete whole old ones.
package final class FileLog: MutationLog {
    /// The segments' directory.
    package let directory: URL
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
        /// Bytes in all segments.
        var bytes: Int
        /// Set when an append could not be undone: the log refuses further appends.
        var failure: String?
    }

    /// Opens the log in `directory` (created when missing): reads every segment, cuts a torn final
    /// record off the last one, and continues after the last record (or at `nextAtLeast`, when the
    /// log is empty and snapshots have gone further). Returns the log and what reading it found.
    package static func open(directory: URL, nextAtLeast: UInt64 = 1) throws -> (log: FileLog, scan: LogScan) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = try segments(in: directory)
        var (scan, cut, last) = try LogReader.read(files)
        if let cut {
            let file = try AppendingFile(url: files[files.count - 1].url)
            let dropped = file.size - cut
            try file.truncate(to: cut)
            try file.sync()
            scan.tornTail = "cut \(dropped) bytes at the end of \(file.url.lastPathComponent): a final record that was never fully written"
        }
        let next = Swift.max(last.map { $0 + 1 } ?? files.last?.first ?? 1, files.isEmpty ? nextAtLeast : 1)
        let log = try FileLog(directory: directory, firsts: files.map(\.first), next: next)
        return (log, scan)
    }

    private init(directory: URL, firsts: [UInt64], next: UInt64) throws {
        self.directory = directory
        var firsts = firsts
        if firsts.isEmpty { firsts = [next] }
        let segment = try AppendingFile(url: Self.url(directory, first: firsts[firsts.count - 1]))
        try Disk.syncDirectory(directory)
        let bytes = try firsts.reduce(0) { $0 + (try Disk.size(of: Self.url(directory, first: $1))) }
        let shared = Shared(State(segment: segment, firsts: firsts, next: next, bytes: bytes))
        self.shared = shared
        commit = GroupCommit(durable: next - 1) {
            let (through, segment) = shared.state.withLock { ($0.next - 1, $0.segment) }
            try segment.sync()
            return through
        }
    }

    /// Flushes (fsyncs) run so far: each serves every writer waiting when it starts.
    package var flushes: Int { commit.flushes }

    package func append(store: String, entry: LogEntry) throws -> UInt64 {
        let payload = try entry.payload()
        guard payload.count <= Int(UInt32.max) else { throw StoreError.invalid("a log record of \(payload.count) bytes is over the 4 GiB limit") }
        var crc = CRC32.checksum(payload).littleEndian
        return try shared.state.withLock { s in
            if let failure = s.failure { throw StoreError.unavailable("the write-ahead log is out of order (\(failure)); restart the server") }
            let sequence = s.next
            let header = LogFrame.header(sequence: sequence, store: store, kind: entry.kind, payloadLength: payload.count)
            let start = s.segment.size
            do {
                try header.withUnsafeBytes { try s.segment.write($0) }
                try payload.withUnsafeBytes { try s.segment.write($0) }
                try withUnsafeBytes(of: &crc) { try s.segment.write($0) }
            } catch {
                do { try s.segment.truncate(to: start) } catch { s.failure = "\(error)" }
                throw StoreError.unavailable("could not append to the write-ahead log: \(error)")
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
        let files = shared.state.withLock { s in s.firsts.map { (first: $0, url: Self.url(directory, first: $0)) } }
        var scan = try LogReader.read(files).scan
        scan.items.removeAll { if case .record(let r) = $0 { r.sequence < sequence } else { false } }
        return scan
    }

    package func seal() throws -> UInt64 {
        try shared.state.withLock { s in
            let last = s.next - 1
            guard s.segment.size > 0 else { return last }
            try s.segment.sync()
            s.segment = try AppendingFile(url: Self.url(directory, first: s.next))
            s.firsts.append(s.next)
            try Disk.syncDirectory(directory)
            return last
        }
    }

    package func truncate(before sequence: UInt64) throws {
        try shared.state.withLock { s in
            // Segment i holds [firsts[i], firsts[i + 1]): delete it when all of that is before `sequence`.
            while s.firsts.count > 1, s.firsts[1] <= sequence {
                let url = Self.url(directory, first: s.firsts[0])
                let size = try Disk.size(of: url)
                try FileManager.default.removeItem(at: url)
                s.bytes -= size
                s.firsts.removeFirst()
            }
            try Disk.syncDirectory(directory)
        }
    }

    package var firstSequence: UInt64 { shared.state.withLock { $0.firsts[0] } }

    package var bytes: Int { shared.state.withLock { $0.bytes } }

    /// The segment files in `directory`, by first sequence number.
    static func segments(in directory: URL) throws -> [(first: UInt64, url: URL)] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).compactMap { name in
            guard name.hasSuffix(".wal"), let first = UInt64(name.dropLast(4)) else { return nil }
            return (first, directory.appendingPathComponent(name))
        }.sorted { $0.first < $1.first }
    }

    static func url(_ directory: URL, first: UInt64) -> URL {
        let digits = String(first)
        return directory.appendingPathComponent(String(repeating: "0", count: Swift.max(0, 20 - digits.count)) + digits + ".wal")
    }
}
