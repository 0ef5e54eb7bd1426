import ArgumentParser

/// The `engram` command: offline recall on `.npy` files and the benchmark (the HTTP server comes next).
@main
struct Engram: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engram",
        abstract: "Dense Associative Memories: exact (MrDAM) and distributed (DrDAM) recall.",
        subcommands: [RecallCommand.self, BenchCommand.self]
    )
}
