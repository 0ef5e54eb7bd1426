import CVectorMath

/// A width of the vector loops behind `VectorMath`: 512 bits (AVX-512), 256 (AVX2 with FMA) or 32 (SLEEF's
/// scalar functions). A value exists only for a width this CPU runs, so a call made with it runs exactly
/// those loops and never falls back to narrower ones.
package struct VectorWidth: Sendable, Equatable, CustomStringConvertible {
    /// The width in bits: 512, 256 or 32.
    let bits: Int

    /// The loops of `bits` bits, or nil when the CPU does not run them (or `bits` is not 512, 256 or 32).
    init?(bits: Int) {
        guard engram_vector_bits_supported(Int32(bits)) != 0 else { return nil }
        self.bits = bits
    }

    private init(running bits: Int) { self.bits = bits }

    /// The scalar loops, which every CPU runs.
    static let scalar = VectorWidth(running: 32)

    /// The loops in use for the process (`VectorMath.vectorBits`): the widest the CPU runs unless the
    /// benchmark chose otherwise.
    package static var inUse: VectorWidth { VectorWidth(running: VectorMath.vectorBits) }

    package var description: String { "\(bits)-bit" }
}
