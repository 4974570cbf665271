import Foundation
import Kernels
import NodeKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A daemon as a real process on loopback, in its own repo.
private final class DaemonProcess {
    let repo: String
    let process = Process()

    init(repo: String, binary: String) throws {
        self.repo = repo
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["daemon", "run", "--devnet", "--repo", repo, "--block-time", "0.5", "--challenge-window", "4", "--precommit-delay", "2"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        unlink(repo + "/api")
        try process.run()
    }

    /// The API info once the daemon has written `<repo>/api` and answers.
    func waitReady() async throws -> (url: String, admin: String) {
        for _ in 0..<200 {
            if let r = try? NodeRepo(path: repo), let info = try? r.readAPIInfo(), let url = try? info.url(version: "v1"), let token = try? r.adminToken() {
                let c = RPCClient(url: url, token: token)
                let ok = (try? await c.call("Filecoin.Version")) != nil
                await c.shutdown()
                if ok { return (url, token) }
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw RPCClientError.unreachable(repo)
    }

    func kill9() { process.kill9() }
    func stop() { process.stop() }
}

@Test(.enabled(if: spnodeBinary() != nil, "needs the spnode executable (swift build)"))
func daemonServesLotusMethodsChecksTokensAndSurvivesSIGKILL() async throws {
    let binary = try #require(spnodeBinary())
    let repo = FileManager.default.temporaryDirectory.appendingPathComponent("spnode-daemon-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: repo) }
    var d = try DaemonProcess(repo: repo, binary: binary)
    defer { d.stop() }
    let (url, admin) = try await d.waitReady()
    #expect(url.hasPrefix("http://127.0.0.1:") && url.hasSuffix("/rpc/v1"))

    let c = RPCClient(url: url, token: admin)
    let head = try await c.call("Filecoin.ChainHead")
    #expect(head["Height"]?.double != nil && head["Cids"]?[0]?["/"]?.string?.hasPrefix("bafy") == true)
    let m = try await c.call("Spnode.CreateMiner", [2048])
    #expect(m["ID"]?.string == "t01000" && m["SectorSize"]?.double == 2048 && m["WindowPoStPartitionSectors"]?.double == 2)
    let dl = try await c.call("Filecoin.StateMinerProvingDeadline", ["t01000", .null])
    let open = try #require(dl["Open"]?.double), idx = try #require(dl["Index"]?.double), ps = try #require(dl["PeriodStart"]?.double)
    #expect(dl["WPoStChallengeWindow"]?.double == 4 && dl["WPoStProvingPeriod"]?.double == 192)
    #expect(open == ps + idx * 4 && dl["Close"]?.double == open + 4 && dl["Challenge"]?.double == open - 20)
    // Bad params and unknown miners are JSON-RPC errors, not crashes.
    await #expect(throws: RPCClientError.self) { _ = try await c.call("Filecoin.StateMinerInfo", [42]) }
    await #expect(throws: RPCClientError.self) { _ = try await c.call("Filecoin.StateMinerInfo", ["t09999"]) }

    // Tokens: read-only cannot create miners; forged tokens get 401; no token reads.
    let secret = try NodeRepo(path: repo).secret()
    let reader = RPCClient(url: url, token: JWT.sign(allow: Permission.upTo(.read), secret: secret))
    do {
        _ = try await reader.call("Spnode.CreateMiner", [2048])
        Issue.record("a read token created a miner")
    } catch {
        #expect("\(error)".contains("need 'admin'"))
    }
    let forged = RPCClient(url: url, token: JWT.sign(allow: Permission.upTo(.admin), secret: Array(repeating: 7, count: 32)))
    await #expect(throws: RPCClientError.unauthorized) { _ = try await forged.call("Filecoin.ChainHead") }
    let anonymous = RPCClient(url: url, token: nil)
    #expect(try await anonymous.call("Filecoin.StateMinerInfo", ["t01000", .null])["SectorSize"]?.double == 2048)
    // Malformed JSON: a parse error, and the daemon keeps serving.
    let (_, body) = try await anonymous.post(Data("{\"jsonrpc\": \"2.0\", \"method\": ".utf8))
    #expect(String(decoding: body, as: UTF8.self).contains("-32700"))
    #expect(try await anonymous.call("Filecoin.ChainHead")["Height"] != nil)
    // A sector sealed here, precommitted and prove-committed through the API; the daemon
    // verifies the Commit 1 proof and rejects a corrupted one.
    let dir = repo + "-sector"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let sp = try RegisteredSealProof(sectorSize: 2048)
    let prover = SealIDs.proverID(actorID: 1000)
    let headNow = try await c.call("Filecoin.ChainHead")["Height"]?.double
    let ticketEpoch = try #require(headNow) - 1
    let ticketB64 = try await c.call("Spnode.SealRandomness", ["t01000", .number(ticketEpoch)]).string ?? ""
    let ticket = try #require(Data(base64Encoded: ticketB64))
    let cache = SectorCache(directory: dir + "/cache")
    let (sealed, _) = try Sealer.seal(pieces: [.bytes([UInt8](repeating: 7, count: 2032))], ticket: [UInt8](ticket), sectorNumber: 1, proverID: prover,
                                      proof: sp, unsealed: dir + "/unsealed", sealed: dir + "/sealed", cache: cache, parentCacheDirectory: dir + "/parents", threads: 1)
    let cm = sealed.commitments[0]
    _ = try await c.call("Spnode.PreCommitSector", ["t01000", ["SectorNumber": 1, "SealProof": .number(Double(sp.id)), "CommR": .string(cm.commR.hex),
                                                               "CommD": .string(cm.commD.hex), "SealRandEpoch": .number(ticketEpoch),
                                                               "Ticket": .string(ticket.base64EncodedString())]])
    var seedJSON: NodeJSON?
    for _ in 0..<100 where seedJSON == nil {
        let h = try await c.call("Filecoin.ChainHead")["Height"]?.double ?? 0
        if let s = try? await c.call("Spnode.InteractiveSeed", ["t01000", 1]), let e = s["Epoch"]?.double, h > e { seedJSON = s } else {
            try await Task.sleep(nanoseconds: 200_000_000)
        }
    }
    let seed = try #require(Data(base64Encoded: seedJSON?["Seed"]?.string ?? ""))
    let pub = PoRepPublic(sealProof: sp, proverID: prover, sectorNumber: 1, ticket: [UInt8](ticket), seed: [UInt8](seed), commD: cm.commD, commR: cm.commR)
    let proofFile = ProofFile.porep(try Commit1.prove(public: pub, sealed: dir + "/sealed", cache: cache), proverID: prover).encoded
    var bad = proofFile
    bad[bad.count - 40] ^= 1
    await #expect(throws: RPCClientError.self) { _ = try await c.call("Spnode.ProveCommitSector", ["t01000", 1, .string(Data(bad).base64EncodedString())]) }
    let proven = try await c.call("Spnode.ProveCommitSector", ["t01000", 1, .string(Data(proofFile).base64EncodedString())])
    #expect(proven["Message"]?["Receipt"]?["ExitCode"]?.double == 0)
    #expect(try await c.call("Filecoin.StateSectorGetInfo", ["t01000", 1, .null]) != .null)
    for x in [reader, forged, anonymous] { await x.shutdown() }
    let h1 = try #require(head["Height"]?.double)
    await c.shutdown()

    // SIGKILL and restart on the same repo: the miner is still there, the chain went on.
    d.kill9()
    try await Task.sleep(nanoseconds: 600_000_000)
    d = try DaemonProcess(repo: repo, binary: binary)
    let (url2, admin2) = try await d.waitReady()
    let c2 = RPCClient(url: url2, token: admin2)
    #expect(try await c2.call("Filecoin.StateMinerInfo", ["t01000", .null])["SectorSize"]?.double == 2048)
    #expect(try #require(try await c2.call("Filecoin.ChainHead")["Height"]?.double) > h1)
    #expect(try await c2.call("Spnode.CreateMiner", [2048])["ID"]?.string == "t01001")
    #expect(try await c2.call("Filecoin.StateSectorGetInfo", ["t01000", 1, .null]) != .null)

    // Load: 32 concurrent clients on a read method, for the closing note's figures.
    let load = await RPCLoad.run(url: url2, token: admin2, method: "Filecoin.ChainHead", params: [], concurrency: 32, duration: .milliseconds(1500))
    print(String(format: "spnode daemon load (debug build): %d requests, %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors",
                 load.requests, load.perSecond, load.p50, load.p99, load.errors))
    #expect(load.requests > 0 && load.errors == 0)
    await c2.shutdown()
}
