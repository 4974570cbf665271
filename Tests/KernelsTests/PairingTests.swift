import CKernels
import Foundation
import Testing
@testable import Kernels

private func pairingRng(_ seed: UInt64) -> () -> UInt64 {
    var s = seed
    return {
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return s ^ (s >> 29)
    }
}

private func pairingRandomFr(_ next: () -> UInt64) -> Fr {
    Fr(reducing: (0..<4).flatMap { _ in le64Bytes(next()) })
}

/// p as 48 big-endian bytes.
private let pBE: [UInt8] = {
    var h = "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab"
    var out: [UInt8] = []
    while !h.isEmpty {
        out.append(UInt8(h.prefix(2), radix: 16) ?? 0)
        h.removeFirst(2)
    }
    return out
}()

/// The byte-exact check against blst/arkworks (the fixture also runs under `spbench verify`).
@Test func pairingMatchesFixture() throws {
    for c in try fixture("pairing.json") {
        let name = c["name"] as? String ?? "?"
        let input = try #require(c["input"] as? [String: Any]), exp = try #require(c["expected"] as? [String: Any])
        switch input["op"] as? String {
        case "pairing":
            let p = try G1Point(bytes: try hexBytes(try #require(input["p"] as? String)))
            let q = try G2Point(bytes: try hexBytes(try #require(input["q"] as? String)))
            let gt = Pairing.pairing(p, q)
            #expect(Hex.encode(gt.bytes) == (exp["gt"] as? String)?.lowercased(), "\(name)")
        case "pairing_check":
            let list = try #require(input["pairs"] as? [[String: Any]])
            let pairs = try list.map { d in
                (try G1Point(bytes: try hexBytes(try #require(d["p"] as? String))),
                 try G2Point(bytes: try hexBytes(try #require(d["q"] as? String))))
            }
            #expect(Pairing.check(pairs) == (exp["is_one"] as? Bool), "\(name)")
        default:
            Issue.record("unknown op in \(name)")
        }
    }
}

@Test func pairingIsBilinear() {
    let next = pairingRng(11)
    let g1 = G1Point.generator, g2 = G2Point.generator
    let e = Pairing.pairing(g1, g2)
    for _ in 0..<2 {
        let a = pairingRandomFr(next), b = pairingRandomFr(next)
        let lhs = Pairing.pairing(g1.multiplied(by: a), g2.multiplied(by: b))
        #expect(lhs == e.pow(a * b))
        #expect(lhs == Pairing.pairing(g1.multiplied(by: a * b), g2))
        #expect(lhs == Pairing.pairing(g1, g2.multiplied(by: a * b)))
    }
    let p = g1.multiplied(by: Fr(5)), q = g2.multiplied(by: Fr(7))
    #expect(Pairing.pairing(p + g1, q) == Pairing.pairing(p, q) * Pairing.pairing(g1, q))
}

@Test func negationGivesTheInverse() {
    let p = G1Point.generator.multiplied(by: Fr(12345)), q = G2Point.generator.multiplied(by: Fr(678))
    let e = Pairing.pairing(p, q)
    #expect((e * Pairing.pairing(-p, q)).isOne)
    #expect((e * Pairing.pairing(p, -q)).isOne)
    #expect(Pairing.pairing(-p, q) == e.conjugate)
    #expect(e.inverse() == e.conjugate)
    #expect(Pairing.check([(p, q), (-p, q)]))
    #expect(!Pairing.check([(p, q), (p, q)]))
}

@Test func pairingIsNonDegenerateOfOrderR() {
    let e = Pairing.pairing(.generator, .generator)
    #expect(!e.isOne)
    #expect(e.pow(exponentBE: Fr.modulusBytes.reversed()).isOne)
    #expect(Pairing.pairing(.infinity, .generator).isOne)
    #expect(Pairing.pairing(.generator, .infinity).isOne)
    #expect(Pairing.check([]))
    #expect(Pairing.multiPairing([]).isOne)
}

@Test func multiPairingIsTheProduct() {
    let next = pairingRng(3)
    var pairs: [(G1Point, G2Point)] = []
    var product = GT.one
    for i in 0..<10 {  // crosses the C chunk of 8 pairs
        let p = i == 4 ? G1Point.infinity : G1Point.generator.multiplied(by: pairingRandomFr(next))
        let q = i == 7 ? G2Point.infinity : G2Point.generator.multiplied(by: pairingRandomFr(next))
        pairs.append((p, q))
        product *= Pairing.pairing(p, q)
        #expect(Pairing.multiPairing(pairs) == product, "n=\(i + 1)")
    }
    #expect(Pairing.finalExponentiation(Pairing.millerLoop(pairs)) == product)
    let (p, q) = pairs[0]
    #expect(Pairing.finalExponentiation(Pairing.millerLoop(p, q)) == Pairing.pairing(p, q))
}

@Test func gtEncodingRoundTrips() throws {
    let one = GT.one.bytes
    #expect(one.count == 576)
    #expect(one[47] == 1 && one.enumerated().allSatisfy { $0.offset == 47 || $0.element == 0 })
    let e = Pairing.pairing(.generator, G2Point.generator.multiplied(by: Fr(99)))
    #expect(try GT(bytes: e.bytes) == e)
    #expect(try GT(bytes: e.bytes).bytes == e.bytes)
    #expect(throws: GTError.length(575)) { try GT(bytes: [UInt8](repeating: 0, count: 575)) }
    var bad = e.bytes
    for i in 0..<48 { bad[96 + i] = 0xff }
    #expect(throws: GTError.coordinateNotCanonical) { try GT(bytes: bad) }
}

@Test func fp12InverseAndFrobeniusIdentities() {
    // A general Fp12 element (a Miller loop value is not in GT).
    let f = Pairing.millerLoop(G1Point.generator.multiplied(by: Fr(3)), G2Point.generator.multiplied(by: Fr(5)))
    #expect(!f.isOne)
    #expect(((f.inverse() ?? .one) * f).isOne)
    #expect(f.frobenius(1) == f.pow(exponentBE: pBE))
    var g = f
    for k in 1...12 {
        g = g.frobenius(1)
        #expect(g == f.frobenius(UInt32(k)), "k=\(k)")
    }
    #expect(g == f)  // Frobenius^12 is the identity
    #expect(f.frobenius(6) == f.conjugate)
    #expect(f.squared() == f * f)
    var zero = ck_fp12()
    var inv = ck_fp12()
    #expect(ck_fp12_inv(&inv, &zero) == CK_E_NOT_INVERTIBLE)
}
