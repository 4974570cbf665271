import Foundation
import Kernels

/// Handlers of family pairing: op "pairing" (p, q compressed -> gt, 576-byte GT hex) and
/// op "pairing_check" (pairs of {p, q} -> is_one).
let pairingHandlers: [String: FamilyHandler] = [
    "pairing": { ctx in
        let op = try ctx.string("op")
        switch op {
        case "pairing":
            let p = try pairingG1(try ctx.hexBytes("p"), "input.p")
            let q = try pairingG2(try ctx.hexBytes("q"), "input.q")
            return .values(["gt": .string(Hex.encode(Pairing.pairing(p, q).bytes))])
        case "pairing_check":
            guard let list = ctx.input["pairs"]?.arrayValue else { throw MalformedError("input.pairs must be a list of {p, q}") }
            let pairs = try list.enumerated().map { i, v -> (G1Point, G2Point) in
                guard let ps = v["p"]?.stringValue, let qs = v["q"]?.stringValue,
                      let pb = try? Hex.decode(ps), let qb = try? Hex.decode(qs) else {
                    throw MalformedError("input.pairs[\(i)] must be {\"p\": hex, \"q\": hex}")
                }
                return (try pairingG1(pb, "input.pairs[\(i)].p"), try pairingG2(qb, "input.pairs[\(i)].q"))
            }
            return .values(["is_one": .bool(Pairing.check(pairs))])
        default:
            throw MalformedError("input.op must be pairing or pairing_check")
        }
    },
]

private func pairingG1(_ b: [UInt8], _ key: String) throws -> G1Point {
    do { return try G1Point(bytes: b) } catch { throw MalformedError("\(key) is not a valid G1 point: \(error)") }
}

private func pairingG2(_ b: [UInt8], _ key: String) throws -> G2Point {
    do { return try G2Point(bytes: b) } catch { throw MalformedError("\(key) is not a valid G2 point: \(error)") }
}
