import CKernels

/// Streaming CommP of a raw payload (spec §2.3): Fr32 padding, zero padding to
/// 127·2^k bytes, the sha2-256-trunc254-padded tree. Memory is bounded (about 9 MiB per
/// hasher) whatever the payload size; full chunks are hashed on `threads` threads.
public struct CommPHasher {
    /// 8192 blocks of 127 bytes = 1 MiB padded = 2^15 leaves per chunk.
    public static let chunkBlocks = 8192
    public static let chunkBytes = 127 * chunkBlocks
    /// Largest payload: a 64 GiB padded piece.
    public static let maxPayload: UInt64 = 127 << 29
    public static let minPayload: UInt64 = 65

    public let threads: Int
    private let batchChunks: Int
    private var buffer: [UInt8]
    private var filled = 0
    private var scratch: [UInt8]
    private var roots: [UInt8]
    private var stack = CommitmentStack()
    public private(set) var payloadSize: UInt64 = 0
    private var overflow = false

    public init(threads: Int = Parallel.processorCount) {
        self.threads = max(1, threads)
        batchChunks = 4 * self.threads
        buffer = [UInt8](repeating: 0, count: batchChunks * Self.chunkBytes)
        scratch = [UInt8](repeating: 0, count: self.threads * ck_comm_p_scratch_size(Self.chunkBlocks))
        roots = [UInt8](repeating: 0, count: 32 * batchChunks)
    }

    /// Adds payload bytes.
    public mutating func update(_ data: UnsafeRawBufferPointer) {
        var off = 0
        while off < data.count {
            let n = min(buffer.count - filled, data.count - off)
            buffer.withUnsafeMutableBytes { b in
                (b.baseAddress! + filled).copyMemory(from: data.baseAddress! + off, byteCount: n)
            }
            filled += n
            off += n
            if filled == buffer.count { flushFullChunks() }
        }
        count(data.count)
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// Reads `source` to its end, without an intermediate copy.
    public mutating func consume<S: ByteSource>(_ source: inout S, progress: ((UInt64) -> Void)? = nil) throws {
        while true {
            let n = try buffer.withUnsafeMutableBytes { b in
                try source.readFully(into: UnsafeMutableRawBufferPointer(rebasing: b[filled...]))
            }
            filled += n
            count(n)
            if filled == buffer.count { flushFullChunks() }
            progress?(payloadSize)
            if n == 0 || overflow { break }
        }
    }

    private mutating func count(_ n: Int) {
        payloadSize += UInt64(n)
        if payloadSize > Self.maxPayload { overflow = true }
    }

    /// Hashes every full chunk in the buffer and keeps the rest.
    private mutating func flushFullChunks() {
        let chunks = filled / Self.chunkBytes
        guard chunks > 0 else { return }
        hashChunks(chunks)
        for c in 0..<chunks {
            let root = roots.withUnsafeBytes { Commitment(UnsafeRawBufferPointer(rebasing: $0[(32 * c)..<(32 * c + 32)])) }
            stack.push(size: UInt64(Self.chunkBlocks * 128), root)
        }
        let rest = filled - chunks * Self.chunkBytes
        if rest > 0 {
            buffer.withUnsafeMutableBytes { b in
                b.baseAddress!.copyMemory(from: b.baseAddress! + chunks * Self.chunkBytes, byteCount: rest)
            }
        }
        filled = rest
    }

    private mutating func hashChunks(_ chunks: Int) {
        let workers = min(threads, chunks)
        let scratchPer = ck_comm_p_scratch_size(Self.chunkBlocks)
        buffer.withUnsafeBufferPointer { inBuf in
            scratch.withUnsafeMutableBufferPointer { sc in
                roots.withUnsafeMutableBufferPointer { rt in
                    let ptrs = UncheckedSendable((inBuf.baseAddress!, sc.baseAddress!, rt.baseAddress!))
                    Parallel.run(workers, threads: workers) { w in
                        let (inp, scr, out) = ptrs.value
                        var c = w
                        while c < chunks {
                            _ = ck_comm_p_blocks(out + 32 * c, inp + c * Self.chunkBytes, Self.chunkBlocks,
                                                 scr + w * scratchPer)
                            c += workers
                        }
                    }
                }
            }
        }
    }

    /// The piece commitment and padded piece size. Throws for payloads under 65 bytes or
    /// over a 64 GiB piece.
    public mutating func finalize() throws(PieceSizeError) -> (commP: Commitment, paddedPieceSize: UInt64) {
        if overflow { throw .payloadTooLarge }
        guard payloadSize >= Self.minPayload else { throw .payloadTooSmall(payloadSize) }
        flushFullChunks()
        if filled > 0 {
            let blocks = (filled + 126) / 127
            var pow2 = 1
            while pow2 < blocks { pow2 <<= 1 }
            let padTo = 127 * pow2
            let root: Commitment = buffer.withUnsafeMutableBufferPointer { b in
                (b.baseAddress! + filled).initialize(repeating: 0, count: padTo - filled)
                return scratch.withUnsafeMutableBufferPointer { sc in
                    var out = [UInt8](repeating: 0, count: 32)
                    _ = ck_comm_p_blocks(&out, b.baseAddress!, pow2, sc.baseAddress!)
                    return Commitment(bytes: out)
                }
            }
            stack.push(size: UInt64(pow2 * 128), root)
            filled = 0
        }
        let (root, size) = stack.finish()
        return (root, size)
    }

    /// CommP of an in-memory payload.
    public static func commP(of payload: [UInt8], threads: Int = 1) throws(PieceSizeError)
        -> (commP: Commitment, paddedPieceSize: UInt64)
    {
        var h = CommPHasher(threads: threads)
        h.update(payload)
        return try h.finalize()
    }
}

/// The shift-reduce stack of `compute_comm_d` / `PieceAggregateCommP` (spec §2.4):
/// subtrees pushed in order, in aligned positions, are joined with zero commitments.
struct CommitmentStack {
    private var items: [(size: UInt64, comm: Commitment)] = []

    var isEmpty: Bool { items.isEmpty }

    /// Pushes a subtree of `size` padded bytes, first filling with zero subtrees until the
    /// position is aligned to `size`.
    mutating func push(size: UInt64, _ comm: Commitment) {
        while let top = items.last, top.size < size {
            shiftReduce(size: top.size, ZeroCommitment.of(size: top.size))
        }
        shiftReduce(size: size, comm)
    }

    private mutating func shiftReduce(size: UInt64, _ comm: Commitment) {
        items.append((size, comm))
        while items.count >= 2, items[items.count - 1].size == items[items.count - 2].size {
            let right = items.removeLast(), left = items.removeLast()
            items.append((2 * left.size, parent(left.comm, right.comm)))
        }
    }

    /// Joins what is left with zero subtrees into one root; (root, size).
    mutating func finish() -> (Commitment, UInt64) {
        while items.count > 1, let top = items.last {
            shiftReduce(size: top.size, ZeroCommitment.of(size: top.size))
        }
        return (items[0].comm, items[0].size)
    }
}

/// trunc254(SHA256(left || right)).
func parent(_ left: Commitment, _ right: Commitment) -> Commitment {
    var buf = left.bytes + right.bytes
    buf.withUnsafeMutableBufferPointer { _ = ck_tree_d_parents($0.baseAddress!, $0.baseAddress!, 1) }
    return Commitment(bytes: Array(buf[0..<32]))
}

/// CommD of a sector from its pieces (spec §2.4, rust-fil-proofs `compute_comm_d`).
public enum CommD {
    public struct Piece: Sendable, Equatable {
        public var paddedSize: UInt64
        public var commP: Commitment
        public init(paddedSize: UInt64, commP: Commitment) {
            self.paddedSize = paddedSize
            self.commP = commP
        }
    }

    /// Aggregates ordered pieces (power-of-two padded sizes ≥ 128) into the sector's CommD,
    /// filling gaps and the end with zero pieces. An empty list gives the all-zero sector.
    public static func compute(sectorSize: UInt64, pieces: [Piece]) throws(PieceSizeError) -> Commitment {
        guard sectorSize >= 128, sectorSize & (sectorSize - 1) == 0 else { throw .notPowerOfTwo(sectorSize) }
        guard sectorSize <= 64 << 30 else { throw .tooLarge(sectorSize) }
        var total: UInt64 = 0
        var stack = CommitmentStack()
        for p in pieces {
            guard p.paddedSize & (p.paddedSize &- 1) == 0, p.paddedSize != 0 else { throw .notPowerOfTwo(p.paddedSize) }
            guard p.paddedSize >= 128 else { throw .tooSmall(p.paddedSize) }
            guard p.paddedSize <= sectorSize else { throw .exceedsSector(total: p.paddedSize, sector: sectorSize) }
            // Alignment padding before the piece counts toward the sector.
            let aligned = (total + p.paddedSize - 1) / p.paddedSize * p.paddedSize
            total = aligned + p.paddedSize
            guard total <= sectorSize else { throw .exceedsSector(total: total, sector: sectorSize) }
            stack.push(size: p.paddedSize, p.commP)
        }
        if stack.isEmpty { return ZeroCommitment.of(size: sectorSize) }
        var (root, size) = stack.finish()
        // ZeroPadPieceCommitment: grow the root to the sector size.
        while size < sectorSize {
            root = parent(root, ZeroCommitment.of(size: size))
            size *= 2
        }
        return root
    }
}
