/// libFuzzer target: `SafeTensors.parse` over any bytes must return or throw `SafeTensorsError`,
/// never trap, and what it returns must lie inside the bytes. Built with the Formats sources by
/// fuzz/build.sh.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let parsed = try? SafeTensors.parse(bytes, fileSize: size) else { return 0 }
    for tensor in parsed.tensors.values where parsed.dataStart + tensor.range.upperBound > size {
        fatalError("tensor '\(tensor.name)' ends beyond the file")
    }
    return 0
}
