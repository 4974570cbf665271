import Foundation
import Kernels

extension BenchRunner {
    /// Fp benchmarks (group "snark").
    static func runFpBench(quick: Bool, repeats: Int, minSec: Double, add: (BenchResult) -> Void, log: (String) -> Void) throws {}
}
