import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// An error a method handler throws to choose the JSON-RPC error it produces.
///
/// Any other error becomes code 1 with the error's description, as go-jsonrpc does.
public enum RPCError: Error, CustomStringConvertible, Equatable {
    /// The params are not what the method takes (JSON-RPC -32602).
    case invalidParams(String)
    /// An application error with an explicit code.
    case failure(code: Int, message: String)

    /// The message sent to the caller.
    public var description: String {
        switch self {
        case .invalidParams(let m): m
        case .failure(_, let m): m
        }
    }
}

/// Why the server could not start.
public enum RPCServerError: Error, CustomStringConvertible {
    /// The listener stopped before it reported its port.
    case didNotStart(String)

    /// A message naming the cause.
    public var description: String {
        switch self {
        case .didNotStart(let why):
            "RPC server did not start: \(why); check that the address is free and allowed"
        }
    }
}

/// JSON-RPC 2.0 error codes used by the server.
public enum RPCErrorCode {
    /// Malformed JSON.
    public static let parseError = -32700
    /// Not a request object, no method, or `jsonrpc` is not `"2.0"`.
    public static let invalidRequest = -32600
    /// No such method.
    public static let methodNotFound = -32601
    /// The handler rejected its params.
    public static let invalidParams = -32602
    /// go-jsonrpc's code for an error returned by the method (including permission errors).
    public static let applicationError = 1
}

/// A method handler: positional params in, result out.
public typealias RPCHandler = @Sendable ([NodeJSON]) async throws -> NodeJSON

/// A JSON-RPC 2.0 server over HTTP POST on `/rpc/v0` and `/rpc/v1` (one method registry),
/// with Lotus' JWT permission model (`node/rpc.go`, go-jsonrpc `auth`).
///
/// - `Authorization: Bearer <JWT>` or `?token=<JWT>`; a malformed or forged token gets
///   HTTP 401 before dispatch; no token means permission `read` only.
/// - A method tagged above the caller's permissions answers JSON-RPC error code 1,
///   `missing permission to invoke 'Filecoin.X' (need 'admin')`.
/// - Bodies over `maxBodyBytes` (16 MiB) get HTTP 413. Notifications get HTTP 204.
///
/// Built in: `Filecoin.AuthVerify` [read], `Filecoin.AuthNew` [admin], `Filecoin.Version` [read].
public final class RPCServer: Sendable {
    /// Largest request body accepted.
    public static let maxBodyBytes = 16 * 1024 * 1024

    /// Lotus' `APIVersion` shape for a miner (`MinerAPIVersion0` = 1.5.0, 30 s blocks).
    public static let defaultVersion: NodeJSON = [
        "Version": "1.28.0+spnode", "APIVersion": 0x01_05_00, "BlockDelay": 30,
    ]

    /// Interface the listener binds (127.0.0.1 by default).
    public let host: String
    private let requestedPort: Int
    private let secret: [UInt8]
    /// When set, bearer tokens are checked by this (a worker asks its miner's `AuthVerify`,
    /// as lotus-worker does) instead of with `secret`.
    private let tokenVerifier: (@Sendable (String) async throws -> Set<Permission>)?
    private let logger: Logger
    private let methods = RPCLocked<[String: (perm: Permission, handler: RPCHandler)]>([:])
    private let state = RPCLocked<RunState>(RunState())

    private struct RunState {
        var task: Task<Void, any Error>?
        var group: ServiceGroup?
        var port: Int?
    }

    /// Seconds after which an idle connection is closed.
    public static let idleTimeoutSeconds: Int64 = 300

    /// How long `stop()` lets in-flight requests finish before cancelling them.
    public static let stopGraceSeconds = 5

    /// A server that signs and verifies tokens with `secret` and listens on `host:port`
    /// once started (`port` 0 picks a free port; see `port` / `start()`).
    public init(
        secret: [UInt8], host: String = "127.0.0.1", port: Int = 0,
        version: NodeJSON = RPCServer.defaultVersion,
        logger: Logger = Logger(label: "spnode.rpc"),
        tokenVerifier: (@Sendable (String) async throws -> Set<Permission>)? = nil
    ) {
        self.secret = secret
        self.tokenVerifier = tokenVerifier
        self.host = host
        self.requestedPort = port
        self.logger = logger
        registerBuiltins(version: version)
    }

    /// Adds (or replaces) `method`, callable by tokens holding `perm`.
    public func register(_ method: String, perm: Permission, _ handler: @escaping RPCHandler) {
        methods.withLock { $0[method] = (perm, handler) }
    }

    /// The registered method names, sorted.
    public var methodNames: [String] {
        methods.withLock { $0.keys.sorted() }
    }

    /// The bound port while the server runs, else `nil`.
    public var port: Int? { state.withLock { $0.port } }

    // MARK: lifecycle

    /// Starts listening in a background task and returns the bound port. Calling it
    /// again while running returns the same port.
    public func start() async throws -> Int {
        if let p = port { return p }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let router = Router()
        for path in ["/rpc/v0", "/rpc/v1"] {
            router.post(RouterPath(path)) { [self] request, _ in
                await self.respond(to: request)
            }
        }
        let log = logger
        let app = Application(
            router: router,
            // Idle keep-alive connections (and stalled uploads) are closed after 5 minutes;
            // clients pool for 60 s, so they never reuse a connection being closed.
            server: .http1(configuration: .init(idleTimeout: .seconds(RPCServer.idleTimeoutSeconds))),
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? -1)
                continuation.finish()
            },
            logger: log)
        let group = ServiceGroup(configuration: .init(services: [app], logger: log))
        let task = Task<Void, any Error> {
            defer { continuation.finish() }
            try await group.run()
        }
        state.withLock {
            $0.task = task
            $0.group = group
        }
        for await p in ports {
            guard p > 0 else { break }
            state.withLock { $0.port = p }
            logger.info("RPC server listening", metadata: ["address": "\(host):\(p)"])
            return p
        }
        // The listener ended before reporting a port: surface its error.
        state.withLock { $0 = RunState() }
        task.cancel()
        switch await task.result {
        case .failure(let error): throw error
        case .success: throw RPCServerError.didNotStart("the listener exited at once")
        }
    }

    /// Stops listening: lets in-flight requests finish (up to `stopGraceSeconds`, then
    /// cancels them) and waits for the server task to end. Safe to call repeatedly.
    public func stop() async {
        let (task, group) = state.withLock { s -> (Task<Void, any Error>?, ServiceGroup?) in
            let r = (s.task, s.group)
            s = RunState()
            return r
        }
        guard let task else { return }
        await group?.triggerGracefulShutdown()
        let deadline = Task {
            try await Task.sleep(for: .seconds(RPCServer.stopGraceSeconds))
            task.cancel()
        }
        _ = await task.result
        deadline.cancel()
        logger.info("RPC server stopped")
    }

    /// Starts the server if needed and returns only when it stops: after `stop()`, or on
    /// SIGINT / SIGTERM (which stop it). For the daemon's main.
    public func runForever() async throws {
        _ = try await start()
        guard let task = state.withLock({ $0.task }) else { return }
        let sources = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { [self] in
                logger.info("signal \(sig) received, stopping RPC server")
                Task { await self.stop() }
            }
            src.resume()
            return src
        }
        defer {
            for s in sources { s.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        let result = await task.result
        if case .failure(let error) = result, !(error is CancellationError) { throw error }
    }

    // MARK: HTTP

    private func respond(to request: Request) async -> Response {
        // Authentication first, before reading the body (node/rpc.go, go-jsonrpc/auth).
        var raw = request.headers[.authorization]
        if raw == nil || raw?.isEmpty == true {
            if let t = request.uri.queryParameters.get("token"), !t.isEmpty { raw = "Bearer " + t }
        }
        var perms: Set<Permission> = [.read]
        if let raw, !raw.isEmpty {
            guard raw.hasPrefix("Bearer ") else {
                logger.warning("missing Bearer prefix in auth header")
                return Response(status: .unauthorized)
            }
            do {
                let token = String(raw.dropFirst(7))
                if let tokenVerifier { perms = try await tokenVerifier(token) } else { perms = try JWT.verify(token, secret: secret) }
            } catch {
                logger.warning("JWT verification failed: \(error)")
                return Response(status: .unauthorized)
            }
        }

        if let len = request.headers[.contentLength].flatMap({ Int($0) }), len > RPCServer.maxBodyBytes {
            return Response(status: .contentTooLarge)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: RPCServer.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            return Response(status: .contentTooLarge)
        } catch {
            logger.debug("reading request body failed: \(error)")
            return Response(status: .badRequest)
        }

        let data = Data(body.readableBytesView)
        guard let out = await handle(body: data, permissions: perms) else {
            return Response(status: .noContent)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: out)))
    }

    // MARK: JSON-RPC

    /// Processes one HTTP body (a request or a batch) for a caller holding `permissions`;
    /// returns the response body, or `nil` when nothing is to be sent (only notifications).
    public func handle(body: Data, permissions: Set<Permission>) async -> Data? {
        let parsed: NodeJSON
        do {
            parsed = try NodeJSON.parse(body)
        } catch {
            return RPCServer.errorResponse(id: .null, code: RPCErrorCode.parseError, message: "parse error: \(error)").encoded()
        }
        switch parsed {
        case .array(let batch):
            if batch.isEmpty {
                return RPCServer.errorResponse(id: .null, code: RPCErrorCode.invalidRequest, message: "invalid request: empty batch").encoded()
            }
            var responses: [NodeJSON] = []
            for element in batch {
                if let r = await dispatch(element, permissions: permissions) { responses.append(r) }
            }
            return responses.isEmpty ? nil : NodeJSON.array(responses).encoded()
        default:
            return await dispatch(parsed, permissions: permissions)?.encoded()
        }
    }

    static func errorResponse(id: NodeJSON, code: Int, message: String) -> NodeJSON {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .number(Double(code)), "message": .string(message)]]
    }

    /// One request object → its response, or `nil` for a notification.
    private func dispatch(_ request: NodeJSON, permissions: Set<Permission>) async -> NodeJSON? {
        guard case .object(let obj) = request else {
            return RPCServer.errorResponse(id: .null, code: RPCErrorCode.invalidRequest, message: "invalid request: not an object")
        }
        let rawID = obj["id"]
        var id: NodeJSON = .null
        if let rawID {
            switch rawID {
            case .null, .number, .string: id = rawID
            default:
                return RPCServer.errorResponse(id: .null, code: RPCErrorCode.invalidRequest, message: "invalid request: id must be a number, string or null")
            }
        }
        guard obj["jsonrpc"]?.string == "2.0" else {
            return RPCServer.errorResponse(id: id, code: RPCErrorCode.invalidRequest, message: "invalid request: jsonrpc must be \"2.0\"")
        }
        guard let method = obj["method"]?.string else {
            return RPCServer.errorResponse(id: id, code: RPCErrorCode.invalidRequest, message: "invalid request: no method")
        }
        let isNotification = rawID == nil

        let result = await call(method, params: obj["params"], permissions: permissions)
        if isNotification { return nil }
        switch result {
        case .success(let value):
            return ["jsonrpc": "2.0", "id": id, "result": value]
        case .failure(let e):
            return RPCServer.errorResponse(id: id, code: e.code, message: e.message)
        }
    }

    private struct CallFailure: Error {
        let code: Int
        let message: String
    }

    private func call(_ method: String, params: NodeJSON?, permissions: Set<Permission>) async -> Result<NodeJSON, CallFailure> {
        let list: [NodeJSON]
        switch params {
        case nil, .null?: list = []
        case .array(let a)?: list = a
        default:
            return .failure(CallFailure(code: RPCErrorCode.invalidParams, message: "invalid params: params must be an array"))
        }
        guard let entry = methods.withLock({ $0[method] }) else {
            return .failure(CallFailure(code: RPCErrorCode.methodNotFound, message: "method '\(method)' not found"))
        }
        guard permissions.contains(entry.perm) else {
            return .failure(CallFailure(
                code: RPCErrorCode.applicationError,
                message: "missing permission to invoke '\(method)' (need '\(entry.perm.rawValue)')"))
        }
        do {
            return .success(try await entry.handler(list))
        } catch let e as RPCError {
            switch e {
            case .invalidParams(let m): return .failure(CallFailure(code: RPCErrorCode.invalidParams, message: m))
            case .failure(let code, let m): return .failure(CallFailure(code: code, message: m))
            }
        } catch {
            logger.debug("method failed", metadata: ["method": "\(method)", "error": "\(error)"])
            return .failure(CallFailure(code: RPCErrorCode.applicationError, message: String(describing: error)))
        }
    }

    // MARK: built-in methods

    private func registerBuiltins(version: NodeJSON) {
        let secret = self.secret
        register("Filecoin.Version", perm: .read) { _ in version }
        register("Filecoin.AuthVerify", perm: .read) { params in
            guard params.count == 1, let token = params[0].string else {
                throw RPCError.invalidParams("AuthVerify takes one param: the token string")
            }
            let perms = try JWT.verify(token, secret: secret)
            return .array(Permission.allCases.filter(perms.contains).map { .string($0.rawValue) })
        }
        register("Filecoin.AuthNew", perm: .admin) { params in
            guard params.count == 1, let list = params[0].array else {
                throw RPCError.invalidParams("AuthNew takes one param: an array of permissions")
            }
            var perms: [Permission] = []
            for p in list {
                guard let name = p.string, let perm = Permission(rawValue: name) else {
                    throw RPCError.invalidParams("unknown permission \(p.jsonString); use read, write, sign or admin")
                }
                perms.append(perm)
            }
            // Lotus returns []byte, which Go's encoding/json writes as standard base64.
            let token = JWT.sign(allow: perms, secret: secret)
            return .string(Data(token.utf8).base64EncodedString())
        }
    }
}

/// A value guarded by a lock (internal helper; Foundation's NSLock, available everywhere).
final class RPCLocked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
