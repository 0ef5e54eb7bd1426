import Formats
import Foundation
import Testing
import TestSupport
@testable import Core
@testable import Server
@testable import Store

/// The recall and energy responses, written by `NumericJSONWriter`, decode with `JSONDecoder` into what
/// the Codable types they replaced would have written.
@Suite struct NumericResponseTests {
    /// What `write` writes, from an almost empty buffer (so that it has to grow).
    static func text(_ write: (inout NumericJSONWriter) -> Void) -> String {
        var json = NumericJSONWriter(capacity: 16)
        write(&json)
        return String(buffer: json.buffer)
    }

    /// The recall response's shape, as the Codable types it replaced wrote it (keys sorted, `energies`
    /// only when traced, `nearest` only for mrdam).
    struct Recall: Codable, Equatable {
        struct Result: Codable, Equatable {
            struct Nearest: Codable, Equatable {
                var id: String
                var index: Int
                var distance: Float
            }

            var state: [Float]
            var energies: [Float]?
            var steps: Int
            var energy: Float
            var nearest: Nearest?
        }

        var results: [Result]
        var version: UInt64
    }

    struct Energy: Codable, Equatable {
        var energies: [Float]
        var gradients: [[Float]]?
        var version: UInt64
    }

    /// A descent of `batch` queries of dimension `dim` and depth `depth` with random numbers (the
    /// second query stopping early), and nearest memories when `nearest`.
    static func outcome(batch: Int, dim: Int, depth: Int, nearest: Bool, values: () -> Float) -> RecallOutcome {
        let steps = (0..<batch).map { $0 == 1 ? max(1, depth - 2) : depth }
        let descent = DescentResult(
            states: Matrix(rows: batch, cols: dim, values: (0..<(batch * dim)).map { _ in values() }),
            energies: Matrix(rows: batch, cols: depth, values: (0..<(batch * depth)).map { _ in values() }),
            steps: steps, finalEnergies: (0..<batch).map { _ in values() })
        let ids = ["a", "quote\"d", "slash/and\\back", "ünï\ncode"]
        return RecallOutcome(
            descent: descent,
            nearest: nearest ? (0..<batch).map { NearestNeighbour(id: ids[$0 % ids.count], index: $0 * 7, distance: values()) } : nil,
            version: 42)
    }

    static func expected(_ outcome: RecallOutcome, trace: Bool) -> Recall {
        let descent = outcome.descent
        return Recall(results: (0..<descent.states.rows).map { b in
            Recall.Result(state: descent.states.row(b), energies: trace ? descent.trace(b) : nil, steps: descent.steps[b], energy: descent.finalEnergies[b],
                          nearest: outcome.nearest.map { Recall.Result.Nearest(id: $0[b].id, index: $0[b].index, distance: $0[b].distance) })
        }, version: outcome.version)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func recallResponseDecodesAsBefore(trace: Bool, nearest: Bool) throws {
        var generator = SeededGenerator(seed: 12)
        let outcome = Self.outcome(batch: 5, dim: 7, depth: 6, nearest: nearest) {
            Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &generator)) * (Bool.random(using: &generator) ? 1 : -1)
        }
        let text = Self.text { RecallResponse(outcome, trace: trace).write(to: &$0) }
        let decoded = try JSONDecoder().decode(Recall.self, from: Data(text.utf8))
        let expected = Self.expected(outcome, trace: trace)
        #expect(decoded == expected)
        #expect(try JSONDecoder().decode(Recall.self, from: Self.encoder().encode(expected)) == decoded, "the same values as the Codable encoding gives")
        #expect(text.contains("\"energies\"") == trace && text.contains("\"nearest\"") == nearest)
    }

    /// With numbers whose shortest form has no exponent and ids with no `/` (which JSONEncoder escapes),
    /// the text is exactly what JSONEncoder wrote before.
    @Test func recallResponseTextMatchesTheCodableEncoding() throws {
        var next: Float = 0
        let outcome = Self.outcome(batch: 3, dim: 4, depth: 5, nearest: true) {
            next += 0.25
            return next * (Int(next * 4) % 3 == 0 ? -1 : 1)
        }
        let rewritten = RecallOutcome(descent: outcome.descent, nearest: outcome.nearest?.map { NearestNeighbour(id: "id \($0.index) \"q\"", index: $0.index, distance: $0.distance) }, version: 9)
        for trace in [true, false] {
            let text = Self.text { RecallResponse(rewritten, trace: trace).write(to: &$0) }
            #expect(text == String(decoding: try Self.encoder().encode(Self.expected(rewritten, trace: trace)), as: UTF8.self))
        }
    }

    @Test func energyResponseDecodesAsBefore() throws {
        var generator = SeededGenerator(seed: 13)
        let floats = (0..<(3 * 5 + 3)).map { _ in Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &generator)) * (Bool.random(using: &generator) ? 1 : -1) }
        for gradients in [nil, (0..<3).map { Array(floats[(3 + 5 * $0)..<(8 + 5 * $0)]) }] {
            let response = EnergyResponse(energies: Array(floats[0..<3]), gradients: gradients, version: 7)
            let text = Self.text { response.write(to: &$0) }
            let decoded = try JSONDecoder().decode(Energy.self, from: Data(text.utf8))
            #expect(decoded == Energy(energies: response.energies, gradients: gradients, version: 7))
            #expect(text.contains("\"gradients\"") == (gradients != nil))
        }
        let simple = EnergyResponse(energies: [0.5, -1.25], gradients: [[1, 2], [0.75, -3]], version: 3)
        #expect(Self.text { simple.write(to: &$0) } == String(decoding: try Self.encoder().encode(Energy(energies: [0.5, -1.25], gradients: [[1, 2], [0.75, -3]], version: 3)), as: UTF8.self))
    }
}
