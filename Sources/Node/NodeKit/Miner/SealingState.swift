/// Lotus' sector states (`storage/pipeline/sector_state.go`; node.md §3.1), names exact.
/// spnode walks the committed-capacity path Packing → GetTicket → PreCommit1 → PreCommit2 →
/// PreCommitting → PreCommitWait → WaitSeed → Committing → SubmitCommitAggregate →
/// CommitAggregateWait → FinalizeSector → Proving; the other states are defined so names
/// read from a Lotus datastore or typed on the command line are known.
public enum SealingState: String, CaseIterable, Sendable, Codable {
    // happy path (declaration order)
    case empty = "Empty", waitDeals = "WaitDeals", addPiece = "AddPiece", packing = "Packing", getTicket = "GetTicket"
    case preCommit1 = "PreCommit1", preCommit2 = "PreCommit2", preCommitting = "PreCommitting", preCommitWait = "PreCommitWait"
    case submitPreCommitBatch = "SubmitPreCommitBatch", preCommitBatchWait = "PreCommitBatchWait", waitSeed = "WaitSeed"
    case committing = "Committing", commitFinalize = "CommitFinalize", commitFinalizeFailed = "CommitFinalizeFailed"
    case submitCommit = "SubmitCommit", commitWait = "CommitWait", submitCommitAggregate = "SubmitCommitAggregate"
    case commitAggregateWait = "CommitAggregateWait", finalizeSector = "FinalizeSector", proving = "Proving", available = "Available"
    // snap deals (not exercised)
    case snapDealsWaitDeals = "SnapDealsWaitDeals", snapDealsAddPiece = "SnapDealsAddPiece", snapDealsPacking = "SnapDealsPacking"
    case updateReplica = "UpdateReplica", proveReplicaUpdate = "ProveReplicaUpdate", submitReplicaUpdate = "SubmitReplicaUpdate"
    case waitMutable = "WaitMutable", replicaUpdateWait = "ReplicaUpdateWait", finalizeReplicaUpdate = "FinalizeReplicaUpdate"
    case updateActivating = "UpdateActivating", releaseSectorKey = "ReleaseSectorKey"
    case receiveSector = "ReceiveSector"
    // sealing errors
    case failedUnrecoverable = "FailedUnrecoverable", addPieceFailed = "AddPieceFailed", sealPreCommit1Failed = "SealPreCommit1Failed"
    case sealPreCommit2Failed = "SealPreCommit2Failed", preCommitFailed = "PreCommitFailed", computeProofFailed = "ComputeProofFailed"
    case remoteCommitFailed = "RemoteCommitFailed", commitFailed = "CommitFailed", packingFailed = "PackingFailed"
    case finalizeFailed = "FinalizeFailed", dealsExpired = "DealsExpired", recoverDealIDs = "RecoverDealIDs"
    // snap errors
    case snapDealsAddPieceFailed = "SnapDealsAddPieceFailed", snapDealsDealsExpired = "SnapDealsDealsExpired"
    case snapDealsRecoverDealIDs = "SnapDealsRecoverDealIDs", abortUpgrade = "AbortUpgrade", replicaUpdateFailed = "ReplicaUpdateFailed"
    case releaseSectorKeyFailed = "ReleaseSectorKeyFailed", finalizeReplicaUpdateFailed = "FinalizeReplicaUpdateFailed"
    // post-seal faults and end of life
    case faulty = "Faulty", faultReported = "FaultReported", faultedFinal = "FaultedFinal"
    case terminating = "Terminating", terminateWait = "TerminateWait", terminateFinality = "TerminateFinality"
    case terminateFailed = "TerminateFailed", removing = "Removing", removeFailed = "RemoveFailed", removed = "Removed"

    /// States whose handler does nothing further (Lotus' final states, plus Proving, which the
    /// proving loop owns).
    public var isFinal: Bool {
        switch self {
        case .proving, .available, .faultReported, .faultedFinal, .failedUnrecoverable, .removed: true
        default: false
        }
    }

    /// The `…Failed` states: their handler waits `MinRetryTime` after the last log entry and
    /// fires the retry event.
    public var isFailure: Bool { rawValue.hasSuffix("Failed") || self == .dealsExpired || self == .recoverDealIDs }

    /// Where a failure state's retry goes (spnode's subset of `fsm.go`).
    public var retryState: SealingState? {
        switch self {
        case .packingFailed, .addPieceFailed: .packing
        case .sealPreCommit1Failed: .preCommit1
        case .sealPreCommit2Failed: .preCommit2
        case .preCommitFailed: .preCommitting
        case .computeProofFailed: .committing
        case .commitFailed: .submitCommitAggregate
        case .finalizeFailed: .finalizeSector
        case .commitFinalizeFailed: .commitFinalize
        default: nil
        }
    }
}

/// Lotus `MinRetryTime`: a failure state waits this long after its last log entry before retrying.
public let lotusMinRetrySeconds = 60.0
