import Foundation
import Kernels

extension BenchRunner {
    /// NTT benchmarks (group "snark"): bellperson-style radix-2 fft of 2^k Fr elements on
    /// one thread and on two, with the Fr multiplication time measured in the same repeats.
    /// Ratios: (time on 1 thread) ÷ (butterflies × fr.mul), butterflies = (n/2)·log2 n,
    /// goal <= 1.2; and the two-thread speed-up, goal >= 1.8 (both at 2^20, quick 2^16).
    static func runNTTBench(quick: Bool, repeats: Int, minSec: Double, add: (BenchResult) -> Void, log: (String) -> Void) throws {
        let sizes = quick ? [10, 12, 14, 16, 18] : [10, 12, 14, 16, 18, 20, 22]
        let reference = quick ? 16 : 20
        let threads = Swift.min(2, Swift.max(1, ProcessInfo.processInfo.activeProcessorCount))
        let chain = 100_000
        log("ntt (radix-2 over Fr, \(BenchKernels.frImplementation), 1 and \(threads) threads)")
        for k in sizes {
            let n = 1 << k
            let domain = try EvaluationDomain(logSize: k)
            var a = (0..<n).map { Fr(UInt64($0) &* 0x9e37_79b9_7f4a_7c15 | 1).squared() }
            var sink: UInt64 = 0
            // Large sizes: fewer repeats, each one transform (a 2^22 fft takes about a second).
            let reps = k >= 22 ? Swift.max(3, repeats / 2) : repeats
            let runs = measureInterleaved(repeats: reps, minSeconds: minSec, [
                (Double(chain) / 1e9, { sink ^= BenchKernels.frChain(chain) }),
                (1e-3, { try? domain.fft(&a, threads: 1) }),
                (1e-3, { try? domain.fft(&a, threads: threads) }),
            ]).map { $0.map { 1 / $0 } } // ns per mul; ms per transform
            if sink == 42 { log("") }
            let butterflies = Double(n / 2 * k)
            let mulNs = runs[0]
            var one = BenchResult(name: "ntt.fft.2^\(k)", group: "snark", unit: "ms", higherIsBetter: false, samples: runs[1],
                                  params: ["n": "\(n)", "threads": "1", "butterflies": "\(n / 2 * k)", "impl": BenchKernels.frImplementation,
                                           "twiddles": "kept by the EvaluationDomain up to 2^22 (n - 1 elements each way), built per call above"])
            one.ratio = .init(value: pairedRatio(runs[1], mulNs.map { $0 * butterflies / 1e6 }),
                              against: "(n/2)·log2 n × fr.mul", goal: k == reference ? 1.2 : nil, atLeast: false)
            one.note = String(format: "%.2f ns per butterfly; fr.mul %.2f ns in the same repeats", pairedRatio(runs[1], mulNs.map { _ in butterflies / 1e6 }), median(mulNs))
            add(one)
            var two = BenchResult(name: "ntt.fft.2^\(k).\(threads)-thread", group: "snark", unit: "ms", higherIsBetter: false,
                                  samples: runs[2], params: ["n": "\(n)", "threads": "\(threads)", "impl": BenchKernels.frImplementation])
            two.ratio = .init(value: pairedRatio(runs[1], runs[2]), against: "ntt.fft.2^\(k) 1-thread (speed-up)",
                              goal: k == reference && threads > 1 ? 1.8 : nil, higherIsBetter: true)
            if k < 11 { two.note = "below 2^11 the kernel runs on one thread whatever is asked" }
            add(two)
        }
    }
}
