import Foundation

/// Rebuilds the stores of a data directory: each store's newest valid checkpoint, then the log after
/// it. A record at or below a store's applied sequence number is skipped, so replay is idempotent.
/// Damage never passes silently, and nothing read traps: a store whose records may be lost, or that
/// has a record or checkpoint that cannot be applied, is in doubt. A later record that makes the
/// store anew (its delete, a create, a restore or upload) settles the doubt, since what was lost no
/// longer matters; a store still in doubt at the end of the log is failed (the other stores serve),
/// and its files stay for a person to inspect. Damage whose store cannot be told is reported as such.
enum Recovery {
    /// A recovered store: its state, the sequence number of the record that created it (0 when it
    /// came from a checkpoint), and its checkpoint's sequence number (0 when it has none).
    struct Recovered {
        var state: StoreState
        var origin: UInt64
        var checkpointed: UInt64
    }

    /// A store's standing during replay.
    private enum Standing {
        case live(Recovered)
        case doubtful(String)
    }

    static func run(_ directory: DataDirectory, log source: LogSource) throws -> (log: any MutationLog, stores: [String: Recovered], report: RecoveryReport) {
        let started = Date()
        var report = RecoveryReport()
        let names = try directory.checkpointedStores()
        // The log continues past every checkpoint's sequence number, loadable or not.
        let newest = try names.flatMap { try directory.checkpointFiles(of: $0).map(\.sequence) }.max() ?? 0
        let (log, scan) = try source.open(newest + 1)
        report.tornTail = scan.tornTail

        var stores: [String: Standing] = [:]
        for name in names {
            switch loadCheckpoint(name, directory: directory, logStart: log.firstSequence, report: &report) {
            case .success(let loaded?): stores[name] = .live(loaded)
            case .success(nil): break
            case .failure(let error): stores[name] = .doubtful(error.description)
            }
        }
        func doubt(_ name: String, _ reason: String) {
            if case .doubtful = stores[name] { return }
            stores[name] = .doubtful(reason)
        }

        let items = scan.items
        for (index, item) in items.enumerated() {
            switch item {
            case .damage(let damage):
                if let name = damage.store {
                    if case .live(let s) = stores[name], let seq = damage.sequence, s.state.sequence >= seq { continue }
                    doubt(name, "the log is damaged: \(damage)")
                } else {
                    // The lost record could be any store's that has not applied the records after it, or
                    // the create of a store nothing else names.
                    let next = items[(index + 1)...].lazy.compactMap { if case .record(let r) = $0 { r.sequence } else { nil } }.first ?? .max
                    for (name, standing) in stores {
                        if case .live(let s) = standing, s.state.sequence < next - 1 {
                            doubt(name, "the log is damaged where a record of this store may be: \(damage)")
                        }
                    }
                    report.unattributed.append("\(damage)")
                }
            case .record(let record):
                let name = record.store
                if case .live(let s) = stores[name], record.sequence <= s.state.sequence {
                    report.skipped += 1
                    continue
                }
                switch apply(record, to: stores[name]) {
                case .success(let standing):
                    stores[name] = standing
                    if case .doubtful = standing {} else { report.applied += 1 }
                case .failure(let reason):
                    doubt(name, reason.description)
                }
            }
        }
        var recovered: [String: Recovered] = [:]
        for (name, standing) in stores {
            switch standing {
            case .live(let r): recovered[name] = r
            case .doubtful(let reason): report.failed[name] = reason
            }
        }
        report.stores = recovered.count
        report.seconds = Date().timeIntervalSince(started)
        return (log, recovered, report)
    }

    /// What `record` makes of a store standing so (nil: there is none). A delete, create or replace
    /// settles a doubt; any other record leaves it.
    private static func apply(_ record: LogRecord, to standing: Standing?) -> Result<Standing?, LogFormatError> {
        let sequence = record.sequence
        do {
            switch (record.entry, standing) {
            case (.delete, _):
                return .success(nil)
            case (.create, .live):
                throw LogFormatError("log record \(sequence) creates the store, which already exists")
            case (.create(let configuration), _):
                return .success(.live(Recovered(state: try StoreState(configuration: configuration, sequence: sequence), origin: sequence, checkpointed: 0)))
            case (.replace(let bytes), .live(var s)):
                s.state = s.state.replaced(by: try StoreSnapshot.decode(bytes).state).at(sequence: sequence)
                return .success(.live(s))
            case (.replace(let bytes), _):
                let image = try StoreSnapshot.decode(bytes).state
                return .success(.live(Recovered(state: image.at(sequence: sequence), origin: sequence, checkpointed: 0)))
            case (.mutation(let mutation), .live(var s)):
                s.state = try s.state.applying(mutation).state.at(sequence: sequence)
                return .success(.live(s))
            case (.mutation, .doubtful):
                return .success(standing)
            case (.mutation, nil):
                throw LogFormatError("log record \(sequence) belongs to a store with no checkpoint and no create record")
            }
        } catch let error as LogFormatError {
            return .failure(error)
        } catch {
            return .failure(LogFormatError("log record \(sequence) cannot be applied: \(error)"))
        }
    }

    /// The store's newest checkpoint that loads, or an older one the log still covers; a failure when
    /// the newest is damaged and nothing can stand in for it.
    private static func loadCheckpoint(_ name: String, directory: DataDirectory, logStart: UInt64, report: inout RecoveryReport) -> Result<Recovered?, LogFormatError> {
        let files: [(sequence: UInt64, path: String)]
        do {
            files = try directory.checkpointFiles(of: name)
        } catch {
            return .failure(LogFormatError("its checkpoints cannot be listed: \(error)"))
        }
        var problems: [String] = []
        for (index, file) in files.enumerated() {
            // An older checkpoint stands in only if the log still holds every record after it.
            if index > 0, file.sequence + 1 < logStart { break }
            do {
                let decoded = try StoreSnapshot.decode(try directory.fileSystem.read(file.path))
                guard decoded.name == name else { throw LogFormatError("it holds store '\(decoded.name)'") }
                guard decoded.state.sequence == file.sequence else { throw LogFormatError("its sequence number \(decoded.state.sequence) does not match its file name") }
                if !problems.isEmpty { report.warnings.append("store '\(name)': passed over \(problems.joined(separator: "; ")), recovered from \((file.path as NSString).lastPathComponent) and the log") }
                report.checkpoints += 1
                return .success(Recovered(state: decoded.state, origin: 0, checkpointed: file.sequence))
            } catch {
                problems.append("checkpoint \(file.path) (\(error))")
            }
        }
        guard problems.isEmpty else {
            return .failure(LogFormatError("\(problems.joined(separator: "; ")); no earlier checkpoint with the log after it can stand in. The files are kept for inspection"))
        }
        return .success(nil)
    }
}
