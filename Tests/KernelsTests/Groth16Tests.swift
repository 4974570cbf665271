import Foundation
import Testing
@testable import Kernels

/// One setup shared by the tests (a 1,000-constraint synthetic circuit, 2 public inputs).
private enum Shared {
    nonisolated(unsafe) static let value: (Groth16.Parameters, ConstraintSystem)? = {
        let cs = ConstraintSystem.synthetic(constraints: 1000, publicInputs: 2, seed: 3)
        let toxic = Groth16.ToxicWaste(tau: Fr(1234567), alpha: Fr(11), beta: Fr(13), gamma: Fr(17), delta: Fr(19))
        return (try? Groth16.setup(cs, toxic: toxic)).map { ($0, cs) }
    }()
}

@Test func groth16ProvesAndVerifiesASyntheticCircuit() throws {
    let (params, cs) = try #require(Shared.value)
    #expect(cs.firstUnsatisfied() == nil)
    let (proof, timing) = try Groth16.prove(params, cs)
    #expect(timing.total > 0)
    let pvk = Groth16.PreparedVerifyingKey(params.vk)
    #expect(try Groth16.verify(pvk, proof, inputs: cs.publicInputs))
    // Wrong inputs, a wrong input count, and the bytes route.
    var wrong = cs.publicInputs
    wrong[0] += .one
    #expect(try !Groth16.verify(pvk, proof, inputs: wrong))
    #expect(throws: Groth16.Error.inputCount(expected: 2, got: 1)) { _ = try Groth16.verify(pvk, proof, inputs: [wrong[0]]) }
    let bytes = proof.bytes
    #expect(bytes.count == 192)
    let decoded = try Groth16.Proof(bytes: bytes)
    #expect(decoded == proof)
    #expect(try Groth16.VerifyingKey(bytes: params.vk.bytes) == params.vk)
    #expect(params.vk.bytes.count == 868 + 96 * 3)
    #expect(Groth16.verify(vk: params.vk.bytes, proof: bytes, inputs: cs.publicInputs.map(\.bytes)).valid)
    // (−A, −B, C) is still valid (bellperson's known malleability); another randomness too.
    #expect(try Groth16.verify(pvk, Groth16.Proof(a: -proof.a, b: -proof.b, c: proof.c), inputs: cs.publicInputs))
    let (other, _) = try Groth16.prove(params, cs)
    #expect(other != proof)
    #expect(try Groth16.verify(pvk, other, inputs: cs.publicInputs))
    // Batch verification.
    #expect(try Groth16.batchVerify(pvk, [(proof, cs.publicInputs), (other, cs.publicInputs)]))
    #expect(try !Groth16.batchVerify(pvk, [(proof, cs.publicInputs), (other, wrong)]))
}

@Test func groth16RejectsTamperedProofsAndBadEncodings() throws {
    let (params, cs) = try #require(Shared.value)
    let (proof, _) = try Groth16.prove(params, cs)
    let vk = params.vk.bytes, inputs = cs.publicInputs.map(\.bytes)
    let bytes = proof.bytes
    var tried = 0, accepted: [Int] = []
    for i in 0..<bytes.count {
        for mask: UInt8 in [0x01, 0x10, 0x80, 0x44, 0x02, 0x20] {
            var m = bytes
            m[i] ^= mask
            tried += 1
            if Groth16.verify(vk: vk, proof: m, inputs: inputs).valid { accepted.append(i) }
        }
    }
    #expect(tried >= 1000 && accepted.isEmpty, "accepted at \(accepted.prefix(8))")
    #expect(!Groth16.verify(vk: vk, proof: Array(bytes.dropLast()), inputs: inputs).valid)
    // Infinity in the proof, a non-canonical input, a vk with the wrong input count.
    var inf = bytes
    inf.replaceSubrange(0..<48, with: [0xc0] + [UInt8](repeating: 0, count: 47))
    #expect(Groth16.verify(vk: vk, proof: inf, inputs: inputs).reason?.contains("infinity") == true)
    var big = inputs
    big[0] = [UInt8](repeating: 0xff, count: 32)
    #expect(!Groth16.verify(vk: vk, proof: bytes, inputs: big).valid)
    #expect(!Groth16.verify(vk: vk, proof: bytes, inputs: Array(inputs.prefix(1))).valid)
    #expect(!Groth16.verify(vk: Array(vk.dropLast(96)), proof: bytes, inputs: inputs).valid)
    #expect(throws: Groth16.Error.self) { _ = try Groth16.VerifyingKey(bytes: Array(vk.prefix(900))) }
    // An unsatisfied assignment is refused by the prover.
    let bad = ConstraintSystem()
    let x = bad.witness(Fr(3))
    bad.enforce(.init([(x, .one)]), .init([(x, .one)]), .init([(x, .one)]))
    let p2 = try Groth16.setup(bad, toxic: .random())
    #expect(throws: Groth16.Error.unsatisfied(constraint: 0)) { _ = try Groth16.prove(p2, bad) }
}
