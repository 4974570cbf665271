import CKernels
import Foundation
import Testing
@testable import Kernels

/// A directory of sealed 2 KiB (or 8 MiB) sectors, sealed for real, shared by the proving tests.
struct SealedSet {
    let dir: String
    let proof: RegisteredSealProof
    let proverID = SealIDs.proverID(actorID: 1000)
    var sectors: [SealedSector] = []
    var publics: [PoRepPublic] = []

    init(count: Int, proofID: Int = 5, name: String = #function) throws {
        proof = try RegisteredSealProof(id: proofID)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("spbench-prove-\(name.filter(\.isLetter))-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        dir = base.path
        for i in 0..<count {
            let number = UInt64(10 + i)
            var payload = [UInt8](repeating: 0, count: Int(proof.sectorSize / 128 * 127))
            var x = UInt64(0x9e3779b97f4a7c15) &* (number + 1)
            for j in 0..<payload.count {
                x = x &* 6364136223846793005 &+ 1442695040888963407
                payload[j] = UInt8(truncatingIfNeeded: x >> 33)
            }
            var ticket = SHA256.hash(Array("ticket-\(number)".utf8))
            ticket[31] &= 0x3f
            let cache = SectorCache(directory: "\(dir)/cache-\(number)")
            let (r, _) = try Sealer.seal(pieces: [.bytes(payload)], ticket: ticket, sectorNumber: number, proverID: proverID, proof: proof,
                                         unsealed: "\(dir)/unsealed-\(number)", sealed: "\(dir)/sealed-\(number)", cache: cache,
                                         parentCacheDirectory: "\(dir)/parents")
            let c = r.commitments[0]
            sectors.append(SealedSector(number: number, sealProof: proof, sealed: "\(dir)/sealed-\(number)", cache: cache, commR: c.commR))
            var seed = SHA256.hash(Array("seed-\(number)".utf8))
            seed[31] &= 0x3f
            publics.append(PoRepPublic(sealProof: proof, proverID: proverID, sectorNumber: number, ticket: ticket, seed: seed,
                                       commD: c.commD, commR: c.commR))
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}

private let randomness: [UInt8] = {
    var r = SHA256.hash(Array("chain randomness".utf8))
    r[31] &= 0x3f
    return r
}()

/// Every position of `bytes` in `positions` is flipped (two masks per position) and the
/// check must reject each copy; returns how many were tried.
private func mutations(of bytes: [UInt8], positions: [Int], accepted: ([UInt8]) -> Bool) -> (tried: Int, acceptedAt: [Int]) {
    var bad: [Int] = []
    var n = 0
    for p in positions {
        for mask: UInt8 in [0x01, 0x80] {
            var m = bytes
            m[p] ^= mask
            n += 1
            if accepted(m) { bad.append(p) }
        }
    }
    return (n, bad)
}

@Test func commit1ProofsOfSealedSectorsVerifyAndMutationsAreRejected() throws {
    // 2 KiB for api 1.1 (interactive), 1.0 (legacy graph) and 1.2 synthetic.
    for id in [5, 0, 10] {
        let set = try SealedSet(count: 1, proofID: id)
        defer { set.remove() }
        let pub = set.publics[0]
        let p = try Commit1.prove(public: pub, sealed: set.sectors[0].sealed, cache: set.sectors[0].cache)
        #expect(p.partitions.count == 1 && p.partitions[0].count == 2)
        #expect(Commit1.verify(p, public: pub).valid, "proof id \(id)")
        // The file form round-trips.
        let file = ProofFile.porep(p, proverID: set.proverID).encoded
        guard case .porep(let back, let prover) = try ProofFile(encoded: file) else { Issue.record("not a PoRep file"); continue }
        #expect(back == p && prover == set.proverID)
        // Wrong public values.
        var wrong = pub
        wrong.seed[0] ^= 1
        #expect(!Commit1.verify(p, public: wrong).valid)
        wrong = pub
        wrong.sectorNumber += 1
        #expect(!Commit1.verify(p, public: wrong).valid)
        if id == 5 {
            // Every byte after the header (which the verifier checks against the public values), up to 1,000+ positions.
            let step = max(1, (file.count - 12) / 700)
            let positions = Array(stride(from: 12, to: file.count, by: step))
            let r = mutations(of: file, positions: positions) { m in
                guard case .porep(let q, let pr) = try? ProofFile(encoded: m) else { return false }
                let claimed = PoRepPublic(sealProof: q.sealProof, proverID: pr, sectorNumber: q.sectorNumber, ticket: q.ticket,
                                          seed: q.seed, commD: q.commD, commR: q.commR)
                // Verified against the chain's values: a changed public value is a different claim.
                return claimed == pub && Commit1.verify(q, public: pub).valid
            }
            #expect(r.tried >= 1000)
            #expect(r.acceptedAt.isEmpty, "mutations accepted at byte offsets \(r.acceptedAt.prefix(10))")
        }
    }
}

@Test func windowPoStProvesHealthySectorsAndReportsDeletedAndCorruptedOnes() throws {
    var set = try SealedSet(count: 7)
    defer { set.remove() }
    let pp = try RegisteredPoStProof(kind: .window, sectorSize: 2048)
    let healthy = try PoStProof.proveWindow(sectors: set.sectors, postProof: pp, randomness: randomness, proverID: set.proverID)
    #expect(healthy.faults.isEmpty && healthy.partitions.map(\.count) == [2, 2, 2, 1])
    let commRs = Dictionary(uniqueKeysWithValues: set.sectors.map { ($0.number, $0.commR) })
    #expect(healthy.verify(commRs: commRs).valid)

    // Sector 11: replica deleted; 12: replica truncated; 13: every 8-leaf group of the
    // replica corrupted; 14: p_aux overwritten; 15: tree_r_last file truncated.
    unlink(set.sectors[1].sealed)
    #expect(truncate(set.sectors[2].sealed, 1000) == 0)
    let h = try #require(FileHandle(forUpdatingAtPath: set.sectors[3].sealed))
    for g in stride(from: 0, to: 2048, by: 256) {
        try h.seek(toOffset: UInt64(g))
        h.write(Data([0x11]))
    }
    try h.close()
    try Data(repeating: 7, count: 64).write(to: URL(fileURLWithPath: set.sectors[4].cache.pAux))
    #expect(truncate(set.sectors[5].cache.directory + "/sc-02-data-tree-r-last.dat", 0) == 0)
    for api in ["1.2.0", "1.0.0"] {
        let p = try RegisteredPoStProof(kind: .window, sectorSize: 2048, apiVersion: api)
        let r = try PoStProof.proveWindow(sectors: set.sectors, postProof: p, randomness: randomness, proverID: set.proverID)
        #expect(r.faults.map(\.sectorNumber) == [11, 12, 13, 14, 15], "\(api)")
        #expect(r.faults[0].reason.contains("missing"))
        #expect(r.faults[1].reason.contains("1000 bytes"))
        #expect(r.faults[2].reason.contains("tree_r_last"))
        #expect(r.faults[3].reason.contains("comm_r"))
        #expect(r.faults[4].reason.contains("tree_r_last"))
        // The partition is still proven over the healthy sectors, at positions 0 and 1.
        #expect(r.partitions.flatMap { $0 }.map(\.proof.sectorNumber) == [10, 16])
        #expect(r.partitions.flatMap { $0 }.map(\.position) == [0, 1])
        #expect(r.verify(commRs: commRs).valid, "\(api)")
    }
    // The check lists the same faults.
    let checked = set.sectors.compactMap { s in PoSt.check(sector: s, proof: pp, randomness: randomness, samples: 10).map { _ in s.number } }
    #expect(checked == [11, 12, 13, 14, 15])
    set.sectors.removeAll()
}

@Test func postSectorProofMutationsAreRejected() throws {
    let set = try SealedSet(count: 2)
    defer { set.remove() }
    for pp in [try RegisteredPoStProof(kind: .window, sectorSize: 2048), try RegisteredPoStProof(kind: .window, sectorSize: 2048, apiVersion: "1.0.0")] {
        let w = try PoStProof.proveWindow(sectors: set.sectors, postProof: pp, randomness: randomness, proverID: set.proverID)
        let e = w.partitions[0][1]
        let bytes = e.proof.encoded
        #expect(try PoStSectorProof(encoded: bytes) == e.proof)
        let r = mutations(of: bytes, positions: Array(0..<bytes.count)) { m in
            PoSt.verify(encoded: m, proof: pp, randomness: randomness, sectorNumber: 11, commR: set.sectors[1].commR, position: 1).valid
        }
        #expect(r.tried >= 1000)
        #expect(r.acceptedAt.isEmpty, "\(pp.name): mutations accepted at \(r.acceptedAt.prefix(10))")
        // Wrong randomness, sector, comm_r, position (api 1.0.0 only: 1.2.0 challenges ignore it).
        var rnd = randomness
        rnd[0] ^= 1
        #expect(!PoSt.verify(e.proof, proof: pp, randomness: rnd, sectorNumber: 11, commR: set.sectors[1].commR, position: 1).valid)
        #expect(!PoSt.verify(e.proof, proof: pp, randomness: randomness, sectorNumber: 10, commR: set.sectors[1].commR, position: 1).valid)
        #expect(!PoSt.verify(e.proof, proof: pp, randomness: randomness, sectorNumber: 11, commR: set.sectors[0].commR, position: 1).valid)
        #expect(PoSt.verify(e.proof, proof: pp, randomness: randomness, sectorNumber: 11, commR: set.sectors[1].commR, position: 0).valid
            == (pp.apiVersion == "1.2.0"))
        // The file form round-trips.
        let file = ProofFile.post(w).encoded
        #expect(try ProofFile(encoded: file) == .post(w))
        #expect(throws: PoStError.self) { _ = try ProofFile(encoded: Array(file.dropLast())) }
    }
}

@Test func winningPoStProvesTheSelectedSector() throws {
    let set = try SealedSet(count: 3)
    defer { set.remove() }
    let pp = try RegisteredPoStProof(kind: .winning, sectorSize: 2048)
    let w = try PoStProof.proveWinning(eligible: set.sectors, postProof: pp, randomness: randomness, proverID: set.proverID)
    let commRs = Dictionary(uniqueKeysWithValues: set.sectors.map { ($0.number, $0.commR) })
    #expect(w.partitions[0][0].proof.inclusionProofs.count == 66)
    #expect(w.verify(commRs: commRs).valid)
    // A proof of another eligible sector is rejected even though its paths verify.
    let chosen = w.partitions[0][0].proof.sectorNumber
    let other = try #require(set.sectors.first { $0.number != chosen })
    var forged = w
    forged.partitions[0][0].proof = try PoSt.prove(sector: other, proof: pp, randomness: randomness, position: 0)
    #expect(!forged.verify(commRs: commRs).valid)
    // Non-canonical randomness is refused.
    var bad = randomness
    bad[31] = 0xff
    #expect(throws: PoStError.self) { _ = try PoStProof.proveWinning(eligible: set.sectors, postProof: pp, randomness: bad, proverID: set.proverID) }
}

@Test func challengePrimitivesMatchIndependentImplementations() throws {
    // Keyed BLAKE2b-256: Python hashlib.blake2b(b"abc", digest_size=32, key=b"key").
    var out = [UInt8](repeating: 0, count: 32)
    let key = Array("key".utf8), msg = Array("abc".utf8)
    #expect(ck_blake2b(&out, 32, key, key.count, msg, msg.count) == CK_OK)
    #expect(Hex.encode(out) == "0330531d097355a3f72e80d55c1245ccf79f1704431c6e3887938320442c23c0")
    // Unkeyed 64-byte output equals the existing BLAKE2b-512.
    var a = [UInt8](repeating: 0, count: 64), b = a
    #expect(ck_blake2b(&a, 64, nil, 0, msg, msg.count) == CK_OK)
    ck_blake2b512(&b, msg, msg.count)
    #expect(a == b)
    // ChaCha20 IETF, RFC 8439 §2.3.2 (also `openssl enc -chacha20`): key 00..1f, nonce 000000090000004a00000000, counter 1.
    let k = (0..<32).map { UInt8($0) }
    let nonce: [UInt8] = [0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0]
    var block = [UInt8](repeating: 0, count: 64)
    ck_chacha20_ietf_blocks(&block, k, nonce, 1, 1)
    #expect(Hex.encode(block) == "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")
}
