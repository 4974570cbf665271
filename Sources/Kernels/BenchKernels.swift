import COpenSSL
import CKernels

/// Raw entry points for `spbench bench`: whole buffers in, no allocation per call, so a
/// benchmark times the kernel and not the Swift wrapper.
public enum BenchKernels {
    /// SHA-256 of `data` into the first 32 bytes of `out`, dispatched (SHA-NI or portable).
    @inlinable public static func sha256(_ data: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        ck_sha256(out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                  data.baseAddress!.assumingMemoryBound(to: UInt8.self), data.count)
    }

    /// The portable C SHA-256, whatever the CPU.
    @inlinable public static func sha256Portable(_ data: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        ck_sha256_portable(out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                           data.baseAddress!.assumingMemoryBound(to: UInt8.self), data.count)
    }

    /// OpenSSL's EVP SHA-256 (the in-run peer).
    public static func sha256OpenSSL(_ data: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        var len: UInt32 = 0
        _ = EVP_Digest(data.baseAddress, data.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &len,
                       EVP_sha256(), nil)
    }

    /// The OpenSSL version string, e.g. "OpenSSL 3.0.19 27 Jan 2026".
    public static var openSSLVersion: String { String(cString: OpenSSL_version(0)) }

    /// Compresses `blocksPerLane` blocks in each of `lanes` (1, 2, 4) interleaved streams;
    /// `data` holds lanes × blocksPerLane × 64 bytes. Returns a word of the final states so
    /// every lane's work is used.
    public static func compressLanes(_ data: UnsafeRawBufferPointer, lanes: Int, blocksPerLane: Int) -> UInt32 {
        precondition(data.count >= lanes * blocksPerLane * 64)
        var states = [UInt32](repeating: 0, count: 8 * lanes)
        let base = data.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var ptrs: [UnsafePointer<UInt8>?] = (0..<lanes).map { base + $0 * blocksPerLane * 64 }
        states.withUnsafeMutableBufferPointer { s in
            for l in 0..<lanes { ck_sha256_init(s.baseAddress! + 8 * l) }
            _ = ck_sha256_compress_lanes(s.baseAddress!, &ptrs, lanes, blocksPerLane)
        }
        return states.reduce(0, ^)
    }

    /// Fr32-pads whole 127-byte blocks of `input` into `output` (128 bytes per block).
    public static func fr32Pad(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        let blocks = input.count / 127
        precondition(output.count >= blocks * 128)
        ck_fr32_pad(output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    input.baseAddress!.assumingMemoryBound(to: UInt8.self), blocks)
    }

    /// Parent row of the SHA-256 tree: pairs of 32-byte nodes in, trunc254 digests out.
    public static func treeDParents(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        let pairs = input.count / 64
        precondition(output.count >= pairs * 32)
        _ = ck_tree_d_parents(output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                              input.baseAddress!.assumingMemoryBound(to: UInt8.self), pairs)
    }

    /// CPU features the kernels use, by name.
    public static var featuresUsed: [String] { names(ck_cpu_features_used()) }
    /// CPU features present, by name.
    public static var featuresPresent: [String] { names(ck_cpu_features()) }

    static func names(_ f: UInt32) -> [String] {
        var out: [String] = []
        if f & UInt32(CK_CPU_SHA) != 0 { out.append("sha_ni") }
        if f & UInt32(CK_CPU_ADX) != 0 { out.append("adx+bmi2") }
        if f & UInt32(CK_CPU_AVX2) != 0 { out.append("avx2") }
        if f & UInt32(CK_CPU_AVX512F) != 0 { out.append("avx512f") }
        if f & UInt32(CK_CPU_AVX512IFMA) != 0 { out.append("avx512ifma") }
        return out
    }
}
