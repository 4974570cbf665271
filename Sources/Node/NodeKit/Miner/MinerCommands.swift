import Foundation

/// The miner CLI's commands over the miner API (`spnode miner sectors|sealing|proving …`),
/// printing Lotus' tables (`Tables.swift`). Chain state comes through the miner's read-only
/// `Spnode.Chain` proxy, so the CLI needs only `MINER_API_INFO` or the miner repo.
public struct MinerCommands: Sendable {
    public let api: RPCClient

    public init(api: RPCClient) { self.api = api }

    /// A client of the running miner: $MINER_API_INFO, else the repo's api and token files.
    public static func client(repoPath: String) throws -> RPCClient {
        let env = ProcessInfo.processInfo.environment
        if let e = env["MINER_API_INFO"] ?? env["STORAGE_API_INFO"], let info = APIInfo.parseList(e).first {
            return RPCClient(url: try info.url(version: "v0"), token: info.token)
        }
        let r = try NodeRepo(path: repoPath)
        let info = try r.readAPIInfo()
        return RPCClient(url: try info.url(version: "v0"), token: info.token ?? (try? r.adminToken()))
    }

    func chain(_ method: String, _ params: [NodeJSON] = []) async throws -> NodeJSON {
        try await api.call("Spnode.Chain", [.string(method)] + params)
    }

    func actor() async throws -> String {
        guard let a = try await api.call("Filecoin.ActorAddress").string else { throw MinerError.chain("ActorAddress answered no address") }
        return a
    }

    struct ChainClock {
        var head: Int64
        var blockDelay: Double
        var genesis: Date
    }

    func clock() async throws -> ChainClock {
        let i = try await chain("Spnode.ChainInfo")
        return ChainClock(head: Int64(i["Height"]?.double ?? 0), blockDelay: i["BlockDelaySecs"]?.double ?? 30,
                          genesis: Date(timeIntervalSince1970: i["GenesisTime"]?.double ?? 0))
    }

    // MARK: sectors

    public func pledge() async throws -> String {
        let r = try await api.call("Filecoin.PledgeSector")
        return "Created CC sector: \(Int(r["Number"]?.double ?? -1))\n"
    }

    public func sectorsList() async throws -> String {
        let c = try await clock()
        var rows: [SectorListRow] = []
        for n in try await api.call("Filecoin.SectorsList").array ?? [] {
            let st = try await api.call("Filecoin.SectorsStatus", [n, .bool(true)])
            let onChain = st["OnChain"]?.bool ?? false
            let activation = st["Activation"]?.double ?? -1
            let exp = st["Expiration"]?.double ?? -1
            rows.append(SectorListRow(number: UInt64(n.double ?? 0), state: st["State"]?.string ?? "?", onChain: onChain, active: activation >= 0,
                                      expiration: onChain && exp >= 0 ? Int64(exp) : nil, deals: 0))
        }
        return SectorsTables.list(rows, currentEpoch: c.head, blockDelay: c.blockDelay)
    }

    public func sectorsStatus(_ n: UInt64, log: Bool) async throws -> String {
        let st = try await api.call("Filecoin.SectorsStatus", [.number(Double(n)), .bool(true)])
        func cid(_ k: String) -> String { st[k]?["/"]?.string ?? "<nil>" }
        func b64hex(_ j: NodeJSON?) -> String {
            guard let s = j?.string, let d = Data(base64Encoded: s) else { return "<nil>" }
            return d.map { String(format: "%02x", $0) }.joined()
        }
        let proofLen = st["Proof"]?.string.flatMap { Data(base64Encoded: $0)?.count } ?? 0
        let fields: [(label: String, value: String)] = [
            ("CIDcommD", cid("CommD")), ("CIDcommR", cid("CommR")),
            ("Ticket", b64hex(st["Ticket"]?["Value"])), ("TicketH", "\(Int64(st["Ticket"]?["Epoch"]?.double ?? 0))"),
            ("Seed", b64hex(st["Seed"]?["Value"])), ("SeedH", "\(Int64(st["Seed"]?["Epoch"]?.double ?? 0))"),
            ("Precommit", st["PreCommitMsg"]?["/"]?.string ?? "<nil>"), ("Commit", st["CommitMsg"]?["/"]?.string ?? "<nil>"),
            ("Proof", proofLen > 0 ? "\(proofLen) bytes" : ""), ("Deals", "[]"), ("Retries", "\(Int(st["Retries"]?.double ?? 0))"),
            ("Storage", st["StoragePath"]?.string ?? "<none>"),
        ]
        let entries: [(time: Date, kind: String, message: String)] = log ? (st["Log"]?.array ?? []).map {
            (Date(timeIntervalSince1970: $0["Timestamp"]?.double ?? 0), $0["Kind"]?.string ?? "", $0["Message"]?.string ?? "")
        } : []
        let onChain = st["OnChain"]?.bool ?? false
        return SectorsTables.status(number: n, state: st["State"]?.string ?? "?", fields: fields, lastError: st["LastErr"]?.string, log: entries,
                                    expiration: onChain ? (onTime: Int64(st["Expiration"]?.double ?? 0), early: 0) : nil)
    }

    // MARK: sealing

    public func sealingJobs(showRetDone: Bool) async throws -> String {
        let jobs = try await api.call("Filecoin.WorkerJobs")
        var rows: [JobRow] = []
        let iso = ISO8601DateFormatter()
        for (worker, list) in jobs.object ?? [:] {
            for j in list.array ?? [] {
                let task = j["Task"]?.string.flatMap(TaskType.init(rawValue:))?.short ?? "UNK"
                rows.append(JobRow(callID: j["ID"]?["ID"]?.string ?? "", sector: UInt64(j["Sector"]?["Number"]?.double ?? 0), workerID: worker,
                                   hostname: j["Hostname"]?.string ?? "", task: task, runWait: Int(j["RunWait"]?.double ?? 0),
                                   start: j["Start"]?.string.flatMap { iso.date(from: $0) }))
            }
        }
        return SealingTables.jobs(rows, now: Date(), showRetDone: showRetDone)
    }

    public func sealingWorkers() async throws -> String {
        let stats = try await api.call("Filecoin.WorkerStats")
        var rows: [WorkerRow] = []
        for (id, w) in stats.object ?? [:] {
            let res = try? TaskJSON.decode(WorkerResources.self, w["Info"]?["Resources"], "resources")
            let counts: [WorkerTaskCount] = (w["TaskCounts"]?.object ?? [:]).compactMap { key, v in
                let name = key.split(separator: ":", maxSplits: 1).last.map(String.init) ?? key
                guard let t = TaskType(rawValue: name), let c = v.double, c > 0 else { return nil }
                return WorkerTaskCount(short: t.short, order: t.order, count: Int(c))
            }.sorted { $0.order < $1.order }
            rows.append(WorkerRow(id: id, hostname: w["Info"]?["Hostname"]?.string ?? "", enabled: w["Enabled"]?.bool ?? true, tasks: counts,
                                  cpuUsed: Int(w["CpuUse"]?.double ?? 0), cpus: res?.cpus ?? 0, memPhysical: res?.memPhysical ?? 0,
                                  memSwap: res?.memSwap ?? 0, memUsedOS: res?.memUsed ?? 0,
                                  memTaskMin: UInt64(w["MemUsedMin"]?.double ?? 0), memTaskMax: UInt64(w["MemUsedMax"]?.double ?? 0),
                                  gpus: res?.gpus ?? [], gpuUsed: w["GpuUsed"]?.double ?? 0))
        }
        return SealingTables.workers(rows)
    }

    public func schedDiag() async throws -> String {
        let r = try await api.call("Filecoin.SealingSchedDiag")
        let d = try JSONSerialization.data(withJSONObject: r.foundation, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: d, as: UTF8.self) + "\n"
    }

    // MARK: proving

    struct Part {
        var all: [UInt64], live: [UInt64], active: [UInt64], faulty: [UInt64], recovering: [UInt64]
    }

    func partitions(_ addr: String, _ i: Int) async throws -> [Part] {
        (try await chain("Filecoin.StateMinerPartitions", [.string(addr), .number(Double(i)), .null]).array ?? []).map {
            Part(all: bitFieldNumbers($0["AllSectors"]), live: bitFieldNumbers($0["LiveSectors"]), active: bitFieldNumbers($0["ActiveSectors"]),
                 faulty: bitFieldNumbers($0["FaultySectors"]), recovering: bitFieldNumbers($0["RecoveringSectors"]))
        }
    }

    public func provingInfo() async throws -> String {
        let addr = try await actor()
        let c = try await clock()
        let dl = try await chain("Filecoin.StateMinerProvingDeadline", [.string(addr), .null])
        func e(_ k: String) -> Int64 { Int64(dl[k]?.double ?? 0) }
        let index = Int(e("Index"))
        var faults = 0, recovering = 0, total = 0, inDeadline = 0
        for i in 0..<48 {
            for p in try await partitions(addr, i) {
                faults += p.faulty.count
                recovering += p.recovering.count
                total += p.live.count
                if i == index { inDeadline += p.live.count }
            }
        }
        return ProvingTables.info(ProvingInfoInput(miner: addr, currentEpoch: e("CurrentEpoch"), blockDelay: c.blockDelay, genesis: c.genesis,
                                                   periodStart: e("PeriodStart"), provingPeriod: e("WPoStProvingPeriod"), deadlineIndex: index,
                                                   deadlineOpen: e("Open"), deadlineClose: e("Close"), deadlineChallenge: e("Challenge"),
                                                   deadlineFaultCutoff: e("FaultCutoff"), faults: faults, recovering: recovering,
                                                   totalSectors: total, deadlineSectors: inDeadline))
    }

    public func provingDeadlines(all: Bool) async throws -> String {
        let addr = try await actor()
        let c = try await clock()
        let dl = try await chain("Filecoin.StateMinerProvingDeadline", [.string(addr), .null])
        let summaries = try await chain("Filecoin.StateMinerDeadlines", [.string(addr), .null]).array ?? []
        let current = Int(dl["Index"]?.double ?? 0), periodStart = Int64(dl["PeriodStart"]?.double ?? 0), window = Int64(dl["WPoStChallengeWindow"]?.double ?? 60)
        var rows: [DeadlineRow] = []
        for i in 0..<48 {
            let parts = try await partitions(addr, i)
            let shown = all ? parts : parts.filter { !$0.live.isEmpty }
            let proven = bitFieldNumbers(summaries.indices.contains(i) ? summaries[i]["PostSubmissions"] : nil).count
            let open = periodStart + Int64(i) * window
            rows.append(DeadlineRow(index: i, open: c.genesis.addingTimeInterval(Double(open) * c.blockDelay), partitions: shown.count,
                                    sectors: shown.reduce(0) { $0 + $1.live.count }, faults: shown.reduce(0) { $0 + $1.faulty.count },
                                    provenPartitions: proven))
        }
        return ProvingTables.deadlines(miner: addr, rows: rows, current: current)
    }

    public func provingDeadline(_ i: Int) async throws -> String {
        guard (0..<48).contains(i) else { throw RPCError.invalidParams("deadline \(i) does not exist: deadlines are 0-47") }
        let addr = try await actor()
        let c = try await clock()
        let dl = try await chain("Filecoin.StateMinerProvingDeadline", [.string(addr), .null])
        let summaries = try await chain("Filecoin.StateMinerDeadlines", [.string(addr), .null]).array ?? []
        let parts = try await partitions(addr, i)
        let open = Int64(dl["PeriodStart"]?.double ?? 0) + Int64(i) * Int64(dl["WPoStChallengeWindow"]?.double ?? 60)
        let rows = parts.enumerated().map { k, p in
            PartitionRow(index: k, all: p.all.count, live: p.live.count, active: p.active.count, faulty: p.faulty.count, recovering: p.recovering.count)
        }
        return ProvingTables.deadline(index: i, open: GoText.epochTime(current: c.head, epoch: open, blockDelay: c.blockDelay), partitions: rows,
                                      provenPartitions: bitFieldNumbers(summaries.indices.contains(i) ? summaries[i]["PostSubmissions"] : nil).count,
                                      current: Int(dl["Index"]?.double ?? -1) == i)
    }

    public func provingFaults() async throws -> String {
        let addr = try await actor()
        var rows: [(deadline: Int, partition: Int, sector: UInt64)] = []
        for i in 0..<48 {
            for (k, p) in try await partitions(addr, i).enumerated() { rows += p.faulty.map { (i, k, $0) } }
        }
        return ProvingTables.faults(miner: addr, rows: rows)
    }

    public func provingCheck(_ i: Int, onlyBad: Bool, slow: Bool) async throws -> (text: String, bad: Int) {
        let r = try await api.call("Spnode.ProvingCheck", [.number(Double(i)), .bool(slow)])
        let rows = (r.array ?? []).map {
            CheckRow(deadline: Int($0["Deadline"]?.double ?? 0), partition: Int($0["Partition"]?.double ?? 0), sector: UInt64($0["Sector"]?.double ?? 0),
                     bad: $0["Bad"]?.string)
        }
        return (ProvingTables.check(rows, onlyBad: onlyBad), rows.filter { $0.bad != nil }.count)
    }

    public func computeWindowPoSt(_ i: Int) async throws -> String {
        let r = try await api.call("Filecoin.ComputeWindowPoSt", [.number(Double(i))])
        let took = r["Took"]?.double ?? 0
        let d = try JSONSerialization.data(withJSONObject: (r["Result"] ?? .array([])).foundation, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return "Took \(GoText.duration(took))\n" + String(decoding: d, as: UTF8.self) + "\n"
    }
}
