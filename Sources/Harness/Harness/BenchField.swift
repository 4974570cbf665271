import Foundation
import Kernels

/// Benchmarks of the field, Poseidon and Poseidon-tree kernels with their in-run ratios:
/// Fr against GMP, Poseidon against its multiplication bound, tree building against the
/// per-hash time on both cores.
extension BenchRunner {
    static func runFieldGroups(want: [String], quick: Bool, repeats: Int, minSec: Double,
                               add: (BenchResult) -> Void, log: (String) -> Void) throws {
        // The Fr multiplication time every other ratio here is built on.
        let chain = 100_000
        if want.contains("fr") {
            log("fr (\(BenchKernels.frImplementation))")
            var sink: UInt64 = 0
            let perNs = Double(chain) / 1e9
            var bodies: [(units: Double, body: () -> Void)] = [
                (perNs, { sink ^= BenchKernels.frChain(chain) }),
                (perNs, { sink ^= BenchKernels.frChain(chain, square: true) }),
                (perNs, { sink ^= BenchKernels.frChain(chain, impl: .portable) }),
                (perNs, { sink ^= BenchKernels.gmpChain(chain, .mpnMontgomery) }),
                (perNs, { sink ^= BenchKernels.gmpChain(chain, .mpnMontgomerySquare) }),
                (perNs, { sink ^= BenchKernels.gmpChain(chain / 4, .mpzMulMod) }),
            ]
            bodies[5].units = perNs / 4
            let runs = measureInterleaved(repeats: repeats, minSeconds: minSec, bodies).map { $0.map { 1 / $0 } } // ns per op
            if sink == 42 { log("") }
            let impl = BenchKernels.frImplementation
            var mul = BenchResult(name: "fr.mul", group: "fr", unit: "ns", higherIsBetter: false, samples: runs[0],
                                  params: ["impl": impl, "chain": "\(chain) dependent x*y"])
            mul.ratio = .init(value: pairedRatio(runs[3], runs[0]), against: "gmp-mpn-montgomery (speedup)", goal: 2.2)
            var mulMpz = BenchResult(name: "fr.mul.vs-mpz", group: "fr", unit: "ns", higherIsBetter: false, samples: runs[0],
                                     params: ["impl": impl])
            mulMpz.ratio = .init(value: pairedRatio(runs[5], runs[0]), against: "gmp-mpz_mul+mpz_mod (speedup)", goal: 3.5)
            var sqr = BenchResult(name: "fr.sqr", group: "fr", unit: "ns", higherIsBetter: false, samples: runs[1],
                                  params: ["impl": impl, "chain": "\(chain) dependent x^2"])
            sqr.ratio = .init(value: pairedRatio(runs[4], runs[1]), against: "gmp-mpn_sqr-montgomery (speedup)", goal: 2.2)
            var portable = BenchResult(name: "fr.mul.portable", group: "fr", unit: "ns", higherIsBetter: false,
                                       samples: runs[2], params: ["impl": "portable (C CIOS, unsigned __int128)"])
            portable.ratio = .init(value: pairedRatio(runs[2], runs[0]), against: "fr.mul (slowdown)")
            let mpn = BenchResult(name: "fr.peer.gmp-mpn-montgomery", group: "fr", unit: "ns", higherIsBetter: false,
                                  samples: runs[3], params: ["peer": "GMP \(BenchKernels.gmpVersion) mpn_mul_n + 4×mpn_addmul_1"])
            let mpz = BenchResult(name: "fr.peer.gmp-mpz", group: "fr", unit: "ns", higherIsBetter: false,
                                  samples: runs[5], params: ["peer": "GMP \(BenchKernels.gmpVersion) mpz_mul + mpz_mod"])
            [mul, mulMpz, sqr, portable, mpn, mpz].forEach(add)
        }

        if want.contains("poseidon") {
            let arities = [2, 4, 8, 11]
            log("poseidon (optimized form, \(BenchKernels.frImplementation))")
            let hashes = 32
            var batches = arities.map { BenchKernels.PoseidonBatch(arity: $0, count: hashes) }
            var portable8 = BenchKernels.PoseidonBatch(arity: 8, count: hashes)
            var sink: UInt64 = 0
            var bodies: [(units: Double, body: () -> Void)] = [(Double(chain) / 1e9, { sink ^= BenchKernels.frChain(chain) })]
            for i in batches.indices { bodies.append((Double(hashes) / 1e6, { batches[i].run() })) }
            bodies.append((Double(hashes) / 1e6, { portable8.run(portable: true) }))
            let runs = measureInterleaved(repeats: repeats, minSeconds: minSec, bodies).map { $0.map { 1 / $0 } }
            if sink == 42 { log("") }
            let mulNs = runs[0]
            for (i, a) in arities.enumerated() {
                let muls = BenchKernels.poseidonMultiplications(arity: a)
                let us = runs[i + 1]
                var r = BenchResult(name: "poseidon.arity\(a)", group: "poseidon", unit: "µs", higherIsBetter: false, samples: us,
                                    params: ["multiplications": "\(muls)", "hashes_per_call": "\(hashes)", "impl": BenchKernels.frImplementation])
                // time per hash / (muls × Fr mul time), both from the same repeat
                r.ratio = .init(value: pairedRatio(us, mulNs.map { $0 * Double(muls) / 1000 }),
                                against: "\(muls) × fr.mul", goal: 1.15, atLeast: false)
                add(r)
            }
            do {
                var p = BenchResult(name: "poseidon.arity8.portable", group: "poseidon", unit: "µs", higherIsBetter: false,
                                    samples: runs[runs.count - 1], params: ["impl": "portable"])
                p.ratio = .init(value: pairedRatio(runs[runs.count - 1], runs[3]), against: "poseidon.arity8 (slowdown)")
                add(p)
            }
        }

        if want.contains("poseidon_tree") {
            let threads = Swift.min(2, ProcessInfo.processInfo.activeProcessorCount)
            // The ratio of each build is taken against the per-hash time measured just
            // before it (single-thread, and all threads at once), so the minute-to-minute
            // drift of this shared VM does not enter the ratio.
            var sizes = [21] // 2^20 is not a power of 8 (no 8-ary tree has 2^20 leaves): 2^21 = 8^7
            if !quick { sizes.append(24) } // 8^8: the tree_r_last of a 512 MiB sector
            for log2 in sizes {
                let leaves = 1 << log2
                log("poseidon_tree (2^\(log2) leaves, 8-ary, tree_r_last level cache, \(threads) threads)")
                let dir = try TemporaryDirectory(prefix: "spbench-bench-tree")
                defer { dir.remove() }
                let leafFile = dir.path + "/sealed.dat"
                try writeCanonicalLeaves(leafFile, count: leaves)
                let shape = TreeShape(base: 8)
                let levels = try shape.baseLevels(leafCount: leaves)
                let files = try PoseidonTreeFiles(directory: dir.path, name: "tree-r-last", shape: shape, leafCount: leaves,
                                                  storage: .levelCache(rowsToDiscard: TreeShape.rowsToDiscard(baseLevels: levels)))
                let reps = log2 >= 24 ? 3 : (quick ? 3 : 5)
                let clock = ContinuousClock()
                let hashes = (leaves - 1) / 7
                var wall: [Double] = [], vsOne: [Double] = [], vsAll: [Double] = [], joint: [Double] = []
                for _ in 0..<reps {
                    let one = 1e6 / BenchKernels.poseidonAggregateRate(arity: 8, count: 32, calls: 100, threads: 1)
                    let all = 1e6 / BenchKernels.poseidonAggregateRate(arity: 8, count: 32, calls: 100, threads: threads)
                    let t = try clock.measure { try files.build(leafFile: leafFile, threads: threads) }.seconds
                    wall.append(t)
                    joint.append(all)
                    vsOne.append(Double(hashes) * one / 1e6 / Double(threads) / t)
                    vsAll.append(Double(hashes) * all / 1e6 / t)
                }
                var r = BenchResult(name: "poseidon_tree.2^\(log2)", group: "poseidon_tree", unit: "s", higherIsBetter: false,
                                    samples: wall, params: ["leaves": "\(leaves)", "hashes": "\(hashes)", "threads": "\(threads)",
                                                            "shape": "8-0-0", "storage": "level cache, rows_to_discard \(TreeShape.rowsToDiscard(baseLevels: levels))"])
                r.ratio = .init(value: median(vsOne), against: "hashes × 1-thread arity-8 time ÷ \(threads), measured before each build", goal: 0.85)
                r.note = String(format: "%.0f leaves/s; %.3f× of hashes × the %d-thread joint per-hash time (%.1f µs) measured before each build",
                                Double(leaves) / r.median, median(vsAll), threads, median(joint))
                add(r)
            }
        }
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }

    /// count random canonical field elements (top two bits clear), written in 8 MiB pieces.
    static func writeCanonicalLeaves(_ path: String, count: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw BenchError.cannotWrite(path, "cannot create")
        }
        defer { try? h.close() }
        let piece = Swift.min(count, 1 << 18)
        var left = count, seed: UInt64 = 11
        while left > 0 {
            let n = Swift.min(piece, left)
            var b = randomBytes(n * 32, seed: seed)
            for i in 0..<n { b[32 * i + 31] &= 0x3f }
            try h.write(contentsOf: b)
            left -= n
            seed += 1
        }
    }
}
