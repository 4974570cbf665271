import Foundation

// `spbench report`: one self-contained HTML file (inline CSS and SVG, no scripts, no
// external references) from spbench result files: spbench-bench/1, spbench-deadlines/1
// and spbench-run/1. Loading and the page are here; the SVG charts in ReportCharts.swift.

public enum ReportError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case unreadable(String, String)
    case invalidJSON(String, String)
    case notAnObject(String)
    case unknownSchema(String, String?)
    case noInput([String])
    case unknownBenchmark(String, [String])
    case cannotWrite(String, String)

    public var description: String {
        let schemas = ReportInput.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        switch self {
        case .notFound(let p): return "\(p): no such file or directory"
        case .unreadable(let p, let why): return "\(p): cannot read it: \(why)"
        case .invalidJSON(let p, let why):
            return "\(p): not valid JSON (\(why)); the file may be truncated: re-run the command that wrote it, or leave it out"
        case .notAnObject(let p): return "\(p): the top level is not a JSON object, so it is no spbench result (\(schemas))"
        case .unknownSchema(let p, let s):
            return "\(p): " + (s.map { "schema '\($0)' is not one spbench report reads" } ?? "no \"schema\" key, so it is no spbench result")
                + " (\(schemas): files written by spbench bench, spbench deadlines and the main job)"
        case .noInput(let paths):
            if paths.isEmpty { return "no input: pass result files or directories, e.g. spbench report results/ --out report.html" }
            return "no spbench result files (\(schemas)) in \(paths.joined(separator: ", "))"
        case .unknownBenchmark(let b, let similar):
            return "--bench \(b): no input file has this benchmark"
                + (similar.isEmpty ? "" : "; similar names: \(similar.joined(separator: ", "))")
        case .cannotWrite(let p, let why): return "cannot write \(p): \(why)"
        }
    }
}

/// One parsed result file whose schema the report understands.
public struct ReportInput: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case bench = "spbench-bench/1"
        case deadlines = "spbench-deadlines/1"
        case run = "spbench-run/1"
    }

    public let path: String
    public let kind: Kind
    public let json: JSONValue

    /// Checks the schema of an already parsed document.
    public init(path: String, json: JSONValue) throws {
        guard json.objectValue != nil else { throw ReportError.notAnObject(path) }
        let schema = json["schema"]?.stringValue
        guard let schema, let kind = Kind(rawValue: schema) else { throw ReportError.unknownSchema(path, schema) }
        self.path = path
        self.kind = kind
        self.json = json
    }

    public init(path: String, data: Data) throws {
        let value: JSONValue
        do {
            guard !data.isEmpty else { throw ReportError.invalidJSON(path, "empty file") }
            value = try JSONValue.parse(data)
        } catch let e as ReportError {
            throw e
        } catch {
            let ns = error as NSError
            let why = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
            throw ReportError.invalidJSON(path, why.split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        try self.init(path: path, json: value)
    }

    public static func load(_ path: String) throws -> ReportInput {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ReportError.unreadable(path, (error as NSError).localizedDescription)
        }
        return try ReportInput(path: path, data: data)
    }
}

/// What `ReportTool.run` wrote.
public struct ReportSummary: Sendable {
    public struct Skipped: Sendable, Equatable {
        public var path: String
        public var reason: String
    }

    public var out: String
    /// The input files used, in the order read.
    public var files: [String]
    /// Files in the given directories that were left out, with the reason.
    public var skipped: [Skipped]
    /// Charts drawn, by kind.
    public var charts: [ReportChartKind: Int]
    /// The benchmarks that got a history chart.
    public var history: [String]

    public var chartCount: Int { charts.values.reduce(0, +) }
    public var text: String {
        "wrote \(out) (\(chartCount) chart\(chartCount == 1 ? "" : "s") from \(files.count) file\(files.count == 1 ? "" : "s"))"
    }
}

public enum ReportTool {
    /// History charts by default: those of these present in at least two input files.
    public static let defaultHistory = [
        "sha256.one-stream.16KiB", "sha256.compress.x4", "fr.mul", "poseidon.arity8", "sdr.labels.1-sector",
        "post.window.vanilla.cold", "msm.g1.2^16.1-thread", "ntt.fft.2^16", "groth16.prove.2^12",
    ]

    /// Reads `paths` (files, or directories whose *.json are read, not recursively), writes
    /// the report to `out` atomically, and says what it drew. Files in a directory that are
    /// not spbench results are skipped with a line to `log`; a named file that is not one
    /// is an error.
    public static func run(paths: [String], out: String, benches: [String], log: (String) -> Void) throws -> ReportSummary {
        guard !paths.isEmpty else { throw ReportError.noInput([]) }
        let (inputs, skipped) = try collect(paths: paths, log: log)
        guard !inputs.isEmpty else { throw ReportError.noInput(paths) }
        let doc = ReportDocument(inputs)
        let wanted = unique(benches)
        let known = Set(doc.benchSets.flatMap { $0.entries.map(\.name) })
        for b in wanted where !known.contains(b) { throw ReportError.unknownBenchmark(b, similar(b, in: known)) }
        var page = ReportPage(doc: doc, benches: wanted, skipped: skipped, generated: Date())
        let html = page.render()
        try writeAtomically(html, to: out)
        return ReportSummary(out: out, files: inputs.map(\.path), skipped: skipped, charts: page.counts, history: page.historyDrawn)
    }

    /// The report page for already loaded inputs (benchmark names not in them get a note).
    public static func html(from inputs: [ReportInput], benches: [String]) -> String {
        var page = ReportPage(doc: ReportDocument(inputs), benches: unique(benches), skipped: [], generated: Date())
        return page.render()
    }

    static func collect(paths: [String], log: (String) -> Void) throws -> ([ReportInput], [ReportSummary.Skipped]) {
        var inputs: [ReportInput] = []
        var skipped: [ReportSummary.Skipped] = []
        var seen = Set<String>()
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw ReportError.notFound(path) }
            if isDir.boolValue {
                let names: [String]
                do { names = try fm.contentsOfDirectory(atPath: path) } catch {
                    throw ReportError.unreadable(path, (error as NSError).localizedDescription)
                }
                for name in names.sorted() where name.lowercased().hasSuffix(".json") {
                    let file = (path as NSString).appendingPathComponent(name)
                    var sub: ObjCBool = false
                    guard fm.fileExists(atPath: file, isDirectory: &sub), !sub.boolValue else { continue }
                    guard seen.insert((file as NSString).standardizingPath).inserted else { continue }
                    do { inputs.append(try ReportInput.load(file)) } catch {
                        let reason = "\(error)"
                        log("skipping \(reason)")
                        skipped.append(.init(path: file, reason: reason))
                    }
                }
            } else {
                guard seen.insert((path as NSString).standardizingPath).inserted else { continue }
                inputs.append(try ReportInput.load(path))
            }
        }
        return (inputs, skipped)
    }

    static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw ReportError.cannotWrite(path, (error as NSError).localizedDescription)
        }
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
        do { try Data(text.utf8).write(to: tmp) } catch {
            throw ReportError.cannotWrite(path, (error as NSError).localizedDescription)
        }
        if rename(tmp.path, url.path) != 0 {
            let why = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw ReportError.cannotWrite(path, why)
        }
    }

    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    static func similar(_ name: String, in known: Set<String>) -> [String] {
        let n = name.lowercased()
        let head = n.split(separator: ".").first.map(String.init) ?? n
        let hits = known.filter { k in
            let l = k.lowercased()
            return l.contains(n) || n.contains(l) || l.hasPrefix(head + ".")
        }
        return Array(hits.sorted().prefix(6))
    }
}

// MARK: - Reading the documents

extension JSONValue {
    /// A finite number (or a numeric string); nil otherwise.
    var reportDouble: Double? {
        switch self {
        case .number(let d): return d.isFinite ? d : nil
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    var reportBool: Bool? {
        switch self {
        case .bool(let b): return b
        case .number(let d): return d != 0
        case .string(let s): return ["true", "yes", "1"].contains(s.lowercased()) ? true : ["false", "no", "0"].contains(s.lowercased()) ? false : nil
        default: return nil
        }
    }

    /// A string, or a number or bool as text.
    var reportText: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return ReportFormat.num(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}

struct ReportHost: Sendable {
    var cpu: String
    var cores: Double?
    var memoryBytes: Double?
    var os: String
    var kernel: String
    var swift: String
    var flags: [String]

    init?(_ j: JSONValue?) {
        guard let j, j.objectValue != nil else { return nil }
        cpu = j["cpu_model"]?.reportText ?? "unknown"
        cores = j["cores"]?.reportDouble
        memoryBytes = j["memory_bytes"]?.reportDouble
        os = j["os"]?.reportText ?? "unknown"
        kernel = j["kernel"]?.reportText ?? "unknown"
        swift = j["swift"]?.reportText ?? "unknown"
        flags = j["cpu_flags"]?.arrayValue?.compactMap(\.reportText) ?? []
    }

    /// Same machine: memory compared to 0.1 GiB (MemTotal moves by a few pages between boots).
    var key: String {
        [cpu, cores.map(ReportFormat.num) ?? "?", memoryBytes.map { String(format: "%.1f", $0 / Double(1 << 30)) } ?? "?",
         os, kernel, swift].joined(separator: "|")
    }
}

struct ReportGit: Sendable {
    var commit: String?
    var dirty: Bool?

    init(_ j: JSONValue?) {
        commit = j?["commit"]?.stringValue
        dirty = j?["dirty"]?.reportBool
    }

    var short: String {
        guard let c = commit, !c.isEmpty else { return "?" }
        return String(c.prefix(7)) + (dirty == true ? "+dirty" : "")
    }
}

struct ReportRatio: Sendable {
    var value: Double?
    var against: String
    var goal: Double?
    var atLeast: Bool
    var meetsGoal: Bool?

    init?(_ j: JSONValue?) {
        guard let j, j.objectValue != nil else { return nil }
        value = j["value"]?.reportDouble
        against = j["against"]?.reportText ?? "?"
        goal = j["goal"]?.reportDouble
        atLeast = j["goal_kind"]?.stringValue != "at_most"
        meetsGoal = j["meets_goal"]?.reportBool ?? goal.flatMap { g in value.map { atLeast ? $0 >= g : $0 <= g } }
    }
}

struct ReportBenchEntry: Sendable {
    var name: String
    var group: String
    var unit: String
    var higherIsBetter: Bool?
    var median: Double?
    var min: Double?
    var max: Double?
    var ratio: ReportRatio?
    var note: String?

    init?(_ j: JSONValue) {
        guard let name = j["name"]?.reportText, !name.isEmpty else { return nil }
        self.name = name
        group = j["group"]?.reportText ?? (name.split(separator: ".").first.map(String.init) ?? "")
        unit = j["unit"]?.reportText ?? ""
        higherIsBetter = j["higher_is_better"]?.reportBool
        median = j["median"]?.reportDouble
        min = j["min"]?.reportDouble
        max = j["max"]?.reportDouble
        ratio = ReportRatio(j["ratio"])
        note = j["note"]?.reportText
    }
}

/// Parsing and showing dates of the result files (UTC).
enum ReportDates {
    static func parse(_ s: String?) -> Date? {
        guard let s, !s.isEmpty else { return nil }
        let f = ISO8601DateFormatter()
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }

    static func format(_ d: Date?, _ pattern: String) -> String {
        guard let d else { return "undated" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = pattern
        return f.string(from: d)
    }
}

/// A benchmark run: a bench file, or a run file's "bench".
struct ReportBenchSet: Sendable {
    var source: String
    var created: Date?
    var createdText: String
    var host: ReportHost?
    var git: ReportGit
    var quick: Bool?
    var build: String?
    var entries: [ReportBenchEntry]

    init(source: String, json j: JSONValue, parent: JSONValue? = nil) {
        self.source = source
        createdText = j["created"]?.stringValue ?? parent?["created"]?.stringValue ?? ""
        created = ReportDates.parse(createdText)
        host = ReportHost(j["host"]) ?? ReportHost(parent?["host"])
        git = ReportGit(j["git"] ?? parent?["git"])
        quick = j["quick"]?.reportBool
        build = j["build"]?.reportText ?? parent?["build"]?.reportText
        entries = j["benchmarks"]?.arrayValue?.compactMap(ReportBenchEntry.init) ?? []
    }

    func entry(_ name: String) -> ReportBenchEntry? { entries.first { $0.name == name } }

    var label: String {
        "\(ReportDates.format(created, "yyyy-MM-dd HH:mm")) \(git.short)" + (quick == true ? " quick" : "")
    }

    var signature: String {
        ([createdText, git.commit ?? ""] + entries.map { "\($0.name)=\($0.median ?? .nan)" }).joined(separator: ";")
    }
}

struct ReportProofVerdict: Sendable {
    struct Memory: Sendable {
        var neededBytes: Double?
        var hostBytes: Double?
        var fits: Bool?
        var shortByBytes: Double?
    }

    var proof: String
    var sectorSize: String?
    var verdict: String
    var timeS: Double?
    var bandLowS: Double?
    var bandHighS: Double?
    var error: Double?
    var measured: Bool?
    var deadlineS: Double?
    var hardLimitS: Double?
    var marginS: Double?
    var margin: Double?
    var partitions: Double?
    var memory: Memory?
    var components: [(name: String, seconds: Double)]
    var reason: String?
    var budgetWhy: String?

    static let componentOrder = ["vanilla_s", "witness_s", "ntt_s", "msm_g1_s", "msm_g2_s"]

    init(_ j: JSONValue) {
        proof = j["proof"]?.reportText ?? "?"
        sectorSize = j["sector_size"]?.reportText
        verdict = (j["verdict"]?.reportText ?? "?").uppercased()
        timeS = j["time_s"]?.reportDouble
        bandLowS = j["band_low_s"]?.reportDouble
        bandHighS = j["band_high_s"]?.reportDouble
        error = j["error"]?.reportDouble
        measured = j["measured"]?.reportBool
        deadlineS = j["deadline_s"]?.reportDouble
        hardLimitS = j["hard_limit_s"]?.reportDouble
        marginS = j["margin_s"]?.reportDouble
        margin = j["margin"]?.reportDouble
        partitions = j["partitions_per_deadline"]?.reportDouble
        if let m = j["memory"], m.objectValue != nil {
            memory = Memory(neededBytes: m["needed_bytes"]?.reportDouble, hostBytes: m["host_bytes"]?.reportDouble,
                            fits: m["fits"]?.reportBool, shortByBytes: m["short_by_bytes"]?.reportDouble)
        }
        let comps = j["components"]?.objectValue ?? [:]
        let keys = Self.componentOrder.filter { comps[$0] != nil } + comps.keys.filter { !Self.componentOrder.contains($0) }.sorted()
        components = keys.compactMap { k in
            comps[k]?.reportDouble.map { (name: k.hasSuffix("_s") ? String(k.dropLast(2)) : k, seconds: $0) }
        }
        reason = j["reason"]?.reportText
        budgetWhy = j["budget_why"]?.reportText
    }

    /// "WindowPoSt 32GiB": the verdict's own sector size, else that of its deadlines object.
    func title(sectorSize: String?) -> String { proof + ((self.sectorSize ?? sectorSize).map { " " + $0 } ?? "") }

    /// "2h31m ± 18% vs 30 min budget (hard limit 1 h), predicted"
    var summary: String {
        var s = timeS.map(ReportFormat.duration) ?? "no time"
        if let e = error ?? relativeBand { s += " ± " + ReportFormat.pct(abs(e)) }
        if let d = deadlineS { s += " vs \(ReportFormat.duration(d)) budget" }
        if let h = hardLimitS { s += " (hard limit \(ReportFormat.duration(h)))" }
        if let m = measured { s += m ? ", measured" : ", predicted" }
        return s
    }

    var relativeBand: Double? {
        guard let lo = bandLowS, let hi = bandHighS, let t = timeS, t > 0 else { return nil }
        return (hi - lo) / 2 / t
    }
}

struct ReportModelFit: Sendable {
    struct Point: Sendable {
        var logN: Double?
        var constraints: Double?
        var measuredS: Double?
        var predictedS: Double?

        init(_ j: JSONValue) {
            logN = j["log_n"]?.reportDouble
            constraints = j["constraints"]?.reportDouble
            measuredS = j["measured_s"]?.reportDouble
            predictedS = j["predicted_s"]?.reportDouble
        }
    }

    struct Target: Sendable {
        var name: String
        var logN: Double?
        var predictedS: Double?
        var bandLowS: Double?
        var bandHighS: Double?
    }

    var calibration: [Point]
    var validation: Point?
    var validationError: Double?
    var curve: [(logN: Double, predictedS: Double)]
    var targets: [Target]

    init?(_ j: JSONValue?) {
        guard let j, j.objectValue != nil else { return nil }
        calibration = j["calibration"]?.arrayValue?.filter { $0.objectValue != nil }.map(Point.init) ?? []
        if let v = j["validation"], v.objectValue != nil {
            validation = Point(v)
            validationError = v["error"]?.reportDouble
        }
        curve = j["curve"]?.arrayValue?.compactMap { p in
            guard let n = p["log_n"]?.reportDouble, let s = p["predicted_s"]?.reportDouble else { return nil }
            return (logN: n, predictedS: s)
        } ?? []
        targets = j["targets"]?.arrayValue?.filter { $0.objectValue != nil }.map { t in
            Target(name: t["name"]?.reportText ?? "target", logN: t["log_n"]?.reportDouble, predictedS: t["predicted_s"]?.reportDouble,
                   bandLowS: t["band_low_s"]?.reportDouble, bandHighS: t["band_high_s"]?.reportDouble)
        } ?? []
        if calibration.isEmpty, validation == nil, curve.isEmpty, targets.isEmpty { return nil }
    }
}

/// A deadlines object: a deadlines file, or one of a run file's "deadlines".
struct ReportDeadlines: Sendable {
    var source: String
    var created: Date?
    var host: ReportHost?
    var git: ReportGit
    var sectorSize: String?
    var verdicts: [ReportProofVerdict]
    var model: ReportModelFit?
    var notes: [String]

    init(source: String, json j: JSONValue, parent: JSONValue? = nil) {
        self.source = source
        created = ReportDates.parse(j["created"]?.stringValue ?? parent?["created"]?.stringValue)
        host = ReportHost(j["host"]) ?? ReportHost(parent?["host"])
        git = ReportGit(j["git"] ?? parent?["git"])
        sectorSize = j["sector_size"]?.reportText
        verdicts = j["verdicts"]?.arrayValue?.filter { $0.objectValue != nil }.map(ReportProofVerdict.init) ?? []
        model = ReportModelFit(j["model"])
        notes = j["notes"]?.arrayValue?.compactMap(\.reportText) ?? []
    }

    var heading: String {
        var s = sectorSize.map { "\($0) sectors" } ?? "Deadlines"
        s += " · \(ReportDates.format(created, "yyyy-MM-dd HH:mm")) UTC · \(git.short)"
        return s
    }
}

/// A run file's own parts (its bench and deadlines become sets of their own).
struct ReportRun: Sendable {
    var source: String
    var created: Date?
    var verify: [String: Double]
    var size: JSONValue?
}

/// All inputs, parsed once.
struct ReportDocument: Sendable {
    var inputs: [ReportInput]
    var benchSets: [ReportBenchSet] = []      // oldest first
    var deadlineSets: [ReportDeadlines] = []  // newest first
    var runs: [ReportRun] = []

    init(_ inputs: [ReportInput]) {
        self.inputs = inputs
        var seen = Set<String>()
        func addBench(_ b: ReportBenchSet) {
            if seen.insert(b.signature).inserted { benchSets.append(b) }
        }
        for i in inputs {
            switch i.kind {
            case .bench: addBench(ReportBenchSet(source: i.path, json: i.json))
            case .deadlines: deadlineSets.append(ReportDeadlines(source: i.path, json: i.json))
            case .run:
                if let b = i.json["bench"], b.objectValue != nil { addBench(ReportBenchSet(source: i.path, json: b, parent: i.json)) }
                for d in i.json["deadlines"]?.arrayValue ?? [] where d.objectValue != nil {
                    deadlineSets.append(ReportDeadlines(source: i.path, json: d, parent: i.json))
                }
                var verify: [String: Double] = [:]
                for (k, v) in i.json["verify"]?.objectValue ?? [:] { if let d = v.reportDouble { verify[k] = d } }
                let size = i.json["size"].flatMap { $0.objectValue != nil ? $0 : nil }
                runs.append(ReportRun(source: i.path, created: ReportDates.parse(i.json["created"]?.stringValue), verify: verify, size: size))
            }
        }
        benchSets = benchSets.enumerated().sorted { a, b in
            let da = a.element.created ?? .distantPast, db = b.element.created ?? .distantPast
            return da != db ? da < db : a.offset < b.offset
        }.map(\.element)
        deadlineSets = deadlineSets.enumerated().sorted { a, b in
            let da = a.element.created ?? .distantPast, db = b.element.created ?? .distantPast
            return da != db ? da > db : a.offset < b.offset
        }.map(\.element)
    }

    /// Distinct hosts, with the commits measured on each.
    var hosts: [(host: ReportHost, commits: [String], files: Set<String>)] {
        var out: [(host: ReportHost, commits: [String], files: Set<String>)] = []
        func add(_ h: ReportHost?, _ g: ReportGit, _ file: String) {
            guard let h else { return }
            if let i = out.firstIndex(where: { $0.host.key == h.key }) {
                if !out[i].commits.contains(g.short) { out[i].commits.append(g.short) }
                out[i].files.insert(file)
            } else {
                out.append((h, [g.short], [file]))
            }
        }
        for b in benchSets { add(b.host, b.git, b.source) }
        for d in deadlineSets { add(d.host, d.git, d.source) }
        for i in inputs where i.kind == .run { add(ReportHost(i.json["host"]), ReportGit(i.json["git"]), i.path) }
        return out
    }
}

// MARK: - The page

struct ReportPage {
    let doc: ReportDocument
    let benches: [String]
    let skipped: [ReportSummary.Skipped]
    let generated: Date
    private(set) var counts: [ReportChartKind: Int] = [:]
    private(set) var historyDrawn: [String] = []
    private var html: [String] = []

    init(doc: ReportDocument, benches: [String], skipped: [ReportSummary.Skipped], generated: Date) {
        self.doc = doc
        self.benches = benches
        self.skipped = skipped
        self.generated = generated
    }

    private static func e(_ s: String) -> String { ReportFormat.esc(s) }

    private mutating func put(_ s: String) { html.append(s) }

    private mutating func chart(_ svg: String?, _ kind: ReportChartKind) {
        guard let svg else { return }
        counts[kind, default: 0] += 1
        put("<figure>" + svg + "</figure>")
    }

    private mutating func note(_ s: String) { put("<p class=\"note\">\(Self.e(s))</p>") }

    private mutating func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = [], raw: Bool = false) {
        var s = "<table><thead><tr>" + header.map { "<th>\(Self.e($0))</th>" }.joined() + "</tr></thead><tbody>"
        for r in rows {
            s += "<tr>" + r.enumerated().map { i, c in
                "<td\(numeric.contains(i) ? " class=\"num\"" : "")>\(raw ? c : Self.e(c))</td>"
            }.joined() + "</tr>"
        }
        put(s + "</tbody></table>")
    }

    static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#fff;margin:0;line-height:1.45}
        main{max-width:860px;margin:0 auto;padding:24px 20px 64px}
        h1{font-size:26px;margin:0 0 4px}
        h2{font-size:20px;border-bottom:1px solid #d0d7de;padding-bottom:4px;margin:36px 0 8px}
        h3{font-size:16px;margin:22px 0 6px}
        h4{font-size:14px;margin:14px 0 4px;color:#444}
        table{border-collapse:collapse;font-size:13px;margin:6px 0 14px;width:100%}
        th,td{border-bottom:1px solid #e5e7eb;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f6f8fa;font-weight:600}
        td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        tr.group td{background:#f6f8fa;font-weight:600;color:#444}
        .meta,.note{color:#57606a;font-size:13px}
        .sub{display:block;color:#57606a;font-size:12px}
        figure{margin:8px 0 14px}
        svg.chart{display:block;max-width:100%;height:auto}
        .pass,.met{color:#2e7d32;font-weight:600}.marginal{color:#a86800;font-weight:600}.fail,.short{color:#c62828;font-weight:600}
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
        nav{font-size:13px;margin:8px 0 0}nav a{margin-right:12px;color:#0b57d0;text-decoration:none}
        """

    mutating func render() -> String {
        html = []
        counts = [:]
        historyDrawn = []
        put("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        put("<title>spbench report</title>\n<style>\n\(Self.css)\n</style>\n</head>\n<body>\n<main>")
        header()
        verify()
        deadlines()
        modelFit()
        sdrLabels()
        history()
        benchmarkTable()
        sizing()
        put("</main>\n</body>\n</html>\n")
        return html.joined(separator: "\n")
    }

    // MARK: Header

    private mutating func header() {
        put("<h1>spbench report</h1>")
        let n = doc.inputs.count
        put("<p class=\"meta\">Generated \(Self.e(ReportDates.format(generated, "yyyy-MM-dd HH:mm:ss"))) UTC from \(n) result file\(n == 1 ? "" : "s").</p>")
        var links = [("inputs", "Inputs"), ("hosts", "Hosts")]
        if !doc.runs.isEmpty { links.append(("verify", "Verify")) }
        links += [("deadlines", "Deadline verdicts"), ("model-fit", "Model fit"), ("sdr-labels", "SDR labels"),
                  ("history", "History"), ("benchmarks", "Benchmarks")]
        if doc.runs.contains(where: { $0.size != nil }) { links.append(("sizing", "Sizing")) }
        put("<nav>" + links.map { "<a href=\"#\($0.0)\">\(Self.e($0.1))</a>" }.joined() + "</nav>")

        put("<section id=\"inputs\"><h2>Inputs</h2>")
        var rows: [[String]] = []
        for i in doc.inputs {
            let j = i.json
            var what: String
            switch i.kind {
            case .bench: what = "\(j["benchmarks"]?.arrayValue?.count ?? 0) benchmarks"
            case .deadlines: what = "\(j["verdicts"]?.arrayValue?.count ?? 0) verdicts" + (j["model"]?.objectValue != nil ? ", model" : "")
            case .run:
                var parts: [String] = []
                if j["verify"]?.objectValue != nil { parts.append("verify") }
                if j["bench"]?.objectValue != nil { parts.append("bench") }
                if let d = j["deadlines"]?.arrayValue, !d.isEmpty { parts.append("\(d.count) deadlines") }
                if j["size"]?.objectValue != nil { parts.append("size") }
                what = parts.joined(separator: ", ")
            }
            if j["quick"]?.reportBool == true { what += " (quick)" }
            let created = ReportDates.format(ReportDates.parse(j["created"]?.stringValue), "yyyy-MM-dd HH:mm")
            rows.append([i.path, i.kind.rawValue, created, ReportGit(j["git"]).short, what])
        }
        table(["File", "Schema", "Created (UTC)", "Commit", "Contents"], rows)
        if !skipped.isEmpty {
            put("<p class=\"note\">Skipped:</p><ul class=\"note\">" + skipped.map { "<li>\(Self.e($0.reason))</li>" }.joined() + "</ul>")
        }
        put("</section>")

        put("<section id=\"hosts\"><h2>Hosts</h2>")
        let hosts = doc.hosts
        if hosts.isEmpty { note("No host information in the inputs.") }
        for (i, h) in hosts.enumerated() {
            if hosts.count > 1 { put("<h3>Host \(i + 1)</h3>") }
            var rows: [[String]] = [
                ["CPU", h.host.cpu],
                ["Cores", h.host.cores.map(ReportFormat.num) ?? "–"],
                ["Memory", h.host.memoryBytes.map { String(format: "%.1f GiB", $0 / Double(1 << 30)) } ?? "–"],
                ["OS", h.host.os], ["Kernel", h.host.kernel], ["Swift", h.host.swift],
            ]
            if !h.host.flags.isEmpty { rows.append(["CPU flags", h.host.flags.joined(separator: " ")]) }
            rows.append(["Commits", h.commits.joined(separator: ", ")])
            rows.append(["Files", "\(h.files.count)"])
            table(["Host", "Value"], rows)
        }
        put("</section>")
    }

    // MARK: Verify

    private mutating func verify() {
        guard !doc.runs.isEmpty else { return }
        put("<section id=\"verify\"><h2>Verify</h2>")
        for r in doc.runs {
            guard !r.verify.isEmpty else {
                note("\(r.source): no verify results.")
                continue
            }
            func v(_ k: String) -> String { r.verify[k].map(ReportFormat.num) ?? "–" }
            let failed = (r.verify["failed"] ?? 0) > 0 || (r.verify["exit_code"] ?? 0) != 0
            let status = failed ? "<span class=\"fail\">FAILED</span>" : "<span class=\"pass\">all passed</span>"
            put("<p>\(Self.e(r.source)): \(status)</p>")
            table(["Files", "Cases", "Passed", "Failed", "Skipped", "Exit code"],
                  [[v("files"), v("cases"), v("passed"), v("failed"), v("skipped"), v("exit_code")]], numeric: [0, 1, 2, 3, 4, 5])
        }
        put("</section>")
    }

    // MARK: Deadlines

    private mutating func deadlines() {
        put("<section id=\"deadlines\"><h2>Deadline verdicts</h2>")
        if doc.deadlineSets.isEmpty { note("No deadline results (spbench-deadlines/1) in the inputs.") }
        for d in doc.deadlineSets {
            put("<h3>\(Self.e(d.heading))</h3>")
            put("<p class=\"meta\">\(Self.e(d.source))</p>")
            if d.verdicts.isEmpty {
                note("No verdicts.")
            } else {
                chart(ReportCharts.deadlineVerdicts(d.verdicts, sectorSize: d.sectorSize), .deadlines)
                var rows: [[String]] = []
                for v in d.verdicts {
                    let cls = ["PASS": "pass", "MARGINAL": "marginal", "FAIL": "fail"][v.verdict] ?? ""
                    var band = "–"
                    if v.bandLowS != nil || v.bandHighS != nil {
                        band = "\(ReportFormat.duration(v.bandLowS)) … \(ReportFormat.duration(v.bandHighS))"
                    }
                    var margin = ReportFormat.duration(v.marginS)
                    if let m = v.margin { margin += " (\(ReportFormat.pct(m, signed: true)))" }
                    var proof = Self.e(v.proof)
                    if let p = v.partitions { proof += "<span class=\"sub\">\(Self.e(ReportFormat.num(p))) partition\(p == 1 ? "" : "s") per deadline</span>" }
                    rows.append([proof, "<span class=\"\(cls)\">\(Self.e(v.verdict))</span>", Self.e(ReportFormat.duration(v.timeS)),
                                 Self.e(band), Self.e(ReportFormat.duration(v.deadlineS)), Self.e(ReportFormat.duration(v.hardLimitS)),
                                 Self.e(margin), Self.e(v.measured.map { $0 ? "measured" : "predicted" } ?? "–"),
                                 Self.e(v.reason ?? "") + (v.budgetWhy.map { "<span class=\"sub\">budget: \(Self.e($0))</span>" } ?? "")])
                }
                table(["Proof", "Verdict", "Time", "Band", "Deadline", "Hard limit", "Margin", "Basis", "Reason"], rows,
                      numeric: [2, 4, 5, 6], raw: true)
                if let svg = ReportCharts.memory(d.verdicts) {
                    put("<h4>Memory needed vs host RAM</h4>")
                    chart(svg, .memory)
                }
                if let svg = ReportCharts.components(d.verdicts) {
                    put("<h4>Proving time by component</h4>")
                    chart(svg, .components)
                }
            }
            if !d.notes.isEmpty { put("<ul class=\"note\">" + d.notes.map { "<li>\(Self.e($0))</li>" }.joined() + "</ul>") }
        }
        put("</section>")
    }

    private mutating func modelFit() {
        put("<section id=\"model-fit\"><h2>Model fit</h2>")
        let withModel = doc.deadlineSets.filter { $0.model != nil }
        if withModel.isEmpty { note("No cost model in the inputs (the \"model\" of spbench-deadlines/1).") }
        for d in withModel {
            guard let m = d.model else { continue }
            put("<h3>\(Self.e(d.heading))</h3>")
            if let svg = ReportCharts.modelFit(m, verdicts: d.verdicts) {
                chart(svg, .model)
            } else {
                note("The model has no plottable points (log_n with positive seconds).")
            }
            if let v = m.validation {
                let err = m.validationError ?? {
                    guard let ms = v.measuredS, let pr = v.predictedS, ms > 0 else { return nil }
                    return pr / ms - 1
                }()
                note("Validation at 2^\(v.logN.map { ReportFormat.num($0) } ?? "?")"
                     + (v.constraints.map { " (\(ReportFormat.num($0)) constraints)" } ?? "")
                     + ": measured \(ReportFormat.duration(v.measuredS)), predicted \(ReportFormat.duration(v.predictedS)), error \(ReportFormat.pct(err, signed: true)).")
            }
        }
        put("</section>")
    }

    // MARK: SDR labels

    private mutating func sdrLabels() {
        put("<section id=\"sdr-labels\"><h2>SDR labels vs the SHA-256 limit</h2>")
        let names = ["sdr.labels.1-sector", "sdr.labels.2-sectors", "sdr.labels.4-sectors", "sdr.labels.portable"]
        let limits = ["sdr.labels.1-sector": "sha256.compress.x1", "sdr.labels.2-sectors": "sha256.compress.x2",
                      "sdr.labels.4-sectors": "sha256.compress.x4", "sdr.labels.portable": "sha256.compress.x1"]
        guard let set = doc.benchSets.last(where: { s in names.contains { s.entry($0)?.median != nil } }) else {
            note("No sdr.labels.* benchmarks in the inputs (spbench bench sdr).")
            put("</section>")
            return
        }
        var rows: [ReportCharts.SDRRow] = []
        var elsewhere: [String: [String]] = [:]  // "file (run)" -> limit benchmarks taken from it
        for n in names {
            guard let e = set.entry(n) else { continue }
            let limitName = limits[n] ?? "sha256.compress.x1"
            // The limit from the same run if it has it, else from the newest run that does.
            let limitSet = set.entry(limitName)?.median != nil ? set : doc.benchSets.last { $0.entry(limitName)?.median != nil }
            let limit = limitSet?.entry(limitName)?.median.map { $0 / 20 }
            if let l = limitSet, l.source != set.source || l.createdText != set.createdText {
                let key = "\(l.source) (\(l.label))"
                if !(elsewhere[key] ?? []).contains(limitName) { elsewhere[key, default: []].append(limitName) }
            }
            rows.append(.init(name: n, median: e.median, min: e.min, max: e.max, limit: limit, limitSource: limitName))
        }
        let unit = set.entries.first { names.contains($0.name) }?.unit ?? "M labels/s"
        put("<p class=\"meta\">\(Self.e(set.source)) (\(Self.e(set.label))). A label costs 20 SHA-256 compressions, so its limit is the compression rate of as many lanes ÷ 20.</p>")
        chart(ReportCharts.sdrLabels(rows, unit: unit), .sdr)
        for (source, names) in elsewhere.sorted(by: { $0.key < $1.key }) {
            note("This run has no \(names.joined(separator: ", ")): the limit uses those of \(source).")
        }
        put("</section>")
    }

    // MARK: History

    private func historySelection() -> [String] {
        if !benches.isEmpty { return benches }
        var count: [String: Int] = [:]
        var order: [String] = []
        for s in doc.benchSets {
            for e in s.entries where e.median != nil {
                if count[e.name] == nil { order.append(e.name) }
                count[e.name, default: 0] += 1
            }
        }
        let defaults = ReportTool.defaultHistory.filter { (count[$0] ?? 0) >= 2 }
        if !defaults.isEmpty { return defaults }
        let most = order.filter { (count[$0] ?? 0) >= 2 }.enumerated()
            .sorted { (count[$0.element] ?? 0, -$0.offset) > (count[$1.element] ?? 0, -$1.offset) }
            .map(\.element)
        return Array(most.prefix(8))
    }

    private mutating func history() {
        put("<section id=\"history\"><h2>History</h2>")
        let names = historySelection()
        if names.isEmpty { note("No benchmark is in two or more input files; pass --bench NAME to chart one anyway.") }
        for name in names {
            let sets = doc.benchSets.filter { $0.entry(name)?.median != nil }
            guard let newest = sets.last?.entry(name) else {
                put("<h3><code>\(Self.e(name))</code></h3>")
                note("Not in any input file.")
                continue
            }
            // One unit per chart: that of the newest run.
            let same = sets.filter { $0.entry(name)?.unit == newest.unit }
            let points = same.compactMap { s -> ReportCharts.HistoryPoint? in
                guard let e = s.entry(name) else { return nil }
                return .init(date: ReportDates.format(s.created, "MM-dd HH:mm"), commit: s.git.short,
                             detail: "\(s.source) \(s.label)", median: e.median, min: e.min, max: e.max,
                             ratio: e.ratio?.value, meetsGoal: e.ratio?.meetsGoal)
            }
            put("<h3><code>\(Self.e(name))</code> <span class=\"meta\">\(Self.e(newest.unit)) · \(points.count) run\(points.count == 1 ? "" : "s")</span></h3>")
            let svg = ReportCharts.history(name: name, unit: newest.unit, higherIsBetter: newest.higherIsBetter, points: points)
            chart(svg, .history)
            if svg != nil { historyDrawn.append(name) }
            if let r = newest.ratio {
                chart(ReportCharts.ratio(name: name, against: r.against, goal: r.goal, points: points), .ratio)
            }
            if same.count < sets.count { note("\(sets.count - same.count) run(s) in another unit left out.") }
        }
        put("</section>")
    }

    // MARK: Benchmarks table

    private mutating func benchmarkTable() {
        put("<section id=\"benchmarks\"><h2>Benchmarks</h2>")
        // The newest result of every benchmark: runs of one group at a time leave the
        // others in older files.
        var newest: [(entry: ReportBenchEntry, set: ReportBenchSet)] = []
        var seen = Set<String>()
        var groupOrder: [String] = []
        for s in doc.benchSets.reversed() {
            for e in s.entries where seen.insert(e.name).inserted {
                newest.append((e, s))
                if !groupOrder.contains(e.group) { groupOrder.append(e.group) }
            }
        }
        if newest.isEmpty {
            note("No benchmark results in the inputs.")
            put("</section>")
            return
        }
        put("<p class=\"meta\">The newest result of each benchmark in the inputs; “From” is the run it comes from.</p>")
        var s = "<table><thead><tr><th>Benchmark</th><th>Median</th><th>Unit</th><th>Min … max</th><th>Ratio</th><th>Goal</th><th>From</th></tr></thead><tbody>"
        for g in groupOrder.sorted() {
            s += "<tr class=\"group\"><td colspan=\"7\">\(Self.e(g))</td></tr>"
            for (e, set) in newest where e.group == g {
                var name = "<code>\(Self.e(e.name))</code>"
                if let n = e.note { name += "<span class=\"sub\">\(Self.e(n))</span>" }
                var ratio = "", goal = ""
                if let r = e.ratio {
                    ratio = Self.e("\(ReportFormat.num(r.value))× \(r.against)")
                    if let g = r.goal {
                        let met = r.meetsGoal
                        goal = "\(r.atLeast ? "≥" : "≤") \(Self.e(ReportFormat.num(g))): "
                            + (met == true ? "<span class=\"met\">met</span>" : met == false ? "<span class=\"short\">short</span>" : "?")
                    }
                }
                s += "<tr><td>\(name)</td><td class=\"num\">\(Self.e(ReportFormat.num(e.median)))</td><td>\(Self.e(e.unit))</td>"
                s += "<td class=\"num\">\(Self.e(ReportFormat.num(e.min))) … \(Self.e(ReportFormat.num(e.max)))</td>"
                s += "<td>\(ratio)</td><td>\(goal)</td><td>\(Self.e(set.label))</td></tr>"
            }
        }
        put(s + "</tbody></table></section>")
    }

    // MARK: Sizing

    private mutating func sizing() {
        let runs = doc.runs.filter { $0.size != nil }
        guard !runs.isEmpty else { return }
        put("<section id=\"sizing\"><h2>Sizing</h2>")
        for r in runs {
            guard let size = r.size else { continue }
            put("<p class=\"meta\">\(Self.e(r.source))</p>")
            let rows = size["rows"]?.arrayValue?.filter { $0.objectValue != nil } ?? []
            if rows.isEmpty { note("No sizing rows.") } else {
                table(["Sector size", "Sectors per day", "Bound by", "PC1", "PC2", "C2"], rows.map { row in
                    [row["sector_size"]?.reportText ?? "–", ReportFormat.num(row["sectors_per_day"]?.reportDouble),
                     row["binding"]?.reportText ?? "–", ReportFormat.duration(row["pc1_s"]?.reportDouble),
                     ReportFormat.duration(row["pc2_s"]?.reportDouble), ReportFormat.duration(row["c2_s"]?.reportDouble)]
                }, numeric: [1, 3, 4, 5])
            }
            if let notes = size["notes"]?.arrayValue?.compactMap(\.reportText), !notes.isEmpty {
                put("<ul class=\"note\">" + notes.map { "<li>\(Self.e($0))</li>" }.joined() + "</ul>")
            }
        }
        put("</section>")
    }
}
