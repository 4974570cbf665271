import CKernels

/// SHA-256 (FIPS 180-4) over the C kernels: SHA-NI when the CPU has it, the portable C
/// code otherwise (or when SPBENCH_FORCE_PORTABLE=1).
public struct SHA256: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0, 0, 0, 0, 0, 0, 0, 0)
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    public init() {
        withUnsafeMutableBytes(of: &state) { ck_sha256_init($0.baseAddress!.assumingMemoryBound(to: UInt32.self)) }
        buffer.reserveCapacity(64)
    }

    /// The implementation in use: "sha-ni" or "portable".
    public static var implementation: String { String(cString: ck_sha256_impl_name()) }

    public mutating func update(_ data: UnsafeRawBufferPointer) {
        guard var p = data.baseAddress, data.count > 0 else { return }
        var n = data.count
        length &+= UInt64(n)
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, n)
            buffer.append(contentsOf: UnsafeRawBufferPointer(start: p, count: take))
            p += take
            n -= take
            if buffer.count == 64 {
                let block = buffer
                block.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let full = n / 64
        if full > 0 {
            compress(p, blocks: full)
            p += full * 64
            n -= full * 64
        }
        if n > 0 { buffer.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    private mutating func compress(_ p: UnsafeRawPointer, blocks: Int) {
        withUnsafeMutableBytes(of: &state) { st in
            ck_sha256_compress(st.baseAddress!.assumingMemoryBound(to: UInt32.self),
                               p.assumingMemoryBound(to: UInt8.self), blocks)
        }
    }

    /// The 32-byte digest. The hasher can be reused only after re-initialising.
    public mutating func finalize() -> [UInt8] {
        let total = length
        var out = [UInt8](repeating: 0, count: 32)
        withUnsafeMutableBytes(of: &state) { st in
            let s = st.baseAddress!.assumingMemoryBound(to: UInt32.self)
            buffer.withUnsafeBufferPointer { ck_sha256_finish(s, $0.baseAddress, $0.count, total) }
            out.withUnsafeMutableBufferPointer { ck_sha256_state_digest($0.baseAddress!, s) }
        }
        return out
    }

    /// One-shot digest.
    public static func hash(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBufferPointer {
            ck_sha256($0.baseAddress!, data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count)
        }
        return out
    }

    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// Digests of `count` independent messages of `messageLength` bytes stored back to
    /// back; returns count * 32 bytes. Interleaves four messages at a time.
    public static func hashMany(_ messages: UnsafeRawBufferPointer, messageLength: Int) -> [UInt8] {
        precondition(messageLength > 0 && messages.count % messageLength == 0,
                     "messages must be whole messages of messageLength bytes")
        let count = messages.count / messageLength
        var out = [UInt8](repeating: 0, count: 32 * count)
        guard count > 0 else { return out }
        out.withUnsafeMutableBufferPointer {
            _ = ck_sha256_many($0.baseAddress!, messages.baseAddress!.assumingMemoryBound(to: UInt8.self),
                               messageLength, count)
        }
        return out
    }
}
