import CKernels

/// Commitments of all-zero padded pieces (spec §2.2): Z_0 = 32 zero bytes,
/// Z_{k+1} = trunc254(SHA256(Z_k || Z_k)); Z_k commits to 32·2^k zero bytes.
public enum ZeroCommitment {
    /// Largest level kept: 2^37 bytes (128 GiB), above the largest sector.
    public static let maxLevel = 32

    /// Z_0 ... Z_maxLevel.
    public static let table: [Commitment] = {
        var t = [Commitment.zero]
        var pair = [UInt8](repeating: 0, count: 64)
        for _ in 0..<maxLevel {
            pair.withUnsafeMutableBufferPointer { p in
                _ = ck_tree_d_parents(p.baseAddress!, p.baseAddress!, 1)
                (p.baseAddress! + 32).update(from: p.baseAddress!, count: 32)
            }
            t.append(Commitment(bytes: Array(pair[0..<32])))
        }
        return t
    }()

    /// Z for a size the caller already knows to be a power of two from 32 B to 2^37 B.
    static func of(size: UInt64) -> Commitment {
        precondition(size >= 32 && size & (size - 1) == 0 && size <= 32 << UInt64(maxLevel), "not a tree size")
        return table[size.trailingZeroBitCount - 5]
    }

    /// Z for a padded size (a power of two, 32 B … 2^37 B).
    public static func forPaddedSize(_ size: UInt64) throws(PieceSizeError) -> Commitment {
        guard size >= 32, size & (size - 1) == 0, size <= (32 << UInt64(maxLevel)) else {
            throw .notPowerOfTwo(size)
        }
        return of(size: size)
    }
}

public enum PieceSizeError: Error, Equatable, CustomStringConvertible {
    case notPowerOfTwo(UInt64)
    case tooSmall(UInt64)
    case tooLarge(UInt64)
    case exceedsSector(total: UInt64, sector: UInt64)
    case payloadTooSmall(UInt64)
    case payloadTooLarge

    public var description: String {
        switch self {
        case .notPowerOfTwo(let s): "padded size \(s) is not a power of two (128 B, 256 B, … 64 GiB)"
        case .tooSmall(let s): "padded piece size \(s) is below the minimum of 128 bytes"
        case .tooLarge(let s): "padded size \(s) is larger than the largest sector (64 GiB)"
        case .exceedsSector(let t, let s): "pieces total \(t) padded bytes, more than the sector size \(s)"
        case .payloadTooSmall(let n): "payload of \(n) bytes is too small: CommP needs at least 65 bytes"
        case .payloadTooLarge:
            "payload is larger than 68,182,605,824 bytes (a 64 GiB padded piece): it fits no sector"
        }
    }
}
