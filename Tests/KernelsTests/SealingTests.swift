import CKernels
import Foundation
import Testing
@testable import Kernels

private func tempDir(_ name: String = #function) throws -> String {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("spbench-seal-\(name.filter(\.isLetter))-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    return base.path
}

/// seal.json's sha256-ctr generator: SHA-256(LE64(S) || LE64(i)) blocks, cut to n bytes.
private func ctrData(seed: UInt64, _ n: Int) -> [UInt8] {
    var out: [UInt8] = []
    var i: UInt64 = 0
    func le(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    while out.count < n {
        out += SHA256.hash(le(seed) + le(i))
        i += 1
    }
    return Array(out.prefix(n))
}

private func hex32(_ s: String) throws -> [UInt8] { try Hex.decode(s) }

/// Seals into dir, checks unsealing gives the data back; returns the commitments.
private func sealAndUnseal(proof: RegisteredSealProof, payload: [UInt8], dir: String, sector: UInt64 = 1,
                           ticket: [UInt8] = [UInt8](repeating: 1, count: 32),
                           prover: [UInt8] = SealIDs.proverID(actorID: 1000)) throws -> SealCommitments {
    let unsealed = dir + "/unsealed", sealed = dir + "/sealed"
    let padded = Fr32.pad(payload + [UInt8](repeating: 0, count: Int(proof.sectorSize / 128 * 127) - payload.count))
    try Data(padded).write(to: URL(fileURLWithPath: unsealed))
    let s = Sealer.Sector(unsealedPadded: unsealed, sealed: sealed, cache: SectorCache(directory: dir + "/cache"),
                          sectorNumber: sector, ticket: ticket)
    let r = try Sealer.seal(sectors: [s], proof: proof, proverID: prover, parentCacheDirectory: dir + "/parents")
    try Sealer.unseal(proof: proof, sealed: sealed, cache: s.cache, output: dir + "/unsealed-again")
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/unsealed-again")) == Data(padded), "unseal is byte-exact")
    return r.commitments[0]
}

@Test func twoKiBSectorsSealAsTheFixturesSay() throws {
    for c in try fixture("seal.json") {
        let name = try str(c, "name")
        let input = try #require(c["input"] as? [String: Any])
        let e = try #require(c["expected"] as? [String: Any])
        let proof = try RegisteredSealProof(id: try #require(input["registered_seal_proof"] as? Int))
        let data = try #require(input["data"] as? [String: Any])
        let n = try #require(data["length"] as? Int)
        let payload = data["generator"] as? String == "zeros" ? [UInt8](repeating: 0, count: n)
            : ctrData(seed: UInt64(try #require(data["seed"] as? Int)), n)
        let dir = try tempDir(name)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let prover = try hex32(try str(input, "prover_id"))
        #expect(prover == SealIDs.proverID(actorID: UInt64(try #require(input["prover_actor_id"] as? Int))))
        let got = try sealAndUnseal(proof: proof, payload: payload, dir: dir, sector: UInt64(try #require(input["sector_number"] as? Int)),
                                    ticket: try hex32(try str(input, "ticket")), prover: prover)
        #expect(got.commD.hex == e["comm_d"] as? String, "\(name)")
        #expect(Hex.encode(got.replicaID) == e["replica_id"] as? String, "\(name)")
        #expect(got.commC.hex == e["comm_c"] as? String, "\(name)")
        #expect(got.commRLast.hex == e["comm_r_last"] as? String, "\(name)")
        #expect(got.commR.hex == e["comm_r"] as? String, "\(name)")
        // The cache directory as rust-fil-proofs names it.
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/cache"))
        #expect(files == ["sc-02-data-layer-1.dat", "sc-02-data-layer-2.dat", "sc-02-data-tree-d.dat", "sc-02-data-tree-c.dat",
                          "sc-02-data-tree-r-last.dat", "p_aux", "t_aux"])
        let pAux = try Data(contentsOf: URL(fileURLWithPath: dir + "/cache/p_aux"))
        #expect(Array(pAux) == got.commC.bytes + got.commRLast.bytes)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/cache/sc-02-data-tree-r-last.dat")).count == 32)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/cache/sc-02-data-tree-c.dat")).count == 73 * 32)
    }
}

/// An 8 MiB sector (2^18 nodes): seal, unseal byte-exact, and the replica equals
/// key + data; the parent cache has the upstream digest.
@Test func eightMiBSectorSealsAndUnsealsExactly() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let proof = try RegisteredSealProof(id: 6)
    let c = try sealAndUnseal(proof: proof, payload: ctrData(seed: 8, 1 << 20), dir: dir)
    let tree = try PoseidonTreeFiles(directory: dir + "/cache", name: "tree-r-last", shape: proof.treeShape, leafCount: proof.nodes,
                                     storage: .levelCache(rowsToDiscard: 2))
    #expect(try tree.roots().root == c.commRLast)
    #expect(Poseidon.merkleHash([c.commC, c.commRLast]) == c.commR)
    let p = try tree.proof(leaf: 123_456, leafFile: dir + "/sealed")
    #expect(p.verify(root: c.commRLast, shape: proof.treeShape, baseLevels: 6, leafIndex: 123_456))
    let graph = try SDRGraph(proof: proof)
    let key = ParentCache.key(graph: graph)
    #expect(ParentCache.knownDigests[key] == "03cd13565ded97c240a5f52e54295ad127bd0461b57904cb3a4d79b097bbecab")
    #expect(FileManager.default.fileExists(atPath: "\(dir)/parents/\(key).cache"))

    // The sealed sector proves: Commit 1 (2 challenges), WindowPoSt and WinningPoSt vanilla proofs.
    var seed = [UInt8](repeating: 0x5e, count: 32)
    seed[31] = 0x1e
    let pub = PoRepPublic(sealProof: proof, proverID: SealIDs.proverID(actorID: 1000), sectorNumber: 1,
                          ticket: [UInt8](repeating: 1, count: 32), seed: seed, commD: c.commD, commR: c.commR)
    let c1 = try Commit1.prove(public: pub, sealed: dir + "/sealed", cache: SectorCache(directory: dir + "/cache"))
    #expect(Commit1.verify(c1, public: pub).valid)
    var other = pub
    other.seed[0] ^= 1
    #expect(!Commit1.verify(c1, public: other).valid)
    let sector = SealedSector(number: 1, sealProof: proof, sealed: dir + "/sealed", cache: SectorCache(directory: dir + "/cache"), commR: c.commR)
    for kind in [RegisteredPoStProof.Kind.window, .winning] {
        let pp = try RegisteredPoStProof(kind: kind, sectorSize: proof.sectorSize)
        let w = kind == .window
            ? try PoStProof.proveWindow(sectors: [sector], postProof: pp, randomness: seed, proverID: pub.proverID)
            : try PoStProof.proveWinning(eligible: [sector], postProof: pp, randomness: seed, proverID: pub.proverID)
        #expect(w.faults.isEmpty && w.verify(commRs: [1: c.commR]).valid, "\(pp.name)")
        #expect(!w.verify(commRs: [1: c.commC]).valid)
    }
}

@Test func pc1ResumesAfterTheLastCompleteLayerAndRedoesATruncatedOne() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let proof = try RegisteredSealProof(id: 5)
    let graph = try SDRGraph(proof: proof)
    let parents = try MappedParentCache(graph: graph, directory: dir + "/parents")
    let rid = [UInt8](repeating: 7, count: 32)
    let cache = SectorCache(directory: dir + "/c")
    try FileManager.default.createDirectory(atPath: cache.directory, withIntermediateDirectories: true)
    let first = try PreCommit1.run(proof: proof, replicaIDs: [rid], caches: [cache], parents: parents)
    #expect(first.layersLabeled == [1, 2] && first.layersResumed == 0)
    let layer2 = try Data(contentsOf: URL(fileURLWithPath: cache.layer(2)))
    // Interrupted after layer 1: layer 2 missing.
    try FileManager.default.removeItem(atPath: cache.layer(2))
    let resumed = try PreCommit1.run(proof: proof, replicaIDs: [rid], caches: [cache], parents: parents)
    #expect(resumed.layersLabeled == [2] && resumed.layersResumed == 1)
    #expect(try Data(contentsOf: URL(fileURLWithPath: cache.layer(2))) == layer2)
    // A truncated layer 1 is never used: both layers are redone.
    let fh = try FileHandle(forWritingTo: URL(fileURLWithPath: cache.layer(1)))
    try fh.truncate(atOffset: 100)
    try fh.close()
    let redone = try PreCommit1.run(proof: proof, replicaIDs: [rid], caches: [cache], parents: parents)
    #expect(redone.layersLabeled == [1, 2])
    #expect(try Data(contentsOf: URL(fileURLWithPath: cache.layer(2))) == layer2)
}

@Test func corruptParentCacheIsRebuiltAndSaysSo() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let graph = try SDRGraph(proof: try RegisteredSealProof(id: 0))
    let good = try MappedParentCache(graph: graph, directory: dir)
    #expect(good.status == "generated" && good.digest == "3da49221e2ed55371b86d0bf3d6526fcf128af61bed904f966428db1b531750d")
    var bytes = try Data(contentsOf: URL(fileURLWithPath: good.path))
    bytes[100] ^= 1
    try bytes.write(to: URL(fileURLWithPath: good.path))
    let again = try MappedParentCache(graph: graph, directory: dir)
    #expect(again.status.hasPrefix("rebuilt") && again.status.contains("SHA-256"))
    #expect(again.digest == good.digest)
    try Data(bytes.prefix(1000)).write(to: URL(fileURLWithPath: good.path))
    let third = try MappedParentCache(graph: graph, directory: dir)
    #expect(third.status.contains("truncated") && third.digest == good.digest)
    #expect(try MappedParentCache(graph: graph, directory: dir).status == "verified")
}

@Test func labelsOfAllLanesAndPathsAgree() throws {
    let proof = try RegisteredSealProof(id: 6)
    let graph = try SDRGraph(porepID: proof.porepID, nodes: 4096, legacy: false)
    let rids = (0..<4).map { i in [UInt8](repeating: UInt8(i + 3), count: 31) + [0x01] }
    let single = try rids.map { try SDRLabels.compute(graph: graph, replicaID: $0, layers: 2) }
    let portable = try SDRLabels.compute(graph: graph, replicaID: rids[1], layers: 2, portable: true)
    #expect(portable == single[1])
    let parents = ParentCache.bytes(graph: graph)
    for lanes in [2, 4] {
        var prev = (0..<lanes).map { _ in [UInt8](repeating: 0, count: 4096 * 32) }
        for l in 1...2 {
            var cur = (0..<lanes).map { _ in [UInt8](repeating: 0, count: 4096 * 32) }
            let curP = cur.indices.map { i in cur[i].withUnsafeMutableBufferPointer { $0.baseAddress } }
            _ = curP
            // Hand C stable pointers: copy into one contiguous allocation per lane.
            let bufs = (0..<lanes).map { _ in UnsafeMutablePointer<UInt8>.allocate(capacity: 4096 * 32) }
            let prevBufs = (0..<lanes).map { i -> UnsafeMutablePointer<UInt8> in
                let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096 * 32)
                p.initialize(from: prev[i], count: 4096 * 32)
                return p
            }
            let ridBufs = (0..<lanes).map { i -> UnsafeMutablePointer<UInt8> in
                let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
                p.initialize(from: rids[i], count: 32)
                return p
            }
            defer { (bufs + prevBufs + ridBufs).forEach { $0.deallocate() } }
            var c: [UnsafeMutablePointer<UInt8>?] = bufs
            var p: [UnsafePointer<UInt8>?] = prevBufs.map { l == 1 ? nil : UnsafePointer($0) }
            var r: [UnsafePointer<UInt8>?] = ridBufs.map { UnsafePointer($0) }
            let st = parents.withUnsafeBytes { pb in
                ck_sdr_label_layer(&c, &p, pb.baseAddress?.assumingMemoryBound(to: UInt32.self), 4096, &r, UInt32(l), lanes)
            }
            #expect(st == CK_OK)
            for i in 0..<lanes {
                cur[i] = Array(UnsafeBufferPointer(start: bufs[i], count: 4096 * 32))
                #expect(cur[i] == single[i][l - 1], "lanes \(lanes) lane \(i) layer \(l)")
            }
            prev = cur
        }
    }
}

@Test func badSealInputsGiveClearErrors() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(throws: SealError.self) { _ = try RegisteredSealProof(id: 20) }
    #expect(throws: SealError.self) { _ = try RegisteredSealProof.parseSectorSize("3KiB") }
    #expect(try RegisteredSealProof.parseSectorSize("512mib") == 512 << 20)
    let proof = try RegisteredSealProof(id: 5)
    try Data(count: 1000).write(to: URL(fileURLWithPath: dir + "/short"))
    let s = Sealer.Sector(unsealedPadded: dir + "/short", sealed: dir + "/sealed", cache: SectorCache(directory: dir + "/c"),
                          sectorNumber: 1, ticket: [UInt8](repeating: 0, count: 32))
    #expect(throws: SealError.unsealedSize(path: dir + "/short", expected: 2048, actual: 1000)) {
        _ = try Sealer.seal(sectors: [s], proof: proof, proverID: SealIDs.proverID(actorID: 1), parentCacheDirectory: dir + "/p")
    }
    // Data that is not Fr32-padded (a node >= r) is refused when encoding, naming the node.
    var raw = [UInt8](repeating: 0, count: 2048)
    for i in 0..<32 { raw[5 * 32 + i] = 0xff }
    try Data(raw).write(to: URL(fileURLWithPath: dir + "/raw"))
    let bad = Sealer.Sector(unsealedPadded: dir + "/raw", sealed: dir + "/sealed", cache: SectorCache(directory: dir + "/c2"),
                            sectorNumber: 1, ticket: [UInt8](repeating: 0, count: 32))
    #expect(throws: SealError.self) {
        _ = try Sealer.seal(sectors: [bad], proof: proof, proverID: SealIDs.proverID(actorID: 1), parentCacheDirectory: dir + "/p")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/sealed"), "no partial sealed file is left")
    // Unsealing without the key layer, or from a truncated replica, is refused.
    #expect(throws: SealError.self) { try Sealer.unseal(proof: proof, sealed: dir + "/short", cache: SectorCache(directory: dir + "/c"), output: dir + "/o") }
    #expect(SealIDs.proverID(actorID: 1000).prefix(3) == [0xe8, 0x07, 0x00])
    #expect(SealError.noSpace(path: "/x", needed: 10, available: 1).description.contains("free space"))
    // A directory without the space a sector needs is refused before anything is written.
    #expect(throws: SealError.self) { try Sealer.checkSpace(dir, needed: UInt64.max / 2) }
    try Sealer.checkSpace(dir, needed: 1)
}

/// The pieces API: one whole-sector piece reproduces the `seal` fixture's commitments, and
/// a sector of several unaligned pieces has a tree_d root equal to CommD aggregated from
/// the pieces' CommPs (two independent routes; CommD.compute is checked against
/// go-commp-utils in CommitmentTests).
@Test func sealFromPiecesMatchesTheFixtureAndCommD() throws {
    let proof = try RegisteredSealProof(id: 5)
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let c = try #require(try fixture("seal.json").first { (try? str($0, "name")) == "2kib-ctr-v1_1" })
    let input = try #require(c["input"] as? [String: Any]), e = try #require(c["expected"] as? [String: Any])
    let payload = ctrData(seed: 42, 2032)
    try Data(payload).write(to: URL(fileURLWithPath: dir + "/deal"))
    let (r, placed) = try Sealer.seal(pieces: [.file(dir + "/deal")], ticket: try hex32(try str(input, "ticket")), sectorNumber: 7,
                                      proverID: SealIDs.proverID(actorID: 1000), proof: proof, unsealed: dir + "/unsealed",
                                      sealed: dir + "/sealed", cache: SectorCache(directory: dir + "/cache"), parentCacheDirectory: dir + "/p")
    #expect(placed.map(\.offset) == [0] && placed[0].piece.paddedSize == 2048 && placed[0].payloadBytes == 2032)
    #expect(r.commitments[0].commR.hex == e["comm_r"] as? String)
    #expect(r.commitments[0].commD.hex == e["comm_d"] as? String)

    // 100 B (→128), 300 B (→512, aligned to 512) and 200 B (→256, at 1024): gaps and tail are zero pieces.
    let a = ctrData(seed: 1, 100), b = ctrData(seed: 2, 300), d = ctrData(seed: 3, 200)
    let (r2, p2) = try Sealer.seal(pieces: [.bytes(a), .bytes(b), .bytes(d)], ticket: [UInt8](repeating: 3, count: 32), sectorNumber: 8,
                                   proverID: SealIDs.proverID(actorID: 1000), proof: proof, unsealed: dir + "/u2",
                                   sealed: dir + "/s2", cache: SectorCache(directory: dir + "/c2"), parentCacheDirectory: dir + "/p")
    #expect(p2.map(\.offset) == [0, 512, 1024])
    #expect(p2.map(\.piece.paddedSize) == [128, 512, 256])
    let unsealed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/u2")))
    #expect(unsealed.count == 2048)
    #expect(Array(unsealed[0..<128]) == Fr32.pad(a + [UInt8](repeating: 0, count: 27)))
    #expect(unsealed[128..<512].allSatisfy { $0 == 0 } && unsealed[1280...].allSatisfy { $0 == 0 })
    #expect(r2.commitments[0].commD == (try TreeD(paddedData: unsealed).root))

    // Pieces that do not fit: a clear error and no unsealed file left behind.
    #expect(throws: SealError.self) {
        _ = try Sealer.writeUnsealed(pieces: [.bytes(ctrData(seed: 4, 1016)), .bytes(ctrData(seed: 5, 1100))], proof: proof, to: dir + "/u3")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/u3") && !FileManager.default.fileExists(atPath: dir + "/u3.tmp"))
}
