import Foundation
import Kernels

/// A malformed case or file: exit status 2.
struct MalformedError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A key or generator this harness does not implement: verdict `unsupported`.
struct UnsupportedError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A byte value of a fixture (FORMAT.md "Data generators"), resolved to a stream.
struct DataSpec {
    enum Kind {
        case bytes([UInt8])
        case zeros
        case repeating([UInt8])
        case sha256Counter(seed: UInt64)
        case goMathRand(seed: Int64, cooked: [Int64])
    }

    let kind: Kind
    let length: UInt64

    /// Parses {"hex"}, {"file"} or {"generator": ...}. `dir` is the fixture's directory.
    static func parse(_ v: JSONValue?, key: String, dir: URL) throws -> DataSpec {
        guard let v else { throw MalformedError("input.\(key) is missing") }
        if case .string(let s) = v { return DataSpec(kind: .bytes(try hex(s, key)), length: UInt64(s.utf8.count / 2)) }
        guard let o = v.objectValue else { throw MalformedError("input.\(key) must be an object or hex string, got \(v.compact)") }
        if let h = o["hex"] {
            guard let s = h.stringValue else { throw MalformedError("input.\(key).hex must be a string") }
            let b = try hex(s, "\(key).hex")
            return DataSpec(kind: .bytes(b), length: UInt64(b.count))
        }
        if let f = o["file"] {
            guard let rel = f.stringValue else { throw MalformedError("input.\(key).file must be a string") }
            let b = try readSideFile(rel, dir: dir, key: key)
            return DataSpec(kind: .bytes(b), length: UInt64(b.count))
        }
        guard let g = o["generator"]?.stringValue else {
            throw MalformedError("input.\(key) has none of hex, file, generator: \(v.compact)")
        }
        guard let len = o["length"]?.uint64Value else {
            throw MalformedError("input.\(key): generator \(g) needs a whole-number length")
        }
        switch g {
        case "zeros": return DataSpec(kind: .zeros, length: len)
        case "repeat":
            guard let p = o["pattern"]?.stringValue else { throw MalformedError("input.\(key): repeat needs a hex pattern") }
            let b = try hex(p, "\(key).pattern")
            guard !b.isEmpty else { throw MalformedError("input.\(key): repeat pattern is empty") }
            return DataSpec(kind: .repeating(b), length: len)
        case "sha256-ctr":
            guard let s = o["seed"]?.uint64Value else { throw MalformedError("input.\(key): sha256-ctr needs a seed") }
            return DataSpec(kind: .sha256Counter(seed: s), length: len)
        case "go-math-rand":
            guard case .number(let s)? = o["seed"], s == s.rounded() else {
                throw MalformedError("input.\(key): go-math-rand needs an integer seed")
            }
            return DataSpec(kind: .goMathRand(seed: Int64(s), cooked: try GoMathRand.cooked(dir: dir)), length: len)
        default:
            throw UnsupportedError("generator '\(g)' of input.\(key) is not implemented")
        }
    }

    static func hex(_ s: String, _ key: String) throws -> [UInt8] {
        do { return try Hex.decode(s) } catch { throw MalformedError("\(key): \(error)") }
    }

    static func readSideFile(_ rel: String, dir: URL, key: String) throws -> [UInt8] {
        let url = dir.appendingPathComponent(rel)
        guard let d = FileManager.default.contents(atPath: url.path) else {
            throw MalformedError("input.\(key): side file \(url.path) cannot be read")
        }
        if rel.hasSuffix(".hex") {
            let text = String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return try hex(text, "\(key) (\(rel))")
        }
        return [UInt8](d)
    }

    func source() -> any ByteSource {
        switch kind {
        case .bytes(let b): return BufferSource(b)
        case .zeros: return RepeatSource(pattern: [0], length: length)
        case .repeating(let p): return RepeatSource(pattern: p, length: length)
        case .sha256Counter(let seed): return SHA256CounterSource(seed: seed, length: length)
        case .goMathRand(let seed, let cooked): return GoMathRandSource(seed: seed, cooked: cooked, length: length)
        }
    }

    /// The whole stream in memory (for small values).
    func bytes() throws -> [UInt8] {
        if case .bytes(let b) = kind { return b }
        var src = source()
        var out = [UInt8](repeating: 0, count: Int(length))
        let n = try out.withUnsafeMutableBytes { try src.readFully(into: $0) }
        return Array(out[0..<n])
    }
}

/// `pattern` repeated and cut to `length` bytes.
struct RepeatSource: ByteSource {
    let pattern: [UInt8]
    var remaining: UInt64
    var phase = 0

    init(pattern: [UInt8], length: UInt64) {
        self.pattern = pattern
        remaining = length
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = Int(min(UInt64(buffer.count), remaining))
        if pattern.count == 1 {
            buffer.baseAddress?.initializeMemory(as: UInt8.self, repeating: pattern[0], count: n)
        } else {
            var done = 0
            pattern.withUnsafeBytes { p in
                while done < n {
                    let k = min(n - done, p.count - phase)
                    (buffer.baseAddress! + done).copyMemory(from: p.baseAddress! + phase, byteCount: k)
                    phase = (phase + k) % p.count
                    done += k
                }
            }
        }
        remaining -= UInt64(n)
        return n
    }
}

/// SHA-256(LE64(seed) || LE64(i)) for i = 0, 1, ..., concatenated, cut to length.
struct SHA256CounterSource: ByteSource {
    let seed: UInt64
    var remaining: UInt64
    var counter: UInt64 = 0
    var pending: [UInt8] = []

    init(seed: UInt64, length: UInt64) {
        self.seed = seed
        remaining = length
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let want = Int(min(UInt64(buffer.count), remaining))
        var filled = 0
        while filled < want {
            if pending.isEmpty {
                // 256 counters at a time through the multi-message kernel.
                var msgs = [UInt8](repeating: 0, count: 16 * 256)
                for k in 0..<256 {
                    withUnsafeBytes(of: seed.littleEndian) { for j in 0..<8 { msgs[16 * k + j] = $0[j] } }
                    withUnsafeBytes(of: (counter + UInt64(k)).littleEndian) { for j in 0..<8 { msgs[16 * k + 8 + j] = $0[j] } }
                }
                counter += 256
                pending = msgs.withUnsafeBytes { SHA256.hashMany($0, messageLength: 16) }
            }
            let n = min(pending.count, want - filled)
            for i in 0..<n { buffer[filled + i] = pending[i] }
            pending.removeFirst(n)
            filled += n
        }
        remaining -= UInt64(want)
        return want
    }
}

/// Go's math/rand stream (pre-1.20 rngSource): Uint32() values, 4 bytes each, little-endian.
enum GoMathRand {
    static let length = 607, tap = 273

    /// rngCooked from go-math-rand-cooked.txt beside the fixture.
    static func cooked(dir: URL) throws -> [Int64] {
        let path = dir.appendingPathComponent("go-math-rand-cooked.txt").path
        guard let d = FileManager.default.contents(atPath: path) else {
            throw MalformedError("go-math-rand needs \(path) (rngCooked values), which cannot be read")
        }
        let values = String(decoding: d, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let nums = values.compactMap(Int64.init)
        guard nums.count == length, values.count == length else {
            throw MalformedError("\(path): expected \(length) decimal rngCooked values, found \(nums.count)")
        }
        return nums
    }

    static func seedrand(_ x: Int64) -> Int64 { (48271 * x) % 2_147_483_647 }
}

struct GoMathRandSource: ByteSource {
    var vec: [Int64]
    var tap = 0, feed = GoMathRand.length - GoMathRand.tap
    var remaining: UInt64
    var carry: [UInt8] = []

    init(seed: Int64, cooked: [Int64], length: UInt64) {
        remaining = length
        vec = [Int64](repeating: 0, count: GoMathRand.length)
        var s = seed % 2_147_483_647
        if s < 0 { s += 2_147_483_647 }
        if s == 0 { s = 89_482_311 }
        var x = s
        for i in -20..<GoMathRand.length {
            x = GoMathRand.seedrand(x)
            if i >= 0 {
                var u = x << 40
                x = GoMathRand.seedrand(x)
                u ^= x << 20
                x = GoMathRand.seedrand(x)
                u ^= x
                u ^= cooked[i]
                vec[i] = u
            }
        }
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let want = Int(min(UInt64(buffer.count), remaining))
        var filled = 0
        while filled < want, !carry.isEmpty {
            buffer[filled] = carry.removeFirst()
            filled += 1
        }
        let words = (want - filled) / 4
        let out = buffer.baseAddress! + filled
        var t = tap, f = feed
        vec.withUnsafeMutableBufferPointer { v in
            for w in 0..<words {
                t -= 1; if t < 0 { t += GoMathRand.length }
                f -= 1; if f < 0 { f += GoMathRand.length }
                let x = v[f] &+ v[t]
                v[f] = x
                let u32 = UInt32(truncatingIfNeeded: (x & Int64.max) >> 31)
                out.storeBytes(of: u32.littleEndian, toByteOffset: 4 * w, as: UInt32.self)
            }
        }
        tap = t
        feed = f
        filled += 4 * words
        if filled < want {
            // A length that is not a multiple of 4: keep the rest of the word for later.
            t -= 1; if t < 0 { t += GoMathRand.length }
            f -= 1; if f < 0 { f += GoMathRand.length }
            let x = vec[f] &+ vec[t]
            vec[f] = x
            tap = t
            feed = f
            let u32 = UInt32(truncatingIfNeeded: (x & Int64.max) >> 31)
            carry = (0..<4).map { UInt8(truncatingIfNeeded: u32 >> (8 * $0)) }
            while filled < want {
                buffer[filled] = carry.removeFirst()
                filled += 1
            }
        }
        remaining -= UInt64(want)
        return want
    }
}
