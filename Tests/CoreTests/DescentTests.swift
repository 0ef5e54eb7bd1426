import Testing
import TestSupport
@testable import Core

@Suite struct DescentTests {
    let memories = randomMatrix(rows: 10, cols: 6, seed: 31)
    let queries = randomMatrix(rows: 5, cols: 6, seed: 32, scale: 0.9)

    /// The trace is E(x⁽⁰⁾) … E(x⁽ᵈᵉᵖᵗʰ⁻¹⁾) and the state x⁽ᵈᵉᵖᵗʰ⁾: one more step from the result of
    /// depth n equals the result of depth n + 1.
    @Test func traceConvention() throws {
        let model = try ExactMemory(memories: memories, beta: 1)
        let short = try Descent.run(model, queries: queries, parameters: DescentParameters(alpha: 0.1, depth: 3))
        let long = try Descent.run(model, queries: queries, parameters: DescentParameters(alpha: 0.1, depth: 4))
        let energies0 = try model.energies(queries)
        for q in 0..<5 {
            #expect(short.energies[q, 0].bitPattern == energies0[q].bitPattern)
            #expect(Array(long.trace(q).prefix(3)).bitPatterns == short.trace(q).bitPatterns)
            #expect(approximatelyEqual(long.energies[q, 3], short.finalEnergies[q], absolute: 1e-7, relative: 1e-6))
        }
        let again = try Descent.run(model, queries: short.states, parameters: DescentParameters(alpha: 0.1, depth: 1))
        #expect(approximatelyEqual(again.states.values, long.states.values, absolute: 1e-6))
    }

    /// With a tolerance, converged queries stop, report their steps, and pad their trace with their final
    /// energy; the others go on unaffected by the packing of the batch.
    @Test(arguments: [false, true])
    func toleranceStopsEarly(distributed: Bool) throws {
        let parameters = DescentParameters(alpha: 0.2, depth: 400, tolerance: 1e-4)
        let result: DescentResult
        var singles: [DescentResult] = []
        // Query 0 starts at a memory, so it converges at once; the others take longer.
        var batch = queries
        for j in 0..<6 { batch[0, j] = memories[0, j] }
        if distributed {
            let model = try distributedModel(.sincos, energy: .lse, memories: memories, features: 512, beta: 1)
            result = try Descent.run(model, queries: batch, parameters: parameters)
            for q in 0..<5 { singles.append(try Descent.run(model, queries: Matrix(rows: 1, cols: 6, values: batch.row(q)), parameters: parameters)) }
        } else {
            let model = try ExactMemory(memories: memories, beta: 1)
            result = try Descent.run(model, queries: batch, parameters: parameters)
            for q in 0..<5 { singles.append(try Descent.run(model, queries: Matrix(rows: 1, cols: 6, values: batch.row(q)), parameters: parameters)) }
        }
        #expect(result.steps.contains { $0 < 400 })
        #expect(Set(result.steps).count > 1, "queries should stop at different steps: \(result.steps)")
        for q in 0..<5 {
            #expect(result.steps[q] == singles[q].steps[0])
            #expect(approximatelyEqual(result.states.row(q), singles[q].states.row(0), absolute: 1e-5))
            #expect(result.trace(q).count == result.steps[q])
            if result.steps[q] < 400 {
                #expect(result.energies.row(q)[result.steps[q]...].allSatisfy { $0.bitPattern == result.finalEnergies[q].bitPattern })
            }
        }
    }

    @Test func nearestMemory() throws {
        let model = try ExactMemory(memories: memories, beta: 1)
        var states = Matrix(rows: 2, cols: 6, values: memories.row(7) + memories.row(2))
        states[1, 0] += 0.01
        let nearest = try model.nearest(to: states)
        #expect(nearest.map(\.index) == [7, 2])
        #expect(nearest[0].distance == 0)
        #expect(approximatelyEqual(nearest[1].distance, 0.01, absolute: 1e-5))
    }

    /// Recall of a noisy memory returns that memory with a sharp exact energy.
    @Test func exactRecallRetrievesTheMemory() throws {
        let model = try ExactMemory(memories: memories, beta: 8)
        var query = Matrix(rows: 1, cols: 6, values: memories.row(4))
        for j in 0..<6 { query[0, j] += 0.15 * Float(j % 2 == 0 ? 1 : -1) }
        let result = try Descent.run(model, queries: query, parameters: DescentParameters(alpha: 0.1, depth: 200))
        #expect(approximatelyEqual(result.states.row(0), memories.row(4), absolute: 1e-3))
        #expect(try model.nearest(to: result.states)[0].index == 4)
    }

    @Test func emptyExactMemoryDoesNotMove() throws {
        let model = try ExactMemory(memories: Matrix(rows: 0, cols: 6), beta: 1)
        let result = try Descent.run(model, queries: queries, parameters: DescentParameters(depth: 3))
        #expect(result.states.values.bitPatterns == queries.values.bitPatterns)
        #expect(result.energies.values.allSatisfy { $0 == .infinity })
        #expect(try model.nearest(to: queries).isEmpty)
    }
}
