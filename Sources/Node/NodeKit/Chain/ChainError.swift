/// Why the devnet refused a call or rejected a message. A rejected message is still recorded
/// (exit code 16, this description as its reason) unless the miner is unknown.
public enum ChainError: Error, Equatable, CustomStringConvertible {
    case invalidParameter(String)
    case configMismatch(name: String, stored: String, requested: String, path: String)
    case cannotRewind(head: ChainEpoch, requested: ChainEpoch)
    case invalidAddress(String)
    case unknownMiner(UInt64)
    case sectorSizeMismatch(sectorSize: UInt64, sealProof: String)
    case sealProofMismatch(miner: String, expected: String, got: String)
    case sectorExists(miner: String, sector: UInt64, state: String)
    case unknownSector(miner: String, sector: UInt64)
    case ticketInFuture(ticketEpoch: ChainEpoch, head: ChainEpoch)
    case ticketTooOld(ticketEpoch: ChainEpoch, earliest: ChainEpoch)
    case ticketMismatch(ticketEpoch: ChainEpoch)
    case notPreCommitted(sector: UInt64, state: String)
    case seedEpochMismatch(sector: UInt64, given: ChainEpoch, expected: ChainEpoch)
    case tooEarly(what: String, allowedFrom: ChainEpoch, head: ChainEpoch)
    case preCommitExpired(sector: UInt64, expiredAt: ChainEpoch)
    case proofInvalid(String)
    case invalidDeadline(Int)
    case deadlineNotOpen(deadline: Int, current: DeadlineInfo)
    case unknownPartition(deadline: Int, partition: Int)
    case tooManyPartitions(Int)
    case partitionAlreadyProven(deadline: Int, partition: Int)
    case chainCommit(String)
    case lateDeclaration(deadline: Int, faultCutoff: ChainEpoch, head: ChainEpoch)
    case sectorNotInPartition(sector: UInt64, deadline: Int, partition: Int)
    case sectorNotActive(sector: UInt64, state: String)
    case sectorNotFaulty(sector: UInt64)
    case futureEpoch(epoch: ChainEpoch, head: ChainEpoch)
    case notElected(miner: String, epoch: ChainEpoch)
    case blockExists(miner: String, epoch: ChainEpoch)
    case blockTooLate(epoch: ChainEpoch, head: ChainEpoch)
    case unknownMessage(String)
    case waitTimedOut(message: String, seconds: Double)

    public var description: String {
        switch self {
        case .invalidParameter(let w): "invalid devnet parameter: \(w)"
        case .configMismatch(let n, let s, let r, let p):
            "\(p) holds a chain created with \(n) \(s), but \(r) was requested: pass the same value, or remove \(p) to start a new chain"
        case .cannotRewind(let h, let r): "cannot move the chain back to epoch \(r): head is already \(h)"
        case .invalidAddress(let a): "'\(a)' is not an ID address: use t0<actor id>, e.g. t01000"
        case .unknownMiner(let id): "unknown miner t0\(id): create it first (createMiner)"
        case .sectorSizeMismatch(let s, let p): "sector size \(s) does not match seal proof \(p)"
        case .sealProofMismatch(let m, let e, let g): "miner \(m) seals with \(e); a sector sealed with \(g) cannot be committed to it"
        case .sectorExists(let m, let s, let st): "sector \(s) of \(m) already exists (\(st)): sector numbers cannot be reused"
        case .unknownSector(let m, let s): "sector \(s) of \(m) is not on chain"
        case .ticketInFuture(let t, let h): "seal ticket epoch \(t) must be before the current epoch \(h)"
        case .ticketTooOld(let t, let e): "seal ticket epoch \(t) is too old: the oldest usable ticket is from epoch \(e); get a new ticket and seal again"
        case .ticketMismatch(let t): "the ticket is not the chain's seal randomness of epoch \(t) (StateGetRandomnessFromTickets, SealRandomness, miner address)"
        case .notPreCommitted(let s, let st): "sector \(s) is \(st), not precommitted: ProveCommitSector needs a PreCommitSector first"
        case .seedEpochMismatch(let s, let g, let e): "seed epoch \(g) given for sector \(s), but its interactive seed is drawn at epoch \(e) (precommit epoch + PreCommitChallengeDelay)"
        case .tooEarly(let w, let a, let h): "too early: \(w) is accepted from epoch \(a) on (head is \(h))"
        case .preCommitExpired(let s, let e): "the precommit of sector \(s) expired at epoch \(e): it was not proven in time"
        case .proofInvalid(let w): "proof invalid: \(w)"
        case .invalidDeadline(let d): "deadline \(d) does not exist: deadlines are 0-47"
        case .deadlineNotOpen(let d, let c):
            "deadline \(d) is not open at epoch \(c.currentEpoch): the open deadline is \(c.index) (epochs \(c.open)-\(c.last))"
        case .unknownPartition(let d, let p): "deadline \(d) has no partition \(p)"
        case .tooManyPartitions(let n): "\(n) partitions in one SubmitWindowedPoSt: at most \(ProvingPolicy.postedPartitionsMax); send several messages"
        case .partitionAlreadyProven(let d, let p): "partition \(p) of deadline \(d) is already proven in this window"
        case .chainCommit(let w): "chain commit: \(w)"
        case .lateDeclaration(let d, let c, let h):
            "late declaration for deadline \(d): its fault cutoff was epoch \(c) (head is \(h)); declare for deadline (current + 2) mod 48 or later"
        case .sectorNotInPartition(let s, let d, let p): "sector \(s) is not in partition \(p) of deadline \(d)"
        case .sectorNotActive(let s, let st): "sector \(s) is \(st): only sectors assigned to a deadline can be declared or proven"
        case .sectorNotFaulty(let s): "sector \(s) is not faulty: only faulty sectors can be declared recovered"
        case .futureEpoch(let e, let h): "epoch \(e) is in the future (head is \(h)): its randomness is not drawn yet"
        case .notElected(let m, let e): "\(m) is not elected at epoch \(e)"
        case .blockExists(let m, let e): "\(m) already produced a block at epoch \(e)"
        case .blockTooLate(let e, let h): "a block for epoch \(e) arrives too late (head is \(h)); mine on the current head"
        case .unknownMessage(let id): "message \(id) is not on chain"
        case .waitTimedOut(let id, let s): "message \(id) did not reach the requested confidence within \(s) s"
        }
    }
}
