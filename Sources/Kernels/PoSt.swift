import CKernels
import Glibc

public enum PoStError: Error, Equatable, CustomStringConvertible {
    case unknownProof(String)
    case noSectors
    case notCanonical(what: String, hex: String)
    case decode(String)
    case sectorSizeMismatch(sector: UInt64, seal: UInt64, post: UInt64)

    public var description: String {
        switch self {
        case .unknownProof(let w): "unknown registered PoSt proof \(w): ids 0-4 winning, 5-9 window V1, 10-14 window V1_1 (api 1.2.0)"
        case .noSectors: "no sectors to prove: the proving set is empty"
        case .notCanonical(let w, let h): "\(w) \(h) is not a canonical field element (clear the top two bits, as Lotus does)"
        case .decode(let why): "vanilla proof does not decode: \(why)"
        case .sectorSizeMismatch(let s, let a, let b): "sector \(s) is a \(a)-byte sector but the PoSt proof type is for \(b)-byte sectors"
        }
    }
}

/// A sealed sector as the prover sees it: the replica, its cache directory and comm_r.
public struct SealedSector: Sendable {
    public var number: UInt64
    public var sealProof: RegisteredSealProof
    public var sealed: String
    public var cache: SectorCache
    public var commR: Fr

    public init(number: UInt64, sealProof: RegisteredSealProof, sealed: String, cache: SectorCache, commR: Fr) {
        self.number = number
        self.sealProof = sealProof
        self.sealed = sealed
        self.cache = cache
        self.commR = commR
    }

    func treeRLast() throws -> PoseidonTreeFiles {
        let n = sealProof.nodes, shape = sealProof.treeShape
        let levels = try shape.baseLevels(leafCount: n)
        return try PoseidonTreeFiles(directory: cache.directory, name: "tree-r-last", shape: shape, leafCount: n,
                                     storage: .levelCache(rowsToDiscard: TreeShape.rowsToDiscard(baseLevels: levels)))
    }

    /// comm_c and comm_r_last from `p_aux`.
    func pAux() throws -> (commC: Fr, commRLast: Fr) {
        guard fileSize(cache.pAux) == 64 else { throw SectorFaultReason.pAux("\(cache.pAux) is missing or not 64 bytes") }
        let f = try PositionalFile(readingAt: cache.pAux)
        var b = [UInt8](repeating: 0, count: 64)
        try b.withUnsafeMutableBytes { try f.read(into: $0, at: 0) }
        do {
            return (try Fr(bytes: b[0..<32]), try Fr(bytes: b[32..<64]))
        } catch {
            throw SectorFaultReason.pAux("\(cache.pAux) holds a non-canonical commitment")
        }
    }
}

/// Why a sector cannot be proven (Lotus declares it faulty and proves the rest).
public enum SectorFaultReason: Error, Equatable, CustomStringConvertible {
    case sealedFile(String)
    case pAux(String)
    case commRMismatch(expected: String, fromPAux: String)
    case treeRLast(String)
    case proofInvalid(String)

    public var description: String {
        switch self {
        case .sealedFile(let w): "sealed file: \(w)"
        case .pAux(let w): "p_aux: \(w)"
        case .commRMismatch(let e, let g): "comm_r on chain is \(e) but H(comm_c, comm_r_last) from p_aux is \(g)"
        case .treeRLast(let w): "tree_r_last: \(w)"
        case .proofInvalid(let w): "the generated proof does not verify: \(w)"
        }
    }
}

public struct SectorFault: Sendable, Equatable {
    public var sectorNumber: UInt64
    public var reason: String
    public init(sectorNumber: UInt64, reason: String) {
        self.sectorNumber = sectorNumber
        self.reason = reason
    }
}

/// rust-fil-proofs' `FallbackPoStSectorProof` for one sector, with its bincode form
/// (porep-post.md §9.3): LE64 sector_id | comm_r | LE64 1 | (LE64 C | C × MerkleProof |
/// comm_c | comm_r_last).
public struct PoStSectorProof: Sendable, Equatable {
    public var sectorNumber: UInt64
    public var commR: Fr
    public var inclusionProofs: [PoseidonMerkleProof]
    public var commC: Fr
    public var commRLast: Fr

    public init(sectorNumber: UInt64, commR: Fr, inclusionProofs: [PoseidonMerkleProof], commC: Fr, commRLast: Fr) {
        self.sectorNumber = sectorNumber
        self.commR = commR
        self.inclusionProofs = inclusionProofs
        self.commC = commC
        self.commRLast = commRLast
    }

    public var encoded: [UInt8] {
        var out = le64Bytes(sectorNumber) + commR.bytes + le64Bytes(1) + le64Bytes(UInt64(inclusionProofs.count))
        for p in inclusionProofs { out += p.encoded }
        return out + commC.bytes + commRLast.bytes
    }

    /// Decodes exactly `bytes` (trailing bytes are an error).
    public init(encoded bytes: [UInt8]) throws(PoStError) {
        var used = 0
        try self.init(encoded: bytes, from: 0, consumed: &used)
        guard used == bytes.count else { throw .decode("\(bytes.count - used) trailing bytes after the proof") }
    }

    public init(encoded b: [UInt8], from start: Int, consumed: inout Int) throws(PoStError) {
        var r = ProofReader(b, at: start)
        sectorNumber = try r.u64()
        commR = try r.fr("comm_r")
        let sectors = try r.u64()
        guard sectors == 1 else { throw .decode("\(sectors) sector proofs in one sector's proof (expected 1)") }
        let count = try r.count("inclusion proof", max: 4096)
        var proofs: [PoseidonMerkleProof] = []
        for i in 0..<count { proofs.append(try r.merkle("inclusion proof \(i)")) }
        inclusionProofs = proofs
        commC = try r.fr("comm_c")
        commRLast = try r.fr("comm_r_last")
        consumed = r.pos - start
    }
}

/// The outcome of a verification: accepted, or the first reason it was rejected.
public struct ProofVerdict: Sendable, Equatable, CustomStringConvertible {
    public var valid: Bool
    public var reason: String?
    public static let accepted = ProofVerdict(valid: true, reason: nil)
    public static func rejected(_ why: String) -> ProofVerdict { ProofVerdict(valid: false, reason: why) }
    public var description: String { valid ? "valid" : "invalid: \(reason ?? "")" }
}

/// Fallback PoSt (WinningPoSt and WindowPoSt) vanilla proofs: proving and verifying.
public enum PoSt {
    /// Proves one sector at `position` of the proof's sector list: opens its challenged
    /// leaves of tree_r_last, read from the replica (random reads) and the level cache.
    public static func prove(sector s: SealedSector, proof: RegisteredPoStProof, randomness: [UInt8], position: Int) throws -> PoStSectorProof {
        try checkCanonical(randomness, "randomness")
        return try prove(sector: s, proof: proof,
                         leaves: PoStChallenges.leaves(proof: proof, randomness: randomness, sectorNumber: s.number, position: position))
    }

    /// The files' checks and inclusion proofs of the given leaves.
    static func prove(sector s: SealedSector, proof: RegisteredPoStProof, leaves: [UInt64]) throws -> PoStSectorProof {
        guard s.sealProof.sectorSize == proof.sectorSize else {
            throw PoStError.sectorSizeMismatch(sector: s.number, seal: s.sealProof.sectorSize, post: proof.sectorSize)
        }
        let size = fileSize(s.sealed)
        guard let size else { throw SectorFaultReason.sealedFile("\(s.sealed) is missing") }
        guard size == proof.sectorSize else { throw SectorFaultReason.sealedFile("\(s.sealed) is \(size) bytes, expected \(proof.sectorSize)") }
        let (commC, commRLast) = try s.pAux()
        let h = Poseidon.merkleHash([commC, commRLast])
        guard h == s.commR else { throw SectorFaultReason.commRMismatch(expected: s.commR.hex, fromPAux: h.hex) }
        let tree: PoseidonTreeFiles
        do { tree = try s.treeRLast() } catch { throw SectorFaultReason.treeRLast("\(error)") }
        let proofs: [PoseidonMerkleProof]
        do { proofs = try tree.proofs(leaves: leaves, leafFile: s.sealed) } catch { throw SectorFaultReason.treeRLast("\(error)") }
        if let p = proofs.first, p.root != commRLast {
            throw SectorFaultReason.treeRLast("root \(p.root.hex) of the tree files is not comm_r_last \(commRLast.hex) from p_aux")
        }
        return PoStSectorProof(sectorNumber: s.number, commR: s.commR, inclusionProofs: proofs, commC: commC, commRLast: commRLast)
    }

    static func checkCanonical(_ b: [UInt8], _ what: String) throws(PoStError) {
        guard b.count == 32, (try? Fr(bytes: b[...])) != nil else { throw .notCanonical(what: what, hex: Hex.encode(b)) }
    }

    /// Everything a verifier checks (§9.4): sector id, comm_r = H2(comm_c, comm_r_last),
    /// the challenge count, each path's shape, root and leaf index.
    public static func verify(_ p: PoStSectorProof, proof: RegisteredPoStProof, randomness: [UInt8], sectorNumber: UInt64,
                              commR: Fr, position: Int) -> ProofVerdict {
        guard (try? checkCanonical(randomness, "randomness")) != nil else { return .rejected("randomness is not a canonical field element") }
        guard p.sectorNumber == sectorNumber else { return .rejected("proof is for sector \(p.sectorNumber), not \(sectorNumber)") }
        guard p.commR == commR else { return .rejected("proof carries comm_r \(p.commR.hex), expected \(commR.hex)") }
        guard Poseidon.merkleHash([p.commC, p.commRLast]) == commR else { return .rejected("H(comm_c, comm_r_last) is not comm_r") }
        let leaves = PoStChallenges.leaves(proof: proof, randomness: randomness, sectorNumber: sectorNumber, position: position)
        guard p.inclusionProofs.count == leaves.count else {
            return .rejected("\(p.inclusionProofs.count) inclusion proofs, expected \(leaves.count)")
        }
        let shape = proof.shape
        guard let levels = try? shape.baseLevels(leafCount: Int(proof.nodes)) else { return .rejected("no tree shape for \(proof.sectorSize)") }
        for (i, (ip, leaf)) in zip(p.inclusionProofs, leaves).enumerated() {
            guard ip.verify(root: p.commRLast, shape: shape, baseLevels: levels, leafIndex: leaf) else {
                return .rejected("inclusion proof \(i) (challenged leaf \(leaf)) does not verify against comm_r_last")
            }
        }
        return .accepted
    }

    /// Decodes and verifies; a decoding failure is a rejection, not an error.
    public static func verify(encoded: [UInt8], proof: RegisteredPoStProof, randomness: [UInt8], sectorNumber: UInt64,
                              commR: Fr, position: Int) -> ProofVerdict {
        do {
            let p = try PoStSectorProof(encoded: encoded)
            return verify(p, proof: proof, randomness: randomness, sectorNumber: sectorNumber, commR: commR, position: position)
        } catch {
            return .rejected("\(error)")
        }
    }

    /// Checks a sector before proving (§9.5, Lotus' `CheckProvable`): the replica and cache
    /// files, comm_r against p_aux, and `samples` challenged leaves proven and verified.
    /// nil when the sector is provable.
    public static func check(sector s: SealedSector, proof: RegisteredPoStProof, randomness: [UInt8], samples: Int = 1) -> String? {
        do {
            try checkCanonical(randomness, "randomness")
            let leaves = PoStChallenges.leaves(randomness: randomness, sectorNumber: s.number, firstIndex: 0, count: max(1, samples), nodes: proof.nodes)
            let p = try prove(sector: s, proof: proof, leaves: leaves)
            let levels = try proof.shape.baseLevels(leafCount: Int(proof.nodes))
            for (ip, leaf) in zip(p.inclusionProofs, leaves) where !ip.verify(root: p.commRLast, shape: proof.shape, baseLevels: levels, leafIndex: leaf) {
                return SectorFaultReason.proofInvalid("leaf \(leaf)").description
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}

/// A WindowPoSt over a proving set (sectors in ascending number, faulty ones reported and
/// skipped, the rest split into partitions), or a WinningPoSt (one partition, one sector).
public struct PoStProof: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var position: Int
        public var proof: PoStSectorProof
        public init(position: Int, proof: PoStSectorProof) {
            self.position = position
            self.proof = proof
        }
    }
    public var postProof: RegisteredPoStProof
    public var randomness: [UInt8]
    public var proverID: [UInt8]
    public var partitions: [[Entry]]
    public var faults: [SectorFault]

    public init(postProof: RegisteredPoStProof, randomness: [UInt8], proverID: [UInt8], partitions: [[Entry]], faults: [SectorFault]) {
        self.postProof = postProof
        self.randomness = randomness
        self.proverID = proverID
        self.partitions = partitions
        self.faults = faults
    }

    /// Proves every sector it can; for api 1.0.0 (positional challenges) the positions are
    /// those in the list without the faulty sectors, as the re-proving Lotus does gives.
    /// Sectors proven at once: the work is random reads, so more than the cores.
    public static let defaultReadThreads = 16

    public static func proveWindow(sectors: [SealedSector], postProof: RegisteredPoStProof, randomness: [UInt8], proverID: [UInt8],
                                   threads: Int = defaultReadThreads, progress: ((Int, Int) -> Void)? = nil) throws -> PoStProof {
        guard postProof.kind == .window else { throw PoStError.unknownProof("\(postProof.name) is not a WindowPoSt type") }
        try PoSt.checkCanonical(randomness, "randomness")
        try PoSt.checkCanonical(proverID, "prover_id")
        guard !sectors.isEmpty else { throw PoStError.noSectors }
        var live = sectors.sorted { $0.number < $1.number }
        var faults: [SectorFault] = []
        var outcomes: [Outcome] = []
        while true {
            outcomes = proveAll(live, postProof: postProof, randomness: randomness, threads: threads, progress: progress)
            var next: [SealedSector] = []
            for (s, r) in zip(live, outcomes) {
                if case .failure(let reason) = r { faults.append(SectorFault(sectorNumber: s.number, reason: reason)) } else { next.append(s) }
            }
            let newFaults = live.count - next.count
            live = next
            // Positions only matter for api 1.0.0: there the survivors are proven again.
            if newFaults == 0 || postProof.apiVersion == "1.2.0" || live.isEmpty { break }
        }
        let good = outcomes.compactMap { r -> PoStSectorProof? in
            if case .success(let p) = r { return p }
            return nil
        }
        let entries = good.enumerated().map { Entry(position: $0, proof: $1) }
        let per = postProof.sectorsPerPartition
        let partitions = stride(from: 0, to: entries.count, by: per).map { Array(entries[$0..<min($0 + per, entries.count)]) }
        return PoStProof(postProof: postProof, randomness: randomness, proverID: proverID, partitions: partitions,
                               faults: faults.sorted { $0.sectorNumber < $1.sectorNumber })
    }

    /// The eligible sectors' index chosen by the randomness (§9.1), in ascending sector order.
    public static func winningSector(eligible: [SealedSector], proverID: [UInt8], randomness: [UInt8]) throws -> SealedSector {
        let sorted = eligible.sorted { $0.number < $1.number }
        let i = try PoStChallenges.winningSectors(proverID: proverID, randomness: randomness, setSize: sorted.count)[0]
        return sorted[i]
    }

    /// WinningPoSt: the chosen sector's 66 challenged leaves. A faulty chosen sector is an
    /// error (a block cannot be won with it).
    public static func proveWinning(eligible: [SealedSector], postProof: RegisteredPoStProof, randomness: [UInt8],
                                    proverID: [UInt8]) throws -> PoStProof {
        guard postProof.kind == .winning else { throw PoStError.unknownProof("\(postProof.name) is not a WinningPoSt type") }
        try PoSt.checkCanonical(randomness, "randomness")
        try PoSt.checkCanonical(proverID, "prover_id")
        let s = try winningSector(eligible: eligible, proverID: proverID, randomness: randomness)
        let p = try PoSt.prove(sector: s, proof: postProof, randomness: randomness, position: 0)
        return PoStProof(postProof: postProof, randomness: randomness, proverID: proverID, partitions: [[Entry(position: 0, proof: p)]], faults: [])
    }

    enum Outcome {
        case success(PoStSectorProof)
        case failure(String)
    }

    private static func proveAll(_ live: [SealedSector], postProof: RegisteredPoStProof, randomness: [UInt8], threads: Int,
                                 progress: ((Int, Int) -> Void)?) -> [Outcome] {
        let results = ResultSlots<Outcome>(count: live.count)
        let lock = MutexLite()
        var done = 0
        Parallel.io(live.count, threads: threads) { i in
            let s = live[i]
            let r: Outcome
            do {
                let p = try PoSt.prove(sector: s, proof: postProof, randomness: randomness, position: i)
                let v = PoSt.verify(p, proof: postProof, randomness: randomness, sectorNumber: s.number, commR: s.commR, position: i)
                r = v.valid ? .success(p) : .failure(SectorFaultReason.proofInvalid(v.reason ?? "").description)
            } catch {
                r = .failure("\(error)")
            }
            results.set(i, r)
            lock.with {
                done += 1
                progress?(done, live.count)
            }
        }
        return results.values.map { $0 ?? .failure("not proven") }
    }

    /// Verifies every sector entry against the chain's view of the sectors (number → comm_r);
    /// for WinningPoSt also that the proven sector is the one the randomness chose.
    public func verify(commRs: [UInt64: Fr]) -> ProofVerdict {
        guard !partitions.isEmpty else { return .rejected("no sector was proven") }
        guard (try? PoSt.checkCanonical(proverID, "prover_id")) != nil else { return .rejected("prover_id is not a canonical field element") }
        // Positions are the entries' order across partitions, and sectors ascend.
        let all = partitions.flatMap { $0 }
        for (i, e) in all.enumerated() {
            guard e.position == i else { return .rejected("entry \(i) claims position \(e.position)") }
            if i > 0, all[i - 1].proof.sectorNumber >= e.proof.sectorNumber { return .rejected("sectors are not in ascending order at entry \(i)") }
        }
        guard partitions.dropLast().allSatisfy({ $0.count == postProof.sectorsPerPartition }), partitions.allSatisfy({ !$0.isEmpty }) else {
            return .rejected("only the last partition may hold fewer than \(postProof.sectorsPerPartition) sectors")
        }
        if postProof.kind == .winning {
            guard partitions.count == 1, partitions[0].count == 1 else { return .rejected("a WinningPoSt proves exactly one sector") }
            let sorted = commRs.keys.sorted()
            guard let i = try? PoStChallenges.winningSectors(proverID: proverID, randomness: randomness, setSize: sorted.count)[0],
                  sorted[i] == partitions[0][0].proof.sectorNumber
            else { return .rejected("sector \(partitions[0][0].proof.sectorNumber) is not the one the randomness selects") }
        }
        for part in partitions {
            guard part.count <= postProof.sectorsPerPartition else { return .rejected("partition holds \(part.count) sectors, at most \(postProof.sectorsPerPartition)") }
            for e in part {
                guard let c = commRs[e.proof.sectorNumber] else { return .rejected("sector \(e.proof.sectorNumber) is not in the proving set") }
                let v = PoSt.verify(e.proof, proof: postProof, randomness: randomness, sectorNumber: e.proof.sectorNumber, commR: c, position: e.position)
                if !v.valid { return .rejected("sector \(e.proof.sectorNumber): \(v.reason ?? "")") }
            }
        }
        return .accepted
    }
}

/// Fixed-size result slots written from several threads (each slot by one thread).
final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = MutexLite()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { lock.with { slots[i] = v } }
    var values: [T?] { lock.with { slots } }
}

/// A pthread mutex (Kernels has no Foundation).
final class MutexLite: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    deinit { pthread_mutex_destroy(&m) }
    func with<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&m)
        defer { pthread_mutex_unlock(&m) }
        return try body()
    }
}
