import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Harness

/// `spbench report`: sample inputs are built here (the test target has no resources).
final class ReportTests: XCTestCase {
    // MARK: Sample inputs

    private static var host: [String: Any] {
        ["cpu_model": "AMD EPYC", "cores": 2, "memory_bytes": 25_275_973_632, "os": "Debian GNU/Linux 12 (bookworm)",
         "kernel": "6.18.44", "swift": "Swift version 6.3.1", "cpu_flags": ["sha_ni", "adx", "bmi2"]]
    }

    private static func bench(_ name: String, _ unit: String, _ median: Double, group: String? = nil,
                              ratio: [String: Any]? = nil, note: String? = nil) -> [String: Any] {
        var b: [String: Any] = [
            "name": name, "group": group ?? String(name.split(separator: ".")[0]), "unit": unit, "higher_is_better": true,
            "median": median, "min": median * 0.95, "max": median * 1.04, "samples": [median * 0.95, median, median * 1.04],
            "params": ["impl": "sha-ni"],
        ]
        if let ratio { b["ratio"] = ratio }
        if let note { b["note"] = note }
        return b
    }

    /// A spbench-bench/1 object; `scale` moves every median a little between runs.
    private static func benchFile(created: String, commit: String, scale: Double, extra: [[String: Any]] = []) -> [String: Any] {
        [
            "schema": "spbench-bench/1", "created": created, "quick": false, "build": "release", "host": host,
            "git": ["commit": commit, "dirty": false],
            "benchmarks": [
                bench("sha256.compress.x1", "M compr/s", 27.2 * scale),
                bench("sha256.compress.x2", "M compr/s", 51.5 * scale,
                      ratio: ["value": 1.88, "against": "compress.x1", "goal": 1.8, "goal_kind": "at_least", "meets_goal": true]),
                bench("sha256.compress.x4", "M compr/s", 50.7 * scale,
                      ratio: ["value": 1.84 * scale, "against": "compress.x1", "goal": 2.2, "goal_kind": "at_least", "meets_goal": false]),
                bench("sha256.one-stream.16KiB", "M compr/s", 27.5 * scale,
                      ratio: ["value": 1.04, "against": "openssl-evp", "goal": 1.0, "goal_kind": "at_least", "meets_goal": true]),
                bench("sdr.labels.1-sector", "M labels/s", 1.39 * scale),
                bench("sdr.labels.2-sectors", "M labels/s", 2.31 * scale),
                bench("sdr.labels.4-sectors", "M labels/s", 2.09 * scale),
                bench("sdr.labels.portable", "M labels/s", 0.218 * scale),
                bench("fr.mul", "ns", 18.1 / scale, ratio: ["value": 2.73, "against": "gmp-mpn-montgomery (speedup)"]),
            ] + extra,
        ]
    }

    private static var deadlines: [String: Any] { [
        "schema": "spbench-deadlines/1", "created": "2026-12-02T04:00:00Z", "host": host,
        "git": ["commit": "0123456789abcdef", "dirty": true], "sector_size": "32GiB",
        "verdicts": [
            [
                "proof": "WinningPoSt", "verdict": "PASS", "time_s": 12.5, "band_low_s": 11.4, "band_high_s": 13.6, "error": 0.09,
                "measured": true, "deadline_s": 20.0, "hard_limit_s": 30.0, "margin_s": 7.5, "margin": 0.375,
                "memory": ["needed_bytes": 9.0e9, "host_bytes": 25_275_973_632, "fits": true, "short_by_bytes": 0],
                "components": ["vanilla_s": 0.4, "witness_s": 1.2, "ntt_s": 3.0, "msm_g1_s": 5.0, "msm_g2_s": 2.9],
                "reason": "fits the 20 s budget with 7.5 s to spare",
            ],
            [
                "proof": "WindowPoSt", "verdict": "FAIL", "time_s": 9060.0, "band_low_s": 7430.0, "band_high_s": 10690.0,
                "error": 0.18, "measured": false, "deadline_s": 1800.0, "margin_s": -7260.0, "margin": -4.03,
                "partitions_per_deadline": 1,
                "memory": ["needed_bytes": 1.0e11, "host_bytes": 25_275_973_632, "fits": false, "short_by_bytes": 7.5e10],
                "components": ["vanilla_s": 60.0, "witness_s": 300.0, "ntt_s": 1200.0, "msm_g1_s": 4500.0, "msm_g2_s": 3000.0],
                "reason": "one partition needs 2h31m against a 30 min <deadline> & more RAM",
            ],
        ],
        "model": [
            "calibration": [
                ["log_n": 14, "constraints": 16381, "measured_s": 0.9, "predicted_s": 0.88],
                ["log_n": 16, "constraints": 65533, "measured_s": 3.1, "predicted_s": 3.3],
            ],
            "validation": ["log_n": 19, "constraints": 370_590, "measured_s": 22.0, "predicted_s": 21.0, "error": -0.045],
            "curve": (12...27).map { ["log_n": $0, "predicted_s": 0.3 * pow(2, Double($0 - 12)) * 1.1] },
            "targets": [
                ["name": "WinningPoSt 32GiB", "log_n": 22, "predicted_s": 12.5, "band_low_s": 11.4, "band_high_s": 13.6],
                ["name": "WindowPoSt 32GiB", "log_n": 27, "predicted_s": 9060, "band_low_s": 7430, "band_high_s": 10690],
            ],
        ],
        "notes": ["predicted from 2 calibration runs"],
    ] }

    private static func runFile(bench: [String: Any]) -> [String: Any] {
        [
            "schema": "spbench-run/1", "created": "2026-12-02T04:00:00Z", "host": host, "build": "release",
            "git": ["commit": "0123456789abcdef", "dirty": true],
            "verify": ["files": 9, "cases": 120, "passed": 117, "failed": 0, "skipped": 3, "exit_code": 0],
            "bench": bench, "deadlines": [deadlines],
            "size": [
                "schema": "spbench-size/1",
                "rows": [["sector_size": "32GiB", "sectors_per_day": 0.4, "binding": "PC1 (SDR labels)", "pc1_s": 216_000, "pc2_s": 5400, "c2_s": 9060]],
            ],
        ]
    }

    private static func input(_ name: String, _ object: [String: Any]) throws -> ReportInput {
        try ReportInput(path: name, data: JSONSerialization.data(withJSONObject: object))
    }

    /// Two bench files with different dates (one with a name full of markup), and a run file.
    private static func sampleInputs() throws -> [ReportInput] {
        let evil = bench("evil<&>\"'.bench", "ns", 5, group: "evil<g>", note: "note <b>bold</b> & co")
        return [
            try input("bench-a.json", benchFile(created: "2026-12-01T21:11:16Z", commit: "d940aeff9c1a08e3", scale: 1.0)),
            try input("bench-b.json", benchFile(created: "2026-12-02T03:19:34Z", commit: "e660393df48f219d", scale: 1.05, extra: [evil])),
            try input("run.json", runFile(bench: benchFile(created: "2026-12-02T04:00:00Z", commit: "0123456789abcdef", scale: 0.97))),
        ]
    }

    private func makeTempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("spbench-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }

    private func writeJSON(_ object: Any, _ name: String, in dir: URL) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// Every `<svg …>…</svg>` block of a page.
    private func svgBlocks(_ html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            out.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return out
    }

    private func assertWellFormed(_ svg: String, file: StaticString = #filePath, line: UInt = #line) {
        let parser = XMLParser(data: Data(svg.utf8))
        let ok = parser.parse()
        XCTAssertTrue(ok, "SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")\n\(svg.prefix(400))", file: file, line: line)
        XCTAssertNil(parser.parserError, file: file, line: line)
        XCTAssertFalse(svg.lowercased().contains("nan"), "NaN in an SVG", file: file, line: line)
        XCTAssertFalse(svg.contains("inf\""), "infinity in an SVG", file: file, line: line)
    }

    // MARK: Page content

    func testPageHasEverySection() throws {
        let html = ReportTool.html(from: try Self.sampleInputs(), benches: [])
        for id in ["inputs", "hosts", "verify", "deadlines", "model-fit", "sdr-labels", "history", "benchmarks", "sizing"] {
            XCTAssertTrue(html.contains("<section id=\"\(id)\">"), "section \(id) missing")
        }
        for kind in ReportChartKind.allCases {
            XCTAssertTrue(html.contains("class=\"chart \(kind.rawValue)\""), "no \(kind.rawValue) chart")
        }
        XCTAssertTrue(html.contains("WindowPoSt 32GiB:"))
        XCTAssertTrue(html.contains("2h31m ± 18% vs 30 min budget, predicted"))
        XCTAssertTrue(html.contains("12.5 s ± 9.0% vs 20 s budget (hard limit 30 s), measured"))
        XCTAssertTrue(html.contains("validation 2¹⁹: error −4.5%"))
        XCTAssertTrue(html.contains("117"), "verify summary")
        XCTAssertTrue(html.contains("PC1 (SDR labels)"), "sizing row")
        XCTAssertTrue(html.contains("AMD EPYC") && html.contains("23.5 GiB"), "host table")
        XCTAssertTrue(html.contains("d940aef") && html.contains("0123456+dirty"), "commits")
    }

    func testSVGBlocksAreWellFormedXML() throws {
        let html = ReportTool.html(from: try Self.sampleInputs(), benches: ["fr.mul", "evil<&>\"'.bench"])
        let blocks = svgBlocks(html)
        XCTAssertEqual(blocks.count, 8, "deadlines, memory, components, model, sdr, 2 histories, 1 ratio")
        XCTAssertEqual(blocks.count, html.components(separatedBy: "<svg").count - 1)
        for b in blocks { assertWellFormed(b) }
    }

    func testNoScriptsOrExternalReferences() throws {
        let html = ReportTool.html(from: try Self.sampleInputs(), benches: [])
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertFalse(html.lowercased().contains("<link"))
        XCTAssertFalse(html.lowercased().contains("<img"))
        XCTAssertFalse(html.lowercased().contains("url("))
        let stripped = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        XCTAssertFalse(stripped.contains("http://"))
        XCTAssertFalse(stripped.contains("https://"))
    }

    func testMarkupInNamesIsEscaped() throws {
        let html = ReportTool.html(from: try Self.sampleInputs(), benches: ["evil<&>\"'.bench"])
        XCTAssertFalse(html.contains("evil<&>"))
        XCTAssertFalse(html.contains("<b>bold</b>"))
        XCTAssertFalse(html.contains("<g>"))
        XCTAssertFalse(html.contains("<deadline>"))
        XCTAssertTrue(html.contains("evil&lt;&amp;&gt;&quot;&#39;.bench"))
        XCTAssertTrue(html.contains("note &lt;b&gt;bold&lt;/b&gt; &amp; co"))
        XCTAssertTrue(html.contains("30 min &lt;deadline&gt; &amp; more RAM"))
        XCTAssertEqual(ReportFormat.esc("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&#39;\u{FFFD}")
    }

    func testHistoryDefaultsAndSelection() throws {
        let inputs = try Self.sampleInputs()
        var page = ReportPage(doc: ReportDocument(inputs), benches: [], skipped: [], generated: Date())
        _ = page.render()
        // Of the default list, these are in all three runs.
        XCTAssertEqual(page.historyDrawn, ["sha256.one-stream.16KiB", "sha256.compress.x4", "fr.mul", "sdr.labels.1-sector"])
        XCTAssertEqual(page.counts[.history], 4)
        XCTAssertEqual(page.counts[.ratio], 3, "x4, one-stream and fr.mul have ratios")
        XCTAssertEqual(page.counts[.deadlines], 1)
        XCTAssertEqual(page.counts[.model], 1)
        XCTAssertEqual(page.counts[.sdr], 1)

        var chosen = ReportPage(doc: ReportDocument(inputs), benches: ["sha256.compress.x1"], skipped: [], generated: Date())
        _ = chosen.render()
        XCTAssertEqual(chosen.historyDrawn, ["sha256.compress.x1"])
    }

    func testOddValuesDoNotBreakCharts() throws {
        let odd: [String: Any] = [
            "schema": "spbench-deadlines/1", "sector_size": 32,
            "verdicts": [
                ["proof": "WindowPoSt", "verdict": "weird", "time_s": 0, "band_low_s": -5, "band_high_s": 0, "deadline_s": 0,
                 "memory": ["needed_bytes": 0, "host_bytes": -1], "components": ["ntt_s": -3, "msm_g1_s": "x"]],
                ["proof": 7, "time_s": "1e400", "band_low_s": 1e300, "band_high_s": 1e308, "deadline_s": 1e-300],
                [:],
            ],
            "model": ["calibration": [["log_n": "a"], [:]], "validation": ["log_n": 19, "measured_s": 0, "predicted_s": -1],
                      "curve": [["log_n": 12, "predicted_s": 0], ["log_n": 13, "predicted_s": -2], ["log_n": 14, "predicted_s": 1e-12]],
                      "targets": [["name": "t", "log_n": 27, "predicted_s": 0, "band_low_s": 5, "band_high_s": 1]]],
            "notes": [1, "two"],
        ]
        let empty: [String: Any] = ["schema": "spbench-deadlines/1", "verdicts": [], "model": ["curve": []]]
        let oddBench: [String: Any] = [
            "schema": "spbench-bench/1", "created": "not a date",
            "benchmarks": [["name": "sdr.labels.1-sector", "median": 0, "min": -1, "max": 0], ["median": 3], "x",
                           ["name": "flat", "unit": "s", "median": 2, "min": 2, "max": 2]],
        ]
        let oddBench2: [String: Any] = [
            "schema": "spbench-bench/1", "created": "2026-01-01T00:00:00.5Z", "host": "not an object",
            "benchmarks": [["name": "flat", "unit": "s", "median": 2, "ratio": ["value": 0, "goal": 0]]],
        ]
        let run: [String: Any] = ["schema": "spbench-run/1", "bench": NSNull(), "deadlines": [], "verify": [:], "size": ["rows": [[:]]]]
        let inputs = [try Self.input("odd.json", odd), try Self.input("empty.json", empty), try Self.input("b.json", oddBench),
                      try Self.input("b2.json", oddBench2), try Self.input("run.json", run)]
        let html = ReportTool.html(from: inputs, benches: ["flat", "missing"])
        for b in svgBlocks(html) { assertWellFormed(b) }
        XCTAssertTrue(html.contains("Not in any input file."))
        XCTAssertTrue(html.contains("class=\"chart history\""), "a flat series still draws")
        XCTAssertTrue(html.contains("</html>"))

        let nothing = ReportTool.html(from: [try Self.input("e.json", ["schema": "spbench-run/1"])], benches: [])
        XCTAssertTrue(nothing.contains("No sdr.labels.* benchmarks"))
        XCTAssertTrue(nothing.contains("No deadline results"))
    }

    func testFormatting() {
        XCTAssertEqual(ReportFormat.duration(9060), "2h31m")
        XCTAssertEqual(ReportFormat.duration(1800), "30 min")
        XCTAssertEqual(ReportFormat.duration(245), "4m05s")
        XCTAssertEqual(ReportFormat.duration(23.1), "23.1 s")
        XCTAssertEqual(ReportFormat.duration(0.85), "850 ms")
        XCTAssertEqual(ReportFormat.duration(7200), "2 h")
        XCTAssertEqual(ReportFormat.duration(.nan), "–")
        XCTAssertEqual(ReportFormat.durationTicks(upTo: 12420), [0, 3600, 7200, 10800])
        XCTAssertEqual(ReportFormat.durationTicks(upTo: 23), [0, 5, 10, 15, 20])
        XCTAssertEqual(ReportFormat.durationTicks(upTo: .nan), [0])
        XCTAssertEqual(ReportFormat.num(27.56), "27.56")
        XCTAssertEqual(ReportFormat.num(0.21799), "0.218")
        XCTAssertEqual(ReportFormat.num(2.0), "2")
        XCTAssertEqual(ReportFormat.c(.nan), "0")
        XCTAssertEqual(ReportFormat.niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    }

    // MARK: Files and errors

    func testRunWritesTheReportAtomically() throws {
        let d = try makeTempDir()
        let a = try writeJSON(Self.benchFile(created: "2026-12-01T21:11:16Z", commit: "aaaaaaa1", scale: 1), "bench-a.json", in: d)
        let b = try writeJSON(Self.benchFile(created: "2026-12-02T21:11:16Z", commit: "bbbbbbb2", scale: 1.1), "bench-b.json", in: d)
        let r = try writeJSON(Self.runFile(bench: Self.benchFile(created: "2026-12-03T00:00:00Z", commit: "c", scale: 1)), "run.json", in: d)
        let out = d.appendingPathComponent("out/report.html").path
        var lines: [String] = []
        let s = try ReportTool.run(paths: [a, b, r, a], out: out, benches: [], log: { lines.append($0) })
        XCTAssertEqual(s.files, [a, b, r], "a file named twice is read once")
        XCTAssertTrue(lines.isEmpty)
        XCTAssertGreaterThanOrEqual(s.chartCount, 9)
        XCTAssertEqual(s.text, "wrote \(out) (\(s.chartCount) charts from 3 files)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertEqual(svgBlocks(html).count, s.chartCount)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: d.appendingPathComponent("out").path)
        XCTAssertEqual(leftovers, ["report.html"], "no temporary file left behind")
    }

    func testBadNamedFilesAreErrors() throws {
        let d = try makeTempDir()
        let good = try writeJSON(Self.benchFile(created: "2026-12-01T21:11:16Z", commit: "a", scale: 1), "good.json", in: d)
        let full = try JSONSerialization.data(withJSONObject: Self.benchFile(created: "2026-12-01T21:11:16Z", commit: "a", scale: 1))
        let truncated = d.appendingPathComponent("truncated.json").path
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: truncated))
        let wrong = try writeJSON(["schema": "spbench-size/1", "rows": []], "wrong.json", in: d)
        let noSchema = try writeJSON(["benchmarks": []], "none.json", in: d)
        let array = try writeJSON([1, 2], "array.json", in: d)
        let out = d.appendingPathComponent("r.html").path

        func error(_ paths: [String], benches: [String] = []) -> ReportError? {
            do { _ = try ReportTool.run(paths: paths, out: out, benches: benches, log: { _ in }) } catch let e as ReportError { return e } catch {
                XCTFail("not a ReportError: \(error)")
            }
            return nil
        }
        guard case .invalidJSON(let p, _)? = error([good, truncated]) else { return XCTFail("truncated file accepted") }
        XCTAssertEqual(p, truncated)
        XCTAssertEqual(error([good, wrong]), .unknownSchema(wrong, "spbench-size/1"))
        XCTAssertEqual(error([noSchema]), .unknownSchema(noSchema, nil))
        XCTAssertEqual(error([array]), .notAnObject(array))
        XCTAssertEqual(error([d.appendingPathComponent("missing.json").path]), .notFound(d.appendingPathComponent("missing.json").path))
        XCTAssertEqual(error([]), .noInput([]))
        guard case .unknownBenchmark("fr.mull", let similar)? = error([good], benches: ["fr.mull"]) else { return XCTFail("unknown --bench accepted") }
        XCTAssertTrue(similar.contains("fr.mul"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written on error")
        for e in [error([good, truncated]), error([good, wrong])] {
            let text = e.map { "\($0)" } ?? ""
            XCTAssertFalse(text.contains("\n"), "one line: \(text)")
        }
    }

    func testDirectorySkipsUnrelatedJSONWithAWarning() throws {
        let d = try makeTempDir()
        _ = try writeJSON(Self.benchFile(created: "2026-12-01T21:11:16Z", commit: "a", scale: 1), "bench-a.json", in: d)
        let other = try writeJSON(["name": "package-lock", "version": 3], "other.json", in: d)
        try "not json".write(to: d.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: d.appendingPathComponent("ordo-one"), withIntermediateDirectories: true)
        _ = try writeJSON(["schema": "spbench-bench/1", "benchmarks": []], "ordo-one/deep.json", in: d)
        var lines: [String] = []
        let s = try ReportTool.run(paths: [d.path], out: d.appendingPathComponent("report.html").path, benches: [], log: { lines.append($0) })
        XCTAssertEqual(s.files.count, 1, "not recursive, only *.json")
        XCTAssertEqual(s.skipped.map(\.path), [other])
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines.first?.hasPrefix("skipping \(other)") == true, lines.first ?? "")

        let only = try makeTempDir()
        _ = try writeJSON(["unrelated": true], "x.json", in: only)
        XCTAssertThrowsError(try ReportTool.run(paths: [only.path], out: only.appendingPathComponent("r.html").path, benches: [], log: { _ in })) {
            XCTAssertEqual($0 as? ReportError, .noInput([only.path]))
        }
    }

    /// The project's own results/, when present, draw the SDR and history charts.
    func testProjectResults() throws {
        let results = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("results").path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: results))?.filter { $0.hasSuffix(".json") } ?? []
        guard files.count >= 2 else { throw XCTSkip("no result files in \(results)") }
        let d = try makeTempDir()
        let s = try ReportTool.run(paths: [results], out: d.appendingPathComponent("report.html").path, benches: [], log: { _ in })
        XCTAssertGreaterThan(s.charts[.history] ?? 0, 0)
        let html = try String(contentsOfFile: s.out, encoding: .utf8)
        for b in svgBlocks(html) { assertWellFormed(b) }
    }

    /// Renders the page in headless Chromium when it is installed.
    func testChromiumRendersTheReport() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let chromium = path.split(separator: ":").map({ "\($0)/chromium" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("chromium is not on PATH; install it (apt-get install chromium) to check the page renders")
        }
        let d = try makeTempDir()
        let page = d.appendingPathComponent("report.html")
        try ReportTool.html(from: try Self.sampleInputs(), benches: []).write(to: page, atomically: true, encoding: .utf8)
        let shot = d.appendingPathComponent("shot.png")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(d.appendingPathComponent("profile").path)",
                       "--screenshot=\(shot.path)", "--window-size=1000,3000", "file://\(page.path)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        if p.isRunning {
            p.terminate()
            XCTFail("chromium did not finish within 60 s")
            return
        }
        let png = try Data(contentsOf: shot)
        XCTAssertGreaterThan(png.count, 1000)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG")
    }
}
