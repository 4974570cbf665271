import Foundation
import Kernels
import Logging

/// `spnode daemon`: the devnet chain served over JSON-RPC with Lotus' method names.
///
/// Lotus methods (node.md §1.3) take Lotus' positional params and answer Lotus' JSON
/// shapes. Messages are not CBOR-encoded: the devnet's own `Spnode.*` methods carry the
/// proofs (the vanilla proof files of Kernels) and are verified by the chain as it records
/// them; `StateWaitMsg` / `Spnode.Messages` read the outcome back.
public final class DaemonNode: Sendable {
    public let repo: NodeRepo
    public let chain: Devnet
    public let server: RPCServer
    let logger: Logger

    public struct Options: Sendable {
        public var blockTime = 30.0
        public var challengeWindow = 60
        public var preCommitChallengeDelay = 150
        public var port = 0
        public init() {}
    }

    public init(repoPath: String, options o: Options, logger: Logger = Logger(label: "spnode.daemon")) throws {
        repo = try NodeRepo(path: repoPath)
        chain = try Devnet(directory: repoPath, blockTime: o.blockTime, challengeWindow: o.challengeWindow,
                           preCommitChallengeDelay: o.preCommitChallengeDelay)
        server = RPCServer(secret: try repo.secret(), port: o.port,
                           version: ["Version": "1.28.0+spnode-devnet", "APIVersion": 0x02_03_00, "BlockDelay": .number(o.blockTime)],
                           logger: logger)
        self.logger = logger
        registerMethods()
    }

    /// Serves until the process is stopped; writes `<repo>/api` once listening.
    public func run() async throws {
        let port = try await server.start()
        try repo.writeAPI(port: port)
        logger.info("daemon listening", metadata: ["api": "/ip4/127.0.0.1/tcp/\(port)/http", "repo": "\(repo.path)", "head": "\(chain.height)"])
        try await server.runForever()
    }

    // MARK: methods

    static func miner(_ p: [NodeJSON], _ i: Int = 0) throws -> UInt64 {
        guard i < p.count, let s = p[i].string else { throw RPCError.invalidParams("param \(i) must be a miner address such as t01000") }
        do { return try ChainAddress.actorID(s) } catch { throw RPCError.invalidParams("\(error)") }
    }

    static func int(_ p: [NodeJSON], _ i: Int, _ what: String) throws -> Int64 {
        guard i < p.count, let v = p[i].double, v == v.rounded(), abs(v) < 9e15 else { throw RPCError.invalidParams("param \(i) must be \(what) (an integer)") }
        return Int64(v)
    }

    static func bytes(_ p: [NodeJSON], _ i: Int, _ what: String) throws -> [UInt8] {
        guard i < p.count, let s = p[i].string, let d = Data(base64Encoded: s) else { throw RPCError.invalidParams("param \(i) must be \(what) (base64)") }
        return [UInt8](d)
    }

    static func numbers(_ p: [NodeJSON], _ i: Int) throws -> [UInt64] {
        guard i < p.count, let a = p[i].array else { throw RPCError.invalidParams("param \(i) must be an array of sector numbers") }
        return try a.map {
            guard let d = $0.double, d >= 0, d == d.rounded() else { throw RPCError.invalidParams("param \(i) must hold sector numbers") }
            return UInt64(d)
        }
    }

    static func json(_ any: Any) throws -> NodeJSON {
        do { return try NodeJSON(any: any) } catch { throw RPCError.failure(code: 1, message: "\(error)") }
    }

    func registerMethods() {
        let chain = chain
        server.register("Filecoin.ChainHead", perm: .read) { _ in try Self.json(chain.head().json) }
        server.register("Filecoin.ChainGetTipSetByHeight", perm: .read) { p in
            try Self.json(try chain.tipSet(at: try Self.int(p, 0, "a height")).json)
        }
        server.register("Filecoin.StateMinerInfo", perm: .read) { p in try Self.json(try chain.miner(try Self.miner(p)).json) }
        server.register("Filecoin.StateMinerProvingDeadline", perm: .read) { p in
            try Self.json(try chain.deadlineInfo(miner: try Self.miner(p)).json)
        }
        server.register("Filecoin.StateMinerDeadlines", perm: .read) { p in
            try Self.json(try chain.deadlines(miner: try Self.miner(p)).map(\.json))
        }
        server.register("Filecoin.StateMinerPartitions", perm: .read) { p in
            try Self.json(try chain.partitions(miner: try Self.miner(p), deadline: Int(try Self.int(p, 1, "a deadline index"))).map(\.json))
        }
        server.register("Filecoin.StateMinerFaults", perm: .read) { p in
            try Self.json(BitField.runs(try chain.faults(miner: try Self.miner(p))))
        }
        server.register("Filecoin.StateMinerRecoveries", perm: .read) { p in
            try Self.json(BitField.runs(try chain.recoveries(miner: try Self.miner(p))))
        }
        server.register("Filecoin.StateSectorGetInfo", perm: .read) { p in
            guard let s = try chain.sector(miner: try Self.miner(p), number: UInt64(try Self.int(p, 1, "a sector number"))) else { return .null }
            return try Self.json(s.json)
        }
        server.register("Filecoin.StateGetRandomnessFromBeacon", perm: .read) { p in
            let r = try chain.randomness(fromBeacon: Int(try Self.int(p, 0, "a personalization")), epoch: try Self.int(p, 1, "an epoch"),
                                         entropy: p.count > 2 && p[2] != .null ? try Self.bytes(p, 2, "entropy") : [])
            return .string(Data(r).base64EncodedString())
        }
        server.register("Filecoin.StateGetRandomnessFromTickets", perm: .read) { p in
            let r = try chain.randomness(fromTickets: Int(try Self.int(p, 0, "a personalization")), epoch: try Self.int(p, 1, "an epoch"),
                                         entropy: p.count > 2 && p[2] != .null ? try Self.bytes(p, 2, "entropy") : [])
            return .string(Data(r).base64EncodedString())
        }
        server.register("Filecoin.StateWaitMsg", perm: .read) { p in
            guard let id = p.first?["/"]?.string ?? p.first?.string else { throw RPCError.invalidParams("param 0 must be a message CID {\"/\": …}") }
            let confidence = p.count > 1 ? try Self.int(p, 1, "a confidence") : 0
            return try Self.json(try await chain.waitMessage(id: id, confidence: confidence).json)
        }
        // Devnet administration: miners are created by the daemon (Lotus' genesis pre-seal).
        server.register("Spnode.CreateMiner", perm: .admin) { p in
            guard let size = p.first?.double, size > 0 else { throw RPCError.invalidParams("param 0 must be a sector size in bytes") }
            let bytes = UInt64(size)
            let sp = p.count > 1 ? try RegisteredSealProof(id: Int(try Self.int(p, 1, "a seal proof id"))) : try RegisteredSealProof(sectorSize: bytes)
            let m = try chain.createMiner(sectorSize: bytes, sealProof: sp)
            return try Self.json(m.json.merging(["ID": m.address]) { a, _ in a })
        }
        // Messages: the devnet verifies each proof as it records the message (exit code 16
        // and the reason when rejected; the call then answers a JSON-RPC error).
        server.register("Spnode.PreCommitSector", perm: .sign) { p in
            let m = try Self.miner(p)
            guard p.count > 1, case .object(let o) = p[1] else { throw RPCError.invalidParams("param 1 must be {SectorNumber, SealProof, CommR, CommD, SealRandEpoch, Ticket}") }
            guard let n = o["SectorNumber"]?.double, let sp = o["SealProof"]?.double, let r = o["CommR"]?.string, let d = o["CommD"]?.string,
                  let e = o["SealRandEpoch"]?.double, let t = o["Ticket"]?.string, let ticket = Data(base64Encoded: t)
            else { throw RPCError.invalidParams("PreCommit needs SectorNumber, SealProof, CommR (hex), CommD (hex), SealRandEpoch and Ticket (base64)") }
            let commR: Fr, commD: Commitment
            do {
                commR = try Fr(hex: r)
                commD = try Commitment(hex: d)
            } catch { throw RPCError.invalidParams("CommR/CommD: \(error)") }
            let msg = try chain.preCommit(miner: m, sector: UInt64(n), sealProof: try RegisteredSealProof(id: Int(sp)), commR: commR, commD: commD,
                                          ticketEpoch: Int64(e), ticket: [UInt8](ticket))
            return try Self.json(msg.json)
        }
        server.register("Spnode.SealRandomness", perm: .read) { p in
            .string(Data(try chain.sealRandomness(miner: try Self.miner(p), epoch: try Self.int(p, 1, "an epoch"))).base64EncodedString())
        }
        server.register("Spnode.InteractiveSeed", perm: .read) { p in
            let s = try chain.interactiveSeed(miner: try Self.miner(p), sector: UInt64(try Self.int(p, 1, "a sector number")))
            return ["Epoch": .number(Double(s.epoch)), "Seed": .string(Data(s.seed).base64EncodedString())]
        }
        server.register("Spnode.ProveCommitSector", perm: .sign) { p in
            let out = try chain.proveCommit(miner: try Self.miner(p), sector: UInt64(try Self.int(p, 1, "a sector number")),
                                            proofBytes: try Self.bytes(p, 2, "the Commit 1 proof file"))
            return try Self.json(["Message": out.message.json, "Sector": out.sector.json])
        }
        server.register("Spnode.WindowPoStRandomness", perm: .read) { p in
            let m = try Self.miner(p)
            var dl = try chain.deadlineInfo(miner: m, deadline: Int(try Self.int(p, 1, "a deadline index")))
            // With `true` as param 2: the latest window whose challenge is drawn (for dry runs).
            if p.count > 2, p[2].bool == true, dl.challenge >= chain.height {
                dl = DeadlineInfo(periodStart: dl.periodStart - chain.policy.provingPeriod, index: dl.index, currentEpoch: dl.currentEpoch, policy: chain.policy)
            }
            return ["Deadline": try Self.json(dl.json), "Randomness": .string(Data(try chain.windowPoStRandomness(miner: m, deadline: dl)).base64EncodedString())]
        }
        server.register("Spnode.SubmitWindowedPoSt", perm: .sign) { p in
            guard p.count > 2, case .array(let parts) = p[2] else { throw RPCError.invalidParams("param 2 must be the partition indices") }
            let out = try chain.submitWindowPoSt(miner: try Self.miner(p), deadline: Int(try Self.int(p, 1, "a deadline index")),
                                                 partitions: parts.compactMap { $0.double.map { Int($0) } },
                                                 proof: try Self.bytes(p, 3, "the WindowPoSt proof file"),
                                                 chainCommitEpoch: try Self.int(p, 4, "the chain commit epoch"))
            return try Self.json(["Message": out.message.json, "ProvenPartitions": out.provenPartitions, "ProvenSectors": out.provenSectors,
                                  "SkippedSectors": out.skippedSectors, "RecoveredSectors": out.recoveredSectors] as [String: Any])
        }
        server.register("Spnode.ChainInfo", perm: .read) { _ in
            ["GenesisTime": .number(chain.genesisTime.timeIntervalSince1970), "BlockDelaySecs": .number(chain.blockTime),
             "WPoStChallengeWindow": .number(Double(chain.policy.challengeWindow)), "PreCommitChallengeDelay": .number(Double(chain.preCommitChallengeDelay)),
             "Height": .number(Double(chain.height))]
        }
        server.register("Spnode.DeclareFaults", perm: .sign) { p in
            try Self.json(try chain.declareFaults(miner: try Self.miner(p), sectors: try Self.numbers(p, 1)).json)
        }
        server.register("Spnode.DeclareFaultsRecovered", perm: .sign) { p in
            try Self.json(try chain.declareRecoveries(miner: try Self.miner(p), sectors: try Self.numbers(p, 1)).json)
        }
        // WinningPoSt: whether the miner is elected at an epoch and the challenge randomness,
        // then the block with its proof.
        server.register("Spnode.MiningBaseInfo", perm: .read) { p in
            let m = try Self.miner(p), e = try Self.int(p, 1, "an epoch")
            let elected = try chain.isElected(miner: m, epoch: e)
            return ["Elected": .bool(elected), "Epoch": .number(Double(e)),
                    "Randomness": .string(Data(try chain.winningPoStRandomness(miner: m, epoch: e)).base64EncodedString())]
        }
        server.register("Spnode.SubmitBlock", perm: .sign) { p in
            let b = try chain.submitBlock(miner: try Self.miner(p), epoch: try Self.int(p, 1, "an epoch"), winningProof: try Self.bytes(p, 2, "the WinningPoSt proof file"))
            return ["Cid": ["/": .string(b.cid)], "Epoch": .number(Double(b.epoch)), "Sector": .number(Double(b.sector))]
        }
        server.register("Spnode.Miners", perm: .read) { _ in try Self.json(try chain.miners().map { $0.json.merging(["ID": $0.address]) { a, _ in a } }) }
    }
}
