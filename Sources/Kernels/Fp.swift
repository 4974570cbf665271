import CKernels

/// An element of the BLS12-381 base field Fp (p = 0x1a0111ea…ffffaaab, 381 bits), the field
/// of the coordinates of G1 and (over Fp2) G2.
///
/// Bytes are the 48-byte big-endian canonical encoding of the point encodings
/// (`blst_bendian_from_fp`, blstrs `Fp::to_bytes_be`). Decoding rejects values >= p instead
/// of reducing them. Montgomery form (x·2^384 mod p) is internal.
public struct Fp: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline var raw: ck_fp

    @inlinable init(raw: ck_fp) { self.raw = raw }

    public static let zero = Fp(raw: ck_fp(l: (0, 0, 0, 0, 0, 0)))
    public static let one: Fp = {
        var r = ck_fp()
        ck_fp_set_one(&r)
        return Fp(raw: r)
    }()

    /// The modulus p as 48 big-endian bytes.
    public static let modulusBytesBE: [UInt8] = {
        let limbs: [UInt64] = [0xb9fe_ffff_ffff_aaab, 0x1eab_fffe_b153_ffff, 0x6730_d2a0_f6b0_f624,
                               0x6477_4b84_f385_12bf, 0x4b1b_a7b6_434b_acd7, 0x1a01_11ea_397f_e69a]
        return limbs.reversed().flatMap { l in (0..<8).reversed().map { UInt8(truncatingIfNeeded: l >> (8 * $0)) } }
    }()

    public init(_ value: UInt64) {
        var r = ck_fp()
        ck_fp_from_u64(&r, value)
        raw = r
    }

    /// Decodes the canonical 48-byte big-endian encoding.
    public init<C: Collection>(bytesBE: C) throws(FpError) where C.Element == UInt8 {
        guard bytesBE.count == 48 else { throw .wrongLength(bytesBE.count) }
        let b = Array(bytesBE)
        var r = ck_fp()
        let status = b.withUnsafeBufferPointer { ck_fp_from_bytes_be(&r, $0.baseAddress) }
        guard status == CK_OK else { throw .nonCanonical(Hex.encode(b)) }
        raw = r
    }

    /// Parses 96 hex characters of the big-endian encoding.
    public init(hex: String) throws(FpError) {
        let b: [UInt8]
        do { b = try Hex.decode(hex) } catch { throw .badHex(error.description) }
        try self.init(bytesBE: b)
    }

    /// Plain little-endian 64-bit limbs (value = l0 + l1·2^64 + …).
    public init(limbs: [UInt64]) throws(FpError) {
        guard limbs.count == 6 else { throw .wrongLength(limbs.count * 8) }
        var r = ck_fp()
        let status = limbs.withUnsafeBufferPointer { ck_fp_from_limbs(&r, $0.baseAddress) }
        guard status == CK_OK else {
            throw .nonCanonical(Hex.encode(limbs.reversed().flatMap { l in (0..<8).reversed().map { UInt8(truncatingIfNeeded: l >> (8 * $0)) } }))
        }
        raw = r
    }

    public var bytesBE: [UInt8] {
        var out = [UInt8](repeating: 0, count: 48)
        var r = raw
        out.withUnsafeMutableBufferPointer { ck_fp_to_bytes_be($0.baseAddress, &r) }
        return out
    }

    public var limbs: [UInt64] {
        var out = [UInt64](repeating: 0, count: 6)
        var r = raw
        out.withUnsafeMutableBufferPointer { ck_fp_to_limbs($0.baseAddress, &r) }
        return out
    }

    public var hex: String { Hex.encode(bytesBE) }
    public var description: String { hex }
    public var isZero: Bool { self == .zero }

    public static func == (a: Fp, b: Fp) -> Bool {
        a.raw.l.0 == b.raw.l.0 && a.raw.l.1 == b.raw.l.1 && a.raw.l.2 == b.raw.l.2
            && a.raw.l.3 == b.raw.l.3 && a.raw.l.4 == b.raw.l.4 && a.raw.l.5 == b.raw.l.5
    }

    public func hash(into h: inout Hasher) {
        h.combine(raw.l.0)
        h.combine(raw.l.1)
        h.combine(raw.l.2)
        h.combine(raw.l.3)
        h.combine(raw.l.4)
        h.combine(raw.l.5)
    }

    @inlinable public static func + (a: Fp, b: Fp) -> Fp {
        var a = a, b = b, r = ck_fp()
        ck_fp_add(&r, &a.raw, &b.raw)
        return Fp(raw: r)
    }

    @inlinable public static func - (a: Fp, b: Fp) -> Fp {
        var a = a, b = b, r = ck_fp()
        ck_fp_sub(&r, &a.raw, &b.raw)
        return Fp(raw: r)
    }

    @inlinable public static func * (a: Fp, b: Fp) -> Fp {
        var a = a, b = b, r = ck_fp()
        ck_fp_mul(&r, &a.raw, &b.raw)
        return Fp(raw: r)
    }

    @inlinable public static prefix func - (a: Fp) -> Fp {
        var a = a, r = ck_fp()
        ck_fp_neg(&r, &a.raw)
        return Fp(raw: r)
    }

    @inlinable public static func += (a: inout Fp, b: Fp) { a = a + b }
    @inlinable public static func -= (a: inout Fp, b: Fp) { a = a - b }
    @inlinable public static func *= (a: inout Fp, b: Fp) { a = a * b }

    public func squared() -> Fp {
        var a = self, r = ck_fp()
        ck_fp_sqr(&r, &a.raw)
        return Fp(raw: r)
    }

    public func doubled() -> Fp {
        var a = self, r = ck_fp()
        ck_fp_dbl(&r, &a.raw)
        return Fp(raw: r)
    }

    /// The multiplicative inverse; throws for zero.
    public func inverse() throws(FpError) -> Fp {
        var a = self, r = ck_fp()
        guard ck_fp_inv(&r, &a.raw) == CK_OK else { throw .notInvertible }
        return Fp(raw: r)
    }

    /// self^e for a 384-bit exponent given as 48 big-endian bytes (0^0 = 1).
    public func pow(exponentBE e: [UInt8]) -> Fp {
        precondition(e.count == 48, "the exponent is 48 big-endian bytes")
        var a = self, r = ck_fp()
        e.withUnsafeBufferPointer { ck_fp_pow(&r, &a.raw, $0.baseAddress) }
        return Fp(raw: r)
    }

    public func pow(_ e: UInt64) -> Fp {
        pow(exponentBE: (0..<48).map { $0 >= 40 ? UInt8(truncatingIfNeeded: e >> (8 * UInt64(47 - $0))) : 0 })
    }

    /// A square root (self^((p+1)/4)), or nil when self is not a square.
    public func sqrt() -> Fp? {
        var a = self, r = ck_fp()
        guard ck_fp_sqrt(&r, &a.raw) == CK_OK else { return nil }
        return Fp(raw: r)
    }

    /// Whether the value is > (p-1)/2: the "larger root" flag of the ZCash point encoding.
    public var isLexicographicallyLargest: Bool {
        var a = self
        return ck_fp_is_lexicographically_largest(&a.raw) != 0
    }

    /// Inverses of all elements with one field inversion; nil if any element is zero.
    public static func batchInverse(_ xs: [Fp]) -> [Fp]? {
        if xs.isEmpty { return [] }
        var out = [ck_fp](repeating: ck_fp(), count: xs.count)
        var scratch = out
        let input = xs.map(\.raw)
        let status = input.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { s in
                    ck_fp_batch_inv(o.baseAddress, inp.baseAddress, xs.count, s.baseAddress)
                }
            }
        }
        guard status == CK_OK else { return nil }
        return out.map { Fp(raw: $0) }
    }

    /// Name of the multiplication in use ("mulx-adx" or "portable").
    public static var implementationName: String { String(cString: ck_fp_impl_name()) }
}

/// An element c0 + c1·u of Fp2 = Fp[u]/(u² + 1), the field of G2 coordinates.
public struct Fp2: Sendable, Hashable, CustomStringConvertible {
    public var c0: Fp
    public var c1: Fp

    @inlinable public init(c0: Fp, c1: Fp) {
        self.c0 = c0
        self.c1 = c1
    }

    @inlinable init(raw: ck_fp2) {
        c0 = Fp(raw: raw.c0)
        c1 = Fp(raw: raw.c1)
    }

    @inlinable var raw: ck_fp2 { ck_fp2(c0: c0.raw, c1: c1.raw) }

    public static let zero = Fp2(c0: .zero, c1: .zero)
    public static let one = Fp2(c0: .one, c1: .zero)
    /// u + 1, the non-residue of Fp6 = Fp2[v]/(v³ − (u + 1)).
    public static let nonresidue = Fp2(c0: .one, c1: .one)

    public var isZero: Bool { c0.isZero && c1.isZero }
    /// c1 first, then c0 (the ZCash order of G2 encodings), 96 bytes.
    public var bytesBE: [UInt8] { c1.bytesBE + c0.bytesBE }
    public var description: String { "(\(c0.hex), \(c1.hex))" }

    @inlinable public static func + (a: Fp2, b: Fp2) -> Fp2 {
        var a = a.raw, b = b.raw, r = ck_fp2()
        ck_fp2_add(&r, &a, &b)
        return Fp2(raw: r)
    }

    @inlinable public static func - (a: Fp2, b: Fp2) -> Fp2 {
        var a = a.raw, b = b.raw, r = ck_fp2()
        ck_fp2_sub(&r, &a, &b)
        return Fp2(raw: r)
    }

    @inlinable public static func * (a: Fp2, b: Fp2) -> Fp2 {
        var a = a.raw, b = b.raw, r = ck_fp2()
        ck_fp2_mul(&r, &a, &b)
        return Fp2(raw: r)
    }

    @inlinable public static func * (a: Fp2, b: Fp) -> Fp2 {
        var a = a.raw, b = b.raw, r = ck_fp2()
        ck_fp2_mul_by_fp(&r, &a, &b)
        return Fp2(raw: r)
    }

    @inlinable public static prefix func - (a: Fp2) -> Fp2 {
        var a = a.raw, r = ck_fp2()
        ck_fp2_neg(&r, &a)
        return Fp2(raw: r)
    }

    @inlinable public static func += (a: inout Fp2, b: Fp2) { a = a + b }
    @inlinable public static func -= (a: inout Fp2, b: Fp2) { a = a - b }
    @inlinable public static func *= (a: inout Fp2, b: Fp2) { a = a * b }

    public func squared() -> Fp2 {
        var a = raw, r = ck_fp2()
        ck_fp2_sqr(&r, &a)
        return Fp2(raw: r)
    }

    public func doubled() -> Fp2 {
        var a = raw, r = ck_fp2()
        ck_fp2_dbl(&r, &a)
        return Fp2(raw: r)
    }

    /// c0 − c1·u, which is also the Frobenius map a ↦ a^p.
    public func conjugate() -> Fp2 {
        var a = raw, r = ck_fp2()
        ck_fp2_conj(&r, &a)
        return Fp2(raw: r)
    }

    public func frobenius() -> Fp2 {
        var a = raw, r = ck_fp2()
        ck_fp2_frobenius(&r, &a)
        return Fp2(raw: r)
    }

    /// self · (u + 1).
    public func mulByNonresidue() -> Fp2 {
        var a = raw, r = ck_fp2()
        ck_fp2_mul_by_nonresidue(&r, &a)
        return Fp2(raw: r)
    }

    /// The multiplicative inverse; throws for zero.
    public func inverse() throws(FpError) -> Fp2 {
        var a = raw, r = ck_fp2()
        guard ck_fp2_inv(&r, &a) == CK_OK else { throw .notInvertible }
        return Fp2(raw: r)
    }

    /// A square root, or nil when self is not a square in Fp2.
    public func sqrt() -> Fp2? {
        var a = raw, r = ck_fp2()
        guard ck_fp2_sqrt(&r, &a) == CK_OK else { return nil }
        return Fp2(raw: r)
    }
}

public enum FpError: Error, Equatable, CustomStringConvertible {
    case nonCanonical(String)
    case wrongLength(Int)
    case badHex(String)
    case notInvertible

    public var description: String {
        switch self {
        case .nonCanonical(let hex):
            "base-field element \(hex) is not canonical: its big-endian value is >= p (BLS12-381 Fp); encodings are never reduced"
        case .wrongLength(let n): "a base-field element is 48 bytes (96 hex characters), got \(n) bytes"
        case .badHex(let why): "base-field element is not hex: \(why)"
        case .notInvertible: "zero has no inverse in Fp"
        }
    }
}

/// Decimal text of unsigned integers held as big-endian bytes (how the fixtures write
/// 384-bit values).
public enum DecimalBE {
    /// Parses a decimal string into `byteCount` big-endian bytes; nil when it is not
    /// decimal or does not fit.
    public static func parse(_ s: String, byteCount: Int) -> [UInt8]? {
        guard !s.isEmpty, byteCount > 0 else { return nil }
        var out = [UInt8](repeating: 0, count: byteCount)
        for ch in s.utf8 {
            guard ch >= 48 && ch <= 57 else { return nil }
            var carry = UInt32(ch - 48)
            for i in stride(from: byteCount - 1, through: 0, by: -1) {
                let v = UInt32(out[i]) * 10 + carry
                out[i] = UInt8(truncatingIfNeeded: v)
                carry = v >> 8
            }
            if carry != 0 { return nil }
        }
        return out
    }

    /// The decimal string of big-endian bytes.
    public static func format(_ bytes: [UInt8]) -> String {
        var n = bytes
        var digits: [UInt8] = []
        while n.contains(where: { $0 != 0 }) {
            var rem: UInt32 = 0
            for i in n.indices {
                let v = rem << 8 | UInt32(n[i])
                n[i] = UInt8(v / 10)
                rem = v % 10
            }
            digits.append(UInt8(rem) + 48)
        }
        return digits.isEmpty ? "0" : String(decoding: digits.reversed(), as: UTF8.self)
    }
}
