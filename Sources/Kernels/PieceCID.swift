/// Filecoin commitment CIDs (spec §2.5): CIDv1 + multicodec + multihash, multibase "b"
/// (RFC 4648 base32, lower case, no padding).
public enum PieceCID {
    public enum Kind: String, Sendable, Equatable {
        /// CommP / CommD: fil-commitment-unsealed + sha2-256-trunc254-padded ("baga…").
        case unsealed
        /// CommR: fil-commitment-sealed + poseidon-bls12_381-a2-fc1 ("bagb…").
        case sealed

        public var codec: UInt64 { self == .unsealed ? 0xf101 : 0xf102 }
        public var multihash: UInt64 { self == .unsealed ? 0x1012 : 0xb401 }
    }

    public struct Decoded: Sendable, Equatable {
        public var kind: Kind
        public var codec: UInt64
        public var multihash: UInt64
        public var commitment: Commitment
    }

    public enum CIDError: Error, Equatable, CustomStringConvertible {
        case notBase32(String)
        case badCharacter(Character, offset: Int)
        case truncated
        case notVersion1(UInt64)
        case unknownCodec(UInt64)
        case wrongMultihash(codec: UInt64, multihash: UInt64)
        case wrongDigestLength(UInt64)
        case trailingBytes(Int)

        public var description: String {
            switch self {
            case .notBase32(let p):
                "CID must start with multibase prefix 'b' (base32 lower case), got '\(p)'"
            case .badCharacter(let c, let o): "CID has a non-base32 character '\(c)' at offset \(o)"
            case .truncated: "CID is truncated"
            case .notVersion1(let v): "CID version \(v) is not 1"
            case .unknownCodec(let c):
                "CID codec 0x\(String(c, radix: 16)) is neither fil-commitment-unsealed (0xf101) nor fil-commitment-sealed (0xf102)"
            case .wrongMultihash(let c, let m):
                "CID codec 0x\(String(c, radix: 16)) goes with another multihash than 0x\(String(m, radix: 16))"
            case .wrongDigestLength(let n): "CID digest is \(n) bytes, expected 32"
            case .trailingBytes(let n): "CID has \(n) bytes after the digest"
            }
        }
    }

    public static func encode(_ commitment: Commitment, kind: Kind) -> String {
        var bin: [UInt8] = []
        appendVarint(&bin, 1)
        appendVarint(&bin, kind.codec)
        appendVarint(&bin, kind.multihash)
        appendVarint(&bin, 32)
        bin += commitment.bytes
        return "b" + base32(bin)
    }

    public static func decode(_ text: String) throws(CIDError) -> Decoded {
        guard let first = text.first, first == "b" else { throw .notBase32(String(text.prefix(1))) }
        let bin = try unbase32(Array(text.utf8.dropFirst()))
        var pos = 0
        let version = try readVarint(bin, &pos)
        guard version == 1 else { throw .notVersion1(version) }
        let codec = try readVarint(bin, &pos)
        let kind: Kind
        switch codec {
        case 0xf101: kind = .unsealed
        case 0xf102: kind = .sealed
        default: throw .unknownCodec(codec)
        }
        let mh = try readVarint(bin, &pos)
        guard mh == kind.multihash else { throw .wrongMultihash(codec: codec, multihash: mh) }
        let len = try readVarint(bin, &pos)
        guard len == 32 else { throw .wrongDigestLength(len) }
        guard bin.count - pos >= 32 else { throw .truncated }
        guard bin.count - pos == 32 else { throw .trailingBytes(bin.count - pos - 32) }
        return Decoded(kind: kind, codec: codec, multihash: mh, commitment: Commitment(bytes: Array(bin[pos...])))
    }

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func base32(_ data: [UInt8]) -> String {
        var out: [UInt8] = []
        var acc: UInt32 = 0, bits = 0
        for b in data {
            acc = acc << 8 | UInt32(b)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((acc >> UInt32(bits)) & 31)])
            }
            acc &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(alphabet[Int((acc << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func unbase32(_ chars: [UInt8]) throws(CIDError) -> [UInt8] {
        var out: [UInt8] = []
        var acc: UInt32 = 0, bits = 0
        for (i, c) in chars.enumerated() {
            let v: UInt32
            switch c {
            case 97...122: v = UInt32(c - 97)
            case 50...55: v = UInt32(c - 50 + 26)
            default: throw .badCharacter(Character(Unicode.Scalar(c)), offset: i + 1)
            }
            acc = acc << 5 | v
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xff))
            }
            acc &= (1 << UInt32(bits)) - 1
        }
        return out
    }

    static func appendVarint(_ out: inout [UInt8], _ v: UInt64) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func readVarint(_ b: [UInt8], _ pos: inout Int) throws(CIDError) -> UInt64 {
        var v: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard pos < b.count, shift < 64 else { throw .truncated }
            let byte = b[pos]
            pos += 1
            v |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return v }
            shift += 7
        }
    }
}
