import Foundation
import GRDB

/// One sector as the miner's sealing state machine keeps it (Lotus `SectorInfo`).
public struct SectorRecord: Sendable, Equatable, Codable {
    public var number: UInt64
    public var state: SealingState
    public var sealProof: Int
    public var ticket: [UInt8]?
    public var ticketEpoch: Int64?
    public var commD: String?          // hex
    public var commR: String?          // hex
    public var preCommitMessage: String?
    public var preCommitEpoch: Int64?
    public var seed: [UInt8]?
    public var seedEpoch: Int64?
    public var commitProof: [UInt8]?   // C1 → C2 output (the vanilla PoRep proof file)
    public var commitMessage: String?
    public var retries: Int
    public var lastError: String?
    /// Storage id and local path where the sector's sealing files are (seal path), then the
    /// long-term path after FinalizeSector.
    public var storageID: String?
    public var storagePath: String?
    /// The worker that last ran a task for the sector (preferred for the next one).
    public var lastWorker: String?
    public var created: Date
    public var updated: Date
}

public struct SectorLogEntry: Sendable, Equatable {
    public var sector: UInt64
    public var time: Date
    public var kind: String
    public var message: String
}

/// The miner's SQLite database (`<repo>/sealing.sqlite`, WAL): sectors, their event log, and
/// the miner's identity. Every state change is one transaction with its log entry, so a
/// restarted miner finds each sector in the last state it reached.
public final class SealingStore: Sendable {
    let queue: DatabaseQueue
    public let path: String

    public init(directory: String) throws {
        path = directory + "/sealing.sqlite"
        queue = try ChainStore.durableQueue(path: path, label: "miner-sealing")
        var m = DatabaseMigrator()
        m.registerMigration("v1-sealing") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE sectors (
                    number INTEGER PRIMARY KEY,
                    state TEXT NOT NULL,
                    seal_proof INTEGER NOT NULL,
                    ticket BLOB, ticket_epoch INTEGER,
                    comm_d TEXT, comm_r TEXT,
                    precommit_message TEXT, precommit_epoch INTEGER,
                    seed BLOB, seed_epoch INTEGER,
                    commit_proof BLOB, commit_message TEXT,
                    retries INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    storage_id TEXT, storage_path TEXT,
                    last_worker TEXT,
                    created REAL NOT NULL, updated REAL NOT NULL
                );
                CREATE TABLE sector_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    sector INTEGER NOT NULL,
                    time REAL NOT NULL,
                    kind TEXT NOT NULL,
                    message TEXT NOT NULL
                );
                CREATE INDEX sector_log_by_sector ON sector_log(sector, id);
                """)
        }
        try m.migrate(queue)
    }

    // MARK: identity

    public func meta(_ key: String) throws -> String? {
        try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try queue.write { db in try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value]) }
    }

    // MARK: sectors

    /// Creates sector `max(number)+1` in `state` (PledgeSector), logged.
    public func newSector(sealProof: Int, state: SealingState, now: Date = Date()) throws -> SectorRecord {
        try queue.write { db in
            let number = UInt64((try Int64.fetchOne(db, sql: "SELECT MAX(number) FROM sectors") ?? 0) + 1)
            try db.execute(sql: "INSERT INTO sectors (number, state, seal_proof, created, updated) VALUES (?, ?, ?, ?, ?)",
                           arguments: [Int64(number), state.rawValue, sealProof, now.timeIntervalSince1970, now.timeIntervalSince1970])
            try self.log(db, number, now, kind: "event;sealing.SectorStartCC", "pledged a committed-capacity sector; state \(state.rawValue)")
            guard let r = try self.sectorIn(db, number) else { throw SealingStoreError.missing(number) }
            return r
        }
    }

    public func sector(_ number: UInt64) throws -> SectorRecord? {
        try queue.read { db in try self.sectorIn(db, number) }
    }

    public func sectors() throws -> [SectorRecord] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM sectors ORDER BY number").map(Self.decode) }
    }

    private func sectorIn(_ db: Database, _ number: UInt64) throws -> SectorRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM sectors WHERE number = ?", arguments: [Int64(number)]).map(Self.decode)
    }

    /// Applies `change` to the sector and moves it to `state` in one transaction, with a log
    /// entry (`kind` like Lotus' event names, `message` the reason or result).
    @discardableResult
    public func update(_ number: UInt64, to state: SealingState, kind: String, message: String, now: Date = Date(),
                       _ change: (inout SectorRecord) -> Void = { _ in }) throws -> SectorRecord {
        try queue.write { db in
            guard var r = try self.sectorIn(db, number) else { throw SealingStoreError.missing(number) }
            let from = r.state
            change(&r)
            r.state = state
            r.updated = now
            try db.execute(sql: """
                UPDATE sectors SET state = ?, ticket = ?, ticket_epoch = ?, comm_d = ?, comm_r = ?, precommit_message = ?, precommit_epoch = ?,
                    seed = ?, seed_epoch = ?, commit_proof = ?, commit_message = ?, retries = ?, last_error = ?, storage_id = ?, storage_path = ?,
                    last_worker = ?, updated = ? WHERE number = ?
                """, arguments: [state.rawValue, r.ticket.map { Data($0) }, r.ticketEpoch, r.commD, r.commR, r.preCommitMessage, r.preCommitEpoch,
                                 r.seed.map { Data($0) }, r.seedEpoch, r.commitProof.map { Data($0) }, r.commitMessage, r.retries, r.lastError,
                                 r.storageID, r.storagePath, r.lastWorker, now.timeIntervalSince1970, Int64(number)])
            let text = from == state ? message : "\(from.rawValue) → \(state.rawValue): \(message)"
            try self.log(db, number, now, kind: kind, text)
            return r
        }
    }

    private func log(_ db: Database, _ sector: UInt64, _ time: Date, kind: String, _ message: String) throws {
        try db.execute(sql: "INSERT INTO sector_log (sector, time, kind, message) VALUES (?, ?, ?, ?)",
                       arguments: [Int64(sector), time.timeIntervalSince1970, kind, message])
    }

    public func log(_ sector: UInt64) throws -> [SectorLogEntry] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sector_log WHERE sector = ? ORDER BY id", arguments: [Int64(sector)]).map {
                let s: Int64 = $0["sector"], t: Double = $0["time"]
                return SectorLogEntry(sector: UInt64(s), time: Date(timeIntervalSince1970: t), kind: $0["kind"], message: $0["message"])
            }
        }
    }

    public func lastLogTime(_ sector: UInt64) throws -> Date? {
        try queue.read { db in
            try Double.fetchOne(db, sql: "SELECT MAX(time) FROM sector_log WHERE sector = ?", arguments: [Int64(sector)]).map { Date(timeIntervalSince1970: $0) }
        }
    }

    static func decode(_ row: Row) -> SectorRecord {
        func bytes(_ k: String) -> [UInt8]? { (row[k] as Data?).map { [UInt8]($0) } }
        let n: Int64 = row["number"]
        let c: Double = row["created"], u: Double = row["updated"]
        return SectorRecord(number: UInt64(n), state: SealingState(rawValue: row["state"]) ?? .failedUnrecoverable, sealProof: row["seal_proof"],
                            ticket: bytes("ticket"), ticketEpoch: row["ticket_epoch"], commD: row["comm_d"], commR: row["comm_r"],
                            preCommitMessage: row["precommit_message"], preCommitEpoch: row["precommit_epoch"], seed: bytes("seed"),
                            seedEpoch: row["seed_epoch"], commitProof: bytes("commit_proof"), commitMessage: row["commit_message"],
                            retries: row["retries"], lastError: row["last_error"], storageID: row["storage_id"], storagePath: row["storage_path"],
                            lastWorker: row["last_worker"], created: Date(timeIntervalSince1970: c), updated: Date(timeIntervalSince1970: u))
    }
}

public enum SealingStoreError: Error, CustomStringConvertible {
    case missing(UInt64)
    public var description: String {
        switch self {
        case .missing(let n): "sector \(n) is not in the miner's sealing database"
        }
    }
}
