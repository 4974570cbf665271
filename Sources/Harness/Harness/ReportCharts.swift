import Foundation

// SVG chart builders for `spbench report`. Every chart is a self-contained <svg> element
// (no ids, no <defs>, no scripts) whose text is escaped, so it is well-formed XML on its
// own and several can sit in one HTML page. Non-finite, zero or negative values are
// clamped or left out, never drawn as NaN coordinates.

/// The kinds of chart a report draws (the keys of `ReportSummary.charts`).
public enum ReportChartKind: String, CaseIterable, Sendable {
    case deadlines, memory, components, model, sdr, history, ratio
}

// MARK: - Formatting

enum ReportFormat {
    /// Text for HTML and SVG: the five markup characters escaped, and control characters
    /// that XML 1.0 forbids replaced.
    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || u.value == 0x7F || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// A coordinate: one decimal, finite, within ±1e6.
    static func c(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (min(max(x, -1e6), 1e6) * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// A value with about four significant digits, trailing zeros dropped.
    static func num(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        if x == 0 { return "0" }
        let a = abs(x)
        if a >= 1e7 || a < 1e-3 { return String(format: "%.3g", x) }
        let digits = max(0, 3 - Int(floor(log10(a))))
        var s = String(format: "%.\(digits)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// Three significant digits, for durations and sizes.
    static func sig3(_ x: Double) -> String {
        guard x.isFinite else { return "–" }
        if x == 0 { return "0" }
        let digits = max(0, 2 - Int(floor(log10(abs(x)))))
        var s = String(format: "%.\(digits)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A human duration: "850 ms", "23.1 s", "4m05s", "30 min", "2h31m", "3.5 d".
    static func duration(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite else { return "–" }
        if s < 0 { return "−" + duration(-s) }
        if s == 0 { return "0 s" }
        if s < 1e-3 { return "\(sig3(s * 1e6)) µs" }
        if s < 1 { return "\(sig3(s * 1e3)) ms" }
        if s < 59.95 { return "\(sig3(s)) s" }
        if s < 3599.5 {
            let total = Int(s.rounded())
            let m = total / 60, sec = total % 60
            return sec == 0 ? "\(m) min" : "\(m)m" + String(format: "%02ds", sec)
        }
        if s < 3 * 86400 {
            let total = Int((s / 60).rounded())
            let h = total / 60, m = total % 60
            return m == 0 ? "\(h) h" : "\(h)h" + String(format: "%02dm", m)
        }
        return "\(sig3(s / 86400)) d"
    }

    /// Axis ticks (seconds) from 0 to at most `upTo`, on a human step (1-2-5 below a
    /// minute, then 1/2/5/10/15/20/30 min, 1/2/3/6/12 h, days), at most 6 ticks.
    static func durationTicks(upTo maxValue: Double) -> [Double] {
        guard maxValue.isFinite, maxValue > 0 else { return [0] }
        var steps: [Double] = []
        var decade = 1e-6
        while decade < 10 { steps += [decade, 2 * decade, 5 * decade]; decade *= 10 }
        steps += [15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
        var day = 2.0
        while day < 1e7 { steps.append(day * 86400); day *= day < 5 ? 2.5 : 2 }
        let step = steps.first { maxValue / $0 <= 5 } ?? maxValue
        var ticks: [Double] = []
        var t = 0.0
        while t <= maxValue * (1 + 1e-9), ticks.count < 12 { ticks.append(t); t += step }
        return ticks
    }

    /// Duration tick label ("0" for zero).
    static func tick(_ s: Double) -> String { s == 0 ? "0" : duration(s) }

    /// "Nice" linear ticks covering lo...hi (1, 2 or 5 times a power of ten).
    static func niceTicks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return lo.isFinite ? [lo] : [0] }
        let raw = (hi - lo) / Double(max(1, count))
        let mag = pow(10, floor(log10(raw)))
        let f = raw / mag
        let step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag
        // Multiples of the step, rounded to its precision (no accumulated 0.6000000001).
        let digits = max(0, -Int(floor(log10(step))))
        let p = pow(10, Double(digits))
        let first = ceil(lo / step - 1e-9)
        var ticks: [Double] = []
        for i in 0..<20 {
            let t = ((first + Double(i)) * step * p).rounded() / p
            if t > hi + step * 1e-9 { break }
            ticks.append(t == 0 ? 0 : t)
        }
        return ticks
    }

    /// Bytes as GiB (or MiB, KiB, B when smaller).
    static func bytes(_ b: Double?) -> String {
        guard let b, b.isFinite else { return "–" }
        let a = abs(b)
        if a >= 1_073_741_824 { return String(format: "%.1f GiB", b / 1_073_741_824) }
        if a >= 1_048_576 { return String(format: "%.1f MiB", b / 1_048_576) }
        if a >= 1024 { return String(format: "%.1f KiB", b / 1024) }
        return String(format: "%.0f B", b)
    }

    /// A fraction as a percentage: "18%", "4.5%" (signed with `signed`).
    static func pct(_ f: Double?, signed: Bool = false) -> String {
        guard let f, f.isFinite else { return "–" }
        let p = f * 100
        let body = abs(p) >= 9.95 ? String(format: "%.0f%%", abs(p)) : String(format: "%.1f%%", abs(p))
        if !signed { return p < 0 ? "−" + body : body }
        return (p < 0 ? "−" : "+") + body
    }

    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let s = String(abs(n)).compactMap { $0.wholeNumberValue.map { digits[$0] } }
        return (n < 0 ? "⁻" : "") + String(s)
    }

    /// Label of the decade 10^k seconds: "1 ms", "10 s", "1000 s · 17 min".
    static func decade(_ k: Int) -> String {
        switch k {
        case ..<(-6): return "10\(superscript(k)) s"
        case -6 ... -4: return "\(Int(pow(10, Double(k + 6)).rounded())) µs"
        case -3 ... -1: return "\(Int(pow(10, Double(k + 3)).rounded())) ms"
        case 0 ... 2: return "\(Int(pow(10, Double(k)).rounded())) s"
        case 3: return "1000 s ≈ \(approx(1000))"
        default: return "10\(superscript(k)) s ≈ \(approx(pow(10, Double(k))))"
        }
    }

    /// A rounded equivalent for axis labels: "17 min", "2.8 h", "12 d".
    static func approx(_ s: Double) -> String {
        func two(_ x: Double) -> String { x >= 10 ? String(Int(x.rounded())) : String(format: "%.1f", x) }
        if s < 3600 { return "\(Int((s / 60).rounded())) min" }
        if s < 2 * 86400 { return "\(two(s / 3600)) h" }
        if s < 730 * 86400 { return "\(two(s / 86400)) d" }
        return "\(two(s / 31_557_600)) y"
    }

    static func textWidth(_ s: String, size: Double) -> Double { Double(s.count) * size * 0.56 }
}

// MARK: - SVG

/// An SVG document under construction; every text and title is escaped on the way in.
struct ReportSVG {
    let width: Double
    var height: Double
    private var parts: [String] = []

    init(width: Double = 800, height: Double) {
        self.width = width
        self.height = height
    }

    private static func titled(_ open: String, _ title: String?) -> String {
        guard let title else { return open + "/>" }
        let tag = open.dropFirst().prefix { $0 != " " }
        return open + "><title>\(ReportFormat.esc(title))</title></\(tag)>"
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#333",
                       width: Double = 1, dash: String? = nil, title: String? = nil) {
        let c = ReportFormat.c
        var s = "<line x1=\"\(c(x1))\" y1=\"\(c(y1))\" x2=\"\(c(x2))\" y2=\"\(c(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(c(width))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        parts.append(Self.titled(s, title))
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil,
                       opacity: Double? = nil, title: String? = nil) {
        let c = ReportFormat.c
        var s = "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(max(0, w)))\" height=\"\(c(max(0, h)))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\"" }
        if let opacity { s += " fill-opacity=\"\(String(format: "%.2f", min(max(opacity, 0), 1)))\"" }
        parts.append(Self.titled(s, title))
    }

    mutating func circle(_ cx: Double, _ cy: Double, _ r: Double, fill: String, stroke: String? = nil,
                         strokeWidth: Double = 1.5, title: String? = nil) {
        let c = ReportFormat.c
        var s = "<circle cx=\"\(c(cx))\" cy=\"\(c(cy))\" r=\"\(c(r))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(c(strokeWidth))\"" }
        parts.append(Self.titled(s, title))
    }

    mutating func polyline(_ pts: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        guard pts.count >= 2 else { return }
        let c = ReportFormat.c
        let p = pts.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " ")
        var s = "<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(c(width))\" stroke-linejoin=\"round\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        parts.append(s + "/>")
    }

    mutating func polygon(_ pts: [(Double, Double)], fill: String, opacity: Double = 1, stroke: String? = nil,
                          strokeWidth: Double = 1.5, title: String? = nil) {
        guard pts.count >= 3 else { return }
        let c = ReportFormat.c
        let p = pts.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " ")
        var s = "<polygon points=\"\(p)\" fill=\"\(fill)\""
        if opacity < 1 { s += " fill-opacity=\"\(String(format: "%.2f", opacity))\"" }
        if let stroke { s += " stroke=\"\(stroke)\" stroke-width=\"\(c(strokeWidth))\"" }
        parts.append(Self.titled(s, title))
    }

    mutating func text(_ x: Double, _ y: Double, _ t: String, size: Double = 12, anchor: String = "start",
                       fill: String = "#222", weight: String? = nil, rotate: Bool = false) {
        let c = ReportFormat.c
        var s = "<text x=\"\(c(x))\" y=\"\(c(y))\" font-size=\"\(c(size))\" fill=\"\(fill)\""
        if anchor != "start" { s += " text-anchor=\"\(anchor)\"" }
        if let weight { s += " font-weight=\"\(weight)\"" }
        if rotate { s += " transform=\"rotate(-90 \(c(x)) \(c(y)))\"" }
        parts.append(s + ">\(ReportFormat.esc(t))</text>")
    }

    /// One line of text in spans: (text, fill or nil, font-weight or nil).
    mutating func spans(_ x: Double, _ y: Double, _ items: [(String, String?, String?)], size: Double = 13) {
        let c = ReportFormat.c
        var s = "<text x=\"\(c(x))\" y=\"\(c(y))\" font-size=\"\(c(size))\" fill=\"#222\" xml:space=\"preserve\">"
        for (t, fill, weight) in items {
            s += "<tspan"
            if let fill { s += " fill=\"\(fill)\"" }
            if let weight { s += " font-weight=\"\(weight)\"" }
            // Edge spaces become no-break spaces: renderers drop plain ones between tspans.
            var text = t
            if text.hasPrefix(" ") { text = "\u{A0}" + text.dropFirst() }
            if text.hasSuffix(" ") { text = text.dropLast() + "\u{A0}" }
            s += ">\(ReportFormat.esc(text))</tspan>"
        }
        parts.append(s + "</text>")
    }

    enum LegendMark { case box(String), line(String), hline(String), dashed(String), whisker, dot(String), hollow(String), diamond(String), band(String) }

    /// A row of legend entries starting at (x, y); returns the x after the last entry.
    @discardableResult
    mutating func legend(_ x0: Double, _ y: Double, _ items: [(LegendMark, String)], size: Double = 11) -> Double {
        var x = x0
        for (mark, label) in items {
            switch mark {
            case .box(let f): rect(x, y - 8, 14, 10, fill: f)
            case .band(let f): rect(x, y - 9, 14, 12, fill: f, opacity: 0.25)
            case .line(let s): line(x, y - 10, x, y + 3, stroke: s, width: 2); x -= 8
            case .dashed(let s): line(x, y - 10, x, y + 3, stroke: s, width: 1.5, dash: "4,3"); x -= 8
            case .hline(let s): line(x, y - 3, x + 14, y - 3, stroke: s, width: 2)
            case .whisker:
                line(x, y - 3, x + 14, y - 3, stroke: "#111", width: 1.5)
                line(x, y - 7, x, y + 1, stroke: "#111", width: 1.5)
                line(x + 14, y - 7, x + 14, y + 1, stroke: "#111", width: 1.5)
            case .dot(let f): circle(x + 7, y - 3, 4, fill: f)
            case .hollow(let s): circle(x + 7, y - 3, 5, fill: "none", stroke: s)
            case .diamond(let f): polygon(Self.diamond(x + 7, y - 3, 5), fill: f)
            }
            text(x + 18, y, label, size: size, fill: "#444")
            x += 18 + ReportFormat.textWidth(label, size: size) + 16
        }
        return x
    }

    static func diamond(_ cx: Double, _ cy: Double, _ r: Double) -> [(Double, Double)] {
        [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    }

    func render(_ kind: ReportChartKind, label: String) -> String {
        let c = ReportFormat.c
        let l = ReportFormat.esc(label)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart \(kind.rawValue)\" width=\"\(c(width))\" height=\"\(c(height))\" viewBox=\"0 0 \(c(width)) \(c(height))\" role=\"img\" aria-label=\"\(l)\" font-family=\"sans-serif\">\n<title>\(l)</title>\n"
            + parts.joined(separator: "\n") + "\n</svg>"
    }
}

// MARK: - Charts

enum ReportCharts {
    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    static func verdictColour(_ v: String) -> String {
        switch v.uppercased() {
        case "PASS": "#2e7d32"
        case "MARGINAL": "#e09b00"
        case "FAIL": "#c62828"
        default: "#777777"
        }
    }

    /// Darker variant for text on white.
    static func verdictTextColour(_ v: String) -> String { v.uppercased() == "MARGINAL" ? "#a86800" : verdictColour(v) }

    private static func positive(_ x: Double?) -> Double? {
        guard let x, x.isFinite, x > 0 else { return nil }
        return x
    }

    // MARK: Deadline verdicts

    /// One row per verdict, each on its own 0…max·1.15 scale: the time bar coloured by
    /// verdict, the model band as a whisker, the deadline (solid) and hard limit (dashed).
    static func deadlineVerdicts(_ verdicts: [ReportProofVerdict], sectorSize: String?) -> String? {
        guard !verdicts.isEmpty else { return nil }
        let left = 20.0, right = 780.0, rowH = 86.0, top = 36.0
        var svg = ReportSVG(height: top + rowH * Double(verdicts.count))
        svg.legend(left, 16, [(.box(verdictColour("PASS")), "PASS"), (.box(verdictColour("MARGINAL")), "MARGINAL"),
                              (.box(verdictColour("FAIL")), "FAIL"), (.whisker, "model error band"),
                              (.line("#111"), "deadline (budget)"), (.dashed("#111"), "hard limit")])
        for (i, v) in verdicts.enumerated() {
            let y0 = top + Double(i) * rowH
            let colour = verdictColour(v.verdict)
            let values = [v.timeS, v.bandHighS, v.bandLowS, v.deadlineS, v.hardLimitS].compactMap(positive)
            let scale = (values.max() ?? 1) * 1.15
            func x(_ s: Double) -> Double { left + (right - left) * min(max(s, 0), scale) / scale }

            svg.spans(left, y0 + 14, [(v.title(sectorSize: sectorSize) + ": ", nil, "600"),
                                      (v.verdict, verdictTextColour(v.verdict), "700"),
                                      (" " + v.summary, nil, nil)])
            let barY = y0 + 26, barH = 18.0
            svg.rect(left, barY, right - left, barH, fill: "#f1f3f5")
            if let t = v.timeS, t.isFinite {
                svg.rect(left, barY, max(x(t) - left, 1.5), barH, fill: colour, opacity: 0.85,
                         title: "\(v.proof): \(ReportFormat.duration(t)) (\(v.measured == false ? "predicted" : "measured"))")
            } else {
                svg.text(left + 6, barY + 13, "no time reported", size: 11, fill: "#666")
            }
            if let lo = v.bandLowS, let hi = v.bandHighS, lo.isFinite, hi.isFinite {
                let my = barY + barH / 2
                let band = "model band \(ReportFormat.duration(lo)) … \(ReportFormat.duration(hi))"
                svg.line(x(lo), my, x(hi), my, stroke: "#111", width: 1.5, title: band)
                svg.line(x(lo), my - 6, x(lo), my + 6, stroke: "#111", width: 1.5)
                svg.line(x(hi), my - 6, x(hi), my + 6, stroke: "#111", width: 1.5)
            }
            if let d = positive(v.deadlineS) {
                svg.line(x(d), barY - 5, x(d), barY + barH + 5, stroke: "#111", width: 2.5,
                         title: "deadline \(ReportFormat.duration(d))")
            }
            if let h = positive(v.hardLimitS) {
                svg.line(x(h), barY - 5, x(h), barY + barH + 5, stroke: "#111", width: 1.5, dash: "5,3",
                         title: "hard limit \(ReportFormat.duration(h))")
            }
            let axisY = barY + barH + 9
            svg.line(left, axisY, right, axisY, stroke: "#9aa0a6")
            for t in ReportFormat.durationTicks(upTo: scale) {
                svg.line(x(t), axisY, x(t), axisY + 4, stroke: "#9aa0a6")
                svg.text(x(t), axisY + 15, ReportFormat.tick(t), size: 10, anchor: t == 0 ? "start" : "middle", fill: "#555")
            }
        }
        return svg.render(.deadlines, label: "Deadline verdicts" + (sectorSize.map { " (\($0))" } ?? ""))
    }

    // MARK: Memory

    /// Memory needed against the host's RAM, one bar pair per verdict, on one scale.
    static func memory(_ verdicts: [ReportProofVerdict]) -> String? {
        let rows = verdicts.filter { positive($0.memory?.neededBytes) != nil || positive($0.memory?.hostBytes) != nil }
        guard !rows.isEmpty else { return nil }
        let scale = (rows.flatMap { [positive($0.memory?.neededBytes), positive($0.memory?.hostBytes)].compactMap { $0 } }.max() ?? 1) * 1.05
        let left = 20.0, right = 660.0, rowH = 56.0, top = 8.0
        func x(_ b: Double) -> Double { left + (right - left) * min(max(b, 0), scale) / scale }
        var svg = ReportSVG(height: top + rowH * Double(rows.count))
        for (i, v) in rows.enumerated() {
            guard let m = v.memory else { continue }
            let y0 = top + Double(i) * rowH
            var label = "\(v.proof): needs \(ReportFormat.bytes(m.neededBytes)), host has \(ReportFormat.bytes(m.hostBytes))"
            if m.fits == true { label += " — fits" } else if m.fits == false {
                label += " — short by " + ReportFormat.bytes(m.shortByBytes ?? ((m.neededBytes ?? 0) - (m.hostBytes ?? 0)))
            }
            svg.text(left, y0 + 13, label, size: 12, weight: "600")
            let fits = m.fits ?? ((m.neededBytes ?? 0) <= (m.hostBytes ?? .infinity))
            if let n = positive(m.neededBytes) {
                svg.rect(left, y0 + 20, x(n) - left, 12, fill: fits ? "#2e7d32" : "#c62828", opacity: 0.85,
                         title: "needed \(ReportFormat.bytes(n))")
                svg.text(x(n) + 6, y0 + 30, "needed \(ReportFormat.bytes(n))", size: 10, fill: "#444")
            }
            if let h = positive(m.hostBytes) {
                svg.rect(left, y0 + 35, x(h) - left, 12, fill: "#8da0b3", title: "host RAM \(ReportFormat.bytes(h))")
                svg.text(x(h) + 6, y0 + 45, "host RAM \(ReportFormat.bytes(h))", size: 10, fill: "#444")
            }
        }
        return svg.render(.memory, label: "Memory needed vs host RAM")
    }

    // MARK: Components

    /// The proving time split into its components, a stacked bar per verdict on its own scale.
    static func components(_ verdicts: [ReportProofVerdict]) -> String? {
        let rows = verdicts.filter { $0.components.contains { $0.seconds.isFinite && $0.seconds > 0 } }
        guard !rows.isEmpty else { return nil }
        var names: [String] = []
        for v in rows { for c in v.components where !names.contains(c.name) { names.append(c.name) } }
        func colour(_ n: String) -> String { palette[(names.firstIndex(of: n) ?? 0) % palette.count] }
        let left = 20.0, right = 780.0, rowH = 70.0, top = 36.0
        var svg = ReportSVG(height: top + rowH * Double(rows.count))
        var lx = left, ly = 16.0
        for n in names {
            let w = 18 + ReportFormat.textWidth(n, size: 11) + 16
            if lx + w > right { lx = left; ly += 16; svg.height += 16 }
            lx = svg.legend(lx, ly, [(.box(colour(n)), n)])
        }
        let shift = ly - 16
        for (i, v) in rows.enumerated() {
            let y0 = top + shift + Double(i) * rowH
            let parts = v.components.filter { $0.seconds.isFinite && $0.seconds > 0 }
            let total = parts.reduce(0) { $0 + $1.seconds }
            let scale = total * 1.02
            func x(_ s: Double) -> Double { left + (right - left) * min(max(s, 0), scale) / scale }
            var label = "\(v.proof): components sum to \(ReportFormat.duration(total))"
            if let t = v.timeS, t.isFinite { label += " (verdict time \(ReportFormat.duration(t)))" }
            svg.text(left, y0 + 13, label, size: 12, weight: "600")
            let barY = y0 + 20, barH = 18.0
            var acc = 0.0
            for p in parts {
                let x0 = x(acc), x1 = x(acc + p.seconds)
                svg.rect(x0, barY, x1 - x0, barH, fill: colour(p.name), stroke: "#fff",
                         title: "\(p.name): \(ReportFormat.duration(p.seconds)) (\(ReportFormat.pct(p.seconds / total)))")
                let t = "\(p.name) \(ReportFormat.duration(p.seconds))"
                if x1 - x0 > ReportFormat.textWidth(t, size: 10) + 8 {
                    svg.text((x0 + x1) / 2, barY + 13, t, size: 10, anchor: "middle", fill: "#fff", weight: "600")
                }
                acc += p.seconds
            }
            let axisY = barY + barH + 6
            svg.line(left, axisY, right, axisY, stroke: "#9aa0a6")
            for t in ReportFormat.durationTicks(upTo: scale) {
                svg.line(x(t), axisY, x(t), axisY + 4, stroke: "#9aa0a6")
                svg.text(x(t), axisY + 15, ReportFormat.tick(t), size: 10, anchor: t == 0 ? "start" : "middle", fill: "#555")
            }
        }
        return svg.render(.components, label: "Proving time by component")
    }

    // MARK: Model fit

    /// The cost model: seconds (log10) against log2 of the domain size, with the
    /// calibration runs, the validation run, the full-size targets and the deadlines.
    static func modelFit(_ m: ReportModelFit, verdicts: [ReportProofVerdict]) -> String? {
        var xs: [Double] = m.curve.map(\.logN)
        var ys: [Double] = m.curve.map(\.predictedS)
        for p in m.calibration + [m.validation].compactMap({ $0 }) {
            if let n = p.logN, n.isFinite { xs.append(n); ys += [p.measuredS, p.predictedS].compactMap(positive) }
        }
        for t in m.targets {
            if let n = t.logN, n.isFinite { xs.append(n); ys += [t.predictedS, t.bandLowS, t.bandHighS].compactMap(positive) }
        }
        xs = xs.filter(\.isFinite)
        ys = ys.filter { $0.isFinite && $0 > 0 }
        guard let xmin = xs.min(), let xmax = xs.max(), !ys.isEmpty else { return nil }
        var deadlines: [(String, Double)] = []
        for v in verdicts {
            if let d = positive(v.deadlineS), !deadlines.contains(where: { $0.1 == d }) { deadlines.append((v.proof, d)); ys.append(d) }
        }
        let W = 800.0, H = 440.0, left = 112.0, right = W - 24, top = 40.0, bottom = H - 50
        let x0 = floor(xmin) - 0.5, x1 = ceil(xmax) + 0.5
        var k0 = Int(floor(log10(ys.min() ?? 1))), k1 = Int(ceil(log10(ys.max() ?? 10)))
        if k1 <= k0 { k1 = k0 + 1 }
        if k1 - k0 > 14 { k0 = k1 - 14 }
        func x(_ n: Double) -> Double { left + (right - left) * (n - x0) / (x1 - x0) }
        func y(_ s: Double) -> Double {
            let l = log10(max(s, pow(10, Double(k0))))
            return bottom - (bottom - top) * (min(l, Double(k1)) - Double(k0)) / Double(k1 - k0)
        }
        var svg = ReportSVG(height: H)
        svg.rect(left, top, right - left, bottom - top, fill: "#fbfbfc", stroke: "#d0d7de")
        for k in k0...k1 {
            let yy = y(pow(10, Double(k)))
            svg.line(left, yy, right, yy, stroke: "#e3e6ea")
            svg.text(left - 6, yy + 4, ReportFormat.decade(k), size: 10, anchor: "end", fill: "#555")
        }
        let span = Int(x1 - x0)
        let stepX = span > 24 ? 4 : span > 12 ? 2 : 1
        var n = Int(ceil(x0))
        while Double(n) <= x1 {
            if n % stepX == 0 {
                svg.line(x(Double(n)), bottom, x(Double(n)), bottom + 4, stroke: "#9aa0a6")
                svg.text(x(Double(n)), bottom + 16, "2" + ReportFormat.superscript(n), size: 11, anchor: "middle", fill: "#444")
            }
            n += 1
        }
        svg.text((left + right) / 2, H - 12, "domain size (constraints, log₂)", size: 11, anchor: "middle", fill: "#444")
        svg.text(16, (top + bottom) / 2, "seconds (log₁₀)", size: 11, anchor: "middle", fill: "#444", rotate: true)

        for (proof, d) in deadlines {
            svg.line(left, y(d), right, y(d), stroke: "#c62828", width: 1, dash: "6,4", title: "\(proof) deadline \(ReportFormat.duration(d))")
            svg.text(right - 4, y(d) - 4, "\(proof) deadline \(ReportFormat.duration(d))", size: 10, anchor: "end", fill: "#c62828")
        }
        // The curve, broken where a point is missing or not positive.
        var segment: [(Double, Double)] = []
        for p in m.curve.sorted(by: { $0.logN < $1.logN }) {
            if p.logN.isFinite, p.predictedS.isFinite, p.predictedS > 0 { segment.append((x(p.logN), y(p.predictedS))) } else {
                svg.polyline(segment, stroke: "#4e79a7", width: 2)
                segment = []
            }
        }
        svg.polyline(segment, stroke: "#4e79a7", width: 2)

        for p in m.calibration {
            guard let ln = p.logN, ln.isFinite else { continue }
            let what = "calibration 2\(ReportFormat.superscript(Int(ln.rounded())))" + (p.constraints.map { " (\(ReportFormat.num($0)) constraints)" } ?? "")
            // Measured as a dot, predicted as a ring drawn over it: a ring round the dot is a good fit.
            if let ms = positive(p.measuredS) {
                svg.circle(x(ln), y(ms), 4, fill: "#222", title: "\(what): measured \(ReportFormat.duration(ms))")
            }
            if let pr = positive(p.predictedS) {
                svg.circle(x(ln), y(pr), 6.5, fill: "none", stroke: "#2f6db5", title: "\(what): predicted \(ReportFormat.duration(pr))")
            }
        }
        if let v = m.validation, let ln = v.logN, ln.isFinite {
            let err = m.validationError ?? {
                guard let ms = positive(v.measuredS), let pr = positive(v.predictedS) else { return nil }
                return pr / ms - 1
            }()
            let what = "validation 2\(ReportFormat.superscript(Int(ln.rounded())))"
            if let pr = positive(v.predictedS) {
                svg.polygon(ReportSVG.diamond(x(ln), y(pr), 5), fill: "#fff", stroke: "#e15759",
                            title: "\(what): predicted \(ReportFormat.duration(pr))")
            }
            if let ms = positive(v.measuredS) ?? positive(v.predictedS) {
                svg.polygon(ReportSVG.diamond(x(ln), y(ms), 7), fill: "#e15759",
                            title: "\(what): measured \(ReportFormat.duration(v.measuredS)), predicted \(ReportFormat.duration(v.predictedS))")
                let label = "\(what): error \(ReportFormat.pct(err, signed: true))"
                let anchorEnd = x(ln) > (left + right) / 2
                svg.text(x(ln) + (anchorEnd ? -10 : 10), y(ms) + 4, label, size: 11, anchor: anchorEnd ? "end" : "start",
                         fill: "#b3261e", weight: "600")
            }
        }
        var usedLabelY: [Double] = []
        for t in m.targets {
            guard let ln = t.logN, ln.isFinite else { continue }
            let xx = x(ln)
            if let lo = positive(t.bandLowS), let hi = positive(t.bandHighS) {
                svg.line(xx, y(lo), xx, y(hi), stroke: "#b35900", width: 1.5,
                         title: "\(t.name): band \(ReportFormat.duration(lo)) … \(ReportFormat.duration(hi))")
                svg.line(xx - 5, y(lo), xx + 5, y(lo), stroke: "#b35900", width: 1.5)
                svg.line(xx - 5, y(hi), xx + 5, y(hi), stroke: "#b35900", width: 1.5)
            }
            guard let pr = positive(t.predictedS) ?? positive(t.bandHighS) else { continue }
            svg.rect(xx - 4.5, y(pr) - 4.5, 9, 9, fill: "#f28e2b", stroke: "#b35900",
                     title: "\(t.name): predicted \(ReportFormat.duration(t.predictedS))")
            var ly = y(pr) + 4
            while usedLabelY.contains(where: { abs($0 - ly) < 13 }) { ly += 13 }
            usedLabelY.append(ly)
            let label = "\(t.name) \(ReportFormat.duration(t.predictedS))"
            let anchorEnd = xx > (left + right) / 2
            svg.text(xx + (anchorEnd ? -10 : 10), ly, label, size: 11, anchor: anchorEnd ? "end" : "start", fill: "#7a3d00", weight: "600")
        }
        svg.legend(left + 8, top - 14, [(.hline("#4e79a7"), "model curve"), (.dot("#222"), "calibration, measured"),
                                        (.hollow("#2f6db5"), "calibration, predicted"), (.diamond("#e15759"), "validation"),
                                        (.box("#f28e2b"), "target ± band")], size: 10)
        return svg.render(.model, label: "Model fit: seconds against log2 domain size")
    }

    // MARK: SDR labels

    struct SDRRow {
        var name: String
        var median: Double?
        var min: Double?
        var max: Double?
        var limit: Double?
        var limitSource: String
    }

    /// Label throughput against the SHA-256 compression limit (compressions ÷ 20).
    static func sdrLabels(_ rows: [SDRRow], unit: String) -> String? {
        guard !rows.isEmpty else { return nil }
        let values = rows.flatMap { [$0.median, $0.max, $0.limit].compactMap(positive) }
        guard let vmax = values.max() else { return nil }
        let scale = vmax * 1.08
        let left = 170.0, right = 560.0, rowH = 40.0, top = 34.0
        func x(_ v: Double) -> Double { left + (right - left) * min(max(v, 0), scale) / scale }
        var svg = ReportSVG(height: top + rowH * Double(rows.count) + 26)
        svg.legend(20, 16, [(.box("#4e79a7"), "median (\(unit))"), (.whisker, "min … max"),
                            (.line("#c62828"), "SHA-256 limit: compress.xN ÷ 20")])
        for (i, r) in rows.enumerated() {
            let y0 = top + Double(i) * rowH
            svg.text(left - 8, y0 + 17, r.name, size: 12, anchor: "end", weight: "600")
            svg.rect(left, y0 + 4, right - left, 20, fill: "#f1f3f5")
            if let m = positive(r.median) {
                svg.rect(left, y0 + 4, x(m) - left, 20, fill: "#4e79a7", opacity: 0.9, title: "\(r.name): \(ReportFormat.num(m)) \(unit)")
            }
            if let lo = positive(r.min), let hi = positive(r.max) {
                svg.line(x(lo), y0 + 14, x(hi), y0 + 14, stroke: "#111", width: 1.2)
                svg.line(x(lo), y0 + 10, x(lo), y0 + 18, stroke: "#111", width: 1.2)
                svg.line(x(hi), y0 + 10, x(hi), y0 + 18, stroke: "#111", width: 1.2)
            }
            var t = "\(ReportFormat.num(r.median)) \(unit)"
            if let l = positive(r.limit) {
                svg.line(x(l), y0, x(l), y0 + 28, stroke: "#c62828", width: 2.5, title: "limit \(ReportFormat.num(l)) \(unit) (\(r.limitSource))")
                if let m = positive(r.median) { t += " · \(ReportFormat.pct(m / l)) of \(ReportFormat.num(l))" }
            } else {
                t += " · no limit (\(r.limitSource) absent)"
            }
            svg.text(right + 10, y0 + 18, t, size: 11, fill: "#333")
        }
        let axisY = top + rowH * Double(rows.count) + 2
        svg.line(left, axisY, right, axisY, stroke: "#9aa0a6")
        for t in ReportFormat.niceTicks(0, scale, count: 5) where t <= scale {
            svg.line(x(t), axisY, x(t), axisY + 4, stroke: "#9aa0a6")
            svg.text(x(t), axisY + 15, ReportFormat.num(t), size: 10, anchor: "middle", fill: "#555")
        }
        return svg.render(.sdr, label: "SDR labels vs the SHA-256 limit")
    }

    // MARK: History

    struct HistoryPoint {
        var date: String        // "12-01 21:11"
        var commit: String      // short commit
        var detail: String      // tooltip prefix: file, date, commit
        var median: Double?
        var min: Double?
        var max: Double?
        var ratio: Double?
        var meetsGoal: Bool?
    }

    private static func xLabels(_ svg: inout ReportSVG, _ pts: [HistoryPoint], x: (Int) -> Double, y: Double) {
        let every = max(1, Int(ceil(Double(pts.count) / 9)))
        var shown = Array(stride(from: 0, to: pts.count, by: every))
        if let last = shown.last, last != pts.count - 1 {
            if pts.count - 1 - last < every { shown.removeLast() }
            shown.append(pts.count - 1)
        }
        for i in shown {
            svg.text(x(i), y, pts[i].date, size: 10, anchor: "middle", fill: "#444")
            svg.text(x(i), y + 12, pts[i].commit, size: 9, anchor: "middle", fill: "#777")
        }
    }

    /// The median across files in date order, min…max shaded.
    static func history(name: String, unit: String, higherIsBetter: Bool?, points: [HistoryPoint]) -> String? {
        let vals = points.flatMap { [$0.median, $0.min, $0.max].compactMap { $0 } }.filter(\.isFinite)
        guard !points.isEmpty, var lo = vals.min(), var hi = vals.max() else { return nil }
        let pad = hi > lo ? (hi - lo) * 0.12 : max(abs(hi) * 0.1, 1e-9)
        lo -= pad; hi += pad
        if lo < 0, vals.allSatisfy({ $0 >= 0 }) { lo = 0 }
        let W = 800.0, H = 200.0, left = 76.0, right = W - 24, top = 22.0, bottom = H - 42
        func x(_ i: Int) -> Double { points.count == 1 ? (left + right) / 2 : left + 20 + (right - left - 40) * Double(i) / Double(points.count - 1) }
        func y(_ v: Double) -> Double { bottom - (bottom - top) * (v - lo) / (hi - lo) }
        var svg = ReportSVG(height: H)
        svg.rect(left, top, right - left, bottom - top, fill: "#fbfbfc", stroke: "#d0d7de")
        for t in ReportFormat.niceTicks(lo, hi, count: 4) {
            svg.line(left, y(t), right, y(t), stroke: "#e3e6ea")
            svg.text(left - 6, y(t) + 4, ReportFormat.num(t), size: 10, anchor: "end", fill: "#555")
        }
        svg.text(14, (top + bottom) / 2, unit, size: 11, anchor: "middle", fill: "#444", rotate: true)
        svg.legend(left, 14, [(.hline("#4e79a7"), "median"), (.band("#4e79a7"), "min … max")], size: 10)
        if let h = higherIsBetter { svg.text(right, 14, h ? "higher is better" : "lower is better", size: 10, anchor: "end", fill: "#666") }
        let upper = points.enumerated().map { (x($0.offset), y($0.element.max ?? $0.element.median ?? lo)) }
        let lower = points.enumerated().reversed().map { (x($0.offset), y($0.element.min ?? $0.element.median ?? lo)) }
        if points.count >= 2 {
            svg.polygon(upper + lower, fill: "#4e79a7", opacity: 0.18)
        } else if let p = points.first, let a = p.min, let b = p.max {
            svg.rect(x(0) - 12, y(b), 24, y(a) - y(b), fill: "#4e79a7", opacity: 0.18)
        }
        var seg: [(Double, Double)] = []
        for (i, p) in points.enumerated() {
            if let m = p.median { seg.append((x(i), y(m))) }
        }
        svg.polyline(seg, stroke: "#4e79a7", width: 2)
        for (i, p) in points.enumerated() {
            guard let m = p.median else { continue }
            svg.circle(x(i), y(m), 3.5, fill: "#4e79a7",
                       title: "\(p.detail): median \(ReportFormat.num(m)) \(unit) (min \(ReportFormat.num(p.min)), max \(ReportFormat.num(p.max)))")
        }
        xLabels(&svg, points, x: x, y: bottom + 15)
        return svg.render(.history, label: "History of \(name) (\(unit))")
    }

    /// The ratio series of a benchmark, with its goal as a dashed line.
    static func ratio(name: String, against: String, goal: Double?, points: [HistoryPoint]) -> String? {
        var vals = points.compactMap(\.ratio).filter(\.isFinite)
        guard !vals.isEmpty else { return nil }
        if let g = goal, g.isFinite { vals.append(g) }
        guard var lo = vals.min(), var hi = vals.max() else { return nil }
        let pad = hi > lo ? (hi - lo) * 0.15 : max(abs(hi) * 0.1, 1e-9)
        lo -= pad; hi += pad
        let W = 800.0, H = 150.0, left = 76.0, right = W - 24, top = 22.0, bottom = H - 42
        func x(_ i: Int) -> Double { points.count == 1 ? (left + right) / 2 : left + 20 + (right - left - 40) * Double(i) / Double(points.count - 1) }
        func y(_ v: Double) -> Double { bottom - (bottom - top) * (v - lo) / (hi - lo) }
        var svg = ReportSVG(height: H)
        svg.rect(left, top, right - left, bottom - top, fill: "#fbfbfc", stroke: "#d0d7de")
        for t in ReportFormat.niceTicks(lo, hi, count: 3) {
            svg.line(left, y(t), right, y(t), stroke: "#e3e6ea")
            svg.text(left - 6, y(t) + 4, ReportFormat.num(t) + "×", size: 10, anchor: "end", fill: "#555")
        }
        svg.text(left, 14, "ratio: \(against)", size: 11, fill: "#444")
        if let g = goal, g.isFinite {
            svg.line(left, y(g), right, y(g), stroke: "#2e7d32", width: 1.5, dash: "6,4", title: "goal \(ReportFormat.num(g))×")
            svg.text(right - 4, y(g) - 4, "goal \(ReportFormat.num(g))×", size: 10, anchor: "end", fill: "#2e7d32")
        }
        var seg: [(Double, Double)] = []
        for (i, p) in points.enumerated() {
            if let r = p.ratio, r.isFinite { seg.append((x(i), y(r))) }
        }
        svg.polyline(seg, stroke: "#76b7b2", width: 2)
        for (i, p) in points.enumerated() {
            guard let r = p.ratio, r.isFinite else { continue }
            let fill = p.meetsGoal == true ? "#2e7d32" : p.meetsGoal == false ? "#c62828" : "#5f8f8b"
            svg.circle(x(i), y(r), 3.5, fill: fill,
                       title: "\(p.detail): \(ReportFormat.num(r))×" + (p.meetsGoal.map { $0 ? " (goal met)" : " (short of goal)" } ?? ""))
        }
        xLabels(&svg, points, x: x, y: bottom + 15)
        return svg.render(.ratio, label: "Ratio of \(name): \(against)")
    }
}
