/// A 32-byte node or commitment (CommP, CommD, CommR, a tree_d node), in the byte order
/// Filecoin stores it: for SHA-256 trees the raw digest (truncated to 254 bits), for
/// Poseidon commitments the little-endian canonical field element.
public struct Commitment: Hashable, Sendable, CustomStringConvertible {
    public private(set) var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a commitment is 32 bytes")
        self.bytes = bytes
    }

    public init(_ raw: UnsafeRawBufferPointer) {
        precondition(raw.count == 32, "a commitment is 32 bytes")
        bytes = Array(raw)
    }

    /// Parses 64 hex characters (either case, no 0x).
    public init(hex: String) throws(HexError) {
        let b = try Hex.decode(hex)
        guard b.count == 32 else { throw .wrongLength(expected: 32, got: b.count) }
        bytes = b
    }

    public static let zero = Commitment(bytes: [UInt8](repeating: 0, count: 32))

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

public enum HexError: Error, Equatable, CustomStringConvertible {
    case oddLength(Int)
    case invalidCharacter(Character, offset: Int)
    case wrongLength(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .oddLength(let n): "hex string has an odd number of characters (\(n))"
        case .invalidCharacter(let c, let off): "non-hex character '\(c)' at offset \(off)"
        case .wrongLength(let e, let g): "expected \(e) bytes of hex, got \(g)"
        }
    }
}

public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ s: String) throws(HexError) -> [UInt8] {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { throw .oddLength(u.count) }
        var out = [UInt8](repeating: 0, count: u.count / 2)
        func nibble(_ c: UInt8, _ i: Int) throws(HexError) -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default:
                let ch = Character(Unicode.Scalar(c))
                throw .invalidCharacter(ch, offset: i)
            }
        }
        for i in 0..<out.count {
            out[i] = try nibble(u[2 * i], 2 * i) << 4 | nibble(u[2 * i + 1], 2 * i + 1)
        }
        return out
    }
}
