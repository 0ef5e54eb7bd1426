/// libFuzzer target: `LogReader` over any bytes as the last segment of a log must sort them into
/// records, damage and a torn tail, never trap; a cut lies inside the bytes. Built with the Store
/// sources by fuzz/build.sh.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzLogReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var result = LogReader.Result(), expected: UInt64? = 1
    LogReader.read(UnsafeRawBufferPointer(start: data, count: size), name: "fuzz.wal", isLast: true, expected: &expected, into: &result)
    if let cut = result.cut, cut < 0 || cut > size { fatalError("cut at \(cut) of \(size) bytes") }
    return 0
}
