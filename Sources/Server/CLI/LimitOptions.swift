import ArgumentParser
import Store

/// `engram serve`'s limits: one flag per entry of `Limits.catalog`, named after its property, with
/// the catalog's help (default, range, environment variable). Each is read as text and checked by
/// the catalog: flag, else environment variable, else default.
struct LimitOptions: ParsableArguments {
    @Option(help: Self.help(\.maxBodyBytes)) var maxBodyBytes: String?
    @Option(help: Self.help(\.maxSnapshotBytes)) var maxSnapshotBytes: String?
    @Option(help: Self.help(\.maxBodyMemory)) var maxBodyMemory: String?
    @Option(help: Self.help(\.maxQueries)) var maxQueries: String?
    @Option(help: Self.help(\.maxMemoriesPerRequest)) var maxMemoriesPerRequest: String?
    @Option(help: Self.help(\.maxDepth)) var maxDepth: String?
    @Option(help: Self.help(\.maxTraceEntries)) var maxTraceEntries: String?
    @Option(help: Self.help(\.maxRecallBytes)) var maxRecallBytes: String?
    @Option(help: Self.help(\.maxQueuedRecalls)) var maxQueuedRecalls: String?
    @Option(help: Self.help(\.requestTimeout)) var requestTimeout: String?
    @Option(help: Self.help(\.maxStores)) var maxStores: String?
    @Option(help: Self.help(\.maxDim)) var maxDim: String?
    @Option(help: Self.help(\.maxFeatures)) var maxFeatures: String?
    @Option(help: Self.help(\.maxFeatureEntries)) var maxFeatureEntries: String?
    @Option(help: Self.help(\.maxMemoriesPerStore)) var maxMemoriesPerStore: String?
    @Option(help: Self.help(\.maxStoreBytes)) var maxStoreBytes: String?
    @Option(help: Self.help(\.maxTotalBytes)) var maxTotalBytes: String?
    @Option(help: Self.help(\.maxSnapshotDiskBytes)) var maxSnapshotDiskBytes: String?
    @Option(help: Self.help(\.idleTimeout)) var idleTimeout: String?
    @Option(help: Self.help(\.headerTimeout)) var headerTimeout: String?
    @Option(help: Self.help(\.bodyTimeout)) var bodyTimeout: String?
    @Option(help: Self.help(\.maxConnections)) var maxConnections: String?

    /// The catalog's help for the limit at `keyPath`.
    private static func help(_ keyPath: PartialKeyPath<Limits>) -> ArgumentHelp {
        ArgumentHelp(Limits.definition(keyPath)?.help ?? "")
    }

    /// The flags given, as text by the name of their property (`maxDim`); the property names are the
    /// catalog's, so no name is written twice.
    var given: [String: String] {
        var given: [String: String] = [:]
        for child in Mirror(reflecting: self).children {
            guard let label = child.label, let option = child.value as? Option<String?>, let text = option.wrappedValue else { continue }
            given[String(label.drop { $0 == "_" })] = text
        }
        return given
    }

    /// The limits in force: each flag, else its environment variable, else its default, range-checked
    /// (a usage error naming the flag, the variable and the range).
    func limits() throws -> Limits {
        do {
            return try Limits(flags: given, environment: Environment.variables)
        } catch let error as LimitError {
            throw ValidationError(error.description)
        }
    }
}
