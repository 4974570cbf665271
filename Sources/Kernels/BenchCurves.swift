import CKernels

extension BenchKernels {
    /// n dependent Fp multiplications on the dispatched path (mulx/adx or portable):
    /// the unit "Fp-mul equivalents" of the curve benchmarks is measured with this.
    public static func fpMulChain(_ n: UInt64) -> UInt64 {
        var x = ck_fp(), y = ck_fp()
        ck_fp_from_u64(&x, 3)
        ck_fp_from_u64(&y, 0x1234_5678_9abc_def1)
        if ck_fp_mul_chain_adx(&x, &y, n) != CK_OK { ck_fp_mul_chain_portable(&x, &y, n) }
        return x.l.0
    }

    /// n random-looking G1 (or G2) points h_i·G and scalars, for MSM timing.
    public struct MSMInput: @unchecked Sendable {
        public let n: Int
        let g1: [ck_g1]
        let g2: [ck_g2]
        let scalars: [UInt8]

        public init(n: Int, g2 wantG2: Bool) {
            self.n = n
            var s = [UInt8](repeating: 0, count: 32 * n)
            var x: UInt64 = 0x9e37_79b9_7f4a_7c15
            for i in 0..<s.count {
                x = x &* 6364136223846793005 &+ 1442695040888963407
                s[i] = UInt8(truncatingIfNeeded: x >> 33)
            }
            for i in 0..<n { s[32 * i + 31] &= 0x3f }  // < 2^254 < r
            scalars = s
            // Points: a chain P_{i+1} = P_i + G' (cheap to build, all distinct).
            let step = G1Point.generator.multiplied(by: Fr(0xabcdef))
            var pts = [ck_g1](repeating: ck_g1(), count: wantG2 ? 0 : n)
            var cur = G1Point.generator
            for i in 0..<pts.count {
                pts[i] = cur.raw
                cur = cur + step
            }
            g1 = pts
            let step2 = G2Point.generator.multiplied(by: Fr(0xabcdef))
            var pts2 = [ck_g2](repeating: ck_g2(), count: wantG2 ? n : 0)
            var cur2 = G2Point.generator
            for i in 0..<pts2.count {
                pts2[i] = cur2.raw
                cur2 = cur2 + step2
            }
            g2 = pts2
        }

        /// One MSM; returns a byte of the result so the work is not optimized away.
        public func run(threads: Int) -> UInt8 {
            if g2.isEmpty {
                var o = ck_g1()
                _ = ck_g1_msm(&o, g1, scalars, n, UInt32(threads))
                return UInt8(truncatingIfNeeded: o.x.l.0)
            }
            var o = ck_g2()
            _ = ck_g2_msm(&o, g2, scalars, n, UInt32(threads))
            return UInt8(truncatingIfNeeded: o.x.c0.l.0)
        }
    }
}
