import Kernels

/// go-state-types `crypto.DomainSeparationTag`: the personalization of a randomness draw.
public enum DomainSeparationTag: Int, Sendable, CaseIterable {
    case ticketProduction = 1
    case electionProofProduction = 2
    case winningPoStChallengeSeed = 3
    case windowedPoStChallengeSeed = 4
    case sealRandomness = 5
    case interactiveSealChallengeSeed = 6
    case windowedPoStDeadlineAssignment = 7
    case marketDealCronSeed = 8
    case poStChainCommit = 9
    case evmPrevRandao = 10
}

/// Where a draw takes its base value from (Lotus `StateGetRandomnessFromTickets` /
/// `StateGetRandomnessFromBeacon`).
public enum RandomnessSource: String, Sendable {
    case tickets = "ticket"
    case beacon = "beacon"
}

/// The devnet's randomness. Every value is 32 bytes and a pure function of the chain seed:
///
///     ticket(e) = SHA-256(seed ‖ "ticket" ‖ BE64(e))        (the tipset ticket at height e)
///     beacon(e) = SHA-256(seed ‖ "beacon" ‖ BE64(e))        (the drand entry of round e)
///     draw(base, pers, e, entropy) = SHA-256(BE64(pers) ‖ SHA-256(base) ‖ BE64(e) ‖ entropy)
///
/// `draw` is Lotus' `DrawRandomnessFromBase` with SHA-256 in place of BLAKE2b-256 (same field
/// order: personalization, digest of the base, round, entropy). Draws for epochs below 0 use
/// the base of epoch 0 (as Lotus searches from genesis) but hash the requested epoch.
public enum ChainRandomness {
    public static func base(_ source: RandomnessSource, seed: [UInt8], epoch: ChainEpoch) -> [UInt8] {
        Kernels.SHA256.hash(seed + Array(source.rawValue.utf8) + be64(UInt64(bitPattern: max(0, epoch))))
    }

    public static func draw(base: [UInt8], personalization: Int, epoch: ChainEpoch, entropy: [UInt8]) -> [UInt8] {
        Kernels.SHA256.hash(be64(UInt64(bitPattern: Int64(personalization))) + Kernels.SHA256.hash(base)
            + be64(UInt64(bitPattern: epoch)) + entropy)
    }

    /// What a prover passes to the proofs library: the draw with its top two bits cleared so
    /// that it is a canonical field element (Lotus does `rand[31] &= 0x3f` before proving).
    public static func fieldElement(_ r: [UInt8]) -> [UInt8] {
        var out = r
        if out.count == 32 { out[31] &= 0x3f }
        return out
    }
}

func be64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * (7 - UInt64($0)))) } }

func beRead64(_ b: ArraySlice<UInt8>) -> UInt64 { b.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }

/// Filecoin ID addresses (`t0<id>`) and their binary forms.
public enum ChainAddress {
    /// "t01000" for actor 1000 (the devnet uses the testnet prefix t).
    public static func id(_ actorID: UInt64) -> String { "t0\(actorID)" }

    /// Parses "t01000", "f01000" or "1000".
    public static func actorID(_ address: String) throws(ChainError) -> UInt64 {
        var s = Substring(address)
        if s.hasPrefix("t0") || s.hasPrefix("f0") { s = s.dropFirst(2) }
        guard !s.isEmpty, s.allSatisfy(\.isASCII), s.allSatisfy(\.isNumber), let v = UInt64(s) else { throw .invalidAddress(address) }
        return v
    }

    /// `address.Bytes()` of an ID address: protocol byte 0, then the unsigned LEB128 of the id.
    public static func bytes(actorID: UInt64) -> [UInt8] { [0] + SealIDs.leb128(actorID) }

    /// The address as CBOR (a byte string): the entropy Lotus passes to randomness draws made
    /// for a miner (`maddr.MarshalCBOR`).
    public static func cbor(actorID: UInt64) -> [UInt8] {
        let b = bytes(actorID: actorID)
        return [0x40 | UInt8(b.count)] + b  // ID addresses are at most 11 bytes: short header
    }
}

/// Identifiers shaped like Lotus' block and message CIDs ("bafy2bzace…"): CIDv1, dag-cbor,
/// with the blake2b-256 multihash code, base32. They are NOT real CIDs: the 32 digest bytes
/// are SHA-256(seed ‖ tag ‖ BE64(n)), not the hash of any serialized object. They only name
/// tipsets, messages and blocks of this devnet deterministically.
public enum DevnetCID {
    public static func make(seed: [UInt8], tag: String, _ n: UInt64, extra: [UInt8] = []) -> String {
        let digest = Kernels.SHA256.hash(seed + Array(tag.utf8) + be64(n) + extra)
        return "b" + base32Lower([0x01, 0x71, 0xa0, 0xe4, 0x02, 0x20] + digest)
    }
}

/// RFC 4648 base32, lower case, no padding (multibase "b").
func base32Lower(_ bytes: [UInt8]) -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
    var out = ""
    var buffer: UInt32 = 0, bits = 0
    for b in bytes {
        buffer = buffer << 8 | UInt32(b)
        bits += 8
        while bits >= 5 {
            out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
            bits -= 5
        }
    }
    if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
    return out
}

/// go-bitfield's JSON form: run lengths, alternating unset/set, starting with an unset run.
public enum BitField {
    public static func runs(_ numbers: [UInt64]) -> [UInt64] {
        let sorted = Array(Set(numbers)).sorted()
        var runs: [UInt64] = []
        var next: UInt64 = 0
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count, sorted[j + 1] == sorted[j] + 1 { j += 1 }
            runs.append(sorted[i] - next)
            runs.append(sorted[j] - sorted[i] + 1)
            next = sorted[j] + 1
            i = j + 1
        }
        return runs
    }
}
