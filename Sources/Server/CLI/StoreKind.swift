import ArgumentParser
import Core

/// The two kinds of memory: `mrdam` (exact, every memory a row) and `drdam` (distributed, random features).
enum StoreKind: String, CaseIterable, Codable, Sendable, ExpressibleByArgument {
    case mrdam
    case drdam
}

extension EnergyFunction: ExpressibleByArgument {}
extension KernelKind: ExpressibleByArgument {}
