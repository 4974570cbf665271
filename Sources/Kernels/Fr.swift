import CKernels

/// An element of the BLS12-381 scalar field Fr (r = 0x73eda753…00000001, 255 bits), the
/// field of every Poseidon hash and commitment of sealing and proving.
///
/// Bytes are the 32-byte little-endian canonical encoding Filecoin stores (tree nodes,
/// comm_c, comm_r_last, comm_r). Decoding rejects values >= r instead of reducing them.
/// Montgomery form is internal and never crosses this API (except `montgomeryLimbs`,
/// which exists to compare constant tables with Supranational's).
public struct Fr: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline var raw: ck_fr

    @inlinable init(raw: ck_fr) { self.raw = raw }

    public static let zero = Fr(raw: ck_fr(l: (0, 0, 0, 0)))
    public static let one: Fr = {
        var r = ck_fr()
        ck_fr_set_one(&r)
        return Fr(raw: r)
    }()

    /// The modulus r as 32 little-endian bytes.
    public static let modulusBytes: [UInt8] = {
        let limbs: [UInt64] = [0xffff_ffff_0000_0001, 0x53bd_a402_fffe_5bfe,
                               0x3339_d808_09a1_d805, 0x73ed_a753_299d_7d48]
        return limbs.flatMap { l in (0..<8).map { UInt8(truncatingIfNeeded: l >> (8 * $0)) } }
    }()

    public init(_ value: UInt64) {
        var r = ck_fr()
        ck_fr_from_u64(&r, value)
        raw = r
    }

    /// Decodes the canonical 32-byte little-endian encoding.
    public init<C: Collection>(bytes: C) throws(FrError) where C.Element == UInt8 {
        guard bytes.count == 32 else { throw .wrongLength(bytes.count) }
        let b = Array(bytes)
        var r = ck_fr()
        let status = b.withUnsafeBufferPointer { ck_fr_from_bytes(&r, $0.baseAddress) }
        guard status == CK_OK else { throw .nonCanonical(Hex.encode(b)) }
        raw = r
    }

    /// Parses 64 hex characters of the little-endian encoding.
    /// Any 32-byte little-endian integer reduced mod r (fixture generators hash to it).
    public init(reducing bytes: [UInt8]) {
        precondition(bytes.count == 32)
        var acc = Fr.zero
        for i in stride(from: 3, through: 0, by: -1) {
            let limb = bytes[(8 * i)..<(8 * i + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            acc = acc * Fr.powerOfTwo(64) + Fr(limb)
        }
        self = acc
    }

    public init(hex: String) throws(FrError) {
        let b: [UInt8]
        do { b = try Hex.decode(hex) } catch { throw .badHex(error.description) }
        try self.init(bytes: b)
    }

    /// Plain little-endian 64-bit limbs (value = l0 + l1·2^64 + …), the way upstream tests print.
    public init(limbs: [UInt64]) throws(FrError) {
        guard limbs.count == 4 else { throw .wrongLength(limbs.count * 8) }
        var r = ck_fr()
        let status = limbs.withUnsafeBufferPointer { ck_fr_from_limbs(&r, $0.baseAddress) }
        guard status == CK_OK else {
            throw .nonCanonical(Hex.encode(limbs.flatMap { l in (0..<8).map { UInt8(truncatingIfNeeded: l >> (8 * $0)) } }))
        }
        raw = r
    }

    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var r = raw
        out.withUnsafeMutableBufferPointer { ck_fr_to_bytes($0.baseAddress, &r) }
        return out
    }

    public var limbs: [UInt64] {
        var out = [UInt64](repeating: 0, count: 4)
        var r = raw
        out.withUnsafeMutableBufferPointer { ck_fr_to_limbs($0.baseAddress, &r) }
        return out
    }

    /// The internal Montgomery limbs (x·2^256 mod r), little-endian.
    public var montgomeryLimbs: [UInt64] { [raw.l.0, raw.l.1, raw.l.2, raw.l.3] }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
    public var isZero: Bool { self == .zero }

    public static func == (a: Fr, b: Fr) -> Bool {
        a.raw.l.0 == b.raw.l.0 && a.raw.l.1 == b.raw.l.1 && a.raw.l.2 == b.raw.l.2
            && a.raw.l.3 == b.raw.l.3
    }

    public func hash(into h: inout Hasher) {
        h.combine(raw.l.0)
        h.combine(raw.l.1)
        h.combine(raw.l.2)
        h.combine(raw.l.3)
    }

    @inlinable public static func + (a: Fr, b: Fr) -> Fr {
        var a = a, b = b, r = ck_fr()
        ck_fr_add(&r, &a.raw, &b.raw)
        return Fr(raw: r)
    }

    @inlinable public static func - (a: Fr, b: Fr) -> Fr {
        var a = a, b = b, r = ck_fr()
        ck_fr_sub(&r, &a.raw, &b.raw)
        return Fr(raw: r)
    }

    @inlinable public static func * (a: Fr, b: Fr) -> Fr {
        var a = a, b = b, r = ck_fr()
        ck_fr_mul(&r, &a.raw, &b.raw)
        return Fr(raw: r)
    }

    @inlinable public static prefix func - (a: Fr) -> Fr {
        var a = a, r = ck_fr()
        ck_fr_neg(&r, &a.raw)
        return Fr(raw: r)
    }

    @inlinable public static func += (a: inout Fr, b: Fr) { a = a + b }
    @inlinable public static func -= (a: inout Fr, b: Fr) { a = a - b }
    @inlinable public static func *= (a: inout Fr, b: Fr) { a = a * b }

    public func squared() -> Fr {
        var a = self, r = ck_fr()
        ck_fr_sqr(&r, &a.raw)
        return Fr(raw: r)
    }

    /// The multiplicative inverse, or nil for zero.
    public func inverse() -> Fr? {
        var a = self, r = ck_fr()
        guard ck_fr_inv(&r, &a.raw) == CK_OK else { return nil }
        return Fr(raw: r)
    }

    /// self^e for a 256-bit exponent given as 32 little-endian bytes (0^0 = 1).
    public func pow(exponentLE e: [UInt8]) -> Fr {
        precondition(e.count == 32, "the exponent is 32 little-endian bytes")
        var a = self, r = ck_fr()
        e.withUnsafeBufferPointer { ck_fr_pow(&r, &a.raw, $0.baseAddress) }
        return Fr(raw: r)
    }

    public func pow(_ e: UInt64) -> Fr {
        pow(exponentLE: (0..<32).map { $0 < 8 ? UInt8(truncatingIfNeeded: e >> (8 * UInt64($0))) : 0 })
    }

    /// Inverses of all elements with one field inversion; nil if any element is zero.
    public static func batchInverse(_ xs: [Fr]) -> [Fr]? {
        if xs.isEmpty { return [] }
        var out = [ck_fr](repeating: ck_fr(), count: xs.count)
        var scratch = out
        let input = xs.map(\.raw)
        let status = input.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { s in
                    ck_fr_batch_inv(o.baseAddress, inp.baseAddress, xs.count, s.baseAddress)
                }
            }
        }
        guard status == CK_OK else { return nil }
        return out.map { Fr(raw: $0) }
    }

    /// 2^k (k < 255).
    public static func powerOfTwo(_ k: Int) -> Fr {
        precondition(k >= 0 && k < 255)
        var limbs = [UInt64](repeating: 0, count: 4)
        limbs[k / 64] = 1 << UInt64(k % 64)
        var r = ck_fr()
        _ = limbs.withUnsafeBufferPointer { ck_fr_from_limbs(&r, $0.baseAddress) }
        return Fr(raw: r)
    }

    /// Name of the multiplication in use ("mulx-adx" or "portable").
    public static var implementation: String { String(cString: ck_fr_impl_name()) }
}

public enum FrError: Error, Equatable, CustomStringConvertible {
    case nonCanonical(String)
    case wrongLength(Int)
    case badHex(String)

    public var description: String {
        switch self {
        case .nonCanonical(let hex):
            "field element \(hex) is not canonical: its little-endian value is >= r (BLS12-381 Fr); Filecoin never reduces such values"
        case .wrongLength(let n): "a field element is 32 bytes (64 hex characters), got \(n) bytes"
        case .badHex(let why): "field element is not hex: \(why)"
        }
    }
}

/// Decimal text of 256-bit unsigned integers held as 32 little-endian bytes (how the
/// fixtures write large integers).
public enum Decimal256 {
    /// Parses a decimal string; nil when it is not decimal or needs more than 256 bits.
    public static func parse(_ s: String) -> [UInt8]? {
        guard !s.isEmpty else { return nil }
        var limbs = [UInt64](repeating: 0, count: 4)
        for ch in s.utf8 {
            guard ch >= 48 && ch <= 57 else { return nil }
            var carry = UInt64(ch - 48)
            for i in 0..<4 {
                let (hi, lo) = limbs[i].multipliedFullWidth(by: 10)
                let (sum, o) = lo.addingReportingOverflow(carry)
                limbs[i] = sum
                carry = hi + (o ? 1 : 0)
            }
            if carry != 0 { return nil }
        }
        return limbs.flatMap { l in (0..<8).map { UInt8(truncatingIfNeeded: l >> (8 * $0)) } }
    }

    /// The decimal string of 32 little-endian bytes.
    public static func format(_ bytes: [UInt8]) -> String {
        precondition(bytes.count == 32)
        var limbs = [UInt64](repeating: 0, count: 4)
        for (k, b) in bytes.enumerated() { limbs[k / 8] |= UInt64(b) << UInt64(8 * (k % 8)) }
        var digits: [UInt8] = []
        while limbs.contains(where: { $0 != 0 }) {
            var rem: UInt64 = 0
            for i in stride(from: 3, through: 0, by: -1) {
                let (q, r) = UInt64(10).dividingFullWidth((rem, limbs[i]))
                limbs[i] = q
                rem = r
            }
            digits.append(UInt8(rem) + 48)
        }
        return digits.isEmpty ? "0" : String(decoding: digits.reversed(), as: UTF8.self)
    }
}
