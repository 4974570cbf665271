import CKernels

/// Poseidon over BLS12-381 Fr exactly as neptune computes it: state = [tag, inputs…, 0…],
/// output = state[1] after the permutation (poseidon.md §5).
public enum Poseidon {
    /// Domain tags (neptune 11, what Filecoin runs).
    public enum Tag {
        /// MerkleTree: 2^arity − 1 (every tree node, column hash and comm_r).
        public static func merkleTree(arity: Int) -> Fr { Fr.powerOfTwo(arity) - .one }
        /// ConstantLength(l): l·2^64.
        public static func constantLength(_ l: Int) -> Fr { Fr(UInt64(l)) * Fr.powerOfTwo(64) }
        /// Custom(Arbitrary(i)): i·2^40 (SnapDeals uses i = 1).
        public static func custom(_ i: Int) -> Fr { Fr(UInt64(i)) * Fr.powerOfTwo(40) }
    }

    /// Hashes `inputs` (at most `parameters.arity` elements; zero-padded) under `tag`.
    public static func hash(_ inputs: [Fr], tag: Fr, parameters p: PoseidonParameters) -> Fr {
        precondition(inputs.count <= p.arity, "Poseidon of width \(p.width) takes at most \(p.arity) inputs")
        var state = [tag] + inputs + [Fr](repeating: .zero, count: p.arity - inputs.count)
        permute(&state, parameters: p)
        return state[1]
    }

    /// The MerkleTree-tagged hash of exactly `arity` children (Filecoin's tree nodes).
    public static func merkleHash(_ children: [Fr]) -> Fr {
        let p = PoseidonParameters.standard(arity: children.count)
        return hash(children, tag: Tag.merkleTree(arity: children.count), parameters: p)
    }

    /// Runs the optimized permutation over a full state (width elements).
    public static func permute(_ state: inout [Fr], parameters p: PoseidonParameters) {
        run(ck_poseidon_permute, &state, p)
    }

    /// The plain reference form of poseidon.md §7 (a slow oracle for tests).
    public static func permuteReference(_ state: inout [Fr], parameters p: PoseidonParameters) {
        run(ck_poseidon_permute_reference, &state, p)
    }

    private static func run(_ kernel: (UnsafeMutablePointer<ck_fr>?, UnsafePointer<ck_poseidon_params>?) -> Int32,
                            _ state: inout [Fr], _ p: PoseidonParameters) {
        precondition(state.count == p.width, "the state has \(p.width) elements")
        var raw = state.map(\.raw)
        let status = p.withParams(arity: p.arity) { params in
            raw.withUnsafeMutableBufferPointer { kernel($0.baseAddress, params) }
        }
        precondition(status == CK_OK, "Poseidon parameters rejected by the kernel")
        state = raw.map { Fr(raw: $0) }
    }

    /// Many independent hashes in one kernel call: inputs holds count·arity elements.
    public static func hashMany(_ inputs: [Fr], arity: Int, tag: Fr, parameters p: PoseidonParameters) -> [Fr] {
        precondition(arity >= 1 && arity <= p.arity && inputs.count % arity == 0)
        let n = inputs.count / arity
        var out = [ck_fr](repeating: ck_fr(), count: n)
        let raw = inputs.map(\.raw)
        var t = tag.raw
        let status = p.withParams(arity: arity) { params in
            raw.withUnsafeBufferPointer { i in
                out.withUnsafeMutableBufferPointer { o in
                    ck_poseidon_hash_many(o.baseAddress, params, &t, i.baseAddress, n)
                }
            }
        }
        precondition(status == CK_OK, "Poseidon parameters rejected by the kernel")
        return out.map { Fr(raw: $0) }
    }

    /// MerkleTree-tagged hashes of consecutive groups of `arity` 32-byte canonical
    /// encodings: `input` holds count·arity·32 bytes and `output` gets count·32 bytes
    /// (they may be the same memory). Throws on a non-canonical element.
    public static func merkleRow(arity: Int, input: UnsafeRawBufferPointer,
                                 output: UnsafeMutableRawBufferPointer) throws(FrError) {
        precondition(input.count % (32 * arity) == 0, "a row is a whole number of \(arity)-element groups")
        if let bad = merkleRowIndexed(arity: arity, input: input, output: output) {
            throw .nonCanonical(Hex.encode(UnsafeRawBufferPointer(rebasing: input[(bad * 32)..<(bad * 32 + 32)])))
        }
    }
}

extension Poseidon {
    /// merkleRow without the throw: returns the index of the first non-canonical input
    /// element, or nil when the whole row was hashed.
    static func merkleRowIndexed(arity: Int, input: UnsafeRawBufferPointer,
                                 output: UnsafeMutableRawBufferPointer) -> Int? {
        let n = input.count / (32 * arity)
        precondition(input.count == n * 32 * arity && output.count >= 32 * n)
        if n == 0 { return nil }
        let p = PoseidonParameters.standard(arity: arity)
        var tag = Tag.merkleTree(arity: arity).raw
        var bad = 0
        let status = p.withParams(arity: arity) { params in
            ck_poseidon_hash_many_bytes(
                output.baseAddress?.assumingMemoryBound(to: UInt8.self), params, &tag,
                input.baseAddress?.assumingMemoryBound(to: UInt8.self), n, &bad)
        }
        if status == CK_E_NONCANONICAL { return bad }
        precondition(status == CK_OK, "Poseidon parameters rejected by the kernel")
        return nil
    }
}

extension PoseidonParameters {
    /// Calls body with the kernel's view of these constants (valid only inside body).
    func withParams<R>(arity: Int, _ body: (UnsafePointer<ck_poseidon_params>) -> R) -> R {
        optimizedTable.withUnsafeBufferPointer { opt in
            roundConstantTable.withUnsafeBufferPointer { rc in
                var params = ck_poseidon_params(
                    width: UInt32(width), full_rounds: UInt32(fullRounds),
                    partial_rounds: UInt32(partialRounds), arity: UInt32(arity),
                    optimized: opt.baseAddress, round_constants: rc.baseAddress)
                return body(&params)
            }
        }
    }
}
