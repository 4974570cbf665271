import Foundation
import Kernels
import Logging

/// The sector state machine (Lotus `storage/pipeline`; node.md §3.1). One driver task per
/// sector runs the handler of its persisted state, records the transition (and a log entry)
/// in SQLite, and goes on until a final state. On start every unfinished sector's driver
/// starts again from the state it was in, so a killed miner resumes where it was; the task
/// of the interrupted state is asked for again, and a worker still running it joins the
/// request to the running task.
final class Pipeline: Sendable {
    let store: SealingStore
    let manager: SealingManager
    let chain: RPCClient
    let storage: LocalStorage
    let miner: MinerIdentity
    let retrySeconds: Double
    let pollSeconds: Double
    let logger: Logger
    let drivers = RPCLocked(Set<UInt64>())

    init(store: SealingStore, manager: SealingManager, chain: RPCClient, storage: LocalStorage, miner: MinerIdentity,
         retrySeconds: Double, pollSeconds: Double, logger: Logger) {
        self.store = store
        self.manager = manager
        self.chain = chain
        self.storage = storage
        self.miner = miner
        self.retrySeconds = retrySeconds
        self.pollSeconds = pollSeconds
        self.logger = logger
    }

    /// Starts drivers for every sector not in a final state.
    func resumeAll() throws {
        for s in try store.sectors() where !s.state.isFinal {
            logger.info("resuming sector", metadata: ["sector": "\(s.number)", "state": "\(s.state.rawValue)"])
            drive(s.number)
        }
    }

    /// `PledgeSector`: a new committed-capacity sector in Packing.
    func pledge() throws -> SectorRecord {
        let r = try store.newSector(sealProof: miner.sealProof.id, state: .packing)
        drive(r.number)
        return r
    }

    func drive(_ number: UInt64) {
        let fresh = drivers.withLock { $0.insert(number).inserted }
        guard fresh else { return }
        Task {
            defer { _ = drivers.withLock { $0.remove(number) } }
            while !Task.isCancelled {
                guard let s = try? store.sector(number) else { return }
                if s.state.isFinal { return }
                do {
                    try await step(s)
                } catch {
                    let failed = Self.failureState(for: s.state)
                    let message = "\(error)"
                    logger.warning("sector step failed", metadata: ["sector": "\(number)", "state": "\(s.state.rawValue)", "error": "\(message)"])
                    _ = try? store.update(number, to: failed, kind: "event;sealing.\(failed.rawValue)", message: message) { $0.lastError = message }
                }
            }
        }
    }

    static func failureState(for state: SealingState) -> SealingState {
        switch state {
        case .packing, .getTicket: .packingFailed
        case .preCommit1: .sealPreCommit1Failed
        case .preCommit2: .sealPreCommit2Failed
        case .preCommitting, .preCommitWait, .waitSeed: .preCommitFailed
        case .committing: .computeProofFailed
        case .submitCommitAggregate, .commitAggregateWait: .commitFailed
        case .finalizeSector: .finalizeFailed
        default: .failedUnrecoverable
        }
    }

    var sectorSize: UInt64 { miner.sealProof.sectorSize }

    func ref(_ n: UInt64) -> SectorRef { SectorRef(miner: miner.actorID, number: n, proofType: miner.sealProof.id) }

    func paths(_ s: SectorRecord) throws -> SectorPaths {
        guard let root = s.storagePath else { throw PipelineError.noPath(s.number) }
        return SectorPaths(root: root, sector: SectorID(miner: miner.actorID, number: s.number))
    }

    func params(_ s: SectorRecord) throws -> SealTaskParams {
        var p = SealTaskParams(sector: ref(s.number), paths: try paths(s), proverID: miner.proverID)
        p.Ticket = s.ticket.map { Data($0) }
        p.Seed = s.seed.map { Data($0) }
        p.CommD = s.commD
        p.CommR = s.commR
        return p
    }

    func task(_ t: TaskType, _ s: SectorRecord, _ p: SealTaskParams) async throws -> SealTaskResult {
        let (r, worker) = try await manager.run(t, p, sectorSize: sectorSize, preferred: s.lastWorker)
        _ = try store.update(s.number, to: s.state, kind: "event;sealing.TaskDone", message: "\(t.short) done on worker \(worker.prefix(8))"
            + (r.Note.map { " (\($0))" } ?? "")) { $0.lastWorker = worker }
        return r
    }

    func head() async throws -> Int64 {
        guard let h = try await chain.call("Filecoin.ChainHead")["Height"]?.double else { throw PipelineError.chain("ChainHead has no Height") }
        return Int64(h)
    }

    /// One handler: does the state's work and records the next state.
    func step(_ s: SectorRecord) async throws {
        let n = s.number
        switch s.state {
        case .packing:
            let (id, root) = try allocate(s)
            var rec = s
            rec.storageID = id
            rec.storagePath = root
            _ = try store.update(n, to: .packing, kind: "event;sealing.SectorAllocated", message: "sealing path \(root) (storage \(id))") {
                $0.storageID = id
                $0.storagePath = root
            }
            let r = try await task(.addPiece, rec, try params(rec))
            try store.update(n, to: .getTicket, kind: "event;sealing.SectorPacked", message: "filler pieces added; CommD \(r.CommD ?? "?")") { $0.commD = r.CommD }
        case .getTicket:
            let epoch = try await head() - 1
            let t = try await chain.call("Spnode.SealRandomness", [.string(miner.address), .number(Double(epoch))])
            guard let b = t.string, let ticket = Data(base64Encoded: b), ticket.count == 32 else { throw PipelineError.chain("SealRandomness answered \(t.jsonString)") }
            try store.update(n, to: .preCommit1, kind: "event;sealing.SectorTicket", message: "ticket of epoch \(epoch)") {
                $0.ticket = [UInt8](ticket)
                $0.ticketEpoch = epoch
            }
        case .preCommit1:
            let r = try await task(.preCommit1, s, try params(s))
            guard let d = r.CommD, let rid = r.ReplicaID else { throw PipelineError.result("PC1 returned no CommD/ReplicaID") }
            try store.update(n, to: .preCommit2, kind: "event;sealing.SectorPreCommit1", message: r.Note ?? "labels done") {
                $0.commD = d
                $0.commitProof = [UInt8](rid)   // PC1 output (replica id) kept until PC2
            }
        case .preCommit2:
            var p = try params(s)
            p.ReplicaID = s.commitProof.map { Data($0) }
            let r = try await task(.preCommit2, s, p)
            guard let cr = r.CommR else { throw PipelineError.result("PC2 returned no CommR") }
            try store.update(n, to: .preCommitting, kind: "event;sealing.SectorPreCommit2", message: "CommR \(cr)") {
                $0.commR = cr
                $0.commD = r.CommD ?? $0.commD
                $0.commitProof = nil
            }
        case .preCommitting:
            // After a restart the message may already have gone out.
            let onChain = try await chain.call("Filecoin.StateSectorGetInfo", [.string(miner.address), .number(Double(n)), .null])
            if let a = onChain["Activation"]?.double {
                if a >= 0 {
                    try store.update(n, to: .finalizeSector, kind: "event;sealing.SectorOnChain", message: "already active on chain")
                } else {
                    try store.update(n, to: .waitSeed, kind: "event;sealing.SectorPreCommitLanded", message: "precommit already on chain")
                }
                return
            }
            guard let t = s.ticket, let e = s.ticketEpoch, let r = s.commR, let d = s.commD else { throw PipelineError.result("missing PC outputs") }
            let msg: NodeJSON
            do {
                msg = try await chain.call("Spnode.PreCommitSector", [.string(miner.address), [
                    "SectorNumber": .number(Double(n)), "SealProof": .number(Double(miner.sealProof.id)), "CommR": .string(r), "CommD": .string(d),
                    "SealRandEpoch": .number(Double(e)), "Ticket": .string(Data(t).base64EncodedString()),
                ]])
            } catch {
                guard let m = rpcMessage(error), m.contains("ticket") || m.contains("randomness") else { throw error }
                // The ticket expired: seal again with a fresh one (Lotus: back to GetTicket).
                try store.update(n, to: .getTicket, kind: "event;sealing.SectorOldTicket", message: m)
                return
            }
            let id = msg["Message"]?["/"]?.string ?? msg["CID"]?["/"]?.string ?? ""
            try store.update(n, to: .preCommitWait, kind: "event;sealing.SectorPreCommitted", message: "message \(id)") { $0.preCommitMessage = id }
        case .preCommitWait:
            let m = try await chain.call("Filecoin.StateWaitMsg", [["/": .string(s.preCommitMessage ?? "")], .number(0)])
            guard m["Receipt"]?["ExitCode"]?.double == 0, let h = m["Height"]?.double else {
                throw PipelineError.chain("precommit message failed: \(m.jsonString)")
            }
            try store.update(n, to: .waitSeed, kind: "event;sealing.SectorPreCommitLanded", message: "landed at epoch \(Int64(h))") { $0.preCommitEpoch = Int64(h) }
        case .waitSeed:
            do {
                let r = try await chain.call("Spnode.InteractiveSeed", [.string(miner.address), .number(Double(n))])
                guard let b = r["Seed"]?.string, let seed = Data(base64Encoded: b), let e = r["Epoch"]?.double else { throw PipelineError.chain("InteractiveSeed answered \(r.jsonString)") }
                // Lotus waits for the seed epoch plus confidence; the devnet refuses it before.
                let h = try await head()
                guard h > Int64(e) else {
                    try await Task.sleep(for: .seconds(pollSeconds))
                    return
                }
                try store.update(n, to: .committing, kind: "event;sealing.SectorSeedReady", message: "seed of epoch \(Int64(e))") {
                    $0.seed = [UInt8](seed)
                    $0.seedEpoch = Int64(e)
                }
            } catch {
                guard let m = rpcMessage(error), m.contains("epoch") && m.contains("head") else { throw error }
                try await Task.sleep(for: .seconds(pollSeconds))
            }
        case .committing:
            let c1 = try await task(.commit1, s, try params(s))
            guard let proof = c1.Proof else { throw PipelineError.result("C1 returned no proof") }
            var p = try params(s)
            p.Commit1Out = proof
            guard let fresh = try store.sector(n) else { throw SealingStoreError.missing(n) }
            let c2 = try await task(.commit2, fresh, p)
            guard let final = c2.Proof else { throw PipelineError.result("C2 returned no proof") }
            try store.update(n, to: .submitCommitAggregate, kind: "event;sealing.SectorProofReady", message: c2.Note ?? "proof ready") { $0.commitProof = [UInt8](final) }
        case .submitCommitAggregate:
            guard let proof = s.commitProof else {
                try store.update(n, to: .committing, kind: "event;sealing.SectorRetryCommit", message: "no proof kept; computing it again")
                return
            }
            do {
                let out = try await chain.call("Spnode.ProveCommitSector", [.string(miner.address), .number(Double(n)), .string(Data(proof).base64EncodedString())])
                let id = out["Message"]?["Message"]?["/"]?.string ?? ""
                try store.update(n, to: .commitAggregateWait, kind: "event;sealing.SectorCommitAggregateSent", message: "aggregate of 1, message \(id)") {
                    $0.commitMessage = id
                }
            } catch {
                guard let m = rpcMessage(error), m.contains("not precommitted") else { throw error }
                // Proven before a restart: the wait state checks the chain.
                try store.update(n, to: .commitAggregateWait, kind: "event;sealing.SectorCommitAggregateSent", message: "already proven: \(m)")
            }
        case .commitAggregateWait:
            let info = try await chain.call("Filecoin.StateSectorGetInfo", [.string(miner.address), .number(Double(n)), .null])
            guard let a = info["Activation"]?.double, a >= 0 else { throw PipelineError.chain("sector \(n) is not active on chain after ProveCommit") }
            try store.update(n, to: .finalizeSector, kind: "event;sealing.SectorProving", message: "active on chain, expiration \(Int64(info["Expiration"]?.double ?? 0))") {
                $0.commitProof = nil
            }
        case .finalizeSector:
            var p = try params(s)
            let dest = try? allocateStore(s)
            if let dest { p.FinalPaths = SectorPaths(root: dest.1, sector: SectorID(miner: miner.actorID, number: n)) }
            _ = try await task(.finalize, s, p)
            try store.update(n, to: .proving, kind: "event;sealing.SectorFinalized",
                             message: dest.map { "moved to \($0.1) (storage \($0.0))" } ?? "finalized in place (no store path has room)") {
                if let dest {
                    $0.storageID = dest.0
                    $0.storagePath = dest.1
                }
            }
        default:
            guard s.state.isFailure, let next = s.state.retryState else {
                try store.update(n, to: .failedUnrecoverable, kind: "event;sealing.SectorFatalError", message: "no handler for \(s.state.rawValue)")
                return
            }
            let last = try store.lastLogTime(n) ?? s.updated
            let wait = retrySeconds - Date().timeIntervalSince(last)
            if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
            // A sector whose sealing path vanished before it was precommitted is packed again elsewhere.
            var target = next
            if [.packing, .preCommit1, .preCommit2].contains(next), let root = s.storagePath, !FileManager.default.fileExists(atPath: root + "/sectorstore.json") {
                target = .packing
            }
            try store.update(n, to: target, kind: "event;sealing.SectorRetry", message: "retry \(s.retries + 1) after: \(s.lastError ?? "?")") {
                $0.retries += 1
                if target == .packing && next != .packing { $0.storagePath = nil; $0.storageID = nil }
            }
        }
    }

    /// Space a sector needs while sealing: unsealed + sealed + layers + trees (about L + 4 sectors).
    var sealingBytes: UInt64 { sectorSize * UInt64(miner.sealProof.layers + 4) }

    /// The seal path for a new sector: can seal, exists, room for `sealingBytes` (free space
    /// and the path's max-storage limit); highest weight, then most free space.
    func allocate(_ s: SectorRecord) throws -> (String, String) {
        if let id = s.storageID, let root = s.storagePath, FileManager.default.fileExists(atPath: root + "/sectorstore.json") { return (id, root) }
        let stats = try storage.pathStats()
        var why: [String] = []
        var fits: [LocalStorage.PathStat] = []
        for p in stats {
            guard let m = p.meta else {
                why.append("\(p.path): \(p.error ?? "not readable")")
                continue
            }
            guard m.canSeal else { continue }
            let free = Self.room(p, m)
            if free < sealingBytes {
                why.append("\(p.path): \(sizeStr(free)) free, a sector needs \(sizeStr(sealingBytes))")
                continue
            }
            fits.append(p)
        }
        guard let best = fits.max(by: { ($0.meta?.weight ?? 0, $0.available) < ($1.meta?.weight ?? 0, $1.available) }), let id = best.meta?.id else {
            throw PipelineError.noSpace(why.isEmpty ? "no seal storage path is attached (spnode miner storage attach --init --seal PATH)" : why.joined(separator: "; "))
        }
        return (id, best.path)
    }

    /// Free bytes of a path: the file system's, capped by the path's max-storage limit.
    static func room(_ p: LocalStorage.PathStat, _ m: LocalStorageMeta) -> UInt64 {
        m.maxStorage > 0 ? min(p.available, m.maxStorage > p.used ? m.maxStorage - p.used : 0) : p.available
    }

    /// The store path for a finalized sector (sealed + cache, about 1.1 sectors).
    func allocateStore(_ s: SectorRecord) throws -> (String, String) {
        let need = sectorSize + sectorSize / 4
        let stats = try storage.pathStats().filter { $0.meta?.canStore == true }
        let fits = stats.filter { p in p.meta.map { Self.room(p, $0) >= need } ?? false }
        guard let best = fits.max(by: { ($0.meta?.weight ?? 0, $0.available) < ($1.meta?.weight ?? 0, $1.available) }), let id = best.meta?.id else {
            throw PipelineError.noSpace("no store path has room for a finalized sector")
        }
        return (id, best.path)
    }
}

/// The message of a JSON-RPC error answer, nil for other errors.
func rpcMessage(_ error: Error) -> String? {
    if case RPCClientError.rpc(_, let m) = error { return m }
    return nil
}

enum PipelineError: Error, CustomStringConvertible {
    case noPath(UInt64), chain(String), result(String), noSpace(String)
    var description: String {
        switch self {
        case .noPath(let n): "sector \(n) has no storage path yet"
        case .chain(let m): "chain: \(m)"
        case .result(let m): "task result: \(m)"
        case .noSpace(let m): "no storage path has room: \(m)"
        }
    }
}
