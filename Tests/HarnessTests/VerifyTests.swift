import Foundation
import Testing
@testable import Harness
import Kernels

let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let fixturesDir = projectRoot.appendingPathComponent("Fixtures").path

/// A unique temporary directory per test.
func tempDir() throws -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("spbench-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

func write(_ text: String, _ name: String, in dir: URL) throws -> String {
    let p = dir.appendingPathComponent(name).path
    try text.write(toFile: p, atomically: true, encoding: .utf8)
    return p
}

/// Debug builds hash slowly in Swift-side generators, so tests run the project's fixtures
/// under a 32 MiB budget; `spbench verify` (release) runs them all.
@Test func projectFixturesPassWithinBudget() {
    let report = Verifier.run(paths: [fixturesDir], options: VerifyOptions(maxCaseBytes: 32 << 20, threads: 2))
    #expect(report.files.count >= 6)
    for f in report.files {
        #expect(f.fileError == nil)
        for c in f.cases { #expect(c.verdict == .pass || c.verdict == .skipped, "\(f.file) \(c.name): \(c.detail ?? "")") }
    }
    #expect(report.count(.pass) >= 120)
    #expect(report.exitCode == 0)
    let families = Set(report.files.compactMap(\.family))
    #expect(families.isSuperset(of: ["sha256", "fr32", "commp", "zero-commitment", "commd", "piece-cid"]))
}

@Test func goMathRandStreamMatchesGo() throws {
    // commp.json's schema: the first 8 bytes for seed 1337 are 5402f5a08d639b57.
    let cooked = try GoMathRand.cooked(dir: URL(fileURLWithPath: fixturesDir))
    var src = GoMathRandSource(seed: 1337, cooked: cooked, length: 8)
    var b = [UInt8](repeating: 0, count: 8)
    _ = b.withUnsafeMutableBytes { src.read(into: $0) }
    #expect(Hex.encode(b) == "5402f5a08d639b57")
    // Reads of odd sizes give the same stream as one read.
    var whole = GoMathRandSource(seed: 1337, cooked: cooked, length: 103)
    var a = [UInt8](repeating: 0, count: 103)
    _ = try a.withUnsafeMutableBytes { try whole.readFully(into: $0) }
    var parts = GoMathRandSource(seed: 1337, cooked: cooked, length: 103)
    var p: [UInt8] = []
    for n in [1, 2, 5, 3, 7, 85] {
        var buf = [UInt8](repeating: 0, count: n)
        _ = buf.withUnsafeMutableBytes { parts.read(into: $0) }
        p += buf
    }
    #expect(p == a)
    #expect(Hex.encode(a.prefix(8)) == "5402f5a08d639b57")
}

@Test func sha256CounterGeneratorMatchesDefinition() throws {
    var src = SHA256CounterSource(seed: 5, length: 80)
    var b = [UInt8](repeating: 0, count: 80)
    _ = try b.withUnsafeMutableBytes { try src.readFully(into: $0) }
    var want: [UInt8] = []
    for i: UInt64 in 0..<3 {
        var m: [UInt8] = []
        withUnsafeBytes(of: UInt64(5).littleEndian) { m += $0 }
        withUnsafeBytes(of: i.littleEndian) { m += $0 }
        want += SHA256.hash(m)
    }
    #expect(b == Array(want.prefix(80)))
}

func caseFile(family: String, _ cases: String) -> String {
    """
    {"family": "\(family)", "source": "test", "description": "test", "schema": "test", "cases": [\(cases)]}
    """
}

@Test func missingTruncatedAndMisshapenFilesExitTwo() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let missing = Verifier.run(paths: [d.appendingPathComponent("nope.json").path])
    #expect(missing.exitCode == 2)
    #expect(missing.files[0].fileError?.contains("does not exist") == true)

    let full = try String(contentsOfFile: fixturesDir + "/sha256.json", encoding: .utf8)
    let truncated = try write(String(full.prefix(full.count / 2)), "truncated.json", in: d)
    let t = Verifier.run(paths: [truncated])
    #expect(t.exitCode == 2)
    #expect(t.files[0].fileError?.contains("not valid JSON") == true)

    let noCases = try write(#"{"family": "sha256", "source": "x"}"#, "nocases.json", in: d)
    #expect(Verifier.run(paths: [noCases]).files[0].fileError?.contains("cases") == true)
    let notObject = try write("[1, 2]", "array.json", in: d)
    #expect(Verifier.run(paths: [notObject]).exitCode == 2)
    let empty = try tempDir()
    defer { try? FileManager.default.removeItem(at: empty) }
    #expect(Verifier.run(paths: [empty.path]).exitCode == 2)
}

@Test func nonHexAndMalformedCasesExitTwo() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let p = try write(caseFile(family: "sha256", """
        {"name": "bad-hex", "input": {"data": {"hex": "zz"}}, "expected": {"digest": "00"}},
        {"name": "no-input", "expected": {"digest": "00"}}
        """), "bad.json", in: d)
    let r = Verifier.run(paths: [p])
    #expect(r.exitCode == 2)
    #expect(r.files[0].cases.map(\.verdict) == [.error, .error])
    #expect(r.files[0].cases[0].detail?.contains("non-hex character 'z'") == true)
}

@Test func unknownFamilyIsUnsupportedNeverPass() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let p = try write(caseFile(family: "snapdeals-update", #"{"name": "a", "input": {}, "expected": {"valid": true}}"#), "g.json", in: d)
    let r = Verifier.run(paths: [p])
    #expect(r.files[0].cases[0].verdict == .unsupported)
    #expect(r.exitCode == 1)
    let g = try write(caseFile(family: "sha256", #"{"name": "a", "input": {"data": {"generator": "mystery", "length": 3}}, "expected": {"digest": "00"}}"#), "gen.json", in: d)
    #expect(Verifier.run(paths: [g]).files[0].cases[0].verdict == .unsupported)
    let k = try write(caseFile(family: "sha256", #"{"name": "a", "input": {"data": {"hex": ""}}, "expected": {"sha512": "00"}}"#), "key.json", in: d)
    #expect(Verifier.run(paths: [k]).files[0].cases[0].verdict == .unsupported)
}

@Test func wrongExpectedValueFailsWithBothValues() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let p = try write(caseFile(family: "sha256", #"{"name": "abc", "input": {"data": {"hex": "616263"}}, "expected": {"digest": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ae"}}"#), "f.json", in: d)
    let r = Verifier.run(paths: [p])
    #expect(r.exitCode == 1)
    let c = r.files[0].cases[0]
    #expect(c.verdict == .fail)
    #expect(c.detail?.contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == true)
}

@Test func rejectedInputsPassWhenAnErrorIsExpected() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let p = try write(caseFile(family: "commp", """
        {"name": "too-small", "input": {"data": {"generator": "zeros", "length": 64}}, "expected": {"error": "payload below 65 bytes"}},
        {"name": "too-large", "input": {"data": {"generator": "zeros", "length": 68182605825}}, "expected": {"error": "piece over 64 GiB padded"}},
        {"name": "cid-prefix", "input": {"data": {"generator": "zeros", "length": 64}}, "expected": {"commp": "00"}}
        """), "e.json", in: d)
    let r = Verifier.run(paths: [p], options: VerifyOptions(maxCaseBytes: 1 << 20))
    #expect(r.files[0].cases.map(\.verdict) == [.pass, .pass, .error])
    #expect(r.files[0].cases[2].detail?.contains("at least 65 bytes") == true)
    #expect(r.exitCode == 1)

    let c = try write(caseFile(family: "piece-cid", """
        {"name": "wrong-prefix", "input": {"direction": "decode", "cid": "zaga6ea4seaqo4jg2quvjpclvaoicqywb26mnjlme54tkeb3e3ceeahbyg7tviai"}, "expected": {"error": "not multibase b"}},
        {"name": "wrong-codec", "input": {"direction": "decode", "cid": "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"}, "expected": {"error": "dag-pb"}}
        """), "c.json", in: d)
    #expect(Verifier.run(paths: [c]).files[0].cases.map(\.verdict) == [.pass, .pass])
}

@Test func casesOverBudgetAreSkippedWithWhatTheyNeed() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let p = try write(caseFile(family: "commp", #"{"name": "big", "input": {"data": {"generator": "zeros", "length": 3221225472}}, "expected": {"commp": "00"}}"#), "b.json", in: d)
    let r = Verifier.run(paths: [p], options: VerifyOptions(maxCaseBytes: 1 << 20))
    #expect(r.files[0].cases[0].verdict == .skipped)
    #expect(r.files[0].cases[0].detail?.contains("3 GiB") == true)
    #expect(r.exitCode == 0)
}

@Test func jsonReportHasTheFormatShape() throws {
    let r = Verifier.run(paths: [fixturesDir + "/piece-cid.json"])
    let obj = try JSONSerialization.jsonObject(with: Data(r.jsonString.utf8)) as? [String: Any]
    let files = try #require(obj?["files"] as? [[String: Any]])
    #expect(files.first?["family"] as? String == "piece-cid")
    let cases = try #require(files.first?["cases"] as? [[String: Any]])
    #expect(cases.allSatisfy { $0["verdict"] as? String == "pass" && $0["name"] is String })
    let summary = try #require(obj?["summary"] as? [String: Int])
    #expect(summary == ["pass": 22, "fail": 0, "unsupported": 0, "error": 0, "skipped": 0])
}

@Test func sideFilesAreRead() throws {
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    try "616263\n".write(toFile: d.appendingPathComponent("abc.hex").path, atomically: true, encoding: .utf8)
    try Data("abc".utf8).write(to: d.appendingPathComponent("abc.bin"))
    let p = try write(caseFile(family: "sha256", """
        {"name": "hex-file", "input": {"data": {"file": "abc.hex"}}, "expected": {"digest": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}},
        {"name": "bin-file", "input": {"data": {"file": "abc.bin"}}, "expected": {"digest": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}},
        {"name": "missing-file", "input": {"data": {"file": "nope.bin"}}, "expected": {"digest": "00"}}
        """), "s.json", in: d)
    let r = Verifier.run(paths: [p])
    #expect(r.files[0].cases.map(\.verdict) == [.pass, .pass, .error])
    #expect(r.exitCode == 2)
}
