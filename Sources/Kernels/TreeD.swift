import CKernels
#if canImport(Glibc)
import Glibc
#endif

public enum TreeDError: Error, Equatable, CustomStringConvertible {
    case leafCountNotPowerOfTwo(bytes: UInt64)
    case leafIndexOutOfRange(UInt64, leaves: UInt64)
    case treeFileSize(path: String, bytes: UInt64)
    case dataFileShort(path: String, expected: UInt64, got: UInt64)

    public var description: String {
        switch self {
        case .leafCountNotPowerOfTwo(let b):
            "padded data of \(b) bytes is not a power-of-two number of 32-byte leaves"
        case .leafIndexOutOfRange(let i, let n): "leaf \(i) is outside the tree's \(n) leaves"
        case .treeFileSize(let p, let b):
            "\(p): \(b) bytes is not the size of a tree_d file ((2N-1)·32 bytes for N a power of two)"
        case .dataFileShort(let p, let e, let g): "\(p): expected \(e) bytes, could read only \(g)"
        }
    }
}

/// An inclusion proof in the SHA-256 binary tree: the leaf, its siblings from the leaf
/// row up, and the root they lead to.
public struct TreeDProof: Sendable, Equatable {
    public var leafIndex: UInt64
    public var leaf: Commitment
    public var siblings: [Commitment]
    public var root: Commitment

    public init(leafIndex: UInt64, leaf: Commitment, siblings: [Commitment], root: Commitment) {
        self.leafIndex = leafIndex
        self.leaf = leaf
        self.siblings = siblings
        self.root = root
    }

    /// The root this path leads to.
    public func computedRoot() -> Commitment {
        var node = leaf
        var index = leafIndex
        for s in siblings {
            node = index & 1 == 0 ? parent(node, s) : parent(s, node)
            index >>= 1
        }
        return node
    }

    /// True when the path leads from the leaf to `root` (and the index fits the path).
    public func verify() -> Bool {
        siblings.count < 64 && leafIndex >> UInt64(siblings.count) == 0 && computedRoot() == root
    }
}

/// The sha2-256-trunc254-padded tree (`tree_d`) of Fr32-padded data, all rows kept in the
/// layout of `sc-02-data-tree-d.dat`: leaves first, then each parent row, root last.
public struct TreeD: Sendable {
    public let leafCount: Int
    /// (2·leafCount − 1) × 32 bytes.
    public let nodes: [UInt8]

    /// Builds the tree over padded data (a power-of-two number of 32-byte leaves).
    public init(paddedData: [UInt8], threads: Int = Parallel.processorCount) throws(TreeDError) {
        let n = paddedData.count / 32
        guard paddedData.count % 32 == 0, n > 0, n & (n - 1) == 0 else {
            throw .leafCountNotPowerOfTwo(bytes: UInt64(paddedData.count))
        }
        leafCount = n
        var all = [UInt8](repeating: 0, count: (2 * n - 1) * 32)
        all.withUnsafeMutableBufferPointer { dst in
            paddedData.withUnsafeBufferPointer { dst.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
            var rowStart = 0, rowLen = n
            while rowLen > 1 {
                let base = dst.baseAddress!
                TreeD.parents(out: base + 32 * (rowStart + rowLen), in: base + 32 * rowStart,
                              pairs: rowLen / 2, threads: threads)
                rowStart += rowLen
                rowLen /= 2
            }
        }
        nodes = all
    }

    public var root: Commitment {
        nodes.withUnsafeBytes { Commitment(UnsafeRawBufferPointer(rebasing: $0[(nodes.count - 32)...])) }
    }

    public func proof(leaf index: Int) throws(TreeDError) -> TreeDProof {
        guard index >= 0, index < leafCount else {
            throw .leafIndexOutOfRange(UInt64(max(0, index)), leaves: UInt64(leafCount))
        }
        func node(_ i: UInt64) -> Commitment {
            let o = Int(i) * 32
            return nodes.withUnsafeBytes { Commitment(UnsafeRawBufferPointer(rebasing: $0[o..<(o + 32)])) }
        }
        let siblings = TreeD.siblingIndices(leaf: UInt64(index), leaves: UInt64(leafCount)).map(node)
        return TreeDProof(leafIndex: UInt64(index), leaf: node(UInt64(index)), siblings: siblings, root: root)
    }

    /// Indices, in the all-rows layout, of the siblings on the path from `leaf` to the root.
    static func siblingIndices(leaf: UInt64, leaves n: UInt64) -> [UInt64] {
        var out: [UInt64] = []
        var rowStart: UInt64 = 0, rowLen = n, i = leaf
        while rowLen > 1 {
            out.append(rowStart + (i ^ 1))
            rowStart += rowLen
            rowLen /= 2
            i >>= 1
        }
        return out
    }

    /// Parent row on up to `threads` threads (split only when the row is large).
    static func parents(out: UnsafeMutablePointer<UInt8>, in input: UnsafePointer<UInt8>, pairs: Int,
                        threads: Int) {
        let parts = pairs >= 1 << 14 ? max(1, threads) : 1
        let per = (pairs + parts - 1) / parts
        let p = UncheckedSendable((out, input))
        Parallel.run(parts, threads: parts) { k in
            let lo = k * per, hi = min(pairs, lo + per)
            if lo < hi { _ = ck_tree_d_parents(p.value.0 + 32 * lo, p.value.1 + 64 * lo, hi - lo) }
        }
    }

    /// Root over leaves in memory (a power-of-two count), without keeping the rows.
    public static func root(leaves: UnsafeRawBufferPointer, threads: Int = Parallel.processorCount)
        throws(TreeDError) -> Commitment
    {
        let n = leaves.count / 32
        guard leaves.count % 32 == 0, n > 0, n & (n - 1) == 0 else {
            throw .leafCountNotPowerOfTwo(bytes: UInt64(leaves.count))
        }
        if n == 1 { return Commitment(leaves) }
        // Rows alternate between two buffers: a row split across threads cannot be
        // hashed in place (one thread's output would overwrite another's input).
        var a = [UInt8](repeating: 0, count: n / 2 * 32)
        var b = [UInt8](repeating: 0, count: max(32, n / 4 * 32))
        return a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                parents(out: pa.baseAddress!, in: leaves.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        pairs: n / 2, threads: threads)
                var src = pa.baseAddress!, dst = pb.baseAddress!
                var len = n / 2
                while len > 1 {
                    parents(out: dst, in: src, pairs: len / 2, threads: threads)
                    swap(&src, &dst)
                    len /= 2
                }
                return Commitment(UnsafeRawBufferPointer(start: src, count: 32))
            }
        }
    }

    /// Leaves per chunk when building from a file: 2^15 (1 MiB).
    static let fileChunkLeaves = 1 << 15

    /// Builds `treeFile` (the sc-02-data-tree-d.dat layout) from a padded data file,
    /// streaming in 1 MiB chunks (memory stays at a few MiB whatever the size); returns
    /// the root (CommD of a sector file, CommP of a padded piece).
    public static func build(paddedFile: String, treeFile: String, threads: Int = Parallel.processorCount)
        throws -> Commitment
    {
        var src = try FileSource(path: paddedFile)
        guard let size = src.regularFileSize else {
            throw IOError(path: paddedFile, operation: "size (not a regular file)", code: EINVAL)
        }
        let n = Int(size / 32)
        guard size % 32 == 0, n > 0, n & (n - 1) == 0 else { throw TreeDError.leafCountNotPowerOfTwo(bytes: size) }
        let out = try FileSink(path: treeFile)
        if n <= fileChunkLeaves {
            var data = [UInt8](repeating: 0, count: Int(size))
            let got = try data.withUnsafeMutableBytes { try src.readFully(into: $0) }
            guard got == data.count else {
                throw TreeDError.dataFileShort(path: paddedFile, expected: size, got: UInt64(got))
            }
            let tree = try TreeD(paddedData: data, threads: threads)
            try tree.nodes.withUnsafeBytes { try out.write($0) }
            return tree.root
        }
        let chunk = fileChunkLeaves, chunkLevels = chunk.trailingZeroBitCount, chunkBytes = chunk * 32
        let chunks = n / chunk
        let workers = max(1, min(threads, chunks))
        var data = [UInt8](repeating: 0, count: chunkBytes * workers)
        var rows = [UInt8](repeating: 0, count: chunkBytes * workers)  // rows 1... of each chunk
        // Row r of the whole tree starts at node rowStart[r].
        var rowStart = [0]
        var len = n
        while len > 1 {
            rowStart.append(rowStart[rowStart.count - 1] + len)
            len /= 2
        }
        var roots = [UInt8]()
        var c = 0
        while c < chunks {
            let batch = min(workers, chunks - c)
            let got = try data.withUnsafeMutableBytes {
                try src.readFully(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<(batch * chunkBytes)]))
            }
            guard got == batch * chunkBytes else {
                throw TreeDError.dataFileShort(path: paddedFile, expected: size, got: UInt64(c * chunkBytes + got))
            }
            data.withUnsafeBufferPointer { d in
                rows.withUnsafeMutableBufferPointer { r in
                    let p = UncheckedSendable((d.baseAddress!, r.baseAddress!))
                    Parallel.run(batch, threads: batch) { k in
                        var input = p.value.0 + k * chunkBytes
                        var o = p.value.1 + k * chunkBytes
                        var l = chunk
                        while l > 1 {
                            _ = ck_tree_d_parents(o, input, l / 2)
                            input = UnsafePointer(o)
                            o += l / 2 * 32
                            l /= 2
                        }
                    }
                }
            }
            for k in 0..<batch {
                let ci = c + k
                try data.withUnsafeBytes {
                    try out.pwrite(UnsafeRawBufferPointer(rebasing: $0[(k * chunkBytes)..<((k + 1) * chunkBytes)]),
                                   at: UInt64(ci * chunkBytes))
                }
                var off = k * chunkBytes, l = chunk / 2
                for r in 1...chunkLevels {
                    try rows.withUnsafeBytes {
                        try out.pwrite(UnsafeRawBufferPointer(rebasing: $0[off..<(off + l * 32)]),
                                       at: UInt64((rowStart[r] + ci * l) * 32))
                    }
                    off += l * 32
                    l /= 2
                }
                roots += rows[(off - 32)..<off]  // the chunk's root, the last row written
            }
            c += batch
        }
        // Rows above the chunk roots, in memory.
        var level = chunkLevels, cur = roots
        while cur.count > 32 {
            var next = [UInt8](repeating: 0, count: cur.count / 2)
            cur.withUnsafeBufferPointer { i in
                next.withUnsafeMutableBufferPointer { o in _ = ck_tree_d_parents(o.baseAddress!, i.baseAddress!, i.count / 64) }
            }
            level += 1
            try next.withUnsafeBytes { try out.pwrite($0, at: UInt64(rowStart[level] * 32)) }
            cur = next
        }
        return Commitment(bytes: Array(cur[0..<32]))
    }

    /// Reads an inclusion proof for `leaf` from a tree_d file.
    public static func proof(treeFile: String, leaf index: UInt64) throws -> TreeDProof {
        let f = try FileSource(path: treeFile)
        guard let size = f.regularFileSize else {
            throw IOError(path: treeFile, operation: "size (not a regular file)", code: EINVAL)
        }
        let total = size / 32
        let n = (total + 1) / 2
        guard size % 32 == 0, n > 0, n & (n - 1) == 0, 2 * n - 1 == total else {
            throw TreeDError.treeFileSize(path: treeFile, bytes: size)
        }
        guard index < n else { throw TreeDError.leafIndexOutOfRange(index, leaves: n) }
        let siblings = try siblingIndices(leaf: index, leaves: n).map { try f.readNode(at: $0) }
        return TreeDProof(leafIndex: index, leaf: try f.readNode(at: index), siblings: siblings,
                          root: try f.readNode(at: total - 1))
    }
}

extension FileSink {
    func pwrite(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws {
        try withDescriptor { fd in
            var done = 0
            while done < bytes.count {
                let n = Glibc.pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IOError(path: path, operation: "write", code: errno)
                }
                done += n
            }
        }
    }
}

extension FileSource {
    func readNode(at index: UInt64) throws -> Commitment {
        var b = [UInt8](repeating: 0, count: 32)
        try withDescriptor { fd in
            let n = b.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress!, 32, off_t(index * 32)) }
            guard n == 32 else { throw IOError(path: path, operation: "read node \(index)", code: n < 0 ? errno : EIO) }
        }
        return Commitment(bytes: b)
    }
}
