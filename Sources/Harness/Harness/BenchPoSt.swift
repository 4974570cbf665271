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
        let proof = try RegisteredSealProof(sectorSize: try RegisteredSealProof.parseSectorSize(size))
        let real = quick ? 256 : 32, total = 256
        let dir = try TemporaryDirectory(prefix: "spbench-bench-post")
        defer { dir.remove() }
        log("  sealing \(real) \(size) sectors\(real < total ? " (each registered under \(total / real) sector numbers as file copies)" : "")")
        let prover = SealIDs.proverID(actorID: 1000)
        var sectors: [SealedSector] = []
        let clock = ContinuousClock()
        let sealTime = try clock.measure {
            for i in 0..<real {
                let n = UInt64(i + 1)
                let cache = SectorCache(directory: "\(dir.path)/cache-\(n)")
                let (r, _) = try Sealer.seal(pieces: [.bytes(randomBytes(Int(proof.sectorSize / 128 * 127), seed: 100 + n))],
                                             ticket: [UInt8](repeating: UInt8(i & 0x3f), count: 32), sectorNumber: n, proverID: prover, proof: proof,
                                             unsealed: "\(dir.path)/unsealed-\(n)", sealed: "\(dir.path)/sealed-\(n)", cache: cache,
                                             parentCacheDirectory: dir.path + "/parents")
                unlink("\(dir.path)/unsealed-\(n)")
                for l in 1...proof.layers { unlink(cache.layer(l)) }
                sectors.append(SealedSector(number: n, sealProof: proof, sealed: "\(dir.path)/sealed-\(n)", cache: cache, commR: r.commitments[0].commR))
            }
        }
        log(String(format: "  sealed in %.1f s", sealTime.seconds))
        // File copies: WindowPoSt's challenges depend on the sector number, the reads on the files.
        let fm = FileManager.default
        for k in real..<total {
            let src = sectors[k % real], n = UInt64(k + 1)
            let cache = SectorCache(directory: "\(dir.path)/cache-\(n)")
            try fm.createDirectory(atPath: cache.directory, withIntermediateDirectories: true)
            try fm.copyItem(atPath: src.sealed, toPath: "\(dir.path)/sealed-\(n)")
            for f in try fm.contentsOfDirectory(atPath: src.cache.directory) where f == "p_aux" || f.contains("tree-r-last") {
                try fm.copyItem(atPath: "\(src.cache.directory)/\(f)", toPath: "\(cache.directory)/\(f)")
            }
            sectors.append(SealedSector(number: n, sealProof: proof, sealed: "\(dir.path)/sealed-\(n)", cache: cache, commR: src.commR))
        }
        let poolFiles = sectors.flatMap { s in
            [s.sealed, s.cache.pAux] + ((try? fm.contentsOfDirectory(atPath: s.cache.directory)) ?? []).filter { $0.contains("tree-r-last") }
                .map { "\(s.cache.directory)/\($0)" }
        }
        let threads = PoStProof.defaultReadThreads
        let pp = try RegisteredPoStProof(kind: .window, sectorSize: proof.sectorSize)
        let challenges = Double(total * pp.challengeCount)

        // This machine's random 4 KiB reads, cold, as many in flight: distinct pages of a
        // file of its own (each page read once, so the page cache cannot answer).
        let reads = quick ? 4096 : 16384
        let probeBytes = quick ? 256 << 20 : 2 << 30
        let probe = dir.path + "/random-read-probe"
        do {
            guard fm.createFile(atPath: probe, contents: nil) else { throw IOError(path: probe, operation: "create", code: errno) }
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: probe))
            let chunk = Data(randomBytes(8 << 20, seed: 77))
            for _ in 0..<(probeBytes / chunk.count) { out.write(chunk) }
            try out.close()
        }
        let probePages = probeBytes / 4096
        var rates: [Double] = []
        var resident: [Double] = []
        for rep in 0..<3 {
            resident.append(evict([probe]))
            let fd = open(probe, O_RDONLY)
            defer { close(fd) }
            // A different page permutation per repeat: x -> (a·x + c) mod pages with a odd.
            let a = UInt64(2 * (rep * 7919 + 104_729) + 1), c = UInt64(rep * 31337)
            let t = clock.measure {
                Parallel.io(reads, threads: threads) { i in
                    let page = (a &* UInt64(i) &+ c) % UInt64(probePages)
                    var buf = [UInt8](repeating: 0, count: 4096)
                    _ = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4096, off_t(page) * 4096) }
                }
            }
            rates.append(Double(reads) / t.seconds / 1e3)
        }
        unlink(probe)
        let machine = BenchResult(name: "post.machine.random-read-4KiB", group: "post", unit: "k reads/s", higherIsBetter: true, samples: rates,
                                  params: ["threads": "\(threads)", "reads": "\(reads)", "file_bytes": "\(probeBytes)",
                                           "page_cache_resident_after_evict": String(format: "%.1f%%", 100 * (resident.max() ?? 0))])
        add(machine)

        // WindowPoSt vanilla proofs: cold (page cache evicted) and warm.
        var cold: [Double] = [], warm: [Double] = []
        var last: PoStProof?
        for _ in 0..<3 {
            _ = evict(poolFiles)
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
        v.ratio = .init(value: (1 / (v.median * 1e3)) / hashSeconds, against: "time per proof ÷ (its Poseidon hashes × Poseidon time)")
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

    /// fsync + POSIX_FADV_DONTNEED on every file; returns the largest fraction of a sealed
    /// file still resident afterwards (mincore), so the report says how cold "cold" was.
    static func evict(_ files: [String]) -> Double {
        var worst = 0.0
        for f in files {
            let fd = open(f, O_RDONLY)
            guard fd >= 0 else { continue }
            fsync(fd)
            _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
            var st = stat()
            if fstat(fd, &st) == 0, st.st_size > 0, let m = mmap(nil, Int(st.st_size), PROT_READ, MAP_SHARED, fd, 0), m != MAP_FAILED {
                let pages = (Int(st.st_size) + 4095) / 4096
                var vec = [UInt8](repeating: 0, count: pages)
                if mincore(m, Int(st.st_size), &vec) == 0 {
                    worst = Swift.max(worst, Double(vec.filter { $0 & 1 == 1 }.count) / Double(pages))
                }
                munmap(m, Int(st.st_size))
            }
            close(fd)
        }
        return worst
    }
}
