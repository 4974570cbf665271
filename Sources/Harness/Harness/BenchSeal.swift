import Foundation
import Kernels

/// Sealing benchmarks: parent-cache generation, SDR labels for 1/2/4 sectors per thread
/// against the one-stream SHA-256 limit measured in the same run, and whole PC1/PC2 runs
/// of `spbench seal` (a subprocess, so its peak RSS is its own).
extension BenchRunner {
    static func runSealGroup(quick: Bool, repeats: Int, minSec: Double, oneStream: BenchResult,
                             add: (BenchResult) -> Void, log: (String) -> Void) throws {
        log("sdr (parents, labels, PC1/PC2)")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let nodes = 1 << 24, count = 1 << 20
        var sink: UInt32 = 0
        for threads in Array(Set([1, Swift.min(2, cores)])).sorted() {
            let s = measure(repeats: repeats, minSeconds: minSec, units: Double(count) / 1e6) {
                sink ^= BenchKernels.parentsFill(nodes: nodes, count: count, threads: threads)
            }
            add(BenchResult(name: "sdr.parents.\(threads)-thread\(threads > 1 ? "s" : "")", group: "sdr", unit: "M nodes/s",
                            higherIsBetter: true, samples: s, params: ["graph_nodes": "\(nodes)", "nodes_per_call": "\(count)"]))
        }
        // Labels of layer 2 (6 DRG + 8 expander parents, random reads into the previous
        // layer) over a 2^20-node graph (32 MiB per layer per sector; --quick: 2^18).
        let labelNodes = quick ? 1 << 18 : 1 << 20
        let limit = oneStream.median * 1e6 / 20 // labels/s: 20 compressions per label
        var single = 0.0
        for lanes in [1, 2, 4] {
            let lb = try BenchKernels.LabelBench(nodes: labelNodes, lanes: lanes)
            var byte: UInt8 = 0
            let s = measure(repeats: Swift.max(3, repeats / 2), minSeconds: 0, units: Double(labelNodes * lanes) / 1e6) { byte ^= lb.run() }
            if byte == 42 { log("") }
            var r = BenchResult(name: "sdr.labels.\(lanes)-sector\(lanes > 1 ? "s" : "")", group: "sdr", unit: "M labels/s",
                                higherIsBetter: true, samples: s, params: ["nodes": "\(labelNodes)", "layer": "2", "sectors_per_thread": "\(lanes)"])
            if lanes == 1 {
                single = r.median
                r.ratio = .init(value: r.median * 1e6 / limit, against: "sha256.compress.x1 ÷ 20 (one-stream limit)", goal: 0.95)
            } else {
                r.ratio = .init(value: r.median / single, against: "sdr.labels.1-sector", goal: lanes == 2 ? 1.8 : 2.2)
            }
            add(r)
        }
        let lbp = try BenchKernels.LabelBench(nodes: 1 << 14, lanes: 1)
        var pb: UInt8 = 0
        let ps = measure(repeats: 3, minSeconds: minSec, units: Double(1 << 14) / 1e6) { pb ^= lbp.run(portable: true) }
        if pb == 42 { log("") }
        var pr = BenchResult(name: "sdr.labels.portable", group: "sdr", unit: "M labels/s", higherIsBetter: true, samples: ps,
                             params: ["nodes": "\(1 << 14)", "impl": "portable"])
        pr.ratio = .init(value: pr.median / single, against: "sdr.labels.1-sector")
        add(pr)

        // Whole sectors through `spbench seal` (a subprocess).
        for size in quick ? ["8MiB"] : ["8MiB", "512MiB"] {
            log("  sealing a \(size) sector (spbench seal)")
            guard let run = sealSubprocess(size: size) else {
                log("  sdr.seal.\(size): could not run \(Paths.executable) seal; not measured")
                continue
            }
            let phases = run.phases
            let pc1 = (phases["pc1.labels"] ?? 0) + (phases["pc1.tree_d"] ?? 0)
            let pc2 = ["pc2.column_hashes", "pc2.tree_c", "pc2.encode", "pc2.tree_r_last"].reduce(0.0) { $0 + (phases[$1] ?? 0) }
            let bytes = try RegisteredSealProof.parseSectorSize(size)
            let labels = Double(bytes / 32) * 2
            var p1 = BenchResult(name: "sdr.pc1.\(size)", group: "sdr", unit: "s", higherIsBetter: false, samples: [pc1],
                                 params: ["labels": "\(Int(labels))", "layers": "2", "includes": "tree_d + labels (parent cache excluded)"])
            p1.ratio = .init(value: pc1 / (labels / (single * 1e6)), against: "2 layers × N labels at sdr.labels.1-sector", goal: 1.15, atLeast: false)
            add(p1)
            add(BenchResult(name: "sdr.pc2.\(size)", group: "sdr", unit: "s", higherIsBetter: false, samples: [pc2],
                            params: ["includes": "column hashes, tree_c, encoding, tree_r_last", "threads": "\(Swift.min(2, cores))"]))
            add(BenchResult(name: "sdr.seal.\(size).peak-rss", group: "sdr", unit: "MiB", higherIsBetter: false, samples: [run.peakRSS],
                            params: ["via": "spbench seal --json (subprocess)"]))
        }
    }

    /// Runs `spbench seal --sector-size S --json` and reads its phases and peak RSS.
    static func sealSubprocess(size: String) -> (phases: [String: Double], peakRSS: Double)? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Paths.executable)
        let cache = (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/spbench-bench-parents"
        p.arguments = ["seal", "--sector-size", size, "--json", "--parent-cache", cache]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let phases = obj["phases"] as? [[String: Any]] else { return nil }
        var m: [String: Double] = [:]
        for ph in phases { if let n = ph["name"] as? String, let s = ph["seconds"] as? Double { m[n] = s } }
        return (m, obj["peak_rss_mib"] as? Double ?? 0)
    }
}
