import Foundation
import Kernels

/// The JSON form of a proof file (README, "Vanilla proof files"): the same fields as the
/// binary container, each sector's PoSt proof and each PoRep challenge proof as the hex of
/// its binary encoding. `spbench prove --out F.json` writes it; `verify-proof` reads both.
enum ProofJSON {
    static let format = "spbench-proof/1"

    static func object(_ f: ProofFile) -> [String: Any] {
        switch f {
        case .post(let p):
            return [
                "format": format, "kind": p.postProof.kind.rawValue, "registered_post_proof": p.postProof.id,
                "post_proof": p.postProof.name, "randomness": Hex.encode(p.randomness), "prover_id": Hex.encode(p.proverID),
                "partitions": p.partitions.map { part in
                    part.map { e -> [String: Any] in
                        ["position": e.position, "sector_number": e.proof.sectorNumber, "comm_r": e.proof.commR.hex,
                         "proof": Hex.encode(e.proof.encoded)]
                    }
                },
                "faults": p.faults.map { ["sector_number": $0.sectorNumber, "reason": $0.reason] },
            ]
        case .porep(let p, let prover):
            return [
                "format": format, "kind": "porep", "registered_seal_proof": p.sealProof.id, "seal_proof": p.sealProof.name,
                "sector_number": p.sectorNumber, "prover_id": Hex.encode(prover), "replica_id": Hex.encode(p.replicaID),
                "ticket": Hex.encode(p.ticket), "seed": Hex.encode(p.seed), "comm_d": p.commD.hex, "comm_c": p.commC.hex,
                "comm_r_last": p.commRLast.hex, "comm_r": p.commR.hex,
                "partitions": p.partitions.map { part in part.map { Hex.encode($0.encoded) } },
            ]
        }
    }

    struct Bad: Error, CustomStringConvertible {
        let why: String
        var description: String { "JSON proof: \(why)" }
    }

    static func parse(_ data: Data) throws -> ProofFile {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw Bad(why: "not JSON (\(data.count) bytes): truncated or corrupt") }
        guard root["format"]?.stringValue == format else { throw Bad(why: "no \"format\": \"\(format)\"") }
        func str(_ v: JSONValue?, _ k: String) throws -> String {
            guard let s = v?[k]?.stringValue else { throw Bad(why: "no string \"\(k)\"") }
            return s
        }
        func hex(_ v: JSONValue?, _ k: String, count: Int? = nil) throws -> [UInt8] {
            guard let b = try? Hex.decode(try str(v, k)), count.map({ b.count == $0 }) ?? true else {
                throw Bad(why: "\"\(k)\" is not \(count.map { "\($0) bytes of " } ?? "")hex")
            }
            return b
        }
        func uint(_ v: JSONValue?, _ k: String) throws -> UInt64 {
            guard let n = v?[k]?.uint64Value else { throw Bad(why: "no whole number \"\(k)\"") }
            return n
        }
        func fr(_ k: String) throws -> Fr {
            guard let f = try? Fr(bytes: try hex(root, k, count: 32)[...]) else { throw Bad(why: "\"\(k)\" is not a field element") }
            return f
        }
        guard let parts = root["partitions"]?.arrayValue else { throw Bad(why: "no \"partitions\" array") }
        if try str(root, "kind") == "porep" {
            let sp = try RegisteredSealProof(id: Int(try uint(root, "registered_seal_proof")))
            let commD = Commitment(bytes: try hex(root, "comm_d", count: 32))
            let partitions: [[ChallengeProof]] = try parts.map { part in
                guard let list = part.arrayValue else { throw Bad(why: "a partition is not an array") }
                return try list.map { item in
                    guard let h = item.stringValue, let b = try? Hex.decode(h) else { throw Bad(why: "a challenge proof is not hex") }
                    var used = 0
                    let c = try ChallengeProof(encoded: b, from: 0, consumed: &used, commD: commD)
                    guard used == b.count else { throw Bad(why: "\(b.count - used) trailing bytes after a challenge proof") }
                    return c
                }
            }
            let p = PoRepProof(sealProof: sp, sectorNumber: try uint(root, "sector_number"), replicaID: try hex(root, "replica_id", count: 32),
                               ticket: try hex(root, "ticket", count: 32), seed: try hex(root, "seed", count: 32), commD: commD,
                               commC: try fr("comm_c"), commRLast: try fr("comm_r_last"), commR: try fr("comm_r"), partitions: partitions)
            return .porep(p, proverID: try hex(root, "prover_id"))
        }
        let pp = try RegisteredPoStProof(id: Int(try uint(root, "registered_post_proof")))
        let partitions: [[PoStProof.Entry]] = try parts.map { part in
            guard let list = part.arrayValue else { throw Bad(why: "a partition is not an array") }
            return try list.map { e in
                let proof = try PoStSectorProof(encoded: try hex(e, "proof"))
                guard proof.sectorNumber == (try uint(e, "sector_number")), proof.commR.hex == (try str(e, "comm_r")).lowercased() else {
                    throw Bad(why: "sector_number or comm_r of an entry differ from its proof bytes")
                }
                return PoStProof.Entry(position: Int(try uint(e, "position")), proof: proof)
            }
        }
        let faults = try (root["faults"]?.arrayValue ?? []).map { f in
            SectorFault(sectorNumber: try uint(f, "sector_number"), reason: f["reason"]?.stringValue ?? "")
        }
        return .post(PoStProof(postProof: pp, randomness: try hex(root, "randomness", count: 32), proverID: try hex(root, "prover_id", count: 32),
                               partitions: partitions, faults: faults))
    }

    /// Reads a proof file in either form: JSON when it starts with "{", else binary.
    static func read(_ data: Data) throws -> ProofFile {
        if data.first == UInt8(ascii: "{") { return try parse(data) }
        return try ProofFile(encoded: Array(data))
    }

    /// Writes `f` to `path`: JSON when the path ends in .json, else binary.
    static func write(_ f: ProofFile, to path: String) throws -> Int {
        let data = path.hasSuffix(".json") ? Data((jsonString(object(f)) + "\n").utf8) : Data(f.encoded)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        return data.count
    }
}
