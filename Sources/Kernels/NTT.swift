import CKernels

/// A radix-2 evaluation domain of size n = 2^logSize over Fr, as bellperson's
/// `EvaluationDomain` builds it (`from_coeffs`): omega = ROOT_OF_UNITY^(2^(32 − logSize)),
/// ROOT_OF_UNITY = 7^((r − 1)/2^32) (blstrs, S = 32), and the coset generator g = 7.
///
/// `fft` gives out_k = Σ_j a_j ω^(jk) in natural order; `ifft` the inverse (with n^-1);
/// `cosetFFT` evaluates over g·⟨ω⟩ (a_j·g^j, then fft) and `icosetFFT` undoes it (ifft,
/// then a_j·g^-j). Inputs shorter than n are zero-padded to n.
public struct EvaluationDomain: Sendable, Equatable {
    /// bellperson refuses exponents >= S = 32 (PolynomialDegreeTooLarge).
    public static let maxLogSize = 31
    /// MULTIPLICATIVE_GENERATOR of blstrs.
    public static let generator = Fr(7)
    public static let generatorInverse: Fr = {
        var g = ck_fr(), r = ck_fr()
        ck_fr_from_u64(&g, 7)
        _ = ck_fr_inv(&r, &g)
        return Fr(raw: r)
    }()

    public let logSize: Int
    public let omega: Fr
    public let omegaInv: Fr
    /// n^-1 (bellperson's `minv`).
    public let sizeInv: Fr
    /// Twiddle tables kept across transforms of this domain (up to 2^cachedLogSize points;
    /// larger domains build them per call rather than hold n − 1 elements each way).
    private let twiddles = TwiddleCache()
    static let cachedLogSize = 22

    public static func == (a: EvaluationDomain, b: EvaluationDomain) -> Bool { a.logSize == b.logSize }

    public var size: Int { 1 << logSize }

    public init(logSize: Int) throws(NTTError) {
        guard logSize >= 0 && logSize <= Self.maxLogSize else { throw .logSizeOutOfRange(logSize) }
        var w = ck_fr(), wi = ck_fr(), ni = ck_fr()
        guard ck_fr_ntt_domain(&w, &wi, &ni, UInt32(logSize)) == CK_OK else { throw .logSizeOutOfRange(logSize) }
        self.logSize = logSize
        omega = Fr(raw: w)
        omegaInv = Fr(raw: wi)
        sizeInv = Fr(raw: ni)
    }

    /// The smallest domain with at least `minimumSize` points (bellperson `from_coeffs`:
    /// a power of two, 1 for 0 or 1 coefficients).
    public init(minimumSize: Int) throws(NTTError) {
        guard minimumSize >= 0 else { throw .logSizeOutOfRange(-1) }
        var k = 0
        while (1 << k) < minimumSize {
            k += 1
            if k > Self.maxLogSize { throw .tooLarge(minimumSize) }
        }
        try self.init(logSize: k)
    }

    /// out_k = Σ_j a_j ω^(jk).
    public func fft(_ a: inout [Fr], threads: Int = 1) throws(NTTError) {
        try transform(&a, omega: omega, threads: threads)
    }

    /// out_k = n^-1 Σ_j a_j ω^(-jk).
    public func ifft(_ a: inout [Fr], threads: Int = 1) throws(NTTError) {
        try transform(&a, omega: omegaInv, threads: threads)
        Self.scale(&a, by: sizeInv, threads: threads)
    }

    /// The values over the coset g·⟨ω⟩: a_j ← a_j·g^j, then fft.
    public func cosetFFT(_ a: inout [Fr], threads: Int = 1) throws(NTTError) {
        try pad(&a)
        Self.distributePowers(&a, Self.generator, threads: threads)
        try transform(&a, omega: omega, threads: threads)
    }

    /// The inverse of cosetFFT: ifft, then a_j ← a_j·g^-j (n^-1 folded into the same pass).
    public func icosetFFT(_ a: inout [Fr], threads: Int = 1) throws(NTTError) {
        try transform(&a, omega: omegaInv, threads: threads)
        Self.distributePowers(&a, Self.generatorInverse, scaledBy: sizeInv, threads: threads)
    }

    /// a_j ← c·g^j (c = 1 by default), on `threads` threads.
    public static func distributePowers(_ a: inout [Fr], _ g: Fr, scaledBy c: Fr = .one, threads: Int = 1) {
        var g = g.raw, c = c.raw
        let t = UInt32(clamping: max(1, threads))
        a.withUnsafeMutableBufferPointer { buf in
            buf.withMemoryRebound(to: ck_fr.self) { p in
                ck_fr_distribute_powers_scaled(p.baseAddress, p.count, &c, &g, t)
            }
        }
    }

    /// a_j ← c·a_j.
    public static func scale(_ a: inout [Fr], by c: Fr, threads: Int = 1) {
        var c = c.raw
        let t = UInt32(clamping: max(1, threads))
        a.withUnsafeMutableBufferPointer { buf in
            buf.withMemoryRebound(to: ck_fr.self) { p in ck_fr_scale(p.baseAddress, p.count, &c, t) }
        }
    }

    func pad(_ a: inout [Fr]) throws(NTTError) {
        guard a.count <= size else { throw .tooManyValues(a.count, size) }
        if a.count < size { a.append(contentsOf: repeatElement(Fr.zero, count: size - a.count)) }
    }

    func transform(_ a: inout [Fr], omega: Fr, threads: Int) throws(NTTError) {
        try pad(&a)
        var w = omega.raw
        let k = UInt32(logSize), t = UInt32(clamping: max(1, threads))
        let table = logSize >= 1 && logSize <= Self.cachedLogSize ? twiddles.table(inverse: omega == omegaInv && omega != self.omega,
                                                                                   logSize: logSize, omega: omega) : nil
        let status = a.withUnsafeMutableBufferPointer { buf in
            buf.withMemoryRebound(to: ck_fr.self) { p in
                if let table { return table.withUnsafeBufferPointer { ck_fr_ntt_with_twiddles(p.baseAddress, k, $0.baseAddress, t) } }
                return ck_fr_ntt(p.baseAddress, k, &w, t)
            }
        }
        guard status == CK_OK else { throw .outOfMemory(size) }
    }
}

/// The forward and inverse twiddle tables of one domain, built on first use.
final class TwiddleCache: @unchecked Sendable {
    private let lock = MutexLite()
    private var forward: [ck_fr]?
    private var inverse: [ck_fr]?

    func table(inverse inv: Bool, logSize: Int, omega: Fr) -> [ck_fr]? {
        lock.with {
            if let t = inv ? inverse : forward { return t }
            var t = [ck_fr](repeating: ck_fr(), count: (1 << logSize) - 1)
            var w = omega.raw
            guard ck_fr_ntt_twiddles(&t, UInt32(logSize), &w) == CK_OK else { return nil }
            if inv { inverse = t } else { forward = t }
            return t
        }
    }
}

public enum NTTError: Error, Equatable, CustomStringConvertible {
    case logSizeOutOfRange(Int)
    case tooLarge(Int)
    case tooManyValues(Int, Int)
    case outOfMemory(Int)

    public var description: String {
        switch self {
        case .logSizeOutOfRange(let k):
            "an evaluation domain has 2^k points with 0 <= k <= \(EvaluationDomain.maxLogSize) (Fr has 2-adicity 32), got k = \(k)"
        case .tooLarge(let n):
            "\(n) coefficients need a domain above 2^\(EvaluationDomain.maxLogSize) points; bellperson rejects this (PolynomialDegreeTooLarge): split the polynomial"
        case .tooManyValues(let got, let n):
            "\(got) values do not fit a domain of \(n) points; build the domain with EvaluationDomain(minimumSize: \(got))"
        case .outOfMemory(let n):
            "the NTT of \(n) elements could not allocate its twiddle table (\(n / 2 * 32) bytes); free memory or use a smaller domain"
        }
    }
}
