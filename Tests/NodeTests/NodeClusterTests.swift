import Foundation
import Kernels
import NodeKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

// End to end: daemon, miner and workers as real `spnode` processes on loopback, sealing real
// sectors through the workers, proving deadlines on the devnet chain, and the reliability
// cases of the node issue (worker SIGKILL mid-PC1, miner SIGKILL mid-pipeline, storage paths
// that are full or gone, corrupted and missing sector files).

/// One spnode process; its output goes to `<dir>/<name>.log` (kept for a failing test).
private final class Proc: @unchecked Sendable {
    let process = Process()
    let name: String
    init(_ name: String, _ args: [String], dir: String, env: [String: String] = [:]) throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: spnodeBinary() ?? "spnode")
        process.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        process.environment = e
        let log = dir + "/\(name).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let h = FileHandle(forWritingAtPath: log)
        h?.seekToEndOfFile()
        process.standardOutput = h
        process.standardError = h
        try process.run()
    }
    func kill9() { process.kill9() }
    func stop() { process.stop() }
}

/// Runs the spnode CLI to completion: (exit status, stdout).
@discardableResult
private func cli(_ args: [String], env: [String: String] = [:]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: spnodeBinary() ?? "spnode")
    p.arguments = args
    var e = ProcessInfo.processInfo.environment
    for (k, v) in env { e[k] = v }
    p.environment = e
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

private func waitFor(_ what: String, seconds: Double, poll: Double = 0.1, _ check: () async throws -> Bool) async throws {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if (try? await check()) == true { return }
        try await Task.sleep(for: .seconds(poll))
    }
    Issue.record("timed out after \(seconds) s waiting for \(what)")
    throw CancellationError()
}

/// A daemon, a miner and workers in one temporary directory.
private final class Cluster: @unchecked Sendable {
    let dir: String
    var daemon: Proc?
    var miner: Proc?
    var workers: [String: Proc] = [:]
    var minerAPI: RPCClient?
    let env: [String: String]

    var daemonRepo: String { dir + "/daemon" }
    var minerRepo: String { dir + "/miner" }

    init(_ tag: String) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("spnode-\(tag)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        env = ["SPNODE_PATH": dir + "/daemon", "SPNODE_MINER_PATH": dir + "/miner", "FIL_PROOFS_PARENT_CACHE": dir + "/parents",
               "FULLNODE_API_INFO": "", "MINER_API_INFO": ""]
    }

    func startDaemon() async throws {
        daemon = try Proc("daemon", ["daemon", "run", "--devnet", "--block-time", "0.25", "--challenge-window", "4", "--precommit-delay", "2"], dir: dir, env: env)
        try await waitFor("the daemon's API", seconds: 30) {
            guard let r = try? NodeRepo(path: daemonRepo), let info = try? r.readAPIInfo() else { return false }
            let c = RPCClient(url: try info.url(version: "v1"), token: try r.adminToken())
            defer { Task { await c.shutdown() } }
            return (try? await c.call("Filecoin.ChainHead")) != nil
        }
    }

    func initMiner(sectorSize: String) throws {
        let (s, out) = try cli(["miner", "init", "--sector-size", sectorSize], env: env)
        #expect(s == 0, "miner init: \(out)")
    }

    func startMiner() async throws {
        unlink(minerRepo + "/api")
        miner = try Proc("miner", ["miner", "run", "--retry-wait", "1", "--poll", "0.1"], dir: dir, env: env)
        try await waitFor("the miner's API", seconds: 30) {
            guard let r = try? NodeRepo(path: minerRepo), let info = try? r.readAPIInfo() else { return false }
            let c = RPCClient(url: try info.url(version: "v0"), token: try r.adminToken())
            if (try? await c.call("Filecoin.ActorAddress")) != nil {
                if let old = minerAPI { await old.shutdown() }
                minerAPI = c
                return true
            }
            await c.shutdown()
            return false
        }
    }

    func startWorker(_ name: String, _ flags: [String]) throws {
        workers[name] = try Proc("worker-\(name)", ["worker", "run", "--repo", dir + "/worker-\(name)", "--name", name] + flags, dir: dir, env: env)
    }

    func waitWorkers(_ n: Int) async throws {
        try await waitFor("\(n) workers connected", seconds: 60) { try await call("Filecoin.WorkerStats").object?.count == n }
    }

    func call(_ method: String, _ params: [NodeJSON] = []) async throws -> NodeJSON {
        guard let c = minerAPI else { throw RPCClientError.shutDown }
        return try await c.call(method, params)
    }

    func chain(_ method: String, _ params: [NodeJSON] = []) async throws -> NodeJSON {
        try await call("Spnode.Chain", [.string(method)] + params)
    }

    func states() async throws -> [UInt64: String] {
        var out: [UInt64: String] = [:]
        for n in try await call("Filecoin.SectorsList").array ?? [] {
            out[UInt64(n.double ?? 0)] = try await call("Filecoin.SectorsStatus", [n, .bool(false)])["State"]?.string
        }
        return out
    }

    func status(_ n: UInt64) async throws -> NodeJSON { try await call("Filecoin.SectorsStatus", [.number(Double(n)), .bool(true)]) }

    func cliText(_ args: [String]) throws -> (Int32, String) { try cli(args, env: env) }

    func shutdown(keepLogs: Bool) async {
        for w in workers.values { w.stop() }
        miner?.stop()
        daemon?.stop()
        if let c = minerAPI { await c.shutdown() }
        if !keepLogs { try? FileManager.default.removeItem(atPath: dir) }
    }

    func logs() -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".log") }.sorted()) ?? []
        return names.map { n in "== \(n)\n" + String((try? String(contentsOfFile: dir + "/" + n, encoding: .utf8))?.suffix(4000) ?? "") }.joined(separator: "\n")
    }
}

private func attach(_ c: Cluster, _ path: String, _ flags: [String]) throws {
    let (s, out) = try c.cliText(["miner", "storage", "attach", "--init"] + flags + [path])
    #expect(s == 0, "storage attach \(path): \(out)")
}

@Test(.enabled(if: spnodeBinary() != nil, "needs the spnode executable (swift build)"), .timeLimit(.minutes(6)))
func clusterSealsThroughTwoWorkersProvesDeadlinesAndReportsACorruptedSectorAndItsRecovery() async throws {
    let c = try Cluster("e2e")
    do {
        try await c.startDaemon()
        try c.initMiner(sectorSize: "2KiB")
        try attach(c, c.dir + "/store0", ["--seal", "--store"])
        try await c.startMiner()
        try c.startWorker("wa", ["--pc1", "--pc2"])
        try c.startWorker("wb", ["--pc1", "--pc2", "--c1"])
        try await c.waitWorkers(2)

        for _ in 0..<4 { _ = try await c.call("Filecoin.PledgeSector") }
        // `sealing jobs` while the workers seal (2 KiB tasks take milliseconds: on a busy
        // machine the sectors may all be sealed before a running job is caught).
        var jobsText = ""
        try await waitFor("a running job in sealing jobs, or every sector sealed", seconds: 120, poll: 0.05) {
            let (_, t) = try c.cliText(["miner", "sealing", "jobs"])
            if jobsText.isEmpty || t.contains("running") { jobsText = t }
            if t.contains("running") { return true }
            return try await c.states().values.allSatisfy { $0 == "Proving" }
        }
        #expect(jobsText.hasPrefix("ID        Sector  Worker    Hostname  Task  State"), "\(jobsText)")
        try await waitFor("4 sectors in Proving", seconds: 120, poll: 0.25) {
            let s = try await c.states()
            return s.count == 4 && s.values.allSatisfy { $0 == "Proving" }
        }
        // Every task ran on a worker, and both workers took some.
        var workersSeen = Set<String>()
        for n in 1...4 {
            let log = try await c.status(UInt64(n))["Log"]?.array ?? []
            for e in log { if let m = e["Message"]?.string, let r = m.range(of: "done on worker ") { workersSeen.insert(String(m[r.upperBound...].prefix(8))) } }
            let states = log.compactMap { $0["Message"]?.string }.joined(separator: "\n")
            for s in ["Packing → GetTicket", "GetTicket → PreCommit1", "PreCommit1 → PreCommit2", "PreCommit2 → PreCommitting", "PreCommitting → PreCommitWait",
                      "PreCommitWait → WaitSeed", "WaitSeed → Committing", "Committing → SubmitCommitAggregate",
                      "SubmitCommitAggregate → CommitAggregateWait", "CommitAggregateWait → FinalizeSector", "FinalizeSector → Proving"] {
                #expect(states.contains(s), "sector \(n) log lacks \(s)")
            }
        }
        #expect(workersSeen.count == 2, "tasks ran on \(workersSeen)")

        // Two deadlines proven in a row: successive WindowPoSt submissions, all accepted.
        try await waitFor("two proven deadlines", seconds: 120, poll: 0.25) {
            let h = try await c.call("Spnode.ProvingHistory").array ?? []
            let good = h.filter { $0["Message"] != nil && $0["Error"] == nil }
            return Set(good.compactMap { $0["Deadline"]?.double }).count >= 2
        }
        let history = try await c.call("Spnode.ProvingHistory").array ?? []
        let posts = history.filter { $0["Partitions"] != nil }
        #expect(posts.allSatisfy { $0["Error"] == nil }, "every WindowPoSt submission was accepted: \(posts.filter { $0["Error"] != nil })")
        #expect(history.contains { $0["Block"] != nil && $0["Error"] == nil }, "the miner won a block with a WinningPoSt")
        #expect(try await c.chain("Filecoin.StateMinerFaults", [.string("t01000"), .null]).array?.isEmpty == true)

        // Corrupt one sealed file: the next proof of its deadline skips it, the rest is proven.
        let victim: UInt64 = 2
        guard let path = try await c.status(victim)["StoragePath"]?.string else { Issue.record("no storage path"); return }
        let sealed = path + "/sealed/s-t01000-\(victim)"
        let original = try Data(contentsOf: URL(fileURLWithPath: sealed))
        var junk = [UInt8](repeating: 0, count: 2048)
        for i in junk.indices { junk[i] = UInt8.random(in: 0...255) }
        try Data(junk).write(to: URL(fileURLWithPath: sealed))
        try await waitFor("the corrupted sector reported faulty", seconds: 120, poll: 0.25) {
            let faults = bitFieldNumbers(try await c.chain("Filecoin.StateMinerFaults", [.string("t01000"), .null]))
            return faults.contains(victim)
        }
        try await waitFor("a deadline proven with the fault skipped or declared", seconds: 120, poll: 0.25) {
            let h = try await c.call("Spnode.ProvingHistory").array ?? []
            return h.contains { e in
                (e["Skipped"]?.array ?? []).contains { $0["Sector"]?.double == Double(victim) }
                    || (e["Declared"]?.string == "faults" && (e["Sectors"]?.array ?? []).contains(.number(Double(victim))))
            }
        }
        // Other sectors stay active and keep being proven.
        let faults = bitFieldNumbers(try await c.chain("Filecoin.StateMinerFaults", [.string("t01000"), .null]))
        #expect(faults == [victim], "only the corrupted sector is faulty: \(faults)")

        // The CLI tables.
        let (s1, list) = try c.cliText(["miner", "sectors", "list"])
        #expect(s1 == 0 && list.contains("Proving"), "\(list)")
        let (s2, workers) = try c.cliText(["miner", "sealing", "workers"])
        #expect(s2 == 0 && workers.contains("host wa") && workers.contains("host wb"), "\(workers)")
        let (s3, info) = try c.cliText(["miner", "proving", "info"])
        #expect(s3 == 0 && info.contains("Miner: t01000") && info.contains("Faults:      1"), "\(info)")
        let (s4, dls) = try c.cliText(["miner", "proving", "deadlines"])
        #expect(s4 == 0 && dls.contains("deadline  open") && dls.contains("(current)"), "\(dls)")
        let (s5, fl) = try c.cliText(["miner", "proving", "faults"])
        #expect(s5 == 0 && fl.contains("deadline  partition  sectors"), "\(fl)")
        // Find the victim's deadline for `proving check`.
        var victimDeadline = -1
        for d in 0..<48 {
            let parts = try await c.chain("Filecoin.StateMinerPartitions", [.string("t01000"), .number(Double(d)), .null]).array ?? []
            if parts.contains(where: { bitFieldNumbers($0["AllSectors"]).contains(victim) }) { victimDeadline = d }
        }
        let (s6, check) = try c.cliText(["miner", "proving", "check", "\(victimDeadline)"])
        #expect(s6 == 1, "proving check exits 1 with a bad sector")
        #expect(check.contains("deadline  partition  sector  status") && check.contains("bad ("), "\(check)")
        let (_, status) = try c.cliText(["miner", "sectors", "status", "--log", "1"])
        #expect(status.contains("Status:") && status.contains("Proving"), "\(status)")
        // Bad input on the miner API: clean JSON-RPC errors, and the miner keeps serving.
        await #expect(throws: RPCClientError.self) { _ = try await c.call("Filecoin.ReturnSealPreCommit1", [["Sector": "x"]]) }
        await #expect(throws: RPCClientError.self) {
            _ = try await c.call("Filecoin.ReturnSealPreCommit1", [["Sector": ["Miner": 1000, "Number": 1], "ID": "no-such-call"], .null, .null])
        }
        await #expect(throws: RPCClientError.self) { _ = try await c.call("Filecoin.SectorsStatus", [.number(999)]) }
        if let api = c.minerAPI {
            let (code, body) = try await api.post(Data("{\"jsonrpc\": \"2.0\", \"method\":".utf8))
            #expect(code == 200 && String(decoding: body, as: UTF8.self).contains("-32700"))
        }
        #expect(try await c.call("Filecoin.ActorAddress").string == "t01000")
        // Restore the file: the miner declares the recovery and the next proof makes the sector active again.
        try original.write(to: URL(fileURLWithPath: sealed))
        try await waitFor("the restored sector recovered", seconds: 150, poll: 0.25) {
            bitFieldNumbers(try await c.chain("Filecoin.StateMinerFaults", [.string("t01000"), .null])).isEmpty
        }
        let declaredRecovery = (try await c.call("Spnode.ProvingHistory").array ?? []).contains {
            $0["Declared"]?.string == "recoveries" && ($0["Sectors"]?.array ?? []).contains(.number(Double(victim)))
        }
        #expect(declaredRecovery, "the recovery was declared before the sector was proven again")
        let (s7, compute) = try c.cliText(["miner", "proving", "compute", "windowed-post", "\(victimDeadline)"])
        #expect(s7 == 0 && compute.hasPrefix("Took ") && compute.contains("ProofBytes"), "\(compute)")
        // Scheduling overhead and the miner API under a bounded load (32 clients, read method).
        let diag = try await c.call("Filecoin.SealingSchedDiag")["Stats"] ?? .null
        guard let r = try? NodeRepo(path: c.minerRepo), let url = try? r.readAPIInfo().url(version: "v0") else { Issue.record("no miner api"); return }
        let load = await RPCLoad.run(url: url, token: try r.adminToken(), method: "Filecoin.SectorsList", params: [], concurrency: 32, duration: .seconds(2))
        #expect(load.errors == 0 && load.requests > 0)
        print(String(format: "node speed: scheduler %@; miner API Filecoin.SectorsList × 32 clients: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors",
                     diag.jsonString, load.perSecond, load.p50, load.p99, load.errors))
        print("== spnode miner sealing jobs\n\(jobsText)\n== spnode miner proving compute windowed-post \(victimDeadline)\n\(compute.prefix(400))…")
        print("== spnode miner sectors list\n\(list)\n== spnode miner sealing workers\n\(workers)\n== spnode miner proving info\n\(info)\n"
            + "== spnode miner proving deadlines\n\(dls)\n== spnode miner proving faults\n\(fl)\n== spnode miner proving check \(victimDeadline)\n\(check)")
    } catch {
        Issue.record("\(error)\n\(c.logs())")
        await c.shutdown(keepLogs: true)
        throw error
    }
    await c.shutdown(keepLogs: false)
}

@Test(.enabled(if: spnodeBinary() != nil, "needs the spnode executable (swift build)"), .timeLimit(.minutes(6)))
func clusterSurvivesFullAndMissingPathsWorkerSIGKILLMidPC1AndMinerSIGKILL() async throws {
    let c = try Cluster("reliability")
    do {
        try await c.startDaemon()
        try c.initMiner(sectorSize: "8MiB")
        // A seal path that is full (max-storage far below a sector) and one that disappears.
        try attach(c, c.dir + "/full", ["--seal", "--max-storage", "1KiB"])
        try attach(c, c.dir + "/gone", ["--seal"])
        try FileManager.default.removeItem(atPath: c.dir + "/gone")
        try await c.startMiner()
        try c.startWorker("wa", ["--pc1", "--pc2"])
        try c.startWorker("wb", ["--pc1", "--pc2"])
        try await c.waitWorkers(2)

        _ = try await c.call("Filecoin.PledgeSector")
        try await waitFor("sector 1 in PackingFailed with the reason", seconds: 30) {
            let s = try await c.status(1)
            return s["State"]?.string == "PackingFailed" && (s["LastErr"]?.string ?? "").contains("no storage path has room")
        }
        let err = try await c.status(1)["LastErr"]?.string ?? ""
        #expect(err.contains(c.dir + "/full") && err.contains("a sector needs"), "\(err)")
        #expect(err.contains(c.dir + "/gone"), "\(err)")
        // A path with room: the retry places the sector there.
        try attach(c, c.dir + "/store0", ["--seal", "--store"])

        // Kill the worker that runs PC1 while it runs; the task is retried on the other one.
        // An 8 MiB PC1 takes about half a second here: if it finished before the kill landed,
        // the attempt proves nothing, so restart the worker and try with the next sector.
        var killed = "", host = "", retried: UInt64 = 0
        for attempt in 0..<4 {
            let n = UInt64(attempt + 1)
            if attempt > 0 { _ = try await c.call("Filecoin.PledgeSector") }
            try await waitFor("PC1 running on a worker (sector \(n))", seconds: 90, poll: 0.01) {
                let jobs = try await c.call("Filecoin.WorkerJobs").object ?? [:]
                for (w, list) in jobs {
                    for j in list.array ?? [] where j["Task"]?.string == "seal/v0/precommit/1" && j["Sector"]?["Number"]?.double == Double(n) {
                        killed = w
                        return true
                    }
                }
                return false
            }
            let stats = try await c.call("Filecoin.WorkerStats")
            host = stats[killed]?["Info"]?["Hostname"]?.string ?? ""
            c.workers[host]?.kill9()
            try await waitFor("sector \(n) in Proving", seconds: 180, poll: 0.25) { try await c.status(n)["State"]?.string == "Proving" }
            let log = (try await c.status(n)["Log"]?.array ?? []).compactMap { $0["Message"]?.string }
            if log.contains(where: { $0.contains("PreCommit1 → SealPreCommit1Failed") }) {
                #expect(log.contains { $0.contains("stopped answering") || $0.contains("restarted") || $0.contains("calling") }, "\(log)")
                #expect(log.contains { $0.contains("SealPreCommit1Failed → PreCommit1") }, "\(log)")
                #expect(log.contains { $0.hasPrefix("PC1 done on worker") && !$0.contains(String(killed.prefix(8))) }, "\(log)")
                retried = n
                break
            }
            // PC1 was already done: bring the worker back and try again.
            try c.startWorker(host, ["--pc1", "--pc2"])
            try await c.waitWorkers(2)
        }
        #expect(retried > 0, "a PC1 was interrupted by the SIGKILL and retried on the other worker")
        #expect((try await c.status(1)["StoragePath"]?.string) == c.dir + "/store0")
        try await waitFor("the killed worker dropped", seconds: 30) { try await c.call("Filecoin.WorkerStats").object?.count == 1 }
        let log1 = (try await c.status(retried)["Log"]?.array ?? []).compactMap { $0["Message"]?.string }

        // Kill the miner mid-pipeline; the restarted miner resumes the sector from its state.
        let last = UInt64((try await c.call("Filecoin.PledgeSector"))["Number"]?.double ?? 0)
        var stateAtKill = ""
        try await waitFor("sector \(last) past PreCommit1", seconds: 120, poll: 0.02) {
            let s = try await c.status(last)["State"]?.string ?? ""
            stateAtKill = s
            return ["PreCommit2", "PreCommitting", "PreCommitWait", "WaitSeed", "Committing"].contains(s)
        }
        c.miner?.kill9()
        try await c.startMiner()
        try await waitFor("the worker reconnected", seconds: 30) { try await c.call("Filecoin.WorkerStats").object?.count == 1 }
        try await waitFor("sector \(last) in Proving after the restart", seconds: 180, poll: 0.25) { try await c.status(last)["State"]?.string == "Proving" }
        let list = (try await c.call("Filecoin.SectorsList").array ?? []).compactMap { $0.double.map { UInt64($0) } }
        #expect(list == Array(1...UInt64(list.count)) && list.count == Int(retried) + 1, "no sector lost or duplicated: \(list)")
        let log2 = (try await c.status(last)["Log"]?.array ?? []).compactMap { $0["Message"]?.string }
        let killedAt = log2.firstIndex { $0.hasSuffix("→ \(stateAtKill)") || $0.contains("→ \(stateAtKill):") } ?? -1
        #expect(killedAt >= 0, "the log shows the state at the kill (\(stateAtKill)): \(log2)")
        // The chain agrees: both sectors active.
        for n in list {
            let info = try await c.chain("Filecoin.StateSectorGetInfo", [.string("t01000"), .number(Double(n)), .null])
            #expect((info["Activation"]?.double ?? -1) >= 0, "sector \(n) active on chain")
        }
        // The 8 MiB sectors are proven in their deadlines (one proving period at most).
        try await waitFor("an 8 MiB WindowPoSt accepted", seconds: 120, poll: 0.25) {
            let h = try await c.call("Spnode.ProvingHistory").array ?? []
            return h.contains { $0["Partitions"] != nil && $0["Message"] != nil && $0["Error"] == nil && !($0["ProvenSectors"]?.array ?? []).isEmpty }
        }
        print("reliability: PC1 killed on \(host), retried elsewhere; miner killed in \(stateAtKill), resumed; logs:\n\(log1.joined(separator: "\n"))")
    } catch {
        Issue.record("\(error)\n\(c.logs())")
        await c.shutdown(keepLogs: true)
        throw error
    }
    await c.shutdown(keepLogs: false)
}
