import Foundation
import Kernels

extension BenchRunner {
    /// One dispatched Fp multiplication (ns), the unit of the curve and pairing benchmarks'
    /// "Fp-mul equivalents", measured in the same run.
    static func fpMulNanoseconds(repeats: Int, minSec: Double, log: (String) -> Void) -> Double {
        let chain: UInt64 = 1 << 20
        var sink: UInt64 = 0
        let ns = measure(repeats: repeats, minSeconds: minSec, units: 1) { sink &+= BenchKernels.fpMulChain(chain) }
            .map { 1e9 / ($0 * Double(chain)) }
        if sink == 42 { log("") }
        let fpMul = median(ns)
        log(String(format: "  (Fp mul for normalization: %.2f ns)", fpMul))
        return fpMul
    }

    /// G1/G2 MSM benchmarks (group "snark"), normalized to the Fp multiplication time
    /// measured in the same run: Fp-mul equivalents = MSM time ÷ one Fp mul.
    static func runCurveBench(quick: Bool, repeats: Int, minSec: Double, add: (BenchResult) -> Void, log: (String) -> Void) throws {
        let fpMul = fpMulNanoseconds(repeats: repeats, minSec: minSec, log: log)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let g1Sizes = quick ? [10, 12, 14, 16] : [10, 12, 14, 16, 18, 20]
        var byte: UInt8 = 0
        for (group, sizes) in [("g1", g1Sizes), ("g2", quick ? [10, 12] : [10, 12, 14])] {
            for k in sizes {
                let input = BenchKernels.MSMInput(n: 1 << k, g2: group == "g2")
                let reps = k >= 18 ? 3 : Swift.max(3, repeats / 2)
                var times: [Int: [Double]] = [:]
                for t in Array(Set([1, Swift.min(2, cores)])).sorted() {
                    times[t] = measure(repeats: reps, minSeconds: 0, units: 1) { byte ^= input.run(threads: t) }.map { 1 / $0 }
                }
                let one = median(times[1] ?? [])
                var r = BenchResult(name: "msm.\(group).2^\(k).1-thread", group: "snark", unit: "ms", higherIsBetter: false,
                                    samples: (times[1] ?? []).map { $0 * 1e3 }, params: ["points": "\(1 << k)", "threads": "1"])
                let equiv = one / (fpMul * 1e-9) / 1e6
                let goal: Double? = group == "g1" ? (k == 20 ? 140 : (k == 16 ? 12 : nil)) : (k == 12 ? 3.6 : nil)
                r.ratio = .init(value: equiv, against: "M Fp-mul equivalents (time ÷ Fp mul \(String(format: "%.2f", fpMul)) ns)", goal: goal, atLeast: false)
                add(r)
                if let two = times[2] {
                    var r2 = BenchResult(name: "msm.\(group).2^\(k).2-threads", group: "snark", unit: "ms", higherIsBetter: false,
                                         samples: two.map { $0 * 1e3 }, params: ["points": "\(1 << k)", "threads": "2"])
                    r2.ratio = .init(value: one / median(two), against: "msm.\(group).2^\(k).1-thread (two-core speed-up)", goal: 1.85)
                    add(r2)
                }
            }
        }
        if byte == 42 { log("") }
    }
}
