import CKernels

public enum CurveError: Error, Equatable, CustomStringConvertible {
    case length(group: String, got: Int)
    case encoding(group: String)
    case coordinateNotCanonical(group: String)
    case notOnCurve(group: String)
    case notInSubgroup(group: String)
    case scalarLength(Int)
    case counts(points: Int, scalars: Int)
    case outOfMemory

    public var description: String {
        switch self {
        case .length(let g, let n): "a \(g) point is \(g == "G1" ? "48 (compressed) or 96" : "96 (compressed) or 192") bytes, got \(n)"
        case .encoding(let g): "bad \(g) encoding flags (compressed/infinity/sort bits)"
        case .coordinateNotCanonical(let g): "a \(g) coordinate is not below p"
        case .notOnCurve(let g): "the \(g) point is not on the curve"
        case .notInSubgroup(let g): "the \(g) point is not in the prime-order subgroup"
        case .scalarLength(let n): "a scalar is 32 bytes little-endian, got \(n)"
        case .counts(let p, let s): "\(p) points but \(s) scalars"
        case .outOfMemory: "not enough memory for the multi-scalar multiplication"
        }
    }

    static func from(_ rc: Int32, group: String) -> CurveError {
        switch rc {
        case CK_E_NONCANONICAL: .coordinateNotCanonical(group: group)
        case CK_E_NOT_ON_CURVE: .notOnCurve(group: group)
        case CK_E_NOT_IN_SUBGROUP: .notInSubgroup(group: group)
        default: .encoding(group: group)
        }
    }
}

/// A point of G1 (affine, infinity allowed).
public struct G1Point: Sendable, Equatable {
    public var raw: ck_g1

    public init(raw: ck_g1) { self.raw = raw }

    public static var generator: G1Point {
        var g = ck_g1()
        ck_g1_generator(&g)
        return G1Point(raw: g)
    }

    public static var infinity: G1Point {
        var g = ck_g1()
        g.inf = 1
        return G1Point(raw: g)
    }

    public var isInfinity: Bool { raw.inf != 0 }

    /// ZCash decoding of 48 (compressed) or 96 bytes, with the curve and subgroup checks.
    public init<B: Collection>(bytes: B) throws(CurveError) where B.Element == UInt8 {
        let b = Array(bytes)
        guard b.count == 48 || b.count == 96 else { throw .length(group: "G1", got: b.count) }
        var p = ck_g1()
        let rc = ck_g1_decode(&p, b, b.count)
        guard rc == CK_OK else { throw CurveError.from(rc, group: "G1") }
        raw = p
    }

    public var compressed: [UInt8] { encode(true) }
    public var uncompressed: [UInt8] { encode(false) }

    private func encode(_ c: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: c ? 48 : 96)
        var p = raw
        ck_g1_encode(&out, &p, c ? 1 : 0)
        return out
    }

    public static func + (a: G1Point, b: G1Point) -> G1Point {
        var o = ck_g1(), x = a.raw, y = b.raw
        ck_g1_add(&o, &x, &y)
        return G1Point(raw: o)
    }

    public static prefix func - (a: G1Point) -> G1Point {
        var o = ck_g1(), x = a.raw
        ck_g1_neg(&o, &x)
        return G1Point(raw: o)
    }

    public func doubled() -> G1Point {
        var o = ck_g1(), x = raw
        ck_g1_dbl(&o, &x)
        return G1Point(raw: o)
    }

    /// k·P for a 32-byte little-endian k (not reduced); constantTime for secret scalars.
    public func multiplied(by k: [UInt8], constantTime: Bool = false) throws(CurveError) -> G1Point {
        guard k.count == 32 else { throw .scalarLength(k.count) }
        var o = ck_g1(), x = raw
        if constantTime { ck_g1_mul_ct(&o, &x, k) } else { ck_g1_mul(&o, &x, k) }
        return G1Point(raw: o)
    }

    public func multiplied(by k: Fr) -> G1Point { (try? multiplied(by: k.bytes)) ?? .infinity }

    public var isOnCurve: Bool {
        var x = raw
        return ck_g1_is_on_curve(&x) != 0
    }

    public var isInSubgroup: Bool {
        var x = raw
        return ck_g1_in_subgroup(&x) != 0
    }

    /// Σ k_i·P_i; scalars are Fr (their canonical bytes).
    public static func msm(_ points: [G1Point], _ scalars: [Fr], threads: Int = Parallel.processorCount) throws(CurveError) -> G1Point {
        guard points.count == scalars.count else { throw .counts(points: points.count, scalars: scalars.count) }
        let pts = points.map(\.raw)
        var bytes = [UInt8](repeating: 0, count: 32 * scalars.count)
        bytes.withUnsafeMutableBufferPointer { b in
            scalars.map(\.raw).withUnsafeBufferPointer { s in ck_fr_to_bytes_many(b.baseAddress, s.baseAddress, s.count) }
        }
        var o = ck_g1()
        let rc = ck_g1_msm(&o, pts, bytes, pts.count, UInt32(max(1, threads)))
        guard rc == CK_OK else { throw .outOfMemory }
        return G1Point(raw: o)
    }

    public static func == (a: G1Point, b: G1Point) -> Bool {
        var x = a.raw, y = b.raw
        return ck_g1_equal(&x, &y) != 0
    }
}

/// A point of G2 (affine, infinity allowed).
public struct G2Point: Sendable, Equatable {
    public var raw: ck_g2

    public init(raw: ck_g2) { self.raw = raw }

    public static var generator: G2Point {
        var g = ck_g2()
        ck_g2_generator(&g)
        return G2Point(raw: g)
    }

    public static var infinity: G2Point {
        var g = ck_g2()
        g.inf = 1
        return G2Point(raw: g)
    }

    public var isInfinity: Bool { raw.inf != 0 }

    /// ZCash decoding of 96 (compressed) or 192 bytes, with the curve and subgroup checks.
    public init<B: Collection>(bytes: B) throws(CurveError) where B.Element == UInt8 {
        let b = Array(bytes)
        guard b.count == 96 || b.count == 192 else { throw .length(group: "G2", got: b.count) }
        var p = ck_g2()
        let rc = ck_g2_decode(&p, b, b.count)
        guard rc == CK_OK else { throw CurveError.from(rc, group: "G2") }
        raw = p
    }

    public var compressed: [UInt8] { encode(true) }
    public var uncompressed: [UInt8] { encode(false) }

    private func encode(_ c: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: c ? 96 : 192)
        var p = raw
        ck_g2_encode(&out, &p, c ? 1 : 0)
        return out
    }

    public static func + (a: G2Point, b: G2Point) -> G2Point {
        var o = ck_g2(), x = a.raw, y = b.raw
        ck_g2_add(&o, &x, &y)
        return G2Point(raw: o)
    }

    public static prefix func - (a: G2Point) -> G2Point {
        var o = ck_g2(), x = a.raw
        ck_g2_neg(&o, &x)
        return G2Point(raw: o)
    }

    public func doubled() -> G2Point {
        var o = ck_g2(), x = raw
        ck_g2_dbl(&o, &x)
        return G2Point(raw: o)
    }

    public func multiplied(by k: [UInt8], constantTime: Bool = false) throws(CurveError) -> G2Point {
        guard k.count == 32 else { throw .scalarLength(k.count) }
        var o = ck_g2(), x = raw
        if constantTime { ck_g2_mul_ct(&o, &x, k) } else { ck_g2_mul(&o, &x, k) }
        return G2Point(raw: o)
    }

    public func multiplied(by k: Fr) -> G2Point { (try? multiplied(by: k.bytes)) ?? .infinity }

    public var isOnCurve: Bool {
        var x = raw
        return ck_g2_is_on_curve(&x) != 0
    }

    public var isInSubgroup: Bool {
        var x = raw
        return ck_g2_in_subgroup(&x) != 0
    }

    public static func msm(_ points: [G2Point], _ scalars: [Fr], threads: Int = Parallel.processorCount) throws(CurveError) -> G2Point {
        guard points.count == scalars.count else { throw .counts(points: points.count, scalars: scalars.count) }
        let pts = points.map(\.raw)
        var bytes = [UInt8](repeating: 0, count: 32 * scalars.count)
        bytes.withUnsafeMutableBufferPointer { b in
            scalars.map(\.raw).withUnsafeBufferPointer { s in ck_fr_to_bytes_many(b.baseAddress, s.baseAddress, s.count) }
        }
        var o = ck_g2()
        let rc = ck_g2_msm(&o, pts, bytes, pts.count, UInt32(max(1, threads)))
        guard rc == CK_OK else { throw .outOfMemory }
        return G2Point(raw: o)
    }

    public static func == (a: G2Point, b: G2Point) -> Bool {
        var x = a.raw, y = b.raw
        return ck_g2_equal(&x, &y) != 0
    }
}

extension G1Point {
    /// k_i·base for every k (a fixed-base table: setups).
    /// k_i·base for every scalar: byte-window tables, split over `threads` (setup of
    /// large circuits spends most of its time here).
    public static func fixedBase(_ base: G1Point, _ ks: [Fr], threads: Int = Parallel.processorCount) -> [G1Point] {
        guard !ks.isEmpty else { return [] }
        var out = [ck_g1](repeating: ck_g1(), count: ks.count)
        let b = base.raw
        let bytes = ks.flatMap(\.bytes)
        let ok = fixedBaseChunks(count: ks.count, threads: threads, out: &out) { dst, first, n in
            var bb = b
            return bytes.withUnsafeBufferPointer { ck_g1_fixed_base_many(dst, &bb, $0.baseAddress.map { $0 + 32 * first }, n) }
        }
        if !ok { return ks.map { base.multiplied(by: $0) } }
        return out.map { G1Point(raw: $0) }
    }
}

/// Runs `body(chunk, first, count)` over about `threads` equal slices of `out` at once;
/// false when any slice failed (out of memory for its tables).
func fixedBaseChunks<T>(count: Int, threads: Int, out: inout [T],
                        _ body: (UnsafeMutablePointer<T>, Int, Int) -> Int32) -> Bool {
    // Below a few thousand points the per-slice window tables cost more than they save.
    let parts = max(1, min(threads, count / 2048))
    let per = (count + parts - 1) / parts
    var codes = [Int32](repeating: CK_OK, count: parts)
    out.withUnsafeMutableBufferPointer { o in
        codes.withUnsafeMutableBufferPointer { c in
            guard let base = o.baseAddress, let cb = c.baseAddress else { return }
            let dst = UncheckedSendable(base), cs = UncheckedSendable(cb)
            Parallel.run(parts, threads: parts) { i in
                let first = i * per, n = min(per, count - first)
                guard n > 0 else { return }
                cs.value[i] = body(dst.value + first, first, n)
            }
        }
    }
    return codes.allSatisfy { $0 == CK_OK }
}

extension G2Point {
    public static func fixedBase(_ base: G2Point, _ ks: [Fr], threads: Int = Parallel.processorCount) -> [G2Point] {
        guard !ks.isEmpty else { return [] }
        var out = [ck_g2](repeating: ck_g2(), count: ks.count)
        let b = base.raw
        let bytes = ks.flatMap(\.bytes)
        let ok = fixedBaseChunks(count: ks.count, threads: threads, out: &out) { dst, first, n in
            var bb = b
            return bytes.withUnsafeBufferPointer { ck_g2_fixed_base_many(dst, &bb, $0.baseAddress.map { $0 + 32 * first }, n) }
        }
        if !ok { return ks.map { base.multiplied(by: $0) } }
        return out.map { G2Point(raw: $0) }
    }
}
