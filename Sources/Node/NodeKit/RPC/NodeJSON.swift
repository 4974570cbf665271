import Foundation

/// A JSON value as it travels over spnode's JSON-RPC transport.
///
/// Numbers are `Double`s, as in JavaScript and Go's `interface{}` decoding; integers with
/// magnitude below 2^53 are exact and are written back without a fraction (`5`, not `5.0`).
/// `encoded()` sorts object keys so the output is deterministic.
public enum NodeJSON: Sendable, Equatable, Hashable, Codable {
    /// JSON `null`.
    case null
    /// JSON `true` / `false`.
    case bool(Bool)
    /// A JSON number.
    case number(Double)
    /// A JSON string.
    case string(String)
    /// A JSON array.
    case array([NodeJSON])
    /// A JSON object.
    case object([String: NodeJSON])

    /// The largest magnitude below which every integer is exactly representable (2^53).
    public static let exactIntegerLimit: Double = 9_007_199_254_740_992

    /// The deepest nesting `parse(_:)` accepts; deeper input is rejected instead of
    /// exhausting the stack.
    public static let maxDepth = 512

    // MARK: Accessors

    /// The member named `key` when this is an object, else `nil`.
    public subscript(key: String) -> NodeJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range, else `nil`.
    public subscript(index: Int) -> NodeJSON? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    /// The string value, or `nil` when this is not a string.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as an `Int` when it is an integral number within `Int`'s range and exact
    /// (|x| < 2^53), else `nil`.
    public var int: Int? {
        guard case .number(let d) = self, d.rounded(.towardZero) == d,
              abs(d) < NodeJSON.exactIntegerLimit else { return nil }
        return Int(d)
    }

    /// The number value, or `nil` when this is not a number.
    public var double: Double? {
        if case .number(let d) = self { return d }
        return nil
    }

    /// The boolean value, or `nil` when this is not a boolean.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, or `nil` when this is not an array.
    public var array: [NodeJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The members, or `nil` when this is not an object.
    public var object: [String: NodeJSON]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// True for JSON `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    // MARK: Codable

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([NodeJSON].self) {
            self = .array(a)
        } else if let o = try? c.decode([String: NodeJSON].self) {
            self = .object(o)
        } else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "value is not null, a boolean, number, string, array or object")
        }
    }

    /// Encodes the value; exact integers are encoded as integers.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d):
            if let i = NodeJSON.exactInteger(d) { try c.encode(i) } else { try c.encode(d) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    // MARK: Foundation bridging

    /// Converts a Foundation JSON object graph (as produced by `JSONSerialization`:
    /// `NSNull`, `Bool`, `NSNumber`/integers/floating point, `String`, arrays, `[String: Any]`).
    ///
    /// - Throws: `NodeJSONError.unsupportedType` for anything else (e.g. `Date`).
    public init(any value: Any) throws(NodeJSONError) {
        switch value {
        case is NSNull:
            self = .null
        case let n as NSNumber:
            // JSONSerialization hands booleans back as NSNumber on both Darwin and Linux;
            // distinguish them by their boxed type.
            if NodeJSON.isBoolean(n) {
                self = .bool(n.boolValue)
            } else {
                self = .number(n.doubleValue)
            }
        case let b as Bool:
            self = .bool(b)
        case let i as Int:
            self = .number(Double(i))
        case let d as Double:
            self = .number(d)
        case let s as String:
            self = .string(s)
        case let a as [Any]:
            var out: [NodeJSON] = []
            out.reserveCapacity(a.count)
            for e in a { out.append(try NodeJSON(any: e)) }
            self = .array(out)
        case let o as [String: Any]:
            var out: [String: NodeJSON] = [:]
            out.reserveCapacity(o.count)
            for (k, v) in o { out[k] = try NodeJSON(any: v) }
            self = .object(out)
        default:
            throw .unsupportedType(String(describing: type(of: value)))
        }
    }

    private static func isBoolean(_ n: NSNumber) -> Bool {
        // JSONSerialization boxes booleans in a distinct NSNumber subclass on Darwin
        // (__NSCFBoolean) and Linux; its objCType is "c", which JSONSerialization never
        // uses for a numeric value.
        type(of: n) == type(of: NSNumber(value: true)) || String(cString: n.objCType) == "c"
    }

    /// The Foundation object graph for this value (`NSNull`, `Bool`, `Int` for exact integers,
    /// `Double`, `String`, `[Any]`, `[String: Any]`), suitable for `JSONSerialization`.
    public var foundation: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let d):
            if let i = NodeJSON.exactInteger(d) { return Int(i) }
            return d
        case .string(let s): return s
        case .array(let a): return a.map(\.foundation)
        case .object(let o): return o.mapValues(\.foundation)
        }
    }

    // MARK: Text

    /// The JSON text of this value: compact, object keys sorted, exact integers without a
    /// fraction, non-finite numbers as `null` (JSON has no NaN or infinity).
    public func encoded() -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        NodeJSON.write(self, into: &out)
        return Data(out)
    }

    /// `encoded()` as a `String`.
    public var jsonString: String {
        var out: [UInt8] = []
        NodeJSON.write(self, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses one JSON text (RFC 8259; surrounding whitespace allowed, nothing else after it).
    ///
    /// - Throws: `NodeJSONError.syntax` with the byte offset of the first problem, or
    ///   `NodeJSONError.tooDeep` when nesting exceeds `maxDepth`.
    public static func parse(_ data: Data) throws(NodeJSONError) -> NodeJSON {
        let bytes = [UInt8](data)
        var p = NodeJSONParser(bytes: bytes)
        return try p.parseDocument()
    }

    /// Parses a JSON text given as a `String`.
    public static func parse(_ text: String) throws(NodeJSONError) -> NodeJSON {
        var p = NodeJSONParser(bytes: Array(text.utf8))
        return try p.parseDocument()
    }

    static func exactInteger(_ d: Double) -> Int64? {
        guard d.isFinite, d.rounded(.towardZero) == d, abs(d) < exactIntegerLimit else { return nil }
        return Int64(d)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func write(_ v: NodeJSON, into out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .number(let d):
            if let i = exactInteger(d) {
                out.append(contentsOf: String(i).utf8)
            } else if d.isFinite, d.rounded(.towardZero) == d, abs(d) < 9.2e18 {
                // Integral but beyond 2^53: print the double's exact integer value ("…992",
                // not Swift's "…992.0").
                out.append(contentsOf: String(Int64(d)).utf8)
            } else if d.isFinite {
                out.append(contentsOf: d.description.utf8)
            } else {
                out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
            }
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, e) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                write(e, into: &out)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out.append(0x2C) }
                writeString(k, into: &out)
                out.append(0x3A)
                if let e = o[k] { write(e, into: &out) }
            }
            out.append(0x7D)
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case 0x08: out.append(contentsOf: [0x5C, 0x62])
            case 0x0C: out.append(contentsOf: [0x5C, 0x66])
            case 0x00..<0x20:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}

/// Why a JSON text or object graph could not be converted.
public enum NodeJSONError: Error, CustomStringConvertible, Equatable {
    /// The text is not valid JSON; `offset` is the byte where parsing stopped.
    case syntax(offset: Int, reason: String)
    /// Nesting deeper than `NodeJSON.maxDepth`.
    case tooDeep(offset: Int)
    /// `init(any:)` met a value that has no JSON form.
    case unsupportedType(String)

    /// A message naming the problem and where it is.
    public var description: String {
        switch self {
        case .syntax(let offset, let reason):
            "invalid JSON at byte \(offset): \(reason)"
        case .tooDeep(let offset):
            "invalid JSON at byte \(offset): nesting deeper than \(NodeJSON.maxDepth) levels"
        case .unsupportedType(let t):
            "value of type \(t) has no JSON form; convert it to a string, number, bool, array or dictionary"
        }
    }
}

extension NodeJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `"text"` as a JSON string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// `42` as a JSON number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// `1.5` as a JSON number.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// `true` as a JSON boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `[a, b]` as a JSON array.
    public init(arrayLiteral elements: NodeJSON...) { self = .array(elements) }
    /// `["k": v]` as a JSON object (a later duplicate key wins).
    public init(dictionaryLiteral elements: (String, NodeJSON)...) {
        var o: [String: NodeJSON] = [:]
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

/// A strict, non-recursive-on-the-stack-beyond-`maxDepth` RFC 8259 parser over bytes.
struct NodeJSONParser {
    let bytes: [UInt8]
    var i = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws(NodeJSONError) -> NodeJSON {
        skipSpace()
        let v = try parseValue(depth: 0)
        skipSpace()
        guard i == bytes.count else { throw .syntax(offset: i, reason: "unexpected data after the value") }
        return v
    }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    mutating func expect(_ word: String, _ value: NodeJSON) throws(NodeJSONError) -> NodeJSON {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else {
            throw .syntax(offset: i, reason: "unexpected character")
        }
        i += w.count
        return value
    }

    mutating func parseValue(depth: Int) throws(NodeJSONError) -> NodeJSON {
        guard i < bytes.count else { throw .syntax(offset: i, reason: "unexpected end of input") }
        switch bytes[i] {
        case 0x7B: return try parseObject(depth: depth + 1)
        case 0x5B: return try parseArray(depth: depth + 1)
        case 0x22: return .string(try parseString())
        case 0x74: return try expect("true", .bool(true))
        case 0x66: return try expect("false", .bool(false))
        case 0x6E: return try expect("null", .null)
        case 0x2D, 0x30...0x39: return try parseNumber()
        default: throw .syntax(offset: i, reason: "unexpected character")
        }
    }

    mutating func parseObject(depth: Int) throws(NodeJSONError) -> NodeJSON {
        guard depth <= NodeJSON.maxDepth else { throw .tooDeep(offset: i) }
        i += 1
        var out: [String: NodeJSON] = [:]
        skipSpace()
        if i < bytes.count, bytes[i] == 0x7D { i += 1; return .object(out) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x22 else { throw .syntax(offset: i, reason: "expected a string key") }
            let key = try parseString()
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x3A else { throw .syntax(offset: i, reason: "expected ':'") }
            i += 1
            skipSpace()
            out[key] = try parseValue(depth: depth)
            skipSpace()
            guard i < bytes.count else { throw .syntax(offset: i, reason: "unexpected end of input") }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x7D { i += 1; return .object(out) }
            throw .syntax(offset: i, reason: "expected ',' or '}'")
        }
    }

    mutating func parseArray(depth: Int) throws(NodeJSONError) -> NodeJSON {
        guard depth <= NodeJSON.maxDepth else { throw .tooDeep(offset: i) }
        i += 1
        var out: [NodeJSON] = []
        skipSpace()
        if i < bytes.count, bytes[i] == 0x5D { i += 1; return .array(out) }
        while true {
            skipSpace()
            out.append(try parseValue(depth: depth))
            skipSpace()
            guard i < bytes.count else { throw .syntax(offset: i, reason: "unexpected end of input") }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x5D { i += 1; return .array(out) }
            throw .syntax(offset: i, reason: "expected ',' or ']'")
        }
    }

    mutating func parseNumber() throws(NodeJSONError) -> NodeJSON {
        let start = i
        if bytes[i] == 0x2D { i += 1 }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw .syntax(offset: i, reason: "expected a digit") }
        if bytes[i] == 0x30 {
            i += 1
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw .syntax(offset: i, reason: "expected a digit after '.'") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw .syntax(offset: i, reason: "expected an exponent digit") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw .syntax(offset: start, reason: "number \(text) is out of range")
        }
        return .number(d)
    }

    mutating func hex4() throws(NodeJSONError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw .syntax(offset: i, reason: "truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw .syntax(offset: i, reason: "invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func parseString() throws(NodeJSONError) -> String {
        i += 1  // opening quote
        var out: [UInt8] = []
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        while true {
            guard i < bytes.count else { throw .syntax(offset: i, reason: "unterminated string") }
            let b = bytes[i]
            if b == 0x22 { i += 1; break }
            if b < 0x20 { throw .syntax(offset: i, reason: "control character in string") }
            if b != 0x5C { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw .syntax(offset: i, reason: "unterminated escape") }
            let e = bytes[i]
            i += 1
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // High surrogate: pair it with a following \uDC00-\uDFFF, else U+FFFD (as Go does).
                    if i + 6 <= bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                        let save = i
                        i += 2
                        let low = try hex4()
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            i = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                if let u = Unicode.Scalar(scalar) {
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                } else {
                    out.append(contentsOf: replacement)
                }
            default:
                throw .syntax(offset: i - 1, reason: "invalid escape character")
            }
        }
        // Invalid UTF-8 becomes U+FFFD, as Go's encoding/json does.
        return String(decoding: out, as: UTF8.self)
    }
}
