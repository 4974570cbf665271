import Foundation
import Kernels

/// Handlers of the NTT family (ntt): bellperson EvaluationDomain fft / ifft / coset_fft /
/// icoset_fft of 2^log_n elements, inputs explicit or from the sha256-fr-v1 generator.
let nttHandlers: [String: FamilyHandler] = [
    "ntt": { ctx in
        let logN = try ctx.uint("log_n")
        guard logN <= UInt64(EvaluationDomain.maxLogSize) else {
            throw MalformedError("input.log_n must be 0...\(EvaluationDomain.maxLogSize), got \(logN)")
        }
        let n = 1 << Int(logN)
        if let skip = ctx.overBudget(UInt64(n) * 32 * 2) { return .skipped(skip) }
        let direction = try ctx.string("direction")
        var a: [Fr]
        if ctx.input["values"] != nil {
            a = try ctx.fieldList("values")
            guard a.count == n else { throw MalformedError("input.values has \(a.count) elements, 2^log_n = \(n)") }
        } else if case .object(let g)? = ctx.input["generator"] {
            guard g["name"]?.stringValue == "sha256-fr-v1", let seed = g["seed"]?.stringValue else {
                throw UnsupportedError("input.generator: only {\"name\": \"sha256-fr-v1\", \"seed\": S} is implemented")
            }
            a = sha256FrV1(seed: seed, count: n)
        } else {
            throw MalformedError("input needs \"values\" or \"generator\"")
        }
        let domain = try EvaluationDomain(logSize: Int(logN))
        let threads = max(1, ctx.options.threads)
        switch direction {
        case "fft": try domain.fft(&a, threads: threads)
        case "ifft": try domain.ifft(&a, threads: threads)
        case "coset_fft": try domain.cosetFFT(&a, threads: threads)
        case "icoset_fft": try domain.icosetFFT(&a, threads: threads)
        default: throw MalformedError("input.direction \"\(direction)\" is not one of fft, ifft, coset_fft, icoset_fft")
        }
        var out: [String: JSONValue] = [
            "sha256": .string(Hex.encode(SHA256.hash(a.flatMap(\.bytes)))),
            "first4": .array(a.prefix(4).map { .string($0.hex) }),
        ]
        if ctx.expected["values"] != nil { out["values"] = .array(a.map { .string($0.hex) }) }
        return .values(out)
    },
]

/// The sha256-fr-v1 generator: a_i = int_le(SHA-256(utf8(seed) || ":" || decimal(i))) mod r.
func sha256FrV1(seed: String, count: Int) -> [Fr] {
    let prefix = Array(seed.utf8) + [UInt8(ascii: ":")]
    return (0..<count).map { i in frReducing(SHA256.hash(prefix + Array(String(i).utf8))) }
}

/// A 32-byte little-endian integer (< 2^256 < 3r) reduced mod r: at most two subtractions.
func frReducing(_ bytes: [UInt8]) -> Fr {
    precondition(bytes.count == 32)
    let r: [UInt64] = [0xffff_ffff_0000_0001, 0x53bd_a402_fffe_5bfe, 0x3339_d808_09a1_d805, 0x73ed_a753_299d_7d48]
    var v = (0..<4).map { k in (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[8 * k + $1]) << UInt64(8 * $1) } }
    func atLeastR() -> Bool {
        for k in stride(from: 3, through: 0, by: -1) where v[k] != r[k] { return v[k] > r[k] }
        return true
    }
    while atLeastR() {
        var borrow = false
        for k in 0..<4 {
            let (d1, o1) = v[k].subtractingReportingOverflow(r[k])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            v[k] = d2
            borrow = o1 || o2
        }
    }
    // v < r: from_limbs cannot fail; Fr.zero keeps this total without a force unwrap.
    return (try? Fr(limbs: v)) ?? .zero
}
