import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// The SDR graph of one (porep_id, N, api version) (porep-post.md §5): 6 DRG parents in the
/// same layer and 8 expander parents in the previous layer for every node.
public struct SDRGraph: Sendable {
    public let nodes: Int
    public let porepID: [UInt8]
    public let legacy: Bool
    let raw: ck_sdr_graph

    public init(porepID: [UInt8], nodes: Int, legacy: Bool) throws(SealError) {
        precondition(porepID.count == 32, "porep_id is 32 bytes")
        var g = ck_sdr_graph()
        let st = porepID.withUnsafeBufferPointer { ck_sdr_graph_init(&g, $0.baseAddress, UInt64(nodes), legacy ? 1 : 0) }
        guard st == CK_OK else { throw .sectorSizeUnsupported(UInt64(nodes) * 32) }
        self.nodes = nodes
        self.porepID = porepID
        self.legacy = legacy
        raw = g
    }

    public init(proof: RegisteredSealProof) throws(SealError) {
        try self.init(porepID: proof.porepID, nodes: proof.nodes, legacy: proof.isLegacy)
    }

    /// The 14 parents of v: 6 DRG (api order) then 8 expander.
    public func parents(of v: Int) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: 14)
        var g = raw
        _ = out.withUnsafeMutableBufferPointer { ck_sdr_parents_fill($0.baseAddress, &g, UInt64(v), 1) }
        return out
    }

    /// Feistel keys (§5.1), for the cache key.
    public var feistelKeys: [UInt64] { [raw.feistel_keys.0, raw.feistel_keys.1, raw.feistel_keys.2, raw.feistel_keys.3] }

    /// Fills rows for nodes [first, first + count) (14 u32 each) on up to `threads` threads.
    func fill(_ out: UnsafeMutablePointer<UInt32>?, first: Int, count: Int, threads: Int) {
        guard let out, count > 0 else { return }
        let parts = max(1, min(threads, count / 4096))
        let per = (count + parts - 1) / parts
        let p = UncheckedSendable(out)
        let g = raw
        Parallel.run(parts, threads: parts) { i in
            let lo = i * per, hi = min(count, lo + per)
            guard lo < hi else { return }
            var gg = g
            _ = ck_sdr_parents_fill(p.value + 14 * lo, &gg, UInt64(first + lo), UInt64(hi - lo))
        }
    }
}

/// The parent cache file of rust-fil-proofs (§5.4): N × 14 LE u32, named
/// `v28-sdr-parent-<hex>.cache`, checked against the digests upstream publishes.
public enum ParentCache {
    /// storage-proofs-porep/parent_cache.json of rust-fil-proofs (87348a74): cache key → SHA-256.
    public static let knownDigests: [String: String] = [
        "v28-sdr-parent-3f0eef38bb48af1f48ad65e14eb85b4ebfc167cec18cd81764f6d998836c9899": "3da49221e2ed55371b86d0bf3d6526fcf128af61bed904f966428db1b531750d",
        "v28-sdr-parent-494d91dc80f2df5272c4b9e129bc7ade9405225993af9fe34e6542a39a47554b": "840057702eea7652cf97e04306c30fe57174714d90de156a25eddd6075c25b97",
        "v28-sdr-parent-dcdabb0fbe4364bf0ac28b6a18c66de246409fa1a9020a00f33fb3e3053da6dc": "a76604f2f59f2744c7151653bbb1d8596b6b57d295e6fa6c1f0c41d725b502ce",
        "v28-sdr-parent-5eed212119fd91aa6220a27f31a8966444a9381842bceb3a1ea61525bd47a5b5": "03cd13565ded97c240a5f52e54295ad127bd0461b57904cb3a4d79b097bbecab",
        "v28-sdr-parent-2aa9c77c3e58259481351cc4be2079cc71e1c9af39700866545c043bfa30fb42": "3adcc092423aa76d6a7184016893406da44dd974b219a89cd3ece25e4e3018f5",
        "v28-sdr-parent-7ba215a1d2345774ab90b8cb1158d296e409d6068819d7b8c7baf0b25d63dc34": "b5877d1963793efebc261fd8fde4dd6bc59e6b5c7abf52617a4ee023b8dc173a",
        "v28-sdr-parent-e1fa5d5b811ddbd118be3412c4a8c329156b8b8acc72632bca459455b5a05a13": "3c4f9841fcc75aed8c695800e58d08480629f25af3a2aefd81904181d75cc0b6",
        "v28-sdr-parent-21981246c370f9d76c7a77ab273d94bde0ceb4e938292334960bce05585dc117": "93deeac5e3052b6927467d4b2641bb782f05491de18d510147c93eeedd8672da",
        "v28-sdr-parent-8a99e8d6b6be7ab87a56b632e6739ff201c23ea14e99737c74690f0e265574d6": "2778a732ad46a7dc18e0564dfdf59fd321dcde74ab476fd6d3c4e6735d7cd89c",
        "v28-sdr-parent-4905486b7af19558ac3649bc6261411858b6add534438878c4ee3b29d8b9de0b": "2698b74eb2606b55b98d8b095e18b6320b47f46e00075956d48640ccd1641b03",
    ]

    /// "v28-sdr-parent-" + hex(SHA256("poseidon_hasher" || identifier || LE64 keys || LE32(N))).
    public static func key(graph: SDRGraph) -> String {
        let identifier = "stacked_graph::StackedGraph{expansion_degree: 8 base_graph: drgraph::BucketGraph{size: \(graph.nodes); degree: 6; hasher: poseidon_hasher} }"
        var msg = Array("poseidon_hasher".utf8) + Array(identifier.utf8)
        for k in graph.feistelKeys { msg += (0..<8).map { UInt8(truncatingIfNeeded: k >> (8 * UInt64($0))) } }
        msg += (0..<4).map { UInt8(truncatingIfNeeded: UInt32(graph.nodes) >> (8 * UInt32($0))) }
        return "v28-sdr-parent-" + Hex.encode(SHA256.hash(msg))
    }

    public static func fileName(graph: SDRGraph) -> String { key(graph: graph) + ".cache" }

    /// The whole cache in memory (small sectors, fixtures).
    public static func bytes(graph: SDRGraph, threads: Int = Parallel.processorCount) -> [UInt8] {
        var rows = [UInt32](repeating: 0, count: 14 * graph.nodes)
        rows.withUnsafeMutableBufferPointer { graph.fill($0.baseAddress, first: 0, count: graph.nodes, threads: threads) }
        return rows.withUnsafeBytes { Array($0) } // little-endian hosts
    }

    /// SHA-256 of the cache file content, generated in bounded memory.
    public static func digest(graph: SDRGraph, threads: Int = Parallel.processorCount) -> String {
        var h = SHA256()
        let chunk = 1 << 20 // large ranges: the fill tabulates the Feistel function once per call
        var rows = [UInt32](repeating: 0, count: 14 * chunk)
        var v = 0
        while v < graph.nodes {
            let n = min(chunk, graph.nodes - v)
            rows.withUnsafeMutableBufferPointer { graph.fill($0.baseAddress, first: v, count: n, threads: threads) }
            rows.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<(n * 56)])) }
            v += n
        }
        return Hex.encode(h.finalize())
    }
}

/// A parent cache file opened for sealing: verified (or rebuilt) and memory-mapped.
public final class MappedParentCache: @unchecked Sendable {
    public let path: String
    public let nodes: Int
    public let digest: String
    /// What happened when it was opened (for the user): "verified", "generated", "rebuilt: …".
    public let status: String
    let base: UnsafeMutableRawPointer
    let length: Int

    /// Opens `<directory>/<key>.cache`, generating it when missing and rebuilding it when
    /// its digest differs from the known one (or, for a graph upstream does not list, when
    /// its size is wrong).
    public init(graph: SDRGraph, directory: String, threads: Int = Parallel.processorCount,
                log: ((String) -> Void)? = nil) throws {
        let key = ParentCache.key(graph: graph)
        path = "\(directory)/\(key).cache"
        nodes = graph.nodes
        length = graph.nodes * 56
        let known = ParentCache.knownDigests[key]
        _ = mkdir(directory, 0o755)
        var status = "verified"
        var existing: String?
        if let size = fileSize(path) {
            if size == UInt64(length) {
                existing = try Self.hashFile(path)
                if let k = known, existing != k {
                    status = "rebuilt: \(SealError.parentCacheDigest(path: path, expected: k, actual: existing ?? ""))"
                    existing = nil
                }
            } else {
                status = "rebuilt: \(path) is \(size) bytes, expected \(length) (truncated)"
            }
        } else {
            status = "generated"
        }
        if existing == nil {
            log?("parent cache: \(status == "generated" ? "generating" : status) \(path)")
            existing = try Self.generate(graph: graph, path: path, threads: threads)
            if let k = known, existing != k {
                throw SealError.parentCacheDigest(path: path, expected: k, actual: existing ?? "")
            }
        }
        digest = existing ?? ""
        self.status = status
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IOError(path: path, operation: "open", code: errno) }
        defer { close(fd) }
        guard let m = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), m != MAP_FAILED else {
            throw IOError(path: path, operation: "mmap", code: errno)
        }
        base = m
    }

    deinit { munmap(base, length) }

    /// The rows (14 u32 per node).
    public var rows: UnsafePointer<UInt32> { UnsafePointer(base.assumingMemoryBound(to: UInt32.self)) }

    static func generate(graph: SDRGraph, path: String, threads: Int) throws -> String {
        let tmp = path + ".tmp"
        let out = try PositionalFile(creatingAt: tmp)
        var h = SHA256()
        let chunk = 1 << 20 // large ranges: the fill tabulates the Feistel function once per call
        var rows = [UInt32](repeating: 0, count: 14 * chunk)
        var v = 0
        while v < graph.nodes {
            let n = min(chunk, graph.nodes - v)
            rows.withUnsafeMutableBufferPointer { graph.fill($0.baseAddress, first: v, count: n, threads: threads) }
            try rows.withUnsafeBytes { b in
                let part = UnsafeRawBufferPointer(rebasing: b[0..<(n * 56)])
                h.update(part)
                try out.write(part, at: UInt64(v) * 56)
            }
            v += n
        }
        guard rename(tmp, path) == 0 else { throw IOError(path: path, operation: "rename the new parent cache into place", code: errno) }
        return Hex.encode(h.finalize())
    }

    static func hashFile(_ path: String) throws -> String {
        let f = try FileSource(path: path)
        var h = SHA256()
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var src = f
        while true {
            let n = try buf.withUnsafeMutableBytes { try src.readFully(into: $0) }
            if n == 0 { break }
            buf.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return Hex.encode(h.finalize())
    }
}

func fileSize(_ path: String) -> UInt64? {
    var st = stat()
    guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    return UInt64(st.st_size)
}

/// Labels of small sectors held in memory (fixtures, tests): every layer of one sector.
public enum SDRLabels {
    /// layers × N × 32 bytes, layer 1 first. `portable` forces the portable SHA-256 path.
    public static func compute(graph: SDRGraph, replicaID: [UInt8], layers: Int, portable: Bool = false) throws -> [[UInt8]] {
        precondition(replicaID.count == 32)
        let parents = ParentCache.bytes(graph: graph)
        var out: [[UInt8]] = []
        var prev = [UInt8](repeating: 0, count: graph.nodes * 32)
        for l in 1...layers {
            var cur = [UInt8](repeating: 0, count: graph.nodes * 32)
            let st = parents.withUnsafeBytes { pb in
                cur.withUnsafeMutableBufferPointer { cb in
                    prev.withUnsafeBufferPointer { prb in
                        replicaID.withUnsafeBufferPointer { rb in
                            var c: [UnsafeMutablePointer<UInt8>?] = [cb.baseAddress]
                            var p: [UnsafePointer<UInt8>?] = [l == 1 ? nil : prb.baseAddress]
                            var r: [UnsafePointer<UInt8>?] = [rb.baseAddress]
                            let rows = pb.baseAddress?.assumingMemoryBound(to: UInt32.self)
                            return portable
                                ? ck_sdr_label_layer_portable(&c, &p, rows, UInt64(graph.nodes), &r, UInt32(l), 1)
                                : ck_sdr_label_layer(&c, &p, rows, UInt64(graph.nodes), &r, UInt32(l), 1)
                        }
                    }
                }
            }
            guard st == CK_OK else { throw SealError.layerFile(path: "(memory)", detail: "labeling failed (\(st))") }
            out.append(cur)
            prev = cur
        }
        return out
    }
}
