import Foundation
import Kernels
import Logging

/// The miner actor this miner repo works for.
public struct MinerIdentity: Sendable, Equatable {
    public var actorID: UInt64
    public var sealProof: RegisteredSealProof
    public var windowPoStProof: RegisteredPoStProof
    public var winningPoStProof: RegisteredPoStProof
    public var address: String { "t0\(actorID)" }
    public var proverID: [UInt8] { SealIDs.proverID(actorID: actorID) }

    public init(actorID: UInt64, sealProof: RegisteredSealProof) throws {
        self.actorID = actorID
        self.sealProof = sealProof
        windowPoStProof = try RegisteredPoStProof(kind: .window, sectorSize: sealProof.sectorSize)
        winningPoStProof = try RegisteredPoStProof(kind: .winning, sectorSize: sealProof.sectorSize)
    }
}

/// `spnode miner run`: the sealing pipeline, the scheduler, WindowPoSt and WinningPoSt, and
/// Lotus' miner API (node.md §1.3) on loopback. State: `<repo>/sealing.sqlite` (sectors and
/// their logs), `<repo>/storage.json` + each path's `sectorstore.json`, `<repo>/keystore`,
/// `token`, `api`; the daemon's API info in `<repo>/daemon-api` (written by `miner init`).
public final class MinerNode: Sendable {
    public let repo: NodeRepo
    public let store: SealingStore
    public let identity: MinerIdentity
    public let manager: SealingManager
    public let server: RPCServer
    let chain: RPCClient
    let pipeline: Pipeline
    let prover: Prover
    let logger: Logger
    let session = UUID().uuidString.lowercased()

    public struct Options: Sendable {
        public var port = 0
        /// `MinRetryTime` (Lotus: 1 minute).
        public var retrySeconds = lotusMinRetrySeconds
        public var pollSeconds = 0.5
        public var winningPoSt = true
        public init() {}
    }

    /// `spnode miner init`: creates the miner actor on the daemon and records it in the repo.
    public static func initialize(repoPath: String, daemon: APIInfo, sectorSize: UInt64) async throws -> MinerIdentity {
        let repo = try NodeRepo(path: repoPath)
        _ = try repo.secret()
        let store = try SealingStore(directory: repoPath)
        if let a = try store.meta("actor") { throw MinerError.alreadyInitialized(repoPath, "t0\(a)") }
        let client = RPCClient(url: try daemon.url(version: "v1"), token: daemon.token)
        defer { Task { await client.shutdown() } }
        let sp = try RegisteredSealProof(sectorSize: sectorSize)
        let m = try await client.call("Spnode.CreateMiner", [.number(Double(sectorSize)), .number(Double(sp.id))])
        guard let id = m["ID"]?.string else { throw MinerError.chain("CreateMiner answered \(m.jsonString)") }
        let actor = try ChainAddress.actorID(id)
        try store.setMeta("actor", "\(actor)")
        try store.setMeta("seal_proof", "\(sp.id)")
        try Data((daemon.description + "\n").utf8).write(to: repo.path.appendingPathComponent("daemon-api"))
        return try MinerIdentity(actorID: actor, sealProof: sp)
    }

    /// The daemon API the miner repo was initialized with ($FULLNODE_API_INFO wins).
    public static func daemonAPI(repoPath: String) throws -> APIInfo {
        if let env = ProcessInfo.processInfo.environment["FULLNODE_API_INFO"], let info = APIInfo.parseList(env).first { return info }
        let f = repoPath + "/daemon-api"
        guard let s = try? String(contentsOfFile: f, encoding: .utf8), let info = APIInfo.parseList(s.trimmingCharacters(in: .whitespacesAndNewlines)).first else {
            throw MinerError.notInitialized(repoPath)
        }
        return info
    }

    public init(repoPath: String, options o: Options, logger: Logger = Logger(label: "spnode.miner")) throws {
        repo = try NodeRepo(path: repoPath)
        store = try SealingStore(directory: repoPath)
        guard let a = try store.meta("actor"), let actor = UInt64(a), let sps = try store.meta("seal_proof"), let spid = Int(sps) else {
            throw MinerError.notInitialized(repoPath)
        }
        identity = try MinerIdentity(actorID: actor, sealProof: try RegisteredSealProof(id: spid))
        let daemon = try Self.daemonAPI(repoPath: repoPath)
        chain = RPCClient(url: try daemon.url(version: "v1"), token: daemon.token, timeoutSeconds: 60)
        let token = try repo.adminToken()
        manager = SealingManager(workerToken: token, logger: logger)
        let storage = LocalStorage(repo: repoPath)
        pipeline = Pipeline(store: store, manager: manager, chain: chain, storage: storage, miner: identity,
                            retrySeconds: o.retrySeconds, pollSeconds: o.pollSeconds, logger: logger)
        prover = Prover(store: store, manager: manager, chain: chain, miner: identity, pollSeconds: o.pollSeconds,
                        winningPoSt: o.winningPoSt, logger: logger)
        server = RPCServer(secret: try repo.secret(), port: o.port,
                           version: ["Version": "1.28.0+spnode-miner", "APIVersion": 0x01_05_00, "BlockDelay": 0], logger: logger)
        self.logger = logger
        registerMethods()
    }

    public func run() async throws {
        let port = try await server.start()
        try repo.writeAPI(port: port)
        logger.info("miner listening", metadata: ["api": "/ip4/127.0.0.1/tcp/\(port)/http", "actor": "\(identity.address)",
                                                  "seal-proof": "\(identity.sealProof.name)"])
        Task { await manager.watch() }
        try pipeline.resumeAll()
        Task { await prover.run() }
        try await server.runForever()
    }

    // MARK: API

    static func number(_ p: [NodeJSON], _ i: Int, _ what: String) throws -> UInt64 {
        guard i < p.count, let d = p[i].double, d >= 0, d == d.rounded() else { throw RPCError.invalidParams("param \(i) must be \(what)") }
        return UInt64(d)
    }

    func registerMethods() {
        let id = identity, store = store, manager = manager, pipeline = pipeline, prover = prover, chain = chain, session = session
        server.register("Filecoin.ActorAddress", perm: .read) { _ in .string(id.address) }
        server.register("Filecoin.ActorSectorSize", perm: .read) { _ in .number(Double(id.sealProof.sectorSize)) }
        server.register("Filecoin.Session", perm: .read) { _ in .string(session) }
        server.register("Filecoin.WorkerConnect", perm: .admin) { p in
            let ann = try TaskJSON.decode(WorkerAnnouncement.self, p.first, "param 0 (worker announcement)")
            await manager.connect(ann)
            return .null
        }
        for t in TaskType.allCases {
            guard let m = t.returnMethod else { continue }
            server.register(m, perm: .admin) { p in
                let call = try TaskJSON.decode(CallID.self, p.first, "param 0 (CallID)")
                let result = p.count > 1 && !(p[1].isNull) ? try TaskJSON.decode(SealTaskResult.self, p[1], "param 1 (result)") : nil
                let err = p.count > 2 && !(p[2].isNull) ? try TaskJSON.decode(CallError.self, p[2], "param 2 (CallError)") : nil
                try manager.handleReturn(callID: call.ID, result: result, error: err)
                return .null
            }
        }
        server.register("Filecoin.WorkerJobs", perm: .admin) { _ in
            var out: [String: NodeJSON] = [:]
            for j in manager.jobs() {
                let row: NodeJSON = ["ID": ["Sector": ["Miner": .number(Double(id.actorID)), "Number": .number(Double(j.sector))], "ID": .string(j.callID)],
                                     "Sector": ["Miner": .number(Double(id.actorID)), "Number": .number(Double(j.sector))],
                                     "Task": .string(TaskType(short: j.task)?.rawValue ?? j.task), "RunWait": .number(Double(j.runWait)),
                                     "Start": j.start.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null, "Hostname": .string(j.hostname)]
                out[j.workerID, default: .array([])] = .array((out[j.workerID]?.array ?? []) + [row])
            }
            return .object(out)
        }
        server.register("Filecoin.WorkerStats", perm: .admin) { _ in
            var out: [String: NodeJSON] = [:]
            let anns = Dictionary(manager.workerAnnouncements().map { ($0.ID, $0) }, uniquingKeysWith: { a, _ in a })
            for w in manager.workerRows() {
                let ann = anns[w.id]
                out[w.id] = ["Info": ["Hostname": .string(w.hostname), "Resources": (try? TaskJSON.encode(ann?.Resources)) ?? .null],
                             "Tasks": .array((ann?.TaskTypes ?? []).map { .string($0) }), "Enabled": .bool(w.enabled),
                             "MemUsedMin": .number(Double(w.memTaskMin)), "MemUsedMax": .number(Double(w.memTaskMax)),
                             "GpuUsed": .number(w.gpuUsed), "CpuUse": .number(Double(w.cpuUsed)),
                             "TaskCounts": .object(Dictionary(uniqueKeysWithValues: w.tasks.map { ("\(id.sealProof.id):\(TaskType(short: $0.short)?.rawValue ?? $0.short)", NodeJSON.number(Double($0.count))) }))]
            }
            return .object(out)
        }
        server.register("Filecoin.SealingSchedDiag", perm: .admin) { _ in
            let reqs: [NodeJSON] = manager.queued().map { r, why in
                ["Sector": ["Miner": .number(Double(id.actorID)), "Number": .number(Double(r.sector))], "TaskType": .string(r.task.rawValue),
                 "Priority": .number(Double(r.priority)), "SchedId": .string(r.id), "Waiting": .array(why.map { .string($0) })]
            }
            let st = manager.stats
            return ["SchedInfo": ["Requests": .array(reqs), "OpenWindows": .array([])],
                    "Stats": ["TasksDone": .number(Double(st.tasks)), "Passes": .number(Double(st.passes)), "SchedulingSeconds": .number(st.schedulingSeconds),
                              "MeanPassMicroseconds": .number(st.passes > 0 ? st.schedulingSeconds / Double(st.passes) * 1e6 : 0),
                              "Dispatched": .number(Double(st.dispatched)),
"MedianQueueToRunMilliseconds": .number(st.dispatchMedian * 1e3),
                              "MeanQueueToRunMilliseconds": .number(st.dispatched > 0 ? st.dispatchSeconds / Double(st.dispatched) * 1e3 : 0)]]
        }
        server.register("Filecoin.PledgeSector", perm: .write) { _ in
            let r = try pipeline.pledge()
            return ["Miner": .number(Double(id.actorID)), "Number": .number(Double(r.number))]
        }
        server.register("Filecoin.SectorsList", perm: .read) { _ in .array(try store.sectors().map { .number(Double($0.number)) }) }
        server.register("Filecoin.SectorsSummary", perm: .read) { _ in
            .object(Dictionary(grouping: try store.sectors(), by: \.state.rawValue).mapValues { .number(Double($0.count)) })
        }
        server.register("Filecoin.SectorsStatus", perm: .read) { p in
            let n = try Self.number(p, 0, "a sector number")
            guard let s = try store.sector(n) else { throw RPCError.failure(code: 1, message: "sector \(n) not found") }
            let onChain = try? await chain.call("Filecoin.StateSectorGetInfo", [.string(id.address), .number(Double(n)), .null])
            return try Self.sectorInfo(s, log: try store.log(n), onChain: onChain)
        }
        server.register("Filecoin.StorageLocal", perm: .admin) { _ in
            .object(Dictionary(try LocalStorage(repo: self.repo.path.path).pathStats().compactMap { s in s.meta.map { ($0.id, NodeJSON.string(s.path)) } },
                               uniquingKeysWith: { a, _ in a }))
        }
        server.register("Filecoin.StorageList", perm: .admin) { _ in
            var out: [String: [NodeJSON]] = [:]
            for s in try store.sectors() {
                guard let sid = s.storageID else { continue }
                let t = s.state == .proving ? SectorFileType.sealed.rawValue | SectorFileType.cache.rawValue
                    : SectorFileType.unsealed.rawValue | SectorFileType.sealed.rawValue | SectorFileType.cache.rawValue
                out[sid, default: []].append(["Miner": .number(Double(id.actorID)), "Number": .number(Double(s.number)), "SectorFileType": .number(Double(t))])
            }
            return .object(out.mapValues { .array($0) })
        }
        // Proving (the CLI's `proving check` / `compute windowed-post`).
        server.register("Spnode.ProvingCheck", perm: .admin) { p in
            let dl = Int(try Self.number(p, 0, "a deadline index"))
            let slow = p.count > 1 && p[1].bool == true
            return .array(try await prover.check(deadline: dl, slow: slow).map {
                ["Deadline": .number(Double($0.deadline)), "Partition": .number(Double($0.partition)), "Sector": .number(Double($0.sector)),
                 "Bad": $0.bad.map { .string($0) } ?? .null]
            })
        }
        server.register("Filecoin.ComputeWindowPoSt", perm: .admin) { p in
            let dl = Int(try Self.number(p, 0, "a deadline index"))
            return try await prover.compute(deadline: dl)
        }
        server.register("Spnode.ProvingHistory", perm: .read) { _ in .array(prover.history()) }
        // Read-only chain queries for the miner CLI (it needs only the miner's API).
        let allowed: Set<String> = ["Filecoin.ChainHead", "Filecoin.StateMinerInfo", "Filecoin.StateMinerProvingDeadline", "Filecoin.StateMinerDeadlines",
                                    "Filecoin.StateMinerPartitions", "Filecoin.StateMinerFaults", "Filecoin.StateMinerRecoveries",
                                    "Filecoin.StateSectorGetInfo", "Filecoin.Version", "Spnode.Miners", "Spnode.ChainInfo"]
        server.register("Spnode.Chain", perm: .read) { p in
            guard let m = p.first?.string, allowed.contains(m) else {
                throw RPCError.invalidParams("param 0 must be one of \(allowed.sorted().joined(separator: ", "))")
            }
            do { return try await chain.call(m, Array(p.dropFirst())) } catch RPCClientError.rpc(let code, let message) {
                throw RPCError.failure(code: code, message: message)   // the daemon's own error, not wrapped twice
            }
        }
    }

    /// Lotus `api.SectorInfo` (the fields spnode has).
    static func sectorInfo(_ s: SectorRecord, log: [SectorLogEntry], onChain: NodeJSON?) throws -> NodeJSON {
        let iso = ISO8601DateFormatter()
        func cid(_ hex: String?, _ kind: PieceCID.Kind) -> NodeJSON {
            guard let hex, let c = try? Commitment(hex: hex) else { return .null }
            return ["/": .string(PieceCID.encode(c, kind: kind))]
        }
        return [
            "SectorID": .number(Double(s.number)), "State": .string(s.state.rawValue),
            "CommD": cid(s.commD, .unsealed), "CommR": cid(s.commR, .sealed),
            "Proof": s.commitProof.map { .string(Data($0).base64EncodedString()) } ?? .null,
            "Deals": .array([]),
            "Ticket": ["Value": s.ticket.map { .string(Data($0).base64EncodedString()) } ?? .null, "Epoch": .number(Double(s.ticketEpoch ?? 0))],
            "Seed": ["Value": s.seed.map { .string(Data($0).base64EncodedString()) } ?? .null, "Epoch": .number(Double(s.seedEpoch ?? 0))],
            "PreCommitMsg": s.preCommitMessage.map { ["/": .string($0)] } ?? .null,
            "CommitMsg": s.commitMessage.map { ["/": .string($0)] } ?? .null,
            "Retries": .number(Double(s.retries)), "LastErr": .string(s.lastError ?? ""),
            "Log": .array(log.map { ["Kind": .string($0.kind), "Timestamp": .number($0.time.timeIntervalSince1970.rounded(.down)),
                                     "Trace": .string(""), "Message": .string($0.message), "Time": .string(iso.string(from: $0.time))] }),
            "SealProof": .number(Double(s.sealProof)),
            "Activation": onChain?["Activation"] ?? .number(-1), "Expiration": onChain?["Expiration"] ?? .number(-1),
            "OnChain": .bool(onChain?.object != nil),
            "StoragePath": s.storagePath.map { .string($0) } ?? .null,
        ]
    }
}

public enum MinerError: Error, CustomStringConvertible {
    case notInitialized(String), alreadyInitialized(String, String), chain(String)
    public var description: String {
        switch self {
        case .notInitialized(let r): "the miner repo \(r) is not initialized: run `spnode miner init --sector-size 2KiB` with the daemon running"
        case .alreadyInitialized(let r, let a): "the miner repo \(r) is already initialized for \(a)"
        case .chain(let m): "chain: \(m)"
        }
    }
}
