import Foundation
import Kernels

extension BenchRunner {
    /// Fp benchmarks (group "snark"): dependent chains of the BLS12-381 base-field
    /// multiplication (dispatched and portable), squaring and Fp2 multiplication, and the
    /// GMP mpn Montgomery peer measured interleaved in the same run.
    static func runFpBench(quick: Bool, repeats: Int, minSec: Double, add: (BenchResult) -> Void, log: (String) -> Void) throws {
        let chain = quick ? 20_000 : 100_000
        let impl = BenchKernels.fpImplementation
        log("fp (\(impl))")
        var sink: UInt64 = 0
        let perNs = Double(chain) / 1e9
        let fp2Chain = chain / 4
        let bodies: [(units: Double, body: () -> Void)] = [
            (perNs, { sink ^= BenchKernels.fpChain(chain) }),
            (perNs, { sink ^= BenchKernels.fpChain(chain, impl: .portable) }),
            (perNs, { sink ^= BenchKernels.gmpFpMontChain(chain) }),
            (perNs, { sink ^= BenchKernels.fpSqrChain(chain) }),
            (Double(fp2Chain) / 1e9, { sink ^= BenchKernels.fp2MulChain(fp2Chain) }),
        ]
        let runs = measureInterleaved(repeats: repeats, minSeconds: minSec, bodies).map { $0.map { 1 / $0 } } // ns per op
        if sink == 42 { log("") }
        var mul = BenchResult(name: "fp.mul", group: "snark", unit: "ns", higherIsBetter: false, samples: runs[0],
                              params: ["impl": impl, "chain": "\(chain) dependent x*y", "limbs": "6"])
        mul.ratio = .init(value: pairedRatio(runs[2], runs[0]), against: "gmp-mpn-montgomery (speedup)", goal: 1.6)
        var portable = BenchResult(name: "fp.mul.portable", group: "snark", unit: "ns", higherIsBetter: false,
                                   samples: runs[1], params: ["impl": "portable (C CIOS, unsigned __int128)"])
        portable.ratio = .init(value: pairedRatio(runs[1], runs[0]), against: "fp.mul (slowdown)")
        let mpn = BenchResult(name: "fp.peer.gmp-mpn-mont", group: "snark", unit: "ns", higherIsBetter: false,
                              samples: runs[2], params: ["peer": "GMP \(BenchKernels.gmpVersion) mpn_mul_n + 6×mpn_addmul_1"])
        let sqr = BenchResult(name: "fp.sqr", group: "snark", unit: "ns", higherIsBetter: false, samples: runs[3],
                              params: ["impl": impl, "chain": "\(chain) dependent x^2 (dispatched call per step)"])
        var fp2 = BenchResult(name: "fp2.mul", group: "snark", unit: "ns", higherIsBetter: false, samples: runs[4],
                              params: ["impl": impl, "chain": "\(fp2Chain) dependent x*y", "method": "Karatsuba, 3 Fp mul"])
        fp2.ratio = .init(value: pairedRatio(runs[4], runs[0]), against: "fp.mul (cost in Fp multiplications)")
        [mul, portable, mpn, sqr, fp2].forEach(add)
    }
}
