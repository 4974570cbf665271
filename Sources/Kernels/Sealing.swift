import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// Paths of a sector's cache directory, named as rust-fil-proofs names them (porep-post.md §3).
public struct SectorCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func layer(_ l: Int) -> String { "\(directory)/sc-02-data-layer-\(l).dat" }
    public var treeD: String { "\(directory)/sc-02-data-tree-d.dat" }
    public var pAux: String { "\(directory)/p_aux" }
    public var tAux: String { "\(directory)/t_aux" }
    var treeCLeaves: String { "\(directory)/sc-02-data-tree-c-leaves.tmp" }
}

/// A page-aligned anonymous buffer, with transparent huge pages requested (layers).
final class LayerBuffer: @unchecked Sendable {
    let bytes: Int
    let base: UnsafeMutableRawPointer

    init(bytes: Int) throws {
        self.bytes = bytes
        guard let m = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), m != MAP_FAILED else {
            throw IOError(path: "(memory)", operation: "allocate \(bytes) bytes for a layer", code: errno)
        }
        _ = madvise(m, bytes, 14) // MADV_HUGEPAGE where the kernel offers it
        base = m
    }

    deinit { munmap(base, bytes) }

    var raw: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base, count: bytes) }
    var u8: UnsafeMutablePointer<UInt8> { base.assumingMemoryBound(to: UInt8.self) }
}

/// What one PreCommit phase did, for the JSON summary.
public struct PhaseTiming: Sendable {
    public var name: String
    public var seconds: Double
    public var detail: [String: String] = [:]

    public init(name: String, seconds: Double, detail: [String: String] = [:]) {
        self.name = name
        self.seconds = seconds
        self.detail = detail
    }
}

/// PreCommit 1 (porep-post.md §6.1): the SDR labels of every layer of 1, 2 or 4 sectors that
/// share a proof type. Sectors sealed together are interleaved in one thread (multi-buffer
/// SHA-256). Layers are written to each cache directory as they complete (write to a
/// temporary name, then rename), so an interrupted run resumes after the last complete layer.
public enum PreCommit1 {
    public struct Report: Sendable {
        public var layersLabeled: [Int]
        public var layersResumed: Int
        public var labelSeconds: Double
        public var labelsPerSecond: Double
    }

    public static func run(proof: RegisteredSealProof, replicaIDs: [[UInt8]], caches: [SectorCache],
                           parents: MappedParentCache, progress: ((Int, Double) -> Void)? = nil) throws -> Report {
        let lanes = replicaIDs.count
        precondition([1, 2, 4].contains(lanes) && caches.count == lanes, "1, 2 or 4 sectors")
        let n = proof.nodes, layerBytes = n * 32
        precondition(parents.nodes == n)
        // Resume: the longest prefix of complete layers present in every cache.
        var done = 0
        for l in 1...proof.layers {
            if caches.allSatisfy({ fileSize($0.layer(l)) == UInt64(layerBytes) }) { done = l } else { break }
        }
        for c in caches {
            for l in (done + 1)...max(done + 1, proof.layers) where l <= proof.layers { unlink(c.layer(l)) }
        }
        let prev = try (0..<lanes).map { _ in try LayerBuffer(bytes: layerBytes) }
        let cur = try (0..<lanes).map { _ in try LayerBuffer(bytes: layerBytes) }
        if done > 0 {
            for (i, c) in caches.enumerated() {
                let f = try PositionalFile(readingAt: c.layer(done))
                try f.read(into: prev[i].raw, at: 0)
            }
        }
        var labeled: [Int] = []
        let clock = ContinuousClock()
        var seconds = 0.0
        var prevBufs = prev, curBufs = cur
        for l in (done + 1)...max(done + 1, proof.layers) where l <= proof.layers {
            var curPtrs: [UnsafeMutablePointer<UInt8>?] = curBufs.map(\.u8)
            var prevPtrs: [UnsafePointer<UInt8>?] = prevBufs.map { l == 1 ? nil : UnsafePointer($0.u8) }
            let rids = replicaIDs
            var status: Int32 = 0
            let t = clock.measure {
                let ridPtrs = rids.map { r -> UnsafeMutablePointer<UInt8> in
                    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
                    p.initialize(from: r, count: 32)
                    return p
                }
                defer { ridPtrs.forEach { $0.deallocate() } }
                var rp: [UnsafePointer<UInt8>?] = ridPtrs.map { UnsafePointer($0) }
                status = ck_sdr_label_layer(&curPtrs, &prevPtrs, parents.rows, UInt64(n), &rp, UInt32(l), lanes)
            }
            guard status == CK_OK else { throw SealError.layerFile(path: caches[0].layer(l), detail: "labeling failed (\(status))") }
            seconds += durationSeconds(t)
            for (i, c) in caches.enumerated() {
                let tmp = c.layer(l) + ".tmp"
                let f = try PositionalFile(creatingAt: tmp)
                try f.write(UnsafeRawBufferPointer(curBufs[i].raw), at: 0)
                guard fsync(f.descriptor) == 0, rename(tmp, c.layer(l)) == 0 else {
                    throw IOError(path: c.layer(l), operation: "write the layer file", code: errno)
                }
            }
            labeled.append(l)
            progress?(l, durationSeconds(t))
            swap(&prevBufs, &curBufs)
        }
        let labels = Double(n) * Double(labeled.count) * Double(lanes)
        return Report(layersLabeled: labeled, layersResumed: done, labelSeconds: seconds,
                      labelsPerSecond: seconds > 0 ? labels / seconds : 0)
    }
}

/// The commitments of a sealed sector.
public struct SealCommitments: Sendable, Equatable {
    public var commD: Commitment
    public var commC: Fr
    public var commRLast: Fr
    public var commR: Fr
    public var replicaID: [UInt8]
}

/// PreCommit 2 (porep-post.md §6.2, §6.3): tree_c over the layer columns, the replica
/// (key + data in Fr), tree_r_last over it, comm_r = H2(comm_c, comm_r_last), p_aux, t_aux.
public enum PreCommit2 {
    public static func run(proof: RegisteredSealProof, cache: SectorCache, unsealedPadded: String, sealed: String,
                           commD: Commitment, replicaID: [UInt8], threads: Int = Parallel.processorCount,
                           timings: inout [PhaseTiming], log: ((String) -> Void)? = nil) throws -> SealCommitments {
        let n = proof.nodes, L = proof.layers, shape = proof.treeShape
        let clock = ContinuousClock()
        for l in 1...L {
            guard fileSize(cache.layer(l)) == UInt64(n * 32) else {
                throw SealError.layerFile(path: cache.layer(l), detail: "missing or not \(n * 32) bytes: run PreCommit 1 again")
            }
        }
        // Column hashes H_L(label_1[v], …, label_L[v]) → tree_c leaves.
        let tc = try clock.measure {
            let layers = try (1...L).map { try PositionalFile(readingAt: cache.layer($0)) }
            let out = try PositionalFile(creatingAt: cache.treeCLeaves)
            let chunk = 1 << 16
            var cols = [UInt8](repeating: 0, count: chunk * L * 32)
            var labels = [UInt8](repeating: 0, count: chunk * 32)
            var hashes = [UInt8](repeating: 0, count: chunk * 32)
            var v = 0
            while v < n {
                let m = min(chunk, n - v)
                for (li, f) in layers.enumerated() {
                    try labels.withUnsafeMutableBytes { try f.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<(m * 32)]), at: UInt64(v * 32)) }
                    // Interleave: column k gets layer li's label of node v + k at slot li.
                    cols.withUnsafeMutableBytes { c in
                        labels.withUnsafeBytes { s in
                            guard let cb = c.baseAddress, let sb = s.baseAddress else { return }
                            for k in 0..<m { (cb + (k * L + li) * 32).copyMemory(from: sb + k * 32, byteCount: 32) }
                        }
                    }
                }
                try hashColumns(cols: &cols, out: &hashes, count: m, arity: L, threads: threads, firstNode: v, path: cache.layer(1))
                try hashes.withUnsafeBytes { try out.write(UnsafeRawBufferPointer(rebasing: $0[0..<(m * 32)]), at: UInt64(v * 32)) }
                v += m
            }
        }
        let treeCFiles = try PoseidonTreeFiles(directory: cache.directory, name: "tree-c", shape: shape, leafCount: n, storage: .allRows)
        var commC = Fr.zero
        let tt = try clock.measure { commC = try treeCFiles.build(leafFile: cache.treeCLeaves, threads: threads).root }
        unlink(cache.treeCLeaves)
        timings.append(PhaseTiming(name: "pc2.column_hashes", seconds: durationSeconds(tc), detail: ["arity": "\(L)", "hashes": "\(n)"]))
        timings.append(PhaseTiming(name: "pc2.tree_c", seconds: durationSeconds(tt)))
        log?("pc2: columns hashed in \(fixed(durationSeconds(tc), 1)) s, tree_c built in \(fixed(durationSeconds(tt), 1)) s (comm_c \(commC.hex))")

        // Encoding: replica[v] = key[v] + data[v] mod r, key = the last layer.
        let te = try clock.measure { try encode(key: cache.layer(L), data: unsealedPadded, out: sealed, nodes: n, subtract: false) }
        timings.append(PhaseTiming(name: "pc2.encode", seconds: durationSeconds(te)))

        let levels = try shape.baseLevels(leafCount: n)
        let treeR = try PoseidonTreeFiles(directory: cache.directory, name: "tree-r-last", shape: shape, leafCount: n,
                                          storage: .levelCache(rowsToDiscard: TreeShape.rowsToDiscard(baseLevels: levels)))
        var commRLast = Fr.zero
        let tr = try clock.measure { commRLast = try treeR.build(leafFile: sealed, threads: threads).root }
        timings.append(PhaseTiming(name: "pc2.tree_r_last", seconds: durationSeconds(tr)))
        log?("pc2: replica encoded in \(fixed(durationSeconds(te), 1)) s, tree_r_last built in \(fixed(durationSeconds(tr), 1)) s (comm_r_last \(commRLast.hex))")
        let commR = Poseidon.merkleHash([commC, commRLast])
        let pAux = try PositionalFile(creatingAt: cache.pAux)
        try (commC.bytes + commRLast.bytes).withUnsafeBytes { try pAux.write($0, at: 0) }
        let tAux = """
            {"format": "spbench t_aux (JSON; rust-fil-proofs writes bincode)", "sector_size": \(proof.sectorSize), "nodes": \(n), \
            "layers": \(L), "tree_shape": "\(shape)", "tree_r_last_rows_to_discard": \(TreeShape.rowsToDiscard(baseLevels: levels)), \
            "tree_c_rows_to_discard": 0, "tree_d": "sc-02-data-tree-d.dat", "tree_c": "sc-02-data-tree-c", "tree_r_last": "sc-02-data-tree-r-last"}

            """
        let tAuxFile = try PositionalFile(creatingAt: cache.tAux)
        try Array(tAux.utf8).withUnsafeBytes { try tAuxFile.write($0, at: 0) }
        return SealCommitments(commD: commD, commC: commC, commRLast: commRLast, commR: commR, replicaID: replicaID)
    }

    static func hashColumns(cols: inout [UInt8], out: inout [UInt8], count m: Int, arity: Int, threads: Int,
                            firstNode: Int, path: String) throws {
        let parts = max(1, min(threads, m / 256))
        let per = (m + parts - 1) / parts
        var bad = [Int?](repeating: nil, count: parts)
        cols.withUnsafeBytes { c in
            out.withUnsafeMutableBytes { o in
                bad.withUnsafeMutableBufferPointer { b in
                    let shared = UncheckedSendable((c, o, b))
                    Parallel.run(parts, threads: parts) { i in
                        let lo = i * per, hi = min(m, lo + per)
                        guard lo < hi else { return }
                        let input = UnsafeRawBufferPointer(rebasing: shared.value.0[(lo * arity * 32)..<(hi * arity * 32)])
                        let output = UnsafeMutableRawBufferPointer(rebasing: shared.value.1[(lo * 32)..<(hi * 32)])
                        if let e = Poseidon.merkleRowIndexed(arity: arity, input: input, output: output) {
                            shared.value.2[i] = lo + e / arity
                        }
                    }
                }
            }
        }
        if let k = bad.compactMap({ $0 }).first {
            throw SealError.layerFile(path: path, detail: "label of node \(firstNode + k) is not a canonical field element (corrupt layer file)")
        }
    }

    /// out = key ± data element-wise in Fr, streamed in 8 MiB chunks.
    static func encode(key: String, data: String, out: String, nodes n: Int, subtract: Bool) throws {
        let k = try PositionalFile(readingAt: key), d = try PositionalFile(readingAt: data)
        guard try d.size() == UInt64(n * 32) else {
            throw SealError.unsealedSize(path: data, expected: UInt64(n * 32), actual: try d.size())
        }
        let o = try PositionalFile(creatingAt: out + ".tmp")
        let chunk = 1 << 18
        var a = [UInt8](repeating: 0, count: chunk * 32), b = a
        var v = 0
        while v < n {
            let m = min(chunk, n - v)
            try a.withUnsafeMutableBytes { try d.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<(m * 32)]), at: UInt64(v * 32)) }
            try b.withUnsafeMutableBytes { try k.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<(m * 32)]), at: UInt64(v * 32)) }
            var bad = 0
            let st = a.withUnsafeMutableBufferPointer { ab in
                b.withUnsafeBufferPointer { bb in
                    subtract ? ck_fr_sub_bytes_many(ab.baseAddress, ab.baseAddress, bb.baseAddress, m, &bad)
                        : ck_fr_add_bytes_many(ab.baseAddress, bb.baseAddress, ab.baseAddress, m, &bad)
                }
            }
            guard st == CK_OK else {
                throw SealError.layerFile(path: data, detail: "node \(v + bad) is not a canonical field element: the data is not Fr32-padded (or the key layer is corrupt)")
            }
            try a.withUnsafeBytes { try o.write(UnsafeRawBufferPointer(rebasing: $0[0..<(m * 32)]), at: UInt64(v * 32)) }
            v += m
        }
        guard rename(out + ".tmp", out) == 0 else { throw IOError(path: out, operation: "rename into place", code: errno) }
    }
}

/// Sealing and unsealing whole sectors.
public enum Sealer {
    public struct Sector: Sendable {
        public var unsealedPadded: String  // N × 32 bytes, Fr32-padded
        public var sealed: String
        public var cache: SectorCache
        public var sectorNumber: UInt64
        public var ticket: [UInt8]

        public init(unsealedPadded: String, sealed: String, cache: SectorCache, sectorNumber: UInt64, ticket: [UInt8]) {
            self.unsealedPadded = unsealedPadded
            self.sealed = sealed
            self.cache = cache
            self.sectorNumber = sectorNumber
            self.ticket = ticket
        }
    }

    public struct Result: Sendable {
        public var commitments: [SealCommitments]
        public var timings: [PhaseTiming]
        public var pc1: PreCommit1.Report
        public var parentCacheStatus: String
    }

    /// Seals 1, 2 or 4 sectors of one proof type: tree_d and comm_d, replica_id, PC1 (the
    /// sectors' labels interleaved), then PC2 per sector.
    public static func seal(sectors: [Sector], proof: RegisteredSealProof, proverID: [UInt8], parentCacheDirectory: String,
                            threads: Int = Parallel.processorCount, log: ((String) -> Void)? = nil) throws -> Result {
        precondition([1, 2, 4].contains(sectors.count))
        let n = proof.nodes
        var timings: [PhaseTiming] = []
        let clock = ContinuousClock()
        for s in sectors {
            let size = fileSize(s.unsealedPadded) ?? 0
            guard size == UInt64(n * 32) else { throw SealError.unsealedSize(path: s.unsealedPadded, expected: UInt64(n * 32), actual: size) }
            _ = mkdir(s.cache.directory, 0o755)
            try checkSpace(s.cache.directory, needed: UInt64(n * 32) * UInt64(proof.layers + 4))
        }
        let graph = try SDRGraph(proof: proof)
        var parents: MappedParentCache?
        let tp = try clock.measure { parents = try MappedParentCache(graph: graph, directory: parentCacheDirectory, threads: threads, log: log) }
        guard let parents else { throw SealError.unknownProof(proof.name) }
        timings.append(PhaseTiming(name: "parent_cache", seconds: durationSeconds(tp), detail: ["status": parents.status, "file": parents.path]))
        var commDs: [Commitment] = []
        var rids: [[UInt8]] = []
        let td = try clock.measure {
            for s in sectors {
                let d = try TreeD.build(paddedFile: s.unsealedPadded, treeFile: s.cache.treeD, threads: threads)
                commDs.append(d)
                rids.append(SealIDs.replicaID(proverID: proverID, sectorNumber: s.sectorNumber, ticket: s.ticket,
                                              commD: d.bytes, porepID: proof.porepID))
            }
        }
        timings.append(PhaseTiming(name: "pc1.tree_d", seconds: durationSeconds(td)))
        log?("pc1: labeling \(proof.layers) layers of \(n) nodes × \(sectors.count) sector(s)")
        let report = try PreCommit1.run(proof: proof, replicaIDs: rids, caches: sectors.map(\.cache), parents: parents) { l, s in
            let rate = Double(n * sectors.count) / s / 1e6
            log?("pc1: layer \(l) done in \(fixed(s, 2)) s (\(fixed(rate, 2)) M labels/s)")
        }
        timings.append(PhaseTiming(name: "pc1.labels", seconds: report.labelSeconds,
                                   detail: ["labels_per_second": fixed(report.labelsPerSecond, 0),
                                            "resumed_after_layer": "\(report.layersResumed)", "sectors_interleaved": "\(sectors.count)"]))
        var commitments: [SealCommitments] = []
        for (i, s) in sectors.enumerated() {
            log?("pc2: sector \(s.sectorNumber): tree_c, encoding, tree_r_last")
            commitments.append(try PreCommit2.run(proof: proof, cache: s.cache, unsealedPadded: s.unsealedPadded, sealed: s.sealed,
                                                  commD: commDs[i], replicaID: rids[i], threads: threads, timings: &timings, log: log))
        }
        return Result(commitments: commitments, timings: timings, pc1: report, parentCacheStatus: parents.status)
    }

    /// Recovers the Fr32-padded unsealed sector: data = replica − key (the last layer).
    public static func unseal(proof: RegisteredSealProof, sealed: String, cache: SectorCache, output: String) throws {
        let n = proof.nodes
        guard fileSize(sealed) == UInt64(n * 32) else {
            throw SealError.sealedFileSize(path: sealed, expected: UInt64(n * 32), actual: fileSize(sealed) ?? 0)
        }
        guard fileSize(cache.layer(proof.layers)) == UInt64(n * 32) else {
            throw SealError.layerFile(path: cache.layer(proof.layers), detail: "the key layer is missing or truncated; unsealing needs it (or a new PC1)")
        }
        try PreCommit2.encode(key: cache.layer(proof.layers), data: sealed, out: output, nodes: n, subtract: true)
    }

    static func checkSpace(_ dir: String, needed: UInt64) throws {
        var s = statvfs()
        guard statvfs(dir, &s) == 0 else { return }
        let free = UInt64(s.f_bavail) * UInt64(s.f_frsize)
        if free < needed { throw SealError.noSpace(path: dir, needed: needed, available: free) }
    }
}

extension PositionalFile {
    var descriptor: Int32 { fdValue }
}

func durationSeconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// x with `digits` decimals (Kernels has no Foundation formatting).
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let v = (abs(x) * scale).rounded()
    let whole = Int(v / scale), frac = Int(v - Double(whole) * scale)
    let fracText = digits == 0 ? "" : "." + String(String(frac).reversed()).padding(digits).reversedString
    return (x < 0 ? "-" : "") + "\(whole)" + fracText
}

private extension String {
    func padding(_ n: Int) -> String { self + String(repeating: "0", count: max(0, n - count)) }
    var reversedString: String { String(reversed()) }
}
