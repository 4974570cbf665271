import Foundation
import Kernels

public enum DeadlinesError: Error, CustomStringConvertible {
    case sectorSize(String)
    case failed(String)

    public var description: String {
        switch self {
        case .sectorSize(let s): "unknown sector size '\(s)' for deadlines: 32GiB or 64GiB (the sizes mainnet's PoSt circuits are defined for)"
        case .failed(let why): why
        }
    }
}

/// Chain constants behind the budgets (node.md §4.1, go-state-types policy, lotus buildconstants).
public enum ChainConstants {
    public static let blockDelaySecs = 30.0
    public static let propagationDelaySecs = 10.0
    public static let wPoStChallengeWindowEpochs = 60.0
    public static let wPoStChallengeLookbackEpochs = 20.0
    public static let challengeConfidenceEpochs = 1.0
    public static let wPoStPeriodDeadlines = 48

    /// WinningPoSt: Lotus starts mining PropagationDelaySecs after the base tipset's
    /// timestamp and the block is stamped base + BlockDelaySecs; what is left for the
    /// election, the vanilla proof and the SNARK is their difference. Lotus warns past the
    /// whole block delay.
    public static var winningBudget: Double { blockDelaySecs - propagationDelaySecs }
    public static var winningHardLimit: Double { blockDelaySecs }
    /// WindowPoSt: one challenge window per deadline, and with every deadline holding
    /// partitions the prover is busy back to back, so a deadline's partitions must be
    /// proven within one window. Lotus may start a deadline Challenge + 1 (19 epochs before
    /// it opens) when the previous deadline's work is done: that is the hard limit.
    public static var windowBudget: Double { wPoStChallengeWindowEpochs * blockDelaySecs }
    public static var windowHardLimit: Double {
        (wPoStChallengeWindowEpochs + wPoStChallengeLookbackEpochs - challengeConfidenceEpochs) * blockDelaySecs
    }
}

/// One deadline verdict.
public struct DeadlineVerdict: Sendable {
    public enum Kind: String, Sendable { case pass = "PASS", marginal = "MARGINAL", fail = "FAIL" }
    public var proof: String
    public var sectorSize: String
    public var verdict: Kind
    public var time: Double
    public var error: Double
    public var measured: Bool
    public var deadline: Double
    public var hardLimit: Double
    public var memoryNeeded: Double
    public var memoryHost: Double
    public var components: [String: Double]
    public var partitionsPerDeadline: Int?
    public var reason: String
    public var budgetWhy: String

    public var bandLow: Double { time * (1 - error) }
    public var bandHigh: Double { time * (1 + error) }
    public var fits: Bool { memoryNeeded <= memoryHost }

    static func judge(time: Double, error: Double, deadline: Double, hard: Double, fits: Bool) -> Kind {
        if !fits || time > hard { return .fail }
        if time * (1 + error) <= deadline { return .pass }
        return .marginal
    }

    var json: [String: Any] {
        var o: [String: Any] = [
            "proof": proof, "sector_size": sectorSize, "verdict": verdict.rawValue, "time_s": round4(time),
            "band_low_s": round4(bandLow), "band_high_s": round4(bandHigh), "error": round4(error), "measured": measured,
            "deadline_s": deadline, "hard_limit_s": hardLimit, "margin_s": round4(deadline - time),
            "margin": round4((deadline - time) / deadline), "budget_why": budgetWhy,
            "memory": ["needed_bytes": memoryNeeded, "host_bytes": memoryHost, "fits": fits,
                       "short_by_bytes": Swift.max(0, memoryNeeded - memoryHost)] as [String: Any],
            "components": components.mapValues(round4), "reason": reason,
        ]
        if let partitionsPerDeadline { o["partitions_per_deadline"] = partitionsPerDeadline }
        return o
    }

    var text: String {
        let over = time - deadline
        let margin = over <= 0 ? "margin \(HumanTime.of(-over)) (\(Int((-over / deadline * 100).rounded()))%)"
                                : "over by \(HumanTime.of(over))"
        var lines = [String(format: "%@ %@  %@  %@ ± %.0f%%  budget %@ (hard %@)  %@  %@",
                            proof.padding(toLength: 11, withPad: " ", startingAt: 0), sectorSize.padding(toLength: 5, withPad: " ", startingAt: 0),
                            verdict.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0), HumanTime.of(time), error * 100,
                            HumanTime.of(deadline), HumanTime.of(hardLimit), margin, measured ? "measured" : "predicted")]
        lines.append("    " + reason)
        let gib = { (b: Double) in String(format: "%.1f GiB", b / Double(1 << 30)) }
        var mem = "    memory: needs \(gib(memoryNeeded)) of \(gib(memoryHost))"
        if !fits { mem += ": short by \(gib(memoryNeeded - memoryHost))" }
        if let p = partitionsPerDeadline { mem += " · partitions per deadline on this host: \(p)" }
        lines.append(mem)
        return lines.joined(separator: "\n")
    }
}

/// Human durations: 850 ms, 12.3 s, 4.5 min, 2.51 h.
public enum HumanTime {
    public static func of(_ s: Double) -> String {
        guard s.isFinite else { return "∞" }
        let a = abs(s)
        if a < 1 { return String(format: "%.0f ms", s * 1e3) }
        if a < 120 { return String(format: "%.1f s", s) }
        if a < 7200 { return String(format: "%.1f min", s / 60) }
        return String(format: "%.2f h", s / 3600)
    }
}

/// `spbench deadlines`: will this host make WinningPoSt's and WindowPoSt's deadlines?
///
/// WinningPoSt's SNARK runs here at its real size (a synthetic circuit of the same
/// constraint count and domain), so it is measured. WindowPoSt's partition (2^27) does not
/// fit, so it is predicted by `Groth16CostModel`, calibrated on smaller circuits and
/// validated on the WinningPoSt circuit, the largest that runs. Vanilla proofs are timed on
/// sealed 8 MiB sectors (the same 73-hash rebuild per challenge as 32/64 GiB) and scaled by
/// the hash count; the storage's random reads are probed on `storage`.
public enum DeadlinesTool {
    public struct Options: Sendable {
        public var sectorSizes: [String] = ["32GiB"]
        public var calibrationLogs: [Int] = [14, 15, 16, 17, 18]
        public var storage: String?
        public var threads = Parallel.processorCount
        public init() {}
    }

    public struct Result: Sendable {
        public var verdicts: [DeadlineVerdict]
        public var objects: [[String: Any]] { _objects.value }
        let _objects: UncheckedBox<[[String: Any]]>
        public var text: String
        public var exitCode: Int32 { verdicts.contains { $0.verdict == .fail } ? 1 : 0 }
    }

    struct Vanilla {
        var windowPerChallenge: Double      // seconds per challenge, cold, at 8 MiB, all read threads
        var windowValidation: (predicted: Double, measured: Double, sectors: Int)
        var winningSeconds: Double          // 66 challenges, cold, at 8 MiB
        var readsPerSecond: Double          // storage probe, 4 KiB random reads
        var hashes8MiB: Double
        var json: [String: Any]
    }

    public static func parseSizes(_ sizes: [String]) throws -> [(name: String, bytes: UInt64)] {
        try sizes.map { s in
            guard let b = try? RegisteredSealProof.parseSectorSize(s), b == 32 << 30 || b == 64 << 30 else { throw DeadlinesError.sectorSize(s) }
            return (b == 32 << 30 ? "32GiB" : "64GiB", b)
        }
    }

    public static func run(_ o: Options, log: (String) -> Void) throws -> Result {
        let sizes = try parseSizes(o.sectorSizes)
        guard !o.calibrationLogs.isEmpty, o.calibrationLogs.allSatisfy({ (8...22).contains($0) }) else {
            throw DeadlinesError.failed("calibration sizes must be log2 domains between 8 and 22")
        }
        let hostRAM = Double((Host.info["memory_bytes"] as? UInt64) ?? 0)

        // 1. Vanilla proofs and the storage's random reads.
        log("deadlines: vanilla proofs on sealed 8MiB sectors")
        let vanilla = try measureVanilla(storage: o.storage, log: log)

        // 2. Groth16 calibration on full-domain synthetic circuits.
        var samples: [Groth16CostModel.Sample] = []
        for k in o.calibrationLogs.sorted() {
            let shapeN = (1 << k) - 3
            let s = try timeProof(ConstraintSystem.synthetic(constraints: shapeN, publicInputs: 2, seed: UInt64(k)), runs: 2, threads: o.threads)
            log(String(format: "deadlines: Groth16 2^%d calibration: setup %.1f s, prove %@ (peak RSS %.0f MiB)", k, s.setup, HumanTime.of(s.sample.total), (s.sample.peakRSS ?? 0) / 1048576))
            samples.append(s.sample)
        }
        let model = Groth16CostModel.fit(samples)
        let kCal = o.calibrationLogs.max() ?? 18
        let rssFit = fitRSS(samples)

        var objects: [[String: Any]] = []
        var verdicts: [DeadlineVerdict] = []
        var text: [String] = []
        for (name, bytes) in sizes {
            guard let winShape = CircuitShape.winningPoSt(sectorSize: bytes), let winPost = try? RegisteredPoStProof(kind: .winning, sectorSize: bytes),
                  let windowShape = CircuitShape.windowPoSt(sectorSize: bytes), let windowPost = try? RegisteredPoStProof(kind: .window, sectorSize: bytes)
            else { throw DeadlinesError.sectorSize(name) }

            // 3. The WinningPoSt circuit: measured, and the model's validation point.
            log("deadlines: WinningPoSt \(name) circuit (\(winShape.constraints) constraints, \(winShape.inputs) inputs, domain 2^\(winShape.domainLog)): setup, 2 proofs, verify")
            let winCircuit = ConstraintSystem.synthetic(constraints: winShape.constraints, publicInputs: winShape.inputs - 1, seed: 19)
            let w = try timeProof(winCircuit, runs: 2, threads: o.threads, verify: true)
            let predictedWin = model.predict(w.sample.shape)
            let valError = (predictedWin.total - w.sample.total) / w.sample.total
            log(String(format: "deadlines:   measured %@ (runs %@), model predicted %@ from 2^%d..2^%d: error %+.1f%%", HumanTime.of(w.sample.total),
                       w.runs.map { HumanTime.of($0) }.joined(separator: ", "), HumanTime.of(predictedWin.total),
                       o.calibrationLogs.min() ?? 0, kCal, valError * 100))
            let rssPredicted = rssFit.map { $0.p0 + $0.p1 * ProverMemory.floorBytes(w.sample.shape) }
            var rssError: Double?
            if let rssPredicted, let peak = w.sample.peakRSS, peak > 0 { rssError = (rssPredicted - peak) / peak }

            // Vanilla at the real size: the 8 MiB per-challenge cost scaled by the hashes
            // per challenge; never faster than the storage's random reads allow.
            let hashesReal = try hashesPerChallenge(sectorSize: bytes)
            let scale = hashesReal / vanilla.hashes8MiB
            let readsReal = try readsPerChallenge(sectorSize: bytes)
            let winChallenges = Double(winPost.challengeCount)
            let winVanilla = Swift.max(vanilla.winningSeconds * scale, winChallenges * readsReal / vanilla.readsPerSecond)
            let windowChallenges = Double(windowPost.sectorsPerPartition * windowPost.challengeCount)
            let windowVanillaCPU = windowChallenges * vanilla.windowPerChallenge * scale
            let windowVanillaIO = windowChallenges * readsReal / vanilla.readsPerSecond
            let windowVanilla = Swift.max(windowVanillaCPU, windowVanillaIO)
            let vanillaError = abs(vanilla.windowValidation.predicted - vanilla.windowValidation.measured) / vanilla.windowValidation.measured

            // WinningPoSt verdict: measured SNARK + scaled vanilla.
            let winSNARK = w.runs.sorted()[w.runs.count / 2]   // the verdict takes a typical run, not the best
            let spread = w.runs.count > 1 ? ((w.runs.max() ?? 0) - (w.runs.min() ?? 0)) / 2 / winSNARK : 0
            let winTime = winSNARK + winVanilla
            let winError = Swift.max(0.02, spread) + winVanilla / winTime * Swift.max(vanillaError, 0.1)
            let winMem = ProverMemory.floorBytes(winShape)
            var comps = ProveComponents(w.timing).json.compactMapValues { $0 as? Double }
            comps["vanilla_s"] = winVanilla
            let winVerdict = DeadlineVerdict(
                proof: "WinningPoSt", sectorSize: name,
                verdict: DeadlineVerdict.judge(time: winTime, error: winError, deadline: ChainConstants.winningBudget, hard: ChainConstants.winningHardLimit, fits: winMem <= hostRAM),
                time: winTime, error: winError, measured: true, deadline: ChainConstants.winningBudget, hardLimit: ChainConstants.winningHardLimit,
                memoryNeeded: winMem, memoryHost: hostRAM, components: comps, partitionsPerDeadline: nil,
                reason: String(format: "SNARK %@ measured here (median of %d proofs of a synthetic circuit of %d constraints, domain 2^%d; witness %@, NTT %@, MSM G1 %@, G2 %@) + vanilla %@ (%d challenges, scaled from 8MiB by %.0f/%.0f hashes)",
                               HumanTime.of(winSNARK), w.runs.count, winShape.constraints, winShape.domainLog, HumanTime.of(w.sample.measured.witness),
                               HumanTime.of(w.sample.measured.ntt), HumanTime.of(w.sample.measured.msmG1), HumanTime.of(w.sample.measured.msmG2),
                               HumanTime.of(winVanilla), Int(winChallenges), hashesReal, vanilla.hashes8MiB),
                budgetWhy: "BlockDelaySecs 30 − PropagationDelaySecs 10: Lotus mines 10 s after the base tipset's timestamp and stamps the block base + 30 s; it warns past 30 s (the hard limit)")

            // WindowPoSt verdict: predicted.
            let windowPred = model.predict(windowShape)
            let octaves = Double(Swift.max(1, windowShape.domainLog - kCal))
            let snarkError = Swift.max(abs(valError), 0.03) * octaves.squareRoot()
            let windowTime = windowPred.total + windowVanilla
            let windowError = (windowPred.total * snarkError + windowVanilla * Swift.max(vanillaError, 0.1)) / windowTime
            let windowMem = ProverMemory.floorBytes(windowShape)
            let windowFits = windowMem <= hostRAM
            var wcomps = windowPred.json.compactMapValues { $0 as? Double }
            wcomps["vanilla_s"] = windowVanilla
            let perDeadline = windowFits ? Int((ChainConstants.windowBudget / (windowTime * (1 + windowError))).rounded(.down)) : 0
            var windowReason = String(format: "SNARK %@ predicted for %d constraints (domain 2^%d: witness %@, NTT %@, MSM G1 %@, G2 %@; model error %+.1f%% at 2^%d, ±%.0f%% after %d octaves) + vanilla %@ (%d challenges: CPU %@, storage reads %@ at %.1f k reads/s)",
                                     HumanTime.of(windowPred.total), windowShape.constraints, windowShape.domainLog, HumanTime.of(windowPred.witness),
                                     HumanTime.of(windowPred.ntt), HumanTime.of(windowPred.msmG1), HumanTime.of(windowPred.msmG2),
                                     valError * 100, winShape.domainLog, snarkError * 100, Int(octaves), HumanTime.of(windowVanilla), Int(windowChallenges),
                                     HumanTime.of(windowVanillaCPU), HumanTime.of(windowVanillaIO), vanilla.readsPerSecond / 1e3)
            if !windowFits {
                windowReason += String(format: "; does not fit: the proving key (%.1f GiB) and the prover's vectors need %.1f GiB, this host has %.1f GiB",
                                       ProverMemory.keyBytes(windowShape) / 1073741824, windowMem / 1073741824, hostRAM / 1073741824)
            }
            let windowVerdict = DeadlineVerdict(
                proof: "WindowPoSt", sectorSize: name,
                verdict: DeadlineVerdict.judge(time: windowTime, error: windowError, deadline: ChainConstants.windowBudget, hard: ChainConstants.windowHardLimit, fits: windowFits),
                time: windowTime, error: windowError, measured: false, deadline: ChainConstants.windowBudget, hardLimit: ChainConstants.windowHardLimit,
                memoryNeeded: windowMem, memoryHost: hostRAM, components: wcomps, partitionsPerDeadline: perDeadline, reason: windowReason,
                budgetWhy: "WPoStChallengeWindow 60 epochs × 30 s: with every deadline holding partitions the prover works back to back, one window per deadline; hard limit 79 epochs (from Challenge + 1, 19 epochs before Open, to Close)")
            verdicts += [winVerdict, windowVerdict]

            // The model's curve and its targets, for the report.
            let kMin = o.calibrationLogs.min() ?? 14
            let curve: [[String: Any]] = (kMin...windowShape.domainLog).map { k in
                let n = (1 << k) - 3
                return ["log_n": k, "predicted_s": round4(model.predict(CircuitShape(constraints: n, inputs: 3, aux: n - 1)).total)]
            }
            let calibration: [[String: Any]] = samples.map { s in
                ["log_n": s.shape.domainLog, "constraints": s.shape.constraints, "measured_s": round4(s.total),
                 "predicted_s": round4(model.predict(s.shape).total), "measured": s.measured.json, "peak_rss_bytes": s.peakRSS ?? NSNull()]
            }
            var validation: [String: Any] = ["log_n": winShape.domainLog, "constraints": winShape.constraints, "inputs": winShape.inputs,
                                             "measured_s": round4(w.sample.total), "predicted_s": round4(predictedWin.total), "error": round4(valError),
                                             "measured_components": w.sample.measured.json, "predicted_components": predictedWin.json,
                                             "runs_s": w.runs.map(round4), "setup_s": round4(w.setup), "proof_verified": true]
            if let rssPredicted, let peak = w.sample.peakRSS {
                validation["peak_rss_bytes"] = peak
                validation["peak_rss_predicted_bytes"] = rssPredicted.rounded()
                validation["peak_rss_error"] = rssError.map(round4) ?? NSNull()
            }
            let targets: [[String: Any]] = [
                ["name": "WinningPoSt \(name)", "log_n": winShape.domainLog, "predicted_s": round4(predictedWin.total),
                 "band_low_s": round4(w.sample.total), "band_high_s": round4(w.sample.total), "measured_s": round4(w.sample.total)],
                ["name": "WindowPoSt \(name)", "log_n": windowShape.domainLog, "predicted_s": round4(windowPred.total),
                 "band_low_s": round4(windowPred.total * (1 - snarkError)), "band_high_s": round4(windowPred.total * (1 + snarkError))],
            ]
            let obj: [String: Any] = [
                "schema": "spbench-deadlines/1", "created": ISO8601DateFormatter().string(from: Date()), "host": Host.info, "git": Host.git,
                "build": Host.buildConfiguration, "sector_size": name, "verdicts": [winVerdict.json, windowVerdict.json],
                "model": ["calibration": calibration, "validation": validation, "curve": curve, "targets": targets,
                          "coefficients": model.json, "threads": o.threads,
                          "error_rule": "WinningPoSt: half the run-to-run spread (at least 2%) plus the vanilla share × its model error; WindowPoSt SNARK: max(|validation error|, 3%) × √(octaves beyond the largest calibration size)",
                          "memory_model": rssFit.map { ["form": "peak RSS of this prover = p0 + p1 × floor bytes", "p0_bytes": $0.p0, "p1": $0.p1,
                                                     "window_partition_bytes": ($0.p0 + $0.p1 * windowMem).rounded()] as [String: Any] } ?? NSNull(),
                ] as [String: Any],
                "vanilla": vanilla.json.merging(["hashes_per_challenge_real": hashesReal, "reads_per_challenge_real": readsReal,
                                                 "window_cpu_s": round4(windowVanillaCPU), "window_reads_s": round4(windowVanillaIO)]) { a, _ in a },
                "chain": ["BlockDelaySecs": ChainConstants.blockDelaySecs, "PropagationDelaySecs": ChainConstants.propagationDelaySecs,
                          "WPoStChallengeWindow_epochs": ChainConstants.wPoStChallengeWindowEpochs, "WPoStChallengeLookback_epochs": ChainConstants.wPoStChallengeLookbackEpochs,
                          "WindowPoStPartitionSectors": windowPost.sectorsPerPartition, "WinningPoStChallenges": winPost.challengeCount],
                "notes": [
                    "No GPU on this host: every SNARK figure is this CPU's (spbench's own Groth16 prover, all \(o.threads) cores). Lotus/bellperson with a GPU would be far faster; not measured here.",
                    "Filecoin's proving parameters are not downloaded: the SNARKs are proven on synthetic circuits of the same constraint count, public inputs and domain, with a setup made here (insecure toxic waste, for timing only). Each proof is verified.",
                    "Witness synthesis is timed on the synthetic circuit (1–2 terms per linear combination); Filecoin's Poseidon gadgets have more terms per constraint, so real synthesis costs more than modelled.",
                    "Scalars are full 255-bit: bellperson skips zero and one assignments (bits), so real MSMs over the PoSt witness are cheaper than modelled.",
                    "Memory: the floor is the proving key in bellperson's affine form (G1 96 B, G2 192 B, A and B dense) plus the witness and the a, b, c vectors. rust-fil-proofs memory-maps the key: with less RAM it re-reads it from disk for every proof, which this model does not time.",
                ],
            ]
            objects.append(obj)
            text.append("== Deadlines for \(name) sectors (this host: \(o.threads) cores, \(String(format: "%.1f", hostRAM / 1073741824)) GiB)")
            text.append(winVerdict.text)
            text.append(windowVerdict.text)
            text.append(String(format: "    model: calibrated on 2^%d..2^%d, validated at 2^%d (WinningPoSt circuit): predicted %@, measured %@, error %+.1f%%%@",
                               kMin, kCal, winShape.domainLog, HumanTime.of(predictedWin.total), HumanTime.of(w.sample.total), valError * 100,
                               rssError.map { String(format: "; memory model error %+.1f%%", $0 * 100) } ?? ""))
            text.append(String(format: "    vanilla: %.2f ms per challenge at 8MiB (cold, %d read threads), validated at %d sectors: error %+.1f%%; storage %.1f k random reads/s",
                               vanilla.windowPerChallenge * 1e3, PoStProof.defaultReadThreads, vanilla.windowValidation.sectors,
                               (vanilla.windowValidation.predicted - vanilla.windowValidation.measured) / vanilla.windowValidation.measured * 100,
                               vanilla.readsPerSecond / 1e3))
        }
        text.append("    not measured here: a GPU (none on this host); Filecoin's real parameters (synthetic circuits of the same size are used)")
        return Result(verdicts: verdicts, _objects: UncheckedBox(objects), text: text.joined(separator: "\n"))
    }

    // MARK: measurements

    struct Timed {
        var sample: Groth16CostModel.Sample
        var timing: Groth16.ProveTiming
        var runs: [Double]
        var setup: Double
    }

    /// Setup (insecure toxic waste) and `runs` proofs of `cs`; the sample keeps the fastest
    /// proof's phases and total (the least disturbed by the VM's neighbours: the model is fitted
    /// and validated on fastest runs) and the peak RSS; `runs` has every run's time.
    static func timeProof(_ cs: ConstraintSystem, runs: Int, threads: Int, verify: Bool = false) throws -> Timed {
        let clock = ContinuousClock()
        var params: Groth16.Parameters?
        let setup = try clock.measure { params = try Groth16.setup(cs, toxic: .random(), threads: threads) }.seconds
        guard let params else { throw DeadlinesError.failed("Groth16 setup produced no parameters") }
        var best: (Groth16.Proof, Groth16.ProveTiming, Double)?
        var totals: [Double] = []
        var peak = 0.0
        for _ in 0..<Swift.max(1, runs) {
            ProverMemory.resetPeak()
            let t0 = clock.now
            let (p, t) = try Groth16.prove(params, cs, threads: threads)
            let total = (clock.now - t0).seconds
            peak = Swift.max(peak, ProverMemory.rss().peak)
            totals.append(total)
            if best == nil || total < (best?.2 ?? .infinity) { best = (p, t, total) }
        }
        guard let best else { throw DeadlinesError.failed("no proof") }
        if verify {
            let ok = (try? Groth16.verify(Groth16.PreparedVerifyingKey(params.vk), best.0, inputs: cs.publicInputs)) ?? false
            guard ok else { throw DeadlinesError.failed("the Groth16 proof of the synthetic \(cs.constraints.count)-constraint circuit did not verify") }
        }
        let shape = CircuitShape(constraints: cs.constraints.count, inputs: cs.inputs.count, aux: cs.aux.count)
        return Timed(sample: .init(shape: shape, measured: ProveComponents(best.1), total: best.2, peakRSS: peak > 0 ? peak : nil),
                     timing: best.1, runs: totals, setup: setup)
    }

    /// Peak RSS = p0 + p1·F over the calibration sizes (least squares), F the floor bytes of
    /// the shape (`ProverMemory.floorBytes`: it weighs variables and domain as a key and the
    /// vectors do); nil without data.
    static func fitRSS(_ s: [Groth16CostModel.Sample]) -> (p0: Double, p1: Double)? {
        let p = s.compactMap { x in x.peakRSS.map { (ProverMemory.floorBytes(x.shape), $0) } }
        guard p.count >= 2 else { return nil }
        let mx = p.map(\.0).reduce(0, +) / Double(p.count), my = p.map(\.1).reduce(0, +) / Double(p.count)
        let sxx = p.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        let p1 = p.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +) / sxx
        return (my - p1 * mx, p1)
    }

    /// Poseidon hashes a PoSt challenge costs the prover: the rows the level cache discards,
    /// rebuilt from the leaves ((8^low − 1)/7 arity-8 hashes), and the self-check of the path.
    static func hashesPerChallenge(sectorSize: UInt64) throws -> Double {
        guard let shape = TreeShape.forSector(bytes: sectorSize) else { throw DeadlinesError.sectorSize("\(sectorSize) bytes") }
        let levels = try shape.baseLevels(leafCount: Int(sectorSize / 32))
        let low = Swift.min(levels, TreeShape.rowsToDiscard(baseLevels: levels) + 1)
        let rebuild = (Int(pow(8.0, Double(low))) - 1) / 7
        return Double(rebuild + levels + (shape.sub > 0 ? 1 : 0) + (shape.top > 0 ? 1 : 0))
    }

    /// Random reads a challenge costs on the storage: the leaves' region of the replica and
    /// one read per stored base-tree row of the path (the small sub/top trees stay cached).
    static func readsPerChallenge(sectorSize: UInt64) throws -> Double {
        guard let shape = TreeShape.forSector(bytes: sectorSize) else { throw DeadlinesError.sectorSize("\(sectorSize) bytes") }
        let levels = try shape.baseLevels(leafCount: Int(sectorSize / 32))
        let low = Swift.min(levels, TreeShape.rowsToDiscard(baseLevels: levels) + 1)
        return Double(1 + levels - low)
    }

    static func measureVanilla(storage: String?, log: (String) -> Void) throws -> Vanilla {
        let base = storage ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/var/tmp"
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDir), isDir.boolValue else {
            throw DeadlinesError.failed("storage directory \(base) does not exist")
        }
        let dir = try TemporaryDirectory(prefix: "spbench-deadlines", base: base)
        defer { dir.remove() }
        let calSectors = 16, valSectors = 64
        let pool = try SectorPool(sectorSize: "8MiB", real: 1, total: valSectors, directory: dir.path, log: log)
        let threads = PoStProof.defaultReadThreads
        let pp = try RegisteredPoStProof(kind: .window, sectorSize: pool.proof.sectorSize)
        let wp = try RegisteredPoStProof(kind: .winning, sectorSize: pool.proof.sectorSize)
        var rnd = SHA256.hash(Array("spbench deadlines randomness".utf8))
        rnd[31] &= 0x3f
        let clock = ContinuousClock()
        func cold(_ sectors: [SealedSector]) throws -> Double {
            let files = pool.files
            let times = try (0..<3).map { _ -> Double in
                _ = SectorPool.evict(files)
                return try clock.measure {
                    let p = try PoStProof.proveWindow(sectors: sectors, postProof: pp, randomness: rnd, proverID: pool.proverID, threads: threads)
                    guard p.faults.isEmpty else { throw DeadlinesError.failed("vanilla WindowPoSt found a faulty sector: \(p.faults[0].reason)") }
                }.seconds
            }
            return times.sorted()[1]
        }
        let tCal = try cold(Array(pool.sectors.prefix(calSectors)))
        let perChallenge = tCal / Double(calSectors * pp.challengeCount)
        let tVal = try cold(pool.sectors)
        let predicted = perChallenge * Double(valSectors * pp.challengeCount)
        let winTimes = try (0..<3).map { _ -> Double in
            _ = SectorPool.evict(pool.files)
            return try clock.measure { _ = try PoStProof.proveWinning(eligible: pool.sectors, postProof: wp, randomness: rnd, proverID: pool.proverID) }.seconds
        }
        let win = winTimes.sorted()[1]
        let (rates, resident) = try RandomReadProbe.run(directory: dir.path, bytes: 256 << 20, reads: 4096, threads: threads)
        let rps = rates.sorted()[rates.count / 2] * 1e3
        let h = try hashesPerChallenge(sectorSize: pool.proof.sectorSize)
        log(String(format: "deadlines:   WindowPoSt vanilla %.2f ms/challenge (%d sectors), predicted %.3f s for %d sectors, measured %.3f s; WinningPoSt vanilla %.3f s; storage %.1f k reads/s",
                   perChallenge * 1e3, calSectors, predicted, valSectors, tVal, win, rps / 1e3))
        return Vanilla(windowPerChallenge: perChallenge, windowValidation: (predicted, tVal, valSectors), winningSeconds: win, readsPerSecond: rps, hashes8MiB: h,
                       json: ["sector_size_measured": "8MiB", "storage": base, "read_threads": threads, "window_s_per_challenge": perChallenge,
                              "window_calibration_sectors": calSectors, "window_validation": ["sectors": valSectors, "predicted_s": round4(predicted), "measured_s": round4(tVal),
                                                                                             "error": round4((predicted - tVal) / tVal)] as [String: Any],
                              "winning_s_8MiB": round4(win), "storage_random_reads_per_s": rps.rounded(), "page_cache_resident_after_evict": round4(resident),
                              "hashes_per_challenge_8MiB": h, "seal_s": round4(pool.sealSeconds)])
    }
}

/// Carries Foundation JSON objects (not Sendable) in a Sendable result.
public struct UncheckedBox<T>: @unchecked Sendable {
    public let value: T
    public init(_ v: T) { value = v }
}

/// Writes result JSON as <stem>-<UTC time>.json into a directory.
public enum ResultWriter {
    public static func write(_ object: Any, directory dir: String, stem: String, date: Date = Date()) throws -> String {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw BenchError.cannotWrite(dir, error.localizedDescription)
        }
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        f.timeZone = TimeZone(identifier: "UTC")
        let path = (dir as NSString).appendingPathComponent("\(stem)-\(f.string(from: date)).json")
        do { try (jsonText(object) + "\n").write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw BenchError.cannotWrite(path, error.localizedDescription)
        }
        return path
    }
}
