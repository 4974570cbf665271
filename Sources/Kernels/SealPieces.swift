import CKernels
import Glibc

/// One deal's payload to place in a sector: raw (unpadded) bytes, from a file or memory.
public enum PieceData: Sendable {
    case file(String)
    case bytes([UInt8])

    var label: String {
        switch self {
        case .file(let p): p
        case .bytes(let b): "piece of \(b.count) bytes in memory"
        }
    }
}

/// A piece as it was written into the unsealed sector.
public struct PlacedPiece: Sendable, Equatable {
    public var piece: CommD.Piece
    /// Byte offset of the piece in the Fr32-padded unsealed file (aligned to its padded size).
    public var offset: UInt64
    public var payloadBytes: UInt64
}

extension Sealer {
    /// Writes the Fr32-padded unsealed sector for `pieces`, in order, as Lotus' AddPiece does:
    /// each piece starts at a multiple of its padded size (the gap is a zero padding piece),
    /// its payload is zero-extended to the padded piece, and the sector's tail is zeros. The
    /// file is written beside `path` and renamed into place only when complete.
    public static func writeUnsealed(pieces: [PieceData], proof: RegisteredSealProof, to path: String,
                                     threads: Int = Parallel.processorCount) throws -> [PlacedPiece] {
        let sectorSize = proof.sectorSize
        var placed: [PlacedPiece] = []
        // First pass: CommP and padded size of every piece (also validates sizes before writing).
        var offset: UInt64 = 0
        for p in pieces {
            var h = CommPHasher(threads: threads)
            switch p {
            case .file(let f):
                var src = try FileSource(path: f)
                try h.consume(&src)
            case .bytes(let b): h.update(b)
            }
            let payload = h.payloadSize
            let (comm, padded) = try h.finalize()
            let aligned = (offset + padded - 1) / padded * padded
            guard aligned + padded <= sectorSize else {
                throw SealError.piecesExceedSector(piece: p.label, end: aligned + padded, sectorSize: sectorSize)
            }
            placed.append(PlacedPiece(piece: CommD.Piece(paddedSize: padded, commP: comm), offset: aligned, payloadBytes: payload))
            offset = aligned + padded
        }
        // Second pass: write padded payloads and zero gaps sequentially.
        let tmp = path + ".tmp"
        do {
            var counter = CountingSink(inner: try FileSink(path: tmp))
            var written: UInt64 = 0
            for (p, where_) in zip(pieces, placed) {
                try writeZeros(&counter, count: where_.offset - written)
                let before = counter.count
                switch p {
                case .file(let f):
                    var src = try FileSource(path: f)
                    try Fr32.pad(from: &src, to: &counter)
                case .bytes(let b):
                    var src = BufferSource(b)
                    try Fr32.pad(from: &src, to: &counter)
                }
                let padded = counter.count - before
                guard padded <= where_.piece.paddedSize else {
                    throw SealError.pieceChanged(piece: p.label)
                }
                try writeZeros(&counter, count: where_.piece.paddedSize - padded)
                written = where_.offset + where_.piece.paddedSize
            }
            try writeZeros(&counter, count: sectorSize - written)
            guard fileSize(tmp) == sectorSize else { throw SealError.unsealedSize(path: tmp, expected: sectorSize, actual: fileSize(tmp) ?? 0) }
        } catch {
            unlink(tmp)
            throw error
        }
        guard rename(tmp, path) == 0 else { throw IOError(path: path, operation: "rename into place", code: errno) }
        return placed
    }

    /// Seals one sector built from `pieces`: writes the unsealed file, seals it, and checks
    /// that the tree_d root equals CommD computed from the pieces' CommPs.
    public static func seal(pieces: [PieceData], ticket: [UInt8], sectorNumber: UInt64, proverID: [UInt8],
                            proof: RegisteredSealProof, unsealed: String, sealed: String, cache: SectorCache,
                            parentCacheDirectory: String, threads: Int = Parallel.processorCount,
                            log: ((String) -> Void)? = nil) throws -> (result: Result, pieces: [PlacedPiece]) {
        let placed = try writeUnsealed(pieces: pieces, proof: proof, to: unsealed, threads: threads)
        let expected = try CommD.compute(sectorSize: proof.sectorSize, pieces: placed.map(\.piece))
        let r = try seal(sectors: [Sector(unsealedPadded: unsealed, sealed: sealed, cache: cache, sectorNumber: sectorNumber, ticket: ticket)],
                         proof: proof, proverID: proverID, parentCacheDirectory: parentCacheDirectory, threads: threads, log: log)
        guard let c = r.commitments.first, c.commD == expected else {
            throw SealError.commDMismatch(fromPieces: expected.hex, fromData: r.commitments.first?.commD.hex ?? "none")
        }
        return (r, placed)
    }

    private static func writeZeros(_ sink: inout CountingSink, count: UInt64) throws {
        var left = count
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        while left > 0 {
            let n = Int(min(left, UInt64(chunk.count)))
            try chunk.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            left -= UInt64(n)
        }
    }
}

/// Forwards to a file sink and counts the bytes.
private struct CountingSink: ByteSink {
    var inner: FileSink
    var count: UInt64 = 0
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        try inner.write(bytes)
        count += UInt64(bytes.count)
    }
}
