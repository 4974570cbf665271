import ArgumentParser
import Foundation
import Harness

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report (inline SVG charts) from result files.",
        discussion: """
            Reads spbench result files: spbench-bench/1 (spbench bench), spbench-deadlines/1 (spbench deadlines) and spbench-run/1 (the main job). A directory means every *.json in it (not recursive); files there that are not spbench results are skipped with a warning. The page has no scripts, stylesheets, fonts or images from elsewhere: open it anywhere, mail it, attach it to CI.

            Charts:

            Deadline verdicts: per proof, the time (measured, or predicted by the cost model) as a bar coloured PASS, MARGINAL or FAIL, the model's error band, the deadline (solid line) and hard limit (dashed), each row on its own time scale; then memory needed against host RAM, and the time by component (vanilla, witness, NTT, MSM G1 and G2).

            Model fit: seconds (log scale) against log2 of the domain size: the model curve, the calibration runs (measured as dots, predicted as rings), the validation run with its error, the full-size targets with their bands, the deadlines.

            SDR labels: sdr.labels.* against the SHA-256 limit (sha256.compress.xN ÷ 20 compressions per label).

            History: the median (min…max shaded) of each --bench across the files by date, and its ratio to its peer or limit. Default: those of the headline benchmarks found in two or more files.

            Also: a table per host, the verify summary and sizing table of run files, and a table of the newest result of every benchmark.

              spbench report results/ --out report.html
              spbench report results/baseline.json results/bench-*.json --bench fr.mul
              spbench report run.json --bench sha256.compress.x4 --bench fr.mul

            Exit status: 0 written, 2 bad input (a named file that is unreadable, truncated or of another schema, no result files at all, an unknown --bench) or the report cannot be written.
            """)

    @Argument(help: "Result files or directories of them.") var paths: [String] = []
    @Option(help: "The HTML file to write (replaced atomically).") var out = "report.html"
    @Option(name: .customLong("bench"), help: "A benchmark to chart over time (repeat for several).") var benches: [String] = []

    func run() throws {
        do {
            let summary = try ReportTool.run(paths: paths, out: out, benches: benches) {
                FileHandle.standardError.write(Data("spbench report: \($0)\n".utf8))
            }
            print(summary.text)
        } catch let e as ReportError {
            FileHandle.standardError.write(Data("spbench report: \(e)\n".utf8))
            throw ExitCode(2)
        }
    }
}
