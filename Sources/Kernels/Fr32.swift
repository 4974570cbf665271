import CKernels

public enum Fr32Error: Error, Equatable, CustomStringConvertible {
    /// A 32-byte node of padded input has one of its top two bits set.
    case notPadded(nodeIndex: UInt64)

    public var description: String {
        switch self {
        case .notPadded(let i):
            "padded input node \(i) has one of its top two bits set: the data is not Fr32-padded"
        }
    }
}

/// Fr32 padding (spec §1): each 254 bits of data get two zero bits, so 127 bytes become
/// four 32-byte nodes that are canonical BLS12-381 scalars.
public enum Fr32 {
    /// Padded bytes for `unpadded` bytes: whole 127-byte blocks become 128 bytes; a
    /// trailing partial block of n bytes becomes ceil(8n/254) nodes (Fr32Reader's rule).
    public static func paddedSize(unpadded u: UInt64) -> UInt64 {
        let blocks = u / 127, rest = u % 127
        return blocks * 128 + (rest * 8 + 253) / 254 * 32
    }

    /// Unpadded bytes in `padded` bytes (`to_unpadded_bytes`, rounded down).
    public static func unpaddedSize(padded p: UInt64) -> UInt64 {
        let bits = (p * 8 / 256) * 254 + (p * 8 % 256)
        return bits / 8
    }

    /// Pads a whole buffer (any length).
    public static func pad(_ input: [UInt8]) -> [UInt8] {
        var src = BufferSource(input)
        var sink = BufferSink()
        // A BufferSource never throws and neither does a BufferSink.
        do { try pad(from: &src, to: &sink) } catch { preconditionFailure("in-memory pad cannot fail") }
        return sink.bytes
    }

    /// Unpads a whole buffer (any length; a partial trailing block yields its whole bytes).
    public static func unpad(_ padded: [UInt8]) throws(Fr32Error) -> [UInt8] {
        var src = BufferSource(padded)
        var sink = BufferSink()
        do { try unpad(from: &src, to: &sink) } catch let e as Fr32Error { throw e } catch {
            preconditionFailure("in-memory unpad fails only on bad data")
        }
        return sink.bytes
    }

    static let blocksPerChunk = 8192

    /// Streams `source` through Fr32 padding into `sink`, in 1 MiB chunks.
    public static func pad<S: ByteSource, K: ByteSink>(from source: inout S, to sink: inout K) throws {
        let n = blocksPerChunk
        var inBuf = [UInt8](repeating: 0, count: 127 * n)
        var outBuf = [UInt8](repeating: 0, count: 128 * n)
        while true {
            let got = try inBuf.withUnsafeMutableBytes { try source.readFully(into: $0) }
            if got == 0 { break }
            let blocks = got / 127, rest = got % 127
            var outLen = 128 * blocks
            if rest > 0 {
                inBuf.withUnsafeMutableBytes { zeroFill($0, from: got, count: 127 - rest) }
                outLen += Int(paddedSize(unpadded: UInt64(rest)))
            }
            let padBlocks = blocks + (rest > 0 ? 1 : 0)
            inBuf.withUnsafeBufferPointer { i in
                outBuf.withUnsafeMutableBufferPointer { o in
                    ck_fr32_pad(o.baseAddress!, i.baseAddress!, padBlocks)
                }
            }
            try outBuf.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<outLen])) }
            if got < inBuf.count { break }
        }
    }

    /// Streams Fr32-padded `source` back to the raw bytes. Throws Fr32Error.notPadded
    /// (after writing the whole blocks before the bad one) when a node has a top bit set.
    public static func unpad<S: ByteSource, K: ByteSink>(from source: inout S, to sink: inout K) throws {
        let n = blocksPerChunk
        var inBuf = [UInt8](repeating: 0, count: 128 * n)
        var outBuf = [UInt8](repeating: 0, count: 127 * n)
        var nodesBefore: UInt64 = 0
        while true {
            let got = try inBuf.withUnsafeMutableBytes { try source.readFully(into: $0) }
            if got == 0 { break }
            let blocks = got / 128, rest = got % 128
            if rest > 0 {
                inBuf.withUnsafeMutableBytes { zeroFill($0, from: got, count: 128 - rest) }
            }
            let allBlocks = blocks + (rest > 0 ? 1 : 0)
            let status = inBuf.withUnsafeBufferPointer { i in
                outBuf.withUnsafeMutableBufferPointer { o in
                    ck_fr32_unpad(o.baseAddress!, i.baseAddress!, allBlocks)
                }
            }
            if status != CK_OK {
                let bad = inBuf.withUnsafeBytes { firstBadNode($0, nodes: (got + 31) / 32) }
                let goodBlocks = bad / 4
                try outBuf.withUnsafeBytes {
                    try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<(127 * goodBlocks)]))
                }
                throw Fr32Error.notPadded(nodeIndex: nodesBefore + UInt64(bad))
            }
            let outLen = 127 * blocks + Int(unpaddedSize(padded: UInt64(rest)))
            try outBuf.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<outLen])) }
            nodesBefore += UInt64(got / 32)
            if got < inBuf.count { break }
        }
    }

    private static func firstBadNode(_ b: UnsafeRawBufferPointer, nodes: Int) -> Int {
        for i in 0..<nodes where b[32 * i + 31] & 0xC0 != 0 { return i }
        return nodes
    }
}

/// Zeroes `count` bytes of `b` from offset `from` (the tail of a partial block).
func zeroFill(_ b: UnsafeMutableRawBufferPointer, from: Int, count: Int) {
    if count > 0 { (b.baseAddress! + from).initializeMemory(as: UInt8.self, repeating: 0, count: count) }
}
