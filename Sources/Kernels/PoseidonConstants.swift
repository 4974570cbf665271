import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// Neptune's security strength. Filecoin seals and proves with `.standard` only.
public enum PoseidonStrength: String, Sendable, CaseIterable {
    case standard, strengthened
}

/// The constants of one Poseidon instance as neptune derives them (poseidon.md §3–§8):
/// round numbers, Grain LFSR round constants, the Cauchy MDS matrix 1/(i+j+t), and the
/// optimized static form (compressed constants, pre-sparse matrix, sparse matrices).
/// Everything is generated here from first principles; nothing is a pasted table.
public struct PoseidonParameters: Sendable {
    public let arity: Int
    public let width: Int
    public let strength: PoseidonStrength
    public let fullRounds: Int
    public let partialRounds: Int
    /// The 80-bit initial Grain state, b0 first (0/1 values).
    public let grainInitBits: [UInt8]
    /// 255-bit Grain candidates >= r that were discarded.
    public let rejectedCandidates: Int
    /// t·(R_F + R_P) raw constants, round-major.
    public let roundConstants: [Fr]
    /// M[i][j] = 1/(i + j + t), row-major t×t.
    public let mds: [Fr]
    /// C': t·R_F + R_P constants in the order the optimized form adds them.
    public let compressedRoundConstants: [Fr]
    /// P, row-major t×t.
    public let preSparseMatrix: [Fr]
    /// For each partial round: w_hat (column 0, t values) then v_rest (t-1 values).
    public let sparseMatrices: [Fr]

    /// The optimized table in Supranational's layout, C' | M | P | sparse (the C kernel's input).
    let optimizedTable: [ck_fr]
    let roundConstantTable: [ck_fr]

    public init(arity: Int, strength: PoseidonStrength = .standard) {
        precondition(arity >= 1 && arity < Int(CK_POSEIDON_MAX_WIDTH), "Poseidon arity 1...64")
        self.arity = arity
        self.strength = strength
        let t = arity + 1
        width = t
        let (rf, rp) = PoseidonParameters.roundNumbers(width: t, strength: strength)
        fullRounds = rf
        partialRounds = rp
        var grain = GrainLFSR(width: t, fullRounds: rf, partialRounds: rp)
        grainInitBits = grain.initBits
        var rc: [Fr] = []
        rc.reserveCapacity(t * (rf + rp))
        while rc.count < t * (rf + rp) { rc.append(grain.nextFieldElement()) }
        rejectedCandidates = grain.rejected
        roundConstants = rc

        let m = Matrix.cauchy(t)
        mds = m.flat
        let opt = OptimizedForm(mds: m, roundConstants: rc, width: t, fullRounds: rf, partialRounds: rp)
        compressedRoundConstants = opt.constants
        preSparseMatrix = opt.preSparse.flat
        sparseMatrices = opt.sparse
        optimizedTable = (opt.constants + m.flat + opt.preSparse.flat + opt.sparse).map(\.raw)
        roundConstantTable = rc.map(\.raw)
    }

    /// The Supranational-layout table as bytes (every element 4 LE u64 Montgomery limbs).
    public var supranationalTable: [UInt8] {
        optimizedTable.flatMap { e in
            [e.l.0, e.l.1, e.l.2, e.l.3].flatMap { l in (0..<8).map { UInt8(truncatingIfNeeded: l >> (8 * $0)) } }
        }
    }

    /// The instances Filecoin uses, generated once per process on first use.
    public static let arity2 = PoseidonParameters(arity: 2)
    public static let arity4 = PoseidonParameters(arity: 4)
    public static let arity8 = PoseidonParameters(arity: 8)
    public static let arity11 = PoseidonParameters(arity: 11)

    /// The cached standard instance for 2, 4, 8 or 11; otherwise generated now.
    public static func standard(arity: Int) -> PoseidonParameters {
        switch arity {
        case 2: arity2
        case 4: arity4
        case 8: arity8
        case 11: arity11
        default: PoseidonParameters(arity: arity)
        }
    }

    /// (R_F, R_P) for width t. Filecoin's widths come from the table of poseidon.md §3;
    /// others from neptune's search in 32-bit floats (§3.1). Strengthened: R_P' = ceil(1.25·R_P).
    public static func roundNumbers(width t: Int, strength: PoseidonStrength) -> (Int, Int) {
        let table: [Int: Int] = [3: 55, 5: 56, 9: 57, 12: 57]
        let (rf, rp) = table[t].map { (8, $0) } ?? searchRoundNumbers(width: t)
        switch strength {
        case .standard: return (rf, rp)
        case .strengthened: return (rf, Int((Float(rp) * 1.25).rounded(.up)))
        }
    }

    /// neptune's `calc_round_numbers` with the security margin: n = 256, M = 128, α = 5,
    /// evaluated in Float (IEEE binary32) as neptune does.
    static func searchRoundNumbers(width t: Int) -> (Int, Int) {
        func secure(_ rf: Int, _ rp: Int) -> Bool {
            let n: Float = 256, m: Float = 128, tf = Float(t), rpf = Float(rp)
            let stat: Float = m <= (n - 3) * (tf + 1) ? 6 : 10
            let interp: Float = 0.43 * m + log2f(tf) - rpf
            let grob1: Float = 0.21 * n - rpf
            let grob2: Float = (0.14 * n - 1 - rpf) / (tf - 1)
            let need = [stat, interp, grob1, grob2].map { Int($0.rounded(.up)) }.max() ?? 0
            return rf >= need
        }
        var best = (rf: 0, rp: 0, cost: Int.max)
        for rfStart in stride(from: 2, through: 1000, by: 2) {
            var rfTest = rfStart
            for rpStart in 4..<200 {
                var rpTest = rpStart
                if secure(rfTest, rpTest) {
                    rfTest += 2
                    rpTest = Int((Float(1.075) * Float(rpTest)).rounded(.up))
                    let cost = t * rfTest + rpTest
                    if cost < best.cost || (cost == best.cost && rfTest < best.rf) {
                        best = (rfTest, rpTest, cost)
                    }
                }
            }
        }
        return (best.rf, best.rp)
    }
}

/// The Grain LFSR of the Poseidon reference scripts (poseidon.md §6).
struct GrainLFSR {
    private var state: UInt128 = 0 // bit i = s[i]
    let initBits: [UInt8]
    private(set) var rejected = 0

    init(width: Int, fullRounds: Int, partialRounds: Int) {
        var bits: [UInt8] = []
        func field(_ v: Int, _ w: Int) {
            for k in stride(from: w - 1, through: 0, by: -1) { bits.append(UInt8((v >> k) & 1)) }
        }
        field(1, 2) // prime field
        field(1, 4) // neptune's code for x^5
        field(255, 12) // bit length of r
        field(width, 12)
        field(fullRounds, 10)
        field(partialRounds, 10)
        field((1 << 30) - 1, 30)
        initBits = bits
        for (i, b) in bits.enumerated() where b == 1 { state |= UInt128(1) << UInt128(i) }
        for _ in 0..<160 { _ = clock() }
    }

    private mutating func clock() -> UInt8 {
        let s = state
        let new = (s >> 62) ^ (s >> 51) ^ (s >> 38) ^ (s >> 23) ^ (s >> 13) ^ s
        let bit = new & 1
        state = (s >> 1) | (bit << 79)
        return UInt8(truncatingIfNeeded: bit)
    }

    /// Self-shrinking: pairs (a, b); output b when a = 1.
    private mutating func shrunkBit() -> UInt8 {
        while true {
            let a = clock(), b = clock()
            if a == 1 { return b }
        }
    }

    /// 255 shrunk bits, most significant first; candidates >= r are discarded, never reduced.
    mutating func nextFieldElement() -> Fr {
        while true {
            var limbs = [UInt64](repeating: 0, count: 4)
            for k in 0..<255 {
                let pos = 254 - k
                if shrunkBit() == 1 { limbs[pos / 64] |= 1 << UInt64(pos % 64) }
            }
            if let e = try? Fr(limbs: limbs) { return e }
            rejected += 1
        }
    }
}

/// A square matrix over Fr, row-major.
struct Matrix {
    let n: Int
    var flat: [Fr]

    init(n: Int, flat: [Fr]) {
        self.n = n
        self.flat = flat
    }

    static func identity(_ n: Int) -> Matrix {
        var m = Matrix(n: n, flat: [Fr](repeating: .zero, count: n * n))
        for i in 0..<n { m[i, i] = .one }
        return m
    }

    /// M[i][j] = 1 / (i + j + t): x_i = i, y_j = t + j, inverse of the sum.
    static func cauchy(_ t: Int) -> Matrix {
        let sums = (0..<(2 * t - 1)).map { Fr(UInt64($0 + t)) }
        guard let inv = Fr.batchInverse(sums) else { preconditionFailure("i + j + t is never 0") }
        var m = Matrix(n: t, flat: [Fr](repeating: .zero, count: t * t))
        for i in 0..<t { for j in 0..<t { m[i, j] = inv[i + j] } }
        return m
    }

    subscript(i: Int, j: Int) -> Fr {
        get { flat[i * n + j] }
        set { flat[i * n + j] = newValue }
    }

    static func * (a: Matrix, b: Matrix) -> Matrix {
        var c = Matrix(n: a.n, flat: [Fr](repeating: .zero, count: a.n * a.n))
        for i in 0..<a.n {
            for k in 0..<a.n {
                let aik = a[i, k]
                if aik.isZero { continue }
                for j in 0..<a.n { c[i, j] += aik * b[k, j] }
            }
        }
        return c
    }

    /// Row vector times matrix: out[j] = Σ_i v[i]·A[i][j].
    func leftMultiply(_ v: [Fr]) -> [Fr] {
        var out = [Fr](repeating: .zero, count: n)
        for i in 0..<n where !v[i].isZero {
            for j in 0..<n { out[j] += v[i] * self[i, j] }
        }
        return out
    }

    /// Matrix times column vector.
    func rightMultiply(_ v: [Fr]) -> [Fr] {
        (0..<n).map { i in (0..<n).reduce(Fr.zero) { $0 + self[i, $1] * v[$1] } }
    }

    /// Gauss–Jordan inverse; nil when singular.
    func inverse() -> Matrix? {
        var a = self, inv = Matrix.identity(n)
        for col in 0..<n {
            guard let pivot = (col..<n).first(where: { !a[$0, col].isZero }) else { return nil }
            if pivot != col {
                for j in 0..<n {
                    a.flat.swapAt(pivot * n + j, col * n + j)
                    inv.flat.swapAt(pivot * n + j, col * n + j)
                }
            }
            guard let p = a[col, col].inverse() else { return nil }
            for j in 0..<n {
                a[col, j] *= p
                inv[col, j] *= p
            }
            for i in 0..<n where i != col {
                let f = a[i, col]
                if f.isZero { continue }
                for j in 0..<n {
                    a[i, j] -= f * a[col, j]
                    inv[i, j] -= f * inv[col, j]
                }
            }
        }
        return inv
    }

    /// Drops the first row and column.
    func minor00() -> Matrix {
        var m = Matrix(n: n - 1, flat: [])
        m.flat.reserveCapacity((n - 1) * (n - 1))
        for i in 1..<n { for j in 1..<n { m.flat.append(self[i, j]) } }
        return m
    }
}

/// neptune's optimized static form (poseidon.md §8.1, §8.2).
struct OptimizedForm {
    var constants: [Fr] = []
    var preSparse: Matrix
    var sparse: [Fr] = []

    init(mds m: Matrix, roundConstants rc: [Fr], width t: Int, fullRounds rf: Int, partialRounds rp: Int) {
        guard let mInv = m.inverse() else { preconditionFailure("the Cauchy MDS matrix is invertible") }
        func round(_ r: Int) -> [Fr] { Array(rc[(r * t)..<((r + 1) * t)]) }
        let half = rf / 2

        // §8.1: constants moved one round earlier, past the linear layer.
        var c = round(0)
        for r in 1..<half { c += mInv.leftMultiply(round(r)) }
        var acc = round(half + rp)
        var partial: [Fr] = []
        for r in stride(from: half + rp - 1, through: half, by: -1) {
            var u = mInv.leftMultiply(acc)
            partial.append(u[0])
            u[0] = .zero
            let cr = round(r)
            acc = (0..<t).map { u[$0] + cr[$0] }
        }
        c += mInv.leftMultiply(acc)
        c += partial.reversed()
        for r in (half + rp + 1)..<(rf + rp) { c += mInv.leftMultiply(round(r)) }
        constants = c

        // §8.2: m = m'·m'' repeatedly, from the last partial round backwards.
        var cur = m
        var list: [[Fr]] = []
        for _ in 0..<rp {
            let mHat = cur.minor00()
            guard let mHatInv = mHat.inverse() else { preconditionFailure("minor of the MDS product is invertible") }
            let w = (1..<t).map { cur[$0, 0] }
            let v = (1..<t).map { cur[0, $0] }
            let wHat = mHatInv.rightMultiply(w)
            list.append([cur[0, 0]] + wHat + v)
            var mPrime = Matrix.identity(t)
            for i in 1..<t { for j in 1..<t { mPrime[i, j] = mHat[i - 1, j - 1] } }
            cur = m * mPrime
        }
        preSparse = cur
        sparse = list.reversed().flatMap { $0 }
    }
}
