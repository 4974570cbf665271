/// The registered seal proofs of Filecoin (porep-post.md §3, §4; go-state-types numbering).
public struct RegisteredSealProof: Sendable, Hashable, CustomStringConvertible {
    public let id: Int

    public enum Feature: String, Sendable { case none, syntheticPoRep, nonInteractivePoRep }

    /// Sector sizes in id order within each group of five.
    public static let sectorSizes: [UInt64] = [2 << 10, 8 << 20, 512 << 20, 32 << 30, 64 << 30]
    static let sizeNames = ["2KiB", "8MiB", "512MiB", "32GiB", "64GiB"]

    public init(id: Int) throws(SealError) {
        guard (0...19).contains(id) else { throw .unknownProof("\(id)") }
        self.id = id
    }

    /// The proof of a sector size for an api version ("1.0.0", "1.1.0"; "1.2.0" with a feature).
    public init(sectorSize: UInt64, apiVersion: String = "1.1.0", feature: Feature = .none) throws(SealError) {
        guard let s = RegisteredSealProof.sectorSizes.firstIndex(of: sectorSize) else { throw .sectorSizeUnsupported(sectorSize) }
        switch (apiVersion, feature) {
        case ("1.0.0", .none): id = s
        case ("1.1.0", .none): id = 5 + s
        case ("1.2.0", .syntheticPoRep): id = 10 + s
        case ("1.2.0", .nonInteractivePoRep): id = 15 + s
        default: throw .unknownProof("api \(apiVersion) with feature \(feature.rawValue)")
        }
    }

    /// Parses "2KiB", "8MiB", "512MiB", "32GiB", "64GiB" (or a byte count).
    public static func parseSectorSize(_ s: String) throws(SealError) -> UInt64 {
        if let i = sizeNames.firstIndex(where: { $0.lowercased() == s.lowercased() }) { return sectorSizes[i] }
        if let v = UInt64(s), sectorSizes.contains(v) { return v }
        throw .sectorSizeUnsupported(UInt64(s) ?? 0)
    }

    var sizeIndex: Int { id % 5 }
    public var sectorSize: UInt64 { RegisteredSealProof.sectorSizes[sizeIndex] }
    public var nodes: Int { Int(sectorSize / 32) }
    /// api version: 1.0.0 for 0–4, 1.1.0 for 5–9, 1.2.0 for 10–19.
    public var apiVersion: String { id < 5 ? "1.0.0" : (id < 10 ? "1.1.0" : "1.2.0") }
    public var feature: Feature { id < 10 ? .none : (id < 15 ? .syntheticPoRep : .nonInteractivePoRep) }
    /// The api 1.0.0 graph (predecessor last, u32-truncated expander parents).
    public var isLegacy: Bool { id < 5 }
    /// SDR layers: 2 for the test sizes, 11 for 32 and 64 GiB.
    public var layers: Int { sectorSize >= 32 << 30 ? 11 : 2 }
    public var treeShape: TreeShape { TreeShape.forSector(bytes: sectorSize) ?? TreeShape(base: 8) }

    /// porep_id = LE64(id) || LE64(0) || 16 zero bytes.
    public var porepID: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: UInt64(id) >> (8 * UInt64($0))) } + [UInt8](repeating: 0, count: 24) }

    public var name: String {
        let size = RegisteredSealProof.sizeNames[sizeIndex]
        switch id / 5 {
        case 0: return "StackedDrg\(size)V1"
        case 1: return "StackedDrg\(size)V1_1"
        case 2: return "StackedDrg\(size)V1_1_Feat_SyntheticPoRep"
        default: return "StackedDrg\(size)V1_2_Feat_NonInteractivePoRep"
        }
    }

    public var description: String { name }
}

/// Identifiers hashed into a sealed sector (porep-post.md §4.3, §4.4).
public enum SealIDs {
    /// prover_id: the unsigned LEB128 of the miner actor id, zero-padded to 32 bytes.
    public static func proverID(actorID: UInt64) -> [UInt8] {
        let out = leb128(actorID)
        return out + [UInt8](repeating: 0, count: 32 - out.count)
    }

    /// Unsigned LEB128 (the payload of an ID address).
    public static func leb128(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var v = value
        repeat {
            var b = UInt8(v & 0x7f)
            v >>= 7
            if v != 0 { b |= 0x80 }
            out.append(b)
        } while v != 0
        return out
    }

    /// replica_id = trunc254(SHA256(prover_id || BE64(sector) || ticket || comm_d || porep_id)).
    public static func replicaID(proverID: [UInt8], sectorNumber: UInt64, ticket: [UInt8], commD: [UInt8],
                                 porepID: [UInt8]) -> [UInt8] {
        precondition(proverID.count == 32 && ticket.count == 32 && commD.count == 32 && porepID.count == 32)
        let be = (0..<8).map { UInt8(truncatingIfNeeded: sectorNumber >> (8 * UInt64(7 - $0))) }
        var d = SHA256.hash(proverID + be + ticket + commD + porepID)
        d[31] &= 0x3f
        return d
    }
}

public enum SealError: Error, Equatable, CustomStringConvertible {
    case sectorSizeUnsupported(UInt64)
    case unknownProof(String)
    case unsealedSize(path: String, expected: UInt64, actual: UInt64)
    case parentCacheDigest(path: String, expected: String, actual: String)
    case layerFile(path: String, detail: String)
    case noSpace(path: String, needed: UInt64, available: UInt64)
    case sealedFileSize(path: String, expected: UInt64, actual: UInt64)
    case piecesExceedSector(piece: String, end: UInt64, sectorSize: UInt64)
    case pieceChanged(piece: String)
    case commDMismatch(fromPieces: String, fromData: String)

    public var description: String {
        switch self {
        case .sectorSizeUnsupported(let s):
            "sector size \(s) is not one of 2KiB, 8MiB, 512MiB, 32GiB, 64GiB; pass --sector-size"
        case .unknownProof(let what): "unknown registered seal proof \(what): ids are 0-19 (go-state-types numbering)"
        case .unsealedSize(let p, let e, let a):
            "\(p) holds \(a) bytes; an unsealed sector of this size is \(e) bytes of Fr32-padded data (or \(e / 128 * 127) bytes before padding)"
        case .parentCacheDigest(let p, let e, let a): "parent cache \(p) has SHA-256 \(a), expected \(e): corrupt; it is rebuilt"
        case .layerFile(let p, let d): "layer file \(p): \(d)"
        case .noSpace(let p, let need, let have):
            "\(p) has \(have) bytes free but sealing needs about \(need): free space or pass another --dir"
        case .sealedFileSize(let p, let e, let a): "sealed file \(p) is \(a) bytes, expected \(e)"
        case .piecesExceedSector(let p, let end, let s):
            "\(p) would end at padded byte \(end) (pieces are aligned to their padded size) but the sector holds \(s): nothing was written"
        case .pieceChanged(let p): "\(p) grew while it was being written into the sector; the unsealed file was removed"
        case .commDMismatch(let a, let b): "CommD from the pieces is \(a) but the unsealed data's tree_d root is \(b)"
        }
    }
}
