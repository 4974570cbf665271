import ArgumentParser
import Foundation
import NodeKit

@main
struct SPNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spnode",
        abstract: "A Filecoin storage-provider node in the Lotus mould: daemon (devnet chain), miner, workers.",
        discussion: """
            Each long-running process keeps its state in a repo directory: --repo, or $SPNODE_PATH (daemon), $SPNODE_MINER_PATH (miner), $SPNODE_WORKER_PATH (worker); defaults ~/.spnode, ~/.spnode-miner, ~/.spnode-worker.

              spnode daemon run --devnet --block-time 2 &   # a local chain
              spnode miner init --sector-size 2KiB          # miner t01000
              spnode miner storage attach --init --seal --store /srv/sp0
              spnode miner run &                            # seals, proves
              spnode worker run --pc1 --pc2 &               # a sealing worker
              spnode miner sectors pledge
              spnode miner sealing jobs
              spnode miner proving deadlines
              spnode daemon chain head
              spnode daemon auth create-token --perm write

            Exit status: 0 done, 1 the API answered with an error, 2 bad input or the API cannot be reached.
            """,
        subcommands: [Daemon.self, Miner.self, Worker.self])
}

/// The repo directory of a role: the flag, else the environment, else the default.
func repoPath(_ flag: String?, env: String, defaultName: String) -> String {
    if let flag { return flag }
    if let e = ProcessInfo.processInfo.environment[env], !e.isEmpty { return e }
    return (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/" + defaultName
}

func fail(_ prefix: String, _ error: Error) -> ExitCode {
    FileHandle.standardError.write(Data("\(prefix): \(error)\n".utf8))
    return ExitCode(2)
}

struct RepoOption: ParsableArguments {
    @Option(help: "The miner's repo directory (default $SPNODE_MINER_PATH or ~/.spnode-miner).") var repo: String?
    var path: String { repoPath(repo, env: "SPNODE_MINER_PATH", defaultName: ".spnode-miner") }
}

struct Miner: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The miner: storage, the sealing pipeline, proving.",
        subcommands: [MinerInit.self, MinerRun.self, Storage.self, Sectors.self, Sealing.self, Proving.self, MinerAuth.self])

    struct Storage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the miner's storage paths (like lotus-miner storage).",
            subcommands: [Attach.self, List.self])

        struct Attach: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Attach a storage path (--init writes its sectorstore.json).",
                discussion: """
                    With --init the path must not be initialized yet and needs --seal (scratch space for sealing) and/or --store (long-term sector storage). Without --init the path must already hold a sectorstore.json (moved or shared storage). The path is added to <repo>/storage.json.

                      spnode miner storage attach --init --seal /srv/seal0
                      spnode miner storage attach --init --store --max-storage 2TiB --groups store-a /srv/store0
                    """)
            @OptionGroup var repo: RepoOption
            @Flag(help: "Initialize the path (write sectorstore.json).") var `init` = false
            @Flag(help: "The path may hold sealing scratch data.") var seal = false
            @Flag(help: "The path may hold finalized sectors.") var store = false
            @Option(help: "Allocation weight (higher is preferred).") var weight: UInt64 = 10
            @Option(help: "Soft cap on sector data, e.g. 2TiB (0 = none).") var maxStorage: String?
            @Option(help: "Comma-separated groups this path belongs to.") var groups: String?
            @Option(help: "Comma-separated groups data may move to from here.") var allowTo: String?
            @Argument(help: "The path.") var path: String

            func run() throws {
                do {
                    try FileManager.default.createDirectory(atPath: repo.path, withIntermediateDirectories: true)
                    var o = LocalStorage.Attach()
                    o.initialize = `init`
                    o.seal = seal
                    o.store = store
                    o.weight = weight
                    if let maxStorage { o.maxStorage = try parseByteSize(maxStorage) }
                    o.groups = groups.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
                    o.allowTo = allowTo.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
                    let m = try LocalStorage(repo: repo.path).attach(path, o)
                    print("attached \(path) (ID \(m.id))")
                } catch {
                    throw fail("spnode miner storage attach", error)
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List storage paths with usage bars, sector counts, weight and use (lotus-miner storage list).")
            @OptionGroup var repo: RepoOption

            func run() throws {
                do { print(try LocalStorage(repo: repo.path).listText(), terminator: "") } catch { throw fail("spnode miner storage list", error) }
            }
        }
    }
}



struct DaemonRepo: ParsableArguments {
    @Option(help: "The daemon's repo directory (default $SPNODE_PATH or ~/.spnode).") var repo: String?
    var path: String { repoPath(repo, env: "SPNODE_PATH", defaultName: ".spnode") }

    /// A client of the running daemon: $FULLNODE_API_INFO, else the repo's api and token files.
    func client() throws -> RPCClient {
        if let env = ProcessInfo.processInfo.environment["FULLNODE_API_INFO"], let info = APIInfo.parseList(env).first {
            return RPCClient(url: try info.url(version: "v1"), token: info.token)
        }
        let r = try NodeRepo(path: path)
        let info = try r.readAPIInfo()
        return RPCClient(url: try info.url(version: "v1"), token: info.token ?? (try? r.adminToken()))
    }
}

/// Calls a method and prints the result as JSON; API errors exit 1, transport errors 2.
func callAndPrint(_ repo: DaemonRepo, _ method: String, _ params: [NodeJSON], name: String) async throws {
    let c: RPCClient
    do { c = try repo.client() } catch { throw fail(name, error) }
    let result: Result<NodeJSON, RPCClientError>
    do { result = .success(try await c.call(method, params)) } catch { result = .failure(error) }
    await c.shutdown()
    switch result {
    case .success(let r):
        let d = (try? JSONSerialization.data(withJSONObject: r.foundation, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])) ?? r.encoded()
        print(String(decoding: d, as: UTF8.self))
    case .failure(let error):
        FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
        if case .rpc = error { throw ExitCode(1) }
        throw ExitCode(2)
    }
}

struct Daemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The daemon: a devnet chain (epochs, randomness, miners, deadlines, proof verification) behind Lotus' JSON-RPC API.",
        subcommands: [Run.self, Auth.self, Chain.self, State.self, MinerCmd.self, RPCLoadCmd.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the devnet daemon (state in <repo>/chain.sqlite; API address in <repo>/api, admin token in <repo>/token).",
            discussion: """
                A single-node local chain: one tipset per epoch of --block-time seconds (mainnet's epoch counts for deadlines, with --challenge-window to shorten them as Lotus' devnets do), deterministic ticket and beacon randomness, miners created with `spnode daemon miner create`, PreCommit/ProveCommit/WindowPoSt messages verified with the vanilla verifiers, faults recorded as the chain would. Listens on 127.0.0.1 (JSON-RPC 2.0 at /rpc/v0 and /rpc/v1, JWT bearer tokens). Stop it with SIGINT or SIGTERM; restarting with the same --repo resumes the chain.

                  spnode daemon run --devnet --block-time 2 --challenge-window 10 --precommit-delay 5
                """)
        @OptionGroup var repo: DaemonRepo
        @Flag(help: "Run a local devnet (the only network spnode runs).") var devnet = false
        @Option(help: "Seconds per epoch (mainnet 30).") var blockTime = 30.0
        @Option(help: "Epochs per deadline (mainnet 60); the proving period is 48 of them.") var challengeWindow = 60
        @Option(help: "PreCommitChallengeDelay in epochs (mainnet 150).") var precommitDelay = 150
        @Option(help: "TCP port on 127.0.0.1 (0: any free port, written to <repo>/api).") var port = 0

        func run() async throws {
            guard devnet else { throw fail("spnode daemon run", ValidationError("only --devnet is supported: spnode runs a local chain, not mainnet")) }
            do {
                var o = DaemonNode.Options()
                o.blockTime = blockTime
                o.challengeWindow = challengeWindow
                o.preCommitChallengeDelay = precommitDelay
                o.port = port
                let node = try DaemonNode(repoPath: repo.path, options: o)
                try await node.run()
            } catch {
                throw fail("spnode daemon run", error)
            }
        }
    }

    struct Auth: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "API tokens.", subcommands: [CreateToken.self, APIInfoCmd.self])

        struct CreateToken: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create-token",
                abstract: "Print a new token with the permissions up to --perm (read, write, sign, admin), signed with the repo's secret.")
            @OptionGroup var repo: DaemonRepo
            @Option(help: "read, write, sign or admin.") var perm: String

            func run() throws {
                guard let p = Permission(rawValue: perm) else { throw fail("spnode daemon auth create-token", ValidationError("--perm must be read, write, sign or admin")) }
                do { print(JWT.sign(allow: Permission.upTo(p), secret: try NodeRepo(path: repo.path).secret())) } catch { throw fail("spnode daemon auth create-token", error) }
            }
        }

        struct APIInfoCmd: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "api-info", abstract: "Print FULLNODE_API_INFO=TOKEN:MULTIADDR for clients.")
            @OptionGroup var repo: DaemonRepo
            @Option(help: "read, write, sign or admin.") var perm = "admin"

            func run() throws {
                guard let p = Permission(rawValue: perm) else { throw fail("spnode daemon auth api-info", ValidationError("--perm must be read, write, sign or admin")) }
                do {
                    let r = try NodeRepo(path: repo.path)
                    let info = try r.readAPIInfo()
                    print("FULLNODE_API_INFO=\(JWT.sign(allow: Permission.upTo(p), secret: try r.secret())):\(info.address)")
                } catch { throw fail("spnode daemon auth api-info", error) }
            }
        }
    }

    struct Chain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Chain queries.", subcommands: [Head.self])
        struct Head: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print the head tipset (Filecoin.ChainHead).")
            @OptionGroup var repo: DaemonRepo
            func run() async throws { try await callAndPrint(repo, "Filecoin.ChainHead", [], name: "spnode daemon chain head") }
        }
    }

    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Miner state queries.", subcommands: [ProvingDeadline.self, MinerInfo.self])
        struct ProvingDeadline: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "proving-deadline", abstract: "The miner's current deadline (Filecoin.StateMinerProvingDeadline).")
            @OptionGroup var repo: DaemonRepo
            @Argument(help: "Miner address, e.g. t01000.") var miner: String
            func run() async throws { try await callAndPrint(repo, "Filecoin.StateMinerProvingDeadline", [.string(miner), .null], name: "spnode daemon state proving-deadline") }
        }
        struct MinerInfo: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "miner-info", abstract: "Filecoin.StateMinerInfo.")
            @OptionGroup var repo: DaemonRepo
            @Argument(help: "Miner address, e.g. t01000.") var miner: String
            func run() async throws { try await callAndPrint(repo, "Filecoin.StateMinerInfo", [.string(miner), .null], name: "spnode daemon state miner-info") }
        }
    }

    struct MinerCmd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "miner", abstract: "Devnet miner actors.", subcommands: [Create.self])
        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a miner actor on the devnet (admin token).")
            @OptionGroup var repo: DaemonRepo
            @Option(help: "2KiB, 8MiB, 512MiB, 32GiB or 64GiB.") var sectorSize: String
            func run() async throws {
                let bytes: UInt64
                do { bytes = try parseByteSize(sectorSize) } catch { throw fail("spnode daemon miner create", error) }
                try await callAndPrint(repo, "Spnode.CreateMiner", [.number(Double(bytes))], name: "spnode daemon miner create")
            }
        }
    }
}

struct RPCLoadCmd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc-load",
        abstract: "A bounded loopback load test of the running daemon's API: requests/s and latency percentiles.",
        discussion: """
              spnode daemon rpc-load --method Filecoin.ChainHead --concurrency 32 --seconds 3
            """)
    @OptionGroup var repo: DaemonRepo
    @Option(help: "A read method without params.") var method = "Filecoin.ChainHead"
    @Option(help: "Concurrent clients (1...1024).") var concurrency = 32
    @Option(help: "Duration in seconds (0.1...600).") var seconds = 3.0
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        guard (1...1024).contains(concurrency), (0.1...600).contains(seconds) else {
            throw fail("spnode daemon rpc-load", ValidationError("--concurrency must be 1...1024 and --seconds 0.1...600"))
        }
        let r: NodeRepo, info: APIInfo
        do {
            r = try NodeRepo(path: repo.path)
            info = try r.readAPIInfo()
        } catch { throw fail("spnode daemon rpc-load", error) }
        let url: String
        do { url = try info.url(version: "v1") } catch { throw fail("spnode daemon rpc-load", error) }
        let res = await RPCLoad.run(url: url, token: info.token ?? (try? r.adminToken()), method: method, params: [],
                                    concurrency: concurrency, duration: .milliseconds(Int(seconds * 1000)))
        if json {
            print("{\"method\": \"\(method)\", \"concurrency\": \(concurrency), \"seconds\": \(seconds), \"requests\": \(res.requests), \"requests_per_s\": \(Int(res.perSecond)), \"p50_ms\": \(res.p50), \"p99_ms\": \(res.p99), \"errors\": \(res.errors)}")
        } else {
            print(String(format: "%@ × %d clients for %.1f s: %d requests, %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors",
                         method, concurrency, seconds, res.requests, res.perSecond, res.p50, res.p99, res.errors))
        }
        if res.errors > 0 || res.requests == 0 { throw ExitCode(1) }
    }
}

// MARK: - miner process and its API commands

struct MinerInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a miner actor on the running daemon and initialize the miner repo (like lotus-miner init).",
        discussion: "The daemon is $FULLNODE_API_INFO, else the daemon repo (--daemon-repo, $SPNODE_PATH, ~/.spnode). Its API info is kept in <miner repo>/daemon-api.")
    @OptionGroup var repo: RepoOption
    @Option(help: "The daemon's repo directory (default $SPNODE_PATH or ~/.spnode).") var daemonRepo: String?
    @Option(help: "2KiB, 8MiB, 512MiB, 32GiB or 64GiB.") var sectorSize: String

    func run() async throws {
        do {
            let bytes = try parseByteSize(sectorSize)
            let info: APIInfo
            if let env = ProcessInfo.processInfo.environment["FULLNODE_API_INFO"], let i = APIInfo.parseList(env).first {
                info = i
            } else {
                let d = try NodeRepo(path: repoPath(daemonRepo, env: "SPNODE_PATH", defaultName: ".spnode"))
                let a = try d.readAPIInfo()
                info = APIInfo(token: try d.adminToken(), address: a.address)
            }
            let id = try await MinerNode.initialize(repoPath: repo.path, daemon: info, sectorSize: bytes)
            print("miner \(id.address) initialized in \(repo.path) (\(id.sealProof.name), \(id.windowPoStProof.name))")
        } catch {
            throw fail("spnode miner init", error)
        }
    }
}

struct MinerRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the miner: sealing state machine, scheduler, WindowPoSt/WinningPoSt, miner API.",
        discussion: """
            Sectors and their event logs persist in <repo>/sealing.sqlite; a restarted miner resumes every sector in its state. Sealing tasks run on connected workers (spnode worker run); PoSt runs on a WDP/WNP worker when one is connected, else in the miner.

              spnode miner run --retry-wait 60
            """)
    @OptionGroup var repo: RepoOption
    @Option(help: "TCP port on 127.0.0.1 (0: any free port, written to <repo>/api).") var port = 0
    @Option(help: "Seconds a failed sector waits before retrying (Lotus MinRetryTime: 60).") var retryWait = 60.0
    @Option(help: "Seconds between chain polls.") var poll = 0.5
    @Flag(help: "Do not take part in block elections (no WinningPoSt).") var noWinningPost = false

    func run() async throws {
        do {
            var o = MinerNode.Options()
            o.port = port
            o.retrySeconds = retryWait
            o.pollSeconds = poll
            o.winningPoSt = !noWinningPost
            try await MinerNode(repoPath: repo.path, options: o).run()
        } catch {
            throw fail("spnode miner run", error)
        }
    }
}

/// Runs a miner CLI command against the running miner; API errors exit 1, others 2.
func minerCommand(_ repo: RepoOption, _ name: String, _ body: (MinerCommands) async throws -> String) async throws {
    let c: RPCClient
    do { c = try MinerCommands.client(repoPath: repo.path) } catch { throw fail(name, error) }
    let out: Result<String, Error>
    do { out = .success(try await body(MinerCommands(api: c))) } catch { out = .failure(error) }
    await c.shutdown()
    switch out {
    case .success(let text): print(text, terminator: "")
    case .failure(let error):
        FileHandle.standardError.write(Data("\(name): \(error)\n".utf8))
        if case RPCClientError.rpc = error { throw ExitCode(1) }
        throw ExitCode(2)
    }
}

struct Sectors: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sectors (like lotus-miner sectors).", subcommands: [Pledge.self, List.self, Status.self])
    struct Pledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start sealing a committed-capacity sector.")
        @OptionGroup var repo: RepoOption
        func run() async throws { try await minerCommand(repo, "spnode miner sectors pledge") { try await $0.pledge() } }
    }
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sectors with their state, on-chain status and expiration.")
        @OptionGroup var repo: RepoOption
        func run() async throws { try await minerCommand(repo, "spnode miner sectors list") { try await $0.sectorsList() } }
    }
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A sector's state, commitments, messages, retries, last error (and its event log with --log).")
        @OptionGroup var repo: RepoOption
        @Flag(name: [.long, .customShort("l")], help: "Show the event log.") var log = false
        @Argument(help: "Sector number.") var sector: UInt64
        func run() async throws { try await minerCommand(repo, "spnode miner sectors status") { try await $0.sectorsStatus(sector, log: log) } }
    }
}

struct Sealing: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The scheduler (like lotus-miner sealing).", subcommands: [Jobs.self, Workers.self, SchedDiag.self])
    struct Jobs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tasks assigned to or running on workers: ID Sector Worker Hostname Task State Time.")
        @OptionGroup var repo: RepoOption
        @Flag(help: "Also show returned tasks.") var showRetDone = false
        func run() async throws { try await minerCommand(repo, "spnode miner sealing jobs") { try await $0.sealingJobs(showRetDone: showRetDone) } }
    }
    struct Workers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Connected workers: task counts, CPU, RAM and VMEM bars.")
        @OptionGroup var repo: RepoOption
        func run() async throws { try await minerCommand(repo, "spnode miner sealing workers") { try await $0.sealingWorkers() } }
    }
    struct SchedDiag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sched-diag", abstract: "The scheduler's queue as JSON, with why each request waits.")
        @OptionGroup var repo: RepoOption
        func run() async throws { try await minerCommand(repo, "spnode miner sealing sched-diag") { try await $0.schedDiag() } }
    }
}

struct Proving: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "WindowPoSt state (like lotus-miner proving).",
        subcommands: [Info.self, Deadlines.self, Deadline.self, Faults.self, Check.self, Compute.self])
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The proving period and the current deadline.")
        @OptionGroup var repo: RepoOption
        func run() async throws { try await minerCommand(repo, "spnode miner proving info") { try await $0.provingInfo() } }
    }
    struct Deadlines: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "All 48 deadlines: open time, partitions, sectors (faults), proven partitions.")
        @OptionGroup var repo: RepoOption
        @Flag(name: [.long, .short], help: "Count partitions without live sectors too.") var all = false
        func run() async throws { try await minerCommand(repo, "spnode miner proving deadlines") { try await $0.provingDeadlines(all: all) } }
    }
    struct Deadline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One deadline's partitions and their sector counts.")
        @OptionGroup var repo: RepoOption
        @Argument(help: "Deadline index 0-47.") var index: Int
        func run() async throws { try await minerCommand(repo, "spnode miner proving deadline") { try await $0.provingDeadline(index) } }
    }
    struct Faults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Faulty sectors: deadline, partition, sector.")
        @OptionGroup var repo: RepoOption
        func run() async throws { try await minerCommand(repo, "spnode miner proving faults") { try await $0.provingFaults() } }
    }
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that every sector of a deadline can be proven: good, or bad (reason). Exit 1 when a sector is bad.")
        @OptionGroup var repo: RepoOption
        @Flag(help: "Show only bad sectors.") var onlyBad = false
        @Flag(help: "Prove and verify 10 challenged leaves per sector instead of 1.") var slow = false
        @Argument(help: "Deadline index 0-47.") var index: Int
        func run() async throws {
            var bad = 0
            try await minerCommand(repo, "spnode miner proving check") {
                let r = try await $0.provingCheck(index, onlyBad: onlyBad, slow: slow)
                bad = r.bad
                return r.text
            }
            if bad > 0 { throw ExitCode(1) }
        }
    }
    struct Compute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compute",
            abstract: "Compute a deadline's WindowPoSt now and print it (nothing is sent to the chain): `proving compute windowed-post <i>`.")
        @OptionGroup var repo: RepoOption
        @Argument(help: "windowed-post (or window-post).") var what: String
        @Argument(help: "Deadline index 0-47.") var index: Int
        func run() async throws {
            guard what == "windowed-post" || what == "window-post" else { throw fail("spnode miner proving compute", ValidationError("only windowed-post can be computed")) }
            try await minerCommand(repo, "spnode miner proving compute windowed-post") { try await $0.computeWindowPoSt(index) }
        }
    }
}

struct MinerAuth: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "auth", abstract: "Miner API tokens.", subcommands: [CreateToken.self, APIInfoCmd.self])
    struct CreateToken: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-token", abstract: "Print a new miner API token with the permissions up to --perm.")
        @OptionGroup var repo: RepoOption
        @Option(help: "read, write, sign or admin.") var perm: String
        func run() throws {
            guard let p = Permission(rawValue: perm) else { throw fail("spnode miner auth create-token", ValidationError("--perm must be read, write, sign or admin")) }
            do { print(JWT.sign(allow: Permission.upTo(p), secret: try NodeRepo(path: repo.path).secret())) } catch { throw fail("spnode miner auth create-token", error) }
        }
    }
    struct APIInfoCmd: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "api-info", abstract: "Print MINER_API_INFO=TOKEN:MULTIADDR for workers and clients.")
        @OptionGroup var repo: RepoOption
        @Option(help: "read, write, sign or admin.") var perm = "admin"
        func run() throws {
            guard let p = Permission(rawValue: perm) else { throw fail("spnode miner auth api-info", ValidationError("--perm must be read, write, sign or admin")) }
            do {
                let r = try NodeRepo(path: repo.path)
                print("MINER_API_INFO=\(JWT.sign(allow: Permission.upTo(p), secret: try r.secret())):\(try r.readAPIInfo().address)")
            } catch { throw fail("spnode miner auth api-info", error) }
        }
    }
}

// MARK: - worker

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Workers that run sealing and proving tasks for a miner.", subcommands: [WorkerRun.self])

    struct WorkerRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a worker: connect to the miner, take the enabled task types, report results, answer session checks.",
            discussion: """
                The miner is --miner-api (a MINER_API_INFO value TOKEN:MULTIADDR), else $MINER_API_INFO, else the miner repo (--miner-repo, $SPNODE_MINER_PATH). With no task flag the worker seals (--pc1 --pc2; AP, C1, C2 and FIN come with them); --windowpost / --winningpost make a PoSt worker. Resources are read from /proc/meminfo and the core count; override any resource-table field with env such as PC1_2K_MAX_CONCURRENT=1 or C2_MAX_PARALLELISM=2.

                  spnode worker run --pc1 --pc2 --c1 --name sealer-a
                  spnode worker run --windowpost --name post-a
                """)
        @Option(help: "The worker's repo directory (default $SPNODE_WORKER_PATH or ~/.spnode-worker).") var repo: String?
        @Option(help: "TOKEN:MULTIADDR of the miner API (default $MINER_API_INFO or the miner repo).") var minerApi: String?
        @Option(help: "The miner's repo directory, used when no API info is given.") var minerRepo: String?
        @Option(help: "TCP port on 127.0.0.1 (0: any free port, written to <repo>/api).") var port = 0
        @Option(help: "Host name shown in sealing jobs/workers.") var name: String?
        @Flag(help: "AddPiece tasks.") var addpiece = false
        @Flag(name: [.customLong("pc1"), .customLong("precommit1")], help: "PreCommit 1 tasks.") var pc1 = false
        @Flag(name: [.customLong("pc2"), .customLong("precommit2")], help: "PreCommit 2 tasks.") var pc2 = false
        @Flag(name: [.customLong("c1"), .customLong("commit")], help: "Commit 1 and Commit 2 tasks.") var c1 = false
        @Flag(help: "WindowPoSt tasks (a PoSt worker).") var windowpost = false
        @Flag(help: "WinningPoSt tasks (a PoSt worker).") var winningpost = false

        func run() async throws {
            do {
                var o = WorkerNode.Options()
                o.port = port
                o.name = name
                var t: Set<TaskType> = []
                if windowpost { t.insert(.windowPoSt) }
                if winningpost { t.insert(.winningPoSt) }
                let sealing = addpiece || pc1 || pc2 || c1
                if sealing || t.isEmpty {
                    // Lotus' sealing defaults: AP, PC1, PC2, C2 on unless chosen explicitly.
                    let all = !sealing
                    if addpiece || all || pc1 { t.insert(.addPiece) }
                    if pc1 || all { t.insert(.preCommit1) }
                    if pc2 || all { t.insert(.preCommit2) }
                    if c1 || all || pc2 { t.insert(.commit2) }
                    t.formUnion([.commit1, .finalize, .fetch])
                }
                o.taskTypes = t
                let flag = minerApi, minerRepoPath = repoPath(minerRepo, env: "SPNODE_MINER_PATH", defaultName: ".spnode-miner")
                let resolve: @Sendable () throws -> APIInfo = {
                    if let flag { return APIInfo(parsing: flag) }
                    if let e = ProcessInfo.processInfo.environment["MINER_API_INFO"], let i = APIInfo.parseList(e).first { return i }
                    let m = try NodeRepo(path: minerRepoPath)
                    return APIInfo(token: try m.adminToken(), address: try m.readAPIInfo().address)
                }
                try await WorkerNode(repoPath: repoPath(repo, env: "SPNODE_WORKER_PATH", defaultName: ".spnode-worker"), options: o, resolveMiner: resolve).run()
            } catch {
                throw fail("spnode worker run", error)
            }
        }
    }
}
