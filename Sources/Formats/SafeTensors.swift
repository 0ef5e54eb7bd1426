import Foundation

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON (each tensor's
/// `dtype`, `shape` and `data_offsets` into the data, and `__metadata__`, string to string; padded
/// with spaces to a multiple of 8), then the tensors' raw little-endian bytes back to back.
package enum SafeTensors {
    /// A tensor's place in a file.
    package struct Tensor: Equatable {
        package var name: String
        /// "F32", "F64", "I64", "U8", …
        package var dtype: String
        package var shape: [Int]
        /// Bytes of data, relative to the start of the data section.
        package var range: Range<Int>
    }

    /// The largest header accepted when reading, 1 MiB. Engram's snapshots hold a few tensors and a
    /// few hundred bytes of metadata, so their headers are under 4 KiB; the Python library's own limit,
    /// 100 MiB, would let one upload's header cost gigabytes in the JSON parser.
    package static let maxHeaderBytes = 1 << 20

    /// Bytes per element of the dtypes Engram writes and reads.
    package static func elementSize(_ dtype: String) -> Int? {
        ["F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2, "I16": 2, "U16": 2, "U8": 1, "I8": 1, "BOOL": 1][dtype]
    }

    /// The file's leading bytes (length and padded JSON header) for tensors laid out back to back
    /// in the order given, with `metadata`; returns them with each tensor's range.
    package static func header(_ tensors: [(name: String, dtype: String, shape: [Int])], metadata: [String: String]) throws -> (bytes: [UInt8], tensors: [Tensor]) {
        var json: [String: Any] = ["__metadata__": metadata]
        var placed: [Tensor] = []
        var offset = 0
        for t in tensors {
            let size = t.shape.reduce(1, *) * (elementSize(t.dtype) ?? 1)
            placed.append(Tensor(name: t.name, dtype: t.dtype, shape: t.shape, range: offset..<(offset + size)))
            json[t.name] = ["dtype": t.dtype, "shape": t.shape, "data_offsets": [offset, offset + size]]
            offset += size
        }
        var body = Array(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
        while body.count % 8 != 0 { body.append(0x20) }
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(body.count).littleEndian) { bytes.append(contentsOf: $0) }
        return (bytes + body, placed)
    }

    /// A file's header read back and checked: metadata, tensors, and where the data starts.
    package struct Parsed {
        package var metadata: [String: String]
        package var tensors: [String: Tensor]
        /// The offset of the data section in the file.
        package var dataStart: Int
    }

    /// Parses and checks the header of a file of `fileSize` bytes whose start is `bytes`: a sane
    /// length, a JSON object, known dtypes, shapes of non-negative integers (not `1.5`, not `true`)
    /// whose element count and byte size fit in `Int`, matching their byte ranges, ranges inside the
    /// file that cover the data exactly, without holes or overlaps. Every size is computed with
    /// overflow-reporting arithmetic. Throws `SafeTensorsError` saying what is wrong.
    package static func parse(_ bytes: UnsafeRawBufferPointer, fileSize: Int) throws -> Parsed {
        guard bytes.count >= 8 else { throw SafeTensorsError("the file is \(bytes.count) bytes, shorter than a safetensors header") }
        let length = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard length <= UInt64(maxHeaderBytes) else {
            throw SafeTensorsError("the header is \(length) bytes, more than the \(maxHeaderBytes) accepted (an Engram snapshot's is a few KiB)")
        }
        guard Int(length) <= bytes.count - 8, bytes.count <= fileSize else {
            throw SafeTensorsError("the header length \(length) does not fit in a file of \(fileSize) bytes")
        }
        let headerData = Data(UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + Int(length))]))
        guard let json = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw SafeTensorsError("the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let raw = json["__metadata__"] {
            guard let strings = raw as? [String: String] else { throw SafeTensorsError("__metadata__ is not an object of strings") }
            metadata = strings
        }
        let dataStart = 8 + Int(length)
        let dataBytes = fileSize - dataStart
        var tensors: [String: Tensor] = [:]
        for (name, value) in json where name != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String, let size = elementSize(dtype),
                  let shape = integers(info["shape"]), let offsets = integers(info["data_offsets"]), offsets.count == 2
            else { throw SafeTensorsError("tensor '\(name)' has no valid dtype, shape and data_offsets (lists of integers)") }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1] else { throw SafeTensorsError("tensor '\(name)' has a negative shape or bad offsets") }
            guard offsets[1] <= dataBytes else {
                throw SafeTensorsError("tensor '\(name)' ends at byte \(offsets[1]) of the data, beyond the file's \(dataBytes)")
            }
            var byteCount = size
            for dim in shape {
                let (product, overflow) = byteCount.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw SafeTensorsError("tensor '\(name)': shape \(shape) of \(dtype) is too large") }
                byteCount = product
            }
            guard byteCount == offsets[1] - offsets[0] else {
                throw SafeTensorsError("tensor '\(name)': shape \(shape) of \(dtype) does not match its \(offsets[1] - offsets[0]) bytes")
            }
            tensors[name] = Tensor(name: name, dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        var covered = 0
        for tensor in tensors.values.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            guard tensor.range.lowerBound == covered else { throw SafeTensorsError("the tensors' data has a hole or an overlap at byte \(covered)") }
            covered = tensor.range.upperBound
        }
        guard covered == dataBytes else {
            throw SafeTensorsError("the tensors cover \(covered) bytes of data, the file has \(dataBytes): truncated or padded")
        }
        return Parsed(metadata: metadata, tensors: tensors, dataStart: dataStart)
    }

    /// `value` as a list of integers that fit in `Int`, or nil: a number written with a fraction or an
    /// exponent (`1.5`, `2.0`, `1e3`), a boolean, or one beyond `Int`'s range is not an integer.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var out: [Int] = []
        out.reserveCapacity(list.count)
        for item in list {
            // JSONSerialization gives integers as NSNumbers of an integer type, fractions as "d", booleans as "c".
            guard let number = item as? NSNumber, !["d", "f", "c", "B"].contains(String(cString: number.objCType)),
                  let integer = item as? Int else { return nil }
            out.append(integer)
        }
        return out
    }
}
