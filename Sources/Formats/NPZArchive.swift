import Foundation

/// NumPy's `.npz`: a zip archive of `.npy` files, one per array, each named `<array>.npy`. Both ways the
/// entries are stored (uncompressed), as `np.savez` writes them; `np.load` reads what `encode` writes.
package enum NPZArchive {
    /// The arrays of `bytes` by name (without `.npy`), each pointing into `bytes`, found through the
    /// zip's central directory. Throws `NPYError` for bytes that are not a zip archive, a truncated or
    /// damaged one, zip64, a compressed (`np.savez_compressed`) or encrypted entry, an entry that is not
    /// a `.npy` file, a name given twice, entries whose bytes (local header and data) overlap, and an
    /// entry that fails its CRC-32.
    ///
    /// The work is bounded by the size of `bytes`: everything the central directory says (names,
    /// duplicates, methods, where each entry lies and that no two overlap) is checked before any data
    /// is read, so the CRC-32s, computed last through `checksum`, cover each byte at most once.
    /// `checksum` may throw to stop the work (see `CRC32.checksum(_:seed:interrupt:)`).
    package static func entries(
        _ bytes: UnsafeRawBufferPointer,
        checksum: (UnsafeRawBufferPointer) throws -> UInt32 = { CRC32.checksum($0) }
    ) throws -> [String: UnsafeRawBufferPointer] {
        func u16(_ at: Int) -> Int { Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self))) }
        func u32(_ at: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
        // The end-of-central-directory record: 22 bytes, then a comment of at most 65535.
        let last = bytes.count - 22
        guard last >= 0, let end = stride(from: last, through: max(0, last - 0xFFFF), by: -1).first(where: { u32($0) == 0x0605_4B50 }) else {
            throw NPYError("not an .npz file (no zip end-of-central-directory record)")
        }
        let count = u16(end + 10), directoryStart = u32(end + 16)
        guard count != 0xFFFF, directoryStart != 0xFFFF_FFFF else { throw NPYError("zip64 .npz archives are not supported") }
        let damaged = NPYError("the .npz is truncated or its central directory is damaged")
        // Each entry: its name without `.npy`, its stored CRC, where its local header starts and its data.
        var found: [(array: String, crc: UInt32, local: Int, data: Range<Int>)] = []
        var names: Set<String> = []
        var at = directoryStart
        for _ in 0..<count {
            guard at + 46 <= end, u32(at) == 0x0201_4B50 else { throw damaged }
            let flags = u16(at + 8), method = u16(at + 10), crc = u32(at + 16), size = u32(at + 20), local = u32(at + 42)
            let nameEnd = at + 46 + u16(at + 28), next = nameEnd + u16(at + 30) + u16(at + 32)
            guard next <= end else { throw damaged }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(at + 46)..<nameEnd]), as: UTF8.self)
            guard size != 0xFFFF_FFFF, local != 0xFFFF_FFFF else { throw NPYError("entry '\(name)' is zip64, which is not supported") }
            guard flags & 1 == 0 else { throw NPYError("entry '\(name)' is encrypted") }
            guard method == 0 else { throw NPYError("entry '\(name)' is compressed (method \(method)): send np.savez, not np.savez_compressed") }
            guard name.hasSuffix(".npy") else { throw NPYError("entry '\(name)' is not a .npy file") }
            guard names.insert(name).inserted else { throw NPYError("entry '\(name)' is there twice") }
            guard local + 30 <= bytes.count, u32(local) == 0x0403_4B50 else { throw damaged }
            let start = local + 30 + u16(local + 26) + u16(local + 28)
            guard start + size <= bytes.count else { throw NPYError("entry '\(name)' is truncated") }
            found.append((String(name.dropLast(4)), UInt32(crc), local, start..<(start + size)))
            at = next
        }
        // No two entries may share a byte, from the local header to the data's end.
        let ordered = found.sorted { $0.local < $1.local }
        for (previous, entry) in zip(ordered, ordered.dropFirst()) where entry.local < previous.data.upperBound {
            throw NPYError("entries '\(previous.array).npy' and '\(entry.array).npy' overlap")
        }
        var arrays: [String: UnsafeRawBufferPointer] = [:]
        for entry in found {
            let data = UnsafeRawBufferPointer(rebasing: bytes[entry.data])
            guard try checksum(data) == entry.crc else { throw NPYError("entry '\(entry.array).npy' fails its CRC-32 check") }
            arrays[entry.array] = data
        }
        return arrays
    }

    /// A zip archive of `arrays` (a name without `.npy`, and the `.npy` bytes), in order, each stored with
    /// its CRC-32 and dated 1980-01-01 (so the same arrays give the same bytes). No zip64: the archive
    /// must stay under 4 GiB, which the request limits keep it far below.
    package static func encode(_ arrays: [(name: String, npy: Data)]) -> Data {
        func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
        var archive = Data(), directory = Data()
        for (name, npy) in arrays {
            let fileName = Array((name + ".npy").utf8)
            let crc = npy.withUnsafeBytes { CRC32.checksum($0) }
            // Shared by both headers: version 2.0 needed, no flags, stored, 00:00 1980-01-01, the CRC,
            // the sizes (equal: stored), the name's length, no extra field.
            let fields = le(UInt16(20)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0x21)) + le(crc)
                + le(UInt32(npy.count)) + le(UInt32(npy.count)) + le(UInt16(fileName.count)) + le(UInt16(0))
            // Central: made by version 2.0; no comment, disk 0, no attributes; where the local header is.
            directory.append(contentsOf: le(UInt32(0x0201_4B50)) + le(UInt16(20)) + fields + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(0))
                + le(UInt32(0)) + le(UInt32(archive.count)) + fileName)
            archive.append(contentsOf: le(UInt32(0x0403_4B50)) + fields + fileName)
            archive.append(npy)
        }
        let directoryStart = archive.count
        archive.append(directory)
        archive.append(contentsOf: le(UInt32(0x0605_4B50)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(arrays.count)) + le(UInt16(arrays.count))
            + le(UInt32(directory.count)) + le(UInt32(directoryStart)) + le(UInt16(0)))
        return archive
    }
}
