import Formats
import Foundation
import Testing
import TestSupport

@Suite struct SafeTensorsTests {
    /// A file: the 8-byte little-endian length of `header` (JSON text, written here by hand), the
    /// header, then `data`.
    static func file(_ header: String, data: [UInt8] = []) -> [UInt8] {
        NPYBytes.bytes(of: UInt64(header.utf8.count)) + Array(header.utf8) + data
    }

    static func parse(_ bytes: [UInt8]) throws -> SafeTensors.Parsed {
        try bytes.withUnsafeBytes { try SafeTensors.parse($0, fileSize: $0.count) }
    }

    /// What parsing `bytes` throws: a `SafeTensorsError`'s text, or nil when it parses.
    static func refusal(_ bytes: [UInt8]) -> String? {
        do {
            _ = try parse(bytes)
            return nil
        } catch {
            return (error as? SafeTensorsError)?.description ?? "not a SafeTensorsError: \(error)"
        }
    }

    @Test func readsAWellFormedFile() throws {
        let parsed = try Self.parse(Self.file(#"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}"#, data: Array(repeating: 7, count: 11)))
        #expect(parsed.metadata == ["k": "v"])
        #expect(parsed.tensors["a"]?.shape == [1, 2] && parsed.tensors["a"]?.range == 0..<8)
        #expect(parsed.tensors["b"]?.shape == [3] && parsed.tensors["b"]?.range == 8..<11)
    }

    /// Issue 18's 105-byte upload: a float64 tensor whose byte count is just under Int.max, so that
    /// the data's start plus it overflowed (a trap, before any checksum).
    @Test func aSizeNearIntMaxIsRefusedNotATrap() {
        let bytes = Self.file(#"{"a":{"dtype":"F64","shape":[1152921504606846974],"data_offsets":[0,9223372036854775792]}}"#, data: Array(repeating: 0, count: 8))
        #expect(Self.refusal(bytes)?.contains("beyond the file") == true)
    }

    @Test(arguments: [
        // Fractional, boolean, exponent and out-of-range shape entries are not integers.
        (#"{"a":{"dtype":"U8","shape":[1.5,2],"data_offsets":[0,2]}}"#, "lists of integers"),
        (#"{"a":{"dtype":"U8","shape":[2.0],"data_offsets":[0,2]}}"#, "lists of integers"),
        (#"{"a":{"dtype":"U8","shape":[true,2],"data_offsets":[0,2]}}"#, "lists of integers"),
        (#"{"a":{"dtype":"U8","shape":[1e1],"data_offsets":[0,10]}}"#, "lists of integers"),
        (#"{"a":{"dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,2]}}"#, "lists of integers"),
        (#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2.5]}}"#, "lists of integers"),
        // An element count or a byte count beyond Int.
        (#"{"a":{"dtype":"U8","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,2]}}"#, "too large"),
        (#"{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,2]}}"#, "too large"),
        // Offsets beyond the file, negative, or reversed.
        (#"{"a":{"dtype":"U8","shape":[9223372036854775807],"data_offsets":[0,9223372036854775807]}}"#, "beyond the file"),
        (#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[9223372036854775805,9223372036854775807]}}"#, "beyond the file"),
        (#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[-2,0]}}"#, "bad offsets"),
        (#"{"a":{"dtype":"U8","shape":[-2],"data_offsets":[0,2]}}"#, "negative shape"),
        (#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,0]}}"#, "bad offsets"),
        // Two tensors over the same bytes, and data left over.
        (#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#, "overlap"),
        (#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, "truncated or padded"),
    ])
    func refusesHostileHeaders(header: String, says: String) {
        let refusal = Self.refusal(Self.file(header, data: [1, 2]))
        #expect(refusal?.contains(says) == true, "\(refusal ?? "parsed")")
    }

    @Test func refusesAHeaderLongerThanTheFile() {
        var bytes = Self.file(#"{}"#)
        bytes[1] = 0x10
        #expect(Self.refusal(bytes)?.contains("does not fit") == true)
        bytes[7] = 0x7F
        #expect(Self.refusal(bytes)?.contains("more than the 1048576 accepted") == true, "refused from its length alone")
        #expect(Self.refusal([1, 2, 3])?.contains("shorter than a safetensors header") == true)
    }
}
