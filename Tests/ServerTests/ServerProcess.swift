import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
@testable import Server

/// The built `engram serve` as a child process on an ephemeral loopback port, spoken to over real
/// HTTP (URLSession). Its output (stdout and stderr) is collected as it comes, so the server never
/// blocks on a full pipe, and is kept for failure messages. A server still running when this object
/// goes away is killed, so a failed expectation leaves no process behind (nor a temporary data
/// directory that this object made up).
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    /// The base URL, `http://127.0.0.1:PORT`.
    let base: URL
    /// The data directory.
    let data: URL
    /// Whether `data` goes with this object (`stop()` or deinit): true when this object made it up.
    private let ownsData: Bool
    private let output = Output()

    /// API key sent with every request (`api-key` header), if any.
    var key: String?

    /// Starts `engram serve --host 127.0.0.1 --port 0 --data DIR` plus `arguments` (with `environment`
    /// added to this process's, and through `launcher`, e.g. `prlimit --as=N`, when given), on `data` (a
    /// new temporary directory when nil, removed with this object), and waits at most `timeout` seconds
    /// for it to print "listening on http(s)://…". The stores may still be recovering: see `waitUntilReady`.
    init(data: URL? = nil, arguments: [String] = [], environment: [String: String] = [:], launcher: [String] = [], timeout: TimeInterval = 60) throws {
        self.data = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("engram-e2e-\(UUID().uuidString)")
        ownsData = data == nil
        let serve = ["serve", "--host", "127.0.0.1", "--port", "0", "--data", self.data.path] + arguments
        if let tool = launcher.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(launcher.dropFirst()) + [Engram.binary.path] + serve
        } else {
            process.executableURL = Engram.binary
            process.arguments = serve
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        output.collect(from: pipe.fileHandleForReading)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let seen = output.text
            if let range = seen.range(of: #"listening on (https?://127\.0\.0\.1:\d+)"#, options: .regularExpression) {
                base = URL(string: String(seen[range].dropFirst("listening on ".count)))!
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Self.sigkill(process)
        throw CommandFailure("the server did not report its address: \(output.text)")
    }

    deinit {
        Self.sigkill(process)
        if ownsData { try? FileManager.default.removeItem(at: data) }
    }

    /// Everything the server has printed so far.
    var transcript: String { output.text }

    /// Sends `body` as JSON (raw bytes when Data; none when nil) with `key`, and returns the status and
    /// the parsed body (and its bytes, in `body`); gives up after `timeout` seconds.
    func send(_ method: String, _ path: String, _ body: Any? = nil, timeout: TimeInterval = 60) async throws -> TestApp.Reply {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let key { request.setValue(key, forHTTPHeaderField: "api-key") }
        if let body {
            request.httpBody = try (body as? Data) ?? JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return TestApp.Reply(
            status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "",
            requestID: http.value(forHTTPHeaderField: "X-Request-Id") ?? "", text: String(decoding: data, as: UTF8.self),
            json: try? JSONSerialization.jsonObject(with: data), body: data)
    }

    /// Polls `/readyz` until it answers 200 (recovery done), for at most `timeout` seconds.
    func waitUntilReady(timeout: TimeInterval = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = "no answer"
        while Date() < deadline {
            if let reply = try? await send("GET", "readyz", timeout: 2) {
                if reply.status == 200 { return }
                last = "\(reply.status) \(reply.text)"
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CommandFailure("/readyz did not answer 200 within \(timeout) s (last: \(last)): \(transcript)")
    }

    /// Sends SIGKILL and waits for the process to die: it stops at once, mid-write, with no chance to
    /// clean up. (The kernel's page cache survives, unlike in a power cut.)
    func crash() { Self.sigkill(process) }

    /// Sends SIGTERM (graceful: requests finish, a checkpoint is written), waits at most `timeout`
    /// seconds for the exit (then kills it) and returns the exit status; removes the data directory
    /// when this object made it up.
    func stop(timeout: TimeInterval = 60) -> Int32 {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        Self.sigkill(process)
        if ownsData { try? FileManager.default.removeItem(at: data) }
        return process.terminationStatus
    }

    /// SIGKILL, when still running, then waits for the exit.
    private static func sigkill(_ process: Process) {
        guard process.isRunning else { return }
        _ = kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The server's output, read by a thread of its own until the pipe closes.
    private final class Output: Sendable {
        private let collected = Mutex(Data())

        var text: String { String(decoding: collected.withLock { $0 }, as: UTF8.self) }

        func collect(from handle: FileHandle) {
            Thread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return }
                    collected.withLock { $0.append(chunk) }
                }
            }.start()
        }
    }
}
