import NIOCore

/// Writes a JSON body whose bulk is float32 arrays straight into a byte buffer: the caller writes the
/// punctuation and keys (`raw`), the writer the values.
///
/// A finite float is the shortest decimal that reads back as the same float32 (`ShortestFloat`); a
/// non-finite one (a diverging descent, an energy of +∞) is the string `"Infinity"`, `"-Infinity"` or
/// `"NaN"`, as the API documents (openapi.yaml, `Number`), so the body is always valid JSON.
package struct NumericJSONWriter {
    /// The JSON written so far.
    package private(set) var buffer: ByteBuffer

    /// The most bytes one array entry takes: `"-Infinity"` or a float, and a comma.
    private static let maxEntryLength = max(ShortestFloat.maxLength, 11) + 1

    /// A writer whose buffer starts with room for `capacity` bytes.
    package init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// JSON text as it is: punctuation and keys, e.g. `,"state":`.
    package mutating func raw(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    package mutating func float(_ value: Float) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.maxEntryLength) { out in
            Self.write(value, to: out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// `[v₀,v₁,…]`.
    package mutating func floats(_ values: [Float]) {
        _ = values.withUnsafeBufferPointer { values in
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: values.count * Self.maxEntryLength + 2) { out in
                let p = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                p[0] = UInt8(ascii: "[")
                var at = 1
                for (i, value) in values.enumerated() {
                    if i > 0 {
                        p[at] = UInt8(ascii: ",")
                        at += 1
                    }
                    at += Self.write(value, to: p + at)
                }
                p[at] = UInt8(ascii: "]")
                return at + 1
            }
        }
    }

    package mutating func integer(_ value: some BinaryInteger) {
        buffer.writeString(String(value))
    }

    /// A JSON string: `"`, `\` and control characters escaped, the rest as UTF-8.
    package mutating func string(_ text: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0x09: buffer.writeStaticString("\\t")
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex.utf8Start[Int(byte >> 4)])
                buffer.writeInteger(hex.utf8Start[Int(byte & 0xF)])
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// Writes `value` at `out` (room for `maxEntryLength` bytes); returns the bytes written.
    private static func write(_ value: Float, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value.isFinite { return ShortestFloat.write(value, to: out) }
        let text: StaticString = value.isNaN ? "\"NaN\"" : value < 0 ? "\"-Infinity\"" : "\"Infinity\""
        out.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        return text.utf8CodeUnitCount
    }
}
