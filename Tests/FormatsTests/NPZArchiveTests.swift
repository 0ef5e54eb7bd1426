import Formats
import Foundation
import Testing
import TestSupport

@Suite struct NPZArchiveTests {
    /// One entry of a hand-made archive: the name in the central directory, where its local header
    /// is, the CRC and size the directory states.
    struct Entry {
        var name: String
        var local: UInt32
        var crc: UInt32
        var size: UInt32
    }

    /// A zip archive written here byte by byte (not by `NPZArchive.encode`): `members` stored back to
    /// back, each behind a local header, then a central directory of `directory` (which may point
    /// anywhere), then the end record.
    static func archive(members: [(name: String, data: [UInt8])], directory: (_ locals: [Entry]) -> [Entry]) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { NPYBytes.bytes(of: v) }
        var bytes: [UInt8] = [], locals: [Entry] = []
        for member in members {
            let name = Array(member.name.utf8)
            let crc = CRC32Reference.checksum(member.data)
            locals.append(Entry(name: member.name, local: UInt32(bytes.count), crc: crc, size: UInt32(member.data.count)))
            bytes += le(UInt32(0x0403_4B50)) + le(UInt16(20)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt32(0)) + le(crc)
                + le(UInt32(member.data.count)) + le(UInt32(member.data.count)) + le(UInt16(name.count)) + le(UInt16(0)) + name + member.data
        }
        let start = bytes.count
        let entries = directory(locals)
        for entry in entries {
            let name = Array(entry.name.utf8)
            bytes += le(UInt32(0x0201_4B50)) + le(UInt16(20)) + le(UInt16(20)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt32(0)) + le(entry.crc)
                + le(entry.size) + le(entry.size) + le(UInt16(name.count)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0))
                + le(UInt32(0)) + le(entry.local) + name
        }
        bytes += le(UInt32(0x0605_4B50)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(entries.count)) + le(UInt16(entries.count))
            + le(UInt32(bytes.count - start)) + le(UInt32(start)) + le(UInt16(0))
        return bytes
    }

    /// The archive's entries, and how many bytes were checksummed reading it.
    static func read(_ bytes: [UInt8]) -> (result: Result<[String: [UInt8]], NPYError>, checksummed: Int) {
        var checksummed = 0
        let result = bytes.withUnsafeBytes { raw in
            Result {
                try NPZArchive.entries(raw) { data in
                    checksummed += data.count
                    return CRC32Reference.checksum(Array(data))
                }.mapValues { Array($0) }
            }.mapError { $0 as! NPYError }
        }
        return (result, checksummed)
    }

    @Test func readsAnArchiveCheckingEachByteOnce() throws {
        let a = NPYBytes.f4([1, 2, 3], shape: [3]), b = NPYBytes.f4([4], shape: [1])
        let bytes = Self.archive(members: [("a.npy", Array(a)), ("b.npy", Array(b))]) { $0 }
        let (result, checksummed) = Self.read(bytes)
        #expect(try result.get() == ["a": Array(a), "b": Array(b)])
        #expect(checksummed == a.count + b.count)
    }

    /// Issue 18's CRC amplification: every central-directory entry names the same large member. It is
    /// refused from the directory alone, before a byte of data is checksummed.
    @Test func entriesSharingOneMemberAreRefusedBeforeAnyChecksum() {
        let member = [UInt8](repeating: 0x5A, count: 1 << 20)
        let bytes = Self.archive(members: [("m0.npy", member)]) { locals in
            (0..<2000).map { Entry(name: "m\($0).npy", local: locals[0].local, crc: locals[0].crc, size: locals[0].size) }
        }
        let (result, checksummed) = Self.read(bytes)
        guard case .failure(let error) = result else { Issue.record("an archive of 2000 entries over one member was read"); return }
        #expect(error.description.contains("overlap"))
        #expect(checksummed <= 2 * bytes.count)
        #expect(checksummed == 0)
    }

    /// The same member named twice under one name is refused as a repeat, again before any checksum.
    @Test func aRepeatedNameIsRefusedBeforeAnyChecksum() {
        let bytes = Self.archive(members: [("m.npy", [UInt8](repeating: 1, count: 4096))]) { Array(repeating: $0[0], count: 100) }
        let (result, checksummed) = Self.read(bytes)
        guard case .failure(let error) = result else { Issue.record("a repeated entry was read"); return }
        #expect(error.description.contains("is there twice"))
        #expect(checksummed == 0)
    }

    /// An entry inside another's data (a second local header planted in the first member's bytes) is
    /// refused as overlapping.
    @Test func anEntryInsideAnotherIsRefused() {
        let member = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 252)
        let bytes = Self.archive(members: [("a.npy", member)]) { locals in
            [locals[0], Entry(name: "b.npy", local: locals[0].local + 30 + 5, crc: 0, size: 16)]
        }
        guard case .failure(let error) = Self.read(bytes).result else { Issue.record("overlapping entries were read"); return }
        #expect(error.description.contains("overlap"), "\(error)")
    }

    @Test(arguments: [
        ("local header beyond the end", UInt32(0xFFFF_FFF0), UInt32(4), "damaged"),
        ("size beyond the end", UInt32(0), UInt32(0xFFFF_FFF0), "truncated"),
    ])
    func refusesOffsetsAndSizesBeyondTheArchive(_ what: String, local: UInt32, size: UInt32, says: String) {
        let bytes = Self.archive(members: [("a.npy", [1, 2, 3, 4])]) { locals in
            [Entry(name: "a.npy", local: local, crc: locals[0].crc, size: size)]
        }
        guard case .failure(let error) = Self.read(bytes).result else { Issue.record("\(what): read"); return }
        #expect(error.description.contains(says), "\(what): \(error)")
    }
}
