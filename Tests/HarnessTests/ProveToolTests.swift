import Foundation
import Testing
@testable import Harness
import Kernels

/// Seals `count` 2 KiB sectors into d/work with spbench seal's tool (manifest included).
private func sealedDir(_ d: URL, count: Int) throws -> String {
    let work = d.appendingPathComponent("work").path
    var first: UInt64 = 1
    while first <= UInt64(count) {
        var o = SealTool.Options(sectorSize: 2048)
        let left = count - Int(first) + 1
        o.sectors = left >= 4 ? 4 : (left >= 2 ? 2 : 1)
        o.directory = work
        o.firstSector = first
        o.parentCacheDirectory = d.appendingPathComponent("parents").path
        _ = try SealTool.run(o) { _ in }
        first += UInt64(o.sectors)
    }
    return work
}

@Test func proveVerifyAndCheckOverSealedSectors() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let work = try sealedDir(d, count: 5)
    #expect(try SectorManifest.load(directory: work).map(\.number) == [1, 2, 3, 4, 5])
    let rnd = String(repeating: "ab", count: 32)
    for kind in ["window", "winning", "porep"] {
        var o = ProveTool.Options(kind: kind, sectorDirs: [work])
        o.randomness = rnd
        let r = try ProveTool.run(o) { _ in }
        #expect(r.valid, "\(kind)")
        #expect(r.json["verdict"] as? String == "valid")
    }
    let window = "\(work)/window-post.proof"
    #expect(try VerifyProofTool.run(file: window, sectorDirs: [work]).valid)
    #expect(try VerifyProofTool.run(file: "\(work)/porep-c1-3.proof", sectorDirs: []).valid)
    // A flipped byte in a sector proof, a truncated file: invalid, with a reason.
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: window)))
    bytes[bytes.count / 2] ^= 0x04
    try Data(bytes).write(to: URL(fileURLWithPath: "\(work)/bad.proof"))
    let bad = try VerifyProofTool.run(file: "\(work)/bad.proof", sectorDirs: [work])
    #expect(!bad.valid && (bad.json["reason"] as? String)?.isEmpty == false)
    try Data(bytes.prefix(100)).write(to: URL(fileURLWithPath: "\(work)/short.proof"))
    #expect(try !VerifyProofTool.run(file: "\(work)/short.proof", sectorDirs: []).valid)
    // Against other sectors' comm_r the proof is rejected.
    let other = try sealedDir(d.appendingPathComponent("other"), count: 2)
    #expect(try !VerifyProofTool.run(file: window, sectorDirs: [other]).valid)

    // A deleted and a corrupted sector: check lists both, WindowPoSt proves the rest.
    unlink("\(work)/sealed-2")
    try Data(repeating: 9, count: 64).write(to: URL(fileURLWithPath: "\(work)/cache-4/p_aux"))
    let c = try CheckTool.run(sectorDirs: [work], randomness: rnd, samples: 10)
    #expect(!c.valid)
    #expect((c.json["faulty"] as? [[String: Any]])?.compactMap { $0["sector_number"] as? UInt64 } == [2, 4])
    var o = ProveTool.Options(kind: "window", sectorDirs: [work])
    o.randomness = rnd
    let r = try ProveTool.run(o) { _ in }
    #expect(r.valid)
    #expect(r.json["proven_sectors"] as? [UInt64] == [1, 3, 5])
    #expect((r.json["faults"] as? [[String: Any]])?.count == 2)
    #expect(r.text.contains("FAULTY sector 2") && r.text.contains("FAULTY sector 4"))

    // Bad input: no manifest, a corrupt manifest, unknown kind.
    #expect(throws: ProveToolError.self) { _ = try SectorManifest.load(directory: d.path) }
    try Data("{\"sectors\": [".utf8).write(to: URL(fileURLWithPath: "\(other)/\(SectorManifest.fileName)"))
    #expect(throws: ProveToolError.self) { _ = try SectorManifest.load(directory: other) }
    #expect(throws: ProveToolError.self) { _ = try ProveTool.run(ProveTool.Options(kind: "snark", sectorDirs: [work])) { _ in } }
}

@Test(.enabled(if: spbenchBinary() != nil, "needs the spbench executable (swift build)"))
func proveCLIExitCodes() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let work = try sealedDir(d, count: 2)
    let (code, out, _) = try runCLI(["prove", "window", "--sectors", work, "--json"])
    #expect(code == 0)
    let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
    #expect(obj?["verdict"] as? String == "valid")
    #expect(try runCLI(["verify-proof", "\(work)/window-post.proof"]).0 == 0)
    #expect(try runCLI(["check", "--sectors", work]).0 == 0)
    unlink("\(work)/sealed-1")
    #expect(try runCLI(["check", "--sectors", work]).0 == 1)
    #expect(try runCLI(["prove", "window", "--sectors", d.path]).0 == 2)
    #expect(try runCLI(["verify-proof", d.path + "/none"]).0 == 2)
}

@Test func proofFilesHaveAJSONFormThatVerifiesToo() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let work = try sealedDir(d, count: 3)
    for kind in ["window", "porep"] {
        var o = ProveTool.Options(kind: kind, sectorDirs: [work])
        o.out = "\(work)/\(kind).json"
        #expect(try ProveTool.run(o) { _ in }.valid)
        let file = kind == "porep" ? "\(work)/porep-2.json" : "\(work)/window.json"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("spbench-proof/1"))
        #expect(try VerifyProofTool.run(file: file, sectorDirs: [work]).valid, "\(kind)")
        // The JSON and binary forms hold the same proof.
        let decoded = try ProofJSON.read(Data(text.utf8))
        #expect(try ProofFile(encoded: decoded.encoded) == decoded)
        // A changed hex digit inside a proof is rejected.
        var obj = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var parts = try #require(obj["partitions"] as? [[Any]])
        if kind == "porep" {
            var h = Array(try #require(parts[0][0] as? String))
            h[200] = h[200] == "0" ? "1" : "0"
            parts[0][0] = String(h)
        } else {
            var e = try #require(parts[0][0] as? [String: Any])
            var h = Array(try #require(e["proof"] as? String))
            h[300] = h[300] == "0" ? "1" : "0"
            e["proof"] = String(h)
            parts[0][0] = e
        }
        obj["partitions"] = parts
        try JSONSerialization.data(withJSONObject: obj).write(to: URL(fileURLWithPath: "\(work)/bad.json"))
        #expect(try !VerifyProofTool.run(file: "\(work)/bad.json", sectorDirs: [work]).valid, "\(kind)")
    }
}
