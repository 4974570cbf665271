import Foundation
import Kernels

/// Sealed sectors for timing proofs: `real` sectors sealed from random data, registered
/// `total` times (the extra ones are file copies under other sector numbers: WindowPoSt's
/// challenges depend on the sector number, its reads on the files).
struct SectorPool {
    let proof: RegisteredSealProof
    let proverID: [UInt8]
    var sectors: [SealedSector] = []
    let sealSeconds: Double

    init(sectorSize: String, real: Int, total: Int, directory dir: String, log: (String) -> Void) throws {
        proof = try RegisteredSealProof(sectorSize: try RegisteredSealProof.parseSectorSize(sectorSize))
        proverID = SealIDs.proverID(actorID: 1000)
        log("  sealing \(real) \(sectorSize) sector\(real == 1 ? "" : "s")\(real < total ? " (registered as \(total), the others file copies)" : "")")
        let clock = ContinuousClock()
        var sealed: [SealedSector] = []
        let proof = proof, prover = proverID
        sealSeconds = try clock.measure {
            for i in 0..<real {
                let n = UInt64(i + 1)
                let cache = SectorCache(directory: "\(dir)/cache-\(n)")
                let (r, _) = try Sealer.seal(pieces: [.bytes(randomBytes(Int(proof.sectorSize / 128 * 127), seed: 100 + n))],
                                             ticket: [UInt8](repeating: UInt8(i & 0x3f), count: 32), sectorNumber: n, proverID: prover, proof: proof,
                                             unsealed: "\(dir)/unsealed-\(n)", sealed: "\(dir)/sealed-\(n)", cache: cache,
                                             parentCacheDirectory: dir + "/parents")
                unlink("\(dir)/unsealed-\(n)")
                for l in 1...proof.layers { unlink(cache.layer(l)) }
                sealed.append(SealedSector(number: n, sealProof: proof, sealed: "\(dir)/sealed-\(n)", cache: cache, commR: r.commitments[0].commR))
            }
        }.seconds
        let fm = FileManager.default
        for k in real..<total {
            let src = sealed[k % real], n = UInt64(k + 1)
            let cache = SectorCache(directory: "\(dir)/cache-\(n)")
            try fm.createDirectory(atPath: cache.directory, withIntermediateDirectories: true)
            try fm.copyItem(atPath: src.sealed, toPath: "\(dir)/sealed-\(n)")
            for f in try fm.contentsOfDirectory(atPath: src.cache.directory) where f == "p_aux" || f.contains("tree-r-last") {
                try fm.copyItem(atPath: "\(src.cache.directory)/\(f)", toPath: "\(cache.directory)/\(f)")
            }
            sealed.append(SealedSector(number: n, sealProof: proof, sealed: "\(dir)/sealed-\(n)", cache: cache, commR: src.commR))
        }
        sectors = sealed
    }

    /// Every file a proof reads (to evict them from the page cache).
    var files: [String] {
        let fm = FileManager.default
        return sectors.flatMap { s in
            [s.sealed, s.cache.pAux] + ((try? fm.contentsOfDirectory(atPath: s.cache.directory)) ?? []).filter { $0.contains("tree-r-last") }
                .map { "\(s.cache.directory)/\($0)" }
        }
    }

    /// fsync + POSIX_FADV_DONTNEED on every file; returns the largest fraction of a file
    /// still resident afterwards (mincore), so a report can say how cold "cold" was.
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

/// This machine's random 4 KiB reads, cold, `threads` in flight: distinct pages of a file
/// of its own in `directory` (each page read once per repeat, so the page cache cannot
/// answer), as k reads/s per repeat; plus the worst page-cache residency after eviction.
enum RandomReadProbe {
    static func run(directory: String, bytes probeBytes: Int, reads: Int, threads: Int, repeats: Int = 3) throws -> (rates: [Double], resident: Double) {
        let fm = FileManager.default
        let probe = directory + "/random-read-probe"
        defer { unlink(probe) }
        guard fm.createFile(atPath: probe, contents: nil) else { throw IOError(path: probe, operation: "create", code: errno) }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: probe))
        let chunk = Data(randomBytes(8 << 20, seed: 77))
        for _ in 0..<Swift.max(1, probeBytes / chunk.count) { out.write(chunk) }
        try out.close()
        let pages = Swift.max(1, probeBytes / 4096)
        let clock = ContinuousClock()
        var rates: [Double] = []
        var resident = 0.0
        for rep in 0..<repeats {
            resident = Swift.max(resident, SectorPool.evict([probe]))
            let fd = open(probe, O_RDONLY)
            guard fd >= 0 else { throw IOError(path: probe, operation: "open", code: errno) }
            defer { close(fd) }
            // A different page permutation per repeat: x -> (a·x + c) mod pages with a odd.
            let a = UInt64(2 * (rep * 7919 + 104_729) + 1), c = UInt64(rep * 31337)
            let t = clock.measure {
                Parallel.io(reads, threads: threads) { i in
                    let page = (a &* UInt64(i) &+ c) % UInt64(pages)
                    var buf = [UInt8](repeating: 0, count: 4096)
                    _ = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4096, off_t(page) * 4096) }
                }
            }
            rates.append(Double(reads) / t.seconds / 1e3)
        }
        return (rates, resident)
    }
}
