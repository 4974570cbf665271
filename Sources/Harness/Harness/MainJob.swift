import Foundation
import Kernels

/// `spbench` with no arguments: verify Fixtures/ and run the quick kernel benchmarks.
public enum MainJob {
    public static func run(log: (String) -> Void) -> Int32 {
        let dir = Paths.fixturesDirectory()
        log("spbench: verifying \(dir) (SHA-256: \(SHA256.implementation), Fr: \(Fr.implementation))")
        let report = Verifier.run(paths: [dir])
        var bench: BenchRun?
        var benchNote: String?
        do {
            log("spbench: quick kernel benchmarks")
            bench = try BenchRunner.run(groups: [], quick: true, allowDebug: false, log: log)
        } catch {
            benchNote = "benchmarks not run: \(error)"
        }
        print("== Known vectors (\(dir))")
        print(report.text)
        print("\n== Quick kernel benchmarks")
        if let bench { print(bench.summary) } else if let benchNote { print(benchNote) }
        print("\nverdict: \(report.exitCode == 0 ? "all known vectors pass" : "known-vector check FAILED (exit \(report.exitCode))")")
        return report.exitCode
    }
}
