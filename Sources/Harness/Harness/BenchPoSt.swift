import Foundation
import Kernels

/// Proving benchmarks: challenge derivation against the SHA-256 one-stream rate, WindowPoSt
/// vanilla proofs over 256 sealed sectors cold and warm against this machine's random-read
/// rate on the same files, verification against its Poseidon cost, and Commit 1.
extension BenchRunner {
    static func runPoStGroup(quick: Bool, repeats: Int, minSec: Double, oneStream: BenchResult,
                             add: (BenchResult) -> Void, log: (String) -> Void) throws {
        log("post (challenges, vanilla proofs over 256 sealed sectors, verification)")
        var rnd = SHA256.hash(Array("spbench bench randomness".utf8))
        rnd[31] &= 0x3f
        let leafBatch = 4096
        var sink: UInt64 = 0
        let sl = measure(repeats: repeats, minSeconds: minSec, units: Double(leafBatch) / 1e6) {
            sink &+= PoStChallenges.leaves(randomness: rnd, sectorNumber: 7, firstIndex: 0, count: leafBatch, nodes: 1 << 30)[9]
        }
        var rl = BenchResult(name: "post.challenges.leaf", group: "post", unit: "M challenges/s", higherIsBetter: true, samples: sl,
                             params: ["sha256_compressions_each": "1", "batch": "\(leafBatch)"])
        rl.ratio = .init(value: rl.median / oneStream.median, against: "sha256.compress.x1 (1 compression per challenge)")
        add(rl)
        let sp = measure(repeats: repeats, minSeconds: minSec, units: Double(leafBatch) / 1e6) {
            sink &+= PoRepChallenges.interactive(replicaID: rnd, seed: rnd, nodes: 1 << 30, perPartition: leafBatch, partition: 1)[7]
        }
        var rp = BenchResult(name: "porep.challenges.interactive", group: "post", unit: "M challenges/s", higherIsBetter: true, samples: sp,
                             params: ["sha256_compressions_each": "2"])
        rp.ratio = .init(value: rp.median * 2 / oneStream.median, against: "sha256.compress.x1 ÷ 2")
        add(rp)
        let ss = measure(repeats: 3, minSeconds: 0, units: 1) {
            sink &+= PoRepChallenges.syntheticSet(replicaID: rnd, commR: rnd, nodes: 1 << 30)[5]
        }.map { 1 / $0 }
        add(BenchResult(name: "porep.synthetic-set.32GiB", group: "post", unit: "s", higherIsBetter: false, samples: ss,
                        params: ["challenges": "\(1 << 18)", "nodes": "\(1 << 30)"]))
        if sink == 42 { log("") }

        // A pool of 256 sealed sectors.
        let size = quick ? "2KiB" : "8MiB"
        let real = quick ? 256 : 32, total = 256
        let dir = try TemporaryDirectory(prefix: "spbench-bench-post")
        defer { dir.remove() }
        let pool = try SectorPool(sectorSize: size, real: real, total: total, directory: dir.path, log: log)
        log(String(format: "  sealed in %.1f s", pool.sealSeconds))
        let proof = pool.proof, prover = pool.proverID, sectors = pool.sectors
        let poolFiles = pool.files
        let threads = PoStProof.defaultReadThreads
        let pp = try RegisteredPoStProof(kind: .window, sectorSize: proof.sectorSize)
        let challenges = Double(total * pp.challengeCount)
        let clock = ContinuousClock()

        // This machine's random 4 KiB reads, cold, as many in flight: distinct pages of a
        // file of its own (each page read once, so the page cache cannot answer).
        let reads = quick ? 4096 : 16384
        let probeBytes = quick ? 256 << 20 : 2 << 30
        let (rates, resident) = try RandomReadProbe.run(directory: dir.path, bytes: probeBytes, reads: reads, threads: threads)
        let machine = BenchResult(name: "post.machine.random-read-4KiB", group: "post", unit: "k reads/s", higherIsBetter: true, samples: rates,
                                  params: ["threads": "\(threads)", "reads": "\(reads)", "file_bytes": "\(probeBytes)",
                                           "page_cache_resident_after_evict": String(format: "%.1f%%", 100 * resident)])
        add(machine)

        // WindowPoSt vanilla proofs: cold (page cache evicted) and warm.
        var cold: [Double] = [], warm: [Double] = []
        var last: PoStProof?
        for _ in 0..<3 {
            _ = SectorPool.evict(poolFiles)
            let t = try clock.measure { last = try PoStProof.proveWindow(sectors: sectors, postProof: pp, randomness: rnd, proverID: prover, threads: threads) }
            cold.append(challenges / t.seconds / 1e3)
        }
        for _ in 0..<3 {
            let t = try clock.measure { last = try PoStProof.proveWindow(sectors: sectors, postProof: pp, randomness: rnd, proverID: prover, threads: threads) }
            warm.append(challenges / t.seconds / 1e3)
        }
        guard let last, last.faults.isEmpty else { throw BenchError.failed("the benchmark's WindowPoSt found faulty sectors: \(last?.faults.first?.reason ?? "")") }
        var c = BenchResult(name: "post.window.vanilla.cold", group: "post", unit: "k challenges/s", higherIsBetter: true, samples: cold,
                            params: ["sectors": "\(total)", "sector_size": size, "threads": "\(threads)", "includes": "leaf reads, tree_r_last rebuild of the discarded rows, self-check"])
        c.ratio = .init(value: c.median / machine.median, against: "post.machine.random-read-4KiB (one challenge ≈ one random read)", goal: 0.7)
        // The CPU side: rebuilding the tree_r_last rows the level cache discards (as
        // rust-fil-proofs does) costs (8^low − 1)/7 H8 per distinct subtree, plus the
        // prover's self-check of each path; on this machine's cores that bounds the rate.
        let levels = try proof.treeShape.baseLevels(leafCount: proof.nodes)
        let low = Swift.min(levels, TreeShape.rowsToDiscard(baseLevels: levels) + 1)
        let span = Int(pow(8.0, Double(low)))
        let perSubtree = (span - 1) / 7
        let subtrees = Swift.min(pp.challengeCount, Swift.max(1, proof.nodes / span))
        let hashesPerSector = Double(subtrees * perSubtree + pp.challengeCount * levels)
        let h8 = (0..<8).map { Fr(UInt64($0 + 1)) }, h2 = [Fr(3), Fr(4)]
        var acc = Fr.zero
        let t8 = measure(repeats: repeats, minSeconds: minSec, units: 1) { acc = acc + Poseidon.merkleHash(h8) }.map { 1 / $0 }
        let t2 = measure(repeats: repeats, minSeconds: minSec, units: 1) { acc = acc + Poseidon.merkleHash(h2) }.map { 1 / $0 }
        if acc == Fr(42) { log("") }
        let cores = Double(Swift.min(threads, ProcessInfo.processInfo.activeProcessorCount))
        let boundRate = Double(pp.challengeCount) / (hashesPerSector * median(t8) / cores) / 1e3
        c.note = String(format: "%.3f× the Poseidon bound of %.2f k challenges/s (%.0f H8 per sector: %d rebuilt subtree(s) of %d leaves × %d H8 + %d × %d path H8, on %.0f cores): this is CPU-bound here, not read-bound",
                        c.median / boundRate, boundRate, hashesPerSector, subtrees, span, perSubtree, pp.challengeCount, levels, cores)
        c.params["poseidon_bound_k_challenges_per_s"] = String(format: "%.3f", boundRate)
        add(c)
        log("    " + (c.note ?? ""))
        var w = BenchResult(name: "post.window.vanilla.warm", group: "post", unit: "k challenges/s", higherIsBetter: true, samples: warm,
                            params: ["sectors": "\(total)", "sector_size": size, "threads": "\(threads)"])
        w.ratio = .init(value: w.median / c.median, against: "post.window.vanilla.cold")
        add(w)

        // Verification: per sector proof, against its Poseidon hashes timed here.
        let entries = last.partitions.flatMap { $0 }
        let vs = measure(repeats: repeats, minSeconds: minSec, units: Double(entries.count) / 1e3) {
            for e in entries {
                _ = PoSt.verify(e.proof, proof: pp, randomness: rnd, sectorNumber: e.proof.sectorNumber, commR: e.proof.commR, position: e.position)
            }
        }
        let hashSeconds = Double(pp.challengeCount * levels) * median(t8) + median(t2)
        var v = BenchResult(name: "post.window.verify", group: "post", unit: "k sector proofs/s", higherIsBetter: true, samples: vs,
                            params: ["hashes_per_proof": "\(pp.challengeCount * levels) H8 + 1 H2", "sector_size": size,
                                     "poseidon_h8_us": String(format: "%.2f", median(t8) * 1e6), "poseidon_h2_us": String(format: "%.2f", median(t2) * 1e6)])
        v.ratio = .init(value: (1 / (v.median * 1e3)) / hashSeconds, against: "time per proof ÷ (its Poseidon hashes × Poseidon time)",
                        higherIsBetter: false)
        add(v)

        // Commit 1 of one real sector (the layers were removed from the pool; seal one more).
        let cache = SectorCache(directory: "\(dir.path)/c1")
        let ticket = [UInt8](repeating: 7, count: 32)
        let (r, _) = try Sealer.seal(pieces: [.bytes(randomBytes(Int(Swift.min(4096, proof.sectorSize / 128 * 127)), seed: 9))], ticket: ticket, sectorNumber: 999, proverID: prover, proof: proof,
                                     unsealed: "\(dir.path)/u-c1", sealed: "\(dir.path)/s-c1", cache: cache, parentCacheDirectory: dir.path + "/parents")
        let pub = PoRepPublic(sealProof: proof, proverID: prover, sectorNumber: 999, ticket: ticket, seed: rnd,
                              commD: r.commitments[0].commD, commR: r.commitments[0].commR)
        var c1: PoRepProof?
        let cp = try (0..<repeats).map { _ in try clock.measure { c1 = try Commit1.prove(public: pub, sealed: "\(dir.path)/s-c1", cache: cache) }.seconds * 1e3 }
        guard let c1 else { return }
        let cv = (0..<repeats).map { _ in clock.measure { _ = Commit1.verify(c1, public: pub) }.seconds * 1e3 }
        add(BenchResult(name: "porep.commit1.prove", group: "post", unit: "ms", higherIsBetter: false, samples: cp,
                        params: ["sector_size": size, "challenges": "\(c1.partitions.map(\.count).reduce(0, +))", "page_cache": "warm"]))
        add(BenchResult(name: "porep.commit1.verify", group: "post", unit: "ms", higherIsBetter: false, samples: cv, params: ["sector_size": size]))
    }

}
