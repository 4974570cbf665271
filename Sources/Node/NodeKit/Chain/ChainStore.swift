import Foundation
import GRDB
import Kernels

/// The devnet's SQLite schema (`<repo>/chain.sqlite`) and row decoding. Every state change of
/// `Devnet` runs in one write transaction, so a crash leaves the previous state.
enum ChainStore {
    static func open(path: String) throws -> DatabaseQueue {
        let queue = try durableQueue(path: path, label: "devnet-chain")
        try migrator.migrate(queue)
        return queue
    }

    /// A SQLite queue in WAL mode with full syncs: readers never block the writer, and a
    /// crash mid-write keeps the last commit (the chain's and the miner's databases).
    static func durableQueue(path: String, label: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.label = label
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return try DatabaseQueue(path: path, configuration: config)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-devnet") { db in
            try db.execute(sql: """
                CREATE TABLE chain (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    genesis_unix REAL NOT NULL,
                    block_time REAL NOT NULL,
                    seed BLOB NOT NULL,
                    challenge_window INTEGER NOT NULL,
                    precommit_delay INTEGER NOT NULL,
                    epoch_offset INTEGER NOT NULL DEFAULT 0,
                    next_actor_id INTEGER NOT NULL DEFAULT 1000,
                    next_nonce INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE miners (
                    actor_id INTEGER PRIMARY KEY,
                    owner TEXT NOT NULL,
                    worker TEXT NOT NULL,
                    sector_size INTEGER NOT NULL,
                    seal_proof INTEGER NOT NULL,
                    window_post_proof INTEGER NOT NULL,
                    winning_post_proof INTEGER NOT NULL,
                    period_offset INTEGER NOT NULL,
                    created_epoch INTEGER NOT NULL,
                    processed_through INTEGER NOT NULL,
                    blocks_won INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE sectors (
                    miner INTEGER NOT NULL REFERENCES miners(actor_id),
                    number INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    recovering INTEGER NOT NULL DEFAULT 0,
                    seal_proof INTEGER NOT NULL,
                    comm_r BLOB NOT NULL,
                    comm_d BLOB NOT NULL,
                    ticket BLOB NOT NULL,
                    ticket_epoch INTEGER NOT NULL,
                    precommit_epoch INTEGER NOT NULL,
                    seed_epoch INTEGER NOT NULL,
                    expiration INTEGER NOT NULL,
                    activation_epoch INTEGER,
                    deadline INTEGER,
                    partition INTEGER,
                    fault_reason TEXT,
                    fault_epoch INTEGER,
                    PRIMARY KEY (miner, number)
                );
                CREATE INDEX sectors_by_deadline ON sectors(miner, deadline, partition);
                CREATE TABLE proven_partitions (
                    miner INTEGER NOT NULL,
                    deadline INTEGER NOT NULL,
                    partition INTEGER NOT NULL,
                    window_open INTEGER NOT NULL,
                    message_id TEXT NOT NULL,
                    PRIMARY KEY (miner, deadline, partition, window_open)
                );
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY,
                    nonce INTEGER NOT NULL UNIQUE,
                    miner INTEGER NOT NULL,
                    method TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    exit_code INTEGER NOT NULL,
                    reason TEXT,
                    params TEXT NOT NULL
                );
                CREATE INDEX messages_by_miner ON messages(miner, nonce);
                CREATE TABLE blocks (
                    miner INTEGER NOT NULL,
                    epoch INTEGER NOT NULL,
                    cid TEXT NOT NULL,
                    sector INTEGER NOT NULL,
                    PRIMARY KEY (miner, epoch)
                );
                """)
        }
        return m
    }

    static func miner(_ row: Row) throws -> MinerInfo {
        let id: Int64 = row["actor_id"]
        return MinerInfo(actorID: UInt64(id), owner: row["owner"], worker: row["worker"],
                         sectorSize: UInt64(row["sector_size"] as Int64),
                         sealProof: try RegisteredSealProof(id: row["seal_proof"]),
                         windowPoStProof: try RegisteredPoStProof(id: row["window_post_proof"]),
                         winningPoStProof: try RegisteredPoStProof(id: row["winning_post_proof"]),
                         provingPeriodOffset: row["period_offset"], createdEpoch: row["created_epoch"], blocksWon: row["blocks_won"])
    }

    static func sector(_ row: Row) throws -> SectorOnChain {
        let state: String = row["state"]
        let commR: Data = row["comm_r"], commD: Data = row["comm_d"], ticket: Data = row["ticket"]
        return SectorOnChain(miner: UInt64(row["miner"] as Int64), number: UInt64(row["number"] as Int64),
                             state: SectorState(rawValue: state) ?? .terminated, recovering: (row["recovering"] as Int64) != 0,
                             sealProof: try RegisteredSealProof(id: row["seal_proof"]), commR: try Fr(bytes: [UInt8](commR)),
                             commD: Commitment(bytes: [UInt8](commD)), ticket: [UInt8](ticket), ticketEpoch: row["ticket_epoch"],
                             preCommitEpoch: row["precommit_epoch"], seedEpoch: row["seed_epoch"], expiration: row["expiration"],
                             activationEpoch: row["activation_epoch"], deadline: row["deadline"], partition: row["partition"],
                             faultReason: row["fault_reason"], faultEpoch: row["fault_epoch"])
    }

    static func message(_ row: Row, tipSetKey: (ChainEpoch) -> String) -> ChainMessage {
        let epoch: Int64 = row["epoch"]
        return ChainMessage(id: row["id"], nonce: UInt64(row["nonce"] as Int64), miner: UInt64(row["miner"] as Int64),
                            method: ChainMethod(rawValue: row["method"]) ?? .preCommitSector, epoch: epoch,
                            exitCode: row["exit_code"], reason: row["reason"], params: row["params"], tipSetKey: tipSetKey(epoch))
    }

    static func block(_ row: Row) -> MinedBlock {
        MinedBlock(miner: UInt64(row["miner"] as Int64), epoch: row["epoch"], cid: row["cid"], sector: UInt64(row["sector"] as Int64))
    }
}
