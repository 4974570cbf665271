import Foundation
import Testing
@testable import Harness
import Kernels

// Pippenger's addition counts against performance.md §3 (independent arithmetic: "2^16
// c=12, 1.62 M; 2^18 c=13, 5.57 M; 2^20 c=16, 18.9 M; 2^24 c=20, 245 M; 2^27 c=22, 1.71 G").
@Test func pippengerAdditionsMatchTheSpecTable() {
    let expected: [(Int, Double)] = [(16, 1.62e6), (18, 5.57e6), (20, 18.9e6), (24, 245e6), (27, 1.71e9)]
    for (k, adds) in expected {
        let got = Groth16CostModel.pippengerAdds(1 << k)
        #expect(abs(got - adds) / adds < 0.01, "2^\(k): \(got) vs \(adds)")
    }
    #expect(Groth16CostModel.pippengerAdds(0) == 0)
}

// Circuit sizes: porep-post.md §11.3's derivation 313 + C·(levels·530 + 2) per sector and
// the domain = next power of two ≥ constraints + inputs.
@Test func postCircuitShapesFollowTheSpec() throws {
    let win32 = try #require(CircuitShape.winningPoSt(sectorSize: 32 << 30))
    let win64 = try #require(CircuitShape.winningPoSt(sectorSize: 64 << 30))
    let window32 = try #require(CircuitShape.windowPoSt(sectorSize: 32 << 30))
    let window64 = try #require(CircuitShape.windowPoSt(sectorSize: 64 << 30))
    #expect(win32.constraints == 66 * (313 + 5_302))
    #expect(window32.constraints == 2349 * (313 + 10 * 5_302))
    #expect(window64.constraints == 2300 * (313 + 10 * 5_616))
    #expect(win64.constraints == 66 * (313 + 5_616))
    #expect(win32.domainLog == 19 && win64.domainLog == 19)
    #expect(window32.domainLog == 27 && window64.domainLog == 27)
    #expect(window32.inputs == 2349 * 11 + 1 && win32.inputs == 66 * 2 + 1)
    #expect(CircuitShape.winningPoSt(sectorSize: 8 << 20) == nil)
}

@Test func budgetsComeFromTheChainConstants() {
    #expect(ChainConstants.winningBudget == 20)
    #expect(ChainConstants.winningHardLimit == 30)
    #expect(ChainConstants.windowBudget == 1800)
    #expect(ChainConstants.windowHardLimit == 79 * 30)
}

@Test func verdictRules() {
    #expect(DeadlineVerdict.judge(time: 10, error: 0.1, deadline: 20, hard: 30, fits: true) == .pass)
    #expect(DeadlineVerdict.judge(time: 19, error: 0.1, deadline: 20, hard: 30, fits: true) == .marginal)
    #expect(DeadlineVerdict.judge(time: 25, error: 0.01, deadline: 20, hard: 30, fits: true) == .marginal)
    #expect(DeadlineVerdict.judge(time: 31, error: 0.01, deadline: 20, hard: 30, fits: true) == .fail)
    #expect(DeadlineVerdict.judge(time: 1, error: 0.01, deadline: 20, hard: 30, fits: false) == .fail)
}

@Test func unknownSectorSizesAreRejected() {
    for bad in ["2KiB", "512MiB", "33GiB", "lots", ""] {
        #expect(throws: DeadlinesError.self) { try DeadlinesTool.parseSizes([bad]) }
    }
    #expect((try? DeadlinesTool.parseSizes(["32GiB", "64GiB"]).map(\.bytes)) == [32 << 30, 64 << 30])
}

// The per-challenge work of the vanilla PoSt: 73 hashes rebuilt (rows_to_discard 2) plus
// the path (6 base levels at 8 MiB; 9 base + 1 sub level at 32 GiB; + top at 64 GiB).
@Test func vanillaWorkPerChallenge() throws {
    #expect(try DeadlinesTool.hashesPerChallenge(sectorSize: 8 << 20) == 79)
    #expect(try DeadlinesTool.hashesPerChallenge(sectorSize: 32 << 30) == 83)
    #expect(try DeadlinesTool.hashesPerChallenge(sectorSize: 64 << 30) == 84)
    #expect(try DeadlinesTool.readsPerChallenge(sectorSize: 32 << 30) == 7)
}

// The fit recovers a known per-unit cost line exactly, and does not extrapolate a
// falling slope.
@Test func costModelFitRecoversItsLine() {
    let truth = Groth16CostModel(witness: .init(c0: 1e-7, c1: 1e-9), ntt: .init(c0: 2e-8, c1: 1e-9),
                                 msmG1: .init(c0: 2e-7, c1: 1e-8), msmG2: .init(c0: 6e-7, c1: 2e-8))
    let samples = (12...16).map { k -> Groth16CostModel.Sample in
        let s = CircuitShape(constraints: (1 << k) - 3, inputs: 3, aux: (1 << k) - 4)
        let p = truth.predict(s)
        return .init(shape: s, measured: p, total: p.total, peakRSS: nil)
    }
    let fit = Groth16CostModel.fit(samples)
    let target = CircuitShape(constraints: 125_279_217, inputs: 25_840, aux: 125_279_217)
    #expect(abs(fit.predict(target).total - truth.predict(target).total) / truth.predict(target).total < 1e-6)
    let falling = Groth16CostModel.fitLine([(k: 10, units: 100, seconds: 3), (k: 12, units: 400, seconds: 8), (k: 14, units: 1600, seconds: 24)])
    #expect(falling.c1 == 0)
    #expect(abs(falling.c0 - 32.0 / 2000) < 1e-12)
}

// A real (small) calibration: setup, prove, verify; the phases add up to the total.
@Test func timeProofProvesAndVerifies() throws {
    let t = try DeadlinesTool.timeProof(ConstraintSystem.synthetic(constraints: 250, publicInputs: 2, seed: 3), runs: 2, threads: 2, verify: true)
    #expect(t.runs.count == 2)
    #expect(t.sample.shape.domainLog == 8)
    #expect(t.sample.measured.total <= t.sample.total * 1.01)
    #expect(t.sample.total == t.runs.min())
}

@Test func ramSizesParse() throws {
    #expect(try SizeTool.parseRAM("24GiB") == 24 * 1_073_741_824)
    #expect(try SizeTool.parseRAM("1 TiB") == 1_099_511_627_776)
    #expect(try SizeTool.parseRAM("512G") == 512 * 1_073_741_824)
    for bad in ["", "GiB", "-4GiB", "lots", "12"] {
        #expect(throws: (any Error).self) { try SizeTool.parseRAM(bad) }
    }
}

// Sizing names RAM as the binding resource on a small host and CPU on a big one.
@Test func sizingNamesTheBindingResource() throws {
    let bench = [("sdr.labels.1-sector", 1.3), ("sdr.labels.2-sectors", 2.4), ("sdr.labels.4-sectors", 2.9), ("poseidon.arity2", 10.5),
                 ("poseidon.arity8", 34.0), ("poseidon.arity11", 49.0), ("sdr.pc2.8MiB", 3.0)]
        .map { BenchResult(name: $0.0, group: "x", unit: "u", higherIsBetter: true, samples: [$0.1]) }
    let model = Groth16CostModel(witness: .init(c0: 1e-6, c1: 0), ntt: .init(c0: 3e-8, c1: 0), msmG1: .init(c0: 2.5e-7, c1: 0), msmG2: .init(c0: 7e-7, c1: 0))
    let inputs = try SizeTool.Inputs(bench: bench, groth16: model, hostCores: 2, hostRAM: 24 * 1_073_741_824)
    let small = SizeTool.model(inputs, options: .init())
    #expect(small.rows.count == 2)
    #expect(small.rows[0].binding == "ram_pc1" && small.rows[0].sectorsPerDay == 0)
    var big = SizeTool.Options()
    big.cores = 64
    big.ramBytes = 2 * 1_099_511_627_776
    let r = SizeTool.model(inputs, options: big).rows[0]
    #expect(r.binding == "cpu")
    // CPU-bound: 64 cores × a day over the core-seconds of one sector.
    #expect(abs(r.sectorsPerDay - 64 * 86400 / (r.pc1CoreSeconds + r.pc2CoreSeconds + r.c2CoreSeconds)) < 1e-9)
    // PC1 core time: 11 layers × 2^30 labels at the best mode's aggregate rate per core.
    #expect(abs(r.pc1CoreSeconds - 11 * Double(1 << 30) / 2.9e6) < 1e-6)
    #expect(throws: (any Error).self) { try SizeTool.Inputs(bench: Array(bench.dropLast()), groth16: model, hostCores: 2, hostRAM: 1) }
}

@Test func phaseProgressPlainLines() {
    final class Sink: @unchecked Sendable { var text = "" }
    let sink = Sink()
    let p = PhaseProgress(phases: 2, tty: false) { sink.text += $0 }
    p.begin("first")
    p.step("a step")
    p.end("ok")
    #expect(sink.text.hasPrefix("[1/2] first\n      a step\n      done: ok ("))
    #expect(!sink.text.contains("\u{1B}"))
}

@Test(.enabled(if: spbenchBinary() != nil, "needs the spbench executable (swift build)"))
func deadlinesAndSizeRejectBadInput() throws {
    let (code, _, err) = try runCLI(["deadlines", "--sector-size", "2KiB"])
    #expect(code == 2)
    #expect(err.contains("unknown sector size"))
    let (c2, _, e2) = try runCLI(["deadlines", "--calibrate", "14,x"])
    #expect(c2 == 2 && e2.contains("--calibrate"))
    let (c3, _, e3) = try runCLI(["size", "--ram", "lots"])
    #expect(c3 == 2 && e3.contains("RAM"))
    let d = try tempDir()
    defer { try? FileManager.default.removeItem(at: d) }
    let trunc = d.appendingPathComponent("t.json").path
    try Data("{\"schema\": \"spbench-run/1\", \"be".utf8).write(to: URL(fileURLWithPath: trunc))
    let (c4, _, e4) = try runCLI(["size", "--from", trunc])
    #expect(c4 == 2 && e4.contains("not valid JSON"))
}
