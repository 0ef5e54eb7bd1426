import Foundation

/// Rebuilds the stores of a data directory: each store's newest valid checkpoint, then the log after
/// it. A record at or below a store's applied sequence number is skipped, so replay is idempotent.
/// Damage never passes silently: a store whose records may be lost is marked failed (the other
/// stores serve) and its files stay for a person to inspect.
enum Recovery {
    /// A recovered store: its state, the sequence number of the record that created it (0 when it
    /// came from a checkpoint), and its checkpoint's sequence number (0 when it has none).
    struct Recovered {
        var state: StoreState
        var origin: UInt64
        var checkpointed: UInt64
    }

    static func run(_ directory: DataDirectory) throws -> (log: FileLog, stores: [String: Recovered], report: RecoveryReport) {
        let started = Date()
        var report = RecoveryReport()
        let names = directory.checkpointedStores()
        let newest = names.compactMap { directory.checkpointFiles(of: $0).first?.sequence }.max() ?? 0
        let (log, scan) = try FileLog.open(directory: directory.wal, nextAtLeast: newest + 1)
        report.tornTail = scan.tornTail

        var stores: [String: Recovered] = [:]
        var failed: [String: String] = [:]
        for name in names {
            switch loadCheckpoint(name, directory: directory, logStart: log.firstSequence, report: &report) {
            case .success(let loaded?): stores[name] = loaded
            case .success(nil): break
            case .failure(let error): failed[name] = error.description
            }
        }

        // Names whose state may be missing records (damage, or records with no checkpoint and no
        // create): resolved by a later delete or replace, else failed at the end.
        var doubtful: [String: String] = [:]
        func fail(_ name: String, _ reason: String) {
            failed[name] = reason
            stores[name] = nil
            doubtful[name] = nil
        }
        let items = scan.items
        for (index, item) in items.enumerated() {
            switch item {
            case .damage(let damage):
                if let name = damage.store {
                    if let s = stores[name], let seq = damage.sequence, s.state.sequence >= seq { continue }
                    if failed[name] == nil { doubtful[name] = "the log is damaged: \(damage)" }
                } else {
                    // The lost record could be any store's that has not applied the records after it.
                    let next = items[(index + 1)...].lazy.compactMap { if case .record(let r) = $0 { r.sequence } else { nil } }.first ?? .max
                    for (name, s) in stores where s.state.sequence < next - 1 && doubtful[name] == nil {
                        doubtful[name] = "the log is damaged where a record of this store may be: \(damage)"
                    }
                }
            case .record(let record):
                let name = record.store
                guard failed[name] == nil else { continue }
                if let s = stores[name], record.sequence <= s.state.sequence {
                    report.skipped += 1
                    continue
                }
                do {
                    switch record.entry {
                    case .create(let configuration):
                        if let reason = doubtful[name] { throw LogFormatError(reason) }
                        guard stores[name] == nil else { throw LogFormatError("record \(record.sequence) creates the store, which already exists") }
                        stores[name] = Recovered(state: try StoreState(configuration: configuration, sequence: record.sequence), origin: record.sequence, checkpointed: 0)
                    case .delete:
                        stores[name] = nil
                        doubtful[name] = nil
                    case .replace(let bytes):
                        let image = try StoreSnapshot.decode(bytes).state
                        if let s = stores[name] {
                            stores[name]?.state = s.state.replaced(by: image).at(sequence: record.sequence)
                        } else {
                            stores[name] = Recovered(state: image.at(sequence: record.sequence), origin: record.sequence, checkpointed: 0)
                        }
                        doubtful[name] = nil
                    case .mutation(let mutation):
                        if let reason = doubtful[name] { throw LogFormatError(reason) }
                        guard let s = stores[name] else {
                            doubtful[name] = "log record \(record.sequence) belongs to a store with no checkpoint and no create record"
                            continue
                        }
                        stores[name]?.state = try s.state.applying(mutation).state.at(sequence: record.sequence)
                    }
                    report.applied += 1
                } catch {
                    fail(name, "log record \(record.sequence) cannot be applied: \(error)")
                }
            }
        }
        for (name, reason) in doubtful { fail(name, reason) }
        report.failed = failed
        report.stores = stores.count
        report.seconds = Date().timeIntervalSince(started)
        return (log, stores, report)
    }

    /// The store's newest checkpoint that loads, or an older one the log still covers; a failure when
    /// the newest is damaged and nothing can stand in for it.
    private static func loadCheckpoint(_ name: String, directory: DataDirectory, logStart: UInt64, report: inout RecoveryReport) -> Result<Recovered?, LogFormatError> {
        let files = directory.checkpointFiles(of: name)
        var problems: [String] = []
        for (index, file) in files.enumerated() {
            // An older checkpoint stands in only if the log still holds every record after it.
            if index > 0, file.sequence + 1 < logStart { break }
            do {
                let decoded = try StoreSnapshot.decode(try Data(contentsOf: file.url))
                guard decoded.name == name else { throw LogFormatError("it holds store '\(decoded.name)'") }
                guard decoded.state.sequence == file.sequence else { throw LogFormatError("its sequence number \(decoded.state.sequence) does not match its file name") }
                if !problems.isEmpty { report.warnings.append("store '\(name)': passed over \(problems.joined(separator: "; ")), recovered from \(file.url.lastPathComponent) and the log") }
                report.checkpoints += 1
                return .success(Recovered(state: decoded.state, origin: 0, checkpointed: file.sequence))
            } catch {
                problems.append("checkpoint \(file.url.path) (\(error))")
            }
        }
        guard problems.isEmpty else {
            return .failure(LogFormatError("\(problems.joined(separator: "; ")); no earlier checkpoint with the log after it can stand in. The files are kept for inspection"))
        }
        return .success(nil)
    }
}
