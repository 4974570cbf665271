import Foundation
import Kernels

/// Phase lines for long work: on a terminal the current step rewrites one status line and
/// each finished phase leaves a line; otherwise every line is printed plainly (CI logs).
public final class PhaseProgress: @unchecked Sendable {
    let tty: Bool
    let total: Int
    var phase = 0
    var started = ContinuousClock.now
    let write: (String) -> Void

    public init(phases: Int, tty: Bool = isatty(2) != 0, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        total = phases
        self.tty = tty
        self.write = write
    }

    public func begin(_ title: String) {
        phase += 1
        started = .now
        write("[\(phase)/\(total)] \(title)\n")
    }

    /// A step inside the current phase.
    public func step(_ line: String) {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return }
        if tty {
            let cols = 110
            write("\r\u{1B}[2K      " + (text.count > cols ? String(text.prefix(cols - 1)) + "…" : text))
        } else {
            write("      \(text)\n")
        }
    }

    public func end(_ summary: String) {
        let s = (ContinuousClock.now - started).seconds
        write((tty ? "\r\u{1B}[2K" : "") + "      done: \(summary) (\(HumanTime.of(s)))\n")
    }
}

/// `spbench` with no arguments: verify Fixtures/, the quick benchmarks, both deadline
/// verdicts for 32 GiB and the sealing throughput; writes results/<host>-<time>.json and
/// the HTML report beside it, and prints a summary with the paths.
public enum MainJob {
    public struct Options: Sendable {
        public var outDirectory: String?
        public var json = false
        public var deadlines = true
        public init() {}
    }

    public static func run(_ o: Options = Options()) -> Int32 {
        let progress = PhaseProgress(phases: o.deadlines ? 5 : 4)
        let started = Date()
        let dir = Paths.fixturesDirectory()

        progress.begin("verify the known vectors in \(dir) (SHA-256: \(SHA256.implementation), Fr: \(Fr.implementation))")
        let report = Verifier.run(paths: [dir]) { progress.step("checking \($0)") }
        progress.end(report.summaryLine)

        progress.begin("quick benchmarks (every group; release build)")
        var bench: BenchRun?
        var benchNote: String?
        do {
            bench = try BenchRunner.run(groups: [], quick: true, allowDebug: false, log: progress.step)
            progress.end("\(bench?.results.count ?? 0) benchmarks")
        } catch {
            benchNote = "benchmarks not run: \(error)"
            progress.end(benchNote ?? "")
        }

        var deadlines: DeadlinesTool.Result?
        var deadlinesNote: String?
        if o.deadlines {
            progress.begin("deadline verdicts for 32GiB (WinningPoSt measured, WindowPoSt predicted and validated)")
            if Host.buildConfiguration == "debug" {
                deadlinesNote = "deadlines not run: this is a debug build (swift build -c release)"
            } else {
                do { deadlines = try DeadlinesTool.run(DeadlinesTool.Options(), log: progress.step) } catch { deadlinesNote = "deadlines not run: \(error)" }
            }
            progress.end(deadlines.map { $0.verdicts.map { "\($0.proof) \($0.verdict.rawValue)" }.joined(separator: ", ") } ?? deadlinesNote ?? "")
        }

        progress.begin("sealing throughput (sectors per day)")
        var size: (json: [String: Any], text: String)?
        var sizeNote: String?
        if let bench, let model = deadlines?.objects.first.flatMap({ SizeTool.groth16Model(JSONValue(any: $0)) }) {
            do {
                let inputs = try SizeTool.Inputs(bench: bench.results, groth16: model, hostCores: Parallel.processorCount,
                                                 hostRAM: Double((Host.info["memory_bytes"] as? UInt64) ?? 0))
                let m = SizeTool.model(inputs, options: .init())
                size = (m.json, m.text)
            } catch { sizeNote = "sizing not computed: \(error)" }
        } else {
            sizeNote = "sizing not computed: it needs the benchmarks and the deadline model"
        }
        progress.end(size != nil ? "done" : sizeNote ?? "")

        progress.begin("write the result file and the HTML report")
        var run: [String: Any] = [
            "schema": "spbench-run/1", "created": ISO8601DateFormatter().string(from: started), "host": Host.info, "git": Host.git,
            "build": Host.buildConfiguration,
            "verify": ["files": report.files.count, "cases": report.files.map(\.cases.count).reduce(0, +), "passed": report.count(.pass),
                       "failed": report.count(.fail) + report.count(.error) + report.count(.unsupported),
                       "skipped": report.count(.skipped), "exit_code": report.exitCode] as [String: Any],
            "bench": bench?.json ?? NSNull(), "deadlines": deadlines?.objects ?? [], "size": size?.json ?? NSNull(),
        ]
        let notes = [benchNote, deadlinesNote, sizeNote].compactMap { $0 }
        if !notes.isEmpty { run["notes"] = notes }
        let outDir = o.outDirectory ?? Paths.resultsDirectory()
        var resultPath: String?, reportPath: String?
        var writeNote: String?
        do {
            let path = try ResultWriter.write(run, directory: outDir, stem: Host.shortName, date: started)
            resultPath = path
            let html = (path as NSString).deletingPathExtension + ".html"
            _ = try ReportTool.run(paths: [path] + historyFiles(in: outDir, excluding: path), out: html, benches: [], log: progress.step)
            reportPath = html
        } catch { writeNote = "\(error)" }
        progress.end(writeNote ?? "wrote \(resultPath ?? "")")

        if o.json {
            print(jsonString(run))
        } else {
            print("== Known vectors (\(dir))")
            print(report.text)
            print("\n== Quick kernel benchmarks")
            if let bench { print(bench.summary) } else if let benchNote { print(benchNote) }
            if let deadlines { print("\n" + deadlines.text) } else if let deadlinesNote { print("\n" + deadlinesNote) }
            if let size { print("\n" + size.text) } else if let sizeNote { print("\n" + sizeNote) }
            print("\n== Summary")
            print("known vectors: \(report.exitCode == 0 ? "all pass" : "FAILED (exit \(report.exitCode))") — \(report.summaryLine)")
            for v in deadlines?.verdicts ?? [] {
                print(String(format: "%@ %@: %@, %@ ± %.0f%% against %@", v.proof, v.sectorSize, v.verdict.rawValue, HumanTime.of(v.time), v.error * 100, HumanTime.of(v.deadline)))
            }
            if let rows = size?.json["rows"] as? [[String: Any]] {
                for r in rows {
                    print(String(format: "sealing %@: %.2f sectors/day, bound by %@", r["sector_size"] as? String ?? "", r["sectors_per_day"] as? Double ?? 0,
                                 SizeTool.describe(r["binding"] as? String ?? "")))
                }
            }
            print("results: \(resultPath ?? "not written (\(writeNote ?? ""))")")
            print("report:  \(reportPath ?? "not written")")
        }
        return report.exitCode
    }

    /// Earlier result files beside the new one, for the report's history charts.
    static func historyFiles(in dir: String, excluding path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { (dir as NSString).appendingPathComponent($0) }.filter { $0 != path }
    }
}

extension Paths {
    /// results/ of the package when run from it, else ./results.
    public static func resultsDirectory() -> String {
        if FileManager.default.fileExists(atPath: "Package.swift") { return "results" }
        return (packageRoot().map { $0 + "/results" }) ?? "results"
    }
}

extension Host {
    /// The host name, for result file names (letters, digits, '-' only).
    public static var shortName: String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        let name = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let clean = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
        return clean.isEmpty ? "host" : clean
    }
}
