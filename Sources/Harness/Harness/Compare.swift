import Foundation

/// Why `spbench compare` cannot compare two result files (exit status 2). Every message
/// names the file and says what to do.
public enum CompareError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String, reason: String)
    case notJSON(path: String, reason: String)
    case unsupportedSchema(path: String, found: String?)
    case notResultFile(path: String, reason: String)
    case badBenchmark(path: String, index: Int, name: String?, problem: String)
    case duplicateBenchmark(path: String, name: String)
    case noBenchmarks(path: String, reason: String)
    case missingBenchmarks(path: String, basePath: String, names: [String])
    case noCommonBenchmark(basePath: String, newPath: String)
    case badThreshold(String, reason: String)
    case absoluteAcrossHosts(basePath: String, baseHost: String, newPath: String, newHost: String)

    public var description: String {
        switch self {
        case .unreadable(let p, let why):
            "\(p): cannot read: \(why)"
        case .notJSON(let p, let why):
            "\(p): \(why); expected a result file written by `spbench bench --json/--out`"
        case .unsupportedSchema(let p, nil):
            "\(p): no \"schema\" key; spbench compare reads spbench-bench/1 (`spbench bench --json/--out`) and spbench-run/1 files (ordo-one benchmark output is not one)"
        case .unsupportedSchema(let p, let s?):
            "\(p): schema \"\(s)\" is not supported; spbench compare reads spbench-bench/1 and spbench-run/1 (a newer spbench may read it)"
        case .notResultFile(let p, let why):
            "\(p): not a spbench result file: \(why)"
        case .badBenchmark(let p, let i, let name, let problem):
            "\(p): benchmarks[\(i)]\(name.map { " (\"\($0)\")" } ?? ""): \(problem)"
        case .duplicateBenchmark(let p, let name):
            "\(p): benchmark \"\(name)\" appears more than once; each name must be unique"
        case .noBenchmarks(let p, let why):
            "\(p): nothing to compare: \(why)"
        case .missingBenchmarks(let p, let base, let names):
            "\(p): \(names.count) benchmark\(names.count == 1 ? "" : "s") of \(base) \(names.count == 1 ? "is" : "are") missing: \(names.joined(separator: ", ")); run \(names.count == 1 ? "it" : "them") too or pass --allow-missing"
        case .noCommonBenchmark(let base, let new):
            "\(base) and \(new) have no benchmark in common; compare runs of the same benchmark groups"
        case .badThreshold(let s, let why):
            "--threshold '\(s)': \(why); give a percentage above 0 and below 100, such as 5% or 5"
        case .absoluteAcrossHosts(let bp, let bh, let np, let nh):
            "--absolute needs one host, but \(bp) ran on \(bh) and \(np) on \(nh); drop --absolute to compare the host-normalized ratios"
        }
    }
}

/// A benchmark result file (spbench-bench/1, or the bench inside spbench-run/1), reduced to
/// what `spbench compare` needs.
public struct ResultFile: Sendable {
    public struct HostSummary: Sendable, Equatable {
        public var cpuModel: String?
        public var cores: Int?
        public var memoryBytes: UInt64?
        public var os: String?
        public var swift: String?

        /// Two machines' memory totals closer than this fraction count as the same size:
        /// MemTotal moves by a few pages between boots of one VM (the committed results show
        /// 25276059648 and 25275973632 bytes on the same machine).
        public static let memoryTolerance = 0.01

        public init(cpuModel: String? = nil, cores: Int? = nil, memoryBytes: UInt64? = nil, os: String? = nil, swift: String? = nil) {
            self.cpuModel = cpuModel
            self.cores = cores
            self.memoryBytes = memoryBytes
            self.os = os
            self.swift = swift
        }

        /// Same CPU model, core count and (within `memoryTolerance`) memory. Unknown never matches.
        public func matches(_ other: HostSummary) -> Bool {
            guard let m1 = cpuModel, let m2 = other.cpuModel, m1 == m2,
                  let c1 = cores, let c2 = other.cores, c1 == c2,
                  let b1 = memoryBytes, let b2 = other.memoryBytes, b1 > 0, b2 > 0 else { return false }
            let a = Double(b1), b = Double(b2)
            return abs(a - b) <= Self.memoryTolerance * Swift.max(a, b)
        }

        /// "AMD EPYC, 2 cores, 23.5 GiB": what identifies the machine.
        public var short: String {
            var parts = [cpuModel ?? "unknown CPU"]
            parts.append(cores.map { "\($0) core\($0 == 1 ? "" : "s")" } ?? "? cores")
            parts.append(memoryBytes.map { String(format: "%.1f GiB", Double($0) / 1_073_741_824) } ?? "? GiB")
            return parts.joined(separator: ", ")
        }

        /// The short form plus OS and Swift.
        public var line: String {
            var parts = [short]
            if let os { parts.append(os) }
            if let swift {
                let words = swift.split(separator: " ")
                parts.append(swift.hasPrefix("Swift version ") && words.count >= 3 ? "Swift \(words[2])" : swift)
            }
            return parts.joined(separator: ", ")
        }
    }

    public struct Benchmark: Sendable, Equatable {
        public struct Ratio: Sendable, Equatable {
            public var value: Double
            public var against: String
            /// The file's explicit direction (absent in files older than that field).
            public var higherIsBetter: Bool?
            public var goal: Double?
            /// true "at_least", false "at_most", nil no goal.
            public var goalAtLeast: Bool?

            public init(value: Double, against: String = "", higherIsBetter: Bool? = nil, goal: Double? = nil, goalAtLeast: Bool? = nil) {
                self.value = value
                self.against = against
                self.higherIsBetter = higherIsBetter
                self.goal = goal
                self.goalAtLeast = goalAtLeast
            }
        }

        public var name: String
        public var group: String
        public var unit: String
        public var higherIsBetter: Bool
        public var median: Double
        public var samples: [Double]
        public var min: Double?
        public var max: Double?
        public var ratio: Ratio?

        public init(name: String, group: String = "", unit: String, higherIsBetter: Bool, median: Double,
                    samples: [Double] = [], min: Double? = nil, max: Double? = nil, ratio: Ratio? = nil) {
            self.name = name
            self.group = group
            self.unit = unit
            self.higherIsBetter = higherIsBetter
            self.median = median
            self.samples = samples
            self.min = min
            self.max = max
            self.ratio = ratio
        }

        /// max/min − 1 over the samples (else the recorded min and max); nil if unknown.
        public var spread: Double? {
            let lo = samples.min() ?? min, hi = samples.max() ?? max
            guard let lo, let hi, lo > 0, hi >= lo else { return nil }
            return hi / lo - 1
        }
    }

    public var path: String
    /// "spbench-bench/1" or "spbench-run/1".
    public var schema: String
    public var created: String?
    public var host: HostSummary
    public var quick: Bool?
    /// "release" or "debug".
    public var build: String?
    public var commit: String?
    public var dirty: Bool?
    public var implementation: [String: String]
    public var benchmarks: [Benchmark]
    /// Why `benchmarks` is empty (a run whose bench is null), for the error message.
    public var emptyReason: String?

    public init(path: String, schema: String = "spbench-bench/1", created: String? = nil, host: HostSummary = HostSummary(),
                quick: Bool? = nil, build: String? = nil, commit: String? = nil, dirty: Bool? = nil,
                implementation: [String: String] = [:], benchmarks: [Benchmark], emptyReason: String? = nil) {
        self.path = path
        self.schema = schema
        self.created = created
        self.host = host
        self.quick = quick
        self.build = build
        self.commit = commit
        self.dirty = dirty
        self.implementation = implementation
        self.benchmarks = benchmarks
        self.emptyReason = emptyReason
    }

    /// "commit e660393df4 (clean), release, full run, created 2026-12-02T03:19:34Z"
    public var runLine: String {
        var parts: [String] = []
        let c = commit.map { "commit \($0.prefix(10))" } ?? "commit unknown"
        parts.append(c + (dirty == true ? " (dirty)" : dirty == false ? " (clean)" : ""))
        parts.append(build ?? "build unknown")
        parts.append(quick == true ? "quick run" : quick == false ? "full run" : "quick unknown")
        if let created { parts.append("created \(created)") }
        return parts.joined(separator: ", ")
    }
}

/// One benchmark's line in the comparison.
public struct CompareRow: Sendable, Equatable {
    public enum Status: String, Sendable {
        case ok, improved, regression
        case notCompared = "not compared"
        case missing, new
    }

    public enum Metric: String, Sendable {
        case ratio, median
    }

    public var name: String
    public var status: Status
    /// The status as shown: "not compared (different host, no ratio)".
    public var statusText: String
    /// What was compared; nil for rows that were not compared.
    public var metric: Metric?
    public var unit: String
    public var higherIsBetter: Bool?
    /// The compared values (or, for rows not compared, the medians where known).
    public var base: Double?
    public var new: Double?
    /// new/base − 1 of the metric.
    public var change: Double?
    /// new/base − 1 of the medians, on the same host only (informational).
    public var absoluteChange: Double?
    public var notes: [String]

    /// True for rows that were judged (ok, improved or regression).
    public var compared: Bool { status == .ok || status == .improved || status == .regression }
}

/// The comparison of two result files: rows in BASE's order (then NEW's extra benchmarks),
/// the verdict and its renderings.
public struct CompareReport: Sendable {
    public var basePath: String
    public var newPath: String
    public var baseFile: ResultFile
    public var newFile: ResultFile
    public var options: CompareTool.Options
    public var rows: [CompareRow]
    public var hostsMatch: Bool
    public var warnings: [String]

    /// Names of the benchmarks that regressed beyond the threshold, in BASE's order.
    public var regressions: [String] { rows.filter { $0.status == .regression }.map(\.name) }
    public var improved: [String] { rows.filter { $0.status == .improved }.map(\.name) }
    public var comparedCount: Int { rows.filter(\.compared).count }
    public var notComparableCount: Int { rows.filter { $0.status == .notCompared || $0.status == .missing }.count }
    public var newCount: Int { rows.filter { $0.status == .new }.count }

    /// 0 no regression (or --report-only), 1 a regression beyond the threshold.
    public var exitCode: Int32 { !regressions.isEmpty && !options.reportOnly ? 1 : 0 }

    public var thresholdText: String { CompareTool.percentText(options.threshold) }

    /// "2 regressions beyond 5%: a, b (41 compared, 3 not comparable)".
    public var summary: String {
        var counts = "\(comparedCount) compared, \(notComparableCount) not comparable"
        if newCount > 0 { counts += ", \(newCount) new" }
        if !improved.isEmpty { counts += ", \(improved.count) improved" }
        let r = regressions
        if r.isEmpty { return "no regression beyond \(thresholdText) (\(counts))" }
        var s = "\(r.count) regression\(r.count == 1 ? "" : "s") beyond \(thresholdText): \(r.joined(separator: ", ")) (\(counts))"
        if options.reportOnly { s += "; --report-only: exit status 0" }
        return s
    }

    private var columns: [String] {
        ["benchmark", "metric", "base", "new", "change"] + (hostsMatch ? ["abs change"] : []) + ["status", "note"]
    }

    private func cells(_ r: CompareRow) -> [String] {
        var metric: String
        switch r.metric {
        case .ratio: metric = "ratio"
        case .median: metric = "median \(r.unit)"
        case nil: metric = r.base != nil || r.new != nil ? "median \(r.unit)" : "-"
        }
        if let h = r.higherIsBetter, r.metric != nil { metric += h ? " ↑" : " ↓" }
        var c = [r.name, metric, r.base.map(CompareTool.valueText) ?? "-", r.new.map(CompareTool.valueText) ?? "-",
                 r.change.map(CompareTool.changeText) ?? "-"]
        if hostsMatch { c.append(r.absoluteChange.map(CompareTool.changeText) ?? "-") }
        c.append(r.statusText)
        c.append(r.notes.joined(separator: "; "))
        return c
    }

    private var numericColumns: Set<Int> { hostsMatch ? [2, 3, 4, 5] : [2, 3, 4] }

    /// The plain text table, hosts, warnings and summary.
    public var text: String {
        var lines = ["spbench compare: threshold \(thresholdText)\(options.absolute ? ", absolute medians" : "")",
                     "base \(basePath): \(baseFile.host.line); \(baseFile.runLine)",
                     "new  \(newPath): \(newFile.host.line); \(newFile.runLine)"]
        lines += warnings.map { "warning: \($0)" }
        lines.append("")
        let table = [columns] + rows.map(cells)
        let widths = columns.indices.map { i in table.map { $0[i].count }.max() ?? 0 }
        for row in table {
            let padded = row.enumerated().map { i, s in
                let pad = String(repeating: " ", count: widths[i] - s.count)
                return numericColumns.contains(i) ? pad + s : s + pad
            }
            var line = padded.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        lines.append("")
        lines.append("↑ higher is better, ↓ lower is better; change = new/base − 1"
                     + (hostsMatch && !options.absolute ? "; abs change = of the medians (same host)" : ""))
        lines.append(summary)
        return lines.joined(separator: "\n")
    }

    /// A GitHub-flavoured markdown report (for a PR comment): same columns and summary.
    public var markdown: String {
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var lines = ["### spbench compare (threshold \(thresholdText))", "",
                     "**\(esc(summary))**", "",
                     "- base `\(esc(basePath))`: \(esc(baseFile.host.line)); \(esc(baseFile.runLine))",
                     "- new `\(esc(newPath))`: \(esc(newFile.host.line)); \(esc(newFile.runLine))"]
        for w in warnings { lines.append("- **warning:** \(esc(w))") }
        lines.append("")
        lines.append("| " + columns.joined(separator: " | ") + " |")
        lines.append("|" + columns.indices.map { numericColumns.contains($0) ? " ---: " : " --- " }.joined(separator: "|") + "|")
        for r in rows {
            var c = cells(r).map(esc)
            c[0] = "`\(c[0])`"
            if r.status == .regression { c[c.count - 2] = "**\(c[c.count - 2])**" }  // the status column
            lines.append("| " + c.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("↑ higher is better, ↓ lower is better; change = new/base − 1")
        return lines.joined(separator: "\n")
    }

    /// One JSON object: rows, summary, hosts_match, threshold (a fraction), exit_code, ...
    public var json: [String: Any] { jsonValue.foundation as? [String: Any] ?? [:] }

    var jsonValue: JSONValue {
        func num(_ d: Double?) -> JSONValue { d.map { .number(CompareTool.rounded($0)) } ?? .null }
        func str(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func file(_ f: ResultFile) -> JSONValue {
            .object([
                "path": .string(f.path), "schema": .string(f.schema), "created": str(f.created),
                "commit": str(f.commit), "dirty": f.dirty.map(JSONValue.bool) ?? .null,
                "quick": f.quick.map(JSONValue.bool) ?? .null, "build": str(f.build),
                "host": .object([
                    "cpu_model": str(f.host.cpuModel), "cores": f.host.cores.map { .number(Double($0)) } ?? .null,
                    "memory_bytes": f.host.memoryBytes.map { .number(Double($0)) } ?? .null,
                    "os": str(f.host.os), "swift": str(f.host.swift), "line": .string(f.host.line),
                ]),
            ])
        }
        let rowValues: [JSONValue] = rows.map { r in
            .object([
                "name": .string(r.name), "status": .string(r.status.rawValue), "status_text": .string(r.statusText),
                "metric": str(r.metric?.rawValue), "unit": .string(r.unit),
                "higher_is_better": r.higherIsBetter.map(JSONValue.bool) ?? .null,
                "base": num(r.base), "new": num(r.new), "change": num(r.change), "absolute_change": num(r.absoluteChange),
                "notes": .array(r.notes.map(JSONValue.string)),
            ])
        }
        return .object([
            "schema": .string("spbench-compare/1"),
            "base": file(baseFile), "new": file(newFile),
            "hosts_match": .bool(hostsMatch), "threshold": .number(options.threshold),
            "absolute": .bool(options.absolute), "allow_missing": .bool(options.allowMissing), "report_only": .bool(options.reportOnly),
            "rows": .array(rowValues),
            "summary": .string(summary),
            "regressions": .array(regressions.map(JSONValue.string)),
            "improved": .array(improved.map(JSONValue.string)),
            "warnings": .array(warnings.map(JSONValue.string)),
            "counts": .object([
                "compared": .number(Double(comparedCount)), "not_comparable": .number(Double(notComparableCount)),
                "new": .number(Double(newCount)), "regressions": .number(Double(regressions.count)),
                "improved": .number(Double(improved.count)),
            ]),
            "exit_code": .number(Double(exitCode)),
        ])
    }
}

/// `spbench compare`: regression tracking between two benchmark result files.
public enum CompareTool {
    public struct Options: Sendable, Equatable {
        /// A fraction: 0.05 is 5%.
        public var threshold: Double
        /// Compare the absolute medians of every row (same host only).
        public var absolute: Bool
        /// Benchmarks of BASE absent from NEW are rows "missing" instead of an error.
        public var allowMissing: Bool
        /// Exit 0 even when something regressed.
        public var reportOnly: Bool

        public init(threshold: Double = 0.05, absolute: Bool = false, allowMissing: Bool = false, reportOnly: Bool = false) {
            self.threshold = threshold
            self.absolute = absolute
            self.allowMissing = allowMissing
            self.reportOnly = reportOnly
        }
    }

    public static let benchSchema = "spbench-bench/1"
    public static let runSchema = "spbench-run/1"

    // MARK: threshold

    /// "5%" or "5" → 0.05. Plain numbers are percent; the percentage must be > 0 and < 100.
    public static func parseThreshold(_ s: String) throws -> Double {
        var t = s.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") { t = String(t.dropLast()).trimmingCharacters(in: .whitespaces) }
        guard !t.isEmpty, let p = Double(t), p.isFinite else {
            throw CompareError.badThreshold(s, reason: "not a number")
        }
        guard p > 0, p < 100 else { throw CompareError.badThreshold(s, reason: "\(percentText(p / 100)) is out of range") }
        return p / 100
    }

    // MARK: loading

    /// Reads and validates a result file; throws `CompareError` naming `path`.
    public static func load(_ path: String) throws -> ResultFile {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw CompareError.unreadable(path: path, reason: "no such file")
        }
        if isDir.boolValue { throw CompareError.unreadable(path: path, reason: "is a directory, not a result file") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CompareError.unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(data, path: path)
    }

    /// Parses result-file bytes; `path` names the file in errors.
    public static func parse(_ data: Data, path: String) throws -> ResultFile {
        let trimmed = data.reversed().drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let last = trimmed.first else { throw CompareError.notJSON(path: path, reason: "the file is empty") }
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch {
            let why = data.first == UInt8(ascii: "{") && last != UInt8(ascii: "}")
                ? "the JSON ends early, after \(data.count) bytes (truncated file?)"
                : "not valid JSON"
            throw CompareError.notJSON(path: path, reason: why)
        }
        guard case .object(let top) = root else {
            throw CompareError.notResultFile(path: path, reason: "the top level is not a JSON object")
        }
        guard let schema = top["schema"] else { throw CompareError.unsupportedSchema(path: path, found: nil) }
        guard let schemaName = schema.stringValue else {
            throw CompareError.unsupportedSchema(path: path, found: schema.compact)
        }
        var file = ResultFile(path: path, schema: schemaName, benchmarks: [])
        let bench: [String: JSONValue]
        switch schemaName {
        case benchSchema:
            bench = top
        case runSchema:
            switch top["bench"] {
            case nil, .null?:
                readRunInfo(top, into: &file)
                file.emptyReason = "this spbench-run/1 file has no benchmarks (its \"bench\" is null: the run did not benchmark)"
                return file
            case .object(let o)?:
                guard let s = o["schema"] else { throw CompareError.unsupportedSchema(path: path + " (bench)", found: nil) }
                guard s.stringValue == benchSchema else {
                    throw CompareError.unsupportedSchema(path: path + " (bench)", found: s.stringValue ?? s.compact)
                }
                bench = o
            case let other?:
                throw CompareError.notResultFile(path: path, reason: "\"bench\" is \(other.compact.prefix(40)), not an object or null")
            }
        default:
            throw CompareError.unsupportedSchema(path: path, found: schemaName)
        }
        // Run-level values win; the nested bench fills what the run lacks.
        readRunInfo(bench, into: &file)
        if schemaName == runSchema { readRunInfo(top, into: &file) }
        if case .bool(let q)? = bench["quick"] { file.quick = q } else if case .bool(let q)? = top["quick"] { file.quick = q }
        if let impl = bench["implementation"]?.objectValue {
            file.implementation = impl.compactMapValues(\.stringValue)
        }
        guard let list = bench["benchmarks"]?.arrayValue else {
            throw CompareError.notResultFile(path: path, reason: "no \"benchmarks\" array")
        }
        var seen = Set<String>()
        for (i, v) in list.enumerated() {
            let b = try parseBenchmark(v, index: i, path: path)
            guard seen.insert(b.name).inserted else { throw CompareError.duplicateBenchmark(path: path, name: b.name) }
            file.benchmarks.append(b)
        }
        if file.benchmarks.isEmpty { file.emptyReason = "its \"benchmarks\" list is empty" }
        return file
    }

    /// Host, git, build and created from one level of a file (overwriting what is there).
    private static func readRunInfo(_ o: [String: JSONValue], into file: inout ResultFile) {
        if let c = o["created"]?.stringValue { file.created = c }
        if let b = o["build"]?.stringValue { file.build = b }
        if let g = o["git"]?.objectValue {
            if let c = g["commit"]?.stringValue { file.commit = c }
            if case .bool(let d)? = g["dirty"] { file.dirty = d }
        }
        if let h = o["host"]?.objectValue {
            file.host = ResultFile.HostSummary(
                cpuModel: h["cpu_model"]?.stringValue,
                cores: h["cores"]?.uint64Value.flatMap { Int(exactly: $0) },
                memoryBytes: h["memory_bytes"]?.uint64Value,
                os: h["os"]?.stringValue, swift: h["swift"]?.stringValue)
        }
    }

    private static func number(_ v: JSONValue?) -> Double? {
        if case .number(let d)? = v, d.isFinite { return d }
        return nil
    }

    private static func parseBenchmark(_ v: JSONValue, index i: Int, path: String) throws -> ResultFile.Benchmark {
        guard case .object(let o) = v else {
            throw CompareError.badBenchmark(path: path, index: i, name: nil, problem: "not a JSON object")
        }
        guard let name = o["name"]?.stringValue, !name.isEmpty else {
            throw CompareError.badBenchmark(path: path, index: i, name: nil, problem: "no \"name\"")
        }
        func bad(_ problem: String) -> CompareError { .badBenchmark(path: path, index: i, name: name, problem: problem) }
        guard let median = number(o["median"]) else { throw bad("no numeric \"median\"") }
        guard let unit = o["unit"]?.stringValue else { throw bad("no \"unit\"") }
        guard case .bool(let hib)? = o["higher_is_better"] else { throw bad("no boolean \"higher_is_better\" (which way is better?)") }
        var samples: [Double] = []
        if let s = o["samples"], s != .null {
            guard let a = s.arrayValue else { throw bad("\"samples\" is not an array") }
            samples = try a.map { guard let d = number($0) else { throw bad("\"samples\" holds a non-number") }; return d }
        }
        var ratio: ResultFile.Benchmark.Ratio?
        if let r = o["ratio"], r != .null {
            guard let ro = r.objectValue else { throw bad("\"ratio\" is not an object") }
            guard let value = number(ro["value"]) else { throw bad("\"ratio\" has no numeric \"value\"") }
            var q = ResultFile.Benchmark.Ratio(value: value, against: ro["against"]?.stringValue ?? "")
            if case .bool(let h)? = ro["higher_is_better"] { q.higherIsBetter = h }
            q.goal = number(ro["goal"])
            switch ro["goal_kind"] {
            case nil, .null?: break
            case .string("at_least")?: q.goalAtLeast = true
            case .string("at_most")?: q.goalAtLeast = false
            case let k?: throw bad("\"ratio.goal_kind\" is \(k.compact), not \"at_least\" or \"at_most\"")
            }
            ratio = q
        }
        return ResultFile.Benchmark(name: name, group: o["group"]?.stringValue ?? "", unit: unit, higherIsBetter: hib,
                                    median: median, samples: samples, min: number(o["min"]), max: number(o["max"]), ratio: ratio)
    }

    // MARK: comparing

    /// Pairs the benchmarks by name and judges each pair; throws `CompareError` for missing
    /// benchmarks (unless allowed), nothing in common, or --absolute across hosts.
    public static func compare(base: ResultFile, new: ResultFile, options: Options) throws -> CompareReport {
        guard options.threshold > 0, options.threshold < 1 else {
            throw CompareError.badThreshold(percentText(options.threshold), reason: "out of range")
        }
        for f in [base, new] where f.benchmarks.isEmpty {
            throw CompareError.noBenchmarks(path: f.path, reason: f.emptyReason ?? "it has no benchmarks")
        }
        let hostsMatch = base.host.matches(new.host)
        if options.absolute && !hostsMatch {
            throw CompareError.absoluteAcrossHosts(basePath: base.path, baseHost: base.host.short, newPath: new.path, newHost: new.host.short)
        }
        var newByName: [String: ResultFile.Benchmark] = [:]
        for b in new.benchmarks where newByName[b.name] == nil { newByName[b.name] = b }
        let baseNames = Set(base.benchmarks.map(\.name))
        let missing = base.benchmarks.map(\.name).filter { newByName[$0] == nil }
        if missing.count == base.benchmarks.count {
            throw CompareError.noCommonBenchmark(basePath: base.path, newPath: new.path)
        }
        if !missing.isEmpty && !options.allowMissing {
            throw CompareError.missingBenchmarks(path: new.path, basePath: base.path, names: missing)
        }
        var rows: [CompareRow] = []
        for b in base.benchmarks {
            if let n = newByName[b.name] {
                rows.append(judge(base: b, new: n, hostsMatch: hostsMatch, options: options))
            } else {
                rows.append(CompareRow(name: b.name, status: .missing, statusText: "missing", metric: nil, unit: b.unit,
                                       higherIsBetter: nil, base: b.median, new: nil, change: nil, absoluteChange: nil, notes: []))
            }
        }
        var added = Set<String>()
        for n in new.benchmarks where !baseNames.contains(n.name) && added.insert(n.name).inserted {
            rows.append(CompareRow(name: n.name, status: .new, statusText: "new", metric: nil, unit: n.unit,
                                   higherIsBetter: nil, base: nil, new: n.median, change: nil, absoluteChange: nil, notes: []))
        }
        var report = CompareReport(basePath: base.path, newPath: new.path, baseFile: base, newFile: new, options: options,
                                   rows: rows, hostsMatch: hostsMatch, warnings: [])
        report.warnings = warnings(base: base, new: new, hostsMatch: hostsMatch, rows: rows)
        return report
    }

    /// Which way a ratio improves: the file's explicit ratio.higher_is_better (NEW's, then
    /// BASE's), else the goal kind, else the benchmark's own direction.
    static func ratioHigherIsBetter(base b: ResultFile.Benchmark, new n: ResultFile.Benchmark) -> Bool {
        if let h = n.ratio?.higherIsBetter ?? b.ratio?.higherIsBetter { return h }
        if let k = n.ratio?.goalAtLeast ?? b.ratio?.goalAtLeast { return k }
        return n.higherIsBetter
    }

    private static func judge(base b: ResultFile.Benchmark, new n: ResultFile.Benchmark, hostsMatch: Bool, options: Options) -> CompareRow {
        let t = options.threshold
        let sameUnit = b.unit == n.unit
        let absChange: Double? = hostsMatch && sameUnit && b.median > 0 ? n.median / b.median - 1 : nil
        var row = CompareRow(name: b.name, status: .notCompared, statusText: "", metric: nil, unit: n.unit,
                             higherIsBetter: nil, base: b.median, new: n.median, change: nil, absoluteChange: absChange, notes: [])
        func notCompared(_ why: String) -> CompareRow {
            row.statusText = "not compared (\(why))"
            return row
        }
        let metric: CompareRow.Metric, baseValue: Double, newValue: Double, hib: Bool
        if !options.absolute, let rb = b.ratio, let rn = n.ratio {
            metric = .ratio
            (baseValue, newValue) = (rb.value, rn.value)
            hib = ratioHigherIsBetter(base: b, new: n)
            if let h1 = rb.higherIsBetter, let h2 = rn.higherIsBetter, h1 != h2 {
                row.notes.append("ratio direction changed")
            }
            if basis(rb.against) != basis(rn.against) {
                row.notes.append("ratio basis changed: '\(rb.against)' → '\(rn.against)'")
            }
        } else if hostsMatch {
            guard sameUnit else { return notCompared("unit changed: \(b.unit) → \(n.unit)") }
            guard b.higherIsBetter == n.higherIsBetter else { return notCompared("direction changed") }
            metric = .median
            (baseValue, newValue) = (b.median, n.median)
            hib = n.higherIsBetter
        } else {
            return notCompared("different host, no ratio")
        }
        row.metric = metric
        row.higherIsBetter = hib
        row.base = baseValue
        row.new = newValue
        guard baseValue > 0, newValue >= 0 else {
            return notCompared("\(metric.rawValue) \(valueText(baseValue)) → \(valueText(newValue)): no meaningful change")
        }
        let change = newValue / baseValue - 1
        row.change = change
        let eps = 1e-12
        let worse = hib ? -change : change
        if worse > t + eps {
            row.status = .regression
        } else if -worse > t + eps {
            row.status = .improved
        } else {
            row.status = .ok
        }
        row.statusText = row.status.rawValue
        if let s = b.spread, s > t { row.notes.insert(String(format: "noisy: base spread %.1f%%", s * 100), at: 0) }
        return row
    }

    /// A ratio's "against" without its measured numbers ("Fp mul 32.04 ns" varies per run).
    private static func basis(_ s: String) -> String {
        String(s.unicodeScalars.filter { !CharacterSet.decimalDigits.contains($0) && $0 != "." })
    }

    private static func warnings(base: ResultFile, new: ResultFile, hostsMatch: Bool, rows: [CompareRow]) -> [String] {
        var w: [String] = []
        if let q1 = base.quick, let q2 = new.quick, q1 != q2 {
            w.append("quick runs differ (base \(q1 ? "--quick" : "full"), new \(q2 ? "--quick" : "full")): sizes and repeats differ; compare like with like")
        }
        for f in [base, new] where f.build == "debug" {
            w.append("\(f.path) is a debug build: its timings do not mean much; benchmark a release build")
        }
        for f in [base, new] where f.dirty == true {
            w.append("\(f.path) was measured from a dirty git tree (commit \(f.commit.map { String($0.prefix(10)) } ?? "unknown") plus uncommitted changes)")
        }
        if !hostsMatch {
            let n = rows.filter { $0.statusText == "not compared (different host, no ratio)" }.count
            w.append("different hosts (\(base.host.short) vs \(new.host.short)): only host-normalized ratios are compared"
                     + (n > 0 ? "; \(n) benchmark\(n == 1 ? "" : "s") without a ratio not compared" : ""))
        }
        let keys = Set(base.implementation.keys).union(new.implementation.keys).sorted()
        let diffs = keys.compactMap { k -> String? in
            let a = base.implementation[k], b = new.implementation[k]
            return a != b ? "\(k) \(a ?? "-") → \(b ?? "-")" : nil
        }
        if !diffs.isEmpty { w.append("implementation differs: " + diffs.joined(separator: ", ")) }
        return w
    }

    // MARK: formatting

    /// 0.05 → "5%", 0.025 → "2.5%".
    public static func percentText(_ fraction: Double) -> String {
        String(format: "%g%%", fraction * 100)
    }

    static func changeText(_ c: Double) -> String {
        let p = c * 100
        return abs(p) < 0.05 ? "0.0%" : String(format: "%+.1f%%", p)
    }

    static func valueText(_ v: Double) -> String {
        String(format: "%.5g", v)
    }

    /// Six significant digits, for JSON.
    static func rounded(_ x: Double) -> Double {
        guard x.isFinite, x != 0, abs(x) > 1e-290, abs(x) < 1e290 else { return x }
        let digits = 5 - Int(floor(log10(abs(x))))
        let p = pow(10.0, Double(digits))
        return (x * p).rounded() / p
    }
}
