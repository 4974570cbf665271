import Foundation
import Kernels

/// `spbench seal`: seals 1, 2 or 4 sectors end to end on this machine (tree_d, parent
/// cache, PC1 labels, PC2 trees), checks that unsealing gives the data back, and reports
/// commitments, time per phase, labels/s and peak memory.
public enum SealTool {
    public struct Options: Sendable {
        public var sectorSize: UInt64
        public var sectors = 1
        public var directory: String?
        public var keep = false
        public var apiVersion = "1.1.0"
        public var dataFile: String?
        /// Deal payload files placed in order as pieces (Lotus AddPiece layout); excludes dataFile.
        public var pieceFiles: [String] = []
        public var parentCacheDirectory: String?
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        public var actorID: UInt64 = 1000
        /// Number of the first sector sealed (the others follow); sealing into a --dir that
        /// already holds sectors adds to its manifest.
        public var firstSector: UInt64 = 1

        public init(sectorSize: UInt64) { self.sectorSize = sectorSize }
    }

    public struct Report: Sendable {
        public var proof: RegisteredSealProof
        public var directory: String
        public var kept: Bool
        public var sectors: [(number: UInt64, commitments: SealCommitments)]
        public var timings: [PhaseTiming]
        public var labelsPerSecond: Double
        public var wallSeconds: Double
        public var peakRSSMiB: Double
        public var parentCache: String
        public var unsealChecked: Bool
        public var pieces: [PlacedPiece] = []

        public var json: [String: Any] {
            [
                "proof": proof.name, "registered_seal_proof": proof.id, "sector_size": proof.sectorSize,
                "api_version": proof.apiVersion, "directory": directory, "kept": kept,
                "sectors": sectors.map { s -> [String: Any] in
                    let c = s.commitments
                    return ["sector_number": s.number, "comm_d": c.commD.hex, "comm_d_cid": PieceCID.encode(c.commD, kind: .unsealed),
                            "replica_id": Hex.encode(c.replicaID), "comm_c": c.commC.hex, "comm_r_last": c.commRLast.hex,
                            "comm_r": c.commR.hex, "comm_r_cid": PieceCID.encode(Commitment(bytes: c.commR.bytes), kind: .sealed)]
                },
                "phases": timings.map { t -> [String: Any] in ["name": t.name, "seconds": round3(t.seconds), "detail": t.detail] },
                "labels_per_second": labelsPerSecond.rounded(), "wall_seconds": round3(wallSeconds),
                "peak_rss_mib": round3(peakRSSMiB), "parent_cache": parentCache, "unseal_checked": unsealChecked,
                "pieces": pieces.map { p -> [String: Any] in
                    ["offset": p.offset, "padded_size": p.piece.paddedSize, "payload_bytes": p.payloadBytes,
                     "comm_p": p.piece.commP.hex, "piece_cid": PieceCID.encode(p.piece.commP, kind: .unsealed)]
                },
            ]
        }

        public var text: String {
            var lines = ["\(proof.name) (id \(proof.id), api \(proof.apiVersion)), \(sectors.count) sector(s) in \(directory)\(kept ? "" : " (removed)")"]
            for s in sectors {
                let c = s.commitments
                lines.append("sector \(s.number):")
                lines.append("  comm_d       \(c.commD.hex)  \(PieceCID.encode(c.commD, kind: .unsealed))")
                lines.append("  replica_id   \(Hex.encode(c.replicaID))")
                lines.append("  comm_c       \(c.commC.hex)")
                lines.append("  comm_r_last  \(c.commRLast.hex)")
                lines.append("  comm_r       \(c.commR.hex)  \(PieceCID.encode(Commitment(bytes: c.commR.bytes), kind: .sealed))")
            }
            lines.append("phases:")
            for t in timings { lines.append("  \(t.name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(format: "%8.2f s", t.seconds))") }
            lines.append(String(format: "labels: %.2f M/s over %d sector(s); wall %.1f s; peak RSS %.0f MiB; unseal %@",
                                labelsPerSecond / 1e6, sectors.count, wallSeconds, peakRSSMiB, unsealChecked ? "byte-exact" : "not checked"))
            for p in pieces {
                lines.append("piece at \(p.offset): \(p.payloadBytes) B → \(p.piece.paddedSize) padded, \(PieceCID.encode(p.piece.commP, kind: .unsealed))")
            }
            if !pieces.isEmpty { lines.append("comm_d equals CommD aggregated from the pieces") }
            lines.append("parent cache: \(parentCache)")
            return lines.joined(separator: "\n")
        }
    }

    /// rust-fil-proofs' default parent cache directory (FIL_PROOFS_PARENT_CACHE overrides it).
    public static var defaultParentCacheDirectory: String {
        ProcessInfo.processInfo.environment["FIL_PROOFS_PARENT_CACHE"] ?? "/var/tmp/filecoin-parents"
    }

    public static func run(_ o: Options, log: @escaping @Sendable (String) -> Void) throws -> Report {
        let proof = try RegisteredSealProof(sectorSize: o.sectorSize, apiVersion: o.apiVersion)
        guard [1, 2, 4].contains(o.sectors) else { throw SealToolError.sectors(o.sectors) }
        let clock = ContinuousClock()
        let start = clock.now
        let dir: String
        if let d = o.directory {
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            dir = d
        } else {
            dir = try TemporaryDirectory(prefix: "spbench-seal").path
        }
        let unpadded = Int(proof.sectorSize / 128 * 127)
        var payload: [UInt8]?
        if let f = o.dataFile {
            guard let d = FileManager.default.contents(atPath: f) else { throw IOError(path: f, operation: "read", code: ENOENT) }
            guard d.count <= unpadded else { throw SealToolError.dataTooLarge(f, d.count, unpadded) }
            payload = Array(d) + [UInt8](repeating: 0, count: unpadded - d.count)
        }
        guard o.pieceFiles.isEmpty || o.dataFile == nil else { throw SealToolError.piecesAndData }
        var sectors: [Sealer.Sector] = []
        var placed: [PlacedPiece] = []
        for i in 0..<o.sectors {
            let number = o.firstSector + UInt64(i)
            let unsealed = "\(dir)/unsealed-\(number)", sealed = "\(dir)/sealed-\(number)"
            if !o.pieceFiles.isEmpty {
                placed = try Sealer.writeUnsealed(pieces: o.pieceFiles.map { .file($0) }, proof: proof, to: unsealed, threads: o.threads)
                log("sector \(number): \(placed.count) piece(s) written, \(placed.map(\.piece.paddedSize).reduce(0, +)) padded bytes of \(proof.sectorSize)")
            } else {
                // Deterministic data per sector unless --data: SHA-256(LE64(sector) || LE64(i)) blocks.
                let data = payload ?? counterBytes(seed: number, count: unpadded)
                try Data(Fr32.pad(data)).write(to: URL(fileURLWithPath: unsealed))
            }
            var ticket = SHA256.hash(Array("spbench-ticket-\(number)".utf8))
            ticket[31] &= 0x3f
            sectors.append(Sealer.Sector(unsealedPadded: unsealed, sealed: sealed, cache: SectorCache(directory: "\(dir)/cache-\(number)"),
                                         sectorNumber: number, ticket: ticket))
        }
        let r = try Sealer.seal(sectors: sectors, proof: proof, proverID: SealIDs.proverID(actorID: o.actorID),
                                parentCacheDirectory: o.parentCacheDirectory ?? defaultParentCacheDirectory, threads: o.threads, log: log)
        if !placed.isEmpty {
            let expected = try CommD.compute(sectorSize: proof.sectorSize, pieces: placed.map(\.piece))
            for c in r.commitments where c.commD != expected {
                throw SealError.commDMismatch(fromPieces: expected.hex, fromData: c.commD.hex)
            }
        }
        var timings = r.timings
        let tu = try clock.measure {
            for s in sectors {
                let back = s.unsealedPadded + ".unsealed"
                try Sealer.unseal(proof: proof, sealed: s.sealed, cache: s.cache, output: back)
                guard FileManager.default.contentsEqual(atPath: back, andPath: s.unsealedPadded) else { throw SealToolError.unsealMismatch(s.sealed) }
                try? FileManager.default.removeItem(atPath: back)
            }
        }
        timings.append(PhaseTiming(name: "unseal.check", seconds: tu.seconds))
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        var report = Report(proof: proof, directory: dir, kept: o.keep || o.directory != nil,
                            sectors: zip(sectors, r.commitments).map { ($0.sectorNumber, $1) }, timings: timings,
                            labelsPerSecond: r.pc1.labelsPerSecond, wallSeconds: (clock.now - start).seconds,
                            peakRSSMiB: Double(usage.ru_maxrss) / 1024, parentCache: r.parentCacheStatus, unsealChecked: true)
        report.pieces = placed
        if report.kept {
            let prover = SealIDs.proverID(actorID: o.actorID)
            try SectorManifest.record(zip(sectors, r.commitments).map { s, c in
                SectorManifest.Entry(number: s.sectorNumber, sealProof: proof, sealed: s.sealed, cache: s.cache.directory, ticket: s.ticket,
                                     commD: c.commD, commR: c.commR, proverID: prover)
            }, in: dir)
        }
        if !report.kept { try? FileManager.default.removeItem(atPath: dir) }
        return report
    }

    static func counterBytes(seed: UInt64, count: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count + 32)
        var i: UInt64 = 0
        func le(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        let s = le(seed)
        while out.count < count {
            out += SHA256.hash(s + le(i))
            i += 1
        }
        return Array(out.prefix(count))
    }
}

public enum SealToolError: Error, CustomStringConvertible {
    case sectors(Int)
    case dataTooLarge(String, Int, Int)
    case unsealMismatch(String)
    case piecesAndData

    public var description: String {
        switch self {
        case .sectors(let n): "--sectors \(n): sectors are sealed together 1, 2 or 4 at a time (one per SHA lane)"
        case .dataTooLarge(let f, let n, let max): "\(f) is \(n) bytes; a sector of this size holds at most \(max) unpadded bytes"
        case .unsealMismatch(let f): "unsealing \(f) did not give the data back: report this as a bug"
        case .piecesAndData: "pass either --data (one payload filling the sector) or --piece files, not both"
        }
    }
}

func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

/// Argument parsing helpers the thin executable uses.
public enum SealToolCLI {
    public static func size(_ s: String) throws -> UInt64 { try RegisteredSealProof.parseSectorSize(s) }
}
