import Foundation
import Kernels

/// Verdicts of FORMAT.md.
public enum Verdict: String, Sendable, CaseIterable {
    case pass, fail, unsupported, error, skipped
}

public struct CaseResult: Sendable {
    public var name: String
    public var verdict: Verdict
    public var detail: String?
    /// The case itself is malformed (exit status 2), not merely rejected.
    public var malformed = false
}

public struct FileResult: Sendable {
    public var file: String
    public var family: String?
    public var cases: [CaseResult]
    /// The file could not be read or parsed, or is not in the fixture shape.
    public var fileError: String?
}

public struct VerifyOptions: Sendable {
    /// Cases whose generated data is larger than this are skipped (FORMAT.md budget).
    public var maxCaseBytes: UInt64
    public var threads: Int

    public static let defaultMaxCaseBytes: UInt64 = 4 << 30

    public init(maxCaseBytes: UInt64 = VerifyOptions.defaultMaxCaseBytes, threads: Int = Parallel.processorCount) {
        self.maxCaseBytes = maxCaseBytes
        self.threads = threads
    }
}

public struct VerifyReport: Sendable {
    public var files: [FileResult]

    public func count(_ v: Verdict) -> Int { files.reduce(0) { $0 + $1.cases.filter { $0.verdict == v }.count } }

    /// 0 when every case that ran passed, 1 on any fail/unsupported/rejected input,
    /// 2 when a file cannot be read or parsed or a case is malformed.
    public var exitCode: Int32 {
        if files.contains(where: { $0.fileError != nil || $0.cases.contains(where: \.malformed) }) { return 2 }
        if files.contains(where: { $0.cases.contains { [.fail, .unsupported, .error].contains($0.verdict) } }) { return 1 }
        return 0
    }

    public var json: [String: Any] {
        var summary: [String: Any] = [:]
        for v in Verdict.allCases { summary[v.rawValue] = count(v) }
        return [
            "files": files.map { f -> [String: Any] in
                var o: [String: Any] = ["file": f.file, "family": f.family ?? NSNull(),
                                        "cases": f.cases.map { c -> [String: Any] in
                                            var d: [String: Any] = ["name": c.name, "verdict": c.verdict.rawValue]
                                            if let det = c.detail { d["detail"] = det }
                                            return d
                                        }]
                if let e = f.fileError { o["error"] = e }
                return o
            },
            "summary": summary,
        ]
    }

    /// "32 files, 820 pass, 0 fail, …".
    public var summaryLine: String {
        "\(files.count) files, " + Verdict.allCases.map { "\(count($0)) \($0.rawValue)" }.joined(separator: ", ")
    }

    /// One line per file and a summary.
    public var text: String {
        var lines: [String] = []
        for f in files {
            let name = (f.file as NSString).lastPathComponent
            if let e = f.fileError {
                lines.append("ERROR  \(name): \(e)")
                continue
            }
            var counts: [String] = []
            for v in Verdict.allCases {
                let n = f.cases.filter { $0.verdict == v }.count
                if n > 0 { counts.append("\(n) \(v.rawValue)") }
            }
            let bad = f.cases.contains { [.fail, .error, .unsupported].contains($0.verdict) }
            let tag = bad ? "FAIL " : "ok   "
            lines.append("\(tag)  \(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \((f.family ?? "?").padding(toLength: 16, withPad: " ", startingAt: 0)) \(counts.joined(separator: ", "))")
            for c in f.cases where c.verdict != .pass {
                if c.verdict == .skipped, f.cases.filter({ $0.verdict == .skipped }).count > 3 { continue }
                lines.append("         \(c.verdict.rawValue): \(c.name)\(c.detail.map { ": \($0)" } ?? "")")
            }
            let skipped = f.cases.filter { $0.verdict == .skipped }
            if skipped.count > 3, let first = skipped.first {
                lines.append("         skipped \(skipped.count) cases over the budget (e.g. \(first.name): \(first.detail ?? ""))")
            }
        }
        lines.append("summary: \(summaryLine)")
        return lines.joined(separator: "\n")
    }
}

/// Runs fixture files (FORMAT.md shape), dispatching on `family`.
public enum Verifier {
    /// Families this harness implements.
    public static var families: [String] { Array(handlers.keys).sorted() }

    /// Expands directories to their *.json files (sorted); files are taken as they are.
    public static func fixtureFiles(_ paths: [String]) -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: p)) ?? []
                out += names.filter { $0.hasSuffix(".json") }.sorted().map { (p as NSString).appendingPathComponent($0) }
            } else {
                out.append(p)
            }
        }
        return out
    }

    public static func run(paths: [String], options: VerifyOptions = VerifyOptions(),
                           progress: ((String) -> Void)? = nil) -> VerifyReport {
        var files: [FileResult] = []
        for path in fixtureFiles(paths) {
            progress?(path)
            files.append(runFile(path, options: options))
        }
        if files.isEmpty {
            files.append(FileResult(file: paths.joined(separator: " "), family: nil, cases: [],
                                    fileError: "no fixture files (*.json) found"))
        }
        return VerifyReport(files: files)
    }

    public static func runFile(_ path: String, options: VerifyOptions) -> FileResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            let why = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            return FileResult(file: path, family: nil, cases: [], fileError: "\(path) \(why)")
        }
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch {
            return FileResult(file: path, family: nil, cases: [],
                              fileError: "\(path): not valid JSON (\(jsonErrorSummary(error, size: data.count)))")
        }
        guard case .object = root else {
            return FileResult(file: path, family: nil, cases: [], fileError: "\(path): top level is not a JSON object")
        }
        guard let family = root["family"]?.stringValue else {
            return FileResult(file: path, family: nil, cases: [], fileError: "\(path): no string \"family\"")
        }
        guard let cases = root["cases"]?.arrayValue else {
            return FileResult(file: path, family: family, cases: [], fileError: "\(path): no array \"cases\"")
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        var results: [CaseResult] = []
        var seen = Set<String>()
        for (i, c) in cases.enumerated() {
            guard let name = c["name"]?.stringValue else {
                results.append(CaseResult(name: "#\(i)", verdict: .error, detail: "case \(i) has no string \"name\"", malformed: true))
                continue
            }
            if !seen.insert(name).inserted {
                results.append(CaseResult(name: name, verdict: .error, detail: "duplicate case name", malformed: true))
                continue
            }
            results.append(runCase(name: name, c, family: family, dir: dir, options: options))
        }
        return FileResult(file: path, family: family, cases: results, fileError: nil)
    }

    static func jsonErrorSummary(_ e: Error, size: Int) -> String {
        let ns = e as NSError
        if let d = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return "\(d); file is \(size) bytes" }
        return "file is \(size) bytes, truncated or corrupt"
    }

    static func runCase(name: String, _ c: JSONValue, family: String, dir: URL, options: VerifyOptions) -> CaseResult {
        guard let input = c["input"]?.objectValue, let expected = c["expected"]?.objectValue else {
            return CaseResult(name: name, verdict: .error, detail: "case needs objects \"input\" and \"expected\"", malformed: true)
        }
        guard let handler = handlers[family] else {
            return CaseResult(name: name, verdict: .unsupported, detail: "family '\(family)' is not implemented (known: \(families.joined(separator: ", ")))")
        }
        let ctx = CaseContext(input: input, expected: expected, dir: dir, options: options)
        let expectsError = expected["error"] != nil
        do {
            let outcome = try handler(ctx)
            switch outcome {
            case .skipped(let why): return CaseResult(name: name, verdict: .skipped, detail: why)
            case .values(let actual):
                if expectsError {
                    return CaseResult(name: name, verdict: .fail, detail: "expected an error (\(expected["error"]?.compact ?? "")), got \(JSONValue.object(actual).compact)")
                }
                return compare(name: name, expected: expected, actual: actual)
            }
        } catch let e as MalformedError {
            return CaseResult(name: name, verdict: .error, detail: e.description, malformed: true)
        } catch let e as UnsupportedError {
            return CaseResult(name: name, verdict: .unsupported, detail: e.description)
        } catch {
            if expectsError { return CaseResult(name: name, verdict: .pass, detail: nil) }
            return CaseResult(name: name, verdict: .error, detail: "input rejected: \(error)")
        }
    }

    static func compare(name: String, expected: [String: JSONValue], actual: [String: JSONValue]) -> CaseResult {
        var mismatches: [String] = []
        for key in expected.keys.sorted() {
            guard let got = actual[key] else {
                return CaseResult(name: name, verdict: .unsupported, detail: "expected key '\(key)' is not computed by this harness")
            }
            if !same(expected[key]!, got) {
                mismatches.append("\(key): expected \(expected[key]!.compact), actual \(got.compact)")
            }
        }
        if mismatches.isEmpty { return CaseResult(name: name, verdict: .pass, detail: nil) }
        return CaseResult(name: name, verdict: .fail, detail: mismatches.joined(separator: "; "))
    }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.uint64Value, let y = b.uint64Value, !(a.stringValue != nil && b.stringValue != nil) { return x == y }
        if case .string(let x) = a, case .string(let y) = b { return x.lowercased() == y.lowercased() }
        return a == b
    }
}

enum Outcome {
    case values([String: JSONValue])
    case skipped(String)
}

struct CaseContext {
    let input: [String: JSONValue]
    let expected: [String: JSONValue]
    let dir: URL
    let options: VerifyOptions

    func data(_ key: String = "data") throws -> DataSpec { try DataSpec.parse(input[key], key: key, dir: dir) }

    func string(_ key: String) throws -> String {
        guard let s = input[key]?.stringValue else { throw MalformedError("input.\(key) must be a string") }
        return s
    }

    func uint(_ key: String) throws -> UInt64 {
        guard let v = input[key]?.uint64Value else {
            throw MalformedError("input.\(key) must be a whole number (JSON number below 2^53 or decimal string)")
        }
        return v
    }

    func commitment(_ v: JSONValue?, _ key: String) throws -> Commitment {
        guard let s = v?.stringValue else { throw MalformedError("\(key) must be a hex string") }
        do { return try Commitment(hex: s) } catch { throw MalformedError("\(key): \(error)") }
    }

    /// Skip reason when a case needs more bytes than the budget.
    func overBudget(_ bytes: UInt64) -> String? {
        bytes > options.maxCaseBytes
            ? "needs \(ByteCount.human(bytes)) of generated data, over the run's budget of \(ByteCount.human(options.maxCaseBytes)) (pass --all to run it)"
            : nil
    }
}

typealias FamilyHandler = @Sendable (CaseContext) throws -> Outcome

let handlers: [String: FamilyHandler] = byteHandlers.merging(fieldHandlers) { a, _ in a }.merging(sealHandlers) { a, _ in a }
    .merging(proveHandlers) { a, _ in a }.merging(fpHandlers) { a, _ in a }.merging(nttHandlers) { a, _ in a }
    .merging(curveHandlers) { a, _ in a }.merging(pairingHandlers) { a, _ in a }.merging(groth16Handlers) { a, _ in a }

let byteHandlers: [String: FamilyHandler] = [
    "sha256": { ctx in
        let spec = try ctx.data()
        if let why = ctx.overBudget(spec.length) { return .skipped(why) }
        var src = spec.source()
        var h = SHA256()
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try buf.withUnsafeMutableBytes { try src.readFully(into: $0) }
            if n == 0 { break }
            buf.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return .values(["digest": .string(Hex.encode(h.finalize()))])
    },
    "fr32": { ctx in
        let spec = try ctx.data()
        if let why = ctx.overBudget(spec.length) { return .skipped(why) }
        let dir = try ctx.string("direction")
        let bytes = try spec.bytes()
        switch dir {
        case "pad":
            let out = Fr32.pad(bytes)
            return .values(["padded": .string(Hex.encode(out)), "padded_length": .number(Double(out.count))])
        case "unpad":
            let out = try Fr32.unpad(bytes)
            return .values(["unpadded": .string(Hex.encode(out)), "unpadded_length": .number(Double(out.count)),
                            "unpadded_sha256": .string(Hex.encode(SHA256.hash(out)))])
        default:
            throw MalformedError("input.direction must be \"pad\" or \"unpad\", got \"\(dir)\"")
        }
    },
    "commp": { ctx in
        let spec = try ctx.data()
        // Reject an oversized piece from its declared length, before generating it.
        if spec.length > CommPHasher.maxPayload { throw PieceSizeError.payloadTooLarge }
        if let why = ctx.overBudget(spec.length) { return .skipped(why) }
        var src = spec.source()
        var h = CommPHasher(threads: ctx.options.threads)
        try h.consume(&src)
        let (c, size) = try h.finalize()
        return .values(["commp": .string(c.hex), "piece_cid": .string(PieceCID.encode(c, kind: .unsealed)),
                        "padded_piece_size": .number(Double(size))])
    },
    "zero-commitment": { ctx in
        let size = try ctx.uint("padded_size")
        let c = try ZeroCommitment.forPaddedSize(size)
        return .values(["commitment": .string(c.hex), "piece_cid": .string(PieceCID.encode(c, kind: .unsealed))])
    },
    "commd": { ctx in
        let sector = try ctx.uint("sector_size")
        guard let list = ctx.input["pieces"]?.arrayValue else { throw MalformedError("input.pieces must be an array") }
        let pieces = try list.enumerated().map { i, p -> CommD.Piece in
            guard let size = p["size"]?.uint64Value else { throw MalformedError("input.pieces[\(i)].size must be a whole number") }
            return CommD.Piece(paddedSize: size, commP: try ctx.commitment(p["commp"], "input.pieces[\(i)].commp"))
        }
        let d = try CommD.compute(sectorSize: sector, pieces: pieces)
        return .values(["comm_d": .string(d.hex), "comm_d_cid": .string(PieceCID.encode(d, kind: .unsealed))])
    },
    "piece-cid": { ctx in
        switch try ctx.string("direction") {
        case "decode":
            let d = try PieceCID.decode(try ctx.string("cid"))
            return .values(["kind": .string(d.kind.rawValue), "codec": .number(Double(d.codec)),
                            "multihash": .number(Double(d.multihash)), "commitment": .string(d.commitment.hex)])
        case "encode":
            let kindName = try ctx.string("kind")
            guard let kind = PieceCID.Kind(rawValue: kindName) else {
                throw MalformedError("input.kind must be \"unsealed\" or \"sealed\", got \"\(kindName)\"")
            }
            let c = try ctx.commitment(ctx.input["commitment"], "input.commitment")
            return .values(["cid": .string(PieceCID.encode(c, kind: kind))])
        case let other:
            throw MalformedError("input.direction must be \"decode\" or \"encode\", got \"\(other)\"")
        }
    },
]

enum ByteCount {
    static func human(_ b: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(b), i = 0
        while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(b) B" : (v == v.rounded() ? "\(Int(v)) \(units[i])" : String(format: "%.2f %@", v, units[i]))
    }
}
