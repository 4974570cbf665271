import Crypto
import Foundation

/// An API permission, as Lotus tags methods with `//perm:` (`api/permissioned.go`).
///
/// Ordered `read < write < sign < admin`; a token holds an explicit set of them.
public enum Permission: String, Sendable, Comparable, CaseIterable, Codable {
    /// Query state; the permission a request without a token has.
    case read
    /// Change state (pledge sectors, create wallets).
    case write
    /// Use wallet keys to sign.
    case sign
    /// Everything, including storage, workers and tokens.
    case admin

    /// The permissions `lotus auth create-token --perm p` grants: every permission up to
    /// and including `p` (`read` → `[read]`, `admin` → all four).
    public static func upTo(_ p: Permission) -> [Permission] {
        allCases.filter { $0 <= p }
    }

    /// Orders by strength: read < write < sign < admin.
    public static func < (a: Permission, b: Permission) -> Bool {
        a.rank < b.rank
    }

    private var rank: Int {
        switch self {
        case .read: 0
        case .write: 1
        case .sign: 2
        case .admin: 3
        }
    }
}

/// Why a JWT was refused.
public enum JWTError: Error, CustomStringConvertible, Equatable {
    /// Not three dot-separated parts, or a part is not the JSON it must be.
    case malformed(String)
    /// A part is not unpadded base64url.
    case badBase64(part: String)
    /// The header names an algorithm other than HS256 (including `none`).
    case unsupportedAlgorithm(String)
    /// The HMAC does not match: the token was altered or signed with another secret.
    case badSignature
    /// The `exp` claim is in the past.
    case expired(exp: Double)

    /// A message saying what is wrong and what to do.
    public var description: String {
        switch self {
        case .malformed(let why):
            "malformed JWT: \(why); pass the token printed by `auth create-token` or stored in <repo>/token"
        case .badBase64(let part):
            "malformed JWT: the \(part) is not base64url; pass the token printed by `auth create-token`"
        case .unsupportedAlgorithm(let alg):
            "JWT algorithm '\(alg)' is not accepted; only HS256 tokens issued by this node are"
        case .badSignature:
            "JWT signature does not verify; the token was issued by another node or altered — create a new one with `auth create-token`"
        case .expired(let exp):
            "JWT expired at unix time \(Int(exp)); create a new one with `auth create-token`"
        }
    }
}

/// HS256 JSON Web Tokens in Lotus' shape: header `{"alg":"HS256","typ":"JWT"}`, payload
/// `{"Allow":["read",...]}`, base64url without padding (`node/modules/core.go`, gbrlsnchs/jwt).
public enum JWT {
    /// The exact header bytes Lotus (gbrlsnchs/jwt) signs.
    public static let headerJSON = #"{"alg":"HS256","typ":"JWT"}"#

    /// Signs a token allowing `allow` (kept in the given order, duplicates removed).
    ///
    /// The payload is byte-for-byte Go's `json.Marshal(JwtPayload{Allow: allow})`.
    public static func sign(allow: [Permission], secret: [UInt8]) -> String {
        var seen = Set<Permission>()
        let perms = allow.filter { seen.insert($0).inserted }
        let payload = #"{"Allow":["# + perms.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]}"
        return sign(payloadJSON: Array(payload.utf8), secret: secret)
    }

    /// Signs an arbitrary payload with the standard header (exposed for tests and tools).
    public static func sign(payloadJSON: [UInt8], secret: [UInt8]) -> String {
        let signingInput = base64URLEncode(Array(headerJSON.utf8)) + "." + base64URLEncode(payloadJSON)
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(signingInput.utf8), using: SymmetricKey(data: secret))
        return signingInput + "." + base64URLEncode(Array(mac))
    }

    /// Verifies `token` against `secret` and returns the permissions it allows.
    ///
    /// Rejects a token that is not three base64url parts, whose header is not JSON naming
    /// `"alg":"HS256"`, whose HMAC-SHA256 does not match (compared in constant time), whose
    /// payload is not a JSON object, or whose optional `exp` claim is not in the future.
    /// Unknown permission names in `Allow` are ignored; a missing `Allow` allows nothing.
    public static func verify(_ token: String, secret: [UInt8], now: Date = Date()) throws(JWTError) -> Set<Permission> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected 3 dot-separated parts, found \(parts.count)") }
        guard let headerBytes = base64URLDecode(parts[0]) else { throw .badBase64(part: "header") }
        guard let payloadBytes = base64URLDecode(parts[1]) else { throw .badBase64(part: "payload") }
        guard let sigBytes = base64URLDecode(parts[2]) else { throw .badBase64(part: "signature") }

        let header: NodeJSON
        do { header = try NodeJSON.parse(Data(headerBytes)) } catch { throw .malformed("header is not JSON") }
        guard case .object = header else { throw .malformed("header is not a JSON object") }
        guard let alg = header["alg"]?.string else { throw .malformed("header has no alg") }
        guard alg == "HS256" else { throw .unsupportedAlgorithm(alg) }
        if let typ = header["typ"], typ.string?.uppercased() != "JWT" {
            throw .malformed("header typ is \(typ.jsonString), expected \"JWT\"")
        }

        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard HMAC<SHA256>.isValidAuthenticationCode(
            sigBytes, authenticating: signingInput, using: SymmetricKey(data: secret))
        else { throw .badSignature }

        let payload: NodeJSON
        do { payload = try NodeJSON.parse(Data(payloadBytes)) } catch { throw .malformed("payload is not JSON") }
        guard case .object = payload else { throw .malformed("payload is not a JSON object") }
        if let exp = payload["exp"], !exp.isNull {
            guard let seconds = exp.double else { throw .malformed("exp claim is not a number") }
            if seconds <= now.timeIntervalSince1970 { throw .expired(exp: seconds) }
        }
        var allowed = Set<Permission>()
        if let allow = payload["Allow"], !allow.isNull {
            guard let list = allow.array else { throw .malformed("Allow is not an array") }
            for p in list {
                guard let name = p.string else { throw .malformed("Allow holds a non-string") }
                if let perm = Permission(rawValue: name) { allowed.insert(perm) }
            }
        }
        return allowed
    }

    // MARK: base64url

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Unpadded base64url (RFC 4648 §5) of `bytes`.
    public static func base64URLEncode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
            out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded base64url; `nil` for any other character, padding, or a length that
    /// no encoding produces (or non-zero trailing bits).
    public static func base64URLDecode(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for c in chars {
            let v: UInt32
            switch c {
            case 0x41...0x5A: v = UInt32(c - 0x41)
            case 0x61...0x7A: v = UInt32(c - 0x61 + 26)
            case 0x30...0x39: v = UInt32(c - 0x30 + 52)
            case 0x2D: v = 62
            case 0x5F: v = 63
            default: return nil
            }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        guard acc == 0 else { return nil }  // canonical encodings leave zero bits
        return out
    }
}
