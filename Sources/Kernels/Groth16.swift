/// Groth16 over BLS12-381 as bellperson computes it: the QAP of an R1CS with one extra
/// constraint `input_i · 0 = 0` per public input, h from the NTTs of the prover, the MSMs
/// for A, B (G1 and G2) and C, and the verifier's pairing equation; proof and verifying-key
/// bytes in bellperson's format.
public enum Groth16 {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case proofLength(Int)
        case proofPoint(String)
        case proofAtInfinity(String)
        case vkLength(Int)
        case vkPoint(String)
        case vkICAtInfinity(Int)
        case inputCount(expected: Int, got: Int)
        case inputNotCanonical(Int)
        case unsatisfied(constraint: Int)
        case circuitMismatch(String)
        case msm(String)

        public var description: String {
            switch self {
            case .proofLength(let n): "a Groth16 proof is 192 bytes (A 48 || B 96 || C 48, compressed), got \(n)"
            case .proofPoint(let why): "proof point does not decode: \(why)"
            case .proofAtInfinity(let w): "proof point \(w) is the point at infinity"
            case .vkLength(let n): "verifying key of \(n) bytes: expected 868 + 96·N (bellperson VerifyingKey::write)"
            case .vkPoint(let why): "verifying key point does not decode: \(why)"
            case .vkICAtInfinity(let i): "verifying key ic[\(i)] is the point at infinity"
            case .inputCount(let e, let g): "the verifying key takes \(e) public inputs, got \(g)"
            case .inputNotCanonical(let i): "public input \(i) is not a canonical field element (>= r)"
            case .unsatisfied(let c): "the assignment does not satisfy constraint \(c)"
            case .circuitMismatch(let why): "the parameters were made for another circuit: \(why)"
            case .msm(let why): "the public-input sum failed: \(why)"
            }
        }
    }

    /// 192 bytes: A (G1 compressed) || B (G2 compressed) || C (G1 compressed).
    public struct Proof: Sendable, Equatable {
        public var a: G1Point
        public var b: G2Point
        public var c: G1Point

        public init(a: G1Point, b: G2Point, c: G1Point) {
            self.a = a
            self.b = b
            self.c = c
        }

        public var bytes: [UInt8] { a.compressed + b.compressed + c.compressed }

        /// bellperson `Proof::read`: exact length, valid subgroup points, none at infinity.
        public init(bytes: [UInt8]) throws(Groth16.Error) {
            guard bytes.count == 192 else { throw .proofLength(bytes.count) }
            do {
                a = try G1Point(bytes: bytes[0..<48])
                b = try G2Point(bytes: bytes[48..<144])
                c = try G1Point(bytes: bytes[144..<192])
            } catch {
                throw .proofPoint("\(error)")
            }
            if a.isInfinity { throw .proofAtInfinity("A") }
            if b.isInfinity { throw .proofAtInfinity("B") }
            if c.isInfinity { throw .proofAtInfinity("C") }
        }
    }

    public struct VerifyingKey: Sendable, Equatable {
        public var alphaG1: G1Point
        public var betaG1: G1Point
        public var betaG2: G2Point
        public var gammaG2: G2Point
        public var deltaG1: G1Point
        public var deltaG2: G2Point
        public var ic: [G1Point]

        /// bellperson `VerifyingKey::write`: uncompressed points, u32 big-endian ic count.
        public var bytes: [UInt8] {
            var out = alphaG1.uncompressed + betaG1.uncompressed + betaG2.uncompressed + gammaG2.uncompressed
            out += deltaG1.uncompressed + deltaG2.uncompressed
            let n = UInt32(ic.count)
            out += [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
            for p in ic { out += p.uncompressed }
            return out
        }

        public init(bytes b: [UInt8]) throws(Groth16.Error) {
            guard b.count >= 868, (b.count - 868) % 96 == 0 else { throw .vkLength(b.count) }
            let n = Int(b[864]) << 24 | Int(b[865]) << 16 | Int(b[866]) << 8 | Int(b[867])
            guard b.count == 868 + 96 * n else { throw .vkLength(b.count) }
            do {
                alphaG1 = try G1Point(bytes: b[0..<96])
                betaG1 = try G1Point(bytes: b[96..<192])
                betaG2 = try G2Point(bytes: b[192..<384])
                gammaG2 = try G2Point(bytes: b[384..<576])
                deltaG1 = try G1Point(bytes: b[576..<672])
                deltaG2 = try G2Point(bytes: b[672..<864])
                ic = try (0..<n).map { i throws(CurveError) in try G1Point(bytes: b[(868 + 96 * i)..<(964 + 96 * i)]) }
            } catch {
                throw .vkPoint("\(error)")
            }
            if let i = ic.firstIndex(where: \.isInfinity) { throw .vkICAtInfinity(i) }
        }

        init(alphaG1: G1Point, betaG1: G1Point, betaG2: G2Point, gammaG2: G2Point, deltaG1: G1Point, deltaG2: G2Point, ic: [G1Point]) {
            self.alphaG1 = alphaG1
            self.betaG1 = betaG1
            self.betaG2 = betaG2
            self.gammaG2 = gammaG2
            self.deltaG1 = deltaG1
            self.deltaG2 = deltaG2
            self.ic = ic
        }
    }

    /// The verifying key with e(alpha, beta) computed once (bellperson `prepare_verifying_key`).
    public struct PreparedVerifyingKey: Sendable {
        public let vk: VerifyingKey
        let alphaBeta: GT
        let negGamma: G2Point
        let negDelta: G2Point

        public init(_ vk: VerifyingKey) {
            self.vk = vk
            alphaBeta = Pairing.pairing(vk.alphaG1, vk.betaG2)
            negGamma = -vk.gammaG2
            negDelta = -vk.deltaG2
        }
    }

    /// The proving key: the queries of bellperson's `Parameters`.
    public struct Parameters: Sendable {
        public var vk: VerifyingKey
        public var a: [G1Point]      // A_i(τ)·G1 for every variable (inputs then aux)
        public var bG1: [G1Point]
        public var bG2: [G2Point]
        public var h: [G1Point]      // τ^i·Z(τ)/δ, i < n − 1
        public var l: [G1Point]      // (β·A_i + α·B_i + C_i)/δ for aux variables
        public var domainLog: Int
        public var constraints: Int
        public var inputs: Int
    }

    /// The toxic waste of a setup. **Insecure for production**: whoever knows these values can
    /// forge proofs. For tests and benchmarks of circuits that are not Filecoin's (whose
    /// parameters come from the trusted-setup ceremony).
    public struct ToxicWaste: Sendable {
        public var tau, alpha, beta, gamma, delta: Fr
        public init(tau: Fr, alpha: Fr, beta: Fr, gamma: Fr, delta: Fr) {
            self.tau = tau
            self.alpha = alpha
            self.beta = beta
            self.gamma = gamma
            self.delta = delta
        }
        public static func random() -> ToxicWaste {
            ToxicWaste(tau: randomFr(), alpha: randomFr(), beta: randomFr(), gamma: randomFr(), delta: randomFr())
        }
    }

    /// A uniformly random scalar from the system generator (the prover's r, s; batch weights).
    public static func randomFr() -> Fr {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<4).flatMap { _ in le64Bytes(g.next()) }
        return Fr(reducing: bytes)
    }

    /// The per-constraint QAP rows: constraints then one `input_i · 0 = 0` per input.
    static func rows(_ cs: ConstraintSystem) -> [ConstraintSystem.Constraint] {
        cs.constraints + (0..<cs.inputs.count).map { i in
            ConstraintSystem.Constraint(a: .init([(ConstraintSystem.Variable(kind: .input, index: i), .one)]), b: .init(), c: .init())
        }
    }

    /// A setup for `cs`'s shape from explicit toxic waste (see ToxicWaste: insecure).
    public static func setup(_ cs: ConstraintSystem, toxic t: ToxicWaste, threads: Int = Parallel.processorCount) throws -> Parameters {
        let rows = rows(cs)
        let domain = try EvaluationDomain(minimumSize: rows.count)
        let n = domain.size
        // Lagrange basis at τ: L_j(τ) = Z(τ)/n · ω^j / (τ − ω^j).
        let zTau = t.tau.pow(UInt64(n)) - .one
        var omegaJ = [Fr](repeating: .one, count: n)
        for j in 1..<max(n, 1) { omegaJ[j] = omegaJ[j - 1] * domain.omega }
        guard let invs = Fr.batchInverse(omegaJ.map { t.tau - $0 }) else { throw Error.circuitMismatch("τ is a root of unity of the domain: pick another") }
        let scale = zTau * domain.sizeInv
        let lagrange = (0..<n).map { scale * omegaJ[$0] * invs[$0] }
        let nIn = cs.inputs.count, nAux = cs.aux.count
        func idx(_ v: ConstraintSystem.Variable) -> Int { v.kind == .input ? v.index : nIn + v.index }
        var A = [Fr](repeating: .zero, count: nIn + nAux), B = A, C = A
        for (j, r) in rows.enumerated() {
            let lj = lagrange[j]
            for (v, k) in r.a.terms { A[idx(v)] += k * lj }
            for (v, k) in r.b.terms { B[idx(v)] += k * lj }
            for (v, k) in r.c.terms { C[idx(v)] += k * lj }
        }
        guard let gammaInv = t.gamma.inverse(), let deltaInv = t.delta.inverse() else { throw Error.circuitMismatch("γ or δ is zero") }
        let g1 = G1Point.generator, g2 = G2Point.generator
        let mixed = (0..<(nIn + nAux)).map { t.beta * A[$0] + t.alpha * B[$0] + C[$0] }
        let ic = G1Point.fixedBase(g1, (0..<nIn).map { mixed[$0] * gammaInv })
        let l = G1Point.fixedBase(g1, (0..<nAux).map { mixed[nIn + $0] * deltaInv })
        var hScalars: [Fr] = []
        var tp = zTau * deltaInv
        for _ in 0..<(n - 1) {
            hScalars.append(tp)
            tp = tp * t.tau
        }
        let vk = VerifyingKey(alphaG1: g1.multiplied(by: t.alpha), betaG1: g1.multiplied(by: t.beta), betaG2: g2.multiplied(by: t.beta),
                              gammaG2: g2.multiplied(by: t.gamma), deltaG1: g1.multiplied(by: t.delta), deltaG2: g2.multiplied(by: t.delta), ic: ic)
        return Parameters(vk: vk, a: G1Point.fixedBase(g1, A), bG1: G1Point.fixedBase(g1, B), bG2: G2Point.fixedBase(g2, B),
                          h: G1Point.fixedBase(g1, hScalars), l: l, domainLog: domain.logSize, constraints: cs.constraints.count, inputs: nIn)
    }


    /// Where a proof's time went (the deadline model of the harness reads these).
    public struct ProveTiming: Sendable {
        public var witness = 0.0, ntt = 0.0, msmA = 0.0, msmB1 = 0.0, msmB2 = 0.0, msmH = 0.0, msmL = 0.0
        public var total: Double { witness + ntt + msmA + msmB1 + msmB2 + msmH + msmL }
    }

    /// A proof of `cs`'s assignment; r and s are the prover's randomness (random by default).
    public static func prove(_ p: Parameters, _ cs: ConstraintSystem, r: Fr = randomFr(), s: Fr = randomFr(),
                             threads: Int = Parallel.processorCount) throws -> (Proof, ProveTiming) {
        guard cs.constraints.count == p.constraints, cs.inputs.count == p.inputs, cs.inputs.count + cs.aux.count == p.a.count else {
            throw Error.circuitMismatch("\(cs.constraints.count) constraints, \(cs.inputs.count) inputs, \(cs.aux.count) aux")
        }
        var timing = ProveTiming()
        let clock = ContinuousClock()
        var a: [Fr] = [], b: [Fr] = [], c: [Fr] = []
        let domain = try EvaluationDomain(logSize: p.domainLog)
        timing.witness = durationSeconds(try clock.measure {
            if let bad = cs.firstUnsatisfied() { throw Error.unsatisfied(constraint: bad) }
            let rows = rows(cs)
            a = rows.map { cs.evaluate($0.a) } + [Fr](repeating: .zero, count: domain.size - rows.count)
            b = rows.map { cs.evaluate($0.b) } + [Fr](repeating: .zero, count: domain.size - rows.count)
            c = rows.map { cs.evaluate($0.c) } + [Fr](repeating: .zero, count: domain.size - rows.count)
        })
        // h = (a·b − c)/Z on the coset, back to coefficients (7 NTTs as bellperson).
        var h: [Fr] = []
        timing.ntt = durationSeconds(try clock.measure {
            for i in 0..<3 {
                var v = i == 0 ? a : (i == 1 ? b : c)
                try domain.ifft(&v, threads: threads)
                try domain.cosetFFT(&v, threads: threads)
                if i == 0 { a = v } else if i == 1 { b = v } else { c = v }
            }
            // Z(g·ω^j) = g^n − 1 for every j.
            guard let zInv = (EvaluationDomain.generator.pow(UInt64(domain.size)) - .one).inverse() else { throw Error.circuitMismatch("Z vanishes on the coset") }
            h = (0..<domain.size).map { (a[$0] * b[$0] - c[$0]) * zInv }
            try domain.icosetFFT(&h, threads: threads)
            h.removeLast()
        })
        let w = cs.inputs + cs.aux
        let clockMSM = ContinuousClock()
        var ga = G1Point.infinity, gb1 = G1Point.infinity, gb2 = G2Point.infinity, gh = G1Point.infinity, gl = G1Point.infinity
        timing.msmA = durationSeconds(try clockMSM.measure { ga = try G1Point.msm(p.a, w, threads: threads) })
        timing.msmB1 = durationSeconds(try clockMSM.measure { gb1 = try G1Point.msm(p.bG1, w, threads: threads) })
        timing.msmB2 = durationSeconds(try clockMSM.measure { gb2 = try G2Point.msm(p.bG2, w, threads: threads) })
        timing.msmH = durationSeconds(try clockMSM.measure { gh = try G1Point.msm(p.h, h, threads: threads) })
        timing.msmL = durationSeconds(try clockMSM.measure { gl = try G1Point.msm(p.l, cs.aux, threads: threads) })
        let vk = p.vk
        let A = vk.alphaG1 + ga + vk.deltaG1.multiplied(by: r)
        let B = vk.betaG2 + gb2 + vk.deltaG2.multiplied(by: s)
        let B1 = vk.betaG1 + gb1 + vk.deltaG1.multiplied(by: s)
        let C = gh + gl + A.multiplied(by: s) + B1.multiplied(by: r) + (-vk.deltaG1.multiplied(by: r * s))
        return (Proof(a: A, b: B, c: C), timing)
    }

    /// acc = ic_0 + Σ x_i·ic_{i+1}, after the input count check.
    static func accumulate(_ vk: VerifyingKey, _ inputs: [Fr]) throws(Groth16.Error) -> G1Point {
        guard inputs.count + 1 == vk.ic.count else { throw .inputCount(expected: vk.ic.count - 1, got: inputs.count) }
        // ic[0] joins the MSM with the scalar 1: one conversion to affine instead of two.
        do { return try G1Point.msm(vk.ic, [Fr.one] + inputs, threads: 1) } catch { throw .msm("\(error)") }
    }

    /// e(A, B) == e(α, β)·e(acc, γ)·e(C, δ), as ML(A,B)·ML(acc,−γ)·ML(C,−δ) after one final
    /// exponentiation against the prepared e(α, β).
    public static func verify(_ pvk: PreparedVerifyingKey, _ proof: Proof, inputs: [Fr]) throws(Groth16.Error) -> Bool {
        let acc = try accumulate(pvk.vk, inputs)
        return Pairing.multiPairing([(proof.a, proof.b), (acc, pvk.negGamma), (proof.c, pvk.negDelta)]) == pvk.alphaBeta
    }

    /// Verifies from bytes the way the fixture family and bellperson do: any decoding error,
    /// count mismatch or non-canonical input is a rejection (with its reason).
    public static func verify(vk vkBytes: [UInt8], proof proofBytes: [UInt8], inputs inputBytes: [[UInt8]]) -> ProofVerdict {
        do {
            let vk = try VerifyingKey(bytes: vkBytes)
            let proof = try Proof(bytes: proofBytes)
            let inputs = try inputBytes.enumerated().map { i, b throws(Groth16.Error) in
                guard b.count == 32, let f = try? Fr(bytes: b) else { throw .inputNotCanonical(i) }
                return f
            }
            return try verify(PreparedVerifyingKey(vk), proof, inputs: inputs) ? .accepted : .rejected("the pairing equation does not hold")
        } catch {
            return .rejected("\(error)")
        }
    }

    /// Many proofs under one key with one multi-pairing: with random ρ_i,
    /// Π e(ρ_i·A_i, B_i) · e(−Σρ_i·acc_i, γ) · e(−Σρ_i·C_i, δ) · e(−(Σρ_i)·α, β) == 1.
    public static func batchVerify(_ pvk: PreparedVerifyingKey, _ items: [(Proof, [Fr])]) throws(Groth16.Error) -> Bool {
        guard !items.isEmpty else { return true }
        var pairs: [(G1Point, G2Point)] = []
        var accSum = G1Point.infinity, cSum = G1Point.infinity, rhoSum = Fr.zero
        for (proof, inputs) in items {
            let rho = randomFr()
            let acc = try accumulate(pvk.vk, inputs)
            pairs.append((proof.a.multiplied(by: rho), proof.b))
            accSum = accSum + acc.multiplied(by: rho)
            cSum = cSum + proof.c.multiplied(by: rho)
            rhoSum += rho
        }
        pairs.append((-accSum, pvk.vk.gammaG2))
        pairs.append((-cSum, pvk.vk.deltaG2))
        pairs.append((-pvk.vk.alphaG1.multiplied(by: rhoSum), pvk.vk.betaG2))
        return Pairing.check(pairs)
    }
}
