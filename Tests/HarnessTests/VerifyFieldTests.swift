import Foundation
import Testing
@testable import Harness
import Kernels

private let zero = String(repeating: "0", count: 64)
private let rHex = "01000000fffffffffe5bfeff02a4bd5305d8a10908d83933487d9d2953a7ed73"

@Test func fieldFamiliesAreImplemented() {
    #expect(Set(Verifier.families).isSuperset(of: ["fr", "poseidon", "poseidon-constants", "poseidon-merkle"]))
}

@Test func frCasesRejectNonCanonicalAndFlagMalformed() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let p = try write(caseFile(family: "fr", """
        {"name": "reject-r", "input": {"op": "from_bytes", "bytes": "\(rHex)"}, "expected": {"error": "non-canonical"}},
        {"name": "r-as-operand", "input": {"op": "add", "a": "\(rHex)", "b": "\(zero)"}, "expected": {"result": "\(zero)"}},
        {"name": "inverse-of-zero", "input": {"op": "inverse", "a": "\(zero)"}, "expected": {"error": "no inverse"}},
        {"name": "wrong-sum", "input": {"op": "add", "a": "\(zero)", "b": "\(zero)"}, "expected": {"result": "01\(zero.dropFirst(2))"}},
        {"name": "big-value (python int.from_bytes)", "input": {"op": "from_bytes", "bytes": "\(rHex.dropLast(2))00"}, "expected": {"value": "419897588050555816515462086314444731729426576509415695503572133883854979073"}}
        """), "fr.json", in: d)
    let r = Verifier.run(paths: [p])
    #expect(r.files[0].cases.map(\.verdict) == [.pass, .error, .pass, .fail, .pass])
    #expect(r.files[0].cases[1].detail?.contains("not canonical") == true)
    #expect(r.exitCode == 1)

    let m = try write(caseFile(family: "fr", """
        {"name": "short", "input": {"op": "neg", "a": "0102"}, "expected": {"result": "\(zero)"}},
        {"name": "unknown-op", "input": {"op": "sqrt", "a": "\(zero)"}, "expected": {"result": "\(zero)"}}
        """), "m.json", in: d)
    let rm = Verifier.run(paths: [m])
    #expect(rm.files[0].cases.map(\.verdict) == [.error, .error])
    #expect(rm.exitCode == 2)
}

@Test func poseidonCaseChecksPreimageLength() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let tag = "03" + String(repeating: "0", count: 62)
    let p = try write(caseFile(family: "poseidon", """
        {"name": "lotus-commr-shape", "input": {"arity": 2, "domain_tag": "\(tag)", "strength": "standard", "preimage": ["\(zero)", "\(zero)"]}, "expected": {"hash": "d413460e7f14e58b413d1defe188d36fb761afe5c6a733db6c6f1931130bfe48"}},
        {"name": "too-long", "input": {"arity": 2, "domain_tag": "\(tag)", "strength": "standard", "preimage": ["\(zero)", "\(zero)", "\(zero)"]}, "expected": {"hash": "\(zero)"}},
        {"name": "bad-strength", "input": {"arity": 2, "domain_tag": "\(tag)", "strength": "extra", "preimage": []}, "expected": {"hash": "\(zero)"}}
        """), "p.json", in: d)
    let r = Verifier.run(paths: [p])
    #expect(r.files[0].cases.map(\.verdict) == [.pass, .error, .error])
    #expect(r.exitCode == 2)
}

@Test func poseidonMerkleCaseRejectsBadShapes() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let p = try write(caseFile(family: "poseidon-merkle", """
        {"name": "not-a-power", "input": {"base_arity": 8, "sub_arity": 0, "top_arity": 0, "leaf_count": 12, "column_arity": 0, "path_leaf": 0, "elements": {"generator": "fr-sha256", "seed": "x", "count": 12}}, "expected": {"error": "shape"}},
        {"name": "count-mismatch", "input": {"base_arity": 8, "sub_arity": 0, "top_arity": 0, "leaf_count": 64, "column_arity": 0, "path_leaf": 0, "elements": {"generator": "fr-sha256", "seed": "x", "count": 8}}, "expected": {"root": "\(zero)"}},
        {"name": "leaf-out-of-range", "input": {"base_arity": 8, "sub_arity": 0, "top_arity": 0, "leaf_count": 8, "column_arity": 0, "path_leaf": 8, "elements": {"generator": "fr-sha256", "seed": "x", "count": 8}}, "expected": {"error": "out of range"}}
        """), "m.json", in: d)
    let r = Verifier.run(paths: [p])
    #expect(r.files[0].cases.map(\.verdict) == [.pass, .error, .pass])
}
