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

/// Field and Poseidon entry points for `spbench bench`.
extension BenchKernels {
    public enum FrImpl: String, Sendable { case dispatched, portable, adx }

    /// Fr multiplication in use: "mulx-adx" or "portable".
    public static var frImplementation: String { Fr.implementation }
    public static var hasADX: Bool { ck_cpu_features() & UInt32(CK_CPU_ADX) != 0 }

    /// n dependent Montgomery multiplications (or squarings); returns a limb so the
    /// chain's result is used.
    public static func frChain(_ n: Int, square: Bool = false, impl: FrImpl = .dispatched) -> UInt64 {
        var x = Fr(0x1234_5678_9abc_def1).raw, y = Fr(0x0fed_cba9_8765_4321).raw
        let useADX = impl == .adx || (impl == .dispatched && Fr.implementation == "mulx-adx")
        if useADX {
            _ = square ? ck_fr_sqr_chain_adx(&x, UInt64(n)) : ck_fr_mul_chain_adx(&x, &y, UInt64(n))
        } else if square {
            ck_fr_sqr_chain_portable(&x, UInt64(n))
        } else {
            ck_fr_mul_chain_portable(&x, &y, UInt64(n))
        }
        return x.l.0
    }

    /// GMP peers: mpz_mul + mpz_mod, and mpn_mul_n (or mpn_sqr) + mpn_addmul_1 Montgomery reduction.
    public enum GMPPeer: Sendable { case mpzMulMod, mpnMontgomery, mpnMontgomerySquare }

    public static func gmpChain(_ n: Int, _ peer: GMPPeer) -> UInt64 {
        var x: [UInt64] = [0x1234_5678_9abc_def1, 7, 9, 11], y: [UInt64] = [0x0fed_cba9_8765_4321, 3, 5, 0x1111]
        switch peer {
        case .mpzMulMod: ck_gmp_mulmod_chain(&x, &y, UInt64(n))
        case .mpnMontgomery: ck_gmp_mont_chain(&x, &y, UInt64(n))
        case .mpnMontgomerySquare: ck_gmp_mont_sqr_chain(&x, UInt64(n))
        }
        return x[0]
    }

    /// Prepared inputs for timing `count` MerkleTree hashes of one arity per call.
    public struct PoseidonBatch: @unchecked Sendable {
        let parameters: PoseidonParameters
        let arity: Int
        let count: Int
        let inputs: [ck_fr]
        var tag: ck_fr
        var out: [ck_fr]

        public init(arity: Int, count: Int) {
            parameters = .standard(arity: arity)
            self.arity = arity
            self.count = count
            inputs = (0..<(arity * count)).map { Fr(UInt64($0) &* 0x9e37_79b9_7f4a_7c15 | 1).squared().raw }
            tag = Poseidon.Tag.merkleTree(arity: arity).raw
            out = [ck_fr](repeating: ck_fr(), count: count)
        }

        /// Hashes the batch with the dispatched kernel (or the portable one).
        public mutating func run(portable: Bool = false) {
            let a = arity, n = count
            parameters.withParams(arity: a) { p in
                inputs.withUnsafeBufferPointer { i in
                    out.withUnsafeMutableBufferPointer { o in
                        _ = portable ? ck_poseidon_hash_many_portable(o.baseAddress, p, &tag, i.baseAddress, n)
                            : ck_poseidon_hash_many(o.baseAddress, p, &tag, i.baseAddress, n)
                    }
                }
            }
        }
    }

    /// Fr multiplications per hash of neptune's optimized form (poseidon.md §8.4):
    /// S-boxes 3·(t·R_F + R_P), dense mixes R_F·t², sparse mixes R_P·(2t − 1).
    public static func poseidonMultiplications(arity: Int) -> Int {
        let p = PoseidonParameters.standard(arity: arity)
        let t = p.width
        return 3 * (t * p.fullRounds + p.partialRounds) + p.fullRounds * t * t + p.partialRounds * (2 * t - 1)
    }
}

extension BenchKernels {
    /// The GMP library version, e.g. "6.2.1".
    public static var gmpVersion: String { String(cString: ck_gmp_version()) }
}

extension BenchKernels {
    /// Hashes `calls` batches of `count` arity-`arity` hashes on each of `threads` threads
    /// at once (each thread its own inputs); returns hashes per second over all threads.
    /// This is the machine's real multi-core Poseidon rate, the limit a tree build meets.
    public static func poseidonAggregateRate(arity: Int, count: Int, calls: Int, threads: Int) -> Double {
        let batches = (0..<threads).map { _ in UncheckedSendable(PoseidonBatch(arity: arity, count: count)) }
        let clock = ContinuousClock()
        let t = clock.measure {
            Parallel.run(threads, threads: threads) { i in
                var b = batches[i].value
                for _ in 0..<calls { b.run() }
            }
        }
        let s = Double(t.components.seconds) + Double(t.components.attoseconds) * 1e-18
        return Double(threads * calls * count) / s
    }
}

extension BenchKernels {
    /// Parent-cache rows for `count` nodes of a graph of `nodes` nodes (api 1.1.0); returns
    /// one row word so the work is used.
    public static func parentsFill(nodes: Int, count: Int, threads: Int) -> UInt32 {
        guard let proof = try? RegisteredSealProof(id: 7), let g = try? SDRGraph(porepID: proof.porepID, nodes: nodes, legacy: false) else { return 0 }
        var rows = [UInt32](repeating: 0, count: 14 * count)
        rows.withUnsafeMutableBufferPointer { b in
            if let base = b.baseAddress { g.fill(base, first: nodes - count, count: count, threads: threads) }
        }
        return rows[rows.count - 1]
    }

    /// One SDR layer (layer 2: DRG + expander parents) of `lanes` sectors over a graph of
    /// `nodes` nodes, buffers prepared once.
    public final class LabelBench: @unchecked Sendable {
        let nodes: Int, lanes: Int
        let parents: [UInt32]
        var prev: [UnsafeMutablePointer<UInt8>], cur: [UnsafeMutablePointer<UInt8>], rids: [UnsafeMutablePointer<UInt8>]

        public init(nodes: Int, lanes: Int) throws {
            self.nodes = nodes
            self.lanes = lanes
            let g = try SDRGraph(porepID: RegisteredSealProof(id: 7).porepID, nodes: nodes, legacy: false)
            var p = [UInt32](repeating: 0, count: 14 * nodes)
            p.withUnsafeMutableBufferPointer { b in if let base = b.baseAddress { g.fill(base, first: 0, count: nodes, threads: Parallel.processorCount) } }
            parents = p
            func buf(_ n: Int, _ fill: UInt8) -> UnsafeMutablePointer<UInt8> {
                let b = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
                for i in 0..<n { b[i] = UInt8(truncatingIfNeeded: i &* 31 &+ Int(fill)) & (i % 32 == 31 ? 0x3f : 0xff) }
                return b
            }
            prev = (0..<lanes).map { buf(nodes * 32, UInt8($0)) }
            cur = (0..<lanes).map { _ in buf(nodes * 32, 0) }
            rids = (0..<lanes).map { buf(32, UInt8(7 + $0)) }
        }

        deinit { (prev + cur + rids).forEach { $0.deallocate() } }

        /// Labels one layer; returns a label byte.
        public func run(portable: Bool = false) -> UInt8 {
            var c: [UnsafeMutablePointer<UInt8>?] = cur
            var p: [UnsafePointer<UInt8>?] = prev.map { UnsafePointer($0) }
            var r: [UnsafePointer<UInt8>?] = rids.map { UnsafePointer($0) }
            let n = UInt64(nodes), l = lanes
            _ = parents.withUnsafeBufferPointer { pb in
                portable ? ck_sdr_label_layer_portable(&c, &p, pb.baseAddress, n, &r, 2, l)
                    : ck_sdr_label_layer(&c, &p, pb.baseAddress, n, &r, 2, l)
            }
            return cur[0][nodes * 32 - 1]
        }
    }
}

/// BLS12-381 base field Fp entry points for `spbench bench` (group "snark").
extension BenchKernels {
    /// Fp multiplication in use: "mulx-adx" or "portable".
    public static var fpImplementation: String { Fp.implementationName }

    /// n dependent Fp Montgomery multiplications x <- x*y (dispatched, portable or adx);
    /// returns a limb so the chain's result is used.
    public static func fpChain(_ n: Int, impl: FrImpl = .dispatched) -> UInt64 {
        var x = Fp(0x1234_5678_9abc_def1).squared().raw, y = Fp(0x0fed_cba9_8765_4321).squared().raw
        let useADX = impl == .adx || (impl == .dispatched && Fp.implementationName == "mulx-adx")
        if useADX {
            _ = ck_fp_mul_chain_adx(&x, &y, UInt64(n))
        } else {
            ck_fp_mul_chain_portable(&x, &y, UInt64(n))
        }
        return x.l.0
    }

    /// n dependent squarings x <- x^2 through the dispatched Fp squaring.
    public static func fpSqrChain(_ n: Int) -> UInt64 {
        var x = Fp(0x1234_5678_9abc_def1).squared().raw
        ck_fp_sqr_chain(&x, UInt64(n))
        return x.l.0
    }

    /// n dependent Fp2 multiplications x <- x*y (Karatsuba, 3 dispatched Fp multiplications).
    public static func fp2MulChain(_ n: Int) -> UInt64 {
        var x = ck_fp2(c0: Fp(3).squared().raw, c1: Fp(5).squared().raw)
        var y = ck_fp2(c0: Fp(7).squared().raw, c1: Fp(11).squared().raw)
        ck_fp2_mul_chain(&x, &y, UInt64(n))
        return x.c0.l.0
    }

    /// GMP peer: n dependent Montgomery multiplications mod p with mpn_mul_n + 6×mpn_addmul_1.
    public static func gmpFpMontChain(_ n: Int) -> UInt64 {
        var x = Fp(0x1234_5678_9abc_def1).squared().limbs, y = Fp(0x0fed_cba9_8765_4321).squared().limbs
        ck_gmp_fp_mont_chain(&x, &y, UInt64(n))
        return x[0]
    }
}
