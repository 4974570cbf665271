import Foundation
import Kernels

extension BenchRunner {
    /// Pairing benchmarks (group "snark"), normalized to the Fp multiplication time measured
    /// in the same run: Fp-mul equivalents = pairing time ÷ one Fp mul.
    static func runPairingBench(quick: Bool, repeats: Int, minSec: Double, add: (BenchResult) -> Void, log: (String) -> Void) throws {
        let fpMul = fpMulNanoseconds(repeats: repeats, minSec: minSec, log: log)
        let input = BenchKernels.PairingInput()
        var byte: UInt8 = 0
        let cases: [(name: String, goal: Double?, body: () -> Void)] = [
            ("pairing.single", 17_000, { byte ^= input.pairing() }),
            ("pairing.multi-3", 27_000, { byte ^= input.multi3() }),
            ("pairing.miller-loop", nil, { byte ^= input.millerLoop() }),
            ("pairing.final-exp", nil, { byte ^= input.finalExp() }),
        ]
        for c in cases {
            let us = measure(repeats: repeats, minSeconds: minSec, units: 1, c.body).map { 1e6 / $0 }
            var r = BenchResult(name: c.name, group: "snark", unit: "us", higherIsBetter: false, samples: us,
                                params: c.name == "pairing.multi-3" ? ["pairs": "3"] : [:])
            let equiv = median(us) * 1e3 / fpMul
            r.ratio = .init(value: equiv, against: "Fp-mul equivalents (time ÷ Fp mul \(String(format: "%.2f", fpMul)) ns)",
                            goal: c.goal, atLeast: false)
            add(r)
        }
        if byte == 42 { log("") }
    }
}
