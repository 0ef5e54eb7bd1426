import ArgumentParser
import Core
import Store

/// The enums the command line takes by their raw names (`--kind drdam`, `--energy sum`, `--kernel cos`,
/// `--transform structured`).
extension StoreKind: ExpressibleByArgument {}
extension EnergyFunction: ExpressibleByArgument {}
extension KernelKind: ExpressibleByArgument {}
extension FeatureTransform: ExpressibleByArgument {}
