import ArgumentParser
import Foundation
import Harness

struct SPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spbench",
        abstract: "Filecoin storage-provider benchmark and known-vector checker.",
        discussion: """
            With no subcommand, spbench runs the main job: it verifies the project's Fixtures/ against their known vectors and runs the quick kernel benchmarks, then prints a summary. Exit status: 0 all good, 1 a check failed, 2 bad input.

            Examples:
              spbench verify                     # every fixture in Fixtures/
              spbench verify --fixtures ~/vectors --json
              spbench commp deal.car             # CommP and piece CID of a file
              spbench seal --sector-size 8MiB    # seal, unseal-check and time a sector
              spbench bench --quick --json --out results/
            """,
        subcommands: [Verify.self, CommP.self, Seal.self, Bench.self])

    func run() throws {
        let code = MainJob.run(log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
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
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        do {
            var o = SealTool.Options(sectorSize: try SealToolCLI.size(sectorSize))
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
