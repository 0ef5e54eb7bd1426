import ArgumentParser

/// The `engram` command: the HTTP server, offline recall on `.npy` files, and the benchmark.
@main
struct Engram: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engram",
        abstract: "Dense Associative Memories: exact (MrDAM) and distributed (DrDAM) recall.",
        version: EngramVersion.current,
        subcommands: [ServeCommand.self, RecallCommand.self, BenchCommand.self]
    )
}
