import Foundation

/// The built `engram serve` as a child process on an ephemeral loopback port. Its output (stdout and
/// stderr) is collected as it comes, so the server never blocks on a full pipe, and is kept for failure
/// messages; the tests wait for what it prints (`waitForOutput`) and for its exit, never for a time.
/// A server still running when this object goes away is killed, so a failed expectation leaves no
/// process behind (nor the temporary data directory this object made up).
package final class ServerProcess: @unchecked Sendable {
    private let process = Process()
    /// The base URL, `http(s)://127.0.0.1:PORT`.
    package let base: URL
    /// The data directory.
    package let data: URL
    /// The data directory when this object made it up (removed with it).
    private let ownData: TemporaryDirectory?
    private let output = Output()

    /// API key sent with every request (`api-key` header), if any.
    package var key: String?

    /// Starts `engram serve --host 127.0.0.1 --port 0 --data DIR` plus `arguments` (with `environment`
    /// added to this process's, and through `launcher`, e.g. `prlimit --as=N`, when given), on `data` (a
    /// new temporary directory when nil, removed with this object), and waits at most `timeout` seconds
    /// for it to print "listening on http(s)://…". The stores may still be recovering: see `waitUntilRecovered`.
    package init(data: URL? = nil, arguments: [String] = [], environment: [String: String] = [:], launcher: [String] = [], timeout: TimeInterval = 60) throws {
        ownData = data == nil ? try TemporaryDirectory("server") : nil
        self.data = data ?? ownData!.url
        let serve = ["serve", "--host", "127.0.0.1", "--port", "0", "--data", self.data.path] + arguments
        if let tool = launcher.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(launcher.dropFirst()) + [EngramProcess.binary.path] + serve
        } else {
            process.executableURL = EngramProcess.binary
            process.arguments = serve
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.terminationHandler = { [output] _ in output.exited() }
        try process.run()
        output.collect(from: pipe.fileHandleForReading)
        guard let line = output.wait(for: #"listening on https?://127\.0\.0\.1:\d+"#, timeout: timeout) else {
            Self.sigkill(process)
            throw ServerProcessFailure("the server did not report its address: \(output.text)")
        }
        base = URL(string: String(line.dropFirst("listening on ".count)))!
    }

    deinit {
        Self.sigkill(process)
    }

    /// Everything the server has printed so far.
    package var transcript: String { output.text }

    /// Waits, at most `timeout` seconds, until the server has printed a match of the regular expression
    /// `pattern`, and returns the match; nil when the server exits or the time runs out first.
    package func waitForOutput(_ pattern: String, timeout: TimeInterval = 60) async -> String? {
        // The wait blocks a thread of its own, not one of the concurrency pool's.
        await withCheckedContinuation { continuation in
            Thread { [output] in continuation.resume(returning: output.wait(for: pattern, timeout: timeout)) }.start()
        }
    }

    /// Sends SIGKILL and waits for the process to die: it stops at once, mid-write, with no chance to
    /// clean up. (The kernel's page cache survives, unlike in a power cut.)
    package func crash() { Self.sigkill(process) }

    /// Sends SIGTERM and returns at once (the server finishes its requests, then exits: see `stop`).
    package func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// Sends SIGTERM (graceful: requests finish, a checkpoint is written), waits at most `timeout`
    /// seconds for the exit (then kills it) and returns the exit status.
    package func stop(timeout: TimeInterval = 60) -> Int32 {
        terminate()
        output.waitForExit(timeout: timeout)
        Self.sigkill(process)
        return process.terminationStatus
    }

    /// SIGKILL, when still running, then waits for the exit.
    private static func sigkill(_ process: Process) {
        guard process.isRunning else { return }
        _ = kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The server's output, read by a thread of its own until the pipe closes, and whether the server
    /// has exited; waiters are woken by each chunk and by the exit.
    private final class Output: @unchecked Sendable {
        private let condition = NSCondition()
        /// Guarded by `condition`.
        private var collected = Data()
        private var ended = false

        var text: String {
            condition.lock()
            defer { condition.unlock() }
            return String(decoding: collected, as: UTF8.self)
        }

        func collect(from handle: FileHandle) {
            Thread { [self] in
                while true {
                    let chunk = handle.availableData
                    condition.lock()
                    collected.append(chunk)
                    condition.broadcast()
                    condition.unlock()
                    if chunk.isEmpty { return }
                }
            }.start()
        }

        /// Called when the process exits.
        func exited() {
            condition.lock()
            ended = true
            condition.broadcast()
            condition.unlock()
        }

        func wait(for pattern: String, timeout: TimeInterval) -> String? {
            let deadline = Date().addingTimeInterval(timeout)
            condition.lock()
            defer { condition.unlock() }
            while true {
                let seen = String(decoding: collected, as: UTF8.self)
                if let range = seen.range(of: pattern, options: .regularExpression) { return String(seen[range]) }
                if ended || !condition.wait(until: deadline) { return nil }
            }
        }

        func waitForExit(timeout: TimeInterval) {
            let deadline = Date().addingTimeInterval(timeout)
            condition.lock()
            defer { condition.unlock() }
            while !ended && condition.wait(until: deadline) {}
        }
    }
}
