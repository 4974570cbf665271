import Foundation
import Logging

extension TaskType {
    /// The worker method the miner calls for a sealing task, and the miner method the worker
    /// reports back through (Lotus `api_worker.go` / `api_storage.go`).
    public var workerMethod: String? {
        switch self {
        case .addPiece: "Filecoin.AddPiece"
        case .preCommit1: "Filecoin.SealPreCommit1"
        case .preCommit2: "Filecoin.SealPreCommit2"
        case .commit1: "Filecoin.SealCommit1"
        case .commit2: "Filecoin.SealCommit2"
        case .finalize: "Filecoin.FinalizeSector"
        default: nil
        }
    }

    public var returnMethod: String? {
        switch self {
        case .addPiece: "Filecoin.ReturnAddPiece"
        case .preCommit1: "Filecoin.ReturnSealPreCommit1"
        case .preCommit2: "Filecoin.ReturnSealPreCommit2"
        case .commit1: "Filecoin.ReturnSealCommit1"
        case .commit2: "Filecoin.ReturnSealCommit2"
        case .finalize: "Filecoin.ReturnFinalizeSector"
        default: nil
        }
    }
}

/// `spnode worker run`: serves Lotus' worker API on loopback, connects to the miner
/// (`WorkerConnect` with its URL, task types and resources), runs the sealing tasks the
/// miner's scheduler sends (asynchronously, reporting through `Return*`) and PoSt tasks
/// (synchronously). Tokens are checked by the miner (`AuthVerify`), as lotus-worker does.
/// Every second it asks the miner's `Session`; a new session (the miner restarted) or a
/// miner that comes back makes it connect again. A task asked for again while it runs (the
/// miner retried after a restart) joins the running one instead of starting a second copy.
public final class WorkerNode: Sendable {
    public let repo: NodeRepo
    public let id: String
    public let hostname: String
    public let taskTypes: Set<TaskType>
    public let server: RPCServer
    /// The miner's client; replaced when the miner comes back on another address.
    let minerClient: RPCLocked<RPCClient>
    let resolveMiner: @Sendable () throws -> APIInfo
    var miner: RPCClient { minerClient.withLock { $0 } }
    let runner: TaskRunner
    let logger: Logger
    let session = UUID().uuidString.lowercased()
    let state = RPCLocked(State())
    let work = DispatchQueue(label: "spnode.worker.tasks", attributes: .concurrent)

    struct State {
        var running: [String: [CallID]] = [:]   // "<task>:<sector>" → calls waiting for it
        var minerSession: String?
        var connected = false
        var resources: WorkerResources?
        var done = 0
    }

    public struct Options: Sendable {
        public var port = 0
        public var name: String?
        public var taskTypes: Set<TaskType> = []
        public var sectorSizes: [UInt64] = [2048, 8 << 20, 512 << 20, 32 << 30, 64 << 30]
        public init() {}
    }

    /// `resolveMiner` gives the miner's API info; it is asked again while the miner cannot be
    /// reached, so a miner restarted on another port is found (its repo's `api` file).
    public init(repoPath: String, options o: Options, logger: Logger = Logger(label: "spnode.worker"),
                resolveMiner: @escaping @Sendable () throws -> APIInfo) throws {
        let minerAPI = try resolveMiner()
        self.resolveMiner = resolveMiner
        repo = try NodeRepo(path: repoPath)
        let idFile = repo.path.appendingPathComponent("worker-id").path
        if let s = try? String(contentsOfFile: idFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty {
            id = s
        } else {
            id = UUID().uuidString.lowercased()
            try Data((id + "\n").utf8).write(to: URL(fileURLWithPath: idFile))
        }
        hostname = o.name ?? ProcessInfo.processInfo.hostName
        taskTypes = o.taskTypes
        let verified = RPCLocked<[String: (at: Date, perms: Set<Permission>)]>([:])
        let client = RPCLocked(RPCClient(url: try minerAPI.url(version: "v0"), token: minerAPI.token, timeoutSeconds: 30))
        minerClient = client
        let env = ProcessInfo.processInfo.environment
        runner = TaskRunner(parentCacheDirectory: env["FIL_PROOFS_PARENT_CACHE"] ?? repo.path.appendingPathComponent("filecoin-parents").path)
        self.logger = logger
        server = RPCServer(secret: try repo.secret(), port: o.port,
                           version: ["Version": "1.28.0+spnode-worker", "APIVersion": 0x01_07_00, "BlockDelay": 0], logger: logger,
                           tokenVerifier: { token in
                               // The miner's answer is kept for a minute (its session checks come every second).
                               let now = Date()
                               if let hit = verified.withLock({ $0[token] }), now.timeIntervalSince(hit.at) < 60 { return hit.perms }
                               let r = try await client.withLock { $0 }.call("Filecoin.AuthVerify", [.string(token)])
                               let perms = Set((r.array ?? []).compactMap { $0.string.flatMap(Permission.init(rawValue:)) })
                               verified.withLock {
                                   if $0.count > 64 { $0.removeAll() }
                                   $0[token] = (now, perms)
                               }
                               return perms
                           })
        state.withLock { $0.resources = try? WorkerResources.probeHost(taskTypes: Array(o.taskTypes), sectorSizes: o.sectorSizes, env: env) }
        registerMethods()
    }

    public func run() async throws {
        let port = try await server.start()
        try repo.writeAPI(port: port)
        logger.info("worker listening", metadata: ["api": "/ip4/127.0.0.1/tcp/\(port)/http", "id": "\(id)",
                                                   "tasks": "\(taskTypes.map(\.short).sorted().joined(separator: ","))"])
        let url = "http://127.0.0.1:\(port)/rpc/v0"
        Task { await self.connectLoop(url: url) }
        try await server.runForever()
    }

    /// Heartbeat: the miner's session every second; connect when it is new.
    func connectLoop(url: String) async {
        while !Task.isCancelled {
            do {
                let s = try await miner.call("Filecoin.Session").string ?? ""
                let (known, connected) = state.withLock { ($0.minerSession, $0.connected) }
                if s != known || !connected {
                    let res = state.withLock { $0.resources } ?? WorkerResources(memPhysical: 0, memUsed: 0, memSwap: 0, memSwapUsed: 0, cpus: 1, gpus: [])
                    let ann = WorkerAnnouncement(ID: id, URL: url, Hostname: hostname, TaskTypes: taskTypes.map(\.rawValue).sorted(),
                                                 Resources: res, Session: session)
                    _ = try await miner.call("Filecoin.WorkerConnect", [try TaskJSON.encode(ann)])
                    state.withLock {
                        $0.minerSession = s
                        $0.connected = true
                    }
                    logger.info("connected to the miner", metadata: ["miner-session": "\(s)"])
                }
            } catch {
                if state.withLock({ $0.connected }) { logger.warning("lost the miner: \(error)") }
                state.withLock { $0.connected = false }
                await reresolve()
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// A new client when the miner's API info now names another address.
    func reresolve() async {
        guard let info = try? resolveMiner(), let url = try? info.url(version: "v0"), url != miner.url else { return }
        let old = minerClient.withLock { c -> RPCClient in
            let prev = c
            c = RPCClient(url: url, token: info.token, timeoutSeconds: 30)
            return prev
        }
        logger.info("the miner's API moved; reconnecting", metadata: ["url": "\(url)"])
        await old.shutdown()
    }

    func registerMethods() {
        server.register("Filecoin.Session", perm: .admin) { [session] _ in .string(session) }
        server.register("Filecoin.ProcessSession", perm: .admin) { [session] _ in .string(session) }
        server.register("Filecoin.TaskTypes", perm: .admin) { [taskTypes] _ in
            .object(Dictionary(uniqueKeysWithValues: taskTypes.map { ($0.rawValue, NodeJSON.object([:])) }))
        }
        server.register("Filecoin.Info", perm: .admin) { [self] _ in
            try TaskJSON.encode(["Hostname": hostname, "ID": id])
        }
        for t in TaskType.allCases {
            guard let method = t.workerMethod else { continue }
            server.register(method, perm: .admin) { [self] p in
                guard taskTypes.contains(t) else {
                    throw RPCError.failure(code: 1, message: "this worker does not run \(t.short) tasks")
                }
                let params = try TaskJSON.decode(SealTaskParams.self, p.first, "param 0 (sector task)")
                return try TaskJSON.encode(start(t, params))
            }
        }
        server.register("Filecoin.GenerateWindowPoSt", perm: .admin) { [self] p in
            guard taskTypes.contains(.windowPoSt) else { throw RPCError.failure(code: 1, message: "this worker does not run WDP tasks") }
            let params = try TaskJSON.decode(PoStTaskParams.self, p.first, "param 0 (PoSt task)")
            return try TaskJSON.encode(try await offPool(work) { try self.runner.windowPoSt(params) })
        }
        server.register("Filecoin.GenerateWinningPoSt", perm: .admin) { [self] p in
            guard taskTypes.contains(.winningPoSt) else { throw RPCError.failure(code: 1, message: "this worker does not run WNP tasks") }
            let params = try TaskJSON.decode(PoStTaskParams.self, p.first, "param 0 (PoSt task)")
            return try TaskJSON.encode(try await offPool(work) { try self.runner.winningPoSt(params) })
        }
    }

    /// Starts (or joins) a sealing task; answers its call id at once.
    func start(_ task: TaskType, _ p: SealTaskParams) -> CallID {
        let call = CallID(sector: p.Sector.ID)
        let key = "\(task.short):\(p.Sector.ID.Number)"
        let joined = state.withLock { s -> Bool in
            if s.running[key] != nil {
                s.running[key, default: []].append(call)
                return true
            }
            s.running[key] = [call]
            return false
        }
        if joined {
            logger.info("task already running; the new call joins it", metadata: ["task": "\(task.short)", "sector": "\(p.Sector.ID.Number)"])
            return call
        }
        logger.info("task started", metadata: ["task": "\(task.short)", "sector": "\(p.Sector.ID.Number)", "call": "\(call.ID)"])
        let runner = runner, logger = logger
        work.async {
            let result: Result<SealTaskResult, Error> = Result {
                try runner.run(task, p) { line in logger.debug("\(line)") }
            }
            Task { await self.report(task, key: key, result) }
        }
        return call
    }

    /// Sends the result to every call waiting for it; retries while the miner is away (it may
    /// be restarting), drops a call the miner no longer knows.
    func report(_ task: TaskType, key: String, _ result: Result<SealTaskResult, Error>) async {
        let calls = state.withLock { s -> [CallID] in
            s.done += 1
            return s.running.removeValue(forKey: key) ?? []
        }
        guard let method = task.returnMethod else { return }
        var value: NodeJSON = .null, err: NodeJSON = .null
        switch result {
        case .success(let r):
            value = (try? TaskJSON.encode(r)) ?? .null
            logger.info("task done", metadata: ["task": "\(task.short)", "key": "\(key)"])
        case .failure(let e):
            let ce = (e as? CallError) ?? CallError(code: CallError.unknown, message: "\(e)")
            err = (try? TaskJSON.encode(ce)) ?? .null
            logger.warning("task failed: \(ce.Message)", metadata: ["task": "\(task.short)", "key": "\(key)"])
        }
        for call in calls {
            let callJSON = (try? TaskJSON.encode(call)) ?? .null
            for attempt in 0..<120 {
                do {
                    _ = try await miner.call(method, [callJSON, value, err])
                    break
                } catch RPCClientError.rpc(_, let message) {
                    logger.info("the miner refused the result (\(message)); dropping it", metadata: ["call": "\(call.ID)"])
                    break
                } catch {
                    if attempt == 0 { logger.warning("cannot report to the miner (\(error)); retrying") }
                    await reresolve()
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
