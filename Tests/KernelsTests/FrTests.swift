import CKernels
import Testing
@testable import Kernels

/// Runs one GMP mpz operation mod r on plain little-endian integers.
private func gmp(_ op: Int32, _ a: [UInt8], _ b: [UInt8] = [UInt8](repeating: 0, count: 32)) -> [UInt8]? {
    var out = [UInt8](repeating: 0, count: 32)
    let st = ck_gmp_fr_op(&out, op, a, b)
    return st == CK_OK ? out : nil
}

/// A deterministic stream of canonical field encodings (SHA-256 counter, top bits cleared)
/// mixed with the edge values 0, 1, 2, r-1, r-2 and near-2^254 values.
private func sampleElements(_ n: Int, seed: String) -> [[UInt8]] {
    let r = Fr.modulusBytes
    func minus(_ k: UInt8) -> [UInt8] {
        var v = r
        var borrow = Int(k)
        for i in 0..<32 where borrow > 0 {
            let x = Int(v[i]) - borrow
            v[i] = UInt8((x + 256) % 256)
            borrow = x < 0 ? 1 : 0
        }
        return v
    }
    func small(_ k: UInt8) -> [UInt8] { [k] + [UInt8](repeating: 0, count: 31) }
    var top = [UInt8](repeating: 0xff, count: 32)
    top[31] = 0x3f // 2^254 - 1
    var edges = [small(0), small(1), small(2), minus(1), minus(2), top]
    var i = 0
    while edges.count < n {
        var d = SHA256.hash(Array("\(seed)/\(i)".utf8))
        d[31] &= (i % 3 == 0) ? 0x73 : 0x3f // 0x73: often just below r's top byte
        if (try? Fr(bytes: d)) != nil { edges.append(d) }
        i += 1
    }
    return edges
}

@Test func frOperationsMatchFixtures() throws {
    for c in try fixture("fr.json") {
        let name = try str(c, "name")
        let input = try #require(c["input"] as? [String: Any])
        let e = try #require(c["expected"] as? [String: Any])
        let op = try str(input, "op")
        let wantsError = e["error"] != nil
        func operand(_ k: String) throws -> Fr { try fr(input, k) }
        var result: Fr?
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
            case "pow": result = try operand("a").pow(exponentLE: try Hex.decode(try str(input, "exp")))
            case "from_bytes":
                let b = try Hex.decode(try str(input, "bytes"))
                valueOut = Decimal256.format(try Fr(bytes: b).bytes)
            case "to_bytes":
                let v: String = try (input["value"] as? Int).map(String.init) ?? str(input, "value")
                let b = try #require(Decimal256.parse(v))
                bytesOut = try Fr(bytes: b).hex
            default: Issue.record("unknown op \(op) in \(name)")
            }
        } catch is FrError {
            #expect(wantsError, "\(name) rejected an input it should accept")
            continue
        }
        if wantsError {
            #expect(result == nil && bytesOut == nil && valueOut == nil, "\(name) should fail")
            continue
        }
        if let r = e["result"] as? String { #expect(result?.hex == r, "\(name)") }
        if let b = e["bytes"] as? String { #expect(bytesOut == b, "\(name)") }
        if let v = e["value"] {
            let want = (v as? Int).map(String.init) ?? (v as? String)
            #expect(valueOut == want, "\(name)")
        }
    }
}

/// Thousands of random operations against GMP mpz arithmetic mod r (the independent
/// oracle), through the dispatched multiplication and the portable one.
@Test func frArithmeticAgreesWithGMP() throws {
    let xs = sampleElements(1500, seed: "fr-gmp-a"), ys = sampleElements(1500, seed: "fr-gmp-b").reversed()
    for (a, b) in zip(xs, ys) {
        let fa = try Fr(bytes: a), fb = try Fr(bytes: b)
        #expect((fa + fb).bytes == gmp(0, a, b))
        #expect((fa - fb).bytes == gmp(1, a, b))
        #expect((fa * fb).bytes == gmp(2, a, b))
        #expect(fa.squared().bytes == gmp(3, a))
        #expect((-fa).bytes == gmp(4, a))
        var ra = fa.raw, rb = fb.raw, out = ck_fr()
        ck_fr_mul_portable(&out, &ra, &rb)
        #expect(Fr(raw: out) == fa * fb)
        ck_fr_sqr_portable(&out, &ra)
        #expect(Fr(raw: out) == fa.squared())
        if ck_cpu_features() & UInt32(CK_CPU_ADX) != 0 {
            #expect(ck_fr_mul_adx(&out, &ra, &rb) == CK_OK && Fr(raw: out) == fa * fb)
            #expect(ck_fr_sqr_adx(&out, &ra) == CK_OK && Fr(raw: out) == fa.squared())
            // aliasing: out == a == b
            var x = ra
            let st = withUnsafeMutablePointer(to: &x) { ck_fr_mul_adx($0, $0, $0) }
            #expect(st == CK_OK && Fr(raw: x) == fa.squared())
        }
    }
    for a in xs.prefix(200) {
        let fa = try Fr(bytes: a)
        #expect(fa.inverse()?.bytes == gmp(5, a))
        let e = SHA256.hash(a) // a full 256-bit exponent
        #expect(fa.pow(exponentLE: e).bytes == gmp(6, a, e))
    }
}

@Test func frInverseBatchAndEdges() throws {
    #expect(Fr.zero.inverse() == nil)
    #expect(Fr.one.inverse() == .one)
    #expect(Fr.zero.pow(0) == .one)
    let xs = try sampleElements(300, seed: "batch").dropFirst().map { try Fr(bytes: $0) }
    let inv = try #require(Fr.batchInverse(xs))
    for (x, y) in zip(xs, inv) { #expect(x * y == .one) }
    #expect(Fr.batchInverse([Fr.one, Fr.zero]) == nil)
    // -1 = r - 1
    #expect((Fr.zero - Fr.one).hex == "00000000ffffffff fe5bfeff02a4bd5305d8a10908d83933487d9d2953a7ed73".replacingOccurrences(of: " ", with: ""))
}

@Test func frRejectsBadEncodings() throws {
    var r = Fr.modulusBytes
    #expect(throws: FrError.self) { try Fr(bytes: r) }
    r[31] = 0xff
    #expect(throws: FrError.self) { try Fr(bytes: r) }
    #expect(throws: FrError.self) { try Fr(bytes: [UInt8](repeating: 0, count: 31)) }
    #expect(throws: FrError.self) { try Fr(hex: "zz") }
    #expect(throws: FrError.self) { try Fr(limbs: [UInt64.max, UInt64.max, UInt64.max, UInt64.max]) }
    let e = FrError.nonCanonical("ff")
    #expect(e.description.contains(">= r"))
}

@Test func decimalRoundTrip() throws {
    let r = Fr.modulusBytes
    #expect(Decimal256.format(r) == "52435875175126190479447740508185965837690552500527637822603658699938581184513")
    #expect(Decimal256.parse("52435875175126190479447740508185965837690552500527637822603658699938581184513") == r)
    #expect(Decimal256.parse("0") == [UInt8](repeating: 0, count: 32))
    #expect(Decimal256.parse("1x") == nil)
    #expect(Decimal256.parse(String(repeating: "9", count: 80)) == nil)
}
