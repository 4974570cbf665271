import CKernels
import Testing
@testable import Kernels

// Expected values come from GMP mpz arithmetic mod p (ck_gmp_fp_op, the independent oracle)
// or from Fixtures/fp.json; the identities at the end need no oracle.

private let zero48 = [UInt8](repeating: 0, count: 48)

/// One GMP mpz operation mod p on plain 48-byte big-endian integers.
private func gmp(_ op: Int32, _ a: [UInt8], _ b: [UInt8] = zero48) -> [UInt8]? {
    var out = [UInt8](repeating: 0, count: 48)
    let st = ck_gmp_fp_op(&out, op, a, b)
    return st == CK_OK ? out : nil
}

private struct OracleError: Error {}

/// The same, throwing when GMP refuses (only inverse of 0 does).
private func gmpT(_ op: Int32, _ a: [UInt8], _ b: [UInt8] = zero48) throws -> [UInt8] {
    guard let r = gmp(op, a, b) else { throw OracleError() }
    return r
}

/// GMP: is a (mod p) zero or a square?
private func gmpIsSquare(_ a: [UInt8]) -> Bool { gmp(7, a)?.last == 1 }

/// p - k (big-endian), k small.
private func modulusMinus(_ k: Int) -> [UInt8] {
    var v = Fp.modulusBytesBE
    var borrow = k
    for i in stride(from: 47, through: 0, by: -1) where borrow > 0 {
        let x = Int(v[i]) - borrow
        v[i] = UInt8((x % 256 + 256) % 256)
        borrow = x < 0 ? (255 - x) / 256 : 0
    }
    return v
}

private func small(_ k: UInt8) -> [UInt8] { [UInt8](repeating: 0, count: 47) + [k] }

/// A deterministic stream of canonical 48-byte encodings: the edge values 0, 1, 2, p-1,
/// p-2, (p-1)/2, (p+1)/2, 2^380, 2^192+1, then SHA-256 derived values (top byte masked so
/// many land just below p).
private func sampleElements(_ n: Int, seed: String) -> [[UInt8]] {
    var half = Fp.modulusBytesBE // (p-1)/2 and (p+1)/2 by halving p
    var carry: UInt8 = 0
    for i in 0..<48 {
        let b = half[i]
        half[i] = (b >> 1) | (carry << 7)
        carry = b & 1
    }
    var halfUp = half
    halfUp[47] += 1
    var p380 = zero48
    p380[0] = 0x10
    var p192 = zero48
    p192[23] = 1
    p192[47] = 1
    var out = [small(0), small(1), small(2), modulusMinus(1), modulusMinus(2), half, halfUp, p380, p192]
    var i = 0
    while out.count < n {
        var d = Array((SHA256.hash(Array("\(seed)/\(i)/hi".utf8)) + SHA256.hash(Array("\(seed)/\(i)/lo".utf8))).prefix(48))
        d[0] &= (i % 3 == 0) ? 0x1a : 0x1f
        if i % 5 == 0 { d[0] = 0x1a; d[1] = 0x01 } // just below p's top bytes
        if (try? Fp(bytesBE: d)) != nil { out.append(d) }
        i += 1
    }
    return out
}

@Test func fpOperationsMatchFixtures() throws {
    var checked = 0
    for c in try fixture("fp.json") {
        let name = try str(c, "name")
        let input = try #require(c["input"] as? [String: Any])
        let e = try #require(c["expected"] as? [String: Any])
        let op = try str(input, "op")
        let wantsError = e["error"] != nil
        func operand(_ k: String) throws -> Fp { try Fp(hex: try str(input, k)) }
        var result: Fp?
        var bytesOut: String?
        var valueOut: String?
        do {
            switch op {
            case "add": result = try operand("a") + operand("b")
            case "sub": result = try operand("a") - operand("b")
            case "mul": result = try operand("a") * operand("b")
            case "square": result = try operand("a").squared()
            case "neg": result = -(try operand("a"))
            case "inverse": result = try operand("a").inverse()
            case "pow": result = try operand("a").pow(exponentBE: try Hex.decode(try str(input, "exp")))
            case "from_bytes":
                valueOut = DecimalBE.format(try Fp(bytesBE: try Hex.decode(try str(input, "bytes"))).bytesBE)
            case "to_bytes":
                let v: String = try (input["value"] as? Int).map(String.init) ?? str(input, "value")
                bytesOut = try Fp(bytesBE: try #require(DecimalBE.parse(v, byteCount: 48))).hex
            default: Issue.record("unknown op \(op) in \(name)")
            }
        } catch is FpError {
            #expect(wantsError, "\(name) rejected an input it should accept")
            checked += 1
            continue
        }
        checked += 1
        if wantsError {
            Issue.record("\(name) should fail")
            continue
        }
        if let r = e["result"] as? String { #expect(result?.hex == r, "\(name)") }
        if let b = e["bytes"] as? String { #expect(bytesOut == b, "\(name)") }
        if let v = e["value"] {
            let want = (v as? Int).map(String.init) ?? (v as? String)
            #expect(valueOut == want, "\(name)")
        }
    }
    #expect(checked >= 100)
}

/// 1,600 pairs against GMP mod p through the dispatched, portable and (when the CPU has
/// it) mulx/adx multiplication, with aliased outputs.
@Test func fpArithmeticAgreesWithGMP() throws {
    let xs = sampleElements(1600, seed: "fp-gmp-a"), ys = Array(sampleElements(1600, seed: "fp-gmp-b").reversed())
    let adx = ck_cpu_features() & UInt32(CK_CPU_ADX) != 0
    for (a, b) in zip(xs, ys) {
        let fa = try Fp(bytesBE: a), fb = try Fp(bytesBE: b)
        #expect(fa.bytesBE == a)
        #expect((fa + fb).bytesBE == gmp(0, a, b))
        #expect((fa - fb).bytesBE == gmp(1, a, b))
        let prod = try #require(gmp(2, a, b)), sq = try #require(gmp(3, a))
        #expect((fa * fb).bytesBE == prod)
        #expect(fa.squared().bytesBE == sq)
        #expect((-fa).bytesBE == gmp(4, a))
        #expect(fa.doubled().bytesBE == gmp(0, a, a))
        var ra = fa.raw, rb = fb.raw, out = ck_fp()
        ck_fp_mul_portable(&out, &ra, &rb)
        #expect(Fp(raw: out).bytesBE == prod)
        ck_fp_sqr_portable(&out, &ra)
        #expect(Fp(raw: out).bytesBE == sq)
        if adx {
            #expect(ck_fp_mul_adx(&out, &ra, &rb) == CK_OK && Fp(raw: out).bytesBE == prod)
            #expect(ck_fp_sqr_adx(&out, &ra) == CK_OK && Fp(raw: out).bytesBE == sq)
            var x = ra
            let st = withUnsafeMutablePointer(to: &x) { ck_fp_mul_adx($0, $0, $0) }
            #expect(st == CK_OK && Fp(raw: x).bytesBE == sq)
        } else {
            #expect(ck_fp_mul_adx(&out, &ra, &rb) == CK_E_UNSUPPORTED)
        }
        // aliasing: out == a (== b) for every C entry point
        var x = ra
        withUnsafeMutablePointer(to: &x) { ck_fp_mul_portable($0, $0, $0) }
        #expect(Fp(raw: x).bytesBE == sq)
        x = ra
        withUnsafeMutablePointer(to: &x) { p in withUnsafePointer(to: rb) { ck_fp_mul(p, p, $0) } }
        #expect(Fp(raw: x).bytesBE == prod)
        x = ra
        withUnsafeMutablePointer(to: &x) { p in withUnsafePointer(to: rb) { ck_fp_add(p, p, $0) } }
        #expect(Fp(raw: x) == fa + fb)
        x = rb
        withUnsafeMutablePointer(to: &x) { p in withUnsafePointer(to: ra) { ck_fp_sub(p, $0, p) } }
        #expect(Fp(raw: x) == fa - fb)
        x = ra
        withUnsafeMutablePointer(to: &x) { ck_fp_neg($0, $0) }
        #expect(Fp(raw: x) == -fa)
    }
    for a in xs.prefix(250) {
        let fa = try Fp(bytesBE: a)
        if let want = gmp(5, a) {
            #expect(try fa.inverse().bytesBE == want)
        } else {
            #expect(throws: FpError.notInvertible) { try fa.inverse() }
        }
        let e = Array((SHA256.hash(a) + SHA256.hash(a + [1])).prefix(48)) // a full 384-bit exponent
        #expect(fa.pow(exponentBE: e).bytesBE == gmp(6, a, e))
        #expect(fa.pow(exponentBE: modulusMinus(1)).bytesBE == gmp(6, a, modulusMinus(1)))
    }
}

@Test func fpInverseBatchAndEdges() throws {
    #expect(throws: FpError.notInvertible) { try Fp.zero.inverse() }
    var z = ck_fp(), r = ck_fp()
    #expect(ck_fp_inv(&r, &z) == CK_E_NOT_INVERTIBLE)
    #expect(try Fp.one.inverse() == .one)
    #expect(Fp.zero.pow(0) == .one)
    #expect(Fp(5).pow(3) == Fp(125))
    #expect((Fp.zero - Fp.one).bytesBE == modulusMinus(1))
    let xs = try sampleElements(300, seed: "fp-batch").dropFirst().map { try Fp(bytesBE: $0) }
    let inv = try #require(Fp.batchInverse(xs))
    for (x, y) in zip(xs, inv) { #expect(y.bytesBE == gmp(5, x.bytesBE)) }
    #expect(Fp.batchInverse([Fp.one, Fp.zero]) == nil)
    #expect(Fp.batchInverse([])?.isEmpty == true)
    #expect(["mulx-adx", "portable"].contains(Fp.implementationName))
}

@Test func fpRejectsNonCanonicalEncodings() throws {
    var bad: [[UInt8]] = [Fp.modulusBytesBE, [UInt8](repeating: 0xff, count: 48)]
    var p1 = Fp.modulusBytesBE
    p1[47] += 1 // p + 1
    bad.append(p1)
    var top = zero48
    top[0] = 0x20 // 2^381
    bad.append(top)
    for i in 0..<200 { // random values in [2^381, 2^384): all >= p
        var d = Array((SHA256.hash(Array("near-2^384/\(i)".utf8)) + SHA256.hash(Array("x\(i)".utf8))).prefix(48))
        d[0] |= 0x20
        bad.append(d)
    }
    for b in bad {
        #expect(throws: FpError.self) { try Fp(bytesBE: b) }
        var out = ck_fp()
        #expect(ck_fp_from_bytes_be(&out, b) == CK_E_NONCANONICAL)
    }
    #expect(throws: FpError.self) { try Fp(bytesBE: [UInt8](repeating: 0, count: 47)) }
    #expect(throws: FpError.self) { try Fp(hex: "zz") }
    #expect(throws: FpError.self) { try Fp(limbs: [UInt64](repeating: .max, count: 6)) }
    #expect(try Fp(limbs: [7, 0, 0, 0, 0, 0]) == Fp(7))
    #expect(try Fp(bytesBE: modulusMinus(1)).limbs == [0xb9fe_ffff_ffff_aaaa, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
                                                      0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a])
    #expect(FpError.nonCanonical("ff").description.contains(">= p"))
    #expect(DecimalBE.format(Fp.modulusBytesBE)
        == "4002409555221667393417789825735904156556882819939007885332058136124031650490837864442687629129015664037894272559787")
    #expect(DecimalBE.parse(String(repeating: "9", count: 120), byteCount: 48) == nil)
}

@Test func fpSqrtAndSortBit() throws {
    let xs = sampleElements(400, seed: "fp-sqrt")
    var squares = 0, nonSquares = 0
    for a in xs {
        let fa = try Fp(bytesBE: a)
        // squares: sqrt(a^2) is ±a
        let s = try #require(fa.squared().sqrt())
        #expect(s == fa || s == -fa)
        // a itself: a root exactly when GMP's Legendre symbol says so
        if gmpIsSquare(a) {
            squares += 1
            let r = try #require(fa.sqrt())
            #expect(r.squared() == fa)
        } else {
            nonSquares += 1
            #expect(fa.sqrt() == nil)
            var ra = fa.raw, out = ck_fp()
            #expect(ck_fp_sqrt(&out, &ra) == CK_E_NOT_SQUARE)
        }
        // sort bit: value > (p-1)/2, compared as big-endian bytes
        let half = sampleElements(9, seed: "")[5] // (p-1)/2
        #expect(fa.isLexicographicallyLargest == half.lexicographicallyPrecedes(a))
    }
    #expect(squares > 100 && nonSquares > 100)
    #expect(!Fp.zero.isLexicographicallyLargest)
    #expect((-Fp.one).isLexicographicallyLargest)
    #expect(Fp.zero.sqrt() == .zero)
}

private func fp2(_ a: [UInt8], _ b: [UInt8]) throws -> Fp2 { Fp2(c0: try Fp(bytesBE: a), c1: try Fp(bytesBE: b)) }

/// Fp2 products against GMP componentwise ((a0 + a1 u)(b0 + b1 u) = a0 b0 - a1 b1 +
/// (a0 b1 + a1 b0) u), and the identities every Fp2 operation must satisfy.
@Test func fp2ArithmeticAndIdentities() throws {
    let xs = sampleElements(1200, seed: "fp2-a"), ys = Array(sampleElements(1200, seed: "fp2-b").reversed())
    let u = Fp2(c0: .zero, c1: .one)
    #expect(u.squared() == -Fp2.one)
    var nonSquares = 0
    for k in stride(from: 0, to: xs.count - 1, by: 2) {
        let (a0, a1, b0, b1) = (xs[k], xs[k + 1], ys[k], ys[k + 1])
        let a = try fp2(a0, a1), b = try fp2(b0, b1)
        let p = a * b
        let want0 = try gmpT(1, gmpT(2, a0, b0), gmpT(2, a1, b1))
        let want1 = try gmpT(0, gmpT(2, a0, b1), gmpT(2, a1, b0))
        #expect(p.c0.bytesBE == want0 && p.c1.bytesBE == want1)
        #expect(a.squared() == a * a)
        #expect(a + b - b == a && a - a == .zero && a.doubled() == a + a && -a + a == .zero)
        #expect(a.mulByNonresidue() == a * Fp2.nonresidue)
        #expect(a.conjugate() == Fp2(c0: a.c0, c1: -a.c1) && a.frobenius() == a.conjugate())
        #expect(a * b.c0 == a * Fp2(c0: b.c0, c1: .zero))
        if !a.isZero {
            let inv = try a.inverse()
            #expect(a * inv == .one)
        }
        let sq = a.squared()
        let r = try #require(sq.sqrt())
        #expect(r.squared() == sq)
        // a is a square in Fp2 exactly when its norm a0^2 + a1^2 is a square in Fp
        let norm = try gmpT(0, gmpT(3, a0), gmpT(3, a1))
        if gmpIsSquare(norm) {
            let s = try #require(a.sqrt())
            #expect(s.squared() == a)
        } else {
            nonSquares += 1
            #expect(a.sqrt() == nil)
            var ra = a.raw, out = ck_fp2()
            #expect(ck_fp2_sqrt(&out, &ra) == CK_E_NOT_SQUARE)
        }
        // aliasing in C
        var x = a.raw
        withUnsafeMutablePointer(to: &x) { ck_fp2_mul($0, $0, $0) }
        #expect(Fp2(raw: x) == sq)
        x = a.raw
        withUnsafeMutablePointer(to: &x) { ck_fp2_sqr($0, $0) }
        #expect(Fp2(raw: x) == sq)
    }
    #expect(nonSquares > 50)
    #expect(throws: FpError.notInvertible) { try Fp2.zero.inverse() }
    #expect(Fp2.zero.sqrt() == .zero)
    // pure real and pure imaginary inputs: -1 = u^2, and a non-square real c is (sqrt(-c) u)^2
    #expect(try #require((-Fp2.one).sqrt()).squared() == -Fp2.one)
    let nonSquareBytes = try #require(sampleElements(200, seed: "fp2-real").first { !gmpIsSquare($0) })
    let nonSquareReal = Fp2(c0: try Fp(bytesBE: nonSquareBytes), c1: .zero)
    #expect(try #require(nonSquareReal.sqrt()).squared() == nonSquareReal)
    #expect(try #require((u * Fp(9)).sqrt()).squared() == u * Fp(9))
}

/// Every Fp2 product and square whose four coordinates are edge values (0, 1, 2, p - 1,
/// p - 2, (p ± 1)/2, 2^380, 2^192 + 1) against GMP componentwise: the lazily reduced
/// product keeps 768-bit differences and sums near 2p, where a missed correction shows.
@Test func fp2ProductsOfEdgeValuesAgreeWithGMP() throws {
    let edges = Array(sampleElements(9, seed: "fp2-edges").prefix(9))
    for a0 in edges {
        for a1 in edges {
            let a = try fp2(a0, a1)
            let sq = a.squared()
            let sq0 = try gmpT(1, gmpT(3, a0), gmpT(3, a1)), sq1 = try gmpT(2, gmpT(0, a0, a0), a1)
            #expect(sq.c0.bytesBE == sq0 && sq.c1.bytesBE == sq1)
            for b0 in edges {
                for b1 in edges {
                    let p = a * (try fp2(b0, b1))
                    let want0 = try gmpT(1, gmpT(2, a0, b0), gmpT(2, a1, b1))
                    let want1 = try gmpT(0, gmpT(2, a0, b1), gmpT(2, a1, b0))
                    #expect(p.c0.bytesBE == want0 && p.c1.bytesBE == want1)
                }
            }
        }
    }
}
