import Foundation
import Kernels

/// Runs sealing and proving tasks on this machine's files with the Kernels (real SDR, trees,
/// vanilla proofs). Stateless apart from the parent-cache directory; the worker process and
/// the miner's local PoSt path both use it.
///
/// Commit 2 is where Lotus turns the Commit 1 vanilla proof into a Groth16 SNARK with
/// Filecoin's downloaded parameters; those are not available here, so C2 re-verifies the
/// vanilla proof and passes it on, and the devnet verifies that vanilla proof (its result
/// says so in `Note`).
public struct TaskRunner: Sendable {
    public var parentCacheDirectory: String
    public var threads: Int

    public init(parentCacheDirectory: String, threads: Int = Parallel.processorCount) {
        self.parentCacheDirectory = parentCacheDirectory
        self.threads = threads
    }

    public static let commit2Note = "Groth16 parameters for this proof type are not available here: C2 re-verified the Commit 1 vanilla proof and passes it on; the devnet verifies the vanilla proof"

    public func run(_ task: TaskType, _ p: SealTaskParams, log: @escaping @Sendable (String) -> Void = { _ in }) throws -> SealTaskResult {
        let proof = try RegisteredSealProof(id: p.Sector.ProofType)
        let cache = SectorCache(directory: p.Paths.Cache)
        let clock = ContinuousClock()
        var out = SealTaskResult()
        let start = clock.now
        defer { out.Timings[task.short] = seconds(clock.now - start) }
        switch task {
        case .addPiece:
            // A committed-capacity sector: the unsealed file is the Fr32-padded all-zero sector.
            try makeParent(p.Paths.Unsealed)
            _ = try Sealer.writeUnsealed(pieces: [], proof: proof, to: p.Paths.Unsealed, threads: threads)
            out.CommD = try CommD.compute(sectorSize: proof.sectorSize, pieces: []).hex
        case .preCommit1:
            guard let ticket = p.Ticket, ticket.count == 32 else { throw CallError(code: CallError.unknown, message: "PC1 needs a 32-byte ticket") }
            try makeDirectory(p.Paths.Cache)
            let commD = try TreeD.build(paddedFile: p.Paths.Unsealed, treeFile: cache.treeD, threads: threads)
            let rid = SealIDs.replicaID(proverID: [UInt8](p.ProverID), sectorNumber: p.Sector.ID.Number, ticket: [UInt8](ticket),
                                        commD: commD.bytes, porepID: proof.porepID)
            let parents = try MappedParentCache(graph: try SDRGraph(proof: proof), directory: parentCacheDirectory, threads: threads, log: log)
            let r = try PreCommit1.run(proof: proof, replicaIDs: [rid], caches: [cache], parents: parents) { l, s in
                log("pc1 sector \(p.Sector.ID.Number): layer \(l) in \(String(format: "%.2f", s)) s")
            }
            out.CommD = commD.hex
            out.ReplicaID = Data(rid)
            out.Note = "labeled layers \(r.layersLabeled), resumed after layer \(r.layersResumed)"
        case .preCommit2:
            guard let d = p.CommD, let rid = p.ReplicaID else { throw CallError(code: CallError.unknown, message: "PC2 needs CommD and ReplicaID from PC1") }
            try makeParent(p.Paths.Sealed)
            var timings: [PhaseTiming] = []
            let c = try PreCommit2.run(proof: proof, cache: cache, unsealedPadded: p.Paths.Unsealed, sealed: p.Paths.Sealed,
                                       commD: try Commitment(hex: d), replicaID: [UInt8](rid), threads: threads, timings: &timings, log: log)
            out.CommD = c.commD.hex
            out.CommR = c.commR.hex
            for t in timings { out.Timings[t.name] = t.seconds }
        case .commit1:
            let pub = try publicInputs(p, proof)
            let vanilla = try Commit1.prove(public: pub, sealed: p.Paths.Sealed, cache: cache)
            out.Proof = Data(ProofFile.porep(vanilla, proverID: [UInt8](p.ProverID)).encoded)
        case .commit2:
            guard let c1 = p.Commit1Out else { throw CallError(code: CallError.unknown, message: "C2 needs the Commit 1 output") }
            guard case .porep(let vanilla, _) = try ProofFile(encoded: [UInt8](c1)) else {
                throw CallError(code: CallError.unknown, message: "the Commit 1 output is not a PoRep proof file")
            }
            let verdict = Commit1.verify(vanilla, public: try publicInputs(p, proof))
            guard verdict.valid else { throw CallError(code: CallError.unknown, message: "the Commit 1 proof does not verify: \(verdict)") }
            out.Proof = c1
            out.Note = Self.commit2Note
        case .finalize:
            out.Paths = try finalize(p, proof)
        default:
            throw CallError(code: CallError.unknown, message: "task \(task.short) is not a sealing task this worker runs")
        }
        return out
    }

    private func publicInputs(_ p: SealTaskParams, _ proof: RegisteredSealProof) throws -> PoRepPublic {
        guard let t = p.Ticket, let s = p.Seed, let d = p.CommD, let r = p.CommR else {
            throw CallError(code: CallError.unknown, message: "Commit needs Ticket, Seed, CommD and CommR")
        }
        return PoRepPublic(sealProof: proof, proverID: [UInt8](p.ProverID), sectorNumber: p.Sector.ID.Number, ticket: [UInt8](t),
                           seed: [UInt8](s), commD: try Commitment(hex: d), commR: try Fr(hex: r))
    }

    /// FinalizeSector: drops what proving does not need (the layers, tree_c, tree_d, the
    /// unsealed copy of a CC sector) and moves the sealed file and the cache to the final path.
    private func finalize(_ p: SealTaskParams, _ proof: RegisteredSealProof) throws -> SectorPaths {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: p.Paths.Cache)) ?? []
        guard fm.fileExists(atPath: p.Paths.Sealed) else {
            throw CallError(code: CallError.unknown, message: "finalize: the sealed file \(p.Paths.Sealed) is missing")
        }
        for n in names where n.hasPrefix("sc-02-data-layer-") || n.hasPrefix("sc-02-data-tree-c") || n.hasPrefix("sc-02-data-tree-d") || n.hasSuffix(".tmp") {
            try? fm.removeItem(atPath: p.Paths.Cache + "/" + n)
        }
        try? fm.removeItem(atPath: p.Paths.Unsealed)
        guard let dest = p.FinalPaths, dest.Sealed != p.Paths.Sealed else { return SectorPaths(unsealed: "", sealed: p.Paths.Sealed, cache: p.Paths.Cache) }
        try makeParent(dest.Sealed)
        try makeParent(dest.Cache)
        try? fm.removeItem(atPath: dest.Cache)
        try? fm.removeItem(atPath: dest.Sealed)
        try moveItem(p.Paths.Cache, dest.Cache)
        try moveItem(p.Paths.Sealed, dest.Sealed)
        return SectorPaths(unsealed: "", sealed: dest.Sealed, cache: dest.Cache)
    }

    /// rename(2), or copy then delete across file systems.
    private func moveItem(_ from: String, _ to: String) throws {
        if rename(from, to) == 0 { return }
        let fm = FileManager.default
        try fm.copyItem(atPath: from, toPath: to + ".moving")
        guard rename(to + ".moving", to) == 0 else { throw CallError(code: CallError.unknown, message: "finalize: cannot move into \(to): \(String(cString: strerror(errno)))") }
        try fm.removeItem(atPath: from)
    }

    // MARK: PoSt

    func sealed(_ s: PoStSectorInfo) throws -> SealedSector {
        SealedSector(number: s.Number, sealProof: try RegisteredSealProof(id: s.SealProof), sealed: s.Sealed,
                     cache: SectorCache(directory: s.Cache), commR: try Fr(hex: s.CommR))
    }

    /// WindowPoSt over the given sectors: bad sectors are skipped and reported as faults.
    public func windowPoSt(_ p: PoStTaskParams) throws -> PoStTaskResult {
        let clock = ContinuousClock(), start = clock.now
        let post = try RegisteredPoStProof(id: p.PoStProof)
        let proof = try PoStProof.proveWindow(sectors: try p.Sectors.map(sealed), postProof: post, randomness: [UInt8](p.Randomness),
                                              proverID: [UInt8](p.ProverID))
        return PoStTaskResult(Proof: Data(ProofFile.post(proof).encoded), Faults: proof.faults.map { PoStFault(Sector: $0.sectorNumber, Reason: $0.reason) },
                              Seconds: seconds(clock.now - start))
    }

    public func winningPoSt(_ p: PoStTaskParams) throws -> PoStTaskResult {
        let clock = ContinuousClock(), start = clock.now
        let post = try RegisteredPoStProof(id: p.PoStProof)
        let proof = try PoStProof.proveWinning(eligible: try p.Sectors.map(sealed), postProof: post, randomness: [UInt8](p.Randomness),
                                               proverID: [UInt8](p.ProverID))
        return PoStTaskResult(Proof: Data(ProofFile.post(proof).encoded), Faults: [], Seconds: seconds(clock.now - start))
    }

    /// `CheckProvable`: nil for a good sector, else why it is bad.
    public func check(_ s: PoStSectorInfo, postProof: Int, randomness: [UInt8], slow: Bool) -> String? {
        do {
            let post = try RegisteredPoStProof(id: postProof)
            let sector = try sealed(s)
            guard FileManager.default.fileExists(atPath: s.Sealed) else {
                return "reading sealed file: no such file or directory"
            }
            return PoSt.check(sector: sector, proof: post, randomness: randomness, samples: slow ? 10 : 1)
        } catch {
            return "\(error)"
        }
    }
}

/// Runs `body` on `queue` and awaits it: CPU-bound kernels must not hold the cooperative
/// pool that the RPC server and clients need.
func offPool<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in queue.async { c.resume(with: Result { try body() }) } }
}

func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}

func makeDirectory(_ path: String) throws {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
}

func makeParent(_ path: String) throws {
    try makeDirectory((path as NSString).deletingLastPathComponent)
}
