import Foundation
import Kernels

/// Handlers of the sealing families: porep-id, replica-id, sdr-parents, sdr-parent-cache,
/// sdr-labels, seal.
let sealHandlers: [String: FamilyHandler] = [
    "porep-id": { ctx in
        let p = try RegisteredSealProof(id: Int(try ctx.uint("registered_seal_proof")))
        return .values(["porep_id": .string(Hex.encode(p.porepID)), "api_version": .string(p.apiVersion),
                        "name": .string(p.name)])
    },
    "replica-id": { ctx in
        let r = SealIDs.replicaID(proverID: try ctx.bytes32("prover_id"), sectorNumber: try ctx.uint("sector_number"),
                                  ticket: try ctx.bytes32("ticket"), commD: try ctx.bytes32("comm_d"), porepID: try ctx.bytes32("porep_id"))
        return .values(["replica_id": .string(Hex.encode(r))])
    },
    "sdr-parents": { ctx in
        let g = try ctx.graph()
        let v = Int(try ctx.uint("node"))
        guard v < g.nodes else { throw MalformedError("input.node \(v) is not below nodes \(g.nodes)") }
        let p = g.parents(of: v).map { JSONValue.number(Double($0)) }
        return .values(["parents": .array(p), "drg_parents": .array(Array(p[0..<6])), "expander_parents": .array(Array(p[6..<14]))])
    },
    "sdr-parent-cache": { ctx in
        let g = try ctx.graph()
        let key = ParentCache.key(graph: g)
        var out: [String: JSONValue] = ["cache_key": .string(key), "file_name": .string(key + ".cache"),
                                        "file_bytes": .number(Double(g.nodes * 56))]
        if ctx.expected["digest"] != nil {
            if let why = ctx.overBudget(UInt64(g.nodes) * 56) { return .skipped(why) }
            out["digest"] = .string(ParentCache.digest(graph: g, threads: ctx.options.threads))
        }
        return .values(out)
    },
    "sdr-labels": { ctx in
        let g = try ctx.graph()
        let layers = Int(try ctx.uint("layers"))
        guard layers >= 1 && layers <= 15 else { throw MalformedError("input.layers must be 1...15") }
        if let why = ctx.overBudget(UInt64(g.nodes) * 32 * UInt64(layers + 2)) { return .skipped(why) }
        let labels = try SDRLabels.compute(graph: g, replicaID: try ctx.bytes32("replica_id"), layers: layers)
        let last = labels[layers - 1]
        var out: [String: JSONValue] = ["last_label": .string(Hex.encode(last[(last.count - 32)...]))]
        out["layer_sha256"] = .array(labels.map { .string(Hex.encode(SHA256.hash($0))) })
        if let wanted = ctx.expected["labels"]?.arrayValue {
            out["labels"] = .array(try wanted.map { w in
                guard let l = w["layer"]?.uint64Value, let v = w["node"]?.uint64Value, l >= 1, Int(l) <= layers, Int(v) < g.nodes else {
                    throw MalformedError("expected.labels entries need layer 1...\(layers) and node < \(g.nodes)")
                }
                let off = Int(v) * 32
                return .object(["layer": .number(Double(l)), "node": .number(Double(v)),
                                "label": .string(Hex.encode(labels[Int(l) - 1][off..<(off + 32)]))])
            })
        }
        return .values(out)
    },
    "seal": { ctx in
        let proof = try RegisteredSealProof(id: Int(try ctx.uint("registered_seal_proof")))
        guard try ctx.uint("sector_size") == proof.sectorSize else {
            throw MalformedError("input.sector_size does not match registered_seal_proof \(proof.id) (\(proof.sectorSize) bytes)")
        }
        if let why = ctx.overBudget(proof.sectorSize * UInt64(proof.layers + 6)) { return .skipped(why) }
        let spec = try ctx.data()
        let unpadded = proof.sectorSize / 128 * 127
        guard spec.length <= unpadded else { throw MalformedError("input.data is longer than the sector's \(unpadded) unpadded bytes") }
        var payload = try spec.bytes()
        payload += [UInt8](repeating: 0, count: Int(unpadded) - payload.count)
        let dir = try TemporaryDirectory(prefix: "spbench-verify-seal")
        defer { dir.remove() }
        let unsealed = dir.path + "/unsealed", sealed = dir.path + "/sealed"
        try Data(Fr32.pad(payload)).write(to: URL(fileURLWithPath: unsealed))
        let sector = Sealer.Sector(unsealedPadded: unsealed, sealed: sealed, cache: SectorCache(directory: dir.path + "/cache"),
                                   sectorNumber: try ctx.uint("sector_number"), ticket: try ctx.bytes32("ticket"))
        let r = try Sealer.seal(sectors: [sector], proof: proof, proverID: try ctx.bytes32("prover_id"),
                                parentCacheDirectory: dir.path + "/parents", threads: ctx.options.threads)
        let c = r.commitments[0]
        // The replica must give the data back.
        try Sealer.unseal(proof: proof, sealed: sealed, cache: sector.cache, output: dir.path + "/unsealed-again")
        guard FileManager.default.contentsEqual(atPath: unsealed, andPath: dir.path + "/unsealed-again") else {
            throw FieldCaseError("unsealing did not give the unsealed sector back")
        }
        // Commit 1 and both PoSts over the sealed sector must verify (no fixture holds these
        // proofs; a mutated copy is rejected, see ProvingTests).
        var seed = SHA256.hash(Array("spbench-verify-seed".utf8) + c.replicaID)
        seed[31] &= 0x3f
        let pub = PoRepPublic(sealProof: proof, proverID: try ctx.bytes32("prover_id"), sectorNumber: sector.sectorNumber,
                              ticket: sector.ticket, seed: seed, commD: c.commD, commR: c.commR)
        let c1 = try Commit1.prove(public: pub, sealed: sealed, cache: sector.cache)
        let v1 = Commit1.verify(c1, public: pub)
        guard v1.valid else { throw FieldCaseError("the Commit 1 proof of the sealed sector does not verify: \(v1.reason ?? "")") }
        let ss = SealedSector(number: sector.sectorNumber, sealProof: proof, sealed: sealed, cache: sector.cache, commR: c.commR)
        for kind in [RegisteredPoStProof.Kind.window, .winning] {
            let pp = try RegisteredPoStProof(kind: kind, sectorSize: proof.sectorSize)
            let w = kind == .window
                ? try PoStProof.proveWindow(sectors: [ss], postProof: pp, randomness: seed, proverID: pub.proverID, threads: ctx.options.threads)
                : try PoStProof.proveWinning(eligible: [ss], postProof: pp, randomness: seed, proverID: pub.proverID)
            let v = w.verify(commRs: [ss.number: c.commR])
            guard v.valid, w.faults.isEmpty else { throw FieldCaseError("the \(pp.name) proof of the sealed sector does not verify: \(v.reason ?? "faulty")") }
        }
        return .values([
            "commit1": .string("verified"), "post": .string("verified"),
            "comm_d": .string(c.commD.hex), "replica_id": .string(Hex.encode(c.replicaID)), "comm_c": .string(c.commC.hex),
            "comm_r_last": .string(c.commRLast.hex), "comm_r": .string(c.commR.hex),
            "comm_d_cid": .string(PieceCID.encode(c.commD, kind: .unsealed)),
            "comm_r_cid": .string(PieceCID.encode(Commitment(bytes: c.commR.bytes), kind: .sealed)),
        ])
    },
]

extension CaseContext {
    func bytes32(_ key: String) throws -> [UInt8] {
        let b = try hexBytes(key)
        guard b.count == 32 else { throw MalformedError("input.\(key) must be 32 bytes (64 hex characters), got \(b.count)") }
        return b
    }

    /// The graph of input.porep_id, input.nodes and input.api_version.
    func graph() throws -> SDRGraph {
        let nodes = try uint("nodes")
        guard nodes >= 2 && nodes <= 1 << 31 else { throw MalformedError("input.nodes must be 2...2^31") }
        let api = try string("api_version")
        guard ["1.0.0", "1.1.0", "1.2.0"].contains(api) else { throw MalformedError("input.api_version must be 1.0.0, 1.1.0 or 1.2.0") }
        return try SDRGraph(porepID: try bytes32("porep_id"), nodes: Int(nodes), legacy: api == "1.0.0")
    }
}
