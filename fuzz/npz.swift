/// libFuzzer target: `NPZArchive.entries` over any bytes must return or throw `NPYError`, never trap,
/// checksum no byte twice, and each entry it returns is read as a `.npy` file the same way. Built with
/// the Formats sources by fuzz/build.sh.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzNPZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var checksummed = 0
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let entries = try? NPZArchive.entries(bytes, checksum: { checksummed += $0.count; return CRC32.checksum($0) }) else { return 0 }
    if checksummed > size { fatalError("\(checksummed) bytes checksummed in an archive of \(size)") }
    for entry in entries.values {
        _ = try? NPYReader(entry).floats()
    }
    return 0
}
