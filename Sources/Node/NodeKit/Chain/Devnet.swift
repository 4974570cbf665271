import Foundation
import GRDB
import Kernels

/// A single-node local Filecoin chain: epochs, randomness, miner actors (sectors, deadlines,
/// partitions, faults), WindowPoSt and WinningPoSt verification, and a message log. State is
/// in SQLite (`<directory>/chain.sqlite`, WAL); every state change is one transaction, so
/// reopening after a crash continues from the last committed change.
///
/// Epochs advance with the clock, `head = ⌊(now − genesis) / blockTime⌋`, plus the epochs
/// skipped with `advance(to:)`/`advance(by:)` (persisted). Tests inject a clock that stands
/// still and move the chain only with `advance`. The epoch counts of the policy are the
/// mainnet ones (a deadline is 60 epochs, the proving period 2880) unless `challengeWindow`
/// is shortened; only the block time differs on a devnet.
///
/// Deadline ends are processed lazily and idempotently whenever the chain is read or written
/// after the head has passed a deadline's Close: every active sector of a partition that was
/// not proven in that window becomes faulty ("missed WindowPoSt") and declared recoveries
/// in it are retracted, as the miner actor's cron does.
public final class Devnet: @unchecked Sendable {
    public let path: String
    public let blockTime: Double
    public let genesisTime: Date
    public let seed: [UInt8]
    public let policy: ProvingPolicy
    public let preCommitChallengeDelay: ChainEpoch
    /// Chance that a miner with active sectors is elected in an epoch.
    public let electionProbability: Double
    /// Blocks for epochs older than head − this are refused as late.
    public static let maxBlockLateness: ChainEpoch = 1
    /// Lotus' default sector lifetime for committed capacity (540 days).
    public static let defaultSectorLifetime: ChainEpoch = 540 * 2880

    private let clock: @Sendable () -> Date
    private let queue: DatabaseQueue
    private let lock = NSLock()
    private var cachedOffset: ChainEpoch

    /// Opens the chain in `directory` (created if missing), or creates it. On reopen the
    /// stored genesis time, seed, block time, challenge window and PreCommitChallengeDelay
    /// are the chain's; passing a different one is an error (`genesisTime`/`seed` nil = the
    /// stored ones). A new chain gets genesis = now and 32 random seed bytes by default.
    public init(directory: String, blockTime: Double = 30, genesisTime: Date? = nil, seed: [UInt8]? = nil,
                challengeWindow: Int = 60, preCommitChallengeDelay: Int = 150, electionProbability: Double = 0.2,
                clock: @escaping @Sendable () -> Date = { Date() }) throws {
        guard blockTime.isFinite, blockTime > 0 else { throw ChainError.invalidParameter("block time \(blockTime) s must be > 0") }
        guard challengeWindow >= 1 else { throw ChainError.invalidParameter("challenge window \(challengeWindow) must be ≥ 1 epoch") }
        guard preCommitChallengeDelay >= 1 else {
            throw ChainError.invalidParameter("PreCommitChallengeDelay \(preCommitChallengeDelay) must be ≥ 1 epoch")
        }
        guard electionProbability > 0, electionProbability <= 1 else {
            throw ChainError.invalidParameter("election probability \(electionProbability) must be in (0, 1]")
        }
        if let seed, seed.isEmpty { throw ChainError.invalidParameter("the seed must not be empty") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("chain.sqlite")
        let queue = try ChainStore.open(path: path)
        let now = clock()
        let stored = try queue.write { db -> (Double, Double, [UInt8], Int, Int, Int64) in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM chain WHERE id = 1") {
                let s: Data = row["seed"]
                let g: Double = row["genesis_unix"], bt: Double = row["block_time"]
                let w: Int = row["challenge_window"], d: Int = row["precommit_delay"], o: Int64 = row["epoch_offset"]
                return (g, bt, [UInt8](s), w, d, o)
            }
            let g = (genesisTime ?? now).timeIntervalSince1970
            var rng = SystemRandomNumberGenerator()
            let s = seed ?? (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            try db.execute(sql: """
                INSERT INTO chain (id, genesis_unix, block_time, seed, challenge_window, precommit_delay) VALUES (1, ?, ?, ?, ?, ?)
                """, arguments: [g, blockTime, Data(s), challengeWindow, preCommitChallengeDelay])
            return (g, blockTime, s, challengeWindow, preCommitChallengeDelay, 0)
        }
        if let genesisTime, abs(genesisTime.timeIntervalSince1970 - stored.0) > 1e-3 {
            throw ChainError.configMismatch(name: "genesis time", stored: "\(Date(timeIntervalSince1970: stored.0))",
                                            requested: "\(genesisTime)", path: path)
        }
        if let seed, seed != stored.2 {
            throw ChainError.configMismatch(name: "seed", stored: Hex.encode(stored.2), requested: Hex.encode(seed), path: path)
        }
        if stored.1 != blockTime {
            throw ChainError.configMismatch(name: "block time", stored: "\(stored.1) s", requested: "\(blockTime) s", path: path)
        }
        if stored.3 != challengeWindow {
            throw ChainError.configMismatch(name: "challenge window", stored: "\(stored.3) epochs", requested: "\(challengeWindow) epochs", path: path)
        }
        if stored.4 != preCommitChallengeDelay {
            throw ChainError.configMismatch(name: "PreCommitChallengeDelay", stored: "\(stored.4) epochs",
                                            requested: "\(preCommitChallengeDelay) epochs", path: path)
        }
        self.path = path
        self.queue = queue
        self.blockTime = blockTime
        self.genesisTime = Date(timeIntervalSince1970: stored.0)
        self.seed = stored.2
        self.policy = ProvingPolicy(challengeWindow: ChainEpoch(challengeWindow))
        self.preCommitChallengeDelay = ChainEpoch(preCommitChallengeDelay)
        self.electionProbability = electionProbability
        self.clock = clock
        self.cachedOffset = stored.5
    }

    // MARK: - Epochs and tipsets

    private func wallEpoch() -> ChainEpoch {
        let e = (clock().timeIntervalSince1970 - genesisTime.timeIntervalSince1970) / blockTime
        return e.isFinite && e > 0 ? ChainEpoch(e.rounded(.down)) : 0
    }

    /// The current epoch.
    public var height: ChainEpoch { wallEpoch() + locked { cachedOffset } }

    public func head() -> TipSet { makeTipSet(height) }

    /// The tipset at `height` (0 ≤ height ≤ head).
    public func tipSet(at height: ChainEpoch) throws -> TipSet {
        let h = self.height
        guard height >= 0 else { throw ChainError.invalidParameter("height \(height) is before genesis") }
        guard height <= h else { throw ChainError.futureEpoch(epoch: height, head: h) }
        return makeTipSet(height)
    }

    private func makeTipSet(_ h: ChainEpoch) -> TipSet {
        TipSet(height: h, timestamp: UInt64(max(0, genesisTime.timeIntervalSince1970 + Double(h) * blockTime).rounded(.down)),
               key: tipSetKey(h), parentKey: h > 0 ? tipSetKey(h - 1) : nil)
    }

    /// Deterministic CID-shaped key of the tipset at `height` (not a real CID: see `DevnetCID`).
    public func tipSetKey(_ height: ChainEpoch) -> String { DevnetCID.make(seed: seed, tag: "tipset", UInt64(bitPattern: height)) }

    /// Moves the head to `epoch` (≥ head) by skipping epochs; deadlines that close on the
    /// way are processed. Returns the new head.
    @discardableResult
    public func advance(to epoch: ChainEpoch) throws -> TipSet {
        let offset = try queue.write { db -> ChainEpoch in
            let head = try headInside(db)
            guard epoch >= head else { throw ChainError.cannotRewind(head: head, requested: epoch) }
            try db.execute(sql: "UPDATE chain SET epoch_offset = epoch_offset + ? WHERE id = 1", arguments: [epoch - head])
            try processDeadlines(db, head: epoch)
            return try Int64.fetchOne(db, sql: "SELECT epoch_offset FROM chain WHERE id = 1") ?? 0
        }
        locked { cachedOffset = max(cachedOffset, offset) }
        return head()
    }

    @discardableResult
    public func advance(by epochs: ChainEpoch) throws -> TipSet {
        guard epochs >= 0 else { throw ChainError.cannotRewind(head: height, requested: height + epochs) }
        return try advance(to: height + epochs)
    }

    private func headInside(_ db: Database) throws -> ChainEpoch {
        let offset = try Int64.fetchOne(db, sql: "SELECT epoch_offset FROM chain WHERE id = 1") ?? 0
        return wallEpoch() + offset
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    // MARK: - Randomness

    /// The ticket of the tipset at `epoch`: SHA-256(seed ‖ "ticket" ‖ BE64(epoch)).
    public func ticket(epoch: ChainEpoch) -> [UInt8] { ChainRandomness.base(.tickets, seed: seed, epoch: epoch) }

    /// The beacon (drand-like) entry of round `epoch`: SHA-256(seed ‖ "beacon" ‖ BE64(epoch)).
    public func beacon(epoch: ChainEpoch) -> [UInt8] { ChainRandomness.base(.beacon, seed: seed, epoch: epoch) }

    /// `StateGetRandomnessFromBeacon`: a draw (see `ChainRandomness`) from the beacon of `epoch`.
    public func randomness(fromBeacon personalization: Int, epoch: ChainEpoch, entropy: [UInt8]) throws -> [UInt8] {
        try checkDrawable(epoch)
        return draw(.beacon, personalization, epoch, entropy)
    }

    /// `StateGetRandomnessFromTickets`: a draw from the ticket of `epoch`.
    public func randomness(fromTickets personalization: Int, epoch: ChainEpoch, entropy: [UInt8]) throws -> [UInt8] {
        try checkDrawable(epoch)
        return draw(.tickets, personalization, epoch, entropy)
    }

    private func checkDrawable(_ epoch: ChainEpoch) throws(ChainError) {
        let h = height
        guard epoch <= h else { throw .futureEpoch(epoch: epoch, head: h) }
    }

    private func draw(_ source: RandomnessSource, _ personalization: Int, _ epoch: ChainEpoch, _ entropy: [UInt8]) -> [UInt8] {
        ChainRandomness.draw(base: ChainRandomness.base(source, seed: seed, epoch: epoch), personalization: personalization,
                             epoch: epoch, entropy: entropy)
    }

    private func draw(_ source: RandomnessSource, _ tag: DomainSeparationTag, _ epoch: ChainEpoch, miner: UInt64) -> [UInt8] {
        draw(source, tag.rawValue, epoch, ChainAddress.cbor(actorID: miner))
    }

    /// The seal ticket of `epoch` for `miner` (tickets, SealRandomness, the miner's address
    /// as entropy): what PreCommitSector's ticket must be.
    public func sealRandomness(miner: UInt64, epoch: ChainEpoch) throws -> [UInt8] {
        try checkDrawable(epoch)
        return draw(.tickets, .sealRandomness, epoch, miner: miner)
    }

    /// The interactive PoRep seed of a precommitted sector (beacon, InteractiveSealChallengeSeed,
    /// at preCommitEpoch + PreCommitChallengeDelay); refused before that epoch.
    public func interactiveSeed(miner: UInt64, sector number: UInt64) throws -> (epoch: ChainEpoch, seed: [UInt8]) {
        guard let s = try sector(miner: miner, number: number) else {
            throw ChainError.unknownSector(miner: ChainAddress.id(miner), sector: number)
        }
        try checkDrawable(s.seedEpoch)
        return (s.seedEpoch, draw(.beacon, .interactiveSealChallengeSeed, s.seedEpoch, miner: miner))
    }

    /// The WindowPoSt challenge randomness of a deadline window (beacon,
    /// WindowedPoStChallengeSeed, at its Challenge epoch), top bits cleared as the prover uses it.
    public func windowPoStRandomness(miner: UInt64, deadline: DeadlineInfo) throws -> [UInt8] {
        try checkDrawable(deadline.challenge)
        return ChainRandomness.fieldElement(draw(.beacon, .windowedPoStChallengeSeed, deadline.challenge, miner: miner))
    }

    /// The WinningPoSt challenge randomness of `epoch` (beacon, WinningPoStChallengeSeed), top
    /// bits cleared as the prover uses it.
    public func winningPoStRandomness(miner: UInt64, epoch: ChainEpoch) throws -> [UInt8] {
        try checkDrawable(epoch)
        return ChainRandomness.fieldElement(draw(.beacon, .winningPoStChallengeSeed, epoch, miner: miner))
    }

    /// `ChainCommitRand` of a SubmitWindowedPoSt (tickets, PoStChainCommit, no entropy).
    public func chainCommitRandomness(epoch: ChainEpoch) throws -> [UInt8] {
        try randomness(fromTickets: DomainSeparationTag.poStChainCommit.rawValue, epoch: epoch, entropy: [])
    }

    // MARK: - Miners

    /// Creates a miner actor t01000, t01001, … . Its proving period offset is
    /// SHA-256(seed ‖ "proving-period-offset" ‖ BE64(actor id)) mod the proving period unless
    /// given. Owner and worker default to devnet ID addresses (t0100, t0101 for t01000, …)
    /// of account actors that hold no keys.
    public func createMiner(sectorSize: UInt64, sealProof: RegisteredSealProof, owner: String? = nil, worker: String? = nil,
                            provingPeriodOffset: ChainEpoch? = nil) throws -> MinerInfo {
        guard sealProof.sectorSize == sectorSize else { throw ChainError.sectorSizeMismatch(sectorSize: sectorSize, sealProof: sealProof.name) }
        if let o = provingPeriodOffset, !(0..<policy.provingPeriod).contains(o) {
            throw ChainError.invalidParameter("proving period offset \(o) must be in [0, \(policy.provingPeriod))")
        }
        let window = try RegisteredPoStProof(kind: .window, sectorSize: sectorSize)
        let winning = try RegisteredPoStProof(kind: .winning, sectorSize: sectorSize)
        return try queue.write { db in
            let head = try headInside(db)
            try processDeadlines(db, head: head)
            let id = UInt64(try Int64.fetchOne(db, sql: "SELECT next_actor_id FROM chain WHERE id = 1") ?? 1000)
            try db.execute(sql: "UPDATE chain SET next_actor_id = next_actor_id + 1 WHERE id = 1")
            let k = id >= 1000 ? id - 1000 : id
            let offset = provingPeriodOffset ?? ChainEpoch(beRead64(Kernels.SHA256.hash(seed + Array("proving-period-offset".utf8) + be64(id))[...])
                % UInt64(policy.provingPeriod))
            let info = MinerInfo(actorID: id, owner: owner ?? ChainAddress.id(100 + 2 * k), worker: worker ?? ChainAddress.id(101 + 2 * k),
                                 sectorSize: sectorSize, sealProof: sealProof, windowPoStProof: window, winningPoStProof: winning,
                                 provingPeriodOffset: offset, createdEpoch: head, blocksWon: 0)
            try db.execute(sql: """
                INSERT INTO miners (actor_id, owner, worker, sector_size, seal_proof, window_post_proof, winning_post_proof,
                                    period_offset, created_epoch, processed_through)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Int64(id), info.owner, info.worker, Int64(sectorSize), sealProof.id, window.id, winning.id, offset, head, head])
            return info
        }
    }

    public func miner(_ actorID: UInt64) throws -> MinerInfo {
        try queue.read { db in try loadMiner(db, actorID) }
    }

    public func miners() throws -> [MinerInfo] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM miners ORDER BY actor_id").map(ChainStore.miner) }
    }

    private func loadMiner(_ db: Database, _ id: UInt64) throws -> MinerInfo {
        guard id <= UInt64(Int64.max), let row = try Row.fetchOne(db, sql: "SELECT * FROM miners WHERE actor_id = ?", arguments: [Int64(id)]) else {
            throw ChainError.unknownMiner(id)
        }
        return try ChainStore.miner(row)
    }

    // MARK: - Deadlines

    /// `StateMinerProvingDeadline`: the deadline open at `epoch` (default: head).
    public func deadlineInfo(miner: UInt64, at epoch: ChainEpoch? = nil) throws -> DeadlineInfo {
        let m = try self.miner(miner)
        return DeadlineInfo.current(periodStartOffset: m.provingPeriodOffset, epoch: epoch ?? height, policy: policy)
    }

    /// The window of deadline `index` that a proof or declaration made at `epoch` (default:
    /// head) goes to: the open one, or the next to open.
    public func deadlineInfo(miner: UInt64, deadline index: Int, at epoch: ChainEpoch? = nil) throws -> DeadlineInfo {
        guard (0..<policy.periodDeadlines).contains(index) else { throw ChainError.invalidDeadline(index) }
        let m = try self.miner(miner)
        return DeadlineInfo.next(index: index, periodStartOffset: m.provingPeriodOffset, epoch: epoch ?? height, policy: policy)
    }

    /// Processes every deadline window of every miner that closed in (processed_through, head].
    private func processDeadlines(_ db: Database, head: ChainEpoch) throws {
        let W = policy.challengeWindow, P = policy.provingPeriod
        for row in try Row.fetchAll(db, sql: "SELECT actor_id, period_offset, processed_through FROM miners") {
            let miner: Int64 = row["actor_id"], offset: Int64 = row["period_offset"], done: Int64 = row["processed_through"]
            guard head > done else { continue }
            let deadlines = try Int.fetchAll(db, sql: """
                SELECT DISTINCT deadline FROM sectors WHERE miner = ? AND deadline IS NOT NULL AND state IN ('active', 'faulty')
                """, arguments: [miner])
            for d in deadlines {
                let firstClose = offset + ChainEpoch(d + 1) * W  // the close of deadline d in the period starting at `offset`
                let lo = ceilDiv(done + 1 - firstClose, P), hi = floorDiv(head - firstClose, P)
                guard lo <= hi else { continue }
                // Proofs exist only for the window open when this was last processed (the first
                // one here); after the next, unproven, window every sector is faulty already.
                for p in lo...min(hi, lo + 1) {
                    let open = firstClose - W + p * P
                    try endDeadline(db, miner: miner, deadline: d, open: open, close: open + W)
                }
            }
            try db.execute(sql: "UPDATE miners SET processed_through = ? WHERE actor_id = ?", arguments: [head, miner])
        }
    }

    /// The cron at the end of a deadline window: partitions without a proof fault their active sectors.
    private func endDeadline(_ db: Database, miner: Int64, deadline: Int, open: ChainEpoch, close: ChainEpoch) throws {
        let proven = Set(try Int.fetchAll(db, sql: "SELECT partition FROM proven_partitions WHERE miner = ? AND deadline = ? AND window_open = ?",
                                          arguments: [miner, deadline, open]))
        let partitions = try Int.fetchAll(db, sql: """
            SELECT DISTINCT partition FROM sectors WHERE miner = ? AND deadline = ? AND state IN ('active', 'faulty')
            """, arguments: [miner, deadline])
        for part in partitions where !proven.contains(part) {
            let reason = "missed WindowPoSt: no proof for deadline \(deadline) partition \(part) in epochs \(open)-\(close - 1)"
            try db.execute(sql: """
                UPDATE sectors SET state = 'faulty', recovering = 0, fault_reason = ?, fault_epoch = ?
                WHERE miner = ? AND deadline = ? AND partition = ? AND state = 'active' AND activation_epoch < ?
                """, arguments: [reason, close, miner, deadline, part, open])
            try db.execute(sql: """
                UPDATE sectors SET recovering = 0 WHERE miner = ? AND deadline = ? AND partition = ? AND state = 'faulty' AND recovering = 1
                """, arguments: [miner, deadline, part])
        }
    }

    /// A deadline is mutable (may take new sectors) unless it is open or opens next
    /// (Lotus `deadlineIsMutable`).
    private func isMutable(_ m: MinerInfo, deadline: Int, head: ChainEpoch) -> Bool {
        let dl = DeadlineInfo.next(index: deadline, periodStartOffset: m.provingPeriodOffset, epoch: head, policy: policy)
        return head < dl.open - policy.challengeWindow
    }

    /// Lotus' deadline assignment for one new sector: among mutable deadlines prefer one whose
    /// last partition has room, then fewer partitions after the assignment, then fewer live
    /// sectors, then the lower index. Within the deadline the sector fills the last partition.
    private func assignDeadline(_ db: Database, _ m: MinerInfo, head: ChainEpoch) throws -> (deadline: Int, partition: Int) {
        let size = m.partitionSectors
        var total = [Int](repeating: 0, count: policy.periodDeadlines), live = total
        for row in try Row.fetchAll(db, sql: """
            SELECT deadline, COUNT(*) AS n, SUM(state != 'terminated') AS live FROM sectors
            WHERE miner = ? AND deadline IS NOT NULL GROUP BY deadline
            """, arguments: [Int64(m.actorID)]) {
            let d: Int = row["deadline"]
            total[d] = row["n"]
            live[d] = row["live"]
        }
        let candidates = (0..<policy.periodDeadlines).filter { isMutable(m, deadline: $0, head: head) }
        func key(_ d: Int) -> (Int, Int, Int, Int) {
            (total[d] % size == 0 ? 1 : 0, (total[d] + size) / size, live[d], d)
        }
        guard let d = candidates.min(by: { key($0) < key($1) }) else {
            throw ChainError.invalidParameter("no mutable deadline to assign a sector to")
        }
        return (d, total[d] / size)
    }

    public func partitions(miner: UInt64, deadline: Int) throws -> [Partition] {
        guard (0..<policy.periodDeadlines).contains(deadline) else { throw ChainError.invalidDeadline(deadline) }
        return try withProcessedState { db, _ in
            _ = try loadMiner(db, miner)
            return try loadPartitions(db, miner: miner, deadline: deadline)
        }
    }

    private func loadPartitions(_ db: Database, miner: UInt64, deadline: Int) throws -> [Partition] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM sectors WHERE miner = ? AND deadline = ? ORDER BY partition, number",
                                    arguments: [Int64(miner), deadline]).map(ChainStore.sector)
        var out: [Partition] = []
        for s in rows {
            guard let p = s.partition else { continue }
            if out.last?.index != p {
                out.append(Partition(deadline: deadline, index: p, allSectors: [], faultySectors: [], recoveringSectors: [],
                                     liveSectors: [], activeSectors: []))
            }
            let i = out.count - 1
            out[i].allSectors.append(s.number)
            if s.state != .terminated { out[i].liveSectors.append(s.number) }
            if s.state == .active { out[i].activeSectors.append(s.number) }
            if s.state == .faulty { out[i].faultySectors.append(s.number) }
            if s.state == .faulty && s.recovering { out[i].recoveringSectors.append(s.number) }
        }
        return out
    }

    /// `StateMinerDeadlines`: every deadline's partitions and its proofs in its latest window.
    public func deadlines(miner: UInt64) throws -> [DeadlineSummary] {
        try withProcessedState { db, head in
            let m = try loadMiner(db, miner)
            return try (0..<policy.periodDeadlines).map { d in
                let parts = try loadPartitions(db, miner: miner, deadline: d)
                var dl = DeadlineInfo.next(index: d, periodStartOffset: m.provingPeriodOffset, epoch: head, policy: policy)
                if dl.open > head { dl = DeadlineInfo(periodStart: dl.periodStart - policy.provingPeriod, index: d, currentEpoch: head, policy: policy) }
                let proven = try Int.fetchAll(db, sql: """
                    SELECT partition FROM proven_partitions WHERE miner = ? AND deadline = ? AND window_open = ? ORDER BY partition
                    """, arguments: [Int64(miner), d, dl.open])
                return DeadlineSummary(index: d, partitions: parts.count, liveSectors: parts.reduce(0) { $0 + $1.liveSectors.count },
                                       faultySectors: parts.reduce(0) { $0 + $1.faultySectors.count }, provenPartitions: proven)
            }
        }
    }

    // MARK: - Sectors

    public func sectors(miner: UInt64) throws -> [SectorOnChain] {
        try withProcessedState { db, _ in
            _ = try loadMiner(db, miner)
            return try Row.fetchAll(db, sql: "SELECT * FROM sectors WHERE miner = ? ORDER BY number", arguments: [Int64(miner)]).map(ChainStore.sector)
        }
    }

    /// `StateSectorGetInfo` / `StateSectorPreCommitInfo`: nil if the sector is not on chain.
    public func sector(miner: UInt64, number: UInt64) throws -> SectorOnChain? {
        try withProcessedState { db, _ in
            _ = try loadMiner(db, miner)
            return try loadSector(db, miner: miner, number: number)
        }
    }

    private func loadSector(_ db: Database, miner: UInt64, number: UInt64) throws -> SectorOnChain? {
        guard number <= UInt64(Int64.max) else { return nil }
        return try Row.fetchOne(db, sql: "SELECT * FROM sectors WHERE miner = ? AND number = ?", arguments: [Int64(miner), Int64(number)])
            .map(ChainStore.sector)
    }

    /// `StateMinerFaults`: faulty sector numbers (recovering ones included, as in Lotus).
    public func faults(miner: UInt64) throws -> [UInt64] {
        try sectors(miner: miner).filter { $0.state == .faulty }.map(\.number)
    }

    /// `StateMinerRecoveries`: faulty sectors with a declared recovery.
    public func recoveries(miner: UInt64) throws -> [UInt64] {
        try sectors(miner: miner).filter { $0.state == .faulty && $0.recovering }.map(\.number)
    }

    /// PreCommitSector: records a sealed sector's commitments. The ticket must be the
    /// chain's seal randomness of `ticketEpoch` (before head, at most 3780 epochs old).
    @discardableResult
    public func preCommit(miner: UInt64, sector number: UInt64, sealProof: RegisteredSealProof, commR: Fr, commD: Commitment,
                          ticketEpoch: ChainEpoch, ticket: [UInt8], expiration: ChainEpoch? = nil) throws -> ChainMessage {
        try submit(miner: miner, method: .preCommitSector, params: "sector \(number) ticket epoch \(ticketEpoch) comm_r \(commR.hex)") { db, head, m, _ in
            guard sealProof == m.sealProof else { throw ChainError.sealProofMismatch(miner: m.address, expected: m.sealProof.name, got: sealProof.name) }
            guard number <= UInt64(Int64.max) else { throw ChainError.invalidParameter("sector number \(number) exceeds 2^63 − 1") }
            if let s = try loadSector(db, miner: miner, number: number) {
                throw ChainError.sectorExists(miner: m.address, sector: number, state: s.state.rawValue)
            }
            guard ticketEpoch < head else { throw ChainError.ticketInFuture(ticketEpoch: ticketEpoch, head: head) }
            let earliest = head - ProvingPolicy.maxPreCommitRandomnessLookback
            guard ticketEpoch >= earliest else { throw ChainError.ticketTooOld(ticketEpoch: ticketEpoch, earliest: earliest) }
            guard ticket == draw(.tickets, .sealRandomness, ticketEpoch, miner: miner) else { throw ChainError.ticketMismatch(ticketEpoch: ticketEpoch) }
            guard commD.bytes.count == 32 else { throw ChainError.invalidParameter("comm_d must be 32 bytes") }
            let exp = expiration ?? head + Devnet.defaultSectorLifetime
            guard exp > head + preCommitChallengeDelay else { throw ChainError.invalidParameter("expiration \(exp) is before the sector could be proven") }
            try db.execute(sql: """
                INSERT INTO sectors (miner, number, state, seal_proof, comm_r, comm_d, ticket, ticket_epoch, precommit_epoch, seed_epoch, expiration)
                VALUES (?, ?, 'precommitted', ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Int64(miner), Int64(number), sealProof.id, Data(commR.bytes), Data(commD.bytes), Data(ticket), ticketEpoch,
                                 head, head + preCommitChallengeDelay, exp])
        }.message
    }

    /// ProveCommitSector with a Commit 1 vanilla proof file (`ProofFile.porep`).
    @discardableResult
    public func proveCommit(miner: UInt64, sector number: UInt64, proofBytes: [UInt8], seedEpoch: ChainEpoch? = nil) throws -> ProveCommitOutcome {
        try proveCommit(miner: miner, number: number, seedEpoch: seedEpoch) { m in
            let file: ProofFile
            do { file = try ProofFile(encoded: proofBytes) } catch { throw ChainError.proofInvalid("\(error)") }
            guard case .porep(let p, let prover) = file else { throw ChainError.proofInvalid("a PoSt proof file, not a PoRep (Commit 1) proof") }
            guard prover == m.proverID else { throw ChainError.proofInvalid("the proof is for prover id \(Hex.encode(prover)), not \(m.address)'s") }
            return p
        }
    }

    /// ProveCommitSector: verifies the Commit 1 vanilla proof against the precommitted
    /// values and the chain's interactive seed (beacon at preCommitEpoch +
    /// PreCommitChallengeDelay; accepted from the epoch after it) and activates the sector
    /// in a deadline and partition.
    @discardableResult
    public func proveCommit(miner: UInt64, sector number: UInt64, proof: PoRepProof, seedEpoch: ChainEpoch? = nil) throws -> ProveCommitOutcome {
        try proveCommit(miner: miner, number: number, seedEpoch: seedEpoch) { _ in proof }
    }

    private func proveCommit(miner: UInt64, number: UInt64, seedEpoch: ChainEpoch?, proof: (MinerInfo) throws -> PoRepProof) throws -> ProveCommitOutcome {
        let r = try submit(miner: miner, method: .proveCommitSector, params: "sector \(number)") { db, head, m, _ -> SectorOnChain in
            guard let s = try loadSector(db, miner: miner, number: number) else { throw ChainError.unknownSector(miner: m.address, sector: number) }
            guard s.state == .precommitted else { throw ChainError.notPreCommitted(sector: number, state: s.state.rawValue) }
            if let seedEpoch, seedEpoch != s.seedEpoch { throw ChainError.seedEpochMismatch(sector: number, given: seedEpoch, expected: s.seedEpoch) }
            guard head > s.seedEpoch else {
                throw ChainError.tooEarly(what: "ProveCommitSector for sector \(number) (seed epoch \(s.seedEpoch))", allowedFrom: s.seedEpoch + 1, head: head)
            }
            let expiry = s.preCommitEpoch + ProvingPolicy.maxProveCommitDays + preCommitChallengeDelay
            guard head <= expiry else { throw ChainError.preCommitExpired(sector: number, expiredAt: expiry) }
            let pub = PoRepPublic(sealProof: s.sealProof, proverID: m.proverID, sectorNumber: number, ticket: s.ticket,
                                  seed: draw(.beacon, .interactiveSealChallengeSeed, s.seedEpoch, miner: miner), commD: s.commD, commR: s.commR)
            let verdict = Commit1.verify(try proof(m), public: pub)
            guard verdict.valid else { throw ChainError.proofInvalid(verdict.reason ?? "rejected") }
            let (d, p) = try assignDeadline(db, m, head: head)
            try db.execute(sql: """
                UPDATE sectors SET state = 'active', activation_epoch = ?, deadline = ?, partition = ? WHERE miner = ? AND number = ?
                """, arguments: [head, d, p, Int64(miner), Int64(number)])
            guard let done = try loadSector(db, miner: miner, number: number) else { throw ChainError.unknownSector(miner: m.address, sector: number) }
            return done
        }
        return ProveCommitOutcome(message: r.message, sector: r.value)
    }

    // MARK: - WindowPoSt

    /// SubmitWindowedPoSt for up to 3 partitions of the open deadline. `proof` is a vanilla
    /// WindowPoSt file (`ProofFile.post`); its randomness must be the chain's challenge
    /// randomness of the deadline and it must prove exactly the partitions' active and
    /// recovering sectors minus those it declares skipped (its `faults`), which become faulty.
    /// Recovering sectors it proves become active. `chainCommitEpoch` must be in
    /// [Challenge, head); `chainCommitRand`, if given, must be that epoch's PoStChainCommit draw.
    @discardableResult
    public func submitWindowPoSt(miner: UInt64, deadline: Int, partitions: [Int], proof proofBytes: [UInt8], chainCommitEpoch: ChainEpoch,
                                 chainCommitRand: [UInt8]? = nil) throws -> WindowPoStOutcome {
        let params = "deadline \(deadline) partitions \(partitions) chain commit epoch \(chainCommitEpoch)"
        let (msg, r) = try submit(miner: miner, method: .submitWindowedPoSt, params: params) {
            db, head, m, messageID -> (DeadlineInfo, [Int], [UInt64], [UInt64], [UInt64]) in
            guard (0..<policy.periodDeadlines).contains(deadline) else { throw ChainError.invalidDeadline(deadline) }
            let cur = DeadlineInfo.current(periodStartOffset: m.provingPeriodOffset, epoch: head, policy: policy)
            guard cur.index == deadline, cur.isOpen else { throw ChainError.deadlineNotOpen(deadline: deadline, current: cur) }
            guard !partitions.isEmpty else { throw ChainError.invalidParameter("no partitions to prove") }
            guard partitions.count <= ProvingPolicy.postedPartitionsMax else { throw ChainError.tooManyPartitions(partitions.count) }
            guard Set(partitions).count == partitions.count else { throw ChainError.invalidParameter("partitions \(partitions) repeat an index") }
            let all = try loadPartitions(db, miner: miner, deadline: deadline)
            var chosen: [Partition] = []
            for p in partitions {
                guard let part = all.first(where: { $0.index == p }) else { throw ChainError.unknownPartition(deadline: deadline, partition: p) }
                chosen.append(part)
            }
            guard chainCommitEpoch >= cur.challenge, chainCommitEpoch < head else {
                throw ChainError.chainCommit("epoch \(chainCommitEpoch) must be in [\(cur.challenge), \(head)) (the deadline's challenge epoch to before head)")
            }
            if let rand = chainCommitRand, rand != draw(.tickets, DomainSeparationTag.poStChainCommit.rawValue, chainCommitEpoch, []) {
                throw ChainError.chainCommit("ChainCommitRand is not the chain's PoStChainCommit randomness of epoch \(chainCommitEpoch)")
            }
            let already = Set(try Int.fetchAll(db, sql: "SELECT partition FROM proven_partitions WHERE miner = ? AND deadline = ? AND window_open = ?",
                                               arguments: [Int64(miner), deadline, cur.open]))
            if let p = partitions.first(where: already.contains) { throw ChainError.partitionAlreadyProven(deadline: deadline, partition: p) }

            let file: ProofFile
            do { file = try ProofFile(encoded: proofBytes) } catch { throw ChainError.proofInvalid("\(error)") }
            guard case .post(let post) = file, post.postProof.kind == .window else {
                throw ChainError.proofInvalid("not a WindowPoSt proof file")
            }
            guard post.postProof == m.windowPoStProof else {
                throw ChainError.proofInvalid("proof type \(post.postProof.name), but \(m.address) proves with \(m.windowPoStProof.name)")
            }
            guard post.proverID == m.proverID else { throw ChainError.proofInvalid("the proof is for prover id \(Hex.encode(post.proverID)), not \(m.address)'s") }
            let expectedRand = ChainRandomness.fieldElement(draw(.beacon, .windowedPoStChallengeSeed, cur.challenge, miner: miner))
            guard post.randomness == expectedRand else {
                throw ChainError.proofInvalid("its randomness \(Hex.encode(post.randomness)) is not the chain's WindowPoSt challenge randomness of epoch \(cur.challenge) (\(Hex.encode(expectedRand)))")
            }
            let inPartitions = Set(chosen.flatMap(\.liveSectors))
            let skipped = Set(post.faults.map(\.sectorNumber))
            if let s = skipped.first(where: { !inPartitions.contains($0) }) {
                throw ChainError.proofInvalid("it skips sector \(s), which is not in partitions \(partitions) of deadline \(deadline)")
            }
            let sectors = try chosen.flatMap(\.liveSectors).compactMap { try loadSector(db, miner: miner, number: $0) }
            let provable = sectors.filter { ($0.state == .active || ($0.state == .faulty && $0.recovering)) && !skipped.contains($0.number) }
            let expected = Set(provable.map(\.number))
            let proven = post.partitions.flatMap { $0 }.map(\.proof.sectorNumber)
            if Set(proven) != expected || proven.count != expected.count {
                let missing = expected.subtracting(proven).sorted(), extra = Set(proven).subtracting(expected).sorted()
                throw ChainError.proofInvalid("it proves sectors \(proven) but partitions \(partitions) need \(expected.sorted())"
                    + (missing.isEmpty ? "" : "; missing \(missing)")
                    + (extra.isEmpty ? "" : "; \(extra) are not provable here (faulty sectors must be declared recovered first)"))
            }
            if !expected.isEmpty {
                let verdict = post.verify(commRs: Dictionary(uniqueKeysWithValues: provable.map { ($0.number, $0.commR) }))
                guard verdict.valid else { throw ChainError.proofInvalid(verdict.reason ?? "rejected") }
            }
            // Effects: partitions proven for this window, skipped sectors faulty, recoveries done.
            var newlyFaulty: [UInt64] = [], recovered: [UInt64] = []
            for s in sectors where skipped.contains(s.number) {
                let reason = post.faults.first { $0.sectorNumber == s.number }?.reason ?? ""
                if s.state == .active { newlyFaulty.append(s.number) }
                try db.execute(sql: """
                    UPDATE sectors SET state = 'faulty', recovering = 0, fault_reason = ?, fault_epoch = COALESCE(CASE WHEN state = 'active' THEN NULL ELSE fault_epoch END, ?)
                    WHERE miner = ? AND number = ?
                    """, arguments: ["skipped in WindowPoSt of deadline \(deadline): \(reason)", head, Int64(miner), Int64(s.number)])
            }
            for s in provable where s.state == .faulty {
                recovered.append(s.number)
                try db.execute(sql: """
                    UPDATE sectors SET state = 'active', recovering = 0, fault_reason = NULL, fault_epoch = NULL WHERE miner = ? AND number = ?
                    """, arguments: [Int64(miner), Int64(s.number)])
            }
            for p in partitions {
                try db.execute(sql: "INSERT INTO proven_partitions (miner, deadline, partition, window_open, message_id) VALUES (?, ?, ?, ?, ?)",
                               arguments: [Int64(miner), deadline, p, cur.open, messageID])
            }
            return (cur, partitions, expected.sorted(), skipped.sorted(), recovered.sorted())
        }
        return WindowPoStOutcome(message: msg, deadline: r.0, provenPartitions: r.1, provenSectors: r.2, skippedSectors: r.3, recoveredSectors: r.4)
    }

    // MARK: - Fault and recovery declarations

    /// DeclareFaults: the sectors become faulty (a declared recovery is retracted). Each
    /// deadline's next window must not have passed its FaultCutoff.
    @discardableResult
    public func declareFaults(miner: UInt64, _ declarations: [SectorDeclaration]) throws -> ChainMessage {
        try declare(miner: miner, method: .declareFaults, declarations: declarations, sectors: nil)
    }

    /// DeclareFaults for sectors named by number; the chain finds their deadlines and partitions.
    @discardableResult
    public func declareFaults(miner: UInt64, sectors: [UInt64]) throws -> ChainMessage {
        try declare(miner: miner, method: .declareFaults, declarations: nil, sectors: sectors)
    }

    /// DeclareFaultsRecovered: faulty sectors become recovering; the next WindowPoSt that proves
    /// them makes them active.
    @discardableResult
    public func declareRecoveries(miner: UInt64, _ declarations: [SectorDeclaration]) throws -> ChainMessage {
        try declare(miner: miner, method: .declareFaultsRecovered, declarations: declarations, sectors: nil)
    }

    @discardableResult
    public func declareRecoveries(miner: UInt64, sectors: [UInt64]) throws -> ChainMessage {
        try declare(miner: miner, method: .declareFaultsRecovered, declarations: nil, sectors: sectors)
    }

    private func declare(miner: UInt64, method: ChainMethod, declarations: [SectorDeclaration]?, sectors numbers: [UInt64]?) throws -> ChainMessage {
        let params = declarations.map { ds in ds.map { "deadline \($0.deadline) partition \($0.partition) sectors \($0.sectors)" }.joined(separator: "; ") }
            ?? "sectors \(numbers ?? [])"
        return try submit(miner: miner, method: method, params: params) { db, head, m, _ in
            var decls = declarations ?? []
            if let numbers {
                var groups: [Int: [Int: [UInt64]]] = [:]
                for n in numbers {
                    guard let s = try loadSector(db, miner: miner, number: n) else { throw ChainError.unknownSector(miner: m.address, sector: n) }
                    guard let d = s.deadline, let p = s.partition, s.state != .terminated else {
                        throw ChainError.sectorNotActive(sector: n, state: s.state.rawValue)
                    }
                    groups[d, default: [:]][p, default: []].append(n)
                }
                decls = groups.keys.sorted().flatMap { d in groups[d, default: [:]].keys.sorted().map { SectorDeclaration(deadline: d, partition: $0, sectors: groups[d]?[$0] ?? []) } }
            }
            guard !decls.isEmpty else { throw ChainError.invalidParameter("no sectors declared") }
            for decl in decls {
                guard (0..<policy.periodDeadlines).contains(decl.deadline) else { throw ChainError.invalidDeadline(decl.deadline) }
                let target = DeadlineInfo.next(index: decl.deadline, periodStartOffset: m.provingPeriodOffset, epoch: head, policy: policy)
                guard !target.faultCutoffPassed else {
                    throw ChainError.lateDeclaration(deadline: decl.deadline, faultCutoff: target.faultCutoff, head: head)
                }
                for n in decl.sectors {
                    guard let s = try loadSector(db, miner: miner, number: n) else { throw ChainError.unknownSector(miner: m.address, sector: n) }
                    guard s.deadline == decl.deadline, s.partition == decl.partition else {
                        throw ChainError.sectorNotInPartition(sector: n, deadline: decl.deadline, partition: decl.partition)
                    }
                    guard s.state == .active || s.state == .faulty else { throw ChainError.sectorNotActive(sector: n, state: s.state.rawValue) }
                    if method == .declareFaults {
                        if s.state == .active || s.recovering {
                            try db.execute(sql: """
                                UPDATE sectors SET state = 'faulty', recovering = 0, fault_reason = COALESCE(CASE WHEN state = 'faulty' THEN fault_reason END, 'declared faulty'),
                                       fault_epoch = COALESCE(fault_epoch, ?) WHERE miner = ? AND number = ?
                                """, arguments: [head, Int64(miner), Int64(n)])
                        }
                    } else {
                        guard s.state == .faulty else { throw ChainError.sectorNotFaulty(sector: n) }
                        try db.execute(sql: "UPDATE sectors SET recovering = 1 WHERE miner = ? AND number = ?", arguments: [Int64(miner), Int64(n)])
                    }
                }
            }
        }.message
    }

    // MARK: - WinningPoSt

    /// Whether `miner` may produce the block of `epoch` (≤ head): a miner with active sectors
    /// is elected when BE64 of the first 8 bytes of its ElectionProofProduction beacon draw,
    /// over 2^64, is below `electionProbability`. Deterministic in (seed, miner, epoch).
    public func isElected(miner: UInt64, epoch: ChainEpoch) throws -> Bool {
        try withProcessedState { db, head in
            _ = try loadMiner(db, miner)
            guard epoch <= head else { throw ChainError.futureEpoch(epoch: epoch, head: head) }
            return try elected(db, miner: miner, epoch: epoch)
        }
    }

    private func elected(_ db: Database, miner: UInt64, epoch: ChainEpoch) throws -> Bool {
        let active = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sectors WHERE miner = ? AND state = 'active'", arguments: [Int64(miner)]) ?? 0
        guard active > 0 else { return false }
        let r = draw(.beacon, .electionProofProduction, epoch, miner: miner)
        return Double(beRead64(r[...])) / 18_446_744_073_709_551_616.0 < electionProbability
    }

    /// Records the block `miner` won at `epoch` (head or head − 1) with a WinningPoSt vanilla
    /// proof file: the miner must be elected, the proof's randomness the chain's
    /// WinningPoSt randomness of the epoch, and its sector the one the randomness selects
    /// among the miner's active sectors.
    @discardableResult
    public func submitBlock(miner: UInt64, epoch: ChainEpoch, winningProof: [UInt8]) throws -> MinedBlock {
        try withProcessedState { db, head in
            let m = try loadMiner(db, miner)
            guard epoch <= head else { throw ChainError.futureEpoch(epoch: epoch, head: head) }
            guard epoch >= head - Devnet.maxBlockLateness else { throw ChainError.blockTooLate(epoch: epoch, head: head) }
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blocks WHERE miner = ? AND epoch = ?", arguments: [Int64(miner), epoch]) ?? 0 > 0 {
                throw ChainError.blockExists(miner: m.address, epoch: epoch)
            }
            guard try elected(db, miner: miner, epoch: epoch) else { throw ChainError.notElected(miner: m.address, epoch: epoch) }
            let file: ProofFile
            do { file = try ProofFile(encoded: winningProof) } catch { throw ChainError.proofInvalid("\(error)") }
            guard case .post(let post) = file, post.postProof == m.winningPoStProof else {
                throw ChainError.proofInvalid("not a \(m.winningPoStProof.name) proof file")
            }
            guard post.proverID == m.proverID else { throw ChainError.proofInvalid("the proof is for prover id \(Hex.encode(post.proverID)), not \(m.address)'s") }
            let expected = ChainRandomness.fieldElement(draw(.beacon, .winningPoStChallengeSeed, epoch, miner: miner))
            guard post.randomness == expected else {
                throw ChainError.proofInvalid("its randomness is not the chain's WinningPoSt randomness of epoch \(epoch)")
            }
            let active = try Row.fetchAll(db, sql: "SELECT * FROM sectors WHERE miner = ? AND state = 'active'", arguments: [Int64(miner)])
                .map(ChainStore.sector)
            let verdict = post.verify(commRs: Dictionary(uniqueKeysWithValues: active.map { ($0.number, $0.commR) }))
            guard verdict.valid else { throw ChainError.proofInvalid(verdict.reason ?? "rejected") }
            let sector = post.partitions.first?.first?.proof.sectorNumber ?? 0
            let block = MinedBlock(miner: miner, epoch: epoch, cid: DevnetCID.make(seed: seed, tag: "block", UInt64(bitPattern: epoch), extra: be64(miner)),
                                   sector: sector)
            try db.execute(sql: "INSERT INTO blocks (miner, epoch, cid, sector) VALUES (?, ?, ?, ?)",
                           arguments: [Int64(miner), epoch, block.cid, Int64(sector)])
            try db.execute(sql: "UPDATE miners SET blocks_won = blocks_won + 1 WHERE actor_id = ?", arguments: [Int64(miner)])
            return block
        }
    }

    public func blocks(miner: UInt64) throws -> [MinedBlock] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM blocks WHERE miner = ? ORDER BY epoch", arguments: [Int64(miner)]).map(ChainStore.block)
        }
    }

    // MARK: - Messages

    public func message(id: String) throws -> ChainMessage? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE id = ?", arguments: [id]).map { ChainStore.message($0, tipSetKey: tipSetKey) }
        }
    }

    /// `StateWaitMsg` with confidence 0: messages execute when submitted, so a known message
    /// already has its receipt.
    public func waitMessage(id: String) throws -> ChainMessage {
        guard let m = try message(id: id) else { throw ChainError.unknownMessage(id) }
        return m
    }

    /// `StateWaitMsg`: returns once head ≥ the message's epoch + `confidence`.
    public func waitMessage(id: String, confidence: ChainEpoch, timeoutSeconds: Double = 600) async throws -> ChainMessage {
        let m = try waitMessage(id: id)
        let start = Date()
        while height < m.epoch + confidence {
            guard Date().timeIntervalSince(start) < timeoutSeconds else { throw ChainError.waitTimedOut(message: id, seconds: timeoutSeconds) }
            try await Task.sleep(nanoseconds: UInt64(min(blockTime, 1) * 1e9 / 2))
        }
        return m
    }

    /// Every recorded message (of one miner, if given), oldest first.
    public func messages(miner: UInt64? = nil) throws -> [ChainMessage] {
        try queue.read { db in
            let rows = if let miner {
                try Row.fetchAll(db, sql: "SELECT * FROM messages WHERE miner = ? ORDER BY nonce", arguments: [Int64(miner)])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM messages ORDER BY nonce")
            }
            return rows.map { ChainStore.message($0, tipSetKey: tipSetKey) }
        }
    }

    // MARK: - Transactions

    /// Runs `body` in a write transaction after processing the deadlines that closed.
    private func withProcessedState<T>(_ body: (Database, ChainEpoch) throws -> T) throws -> T {
        try queue.write { db in
            let head = try headInside(db)
            try processDeadlines(db, head: head)
            return try body(db, head)
        }
    }

    /// Executes a miner message: `body` runs in a savepoint; a `ChainError` rolls its changes
    /// back and the message is recorded with exit code 16 and the error as reason, then thrown.
    private func submit<T>(miner: UInt64, method: ChainMethod, params: String,
                           _ body: (Database, ChainEpoch, MinerInfo, String) throws -> T) throws -> (message: ChainMessage, value: T) {
        let outcome: Result<(message: ChainMessage, value: T), ChainError> = try queue.write { db in
            let head = try headInside(db)
            try processDeadlines(db, head: head)
            let m = try loadMiner(db, miner)
            let nonce = UInt64(try Int64.fetchOne(db, sql: "SELECT next_nonce FROM chain WHERE id = 1") ?? 0)
            let id = messageID(nonce: nonce, method: method, miner: miner)
            var value: T?
            var failure: ChainError?
            try db.inSavepoint {
                do {
                    value = try body(db, head, m, id)
                    return .commit
                } catch let e as ChainError {
                    failure = e
                    return .rollback
                }
            }
            let msg = try record(db, id: id, nonce: nonce, miner: miner, method: method, head: head, params: params, failure: failure)
            if let failure { return .failure(failure) }
            guard let value else { return .failure(.invalidParameter("message execution returned nothing")) }
            return .success((msg, value))
        }
        return try outcome.get()
    }

    private func messageID(nonce: UInt64, method: ChainMethod, miner: UInt64) -> String {
        DevnetCID.make(seed: seed, tag: "message", nonce, extra: Array(method.rawValue.utf8) + be64(miner))
    }

    private func record(_ db: Database, id: String, nonce: UInt64, miner: UInt64, method: ChainMethod, head: ChainEpoch, params: String,
                        failure: ChainError?) throws -> ChainMessage {
        try db.execute(sql: "UPDATE chain SET next_nonce = next_nonce + 1 WHERE id = 1")
        let msg = ChainMessage(id: id, nonce: nonce, miner: miner, method: method, epoch: head,
                               exitCode: failure == nil ? 0 : ChainMessage.exitIllegalArgument, reason: failure?.description,
                               params: params, tipSetKey: tipSetKey(head))
        try db.execute(sql: "INSERT INTO messages (id, nonce, miner, method, epoch, exit_code, reason, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [id, Int64(nonce), Int64(miner), method.rawValue, head, msg.exitCode, msg.reason, params])
        return msg
    }
}
