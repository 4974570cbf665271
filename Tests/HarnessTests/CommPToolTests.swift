import Foundation
import Testing
@testable import Harness
import Kernels

@Test func commPOfAFileMatchesHashhashVector() throws {
    // go-fil-commp-hashhash testdata/0xCC.txt: 1017 bytes of 0xCC.
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let p = d.appendingPathComponent("cc.bin").path
    try Data(repeating: 0xCC, count: 1017).write(to: URL(fileURLWithPath: p))
    let r = try CommPTool.run(path: p, threads: 2)
    let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixturesDir + "/commp.json"))) as? [String: Any]
    let want = try #require((cases?["cases"] as? [[String: Any]])?.first { $0["name"] as? String == "hashhash-0xCC-1017" })
    let exp = try #require(want["expected"] as? [String: Any])
    #expect(r.commP.hex == exp["commp"] as? String)
    #expect(r.pieceCID == exp["piece_cid"] as? String)
    #expect(r.paddedPieceSize == 2048 && r.payloadSize == 1017)
    #expect(r.json["padded_piece_size"] as? UInt64 == 2048)
}

@Test func commPToolRejectsBadFiles() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    #expect(throws: IOError.self) { try CommPTool.run(path: d.appendingPathComponent("missing").path) }
    #expect(throws: IOError.self) { try CommPTool.run(path: d.path) }
    let small = d.appendingPathComponent("small").path
    try Data(count: 10).write(to: URL(fileURLWithPath: small))
    #expect(throws: PieceSizeError.payloadTooSmall(10)) { try CommPTool.run(path: small) }
    // A sparse file larger than a 64 GiB piece is rejected from its size, unread.
    let huge = d.appendingPathComponent("huge").path
    _ = FileManager.default.createFile(atPath: huge, contents: nil)
    let h = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
    try h.truncate(atOffset: 68_182_605_825)
    try h.close()
    #expect(throws: PieceSizeError.payloadTooLarge) { try CommPTool.run(path: huge) }
}

/// The built executable, when `swift build` made one beside the test bundle.
func spbenchBinary() -> String? {
    for config in ["debug", "release"] {
        let p = projectRoot.appendingPathComponent(".build/\(config)/spbench").path
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

func runCLI(_ args: [String]) throws -> (Int32, String, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: try #require(spbenchBinary()))
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Test(.enabled(if: spbenchBinary() != nil, "needs the spbench executable (swift build)"))
func cliExitCodesAndJSON() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let (ok, out, _) = try runCLI(["verify", "--fixtures", fixturesDir + "/piece-cid.json", fixturesDir + "/zero-commitment.json", "--json"])
    #expect(ok == 0)
    let obj = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
    #expect((obj?["summary"] as? [String: Int])?["pass"] == 37)

    let bad = try write("{\"family\": ", "trunc.json", in: d)
    let (two, text, _) = try runCLI(["verify", "--fixtures", bad])
    #expect(two == 2)
    #expect(text.contains("trunc.json"))

    let fail = try write(caseFile(family: "sha256", #"{"name": "x", "input": {"data": {"hex": ""}}, "expected": {"digest": "00"}}"#), "fail.json", in: d)
    #expect(try runCLI(["verify", "--fixtures", fail]).0 == 1)

    let payload = d.appendingPathComponent("p.bin").path
    try Data(repeating: 0, count: 127).write(to: URL(fileURLWithPath: payload))
    let (c0, cj, _) = try runCLI(["commp", "--json", payload])
    #expect(c0 == 0)
    let commp = try JSONSerialization.jsonObject(with: Data(cj.utf8)) as? [String: Any]
    // zero-commitment.json: 128 B of zeros.
    #expect(commp?["commp"] as? String == "3731bb99ac689f66eef5973e4a94da188f4ddcae580724fc6f3fd60dfd488333")
    let (c2, _, cerr) = try runCLI(["commp", d.appendingPathComponent("missing").path])
    #expect(c2 == 2)
    #expect(cerr.contains("missing") && cerr.contains("No such file"))
}
