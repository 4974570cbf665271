import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// Which rows of each base tree are written to disk.
public enum TreeStorage: Sendable, Equatable {
    /// Every row, leaves first, root last (tree_c: `sc-02-data-tree-c[-i].dat`).
    case allRows
    /// Only the rows above the lowest `rowsToDiscard` rows above the leaves; the leaves are
    /// read from the leaf file (tree_r_last: the replica) and the discarded rows rebuilt
    /// when a proof needs them (merkletree's LevelCacheStore).
    case levelCache(rowsToDiscard: Int)

    /// Lowest stored height (0 = the leaves).
    func lowestStoredHeight(levels: Int) -> Int {
        switch self {
        case .allRows: 0
        case .levelCache(let d): min(d + 1, levels)
        }
    }
}

/// The on-disk Poseidon tree of a sector (porep-post.md §3): one file per base tree in the
/// cache directory, `sc-02-data-<name>.dat` for a single base tree or
/// `sc-02-data-<name>-<i>.dat` for several, each holding its stored rows bottom-up.
public struct PoseidonTreeFiles: Sendable {
    public let directory: String
    /// "tree-c" or "tree-r-last".
    public let name: String
    public let shape: TreeShape
    public let leafCount: Int
    public let storage: TreeStorage
    public let baseLevels: Int

    public init(directory: String, name: String, shape: TreeShape, leafCount: Int, storage: TreeStorage)
        throws(PoseidonTreeError)
    {
        self.directory = directory
        self.name = name
        self.shape = shape
        self.leafCount = leafCount
        self.storage = storage
        baseLevels = try shape.baseLevels(leafCount: leafCount)
    }

    public var leavesPerBaseTree: Int { leafCount / shape.baseTreeCount }

    public func path(baseTree b: Int) -> String {
        shape.baseTreeCount == 1 ? "\(directory)/sc-02-data-\(name).dat" : "\(directory)/sc-02-data-\(name)-\(b).dat"
    }

    /// Nodes in row `h` of a base tree.
    func rowNodes(_ h: Int) -> Int {
        var n = leavesPerBaseTree
        for _ in 0..<h { n /= shape.base }
        return n
    }

    /// First node of each stored row in a base tree file (nil for rows not stored).
    func rowStart(_ h: Int) -> Int? {
        let low = storage.lowestStoredHeight(levels: baseLevels)
        guard h >= low && h <= baseLevels else { return nil }
        return (low..<h).reduce(0) { $0 + rowNodes($1) }
    }

    /// Bytes of one base tree file.
    public var fileBytes: UInt64 {
        let low = storage.lowestStoredHeight(levels: baseLevels)
        return UInt64((low...baseLevels).reduce(0) { $0 + rowNodes($1) }) * 32
    }

    /// Builds every base tree file from a leaf file of leafCount × 32 bytes (the replica
    /// for tree_r_last, the column hashes for tree_c) starting at `leafOffset`, on up to
    /// `threads` threads, and returns the roots. Memory stays bounded (≤ 2^18 leaves per
    /// thread in flight) whatever the size.
    @discardableResult
    public func build(leafFile: String, leafOffset: UInt64 = 0, threads: Int = Parallel.processorCount,
                      progress: (@Sendable (Double) -> Void)? = nil) throws -> PoseidonTreeRoots {
        let leaves = try PositionalFile(readingAt: leafFile)
        let need = leafOffset + UInt64(leafCount) * 32
        let size = try leaves.size()
        guard size >= need else { throw PoseidonTreeError.leafFileShort(path: leafFile, needed: need, size: size) }
        var baseRoots: [Fr] = []
        for b in 0..<shape.baseTreeCount {
            let out = try PositionalFile(creatingAt: path(baseTree: b))
            try out.truncate(to: fileBytes)
            let root = try buildBaseTree(leaves: leaves, leafOffset: leafOffset + UInt64(b * leavesPerBaseTree) * 32,
                                         firstLeaf: UInt64(b * leavesPerBaseTree), out: out, threads: threads) {
                progress?((Double(b) + $0) / Double(shape.baseTreeCount))
            }
            baseRoots.append(root)
        }
        return PoseidonTreeRoots(shape: shape, baseRoots: baseRoots)
    }

    /// Leaves per chunk: a power of the arity, at most 2^18 (8 MiB), small enough that
    /// every thread gets at least two chunks when the tree allows it.
    func chunkHeight(threads: Int) -> Int {
        var k = 1
        while k < baseLevels && rowNodes(0) / rowNodes(k + 1) <= 1 << 18 { k += 1 }
        while k > 1 && rowNodes(k) < 2 * threads { k -= 1 }
        return k
    }

    private func buildBaseTree(leaves: PositionalFile, leafOffset: UInt64, firstLeaf: UInt64, out: PositionalFile,
                               threads: Int, progress: @escaping (Double) -> Void) throws -> Fr {
        let a = shape.base
        let k = chunkHeight(threads: threads)
        let chunkLeaves = rowNodes(0) / rowNodes(k)
        let chunks = rowNodes(k)
        let workers = max(1, min(threads, chunks))
        var chunkRoots = [UInt8](repeating: 0, count: chunks * 32)
        var failures = [Error?](repeating: nil, count: workers)
        let done = ProgressCounter(total: chunks, report: progress)
        chunkRoots.withUnsafeMutableBytes { rootsBuf in
            failures.withUnsafeMutableBufferPointer { fails in
                let shared = UncheckedSendable((rootsBuf, fails))
                Parallel.run(workers, threads: workers) { w in
                    // One buffer per worker: the chunk's leaves, then each row above them.
                    var buf = [UInt8](repeating: 0, count: chunkLeaves * 32 * 2)
                    do {
                        var c = w
                        while c < chunks {
                            try buf.withUnsafeMutableBytes { mem in
                                let leafBytes = chunkLeaves * 32
                                let leafBuf = UnsafeMutableRawBufferPointer(rebasing: mem[0..<leafBytes])
                                try leaves.read(into: leafBuf, at: leafOffset + UInt64(c * leafBytes))
                                if let s = rowStart(0) { try out.write(UnsafeRawBufferPointer(leafBuf), at: UInt64((s + c * chunkLeaves) * 32)) }
                                var inOff = 0, outOff = leafBytes, n = chunkLeaves
                                for h in 1...k {
                                    let rowBytes = n / a * 32
                                    let src = UnsafeRawBufferPointer(rebasing: mem[inOff..<(inOff + n * 32)])
                                    let dst = UnsafeMutableRawBufferPointer(rebasing: mem[outOff..<(outOff + rowBytes)])
                                    if let bad = Poseidon.merkleRowIndexed(arity: a, input: src, output: dst) {
                                        // Only leaves can be non-canonical: every row above is our own output.
                                        throw PoseidonTreeError.nonCanonicalLeaf(
                                            index: firstLeaf + UInt64(c * chunkLeaves + bad),
                                            hex: Hex.encode(UnsafeRawBufferPointer(rebasing: src[(bad * 32)..<(bad * 32 + 32)])))
                                    }
                                    if let s = rowStart(h) { try out.write(UnsafeRawBufferPointer(dst), at: UInt64((s + c * (n / a)) * 32)) }
                                    n /= a
                                    // Alternate halves of the buffer: rows shrink by the arity.
                                    swap(&inOff, &outOff)
                                }
                                let root = UnsafeRawBufferPointer(rebasing: mem[inOff..<(inOff + 32)])
                                UnsafeMutableRawBufferPointer(rebasing: shared.value.0[(c * 32)..<(c * 32 + 32)]).copyMemory(from: root)
                            }
                            done.add(1)
                            c += workers
                        }
                    } catch {
                        shared.value.1[w] = error
                    }
                }
            }
        }
        if let e = failures.compactMap({ $0 }).first { throw e }
        // Rows above the chunk roots, in memory.
        var cur = chunkRoots
        for h in (k + 1)...max(k + 1, baseLevels) where h <= baseLevels {
            var next = [UInt8](repeating: 0, count: cur.count / a)
            try cur.withUnsafeBytes { src in
                try next.withUnsafeMutableBytes { dst in
                    if Poseidon.merkleRowIndexed(arity: a, input: src, output: dst) != nil {
                        throw PoseidonTreeError.treeMismatch(path: out.path, detail: "an internal node is not canonical")
                    }
                    if let s = rowStart(h) { try out.write(UnsafeRawBufferPointer(dst), at: UInt64(s * 32)) }
                }
            }
            cur = next
        }
        return try Fr(bytes: cur[0..<32])
    }

    /// The roots, read from the last node of every base tree file.
    public func roots() throws -> PoseidonTreeRoots {
        var baseRoots: [Fr] = []
        for b in 0..<shape.baseTreeCount {
            let f = try openChecked(b)
            baseRoots.append(try f.node(at: fileBytes / 32 - 1))
        }
        return PoseidonTreeRoots(shape: shape, baseRoots: baseRoots)
    }

    func openChecked(_ b: Int) throws -> PositionalFile {
        let p = path(baseTree: b)
        let f = try PositionalFile(readingAt: p)
        let size = try f.size()
        guard size == fileBytes else { throw PoseidonTreeError.treeFileSize(path: p, expected: fileBytes, actual: size) }
        return f
    }

    /// An inclusion proof of leaf `index` (global node index). With level-cache storage
    /// the leaves come from `leafFile` (the replica) and the discarded rows are rebuilt
    /// for the one subtree the path crosses; its top must equal the stored node.
    public func proof(leaf index: UInt64, leafFile: String? = nil, leafOffset: UInt64 = 0) throws -> PoseidonMerkleProof {
        try proof(leaf: index, leafFile: leafFile, leafOffset: leafOffset, context: ProofContext())
    }

    /// Proofs of several leaves, opening each file and reading the roots once (PoSt).
    public func proofs(leaves: [UInt64], leafFile: String? = nil, leafOffset: UInt64 = 0) throws -> [PoseidonMerkleProof] {
        let ctx = ProofContext()
        return try leaves.map { try proof(leaf: $0, leafFile: leafFile, leafOffset: leafOffset, context: ctx) }
    }

    /// Files and roots shared by the proofs of one batch.
    final class ProofContext {
        var files: [Int: PositionalFile] = [:]
        var leaves: (path: String, file: PositionalFile)?
        var roots: PoseidonTreeRoots?
        var subtrees: [Int: [[UInt8]]] = [:]
    }

    private func proof(leaf index: UInt64, leafFile: String?, leafOffset: UInt64, context ctx: ProofContext) throws -> PoseidonMerkleProof {
        guard index < UInt64(leafCount) else { throw PoseidonTreeError.leafIndexOutOfRange(index, leaves: UInt64(leafCount)) }
        let a = shape.base, n = leavesPerBaseTree
        let b = Int(index / UInt64(n))
        var j = Int(index % UInt64(n))
        let file: PositionalFile
        if let f = ctx.files[b] { file = f } else {
            file = try openChecked(b)
            ctx.files[b] = file
        }
        let low = storage.lowestStoredHeight(levels: baseLevels)
        var path: [PoseidonPathElement] = []
        var leaf: Fr
        if low == 0 {
            leaf = try file.node(at: UInt64(j))
        } else {
            guard let lf = leafFile else { throw PoseidonTreeError.storageNeedsLeafFile }
            // Rebuild the rows below the lowest stored one for the subtree over leaf j.
            let span = n / rowNodes(low)
            let first = j - j % span
            let leaves: PositionalFile
            if let l = ctx.leaves, l.path == lf { leaves = l.file } else {
                leaves = try PositionalFile(readingAt: lf)
                let need = leafOffset + UInt64(leafCount) * 32
                let size = try leaves.size()
                guard size >= need else { throw PoseidonTreeError.leafFileShort(path: lf, needed: need, size: size) }
                ctx.leaves = (lf, leaves)
            }
            // The rebuilt rows of this subtree; several challenges of one batch may share it.
            let rows: [[UInt8]]
            if let cached = ctx.subtrees[b * n + first] { rows = cached } else {
                var built: [[UInt8]] = [[UInt8](repeating: 0, count: span * 32)]
                try built[0].withUnsafeMutableBytes {
                    try leaves.read(into: $0, at: leafOffset + UInt64(b * n + first) * 32)
                }
                for _ in 0..<low {
                    let prev = built[built.count - 1]
                    var next = [UInt8](repeating: 0, count: prev.count / a)
                    let bad = prev.withUnsafeBytes { src in
                        next.withUnsafeMutableBytes { Poseidon.merkleRowIndexed(arity: a, input: src, output: $0) }
                    }
                    if let bad {
                        throw PoseidonTreeError.nonCanonicalLeaf(index: UInt64(b * n + first + bad),
                                                                 hex: Hex.encode(prev[(bad * 32)..<(bad * 32 + 32)]))
                    }
                    built.append(next)
                }
                rows = built
                ctx.subtrees[b * n + first] = built
            }
            let row0 = rows[0]
            leaf = try Fr(bytes: row0[((j - first) * 32)..<((j - first) * 32 + 32)])
            var local = j - first
            for h in 0..<low {
                let g = local - local % a
                let row = rows[h]
                let sib = try (g..<(g + a)).filter { $0 != local }.map { try Fr(bytes: row[($0 * 32)..<($0 * 32 + 32)]) }
                path.append(PoseidonPathElement(siblings: sib, index: local % a))
                local /= a
            }
            let rebuilt = try Fr(bytes: rows[low][0..<32])
            let stored = try file.node(at: UInt64((rowStart(low) ?? 0) + j / span))
            guard rebuilt == stored else {
                throw PoseidonTreeError.treeMismatch(
                    path: self.path(baseTree: b),
                    detail: "node over leaves \(b * n + first)..<\(b * n + first + span) is \(stored.hex) on disk but \(rebuilt.hex) from the leaf file")
            }
            j /= span
        }
        for h in low..<baseLevels {
            let g = j - j % a
            let start = rowStart(h) ?? 0
            let group = try file.nodes(at: UInt64(start + g), count: a)
            path.append(PoseidonPathElement(siblings: (0..<a).filter { $0 != j % a }.map { group[$0] }, index: j % a))
            j /= a
        }
        let roots: PoseidonTreeRoots
        if let r = ctx.roots { roots = r } else {
            roots = try self.roots()
            ctx.roots = roots
        }
        let sub = PoseidonTree.level(roots.baseRoots, at: b, arity: shape.sub)
        let top = PoseidonTree.level(roots.subRoots, at: b / max(shape.sub, 1), arity: shape.top)
        return PoseidonMerkleProof(leaf: leaf, root: roots.root, base: path, sub: sub, top: top)
    }
}

/// Base roots and the sub/top composition above them.
public struct PoseidonTreeRoots: Sendable, Equatable {
    public let shape: TreeShape
    public let baseRoots: [Fr]
    public var subRoots: [Fr] { shape.sub == 0 ? baseRoots : PoseidonTree.groups(baseRoots, shape.sub) }
    public var root: Fr { shape.top == 0 ? subRoots[0] : PoseidonTree.groups(subRoots, shape.top)[0] }
}

/// Thread-safe progress reporting for Parallel.run workers.
final class ProgressCounter: @unchecked Sendable {
    private var done = 0
    private let total: Int
    private let report: (Double) -> Void
    private var lock = pthread_mutex_t()

    init(total: Int, report: @escaping (Double) -> Void) {
        self.total = max(total, 1)
        self.report = report
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    func add(_ n: Int) {
        pthread_mutex_lock(&lock)
        done += n
        let f = Double(done) / Double(total)
        pthread_mutex_unlock(&lock)
        report(f)
    }
}

/// A file read and written at explicit offsets (pread/pwrite), safe to share between
/// threads that touch disjoint ranges.
final class PositionalFile: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(readingAt path: String) throws(IOError) {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IOError(path: path, operation: "open", code: errno) }
    }

    init(creatingAt path: String) throws(IOError) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw IOError(path: path, operation: "create", code: errno) }
    }

    deinit { close(fd) }

    var fdValue: Int32 { fd }

    func size() throws(IOError) -> UInt64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw IOError(path: path, operation: "stat", code: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw IOError(path: path, operation: "use (not a regular file)", code: EINVAL) }
        return UInt64(st.st_size)
    }

    func truncate(to bytes: UInt64) throws(IOError) {
        guard ftruncate(fd, off_t(bytes)) == 0 else { throw IOError(path: path, operation: "resize", code: errno) }
    }

    func read(into buf: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        guard let base = buf.baseAddress else { return }
        var done = 0
        while done < buf.count {
            let n = pread(fd, base + done, buf.count - done, off_t(offset) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw IOError(path: path, operation: "read \(buf.count) bytes at offset \(offset)", code: n < 0 ? errno : EIO)
            }
            done += n
        }
    }

    func write(_ buf: UnsafeRawBufferPointer, at offset: UInt64) throws {
        guard let base = buf.baseAddress else { return }
        var done = 0
        while done < buf.count {
            let n = pwrite(fd, base + done, buf.count - done, off_t(offset) + off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw IOError(path: path, operation: "write", code: n < 0 ? errno : EIO) }
            done += n
        }
    }

    func nodes(at index: UInt64, count: Int) throws -> [Fr] {
        var b = [UInt8](repeating: 0, count: 32 * count)
        try b.withUnsafeMutableBytes { try read(into: $0, at: index * 32) }
        return try (0..<count).map { i in
            do { return try Fr(bytes: b[(32 * i)..<(32 * i + 32)]) } catch {
                throw PoseidonTreeError.treeMismatch(path: path, detail: "node \(index + UInt64(i)) is not a canonical field element")
            }
        }
    }

    func node(at index: UInt64) throws -> Fr { try nodes(at: index, count: 1)[0] }
}
