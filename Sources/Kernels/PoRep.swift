import CKernels
import Glibc

/// One column of tree_c: the labels of node `node` in layers 1..L, with its inclusion proof.
public struct ColumnProof: Sendable, Equatable {
    public var labels: [Fr]
    public var proof: PoseidonMerkleProof
}

/// The Commit-1 vanilla proof of one challenge (porep-post.md §8.4).
///
/// Binary form (all integers little-endian), documented in the README:
/// `LE64 challenge | tree_d: leaf[32] | LE64 n | n × sibling[32] | LE64 15 | 15 × column |
/// tree_r_last MerkleProof (bincode)`, where a column is `LE64 L | L × label[32] | tree_c
/// MerkleProof (bincode)`, in the order: the challenged node, its 6 DRG parents, its 8
/// expander parents (parent-cache order).
public struct ChallengeProof: Sendable, Equatable {
    public var challenge: UInt64
    public var commDProof: TreeDProof
    public var columns: [ColumnProof]
    public var replicaProof: PoseidonMerkleProof

    public var encoded: [UInt8] {
        var out = le64Bytes(challenge) + commDProof.leaf.bytes + le64Bytes(UInt64(commDProof.siblings.count))
        for s in commDProof.siblings { out += s.bytes }
        out += le64Bytes(UInt64(columns.count))
        for c in columns {
            out += le64Bytes(UInt64(c.labels.count))
            for l in c.labels { out += l.bytes }
            out += c.proof.encoded
        }
        return out + replicaProof.encoded
    }

    /// Decodes one challenge proof starting at `start`; `commD` is the root the tree_d path
    /// is checked against later (the binary form does not repeat it).
    public init(encoded b: [UInt8], from start: Int, consumed: inout Int, commD: Commitment) throws(PoStError) {
        var r = ProofReader(b, at: start)
        challenge = try r.u64()
        let leaf = Commitment(bytes: Array(try r.take(32)))
        let n = try r.count("tree_d sibling", max: 63)
        var sib: [Commitment] = []
        for _ in 0..<n { sib.append(Commitment(bytes: Array(try r.take(32)))) }
        commDProof = TreeDProof(leafIndex: challenge, leaf: leaf, siblings: sib, root: commD)
        var cs: [ColumnProof] = []
        for i in 0..<(try r.count("column", max: 15)) {
            var labels: [Fr] = []
            for _ in 0..<(try r.count("column label", max: 16)) { labels.append(try r.fr("column label")) }
            cs.append(ColumnProof(labels: labels, proof: try r.merkle("column \(i)")))
        }
        columns = cs
        replicaProof = try r.merkle("tree_r_last proof")
        consumed = r.pos - start
    }

    init(challenge: UInt64, commDProof: TreeDProof, columns: [ColumnProof], replicaProof: PoseidonMerkleProof) {
        self.challenge = challenge
        self.commDProof = commDProof
        self.columns = columns
        self.replicaProof = replicaProof
    }
}

/// A sector's Commit-1 output: the public values and, per partition, the challenge proofs.
public struct PoRepProof: Sendable, Equatable {
    public var sealProof: RegisteredSealProof
    public var sectorNumber: UInt64
    public var replicaID: [UInt8]
    public var ticket: [UInt8]
    public var seed: [UInt8]
    public var commD: Commitment
    public var commC: Fr
    public var commRLast: Fr
    public var commR: Fr
    public var partitions: [[ChallengeProof]]

    public init(sealProof: RegisteredSealProof, sectorNumber: UInt64, replicaID: [UInt8], ticket: [UInt8], seed: [UInt8], commD: Commitment,
                commC: Fr, commRLast: Fr, commR: Fr, partitions: [[ChallengeProof]]) {
        self.sealProof = sealProof
        self.sectorNumber = sectorNumber
        self.replicaID = replicaID
        self.ticket = ticket
        self.seed = seed
        self.commD = commD
        self.commC = commC
        self.commRLast = commRLast
        self.commR = commR
        self.partitions = partitions
    }
}

/// The public values a PoRep verifier starts from (what the chain knows).
public struct PoRepPublic: Sendable, Equatable {
    public var sealProof: RegisteredSealProof
    public var proverID: [UInt8]
    public var sectorNumber: UInt64
    public var ticket: [UInt8]
    public var seed: [UInt8]
    public var commD: Commitment
    public var commR: Fr

    public init(sealProof: RegisteredSealProof, proverID: [UInt8], sectorNumber: UInt64, ticket: [UInt8], seed: [UInt8],
                commD: Commitment, commR: Fr) {
        self.sealProof = sealProof
        self.proverID = proverID
        self.sectorNumber = sectorNumber
        self.ticket = ticket
        self.seed = seed
        self.commD = commD
        self.commR = commR
    }
}

/// PoRep Commit 1: vanilla proofs of a sealed sector, and their verifier.
public enum Commit1 {
    /// Proves every challenge of every partition from the cache directory (layers, tree_d,
    /// tree_c, tree_r_last level cache) and the sealed file.
    public static func prove(public pub: PoRepPublic, sealed: String, cache: SectorCache) throws -> PoRepProof {
        let proof = pub.sealProof, n = proof.nodes, L = proof.layers, shape = proof.treeShape
        let replicaID = SealIDs.replicaID(proverID: pub.proverID, sectorNumber: pub.sectorNumber, ticket: pub.ticket,
                                          commD: pub.commD.bytes, porepID: proof.porepID)
        let graph = try SDRGraph(proof: proof)
        let levels = try shape.baseLevels(leafCount: n)
        let treeC = try PoseidonTreeFiles(directory: cache.directory, name: "tree-c", shape: shape, leafCount: n, storage: .allRows)
        let treeR = try PoseidonTreeFiles(directory: cache.directory, name: "tree-r-last", shape: shape, leafCount: n,
                                          storage: .levelCache(rowsToDiscard: TreeShape.rowsToDiscard(baseLevels: levels)))
        let sector = SealedSector(number: pub.sectorNumber, sealProof: proof, sealed: sealed, cache: cache, commR: pub.commR)
        let (commC, commRLast) = try sector.pAux()
        guard Poseidon.merkleHash([commC, commRLast]) == pub.commR else {
            throw SectorFaultReason.commRMismatch(expected: pub.commR.hex, fromPAux: Poseidon.merkleHash([commC, commRLast]).hex)
        }
        for l in 1...L where fileSize(cache.layer(l)) != UInt64(n * 32) {
            throw SealError.layerFile(path: cache.layer(l), detail: "missing or truncated; Commit 1 needs every layer (run PreCommit 1 again)")
        }
        let layers = try (1...L).map { try PositionalFile(readingAt: cache.layer($0)) }
        func column(_ v: UInt64) throws -> ColumnProof {
            var labels: [Fr] = []
            var b = [UInt8](repeating: 0, count: 32)
            for f in layers {
                try b.withUnsafeMutableBytes { try f.read(into: $0, at: v * 32) }
                labels.append(try Fr(bytes: b[...]))
            }
            return ColumnProof(labels: labels, proof: try treeC.proof(leaf: v))
        }
        let (partitions, _) = PoRepChallenges.layout(proof)
        var out: [[ChallengeProof]] = []
        for k in 0..<partitions {
            let cs = PoRepChallenges.challenges(proof: proof, replicaID: replicaID, seed: pub.seed, commR: pub.commR.bytes, partition: k)
            out.append(try cs.map { c in
                let d = try TreeD.proof(treeFile: cache.treeD, leaf: c)
                guard d.root == pub.commD else {
                    throw SealError.layerFile(path: cache.treeD, detail: "its root \(d.root.hex) is not comm_d \(pub.commD.hex)")
                }
                let parents = graph.parents(of: Int(c)).map { UInt64($0) }
                let cols = try ([c] + parents).map(column)
                return ChallengeProof(challenge: c, commDProof: d, columns: cols, replicaProof: try treeR.proof(leaf: c, leafFile: sealed))
            })
        }
        return PoRepProof(sealProof: proof, sectorNumber: pub.sectorNumber, replicaID: replicaID, ticket: pub.ticket, seed: pub.seed,
                          commD: pub.commD, commC: commC, commRLast: commRLast, commR: pub.commR, partitions: out)
    }

    /// label[l][v] from its parents' labels (§6.1): 6 DRG parents (layer l), then for l ≥ 2
    /// the 8 expander parents (layer l − 1); the list repeats cyclically to 37 slots.
    static func label(replicaID: [UInt8], layer l: Int, node v: UInt64, parents: [Fr]) -> Fr {
        var msg = replicaID
        msg += (0..<4).map { UInt8(truncatingIfNeeded: UInt32(l) >> (8 * (3 - UInt32($0)))) }
        msg += (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * (7 - UInt64($0)))) }
        msg += [UInt8](repeating: 0, count: 20)
        if v > 0 { for i in 0..<37 { msg += parents[i % parents.count].bytes } }
        var h = SHA256.hash(msg)
        h[31] &= 0x3f
        return (try? Fr(bytes: h[...])) ?? .zero  // < 2^254 < r: always canonical
    }

    /// Recomputes everything from the public values: replica_id, the challenges, and per
    /// challenge the tree_d path to comm_d, every column's hash and tree_c path to comm_c,
    /// every layer's label, the encoding replica = key + data, the tree_r_last path, and
    /// comm_r = H(comm_c, comm_r_last).
    public static func verify(_ p: PoRepProof, public pub: PoRepPublic) -> ProofVerdict {
        let proof = pub.sealProof, n = proof.nodes, L = proof.layers, shape = proof.treeShape
        guard p.sealProof == proof else { return .rejected("proof is for \(p.sealProof.name), not \(proof.name)") }
        guard p.sectorNumber == pub.sectorNumber else { return .rejected("proof is for sector \(p.sectorNumber), not \(pub.sectorNumber)") }
        guard p.commD == pub.commD, p.commR == pub.commR, p.ticket == pub.ticket, p.seed == pub.seed else {
            return .rejected("comm_d, comm_r, ticket or seed differ from the public values")
        }
        let rid = SealIDs.replicaID(proverID: pub.proverID, sectorNumber: pub.sectorNumber, ticket: pub.ticket,
                                    commD: pub.commD.bytes, porepID: proof.porepID)
        guard p.replicaID == rid else { return .rejected("replica_id is not the one of (prover, sector, ticket, comm_d, porep_id)") }
        guard Poseidon.merkleHash([p.commC, p.commRLast]) == pub.commR else { return .rejected("H(comm_c, comm_r_last) is not comm_r") }
        guard let graph = try? SDRGraph(proof: proof), let levels = try? shape.baseLevels(leafCount: n) else {
            return .rejected("no graph for \(proof.name)")
        }
        let (partitions, _) = PoRepChallenges.layout(proof)
        guard p.partitions.count == partitions else { return .rejected("\(p.partitions.count) partitions, expected \(partitions)") }
        for (k, part) in p.partitions.enumerated() {
            let cs = PoRepChallenges.challenges(proof: proof, replicaID: rid, seed: pub.seed, commR: pub.commR.bytes, partition: k)
            guard part.count == cs.count else { return .rejected("partition \(k) has \(part.count) challenge proofs, expected \(cs.count)") }
            for (i, (cp, c)) in zip(part, cs).enumerated() {
                let at = "partition \(k) challenge \(i) (node \(c))"
                guard cp.challenge == c else { return .rejected("\(at): proof is for node \(cp.challenge)") }
                let d = TreeDProof(leafIndex: c, leaf: cp.commDProof.leaf, siblings: cp.commDProof.siblings, root: pub.commD)
                guard d.siblings.count == Int(n).trailingZeroBitCount, d.verify() else { return .rejected("\(at): tree_d path does not lead to comm_d") }
                let nodes = [c] + graph.parents(of: Int(c)).map { UInt64($0) }
                guard cp.columns.count == nodes.count else { return .rejected("\(at): \(cp.columns.count) columns, expected \(nodes.count)") }
                for (col, v) in zip(cp.columns, nodes) {
                    guard col.labels.count == L else { return .rejected("\(at): column of node \(v) has \(col.labels.count) labels, expected \(L)") }
                    guard col.proof.leaf == Poseidon.merkleHash(col.labels) else { return .rejected("\(at): column of node \(v) does not hash to its tree_c leaf") }
                    guard col.proof.verify(root: p.commC, shape: shape, baseLevels: levels, leafIndex: v) else {
                        return .rejected("\(at): tree_c path of node \(v) does not verify against comm_c")
                    }
                }
                // Labels: column j + 1 is parent j; DRG parents at layer l, expander parents at l − 1.
                for l in 1...L {
                    var parents = (1...6).map { cp.columns[$0].labels[l - 1] }
                    if l > 1 { parents += (7...14).map { cp.columns[$0].labels[l - 2] } }
                    guard label(replicaID: rid, layer: l, node: c, parents: parents) == cp.columns[0].labels[l - 1] else {
                        return .rejected("\(at): label of layer \(l) is not the hash of its parents")
                    }
                }
                guard let data = try? Fr(bytes: cp.commDProof.leaf.bytes[...]) else { return .rejected("\(at): data node is not a field element") }
                guard cp.replicaProof.verify(root: p.commRLast, shape: shape, baseLevels: levels, leafIndex: c) else {
                    return .rejected("\(at): tree_r_last path does not verify against comm_r_last")
                }
                guard cp.replicaProof.leaf == cp.columns[0].labels[L - 1] + data else {
                    return .rejected("\(at): replica node is not key + data (encoding)")
                }
            }
        }
        return .accepted
    }
}
