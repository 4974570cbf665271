import CKernels

extension BenchKernels {
    /// Inputs for the pairing benchmarks: three (a_i·G1, b_i·G2) pairs.
    public struct PairingInput: @unchecked Sendable {
        let ps: [ck_g1]
        let qs: [ck_g2]
        let miller: ck_fp12

        public init() {
            var ps: [ck_g1] = [], qs: [ck_g2] = []
            for i in 0..<3 {
                ps.append(G1Point.generator.multiplied(by: Fr(UInt64(0x1234_5679 + 7 * i))).raw)
                qs.append(G2Point.generator.multiplied(by: Fr(UInt64(0x9876_5431 + 11 * i))).raw)
            }
            self.ps = ps
            self.qs = qs
            var f = ck_fp12(), p = ps[0], q = qs[0]
            ck_miller_loop(&f, &p, &q)
            miller = f
        }

        /// One pairing e(P0, Q0); returns a byte of the result.
        public func pairing() -> UInt8 {
            var o = ck_fp12(), p = ps[0], q = qs[0]
            ck_pairing(&o, &p, &q)
            return UInt8(truncatingIfNeeded: o.c0.c0.c0.l.0)
        }

        /// The product of the three pairings with one final exponentiation.
        public func multi3() -> UInt8 {
            var o = ck_fp12()
            ck_multi_pairing(&o, ps, qs, 3)
            return UInt8(truncatingIfNeeded: o.c0.c0.c0.l.0)
        }

        public func millerLoop() -> UInt8 {
            var o = ck_fp12(), p = ps[0], q = qs[0]
            ck_miller_loop(&o, &p, &q)
            return UInt8(truncatingIfNeeded: o.c0.c0.c0.l.0)
        }

        public func finalExp() -> UInt8 {
            var o = ck_fp12(), f = miller
            ck_final_exp(&o, &f)
            return UInt8(truncatingIfNeeded: o.c0.c0.c0.l.0)
        }
    }
}
