/// libFuzzer target: `NumericJSON` over any bytes must return or throw `NumericJSONError`, never trap,
/// and keep its limits: at most `maxRows` rows, each of `dim` numbers when a dimension is given (the
/// first byte chooses it). Built with the Formats sources by fuzz/build.sh.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzNumericJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let dim = data[0] % 5 == 0 ? nil : Int(data[0] % 5)
    let maxRows = 8
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    guard let json = try? NumericJSON(body, fields: ["points": .matrix, "clamp": .mask], maxRows: maxRows, dim: dim) else { return 0 }
    for (field, rows) in json.matrices {
        if rows.rows > maxRows || rows.values.count != rows.rows * rows.cols || (dim != nil && rows.rows > 0 && rows.cols != dim) {
            fatalError("\(field): \(rows.rows) × \(rows.cols) with \(rows.values.count) values")
        }
    }
    for (field, mask) in json.masks where mask.rows > maxRows || mask.values.count != mask.rows * mask.cols {
        fatalError("\(field): mask \(mask.rows) × \(mask.cols) with \(mask.values.count) values")
    }
    return 0
}
