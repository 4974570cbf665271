import Foundation
import Kernels
import Testing
@testable import NodeKit

// The devnet chain (Sources/Node/NodeKit/Chain): deadline arithmetic against node.md §4.1/§4.4,
// randomness, and the miner actor driven with real proofs of sealed 2 KiB sectors.

private let genesis = Date(timeIntervalSince1970: 1_754_474_400)
private let testSeed = Array("spbench devnet chain tests".utf8)

/// A unique temporary directory per test, removed when the test ends.
private final class TempDir {
    let path: String
    init(_ name: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("spnode-chain-\(name)-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A clock that only moves when told to.
private final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Date
    init(_ start: Date) { now = start }
    func read() -> Date { lock.withLock { now } }
    func move(by seconds: Double) { lock.withLock { now = now.addingTimeInterval(seconds) } }
}

/// A chain whose clock stands still at genesis: it moves only with `advance`.
private func makeChain(_ dir: String, seed: [UInt8] = testSeed, window: Int = 60, delay: Int = 10) throws -> Devnet {
    try Devnet(directory: dir, blockTime: 30, genesisTime: genesis, seed: seed, challengeWindow: window, preCommitChallengeDelay: delay,
               clock: { genesis })
}

/// Runs `body` and checks it throws a ChainError whose message contains `text`.
private func expectRejected(_ text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a rejection containing '\(text)', but the call succeeded", sourceLocation: sourceLocation)
    } catch let e as ChainError {
        #expect(e.description.contains(text), "\(e.description)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a ChainError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Seals 2 KiB sectors for real (random-looking payloads) with the chain's seal ticket.
private func sealSectors(_ numbers: [UInt64], miner: MinerInfo, ticket: [UInt8], dir: String) throws -> [(sector: SealedSector, commD: Commitment)] {
    try numbers.map { n in
        var payload = [UInt8](repeating: 0, count: Int(miner.sectorSize / 128 * 127))
        var x = 0x9e37_79b9_7f4a_7c15 &* (n + 1)
        for j in 0..<payload.count {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            payload[j] = UInt8(truncatingIfNeeded: x >> 33)
        }
        let cache = SectorCache(directory: "\(dir)/cache-\(n)")
        let (r, _) = try Sealer.seal(pieces: [.bytes(payload)], ticket: ticket, sectorNumber: n, proverID: miner.proverID,
                                     proof: miner.sealProof, unsealed: "\(dir)/unsealed-\(n)", sealed: "\(dir)/sealed-\(n)", cache: cache,
                                     parentCacheDirectory: "\(dir)/parents", threads: 1)
        let c = r.commitments[0]
        return (SealedSector(number: n, sealProof: miner.sealProof, sealed: "\(dir)/sealed-\(n)", cache: cache, commR: c.commR), c.commD)
    }
}

/// Seals, precommits (ticket of head − 1) and prove-commits `numbers`; returns the sealed sectors.
private func commitSectors(_ chain: Devnet, _ m: MinerInfo, _ numbers: [UInt64], dir: String) throws -> [SealedSector] {
    let ticketEpoch = chain.height - 1
    let ticket = try chain.sealRandomness(miner: m.actorID, epoch: ticketEpoch)
    let sealed = try sealSectors(numbers, miner: m, ticket: ticket, dir: dir)
    for (s, d) in sealed {
        try chain.preCommit(miner: m.actorID, sector: s.number, sealProof: m.sealProof, commR: s.commR, commD: d, ticketEpoch: ticketEpoch, ticket: ticket)
    }
    try chain.advance(by: chain.preCommitChallengeDelay + 1)
    for (s, d) in sealed {
        let (_, seed) = try chain.interactiveSeed(miner: m.actorID, sector: s.number)
        let pub = PoRepPublic(sealProof: m.sealProof, proverID: m.proverID, sectorNumber: s.number, ticket: ticket, seed: seed, commD: d, commR: s.commR)
        try chain.proveCommit(miner: m.actorID, sector: s.number, proof: try Commit1.prove(public: pub, sealed: s.sealed, cache: s.cache))
    }
    return sealed.map(\.sector)
}

private func windowProof(_ chain: Devnet, _ m: MinerInfo, _ info: DeadlineInfo, _ sectors: [SealedSector], randomness: [UInt8]? = nil) throws -> [UInt8] {
    let rand = try randomness ?? chain.windowPoStRandomness(miner: m.actorID, deadline: info)
    return ProofFile.post(try PoStProof.proveWindow(sectors: sectors, postProof: m.windowPoStProof, randomness: rand, proverID: m.proverID, threads: 2)).encoded
}

// MARK: - Deadline arithmetic

@Test func deadlineArithmeticMatchesTheProvingInfoSample() throws {
    // node.md §4.4 `proving info`: Current Epoch 1900, Deadline Index 15, Open 1900, Close 1960,
    // Challenge 1880, FaultCutoff 1830; Proving Period Start 1000 (= 1900 − 15·60), Next 3880.
    let info = DeadlineInfo.current(periodStartOffset: 1000, epoch: 1900)
    #expect(info.currentEpoch == 1900 && info.periodStart == 1000 && info.index == 15)
    #expect(info.open == 1900 && info.close == 1960 && info.challenge == 1880 && info.faultCutoff == 1830)
    #expect(info.nextPeriodStart == 3880 && info.periodBoundary == 1000 && info.last == 1959 && info.periodEnd == 3879)
    #expect(info.isOpen && !info.hasElapsed && info.faultCutoffPassed)
    #expect(info.periodDeadlines == 48 && info.provingPeriod == 2880 && info.challengeWindow == 60)
    #expect(info.challengeLookback == 20 && info.faultDeclarationCutoff == 70)

    // Lotus' JSON field names (dline.Info), both as Codable and as a JSONSerialization object.
    let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(info)) as? [String: Any]
    let object = try JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: info.json)) as? [String: Any]
    let keys: Set<String> = ["CurrentEpoch", "PeriodStart", "Index", "Open", "Close", "Challenge", "FaultCutoff", "WPoStPeriodDeadlines",
                             "WPoStProvingPeriod", "WPoStChallengeWindow", "WPoStChallengeLookback", "FaultDeclarationCutoff"]
    #expect(Set((encoded ?? [:]).keys) == keys && Set((object ?? [:]).keys) == keys)
    #expect(object?["Challenge"] as? Int == 1880 && encoded?["FaultCutoff"] as? Int == 1830)
    #expect(try JSONDecoder().decode(DeadlineInfo.self, from: JSONEncoder().encode(info)) == info)

    // dline.NewInfo for index 48 (after the last deadline) and NextNotElapsed.
    let after = DeadlineInfo(periodStart: 1000, index: 48, currentEpoch: 1900)
    #expect(after.open == 3880 && after.close == 3880 && after.challenge == 3880 && after.faultCutoff == 0)
    let zero = DeadlineInfo(periodStart: 1000, index: 0, currentEpoch: 1900)
    #expect(zero.hasElapsed && zero.nextNotElapsed().periodStart == 3880 && zero.nextNotElapsed().open == 3880)
    #expect(info.nextNotElapsed() == info)
    // Before the offset: the period started 2880 earlier (floor, not truncation).
    let early = DeadlineInfo.current(periodStartOffset: 1000, epoch: 500)
    #expect(early.periodStart == -1880 && early.index == 39 && early.open == 460)
    // A devnet window of 10 epochs: a 480-epoch period, lookback and cutoff unchanged.
    let short = ProvingPolicy(challengeWindow: 10)
    let s = DeadlineInfo.current(periodStartOffset: 0, epoch: 35, policy: short)
    #expect(short.provingPeriod == 480 && s.index == 3 && s.open == 30 && s.close == 40 && s.challenge == 10 && s.faultCutoff == -40)

    // The same through the devnet, for a miner whose periods start at 1000.
    let tmp = try TempDir("deadlines")
    let chain = try makeChain(tmp.path)
    let m = try chain.createMiner(sectorSize: 2048, sealProof: try RegisteredSealProof(sectorSize: 2048), provingPeriodOffset: 1000)
    try chain.advance(to: 1900)
    #expect(try chain.deadlineInfo(miner: m.actorID) == info)
    #expect(try chain.deadlineInfo(miner: m.actorID, deadline: 15) == info)
    #expect(try chain.deadlineInfo(miner: m.actorID, deadline: 14).open == 1840 + 2880)
    // Derived offsets are in [0, 2880) and a function of (seed, actor id).
    let other = try chain.createMiner(sectorSize: 2048, sealProof: try RegisteredSealProof(sectorSize: 2048))
    #expect(other.address == "t01001" && (0..<2880).contains(other.provingPeriodOffset))
    let tmp2 = try TempDir("deadlines2")
    let twin = try makeChain(tmp2.path)
    _ = try twin.createMiner(sectorSize: 2048, sealProof: try RegisteredSealProof(sectorSize: 2048))
    #expect(try twin.createMiner(sectorSize: 2048, sealProof: try RegisteredSealProof(sectorSize: 2048)).provingPeriodOffset == other.provingPeriodOffset)
    #expect(throws: ChainError.self) { _ = try chain.createMiner(sectorSize: 8 << 20, sealProof: try RegisteredSealProof(sectorSize: 2048)) }
}

// MARK: - Epochs, tipsets, randomness

@Test func headFollowsTheClockAndExplicitAdvances() async throws {
    let tmp = try TempDir("clock")
    let clock = TestClock(genesis.addingTimeInterval(95))
    let chain = try Devnet(directory: tmp.path, blockTime: 30, genesisTime: genesis, seed: testSeed, clock: { clock.read() })
    #expect(chain.height == 3)
    try chain.advance(by: 10)
    #expect(chain.height == 13)
    clock.move(by: 30)
    #expect(chain.head().height == 14)
    #expect(chain.head().timestamp == UInt64(genesis.timeIntervalSince1970) + 14 * 30)
    #expect(throws: ChainError.cannotRewind(head: 14, requested: 5)) { try chain.advance(to: 5) }
    let key = chain.head().key
    #expect(try key.hasPrefix("bafy2bzace") && key == (chain.tipSet(at: 14)).key && key != (chain.tipSet(at: 13)).key)
    #expect(try chain.head().parentKey == (chain.tipSet(at: 13)).key)
    #expect(throws: ChainError.self) { _ = try chain.tipSet(at: 15) }
    // StateWaitMsg with a confidence returns once head ≥ the message epoch + confidence.
    let m = try chain.createMiner(sectorSize: 2048, sealProof: try RegisteredSealProof(sectorSize: 2048))
    expectRejected("late declaration") { try chain.declareFaults(miner: m.actorID, [SectorDeclaration(deadline: chain.deadlineInfo(miner: m.actorID).index, partition: 0, sectors: [1])]) }
    let rejected = try #require(try chain.messages(miner: m.actorID).first)
    #expect(rejected.method == .declareFaults && rejected.exitCode == 16 && rejected.epoch == 14)
    try chain.advance(by: 2)
    let waited = try await chain.waitMessage(id: rejected.id, confidence: 2, timeoutSeconds: 5)
    #expect(waited == rejected)
    // The skipped epochs survive a reopen.
    let again = try Devnet(directory: tmp.path, blockTime: 30, genesisTime: genesis, seed: testSeed, clock: { clock.read() })
    #expect(again.height == 16)
    // A reopen with other chain parameters is refused.
    #expect(throws: ChainError.self) { _ = try Devnet(directory: tmp.path, blockTime: 4, seed: testSeed, clock: { clock.read() }) }
    #expect(throws: ChainError.self) { _ = try Devnet(directory: tmp.path, blockTime: 30, seed: [1, 2, 3], clock: { clock.read() }) }
}

@Test func randomnessIsDeterministicPerEpochAndDomain() throws {
    let tmp = try TempDir("rand"), tmp2 = try TempDir("rand2"), tmp3 = try TempDir("rand3")
    let a = try makeChain(tmp.path), b = try makeChain(tmp2.path), c = try makeChain(tmp3.path, seed: Array("another seed".utf8))
    for chain in [a, b, c] { try chain.advance(to: 100) }
    #expect(a.ticket(epoch: 50).count == 32 && a.beacon(epoch: 50).count == 32)
    #expect(a.ticket(epoch: 50) == b.ticket(epoch: 50) && a.beacon(epoch: 50) == b.beacon(epoch: 50))
    #expect(a.ticket(epoch: 50) != a.beacon(epoch: 50) && a.ticket(epoch: 50) != a.ticket(epoch: 51))
    #expect(a.ticket(epoch: 50) != c.ticket(epoch: 50))
    let entropy = ChainAddress.cbor(actorID: 1000)
    #expect(entropy == [0x43, 0x00, 0xe8, 0x07])  // CBOR bytes(3): protocol 0, LEB128(1000)
    let r = try a.randomness(fromBeacon: 4, epoch: 80, entropy: entropy)
    #expect(try r.count == 32 && r == (b.randomness(fromBeacon: 4, epoch: 80, entropy: entropy)))
    #expect(try r != (a.randomness(fromBeacon: 5, epoch: 80, entropy: entropy)))
    #expect(try r != (a.randomness(fromTickets: 4, epoch: 80, entropy: entropy)))
    #expect(try r != (a.randomness(fromBeacon: 4, epoch: 80, entropy: ChainAddress.cbor(actorID: 1001))))
    // The construction as documented: SHA-256(BE64(pers) ‖ SHA-256(beacon) ‖ BE64(epoch) ‖ entropy).
    #expect(r == Kernels.SHA256.hash(be64(4) + Kernels.SHA256.hash(a.beacon(epoch: 80)) + be64(80) + entropy))
    #expect(throws: ChainError.futureEpoch(epoch: 101, head: 100)) { _ = try a.randomness(fromBeacon: 4, epoch: 101, entropy: []) }
    let m = try a.createMiner(sectorSize: 2048, sealProof: try RegisteredSealProof(sectorSize: 2048))
    let w = try a.winningPoStRandomness(miner: m.actorID, epoch: 100)
    #expect(w[31] & 0xc0 == 0)
    #expect(BitField.runs([0, 1, 2, 5]) == [0, 3, 2, 1] && BitField.runs([3]) == [3, 1] && BitField.runs([]) == [])
    #expect(try ChainAddress.actorID("t01000") == 1000 && (ChainAddress.actorID("f01001")) == 1001)
    #expect(throws: ChainError.self) { _ = try ChainAddress.actorID("t1abc") }
}

// MARK: - Sectors and WindowPoSt

@Test func sectorsAreCommittedProvenFaultedAndRecovered() throws {
    let tmp = try TempDir("sectors")
    let repo = tmp.path + "/repo"
    var chain = try makeChain(repo)
    let m = try chain.createMiner(sectorSize: 2048, sealProof: try RegisteredSealProof(sectorSize: 2048))
    let miner = m.actorID
    #expect(m.address == "t01000" && m.partitionSectors == 2 && m.windowPoStProof.name == "StackedDrgWindow2KiBV1_1")
    try chain.advance(to: 200)

    // PreCommit: the ticket must be the chain's seal randomness of its epoch.
    let ticketEpoch: ChainEpoch = 199
    let ticket = try chain.sealRandomness(miner: miner, epoch: ticketEpoch)
    let sealed = try sealSectors([1, 2, 3, 4], miner: m, ticket: ticket, dir: tmp.path)
    var badTicket = ticket
    badTicket[0] ^= 1
    expectRejected("not the chain's seal randomness") {
        try chain.preCommit(miner: miner, sector: 1, sealProof: m.sealProof, commR: sealed[0].sector.commR, commD: sealed[0].commD,
                            ticketEpoch: ticketEpoch, ticket: badTicket)
    }
    expectRejected("before the current epoch") {
        try chain.preCommit(miner: miner, sector: 1, sealProof: m.sealProof, commR: sealed[0].sector.commR, commD: sealed[0].commD,
                            ticketEpoch: 200, ticket: ticket)
    }
    #expect(throws: ChainError.unknownMiner(1234)) {
        try chain.preCommit(miner: 1234, sector: 1, sealProof: m.sealProof, commR: sealed[0].sector.commR, commD: sealed[0].commD,
                            ticketEpoch: ticketEpoch, ticket: ticket)
    }
    for (s, d) in sealed {
        let msg = try chain.preCommit(miner: miner, sector: s.number, sealProof: m.sealProof, commR: s.commR, commD: d, ticketEpoch: ticketEpoch, ticket: ticket)
        #expect(msg.ok && msg.method == .preCommitSector && msg.epoch == 200)
    }
    expectRejected("already exists") {
        try chain.preCommit(miner: miner, sector: 2, sealProof: m.sealProof, commR: sealed[1].sector.commR, commD: sealed[1].commD,
                            ticketEpoch: ticketEpoch, ticket: ticket)
    }
    #expect(try chain.sector(miner: miner, number: 1)?.state == .precommitted)
    #expect(try chain.sector(miner: miner, number: 1)?.seedEpoch == 210)
    #expect(try chain.sector(miner: miner, number: 9) == nil)

    // ProveCommit: the seed is the beacon draw at 200 + 10; proofs are accepted from epoch 211.
    expectRejected("is in the future") { _ = try chain.interactiveSeed(miner: miner, sector: 1) }
    try chain.advance(to: 210)
    let (seedEpoch, seed) = try chain.interactiveSeed(miner: miner, sector: 1)
    #expect(seedEpoch == 210)
    var proofs: [PoRepProof] = []
    for (s, d) in sealed {
        let pub = PoRepPublic(sealProof: m.sealProof, proverID: m.proverID, sectorNumber: s.number, ticket: ticket, seed: seed, commD: d, commR: s.commR)
        proofs.append(try Commit1.prove(public: pub, sealed: s.sealed, cache: s.cache))
    }
    expectRejected("too early") { try chain.proveCommit(miner: miner, sector: 1, proof: proofs[0]) }
    try chain.advance(to: 211)
    expectRejected("seed epoch 209 given") { try chain.proveCommit(miner: miner, sector: 1, proof: proofs[0], seedEpoch: 209) }
    // A proof made with another seed, one of another sector, and a corrupted proof file.
    let wrongSeed = try chain.randomness(fromBeacon: DomainSeparationTag.interactiveSealChallengeSeed.rawValue, epoch: 209,
                                         entropy: ChainAddress.cbor(actorID: miner))
    let wrongPub = PoRepPublic(sealProof: m.sealProof, proverID: m.proverID, sectorNumber: 1, ticket: ticket, seed: wrongSeed,
                               commD: sealed[0].commD, commR: sealed[0].sector.commR)
    let wrongSeedProof = try Commit1.prove(public: wrongPub, sealed: sealed[0].sector.sealed, cache: sealed[0].sector.cache)
    expectRejected("proof invalid") { try chain.proveCommit(miner: miner, sector: 1, proof: wrongSeedProof) }
    expectRejected("proof is for sector 2") { try chain.proveCommit(miner: miner, sector: 1, proof: proofs[1]) }
    var corrupted = ProofFile.porep(proofs[0], proverID: m.proverID).encoded
    corrupted[corrupted.count - 100] ^= 0x01
    expectRejected("proof invalid") { try chain.proveCommit(miner: miner, sector: 1, proofBytes: corrupted) }
    #expect(try chain.sector(miner: miner, number: 1)?.state == .precommitted)

    let proven1 = try chain.proveCommit(miner: miner, sector: 1, proofBytes: ProofFile.porep(proofs[0], proverID: m.proverID).encoded, seedEpoch: 210)
    let active1 = proven1.sector
    #expect(proven1.message.ok && proven1.message.method == .proveCommitSector)
    #expect(active1.state == .active && active1.activationEpoch == 211 && active1.partition == 0)
    for i in 1..<4 { try chain.proveCommit(miner: miner, sector: UInt64(i + 1), proof: proofs[i]) }
    expectRejected("not precommitted") { try chain.proveCommit(miner: miner, sector: 1, proof: proofs[0]) }
    let onChain = try chain.sectors(miner: miner)
    #expect(onChain.map(\.state) == [.active, .active, .active, .active])
    // Deadlines fill in order: partitions of 2; sectors 1–2 share one deadline, 3–4 the next one.
    let dA = try #require(onChain[0].deadline), dB = try #require(onChain[2].deadline)
    #expect(onChain[1].deadline == dA && onChain[3].deadline == dB && dA != dB)
    #expect(onChain.map(\.partition) == [0, 0, 0, 0])
    let current = try chain.deadlineInfo(miner: miner, at: 211)
    #expect(dA != current.index && dA != (current.index + 1) % 48)
    #expect(try chain.partitions(miner: miner, deadline: dA) == [Partition(deadline: dA, index: 0, allSectors: [1, 2], faultySectors: [],
                                                                       recoveringSectors: [], liveSectors: [1, 2], activeSectors: [1, 2])])

    // The message log: every submission, rejected ones with exit code 16 and a reason.
    let log = try chain.messages(miner: miner)
    #expect(log.count == 17)  // the unknown miner's message is not recorded: there is no actor to run it
    #expect(log.filter { $0.ok }.count == 8 && log.filter { !$0.ok }.allSatisfy { $0.exitCode == 16 && $0.reason != nil })
    let firstRejected = try #require(log.first)
    #expect(firstRejected.reason?.contains("seal randomness") == true)
    #expect(try chain.waitMessage(id: firstRejected.id) == firstRejected)
    #expect(log.last?.reason?.contains("not precommitted") == true)
    let lastOk = try #require(log.last { $0.ok })
    #expect(lastOk.ok && lastOk.method == .proveCommitSector && lastOk.id.hasPrefix("bafy2bzace"))
    #expect(try chain.message(id: lastOk.id) == lastOk)
    #expect(throws: ChainError.self) { _ = try chain.waitMessage(id: "bafy-unknown") }

    // WindowPoSt for deadline A: not before it opens; wrong randomness or a missing sector are
    // rejected; the valid proof is accepted once.
    let infoA = try chain.deadlineInfo(miner: miner, deadline: dA)
    try chain.advance(to: infoA.open - 1)
    let goodA = try windowProof(chain, m, infoA, [sealed[0].sector, sealed[1].sector])
    expectRejected("is not open") {
        try chain.submitWindowPoSt(miner: miner, deadline: dA, partitions: [0], proof: goodA, chainCommitEpoch: infoA.challenge)
    }
    try chain.advance(to: infoA.open)
    var otherRand = try chain.windowPoStRandomness(miner: miner, deadline: infoA)
    otherRand[0] ^= 1
    let wrongRand = try windowProof(chain, m, infoA, [sealed[0].sector, sealed[1].sector], randomness: otherRand)
    expectRejected("randomness") {
        try chain.submitWindowPoSt(miner: miner, deadline: dA, partitions: [0], proof: wrongRand, chainCommitEpoch: infoA.challenge)
    }
    expectRejected("missing [2]") {
        try chain.submitWindowPoSt(miner: miner, deadline: dA, partitions: [0], proof: try windowProof(chain, m, infoA, [sealed[0].sector]),
                                   chainCommitEpoch: infoA.challenge)
    }
    expectRejected("chain commit") {
        try chain.submitWindowPoSt(miner: miner, deadline: dA, partitions: [0], proof: goodA, chainCommitEpoch: infoA.challenge - 1)
    }
    expectRejected("no partition 1") {
        try chain.submitWindowPoSt(miner: miner, deadline: dA, partitions: [1], proof: goodA, chainCommitEpoch: infoA.challenge)
    }
    let okA = try chain.submitWindowPoSt(miner: miner, deadline: dA, partitions: [0], proof: goodA, chainCommitEpoch: infoA.open - 1,
                                         chainCommitRand: try chain.chainCommitRandomness(epoch: infoA.open - 1))
    #expect(okA.message.ok && okA.provenSectors == [1, 2] && okA.skippedSectors.isEmpty)
    #expect(okA.deadline.index == dA && okA.deadline.open == infoA.open && okA.deadline.currentEpoch == infoA.open)
    #expect(try chain.waitMessage(id: okA.message.id).ok)
    #expect(try chain.deadlines(miner: miner)[dA].provenPartitions == [0])
    expectRejected("already proven") {
        try chain.submitWindowPoSt(miner: miner, deadline: dA, partitions: [0], proof: goodA, chainCommitEpoch: infoA.challenge)
    }

    // Deadline B is missed: once its window closes its sectors are faulty; A's stay active.
    let infoB = try chain.deadlineInfo(miner: miner, deadline: dB)
    try chain.advance(to: max(infoA.close, infoB.close))
    #expect(try chain.faults(miner: miner) == [3, 4])
    let s3 = try #require(try chain.sector(miner: miner, number: 3))
    #expect(s3.state == .faulty && s3.faultReason?.contains("missed WindowPoSt") == true)
    #expect(try chain.sector(miner: miner, number: 1)?.state == .active)
    #expect(try chain.partitions(miner: miner, deadline: dB).first?.faultySectors == [3, 4])
    // Reading again processes nothing twice.
    #expect(try chain.faults(miner: miner) == [3, 4])

    // Recoveries must land before the cutoff; only faulty sectors recover.
    expectRejected("not faulty") { try chain.declareRecoveries(miner: miner, sectors: [1]) }
    try chain.declareRecoveries(miner: miner, sectors: [3, 4])
    #expect(try chain.recoveries(miner: miner) == [3, 4])

    // The next windows of A and B, in time order. In A, sector 2's replica is gone: the proof
    // skips it, the partition is proven, sector 2 becomes faulty. In B, the recovering
    // sectors are proven and become active.
    let nextA = try chain.deadlineInfo(miner: miner, deadline: dA), nextB = try chain.deadlineInfo(miner: miner, deadline: dB)
    for (d, info) in [(dA, nextA), (dB, nextB)].sorted(by: { $0.1.open < $1.1.open }) {
        if d == dA {
            try chain.advance(to: info.faultCutoff)
            expectRejected("late declaration") { try chain.declareFaults(miner: miner, sectors: [1]) }
            try chain.advance(to: info.open)
            try FileManager.default.removeItem(atPath: sealed[1].sector.sealed)
            let r = try chain.submitWindowPoSt(miner: miner, deadline: dA, partitions: [0], proof: try windowProof(chain, m, info, [sealed[0].sector, sealed[1].sector]),
                                               chainCommitEpoch: info.open - 1)
            #expect(r.provenSectors == [1] && r.skippedSectors == [2])
            let s2 = try #require(try chain.sector(miner: miner, number: 2))
            #expect(s2.state == .faulty && s2.faultReason?.contains("skipped") == true)
        } else {
            try chain.advance(to: info.open)
            let r = try chain.submitWindowPoSt(miner: miner, deadline: dB, partitions: [0], proof: try windowProof(chain, m, info, [sealed[2].sector, sealed[3].sector]),
                                               chainCommitEpoch: info.open - 1)
            #expect(r.provenSectors == [3, 4] && r.recoveredSectors == [3, 4])
        }
    }
    try chain.advance(to: max(nextA.close, nextB.close))
    #expect(try chain.faults(miner: miner) == [2])
    #expect(try chain.recoveries(miner: miner).isEmpty)
    #expect(try chain.sectors(miner: miner).map(\.state) == [.active, .faulty, .active, .active])

    // Restart: reopening the database keeps sectors, partitions, messages and the head.
    let before = (chain.height, try chain.sectors(miner: miner), try chain.messages(), try chain.deadlines(miner: miner), try chain.miner(miner))
    chain = try makeChain(repo)
    #expect(chain.height == before.0)
    #expect(try chain.sectors(miner: miner) == before.1)
    #expect(try chain.messages() == before.2)
    #expect(try chain.deadlines(miner: miner) == before.3)
    #expect(try chain.miner(miner) == before.4)
    expectRejected("was requested") { _ = try makeChain(repo, window: 10) }
    // The state keeps evolving after the restart: the next A window missed faults sector 1.
    let third = try chain.deadlineInfo(miner: miner, deadline: dA)
    try chain.advance(to: third.close)
    #expect(try chain.sector(miner: miner, number: 1)?.state == .faulty)
}

// MARK: - WinningPoSt

@Test func winningPoStElectionIsDeterministicAndWinningProofsAreVerified() throws {
    let tmp = try TempDir("winning")
    let repo = tmp.path + "/repo"
    let chain = try makeChain(repo)
    let m = try chain.createMiner(sectorSize: 2048, sealProof: try RegisteredSealProof(sectorSize: 2048))
    let idle = try chain.createMiner(sectorSize: 2048, sealProof: try RegisteredSealProof(sectorSize: 2048))
    try chain.advance(to: 100)
    let sectors = try commitSectors(chain, m, [7, 8], dir: tmp.path)
    try chain.advance(to: 400)

    // Election: deterministic, about one epoch in five, never without active sectors.
    let pattern = try (200...400).map { try chain.isElected(miner: m.actorID, epoch: ChainEpoch($0)) }
    #expect(try pattern == ((200...400).map { try chain.isElected(miner: m.actorID, epoch: ChainEpoch($0)) }))
    let wins = pattern.filter { $0 }.count
    #expect(wins > 10 && wins < 90, "\(wins) of 201 epochs won at p = 0.2")
    #expect(try (200...400).allSatisfy { try !chain.isElected(miner: idle.actorID, epoch: ChainEpoch($0)) })
    #expect(throws: ChainError.self) { _ = try chain.isElected(miner: m.actorID, epoch: 401) }
    let reopened = try makeChain(repo)
    #expect(try pattern == ((200...400).map { try reopened.isElected(miner: m.actorID, epoch: ChainEpoch($0)) }))

    // An epoch the miner did not win refuses a block; the next won epoch accepts a valid proof.
    var epoch = chain.height
    while try chain.isElected(miner: m.actorID, epoch: epoch) { epoch = try chain.advance(by: 1).height }
    expectRejected("not elected") { try chain.submitBlock(miner: m.actorID, epoch: epoch, winningProof: []) }
    while try !chain.isElected(miner: m.actorID, epoch: epoch) { epoch = try chain.advance(by: 1).height }
    let rand = try chain.winningPoStRandomness(miner: m.actorID, epoch: epoch)
    let proof = try PoStProof.proveWinning(eligible: sectors, postProof: m.winningPoStProof, randomness: rand, proverID: m.proverID)
    // A proof of the sector the randomness did not choose, and one with other randomness, fail.
    var forged = proof
    let chosen = proof.partitions[0][0].proof.sectorNumber
    let other = try #require(sectors.first { $0.number != chosen })
    forged.partitions[0][0].proof = try PoSt.prove(sector: other, proof: m.winningPoStProof, randomness: rand, position: 0)
    expectRejected("not the one the randomness selects") {
        try chain.submitBlock(miner: m.actorID, epoch: epoch, winningProof: ProofFile.post(forged).encoded)
    }
    var otherRand = rand
    otherRand[0] ^= 1
    let stale = try PoStProof.proveWinning(eligible: sectors, postProof: m.winningPoStProof, randomness: otherRand, proverID: m.proverID)
    expectRejected("randomness") { try chain.submitBlock(miner: m.actorID, epoch: epoch, winningProof: ProofFile.post(stale).encoded) }

    let block = try chain.submitBlock(miner: m.actorID, epoch: epoch, winningProof: ProofFile.post(proof).encoded)
    #expect(block.sector == chosen && block.epoch == epoch && block.cid.hasPrefix("bafy2bzace"))
    #expect(try chain.miner(m.actorID).blocksWon == 1)
    #expect(try chain.blocks(miner: m.actorID) == [block])
    expectRejected("already produced") { try chain.submitBlock(miner: m.actorID, epoch: epoch, winningProof: ProofFile.post(proof).encoded) }
    try chain.advance(by: 5)
    expectRejected("too late") { try chain.submitBlock(miner: m.actorID, epoch: epoch, winningProof: ProofFile.post(proof).encoded) }
}
