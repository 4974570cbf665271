import Foundation
import Kernels

/// `spbench-sectors.json`, which `spbench seal --dir D` writes beside the sectors it seals
/// and `spbench prove|check --sectors D` reads: what the chain would know of each sector
/// (number, proof type, ticket, comm_d, comm_r) and where its files are (relative paths).
public enum SectorManifest {
    public static let fileName = "spbench-sectors.json"

    public struct Entry: Sendable {
        public var number: UInt64
        public var sealProof: RegisteredSealProof
        public var sealed: String
        public var cache: String
        public var ticket: [UInt8]
        public var commD: Commitment
        public var commR: Fr
        public var proverID: [UInt8]

        public var sector: SealedSector {
            SealedSector(number: number, sealProof: sealProof, sealed: sealed, cache: SectorCache(directory: cache), commR: commR)
        }

        func json(relativeTo dir: String) -> [String: Any] {
            func rel(_ p: String) -> String { p.hasPrefix(dir + "/") ? String(p.dropFirst(dir.count + 1)) : p }
            return ["sector_number": number, "registered_seal_proof": sealProof.id, "sealed": rel(sealed), "cache": rel(cache),
                    "ticket": Hex.encode(ticket), "comm_d": commD.hex, "comm_r": commR.hex, "prover_id": Hex.encode(proverID)]
        }
    }

    /// Adds (or replaces, by sector number) entries in `dir`'s manifest.
    static func record(_ entries: [Entry], in dir: String) throws {
        var all = (try? load(directory: dir)) ?? []
        all.removeAll { e in entries.contains { $0.number == e.number } }
        all += entries
        all.sort { $0.number < $1.number }
        let obj: [String: Any] = ["format": "spbench-sectors/1", "sectors": all.map { $0.json(relativeTo: dir) }]
        try Data((jsonString(obj) + "\n").utf8).write(to: URL(fileURLWithPath: "\(dir)/\(fileName)"), options: .atomic)
    }

    public static func load(directory dir: String) throws -> [Entry] {
        let path = "\(dir)/\(fileName)"
        guard let data = FileManager.default.contents(atPath: path) else { throw ProveToolError.noManifest(dir) }
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw ProveToolError.badManifest(path, "not JSON (\(data.count) bytes): truncated or corrupt") }
        guard let list = root["sectors"]?.arrayValue else { throw ProveToolError.badManifest(path, "no \"sectors\" array") }
        return try list.enumerated().map { i, s in
            func str(_ k: String) throws -> String {
                guard let v = s[k]?.stringValue else { throw ProveToolError.badManifest(path, "sector \(i): no string \"\(k)\"") }
                return v
            }
            func hex32(_ k: String) throws -> [UInt8] {
                guard let b = try? Hex.decode(try str(k)), b.count == 32 else { throw ProveToolError.badManifest(path, "sector \(i): \(k) is not 32 bytes of hex") }
                return b
            }
            guard let n = s["sector_number"]?.uint64Value, let id = s["registered_seal_proof"]?.uint64Value else {
                throw ProveToolError.badManifest(path, "sector \(i): needs sector_number and registered_seal_proof")
            }
            func abs(_ p: String) -> String { p.hasPrefix("/") ? p : "\(dir)/\(p)" }
            guard let commR = try? Fr(bytes: try hex32("comm_r")[...]) else { throw ProveToolError.badManifest(path, "sector \(i): comm_r is not a field element") }
            return Entry(number: n, sealProof: try RegisteredSealProof(id: Int(id)), sealed: abs(try str("sealed")), cache: abs(try str("cache")),
                         ticket: try hex32("ticket"), commD: Commitment(bytes: try hex32("comm_d")), commR: commR, proverID: try hex32("prover_id"))
        }
    }

    /// Every entry of the given directories; sector numbers must be unique.
    public static func load(directories: [String]) throws -> [Entry] {
        guard !directories.isEmpty else { throw ProveToolError.noSectorDirs }
        let all = try directories.flatMap { try load(directory: $0) }
        var seen = Set<UInt64>()
        for e in all where !seen.insert(e.number).inserted { throw ProveToolError.duplicateSector(e.number) }
        return all.sorted { $0.number < $1.number }
    }
}

public enum ProveToolError: Error, CustomStringConvertible {
    case noSectorDirs
    case noManifest(String)
    case badManifest(String, String)
    case duplicateSector(UInt64)
    case mixedSizes([UInt64])
    case mixedProvers
    case badHex(String, String)
    case unknownKind(String)
    case notAProofFile(String, String)

    public var description: String {
        switch self {
        case .noSectorDirs: "pass --sectors DIR (a directory `spbench seal --dir DIR` sealed into); several are allowed"
        case .noManifest(let d): "\(d) has no \(SectorManifest.fileName): seal into it with `spbench seal --dir \(d)` first"
        case .badManifest(let p, let why): "\(p): \(why)"
        case .duplicateSector(let n): "sector \(n) appears in more than one --sectors directory"
        case .mixedSizes(let s): "the sectors have different sizes (\(s.map { ByteCount.human($0) }.joined(separator: ", "))): prove one size at a time"
        case .mixedProvers: "the sectors belong to different provers (prover_id): prove one miner at a time"
        case .badHex(let what, let why): "\(what): \(why)"
        case .unknownKind(let k): "unknown proof kind '\(k)': winning, window or porep"
        case .notAProofFile(let p, let why): "\(p): \(why)"
        }
    }
}

/// 32 bytes from hex, top two bits cleared as Lotus does with chain randomness; or fresh
/// random bytes when none is given.
func canonicalRandomness(_ hex: String?, what: String) throws -> [UInt8] {
    var b: [UInt8]
    if let hex {
        guard let d = try? Hex.decode(hex), d.count == 32 else { throw ProveToolError.badHex(what, "needs 64 hex characters") }
        b = d
    } else {
        b = (0..<32).map { _ in UInt8.random(in: 0...255) }
    }
    b[31] &= 0x3f
    return b
}

/// `spbench prove winning|window|porep`.
public enum ProveTool {
    public struct Options: Sendable {
        public var kind: String
        public var sectorDirs: [String]
        public var randomness: String?
        public var apiVersion: String?
        public var out: String?
        public var threads = PoStProof.defaultReadThreads
        public init(kind: String, sectorDirs: [String]) {
            self.kind = kind
            self.sectorDirs = sectorDirs
        }
    }

    public struct Report: @unchecked Sendable {
        public var json: [String: Any]
        public var text: String
        public var valid: Bool
    }

    public static func run(_ o: Options, log: @escaping @Sendable (String) -> Void) throws -> Report {
        let clock = ContinuousClock()
        var phases: [(String, Double)] = []
        var entries: [SectorManifest.Entry] = []
        phases.append(("load", try clock.measure { entries = try SectorManifest.load(directories: o.sectorDirs) }.seconds))
        let sizes = Set(entries.map(\.sealProof.sectorSize))
        guard sizes.count == 1, let size = sizes.first else { throw ProveToolError.mixedSizes(Array(sizes).sorted()) }
        guard Set(entries.map(\.proverID)).count == 1, let prover = entries.first?.proverID else { throw ProveToolError.mixedProvers }
        let randomness = try canonicalRandomness(o.randomness, what: o.kind == "porep" ? "--seed" : "--randomness")
        let out = o.out ?? "\(o.sectorDirs[0])/\(o.kind)-\(o.kind == "porep" ? "c1" : "post").proof"
        var json: [String: Any] = ["kind": o.kind, "sectors": entries.count, "sector_size": size, "out": out]
        var lines: [String] = []
        var valid = true
        switch o.kind {
        case "window", "winning":
            let pp = try RegisteredPoStProof(kind: o.kind == "window" ? .window : .winning, sectorSize: size, apiVersion: o.kind == "window" ? o.apiVersion : nil)
            log("\(pp.name): \(entries.count) sector(s), randomness \(Hex.encode(randomness))")
            var proof: PoStProof?
            let t = try clock.measure {
                proof = o.kind == "window"
                    ? try PoStProof.proveWindow(sectors: entries.map(\.sector), postProof: pp, randomness: randomness, proverID: prover,
                                                threads: o.threads) { done, total in if done == total || done % 256 == 0 { log("proved \(done)/\(total) sectors") } }
                    : try PoStProof.proveWinning(eligible: entries.map(\.sector), postProof: pp, randomness: randomness, proverID: prover)
            }
            guard let proof else { throw PoStError.noSectors }
            phases.append(("vanilla_proofs", t.seconds))
            var verdict = ProofVerdict.accepted
            let commRs = Dictionary(uniqueKeysWithValues: entries.map { ($0.number, $0.commR) })
            phases.append(("verify", clock.measure { verdict = proof.verify(commRs: commRs) }.seconds))
            let written = try ProofJSON.write(.post(proof), to: out)
            valid = verdict.valid
            let proven = proof.partitions.flatMap { $0 }.map(\.proof.sectorNumber)
            json["post_proof"] = pp.name
            json["registered_post_proof"] = pp.id
            json["randomness"] = Hex.encode(randomness)
            json["partitions"] = proof.partitions.map(\.count)
            json["proven_sectors"] = proven
            json["faults"] = proof.faults.map { ["sector_number": $0.sectorNumber, "reason": $0.reason] }
            json["verdict"] = verdict.valid ? "valid" : "invalid"
            if let r = verdict.reason { json["reason"] = r }
            json["proof_bytes"] = written
            json["challenges"] = proven.count * pp.challengeCount
            lines.append("\(pp.name) over \(entries.count) sector(s) of \(ByteCount.human(size)); randomness \(Hex.encode(randomness))")
            lines.append("proven: \(proven.count) sector(s) in \(proof.partitions.count) partition(s) (\(proof.partitions.map { "\($0.count)" }.joined(separator: ", "))), \(proven.count * pp.challengeCount) challenges")
            if o.kind == "winning", let s = proven.first { lines.append("selected sector: \(s)") }
            for f in proof.faults { lines.append("FAULTY sector \(f.sectorNumber): \(f.reason)") }
            lines.append("verdict: \(verdict)")
        case "porep":
            var total = 0.0
            var results: [[String: Any]] = []
            for e in entries {
                let pub = PoRepPublic(sealProof: e.sealProof, proverID: e.proverID, sectorNumber: e.number, ticket: e.ticket,
                                      seed: randomness, commD: e.commD, commR: e.commR)
                var p: PoRepProof?
                let t = try clock.measure { p = try Commit1.prove(public: pub, sealed: e.sealed, cache: SectorCache(directory: e.cache)) }
                guard let p else { continue }
                var v = ProofVerdict.accepted
                let tv = clock.measure { v = Commit1.verify(p, public: pub) }
                total += t.seconds
                let path = entries.count == 1 ? out : Self.numbered(out, e.number)
                let written = try ProofJSON.write(.porep(p, proverID: e.proverID), to: path)
                valid = valid && v.valid
                let challenges = p.partitions.map(\.count).reduce(0, +)
                results.append(["sector_number": e.number, "file": path, "challenges": challenges, "prove_seconds": round3(t.seconds),
                                "verify_seconds": round3(tv.seconds), "verdict": v.valid ? "valid" : "invalid", "proof_bytes": written])
                lines.append("sector \(e.number): \(e.sealProof.name), \(p.partitions.count) partition(s) × \(p.partitions.first?.count ?? 0) challenges, "
                    + String(format: "proved in %.3f s, verified in %.3f s: %@ → %@", t.seconds, tv.seconds, v.description, path))
            }
            phases.append(("commit1", total))
            json["seed"] = Hex.encode(randomness)
            json["proofs"] = results
            json["verdict"] = valid ? "valid" : "invalid"
            lines.insert("PoRep Commit 1 (vanilla) over \(entries.count) sector(s); seed \(Hex.encode(randomness))", at: 0)
        default:
            throw ProveToolError.unknownKind(o.kind)
        }
        json["phases"] = phases.map { ["name": $0.0, "seconds": round3($0.1)] }
        lines.append("phases: " + phases.map { String(format: "%@ %.3f s", $0.0, $0.1) }.joined(separator: ", "))
        lines.append("proof file: \(out)\(o.kind == "porep" && entries.count > 1 ? " (one per sector, -<number> suffix)" : "")")
        return Report(json: json, text: lines.joined(separator: "\n"), valid: valid)
    }
}

extension ProveTool {
    /// out with -<number> before its extension (one Commit 1 file per sector).
    static func numbered(_ out: String, _ n: UInt64) -> String {
        let url = URL(fileURLWithPath: out)
        let ext = url.pathExtension
        let base = url.deletingPathExtension().path
        return ext.isEmpty ? "\(base)-\(n)" : "\(base)-\(n).\(ext)"
    }
}

/// `spbench verify-proof FILE`: decodes a proof file and verifies it from its public values
/// (and, with --sectors, against the sealed sectors' comm_r).
public enum VerifyProofTool {
    public static func run(file: String, sectorDirs: [String]) throws -> ProveTool.Report {
        guard let data = FileManager.default.contents(atPath: file) else { throw IOError(path: file, operation: "read", code: ENOENT) }
        let clock = ContinuousClock()
        var decoded: ProofFile?
        var decodeError = ""
        let td = clock.measure {
            do { decoded = try ProofJSON.read(data) } catch { decodeError = "\(error)" }
        }
        guard let decoded else {
            return ProveTool.Report(json: ["file": file, "verdict": "invalid", "reason": decodeError], text: "\(file): invalid: \(decodeError)", valid: false)
        }
        let known = sectorDirs.isEmpty ? nil : try SectorManifest.load(directories: sectorDirs)
        var verdict = ProofVerdict.accepted
        var json: [String: Any] = ["file": file]
        var lines: [String] = []
        let tv: Duration
        switch decoded {
        case .post(let p):
            let all = p.partitions.flatMap { $0 }
            let commRs: [UInt64: Fr]
            if let known {
                commRs = Dictionary(uniqueKeysWithValues: known.map { ($0.number, $0.commR) })
            } else {
                commRs = Dictionary(all.map { ($0.proof.sectorNumber, $0.proof.commR) }) { a, _ in a }
            }
            tv = clock.measure { verdict = p.verify(commRs: commRs) }
            json["kind"] = p.postProof.kind.rawValue
            json["post_proof"] = p.postProof.name
            json["sectors"] = all.map(\.proof.sectorNumber)
            json["faults"] = p.faults.map { ["sector_number": $0.sectorNumber, "reason": $0.reason] }
            json["comm_r_source"] = known == nil ? "the proof (pass --sectors to check against the sealed sectors)" : "--sectors manifests"
            lines.append("\(p.postProof.name): \(all.count) sector(s) in \(p.partitions.count) partition(s), \(p.faults.count) declared faulty")
            if known == nil {
                lines.append("comm_r taken from the proof itself; pass --sectors DIR to check it against the sealed sectors"
                    + (p.postProof.kind == .winning ? " (and the winning sector's selection against the whole eligible set)" : ""))
            }
        case .porep(let p, let prover):
            var pub = PoRepPublic(sealProof: p.sealProof, proverID: prover, sectorNumber: p.sectorNumber, ticket: p.ticket, seed: p.seed,
                                  commD: p.commD, commR: p.commR)
            if let e = known?.first(where: { $0.number == p.sectorNumber }) {
                pub.commR = e.commR
                pub.commD = e.commD
                pub.ticket = e.ticket
                pub.proverID = e.proverID
            }
            tv = clock.measure { verdict = Commit1.verify(p, public: pub) }
            json["kind"] = "porep"
            json["seal_proof"] = p.sealProof.name
            json["sector_number"] = p.sectorNumber
            json["challenges"] = p.partitions.map(\.count).reduce(0, +)
            lines.append("PoRep Commit 1 of sector \(p.sectorNumber) (\(p.sealProof.name)), \(p.partitions.count) partition(s)")
        }
        json["verdict"] = verdict.valid ? "valid" : "invalid"
        if let r = verdict.reason { json["reason"] = r }
        json["decode_seconds"] = round3(td.seconds)
        json["verify_seconds"] = round3(tv.seconds)
        lines.append(String(format: "verdict: %@ (decoded in %.3f s, verified in %.3f s)", verdict.description, td.seconds, tv.seconds))
        return ProveTool.Report(json: json, text: lines.joined(separator: "\n"), valid: verdict.valid)
    }
}

/// `spbench check`: which sectors could not be proven now, and why (Lotus' `proving check`).
public enum CheckTool {
    public static func run(sectorDirs: [String], randomness: String?, samples: Int) throws -> ProveTool.Report {
        let entries = try SectorManifest.load(directories: sectorDirs)
        let r = try canonicalRandomness(randomness, what: "--randomness")
        var faults: [[String: Any]] = []
        var lines: [String] = []
        let clock = ContinuousClock()
        let t = clock.measure {
            for e in entries {
                guard let pp = try? RegisteredPoStProof(kind: .window, sectorSize: e.sealProof.sectorSize) else { continue }
                if let why = PoSt.check(sector: e.sector, proof: pp, randomness: r, samples: samples) {
                    faults.append(["sector_number": e.number, "reason": why])
                    lines.append("FAULTY sector \(e.number): \(why)")
                } else {
                    lines.append("ok     sector \(e.number)")
                }
            }
        }
        lines.append(String(format: "%d sector(s), %d faulty, checked in %.3f s (%d challenged leaves each)", entries.count, faults.count, t.seconds, samples))
        return ProveTool.Report(json: ["sectors": entries.count, "faulty": faults, "samples": samples, "seconds": round3(t.seconds)],
                                text: lines.joined(separator: "\n"), valid: faults.isEmpty)
    }
}
