import CKernels
import Testing
@testable import Kernels

/// Full-width field elements from a seed (x ↦ x^4 of distinct small values).
private func sample(_ n: Int, seed: UInt64) -> [Fr] {
    (0..<n).map { i in Fr(UInt64(i) &* 0x9e37_79b9_7f4a_7c15 ^ seed | 1).squared().squared() }
}

/// (r − 1) / 2^32 as 32 little-endian bytes: r = 0x73eda753…ffffffff00000001.
private let twoAdicCofactor: [UInt8] = {
    let r = Fr.modulusBytes
    return Array(r[4..<32]) + [0, 0, 0, 0]
}()

/// A primitive 2^k-th root built without ck_fr_ntt_domain: 7^((r−1)/2^32) squared 32 − k times.
private func independentOmega(_ k: Int) -> Fr {
    var w = Fr(7).pow(exponentLE: twoAdicCofactor)
    for _ in k..<32 { w = w.squared() }
    return w
}

/// out_k = c_k Σ_j a_j·s^j·w^(jk): the O(n²) DFT, with s = 1 (plain) or the coset shift.
private func naiveDFT(_ a: [Fr], omega w: Fr, shift s: Fr = .one) -> [Fr] {
    let n = a.count
    var out = [Fr](repeating: .zero, count: n)
    var wk = Fr.one // w^k
    for k in 0..<n {
        var acc = Fr.zero, x = Fr.one // x = (s·w^k)^j
        let step = s * wk
        for j in 0..<n {
            acc += a[j] * x
            x *= step
        }
        out[k] = acc
        wk *= w
    }
    return out
}

@Test func rootOfUnityIsSeventhPowerAndHasOrder2To32() throws {
    let root = independentOmega(32)
    #expect(try root.hex == Fr(limbs: [0x3829_971f_439f_0d2b, 0xb636_8350_8c22_80b9, 0xd09b_6819_22c8_13b4, 0x16a2_a19e_dfe8_1f20]).hex)
    #expect(root.montgomeryLimbs == [0xb9b5_8d8c_5f0e_466a, 0x5b1b_4c80_1819_d7ec, 0x0af5_3ae3_52a3_1e64, 0x5bf3_adda_19e9_b27b])
    var w = root
    for _ in 0..<31 { w = w.squared() }
    #expect(w == -Fr.one)
    var c = ck_fr()
    #expect(ck_fr_ntt_domain(&c, nil, nil, 32) == CK_OK)
    #expect(Fr(raw: c) == root)
}

@Test(arguments: Array(0...20))
func domainMatchesIndependentOmega(k: Int) throws {
    let d = try EvaluationDomain(logSize: k)
    #expect(d.omega == independentOmega(k))
    #expect(d.omega * d.omegaInv == .one)
    #expect(d.sizeInv * Fr(UInt64(1) << UInt64(k)) == .one)
    if k > 0 {
        var w = d.omega
        for _ in 0..<(k - 1) { w = w.squared() }
        #expect(w == -Fr.one) // order exactly 2^k
    }
}

@Test(arguments: Array(0...8))
func transformsMatchNaiveDFT(k: Int) throws {
    let d = try EvaluationDomain(logSize: k)
    let n = 1 << k
    let a = sample(n, seed: UInt64(k) * 77)
    let w = independentOmega(k)
    let wInv = try #require(w.inverse())
    let nInv = try #require(Fr(UInt64(n)).inverse())
    let g = Fr(7), gInv = try #require(Fr(7).inverse())

    var x = a
    try d.fft(&x)
    #expect(x == naiveDFT(a, omega: w))

    x = a
    try d.ifft(&x)
    #expect(x == naiveDFT(a, omega: wInv).map { $0 * nInv })

    x = a
    try d.cosetFFT(&x)
    #expect(x == naiveDFT(a, omega: w, shift: g))

    // icoset: out_k = g^-k · n^-1 · Σ_j a_j ω^(-jk)
    x = a
    try d.icosetFFT(&x)
    var gk = Fr.one
    let expected = naiveDFT(a, omega: wInv).map { v -> Fr in
        defer { gk *= gInv }
        return v * nInv * gk
    }
    #expect(x == expected)
}

@Test(arguments: [(12, 1), (12, 2), (15, 2), (16, 3)])
func roundTrips(k: Int, threads: Int) throws {
    let d = try EvaluationDomain(logSize: k)
    let a = sample(1 << k, seed: 5)
    var x = a
    try d.fft(&x, threads: threads)
    #expect(x != a)
    try d.ifft(&x, threads: threads)
    #expect(x == a)
    x = a
    try d.cosetFFT(&x, threads: threads)
    try d.icosetFFT(&x, threads: threads)
    #expect(x == a)
    x = a
    try d.icosetFFT(&x, threads: threads)
    try d.cosetFFT(&x, threads: threads)
    #expect(x == a)
}

@Test func zeroPaddingAndPolynomialProduct() throws {
    // p·q through the NTT equals the schoolbook product (degrees 100 and 150).
    let p = sample(101, seed: 11), q = sample(151, seed: 12)
    var school = [Fr](repeating: .zero, count: p.count + q.count - 1)
    for i in p.indices { for j in q.indices { school[i + j] += p[i] * q[j] } }
    let d = try EvaluationDomain(minimumSize: school.count)
    #expect(d.size == 256)
    var pe = p, qe = q
    try d.fft(&pe)
    try d.fft(&qe)
    #expect(pe.count == 256 && qe.count == 256)
    var prod = zip(pe, qe).map { $0 * $1 }
    try d.ifft(&prod)
    #expect(Array(prod[0..<school.count]) == school)
    #expect(prod[school.count...].allSatisfy { $0.isZero })
    // the same over the coset (as bellperson's H-polynomial code does), on 2 threads
    let big = try EvaluationDomain(logSize: 12)
    let p2 = sample(1500, seed: 21), q2 = sample(2000, seed: 22)
    var a = p2, b = q2
    try big.cosetFFT(&a, threads: 2)
    try big.cosetFFT(&b, threads: 2)
    var c = zip(a, b).map { $0 * $1 }
    try big.icosetFFT(&c, threads: 2)
    // spot-check coefficients of the schoolbook product
    for k in [0, 1, 777, 1499, 2500, 3498] {
        var s = Fr.zero
        for i in max(0, k - q2.count + 1)...min(k, p2.count - 1) { s += p2[i] * q2[k - i] }
        #expect(c[k] == s)
    }
    #expect(c[3499...].allSatisfy { $0.isZero })
}

@Test(arguments: [11, 13, 16, 17])
func threadCountsAndImplementationsAgree(k: Int) throws {
    let d = try EvaluationDomain(logSize: k)
    let a = sample(1 << k, seed: UInt64(k))
    var one = a
    try d.fft(&one, threads: 1)
    for t in [2, 3, 4] {
        var x = a
        try d.fft(&x, threads: t)
        #expect(x == one, "threads \(t)")
    }
    var w = d.omega.raw
    var portable = a.map(\.raw)
    #expect(ck_fr_ntt_portable(&portable, UInt32(k), &w, 2) == CK_OK)
    #expect(portable.map { Fr(raw: $0) } == one)
    if ck_cpu_features() & UInt32(CK_CPU_ADX) != 0 {
        var adx = a.map(\.raw)
        #expect(ck_fr_ntt_adx(&adx, UInt32(k), &w, 1) == CK_OK)
        #expect(adx.map { Fr(raw: $0) } == one)
    }
    var table = [ck_fr](repeating: ck_fr(), count: (1 << k) - 1) // n - 1: one table per stage
    #expect(ck_fr_ntt_twiddles(&table, UInt32(k), &w) == CK_OK)
    var viaTable = a.map(\.raw)
    #expect(ck_fr_ntt_with_twiddles(&viaTable, UInt32(k), table, 2) == CK_OK)
    #expect(viaTable.map { Fr(raw: $0) } == one)
    // distribute_powers on 1 and 2 threads against a serial loop
    var serial = a, g = Fr.one
    for i in serial.indices { serial[i] *= g; g *= Fr(7) }
    var x1 = a, x2 = a
    EvaluationDomain.distributePowers(&x1, Fr(7), threads: 1)
    EvaluationDomain.distributePowers(&x2, Fr(7), threads: 2)
    #expect(x1 == serial && x2 == serial)
}

@Test func badSizesAreRejected() throws {
    #expect(throws: NTTError.logSizeOutOfRange(32)) { try EvaluationDomain(logSize: 32) }
    #expect(throws: NTTError.logSizeOutOfRange(-1)) { try EvaluationDomain(logSize: -1) }
    #expect(throws: NTTError.tooLarge((1 << 31) + 1)) { try EvaluationDomain(minimumSize: (1 << 31) + 1) }
    #expect(try EvaluationDomain(minimumSize: 0).logSize == 0)
    #expect(try EvaluationDomain(minimumSize: 1).logSize == 0)
    #expect(try EvaluationDomain(minimumSize: 2).logSize == 1)
    #expect(try EvaluationDomain(minimumSize: 3).logSize == 2)
    #expect(try EvaluationDomain(minimumSize: 1025).logSize == 11)
    #expect(try EvaluationDomain(minimumSize: 1 << 31).logSize == 31)
    let d = try EvaluationDomain(logSize: 3)
    var nine = sample(9, seed: 1)
    #expect(throws: NTTError.tooManyValues(9, 8)) { try d.fft(&nine) }
    var c1 = ck_fr(), c2 = ck_fr(), c3 = ck_fr(), w = d.omega.raw
    #expect(ck_fr_ntt_domain(&c1, &c2, &c3, 33) == CK_E_ARG)
    var one = [ck_fr](repeating: ck_fr(), count: 2)
    #expect(ck_fr_ntt(&one, 33, &w, 1) == CK_E_ARG)
    #expect(ck_fr_ntt(&one, 1, nil, 1) == CK_E_ARG)
    // n = 1: the identity
    let d0 = try EvaluationDomain(logSize: 0)
    var single = [Fr(42)]
    try d0.fft(&single)
    try d0.ifft(&single)
    #expect(single == [Fr(42)])
}
