import Foundation
import Kernels

/// `spbench size`: sectors per day this host (or a what-if host) can seal, from measured
/// rates: PC1 labels/s per core (1, 2 or 4 sectors interleaved per thread), PC2 from the
/// Poseidon rates (calibrated on the 8 MiB PC2 measured here), C2 from the Groth16 model of
/// `spbench deadlines`, and RAM. Which resource binds first is named.
public enum SizeTool {
    public struct Options: Sendable {
        public var cores: Int?
        public var ramBytes: Double?
        public init() {}
    }

    /// The measured inputs the model needs.
    public struct Inputs: Sendable {
        public var labelsPerCore: [Int: Double]   // sectors per thread → M labels/s (all sectors together)
        public var poseidonH2: Double             // seconds per hash, 1 thread
        public var poseidonH8: Double
        public var poseidonH11: Double
        public var pc2Measured8MiB: Double        // seconds, on hostCores
        public var sealPeakRSS8MiB: Double?       // bytes
        public var hostCores: Int
        public var hostRAM: Double
        public var groth16: Groth16CostModel

        public init(bench: [BenchResult], groth16: Groth16CostModel, hostCores: Int, hostRAM: Double) throws {
            func med(_ name: String) throws -> Double {
                guard let r = bench.first(where: { $0.name == name }) else { throw BenchError.failed("sizing needs the benchmark \(name) (run: spbench bench sdr poseidon)") }
                return r.median
            }
            labelsPerCore = [1: try med("sdr.labels.1-sector"), 2: try med("sdr.labels.2-sectors"), 4: try med("sdr.labels.4-sectors")]
            poseidonH2 = try med("poseidon.arity2") * 1e-6
            poseidonH8 = try med("poseidon.arity8") * 1e-6
            poseidonH11 = try med("poseidon.arity11") * 1e-6
            pc2Measured8MiB = try med("sdr.pc2.8MiB")
            sealPeakRSS8MiB = (try? med("sdr.seal.8MiB.peak-rss")).map { $0 * 1048576 }
            self.hostCores = hostCores
            self.hostRAM = hostRAM
            self.groth16 = groth16
        }
    }

    public struct Row: Sendable {
        public var sectorSize: String
        public var mode: Int
        public var pc1: Double, pc2: Double, c2: Double           // seconds per sector, on `cores`
        public var pc1CoreSeconds: Double, pc2CoreSeconds: Double, c2CoreSeconds: Double
        public var perDay: [String: Double]
        public var sectorsPerDay: Double
        public var binding: String
        public var ramPerPC1Sector: Double, parentCache: Double, c2Memory: Double
    }

    /// Poseidon hashes of PC2 for a sector: the column hashes (arity L's hash: H2 for 2
    /// layers, H11 for 11) and the 8-ary trees tree_c and tree_r_last ((N − 1)/7 each,
    /// plus the small sub/top trees).
    static func pc2Seconds1Thread(sectorSize: UInt64, _ i: Inputs) -> Double {
        let n = Double(sectorSize / 32)
        let layers = sectorSize >= 32 << 30 ? 11 : 2
        let column = layers == 11 ? i.poseidonH11 : i.poseidonH2
        return n * column + 2 * ((n - 1) / 7) * i.poseidonH8
    }

    public static func model(_ i: Inputs, options o: Options) -> (rows: [Row], json: [String: Any], text: String) {
        let cores = Double(o.cores ?? i.hostCores)
        let ram = o.ramBytes ?? i.hostRAM
        // PC2 efficiency: the 8 MiB PC2 measured here against its Poseidon work on the host's cores.
        let pc2Work8 = pc2Seconds1Thread(sectorSize: 8 << 20, i)
        let pc2Efficiency = pc2Work8 / (i.pc2Measured8MiB * Double(i.hostCores))
        var rows: [Row] = []
        var lines: [String] = [String(format: "== Sealing throughput (%@ cores, %.0f GiB RAM%@)", fmt(cores), ram / 1073741824,
                                      o.cores != nil || o.ramBytes != nil ? "; what-if, rates measured on this host's \(i.hostCores) cores" : "")]
        for (name, bytes) in [("32GiB", UInt64(32) << 30), ("64GiB", UInt64(64) << 30)] {
            let labels = 11 * Double(bytes / 32)
            // Best PC1 mode per core: k sectors interleaved in one thread.
            let best = i.labelsPerCore.max { $0.value < $1.value } ?? (key: 1, value: 1)
            let pc1InMode = labels / (best.value * 1e6 / Double(best.key))         // wall time of a sector in that mode
            let pc1CoreSeconds = labels / (best.value * 1e6)                       // its share of a core
            let pc1 = labels / (i.labelsPerCore[1, default: best.value] * 1e6)       // one sector alone on one core
            let pc2CoreSeconds = pc2Seconds1Thread(sectorSize: bytes, i) / pc2Efficiency
            let poRep = CircuitShape(constraints: 130_278_869, inputs: 328, aux: 130_169_893)
            let c2CoreSeconds = 10 * i.groth16.predict(poRep).total * Double(i.hostCores)  // 10 partitions, model on the host's cores
            let cpuPerDay = cores * 86400 / (pc1CoreSeconds + pc2CoreSeconds + c2CoreSeconds)
            // RAM: PC1 keeps two layers of a sector resident; the parent cache (56 bytes per
            // node) is shared, memory-mapped; C2 holds one partition's key and vectors.
            let ramPerPC1 = 2 * Double(bytes)
            let parentCache = 56 * Double(bytes / 32)
            let c2Mem = ProverMemory.floorBytes(poRep)
            let pc1Slots = Swift.max(0, ((ram - parentCache) / ramPerPC1).rounded(.down))
            let ramPerDay = pc1Slots * 86400 / pc1InMode
            var perDay: [String: Double] = ["cpu": cpuPerDay, "ram_pc1": ramPerDay]
            if c2Mem > ram { perDay["ram_c2"] = 0 }
            // The first resource, in this order, to reach the lowest rate.
            let total = perDay.values.min() ?? 0
            let binding = ["ram_pc1", "ram_c2", "cpu"].first { perDay[$0] == total } ?? "cpu"
            rows.append(Row(sectorSize: name, mode: best.key, pc1: pc1, pc2: pc2CoreSeconds / cores, c2: c2CoreSeconds / cores,
                            pc1CoreSeconds: pc1CoreSeconds, pc2CoreSeconds: pc2CoreSeconds, c2CoreSeconds: c2CoreSeconds,
                            perDay: perDay, sectorsPerDay: total, binding: binding, ramPerPC1Sector: ramPerPC1, parentCache: parentCache, c2Memory: c2Mem))
            let gib = { (b: Double) in String(format: "%.0f GiB", b / 1073741824) }
            lines.append(String(format: "%@: %.2f sectors/day, bound by %@", name, total, describe(binding)))
            lines.append(String(format: "    PC1 %@ per sector alone (11 layers × %@ labels at %.2f M labels/s); best mode %d sectors per core: %@ each, %@ of core time",
                                HumanTime.of(pc1), "\(bytes / 32)", i.labelsPerCore[1] ?? 0, best.key, HumanTime.of(pc1InMode), HumanTime.of(pc1CoreSeconds)))
            lines.append(String(format: "    PC2 %@ per sector on %@ cores (Poseidon work × %.2f efficiency measured on 8MiB PC2); C2 %@ per sector (10 partitions of 130,278,869 constraints, Groth16 model)",
                                HumanTime.of(pc2CoreSeconds / cores), fmt(cores), pc2Efficiency, HumanTime.of(c2CoreSeconds / cores)))
            lines.append(String(format: "    CPU alone: %.2f sectors/day; RAM: PC1 needs %@ per sector + the %@ parent cache → %.0f at once (%.2f sectors/day)%@",
                                cpuPerDay, gib(ramPerPC1), gib(parentCache), pc1Slots, ramPerDay,
                                c2Mem > ram ? "; C2 needs \(gib(c2Mem)) resident: does not fit" : ""))
        }
        lines.append("    not measured here: a GPU for PC2/C2 (none on this host); disk bandwidth for layers and trees; per-core rates are assumed to hold on other core counts")
        let json: [String: Any] = [
            "schema": "spbench-size/1", "cores": cores, "ram_bytes": ram, "host_cores": i.hostCores, "host_ram_bytes": i.hostRAM,
            "what_if": o.cores != nil || o.ramBytes != nil, "pc2_efficiency": round4(pc2Efficiency),
            "inputs": ["labels_m_per_s_per_core": Dictionary(uniqueKeysWithValues: i.labelsPerCore.map { ("\($0.key)", $0.value) }),
                       "poseidon_s": ["arity2": i.poseidonH2, "arity8": i.poseidonH8, "arity11": i.poseidonH11], "pc2_8MiB_s": i.pc2Measured8MiB,
                       "seal_8MiB_peak_rss_bytes": i.sealPeakRSS8MiB ?? NSNull()] as [String: Any],
            "rows": rows.map { r in
                ["sector_size": r.sectorSize, "sectors_per_day": round4(r.sectorsPerDay), "binding": r.binding, "pc1_mode_sectors_per_core": r.mode,
                 "pc1_s": round4(r.pc1), "pc2_s": round4(r.pc2), "c2_s": round4(r.c2),
                 "core_seconds": ["pc1": round4(r.pc1CoreSeconds), "pc2": round4(r.pc2CoreSeconds), "c2": round4(r.c2CoreSeconds)],
                 "per_day_by_resource": r.perDay.mapValues(round4), "ram_per_pc1_sector_bytes": r.ramPerPC1Sector,
                 "parent_cache_bytes": r.parentCache, "c2_memory_bytes": r.c2Memory] as [String: Any]
            },
            "notes": ["CPU time of PC1, PC2 and C2 shares the cores; RAM bounds how many PC1 sectors run at once (two layers each, plus the shared parent cache).",
                      "No GPU here: PC2 and C2 are CPU figures. Disk bandwidth is not modelled."],
        ]
        return (rows, json, lines.joined(separator: "\n"))
    }

    static func describe(_ binding: String) -> String {
        switch binding {
        case "cpu": "CPU: PC1 + PC2 + C2 core time"
        case "ram_pc1": "RAM: PC1 layers and the parent cache"
        case "ram_c2": "RAM: the C2 proving key does not fit"
        default: binding
        }
    }

    /// "256GiB", "24 GiB", "512G" → bytes.
    public static func parseRAM(_ s: String) throws -> Double {
        let t = s.replacingOccurrences(of: " ", with: "").uppercased()
        let units: [(String, Double)] = [("TIB", 1_099_511_627_776), ("GIB", 1_073_741_824), ("MIB", 1_048_576), ("TB", 1e12), ("GB", 1e9), ("T", 1_099_511_627_776), ("G", 1_073_741_824)]
        for (u, m) in units where t.hasSuffix(u) {
            if let v = Double(t.dropLast(u.count)), v > 0, v.isFinite { return v * m }
        }
        throw BenchError.failed("cannot read the RAM size '\(s)': use e.g. 256GiB")
    }
}

extension SizeTool {
    /// Measured inputs from result files (bench, run or deadlines files), measuring here
    /// whatever they lack: the sdr and poseidon benchmarks (quick) and a Groth16 calibration.
    public static func gather(from paths: [String], log: (String) -> Void) throws -> Inputs {
        var bench: [BenchResult] = []
        var model: Groth16CostModel?
        for p in paths {
            guard let data = FileManager.default.contents(atPath: p) else { throw BenchError.failed("cannot read \(p)") }
            guard let v = try? JSONValue.parse(data) else { throw BenchError.failed("\(p) is not valid JSON (truncated?)") }
            switch v["schema"]?.stringValue {
            case "spbench-bench/1": bench += benchResults(v)
            case "spbench-run/1":
                if let b = v["bench"] { bench += benchResults(b) }
                if let d = v["deadlines"]?.arrayValue?.first { model = model ?? groth16Model(d) }
            case "spbench-deadlines/1": model = model ?? groth16Model(v)
            case let s: throw BenchError.failed("\(p): schema \(s ?? "(none)") is not one spbench size reads (spbench-bench/1, spbench-run/1, spbench-deadlines/1)")
            }
        }
        let needed = ["sdr.labels.1-sector", "sdr.labels.2-sectors", "sdr.labels.4-sectors", "poseidon.arity2", "poseidon.arity8", "poseidon.arity11", "sdr.pc2.8MiB"]
        if !needed.allSatisfy({ n in bench.contains { $0.name == n } }) {
            log("size: measuring SDR labels, PC2 and Poseidon (quick benchmarks)")
            bench = try BenchRunner.run(groups: ["sdr", "poseidon"], quick: true, allowDebug: true, log: log).results
        }
        if model == nil {
            log("size: calibrating the Groth16 model on 2^14..2^17 (for C2)")
            var samples: [Groth16CostModel.Sample] = []
            for k in 14...17 {
                samples.append(try DeadlinesTool.timeProof(ConstraintSystem.synthetic(constraints: (1 << k) - 3, publicInputs: 2, seed: UInt64(k)),
                                                           runs: 1, threads: Parallel.processorCount).sample)
            }
            model = Groth16CostModel.fit(samples)
        }
        guard let model else { throw BenchError.failed("no Groth16 model") }
        let ram = Double((Host.info["memory_bytes"] as? UInt64) ?? 0)
        return try Inputs(bench: bench, groth16: model, hostCores: Parallel.processorCount, hostRAM: ram)
    }

    /// Name, unit and median of every benchmark of a spbench-bench/1 object.
    static func benchResults(_ v: JSONValue) -> [BenchResult] {
        (v["benchmarks"]?.arrayValue ?? []).compactMap { b in
            guard let name = b["name"]?.stringValue, case .number(let m)? = b["median"] else { return nil }
            var hib = true
            if case .bool(let h)? = b["higher_is_better"] { hib = h }
            return BenchResult(name: name, group: b["group"]?.stringValue ?? "", unit: b["unit"]?.stringValue ?? "", higherIsBetter: hib, samples: [m])
        }
    }

    /// The cost model stored in a spbench-deadlines/1 object's model.coefficients.
    static func groth16Model(_ d: JSONValue) -> Groth16CostModel? {
        guard let c = d["model"]?["coefficients"] else { return nil }
        func line(_ k: String) -> Groth16CostModel.Line? {
            guard case .number(let c0)? = c[k]?["per_unit_s_c0"], case .number(let c1)? = c[k]?["per_unit_s_c1"] else { return nil }
            return .init(c0: c0, c1: c1)
        }
        guard let w = line("witness"), let n = line("ntt"), let g1 = line("msm_g1"), let g2 = line("msm_g2") else { return nil }
        return Groth16CostModel(witness: w, ntt: n, msmG1: g1, msmG2: g2)
    }
}
