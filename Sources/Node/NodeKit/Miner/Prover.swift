import Foundation
import Kernels
import Logging

/// WindowPoSt and WinningPoSt for the miner (Lotus `storage/wdpost`, `miner/miner.go`;
/// node.md §4.2, §4.3).
///
/// Every poll it reads the chain's current deadline. A deadline is computed once its
/// challenge epoch has passed (head ≥ Challenge + 1, up to `lookback/window` deadlines
/// ahead), over the active and recovering sectors of its partitions: each sector's files are
/// read where the sealing database says they are, a sector that cannot be proven is skipped
/// and reported as a fault with its reason, and the rest is proven. The proof is submitted
/// once the deadline is open, at most three partitions per message. Faults and recoveries are
/// declared for the first deadline from (current + 2) whose fault cutoff has not passed. Each
/// epoch the miner asks whether it is elected and, if so, proves the winning sector and
/// submits the block. PoSt goes to a connected WDP/WNP worker when there is one, else runs
/// here.
final class Prover: Sendable {
    let store: SealingStore
    let manager: SealingManager
    let chain: RPCClient
    let miner: MinerIdentity
    let pollSeconds: Double
    let winningPoSt: Bool
    let logger: Logger
    let state = RPCLocked(PState())
    let work = DispatchQueue(label: "spnode.miner.post", attributes: .concurrent)

    struct Computed {
        var proofs: [(partitions: [Int], result: PoStTaskResult?, error: String?)]
        var provable: [UInt64]
    }

    struct PState {
        var computed: [String: Computed] = [:]     // "<open>:<index>"
        var submitted: Set<String> = []
        var declared: Set<String> = []
        var history: [NodeJSON] = []
        var lastWinningEpoch: Int64 = -1
    }

    init(store: SealingStore, manager: SealingManager, chain: RPCClient, miner: MinerIdentity, pollSeconds: Double, winningPoSt: Bool, logger: Logger) {
        self.store = store
        self.manager = manager
        self.chain = chain
        self.miner = miner
        self.pollSeconds = pollSeconds
        self.winningPoSt = winningPoSt
        self.logger = logger
    }

    func run() async {
        while !Task.isCancelled {
            do { try await tick() } catch { logger.warning("proving: \(error)") }
            try? await Task.sleep(for: .seconds(pollSeconds))
        }
    }

    func history() -> [NodeJSON] { state.withLock { $0.history } }

    func record(_ j: NodeJSON) {
        state.withLock {
            $0.history.append(j)
            if $0.history.count > 500 { $0.history.removeFirst($0.history.count - 500) }
        }
    }

    struct Deadline {
        var index: Int, open: Int64, close: Int64, challenge: Int64, faultCutoff: Int64, current: Int64, window: Int64, lookback: Int64, cutoff: Int64
        var periodStart: Int64
        init(_ j: NodeJSON) throws {
            func i(_ k: String) throws -> Int64 {
                guard let v = j[k]?.double else { throw MinerError.chain("deadline info without \(k)") }
                return Int64(v)
            }
            index = Int(try i("Index"))
            open = try i("Open")
            close = try i("Close")
            challenge = try i("Challenge")
            faultCutoff = try i("FaultCutoff")
            current = try i("CurrentEpoch")
            window = try i("WPoStChallengeWindow")
            lookback = try i("WPoStChallengeLookback")
            cutoff = try i("FaultDeclarationCutoff")
            periodStart = try i("PeriodStart")
        }
        var key: String { "\(open):\(index)" }
        /// The window `k` deadlines later.
        func later(_ k: Int, deadlines: Int = 48) -> (index: Int, open: Int64, challenge: Int64, faultCutoff: Int64) {
            let o = open + Int64(k) * window
            return ((index + k) % deadlines, o, o - lookback, o - cutoff)
        }
    }

    func tick() async throws {
        let dl = try Deadline(try await chain.call("Filecoin.StateMinerProvingDeadline", [.string(miner.address), .null]))
        let head = dl.current
        // Compute the current deadline and those whose challenge has passed.
        let ahead = Int(max(0, (dl.lookback + dl.window - 1) / dl.window))
        for k in 0...ahead {
            let w = dl.later(k)
            guard head >= w.challenge + 1, w.index < 48 else { continue }
            let key = "\(w.open):\(w.index)"
            if state.withLock({ $0.computed[key] != nil }) { continue }
            try await compute(index: w.index, open: w.open, key: key)
        }
        // Submit the open deadline's proofs.
        if head >= dl.open, head < dl.close, !state.withLock({ $0.submitted.contains(dl.key) }), var c = state.withLock({ $0.computed[dl.key] }) {
            state.withLock { _ = $0.submitted.insert(dl.key) }
            // Sectors activated (or faults declared) after the proof was computed change what
            // the chain expects: prove again with the partitions as they are now.
            let now = try await partitions(dl.index).filter { !$0.provable.isEmpty }
            if now.flatMap(\.provable).sorted() != c.provable.sorted() {
                try await compute(index: dl.index, open: dl.open, key: dl.key)
                c = state.withLock { $0.computed[dl.key] } ?? c
            }
            try await submit(dl, c)
            state.withLock { s in s.computed = s.computed.filter { k, _ in (Int64(k.split(separator: ":")[0]) ?? 0) >= dl.open } }
        }
        try await declare(dl)
        if winningPoSt { try await mine(head: head) }
    }

    // MARK: WindowPoSt

    struct PartitionSectors {
        var index: Int
        var provable: [UInt64]
        var all: [UInt64]
        var faulty: [UInt64]
        var recovering: [UInt64]
    }

    func partitions(_ index: Int) async throws -> [PartitionSectors] {
        let parts = try await chain.call("Filecoin.StateMinerPartitions", [.string(miner.address), .number(Double(index)), .null]).array ?? []
        return parts.enumerated().map { i, p in
            let active = Set(bitFieldNumbers(p["ActiveSectors"])), rec = Set(bitFieldNumbers(p["RecoveringSectors"]))
            return PartitionSectors(index: i, provable: active.union(rec).sorted(), all: bitFieldNumbers(p["AllSectors"]),
                                    faulty: bitFieldNumbers(p["FaultySectors"]), recovering: rec.sorted())
        }
    }

    func sectorInfo(_ n: UInt64) -> PoStSectorInfo {
        let id = SectorID(miner: miner.actorID, number: n)
        guard let r = try? store.sector(n), let root = r.storagePath, let commR = r.commR else {
            return PoStSectorInfo(number: n, sealProof: miner.sealProof.id, sealed: "/nonexistent/\(id) (not in the miner's sealing database)",
                                  cache: "/nonexistent", commR: String(repeating: "0", count: 64))
        }
        let p = SectorPaths(root: root, sector: id)
        return PoStSectorInfo(number: n, sealProof: r.sealProof, sealed: p.Sealed, cache: p.Cache, commR: commR)
    }

    func randomness(_ index: Int, latestDrawn: Bool = false) async throws -> [UInt8] {
        let r = try await chain.call("Spnode.WindowPoStRandomness", [.string(miner.address), .number(Double(index)), .bool(latestDrawn)])
        guard let b = r["Randomness"]?.string, let d = Data(base64Encoded: b) else { throw MinerError.chain("no WindowPoSt randomness for deadline \(index)") }
        return [UInt8](d)
    }

    func generate(_ params: PoStTaskParams, winning: Bool) async throws -> (PoStTaskResult, String) {
        let task: TaskType = winning ? .winningPoSt : .windowPoSt
        if let (id, client) = manager.postWorker(task) {
            do {
                let r = try await client.call(winning ? "Filecoin.GenerateWinningPoSt" : "Filecoin.GenerateWindowPoSt", [try TaskJSON.encode(params)])
                return (try TaskJSON.decode(PoStTaskResult.self, r, "the worker's PoSt result"), "worker \(id.prefix(8))")
            } catch {
                logger.warning("PoSt worker failed; proving locally: \(error)")
            }
        }
        let runner = TaskRunner(parentCacheDirectory: "")
        return (try await offPool(work) { winning ? try runner.winningPoSt(params) : try runner.windowPoSt(params) }, "local")
    }

    func compute(index: Int, open: Int64, key: String) async throws {
        let parts = try await partitions(index)
        var proofs: [(partitions: [Int], result: PoStTaskResult?, error: String?)] = []
        let live = parts.filter { !$0.provable.isEmpty }
        if !live.isEmpty {
            let rand = try await randomness(index)
            for group in stride(from: 0, to: live.count, by: ProvingPolicy.postedPartitionsMax).map({ Array(live[$0..<min($0 + 3, live.count)]) }) {
                let sectors = group.flatMap(\.provable).map(sectorInfo)
                let params = PoStTaskParams(postProof: miner.windowPoStProof.id, randomness: rand, proverID: miner.proverID, sectors: sectors)
                do {
                    let (r, where_) = try await generate(params, winning: false)
                    logger.info("WindowPoSt computed", metadata: ["deadline": "\(index)", "partitions": "\(group.map(\.index))", "sectors": "\(sectors.count)",
                                                                  "skipped": "\(r.Faults.map(\.Sector))", "seconds": "\(String(format: "%.3f", r.Seconds))", "on": "\(where_)"])
                    proofs.append((group.map(\.index), r, nil))
                } catch {
                    proofs.append((group.map(\.index), nil, "\(error)"))
                }
            }
        }
        state.withLock { $0.computed[key] = Computed(proofs: proofs, provable: live.flatMap(\.provable)) }
    }

    func submit(_ dl: Deadline, _ c: Computed) async throws {
        // After a miner restart the window may already hold our proofs.
        let summaries = try await chain.call("Filecoin.StateMinerDeadlines", [.string(miner.address), .null]).array ?? []
        let proven = Set(bitFieldNumbers(summaries.indices.contains(dl.index) ? summaries[dl.index]["PostSubmissions"] : nil).map { Int($0) })
        for p in c.proofs where !p.partitions.allSatisfy(proven.contains) {
            var entry: [String: NodeJSON] = ["Deadline": .number(Double(dl.index)), "Open": .number(Double(dl.open)),
                                             "Partitions": .array(p.partitions.map { .number(Double($0)) })]
            if let r = p.result {
                entry["Skipped"] = .array(r.Faults.map { ["Sector": .number(Double($0.Sector)), "Reason": .string($0.Reason)] })
                entry["Seconds"] = .number(r.Seconds)
                do {
                    let head = try await chain.call("Filecoin.ChainHead")["Height"]?.double ?? Double(dl.open)
                    let out = try await chain.call("Spnode.SubmitWindowedPoSt", [.string(miner.address), .number(Double(dl.index)),
                                                                                 .array(p.partitions.map { .number(Double($0)) }),
                                                                                 .string(r.Proof.base64EncodedString()), .number(head - 1)])
                    entry["Message"] = out["Message"]?["Message"] ?? .null
                    entry["ProvenSectors"] = out["ProvenSectors"] ?? .null
                    logger.info("WindowPoSt submitted", metadata: ["deadline": "\(dl.index)", "partitions": "\(p.partitions)",
                                                                   "proven": "\(out["ProvenSectors"]?.jsonString ?? "")", "skipped": "\(r.Faults.map(\.Sector))"])
                } catch {
                    entry["Error"] = .string("\(error)")
                    logger.error("WindowPoSt submission failed: \(error)", metadata: ["deadline": "\(dl.index)"])
                }
            } else {
                entry["Error"] = .string(p.error ?? "no proof")
                logger.error("WindowPoSt not computed: \(p.error ?? "")", metadata: ["deadline": "\(dl.index)"])
            }
            record(.object(entry))
        }
    }

    /// Fault and recovery declarations for the first deadline from (current + 2) whose fault
    /// cutoff is still ahead.
    func declare(_ dl: Deadline) async throws {
        var target: (index: Int, open: Int64, challenge: Int64, faultCutoff: Int64)?
        for k in 2..<50 {
            let w = dl.later(k)
            if w.faultCutoff > dl.current {
                target = w
                break
            }
        }
        guard let t = target else { return }
        let key = "\(t.open):\(t.index)"
        guard !state.withLock({ $0.declared.contains(key) }) else { return }
        state.withLock { _ = $0.declared.insert(key) }
        let parts = try await partitions(t.index)
        guard !parts.isEmpty else { return }
        // CheckProvable with a fresh challenge (Lotus draws a random one).
        let rand = Self.checkChallenge()
        let runner = TaskRunner(parentCacheDirectory: "")
        var newFaults: [UInt64] = [], recovered: [UInt64] = []
        for p in parts {
            let faulty = Set(p.faulty), recovering = Set(p.recovering)
            for n in p.all {
                let bad = runner.check(sectorInfo(n), postProof: miner.windowPoStProof.id, randomness: rand, slow: false)
                if bad != nil && !faulty.contains(n) { newFaults.append(n) }
                if bad == nil && faulty.contains(n) && !recovering.contains(n) { recovered.append(n) }
            }
        }
        if !newFaults.isEmpty {
            do {
                _ = try await chain.call("Spnode.DeclareFaults", [.string(miner.address), .array(newFaults.map { .number(Double($0)) })])
                logger.warning("declared faults", metadata: ["deadline": "\(t.index)", "sectors": "\(newFaults)"])
                record(["Declared": "faults", "Deadline": .number(Double(t.index)), "Sectors": .array(newFaults.map { .number(Double($0)) })])
            } catch { logger.warning("declaring faults failed: \(error)") }
        }
        if !recovered.isEmpty {
            do {
                _ = try await chain.call("Spnode.DeclareFaultsRecovered", [.string(miner.address), .array(recovered.map { .number(Double($0)) })])
                logger.info("declared recoveries", metadata: ["deadline": "\(t.index)", "sectors": "\(recovered)"])
                record(["Declared": "recoveries", "Deadline": .number(Double(t.index)), "Sectors": .array(recovered.map { .number(Double($0)) })])
            } catch { logger.warning("declaring recoveries failed: \(error)") }
        }
    }

    // MARK: checks and dry runs (CLI)

    /// A fresh random challenge for `CheckProvable` (a canonical field element: top bits clear).
    static func checkChallenge() -> [UInt8] {
        var rand = (0..<32).map { _ in UInt8.random(in: 0...255) }
        rand[31] &= 0x3f
        return rand
    }

    func check(deadline index: Int, slow: Bool) async throws -> [CheckRow] {
        guard (0..<48).contains(index) else { throw RPCError.invalidParams("deadline \(index) does not exist: deadlines are 0-47") }
        let parts = try await partitions(index)
        let rand = Self.checkChallenge()
        let runner = TaskRunner(parentCacheDirectory: "")
        var rows: [CheckRow] = []
        for p in parts {
            for n in p.all {
                let info = sectorInfo(n), post = miner.windowPoStProof.id, r = rand
                let bad = try await offPool(work) { runner.check(info, postProof: post, randomness: r, slow: slow) }
                rows.append(CheckRow(deadline: index, partition: p.index, sector: n, bad: bad))
            }
        }
        return rows
    }

    /// `proving compute windowed-post`: proves the deadline now, sends nothing.
    func compute(deadline index: Int) async throws -> NodeJSON {
        guard (0..<48).contains(index) else { throw RPCError.invalidParams("deadline \(index) does not exist: deadlines are 0-47") }
        let clock = ContinuousClock(), t0 = clock.now
        let parts = try await partitions(index).filter { !$0.provable.isEmpty }
        guard !parts.isEmpty else { return ["Took": .number(0), "Result": .array([])] }
        let rand = try await randomness(index, latestDrawn: true)
        let sectors = parts.flatMap(\.provable).map(sectorInfo)
        let (r, where_) = try await generate(PoStTaskParams(postProof: miner.windowPoStProof.id, randomness: rand, proverID: miner.proverID, sectors: sectors), winning: false)
        return ["Took": .number(seconds(clock.now - t0)), "On": .string(where_),
                "Result": .array([["Deadline": .number(Double(index)),
                                   "Partitions": .array(parts.map { p in ["Index": .number(Double(p.index)),
                                                                          "Skipped": .array(r.Faults.filter { p.provable.contains($0.Sector) }.map { .number(Double($0.Sector)) })] }),
                                   "Proofs": .array([["PoStProof": .number(Double(miner.windowPoStProof.id)), "ProofBytes": .string(r.Proof.base64EncodedString())]]),
                                   "Faults": .array(r.Faults.map { ["Sector": .number(Double($0.Sector)), "Reason": .string($0.Reason)] })]])]
    }

    // MARK: WinningPoSt

    func mine(head: Int64) async throws {
        let from = state.withLock { $0.lastWinningEpoch < 0 ? head : $0.lastWinningEpoch + 1 }
        guard from <= head else { return }
        for epoch in max(from, head - 1)...head {
            state.withLock { $0.lastWinningEpoch = epoch }
            let base = try await chain.call("Spnode.MiningBaseInfo", [.string(miner.address), .number(Double(epoch))])
            guard base["Elected"]?.bool == true, let rb = base["Randomness"]?.string, let rand = Data(base64Encoded: rb) else { continue }
            // The chain draws the winning sector among its active sectors: faulty ones are not eligible.
            let faulty = Set(bitFieldNumbers(try await chain.call("Filecoin.StateMinerFaults", [.string(miner.address), .null])))
            let active = try store.sectors().filter { $0.state == .proving && !faulty.contains($0.number) }.map(\.number)
            var eligible: [PoStSectorInfo] = []
            for n in active {
                let info = try await chain.call("Filecoin.StateSectorGetInfo", [.string(miner.address), .number(Double(n)), .null])
                if let a = info["Activation"]?.double, a >= 0 { eligible.append(sectorInfo(n)) }
            }
            guard !eligible.isEmpty else { continue }
            let clock = ContinuousClock(), t0 = clock.now
            do {
                let (r, where_) = try await generate(PoStTaskParams(postProof: miner.winningPoStProof.id, randomness: [UInt8](rand), proverID: miner.proverID,
                                                                   sectors: eligible), winning: true)
                let b = try await chain.call("Spnode.SubmitBlock", [.string(miner.address), .number(Double(epoch)), .string(r.Proof.base64EncodedString())])
                let took = seconds(clock.now - t0)
                if took > 30 { logger.warning("block production took longer than the block delay", metadata: ["seconds": "\(took)"]) }
                logger.info("mined a block", metadata: ["epoch": "\(epoch)", "cid": "\(b["Cid"]?["/"]?.string ?? "")", "sector": "\(b["Sector"]?.jsonString ?? "")",
                                                        "seconds": "\(String(format: "%.3f", took))", "on": "\(where_)"])
                record(["Block": .number(Double(epoch)), "Seconds": .number(took), "Cid": b["Cid"] ?? .null])
            } catch {
                logger.warning("WinningPoSt failed: \(error)", metadata: ["epoch": "\(epoch)"])
                record(["Block": .number(Double(epoch)), "Error": .string("\(error)")])
            }
        }
    }
}
