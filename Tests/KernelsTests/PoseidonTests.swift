import CKernels
import Foundation
import Testing
@testable import Kernels

private func frs(_ any: Any?) throws -> [Fr] {
    try #require(any as? [String]).map { try Fr(hex: $0) }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

func str(_ d: [String: Any], _ k: String) throws -> String {
    guard let v = d[k] as? String else { throw FixtureError(description: "missing string \(k)") }
    return v
}

func fr(_ d: [String: Any], _ k: String) throws -> Fr { try Fr(hex: try str(d, k)) }

func strength(_ d: [String: Any]) throws -> PoseidonStrength {
    guard let s = PoseidonStrength(rawValue: try str(d, "strength")) else { throw FixtureError(description: "strength") }
    return s
}

private func sha256Hex(_ xs: [Fr]) -> String { Hex.encode(SHA256.hash(xs.flatMap(\.bytes))) }

/// Every single-hash vector of poseidon.json (neptune, rust-fil-proofs, Lotus and
/// generated values), standard and strengthened, through the optimized form and the
/// reference form.
@Test func poseidonHashesMatchNeptune() throws {
    for c in try fixture("poseidon.json") {
        let name = try #require(c["name"] as? String)
        let input = try #require(c["input"] as? [String: Any])
        let expected = try #require(c["expected"] as? [String: Any])
        let arity = try #require(input["arity"] as? Int)
        let strength = try strength(input)
        let tag = try fr(input, "domain_tag")
        let pre = try frs(input["preimage"])
        let p = strength == .standard ? PoseidonParameters.standard(arity: arity)
            : PoseidonParameters(arity: arity, strength: strength)
        let want = try fr(expected, "hash")
        #expect(Poseidon.hash(pre, tag: tag, parameters: p) == want, "\(name)")
        var state = [tag] + pre + [Fr](repeating: .zero, count: arity - pre.count)
        Poseidon.permuteReference(&state, parameters: p)
        #expect(state[1] == want, "\(name) (reference form)")
    }
}

@Test func poseidonConstantsMatchFixtures() throws {
    for c in try fixture("poseidon-constants.json") {
        let name = try #require(c["name"] as? String)
        let input = try #require(c["input"] as? [String: Any])
        let e = try #require(c["expected"] as? [String: Any])
        let arity = try #require(input["arity"] as? Int)
        let strength = try strength(input)
        if name.hasPrefix("round-numbers") {
            let (rf, rp) = PoseidonParameters.roundNumbers(width: arity + 1, strength: strength)
            #expect(rf == e["full_rounds"] as? Int && rp == e["partial_rounds"] as? Int, "\(name)")
            continue
        }
        let p = PoseidonParameters(arity: arity, strength: strength)
        if let bytes = e["supraseal_table_bytes"] as? Int {
            let table = p.supranationalTable
            #expect(table.count == bytes, "\(name)")
            #expect(Hex.encode(SHA256.hash(table)) == e["supraseal_table_sha256"] as? String, "\(name)")
            continue
        }
        #expect(p.width == e["width"] as? Int)
        #expect(p.fullRounds == e["full_rounds"] as? Int)
        #expect(p.partialRounds == e["partial_rounds"] as? Int, "\(name)")
        #expect(p.grainInitBits.map(String.init).joined() == e["grain_init_bits"] as? String, "\(name)")
        #expect(p.roundConstants.count == e["round_constants_count"] as? Int)
        #expect(p.rejectedCandidates == e["rejected_candidates"] as? Int, "\(name)")
        #expect(Array(p.roundConstants.prefix(5)) == (try frs(e["round_constants_first_5"])), "\(name)")
        #expect(p.roundConstants.last == (try fr(e, "round_constants_last")))
        #expect(sha256Hex(p.roundConstants) == e["round_constants_sha256"] as? String, "\(name)")
        #expect(Array(p.mds.prefix(p.width)) == (try frs(e["mds_first_row"])), "\(name)")
        #expect(sha256Hex(p.mds) == e["mds_sha256"] as? String, "\(name)")
        #expect(Poseidon.Tag.merkleTree(arity: arity).hex == e["merkle_tree_tag"] as? String)
        #expect(p.compressedRoundConstants.count == e["compressed_round_constants_count"] as? Int)
        #expect(Array(p.compressedRoundConstants.prefix(5)) == (try frs(e["compressed_round_constants_first_5"])))
        #expect(sha256Hex(p.compressedRoundConstants) == e["compressed_round_constants_sha256"] as? String, "\(name)")
        #expect(Array(p.preSparseMatrix.prefix(p.width)) == (try frs(e["pre_sparse_matrix_first_row"])))
        #expect(sha256Hex(p.preSparseMatrix) == e["pre_sparse_matrix_sha256"] as? String, "\(name)")
        #expect(Array(p.sparseMatrices.prefix(p.width)) == (try frs(e["sparse_matrix_0_w_hat"])))
        #expect(Array(p.sparseMatrices[p.width..<(2 * p.width - 1)]) == (try frs(e["sparse_matrix_0_v_rest"])))
        #expect(sha256Hex(p.sparseMatrices) == e["sparse_matrices_sha256"] as? String, "\(name)")
    }
}
