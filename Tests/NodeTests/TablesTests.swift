import Foundation
import Testing

@testable import NodeKit

// Expected texts come from the samples in shared/spec/node.md (§3.5, §3.6, §4.4), from Go's
// documented behaviour (text/tabwriter, time.Duration.String, fmt %.4g, time.RFC822), from
// hako/durafmt at the commit Lotus pins, and from Lotus' own Printf formats; the non-sample
// cases were cross-checked by running the Go code on the same inputs.

/// Lines joined with "\n", each terminated by "\n" (keeps trailing spaces visible in source).
private func lines(_ l: [String]) -> String { l.map { $0 + "\n" }.joined() }

private let gib: UInt64 = 1 << 30
private let mib: UInt64 = 1 << 20
/// 2026-08-06 10:00:00 UTC.
private let aug6 = Date(timeIntervalSince1970: 1_786_010_400)

@Suite("GoText")
struct GoTextTests {
    @Test func tabwriterAlignsSimpleTable() {
        #expect(GoText.tabwriter([["a", "b", "c"]]) == "a  b  c\n")
        #expect(GoText.tabwriter([]) == "")
        #expect(GoText.tabwriter([["x", "y"], ["longer", "z"]]) == lines(["x       y", "longer  z"]))
    }

    @Test func tabwriterGoDocExample() {
        // The example from Go's text/tabwriter doc comment: b and c are distinct column blocks
        // (b's column is not contiguous), d and e belong to no column.
        let out = GoText.tabwriter([["aaaa", "bbb", "d"], ["aa", "b", "dd"], ["a", ""], ["aa", "cccc", "eee"]])
        #expect(out == lines(["aaaa  bbb  d", "aa    b    dd", "a     ", "aa    cccc  eee"]))
    }

    @Test func tabwriterRaggedRowsAndEmptyCells() {
        let out = GoText.tabwriter([["a", "bbb", "c"], ["aaaa", "b"], ["x"], ["", "yy", "zzzzzzzz", "q"], ["", "", ""]])
        #expect(out == lines(["a     bbb  c", "aaaa  b", "x", "  yy  zzzzzzzz  q", "      "]))
        // An empty row is a one-cell line: it ends every column block.
        #expect(GoText.tabwriter([["ab", "cd"], [], ["", "x"]]) == lines(["ab  cd", "", "  x"]))
    }

    @Test func tabwriterWideAndNonASCIICells() {
        // Widths are counted in runes, not bytes.
        #expect(GoText.tabwriter([["héllo", "x"], ["", "y"]]) == lines(["héllo  x", "       y"]))
        let wide = String(repeating: "w", count: 30)
        #expect(GoText.tabwriter([["a", "1"], [wide, "2"]]) == lines(["a" + String(repeating: " ", count: 31) + "1", wide + "  2"]))
        // minWidth applies when cell + padding is narrower.
        #expect(GoText.tabwriter([["a", "b"]], minWidth: 6, tabWidth: 4, padding: 1) == "a     b\n")
    }

    @Test func durationStrings() {
        #expect(GoText.duration(0) == "0s")
        #expect(GoText.duration(0.999) == "999ms")
        #expect(GoText.duration(0.15) == "150ms")
        #expect(GoText.duration(41.3) == "41.3s")
        #expect(GoText.duration(64.2) == "1m4.2s")
        #expect(GoText.duration(7800) == "2h10m0s")
        #expect(GoText.duration(1) == "1s")
        #expect(GoText.duration(61) == "1m1s")
        #expect(GoText.duration(3601) == "1h0m1s")
        #expect(GoText.duration(59.999) == "59.999s")
        #expect(GoText.duration(1.234567) == "1.234567s")
        #expect(GoText.duration(999e-9) == "999ns")
        #expect(GoText.duration(-41.3) == "-41.3s")
    }

    @Test func durationTruncation() {
        #expect(GoText.duration(64.299, truncatedTo: 0.1) == "1m4.2s")
        #expect(GoText.duration(41.349, truncatedTo: 0.1) == "41.3s")
        #expect(GoText.duration(0.099, truncatedTo: 0.1) == "0s")
        #expect(GoText.duration(7800.05, truncatedTo: 0.1) == "2h10m0s")
    }

    @Test func humanDurationSingularPlural() {
        #expect(GoText.humanDuration(1) == "1 second")
        #expect(GoText.humanDuration(30) == "30 seconds")
        #expect(GoText.humanDuration(60) == "1 minute")
        #expect(GoText.humanDuration(120) == "2 minutes")
        #expect(GoText.humanDuration(61) == "1 minute 1 second")
        #expect(GoText.humanDuration(3600) == "1 hour")
        #expect(GoText.humanDuration(7200) == "2 hours")
        #expect(GoText.humanDuration(27_000) == "7 hours 30 minutes")
        #expect(GoText.humanDuration(86_400) == "1 day")
        #expect(GoText.humanDuration(172_800) == "2 days")
        #expect(GoText.humanDuration(604_800) == "1 week")
        #expect(GoText.humanDuration(31_536_000) == "1 year")
        #expect(GoText.humanDuration(0.25) == "250 milliseconds")
        #expect(GoText.humanDuration(0) == "0 seconds")
    }

    @Test func humanDurationKeepsFirstTwoNonZeroUnits() {
        #expect(GoText.humanDuration(3601) == "1 hour 1 second")
        #expect(GoText.humanDuration(90_061) == "1 day 1 hour")
        #expect(GoText.humanDuration(694_800) == "1 week 1 day")
        #expect(GoText.humanDuration(15_552_000) == "25 weeks 5 days")
        #expect(GoText.humanDuration(1.5) == "1 second 500 milliseconds")
    }

    @Test func epochTimeNowAgoIn() {
        #expect(GoText.epochTime(current: 1900, epoch: 1900, blockDelay: 30) == "1900 (now)")
        #expect(GoText.epochTime(current: 1900, epoch: 1960, blockDelay: 30) == "1960 (in 30 minutes)")
        #expect(GoText.epochTime(current: 1900, epoch: 1880, blockDelay: 30) == "1880 (10 minutes ago)")
        #expect(GoText.epochTime(current: 100, epoch: 99, blockDelay: 4) == "99 (4 seconds ago)")
    }

    @Test func epochTimeTsRFC822() {
        let genesis = aug6.addingTimeInterval(-30_000)  // epoch 1000 at 10:00 UTC
        #expect(GoText.epochTimeTs(current: 1900, epoch: 1000, blockDelay: 30, genesis: genesis)
            == "1000 (06 Aug 26 10:00 UTC, 7 hours 30 minutes ago)")
        #expect(GoText.epochTimeTs(current: 1900, epoch: 3880, blockDelay: 30, genesis: genesis)
            == "3880 (07 Aug 26 10:00 UTC, in 16 hours 30 minutes)")
        #expect(GoText.epochTimeTs(current: 1000, epoch: 1000, blockDelay: 30, genesis: genesis)
            == "1000 (06 Aug 26 10:00 UTC, now)")
    }

    @Test func percentGAndSizeStr() {
        #expect(GoText.formatG(5.9) == "5.9")
        #expect(GoText.formatG(23.4) == "23.4")
        #expect(GoText.formatG(1008) == "1008")
        #expect(GoText.formatG(1000) == "1000")
        #expect(GoText.formatG(1023.99) == "1024")
        #expect(GoText.formatG(999.95) == "1000")
        #expect(GoText.formatG(1.00001) == "1")
        #expect(GoText.formatG(0.5) == "0.5")
        #expect(GoText.formatG(10240) == "1.024e+04")
        #expect(GoText.formatG(12000) == "1.2e+04")
        #expect(GoText.sizeStr(0) == "0 B")
        #expect(GoText.sizeStr(1023) == "1023 B")
        #expect(GoText.sizeStr(2048) == "2 KiB")
        #expect(GoText.sizeStr(512 * mib) == "512 MiB")
        #expect(GoText.sizeStr(1008 * gib) == "1008 GiB")
        #expect(GoText.bytesSize(2048) == "2KiB")
        #expect(GoText.bytesSize(1.5 * Double(gib)) == "1.5GiB")
    }
}

@Suite("SealingTables")
struct SealingTablesTests {
    @Test func jobsSample() {
        // node.md §3.5 sample; rows given out of order.
        let now = aug6
        let w = "8d1e22b7-0000-4000-8000-000000000001"
        let rows = [
            JobRow(callID: "0c9d8e7f-1111-4000-8000-000000000003", sector: 5, workerID: w, hostname: "sp1", task: "AP", runWait: 2, start: nil),
            JobRow(callID: "a1b2c3d4-1111-4000-8000-000000000002", sector: 4, workerID: w, hostname: "sp1", task: "AP", runWait: 0,
                   start: now.addingTimeInterval(-2.14)),
            JobRow(callID: "4f2a9c10-1111-4000-8000-000000000001", sector: 3, workerID: w, hostname: "sp1", task: "PC1", runWait: 0,
                   start: now.addingTimeInterval(-41.37)),
        ]
        #expect(SealingTables.jobs(rows, now: now) == lines([
            "ID        Sector  Worker    Hostname  Task  State        Time",
            "4f2a9c10  3       8d1e22b7  sp1       PC1   running      41.3s",
            "a1b2c3d4  4       8d1e22b7  sp1       AP    running      2.1s",
            "0c9d8e7f  5       8d1e22b7  sp1       AP    assigned(1)  n/a",
        ]))
    }

    @Test func jobsStatesOrderAndRetDone() {
        let now = aug6
        let w = "8D1E22B7-0000-4000-8000-000000000001"  // upper case in, lower-case hex out
        func job(_ id: String, _ sector: UInt64, _ task: String, _ rw: Int, _ ago: Double?) -> JobRow {
            JobRow(callID: "\(id)-0000-4000-8000-000000000000", sector: sector, workerID: w, hostname: "sp1", task: task,
                   runWait: rw, start: ago.map { now.addingTimeInterval(-$0) })
        }
        let rows = [
            job("00000005", 13, "C1", 13, 7800.05),
            job("00000004", 12, "PC2", 1, nil),
            job("4f2a9c10", 3, "PC1", 0, 41.35),
            job("00000001", 9, "FIN", -1, 1.5),
            job("00000003", 11, "GET", -3, 5),
            job("00000002", 10, "C2", -2, 0),
        ]
        #expect(SealingTables.jobs(rows, now: now) == lines([
            "ID        Sector  Worker    Hostname  Task  State         Time",
            "00000002  10      8d1e22b7  sp1       C2    returned      0s",
            "00000001  9       8d1e22b7  sp1       FIN   ret-wait      1.5s",
            "4f2a9c10  3       8d1e22b7  sp1       PC1   running       41.3s",
            "00000004  12      8d1e22b7  sp1       PC2   prepared      n/a",
            "00000005  13      8d1e22b7  sp1       C1    assigned(12)  2h10m0s",
        ]))
        let shown = SealingTables.jobs(rows, now: now, showRetDone: true)
        #expect(shown.split(separator: "\n")[1] == "00000003  11      8d1e22b7  sp1       GET   ret-done      5s")
    }

    @Test func jobsEqualStartsSortByCallID() {
        let t = aug6.addingTimeInterval(-1)
        let rows = [
            JobRow(callID: "bbbbbbbb-0000-4000-8000-000000000000", sector: 2, workerID: "01020304-0000", hostname: "h", task: "AP", runWait: 0, start: t),
            JobRow(callID: "aaaaaaaa-0000-4000-8000-000000000000", sector: 1, workerID: "01020304-0000", hostname: "h", task: "AP", runWait: 0, start: t),
        ]
        #expect(SealingTables.jobs(rows, now: aug6) == lines([
            "ID        Sector  Worker    Hostname  Task  State    Time",
            "aaaaaaaa  1       01020304  h         AP    running  1s",
            "bbbbbbbb  2       01020304  h         AP    running  1s",
        ]))
    }

    @Test func workersSample() {
        // node.md §3.6 sample: 2-core host, PC1 and AP running (2 KiB sectors: tiny task
        // reservations), 5.9 GiB in use of 23.4 GiB, no swap, no GPU.
        let physical = UInt64((23.4 * Double(gib)).rounded())
        let used = UInt64((5.9 * Double(gib)).rounded())
        let row = WorkerRow(
            id: "2a6f0d0e-77c4-4d43-9f0a-5d4b1c3e8a21", hostname: "sp1", enabled: true,
            tasks: [WorkerTaskCount(short: "AP", order: 9, count: 1), WorkerTaskCount(short: "PC1", order: 5, count: 1),
                    WorkerTaskCount(short: "C2", order: 3, count: 0)],
            cpuUsed: 2, cpus: 2, memPhysical: physical, memSwap: 0, memUsedOS: used, memTaskMin: 4096, memTaskMax: 4096)
        let bar16 = String(repeating: "|", count: 16) + String(repeating: " ", count: 48)
        #expect(SealingTables.workers([row]) == lines([
            "Worker 2a6f0d0e-77c4-4d43-9f0a-5d4b1c3e8a21, host sp1",
            "\tTASK: PC1(1) AP(1) ",
            "\tCPU:  [||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||] 2/2 core(s) in use",
            "\tRAM:  [||||||||||||||||                                                ] 25% 5.9 GiB/23.4 GiB",
            "\tVMEM: [||||||||||||||||                                                ] 25% 5.9 GiB/23.4 GiB",
        ]))
        #expect(SealingTables.workers([row]).contains("[\(bar16)] 25%"))
    }

    @Test func workersSortedDisabledMaxAndGPU() {
        // Values worked from Lotus' formulas in cli/miner/sealing.go and BarString (cli/net.go).
        let gpuWorker = WorkerRow(
            id: "b0000000-0000-4000-8000-000000000000", hostname: "sp2", enabled: false,
            tasks: [WorkerTaskCount(short: "PC1", order: 5, count: 1, max: 1), WorkerTaskCount(short: "GET", order: -1, count: 2)],
            cpuUsed: 1, cpus: 4, memPhysical: 16 * gib, memSwap: 16 * gib, memUsedOS: 4 * gib, memTaskMin: 2 * gib, memTaskMax: 4 * gib,
            gpus: ["RTX A4000"], gpuUsed: 0.5)
        let idle = WorkerRow(
            id: "0a000000-0000-4000-8000-000000000000", hostname: "sp1", enabled: true, tasks: [],
            cpuUsed: 0, cpus: 2, memPhysical: gib, memSwap: 0, memUsedOS: 512 * mib, memTaskMin: 0, memTaskMax: 0,
            gpus: [], gpuUsed: 0)
        func bar(_ n: Int) -> String { String(repeating: "|", count: n) + String(repeating: " ", count: 64 - n) }
        #expect(SealingTables.workers([gpuWorker, idle]) == lines([
            "Worker 0a000000-0000-4000-8000-000000000000, host sp1",
            "\tCPU:  [\(bar(0))] 0/2 core(s) in use",
            "\tRAM:  [\(bar(32))] 50% 512 MiB/1 GiB",
            "\tVMEM: [\(bar(32))] 50% 512 MiB/1 GiB",
            "Worker b0000000-0000-4000-8000-000000000000, host sp2 (disabled)",
            "\tTASK: GET(2) PC1(1/1) ",
            "\tCPU:  [\(bar(16))] 1/4 core(s) in use",
            // RAM: reserved 4−2 = 2 GiB (8 cols) + tasks 2 GiB (8 cols); size shown = tasks + used.
            "\tRAM:  [\(bar(16))] 25% 6 GiB/16 GiB",
            // VMEM: tasks 4 GiB of 32 GiB (8 cols), nothing reserved; 4·100/32 = 12 (integer).
            "\tVMEM: [\(bar(8))] 12% 4 GiB/32 GiB",
            "\tGPU:  [\(bar(32))] 50% 0.50/1 gpu(s) in use",
            "\tGPU: RTX A4000, used",
        ]))
    }

    @Test func workersUnusedGPU() {
        let w = WorkerRow(
            id: "c", hostname: "g", enabled: true, tasks: [], cpuUsed: 0, cpus: 1, memPhysical: gib, memSwap: 0,
            memUsedOS: 0, memTaskMin: 0, memTaskMax: 0, gpus: ["A", "B"], gpuUsed: 0)
        let out = SealingTables.workers([w])
        #expect(out.hasSuffix(lines([
            "\tGPU:  [\(String(repeating: " ", count: 64))] 0% 0.00/2 gpu(s) in use",
            "\tGPU: A, not used",
            "\tGPU: B, not used",
        ])))
    }
}

@Suite("ProvingTables")
struct ProvingTablesTests {
    @Test func infoSample() {
        // node.md §4.4 sample: period start 1000 at 06 Aug 26 10:00 UTC, head 1900, 30 s epochs.
        let input = ProvingInfoInput(
            miner: "t01000", currentEpoch: 1900, blockDelay: 30, genesis: aug6.addingTimeInterval(-30_000),
            periodStart: 1000, provingPeriod: 2880, deadlineIndex: 15, deadlineOpen: 1900, deadlineClose: 1960,
            deadlineChallenge: 1880, deadlineFaultCutoff: 1830, faults: 0, recovering: 0, totalSectors: 2, deadlineSectors: 2)
        #expect(ProvingTables.info(input) == lines([
            "Miner: t01000",
            "Current Epoch:           1900",
            "Proving Period Boundary: 1000",
            "Proving Period Start:    1000 (06 Aug 26 10:00 UTC, 7 hours 30 minutes ago)",
            "Next Period Start:       3880 (07 Aug 26 10:00 UTC, in 16 hours 30 minutes)",
            "",
            "Faults:      0 (0.00%)",
            "Recovering:  0",
            "Deadline Index:       15",
            "Deadline Sectors:     2",
            "Deadline Open:        1900 (now)",
            "Deadline Close:       1960 (in 30 minutes)",
            "Deadline Challenge:   1880 (10 minutes ago)",
            "Deadline FaultCutoff: 1830 (35 minutes ago)",
        ]))
    }

    @Test func infoFaultPercentIsIntegerDivision() {
        let input = ProvingInfoInput(
            miner: "t01000", currentEpoch: 4000, blockDelay: 30, genesis: aug6.addingTimeInterval(-30_000),
            periodStart: 3880, provingPeriod: 2880, deadlineIndex: 2, deadlineOpen: 4000, deadlineClose: 4060,
            deadlineChallenge: 3980, deadlineFaultCutoff: 3930, faults: 1, recovering: 1, totalSectors: 3, deadlineSectors: 1)
        let out = ProvingTables.info(input)
        #expect(out.contains("\nFaults:      1 (33.00%)\nRecovering:  1\n"))
        #expect(out.contains("\nProving Period Boundary: 1000\n"))
    }

    @Test func deadlinesSample() {
        // node.md §4.4 sample rows (0, 1, 15 current, 47), 30-minute deadlines from 10:00 UTC.
        let start = aug6
        let rows = (0..<48).map { i in
            DeadlineRow(index: i, open: start.addingTimeInterval(Double(i) * 1800),
                        partitions: i == 0 || i == 15 ? 1 : 0, sectors: i == 0 || i == 15 ? 2 : 0,
                        faults: 0, provenPartitions: i == 0 ? 1 : 0)
        }
        let out = ProvingTables.deadlines(miner: "t01000", rows: rows, current: 15)
        let l = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(l.count == 51)  // Miner, header, 48 rows, final empty
        #expect(l[0] == "Miner: t01000")
        #expect(l[1] == "deadline  open      partitions  sectors (faults)  proven partitions")
        #expect(l[2] == "0         10:00:00  1           2 (0)             1")
        #expect(l[3] == "1         10:30:00  0           0 (0)             0")
        #expect(l[49] == "47        09:30:00  0           0 (0)             0")
        // node.md pads "(current)" out past the header; Go's tabwriter (Lotus writes
        // "...%d\t(current)\n") aligns that cell only within its own one-row column block, so
        // the real output is two spaces (checked with Go's text/tabwriter on this input).
        #expect(l[17] == "15        17:30:00  1           2 (0)             0  (current)")
        #expect(l[50] == "")
    }

    @Test func deadlineDetail() {
        let out = ProvingTables.deadline(
            index: 15, open: "17:30:00",
            partitions: [PartitionRow(index: 0, all: 2, live: 2, active: 1, faulty: 1, recovering: 0)],
            provenPartitions: 0, current: true)
        func stat(_ name: String, _ n: Int) -> String { "\t\(name) Sectors:" + String(repeating: " ", count: 18 - name.count) + "\(n)" }
        #expect(out == lines([
            "Deadline Index:           15",
            "Deadline Open:            17:30:00",
            "Partitions:               1",
            "Proven Partitions:        0",
            "Current:                  true",
            "",
            "Partition Index:          0",
            stat("All", 2), stat("Live", 2), stat("Active", 1), stat("Faulty", 1), stat("Recovering", 0),
        ]))
        #expect(stat("All", 2) == "\tAll Sectors:               2")
        #expect(ProvingTables.deadline(index: 3, open: "11:30:00", partitions: [], provenPartitions: 0, current: false)
            .hasSuffix("Current:                  false\n\n"))
    }

    @Test func faultsTable() {
        let out = ProvingTables.faults(miner: "t01000", rows: [(deadline: 3, partition: 0, sector: 7), (deadline: 12, partition: 1, sector: 1024)])
        #expect(out == lines(["Miner: t01000", "deadline  partition  sectors", "3         0          7", "12        1          1024"]))
        #expect(ProvingTables.faults(miner: "t01000", rows: []) == lines(["Miner: t01000", "deadline  partition  sectors"]))
    }

    @Test func checkSample() {
        let rows = [
            CheckRow(deadline: 15, partition: 0, sector: 1, bad: nil),
            CheckRow(deadline: 15, partition: 0, sector: 2, bad: "reading sealed file: no such file or directory"),
        ]
        #expect(ProvingTables.check(rows, onlyBad: false) == lines([
            "deadline  partition  sector  status",
            "15        0          1       good",
            "15        0          2       bad (reading sealed file: no such file or directory)",
        ]))
        #expect(ProvingTables.check(rows, onlyBad: true) == lines([
            "deadline  partition  sector  status",
            "15        0          2       bad (reading sealed file: no such file or directory)",
        ]))
    }
}

@Suite("SectorsTables")
struct SectorsTablesTests {
    @Test func listDefaultColumns() {
        // Lotus lib/tablewriter: unused columns dropped, every cell padded to width + 2.
        let rows = [
            SectorListRow(number: 2, state: "PreCommit1", onChain: false, active: false, expiration: nil, deals: 1,
                          dealWeight: 2048, estimated: true),
            SectorListRow(number: 1, state: "Proving", onChain: true, active: true, expiration: 1900 + 180 * 2880, deals: 0, early: 2000),
        ]
        let out = SectorsTables.list(rows, currentEpoch: 1900, blockDelay: 30)
        #expect(out == lines([
            "ID  State       OnChain  Active  Expiration                   Deals  DealWeight  ",
            "1   Proving     YES      YES     520300 (in 25 weeks 5 days)  CC                 ",
            "  RecoveryTimeout: 2000 (in 50 minutes)",
            "2   PreCommit1  NO       NO      n/a                          1      [2KiB]      ",
        ]))
    }

    @Test func listCCOnly() {
        let out = SectorsTables.list(
            [SectorListRow(number: 0, state: "Proving", onChain: true, active: false, expiration: 1900, deals: 0)],
            currentEpoch: 1900, blockDelay: 30)
        #expect(out == lines([
            "ID  State    OnChain  Active  Expiration  Deals  ",
            "0   Proving  YES      NO      1900 (now)  CC     ",
        ]))
    }

    @Test func statusLayoutAndLog() {
        let out = SectorsTables.status(
            number: 3, state: "Proving",
            fields: [("CIDcommD", "baga6ea4seaqd"), ("CIDcommR:", "bagboea4b5abc"), ("Ticket", "0a0b"), ("TicketH", "120"),
                     ("Seed", "0c0d"), ("SeedH", "280"), ("Precommit", "bafy2bzacea"), ("Commit", "bafy2bzaceb"),
                     ("Deals", "[]"), ("Retries", "0")],
            lastError: "precommit: out of gas",
            log: [(time: aug6, kind: "event;sealing.SectorStart", message: ""),
                  (time: aug6.addingTimeInterval(61.9), kind: "event;sealing.SectorPacked", message: "")])
        #expect(out == lines([
            "SectorID:\t3",
            "Status:\t\tProving",
            "CIDcommD:\tbaga6ea4seaqd",
            "CIDcommR:\tbagboea4b5abc",
            "Ticket:\t\t0a0b",
            "TicketH:\t120",
            "Seed:\t\t0c0d",
            "SeedH:\t\t280",
            "Precommit:\tbafy2bzacea",
            "Commit:\t\tbafy2bzaceb",
            "Deals:\t\t[]",
            "Retries:\t0",
            "Last Error:\t\tprecommit: out of gas",
            "",
            "Expiration Info",
            "OnTime:\t\t0",
            "Early:\t\t0",
            "--------",
            "Event Log:",
            "0.\t2026-08-06 10:00:00 +0000 UTC:\t[event;sealing.SectorStart]\t",
            "1.\t2026-08-06 10:01:01 +0000 UTC:\t[event;sealing.SectorPacked]\t",
        ]))
    }

    @Test func statusWithoutErrorLogOrExpiration() {
        let out = SectorsTables.status(number: 1, state: "PreCommit1", fields: [("Retries", "0")], lastError: "", log: [], expiration: nil)
        #expect(out == lines(["SectorID:\t1", "Status:\t\tPreCommit1", "Retries:\t0"]))
    }
}
