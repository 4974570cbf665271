import Foundation

// Task types and per-task resource needs, after Lotus `storage/sealer/sealtasks/task.go` and
// `storage/sealer/storiface/resources.go` (node.md §3.2, §3.3). Written from those sources'
// behaviour; the numbers are the table in node.md §3.3.

// MARK: - Task types

/// Lotus `sealtasks.TaskType`: the kinds of work the miner's scheduler hands to workers.
/// The raw value is Lotus' task type string (what `Filecoin.TaskTypes` and `WorkerJobs` carry).
public enum TaskType: String, CaseIterable, Sendable, Codable, Comparable {
    case addPiece = "seal/v0/addpiece"
    case dataCid = "seal/v0/datacid"
    case preCommit1 = "seal/v0/precommit/1"
    case preCommit2 = "seal/v0/precommit/2"
    case commit1 = "seal/v0/commit/1"
    case commit2 = "seal/v0/commit/2"
    case finalize = "seal/v0/finalize"
    case finalizeUnsealed = "seal/v0/finalizeunsealed"
    case fetch = "seal/v0/fetch"
    case download = "seal/v0/download/sector"
    case unseal = "seal/v0/unseal"
    case replicaUpdate = "seal/v0/replicaupdate"
    case proveReplicaUpdate1 = "seal/v0/provereplicaupdate/1"
    case proveReplicaUpdate2 = "seal/v0/provereplicaupdate/2"
    case regenSectorKey = "seal/v0/regensectorkey"
    case finalizeReplicaUpdate = "seal/v0/finalize/replicaupdate"
    case winningPoSt = "post/v0/winningproof"
    case windowPoSt = "post/v0/windowproof"

    /// Lotus `TaskType.Short()`: the short name `sealing jobs` / `sealing workers` print and
    /// the prefix of the resource env variables ("AP", "PC1", …; node.md §3.2).
    public var short: String {
        switch self {
        case .addPiece: "AP"
        case .dataCid: "DC"
        case .preCommit1: "PC1"
        case .preCommit2: "PC2"
        case .commit1: "C1"
        case .commit2: "C2"
        case .finalize: "FIN"
        case .finalizeUnsealed: "FUS"
        case .fetch: "GET"
        case .download: "DL"
        case .unseal: "UNS"
        case .replicaUpdate: "RU"
        case .proveReplicaUpdate1: "PR1"
        case .proveReplicaUpdate2: "PR2"
        case .regenSectorKey: "GSK"
        case .finalizeReplicaUpdate: "FRU"
        case .winningPoSt: "WNP"
        case .windowPoSt: "WDP"
        }
    }

    /// Lotus' scheduling `order` (lower runs first; node.md §3.2). Negative orders are the
    /// "much more urgent" class (PoSt, finalize, fetch). FRU has no entry upstream, so it is 0.
    public var order: Int {
        switch self {
        case .regenSectorKey: 11
        case .dataCid: 10
        case .addPiece: 9
        case .replicaUpdate: 8
        case .proveReplicaUpdate2: 7
        case .proveReplicaUpdate1: 6
        case .preCommit1: 5
        case .preCommit2: 4
        case .commit2: 3
        case .commit1: 2
        case .unseal: 1
        case .finalizeReplicaUpdate: 0
        case .fetch: -1
        case .download: -2
        case .finalize: -3
        case .finalizeUnsealed: -4
        case .windowPoSt: -5
        case .winningPoSt: -6
        }
    }

    /// The kind of worker that runs a task (Lotus `TaskType.WorkerType()`).
    public enum WorkerKind: String, Sendable, Codable {
        case sealing = "Sealing", winPost = "WinPost", wdPoSt = "WdPoSt"
    }

    /// WinningPoSt → `WinPost`, WindowPoSt → `WdPoSt`, everything else → `Sealing`.
    public var workerKind: WorkerKind {
        switch self {
        case .winningPoSt: .winPost
        case .windowPoSt: .wdPoSt
        default: .sealing
        }
    }

    /// Whether the task's resources depend on the sector size (Lotus `SectorSized`: all but DC).
    public var sectorSized: Bool { self != .dataCid }

    /// The task with this short name ("PC1" → `.preCommit1`); nil for unknown names (incl. "UNK").
    public init?(short: String) {
        guard let t = TaskType.allCases.first(where: { $0.short == short }) else { return nil }
        self = t
    }

    /// Lotus `TaskType.Less`: `self` runs before `other` (lower `order`).
    public func less(_ other: TaskType) -> Bool { order < other.order }

    /// Lotus `TaskType.MuchLess`: `oneNegative` is true when exactly one of the two orders is
    /// negative (then that one wins outright); `less` is `order < other.order`.
    public func muchLess(_ other: TaskType) -> (oneNegative: Bool, less: Bool) {
        ((order < 0) != (other.order < 0), order < other.order)
    }

    /// Ordered by `order` (every task type has a distinct order, so this is a total order).
    public static func < (a: TaskType, b: TaskType) -> Bool { a.less(b) }
}

// MARK: - Sector sizes

/// Lotus `SectorSize.ShortString()` without the trailing "iB", as used in resource env
/// variable names: 2048 → "2K", 8 MiB → "8M", 512 MiB → "512M", 32 GiB → "32G", 64 GiB → "64G".
/// Other sizes are truncated to the largest binary unit they reach (1536 → "1K"); sizes below
/// 1 KiB keep the "B" (Lotus trims only "iB").
public func shortSizeName(_ bytes: UInt64) -> String {
    let units = ["B", "K", "M", "G", "T", "P", "E"]
    var s = bytes, unit = 0
    while s >= 1024 && unit < units.count - 1 {
        s /= 1024
        unit += 1
    }
    return "\(s)\(units[unit])"
}

// MARK: - Resources

/// Lotus `storiface.Resources`: what one task of a type needs on a worker, for one sector size.
public struct Resources: Sendable, Codable, Equatable {
    /// Memory that must be in RAM for the task (bytes).
    public var minMemory: UInt64
    /// Peak memory, RAM plus swap (bytes).
    public var maxMemory: UInt64
    /// Threads used without a GPU; -1 = all cores (`cpus·92/100`).
    public var maxParallelism: Int
    /// Threads used when a GPU is used; 0 = same as `maxParallelism`.
    public var maxParallelismGPU: Int
    /// Fraction of one GPU the task takes (0 = no GPU).
    public var gpuUtilization: Double
    /// Memory shared between tasks of the type on one worker (parameters etc.; bytes).
    public var baseMinMemory: UInt64
    /// Most tasks of this type and size on one worker at once; 0 (or less) = no cap.
    public var maxConcurrent: Int

    /// All fields given; the defaults make an all-zero row (FIN/FUS/FRU/DL).
    public init(minMemory: UInt64 = 0, maxMemory: UInt64 = 0, maxParallelism: Int = 0, maxParallelismGPU: Int = 0,
                gpuUtilization: Double = 0, baseMinMemory: UInt64 = 0, maxConcurrent: Int = 0) {
        self.minMemory = minMemory
        self.maxMemory = maxMemory
        self.maxParallelism = maxParallelism
        self.maxParallelismGPU = maxParallelismGPU
        self.gpuUtilization = gpuUtilization
        self.baseMinMemory = baseMinMemory
        self.maxConcurrent = maxConcurrent
    }

    /// The all-zero row: the task is always schedulable and reserves nothing.
    public static let zero = Resources()

    /// Lotus' JSON field names.
    enum CodingKeys: String, CodingKey {
        case minMemory = "MinMemory", maxMemory = "MaxMemory", maxParallelism = "MaxParallelism"
        case maxParallelismGPU = "MaxParallelismGPU", gpuUtilization = "GPUUtilization"
        case baseMinMemory = "BaseMinMemory", maxConcurrent = "MaxConcurrent"
    }

    /// Threads the task takes on a worker with `cpus` cores and `gpus` GPUs (Lotus
    /// `Resources.Threads`). When the task can use a GPU (`gpuUtilization > 0`), the worker has
    /// one and `maxParallelismGPU != 0`, that value is used instead of `maxParallelism`.
    /// -1 means `cpus·92/100`; when that rounds to 0 (fewer than 2 cores) it is `cpus`, as in
    /// Lotus, so at least 1 on any real host. 2 cores → 1 thread, 64 cores → 58.
    /// Other negative values (which `ResourceTable.resolved` refuses) are treated as -1.
    public func threads(cpus: Int, gpus: Int) -> Int {
        var mp = maxParallelism
        if gpuUtilization > 0 && gpus > 0 && maxParallelismGPU != 0 { mp = maxParallelismGPU }
        guard mp < 0 else { return mp }
        let c = max(cpus, 0)
        let n = c * 92 / 100
        return n == 0 ? c : n
    }
}

/// An invalid resource env variable (`ResourceTable.resolved`); the text names the variable.
public struct ResourceError: Error, CustomStringConvertible, Equatable {
    /// E.g. `invalid PC1_32G_MAX_CONCURRENT="two": not an integer`.
    public var description: String
    /// An error with this text.
    public init(_ description: String) { self.description = description }
}

/// Lotus `storiface.ResourceTable` (node.md §3.3) and its env overrides (`ParseResourceEnv`).
public enum ResourceTable {
    /// The five sector sizes the table has rows for (bytes): 2 KiB, 8 MiB, 512 MiB, 32 GiB, 64 GiB.
    public static let sectorSizes: [UInt64] = [2 << 10, 8 << 20, 512 << 20, 32 << 30, 64 << 30]

    private static let kib: UInt64 = 1 << 10, mib: UInt64 = 1 << 20, gib: UInt64 = 1 << 30

    /// Whether Lotus' table has rows for the task at all. FIN, FUS, FRU and DL have none: their
    /// resources are all zero and env variables do not change them (Lotus iterates the table).
    public static func hasRow(_ task: TaskType) -> Bool {
        switch task {
        case .finalize, .finalizeUnsealed, .finalizeReplicaUpdate, .download: false
        default: true
        }
    }

    /// Index of a sector size in `sectorSizes`, nil when the table has no row for it.
    private static func sizeIndex(_ sectorSize: UInt64) -> Int? { sectorSizes.firstIndex(of: sectorSize) }

    /// The §3.3 row for a task and sector size (bytes). V1_1 and SyntheticPoRep proofs have the
    /// same sector sizes, so they get the V1 row. UNS uses PC1's rows, GSK RU's, DC the AP
    /// 32 GiB row for every size; FIN/FUS/FRU/DL are all zero. A sector size the table has no
    /// row for gets the all-zero row: Lotus indexes a Go map by proof type, and a missing
    /// entry yields the zero `Resources` (what NiPoRep proof types get upstream).
    public static func defaults(_ task: TaskType, sectorSize: UInt64) -> Resources {
        guard hasRow(task), let i = sizeIndex(sectorSize) else { return .zero }
        func row(_ mins: [UInt64], _ maxs: [UInt64], p: [Int], pGPU: [Int] = [0, 0, 0, 0, 0], gpu: [Double] = [0, 0, 0, 0, 0],
                 base: [UInt64]) -> Resources {
            Resources(minMemory: mins[i], maxMemory: maxs[i], maxParallelism: p[i], maxParallelismGPU: pGPU[i],
                      gpuUtilization: gpu[i], baseMinMemory: base[i])
        }
        let one: [Double] = [1, 1, 1, 1, 1]
        let bigGPU = [0, 0, 0, 6, 6]
        switch task {
        case .addPiece:
            return row([2 * kib, 8 * mib, gib, 4 * gib, 8 * gib], [2 * kib, 8 * mib, gib, 4 * gib, 8 * gib], p: [1, 1, 1, 1, 1],
                       base: [2 * kib, 8 * mib, gib, gib, gib])
        case .dataCid:
            // Lotus: DataCid ignores the proof type and uses AddPiece's 32 GiB row for every size.
            return Resources(minMemory: 4 * gib, maxMemory: 4 * gib, maxParallelism: 1, baseMinMemory: gib)
        case .preCommit1, .unseal:
            return row([2 * kib, 8 * mib, 768 * mib, 56 * gib, 112 * gib], [2 * kib, 8 * mib, gib, 64 * gib, 128 * gib],
                       p: [1, 1, 1, 1, 1], base: [2 * kib, 8 * mib, mib, 10 * mib, 10 * mib])
        case .preCommit2:
            return row([2 * kib, 8 * mib, gib, 15 * gib, 30 * gib], [2 * kib, 8 * mib, 3 * gib / 2, 15 * gib, 30 * gib],
                       p: [-1, -1, -1, -1, -1], pGPU: bigGPU, gpu: [0, 0, 0, 1, 1], base: [2 * kib, 8 * mib, gib, gib, gib])
        case .commit1, .proveReplicaUpdate1:
            return row([2 * kib, 8 * mib, gib, gib, gib], [2 * kib, 8 * mib, gib, gib, gib], p: [0, 0, 0, 0, 0],
                       base: [2 * kib, 8 * mib, gib, gib, gib])
        case .commit2, .proveReplicaUpdate2:
            return row([2 * kib, 8 * mib, gib, 30 * gib, 60 * gib], [2 * kib, 8 * mib, 3 * gib / 2, 150 * gib, 190 * gib],
                       p: [1, 1, 1, -1, -1], pGPU: bigGPU, gpu: one, base: [2 * kib, 8 * mib, 10 * gib, 32 * gib, 64 * gib])
        case .fetch:
            return Resources(minMemory: mib, maxMemory: mib)
        case .replicaUpdate, .regenSectorKey:
            return row([2 * kib, 8 * mib, gib, 4 * gib, 8 * gib], [2 * kib, 8 * mib, gib, 4 * gib, 8 * gib], p: [1, 1, 1, 1, 1],
                       pGPU: bigGPU, gpu: one, base: [2 * kib, 8 * mib, gib, gib, gib])
        case .windowPoSt:
            return row([2 * kib, 8 * mib, gib, 30 * gib, 60 * gib], [2 * kib, 8 * mib, 3 * gib / 2, 96 * gib, 120 * gib],
                       p: [1, 1, 1, -1, -1], pGPU: bigGPU, gpu: one, base: [2 * kib, 8 * mib, 10 * gib, 32 * gib, 64 * gib])
        case .winningPoSt:
            return row([2 * kib, 8 * mib, 2 * kib, gib, gib], [2 * kib, 8 * mib, 2 * kib, gib, gib],
                       p: [1, 1, 1, -1, -1], pGPU: bigGPU, gpu: one, base: [2 * kib, 8 * mib, 10 * gib, 32 * gib, 64 * gib])
        case .finalize, .finalizeUnsealed, .finalizeReplicaUpdate, .download:
            return .zero
        }
    }

    /// The env field names, in Lotus' struct order.
    public static let envFields = ["MIN_MEMORY", "MAX_MEMORY", "GPU_UTILIZATION", "MAX_PARALLELISM", "MAX_PARALLELISM_GPU",
                                   "BASE_MIN_MEMORY", "MAX_CONCURRENT"]

    /// `defaults` with a worker's env overrides applied, as Lotus `ParseResourceEnv` does. For
    /// each field, `<SHORT>_<size>_<FIELD>` (size "2K" "8M" "512M" "32G" "64G") is looked up
    /// first and wins; if it is unset, `<SHORT>_<FIELD>`; if neither is set and the field is
    /// PC1's or UNS's `MAX_PARALLELISM`, it becomes `1 + producers`, producers being 3 when
    /// `FIL_PROOFS_USE_MULTICORE_SDR=1` (or `FIL_PROOFS_MULTICORE_SDR_PRODUCERS` if that is also
    /// set) and 0 otherwise. Tasks and sizes without a table row stay all zero, env or not.
    ///
    /// Values parse like Go's: memory fields are unsigned decimal integers, the parallelism and
    /// concurrency fields signed integers, `GPU_UTILIZATION` a number. An unparsable value
    /// throws `ResourceError` naming the variable (Lotus ignores the parse error there and
    /// leaves the field 0; we refuse instead), as does a `MAX_PARALLELISM`/`MAX_PARALLELISM_GPU`
    /// below -1 (which Lotus would turn into a huge thread count), a non-finite or negative
    /// `GPU_UTILIZATION`, and an invalid `FIL_PROOFS_MULTICORE_SDR_PRODUCERS` (Lotus errors too).
    public static func resolved(_ task: TaskType, sectorSize: UInt64, env: [String: String]) throws -> Resources {
        var r = defaults(task, sectorSize: sectorSize)
        guard hasRow(task), sizeIndex(sectorSize) != nil else { return r }
        let short = task.short, size = shortSizeName(sectorSize)
        for field in envFields {
            let sized = "\(short)_\(size)_\(field)", generic = "\(short)_\(field)"
            let name: String, value: String
            if let v = env[sized] {
                (name, value) = (sized, v)
            } else if let v = env[generic] {
                (name, value) = (generic, v)
            } else {
                if (task == .preCommit1 || task == .unseal) && field == "MAX_PARALLELISM" {
                    r.maxParallelism = try sdrThreads(env)
                }
                continue
            }
            try apply(field, value, name: name, to: &r)
        }
        return r
    }

    /// Lotus `getSDRThreads`: the PC1 worker thread plus the multicore-SDR producer threads.
    static func sdrThreads(_ env: [String: String]) throws -> Int {
        var producers = 0
        if env["FIL_PROOFS_USE_MULTICORE_SDR"] == "1" {
            producers = 3
            if let p = env["FIL_PROOFS_MULTICORE_SDR_PRODUCERS"] {
                guard let n = Int(p) else {
                    throw ResourceError("invalid FIL_PROOFS_MULTICORE_SDR_PRODUCERS=\"\(p)\": not an integer")
                }
                guard n >= 0 else {
                    throw ResourceError("invalid FIL_PROOFS_MULTICORE_SDR_PRODUCERS=\"\(p)\": must not be negative")
                }
                producers = n
            }
        }
        return producers + 1
    }

    private static func apply(_ field: String, _ value: String, name: String, to r: inout Resources) throws {
        func bad(_ why: String) -> ResourceError { ResourceError("invalid \(name)=\"\(value)\": \(why)") }
        func unsigned() throws -> UInt64 {
            // Go strconv.ParseUint(s, 10, 64): decimal digits only, no sign, no spaces.
            guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { throw bad("not an unsigned integer") }
            guard let v = UInt64(value) else { throw bad("out of range") }
            return v
        }
        func signed() throws -> Int {
            // Go strconv.Atoi: optional sign, decimal digits.
            guard let v = Int(value) else { throw bad("not an integer") }
            return v
        }
        switch field {
        case "MIN_MEMORY": r.minMemory = try unsigned()
        case "MAX_MEMORY": r.maxMemory = try unsigned()
        case "BASE_MIN_MEMORY": r.baseMinMemory = try unsigned()
        case "MAX_PARALLELISM", "MAX_PARALLELISM_GPU":
            let v = try signed()
            guard v >= -1 else { throw bad("must be -1 (all cores) or a thread count") }
            if field == "MAX_PARALLELISM" { r.maxParallelism = v } else { r.maxParallelismGPU = v }
        case "MAX_CONCURRENT": r.maxConcurrent = try signed()
        case "GPU_UTILIZATION":
            guard let v = Double(value) else { throw bad("not a number") }
            guard v.isFinite, v >= 0 else { throw bad("must be a non-negative number") }
            r.gpuUtilization = v
        default: break
        }
    }
}

// MARK: - Worker resources

/// What a worker announces about itself (Lotus `storiface.WorkerResources`).
public struct WorkerResources: Sendable, Codable, Equatable {
    /// Physical RAM (bytes).
    public var memPhysical: UInt64
    /// RAM in use outside the worker's tasks: total − available (bytes).
    public var memUsed: UInt64
    /// Swap size (bytes).
    public var memSwap: UInt64
    /// Swap in use (bytes).
    public var memSwapUsed: UInt64
    /// Logical cores.
    public var cpus: Int
    /// GPU names (none on our hosts).
    public var gpus: [String]
    /// Resolved per-task resources for the sector sizes the worker will see, keyed
    /// `"<task short>:<sectorSize>"` (e.g. `"PC1:2048"`), so env overrides on the worker
    /// reach the miner's scheduler. Missing entries fall back to `ResourceTable.defaults`.
    public var resources: [String: Resources]

    /// The map key for a task and sector size: `"PC1:2048"`.
    public static func key(_ task: TaskType, sectorSize: UInt64) -> String { "\(task.short):\(sectorSize)" }

    /// Lotus `WorkerResources.ResourceSpec`: the worker's own entry if it sent one, else the
    /// default table row.
    public func resources(for task: TaskType, sectorSize: UInt64) -> Resources {
        resources[Self.key(task, sectorSize: sectorSize)] ?? ResourceTable.defaults(task, sectorSize: sectorSize)
    }

    /// All fields given.
    public init(memPhysical: UInt64, memUsed: UInt64, memSwap: UInt64, memSwapUsed: UInt64, cpus: Int, gpus: [String],
                resources: [String: Resources] = [:]) {
        self.memPhysical = memPhysical
        self.memUsed = memUsed
        self.memSwap = memSwap
        self.memSwapUsed = memSwapUsed
        self.cpus = cpus
        self.gpus = gpus
        self.resources = resources
    }

    /// Lotus' JSON field names (`Resources` is keyed our way, not by task and proof type).
    enum CodingKeys: String, CodingKey {
        case memPhysical = "MemPhysical", memUsed = "MemUsed", memSwap = "MemSwap", memSwapUsed = "MemSwapUsed"
        case cpus = "CPUs", gpus = "GPUs", resources = "Resources"
    }

    /// Decodes Lotus-shaped JSON; `GPUs` and `Resources` may be missing or null (Go nil).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        memPhysical = try c.decode(UInt64.self, forKey: .memPhysical)
        memUsed = try c.decode(UInt64.self, forKey: .memUsed)
        memSwap = try c.decode(UInt64.self, forKey: .memSwap)
        memSwapUsed = try c.decode(UInt64.self, forKey: .memSwapUsed)
        cpus = try c.decode(Int.self, forKey: .cpus)
        gpus = try c.decodeIfPresent([String].self, forKey: .gpus) ?? []
        resources = try c.decodeIfPresent([String: Resources].self, forKey: .resources) ?? [:]
    }

    /// Task types a Lotus sealing worker always takes besides the chosen ones
    /// (`cli/worker/worker.go`): GET, C1, PR1, FIN, FUS, FRU.
    public static let sealingHelpers: [TaskType] = [.fetch, .commit1, .proveReplicaUpdate1, .finalize, .finalizeUnsealed,
                                                    .finalizeReplicaUpdate]

    /// Reads this host, as Lotus' local worker does (without its cgroup limits): `/proc/meminfo`
    /// `MemTotal`, `MemAvailable` (used = total − available), `SwapTotal`, `SwapFree` (swap used
    /// = total − free); where there is no `/proc/meminfo`, `ProcessInfo.physicalMemory` with
    /// nothing used and no swap. Cores: `ProcessInfo.activeProcessorCount`. No GPUs.
    /// `resources` holds `ResourceTable.resolved` for each of `taskTypes` (every task type
    /// when empty; plus `sealingHelpers` when a sealing type is listed) that has a table row,
    /// at each of `sectorSizes`. Throws `ResourceError` for an invalid env override.
    public static func probeHost(taskTypes: [TaskType], sectorSizes: [UInt64], env: [String: String]) throws -> WorkerResources {
        var types = taskTypes.isEmpty ? TaskType.allCases : taskTypes
        if types.contains(where: { $0.workerKind == .sealing }) {
            for t in sealingHelpers where !types.contains(t) { types.append(t) }
        }
        var map: [String: Resources] = [:]
        for t in types where ResourceTable.hasRow(t) {
            for s in sectorSizes {
                map[key(t, sectorSize: s)] = try ResourceTable.resolved(t, sectorSize: s, env: env)
            }
        }
        let cpus = max(1, ProcessInfo.processInfo.activeProcessorCount)
        if let mem = readMeminfo() {
            let total = mem["MemTotal"] ?? 0, avail = mem["MemAvailable"] ?? mem["MemFree"] ?? 0
            let swap = mem["SwapTotal"] ?? 0, swapFree = mem["SwapFree"] ?? 0
            return WorkerResources(memPhysical: total, memUsed: total > avail ? total - avail : 0, memSwap: swap,
                                   memSwapUsed: swap > swapFree ? swap - swapFree : 0, cpus: cpus, gpus: [], resources: map)
        }
        return WorkerResources(memPhysical: ProcessInfo.processInfo.physicalMemory, memUsed: 0, memSwap: 0, memSwapUsed: 0,
                               cpus: cpus, gpus: [], resources: map)
    }

    /// `/proc/meminfo` as name → bytes (the file's "kB" values × 1024); nil if unreadable.
    static func readMeminfo(path: String = "/proc/meminfo") -> [String: UInt64]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return parseMeminfo(text)
    }

    /// Parses `/proc/meminfo` text ("MemTotal:       16318460 kB") to name → bytes.
    static func parseMeminfo(_ text: String) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let parts = line[line.index(after: colon)...].split(separator: " ", omittingEmptySubsequences: true)
            guard let first = parts.first, let v = UInt64(first) else { continue }
            let kb = parts.count > 1 && parts[1] == "kB"
            out[name] = kb ? v.multipliedReportingOverflow(by: 1024).partialValue : v
        }
        return out
    }
}
