import Core
import Formats
import Foundation
import HTTPTypes
import Hummingbird
import Store

/// Recall and energy answers as NumPy arrays, for `Accept: application/x-npy` (the main array alone) or
/// `application/x-npz` (every array, by name), built on a background thread. The store version
/// answered from travels in the `Engram-Version` header: an array has no room for it.
///
/// Recall: `states` float32 [B, D] (the `.npy`); in the `.npz` also `energy` float32 [B] (the final
/// states' energies), `energies` float32 [B, depth] (the traces, when `trace`: a query that stopped
/// early repeats its final energy after `steps` entries), `steps` int64 [B] and, for mrdam, `nearest`
/// int64 [B] (the nearest memory's row), `nearest_id` unicode [B] and `nearest_distance` float32 [B], for
/// drdam `clipped_steps` int64 [B], `signal` float32 [B, 2] (s at the query, at the final state) and
/// `noise` float32 [B, 2] (their noise), and `warnings` unicode [B] (each query's warning codes joined by
/// commas, "" for none).
///
/// Energy: `energies` float32 [B] (the `.npy`); in the `.npz` also `gradients` float32 [B, D] when asked.
enum ArrayResponse {
    /// The response header that carries the store version.
    static let versionHeader = HTTPField.Name("Engram-Version")!

    /// A recall's outcome in `format` (`.npy` or `.npz`), encoded on `pool` when large.
    static func recall(_ outcome: RecallOutcome, trace: Bool, format: ResponseFormat, on pool: WorkPool) async throws -> Response {
        let size = 4 * (outcome.descent.states.values.count + outcome.descent.energies.values.count)
        return try await response(format, version: outcome.version, bytes: size, on: pool) {
            let descent = outcome.descent
            let b = descent.states.rows
            var arrays = [(name: "states", npy: NPYArray.encode(float32: descent.states.values, shape: [b, descent.states.cols]))]
            guard format == .npz else { return arrays }
            arrays.append(("energy", NPYArray.encode(float32: descent.finalEnergies, shape: [b])))
            if trace { arrays.append(("energies", NPYArray.encode(float32: descent.energies.values, shape: [b, descent.energies.cols]))) }
            arrays.append(("steps", NPYArray.encode(int64: descent.steps.map(Int64.init), shape: [b])))
            if let nearest = outcome.nearest {
                arrays.append(("nearest", NPYArray.encode(int64: nearest.map { Int64($0.index) }, shape: [b])))
                arrays.append(("nearest_id", NPYArray.encode(strings: nearest.map(\.id))))
                arrays.append(("nearest_distance", NPYArray.encode(float32: nearest.map(\.distance), shape: [b])))
            }
            if let signal = outcome.signal {
                arrays.append(("clipped_steps", NPYArray.encode(int64: descent.clippedSteps.map(Int64.init), shape: [b])))
                let pairs = zip(signal.start, signal.end)
                arrays.append(("signal", NPYArray.encode(float32: pairs.flatMap { [$0.s, $1.s] }, shape: [b, 2])))
                arrays.append(("noise", NPYArray.encode(float32: pairs.flatMap { [$0.noise, $1.noise] }, shape: [b, 2])))
            }
            arrays.append(("warnings", NPYArray.encode(strings: outcome.warnings.map { $0.map(\.rawValue).joined(separator: ",") })))
            return arrays
        }
    }

    /// Energies [B] and, when computed, gradients [B, D], in `format` (`.npy` or `.npz`), encoded on `pool` when large.
    static func energy(_ energies: [Float], gradients: Matrix?, version: UInt64, format: ResponseFormat, on pool: WorkPool) async throws -> Response {
        try await response(format, version: version, bytes: 4 * (energies.count + (gradients?.values.count ?? 0)), on: pool) {
            var arrays = [(name: "energies", npy: NPYArray.encode(float32: energies, shape: [energies.count]))]
            if format == .npz, let gradients {
                arrays.append(("gradients", NPYArray.encode(float32: gradients.values, shape: [gradients.rows, gradients.cols])))
            }
            return arrays
        }
    }

    /// A 200 response: the first of `arrays` (about `bytes` in all) as an `.npy`, or all of them as an `.npz`.
    private static func response(_ format: ResponseFormat, version: UInt64, bytes: Int, on pool: WorkPool,
                                 _ arrays: @escaping @Sendable () -> [(name: String, npy: Data)]) async throws -> Response {
        let body = try await pool.run(converting: bytes) { format == .npz ? NPZArchive.encode(arrays()) : arrays()[0].npy }
        return Response(
            status: .ok, headers: [.contentType: format.mediaType, versionHeader: String(version)],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
