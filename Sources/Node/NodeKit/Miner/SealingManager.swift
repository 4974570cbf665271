import Foundation
import Logging

/// The miner's scheduler and call tracker (Lotus `storage/sealer/manager.go`, `sched*.go`):
/// sealing tasks queue as requests, `SchedulerCore` assigns them to connected workers by task
/// type and resources, the worker answers a call id and reports the result through a
/// `Return*` method. Every second each worker's `Session` is asked; a worker that does not
/// answer twice in a row is dropped and its calls fail with `CallError.workerLost`, which the
/// sector state machine retries (on another worker when one is there).
public final class SealingManager: Sendable {
    struct Connected {
        var ann: WorkerAnnouncement
        var client: RPCClient
        var active = ActiveResources()
        var enabled = true
        var misses = 0
        var connectedAt = Date()
    }

    final class Job: @unchecked Sendable {
        let request: SchedRequest
        let params: SealTaskParams
        var worker: String?
        var runWait: Int              // JobRow.runWait: 0 running, 2+ assigned, -1 ret-wait
        var queued = Date()
        var start: Date?
        var callID: String?
        var continuation: CheckedContinuation<(SealTaskResult, String), Error>?
        init(request: SchedRequest, params: SealTaskParams, continuation: CheckedContinuation<(SealTaskResult, String), Error>) {
            self.request = request
            self.params = params
            self.runWait = 2
            self.continuation = continuation
        }
    }

    struct State {
        var workers: [String: Connected] = [:]
        var queue: [Job] = []
        var byCall: [String: Job] = [:]
        var early: [String: Result<SealTaskResult, CallError>] = [:]
        var assignedOrder: [Job] = []
        var waitingReasons: [String: [String]] = [:]
        var tasksDone = 0
        var schedulingSeconds = 0.0
        var schedulingPasses = 0
        /// Queue → running (assignment, the call to the worker, its CallID answer), summed.
        var dispatchSeconds = 0.0
        var dispatched = 0
        var dispatchSamples: [Double] = []
    }

    let state = RPCLocked(State())
    let token: String
    let logger: Logger

    public init(workerToken: String, logger: Logger) {
        token = workerToken
        self.logger = logger
    }

    // MARK: workers

    public func connect(_ ann: WorkerAnnouncement) async {
        let client = RPCClient(url: ann.URL, token: token, timeoutSeconds: 15)
        let old = state.withLock { s -> Connected? in
            let prev = s.workers[ann.ID]
            s.workers[ann.ID] = Connected(ann: ann, client: client)
            return prev
        }
        if let old {
            if old.ann.Session != ann.Session { failCalls(of: ann.ID, reason: "worker \(ann.ID.prefix(8)) restarted") }
            await old.client.shutdown()
        }
        logger.info("worker connected", metadata: ["worker": "\(ann.ID)", "host": "\(ann.Hostname)",
                                                   "tasks": "\(ann.TaskTypes.compactMap { TaskType(rawValue: $0)?.short }.joined(separator: ","))"])
        schedule()
    }

    /// Session checks: drops workers that stop answering.
    public func watch() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let ws = state.withLock { $0.workers.map { ($0.key, $0.value.client, $0.value.ann.Session) } }
            for (id, client, session) in ws {
                var ok = false
                do { ok = try await client.call("Filecoin.Session").string == session } catch {}
                let drop = state.withLock { s -> Bool in
                    guard var w = s.workers[id] else { return false }
                    w.misses = ok ? 0 : w.misses + 1
                    s.workers[id] = w
                    return w.misses >= 2
                }
                if drop {
                    logger.warning("worker stopped answering; dropping it and rescheduling its tasks", metadata: ["worker": "\(id)"])
                    let gone = state.withLock { $0.workers.removeValue(forKey: id) }
                    failCalls(of: id, reason: "worker \(id.prefix(8)) (\(gone?.ann.Hostname ?? "?")) stopped answering")
                    await gone?.client.shutdown()
                }
            }
        }
    }

    func failCalls(of worker: String, reason: String) {
        let lost = state.withLock { s -> [Job] in
            let jobs = s.assignedOrder.filter { $0.worker == worker }
            s.assignedOrder.removeAll { $0.worker == worker }
            for j in jobs { if let c = j.callID { s.byCall.removeValue(forKey: c) } }
            return jobs
        }
        for j in lost {
            j.continuation?.resume(throwing: CallError(code: CallError.workerLost, message: reason))
            j.continuation = nil
        }
        schedule()
    }

    // MARK: tasks

    /// Runs a sealing task on a worker; returns its result and the worker's id.
    public func run(_ task: TaskType, _ params: SealTaskParams, sectorSize: UInt64, preferred: String?) async throws -> (SealTaskResult, String) {
        try await withCheckedThrowingContinuation { c in
            let req = SchedRequest(id: UUID().uuidString.lowercased(), sector: params.Sector.ID.Number, task: task, sectorSize: sectorSize,
                                   preferredWorkers: preferred.map { [$0] } ?? [])
            let job = Job(request: req, params: params, continuation: c)
            state.withLock { $0.queue.append(job) }
            schedule()
        }
    }

    /// One scheduling pass over the queue.
    func schedule() {
        let clock = ContinuousClock(), t0 = clock.now
        let picks = state.withLock { s -> [(Job, Connected)] in
            guard !s.queue.isEmpty else { return [] }
            var workers = s.workers.values.map { w in
                SchedWorker(id: w.ann.ID, hostname: w.ann.Hostname, enabled: w.enabled,
                            taskTypes: Set(w.ann.TaskTypes.compactMap(TaskType.init(rawValue:))).union(Self.implicit(w.ann)),
                            info: w.ann.Resources, active: w.active)
            }.sorted { $0.id < $1.id }
            let pass = SchedulerCore.schedule(s.queue.map(\.request), workers: &workers)
            var out: [(Job, Connected)] = []
            for a in pass.assignments {
                guard let i = s.queue.firstIndex(where: { $0.request.id == a.request.id }), let w = s.workers[a.worker] else { continue }
                let job = s.queue.remove(at: i)
                job.worker = a.worker
                job.runWait = 2
                s.assignedOrder.append(job)
                out.append((job, w))
            }
            for w in workers { s.workers[w.id]?.active = w.active }
            s.waitingReasons = Dictionary(pass.waiting.map { ($0.request.id, $0.reasons) }, uniquingKeysWith: { a, _ in a })
            s.schedulingPasses += 1
            return out
        }
        state.withLock { $0.schedulingSeconds += seconds(clock.now - t0) }
        for (job, w) in picks { Task { await self.dispatch(job, w) } }
    }

    /// Every sealing worker also takes GET, C1 and FIN (node.md §1.3, worker registration).
    static func implicit(_ ann: WorkerAnnouncement) -> Set<TaskType> {
        let types = Set(ann.TaskTypes.compactMap(TaskType.init(rawValue:)))
        return types.contains { $0.workerKind == .sealing } ? [.fetch, .commit1, .finalize] : []
    }

    func dispatch(_ job: Job, _ w: Connected) async {
        guard let method = job.request.task.workerMethod else { return }
        do {
            let r = try await w.client.call(method, [try TaskJSON.encode(job.params)])
            let call = try TaskJSON.decode(CallID.self, r, "the worker's CallID")
            let early = state.withLock { s -> Result<SealTaskResult, CallError>? in
                job.callID = call.ID
                job.runWait = 0
                let now = Date()
                job.start = now
                let d = now.timeIntervalSince(job.queued)
                s.dispatchSeconds += d
                if s.dispatchSamples.count < 10_000 { s.dispatchSamples.append(d) }
                s.dispatched += 1
                s.byCall[call.ID] = job
                return s.early.removeValue(forKey: call.ID)
            }
            if let early { finish(call.ID, early) }
        } catch {
            release(job)
            job.continuation?.resume(throwing: CallError(code: CallError.temporary, message: "calling \(method) on worker \(w.ann.ID.prefix(8)): \(error)"))
            job.continuation = nil
        }
    }

    func release(_ job: Job) {
        state.withLock { s in
            s.assignedOrder.removeAll { $0 === job }
            if let c = job.callID { s.byCall.removeValue(forKey: c) }
            if let wid = job.worker, var w = s.workers[wid] {
                let need = w.ann.Resources.resources(for: job.request.task, sectorSize: job.request.sectorSize)
                w.active.free(need, task: job.request.task, sectorSize: job.request.sectorSize, worker: w.ann.Resources)
                s.workers[wid] = w
            }
            s.tasksDone += 1
        }
        schedule()
    }

    /// A `Return*` from a worker. Unknown calls are refused so the worker stops retrying.
    public func handleReturn(callID: String, result: SealTaskResult?, error: CallError?) throws {
        let r: Result<SealTaskResult, CallError> = error.map { .failure($0) } ?? .success(result ?? SealTaskResult())
        let known = state.withLock { s -> Bool in
            if s.byCall[callID] != nil { return true }
            // The answer to the dispatch call may still be on its way.
            if s.assignedOrder.contains(where: { $0.callID == nil }) {
                s.early[callID] = r
                return true
            }
            return false
        }
        guard known else { throw RPCError.failure(code: 1, message: "unknown call \(callID) (the miner restarted or the task was rescheduled)") }
        finish(callID, r)
    }

    func finish(_ callID: String, _ r: Result<SealTaskResult, CallError>) {
        guard let job = state.withLock({ $0.byCall[callID] }) else { return }
        job.runWait = -1
        release(job)
        switch r {
        case .success(let v): job.continuation?.resume(returning: (v, job.worker ?? ""))
        case .failure(let e): job.continuation?.resume(throwing: e)
        }
        job.continuation = nil
    }

    // MARK: views

    public func jobs() -> [JobRow] {
        state.withLock { s in
            let hosts = s.workers.mapValues(\.ann.Hostname)
            let host = { (id: String?) in id.flatMap { hosts[$0] } ?? "" }
            // Lotus RunWait: 0 running, n+1 for the n-th (from 1) task assigned to a worker and not yet started.
            var position: [String: Int] = [:]
            return s.assignedOrder.map { j in
                var wait = j.runWait
                if j.callID == nil {
                    position[j.worker ?? "", default: 0] += 1
                    wait = 1 + (position[j.worker ?? ""] ?? 1)
                }
                return JobRow(callID: j.callID ?? j.request.id, sector: j.request.sector, workerID: j.worker ?? "", hostname: host(j.worker),
                              task: j.request.task.short, runWait: wait, start: j.start)
            }
        }
    }

    /// Requests not yet assigned, with why they wait.
    public func queued() -> [(SchedRequest, [String])] {
        state.withLock { s in s.queue.map { ($0.request, s.waitingReasons[$0.request.id] ?? []) } }
    }

    public func workerRows() -> [WorkerRow] {
        state.withLock { s in
            s.workers.values.map { w in
                let counts = Dictionary(grouping: s.assignedOrder.filter { $0.worker == w.ann.ID }, by: { $0.request.task })
                    .map { t, jobs in WorkerTaskCount(short: t.short, order: t.order, count: jobs.count) }
                let r = w.ann.Resources
                return WorkerRow(id: w.ann.ID, hostname: w.ann.Hostname, enabled: w.enabled, tasks: counts.sorted { $0.order < $1.order },
                                 cpuUsed: w.active.cpuUse, cpus: r.cpus, memPhysical: r.memPhysical, memSwap: r.memSwap,
                                 memUsedOS: r.memUsed, memTaskMin: w.active.memUsedMin, memTaskMax: w.active.memUsedMax,
                                 gpus: r.gpus, gpuUsed: w.active.gpuUsed)
            }
        }
    }

    public func workerAnnouncements() -> [WorkerAnnouncement] { state.withLock { $0.workers.values.map(\.ann) } }

    /// A connected worker advertising `task` (PoSt workers), with its client.
    func postWorker(_ task: TaskType) -> (String, RPCClient)? {
        state.withLock { s in
            s.workers.values.sorted { $0.ann.ID < $1.ann.ID }.first { $0.ann.TaskTypes.contains(task.rawValue) }.map { ($0.ann.ID, $0.client) }
        }
    }

    /// Tasks finished, scheduling passes and their total time, and tasks dispatched with the
    /// total queue → running time (the scheduling overhead a task sees when a worker is free).
    public var stats: (tasks: Int, passes: Int, schedulingSeconds: Double, dispatched: Int, dispatchSeconds: Double, dispatchMedian: Double) {
        state.withLock { s in
            let sorted = s.dispatchSamples.sorted()
            return (s.tasksDone, s.schedulingPasses, s.schedulingSeconds, s.dispatched, s.dispatchSeconds, sorted.isEmpty ? 0 : sorted[sorted.count / 2])
        }
    }
}
