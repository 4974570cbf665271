import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Why an RPC call failed.
public enum RPCClientError: Error, CustomStringConvertible, Equatable {
    /// The server answered with a JSON-RPC error.
    case rpc(code: Int, message: String)
    /// HTTP 401: the token is malformed or was not issued by this node.
    case unauthorized
    /// Nothing listens at the URL (connection refused or connect timeout).
    case unreachable(String)
    /// HTTP 413: the request body exceeds the server's limit.
    case requestTooLarge
    /// Another HTTP status than 200.
    case httpStatus(Int)
    /// The answer is not a JSON-RPC response.
    case badResponse(String)
    /// No answer before the deadline.
    case timeout(String)
    /// The connection failed in another way.
    case transport(String)
    /// `call` after `shutdown()`.
    case shutDown

    /// A message naming the problem and what to do.
    public var description: String {
        switch self {
        case .rpc(let code, let message): "RPC error \(code): \(message)"
        case .unauthorized:
            "HTTP 401 unauthorized: the token is malformed or not issued by this node; use <repo>/token or `auth create-token`"
        case .unreachable(let url): "cannot connect to \(url); is the node running? (check <repo>/api or *_API_INFO)"
        case .requestTooLarge: "HTTP 413: request body larger than the server accepts (16 MiB)"
        case .httpStatus(let s): "unexpected HTTP status \(s) from the RPC server"
        case .badResponse(let why): "malformed RPC response: \(why)"
        case .timeout(let url): "no answer from \(url) in time; the node may be overloaded"
        case .transport(let why): "RPC transport error: \(why)"
        case .shutDown: "RPC client used after shutdown()"
        }
    }
}

/// A JSON-RPC 2.0 client over HTTP POST (AsyncHTTPClient), sending
/// `Authorization: Bearer <token>` when it has a token.
///
/// Call `shutdown()` when done; if the client is dropped without it, `deinit` starts the
/// shutdown itself (no leak, no crash).
public final class RPCClient: Sendable {
    /// The JSON-RPC endpoint, e.g. `http://127.0.0.1:2345/rpc/v0`.
    public let url: String
    /// The JWT sent with each call, if any.
    public let token: String?
    /// Per-call deadline.
    public let timeoutSeconds: Double
    private let http: HTTPClient
    private let nextID = RPCLocked<Int>(0)
    private let isShutDown = RPCLocked<Bool>(false)

    /// A client for `url` (the full `/rpc/v0` URL). `maxConnections` bounds pooled
    /// keep-alive connections (raise it for concurrent callers, e.g. load tests).
    public init(url: String, token: String?, timeoutSeconds: Double = 60, maxConnections: Int = 8) {
        self.url = url
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.timeoutSeconds = timeoutSeconds
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, maxConnections))
        // A local node either listens or not: fail at once instead of retrying with backoff
        // until the deadline.
        pool.retryConnectionEstablishment = false
        let config = HTTPClient.Configuration(
            timeout: .init(connect: .seconds(5), read: nil), connectionPool: pool)
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    /// A client for an `*_API_INFO` endpoint (`version` selects `/rpc/v0` or `/rpc/v1`).
    public convenience init(apiInfo: APIInfo, version: String = "v0", timeoutSeconds: Double = 60) throws(APIInfoError) {
        self.init(url: try apiInfo.url(version: version), token: apiInfo.token, timeoutSeconds: timeoutSeconds)
    }

    deinit {
        let already = isShutDown.withLock { s -> Bool in
            defer { s = true }
            return s
        }
        if !already {
            // The HTTPClient keeps itself alive until its shutdown completes.
            http.shutdown().whenComplete { _ in }
        }
    }

    /// Closes pooled connections. Later calls fail with `.shutDown`.
    public func shutdown() async {
        let already = isShutDown.withLock { s -> Bool in
            defer { s = true }
            return s
        }
        guard !already else { return }
        try? await http.shutdown()
    }

    /// Calls `method` with positional `params` and returns its `result`.
    public func call(_ method: String, _ params: [NodeJSON] = []) async throws(RPCClientError) -> NodeJSON {
        let id = nextID.withLock { n -> Int in
            n += 1
            return n
        }
        let request: NodeJSON = [
            "jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method), "params": .array(params),
        ]
        let (status, body) = try await post(request.encoded())
        try RPCClient.check(status: status)
        let response: NodeJSON
        do { response = try NodeJSON.parse(body) } catch { throw .badResponse("\(error)") }
        guard case .object = response else { throw .badResponse("not a JSON object") }
        if let err = response["error"], !err.isNull {
            throw .rpc(code: err["code"]?.int ?? 0, message: err["message"]?.string ?? err.jsonString)
        }
        return response["result"] ?? .null
    }

    /// `call` for synchronous code (CLI commands): runs the call on a detached task and
    /// waits on a semaphore. Never call it from an event-loop thread or from inside an
    /// async task (it blocks the calling thread).
    public func callSync(_ method: String, _ params: [NodeJSON] = []) throws(RPCClientError) -> NodeJSON {
        let box = RPCLocked<Result<NodeJSON, RPCClientError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached { [self] in
            let r: Result<NodeJSON, RPCClientError>
            do throws(RPCClientError) { r = .success(try await self.call(method, params)) } catch { r = .failure(error) }
            box.withLock { $0 = r }
            done.signal()
        }
        done.wait()
        switch box.withLock({ $0 }) {
        case .success(let v)?: return v
        case .failure(let e)?: throw e
        case nil: throw .transport("call finished without a result")
        }
    }

    /// POSTs a raw body and returns the HTTP status and response body (for batches,
    /// notifications and tests).
    public func post(_ body: Data) async throws(RPCClientError) -> (status: Int, body: Data) {
        guard !isShutDown.withLock({ $0 }) else { throw .shutDown }
        var req = HTTPClientRequest(url: url)
        req.method = .POST
        req.headers.add(name: "Content-Type", value: "application/json")
        if let token { req.headers.add(name: "Authorization", value: "Bearer " + token) }
        req.body = .bytes(ByteBuffer(bytes: body))
        do {
            let resp = try await http.execute(req, timeout: .milliseconds(Int64(timeoutSeconds * 1000)))
            let buf = try await resp.body.collect(upTo: 512 * 1024 * 1024)
            return (Int(resp.status.code), Data(buf.readableBytesView))
        } catch {
            throw map(error)
        }
    }

    private static func check(status: Int) throws(RPCClientError) {
        switch status {
        case 200: return
        case 401: throw .unauthorized
        case 413: throw .requestTooLarge
        default: throw .httpStatus(status)
        }
    }

    private func map(_ error: any Error) -> RPCClientError {
        if let e = error as? HTTPClientError {
            if e == .connectTimeout { return .unreachable(url) }
            if e == .deadlineExceeded || e == .readTimeout { return .timeout(url) }
            if e == .alreadyShutdown { return .shutDown }
            if e == .invalidURL || e == .emptyHost || e == .emptyScheme { return .transport("invalid URL \(url)") }
            return .transport(String(describing: e))
        }
        if error is NIOConnectionError { return .unreachable(url) }
        if let e = error as? IOError, e.errnoCode == ECONNREFUSED { return .unreachable(url) }
        if let e = error as? ChannelError, case .connectTimeout = e { return .unreachable(url) }
        return .transport(String(describing: error))
    }
}
