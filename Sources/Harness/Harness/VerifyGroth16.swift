import Foundation
import Kernels

/// Handler of the groth16-verify family: bellperson verifying key and proof bytes.
let groth16Handlers: [String: FamilyHandler] = [
    "groth16-verify": { ctx in
        let vk = try ctx.hexBytes("vk"), proof = try ctx.hexBytes("proof")
        guard let list = ctx.input["public_inputs"]?.arrayValue else { throw MalformedError("input.public_inputs must be a list of hex strings") }
        let inputs = try list.map { v -> [UInt8] in
            guard let s = v.stringValue, let b = try? Hex.decode(s) else { throw MalformedError("a public input is not hex") }
            return b
        }
        let v = Groth16.verify(vk: vk, proof: proof, inputs: inputs)
        return .values(["valid": .bool(v.valid), "reason": .string(v.reason ?? "")])
    },
]
