import Foundation
import Kernels

/// Handlers of the BLS12-381 base-field families (fp, …).
let fpHandlers: [String: FamilyHandler] = [
    "fp": { ctx in
        let op = try ctx.string("op")
        func el(_ k: String) throws -> Fp { try ctx.baseFieldElement(k) }
        let result: Fp
        switch op {
        case "add": result = try el("a") + el("b")
        case "sub": result = try el("a") - el("b")
        case "mul": result = try el("a") * el("b")
        case "square": result = try el("a").squared()
        case "neg": result = -(try el("a"))
        case "inverse": result = try el("a").inverse()
        case "pow":
            let e = try ctx.hexBytes("exp")
            guard e.count == 48 else { throw MalformedError("input.exp must be 48 big-endian bytes (96 hex characters)") }
            result = try el("a").pow(exponentBE: e)
        case "from_bytes":
            let b = try ctx.hexBytes("bytes")
            guard b.count == 48 else { throw MalformedError("input.bytes must be 48 bytes") }
            let dec = DecimalBE.format(try Fp(bytesBE: b).bytesBE)
            if let small = UInt64(dec), small < 1 << 53 { return .values(["value": .number(Double(small))]) }
            return .values(["value": .string(dec)])
        case "to_bytes":
            let text: String
            switch ctx.input["value"] {
            case .number(let d)? where d >= 0 && d == d.rounded() && d < 9_007_199_254_740_992: text = String(UInt64(d))
            case .string(let s)?: text = s
            default: throw MalformedError("input.value must be a whole number or a decimal string")
            }
            guard let b = DecimalBE.parse(text, byteCount: 48) else { throw MalformedError("input.value is not a decimal integer below 2^384") }
            return .values(["bytes": .string(try Fp(bytesBE: b).hex)])
        default:
            throw MalformedError("input.op \"\(op)\" is not one of add, sub, mul, square, neg, inverse, pow, from_bytes, to_bytes")
        }
        return .values(["result": .string(result.hex)])
    },
]

extension CaseContext {
    /// A base-field element: malformed when not 48 bytes of hex; FpError (a rejection) when >= p.
    func baseFieldElement(_ key: String) throws -> Fp {
        let b = try hexBytes(key)
        guard b.count == 48 else { throw MalformedError("input.\(key) must be 48 bytes (96 hex characters), got \(b.count)") }
        return try Fp(bytesBE: b)
    }
}
