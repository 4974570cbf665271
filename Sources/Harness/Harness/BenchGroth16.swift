import Foundation
import Kernels

extension BenchRunner {
    /// Groth16 on synthetic circuits (group "snark"): setup (insecure toxic waste), prove
    /// with the time split per phase, verify against a 3-pair multi-pairing of the same run.
    static func runGroth16Bench(quick: Bool, repeats: Int, minSec: Double, add: (BenchResult) -> Void, log: (String) -> Void) throws {
        let sizes = quick ? [10, 12] : [10, 12, 14, 16, 18, 20]
        let g1 = G1Point.generator, g2 = G2Point.generator
        let pairs = [(g1, g2), (g1.doubled(), g2), (g1, g2.doubled())]
        var sink = false
        let mp = measure(repeats: repeats, minSeconds: minSec, units: 1) { sink = sink != (Pairing.multiPairing(pairs) == GT.one) }.map { 1e3 / $0 }
        let threePair = median(mp)
        let clock = ContinuousClock()
        for k in sizes {
            let n = (1 << k) - 3  // the domain holds constraints + inputs (2 public + ONE)
            let cs = ConstraintSystem.synthetic(constraints: n, publicInputs: 2, seed: UInt64(k))
            var params: Groth16.Parameters?
            let ts = try clock.measure { params = try Groth16.setup(cs, toxic: .random()) }.seconds
            guard let params else { continue }
            log(String(format: "  groth16 2^%d: setup %.2f s (insecure toxic waste, benchmark only)", k, ts))
            var timings: [Groth16.ProveTiming] = []
            var proof: Groth16.Proof?
            let reps = k >= 16 ? 3 : Swift.max(3, repeats / 2)
            var totals: [Double] = []
            for _ in 0..<reps {
                let t0 = clock.now
                let (p, t) = try Groth16.prove(params, cs)
                totals.append((clock.now - t0).seconds * 1e3)
                timings.append(t)
                proof = p
            }
            guard let proof else { continue }
            func med(_ f: (Groth16.ProveTiming) -> Double) -> String { String(format: "%.4f", median(timings.map(f))) }
            add(BenchResult(name: "groth16.prove.2^\(k)", group: "snark", unit: "ms", higherIsBetter: false, samples: totals,
                            params: ["constraints": "\(n)", "public_inputs": "2", "witness_s": med(\.witness), "ntt_s": med(\.ntt),
                                     "msm_a_s": med(\.msmA), "msm_b_g1_s": med(\.msmB1), "msm_b_g2_s": med(\.msmB2),
                                     "msm_h_s": med(\.msmH), "msm_l_s": med(\.msmL), "setup_s": String(format: "%.3f", ts)]))
            let pvk = Groth16.PreparedVerifyingKey(params.vk)
            let inputs = cs.publicInputs
            var ok = true
            let vs = measure(repeats: repeats, minSeconds: minSec, units: 1) { ok = ok && ((try? Groth16.verify(pvk, proof, inputs: inputs)) ?? false) }
                .map { 1e3 / $0 }
            guard ok else { throw BenchError.failed("a Groth16 proof of the 2^\(k) synthetic circuit did not verify") }
            var v = BenchResult(name: "groth16.verify.2^\(k)", group: "snark", unit: "ms", higherIsBetter: false, samples: vs,
                                params: ["public_inputs": "2"])
            v.ratio = .init(value: median(vs) / threePair, against: "pairing 3-pair multi-pairing (\(String(format: "%.3f", threePair)) ms)", goal: 1.2, atLeast: false)
            add(v)
        }
        if sink { log("") }
    }
}
