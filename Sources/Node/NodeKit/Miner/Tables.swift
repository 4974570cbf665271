// Pure text formatters that reproduce the output shapes of Lotus' `lotus-miner` CLI
// (`sealing jobs`, `sealing workers`, `proving …`, `sectors list`, `sectors status`),
// together with the Go standard-library text behaviours those commands rely on:
// text/tabwriter, time.Duration.String, fmt's %.4g, time.RFC822, and hako/durafmt.
//
// Upstream sources these were checked against (filecoin-project/lotus master, Aug 2026):
//   cli/miner/sealing.go      sealing jobs / sealing workers
//   cli/net.go                BarString (64-column bars)
//   chain/types/bigint.go     SizeStr ("%.4g <binary unit>")
//   cli/spcli/proving.go      proving info / deadlines / deadline / faults
//   cli/miner/proving.go      proving check
//   cli/miner/sectors.go      sectors list (lib/tablewriter, not text/tabwriter)
//   cli/spcli/sectors.go      sectors status
//   cli/util/epoch.go         EpochTime / EpochTimeTs (durafmt LimitFirstN(2))
//   hako/durafmt @ c0fb7b4da026 (the version Lotus pins in go.mod)
// Colours: Lotus colours some cells with fatih/color, which emits no escape codes when
// stdout is not a terminal; these formatters always produce that plain-text form.

import Foundation

// MARK: - Go text behaviours

/// Re-implementations of the Go library text formats that Lotus' CLI output is built from.
public enum GoText {
    /// Go text/tabwriter with minwidth, tabwidth, padding, padchar ' ', flags 0: each row is a
    /// list of cells; cells are aligned per column block as Go does (a cell is tab-terminated except the
    /// last of a line, which is not aligned and not padded). Rows of different lengths follow Go's column-block rules.
    ///
    /// Each row is emitted as its cells joined by `\t` and terminated by `\n`, exactly as if
    /// written with `fmt.Fprintf(tw, "a\tb\tc\n")`. A column block is a run of contiguous rows that
    /// all have a tab-terminated cell in that column; its width is
    /// `max(minWidth, widest cell + padding)` counted in Unicode scalars (Go counts runes). Empty
    /// cells inside a block are padded like any other. `tabWidth` only matters for tab padding,
    /// which this space-padded writer never uses; it is accepted to mirror Go's constructor.
    /// Cells must not contain `\t`, `\n`, `\v` or `\f`.
    public static func tabwriter(_ rows: [[String]], minWidth: Int = 2, tabWidth: Int = 4, padding: Int = 2) -> String {
        _ = tabWidth
        let lines: [[(text: String, width: Int)]] = rows.map { row in
            row.isEmpty ? [("", 0)] : row.map { ($0, $0.unicodeScalars.count) }
        }
        var out = ""
        var widths: [Int] = []

        func write(_ range: Range<Int>) {
            for i in range {
                let line = lines[i]
                for (j, cell) in line.enumerated() {
                    out += cell.text
                    if j < widths.count {
                        out += String(repeating: " ", count: max(widths[j] - cell.width, 0))
                    }
                }
                out += "\n"
            }
        }

        // Width of `column` is decided per block of contiguous lines that have it as a
        // terminated cell; columns to the right are then formatted inside each block.
        func format(_ start: Int, _ end: Int) {
            let column = widths.count
            var pending = start
            var this = start
            while this < end {
                guard column < lines[this].count - 1 else {
                    this += 1
                    continue
                }
                write(pending..<this)
                let blockStart = this
                var width = minWidth
                while this < end, column < lines[this].count - 1 {
                    width = max(width, lines[this][column].width + padding)
                    this += 1
                }
                widths.append(width)
                format(blockStart, this)
                widths.removeLast()
                pending = this
            }
            write(pending..<end)
        }

        format(0, lines.count)
        return out
    }

    /// Go time.Duration.String() of `seconds` (e.g. "1m4.2s", "2h10m0s", "41.3s", "0s", "150ms").
    ///
    /// `seconds` is first rounded to whole nanoseconds (Go's Duration resolution).
    public static func duration(_ seconds: Double) -> String {
        durationString(nanoseconds(seconds))
    }

    /// duration truncated to a multiple of `unit` seconds first (Lotus truncates job times to 100 ms).
    ///
    /// Like Go's `Duration.Truncate`: rounds toward zero; a non-positive unit leaves the value as is.
    public static func duration(_ seconds: Double, truncatedTo unit: Double) -> String {
        let d = nanoseconds(seconds)
        let m = nanoseconds(unit)
        guard m > 0 else { return durationString(d) }
        return durationString(d - d % m)
    }

    /// hako/durafmt with LimitFirstN(2) as Lotus prints: "7 hours 30 minutes", "1 minute", "30 seconds".
    ///
    /// Units are years (365 days), weeks, days, hours, minutes, seconds, milliseconds and
    /// microseconds; zero units are skipped, so the two kept units need not be adjacent
    /// ("1 hour 1 second"). Zero prints "0 seconds"; a negative value gets a leading "-".
    public static func humanDuration(_ seconds: Double) -> String {
        durafmtString(nanoseconds(seconds), limitFirstN: 2)
    }

    /// Lotus cliutil.EpochTime: "<e> (in <d>)", "<e> (<d> ago)", "<e> (now)" with d = |curr−e|·blockDelay.
    public static func epochTime(current: Int64, epoch: Int64, blockDelay: Double) -> String {
        if current == epoch { return "\(epoch) (now)" }
        let d = humanDuration(Double(current.distance(to: epoch).magnitude) * blockDelay)
        return current > epoch ? "\(epoch) (\(d) ago)" : "\(epoch) (in \(d))"
    }

    /// Lotus cliutil.EpochTimeTs: "<e> (<RFC822 time>, <d> ago)" / "(<time>, in <d>)" / "(<time>, now)" where time = genesis + e·blockDelay, formatted like Go's time.RFC822 in UTC ("06 Aug 26 10:00 UTC").
    public static func epochTimeTs(current: Int64, epoch: Int64, blockDelay: Double, genesis: Date) -> String {
        let unix = (genesis.timeIntervalSince1970 + Double(epoch) * blockDelay).rounded(.down)
        let ts = rfc822UTC(unixSeconds: clampToInt64(unix))
        if current == epoch { return "\(epoch) (\(ts), now)" }
        let d = humanDuration(Double(current.distance(to: epoch).magnitude) * blockDelay)
        return current > epoch ? "\(epoch) (\(ts), \(d) ago)" : "\(epoch) (\(ts), in \(d))"
    }

    /// Lotus `types.SizeStr`: binary units B … ZiB with Go's `%.4g` ("0 B", "2 KiB", "5.9 GiB", "1008 GiB").
    public static func sizeStr(_ bytes: UInt64) -> String {
        if bytes == 0 { return "0 B" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB"]
        var f = Double(bytes)
        var i = 0
        while f >= 1024, i + 1 < units.count {
            f /= 1024
            i += 1
        }
        return "\(formatG(f, precision: 4)) \(units[i])"
    }

    /// docker/go-units `BytesSize` (used by `sectors list` DealWeight): `%.4g` with binary
    /// units and no space ("2KiB", "1.5GiB").
    public static func bytesSize(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
        var f = bytes
        var i = 0
        while f >= 1024, i < units.count - 1 {
            f /= 1024
            i += 1
        }
        return formatG(f, precision: 4) + units[i]
    }

    /// Go `fmt.Sprintf("%.<precision>g", value)`: `precision` significant digits, trailing zeros
    /// dropped, exponent form (`1.024e+04`) when the exponent is < −4 or ≥ the precision.
    public static func formatG(_ value: Double, precision: Int = 4) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let prec = max(precision, 1)
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        // Correctly rounded significant digits from the C library's %e.
        let e = String(format: "%.\(prec - 1)e", abs(value))
        let parts = e.split(separator: "e", maxSplits: 1)
        guard parts.count == 2, let exp10 = Int(parts[1]) else { return e }
        var digits = Array(parts[0].filter(\.isNumber))
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let nd = digits.count
        let dp = exp10 + 1
        let neg = value < 0 ? "-" : ""

        var eprec = prec
        if eprec > nd, nd >= dp { eprec = nd }
        let exp = dp - 1
        if exp < -4 || exp >= eprec {
            let p = min(prec, nd)
            var s = String(digits[0])
            if p > 1 { s += "." + String(digits[1..<p]) }
            let ae = abs(exp)
            s += (exp < 0 ? "e-" : "e+") + (ae < 10 ? "0\(ae)" : "\(ae)")
            return neg + s
        }
        let p = prec > dp ? nd : prec
        let decimals = max(p - dp, 0)
        func digit(_ i: Int) -> Character { i >= 0 && i < nd ? digits[i] : "0" }
        var s = ""
        if dp > 0 {
            for i in 0..<dp { s.append(digit(i)) }
        } else {
            s = "0"
        }
        if decimals > 0 {
            s += "."
            for i in 0..<decimals { s.append(digit(dp + i)) }
        }
        return neg + s
    }

    // MARK: internals

    static func clampToInt64(_ x: Double) -> Int64 {
        if x.isNaN { return 0 }
        if x >= 9.2233720368547758e18 { return Int64.max }
        if x <= -9.2233720368547758e18 { return Int64.min }
        return Int64(x)
    }

    /// Seconds → Go Duration (nanoseconds), rounded to nearest and saturated.
    static func nanoseconds(_ seconds: Double) -> Int64 {
        clampToInt64((seconds * 1e9).rounded())
    }

    /// Go `time.Duration.String()` of a nanosecond count.
    static func durationString(_ d: Int64) -> String {
        if d == 0 { return "0s" }
        let sign = d < 0 ? "-" : ""
        let u = d.magnitude

        // Fraction of v / 10^prec without trailing zeros ("" when zero), and the integer part.
        func frac(_ v: UInt64, _ prec: Int) -> (String, UInt64) {
            var p: UInt64 = 1
            for _ in 0..<prec { p *= 10 }
            var digits = String(v % p)
            digits = String(repeating: "0", count: prec - digits.count) + digits
            while digits.last == "0" { digits.removeLast() }
            return (digits.isEmpty ? "" : "." + digits, v / p)
        }

        if u < 1_000_000_000 {
            if u < 1_000 { return sign + "\(u)ns" }
            if u < 1_000_000 {
                let (f, w) = frac(u, 3)
                return sign + "\(w)\(f)µs"
            }
            let (f, w) = frac(u, 6)
            return sign + "\(w)\(f)ms"
        }
        let (f, total) = frac(u, 9)
        var w = total
        var s = "\(w % 60)\(f)s"
        w /= 60
        if w > 0 {
            s = "\(w % 60)m" + s
            w /= 60
            if w > 0 { s = "\(w)h" + s }
        }
        return sign + s
    }

    /// hako/durafmt (c0fb7b4) `Parse(d).LimitFirstN(n).String()`.
    static func durafmtString(_ d: Int64, limitFirstN n: Int) -> String {
        if d == 0 { return "0 seconds" }
        let prefix = d < 0 ? "-" : ""
        var rest = Int64(clamping: d.magnitude) / 1_000  // microseconds, truncated
        let sizes: [(String, Int64)] = [
            ("years", 365 * 24 * 3600 * 1_000_000), ("weeks", 7 * 24 * 3600 * 1_000_000),
            ("days", 24 * 3600 * 1_000_000), ("hours", 3600 * 1_000_000), ("minutes", 60 * 1_000_000),
            ("seconds", 1_000_000), ("milliseconds", 1_000), ("microseconds", 1),
        ]
        var words: [String] = []
        for (unit, size) in sizes {
            let v = rest / size
            rest -= v * size
            if v > 1 {
                words += ["\(v)", unit]
            } else if v == 1 {
                words += ["1", String(unit.dropLast())]
            }
        }
        if n > 0, words.count > n * 2 { words = Array(words.prefix(n * 2)) }
        return words.isEmpty ? "" : prefix + words.joined(separator: " ")
    }

    private static let monthAbbrev = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Proleptic Gregorian UTC fields of a Unix time (days-from-civil inverse).
    static func utcFields(unixSeconds t: Int64) -> (year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var days = t / 86_400
        var secs = t % 86_400
        if secs < 0 {
            secs += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, Int(secs / 3600), Int(secs % 3600 / 60), Int(secs % 60))
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    static func unixSeconds(_ date: Date) -> Int64 {
        clampToInt64(date.timeIntervalSince1970.rounded(.down))
    }

    /// Go `time.RFC822` ("02 Jan 06 15:04 MST") in UTC.
    static func rfc822UTC(unixSeconds t: Int64) -> String {
        let f = utcFields(unixSeconds: t)
        let yy = Int(((f.year % 100) + 100) % 100)
        return "\(two(f.day)) \(monthAbbrev[f.month - 1]) \(two(yy)) \(two(f.hour)):\(two(f.minute)) UTC"
    }

    /// Go `time.TimeOnly` ("15:04:05") in UTC.
    static func timeOnlyUTC(_ date: Date) -> String {
        let f = utcFields(unixSeconds: unixSeconds(date))
        return "\(two(f.hour)):\(two(f.minute)):\(two(f.second))"
    }

    /// Go `Time.String()` of `time.Unix(sec, 0)` in UTC: "2006-01-02 15:04:05 +0000 UTC".
    static func timeStringUTC(_ date: Date) -> String {
        let f = utcFields(unixSeconds: unixSeconds(date))
        var y = String(f.year.magnitude)
        if y.count < 4 { y = String(repeating: "0", count: 4 - y.count) + y }
        if f.year < 0 { y = "-" + y }
        return "\(y)-\(two(f.month))-\(two(f.day)) \(two(f.hour)):\(two(f.minute)):\(two(f.second)) +0000 UTC"
    }
}

// MARK: - sealing jobs / workers

/// One row of `lotus-miner sealing jobs` (a storiface.WorkerJob plus its worker).
public struct JobRow: Sendable, Equatable {
    /// The call UUID; shown as its first 4 bytes (8 lowercase hex chars).
    public var callID: String
    /// Sector number.
    public var sector: UInt64
    /// The worker UUID; first 8 hex chars.
    public var workerID: String
    /// Worker host name.
    public var hostname: String
    /// Short task name, e.g. "PC1".
    public var task: String
    /// 0 running, 1 prepared, n+1 ≥ 2 assigned(n), -1 ret-wait, -2 returned, -3 ret-done.
    public var runWait: Int
    /// Job start; nil (Go's zero time) → "n/a".
    public var start: Date?

    /// Memberwise initialiser.
    public init(callID: String, sector: UInt64, workerID: String, hostname: String, task: String, runWait: Int, start: Date?) {
        self.callID = callID
        self.sector = sector
        self.workerID = workerID
        self.hostname = hostname
        self.task = task
        self.runWait = runWait
        self.start = start
    }
}

/// A task type's active count on a worker (`WorkerStats.TaskCounts`) for the `TASK:` line.
public struct WorkerTaskCount: Sendable, Equatable {
    /// Short task name ("PC1").
    public var short: String
    /// Lotus `sealtasks` order (WNP −6 … GSK 11); the TASK line is sorted ascending.
    public var order: Int
    /// Tasks of this type running now; zero counts are not shown.
    public var count: Int
    /// `MaxConcurrent` of the resource spec; 0 = no cap (then no "/max").
    public var max: Int

    /// Memberwise initialiser.
    public init(short: String, order: Int, count: Int, max: Int = 0) {
        self.short = short
        self.order = order
        self.count = count
        self.max = max
    }
}

/// One worker of `lotus-miner sealing workers` (storiface.WorkerStats).
public struct WorkerRow: Sendable, Equatable {
    /// Worker UUID string.
    public var id: String
    /// Host name.
    public var hostname: String
    /// false → " (disabled)" after the host name.
    public var enabled: Bool
    /// Task counts for the TASK line.
    public var tasks: [WorkerTaskCount]
    /// Cores in use (`CpuUse`).
    public var cpuUsed: Int
    /// Cores on the worker (`Resources.CPUs`).
    public var cpus: Int
    /// Physical memory in bytes (`Resources.MemPhysical`).
    public var memPhysical: UInt64
    /// Swap size in bytes (`Resources.MemSwap`).
    public var memSwap: UInt64
    /// Memory in use on the host as the OS reports it (Lotus `Resources.MemUsed`). Lotus
    /// derives "used outside tasks" from it as `max(memUsedOS − memTaskMin, 0)` (the yellow bar).
    public var memUsedOS: UInt64
    /// Sum of task minimum-memory reservations (`MemUsedMin`, RAM line).
    public var memTaskMin: UInt64
    /// Sum of task maximum-memory reservations (`MemUsedMax`, VMEM line).
    public var memTaskMax: UInt64
    /// GPU names; GPU lines are printed only when non-empty.
    public var gpus: [String]
    /// GPUs in use (fractional).
    public var gpuUsed: Double
    /// Swap in use in bytes (`Resources.MemSwapUsed`), added to memUsedOS for VMEM.
    public var memSwapUsed: UInt64

    /// Memberwise initialiser.
    public init(
        id: String, hostname: String, enabled: Bool, tasks: [WorkerTaskCount], cpuUsed: Int, cpus: Int,
        memPhysical: UInt64, memSwap: UInt64, memUsedOS: UInt64, memTaskMin: UInt64, memTaskMax: UInt64,
        gpus: [String] = [], gpuUsed: Double = 0, memSwapUsed: UInt64 = 0
    ) {
        self.id = id
        self.hostname = hostname
        self.enabled = enabled
        self.tasks = tasks
        self.cpuUsed = cpuUsed
        self.cpus = cpus
        self.memPhysical = memPhysical
        self.memSwap = memSwap
        self.memUsedOS = memUsedOS
        self.memTaskMin = memTaskMin
        self.memTaskMax = memTaskMax
        self.gpus = gpus
        self.gpuUsed = gpuUsed
        self.memSwapUsed = memSwapUsed
    }
}

/// Formatters for `lotus-miner sealing …`.
public enum SealingTables {
    /// `sealing jobs`: header ID Sector Worker Hostname Task State Time, sorted as §3.5 says; ret-done hidden unless showRetDone.
    ///
    /// Sort (Lotus): RunWait ascending, then equal start times by call ID string, else older
    /// start first (a nil start is Go's zero time, older than any date). Time is
    /// `now − start` truncated to 100 ms in Go duration text.
    public static func jobs(_ rows: [JobRow], now: Date, showRetDone: Bool = false) -> String {
        let sorted = rows.sorted { a, b in
            if a.runWait != b.runWait { return a.runWait < b.runWait }
            let sa = a.start?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
            let sb = b.start?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
            if sa == sb { return a.callID.lowercased() < b.callID.lowercased() }
            return sa < sb
        }
        var table: [[String]] = [["ID", "Sector", "Worker", "Hostname", "Task", "State", "Time"]]
        for r in sorted {
            let state: String
            switch r.runWait {
            case let n where n > 1: state = "assigned(\(n - 1))"
            case 1: state = "prepared"
            case -3:
                if !showRetDone { continue }
                state = "ret-done"
            case -2: state = "returned"
            case -1: state = "ret-wait"
            default: state = "running"
            }
            var time = "n/a"
            if let start = r.start {
                time = GoText.duration(now.timeIntervalSince(start), truncatedTo: 0.1)
            }
            table.append([shortID(r.callID), "\(r.sector)", shortID(r.workerID), r.hostname, r.task, state, time])
        }
        return GoText.tabwriter(table, minWidth: 2, tabWidth: 4, padding: 2)
    }

    /// `sealing workers` (§3.6): sorted by id; 64-col bars ('|' for used, spaces), no ANSI colours (plain text),
    /// sizes via Lotus types.SizeStr (binary units, %.4g: "5.9 GiB", "23.4 GiB" — Go's %.4g drops trailing zeros;
    /// match it), TASK line with trailing space, GPU lines only if gpus non-empty.
    ///
    /// Faithful to Lotus' arithmetic, including its quirk that the RAM size shown is
    /// `memTaskMin + memUsedOS` while the RAM percent is `(memTaskMin + reserved)·100/physical`
    /// (integer division) with `reserved = max(memUsedOS − memTaskMin, 0)`; VMEM uses
    /// memTaskMax, memUsedOS + memSwapUsed and physical + swap, and shows tasks + reserved.
    public static func workers(_ rows: [WorkerRow]) -> String {
        var out = ""
        for w in rows.sorted(by: { $0.id < $1.id }) {
            out += "Worker \(w.id), host \(w.hostname)\(w.enabled ? "" : " (disabled)")\n"

            let tasks = w.tasks.filter { $0.count != 0 }.sorted {
                $0.order != $1.order ? $0.order < $1.order : $0.short < $1.short
            }
            if !tasks.isEmpty {
                let parts = tasks.map { t in
                    t.max > 0 ? "\(t.short)(\(t.count)/\(t.max)) " : "\(t.short)(\(t.count)) "
                }
                out += "\tTASK: \(parts.joined())\n"
            }

            out += "\tCPU:  [\(bar(total: Double(w.cpus), yellow: 0, green: Double(w.cpuUsed)))] \(w.cpuUsed)/\(w.cpus) core(s) in use\n"

            let ramTotal = w.memPhysical
            let ramTasks = w.memTaskMin
            let ramUsed = w.memUsedOS
            let ramReserved = ramUsed > ramTasks ? ramUsed - ramTasks : 0
            let ramPct = ramTotal == 0 ? 0 : (ramTasks &+ ramReserved) &* 100 / ramTotal
            out += "\tRAM:  [\(bar(total: Double(ramTotal), yellow: Double(ramReserved), green: Double(ramTasks)))] "
                + "\(ramPct)% \(GoText.sizeStr(ramTasks &+ ramUsed))/\(GoText.sizeStr(ramTotal))\n"

            let vmemTotal = w.memPhysical &+ w.memSwap
            let vmemTasks = w.memTaskMax
            let vmemUsed = w.memUsedOS &+ w.memSwapUsed
            let vmemReserved = vmemUsed > vmemTasks ? vmemUsed - vmemTasks : 0
            let vmemPct = vmemTotal == 0 ? 0 : (vmemTasks &+ vmemReserved) &* 100 / vmemTotal
            out += "\tVMEM: [\(bar(total: Double(vmemTotal), yellow: Double(vmemReserved), green: Double(vmemTasks)))] "
                + "\(vmemPct)% \(GoText.sizeStr(vmemTasks &+ vmemReserved))/\(GoText.sizeStr(vmemTotal))\n"

            if !w.gpus.isEmpty {
                let n = Double(w.gpus.count)
                let pct = String(format: "%.0f", w.gpuUsed * 100 / n)
                let used = String(format: "%.2f", w.gpuUsed)
                out += "\tGPU:  [\(bar(total: n, yellow: 0, green: w.gpuUsed))] \(pct)% \(used)/\(w.gpus.count) gpu(s) in use\n"
            }
            let use = w.gpuUsed > 0 ? "" : "not "
            for gpu in w.gpus {
                out += "\tGPU: \(gpu), \(use)used\n"
            }
        }
        return out
    }

    /// Lotus `BarString`: round(y/total·64) + round(g/total·64) bars, the rest spaces
    /// (no spaces, and a longer bar, when the two exceed 64).
    static func bar(total: Double, yellow: Double, green: Double) -> String {
        func cols(_ v: Double) -> Int {
            let x = (v / total * 64).rounded()
            guard x.isFinite, x > 0 else { return 0 }
            return x > 1_000_000 ? 1_000_000 : Int(x)
        }
        let y = cols(yellow)
        let g = cols(green)
        let e = 64 - y - g
        return String(repeating: "|", count: y + g) + String(repeating: " ", count: Swift.max(e, 0))
    }

    /// First 4 bytes of a UUID as 8 lowercase hex chars.
    static func shortID(_ uuid: String) -> String {
        String(uuid.lowercased().filter(\.isHexDigit).prefix(8))
    }
}

// MARK: - proving

/// One deadline row of `proving deadlines`.
public struct DeadlineRow: Sendable, Equatable {
    /// Deadline index 0…47.
    public var index: Int
    /// Wall-clock open time (printed as HH:MM:SS UTC).
    public var open: Date
    /// Partitions counted (live ones unless --all).
    public var partitions: Int
    /// Sectors counted (live unless --all).
    public var sectors: Int
    /// Faulty sectors.
    public var faults: Int
    /// Partitions with a PoSt submitted this period (`PostSubmissions.Count()`).
    public var provenPartitions: Int

    /// Memberwise initialiser.
    public init(index: Int, open: Date, partitions: Int, sectors: Int, faults: Int, provenPartitions: Int) {
        self.index = index
        self.open = open
        self.partitions = partitions
        self.sectors = sectors
        self.faults = faults
        self.provenPartitions = provenPartitions
    }
}

/// Sector counts of one partition for `proving deadline <i>`.
public struct PartitionRow: Sendable, Equatable {
    /// Partition index.
    public var index: Int
    /// All sectors.
    public var all: Int
    /// Live sectors.
    public var live: Int
    /// Active sectors.
    public var active: Int
    /// Faulty sectors.
    public var faulty: Int
    /// Recovering sectors.
    public var recovering: Int

    /// Memberwise initialiser.
    public init(index: Int, all: Int, live: Int, active: Int, faulty: Int, recovering: Int) {
        self.index = index
        self.all = all
        self.live = live
        self.active = active
        self.faulty = faulty
        self.recovering = recovering
    }
}

/// One checked sector for `proving check <i>`.
public struct CheckRow: Sendable, Equatable {
    /// Deadline index.
    public var deadline: Int
    /// Partition index.
    public var partition: Int
    /// Sector number.
    public var sector: UInt64
    /// nil = good, else the reason.
    public var bad: String?

    /// Memberwise initialiser.
    public init(deadline: Int, partition: Int, sector: UInt64, bad: String?) {
        self.deadline = deadline
        self.partition = partition
        self.sector = sector
        self.bad = bad
    }
}

/// Inputs of `proving info` (a dline.Info plus sector counts).
public struct ProvingInfoInput: Sendable, Equatable {
    /// Miner address, e.g. "t01000".
    public var miner: String
    /// Chain head epoch.
    public var currentEpoch: Int64
    /// Seconds per epoch.
    public var blockDelay: Double
    /// Wall-clock time of epoch 0.
    public var genesis: Date
    /// Current proving period start epoch.
    public var periodStart: Int64
    /// Epochs per proving period (2880 on mainnet).
    public var provingPeriod: Int64
    /// Current deadline index.
    public var deadlineIndex: Int
    /// Current deadline open epoch.
    public var deadlineOpen: Int64
    /// Current deadline close epoch.
    public var deadlineClose: Int64
    /// Current deadline challenge epoch.
    public var deadlineChallenge: Int64
    /// Current deadline fault cutoff epoch.
    public var deadlineFaultCutoff: Int64
    /// Faulty sectors over all deadlines.
    public var faults: Int
    /// Recovering sectors over all deadlines.
    public var recovering: Int
    /// Live sectors over all deadlines (the fault percentage's denominator).
    public var totalSectors: Int
    /// Live sectors in the current deadline.
    public var deadlineSectors: Int

    /// Memberwise initialiser.
    public init(
        miner: String, currentEpoch: Int64, blockDelay: Double, genesis: Date, periodStart: Int64, provingPeriod: Int64,
        deadlineIndex: Int, deadlineOpen: Int64, deadlineClose: Int64, deadlineChallenge: Int64, deadlineFaultCutoff: Int64,
        faults: Int, recovering: Int, totalSectors: Int, deadlineSectors: Int
    ) {
        self.miner = miner
        self.currentEpoch = currentEpoch
        self.blockDelay = blockDelay
        self.genesis = genesis
        self.periodStart = periodStart
        self.provingPeriod = provingPeriod
        self.deadlineIndex = deadlineIndex
        self.deadlineOpen = deadlineOpen
        self.deadlineClose = deadlineClose
        self.deadlineChallenge = deadlineChallenge
        self.deadlineFaultCutoff = deadlineFaultCutoff
        self.faults = faults
        self.recovering = recovering
        self.totalSectors = totalSectors
        self.deadlineSectors = deadlineSectors
    }
}

/// Formatters for `lotus-miner proving …`.
public enum ProvingTables {
    /// `proving info` exactly as Lotus prints it (labels padded as in cli/spcli/proving.go).
    ///
    /// Fault percentage = integer `faults·100/totalSectors` printed with `%.2f` (0 when no sectors).
    public static func info(_ i: ProvingInfoInput) -> String {
        let pct = i.totalSectors > 0 ? i.faults * 100 / i.totalSectors : 0
        let boundary = i.provingPeriod != 0 ? i.periodStart % i.provingPeriod : i.periodStart
        func et(_ e: Int64) -> String { GoText.epochTime(current: i.currentEpoch, epoch: e, blockDelay: i.blockDelay) }
        func ets(_ e: Int64) -> String {
            GoText.epochTimeTs(current: i.currentEpoch, epoch: e, blockDelay: i.blockDelay, genesis: i.genesis)
        }
        var s = "Miner: \(i.miner)\n"
        s += "Current Epoch:           \(i.currentEpoch)\n"
        s += "Proving Period Boundary: \(boundary)\n"
        s += "Proving Period Start:    \(ets(i.periodStart))\n"
        s += "Next Period Start:       \(ets(i.periodStart + i.provingPeriod))\n\n"
        s += "Faults:      \(i.faults) (\(String(format: "%.2f", Double(pct)))%)\n"
        s += "Recovering:  \(i.recovering)\n"
        s += "Deadline Index:       \(i.deadlineIndex)\n"
        s += "Deadline Sectors:     \(i.deadlineSectors)\n"
        s += "Deadline Open:        \(et(i.deadlineOpen))\n"
        s += "Deadline Close:       \(et(i.deadlineClose))\n"
        s += "Deadline Challenge:   \(et(i.deadlineChallenge))\n"
        s += "Deadline FaultCutoff: \(et(i.deadlineFaultCutoff))\n"
        return s
    }

    /// rows are all 48 deadlines; only rows' counts are shown as given (caller filters for --all); current index gets the extra "(current)" cell.
    ///
    /// `open` is printed as HH:MM:SS in UTC. As in Go's tabwriter, the "(current)" cell is
    /// aligned only against its own row's proven-partitions cell ("0  (current)").
    public static func deadlines(miner: String, rows: [DeadlineRow], current: Int) -> String {
        var table: [[String]] = [["deadline", "open", "partitions", "sectors (faults)", "proven partitions"]]
        for r in rows {
            var row = ["\(r.index)", GoText.timeOnlyUTC(r.open), "\(r.partitions)", "\(r.sectors) (\(r.faults))", "\(r.provenPartitions)"]
            if r.index == current { row.append("(current)") }
            table.append(row)
        }
        return "Miner: \(miner)\n" + GoText.tabwriter(table)
    }

    /// `proving deadline <i>` (without -n/-b): header values at column 27, then per partition
    /// `Partition Index:` and TAB-indented `<Name> Sectors:` counts (name padded to 18).
    public static func deadline(index: Int, open: String, partitions: [PartitionRow], provenPartitions: Int, current: Bool) -> String {
        var s = "Deadline Index:           \(index)\n"
        s += "Deadline Open:            \(open)\n"
        s += "Partitions:               \(partitions.count)\n"
        s += "Proven Partitions:        \(provenPartitions)\n"
        s += "Current:                  \(current)\n\n"
        for p in partitions {
            s += "Partition Index:          \(p.index)\n"
            for (name, count) in [("All", p.all), ("Live", p.live), ("Active", p.active), ("Faulty", p.faulty), ("Recovering", p.recovering)] {
                s += "\t\(name) Sectors:\(String(repeating: " ", count: max(18 - name.count, 0)))\(count)\n"
            }
        }
        return s
    }

    /// `proving faults`: `Miner: <addr>` then a `deadline partition sectors` table, one row per faulty sector.
    public static func faults(miner: String, rows: [(deadline: Int, partition: Int, sector: UInt64)]) -> String {
        var table: [[String]] = [["deadline", "partition", "sectors"]]
        for r in rows { table.append(["\(r.deadline)", "\(r.partition)", "\(r.sector)"]) }
        return "Miner: \(miner)\n" + GoText.tabwriter(table)
    }

    /// `proving check <i>`: table `deadline partition sector status`, status `good` or
    /// `bad (<reason>)`; `onlyBad` hides good rows. Rows keep the caller's order (Lotus walks a
    /// Go map here, so its order is unspecified).
    public static func check(_ rows: [CheckRow], onlyBad: Bool) -> String {
        var table: [[String]] = [["deadline", "partition", "sector", "status"]]
        for r in rows {
            if let reason = r.bad {
                table.append(["\(r.deadline)", "\(r.partition)", "\(r.sector)", "bad (\(reason))"])
            } else if !onlyBad {
                table.append(["\(r.deadline)", "\(r.partition)", "\(r.sector)", "good"])
            }
        }
        return GoText.tabwriter(table)
    }
}

// MARK: - sectors

/// One sector of `lotus-miner sectors list`.
public struct SectorListRow: Sendable, Equatable {
    /// Sector number.
    public var number: UInt64
    /// Sealing state name ("Proving", "PreCommit1", …).
    public var state: String
    /// Sector is in the miner's on-chain sector set.
    public var onChain: Bool
    /// Sector is in the active set.
    public var active: Bool
    /// Epoch, nil when not on chain (Lotus uses min(Expiration, OnTime>0 ? OnTime : ∞)).
    public var expiration: Int64?
    /// Number of non-zero deal IDs; 0 → "CC".
    public var deals: Int
    /// Deal weight in bytes for the DealWeight column (shown when deals > 0).
    public var dealWeight: Double
    /// Verified power in bytes for the VerifiedPower column (shown when > 0 and deals > 0).
    public var verifiedPower: Double
    /// The weights are estimates from the pieces (not yet activated): printed in brackets.
    public var estimated: Bool
    /// `Early` expiration epoch; when > 0 and on chain Lotus adds a "  RecoveryTimeout: …" line.
    public var early: Int64?

    /// Memberwise initialiser.
    public init(
        number: UInt64, state: String, onChain: Bool, active: Bool, expiration: Int64?, deals: Int,
        dealWeight: Double = 0, verifiedPower: Double = 0, estimated: Bool = false, early: Int64? = nil
    ) {
        self.number = number
        self.state = state
        self.onChain = onChain
        self.active = active
        self.expiration = expiration
        self.deals = deals
        self.dealWeight = dealWeight
        self.verifiedPower = verifiedPower
        self.estimated = estimated
        self.early = early
    }
}

/// Formatters for `lotus-miner sectors …`.
public enum SectorsTables {
    /// Lotus `lotus-miner sectors list` default columns (check upstream: ID, State, OnChain, Active, Expiration, SectorSize?, Deals, DealWeight, VerifiedPower …);
    /// reproduce the default column set and cell texts (e.g. OnChain/Active "YES"/"NO", Expiration "<epoch> (in <d>)" via epochTime, "CC" for deals=0) as faithfully as you can verify upstream; document in a comment what you matched and what differs.
    ///
    /// Matched (cli/miner/sectors.go + lib/tablewriter, default flags, not --fast): Lotus'
    /// own tablewriter, not Go's tabwriter — columns ID, State, OnChain, Active, Expiration,
    /// SealTime, Events, Deals, DealWeight, VerifiedPower, Pledge, plus line columns Error and
    /// RecoveryTimeout; a column no row fills is dropped with its header (so the default set is
    /// ID State OnChain Active Expiration Deals, and DealWeight/VerifiedPower appear once a
    /// sector has deals). Every shown cell, the last included, is padded to the column's widest
    /// text + 2, so lines end in spaces. OnChain/Active "YES"/"NO"; Expiration via EpochTime,
    /// "n/a" when not on chain; Deals = count or "CC"; DealWeight go-units BytesSize ("2KiB",
    /// "[2KiB]" when estimated); RecoveryTimeout as "  RecoveryTimeout: <EpochTime>" under the row.
    /// Rows sorted by number.
    /// Not reproduced: colours; --fast/--events/--seal-time/--initial-pledge columns (SealTime,
    /// Events, Pledge); "DDO:<n>" and "CC(upgrade)" deal cells; the Error line of sectors
    /// whose status call failed; Removed-state filtering (the caller filters).
    public static func list(_ rows: [SectorListRow], currentEpoch: Int64, blockDelay: Double) -> String {
        let columns = ["ID", "State", "OnChain", "Active", "Expiration", "SealTime", "Events", "Deals", "DealWeight", "VerifiedPower", "Pledge"]
        let lineColumns = ["Error", "RecoveryTimeout"]
        var cells: [[String: String]] = []
        for r in rows.sorted(by: { $0.number < $1.number }) {
            var m: [String: String] = [
                "ID": "\(r.number)", "State": r.state, "OnChain": r.onChain ? "YES" : "NO", "Active": r.active ? "YES" : "NO",
            ]
            m["Deals"] = r.deals > 0 ? "\(r.deals)" : "CC"
            if r.onChain, let exp = r.expiration {
                m["Expiration"] = GoText.epochTime(current: currentEpoch, epoch: exp, blockDelay: blockDelay)
                if let early = r.early, early > 0 {
                    m["RecoveryTimeout"] = GoText.epochTime(current: currentEpoch, epoch: early, blockDelay: blockDelay)
                }
            } else {
                m["Expiration"] = "n/a"
            }
            if r.deals > 0 {
                let wrap: (String) -> String = { r.estimated ? "[\($0)]" : $0 }
                m["DealWeight"] = wrap(GoText.bytesSize(r.dealWeight))
                if r.verifiedPower > 0 { m["VerifiedPower"] = wrap(GoText.bytesSize(r.verifiedPower)) }
            }
            cells.append(m)
        }
        let shown = columns.filter { c in cells.contains { $0[c] != nil } }
        var widths: [String: Int] = [:]
        for c in shown {
            widths[c] = cells.reduce(c.unicodeScalars.count) { max($0, $1[c]?.unicodeScalars.count ?? 0) }
        }
        func line(_ value: (String) -> String) -> String {
            var s = ""
            for c in shown {
                let v = value(c)
                s += v + String(repeating: " ", count: (widths[c] ?? 0) - v.unicodeScalars.count + 2)
            }
            return s + "\n"
        }
        var out = line { $0 }
        for m in cells {
            out += line { m[$0] ?? "" }
            for c in lineColumns {
                if let v = m[c], !v.isEmpty { out += "  \(c): \(v)\n" }
            }
        }
        return out
    }

    /// `sectors status <n>` (non --log part): SectorID:, Status:, CIDcommD:, CIDcommR:, Ticket:, TicketH:, Seed:, SeedH:, Precommit:, Commit:, Proof:, Deals:, Retries:, (and Last Error: when non-empty) — the label/value layout as Lotus prints it, plus, when `log` is non-empty, a "--------\nEvent Log:\n" section with lines "<i>.\t<time>:\t[<kind>]\t<message>" as Lotus' --log prints (check upstream).
    ///
    /// Labels in `fields` may be given with or without the colon; each is followed by the
    /// tabs Lotus uses for it (`CIDcommD:\t`, `Ticket:\t\t`, …; unknown labels get two tabs
    /// when "label:" is shorter than 8 characters, else one). After Last Error Lotus always
    /// prints "\nExpiration Info\nOnTime:\t\t<n>\nEarly:\t\t<n>\n"; pass `expiration: nil` to
    /// omit it. Log times are Go `Time.String()` of whole seconds in UTC
    /// ("2026-08-06 10:00:00 +0000 UTC"); Lotus' optional per-entry trace line is not modelled.
    public static func status(
        number: UInt64, state: String, fields: [(label: String, value: String)], lastError: String?,
        log: [(time: Date, kind: String, message: String)],
        expiration: (onTime: Int64, early: Int64)? = (onTime: 0, early: 0)
    ) -> String {
        var s = "SectorID:\t\(number)\n"
        s += "Status:\t\t\(state)\n"
        for f in fields {
            let label = f.label.hasSuffix(":") ? String(f.label.dropLast()) : f.label
            s += "\(label):\(tabsAfter(label))\(f.value)\n"
        }
        if let e = lastError, !e.isEmpty {
            s += "Last Error:\t\t\(e)\n"
        }
        if let x = expiration {
            s += "\nExpiration Info\n"
            s += "OnTime:\t\t\(x.onTime)\n"
            s += "Early:\t\t\(x.early)\n"
        }
        if !log.isEmpty {
            s += "--------\nEvent Log:\n"
            for (i, l) in log.enumerated() {
                s += "\(i).\t\(GoText.timeStringUTC(l.time)):\t[\(l.kind)]\t\(l.message)\n"
            }
        }
        return s
    }

    /// The separator Lotus' Printf formats put after "<label>:".
    static func tabsAfter(_ label: String) -> String {
        switch label {
        case "SectorID", "CIDcommD", "CIDcommR", "TicketH", "Precommit", "Retries": return "\t"
        case "Status", "Ticket", "Seed", "SeedH", "Commit", "Proof", "Deals", "Last Error", "OnTime", "Early": return "\t\t"
        default: return label.count + 1 < 8 ? "\t\t" : "\t"
        }
    }
}
