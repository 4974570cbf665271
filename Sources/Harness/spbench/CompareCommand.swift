import ArgumentParser
import Foundation
import Harness

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two benchmark result files and flag regressions beyond a threshold.",
        discussion: """
            Pairs the benchmarks of BASE and NEW by name. When both have a ratio (measured against a peer or a limit in the same run, so it does not depend on the machine), the ratio is compared; its direction comes from the file (ratio.higher_is_better, else the goal kind, else the benchmark's own). Otherwise the absolute median is compared, but only when both files come from the same host (CPU model, cores and memory); on different hosts such rows are shown as "not compared". On the same host the change of the medians is also shown for every row; --absolute compares the medians for every row (same host only).

            change = new/base − 1. A change in the bad direction beyond the threshold is a regression; beyond it in the good direction, "improved"; else "ok". A row is marked noisy when BASE's own samples spread (max/min − 1) more than the threshold. Benchmarks of BASE missing from NEW are an error unless --allow-missing; benchmarks only in NEW are listed as "new". Differing --quick runs, debug builds and dirty git trees are warned about.

            Reads spbench-bench/1 files (`spbench bench --json/--out`) and spbench-run/1 files (the main job; the benchmarks under "bench").

            Exit status: 0 no regression beyond the threshold (or --report-only); 1 at least one regression; 2 bad input (a file unreadable, truncated or of another schema, benchmarks missing, a bad --threshold, --absolute across hosts).

            Examples (benchmark a release build: swift build -c release):
              spbench bench --quick --json --out results/
              spbench compare results/baseline.json results/bench-….json --threshold 5%
              spbench compare results/baseline.json results/bench-….json --markdown
                  # a GitHub markdown table for a PR comment
              spbench compare old.json new.json --json --report-only   # CI: never fails
            """)

    @Argument(help: "The baseline result file.") var base: String
    @Argument(help: "The result file to judge against the baseline.") var new: String
    @Option(help: "Regression threshold in percent: 5% or 5 (above 0, below 100).") var threshold = "5%"
    @Flag(help: "Print a GitHub-flavoured markdown table (for a PR comment).") var markdown = false
    @Flag(help: "Print one JSON object (rows, summary, hosts_match, threshold, exit_code).") var json = false
    @Flag(help: "Compare the absolute medians of every benchmark (same host only).") var absolute = false
    @Flag(help: "List benchmarks of BASE missing from NEW as \"missing\" instead of failing.") var allowMissing = false
    @Flag(help: "Exit 0 even when something regressed (the table still shows it).") var reportOnly = false

    func run() throws {
        let report: CompareReport
        do {
            if markdown && json { throw CompareCommandError.bothFormats }
            let options = CompareTool.Options(threshold: try CompareTool.parseThreshold(threshold), absolute: absolute,
                                              allowMissing: allowMissing, reportOnly: reportOnly)
            report = try CompareTool.compare(base: try CompareTool.load(base), new: try CompareTool.load(new), options: options)
        } catch {
            FileHandle.standardError.write(Data("spbench compare: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(json ? jsonString(report.json) : markdown ? report.markdown : report.text)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

private enum CompareCommandError: Error, CustomStringConvertible {
    case bothFormats
    var description: String { "pass --markdown or --json, not both" }
}
