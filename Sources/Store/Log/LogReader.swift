import Formats
import Foundation

/// Reads log segments: checks every frame's checksums and the sequence numbers' continuity, and
/// sorts what it finds into records, damage, and a torn tail (an incomplete or invalid stretch at
/// the very end of the last segment, with nothing valid after it: a write the crash interrupted,
/// never acknowledged).
enum LogReader {
    /// The scan of `files` (ascending), where to cut the last one (a torn tail), and the last
    /// record's sequence number.
    static func read(_ files: [(first: UInt64, url: URL)]) throws -> (scan: LogScan, cut: Int?, last: UInt64?) {
        var scan = LogScan()
        var cut: Int?
        var expected: UInt64?
        var last: UInt64?
        for (index, file) in files.enumerated() {
            let data = try Data(contentsOf: file.url)
            let isLast = index == files.count - 1
            if index == 0 { expected = file.first }
            let name = file.url.lastPathComponent
            data.withUnsafeBytes { bytes in
                func damage(_ offset: Int, _ reason: String, store: String? = nil, sequence: UInt64? = nil) {
                    scan.items.append(.damage(LogDamage(file: name, offset: offset, store: store, sequence: sequence, reason: reason)))
                }
                var offset = 0
                while offset < bytes.count {
                    let probe = LogFrame.probe(bytes, at: offset)
                    guard case .header(let header) = probe else {
                        // No valid header here: damage when a valid record follows, else a torn tail (last
                        // segment) or damage up to the end (an older segment).
                        let why = if case .invalid(let why) = probe { why } else { "the segment ends inside a record header" }
                        if let resume = nextHeader(bytes, after: offset) {
                            damage(offset, why + "; the record's store cannot be known")
                            expected = nil
                            offset = resume
                            continue
                        }
                        if isLast { cut = offset } else { damage(offset, why + " up to the end of the segment; the records' stores cannot be known"); expected = nil }
                        return
                    }
                    let payloadOK = header.end <= bytes.count && checksumHolds(bytes, header)
                    if !payloadOK {
                        let resume = header.end <= bytes.count ? header.end : nextHeader(bytes, after: offset)
                        if isLast, resume == nil || resume == bytes.count {
                            cut = offset
                            return
                        }
                        damage(offset, header.end <= bytes.count ? "record payload checksum mismatch" : "record cut short", store: header.store, sequence: header.sequence)
                        expected = header.sequence + 1
                        guard let resume else { return }
                        offset = resume
                        continue
                    }
                    if let e = expected, header.sequence != e {
                        damage(offset, header.sequence > e ? "records \(e)…\(header.sequence - 1) are missing" : "sequence number \(header.sequence) after \(e - 1)")
                    }
                    expected = header.sequence + 1
                    let payload = UnsafeRawBufferPointer(rebasing: bytes[header.payloadStart..<(header.payloadStart + header.payloadLength)])
                    do {
                        let entry = try LogEntry.decode(kind: header.kind, payload: payload)
                        scan.items.append(.record(LogRecord(sequence: header.sequence, store: header.store, entry: entry)))
                        last = header.sequence
                    } catch {
                        damage(offset, "record does not decode: \(error)", store: header.store, sequence: header.sequence)
                    }
                    offset = header.end
                }
            }
        }
        return (scan, cut, last)
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
