import Formats
import Foundation

/// Reads log segments: checks every frame's checksums and the sequence numbers' continuity, and sorts
/// what it finds into records, damage, and a torn tail.
///
/// A torn tail is a write a crash interrupted, never acknowledged, at the very end of the last segment
/// with no valid record after it, and only when the bytes say so: the file ends inside the record, or
/// from some point inside it on everything is zeros (a block the file system extended but never
/// wrote). A complete record whose checksum fails, or other bytes after the last good record, are
/// damage, never cut (docs/durability.md, "Torn or damaged").
enum LogReader {
    /// What reading the segments found.
    struct Result {
        var scan = LogScan()
        /// Where to cut the last segment (a torn tail), if anywhere.
        var cut: Int?
        /// The highest sequence number in an intact record header (cut ones aside).
        var highest: UInt64?
    }

    /// The reading of `files` (ascending), through `fileSystem`.
    static func read(_ files: [(first: UInt64, path: String)], on fileSystem: any FileSystem) throws -> Result {
        var result = Result()
        var expected: UInt64?
        for (index, file) in files.enumerated() {
            let data = try fileSystem.read(file.path)
            if index == 0 { expected = file.first }
            let name = (file.path as NSString).lastPathComponent
            data.withUnsafeBytes { bytes in
                read(bytes, name: name, isLast: index == files.count - 1, expected: &expected, into: &result)
            }
        }
        return result
    }

    /// The reading of one segment's `bytes` (file `name`), `isLast` when a torn tail may be cut from it,
    /// continuing the sequence from `expected`, into `result`. Never traps on any bytes.
    static func read(_ bytes: UnsafeRawBufferPointer, name: String, isLast: Bool, expected: inout UInt64?, into result: inout Result) {
        func damage(_ offset: Int, _ reason: String, store: String? = nil, sequence: UInt64? = nil) {
            result.scan.items.append(.damage(LogDamage(file: name, offset: offset, store: store, sequence: sequence, reason: reason)))
        }
        func saw(_ sequence: UInt64) { result.highest = Swift.max(result.highest ?? 0, sequence) }
        let zeros = trailingZeros(bytes)
        var offset = 0
        while offset < bytes.count {
            let probe = LogFrame.probe(bytes, at: offset)
            guard case .header(let header) = probe else {
                let resume = nextHeader(bytes, after: offset)
                if isLast, resume == nil, isTorn(probe, bytes, at: offset, zerosFrom: zeros) {
                    result.cut = offset
                    return
                }
                let why = if case .invalid(let why) = probe { why } else { "the segment ends inside a record header" }
                guard let resume else {
                    damage(offset, why + " up to the end of the segment; the records' stores cannot be known")
                    expected = nil
                    return
                }
                damage(offset, why + "; the record's store cannot be known")
                expected = nil
                offset = resume
                continue
            }
            guard header.end <= bytes.count, checksumHolds(bytes, header) else {
                let resume = header.end <= bytes.count ? nil : nextHeader(bytes, after: offset)
                let following = header.end <= bytes.count ? nextHeader(bytes, after: header.end - 1) : resume
                if isLast, following == nil, header.end > bytes.count || zeros < header.end {
                    result.cut = offset
                    return
                }
                saw(header.sequence)
                damage(offset, header.end <= bytes.count ? "record payload checksum mismatch" : "record cut short", store: header.store, sequence: header.sequence)
                expected = header.sequence + 1
                guard let next = header.end <= bytes.count ? header.end : resume else { return }
                offset = next
                continue
            }
            saw(header.sequence)
            if let e = expected, header.sequence != e {
                damage(offset, header.sequence > e ? "records \(e)…\(header.sequence - 1) are missing" : "sequence number \(header.sequence) after \(e - 1)")
            }
            expected = header.sequence + 1
            let payload = UnsafeRawBufferPointer(rebasing: bytes[header.payloadStart..<(header.payloadStart + header.payloadLength)])
            do {
                let entry = try LogEntry.decode(kind: header.kind, payload: payload)
                result.scan.items.append(.record(LogRecord(sequence: header.sequence, store: header.store, entry: entry)))
            } catch {
                damage(offset, "record does not decode: \(error)", store: header.store, sequence: header.sequence)
            }
            offset = header.end
        }
    }

    /// Whether bytes from `offset` on with no valid header there are a torn write: the file ends inside
    /// a header, everything from `offset` is zeros, or the first bytes of a header (its magic) are
    /// followed by nothing but zeros.
    private static func isTorn(_ probe: LogFrame.Probe, _ bytes: UnsafeRawBufferPointer, at offset: Int, zerosFrom zeros: Int) -> Bool {
        if case .short = probe { return true }
        if zeros <= offset { return true }
        guard zeros < bytes.count, zeros - offset < LogFrame.largestHeader else { return false }
        let magic = withUnsafeBytes(of: LogFrame.magic.littleEndian) { Array($0) }
        return (offset..<Swift.min(offset + 4, zeros)).allSatisfy { bytes[$0] == magic[$0 - offset] }
    }

    /// The offset from which every byte to the end is zero (the length when the last byte is not).
    private static func trailingZeros(_ bytes: UnsafeRawBufferPointer) -> Int {
        var at = bytes.count
        while at > 0, bytes[at - 1] == 0 { at -= 1 }
        return at
    }

    private static func checksumHolds(_ bytes: UnsafeRawBufferPointer, _ header: LogFrame.Header) -> Bool {
        let payload = UnsafeRawBufferPointer(rebasing: bytes[header.payloadStart..<(header.payloadStart + header.payloadLength)])
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: header.payloadStart + header.payloadLength, as: UInt32.self))
        return CRC32.checksum(payload) == stored
    }

    /// The offset of the next valid, complete frame after `offset`, if any.
    private static func nextHeader(_ bytes: UnsafeRawBufferPointer, after offset: Int) -> Int? {
        var at = offset + 1
        while at + LogFrame.fixedHeader <= bytes.count {
            if bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self) == LogFrame.magic.littleEndian,
               case .header(let header) = LogFrame.probe(bytes, at: at), header.end <= bytes.count, checksumHolds(bytes, header) {
                return at
            }
            at += 1
        }
        return nil
    }
}
