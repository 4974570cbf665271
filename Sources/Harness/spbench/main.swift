import ArgumentParser
import Foundation
import Harness

struct SPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spbench",
        abstract: "Filecoin storage-provider benchmark and known-vector checker.",
        discussion: """
            With no subcommand, spbench runs the main job (about 5 minutes on 2 cores, release build): it verifies the project's Fixtures/ against their known vectors, runs the quick benchmarks, gives the WinningPoSt and WindowPoSt deadline verdicts for 32 GiB sectors and the sealing throughput, writes results/<host>-<time>.json and an HTML report beside it, and prints a summary with both paths. Progress goes to standard error. Exit status: 0 every known vector passes, 1 a vector failed, 2 bad input (a deadline FAIL is a verdict about the hardware, reported, not an error).

            Examples:
              spbench verify                     # every fixture in Fixtures/
              spbench verify --fixtures ~/vectors --json
              spbench commp deal.car             # CommP and piece CID of a file
              spbench seal --sector-size 8MiB    # seal, unseal-check and time a sector
              spbench seal --sector-size 2KiB --dir s --sectors 4 && spbench prove window --sectors s
              spbench verify-proof s/window-post.proof --sectors s
              spbench bench --quick --json --out results/
              spbench deadlines                  # PASS/MARGINAL/FAIL against the PoSt deadlines
              spbench size --cores 32 --ram 512GiB
              spbench compare results/baseline.json results/bench-….json --threshold 5%
              spbench report results/ --out report.html
            """,
        subcommands: [MainCommand.self, Verify.self, CommP.self, Seal.self, Prove.self, VerifyProof.self, Check.self, Bench.self, DeadlinesCommand.self, SizeCommand.self, CompareCommand.self, ReportCommand.self],
        defaultSubcommand: MainCommand.self)

}

struct MainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "main",
        abstract: "The main job (what `spbench` with no arguments runs): known vectors, quick benchmarks, deadline verdicts, sizing, result file and report.",
        discussion: """
            Phases, each shown with a progress line on standard error: verify Fixtures/; the quick benchmarks of every group; the WinningPoSt and WindowPoSt verdicts for 32 GiB (see `spbench deadlines --help`); the sealing throughput (see `spbench size --help`); then results/<host>-<time>.json (schema spbench-run/1) and the HTML report beside it (<host>-<time>.html, with earlier result files in the directory as history). About 5 minutes on 2 cores; needs a release build.

              swift build -c release && .build/release/spbench
              .build/release/spbench --json > run.json
              .build/release/spbench --no-deadlines     # vectors and benchmarks only

            Exit status: 0 every known vector passes, 1 a vector failed, 2 bad input. A deadline FAIL is a verdict on the hardware, printed, not an error.
            """)

    @Flag(help: "Print the run's JSON (the result file's content) on stdout instead of the text summary.") var json = false
    @Option(help: "Directory for the result file and the report (default: the package's results/).") var out: String?
    @Flag(help: "Skip the deadline verdicts (and so the sizing), for a faster check.") var noDeadlines = false

    func run() throws {
        var o = MainJob.Options()
        o.json = json
        o.outDirectory = out
        o.deadlines = !noDeadlines
        let code = MainJob.run(o)
        if code != 0 { throw ExitCode(code) }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the kernels against known-vector fixture files.",
        discussion: """
            Runs every *.json fixture (the shape of FORMAT.md) in the given directories or files, dispatching on each file's "family". Prints one line per file and a summary; --json prints every case's verdict. Cases that need more generated data than the budget (default 4 GiB per case) are reported "skipped" with what they need.

            Exit status: 0 every case that ran passed; 1 a case failed, is unsupported or had its input wrongly rejected; 2 a file cannot be read or parsed, or a case is malformed.
            """)

    @Option(name: .customLong("fixtures"), parsing: .upToNextOption,
            help: "Fixture directories or files (default: the project's Fixtures/).")
    var fixtures: [String] = []
    @Flag(help: "Print exactly one JSON object with per-case verdicts.") var json = false
    @Flag(help: "Lift the resource budget: run every case, however large.") var all = false
    @Option(help: "Skip cases that need more than this many bytes of generated data.")
    var maxCaseBytes: UInt64 = VerifyOptions.defaultMaxCaseBytes
    @Option(help: "Threads for CommP and tree building (default: all cores).") var threads: Int?

    func run() throws {
        let dirs = fixtures.isEmpty ? [Paths.fixturesDirectory()] : fixtures
        var opts = VerifyOptions(maxCaseBytes: all ? .max : maxCaseBytes)
        if let threads { opts.threads = max(1, threads) }
        let report = Verifier.run(paths: dirs, options: opts) { path in
            if !json, isatty(2) != 0 { FileHandle.standardError.write(Data("checking \(path)…\r".utf8)) }
        }
        print(json ? report.jsonString : report.text)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

struct CommP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commp",
        abstract: "Compute the piece commitment (CommP) and piece CID of a file or stdin.",
        discussion: """
            Streams the payload (memory stays bounded, whatever the size), Fr32-pads it, zero-pads to the next 127·2^k bytes and builds the sha2-256-trunc254-padded tree, as lotus' ClientCalcCommP and go-fil-commp-hashhash do. The payload must be 65 bytes to 64 GiB padded. Use '-' for standard input.

              spbench commp deal.car
              cat deal.car | spbench commp - --json
            """)

    @Argument(help: "The payload file, or '-' for standard input.") var file: String
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Flag(help: "No progress line on standard error.") var quiet = false

    func run() throws {
        do {
            let tty = isatty(2) != 0
            let r = try CommPTool.run(path: file, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount) { done, total in
                guard !quiet else { return }
                var line = "hashed \(done >> 20) MiB"
                if let total, total > 0 { line += " of \(total >> 20) MiB (\(done * 100 / total)%)" }
                FileHandle.standardError.write(Data((line + (tty ? "\r" : "\n")).utf8))
            }
            if !quiet, tty { FileHandle.standardError.write(Data("\u{1B}[2K".utf8)) }
            print(json ? jsonString(r.json) : r.text)
        } catch {
            FileHandle.standardError.write(Data("spbench commp: \(file): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Seal: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Seal sectors on this machine (PreCommit 1 and 2) and report commitments and times.",
        discussion: """
            Writes an unsealed sector per --sectors (your --data, zero-filled, or deterministic pseudo-random data), builds tree_d and comm_d, opens the SDR parent cache (generated if missing, rebuilt if its SHA-256 is not the upstream one), labels every layer (several sectors interleave their SHA-256 streams in one thread), builds tree_c, the replica and tree_r_last, then unseals and checks the data comes back byte for byte. Files are named as rust-fil-proofs names them (sc-02-data-layer-1.dat, sc-02-data-tree-r-last.dat, p_aux, ...). A PC1 that was interrupted resumes after its last complete layer when run again with the same --dir.

              spbench seal --sector-size 2KiB
              spbench seal --sector-size 512MiB --dir /data/seal --json
              spbench seal --sector-size 8MiB --sectors 4      # 4 sectors, one PC1 thread
              spbench seal --sector-size 2KiB --piece deal1.car --piece deal2.car

            Space: about (layers + 4) × sector size per sector. Exit status: 0 sealed, 2 bad input or an I/O error.
            """)

    @Option(help: "2KiB, 8MiB, 512MiB (32GiB and 64GiB need 11 layers and the space for them).") var sectorSize: String
    @Option(help: "Sectors sealed together: 1, 2 or 4.") var sectors = 1
    @Option(help: "Working directory (kept). Default: a temporary directory, removed afterwards.") var dir: String?
    @Option(help: "Graph version: 1.0.0 (V1) or 1.1.0 (V1_1).") var api = "1.1.0"
    @Option(help: "Unpadded payload to seal (at most 127/128 of the sector size; zero-filled).") var data: String?
    @Option(name: .customLong("piece"), help: "A deal payload file to place as a piece (repeat for several; aligned as Lotus' AddPiece, comm_d checked against the pieces' CommP).") var pieces: [String] = []
    @Option(help: "Parent cache directory (default $FIL_PROOFS_PARENT_CACHE or /var/tmp/filecoin-parents).") var parentCache: String?
    @Option(help: "Threads for trees and the parent cache (default: all cores).") var threads: Int?
    @Option(help: "Number of the first sector (default 1); with --dir the sectors are added to its spbench-sectors.json for `spbench prove`.") var firstSector: UInt64 = 1
    @Option(help: "Miner actor id (prover_id = its ID address payload).") var actor: UInt64 = 1000
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        do {
            var o = SealTool.Options(sectorSize: try SealToolCLI.size(sectorSize))
            o.firstSector = firstSector
            o.actorID = actor
            o.sectors = sectors
            o.directory = dir
            o.apiVersion = api
            o.dataFile = data
            o.pieceFiles = pieces
            o.parentCacheDirectory = parentCache
            if let threads { o.threads = max(1, threads) }
            let r = try SealTool.run(o) { FileHandle.standardError.write(Data(("spbench seal: " + $0 + "\n").utf8)) }
            print(json ? jsonString(r.json) : r.text)
        } catch {
            FileHandle.standardError.write(Data("spbench seal: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the kernel benchmarks (not tests) and report medians and ratios.",
        discussion: """
            Each benchmark reports the median, min and max over repeated runs, its unit, and a ratio to a limit or peer measured in the same run (OpenSSL for SHA-256). The result file records the host (CPU, flags, cores, memory, OS, Swift) and the git commit. Build with -c release first: debug builds are refused unless --allow-debug.

              swift build -c release
              .build/release/spbench bench --quick --json --out results/
              .build/release/spbench bench sha256        # one group only

            Groups: \(BenchRunner.groups.joined(separator: ", ")).
            """)

    @Argument(help: "Benchmark groups to run (default: all).") var groups: [String] = []
    @Flag(help: "Smaller sizes and fewer repeats (about a minute).") var quick = false
    @Flag(help: "Print the result as JSON on stdout.") var json = false
    @Option(help: "Directory to write the result file into.") var out: String?
    @Flag(help: "Allow timing a debug build (results are marked debug).") var allowDebug = false

    func run() throws {
        do {
            let result = try BenchRunner.run(groups: groups, quick: quick, allowDebug: allowDebug) {
                if !json { print($0) } else { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            }
            if let out {
                let path = try result.write(to: out)
                FileHandle.standardError.write(Data("wrote \(path)\n".utf8))
            }
            if json { print(jsonString(result.json)) } else { print(result.summary) }
        } catch let e as BenchError {
            FileHandle.standardError.write(Data("spbench bench: \(e)\n".utf8))
            throw ExitCode(2)
        }
    }
}

SPBench.main()

/// Runs a proving tool: errors exit 2 with the message, an invalid verdict exits 1.
private func runTool(_ name: String, json: Bool, _ body: () throws -> ProveTool.Report) throws {
    let r: ProveTool.Report
    do {
        r = try body()
    } catch {
        FileHandle.standardError.write(Data("spbench \(name): \(error)\n".utf8))
        throw ExitCode(2)
    }
    print(json ? jsonString(r.json) : r.text)
    if !r.valid { throw ExitCode(1) }
}

private func stderrLog(_ prefix: String) -> @Sendable (String) -> Void {
    { FileHandle.standardError.write(Data((prefix + $0 + "\n").utf8)) }
}

struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove sealed sectors: WindowPoSt, WinningPoSt or PoRep Commit 1 vanilla proofs.",
        discussion: """
            Reads the sectors that `spbench seal --dir DIR` recorded in DIR/spbench-sectors.json, proves them and verifies the result, then writes the proof file (documented in the README) for `spbench verify-proof`.

              window   WindowPoSt: every sector, 10 challenged leaves each, read from the sealed file and tree_r_last. Faulty sectors (missing or corrupt files, comm_r that does not match p_aux) are reported with the reason and skipped, and the rest is proven, as Lotus does. Partitions of 2 (test sizes), 2349 (32 GiB) or 2300 (64 GiB) sectors.
              winning  WinningPoSt: the sector the randomness selects, 66 challenged leaves.
              porep    Commit 1: per challenge the tree_d, tree_c (15 columns) and tree_r_last openings; one file per sector.

            The SNARK (Groth16) step is not part of these proofs; the vanilla proofs are what it would consume.

              spbench prove window --sectors /data/s --json
              spbench prove winning --sectors /data/s --randomness 00…00
              spbench prove porep --sectors /data/s --randomness <seed>

            Exit status: 0 proven and verified (faults are reported, not errors), 1 the proof does not verify, 2 bad input.
            """)

    @Argument(help: "window, winning or porep.") var kind: String
    @Option(name: .customLong("sectors"), parsing: .upToNextOption, help: "Directories sealed by `spbench seal --dir`.") var sectors: [String] = []
    @Option(help: "32-byte chain randomness (PoSt) or interactive seed (porep), hex; the top two bits are cleared. Default: random.") var randomness: String?
    @Option(help: "WindowPoSt api version: 1.2.0 (default, Lotus today) or 1.0.0 (position-dependent challenges).") var api: String?
    @Option(help: "Proof file to write (default: <first sectors dir>/<kind>-post.proof or porep-c1.proof).") var out: String?
    @Option(help: "WindowPoSt sectors proven at once (default 16: the work is random reads, so more than the cores).") var threads: Int?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try runTool("prove", json: json) {
            var o = ProveTool.Options(kind: kind, sectorDirs: sectors)
            o.randomness = randomness
            o.apiVersion = api
            o.out = out
            if let threads { o.threads = max(1, threads) }
            return try ProveTool.run(o, log: stderrLog("spbench prove: "))
        }
    }
}

struct VerifyProof: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Verify a proof file written by `spbench prove` (or the node).",
        discussion: """
            Decodes the file and recomputes everything from its public values: challenges from the randomness or seed, every Merkle path, comm_r = H(comm_c, comm_r_last), and for PoRep the replica_id, every layer's label and the encoding. With --sectors the comm_r (and PoRep's comm_d and ticket) come from the sealed sectors' manifests instead of the file.

            Exit status: 0 valid, 1 invalid (the reason is printed), 2 the file cannot be read.
            """)

    @Argument(help: "The proof file.") var file: String
    @Option(name: .customLong("sectors"), parsing: .upToNextOption, help: "Directories sealed by `spbench seal --dir` (the chain's view).") var sectors: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try runTool("verify-proof", json: json) { try VerifyProofTool.run(file: file, sectorDirs: sectors) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List sealed sectors that cannot be proven now, with the reason (like `lotus-miner proving check`).",
        discussion: """
            For each sector: the sealed file is present and of the right size, p_aux gives back comm_r, the tree_r_last files are present, and --samples challenged leaves are proven from the replica and verified.

            Exit status: 0 every sector is provable, 1 some are faulty, 2 bad input.
            """)

    @Option(name: .customLong("sectors"), parsing: .upToNextOption, help: "Directories sealed by `spbench seal --dir`.") var sectors: [String] = []
    @Option(help: "Challenged leaves to prove per sector (default 10, a full WindowPoSt's worth).") var samples = 10
    @Option(help: "Randomness for the sampled challenges (hex; default random).") var randomness: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try runTool("check", json: json) { try CheckTool.run(sectorDirs: sectors, randomness: randomness, samples: max(1, samples)) }
    }
}

struct DeadlinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadlines",
        abstract: "Will this host make the WinningPoSt (~30 s) and WindowPoSt (30 min) deadlines? Verdicts with margins and error bands.",
        discussion: """
            WinningPoSt: its SNARK (370,590 constraints for 32 GiB, 391,314 for 64 GiB, domain 2^19) runs here at full size on a synthetic circuit of the same constraint count, inputs and domain (Filecoin's 100+ GB parameters are not needed: a setup is made here, insecure, for timing only; the proof is verified). Its vanilla part (66 challenges) is timed on sealed 8 MiB sectors, which rebuild the same 73 Poseidon hashes per challenge, and scaled by the hash count. Budget: BlockDelaySecs 30 − PropagationDelaySecs 10 = 20 s; Lotus warns past 30 s.

            WindowPoSt: one partition (2349 sectors × 10 challenges for 32 GiB, 2300 for 64 GiB; 125,279,217 / 129,887,900 constraints, domain 2^27) does not fit in a workstation's memory, so it is predicted: a cost model of witness synthesis per constraint, 7 NTTs (n·log n) and Pippenger MSMs (window cost), calibrated on synthetic circuits of 2^14..2^18 run here and validated on the WinningPoSt circuit (the largest that runs): the model's error there is printed next to every prediction and widens the band as √(octaves extrapolated). Vanilla: 23,490 challenges at the measured per-challenge cost, never faster than the storage's random reads (probed in --storage). Memory: the proving key plus the prover's vectors against this host's RAM. Budget: one 30-minute challenge window per deadline.

            Verdicts: PASS (the whole error band within the budget), MARGINAL (within the hard limit but the band crosses the budget), FAIL (over the hard limit, or it does not fit in memory). Takes about 3 minutes on 2 cores.

              spbench deadlines
              spbench deadlines --sector-size 64GiB --json
              spbench deadlines --storage /mnt/sealed --out results/

            Exit status: 0 every verdict PASS or MARGINAL, 1 a FAIL, 2 bad input.
            """)

    @Option(name: .customLong("sector-size"), help: "32GiB or 64GiB (repeat for both; default 32GiB).") var sectorSizes: [String] = []
    @Option(help: "Directory on the storage that holds (or will hold) sealed sectors: its random reads are probed (default $TMPDIR or /var/tmp).") var storage: String?
    @Option(help: "Calibration sizes, log2 of the domain, comma-separated (default 14,15,16,17,18).") var calibrate: String?
    @Option(help: "Directory to write deadlines-<sector size>-<time>.json into.") var out: String?
    @Flag(help: "Print JSON (one object per sector size, in an array).") var json = false

    func run() throws {
        var o = DeadlinesTool.Options()
        if !sectorSizes.isEmpty { o.sectorSizes = sectorSizes }
        o.storage = storage
        do {
            _ = try DeadlinesTool.parseSizes(o.sectorSizes)
            if let calibrate {
                let ks = calibrate.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !ks.isEmpty, ks.allSatisfy({ $0 != nil }) else { throw DeadlinesError.failed("--calibrate takes comma-separated integers, e.g. 14,16,18") }
                o.calibrationLogs = ks.compactMap { $0 }
            }
            let r = try DeadlinesTool.run(o, log: stderrLog(""))
            if let out {
                for obj in r.objects {
                    let path = try ResultWriter.write(obj, directory: out, stem: "deadlines-\(obj["sector_size"] as? String ?? "x")")
                    FileHandle.standardError.write(Data("wrote \(path)\n".utf8))
                }
            }
            print(json ? jsonString(r.objects) : r.text)
            if r.exitCode != 0 { throw ExitCode(r.exitCode) }
        } catch let e as DeadlinesError {
            FileHandle.standardError.write(Data("spbench deadlines: \(e)\n".utf8))
            throw ExitCode(2)
        } catch let e as ExitCode {
            throw e
        } catch {
            FileHandle.standardError.write(Data("spbench deadlines: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct SizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "size",
        abstract: "Sectors per day this host can seal (32/64 GiB), and which resource binds first.",
        discussion: """
            From rates measured on this host: PC1 from SDR labels/s per core (1, 2 or 4 sectors interleaved per thread; the best mode is used), PC2 from the Poseidon rates (arity 11 columns, two 8-ary trees) corrected by the efficiency of the 8 MiB PC2 measured here, C2 from the Groth16 cost model of `spbench deadlines` (10 partitions of 130,278,869 constraints). The cores are shared by all three; RAM bounds the PC1 sectors at once (two layers each plus the shared parent cache) and whether C2's key fits.

            Inputs come from result files when given (a run file of the main job, a bench file with the sdr and poseidon groups, a deadlines file); whatever is missing is measured now (about a minute).

              spbench size
              spbench size --from results/spbench-host-20261202.json
              spbench size --cores 64 --ram 512GiB      # what if: per-core rates of this host

            Exit status: 0, or 2 on bad input.
            """)

    @Option(name: .customLong("from"), parsing: .upToNextOption, help: "Result files to take measured rates from.") var from: [String] = []
    @Option(help: "What if: this many cores (the per-core rates measured here are assumed).") var cores: Int?
    @Option(help: "What if: this much RAM, e.g. 256GiB.") var ram: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        do {
            var o = SizeTool.Options()
            if let cores {
                guard cores > 0 && cores <= 4096 else { throw BenchError.failed("--cores must be 1...4096") }
                o.cores = cores
            }
            if let ram { o.ramBytes = try SizeTool.parseRAM(ram) }
            let inputs = try SizeTool.gather(from: from, log: stderrLog(""))
            let r = SizeTool.model(inputs, options: o)
            print(json ? jsonString(r.json) : r.text)
        } catch {
            FileHandle.standardError.write(Data("spbench size: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
