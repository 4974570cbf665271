import Foundation
import Kernels

/// Handlers of the proving families: porep-challenges, post-challenges,
/// winning-post-sectors, post-vanilla.
let proveHandlers: [String: FamilyHandler] = [
    "porep-challenges": { ctx in
        let nodes = try ctx.uint("sector_nodes")
        guard nodes >= 2 else { throw MalformedError("input.sector_nodes must be at least 2") }
        let kind = try ctx.string("kind")
        switch kind {
        case "interactive":
            let c = try ctx.challengeCount(), k = Int(try ctx.uint("partition"))
            let cs = PoRepChallenges.interactive(replicaID: try ctx.bytes32("replica_id"), seed: try ctx.bytes32("seed"),
                                                 nodes: nodes, perPartition: c, partition: k)
            return .values(["challenges": .array(cs.map { .number(Double($0)) })])
        case "non-interactive":
            let c = try ctx.challengeCount(), k = Int(try ctx.uint("partition"))
            let cs = PoRepChallenges.nonInteractive(replicaID: try ctx.bytes32("replica_id"), commR: try ctx.bytes32("comm_r"),
                                                    nodes: nodes, perPartition: c, partition: k)
            return .values(["challenges": .array(cs.map { .number(Double($0)) })])
        case "synthetic", "synthetic-set":
            let count = ctx.input["num_synth_challenges"] != nil ? Int(try ctx.uint("num_synth_challenges"))
                : PoRepChallenges.syntheticCount(nodes: nodes)
            guard count >= 1 && count <= 1 << 18 else { throw MalformedError("input.num_synth_challenges must be 1...2^18") }
            let set = PoRepChallenges.syntheticSet(replicaID: try ctx.bytes32("replica_id"), commR: try ctx.bytes32("comm_r"),
                                                   nodes: nodes, count: count)
            if kind == "synthetic-set" { return .values(["challenges": .array(set.map { .number(Double($0)) })]) }
            let c = try ctx.challengeCount(), k = Int(try ctx.uint("partition"))
            let idx = PoRepChallenges.syntheticSelection(replicaID: try ctx.bytes32("replica_id"), seed: try ctx.bytes32("seed"),
                                                         setSize: set.count, perPartition: c, partition: k)
            return .values(["challenges": .array(idx.map { .number(Double(set[$0])) })])
        default:
            throw MalformedError("input.kind must be interactive, non-interactive, synthetic or synthetic-set, got \"\(kind)\"")
        }
    },
    "post-challenges": { ctx in
        let nodes = try ctx.uint("sector_nodes")
        guard nodes >= 1 else { throw MalformedError("input.sector_nodes must be positive") }
        let type = try ctx.string("post_type"), api = try ctx.string("api_version")
        guard ["1.0.0", "1.1.0", "1.2.0"].contains(api) else { throw MalformedError("input.api_version must be 1.0.0, 1.1.0 or 1.2.0") }
        let c = Int(try ctx.uint("challenge_count")), s = Int(try ctx.uint("sector_position"))
        let randomness = try ctx.bytes32("randomness"), sector = try ctx.uint("sector_number")
        let positional = type == "window" && api != "1.2.0"
        guard type == "window" || type == "winning" else { throw MalformedError("input.post_type must be window or winning") }
        let leaves = (0..<c).map { n in
            PoStChallenges.leaf(randomness: randomness, sectorNumber: sector, challengeIndex: UInt64(positional ? s * c + n : n), nodes: nodes)
        }
        // Production sizes also go through the proof type's own rule.
        if let size = RegisteredSealProof.sectorSizes.first(where: { $0 / 32 == nodes }),
           let pp = try? RegisteredPoStProof(kind: type == "window" ? .window : .winning, sectorSize: size, apiVersion: api == "1.1.0" ? "1.0.0" : api),
           pp.challengeCount == c
        {
            let viaType = PoStChallenges.leaves(proof: pp, randomness: randomness, sectorNumber: sector, position: s)
            guard viaType == leaves else { throw FieldCaseError("\(pp.name)'s challenge rule disagrees with the generic one") }
        }
        return .values(["leaves": .array(leaves.map { .number(Double($0)) })])
    },
    "winning-post-sectors": { ctx in
        let count = Int(try ctx.uint("count"))
        guard count >= 1 && count <= 1 << 16 else { throw MalformedError("input.count must be 1...65536") }
        let idx = try PoStChallenges.winningSectors(proverID: try ctx.bytes32("prover_id"), randomness: try ctx.bytes32("randomness"),
                                                    setSize: Int(try ctx.uint("sector_set_size")), count: count)
        return .values(["indices": .array(idx.map { .number(Double($0)) })])
    },
    "post-vanilla": { ctx in
        let size = try ctx.uint("sector_size")
        let api = try ctx.string("api_version")
        let pp = try RegisteredPoStProof(kind: .window, sectorSize: size, apiVersion: api == "1.1.0" ? "1.0.0" : api)
        var bytes = try ctx.proofBytes()
        if let x = ctx.input["proof"]?["xor_byte"] {
            guard let off = x["offset"]?.uint64Value, let mask = x["mask"]?.uint64Value, mask <= 255 else {
                throw MalformedError("input.proof.xor_byte needs offset and mask (0...255)")
            }
            guard Int(off) < bytes.count else { throw MalformedError("input.proof.xor_byte.offset \(off) is past the \(bytes.count) proof bytes") }
            bytes[Int(off)] ^= UInt8(mask)
        }
        let commR: Fr
        do { commR = try Fr(bytes: try ctx.bytes32("comm_r")[...]) } catch let e as MalformedError { throw e } catch {
            return .values(["valid": .bool(false), "reason": .string("comm_r is not a field element")])
        }
        let v = PoSt.verify(encoded: bytes, proof: pp, randomness: try ctx.bytes32("randomness"), sectorNumber: try ctx.uint("sector_number"),
                            commR: commR, position: Int(try ctx.uint("sector_position")))
        return .values(["valid": .bool(v.valid), "reason": .string(v.reason ?? "")])
    },
]

extension CaseContext {
    func challengeCount() throws -> Int {
        let c = try uint("challenges_per_partition")
        guard c >= 1 && c <= 1 << 16 else { throw MalformedError("input.challenges_per_partition must be 1...65536") }
        return Int(c)
    }

    /// input.proof: {"hex": …} or {"file": NAME}, a hex text file next to the fixture.
    func proofBytes() throws -> [UInt8] {
        guard let p = input["proof"]?.objectValue else { throw MalformedError("input.proof must be an object with \"hex\" or \"file\"") }
        var text: String
        if let h = p["hex"]?.stringValue {
            text = h
        } else if let f = p["file"]?.stringValue {
            guard !f.contains("/") else { throw MalformedError("input.proof.file must name a file next to the fixture") }
            let url = dir.appendingPathComponent(f)
            guard let d = FileManager.default.contents(atPath: url.path) else { throw MalformedError("input.proof.file \(url.path) cannot be read") }
            text = String(decoding: d, as: UTF8.self)
        } else {
            throw MalformedError("input.proof must have \"hex\" or \"file\"")
        }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        do { return try Hex.decode(text) } catch { throw MalformedError("input.proof is not hex: \(error)") }
    }
}
