import Foundation
import Testing
@testable import Harness
import Kernels

@Test func sealToolSealsTwoSectorsTogetherAndReports() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    var o = SealTool.Options(sectorSize: 2048)
    o.sectors = 2
    o.directory = d.appendingPathComponent("work").path
    o.parentCacheDirectory = d.appendingPathComponent("parents").path
    let r = try SealTool.run(o) { _ in }
    #expect(r.sectors.count == 2 && r.unsealChecked && r.kept)
    #expect(r.sectors[0].commitments.commR != r.sectors[1].commitments.commR)
    // The same sector sealed alone gives the same commitments as in the 2-sector run.
    var one = SealTool.Options(sectorSize: 2048)
    one.parentCacheDirectory = o.parentCacheDirectory
    let single = try SealTool.run(one) { _ in }
    #expect(single.sectors[0].commitments == r.sectors[0].commitments)
    #expect(single.parentCache == "verified")
    let json = r.json
    #expect((json["sectors"] as? [[String: Any]])?.count == 2)
    #expect((json["phases"] as? [[String: Any]])?.contains { $0["name"] as? String == "pc1.labels" } == true)
    #expect(r.text.contains("comm_r"))
    var bad = SealTool.Options(sectorSize: 2048)
    bad.sectors = 3
    #expect(throws: SealToolError.self) { _ = try SealTool.run(bad) { _ in } }
    #expect(throws: SealError.self) { _ = try SealToolCLI.size("3GiB") }
}

@Test(.enabled(if: spbenchBinary() != nil, "needs the spbench executable (swift build)"))
func sealCLIPrintsJSONAndExitsTwoOnBadInput() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let (code, out, _) = try runCLI(["seal", "--sector-size", "2KiB", "--json", "--parent-cache", d.path])
    #expect(code == 0)
    let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
    #expect(obj?["proof"] as? String == "StackedDrg2KiBV1_1")
    #expect(obj?["unseal_checked"] as? Bool == true)
    let (c2, _, err) = try runCLI(["seal", "--sector-size", "3KiB"])
    #expect(c2 == 2 && err.contains("2KiB, 8MiB, 512MiB"))
    let big = d.appendingPathComponent("big").path
    try Data(count: 4000).write(to: URL(fileURLWithPath: big))
    let (c3, _, err3) = try runCLI(["seal", "--sector-size", "2KiB", "--data", big, "--parent-cache", d.path])
    #expect(c3 == 2 && err3.contains("at most 2032"))
}
