import Foundation
import Kernels

public enum BenchError: Error, CustomStringConvertible {
    case debugBuild
    case unknownGroup(String)
    case cannotWrite(String, String)
    case failed(String)

    public var description: String {
        switch self {
        case .debugBuild:
            "this is a debug build; benchmarks are timed on release builds only: swift build -c release && .build/release/spbench bench (or pass --allow-debug)"
        case .unknownGroup(let g): "unknown benchmark group '\(g)'; groups: \(BenchRunner.groups.joined(separator: ", "))"
        case .cannotWrite(let p, let why): "cannot write \(p): \(why)"
        case .failed(let why): "benchmark failed: \(why)"
        }
    }
}

/// One benchmark's samples (one value per repeat, in `unit`) and its ratio.
public struct BenchResult: Sendable {
    public var name: String
    public var group: String
    public var unit: String
    public var higherIsBetter: Bool
    public var samples: [Double]
    public var params: [String: String] = [:]
    public var ratio: Ratio?
    public var note: String?

    public struct Ratio: Sendable {
        public var value: Double
        public var against: String
        public var goal: Double?
        /// true: the ratio should be >= goal; false: <= goal.
        public var atLeast = true
        /// Which way the ratio improves when there is no goal to say so (default: the
        /// benchmark's own direction). `spbench compare` reads it as `higher_is_better`.
        public var higherIsBetter: Bool?
        public var meetsGoal: Bool? { goal.map { atLeast ? value >= $0 : value <= $0 } }
    }

    public var sorted: [Double] { samples.sorted() }
    public var median: Double {
        let s = sorted
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    /// The worst sample for throughputs is the min; "min" here is the smallest value.
    public var min: Double { sorted.first ?? 0 }
    public var max: Double { sorted.last ?? 0 }

    var json: [String: Any] {
        var o: [String: Any] = ["name": name, "group": group, "unit": unit, "higher_is_better": higherIsBetter,
                                "median": round4(median), "min": round4(min), "max": round4(max),
                                "repeats": samples.count, "samples": samples.map(round4), "params": params]
        if let r = ratio {
            var ro: [String: Any] = ["value": round4(r.value), "against": r.against,
                                     "higher_is_better": r.goal != nil ? r.atLeast : (r.higherIsBetter ?? higherIsBetter)]
            if let g = r.goal {
                ro["goal"] = g
                ro["goal_kind"] = r.atLeast ? "at_least" : "at_most"
                ro["meets_goal"] = r.meetsGoal ?? NSNull()
            }
            o["ratio"] = ro
        }
        if let note { o["note"] = note }
        return o
    }
}

func round4(_ x: Double) -> Double {
    guard x.isFinite, x != 0 else { return x }
    let digits = Swift.max(0, 4 - Int(floor(log10(abs(x)))))
    let p = pow(10.0, Double(digits))
    return (x * p).rounded() / p
}

public struct BenchRun: Sendable {
    public var results: [BenchResult]
    public var quick: Bool
    public var created: Date

    public var json: [String: Any] {
        [
            "schema": "spbench-bench/1",
            "created": ISO8601DateFormatter().string(from: created),
            "quick": quick,
            "build": Host.buildConfiguration,
            "host": Host.info,
            "git": Host.git,
            "implementation": ["sha256": SHA256.implementation, "fr": BenchKernels.frImplementation],
            "benchmarks": results.map(\.json),
        ]
    }

    /// Writes bench-<UTC time>-<commit>.json into `dir`; returns the path.
    public func write(to dir: String) throws -> String {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw BenchError.cannotWrite(dir, error.localizedDescription)
        }
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        f.timeZone = TimeZone(identifier: "UTC")
        let commit = ((Host.git["commit"] as? String) ?? "unknown").prefix(10)
        let path = (dir as NSString).appendingPathComponent("bench-\(f.string(from: created))-\(commit).json")
        do { try (jsonText(json) + "\n").write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw BenchError.cannotWrite(path, error.localizedDescription)
        }
        return path
    }

    public var summary: String {
        var lines = ["", "benchmark                          median               min..max              ratio"]
        for r in results {
            let v = "\(fmt(r.median)) \(r.unit)"
            let range = "\(fmt(r.min))..\(fmt(r.max))"
            var ratio = ""
            if let q = r.ratio {
                ratio = String(format: "%.3f× %@", q.value, q.against)
                if let g = q.goal {
                    ratio += String(format: " (goal %@%.2f: %@)", q.atLeast ? "≥" : "≤", g, q.meetsGoal == true ? "met" : "SHORT")
                }
            }
            lines.append("\(r.name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(v.padding(toLength: 20, withPad: " ", startingAt: 0)) \(range.padding(toLength: 21, withPad: " ", startingAt: 0)) \(ratio)")
        }
        return lines.joined(separator: "\n")
    }
}

func fmt(_ x: Double) -> String {
    if x >= 1000 { return String(format: "%.0f", x) }
    if x >= 100 { return String(format: "%.1f", x) }
    return String(format: "%.3g", x)
}

/// Times `body` (which does `units` units of work per call) in batches of at least
/// `minSeconds`, `repeats` times; returns units per second per repeat.
func measure(repeats: Int, minSeconds: Double, units: Double, _ body: () -> Void) -> [Double] {
    let clock = ContinuousClock()
    body()  // warm-up: page faults, lazy tables
    var iters = 1
    while true {
        let t = clock.measure { for _ in 0..<iters { body() } }.seconds
        if t >= minSeconds / 4 || iters >= 1 << 24 {
            iters = Swift.max(1, Int(Double(iters) * minSeconds / Swift.max(t, 1e-9)))
            break
        }
        iters *= 4
    }
    return (0..<repeats).map { _ in
        let t = clock.measure { for _ in 0..<iters { body() } }.seconds
        return units * Double(iters) / t
    }
}

/// Like `measure`, for several bodies timed in turn within each repeat, so that a ratio
/// between them compares runs made under the same machine conditions (this VM's other
/// tenants change the multi-buffer SHA rates from minute to minute).
func measureInterleaved(repeats: Int, minSeconds: Double, _ bodies: [(units: Double, body: () -> Void)]) -> [[Double]] {
    let clock = ContinuousClock()
    let iters = bodies.map { b -> Int in
        b.body()
        var n = 1
        while true {
            let t = clock.measure { for _ in 0..<n { b.body() } }.seconds
            if t >= minSeconds / 4 || n >= 1 << 24 { return Swift.max(1, Int(Double(n) * minSeconds / Swift.max(t, 1e-9))) }
            n *= 4
        }
    }
    var out = [[Double]](repeating: [], count: bodies.count)
    for _ in 0..<repeats {
        for (i, b) in bodies.enumerated() {
            let t = clock.measure { for _ in 0..<iters[i] { b.body() } }.seconds
            out[i].append(b.units * Double(iters[i]) / t)
        }
    }
    return out
}

/// Median of the per-repeat ratios a[i] / b[i].
func pairedRatio(_ a: [Double], _ b: [Double]) -> Double {
    let r = zip(a, b).map { $0 / $1 }.sorted()
    return r.count % 2 == 1 ? r[r.count / 2] : (r[r.count / 2 - 1] + r[r.count / 2]) / 2
}

func randomBytes(_ n: Int, seed: UInt64) -> [UInt8] {
    var x = seed | 1
    var out = [UInt8](repeating: 0, count: n)
    out.withUnsafeMutableBytes { b in
        for i in 0..<(n / 8) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            b.storeBytes(of: x, toByteOffset: 8 * i, as: UInt64.self)
        }
    }
    return out
}

public enum BenchRunner {
    public static let groups = ["sha256", "fr32", "tree_d", "commp", "fr", "poseidon", "poseidon_tree", "sdr", "post", "snark"]

    public static func run(groups requested: [String], quick: Bool, allowDebug: Bool,
                           log: (String) -> Void) throws -> BenchRun {
        if Host.buildConfiguration == "debug" && !allowDebug { throw BenchError.debugBuild }
        for g in requested where !groups.contains(g) { throw BenchError.unknownGroup(g) }
        let want = requested.isEmpty ? groups : requested
        let repeats = quick ? 5 : 9
        let minSec = quick ? 0.05 : 0.2
        var results: [BenchResult] = []
        func add(_ r: BenchResult) {
            results.append(r)
            var line = "  \(r.name): \(fmt(r.median)) \(r.unit)"
            if let q = r.ratio { line += String(format: " (%.3f× %@)", q.value, q.against) }
            log(line)
        }

        // SHA-256: 16 KiB messages and the raw multi-buffer compression rates. Every
        // other group's ratio is against the x4 rate measured here, so it always runs.
        log("sha256 (\(SHA256.implementation))")
        let msg = randomBytes(16384, seed: 1)
        var digest = [UInt8](repeating: 0, count: 32)
        let blocksPerMsg = Double((16384 + 9 + 63) / 64)
        let shaRuns = msg.withUnsafeBytes { m in
            digest.withUnsafeMutableBytes { d in
                measureInterleaved(repeats: repeats, minSeconds: minSec, [
                    (blocksPerMsg / 1e6, { BenchKernels.sha256OpenSSL(m, into: d) }),
                    (blocksPerMsg / 1e6, { BenchKernels.sha256(m, into: d) }),
                    (blocksPerMsg / 1e6, { BenchKernels.sha256Portable(m, into: d) }),
                ])
            }
        }
        let peer = BenchResult(name: "sha256.openssl-evp.16KiB", group: "sha256", unit: "M compr/s", higherIsBetter: true,
                               samples: shaRuns[0], params: ["message_bytes": "16384", "peer": BenchKernels.openSSLVersion])
        var one = BenchResult(name: "sha256.one-stream.16KiB", group: "sha256", unit: "M compr/s", higherIsBetter: true,
                              samples: shaRuns[1], params: ["message_bytes": "16384", "impl": SHA256.implementation])
        one.ratio = .init(value: pairedRatio(shaRuns[1], shaRuns[0]), against: "openssl-evp", goal: 1.0)
        var portable = BenchResult(name: "sha256.portable.16KiB", group: "sha256", unit: "M compr/s", higherIsBetter: true,
                                   samples: shaRuns[2], params: ["message_bytes": "16384", "impl": "portable"])
        portable.ratio = .init(value: pairedRatio(shaRuns[2], shaRuns[1]), against: "one-stream")
        let laneBlocks = 256
        let laneData = randomBytes(4 * laneBlocks * 64, seed: 2)
        let laneRuns = laneData.withUnsafeBytes { d in
            measureInterleaved(repeats: repeats, minSeconds: minSec, [1, 2, 4].map { lanes in
                (Double(lanes * laneBlocks) / 1e6, { _ = BenchKernels.compressLanes(d, lanes: lanes, blocksPerLane: laneBlocks) })
            })
        }
        let x1 = BenchResult(name: "sha256.compress.x1", group: "sha256", unit: "M compr/s", higherIsBetter: true,
                             samples: laneRuns[0], params: ["lanes": "1", "blocks_per_lane": "\(laneBlocks)"])
        var x2 = BenchResult(name: "sha256.compress.x2", group: "sha256", unit: "M compr/s", higherIsBetter: true,
                             samples: laneRuns[1], params: ["lanes": "2", "blocks_per_lane": "\(laneBlocks)"])
        x2.ratio = .init(value: pairedRatio(laneRuns[1], laneRuns[0]), against: "compress.x1", goal: 1.8)
        var x4 = BenchResult(name: "sha256.compress.x4", group: "sha256", unit: "M compr/s", higherIsBetter: true,
                             samples: laneRuns[2], params: ["lanes": "4", "blocks_per_lane": "\(laneBlocks)"])
        x4.ratio = .init(value: pairedRatio(laneRuns[2], laneRuns[0]), against: "compress.x1", goal: 2.2)
        if want.contains("sha256") { [peer, one, portable, x1, x2, x4].forEach(add) }
        let limitPerCoreMBs = 16 * x4.median  // padded MB/s: 16 bytes per 4-stream compression

        if want.contains("fr32") {
            log("fr32")
            let blocks = 8192
            let input = randomBytes(127 * blocks + 1, seed: 3)
            var output = [UInt8](repeating: 0, count: 128 * blocks)
            let s = input.withUnsafeBytes { i in
                output.withUnsafeMutableBytes { o in
                    measure(repeats: repeats, minSeconds: minSec, units: Double(127 * blocks) / 1e6) {
                        BenchKernels.fr32Pad(UnsafeRawBufferPointer(rebasing: i[0..<(127 * blocks)]), into: o)
                    }
                }
            }
            var r = BenchResult(name: "fr32.pad", group: "fr32", unit: "MB/s", higherIsBetter: true, samples: s,
                                params: ["unpadded_bytes": "\(127 * blocks)"])
            // Unpadded MB/s against the CommP hash limit in unpadded bytes: how far padding
            // stays out of CommP's way.
            r.ratio = .init(value: r.median / (limitPerCoreMBs * 127 / 128), against: "commp-limit-per-core")
            add(r)
        }

        if want.contains("tree_d") {
            log("tree_d")
            let leaves = 1 << 15
            let input = randomBytes(32 * leaves, seed: 4)
            var out = [UInt8](repeating: 0, count: 16 * leaves)
            let s = input.withUnsafeBytes { i in
                out.withUnsafeMutableBytes { o in
                    measure(repeats: repeats, minSeconds: minSec, units: Double(leaves / 2) * 2 / 1e6) {
                        BenchKernels.treeDParents(i, into: o)
                    }
                }
            }
            var r = BenchResult(name: "tree_d.parents", group: "tree_d", unit: "M compr/s", higherIsBetter: true, samples: s,
                                params: ["pairs": "\(leaves / 2)", "compressions_per_parent": "2"])
            r.ratio = .init(value: r.median / x4.median, against: "compress.x4")
            add(r)
        }

        if want.contains("commp") {
            let padded: UInt64 = quick ? 128 << 20 : 1 << 30
            let payload = padded / 128 * 127
            log("commp (\(ByteCount.human(payload)) payload → \(ByteCount.human(padded)) piece)")
            let pool = randomBytes(8 << 20, seed: 5)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            for threads in Array(Set([1, Swift.min(2, cores)])).sorted() {
                let s = measure(repeats: quick ? 3 : 5, minSeconds: 0, units: Double(padded) / 1e6) {
                    var src = RepeatSource(pattern: pool, length: payload)  // cycles 8 MiB of random bytes
                    var h = CommPHasher(threads: threads)
                    try? h.consume(&src)
                    _ = try? h.finalize()
                }
                var r = BenchResult(name: "commp.\(threads)-core", group: "commp", unit: "MB/s padded", higherIsBetter: true,
                                    samples: s, params: ["payload_bytes": "\(payload)", "padded_piece_bytes": "\(padded)", "threads": "\(threads)"])
                r.ratio = .init(value: r.median / (limitPerCoreMBs * Double(threads)),
                                against: "16B×compress.x4×\(threads) core\(threads > 1 ? "s" : "")", goal: 0.8)
                add(r)
            }
            if let rss = commpPeakRSS(payload: payload) {
                var r = BenchResult(name: "commp.peak-rss", group: "commp", unit: "MiB", higherIsBetter: false,
                                    samples: [rss], params: ["payload_bytes": "\(payload)", "via": "spbench commp - (subprocess, stdin pipe)"])
                r.ratio = .init(value: rss / 64, against: "64 MiB", goal: 1.0, atLeast: false)
                add(r)
            } else {
                log("  commp.peak-rss: could not run \(Paths.executable) commp as a subprocess; not measured")
            }
        }
        try runFieldGroups(want: want, quick: quick, repeats: repeats, minSec: minSec, add: add, log: log)
        if want.contains("sdr") {
            try runSealGroup(quick: quick, repeats: repeats, minSec: minSec, oneStream: x1, add: add, log: log)
        }
        if want.contains("snark") {
            log("snark (Fp, NTT, MSM, pairing, Groth16)")
            try runFpBench(quick: quick, repeats: repeats, minSec: minSec, add: add, log: log)
            try runNTTBench(quick: quick, repeats: repeats, minSec: minSec, add: add, log: log)
            try runCurveBench(quick: quick, repeats: repeats, minSec: minSec, add: add, log: log)
            try runPairingBench(quick: quick, repeats: repeats, minSec: minSec, add: add, log: log)
            try runGroth16Bench(quick: quick, repeats: repeats, minSec: minSec, add: add, log: log)
        }
        if want.contains("post") {
            try runPoStGroup(quick: quick, repeats: repeats, minSec: minSec, oneStream: x1, add: add, log: log)
        }
        return BenchRun(results: results, quick: quick, created: Date())
    }

    /// Peak RSS (MiB) of `spbench commp -` hashing `payload` bytes from a pipe.
    static func commpPeakRSS(payload: UInt64) -> Double? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Paths.executable)
        p.arguments = ["commp", "--quiet", "--json", "-"]
        let inPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let chunk = randomBytes(1 << 20, seed: 6)
        var left = payload
        let h = inPipe.fileHandleForWriting
        while left > 0 {
            let n = Int(Swift.min(UInt64(chunk.count), left))
            h.write(n == chunk.count ? Data(chunk) : Data(chunk[0..<n]))
            left -= UInt64(n)
        }
        try? h.close()
        // Foundation's Process reaps the child itself (a wait4 of our own can lose that
        // race), so read the peak from RUSAGE_CHILDREN: the largest child waited for, and
        // the other children of a bench run (git) are far smaller.
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage) == 0 else { return nil }
        return Double(usage.ru_maxrss) / 1024  // ru_maxrss is in KiB on Linux
    }
}
