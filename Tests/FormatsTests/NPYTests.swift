import Formats
import Foundation
import Testing
import TestSupport

@Suite struct NPYTests {
    /// Files written by numpy (the committed fixtures) decode with their shapes and dtypes.
    @Test func readsNumpyFiles() throws {
        let memories = try Fixtures.array("memories")
        #expect(memories.shape == [12, 8] && memories.dtype == "<f4")
        let clamp = try Fixtures.array("clamp")
        #expect(clamp.shape == [5, 8] && clamp.dtype == "|b1")
        #expect(clamp.values.filter { $0 == 1 }.count == 4 * 2 + 1)
        let nearest = try Fixtures.array("lse_nearest")
        #expect(nearest.dtype == "<i8" && nearest.values == [0, 3, 5, 7, 11])
        #expect(try Fixtures.array("lse_states").dtype == "<f8")
    }

    @Test func roundTrips() throws {
        let values: [Float] = [1, -2.5, .pi, 0, 1e-30, 3e38]
        let decoded = try NPYArray(npy: NPYArray.encode(float32: values, shape: [2, 3]))
        #expect(decoded == NPYArray(shape: [2, 3], values: values, dtype: "<f4"))
        let ints = try NPYArray(npy: NPYArray.encode(int64: [4, -1, 7], shape: [3]))
        #expect(ints.shape == [3] && ints.values == [4, -1, 7] && ints.dtype == "<i8")
        let empty = try NPYArray(npy: NPYArray.encode(float32: [], shape: [0, 5]))
        #expect(empty.shape == [0, 5] && empty.values.isEmpty)
    }

    /// The header is padded so that the data starts at a multiple of 64 bytes, as numpy does.
    @Test func headerIsAligned() {
        let data = NPYArray.encode(float32: [1, 2, 3], shape: [3])
        #expect((data.count - 12) % 64 == 0)
        #expect(data[data.count - 13] == UInt8(ascii: "\n"))
    }

    /// Versions 2.0 and 3.0 carry a 4-byte header length.
    @Test(arguments: [2, 3] as [UInt8])
    func readsVersionsTwoAndThree(major: UInt8) throws {
        let data = NPYBytes.file(NPYBytes.header("<f8", [2]), [1.5, -2.0].flatMap { NPYBytes.bytes(of: $0.bitPattern) }, major: major)
        let array = try NPYArray(npy: data)
        #expect(array.shape == [2] && array.values == [1.5, -2])
    }

    @Test(arguments: [
        ("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "big-endian"),
        ("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "Fortran"),
        ("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "dtype '<c8' is not supported"),
        ("{'descr': '<f4', 'shape': (1,), }", "fortran_order"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (1, x), }", "shape"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "needs 12"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", "too large"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (3037000500, 3037000500), }", "too large"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "the shape entry 99999999999999999999 is too large"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "non-negative integers"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,), }", "non-negative integers"),
        ("not a dict", "expected '{'"),
    ])
    func refusesBadHeaders(header: String, message: String) {
        let data = NPYBytes.file(header, [0, 0, 128, 63], padded: false)  // one float32
        #expect { try NPYArray(npy: data) } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func refusesTruncatedAndForeignBytes() {
        #expect(throws: NPYError.self) { try NPYArray(npy: Data("hello world, not numpy".utf8)) }
        let good = NPYArray.encode(float32: [1, 2, 3, 4], shape: [4])
        #expect(throws: NPYError.self) { try NPYArray(npy: good.prefix(good.count - 3)) }
        #expect(throws: NPYError.self) { try NPYArray(npy: good.prefix(20)) }
        var wrongVersion = good
        wrongVersion[6] = 9
        #expect(throws: NPYError.self) { try NPYArray(npy: wrongVersion) }
    }

    /// A version 2 or 3 header length (4 bytes) is checked before the header is read: one over
    /// `maxHeaderBytes`, and one beyond the file, are refused without a trap.
    @Test(arguments: [UInt8(2), 3])
    func refusesHeaderLengthsFromTheFile(major: UInt8) {
        for length in [UInt32(NPYReader.maxHeaderBytes + 1), .max] {
            let data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]) + NPYBytes.bytes(of: length) + Data("{}".utf8)
            #expect { try NPYArray(npy: data) } throws: { "\($0)".contains("more than \(NPYReader.maxHeaderBytes)") }
        }
    }

    /// float64 values beyond float32's range are refused rather than turned into infinity.
    @Test func refusesFloat64OutOfRange() {
        let data = NPYBytes.f8([1e300], shape: [1])
        #expect { try NPYArray(npy: data) } throws: { "\($0)".contains("does not fit in float32") }
    }
}
