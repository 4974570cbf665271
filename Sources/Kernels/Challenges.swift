import CKernels

/// (LE 256-bit integer of `bytes[0..<32]`) mod m, for m ≥ 1.
func le256Mod(_ bytes: ArraySlice<UInt8>, _ m: UInt64) -> UInt64 {
    precondition(m >= 1 && bytes.count >= 32)
    let s = bytes.startIndex
    var r: UInt64 = 0
    for limb in stride(from: 3, through: 0, by: -1) {
        var w: UInt64 = 0
        for j in stride(from: 7, through: 0, by: -1) { w = w << 8 | UInt64(bytes[s + 8 * limb + j]) }
        r = m.dividingFullWidth((high: r, low: w)).remainder
    }
    return r
}

func le64Bytes(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
func le32Bytes(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
func readLE64(_ b: ArraySlice<UInt8>) -> UInt64 {
    b.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
}

/// PoRep challenge derivation (porep-post.md §8).
public enum PoRepChallenges {
    /// Per-partition counts of a proof type: (partitions, challenges per partition).
    public static func layout(_ proof: RegisteredSealProof) -> (partitions: Int, perPartition: Int) {
        if proof.feature == .nonInteractivePoRep { return proof.sectorSize >= 32 << 30 ? (126, 18) : (13, 2) }
        return proof.sectorSize >= 32 << 30 ? (10, 18) : (1, 2)
    }

    /// Interactive: SHA256(replica_id || seed || LE32(j)) mod (N − 1) + 1, j = C·k + i.
    public static func interactive(replicaID: [UInt8], seed: [UInt8], nodes: UInt64, perPartition c: Int, partition k: Int) -> [UInt64] {
        hashedChallenges(prefix: replicaID + seed, first: c * k, count: c, nodes: nodes)
    }

    /// (LE256(SHA256(prefix || LE32(j))) mod (N − 1)) + 1 for j = first ..< first + count.
    static func hashedChallenges(prefix: [UInt8], first: Int, count: Int, nodes: UInt64) -> [UInt64] {
        let len = prefix.count + 4
        var msgs = [UInt8](repeating: 0, count: len * count)
        for i in 0..<count {
            msgs.replaceSubrange((len * i)..<(len * i + prefix.count), with: prefix)
            msgs.replaceSubrange((len * i + prefix.count)..<(len * (i + 1)), with: le32Bytes(UInt32(truncatingIfNeeded: first + i)))
        }
        let digests = msgs.withUnsafeBytes { SHA256.hashMany($0, messageLength: len) }
        return (0..<count).map { le256Mod(digests[(32 * $0)..<(32 * $0 + 32)], nodes - 1) + 1 }
    }

    /// Non-interactive (NI-PoRep): the tag, replica_id and comm_r replace the seed.
    public static func nonInteractive(replicaID: [UInt8], commR: [UInt8], nodes: UInt64, perPartition c: Int, partition k: Int) -> [UInt64] {
        hashedChallenges(prefix: Array("filecoin.io|PoRep|1|NonInteractive|1".utf8) + replicaID + commR, first: c * k, count: c, nodes: nodes)
    }

    static let synthNonce = Array("synth-porep".utf8) + [0]

    /// The default size of the synthetic challenge set: min(N, 2^18).
    public static func syntheticCount(nodes: UInt64) -> Int { Int(min(nodes, 1 << 18)) }

    static func keyedBlake2b256(key: String, _ msg: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let k = Array(key.utf8)
        let rc = ck_blake2b(&out, 32, k, k.count, msg, msg.count)
        precondition(rc == CK_OK)
        return out
    }

    static func chacha20(key: [UInt8], fromByte offset: Int, count: Int) -> [UInt8] {
        let first = offset / 64, skip = offset % 64
        let blocks = (skip + count + 63) / 64
        var out = [UInt8](repeating: 0, count: blocks * 64)
        ck_chacha20_ietf_blocks(&out, key, synthNonce, UInt32(first), blocks)
        return Array(out[skip..<(skip + count)])
    }

    /// The first `count` synthetic challenges (§8.3 generation stream).
    public static func syntheticSet(replicaID: [UInt8], commR: [UInt8], nodes: UInt64, count: Int? = nil) -> [UInt64] {
        let n = count ?? syntheticCount(nodes: nodes)
        let key = keyedBlake2b256(key: "filecoin.io|PoRep|1|Synthetic|1|Generation", replicaID + commR)
        let stream = chacha20(key: key, fromByte: 0, count: 32 * n)
        return (0..<n).map { le256Mod(stream[(32 * $0)..<(32 * $0 + 32)], nodes - 1) + 1 }
    }

    /// Indices into the synthetic set that partition k's C challenges select (§8.3).
    public static func syntheticSelection(replicaID: [UInt8], seed: [UInt8], setSize: Int, perPartition c: Int, partition k: Int) -> [Int] {
        let key = keyedBlake2b256(key: "filecoin.io|PoRep|1|Synthetic|1|Selection", replicaID + seed)
        let stream = chacha20(key: key, fromByte: 4 * c * k, count: 4 * c)
        return (0..<c).map { i in
            let w = stream[(4 * i)..<(4 * i + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return Int(w) % setSize
        }
    }

    /// Partition k's challenges for a proof type: interactive, synthetic (drawn from the
    /// set) or non-interactive.
    public static func challenges(proof: RegisteredSealProof, replicaID: [UInt8], seed: [UInt8], commR: [UInt8], partition k: Int) -> [UInt64] {
        let n = UInt64(proof.nodes), c = layout(proof).perPartition
        switch proof.feature {
        case .none: return interactive(replicaID: replicaID, seed: seed, nodes: n, perPartition: c, partition: k)
        case .nonInteractivePoRep: return nonInteractive(replicaID: replicaID, commR: commR, nodes: n, perPartition: c, partition: k)
        case .syntheticPoRep:
            let set = syntheticSet(replicaID: replicaID, commR: commR, nodes: n)
            return syntheticSelection(replicaID: replicaID, seed: seed, setSize: set.count, perPartition: c, partition: k).map { set[$0] }
        }
    }
}

/// Registered PoSt proofs (go-state-types numbering, porep-post.md §4.2).
public struct RegisteredPoStProof: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable { case winning, window }
    public let id: Int

    public init(id: Int) throws(PoStError) {
        guard (0...14).contains(id) else { throw .unknownProof("\(id)") }
        self.id = id
    }

    /// Winning is always api 1.0.0; window defaults to the 1.2.0 types Lotus uses today.
    public init(kind: Kind, sectorSize: UInt64, apiVersion: String? = nil) throws(PoStError) {
        guard let s = RegisteredSealProof.sectorSizes.firstIndex(of: sectorSize) else { throw .unknownProof("sector size \(sectorSize)") }
        switch (kind, apiVersion ?? (kind == .winning ? "1.0.0" : "1.2.0")) {
        case (.winning, "1.0.0"): id = s
        case (.window, "1.0.0"), (.window, "1.1.0"): id = 5 + s
        case (.window, "1.2.0"): id = 10 + s
        case (_, let v): throw .unknownProof("\(kind.rawValue) PoSt with api \(v)")
        }
    }

    public var kind: Kind { id < 5 ? .winning : .window }
    public var sectorSize: UInt64 { RegisteredSealProof.sectorSizes[id % 5] }
    public var nodes: UInt64 { sectorSize / 32 }
    public var apiVersion: String { id < 10 ? "1.0.0" : "1.2.0" }
    /// Leaf challenges per sector: 66 (one WinningPoSt sector) or 10 (WindowPoSt).
    public var challengeCount: Int { kind == .winning ? 66 : 10 }
    /// WindowPoSt sectors per partition: 2349 (32 GiB), 2300 (64 GiB), 2 (test sizes); 1 for winning.
    public var sectorsPerPartition: Int {
        guard kind == .window else { return 1 }
        switch sectorSize {
        case 32 << 30: return 2349
        case 64 << 30: return 2300
        default: return 2
        }
    }
    public var shape: TreeShape { TreeShape.forSector(bytes: sectorSize) ?? TreeShape(base: 8) }

    public var name: String {
        let size = ["2KiB", "8MiB", "512MiB", "32GiB", "64GiB"][id % 5]
        return kind == .winning ? "StackedDrgWinning\(size)V1" : "StackedDrgWindow\(size)V1\(id >= 10 ? "_1" : "")"
    }
    public var description: String { name }
}

/// PoSt challenge derivation (porep-post.md §9.1, §9.2).
public enum PoStChallenges {
    /// LE64(SHA256(randomness || LE64(sector) || LE64(challenge_index))[0..8]) mod N.
    public static func leaf(randomness: [UInt8], sectorNumber: UInt64, challengeIndex: UInt64, nodes: UInt64) -> UInt64 {
        readLE64(SHA256.hash(randomness + le64Bytes(sectorNumber) + le64Bytes(challengeIndex))[...]) % nodes
    }

    /// The C leaves of the sector at position s of the proof's sector list: challenge index
    /// s·C + n for api 1.0.0/1.1.0, n for 1.2.0. WinningPoSt: 66 leaves, index = n.
    public static func leaves(proof: RegisteredPoStProof, randomness: [UInt8], sectorNumber: UInt64, position: Int) -> [UInt64] {
        let c = proof.challengeCount
        let positional = proof.kind == .window && proof.apiVersion != "1.2.0"
        return leaves(randomness: randomness, sectorNumber: sectorNumber, firstIndex: UInt64(positional ? position * c : 0), count: c, nodes: proof.nodes)
    }

    /// Leaves of challenge indices firstIndex ..< firstIndex + count, hashed as one batch
    /// of 48-byte messages (multi-buffer SHA-256).
    public static func leaves(randomness: [UInt8], sectorNumber: UInt64, firstIndex: UInt64, count: Int, nodes: UInt64) -> [UInt64] {
        precondition(randomness.count == 32)
        var msgs = [UInt8](repeating: 0, count: 48 * count)
        let prefix = randomness + le64Bytes(sectorNumber)
        for i in 0..<count {
            msgs.replaceSubrange((48 * i)..<(48 * i + 40), with: prefix)
            msgs.replaceSubrange((48 * i + 40)..<(48 * i + 48), with: le64Bytes(firstIndex + UInt64(i)))
        }
        let digests = msgs.withUnsafeBytes { SHA256.hashMany($0, messageLength: 48) }
        return (0..<count).map { readLE64(digests[(32 * $0)...]) % nodes }
    }

    /// WinningPoSt sector selection: indices into the eligible sector list.
    public static func winningSectors(proverID: [UInt8], randomness: [UInt8], setSize: Int, count: Int = 1) throws(PoStError) -> [Int] {
        guard setSize > 0 else { throw .noSectors }
        return (0..<count).map { n in
            Int(readLE64(SHA256.hash(proverID + randomness + le64Bytes(UInt64(n)))[...]) % UInt64(setSize))
        }
    }
}
