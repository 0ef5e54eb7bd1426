import Formats
import Foundation
import Testing
import TestSupport

/// The long loops of body parsing call their interrupt about every MiB and stop as soon as it throws,
/// so a request whose client has left costs at most another MiB of work.
@Suite struct InterruptTests {
    struct Stop: Error {}

    /// Counts its calls, and throws `Stop` from call `stopAt` on.
    final class Interrupt {
        private(set) var calls = 0
        let stopAt: Int

        init(stopAt: Int = .max) {
            self.stopAt = stopAt
        }

        func callAsFunction() throws {
            calls += 1
            if calls >= stopAt { throw Stop() }
        }
    }

    /// 4 MiB checksummed: the interrupt hears of each MiB; stopped at the second, the work ends there.
    @Test func theChecksumStopsWithinAMiB() throws {
        let bytes = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let all = Interrupt()
        let crc = try bytes.withUnsafeBytes { try CRC32.checksum($0, interrupt: all.callAsFunction) }
        #expect(crc == CRC32Reference.checksum(bytes))
        #expect(all.calls == 4)
        let stopped = Interrupt(stopAt: 2)
        #expect(throws: Stop.self) { try bytes.withUnsafeBytes { try CRC32.checksum($0, interrupt: stopped.callAsFunction) } }
        #expect(stopped.calls == 2)
    }

    /// An `.npz` whose member is 4 MiB: checking its CRC stops at the second MiB.
    @Test func anArchiveStopsWithinAMiB() throws {
        let member = NPYBytes.f4((0..<(1 << 20)).map(Float.init), shape: [1 << 20])
        let archive = NPZArchiveTests.archive(members: [("a.npy", Array(member))]) { $0 }
        let stopped = Interrupt(stopAt: 2)
        #expect(throws: Stop.self) {
            try archive.withUnsafeBytes { raw in _ = try NPZArchive.entries(raw) { try CRC32.checksum($0, interrupt: stopped.callAsFunction) } }
        }
        #expect(stopped.calls == 2)
    }

    /// 8 MiB of float64 converted: the interrupt hears of each MiB (8 in all);
    /// stopped at the third, the conversion ends there.
    @Test func npyConversionStopsWithinAMiB() throws {
        let file = NPYBytes.f8((0..<(1 << 20)).map(Double.init), shape: [1 << 20])
        let all = Interrupt()
        let values = try file.withUnsafeBytes { try NPYReader($0).floats(interrupt: all.callAsFunction) }
        #expect(values.count == 1 << 20 && values[12345] == 12345)
        #expect(all.calls == 8)
        let stopped = Interrupt(stopAt: 3)
        #expect(throws: Stop.self) { try file.withUnsafeBytes { _ = try NPYReader($0).floats(interrupt: stopped.callAsFunction) } }
        #expect(stopped.calls == 3)
    }

    /// About 4 MiB of numeric JSON: the interrupt hears of each MiB read; stopped at the second, the
    /// parse ends there.
    @Test func numericJSONStopsWithinAMiB() throws {
        let row = "[" + Array(repeating: "0.5", count: 1000).joined(separator: ",") + "]"
        let body = Array(("{\"m\": [" + Array(repeating: row, count: 1050).joined(separator: ",") + "]}").utf8)
        #expect(body.count > 4 << 20 && body.count < 5 << 20)
        let all = Interrupt()
        let parsed = try body.withUnsafeBytes { try NumericJSON($0, fields: ["m": .matrix], maxRows: 2000, dim: 1000, interrupt: all.callAsFunction) }
        #expect(parsed.matrices["m"]?.rows == 1050)
        #expect(all.calls == 5, "one call at the start, then one per MiB read")
        let stopped = Interrupt(stopAt: 2)
        #expect(throws: Stop.self) {
            try body.withUnsafeBytes { _ = try NumericJSON($0, fields: ["m": .matrix], maxRows: 2000, dim: 1000, interrupt: stopped.callAsFunction) }
        }
        #expect(stopped.calls == 2)
    }
}
