import Foundation
import Kernels

extension BenchRunner {
    /// NTT benchmarks (group "snark").
    static func runNTTBench(quick: Bool, repeats: Int, minSec: Double, add: (BenchResult) -> Void, log: (String) -> Void) throws {}
}
