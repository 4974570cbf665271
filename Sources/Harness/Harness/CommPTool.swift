import Foundation
import Kernels

/// `spbench commp`: CommP, piece CID and sizes of a file or standard input.
public enum CommPTool {
    public struct Result: Sendable {
        public var commP: Commitment
        public var pieceCID: String
        public var payloadSize: UInt64
        public var paddedPieceSize: UInt64
        public var seconds: Double

        public var json: [String: Any] {
            ["commp": commP.hex, "piece_cid": pieceCID, "payload_size": payloadSize,
             "padded_piece_size": paddedPieceSize, "unpadded_piece_size": paddedPieceSize / 128 * 127,
             "seconds": (seconds * 1000).rounded() / 1000]
        }

        public var text: String {
            """
            CommP:              \(commP.hex)
            Piece CID:          \(pieceCID)
            Payload size:       \(payloadSize) bytes (\(ByteCount.human(payloadSize)))
            Padded piece size:  \(paddedPieceSize) bytes (\(ByteCount.human(paddedPieceSize)))
            Unpadded piece:     \(paddedPieceSize / 128 * 127) bytes
            """
        }
    }

    /// Computes CommP of `path` ("-" = standard input). `progress` gets (bytes, total?)
    /// about every half second for inputs over 64 MiB.
    public static func run(path: String, threads: Int = Parallel.processorCount,
                           progress: ((UInt64, UInt64?) -> Void)? = nil) throws -> Result {
        var src = try FileSource(path: path)
        let total = src.regularFileSize
        if let total, total > CommPHasher.maxPayload { throw PieceSizeError.payloadTooLarge }
        var h = CommPHasher(threads: threads)
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = start
        try h.consume(&src) { done in
            guard let progress, done >= 64 << 20 else { return }
            let now = clock.now
            if now - lastReport >= .milliseconds(500) {
                lastReport = now
                progress(done, total)
            }
        }
        let (c, size) = try h.finalize()
        let secs = (clock.now - start).seconds
        return Result(commP: c, pieceCID: PieceCID.encode(c, kind: .unsealed), payloadSize: h.payloadSize,
                      paddedPieceSize: size, seconds: secs)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
