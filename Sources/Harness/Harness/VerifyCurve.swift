import Foundation
import Kernels

/// Handlers of the curve families: g1, g2, msm.
let curveHandlers: [String: FamilyHandler] = [
    "g1": { ctx in try curveCase(ctx, G1Ops()) },
    "g2": { ctx in try curveCase(ctx, G2Ops()) },
    "msm": { ctx in
        let group = try ctx.string("group")
        let n = Int(try ctx.uint("n"))
        guard n >= 0 && n <= 1 << 22 else { throw MalformedError("input.n must be 0...2^22") }
        if let why = ctx.overBudget(UInt64(n) * 400) { return .skipped(why) }
        // The terms: explicit, or from the sha256-msm-v1 generator (h_i·G, k_i).
        var hs: [Fr]? = nil, ks: [Fr]
        if let g = ctx.input["generator"] {
            guard g["name"]?.stringValue == "sha256-msm-v1", let seed = g["seed"]?.stringValue else {
                throw MalformedError("input.generator must be {\"name\": \"sha256-msm-v1\", \"seed\": S}")
            }
            func h(_ tag: String, _ i: Int) -> Fr { Fr(reducing: SHA256.hash(Array("\(seed):\(tag):\(i)".utf8))) }
            hs = (0..<n).map { h("point", $0) }
            ks = (0..<n).map { h("scalar", $0) }
        } else {
            guard let list = ctx.input["scalars"]?.arrayValue, list.count == n else { throw MalformedError("input.scalars must hold n scalars") }
            ks = try list.map { v in
                guard let s = v.stringValue, let b = try? Hex.decode(s), let f = try? Fr(bytes: b) else {
                    throw MalformedError("a scalar is not 32 canonical little-endian bytes")
                }
                return f
            }
        }
        let explicit = try ctx.input["points"]?.arrayValue.map { list -> [[UInt8]] in
            guard list.count == n else { throw MalformedError("input.points must hold n points") }
            return try list.map { v in
                guard let s = v.stringValue, let b = try? Hex.decode(s) else { throw MalformedError("a point is not hex") }
                return b
            }
        }
        let threads = ctx.options.threads
        switch group {
        case "g1":
            let pts: [G1Point] = try explicit.map { try $0.map { try G1Point(bytes: $0) } } ?? (hs ?? []).map { G1Point.generator.multiplied(by: $0) }
            if let explicit, let hs { // both given: they must agree
                guard zip(explicit, hs).allSatisfy({ G1Point.generator.multiplied(by: $1).compressed == $0 }) else {
                    throw FieldCaseError("the explicit points differ from the generator's")
                }
            }
            return .values(["result": .string(Hex.encode(try G1Point.msm(pts, ks, threads: threads).compressed))])
        case "g2":
            let pts: [G2Point] = try explicit.map { try $0.map { try G2Point(bytes: $0) } } ?? (hs ?? []).map { G2Point.generator.multiplied(by: $0) }
            return .values(["result": .string(Hex.encode(try G2Point.msm(pts, ks, threads: threads).compressed))])
        default:
            throw MalformedError("input.group must be g1 or g2")
        }
    },
]

/// What the g1 and g2 handlers need of a group.
protocol CurveOps {
    associatedtype P
    var name: String { get }
    func decode(_ b: [UInt8]) throws -> P
    func compressed(_ p: P) -> [UInt8]
    func uncompressed(_ p: P) -> [UInt8]
    func add(_ a: P, _ b: P) -> P
    func double(_ a: P) -> P
    func neg(_ a: P) -> P
    func mul(_ a: P, _ k: [UInt8]) throws -> P
}

struct G1Ops: CurveOps {
    var name: String { "G1" }
    func decode(_ b: [UInt8]) throws -> G1Point { try G1Point(bytes: b) }
    func compressed(_ p: G1Point) -> [UInt8] { p.compressed }
    func uncompressed(_ p: G1Point) -> [UInt8] { p.uncompressed }
    func add(_ a: G1Point, _ b: G1Point) -> G1Point { a + b }
    func double(_ a: G1Point) -> G1Point { a.doubled() }
    func neg(_ a: G1Point) -> G1Point { -a }
    func mul(_ a: G1Point, _ k: [UInt8]) throws -> G1Point { try a.multiplied(by: k) }
}

struct G2Ops: CurveOps {
    var name: String { "G2" }
    func decode(_ b: [UInt8]) throws -> G2Point { try G2Point(bytes: b) }
    func compressed(_ p: G2Point) -> [UInt8] { p.compressed }
    func uncompressed(_ p: G2Point) -> [UInt8] { p.uncompressed }
    func add(_ a: G2Point, _ b: G2Point) -> G2Point { a + b }
    func double(_ a: G2Point) -> G2Point { a.doubled() }
    func neg(_ a: G2Point) -> G2Point { -a }
    func mul(_ a: G2Point, _ k: [UInt8]) throws -> G2Point { try a.multiplied(by: k) }
}

private func curveCase<O: CurveOps>(_ ctx: CaseContext, _ ops: O) throws -> Outcome {
    let op = try ctx.string("op")
    func point(_ k: String) throws -> O.P {
        do { return try ops.decode(try ctx.hexBytes(k)) } catch let e as MalformedError { throw e } catch {
            throw MalformedError("input.\(k) is not a valid \(ops.name) point: \(error)")
        }
    }
    switch op {
    case "add": return .values(["result": .string(Hex.encode(ops.compressed(ops.add(try point("a"), try point("b")))))])
    case "double": return .values(["result": .string(Hex.encode(ops.compressed(ops.double(try point("a")))))])
    case "neg": return .values(["result": .string(Hex.encode(ops.compressed(ops.neg(try point("a")))))])
    case "mul":
        let k = try ctx.hexBytes("scalar")
        guard k.count == 32 else { throw MalformedError("input.scalar must be 32 bytes") }
        return .values(["result": .string(Hex.encode(ops.compressed(try ops.mul(try point("a"), k))))])
    case "decompress", "compress":
        let p = try ops.decode(try ctx.hexBytes("bytes"))  // a rejection is the expected error
        return op == "decompress" ? .values(["uncompressed": .string(Hex.encode(ops.uncompressed(p)))])
            : .values(["compressed": .string(Hex.encode(ops.compressed(p)))])
    default:
        throw MalformedError("input.op must be add, double, neg, mul, compress or decompress")
    }
}
