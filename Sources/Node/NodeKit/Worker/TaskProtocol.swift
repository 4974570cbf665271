import Foundation

/// The messages miner and workers exchange (node.md §1.3): Lotus' shapes where Lotus has
/// them (`SectorRef`, `CallID`, `CallError`), PascalCase JSON, byte fields base64 as Go
/// writes `[]byte`.
///
/// Sealing calls are asynchronous as in Lotus: the worker answers a `CallID` at once, runs
/// the task, and reports through the miner's `Filecoin.Return<Task>(callID, result, error)`.
/// PoSt calls answer the proof directly.
public struct SectorNum: Codable, Sendable, Equatable, Hashable {
    public var Miner: UInt64
    public var Number: UInt64
    public init(miner: UInt64, number: UInt64) {
        Miner = miner
        Number = number
    }
}

public struct SectorRef: Codable, Sendable, Equatable {
    public var ID: SectorNum
    public var ProofType: Int
    public init(miner: UInt64, number: UInt64, proofType: Int) {
        ID = SectorNum(miner: miner, number: number)
        ProofType = proofType
    }
}

public struct CallID: Codable, Sendable, Equatable, Hashable {
    public var Sector: SectorNum
    public var ID: String
    public init(sector: SectorNum, id: String = UUID().uuidString.lowercased()) {
        Sector = sector
        ID = id
    }
}

/// storiface.CallError: code 0 unknown, 1 temporary (retry elsewhere), 2 the worker lost the call.
public struct CallError: Codable, Sendable, Equatable, Error, CustomStringConvertible {
    public var Code: Int
    public var Message: String
    public init(code: Int, message: String) {
        Code = code
        Message = message
    }
    public static let unknown = 0, temporary = 1, workerLost = 2
    public var description: String { Message }
}

/// A sector's files: Lotus' `storiface.SectorPaths`.
public struct SectorPaths: Codable, Sendable, Equatable {
    public var Unsealed: String
    public var Sealed: String
    public var Cache: String
    public init(unsealed: String, sealed: String, cache: String) {
        Unsealed = unsealed
        Sealed = sealed
        Cache = cache
    }

    /// `<root>/unsealed/<name>`, `<root>/sealed/<name>`, `<root>/cache/<name>` (node.md §2.2).
    public init(root: String, sector: SectorID) {
        self.init(unsealed: "\(root)/unsealed/\(sector)", sealed: "\(root)/sealed/\(sector)", cache: "\(root)/cache/\(sector)")
    }
}

/// Inputs of one sealing task (AP, PC1, PC2, C1, C2, FIN); each task reads the fields it needs.
public struct SealTaskParams: Codable, Sendable, Equatable {
    public var Sector: SectorRef
    public var Paths: SectorPaths
    public var ProverID: Data
    public var Ticket: Data?
    public var Seed: Data?
    public var CommD: String?
    public var CommR: String?
    public var ReplicaID: Data?
    public var Commit1Out: Data?
    /// FIN: where the finalized sealed file and cache go (a store path; may equal `Paths`).
    public var FinalPaths: SectorPaths?

    public init(sector: SectorRef, paths: SectorPaths, proverID: [UInt8]) {
        Sector = sector
        Paths = paths
        ProverID = Data(proverID)
    }
}

/// What a sealing task produced.
public struct SealTaskResult: Codable, Sendable, Equatable {
    public var CommD: String?
    public var CommR: String?
    public var ReplicaID: Data?
    public var Proof: Data?
    public var Paths: SectorPaths?
    /// Seconds per phase, for the log.
    public var Timings: [String: Double] = [:]
    public var Note: String?
    public init() {}
}

/// One sector to prove: where its files are and its comm_r.
public struct PoStSectorInfo: Codable, Sendable, Equatable {
    public var Number: UInt64
    public var SealProof: Int
    public var Sealed: String
    public var Cache: String
    public var CommR: String
    public init(number: UInt64, sealProof: Int, sealed: String, cache: String, commR: String) {
        Number = number
        SealProof = sealProof
        Sealed = sealed
        Cache = cache
        CommR = commR
    }
}

/// `GenerateWindowPoSt` / `GenerateWinningPoSt` / `CheckProvable` inputs.
public struct PoStTaskParams: Codable, Sendable, Equatable {
    public var PoStProof: Int
    public var Randomness: Data
    public var ProverID: Data
    public var Sectors: [PoStSectorInfo]
    public init(postProof: Int, randomness: [UInt8], proverID: [UInt8], sectors: [PoStSectorInfo]) {
        PoStProof = postProof
        Randomness = Data(randomness)
        ProverID = Data(proverID)
        Sectors = sectors
    }
}

public struct PoStFault: Codable, Sendable, Equatable {
    public var Sector: UInt64
    public var Reason: String
}

public struct PoStTaskResult: Codable, Sendable, Equatable {
    /// The vanilla proof file (ProofFile) — what the devnet verifies.
    public var Proof: Data
    public var Faults: [PoStFault]
    public var Seconds: Double
}

/// What a worker tells the miner in `WorkerConnect` (Lotus `storiface.WorkerInfo` plus the
/// worker's URL and task types).
public struct WorkerAnnouncement: Codable, Sendable, Equatable {
    public var ID: String
    public var URL: String
    public var Hostname: String
    public var TaskTypes: [String]
    public var Resources: WorkerResources
    public var Session: String
}

enum TaskJSON {
    static func encode<T: Encodable>(_ v: T) throws -> NodeJSON {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try NodeJSON.parse(try e.encode(v))
    }

    static func decode<T: Decodable>(_ t: T.Type, _ j: NodeJSON?, _ what: String) throws -> T {
        guard let j else { throw RPCError.invalidParams("missing \(what)") }
        do { return try JSONDecoder().decode(T.self, from: j.encoded()) } catch {
            throw RPCError.invalidParams("\(what): \(error)")
        }
    }
}

/// Decodes Lotus RLE run lengths (`BitField.runs`) back to sector numbers.
public func bitFieldNumbers(_ j: NodeJSON?) -> [UInt64] {
    guard let runs = j?.array?.compactMap({ $0.double.map { UInt64($0) } }) else { return [] }
    var out: [UInt64] = []
    var at: UInt64 = 0
    for (i, r) in runs.enumerated() {
        if i % 2 == 1 { out += (at..<(at + r)).map { $0 } }
        at += r
    }
    return out
}
