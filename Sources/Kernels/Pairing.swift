import CKernels

public enum GTError: Error, Equatable, CustomStringConvertible {
    case length(Int)
    case coordinateNotCanonical

    public var description: String {
        switch self {
        case .length(let n): "a GT element is 576 bytes (12 big-endian Fp values), got \(n)"
        case .coordinateNotCanonical: "a GT coefficient is not below p"
        }
    }
}

/// An element of GT ⊂ Fp12 (the pairing's target group), as blst computes it.
public struct GT: Sendable, Equatable {
    public var raw: ck_fp12

    public init(raw: ck_fp12) { self.raw = raw }

    public static var one: GT {
        var o = ck_fp12()
        ck_fp12_set_one(&o)
        return GT(raw: o)
    }

    /// blst_bendian_from_fp12's 576 bytes (w^0..w^5, each Fp2 real then u part, big-endian).
    public init<B: Collection>(bytes: B) throws(GTError) where B.Element == UInt8 {
        let b = Array(bytes)
        guard b.count == 576 else { throw .length(b.count) }
        var o = ck_fp12()
        guard ck_fp12_from_bytes(&o, b) == CK_OK else { throw .coordinateNotCanonical }
        raw = o
    }

    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 576)
        var a = raw
        ck_fp12_to_bytes(&out, &a)
        return out
    }

    public var isOne: Bool {
        var a = raw
        return ck_fp12_is_one(&a) != 0
    }

    public static func * (a: GT, b: GT) -> GT {
        var o = ck_fp12(), x = a.raw, y = b.raw
        ck_fp12_mul(&o, &x, &y)
        return GT(raw: o)
    }

    public static func *= (a: inout GT, b: GT) { a = a * b }

    /// The inverse (nil only for 0, which is not in GT).
    public func inverse() -> GT? {
        var o = ck_fp12(), x = raw
        guard ck_fp12_inv(&o, &x) == CK_OK else { return nil }
        return GT(raw: o)
    }

    /// Conjugate c0 - c1·w: the inverse for elements of GT.
    public var conjugate: GT {
        var o = ck_fp12(), x = raw
        ck_fp12_conj(&o, &x)
        return GT(raw: o)
    }

    /// self^(p^power).
    public func frobenius(_ power: UInt32) -> GT {
        var o = ck_fp12(), x = raw
        ck_fp12_frobenius(&o, &x, power)
        return GT(raw: o)
    }

    public func squared() -> GT {
        var o = ck_fp12(), x = raw
        ck_fp12_sqr(&o, &x)
        return GT(raw: o)
    }

    /// self^e for a big-endian unsigned exponent.
    public func pow(exponentBE e: [UInt8]) -> GT {
        var o = ck_fp12(), x = raw
        ck_fp12_pow(&o, &x, e, e.count)
        return GT(raw: o)
    }

    /// self^k for an Fr scalar (its canonical value).
    public func pow(_ k: Fr) -> GT { pow(exponentBE: k.bytes.reversed()) }

    public static func == (a: GT, b: GT) -> Bool {
        var x = a.raw, y = b.raw
        return ck_fp12_equal(&x, &y) != 0
    }
}

/// The optimal ate pairing of BLS12-381, byte-exact with blst (blst_miller_loop +
/// blst_final_exp): e(P, Q) = conj(f_{|x|,ψ(Q)}(P))^(3(p^12 - 1)/r).
public enum Pairing {
    public static func pairing(_ p: G1Point, _ q: G2Point) -> GT {
        var o = ck_fp12(), a = p.raw, b = q.raw
        ck_pairing(&o, &a, &b)
        return GT(raw: o)
    }

    /// Π e(p_i, q_i) with one final exponentiation; pairs containing infinity contribute 1.
    public static func multiPairing(_ pairs: [(G1Point, G2Point)]) -> GT {
        finalExponentiation(millerLoop(pairs))
    }

    /// True when Π e(p_i, q_i) == 1 (the empty product is 1).
    public static func check(_ pairs: [(G1Point, G2Point)]) -> Bool {
        multiPairing(pairs).isOne
    }

    /// The Miller loop value (conjugated for the negative x), not yet in GT.
    public static func millerLoop(_ p: G1Point, _ q: G2Point) -> GT {
        var o = ck_fp12(), a = p.raw, b = q.raw
        ck_miller_loop(&o, &a, &b)
        return GT(raw: o)
    }

    /// The product of the Miller loop values of the pairs (one shared squaring chain).
    public static func millerLoop(_ pairs: [(G1Point, G2Point)]) -> GT {
        let ps = pairs.map(\.0.raw), qs = pairs.map(\.1.raw)
        var o = ck_fp12()
        ck_multi_miller_loop(&o, ps, qs, pairs.count)
        return GT(raw: o)
    }

    /// f^(3(p^12 - 1)/r), blst_final_exp's power.
    public static func finalExponentiation(_ f: GT) -> GT {
        var o = ck_fp12(), x = f.raw
        ck_final_exp(&o, &x)
        return GT(raw: o)
    }
}
