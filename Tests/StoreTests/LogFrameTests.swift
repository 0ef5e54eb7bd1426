import Foundation
import Testing
import TestSupport
@testable import Store

@Suite struct LogFrameTests {
    /// A frame written here byte by byte from docs/formats.md, with checksums computed independently.
    static func frame(sequence: UInt64, store: String, kind: UInt8, payload: [UInt8]) -> [UInt8] {
        var header = Array("EWL1".utf8) + NPYBytes.bytes(of: sequence) + [kind, 0]
            + NPYBytes.bytes(of: UInt16(store.utf8.count)) + NPYBytes.bytes(of: UInt32(payload.count)) + Array(store.utf8)
        header += NPYBytes.bytes(of: CRC32Reference.checksum(header))
        return header + payload + NPYBytes.bytes(of: CRC32Reference.checksum(payload))
    }

    static func read(_ bytes: [UInt8], expected: UInt64? = 1) -> LogReader.Result {
        var result = LogReader.Result(), expected = expected
        bytes.withUnsafeBytes { LogReader.read($0, name: "test.wal", isLast: true, expected: &expected, into: &result) }
        return result
    }

    @Test func readsFramesWrittenByHand() {
        let bytes = Self.frame(sequence: 1, store: "s", kind: 2, payload: []) + Self.frame(sequence: 2, store: "t", kind: 2, payload: [])
        let result = Self.read(bytes)
        #expect(result.scan.records == [LogRecord(sequence: 1, store: "s", entry: .delete), LogRecord(sequence: 2, store: "t", entry: .delete)])
        #expect(result.highest == 2 && result.cut == nil)
    }

    /// Issue 18: a record whose header (checksum intact) carries sequence number 2^64 − 1 trapped the
    /// reader, which adds one to it. Such a header is damage, and the records after it are read.
    @Test(arguments: [UInt64.max, UInt64(Int64.max) + 1])
    func aSequenceNumberThatCannotBeFollowedIsDamage(sequence: UInt64) {
        let bytes = Self.frame(sequence: sequence, store: "s", kind: 2, payload: []) + Self.frame(sequence: 1, store: "t", kind: 2, payload: [])
        let result = Self.read(bytes)
        let damage = result.scan.items.compactMap { if case .damage(let d) = $0 { d } else { nil } }
        #expect(damage.count == 1 && damage.first?.reason.contains("sequence number \(sequence)") == true, "\(damage)")
        #expect(result.scan.records.map(\.sequence) == [1])
        #expect(result.highest == 1)
    }

    /// A payload length (from the header) beyond the segment is a record cut short, never a read past the bytes.
    @Test func aPayloadLengthBeyondTheBytesIsCutShort() {
        var bytes = Self.frame(sequence: 1, store: "s", kind: 2, payload: [])
        bytes.replaceSubrange(16..<20, with: NPYBytes.bytes(of: UInt32.max))
        bytes.replaceSubrange(21..<25, with: NPYBytes.bytes(of: CRC32Reference.checksum(Array(bytes[0..<21]))))
        let result = Self.read(bytes + Self.frame(sequence: 2, store: "t", kind: 2, payload: []))
        #expect(result.scan.records.map(\.sequence) == [2])
        #expect(result.scan.items.count == 2)
    }
}
