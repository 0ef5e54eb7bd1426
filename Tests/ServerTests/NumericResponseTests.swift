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
    /// only when traced, `nearest` only for mrdam, `clipped_steps` and `signal` only for drdam,
    /// `warnings` only when there are some).
    struct Recall: Codable, Equatable {
        struct Result: Codable, Equatable {
            struct Nearest: Codable, Equatable {
                var id: String
                var index: Int
                var distance: Float
            }
            struct Estimate: Codable, Equatable {
                var s: Float
                var noise: Float
                var ratio: Float
            }
            struct Signal: Codable, Equatable {
                var start: Estimate
                var end: Estimate
            }
            struct Warning: Codable, Equatable {
                var code: String
                var message: String
            }

            var state: [Float]
            var energies: [Float]?
            var steps: Int
            var energy: Float
            var nearest: Nearest?
            var clippedSteps: Int?
            var signal: Signal?
            var warnings: [Warning]?

            enum CodingKeys: String, CodingKey {
                case state, energies, steps, energy, nearest, signal, warnings
                case clippedSteps = "clipped_steps"
            }
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
    /// second query stopping early), and nearest memories when `nearest`, else (drdam) clipped steps,
    /// signals (noise b + 1, so that the ratio stays finite) and, on every other query, warnings.
    static func outcome(batch: Int, dim: Int, depth: Int, nearest: Bool, values: () -> Float) -> RecallOutcome {
        let steps = (0..<batch).map { $0 == 1 ? max(1, depth - 2) : depth }
        let descent = DescentResult(
            states: Matrix(rows: batch, cols: dim, values: (0..<(batch * dim)).map { _ in values() }),
            energies: Matrix(rows: batch, cols: depth, values: (0..<(batch * depth)).map { _ in values() }),
            steps: steps, finalEnergies: (0..<batch).map { _ in values() }, clippedSteps: steps.map { $0 / 2 })
        let ids = ["a", "quote\"d", "slash/and\\back", "ünï\ncode"]
        let estimates = (0..<(2 * batch)).map { SignalEstimate(s: values(), noise: Float($0 % batch + 1)) }
        return RecallOutcome(
            descent: descent,
            nearest: nearest ? (0..<batch).map { NearestNeighbour(id: ids[$0 % ids.count], index: $0 * 7, distance: values()) } : nil,
            signal: nearest ? nil : (Array(estimates[..<batch]), Array(estimates[batch...])),
            warnings: (0..<batch).map { nearest || $0 % 2 == 1 ? [] : Array(RecallWarning.allCases.prefix($0 / 2 + 1)) },
            version: 42)
    }

    static func expected(_ outcome: RecallOutcome, trace: Bool) -> Recall {
        let descent = outcome.descent
        func estimate(_ e: SignalEstimate) -> Recall.Result.Estimate { .init(s: e.s, noise: e.noise, ratio: e.s / e.noise) }
        return Recall(results: (0..<descent.states.rows).map { b in
            Recall.Result(state: descent.states.row(b), energies: trace ? descent.trace(b) : nil, steps: descent.steps[b], energy: descent.finalEnergies[b],
                          nearest: outcome.nearest.map { Recall.Result.Nearest(id: $0[b].id, index: $0[b].index, distance: $0[b].distance) },
                          clippedSteps: outcome.signal == nil ? nil : descent.clippedSteps[b],
                          signal: outcome.signal.map { .init(start: estimate($0.start[b]), end: estimate($0.end[b])) },
                          warnings: outcome.warnings[b].isEmpty ? nil : outcome.warnings[b].map { .init(code: $0.rawValue, message: $0.message) })
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
        #expect(text.contains("\"signal\"") == !nearest && text.contains("\"clipped_steps\"") == !nearest && text.contains("\"warnings\"") == !nearest)
    }

    /// With numbers whose shortest form has no exponent and ids with no `/` (which JSONEncoder escapes),
    /// the text is exactly what JSONEncoder wrote before.
    @Test func recallResponseTextMatchesTheCodableEncoding() throws {
        var next: Float = 0
        let outcome = Self.outcome(batch: 3, dim: 4, depth: 5, nearest: true) {
            next += 0.25
            return next * (Int(next * 4) % 3 == 0 ? -1 : 1)
        }
        let rewritten = RecallOutcome(descent: outcome.descent, nearest: outcome.nearest?.map { NearestNeighbour(id: "id \($0.index) \"q\"", index: $0.index, distance: $0.distance) },
                                      signal: nil, warnings: outcome.warnings, version: 9)
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
