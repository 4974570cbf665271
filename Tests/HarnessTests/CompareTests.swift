import Foundation
import XCTest
@testable import Harness

/// `spbench compare` over copies of a real result file (results/, committed), modified in a
/// temporary directory per test. No benchmark runs.
final class CompareTests: XCTestCase {
    private static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("results/bench-20261202T031934Z-e660393df4.json").path

    private var dir: URL?

    override func setUpWithError() throws {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("spbench-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        dir = d
    }

    override func tearDownWithError() throws {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    // MARK: helpers

    private func exampleObject() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.example))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func path(_ name: String) throws -> String {
        try XCTUnwrap(dir).appendingPathComponent(name).path
    }

    private func writeJSON(_ object: Any, _ name: String) throws -> String {
        let p = try path(name)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: p))
        return p
    }

    private func writeText(_ text: String, _ name: String) throws -> String {
        let p = try path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// The example with `edit` applied to the benchmark entries whose name passes `which`.
    private func modified(_ name: String, _ which: (String) -> Bool = { _ in false },
                          _ edit: (inout [String: Any]) -> Void = { _ in },
                          top: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        var o = try exampleObject()
        var list = try XCTUnwrap(o["benchmarks"] as? [[String: Any]])
        for i in list.indices where which(list[i]["name"] as? String ?? "") { edit(&list[i]) }
        o["benchmarks"] = list
        top(&o)
        return try writeJSON(o, name)
    }

    /// Scales median, min, max and samples by `f`, and the ratio value by `ratio`.
    private static func scale(_ b: inout [String: Any], by f: Double, ratio: Double?) {
        for k in ["median", "min", "max"] { if let v = b[k] as? Double { b[k] = v * f } }
        if let s = b["samples"] as? [Double] { b["samples"] = s.map { $0 * f } }
        if let ratio, var r = b["ratio"] as? [String: Any], let v = r["value"] as? Double {
            r["value"] = v * ratio
            b["ratio"] = r
        }
    }

    private func compare(_ base: String, _ new: String, _ options: CompareTool.Options = .init()) throws -> CompareReport {
        try CompareTool.compare(base: CompareTool.load(base), new: CompareTool.load(new), options: options)
    }

    private func row(_ r: CompareReport, _ name: String) throws -> CompareRow {
        try XCTUnwrap(r.rows.first { $0.name == name }, "no row \(name)")
    }

    private func assertCompareError(_ body: @autoclosure () throws -> Any, _ check: (CompareError) -> Bool,
                                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            guard let ce = e as? CompareError else { return XCTFail("not a CompareError: \(e)", file: file, line: line) }
            XCTAssertTrue(check(ce), "unexpected error: \(ce)", file: file, line: line)
            XCTAssertFalse(ce.description.contains("\n"), "the message must be one line", file: file, line: line)
        }
    }

    // MARK: tests

    func testExampleLoads() throws {
        let f = try CompareTool.load(Self.example)
        XCTAssertEqual(f.schema, "spbench-bench/1")
        XCTAssertEqual(f.benchmarks.count, 51)
        XCTAssertEqual(f.host.cpuModel, "AMD EPYC")
        XCTAssertEqual(f.host.cores, 2)
        XCTAssertEqual(f.build, "release")
        XCTAssertEqual(f.quick, false)
        XCTAssertEqual(f.dirty, false)
        let fp = try XCTUnwrap(f.benchmarks.first { $0.name == "fp.mul" })
        XCTAssertEqual(fp.median, 34.033)
        XCTAssertEqual(fp.ratio?.goalAtLeast, true)
        XCTAssertFalse(fp.higherIsBetter)
    }

    func testUnchangedRunComparesClean() throws {
        let new = try modified("same.json")
        let r = try compare(Self.example, new)
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertTrue(r.hostsMatch)
        XCTAssertEqual(r.rows.count, 51)
        XCTAssertTrue(r.regressions.isEmpty)
        XCTAssertTrue(r.rows.allSatisfy { $0.status == .ok && $0.change == 0 && $0.absoluteChange == 0 })
        XCTAssertEqual(r.rows.map(\.name), try CompareTool.load(Self.example).benchmarks.map(\.name))
        XCTAssertTrue(r.warnings.isEmpty, "\(r.warnings)")
        XCTAssertTrue(r.summary.hasPrefix("no regression beyond 5% (51 compared, 0 not comparable)"), r.summary)
        XCTAssertTrue(r.text.contains("abs change"))
        XCTAssertTrue(r.text.hasSuffix(r.summary))
        // Rows with a ratio compare it; the ratio-less ones (same host) the median.
        XCTAssertEqual(try row(r, "fp.mul").metric, .ratio)
        XCTAssertEqual(try row(r, "fp.sqr").metric, .median)
    }

    func testSlowdownIsARegression() throws {
        // groth16.verify.2^10: a time with an at_most ratio; fp.mul: a time with an at_least speed-up.
        let new = try modified("slow.json", { $0 == "groth16.verify.2^10" || $0 == "fp.mul" }) { b in
            let speedup = (b["ratio"] as? [String: Any])?["goal_kind"] as? String == "at_least"
            Self.scale(&b, by: 1.2, ratio: speedup ? 1 / 1.2 : 1.2)
        }
        let r = try compare(Self.example, new, .init(threshold: try CompareTool.parseThreshold("5%")))
        XCTAssertEqual(r.exitCode, 1)
        XCTAssertEqual(r.regressions, ["fp.mul", "groth16.verify.2^10"])
        XCTAssertTrue(r.summary.hasPrefix("2 regressions beyond 5%: fp.mul, groth16.verify.2^10"), r.summary)
        let g = try row(r, "groth16.verify.2^10")
        XCTAssertEqual(g.metric, .ratio)
        XCTAssertEqual(g.higherIsBetter, false)
        XCTAssertEqual(try XCTUnwrap(g.change), 0.2, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(g.absoluteChange), 0.2, accuracy: 1e-9)
        let f = try row(r, "fp.mul")
        XCTAssertEqual(f.higherIsBetter, true)
        XCTAssertEqual(try XCTUnwrap(f.change), 1 / 1.2 - 1, accuracy: 1e-9)
        XCTAssertEqual(r.json["exit_code"] as? Int, 1)

        // A 20% slowdown of a ratio-less time (same host: the median is the metric).
        let slowSqr = try modified("slow-sqr.json", { $0 == "fp.sqr" }) { Self.scale(&$0, by: 1.2, ratio: nil) }
        XCTAssertEqual(try compare(Self.example, slowSqr).regressions, ["fp.sqr"])
        // Within a 30% threshold nothing regresses.
        XCTAssertEqual(try compare(Self.example, new, .init(threshold: 0.3)).exitCode, 0)
    }

    func testThroughputDropIsARegression() throws {
        // A higher-is-better benchmark (the example has none: make one).
        let base = try modified("base.json", { $0 == "fp.sqr" }) { $0["higher_is_better"] = true; $0["unit"] = "M ops/s" }
        let new = try modified("new.json", { $0 == "fp.sqr" }) { b in
            b["higher_is_better"] = true
            b["unit"] = "M ops/s"
            Self.scale(&b, by: 1 / 1.2, ratio: nil)
        }
        let r = try compare(base, new)
        XCTAssertEqual(r.regressions, ["fp.sqr"])
        XCTAssertEqual(try row(r, "fp.sqr").higherIsBetter, true)
        // The other way round it is an improvement.
        XCTAssertEqual(try row(try compare(new, base), "fp.sqr").status, .improved)
    }

    func testReportOnlyExitsZeroButListsTheRegression() throws {
        let new = try modified("slow.json", { $0 == "groth16.verify.2^10" }) { Self.scale(&$0, by: 1.2, ratio: 1.2) }
        let r = try compare(Self.example, new, .init(threshold: 0.05, reportOnly: true))
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertEqual(r.regressions, ["groth16.verify.2^10"])
        XCTAssertTrue(r.summary.contains("1 regression beyond 5%: groth16.verify.2^10"), r.summary)
        XCTAssertTrue(r.text.contains("regression"))
        XCTAssertTrue(r.markdown.contains("**regression**"))
        XCTAssertEqual(r.json["exit_code"] as? Int, 0)
    }

    func testImprovementIsMarkedImproved() throws {
        let new = try modified("fast.json", { $0 == "groth16.verify.2^12" }) { Self.scale(&$0, by: 1 / 1.2, ratio: 1 / 1.2) }
        let r = try compare(Self.example, new)
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertEqual(try row(r, "groth16.verify.2^12").status, .improved)
        XCTAssertEqual(r.improved, ["groth16.verify.2^12"])
        XCTAssertTrue(r.regressions.isEmpty)
        // A change within the threshold is ok.
        let small = try modified("small.json", { $0 == "groth16.verify.2^12" }) { Self.scale(&$0, by: 1.03, ratio: 1.03) }
        XCTAssertEqual(try row(try compare(Self.example, small), "groth16.verify.2^12").status, .ok)
    }

    func testNoisyBaseIsNotedButStillJudged() throws {
        // fp.mul's own samples spread 31.686..39.613 (25%).
        let new = try modified("same.json")
        let r = try compare(Self.example, new)
        let fp = try row(r, "fp.mul")
        XCTAssertEqual(fp.status, .ok)
        XCTAssertTrue(fp.notes.contains { $0.hasPrefix("noisy") }, "\(fp.notes)")
        XCTAssertFalse(try row(try compare(Self.example, new, .init(threshold: 0.3)), "fp.mul").notes.contains { $0.hasPrefix("noisy") })
        let slow = try modified("slow.json", { $0 == "fp.mul" }) { Self.scale(&$0, by: 1.2, ratio: 1 / 1.2) }
        XCTAssertEqual(try row(try compare(Self.example, slow), "fp.mul").status, .regression)
    }

    func testDifferentHostComparesOnlyRatios() throws {
        let other = try modified("other.json", { $0 == "fp.sqr" || $0 == "groth16.verify.2^10" },
                                 { b in Self.scale(&b, by: 1.5, ratio: b["name"] as? String == "fp.sqr" ? nil : 1.2) },
                                 top: { o in
            var h = o["host"] as? [String: Any] ?? [:]
            h["cpu_model"] = "Intel Xeon"
            o["host"] = h
        })
        let r = try compare(Self.example, other)
        XCTAssertFalse(r.hostsMatch)
        let sqr = try row(r, "fp.sqr")
        XCTAssertEqual(sqr.status, .notCompared)
        XCTAssertEqual(sqr.statusText, "not compared (different host, no ratio)")
        XCTAssertNil(sqr.absoluteChange)
        XCTAssertEqual(try row(r, "fp.mul").metric, .ratio)
        XCTAssertEqual(r.regressions, ["groth16.verify.2^10"])
        // 7 benchmarks have no ratio: fp.peer.gmp-mpn-mont, fp.sqr, groth16.prove.2^10..2^18.
        XCTAssertEqual(r.notComparableCount, 7)
        XCTAssertEqual(r.comparedCount, 44)
        XCTAssertFalse(r.text.contains("abs change"))
        XCTAssertTrue(r.warnings.contains { $0.contains("different hosts") })
        XCTAssertTrue(r.text.contains("Intel Xeon"))
        assertCompareError(try self.compare(Self.example, other, .init(absolute: true))) {
            if case .absoluteAcrossHosts(_, let bh, _, let nh) = $0 { return bh.contains("AMD EPYC") && nh.contains("Intel Xeon") }
            return false
        }
    }

    func testHostMatchToleratesMemoryDrift() throws {
        // Two committed runs on the same VM report MemTotal 86 KiB apart.
        let drift = try modified("drift.json", top: { o in
            var h = o["host"] as? [String: Any] ?? [:]
            h["memory_bytes"] = 25_276_059_648
            o["host"] = h
        })
        XCTAssertTrue(try compare(Self.example, drift).hostsMatch)
        let bigger = try modified("bigger.json", top: { o in
            var h = o["host"] as? [String: Any] ?? [:]
            h["memory_bytes"] = 2 * 25_275_973_632
            o["host"] = h
        })
        XCTAssertFalse(try compare(Self.example, bigger).hostsMatch)
        let fewerCores = try modified("cores.json", top: { o in
            var h = o["host"] as? [String: Any] ?? [:]
            h["cores"] = 4
            o["host"] = h
        })
        XCTAssertFalse(try compare(Self.example, fewerCores).hostsMatch)
    }

    func testAbsoluteComparesMediansOnTheSameHost() throws {
        // The median got 20% slower, the ratio (against a peer measured alongside) did not move.
        let new = try modified("slow.json", { $0 == "fp2.mul" }) { Self.scale(&$0, by: 1.2, ratio: nil) }
        let byRatio = try compare(Self.example, new)
        XCTAssertEqual(try row(byRatio, "fp2.mul").status, .ok)
        XCTAssertEqual(try XCTUnwrap(try row(byRatio, "fp2.mul").absoluteChange), 0.2, accuracy: 1e-9)
        let abs = try compare(Self.example, new, .init(absolute: true))
        XCTAssertEqual(try row(abs, "fp2.mul").metric, .median)
        XCTAssertEqual(abs.regressions, ["fp2.mul"])
        XCTAssertTrue(abs.rows.allSatisfy { $0.metric == .median })
    }

    func testMissingBenchmark() throws {
        let new = try modified("fewer.json", top: { o in
            o["benchmarks"] = (o["benchmarks"] as? [[String: Any]] ?? []).filter {
                $0["name"] as? String != "fp.sqr" && $0["name"] as? String != "pairing.single"
            }
        })
        assertCompareError(try self.compare(Self.example, new)) {
            if case .missingBenchmarks(let p, _, let names) = $0 { return p == new && names == ["fp.sqr", "pairing.single"] }
            return false
        }
        let r = try compare(Self.example, new, .init(allowMissing: true))
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertEqual(try row(r, "fp.sqr").status, .missing)
        XCTAssertEqual(try row(r, "pairing.single").status, .missing)
        XCTAssertEqual(r.rows.count, 51)
        XCTAssertEqual(r.comparedCount, 49)
        XCTAssertEqual(r.notComparableCount, 2)
        // Only in NEW: a row "new" after BASE's rows.
        let extra = try compare(new, Self.example)
        XCTAssertEqual(extra.rows.suffix(2).map(\.status), [.new, .new])
        XCTAssertEqual(Set(extra.rows.suffix(2).map(\.name)), ["fp.sqr", "pairing.single"])
        XCTAssertEqual(extra.exitCode, 0)
    }

    func testNoCommonBenchmarkIsAnError() throws {
        let other = try modified("renamed.json", { _ in true }) { b in b["name"] = "x." + (b["name"] as? String ?? "") }
        assertCompareError(try self.compare(Self.example, other, .init(allowMissing: true))) {
            if case .noCommonBenchmark = $0 { return true }
            return false
        }
    }

    func testBadFilesAreCompareErrors() throws {
        var o = try exampleObject()
        o["schema"] = "spbench-bench/2"
        let v2 = try writeJSON(o, "v2.json")
        assertCompareError(try CompareTool.load(v2)) {
            if case .unsupportedSchema(let p, "spbench-bench/2") = $0 { return p == v2 }
            return false
        }
        o["schema"] = nil
        let noSchema = try writeJSON(o, "none.json")
        assertCompareError(try CompareTool.load(noSchema)) {
            if case .unsupportedSchema(_, nil) = $0 { return true }
            return false
        }
        let full = try String(contentsOfFile: Self.example, encoding: .utf8)
        let half = try writeText(String(full.prefix(full.count / 2)), "half.json")
        assertCompareError(try CompareTool.load(half)) {
            if case .notJSON(let p, let why) = $0 { return p == half && why.contains("truncated") }
            return false
        }
        let text = try writeText("median: 3\n", "text.json")
        assertCompareError(try CompareTool.load(text)) {
            if case .notJSON = $0 { return true }
            return false
        }
        let empty = try writeText("", "empty.json")
        assertCompareError(try CompareTool.load(empty)) {
            if case .notJSON = $0 { return true }
            return false
        }
        let noMedian = try modified("nomedian.json", { $0 == "fp.sqr" }) { $0["median"] = nil }
        assertCompareError(try CompareTool.load(noMedian)) {
            if case .badBenchmark(let p, 3, "fp.sqr", _) = $0 { return p == noMedian }
            return false
        }
        let noUnit = try modified("nounit.json", { $0 == "fp.sqr" }) { $0["unit"] = nil }
        assertCompareError(try CompareTool.load(noUnit)) {
            if case .badBenchmark(_, _, "fp.sqr", _) = $0 { return true }
            return false
        }
        let noName = try modified("noname.json", { $0 == "fp.sqr" }) { $0["name"] = nil }
        assertCompareError(try CompareTool.load(noName)) {
            if case .badBenchmark(_, 3, nil, _) = $0 { return true }
            return false
        }
        let dup = try modified("dup.json", { $0 == "fp.sqr" }) { $0["name"] = "fp.mul" }
        assertCompareError(try CompareTool.load(dup)) {
            if case .duplicateBenchmark(_, "fp.mul") = $0 { return true }
            return false
        }
        let missing = try path("does-not-exist.json")
        assertCompareError(try CompareTool.load(missing)) {
            if case .unreadable(let p, _) = $0 { return p == missing }
            return false
        }
        // ordo-one's output is not a spbench result file.
        let ordo = try writeJSON(["benchmarks": [["name": "x"]]], "ordo.json")
        assertCompareError(try CompareTool.load(ordo)) {
            if case .unsupportedSchema(_, nil) = $0 { return true }
            return false
        }
        XCTAssertTrue(CompareError.notJSON(path: half, reason: "x").description.contains(half))
    }

    func testThresholds() throws {
        XCTAssertEqual(try CompareTool.parseThreshold("5%"), 0.05)
        XCTAssertEqual(try CompareTool.parseThreshold("5"), 0.05)
        XCTAssertEqual(try CompareTool.parseThreshold(" 2.5 % "), 0.025)
        XCTAssertEqual(try CompareTool.parseThreshold("99.9"), 0.999, accuracy: 1e-12)
        for bad in ["0", "0%", "-5%", "150%", "100", "abc", "", "%", "nan", "inf", "5%%"] {
            assertCompareError(try CompareTool.parseThreshold(bad)) {
                if case .badThreshold(let s, _) = $0 { return s == bad }
                return false
            }
        }
    }

    func testRunFileComparesAgainstBenchFile() throws {
        let bench = try exampleObject()
        let run: [String: Any] = [
            "schema": "spbench-run/1", "created": "2026-12-02T05:00:00Z", "build": "release",
            "host": bench["host"] ?? [:], "git": bench["git"] ?? [:],
            "verify": ["passed": 12], "deadlines": NSNull(), "size": ["sectors": 1],
            "bench": bench,
        ]
        let runPath = try writeJSON(run, "run.json")
        let f = try CompareTool.load(runPath)
        XCTAssertEqual(f.schema, "spbench-run/1")
        XCTAssertEqual(f.created, "2026-12-02T05:00:00Z")
        XCTAssertEqual(f.benchmarks.count, 51)
        XCTAssertEqual(f.quick, false)
        let r = try compare(Self.example, runPath)
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertTrue(r.hostsMatch)
        XCTAssertEqual(r.comparedCount, 51)
        XCTAssertEqual(try compare(runPath, Self.example).exitCode, 0)

        // A run without benchmarks loads, but there is nothing to compare.
        var noBench = run
        noBench["bench"] = NSNull()
        let nb = try writeJSON(noBench, "nobench.json")
        XCTAssertTrue(try CompareTool.load(nb).benchmarks.isEmpty)
        assertCompareError(try self.compare(Self.example, nb)) {
            if case .noBenchmarks(let p, _) = $0 { return p == nb }
            return false
        }
        // The nested bench must be spbench-bench/1.
        var wrongNested = bench
        wrongNested["schema"] = "spbench-bench/2"
        var run2 = run
        run2["bench"] = wrongNested
        let w = try writeJSON(run2, "nested.json")
        assertCompareError(try CompareTool.load(w)) {
            if case .unsupportedSchema(_, "spbench-bench/2") = $0 { return true }
            return false
        }
    }

    func testWarnings() throws {
        let new = try modified("warn.json", top: { o in
            o["quick"] = true
            o["build"] = "debug"
            o["git"] = ["commit": "0123456789abcdef", "dirty": true]
        })
        let r = try compare(Self.example, new)
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertTrue(r.warnings.contains { $0.contains("quick") }, "\(r.warnings)")
        XCTAssertTrue(r.warnings.contains { $0.contains("debug build") }, "\(r.warnings)")
        XCTAssertTrue(r.warnings.contains { $0.contains("dirty") && $0.contains("0123456789") }, "\(r.warnings)")
        XCTAssertTrue(r.text.contains("warning: "))
    }

    func testRatioDirection() throws {
        // An explicit ratio.higher_is_better wins over the benchmark's direction.
        let base = try modified("base.json", { $0 == "fp.mul.portable" }) { b in
            var q = b["ratio"] as? [String: Any] ?? [:]
            q["higher_is_better"] = true
            b["ratio"] = q
        }
        let lower = try modified("lower.json", { $0 == "fp.mul.portable" }) { b in
            Self.scale(&b, by: 1, ratio: 0.8)
            var q = b["ratio"] as? [String: Any] ?? [:]
            q["higher_is_better"] = true
            b["ratio"] = q
        }
        XCTAssertEqual(try compare(base, lower).regressions, ["fp.mul.portable"])
        // Without it (old files) and without a goal: the benchmark's own (lower is better).
        let oldLower = try modified("old.json", { $0 == "fp.mul.portable" }) { Self.scale(&$0, by: 1, ratio: 0.8) }
        XCTAssertEqual(try row(try compare(Self.example, oldLower), "fp.mul.portable").status, .improved)
        // With a goal and no explicit direction: the goal kind (at_least: higher is better).
        XCTAssertEqual(try row(try compare(Self.example, oldLower), "fp.mul").higherIsBetter, true)
    }

    func testMarkdownAndJSON() throws {
        let new = try modified("slow.json", { $0 == "groth16.verify.2^10" }) { Self.scale(&$0, by: 1.2, ratio: 1.2) }
        let r = try compare(Self.example, new)
        let lines = r.markdown.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("| benchmark |") })
        XCTAssertEqual(lines[header], "| benchmark | metric | base | new | change | abs change | status | note |")
        XCTAssertTrue(lines[header + 1].hasPrefix("| --- | --- | ---: |"), lines[header + 1])
        XCTAssertEqual(lines[header + 1].filter { $0 == "|" }.count, 9)
        XCTAssertEqual(lines.filter { $0.hasPrefix("| `") }.count, 51)
        XCTAssertTrue(r.markdown.contains(r.summary))

        XCTAssertTrue(JSONSerialization.isValidJSONObject(r.json))
        XCTAssertEqual(r.json["hosts_match"] as? Bool, true)
        XCTAssertEqual(r.json["threshold"] as? Double, 0.05)
        XCTAssertEqual(r.json["exit_code"] as? Int, 1)
        XCTAssertEqual((r.json["rows"] as? [[String: Any]])?.count, 51)
        XCTAssertEqual(r.json["summary"] as? String, r.summary)
        XCTAssertEqual(r.json["regressions"] as? [String], ["groth16.verify.2^10"])

        // Text columns are aligned: every table line has the status column at the same place.
        let table = r.text.split(separator: "\n").filter { $0.hasPrefix("groth16.") || $0.hasPrefix("benchmark ") }
        XCTAssertEqual(table.count, 11)
        let statusAt = table.compactMap { line -> Int? in
            guard let at = line.range(of: "  ok") ?? line.range(of: "  regression") ?? line.range(of: "  status") else { return nil }
            return line.distance(from: line.startIndex, to: at.lowerBound)
        }
        XCTAssertEqual(statusAt.count, table.count)
        XCTAssertEqual(Set(statusAt).count, 1, "\(table)")
    }
}
