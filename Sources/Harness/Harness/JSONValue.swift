import Foundation

/// A parsed JSON value. Fixture files are read with JSONSerialization and converted once.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(any: Any) {
        switch any {
        case is NSNull: self = .null
        case let n as NSNumber:
            // JSONSerialization gives booleans as NSNumber of ObjC type "c" (char).
            if String(cString: n.objCType) == "c" { self = .bool(n.boolValue) } else { self = .number(n.doubleValue) }
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(a.map(JSONValue.init(any:)))
        case let d as [String: Any]: self = .object(d.mapValues(JSONValue.init(any:)))
        default: self = .null
        }
    }

    public static func parse(_ data: Data) throws -> JSONValue {
        JSONValue(any: try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }

    /// An unsigned integer: a JSON number below 2^53 or a decimal string (FORMAT.md).
    public var uint64Value: UInt64? {
        switch self {
        case .number(let d): return d >= 0 && d < 9_007_199_254_740_992 && d == d.rounded() ? UInt64(d) : nil
        case .string(let s): return UInt64(s)
        default: return nil
        }
    }

    /// The value as Foundation objects, for JSONSerialization output.
    public var foundation: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let d): return d == d.rounded() && abs(d) < 9e15 ? NSNumber(value: Int64(d)) : NSNumber(value: d)
        case .string(let s): return s
        case .array(let a): return a.map(\.foundation)
        case .object(let o): return o.mapValues(\.foundation)
        }
    }

    /// Compact text for messages.
    public var compact: String {
        guard let d = try? JSONSerialization.data(withJSONObject: foundation, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]) else {
            return "?"
        }
        return String(decoding: d, as: UTF8.self)
    }
}

/// Serialises an object with sorted keys (stable output for CI diffs).
func jsonText(_ object: Any, pretty: Bool = true) -> String {
    var opts: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
    if pretty { opts.insert(.prettyPrinted) }
    guard let d = try? JSONSerialization.data(withJSONObject: object, options: opts) else { return "{}" }
    return String(decoding: d, as: UTF8.self)
}
