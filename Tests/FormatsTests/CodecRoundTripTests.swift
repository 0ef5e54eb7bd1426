import Formats
import Foundation
import NIOCore
import PropertyBased
import Testing

/// Property tests: what each codec writes, it reads back as the same values, bit for bit, for
/// generated inputs (swift-property-based draws them and shrinks a failure to a small one).
@Suite struct CodecRoundTripTests {
    /// Finite float32s of any bit pattern (subnormals, −0 and the extremes included).
    static let finiteFloats = Gen.uint32().map { Float(bitPattern: $0) }.filter(\.isFinite)

    @Test func numericJSONWrittenIsParsedToTheSameBits() async {
        await propertyCheck(count: 200, input: Gen.int(in: 1...8), Self.finiteFloats.array(of: 0...48)) { cols, floats in
            let rows = floats.count / cols
            let values = Array(floats.prefix(rows * cols))
            var writer = NumericJSONWriter(capacity: 16)
            writer.raw("{\"points\":[")
            for r in 0..<rows {
                if r > 0 { writer.raw(",") }
                writer.floats(Array(values[(r * cols)..<((r + 1) * cols)]))
            }
            writer.raw("]}")
            let text = String(buffer: writer.buffer)
            let parsed = try Array(text.utf8).withUnsafeBytes { try NumericJSON($0, fields: ["points": .matrix], maxRows: rows, dim: cols) }
            let read = parsed.matrices["points"]
            #expect(read?.rows == rows && read?.values.map(\.bitPattern) == values.map(\.bitPattern), "\(text)")
        }
    }

    @Test func npyWrittenIsReadToTheSameBits() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...4).array(of: 0...3), Self.finiteFloats.array(of: 0...64)) { dims, floats in
            let count = dims.reduce(1, *)
            let values = (0..<count).map { floats.isEmpty ? 0 : floats[$0 % floats.count] }
            let read = try NPYArray(npy: NPYArray.encode(float32: values, shape: dims))
            #expect(read.shape == dims && read.dtype == "<f4" && read.values.map(\.bitPattern) == values.map(\.bitPattern))
        }
    }

    @Test func npzWrittenIsReadToTheSameEntries() async {
        let names = Gen.letterOrNumber.string(of: 1...12)
        await propertyCheck(count: 100, input: names.array(of: 0...5), Self.finiteFloats.array(of: 0...32)) { candidates, floats in
            var seen: Set<String> = []
            let arrays = candidates.filter { seen.insert($0).inserted }.enumerated().map { i, name in
                (name: name, npy: NPYArray.encode(float32: Array(floats.prefix(i * 3)), shape: [min(i * 3, floats.count)]))
            }
            let archive = NPZArchive.encode(arrays)
            let read = try archive.withUnsafeBytes { try NPZArchive.entries($0).mapValues { Data($0) } }
            #expect(read == Dictionary(uniqueKeysWithValues: arrays.map { ($0.name, $0.npy) }))
        }
    }

    @Test func safetensorsHeaderWrittenIsParsedToTheSameTensors() async {
        let dtypes = Gen.element(of: ["F64", "F32", "I64", "U8", "BOOL", "I16"])
        let shapes = Gen.int(in: 0...5).array(of: 0...3)
        let metadata = Gen.letterOrNumber.string(of: 0...8).array(of: 0...4)
        await propertyCheck(count: 200, input: zip(dtypes.compactMap { $0 }, shapes).array(of: 0...5), metadata) { specs, words in
            let tensors = specs.enumerated().map { (name: "t\($0.offset)", dtype: $0.element.0, shape: $0.element.1) }
            let meta = Dictionary(words.map { ("k" + $0, $0) }, uniquingKeysWith: { a, _ in a })
            let (header, placed) = try SafeTensors.header(tensors, metadata: meta)
            let dataBytes = placed.last?.range.upperBound ?? 0
            let file = header + [UInt8](repeating: 0xA5, count: dataBytes)
            let parsed = try file.withUnsafeBytes { try SafeTensors.parse($0, fileSize: $0.count) }
            #expect(parsed.metadata == meta && parsed.dataStart == header.count)
            #expect(parsed.tensors == Dictionary(uniqueKeysWithValues: placed.map { ($0.name, $0) }))
            // The sizes are the shapes' element counts times the dtypes' sizes, computed here.
            let sizes: [String: Int] = ["F64": 8, "F32": 4, "I64": 8, "U8": 1, "BOOL": 1, "I16": 2]
            #expect(placed.map { $0.range.count } == tensors.map { $0.shape.reduce(1, *) * sizes[$0.dtype]! })
        }
    }
}
