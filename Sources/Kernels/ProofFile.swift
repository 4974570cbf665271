/// The vanilla-proof file `spbench prove` writes and `spbench verify-proof` (and the node)
/// read. All integers little-endian; documented in the README ("Vanilla proof files").
///
///     "SPBPROOF" | LE32 version (1) | LE32 kind (1 WindowPoSt, 2 WinningPoSt, 3 PoRep C1)
///     PoSt:  LE32 post proof id | randomness[32] | prover_id[32]
///            | LE64 partitions | per partition: LE64 sectors | per sector:
///              LE64 position | LE64 length | FallbackPoStSectorProof (bincode, §9.3)
///            | LE64 faults | per fault: LE64 sector | LE64 length | reason (UTF-8)
///     PoRep: LE32 seal proof id | LE64 sector | LE32 prover_id length | prover_id
///            | replica_id | ticket | seed | comm_d | comm_c | comm_r_last | comm_r (32 each)
///            | LE64 partitions | per partition: LE64 challenges | ChallengeProof × count
public enum ProofFile: Sendable, Equatable {
    case post(PoStProof)
    case porep(PoRepProof, proverID: [UInt8])

    static let magic = Array("SPBPROOF".utf8)

    public var encoded: [UInt8] {
        var out = ProofFile.magic + le32Bytes(1)
        switch self {
        case .post(let p):
            out += le32Bytes(p.postProof.kind == .window ? 1 : 2) + le32Bytes(UInt32(p.postProof.id)) + p.randomness + p.proverID
            out += le64Bytes(UInt64(p.partitions.count))
            for part in p.partitions {
                out += le64Bytes(UInt64(part.count))
                for e in part {
                    let b = e.proof.encoded
                    out += le64Bytes(UInt64(e.position)) + le64Bytes(UInt64(b.count)) + b
                }
            }
            out += le64Bytes(UInt64(p.faults.count))
            for f in p.faults {
                let r = Array(f.reason.utf8)
                out += le64Bytes(f.sectorNumber) + le64Bytes(UInt64(r.count)) + r
            }
        case .porep(let p, let prover):
            out += le32Bytes(3) + le32Bytes(UInt32(p.sealProof.id)) + le64Bytes(p.sectorNumber) + le32Bytes(UInt32(prover.count)) + prover
            out += p.replicaID + p.ticket + p.seed + p.commD.bytes + p.commC.bytes + p.commRLast.bytes + p.commR.bytes
            out += le64Bytes(UInt64(p.partitions.count))
            for part in p.partitions {
                out += le64Bytes(UInt64(part.count))
                for c in part { out += c.encoded }
            }
        }
        return out
    }

    public init(encoded b: [UInt8]) throws(PoStError) {
        guard b.count >= 8, Array(b[0..<8]) == ProofFile.magic else { throw .decode("not an spbench proof file (no SPBPROOF header)") }
        var r = ProofReader(b, at: 8)
        let version = try r.u32()
        guard version == 1 else { throw .decode("proof file version \(version); this spbench reads version 1") }
        let kind = try r.u32()
        switch kind {
        case 1, 2:
            let pp = try RegisteredPoStProof(id: Int(try r.u32()))
            guard (pp.kind == .window) == (kind == 1) else { throw .decode("file kind \(kind) does not match \(pp.name)") }
            let randomness = Array(try r.take(32)), prover = Array(try r.take(32))
            var parts: [[PoStProof.Entry]] = []
            for _ in 0..<(try r.count("partition", max: 1 << 20)) {
                var part: [PoStProof.Entry] = []
                for _ in 0..<(try r.count("sector", max: 1 << 20)) {
                    let position = try r.count("position", max: 1 << 40)
                    let len = try r.count("proof byte", max: 1 << 30)
                    part.append(PoStProof.Entry(position: position, proof: try PoStSectorProof(encoded: Array(try r.take(len)))))
                }
                parts.append(part)
            }
            var faults: [SectorFault] = []
            for _ in 0..<(try r.count("fault", max: 1 << 24)) {
                let s = try r.u64()
                let reason = try r.take(try r.count("reason byte", max: 1 << 16))
                faults.append(SectorFault(sectorNumber: s, reason: String(decoding: reason, as: UTF8.self)))
            }
            self = .post(PoStProof(postProof: pp, randomness: randomness, proverID: prover, partitions: parts, faults: faults))
        case 3:
            let sp: RegisteredSealProof
            do { sp = try RegisteredSealProof(id: Int(try r.u32())) } catch { throw .decode("\(error)") }
            let sector = try r.u64()
            let prover = Array(try r.take(Int(try r.u32())))
            let rid = Array(try r.take(32)), ticket = Array(try r.take(32)), seed = Array(try r.take(32))
            let commD = Commitment(bytes: Array(try r.take(32)))
            let commC = try r.fr("comm_c"), commRLast = try r.fr("comm_r_last"), commR = try r.fr("comm_r")
            var parts: [[ChallengeProof]] = []
            for _ in 0..<(try r.count("partition", max: 1024)) {
                var part: [ChallengeProof] = []
                for _ in 0..<(try r.count("challenge", max: 1 << 20)) {
                    var used = 0
                    part.append(try ChallengeProof(encoded: b, from: r.pos, consumed: &used, commD: commD))
                    r.pos += used
                }
                parts.append(part)
            }
            self = .porep(PoRepProof(sealProof: sp, sectorNumber: sector, replicaID: rid, ticket: ticket, seed: seed, commD: commD,
                                     commC: commC, commRLast: commRLast, commR: commR, partitions: parts), proverID: prover)
        default:
            throw .decode("unknown proof kind \(kind) (1 WindowPoSt, 2 WinningPoSt, 3 PoRep)")
        }
        guard r.pos == b.count else { throw .decode("\(b.count - r.pos) trailing bytes after the proof") }
    }
}

/// Reads the little-endian fields of proof bytes from `pos` on; every failure is a
/// PoStError naming what was being read.
struct ProofReader {
    let bytes: [UInt8]
    var pos: Int

    init(_ bytes: [UInt8], at pos: Int = 0) {
        self.bytes = bytes
        self.pos = pos
    }

    mutating func take(_ n: Int) throws(PoStError) -> ArraySlice<UInt8> {
        guard n >= 0, pos + n <= bytes.count else { throw .decode("truncated at byte \(pos) (\(n) more bytes needed)") }
        defer { pos += n }
        return bytes[pos..<(pos + n)]
    }

    mutating func u32() throws(PoStError) -> UInt32 { try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    mutating func u64() throws(PoStError) -> UInt64 { readLE64(try take(8)) }

    mutating func count(_ what: String, max: UInt64) throws(PoStError) -> Int {
        let v = try u64()
        guard v <= max else { throw .decode("implausible \(what) count \(v)") }
        return Int(v)
    }

    mutating func fr(_ what: String) throws(PoStError) -> Fr {
        let s = try take(32)
        do { return try Fr(bytes: s) } catch { throw .notCanonical(what: what, hex: Hex.encode(Array(s))) }
    }

    mutating func merkle(_ what: String) throws(PoStError) -> PoseidonMerkleProof {
        var used = 0
        do {
            let p = try PoseidonMerkleProof(encoded: bytes, from: pos, consumed: &used)
            pos += used
            return p
        } catch {
            throw .decode("\(what): \(error)")
        }
    }
}
