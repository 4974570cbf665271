import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a repo file could not be read or written.
public enum NodeRepoError: Error, CustomStringConvertible, Equatable {
    /// A file system call failed on `path`.
    case io(path: String, errno: Int32, action: String)
    /// The keystore entry exists but is not a `jwt-hmac-secret` KeyInfo.
    case badSecret(path: String, reason: String)
    /// The `api` file is missing: the node is not running (or never ran) with this repo.
    case noAPI(path: String)
    /// The `token` file is missing.
    case noToken(path: String)

    /// A message naming the file and what to do.
    public var description: String {
        switch self {
        case .io(let path, let e, let action):
            "cannot \(action) \(path): \(String(cString: strerror(e))); check the repo directory's owner and permissions"
        case .badSecret(let path, let reason):
            "JWT secret \(path) is unusable (\(reason)); remove it to generate a new secret (existing tokens stop working)"
        case .noAPI(let path):
            "\(path) does not exist; start the node with this repo, or pass the API address explicitly"
        case .noToken(let path):
            "\(path) does not exist; start the node once with this repo to create it"
        }
    }
}

/// A node repository directory (Lotus `node/repo/fsrepo.go` layout, the parts the RPC layer
/// needs):
///
/// ```
/// <repo>/                       0700
/// <repo>/keystore/              0700
/// <repo>/keystore/auth-jwt-private   0600  KeyInfo {"Type":"jwt-hmac-secret","PrivateKey":<base64 32 bytes>}
/// <repo>/token                  0600  admin JWT, written when the secret is generated
/// <repo>/api                    0644  listen multiaddr, /ip4/127.0.0.1/tcp/PORT/http
/// ```
public struct NodeRepo: Sendable, Equatable {
    /// Keystore entry name of the JWT secret (`node/modules/core.go`).
    public static let jwtKeyName = "auth-jwt-private"
    /// KeyInfo `Type` of the JWT secret.
    public static let jwtKeyType = "jwt-hmac-secret"

    /// The repo directory.
    public let path: URL

    /// `<repo>/keystore`.
    public var keystorePath: URL { path.appendingPathComponent("keystore", isDirectory: true) }
    /// `<repo>/keystore/auth-jwt-private`.
    public var secretPath: URL { keystorePath.appendingPathComponent(NodeRepo.jwtKeyName) }
    /// `<repo>/token`.
    public var tokenPath: URL { path.appendingPathComponent("token") }
    /// `<repo>/api`.
    public var apiPath: URL { path.appendingPathComponent("api") }

    /// Opens (creating with mode 0700 when missing) the repo at `path` and its keystore.
    ///
    /// A leading `~` is expanded. Existing directories keep their mode.
    public init(path: String) throws(NodeRepoError) {
        let expanded = (path as NSString).expandingTildeInPath
        self.path = URL(fileURLWithPath: expanded, isDirectory: true)
        try NodeRepo.makeDirectory(self.path.path)
        try NodeRepo.makeDirectory(keystorePath.path)
    }

    /// The 32-byte HS256 secret; generated on first use together with the `token` file.
    public func secret() throws(NodeRepoError) -> [UInt8] {
        if let existing = try readSecret() { return existing }
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = rng.next() }
        let keyInfo: NodeJSON = [
            "Type": .string(NodeRepo.jwtKeyType),
            "PrivateKey": .string(Data(bytes).base64EncodedString()),
        ]
        // O_EXCL: if another process created the secret meanwhile, use theirs.
        let created = try NodeRepo.createExclusive(secretPath.path, contents: Array(keyInfo.encoded()), mode: 0o600)
        guard created else {
            guard let theirs = try readSecret() else {
                throw .badSecret(path: secretPath.path, reason: "created concurrently but unreadable")
            }
            return theirs
        }
        try NodeRepo.writeReplacing(tokenPath.path, contents: Array(JWT.sign(allow: Permission.allCases, secret: bytes).utf8), mode: 0o600)
        return bytes
    }

    /// The admin token (all four permissions), from `<repo>/token`; regenerated from the
    /// secret (HS256 is deterministic, so it is the same token) if the file is missing.
    public func adminToken() throws(NodeRepoError) -> String {
        let key = try secret()
        if let data = FileManager.default.contents(atPath: tokenPath.path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { return text }
        }
        let token = JWT.sign(allow: Permission.allCases, secret: key)
        try NodeRepo.writeReplacing(tokenPath.path, contents: Array(token.utf8), mode: 0o600)
        return token
    }

    /// Writes `<repo>/api` = `/ip4/<host>/tcp/<port>/http`.
    public func writeAPI(port: Int, host: String = "127.0.0.1") throws(NodeRepoError) {
        try NodeRepo.writeReplacing(apiPath.path, contents: Array("/ip4/\(host)/tcp/\(port)/http".utf8), mode: 0o644)
    }

    /// Removes `<repo>/api` (on clean shutdown, as Lotus does); missing is fine.
    public func removeAPI() {
        unlink(apiPath.path)
    }

    /// The API endpoint of the node using this repo: the `api` multiaddr with the `token`
    /// file's token (nil when there is no token file).
    public func readAPIInfo() throws(NodeRepoError) -> APIInfo {
        guard let data = FileManager.default.contents(atPath: apiPath.path) else { throw .noAPI(path: apiPath.path) }
        let addr = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var token: String? = nil
        if let t = FileManager.default.contents(atPath: tokenPath.path) {
            let s = String(decoding: t, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !s.isEmpty { token = s }
        }
        return APIInfo(token: token, address: addr)
    }

    // MARK: files

    private func readSecret() throws(NodeRepoError) -> [UInt8]? {
        let p = secretPath.path
        guard let data = FileManager.default.contents(atPath: p) else {
            if access(p, F_OK) == 0 { throw .io(path: p, errno: errno, action: "read") }
            return nil
        }
        let info: NodeJSON
        do { info = try NodeJSON.parse(data) } catch { throw .badSecret(path: p, reason: "not a KeyInfo JSON object") }
        guard info["Type"]?.string == NodeRepo.jwtKeyType else {
            throw .badSecret(path: p, reason: "Type is not \(NodeRepo.jwtKeyType)")
        }
        guard let b64 = info["PrivateKey"]?.string, let raw = Data(base64Encoded: b64), raw.count >= 32 else {
            throw .badSecret(path: p, reason: "PrivateKey is not base64 of at least 32 bytes")
        }
        return [UInt8](raw)
    }

    static func makeDirectory(_ p: String) throws(NodeRepoError) {
        if mkdir(p, 0o700) == 0 {
            chmod(p, 0o700)  // umask may have cleared bits we did not want cleared; 0700 exactly
            return
        }
        let e = errno
        if e == EEXIST {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue { return }
            throw .io(path: p, errno: ENOTDIR, action: "create directory")
        }
        if e == ENOENT {
            // Parent missing: create it (0700) and retry.
            let parent = (p as NSString).deletingLastPathComponent
            if !parent.isEmpty, parent != p {
                try makeDirectory(parent)
                if mkdir(p, 0o700) == 0 || errno == EEXIST { chmod(p, 0o700); return }
            }
        }
        throw .io(path: p, errno: e, action: "create directory")
    }

    /// Creates `p` with `mode` only if it does not exist. Returns false if it existed.
    static func createExclusive(_ p: String, contents: [UInt8], mode: mode_t) throws(NodeRepoError) -> Bool {
        let fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw .io(path: p, errno: errno, action: "create")
        }
        defer { close(fd) }
        fchmod(fd, mode)
        try writeAll(fd, contents, path: p)
        return true
    }

    /// Writes `p` atomically (temporary file + rename) with `mode`.
    static func writeReplacing(_ p: String, contents: [UInt8], mode: mode_t) throws(NodeRepoError) {
        let tmp = p + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 { throw .io(path: tmp, errno: errno, action: "create") }
        fchmod(fd, mode)
        do {
            try writeAll(fd, contents, path: tmp)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        if rename(tmp, p) != 0 {
            let e = errno
            unlink(tmp)
            throw .io(path: p, errno: e, action: "replace")
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(NodeRepoError) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { buf in
                write(fd, buf.baseAddress.map { $0 + off }, bytes.count - off)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, errno: errno, action: "write")
            }
            off += n
        }
    }
}

/// Why an `*_API_INFO` value could not be turned into a URL.
public enum APIInfoError: Error, CustomStringConvertible, Equatable {
    /// The address is neither a supported multiaddr nor an http(s)/ws(s) URL.
    case unsupportedAddress(String)

    /// A message with the accepted forms.
    public var description: String {
        switch self {
        case .unsupportedAddress(let a):
            "cannot dial '\(a)'; use TOKEN:/ip4/127.0.0.1/tcp/1234/http, a bare multiaddr, or http://host:port"
        }
    }
}

/// One API endpoint as given in `FULLNODE_API_INFO` / `MINER_API_INFO` / `WORKER_API_INFO`
/// (`cli/util/apiinfo.go`): `TOKEN:MULTIADDR`, a bare multiaddr, or a URL (optionally
/// `TOKEN:URL`).
public struct APIInfo: Sendable, Equatable, CustomStringConvertible {
    /// The JWT, when the value had one.
    public var token: String?
    /// The multiaddr or URL.
    public var address: String

    /// An endpoint from parts.
    public init(token: String?, address: String) {
        self.token = token
        self.address = address
    }

    /// Parses one entry: split at the first `:` unless the value starts with `/` or that
    /// `:` begins `://` (then the whole value is the address and there is no token).
    public init(parsing value: String) {
        let s = value.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("/") {
            self.init(token: nil, address: s)
            return
        }
        guard let colon = s.firstIndex(of: ":") else {
            self.init(token: nil, address: s)
            return
        }
        if s[colon...].hasPrefix("://") {
            self.init(token: nil, address: s)
            return
        }
        let tok = String(s[..<colon])
        self.init(token: tok.isEmpty ? nil : tok, address: String(s[s.index(after: colon)...]))
    }

    /// Parses a comma-separated list (several endpoints); empty entries are skipped.
    public static func parseList(_ value: String) -> [APIInfo] {
        value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.map { APIInfo(parsing: $0) }
    }

    /// `TOKEN:ADDRESS`, or the bare address without a token (the env-var form).
    public var description: String {
        if let token { return token + ":" + address }
        return address
    }

    /// The HTTP base URL without the `/rpc/<version>` suffix, e.g. `http://127.0.0.1:2345`.
    ///
    /// Multiaddrs: `/ip4/H/tcp/P[/http|/ws]` → `http://H:P`; `/https`, `/tls`, `/wss` →
    /// `https://`; `/ip6/A/...` → `http://[A]:P`; `/dns|dns4|dns6/NAME/...` → `http://NAME:P`.
    /// URLs: `ws://` becomes `http://`, `wss://` becomes `https://`; a trailing `/` is dropped.
    public func baseURL() throws(APIInfoError) -> String {
        if address.hasPrefix("/") {
            let parts = address.split(separator: "/").map(String.init)
            guard parts.count >= 4, parts[2] == "tcp", let port = Int(parts[3]), (0...65535).contains(port) else {
                throw .unsupportedAddress(address)
            }
            let host: String
            switch parts[0] {
            case "ip4", "dns", "dns4", "dns6": host = parts[1]
            case "ip6": host = "[" + parts[1] + "]"
            default: throw .unsupportedAddress(address)
            }
            let rest = parts.dropFirst(4)
            var scheme = "http"
            for p in rest {
                switch p {
                case "http", "ws": break
                case "https", "tls", "wss": scheme = "https"
                default: throw .unsupportedAddress(address)
                }
            }
            return "\(scheme)://\(host):\(port)"
        }
        var url = address
        if url.hasPrefix("ws://") { url = "http://" + url.dropFirst(5) }
        if url.hasPrefix("wss://") { url = "https://" + url.dropFirst(6) }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"),
              let parsed = URL(string: url), parsed.host != nil
        else { throw .unsupportedAddress(address) }
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The JSON-RPC URL for `version` (`v0`, `v1`): `baseURL() + "/rpc/" + version`.
    public func url(version: String = "v0") throws(APIInfoError) -> String {
        try baseURL() + "/rpc/" + version
    }
}
