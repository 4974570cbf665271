import Foundation

// The miner scheduler's pure core, after Lotus `storage/sealer/sched_resources.go`,
// `request_queue.go`, `sched_assigner_common.go` and `sched_assigner_utilization.go`
// (node.md §3.4): queue order, the resource fit check, utilization, and one assignment pass.

/// Lotus `types.SizeStr`: binary units, `%.4g` (used in the "not enough memory" reasons).
private func schedSizeStr(_ bytes: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var f = Double(bytes), i = 0
    while f >= 1024 && i + 1 < units.count {
        f /= 1024
        i += 1
    }
    return String(format: "%.4g", f) + " " + units[i]
}

/// `n / d`, with 0/0 = 0 and n/0 = ∞ (a worker reporting no cores or memory is full).
private func fraction(_ n: Double, _ d: Double) -> Double {
    if d > 0 { return n / d }
    return n > 0 ? .infinity : 0
}

/// A worker's running (and, within a pass, just assigned) reservations (Lotus `ActiveResources`).
public struct ActiveResources: Sendable, Equatable {
    /// Threads reserved.
    public var cpuUse: Int
    /// Sum of the tasks' `minMemory` (bytes).
    public var memUsedMin: UInt64
    /// Sum of the tasks' `maxMemory` (bytes).
    public var memUsedMax: UInt64
    /// GPUs reserved (sum of `gpuUtilization`).
    public var gpuUsed: Double
    /// `"<short>:<sectorSize>"` (`WorkerResources.key`) → tasks of that type and size running.
    public var taskCounts: [String: Int]

    /// Nothing reserved.
    public init() {
        cpuUse = 0
        memUsedMin = 0
        memUsedMax = 0
        gpuUsed = 0
        taskCounts = [:]
    }

    /// Whether `need` fits on `worker` now (Lotus `CanHandleRequest`, node.md §3.4 rule 3),
    /// checked in Lotus' order, with the first failing check's reason:
    /// 1. `maxConcurrent > 0` and that many tasks of the type and size already run →
    ///    "at task limit tt=PC1:2048, curcount=2, max 2";
    /// 2. `minMemory + baseMinMemory > memPhysical − memUsedMin` (OS use is left to the vmem
    ///    check, since it can be swapped) → "not enough physical memory - need: 8 MiB, have 2 MiB available";
    /// 3. `maxMemory + baseMinMemory > memPhysical + memSwap − max(memUsedMax, memUsed + memSwapUsed)`
    ///    → "not enough virtual memory - need: …, have … available";
    /// 4. `cpuUse + threads > cpus` → "not enough threads, need 1, 2 in use, target 2";
    /// 5. the task uses a GPU, the worker has GPUs, and `gpuUsed + gpuUtilization > #GPUs` →
    ///    "GPU(s) in use - need 1.00, 1.00 of 1 in use".
    /// Available amounts never go below 0 (Lotus' unsigned subtraction would wrap instead).
    public func canHandle(_ need: Resources, task: TaskType, sectorSize: UInt64, worker: WorkerResources) -> (ok: Bool, reason: String?) {
        if need.maxConcurrent > 0 {
            let key = WorkerResources.key(task, sectorSize: sectorSize)
            let running = taskCounts[key] ?? 0
            if running >= need.maxConcurrent {
                return (false, "at task limit tt=\(key), curcount=\(running), max \(need.maxConcurrent)")
            }
        }

        let memNeeded = need.minMemory &+ need.baseMinMemory
        let memAvail = worker.memPhysical > memUsedMin ? worker.memPhysical - memUsedMin : 0
        if memNeeded > memAvail {
            return (false, "not enough physical memory - need: \(schedSizeStr(memNeeded)), have \(schedSizeStr(memAvail)) available")
        }

        let vmemNeeded = need.maxMemory &+ need.baseMinMemory
        let reserved = worker.memUsed &+ worker.memSwapUsed   // used outside the worker's tasks
        let vmemUsed = max(memUsedMax, reserved)
        let vmemTotal = worker.memPhysical &+ worker.memSwap
        let vmemAvail = vmemTotal > vmemUsed ? vmemTotal - vmemUsed : 0
        if vmemNeeded > vmemAvail {
            return (false, "not enough virtual memory - need: \(schedSizeStr(vmemNeeded)), have \(schedSizeStr(vmemAvail)) available")
        }

        let threads = need.threads(cpus: worker.cpus, gpus: worker.gpus.count)
        if cpuUse + threads > worker.cpus {
            return (false, "not enough threads, need \(threads), \(cpuUse) in use, target \(worker.cpus)")
        }

        if !worker.gpus.isEmpty && need.gpuUtilization > 0 && gpuUsed + need.gpuUtilization > Double(worker.gpus.count) {
            return (false, "GPU(s) in use - need \(String(format: "%.2f", need.gpuUtilization)), "
                + "\(String(format: "%.2f", gpuUsed)) of \(worker.gpus.count) in use")
        }
        return (true, nil)
    }

    /// Reserves `need` (Lotus `ActiveResources.Add`): threads, min/max memory, the GPU share
    /// (counted whenever `gpuUtilization > 0`, as upstream), and one task of the type and size.
    public mutating func add(_ need: Resources, task: TaskType, sectorSize: UInt64, worker: WorkerResources) {
        if need.gpuUtilization > 0 { gpuUsed += need.gpuUtilization }
        cpuUse += need.threads(cpus: worker.cpus, gpus: worker.gpus.count)
        memUsedMin &+= need.minMemory
        memUsedMax &+= need.maxMemory
        taskCounts[WorkerResources.key(task, sectorSize: sectorSize), default: 0] += 1
    }

    /// Releases what `add` reserved for the same arguments (Lotus `ActiveResources.Free`);
    /// counters stop at 0 and a task count that reaches 0 is removed.
    public mutating func free(_ need: Resources, task: TaskType, sectorSize: UInt64, worker: WorkerResources) {
        if need.gpuUtilization > 0 { gpuUsed = max(0, gpuUsed - need.gpuUtilization) }
        cpuUse = max(0, cpuUse - need.threads(cpus: worker.cpus, gpus: worker.gpus.count))
        memUsedMin = memUsedMin > need.minMemory ? memUsedMin - need.minMemory : 0
        memUsedMax = memUsedMax > need.maxMemory ? memUsedMax - need.maxMemory : 0
        let key = WorkerResources.key(task, sectorSize: sectorSize)
        if let n = taskCounts[key] {
            if n <= 1 { taskCounts.removeValue(forKey: key) } else { taskCounts[key] = n - 1 }
        }
    }

    /// Tasks running, all types.
    public var taskTotal: Int { taskCounts.values.reduce(0, +) }

    /// Lotus `ActiveResources.utilization`, 0…1 for a worker within its means: the largest of
    /// `cpuUse / cpus`, `max(memUsedMin, memUsed) / memPhysical`,
    /// `max(memUsedMax, memUsed + memSwapUsed) / (memPhysical + memSwap)` and, if the worker
    /// has GPUs, `gpuUsed / #GPUs`.
    public func utilization(_ worker: WorkerResources) -> Double {
        var m = fraction(Double(cpuUse), Double(worker.cpus))
        m = max(m, fraction(Double(max(memUsedMin, worker.memUsed)), Double(worker.memPhysical)))
        let vmemUsed = max(memUsedMax, worker.memUsed &+ worker.memSwapUsed)
        m = max(m, fraction(Double(vmemUsed), Double(worker.memPhysical) + Double(worker.memSwap)))
        if !worker.gpus.isEmpty { m = max(m, gpuUsed / Double(worker.gpus.count)) }
        return m
    }
}

/// A task waiting to be scheduled (Lotus `WorkerRequest`).
public struct SchedRequest: Sendable, Equatable {
    /// Call / request id (a UUID string).
    public var id: String
    /// Sector number.
    public var sector: UInt64
    /// What to run.
    public var task: TaskType
    /// Sector size in bytes (selects the resource row).
    public var sectorSize: UInt64
    /// Caller priority; larger runs first (Lotus context priority, default 0).
    public var priority: Int
    /// Workers that already hold the sector's files (the "existing" selector's preferred
    /// workers). When one of them can take the task, only those are considered; empty = no preference.
    public var preferredWorkers: Set<String>
    /// nil = any worker; otherwise only these (e.g. the workers with a path that fits).
    public var allowedWorkers: Set<String>?

    /// All fields given.
    public init(id: String, sector: UInt64, task: TaskType, sectorSize: UInt64, priority: Int = 0,
                preferredWorkers: Set<String> = [], allowedWorkers: Set<String>? = nil) {
        self.id = id
        self.sector = sector
        self.task = task
        self.sectorSize = sectorSize
        self.priority = priority
        self.preferredWorkers = preferredWorkers
        self.allowedWorkers = allowedWorkers
    }

    /// Lotus `RequestQueue.Less` (node.md §3.4 rule 1): if exactly one of the two tasks has a
    /// negative order, that one first; else higher `priority` first; else lower task `order`
    /// first; else lower sector number first.
    public static func queueLess(_ a: SchedRequest, _ b: SchedRequest) -> Bool {
        let (oneNegative, less) = a.task.muchLess(b.task)
        if oneNegative { return less }
        if a.priority != b.priority { return a.priority > b.priority }
        if a.task != b.task { return a.task.less(b.task) }
        return a.sector < b.sector
    }
}

/// A connected worker as the scheduler sees it (Lotus `WorkerHandle`).
public struct SchedWorker: Sendable, Equatable {
    /// Worker id (UUID string).
    public var id: String
    /// Host name.
    public var hostname: String
    /// Disabled workers get no tasks.
    public var enabled: Bool
    /// Task types the worker takes.
    public var taskTypes: Set<TaskType>
    /// What the worker announced.
    public var info: WorkerResources
    /// Reservations of tasks already running or assigned; a pass adds its assignments here.
    public var active: ActiveResources

    /// All fields given.
    public init(id: String, hostname: String = "", enabled: Bool = true, taskTypes: Set<TaskType>, info: WorkerResources,
                active: ActiveResources = ActiveResources()) {
        self.id = id
        self.hostname = hostname
        self.enabled = enabled
        self.taskTypes = taskTypes
        self.info = info
        self.active = active
    }
}

/// One scheduling pass, pure (Lotus `AssignerCommon.TrySched` with the default `utilization`
/// assigner, node.md §3.4 rules 1, 3, 4, without windows: a worker's capacity is its
/// resources minus `active`).
public struct SchedulerCore {
    /// A request given to a worker.
    public struct Assignment: Sendable, Equatable {
        /// The request.
        public var request: SchedRequest
        /// The worker's id.
        public var worker: String
        /// Both given.
        public init(request: SchedRequest, worker: String) {
            self.request = request
            self.worker = worker
        }
    }

    /// What a pass decided.
    public struct Pass: Sendable {
        /// Assignments in queue order.
        public var assignments: [Assignment]
        /// Requests that fit nowhere, in queue order, each with one reason per worker that
        /// refused it (`"<worker id>: <why>"`), or `["no workers"]`.
        public var waiting: [(request: SchedRequest, reasons: [String])]
        /// Both given.
        public init(assignments: [Assignment] = [], waiting: [(request: SchedRequest, reasons: [String])] = []) {
            self.assignments = assignments
            self.waiting = waiting
        }
    }

    /// Schedules `queue` onto `workers`:
    /// 1. the queue is sorted by `SchedRequest.queueLess` (stably: equal requests keep their
    ///    input order; Lotus' `sort.Sort` is not stable);
    /// 2. for each request in that order, a worker is acceptable when it is enabled, takes the
    ///    task type, is in `allowedWorkers` (if given) and `canHandle` the worker's resource
    ///    spec for the task (`WorkerResources.resources(for:sectorSize:)`) on top of its
    ///    `active` reservations — which include what this pass already assigned;
    /// 3. if any acceptable worker is in `preferredWorkers`, only those stay;
    /// 4. the one with the lowest `ActiveResources.utilization` gets the request, and its
    ///    resources are reserved in `workers[i].active` for the rest of the pass.
    ///    Ties go to the smallest worker id (Lotus shuffles equally good workers; we keep
    ///    the result deterministic instead).
    /// A request that fits nowhere waits; a later one that fits still goes (as in Lotus).
    public static func schedule(_ queue: [SchedRequest], workers: inout [SchedWorker]) -> Pass {
        let sorted = queue.enumerated().sorted { x, y in
            if SchedRequest.queueLess(x.element, y.element) { return true }
            if SchedRequest.queueLess(y.element, x.element) { return false }
            return x.offset < y.offset
        }.map(\.element)
        let byID = workers.indices.sorted { workers[$0].id < workers[$1].id }

        var assignments: [Assignment] = []
        var waiting: [(request: SchedRequest, reasons: [String])] = []
        for req in sorted {
            var reasons: [String] = []
            var acceptable: [(index: Int, need: Resources)] = []
            var havePreferred = false
            for i in byID {
                let w = workers[i]
                func refuse(_ why: String) { reasons.append("\(w.id): \(why)") }
                guard w.enabled else { refuse("disabled"); continue }
                guard w.taskTypes.contains(req.task) else { refuse("does not take \(req.task.short) tasks"); continue }
                if let allowed = req.allowedWorkers, !allowed.contains(w.id) { refuse("not selected for this sector"); continue }
                let need = w.info.resources(for: req.task, sectorSize: req.sectorSize)
                let fit = w.active.canHandle(need, task: req.task, sectorSize: req.sectorSize, worker: w.info)
                guard fit.ok else { refuse(fit.reason ?? "resources do not fit"); continue }
                let preferred = req.preferredWorkers.contains(w.id)
                if havePreferred && !preferred { continue }
                if preferred && !havePreferred {
                    acceptable.removeAll()
                    havePreferred = true
                }
                acceptable.append((i, need))
            }

            var best: (index: Int, need: Resources, util: Double)?
            for a in acceptable {
                let u = workers[a.index].active.utilization(workers[a.index].info)
                if best.map({ u < $0.util }) ?? true { best = (a.index, a.need, u) }
            }
            guard let best else {
                waiting.append((req, reasons.isEmpty ? ["no workers"] : reasons))
                continue
            }
            workers[best.index].active.add(best.need, task: req.task, sectorSize: req.sectorSize, worker: workers[best.index].info)
            assignments.append(Assignment(request: req, worker: workers[best.index].id))
        }
        return Pass(assignments: assignments, waiting: waiting)
    }
}
