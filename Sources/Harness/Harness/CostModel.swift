import Foundation
import Kernels

/// The size of a Groth16 proof's work: constraints, public inputs (with ONE), auxiliary
/// variables and the NTT domain (2^domainLog ≥ constraints + inputs).
public struct CircuitShape: Sendable {
    public var constraints: Int
    public var inputs: Int
    public var aux: Int
    public var domainLog: Int

    public init(constraints: Int, inputs: Int, aux: Int) {
        self.constraints = constraints
        self.inputs = inputs
        self.aux = aux
        var k = 0
        while (1 << k) < constraints + inputs { k += 1 }
        domainLog = k
    }

    public var variables: Int { inputs + aux }
    public var domain: Int { 1 << domainLog }

    /// Filecoin's PoSt circuits (porep-post.md §9.6 and §11.3): constraints and inputs are
    /// rust-fil-proofs' figures; aux ≈ constraints is an assumption (Curio's extraction of
    /// the 32 GiB PoRep circuit counts 130,169,893 aux for 130,278,869 constraints).
    public static func winningPoSt(sectorSize: UInt64) -> CircuitShape? {
        switch sectorSize {
        case 32 << 30: CircuitShape(constraints: 370_590, inputs: 133, aux: 370_590)
        case 64 << 30: CircuitShape(constraints: 391_314, inputs: 133, aux: 391_314)
        default: nil
        }
    }

    public static func windowPoSt(sectorSize: UInt64) -> CircuitShape? {
        switch sectorSize {
        case 32 << 30: CircuitShape(constraints: 125_279_217, inputs: 25_840, aux: 125_279_217)
        case 64 << 30: CircuitShape(constraints: 129_887_900, inputs: 25_301, aux: 129_887_900)
        default: nil
        }
    }
}

/// Where a Groth16 proof's time goes, in seconds.
public struct ProveComponents: Sendable {
    public var witness = 0.0, ntt = 0.0, msmG1 = 0.0, msmG2 = 0.0
    public var total: Double { witness + ntt + msmG1 + msmG2 }

    public init(witness: Double = 0, ntt: Double = 0, msmG1: Double = 0, msmG2: Double = 0) {
        self.witness = witness
        self.ntt = ntt
        self.msmG1 = msmG1
        self.msmG2 = msmG2
    }

    public init(_ t: Groth16.ProveTiming) {
        self.init(witness: t.witness, ntt: t.ntt, msmG1: t.msmA + t.msmB1 + t.msmH + t.msmL, msmG2: t.msmB2)
    }

    var json: [String: Any] {
        ["witness_s": round4(witness), "ntt_s": round4(ntt), "msm_g1_s": round4(msmG1), "msm_g2_s": round4(msmG2)]
    }
}

/// A Groth16 prover's time as work units × a per-unit cost that may grow with size:
/// cost(k) = c0 + c1·k seconds per unit at domain 2^k (caches and memory: MSM buckets and
/// NTT strides leave the caches as sizes grow). The units, per component:
/// - witness: constraints (synthesis and the a, b, c evaluations),
/// - NTT: 7 transforms of the domain (bellperson: 3 iFFT + 3 coset FFT + 1 coset iFFT),
///   (N/2)·log2 N butterflies each,
/// - G1 MSMs A, B1 (all variables), L (aux), H (N − 1), and the G2 MSM B2 (all variables):
///   Pippenger's additions, min over the window c of ⌈255/c⌉·(n + 2^(c+1)) + 255.
public struct Groth16CostModel: Sendable {
    public struct Line: Sendable {
        public var c0: Double
        public var c1: Double
        public func at(_ k: Int) -> Double { c0 + c1 * Double(k) }
    }

    public struct Sample: Sendable {
        public var shape: CircuitShape
        public var measured: ProveComponents
        public var total: Double
        public var peakRSS: Double?
    }

    public var witness: Line
    public var ntt: Line
    public var msmG1: Line
    public var msmG2: Line

    /// Pippenger additions for an MSM of n points with 255-bit scalars.
    public static func pippengerAdds(_ n: Int) -> Double {
        guard n > 0 else { return 0 }
        var best = Double.infinity
        for c in 1...30 {
            let windows = Double((255 + c - 1) / c)
            best = Swift.min(best, windows * (Double(n) + Double(1 << (c + 1))) + 255)
        }
        return best
    }

    public static func units(_ s: CircuitShape) -> (witness: Double, ntt: Double, g1: Double, g2: Double) {
        let n = Double(s.domain)
        return (Double(s.constraints), 7 * n / 2 * Double(s.domainLog),
                2 * pippengerAdds(s.variables) + pippengerAdds(s.aux) + pippengerAdds(s.domain - 1), pippengerAdds(s.variables))
    }

    /// Weighted least squares of the per-unit cost against log2 N, the weights the units (the
    /// large sizes, closest to what is predicted, count most). A falling slope (fixed costs
    /// that small sizes do not amortise) is not extrapolated: the cost is then flat.
    static func fitLine(_ points: [(k: Int, units: Double, seconds: Double)]) -> Line {
        let p = points.filter { $0.units > 0 && $0.seconds > 0 }
        guard !p.isEmpty else { return Line(c0: 0, c1: 0) }
        let w = p.map(\.units), y = p.map { $0.seconds / $0.units }, x = p.map { Double($0.k) }
        let sw = w.reduce(0, +)
        let mx = zip(w, x).map { $0 * $1 }.reduce(0, +) / sw
        let my = zip(w, y).map { $0 * $1 }.reduce(0, +) / sw
        let sxx = zip(w, x).map { $0 * ($1 - mx) * ($1 - mx) }.reduce(0, +)
        guard p.count > 1, sxx > 0 else { return Line(c0: my, c1: 0) }
        let sxy = (0..<p.count).map { w[$0] * (x[$0] - mx) * (y[$0] - my) }.reduce(0, +)
        let slope = sxy / sxx
        if slope <= 0 {
            // Flat at the largest sizes' cost: the two largest points' weighted mean.
            let top = p.sorted { $0.k > $1.k }.prefix(2)
            let tw = top.map(\.units).reduce(0, +)
            return Line(c0: top.map { $0.seconds }.reduce(0, +) / tw, c1: 0)
        }
        return Line(c0: my - slope * mx, c1: slope)
    }

    public static func fit(_ samples: [Sample]) -> Groth16CostModel {
        let u = samples.map { (k: $0.shape.domainLog, u: units($0.shape), m: $0.measured) }
        return Groth16CostModel(
            witness: fitLine(u.map { ($0.k, $0.u.witness, $0.m.witness) }),
            ntt: fitLine(u.map { ($0.k, $0.u.ntt, $0.m.ntt) }),
            msmG1: fitLine(u.map { ($0.k, $0.u.g1, $0.m.msmG1) }),
            msmG2: fitLine(u.map { ($0.k, $0.u.g2, $0.m.msmG2) }))
    }

    public func predict(_ s: CircuitShape) -> ProveComponents {
        let u = Self.units(s), k = s.domainLog
        return ProveComponents(witness: u.witness * witness.at(k), ntt: u.ntt * ntt.at(k), msmG1: u.g1 * msmG1.at(k), msmG2: u.g2 * msmG2.at(k))
    }

    var json: [String: Any] {
        func line(_ l: Line, _ unit: String) -> [String: Any] {
            ["per_unit_s_c0": l.c0, "per_unit_s_c1": l.c1, "unit": unit, "form": "seconds per unit = c0 + c1·log2(N)"]
        }
        return ["witness": line(witness, "constraint"), "ntt": line(ntt, "butterfly (7 NTTs of N)"),
                "msm_g1": line(msmG1, "Pippenger addition (A, B1, L, H)"), "msm_g2": line(msmG2, "Pippenger addition (B2)")]
    }
}

/// Memory a Groth16 proof needs.
public enum ProverMemory {
    /// The floor any CPU prover of this circuit needs resident: the proving key in
    /// bellperson's affine form (G1 96 bytes, G2 192 bytes; A and B counted dense, an upper
    /// bound on B), the witness and the three evaluation vectors a, b, c of the domain.
    public static func floorBytes(_ s: CircuitShape) -> Double {
        keyBytes(s) + Double(s.variables) * 32 + 3 * Double(s.domain) * 32
    }

    /// The proving key alone: A, B1 (all variables), L (aux), H (N − 1) in G1, B2 in G2.
    public static func keyBytes(_ s: CircuitShape) -> Double {
        Double(2 * s.variables + s.aux + s.domain - 1) * 96 + Double(s.variables) * 192
    }

    /// This process's resident and peak resident set (VmRSS, VmHWM) in bytes.
    static func rss() -> (current: Double, peak: Double) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Double {
            for line in status.split(separator: "\n") where line.hasPrefix(name) {
                if let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Double($0) }) { return kb * 1024 }
            }
            return 0
        }
        return (field("VmRSS:"), field("VmHWM:"))
    }

    /// Resets VmHWM to the current RSS (Linux: "5" to /proc/self/clear_refs); false if not allowed.
    @discardableResult
    static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }
}
