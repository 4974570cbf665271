import Foundation
import Testing

@testable import NodeKit

// Expected values come from shared/spec/node.md §3.2–§3.4 and from the Lotus sources it
// cites (storage/sealer/sealtasks/task.go, storiface/resources.go, sched_resources.go,
// request_queue.go, sched_assigner_*.go at b835fab7), never from this code's own output.

private let kib: UInt64 = 1 << 10
private let mib: UInt64 = 1 << 20
private let gib: UInt64 = 1 << 30
private let sizes: [UInt64] = [2 * kib, 8 * mib, 512 * mib, 32 * gib, 64 * gib]

/// A host with `cpus` cores, `ram` of RAM, no swap, nothing used, no GPUs.
private func host(cpus: Int, ram: UInt64 = 16 * gib, used: UInt64 = 0, swap: UInt64 = 0, gpus: [String] = [],
                  resources: [String: Resources] = [:]) -> WorkerResources {
    WorkerResources(memPhysical: ram, memUsed: used, memSwap: swap, memSwapUsed: 0, cpus: cpus, gpus: gpus, resources: resources)
}

private func worker(_ id: String, cpus: Int = 2, ram: UInt64 = 16 * gib, enabled: Bool = true,
                    tasks: Set<TaskType> = [.addPiece, .preCommit1, .preCommit2, .commit1, .commit2, .fetch, .finalize],
                    active: ActiveResources = ActiveResources()) -> SchedWorker {
    SchedWorker(id: id, hostname: "h-\(id)", enabled: enabled, taskTypes: tasks, info: host(cpus: cpus, ram: ram), active: active)
}

private func req(_ id: String, _ task: TaskType, sector: UInt64 = 1, size: UInt64 = 2 * kib, priority: Int = 0,
                 preferred: Set<String> = [], allowed: Set<String>? = nil) -> SchedRequest {
    SchedRequest(id: id, sector: sector, task: task, sectorSize: size, priority: priority, preferredWorkers: preferred,
                 allowedWorkers: allowed)
}

/// All suites of this file are nested here, so `swift test --filter SchedulerCoreTests` runs them.
@Suite("SchedulerCore")
struct SchedulerCoreTests {
    @Test func queueOrder() {
        // request_queue.go Less: one negative order wins outright, then priority, then order, then sector.
        #expect(SchedRequest.queueLess(req("a", .finalize, priority: 0), req("b", .preCommit1, priority: 10)))
        #expect(!SchedRequest.queueLess(req("b", .preCommit1, priority: 10), req("a", .finalize, priority: 0)))
        #expect(SchedRequest.queueLess(req("a", .addPiece, priority: 1), req("b", .preCommit1, priority: 0)))
        #expect(SchedRequest.queueLess(req("a", .preCommit2), req("b", .preCommit1)))
        #expect(SchedRequest.queueLess(req("a", .preCommit1, sector: 3), req("b", .preCommit1, sector: 7)))
        #expect(!SchedRequest.queueLess(req("a", .preCommit1, sector: 7), req("b", .preCommit1, sector: 3)))
        // Both negative: priority decides before order.
        #expect(SchedRequest.queueLess(req("a", .finalize, priority: 1), req("b", .winningPoSt, priority: 0)))
        #expect(SchedRequest.queueLess(req("a", .winningPoSt), req("b", .finalize)))
        // FRU (order 0) is not in the negative class.
        #expect(SchedRequest.queueLess(req("a", .fetch), req("b", .finalizeReplicaUpdate, priority: 5)))
        // Equal requests: neither is less.
        #expect(!SchedRequest.queueLess(req("a", .commit1), req("b", .commit1)))
    }

    @Test func passFollowsQueueOrder() {
        var ws = [worker("w1", cpus: 64)]
        let q = [req("ap", .addPiece, sector: 1), req("pc1-9", .preCommit1, sector: 9), req("fin", .finalize, sector: 5),
                 req("pc1-2", .preCommit1, sector: 2), req("hi", .commit2, sector: 8, priority: 3)]
        let pass = SchedulerCore.schedule(q, workers: &ws)
        #expect(pass.assignments.map(\.request.id) == ["fin", "hi", "pc1-2", "pc1-9", "ap"])
        #expect(pass.waiting.isEmpty)
    }

    @Test func canHandlePhysicalMemory() {
        let w = host(cpus: 2, ram: 2 * mib)
        let need = Resources(minMemory: 6 * mib, maxMemory: 0, maxParallelism: 1, baseMinMemory: 2 * mib)
        let r = ActiveResources().canHandle(need, task: .preCommit1, sectorSize: 2048, worker: w)
        #expect(!r.ok)
        #expect(r.reason == "not enough physical memory - need: 8 MiB, have 2 MiB available")
        // Reserved min memory counts against physical memory.
        var a = ActiveResources()
        a.memUsedMin = 15 * gib
        let r2 = a.canHandle(ResourceTable.defaults(.addPiece, sectorSize: 64 * gib), task: .addPiece, sectorSize: 64 * gib,
                             worker: host(cpus: 2, ram: 16 * gib, swap: 64 * gib))
        #expect(r2.reason == "not enough physical memory - need: 9 GiB, have 1 GiB available")
    }

    @Test func canHandleVirtualMemory() {
        // OS use (MemUsed + MemSwapUsed) counts in the vmem check only.
        let w = WorkerResources(memPhysical: 8 * gib, memUsed: 6 * gib, memSwap: 0, memSwapUsed: 0, cpus: 2, gpus: [])
        let need = ResourceTable.defaults(.addPiece, sectorSize: 32 * gib)   // 4G/4G, base 1G
        let r = ActiveResources().canHandle(need, task: .addPiece, sectorSize: 32 * gib, worker: w)
        #expect(!r.ok)
        #expect(r.reason == "not enough virtual memory - need: 5 GiB, have 2 GiB available")
        var big = w
        big.memSwap = 4 * gib
        #expect(ActiveResources().canHandle(need, task: .addPiece, sectorSize: 32 * gib, worker: big).ok)
    }

    @Test func canHandleThreads() {
        var a = ActiveResources()
        a.cpuUse = 2
        let r = a.canHandle(ResourceTable.defaults(.preCommit1, sectorSize: 2048), task: .preCommit1, sectorSize: 2048,
                            worker: host(cpus: 2))
        #expect(!r.ok)
        #expect(r.reason == "not enough threads, need 1, 2 in use, target 2")
        // C1 takes no threads, so it still fits.
        #expect(a.canHandle(ResourceTable.defaults(.commit1, sectorSize: 2048), task: .commit1, sectorSize: 2048,
                            worker: host(cpus: 2)).ok)
    }

    @Test func canHandleMaxConcurrent() {
        var need = ResourceTable.defaults(.preCommit1, sectorSize: 2048)
        need.maxConcurrent = 1
        var a = ActiveResources()
        let w = host(cpus: 8)
        #expect(a.canHandle(need, task: .preCommit1, sectorSize: 2048, worker: w).ok)
        a.add(need, task: .preCommit1, sectorSize: 2048, worker: w)
        let r = a.canHandle(need, task: .preCommit1, sectorSize: 2048, worker: w)
        #expect(!r.ok)
        #expect(r.reason?.hasPrefix("at task limit") == true)
        #expect(r.reason?.contains("PC1:2048") == true)
        // The cap is per task type and size.
        #expect(a.canHandle(need, task: .preCommit1, sectorSize: 8 << 20, worker: w).ok)
    }

    @Test func canHandleGPU() {
        let need = ResourceTable.defaults(.commit2, sectorSize: 2048)   // gpu 1.0
        var a = ActiveResources()
        a.gpuUsed = 1
        let r = a.canHandle(need, task: .commit2, sectorSize: 2048, worker: host(cpus: 8, gpus: ["A4000"]))
        #expect(!r.ok)
        #expect(r.reason?.hasPrefix("GPU(s) in use") == true)
        // Without GPUs on the worker the GPU check does not apply.
        #expect(a.canHandle(need, task: .commit2, sectorSize: 2048, worker: host(cpus: 8)).ok)
    }

    @Test func addAndFree() {
        let w = host(cpus: 64, gpus: ["g"])
        let need = ResourceTable.defaults(.commit2, sectorSize: 32 * gib)
        var a = ActiveResources()
        a.add(need, task: .commit2, sectorSize: 32 * gib, worker: w)
        #expect(a.cpuUse == 6)
        #expect(a.memUsedMin == 30 * gib)
        #expect(a.memUsedMax == 150 * gib)
        #expect(a.gpuUsed == 1)
        #expect(a.taskCounts == ["C2:\(32 * gib)": 1])
        a.free(need, task: .commit2, sectorSize: 32 * gib, worker: w)
        #expect(a == ActiveResources())
    }

    @Test func utilizationIsMaxFraction() {
        let w = WorkerResources(memPhysical: 10 * gib, memUsed: gib, memSwap: 10 * gib, memSwapUsed: 0, cpus: 4, gpus: [])
        var a = ActiveResources()
        #expect(a.utilization(w) == 0.1)          // OS memory: 1/10
        a.cpuUse = 1
        #expect(a.utilization(w) == 0.25)         // cpu 1/4
        a.memUsedMin = 5 * gib
        #expect(a.utilization(w) == 0.5)          // RAM min 5/10
        a.memUsedMax = 16 * gib
        #expect(a.utilization(w) == 0.8)          // vmem 16/20
        let g = WorkerResources(memPhysical: 10 * gib, memUsed: 0, memSwap: 0, memSwapUsed: 0, cpus: 4, gpus: ["a", "b"])
        var b = ActiveResources()
        b.gpuUsed = 1.5
        #expect(b.utilization(g) == 0.75)
    }

    @Test func utilizationAssignerPicksLessLoadedWorker() {
        var busy = ActiveResources()
        busy.cpuUse = 1
        var ws = [worker("a", cpus: 4, active: busy), worker("b", cpus: 4)]
        var pass = SchedulerCore.schedule([req("r", .addPiece)], workers: &ws)
        #expect(pass.assignments == [SchedulerCore.Assignment(request: req("r", .addPiece), worker: "b")])
        // Four 1-thread PC1s over a (1 of 4 cores busy) and b (idle): each goes to the lower
        // utilization at that moment, ties to the smaller id: b, a, b, a.
        ws = [worker("a", cpus: 4, active: busy), worker("b", cpus: 4)]
        pass = SchedulerCore.schedule((1...4).map { req("p\($0)", .preCommit1, sector: UInt64($0)) }, workers: &ws)
        #expect(pass.assignments.map(\.worker) == ["b", "a", "b", "a"])
        #expect(ws[0].active.cpuUse == 3)
        #expect(ws[1].active.cpuUse == 2)
    }

    @Test func tiesGoToSmallestWorkerID() {
        var ws = [worker("zz"), worker("aa"), worker("mm")]
        let pass = SchedulerCore.schedule([req("r", .addPiece)], workers: &ws)
        #expect(pass.assignments.first?.worker == "aa")
    }

    @Test func twoCoreWorkerRunsTwoPC1sAtOnce() {
        var ws = [worker("w", cpus: 2, ram: 8 * gib)]
        let q = (1...4).map { req("pc1-\($0)", .preCommit1, sector: UInt64($0)) }
        let pass = SchedulerCore.schedule(q, workers: &ws)
        #expect(pass.assignments.map(\.request.id) == ["pc1-1", "pc1-2"])
        #expect(pass.waiting.map(\.request.id) == ["pc1-3", "pc1-4"])
        #expect(pass.waiting.first?.reasons == ["w: not enough threads, need 1, 2 in use, target 2"])
        #expect(ws[0].active.cpuUse == 2)
        #expect(ws[0].active.taskCounts == ["PC1:2048": 2])
        // The next pass (nothing freed) assigns nothing; after one finishes, one more goes.
        #expect(SchedulerCore.schedule(pass.waiting.map(\.request), workers: &ws).assignments.isEmpty)
        ws[0].active.free(ResourceTable.defaults(.preCommit1, sectorSize: 2048), task: .preCommit1, sectorSize: 2048,
                          worker: ws[0].info)
        let next = SchedulerCore.schedule(pass.waiting.map(\.request), workers: &ws)
        #expect(next.assignments.map(\.request.id) == ["pc1-3"])
        #expect(next.waiting.map(\.request.id) == ["pc1-4"])
    }

    @Test func lowerPriorityTaskThatFitsStillGoes() {
        var ws = [worker("w", cpus: 2, ram: 4 * gib)]
        // 512M C2 needs 1G + 10G base: never fits 4 GiB; the AP behind it does.
        let pass = SchedulerCore.schedule([req("c2", .commit2, size: 512 * mib), req("ap", .addPiece)], workers: &ws)
        #expect(pass.assignments.map(\.request.id) == ["ap"])
        #expect(pass.waiting.map(\.request.id) == ["c2"])
        #expect(pass.waiting.first?.reasons.first?.contains("not enough physical memory") == true)
    }

    @Test func preferredWorkerWinsWhenAcceptable() {
        var busy = ActiveResources()
        busy.cpuUse = 1
        var ws = [worker("a", cpus: 4), worker("b", cpus: 4, active: busy)]
        var pass = SchedulerCore.schedule([req("r", .preCommit2, preferred: ["b"])], workers: &ws)
        #expect(pass.assignments.first?.worker == "b")   // despite higher utilization
        // A preferred worker that cannot take it does not block the others.
        var full = ActiveResources()
        full.cpuUse = 4
        ws = [worker("a", cpus: 4), worker("b", cpus: 4, active: full)]
        pass = SchedulerCore.schedule([req("r", .preCommit1, preferred: ["b"])], workers: &ws)
        #expect(pass.assignments.first?.worker == "a")
    }

    @Test func disabledAndNonAdvertisingWorkersNeverGetTasks() {
        var ws = [worker("off", cpus: 64, enabled: false), worker("post", cpus: 64, tasks: [.windowPoSt, .winningPoSt]),
                  worker("seal", cpus: 2, tasks: [.addPiece])]
        let q = [req("pc1", .preCommit1, preferred: ["off"]), req("ap", .addPiece, preferred: ["off", "post"]),
                 req("wdp", .windowPoSt)]
        let pass = SchedulerCore.schedule(q, workers: &ws)
        #expect(pass.assignments.map { "\($0.request.id)@\($0.worker)" } == ["wdp@post", "ap@seal"])
        #expect(pass.waiting.map(\.request.id) == ["pc1"])
        #expect(pass.waiting.first?.reasons == ["off: disabled", "post: does not take PC1 tasks", "seal: does not take PC1 tasks"])
        #expect(ws[0].active == ActiveResources())
    }

    @Test func allowedWorkersRestrictChoice() {
        var ws = [worker("a", cpus: 4), worker("b", cpus: 4)]
        var pass = SchedulerCore.schedule([req("r", .addPiece, allowed: ["b"])], workers: &ws)
        #expect(pass.assignments.first?.worker == "b")
        pass = SchedulerCore.schedule([req("r2", .addPiece, allowed: [])], workers: &ws)
        #expect(pass.assignments.isEmpty)
        #expect(pass.waiting.first?.reasons.count == 2)
    }

    @Test func noWorkers() {
        var ws: [SchedWorker] = []
        let pass = SchedulerCore.schedule([req("r", .addPiece)], workers: &ws)
        #expect(pass.assignments.isEmpty)
        #expect(pass.waiting.first?.reasons == ["no workers"])
    }

    @Test func workerEnvOverrideReachesScheduler() throws {
        // PC1_2K_MAX_CONCURRENT=1 on the worker caps it even though it has cores to spare.
        let res = ["PC1:2048": try ResourceTable.resolved(.preCommit1, sectorSize: 2048, env: ["PC1_2K_MAX_CONCURRENT": "1"])]
        var ws = [SchedWorker(id: "w", taskTypes: [.preCommit1], info: host(cpus: 8, resources: res))]
        let pass = SchedulerCore.schedule([req("a", .preCommit1, sector: 1), req("b", .preCommit1, sector: 2)], workers: &ws)
        #expect(pass.assignments.map(\.request.id) == ["a"])
        #expect(pass.waiting.first?.reasons.first?.contains("at task limit") == true)
    }
}

extension SchedulerCoreTests {
    @Suite("TaskType")
    struct TaskTypeTests {
        /// node.md §3.2, row by row: string, short, order, worker kind.
        static let table: [(TaskType, String, String, Int, TaskType.WorkerKind)] = [
            (.winningPoSt, "post/v0/winningproof", "WNP", -6, .winPost),
            (.windowPoSt, "post/v0/windowproof", "WDP", -5, .wdPoSt),
            (.finalizeUnsealed, "seal/v0/finalizeunsealed", "FUS", -4, .sealing),
            (.finalize, "seal/v0/finalize", "FIN", -3, .sealing),
            (.download, "seal/v0/download/sector", "DL", -2, .sealing),
            (.fetch, "seal/v0/fetch", "GET", -1, .sealing),
            (.finalizeReplicaUpdate, "seal/v0/finalize/replicaupdate", "FRU", 0, .sealing),
            (.unseal, "seal/v0/unseal", "UNS", 1, .sealing),
            (.commit1, "seal/v0/commit/1", "C1", 2, .sealing),
            (.commit2, "seal/v0/commit/2", "C2", 3, .sealing),
            (.preCommit2, "seal/v0/precommit/2", "PC2", 4, .sealing),
            (.preCommit1, "seal/v0/precommit/1", "PC1", 5, .sealing),
            (.proveReplicaUpdate1, "seal/v0/provereplicaupdate/1", "PR1", 6, .sealing),
            (.proveReplicaUpdate2, "seal/v0/provereplicaupdate/2", "PR2", 7, .sealing),
            (.replicaUpdate, "seal/v0/replicaupdate", "RU", 8, .sealing),
            (.addPiece, "seal/v0/addpiece", "AP", 9, .sealing),
            (.dataCid, "seal/v0/datacid", "DC", 10, .sealing),
            (.regenSectorKey, "seal/v0/regensectorkey", "GSK", 11, .sealing),
        ]

        @Test func everyTaskTypeMatchesSpec() {
            #expect(TaskType.allCases.count == Self.table.count)
            for (t, raw, short, order, kind) in Self.table {
                #expect(t.rawValue == raw)
                #expect(TaskType(rawValue: raw) == t)
                #expect(t.short == short)
                #expect(TaskType(short: short) == t)
                #expect(t.order == order, "\(short)")
                #expect(t.workerKind == kind, "\(short)")
            }
            #expect(TaskType.WorkerKind.sealing.rawValue == "Sealing")
            #expect(TaskType.WorkerKind.winPost.rawValue == "WinPost")
            #expect(TaskType.WorkerKind.wdPoSt.rawValue == "WdPoSt")
        }

        @Test func unknownShortNameIsNil() {
            #expect(TaskType(short: "UNK") == nil)
            #expect(TaskType(short: "pc1") == nil)
            #expect(TaskType(rawValue: "seal/v0/nope") == nil)
        }

        @Test func lessAndMuchLessFollowOrder() {
            // task.go: Less is order[a] < order[b]; MuchLess is (exactly one negative, Less).
            #expect(TaskType.winningPoSt.less(.windowPoSt))
            #expect(TaskType.commit1.less(.commit2))
            #expect(!TaskType.addPiece.less(.preCommit1))
            #expect(TaskType.finalize.muchLess(.addPiece) == (true, true))
            #expect(TaskType.addPiece.muchLess(.finalize) == (true, false))
            #expect(TaskType.finalize.muchLess(.finalizeReplicaUpdate) == (true, true))  // FRU's 0 is not negative
            #expect(TaskType.finalize.muchLess(.fetch) == (false, true))                // both negative
            #expect(TaskType.preCommit1.muchLess(.commit2) == (false, false))
            #expect(TaskType.allCases.sorted().first == .winningPoSt)
            #expect(TaskType.allCases.sorted().last == .regenSectorKey)
        }

        @Test func taskTypeCodesAsLotusString() throws {
            let data = try JSONEncoder().encode([TaskType.preCommit1])
            #expect(try JSONSerialization.jsonObject(with: data) as? [String] == ["seal/v0/precommit/1"])
            #expect(try JSONDecoder().decode([TaskType].self, from: Data(#"["post/v0/windowproof"]"#.utf8)) == [.windowPoSt])
        }
    }

    @Suite("ResourceTable")
    struct ResourceTableTests {
        @Test func shortSizeNames() {
            // abi.SectorSize.ShortString() minus "iB" (resources.go).
            #expect(sizes.map(shortSizeName) == ["2K", "8M", "512M", "32G", "64G"])
            #expect(shortSizeName(1024) == "1K")
            #expect(shortSizeName(1536) == "1K")   // ShortString truncates
            #expect(shortSizeName(512) == "512B")  // only "iB" is trimmed
        }

        @Test func preCommit1Rows() {
            #expect(ResourceTable.defaults(.preCommit1, sectorSize: 32 * gib)
                == Resources(minMemory: 56 * gib, maxMemory: 64 * gib, maxParallelism: 1, baseMinMemory: 10 * mib))
            #expect(ResourceTable.defaults(.preCommit1, sectorSize: 64 * gib)
                == Resources(minMemory: 112 * gib, maxMemory: 128 * gib, maxParallelism: 1, baseMinMemory: 10 * mib))
            #expect(ResourceTable.defaults(.preCommit1, sectorSize: 512 * mib)
                == Resources(minMemory: 768 * mib, maxMemory: gib, maxParallelism: 1, baseMinMemory: mib))
            #expect(ResourceTable.defaults(.preCommit1, sectorSize: 2 * kib)
                == Resources(minMemory: 2 * kib, maxMemory: 2 * kib, maxParallelism: 1, baseMinMemory: 2 * kib))
        }

        @Test func commit2Rows() {
            #expect(ResourceTable.defaults(.commit2, sectorSize: 512 * mib)
                == Resources(minMemory: gib, maxMemory: 3 * gib / 2, maxParallelism: 1, gpuUtilization: 1, baseMinMemory: 10 * gib))
            #expect(ResourceTable.defaults(.commit2, sectorSize: 32 * gib)
                == Resources(minMemory: 30 * gib, maxMemory: 150 * gib, maxParallelism: -1, maxParallelismGPU: 6, gpuUtilization: 1,
                             baseMinMemory: 32 * gib))
            #expect(ResourceTable.defaults(.commit2, sectorSize: 8 * mib)
                == Resources(minMemory: 8 * mib, maxMemory: 8 * mib, maxParallelism: 1, gpuUtilization: 1, baseMinMemory: 8 * mib))
        }

        @Test func postRows() {
            #expect(ResourceTable.defaults(.winningPoSt, sectorSize: 512 * mib)
                == Resources(minMemory: 2 * kib, maxMemory: 2 * kib, maxParallelism: 1, gpuUtilization: 1, baseMinMemory: 10 * gib))
            #expect(ResourceTable.defaults(.winningPoSt, sectorSize: 32 * gib)
                == Resources(minMemory: gib, maxMemory: gib, maxParallelism: -1, maxParallelismGPU: 6, gpuUtilization: 1,
                             baseMinMemory: 32 * gib))
            #expect(ResourceTable.defaults(.windowPoSt, sectorSize: 64 * gib)
                == Resources(minMemory: 60 * gib, maxMemory: 120 * gib, maxParallelism: -1, maxParallelismGPU: 6, gpuUtilization: 1,
                             baseMinMemory: 64 * gib))
        }

        @Test func otherRows() {
            #expect(ResourceTable.defaults(.preCommit2, sectorSize: 32 * gib)
                == Resources(minMemory: 15 * gib, maxMemory: 15 * gib, maxParallelism: -1, maxParallelismGPU: 6, gpuUtilization: 1,
                             baseMinMemory: gib))
            #expect(ResourceTable.defaults(.preCommit2, sectorSize: 512 * mib)
                == Resources(minMemory: gib, maxMemory: 3 * gib / 2, maxParallelism: -1, baseMinMemory: gib))
            #expect(ResourceTable.defaults(.addPiece, sectorSize: 64 * gib)
                == Resources(minMemory: 8 * gib, maxMemory: 8 * gib, maxParallelism: 1, baseMinMemory: gib))
            #expect(ResourceTable.defaults(.commit1, sectorSize: 32 * gib)
                == Resources(minMemory: gib, maxMemory: gib, maxParallelism: 0, baseMinMemory: gib))
            #expect(ResourceTable.defaults(.replicaUpdate, sectorSize: 32 * gib)
                == Resources(minMemory: 4 * gib, maxMemory: 4 * gib, maxParallelism: 1, maxParallelismGPU: 6, gpuUtilization: 1,
                             baseMinMemory: gib))
            for s in sizes {
                #expect(ResourceTable.defaults(.fetch, sectorSize: s) == Resources(minMemory: mib, maxMemory: mib))
            }
        }

        @Test func aliasedRows() {
            let ap32 = Resources(minMemory: 4 * gib, maxMemory: 4 * gib, maxParallelism: 1, baseMinMemory: gib)
            for s in sizes {
                #expect(ResourceTable.defaults(.dataCid, sectorSize: s) == ap32, "DC \(shortSizeName(s))")
                #expect(ResourceTable.defaults(.unseal, sectorSize: s) == ResourceTable.defaults(.preCommit1, sectorSize: s))
                #expect(ResourceTable.defaults(.regenSectorKey, sectorSize: s) == ResourceTable.defaults(.replicaUpdate, sectorSize: s))
                #expect(ResourceTable.defaults(.proveReplicaUpdate1, sectorSize: s) == ResourceTable.defaults(.commit1, sectorSize: s))
                #expect(ResourceTable.defaults(.proveReplicaUpdate2, sectorSize: s) == ResourceTable.defaults(.commit2, sectorSize: s))
            }
        }

        @Test func rowlessTasksAndUnknownSizesAreZero() throws {
            for t in [TaskType.finalize, .finalizeUnsealed, .finalizeReplicaUpdate, .download] {
                for s in sizes { #expect(ResourceTable.defaults(t, sectorSize: s) == Resources(), "\(t.short)") }
                // Not in Lotus' table, so ParseResourceEnv never looks at their variables.
                #expect(try ResourceTable.resolved(t, sectorSize: 2 * kib, env: ["\(t.short)_MIN_MEMORY": "5"]) == Resources())
            }
            // A proof type missing from the Go map yields the zero Resources.
            #expect(ResourceTable.defaults(.preCommit1, sectorSize: 4 * gib) == Resources())
            #expect(ResourceTable.defaults(.preCommit1, sectorSize: 0) == Resources())
        }

        @Test func threadsRule() {
            // resources.go Threads and its table: -1 → cpus·92/100 (12→11, 16→14, 64→58, 128→117), 0 → cpus.
            let pc2 = ResourceTable.defaults(.preCommit2, sectorSize: 2 * kib)
            #expect(pc2.maxParallelism == -1)
            #expect(pc2.threads(cpus: 2, gpus: 0) == 1)
            #expect(pc2.threads(cpus: 64, gpus: 0) == 58)
            #expect(pc2.threads(cpus: 1, gpus: 0) == 1)
            #expect([12, 16, 24, 32, 128].map { pc2.threads(cpus: $0, gpus: 0) } == [11, 14, 22, 29, 117])
            #expect(ResourceTable.defaults(.preCommit1, sectorSize: 32 * gib).threads(cpus: 64, gpus: 0) == 1)
            #expect(ResourceTable.defaults(.commit1, sectorSize: 32 * gib).threads(cpus: 64, gpus: 0) == 0)
        }

        @Test func threadsWithGPU() {
            let c2 = ResourceTable.defaults(.commit2, sectorSize: 32 * gib)
            #expect(c2.threads(cpus: 64, gpus: 1) == 6)      // MaxParallelismGPU when GPU used
            #expect(c2.threads(cpus: 64, gpus: 0) == 58)     // no GPU on the worker
            let c2small = ResourceTable.defaults(.commit2, sectorSize: 512 * mib)
            #expect(c2small.threads(cpus: 64, gpus: 1) == 1) // MaxParallelismGPU 0 inherits MaxParallelism
            var noGPU = c2
            noGPU.gpuUtilization = 0
            #expect(noGPU.threads(cpus: 64, gpus: 1) == 58)  // task does not use GPUs
        }

        @Test func envOverridesBothForms() throws {
            // node.md §3.3 examples.
            let pc1 = try ResourceTable.resolved(.preCommit1, sectorSize: 32 * gib, env: ["PC1_32G_MAX_CONCURRENT": "2"])
            #expect(pc1.maxConcurrent == 2)
            #expect(pc1.minMemory == 56 * gib)
            let c2 = try ResourceTable.resolved(.commit2, sectorSize: 512 * mib, env: ["C2_MAX_PARALLELISM": "16"])
            #expect(c2.maxParallelism == 16)
            // Size-specific applies only to its size.
            let other = try ResourceTable.resolved(.preCommit1, sectorSize: 2 * kib, env: ["PC1_32G_MAX_CONCURRENT": "2"])
            #expect(other.maxConcurrent == 0)
            // Every field.
            let env = ["AP_2K_MIN_MEMORY": "100", "AP_2K_MAX_MEMORY": "200", "AP_2K_GPU_UTILIZATION": "0.5",
                       "AP_2K_MAX_PARALLELISM": "-1", "AP_2K_MAX_PARALLELISM_GPU": "3", "AP_2K_BASE_MIN_MEMORY": "7",
                       "AP_2K_MAX_CONCURRENT": "4"]
            #expect(try ResourceTable.resolved(.addPiece, sectorSize: 2 * kib, env: env)
                == Resources(minMemory: 100, maxMemory: 200, maxParallelism: -1, maxParallelismGPU: 3, gpuUtilization: 0.5,
                             baseMinMemory: 7, maxConcurrent: 4))
        }

        @Test func sizeSpecificWinsOverGeneric() throws {
            // ParseResourceEnv looks up <SHORT>_<size>_<FIELD> first and only falls back to <SHORT>_<FIELD>.
            let env = ["PC1_MAX_CONCURRENT": "5", "PC1_2K_MAX_CONCURRENT": "1"]
            #expect(try ResourceTable.resolved(.preCommit1, sectorSize: 2 * kib, env: env).maxConcurrent == 1)
            #expect(try ResourceTable.resolved(.preCommit1, sectorSize: 8 * mib, env: env).maxConcurrent == 5)
        }

        @Test func badEnvValueThrowsWithName() {
            #expect(throws: ResourceError.self) {
                try ResourceTable.resolved(.preCommit1, sectorSize: 32 * gib, env: ["PC1_32G_MAX_CONCURRENT": "two"])
            }
            for (k, v) in [("C2_MIN_MEMORY", "-1"), ("C2_MIN_MEMORY", "1G"), ("C2_GPU_UTILIZATION", "lots"),
                           ("C2_512M_MAX_PARALLELISM", ""), ("C2_MAX_PARALLELISM", "-2")] {
                do {
                    _ = try ResourceTable.resolved(.commit2, sectorSize: 512 * mib, env: [k: v])
                    Issue.record("\(k)=\(v) accepted")
                } catch let e as ResourceError {
                    #expect(e.description.contains(k), "\(e)")
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }

        @Test func multicoreSDRThreads() throws {
            // getSDRThreads: 1 + producers; producers 3 with FIL_PROOFS_USE_MULTICORE_SDR=1, or the
            // FIL_PROOFS_MULTICORE_SDR_PRODUCERS value then; 0 otherwise.
            let on = ["FIL_PROOFS_USE_MULTICORE_SDR": "1"]
            #expect(try ResourceTable.resolved(.preCommit1, sectorSize: 32 * gib, env: on).maxParallelism == 4)
            #expect(try ResourceTable.resolved(.preCommit1, sectorSize: 2 * kib, env: on).threads(cpus: 64, gpus: 0) == 4)
            #expect(try ResourceTable.resolved(.unseal, sectorSize: 32 * gib, env: on).maxParallelism == 4)
            var prod = on
            prod["FIL_PROOFS_MULTICORE_SDR_PRODUCERS"] = "5"
            #expect(try ResourceTable.resolved(.preCommit1, sectorSize: 32 * gib, env: prod).maxParallelism == 6)
            #expect(try ResourceTable.resolved(.preCommit1, sectorSize: 32 * gib,
                                               env: ["FIL_PROOFS_MULTICORE_SDR_PRODUCERS": "5"]).maxParallelism == 1)
            #expect(try ResourceTable.resolved(.preCommit1, sectorSize: 32 * gib, env: [:]).maxParallelism == 1)
            // Only PC1/UNS, and an explicit MAX_PARALLELISM wins.
            #expect(try ResourceTable.resolved(.preCommit2, sectorSize: 32 * gib, env: on).maxParallelism == -1)
            var explicit = on
            explicit["PC1_MAX_PARALLELISM"] = "2"
            #expect(try ResourceTable.resolved(.preCommit1, sectorSize: 32 * gib, env: explicit).maxParallelism == 2)
            prod["FIL_PROOFS_MULTICORE_SDR_PRODUCERS"] = "x"
            #expect(throws: ResourceError.self) { try ResourceTable.resolved(.preCommit1, sectorSize: 32 * gib, env: prod) }
        }
    }

    @Suite("WorkerResources")
    struct WorkerResourcesTests {
        @Test func resourcesMapThenDefaults() {
            let custom = Resources(minMemory: 1, maxMemory: 2, maxParallelism: 1, maxConcurrent: 3)
            let w = host(cpus: 2, resources: ["PC1:2048": custom])
            #expect(w.resources(for: .preCommit1, sectorSize: 2 * kib) == custom)
            #expect(w.resources(for: .preCommit1, sectorSize: 8 * mib) == ResourceTable.defaults(.preCommit1, sectorSize: 8 * mib))
            #expect(w.resources(for: .addPiece, sectorSize: 2 * kib) == ResourceTable.defaults(.addPiece, sectorSize: 2 * kib))
            #expect(WorkerResources.key(.commit2, sectorSize: 512 * mib) == "C2:536870912")
        }

        @Test func codableRoundTripWithLotusNames() throws {
            let w = host(cpus: 2, ram: 4 * gib, used: gib, resources: ["AP:2048": ResourceTable.defaults(.addPiece, sectorSize: 2048)])
            let data = try JSONEncoder().encode(w)
            let text = String(decoding: data, as: UTF8.self)
            for k in ["MemPhysical", "MemUsed", "MemSwap", "MemSwapUsed", "CPUs", "GPUs", "Resources", "MinMemory", "MaxParallelismGPU",
                      "GPUUtilization", "BaseMinMemory", "MaxConcurrent"] {
                #expect(text.contains("\"\(k)\""), "\(k)")
            }
            #expect(try JSONDecoder().decode(WorkerResources.self, from: data) == w)
            // Go nil slices/maps arrive as null.
            let lotus = #"{"MemPhysical":8,"MemUsed":1,"MemSwap":0,"MemSwapUsed":0,"CPUs":2,"GPUs":null,"Resources":null}"#
            let d = try JSONDecoder().decode(WorkerResources.self, from: Data(lotus.utf8))
            #expect(d == WorkerResources(memPhysical: 8, memUsed: 1, memSwap: 0, memSwapUsed: 0, cpus: 2, gpus: []))
        }

        @Test func parsesMeminfo() {
            let text = "MemTotal:       16318460 kB\nMemFree:         1000000 kB\nMemAvailable:    8159230 kB\n"
                + "SwapTotal:       2097148 kB\nSwapFree:        2097148 kB\nHugePages_Total:       0\n"
            let m = WorkerResources.parseMeminfo(text)
            #expect(m["MemTotal"] == 16_318_460 * 1024)
            #expect(m["MemAvailable"] == 8_159_230 * 1024)
            #expect(m["SwapFree"] == 2_097_148 * 1024)
            #expect(m["HugePages_Total"] == 0)
        }

        @Test func probeHostResolvesEnv() throws {
            let w = try WorkerResources.probeHost(taskTypes: [.preCommit1, .addPiece], sectorSizes: [2 * kib],
                                                  env: ["PC1_2K_MAX_CONCURRENT": "2"])
            #expect(w.cpus >= 1)
            #expect(w.memPhysical > 0)
            #expect(w.memUsed <= w.memPhysical)
            #expect(w.gpus.isEmpty)
            #expect(w.resources(for: .preCommit1, sectorSize: 2 * kib).maxConcurrent == 2)
            #expect(w.resources["AP:2048"] != nil)
            #expect(w.resources["C1:2048"] != nil)     // Lotus sealing workers always take C1, GET, FIN …
            #expect(w.resources["FIN:2048"] == nil)    // … but FIN has no table row
            #expect(throws: ResourceError.self) {
                try WorkerResources.probeHost(taskTypes: [.preCommit1], sectorSizes: [2 * kib], env: ["PC1_MIN_MEMORY": "x"])
            }
        }
    }
}
