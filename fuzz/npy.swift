/// libFuzzer target: `NPYReader` and its `floats()` over any bytes must return or throw `NPYError`,
/// never trap; the floats returned are as many as the shape says. Built with the Formats sources by
/// fuzz/build.sh.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let reader = try? NPYReader(UnsafeRawBufferPointer(start: data, count: size)),
          let values = try? reader.floats() else { return 0 }
    if values.count != reader.count { fatalError("\(values.count) floats for shape \(reader.header.shape)") }
    return 0
}
