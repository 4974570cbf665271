import Foundation
import Kernels

/// One tipset of the devnet. Every epoch has exactly one (there are no null rounds); `key` is
/// a deterministic CID-shaped name (see `DevnetCID`: not a real CID).
public struct TipSet: Sendable, Equatable {
    public var height: ChainEpoch
    /// Unix seconds: genesis + height × block time (rounded down), like a block header's Timestamp.
    public var timestamp: UInt64
    public var key: String
    public var parentKey: String?

    /// Lotus' `ChainHead` shape without block headers: `{"Cids":[{"/":key}],"Blocks":[],"Height":h}`.
    public var json: [String: Any] { ["Cids": [["/": key]], "Blocks": [Any](), "Height": height] }
}

/// A miner actor as the chain knows it.
public struct MinerInfo: Sendable, Equatable {
    public var actorID: UInt64
    public var owner: String
    public var worker: String
    public var sectorSize: UInt64
    public var sealProof: RegisteredSealProof
    public var windowPoStProof: RegisteredPoStProof
    public var winningPoStProof: RegisteredPoStProof
    /// The proving period starts at epochs ≡ this offset (mod the proving period).
    public var provingPeriodOffset: ChainEpoch
    public var createdEpoch: ChainEpoch
    public var blocksWon: Int

    public var address: String { ChainAddress.id(actorID) }
    /// The prover id the proofs library hashes (LEB128 of the actor id, zero-padded).
    public var proverID: [UInt8] { SealIDs.proverID(actorID: actorID) }
    /// `WindowPoStPartitionSectors`: 2 for 2 KiB–512 MiB, 2349 for 32 GiB, 2300 for 64 GiB.
    public var partitionSectors: Int { windowPoStProof.sectorsPerPartition }

    /// Lotus' `StateMinerInfo` JSON (fields this devnet has no notion of get Lotus' empty values;
    /// nulls are `NSNull`, so `JSONSerialization` takes every `json` property as it is).
    public var json: [String: Any] {
        ["Owner": owner, "Worker": worker, "NewWorker": "<empty>", "ControlAddresses": [String](), "WorkerChangeEpoch": -1,
         "PeerId": NSNull(), "Multiaddrs": [String](), "WindowPoStProofType": windowPoStProof.id, "SectorSize": sectorSize,
         "WindowPoStPartitionSectors": partitionSectors, "ConsensusFaultElapsed": -1, "PendingOwnerAddress": NSNull(),
         "Beneficiary": owner, "BeneficiaryTerm": ["Quota": "0", "UsedQuota": "0", "Expiration": 0] as [String: Any],
         "PendingBeneficiaryTerm": NSNull()]
    }
}

/// On-chain sector states of this devnet.
public enum SectorState: String, Sendable, Codable, CaseIterable {
    /// PreCommitSector landed; waiting for ProveCommitSector.
    case precommitted
    /// Proven and assigned to a deadline and partition.
    case active
    /// Declared faulty, skipped in a WindowPoSt or in a partition whose deadline was missed.
    /// With `recovering` set, a recovery is declared and the next WindowPoSt reactivates it.
    case faulty
    case terminated
}

/// `SectorOnChainInfo` / `SectorPreCommitOnChainInfo` in one record.
public struct SectorOnChain: Sendable, Equatable {
    public var miner: UInt64
    public var number: UInt64
    public var state: SectorState
    public var recovering: Bool
    public var sealProof: RegisteredSealProof
    public var commR: Fr
    public var commD: Commitment
    public var ticket: [UInt8]
    public var ticketEpoch: ChainEpoch
    public var preCommitEpoch: ChainEpoch
    /// Epoch whose beacon is the interactive seed: preCommitEpoch + PreCommitChallengeDelay.
    public var seedEpoch: ChainEpoch
    public var expiration: ChainEpoch
    public var activationEpoch: ChainEpoch?
    public var deadline: Int?
    public var partition: Int?
    /// Why the sector is faulty (declared, skipped with a reason, missed WindowPoSt).
    public var faultReason: String?
    public var faultEpoch: ChainEpoch?

    /// CommR as Lotus prints it ("bagboea4b5abc…").
    public var sealedCID: String { PieceCID.encode(Commitment(bytes: commR.bytes), kind: .sealed) }
    public var unsealedCID: String { PieceCID.encode(commD, kind: .unsealed) }

    /// Lotus' `StateSectorGetInfo` JSON (deal and pledge fields zero).
    public var json: [String: Any] {
        ["SectorNumber": number, "SealProof": sealProof.id, "SealedCID": ["/": sealedCID], "DeprecatedDealIDs": NSNull(),
         "Activation": activationEpoch ?? -1, "Expiration": expiration, "DealWeight": "0", "VerifiedDealWeight": "0",
         "InitialPledge": "0", "ExpectedDayReward": "0", "ExpectedStoragePledge": "0", "PowerBaseEpoch": activationEpoch ?? -1,
         "ReplacedDayReward": "0", "SectorKeyCID": NSNull(), "Flags": 0]
    }
}

/// One partition of a deadline (`StateMinerPartitions`), as ascending sector numbers.
public struct Partition: Sendable, Equatable {
    public var deadline: Int
    public var index: Int
    public var allSectors: [UInt64]
    public var faultySectors: [UInt64]
    public var recoveringSectors: [UInt64]
    public var liveSectors: [UInt64]
    public var activeSectors: [UInt64]

    /// Lotus' JSON: each field a go-bitfield run-length list.
    public var json: [String: Any] {
        ["AllSectors": BitField.runs(allSectors), "FaultySectors": BitField.runs(faultySectors),
         "RecoveringSectors": BitField.runs(recoveringSectors), "LiveSectors": BitField.runs(liveSectors),
         "ActiveSectors": BitField.runs(activeSectors)]
    }
}

/// A deadline's partitions and its proofs in the deadline's latest window that has opened.
public struct DeadlineSummary: Sendable, Equatable {
    public var index: Int
    public var partitions: Int
    public var liveSectors: Int
    public var faultySectors: Int
    /// Partitions proven in the latest opened window of this deadline (`PostSubmissions`).
    public var provenPartitions: [Int]

    /// Lotus' `StateMinerDeadlines` element shape.
    public var json: [String: Any] { ["PostSubmissions": BitField.runs(provenPartitions.map { UInt64($0) }), "DisputableProofCount": 0] }
}

/// Method names of the miner actor messages the devnet executes.
public enum ChainMethod: String, Sendable, CaseIterable {
    case preCommitSector = "PreCommitSector"
    case proveCommitSector = "ProveCommitSector"
    case submitWindowedPoSt = "SubmitWindowedPoSt"
    case declareFaults = "DeclareFaults"
    case declareFaultsRecovered = "DeclareFaultsRecovered"
}

/// A recorded message and its receipt. Messages execute at the epoch they are submitted.
public struct ChainMessage: Sendable, Equatable {
    public var id: String
    public var nonce: UInt64
    public var miner: UInt64
    public var method: ChainMethod
    public var epoch: ChainEpoch
    /// 0 = ok, 16 = `ErrIllegalArgument` (rejected; `reason` says why).
    public var exitCode: Int
    public var reason: String?
    /// A short human-readable summary of the parameters.
    public var params: String
    public var tipSetKey: String

    public var ok: Bool { exitCode == 0 }
    public static let exitIllegalArgument = 16

    /// Lotus' `StateWaitMsg` / `StateSearchMsg` result (`MsgLookup`).
    public var json: [String: Any] {
        ["Message": ["/": id], "Receipt": ["ExitCode": exitCode, "Return": NSNull(), "GasUsed": 0] as [String: Any],
         "ReturnDec": NSNull(), "TipSet": [["/": tipSetKey]], "Height": epoch]
    }
}

/// An accepted ProveCommitSector: its message and the sector, now active in a deadline.
public struct ProveCommitOutcome: Sendable, Equatable {
    public var message: ChainMessage
    public var sector: SectorOnChain
}

/// What an accepted SubmitWindowedPoSt did.
public struct WindowPoStOutcome: Sendable, Equatable {
    public var message: ChainMessage
    public var deadline: DeadlineInfo
    public var provenPartitions: [Int]
    /// Sectors proven by this proof.
    public var provenSectors: [UInt64]
    /// Sectors the proof declared skipped: now faulty.
    public var skippedSectors: [UInt64]
    /// Recovering sectors this proof proved: active again.
    public var recoveredSectors: [UInt64]
}

/// A block won with a WinningPoSt.
public struct MinedBlock: Sendable, Equatable {
    public var miner: UInt64
    public var epoch: ChainEpoch
    public var cid: String
    /// The sector the WinningPoSt proved.
    public var sector: UInt64
}

/// One `FaultDeclaration` / `RecoveryDeclaration`: sectors of one partition.
public struct SectorDeclaration: Sendable, Equatable {
    public var deadline: Int
    public var partition: Int
    public var sectors: [UInt64]

    public init(deadline: Int, partition: Int, sectors: [UInt64]) {
        self.deadline = deadline
        self.partition = partition
        self.sectors = sectors
    }
}
