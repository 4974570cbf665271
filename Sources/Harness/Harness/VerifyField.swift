import Foundation
import Kernels

/// Handlers of the field and Poseidon families: fr, poseidon, poseidon-constants,
/// poseidon-merkle (schemas in each fixture file).
let fieldHandlers: [String: FamilyHandler] = [
    "fr": { ctx in
        let op = try ctx.string("op")
        func el(_ k: String) throws -> Fr { try ctx.fieldElement(k) }
        let result: Fr
        switch op {
        case "add": result = try el("a") + el("b")
        case "sub": result = try el("a") - el("b")
        case "mul": result = try el("a") * el("b")
        case "square": result = try el("a").squared()
        case "neg": result = -(try el("a"))
        case "inverse":
            guard let inv = try el("a").inverse() else { throw FieldCaseError("zero has no inverse") }
            result = inv
        case "pow":
            let e = try ctx.hexBytes("exp")
            guard e.count == 32 else { throw MalformedError("input.exp must be 32 bytes (64 hex characters)") }
            result = try el("a").pow(exponentLE: e)
        case "from_bytes":
            let b = try ctx.hexBytes("bytes")
            guard b.count == 32 else { throw MalformedError("input.bytes must be 32 bytes") }
            let v = try Fr(bytes: b)
            let dec = Decimal256.format(v.bytes)
            if let small = UInt64(dec), small < 1 << 53 { return .values(["value": .number(Double(small))]) }
            return .values(["value": .string(dec)])
        case "to_bytes":
            let text: String
            switch ctx.input["value"] {
            case .number(let d)? where d >= 0 && d == d.rounded() && d < 9_007_199_254_740_992: text = String(UInt64(d))
            case .string(let s)?: text = s
            default: throw MalformedError("input.value must be a whole number or a decimal string")
            }
            guard let b = Decimal256.parse(text) else { throw MalformedError("input.value is not a decimal integer below 2^256") }
            return .values(["bytes": .string(try Fr(bytes: b).hex)])
        default:
            throw MalformedError("input.op \"\(op)\" is not one of add, sub, mul, square, neg, inverse, pow, from_bytes, to_bytes")
        }
        return .values(["result": .string(result.hex)])
    },
    "poseidon": { ctx in
        let arity = Int(try ctx.uint("arity"))
        guard arity >= 1 && arity <= 64 else { throw MalformedError("input.arity must be 1...64") }
        let p = try ctx.poseidonParameters(arity: arity)
        let tag = try ctx.fieldElement("domain_tag")
        let pre = try ctx.fieldList("preimage")
        guard pre.count <= arity else { throw MalformedError("input.preimage has \(pre.count) elements, more than the arity \(arity)") }
        return .values(["hash": .string(Poseidon.hash(pre, tag: tag, parameters: p).hex)])
    },
    "poseidon-constants": { ctx in
        let arity = Int(try ctx.uint("arity"))
        guard arity >= 1 && arity <= 1000 else { throw MalformedError("input.arity must be 1...1000") }
        let strength = try ctx.strength()
        let (rf, rp) = PoseidonParameters.roundNumbers(width: arity + 1, strength: strength)
        var out: [String: JSONValue] = ["width": .number(Double(arity + 1)), "full_rounds": .number(Double(rf)),
                                        "partial_rounds": .number(Double(rp))]
        // Round numbers alone need no constants (widths up to 65 in the fixtures).
        let wanted = Set(ctx.expected.keys).subtracting(out.keys)
        if wanted.isEmpty { return .values(out) }
        guard arity <= 64 else { throw UnsupportedError("constants are generated for arity <= 64 (width <= 65)") }
        let p = try ctx.poseidonParameters(arity: arity)
        func list(_ xs: some Sequence<Fr>) -> JSONValue { .array(xs.map { .string($0.hex) }) }
        func digest(_ xs: [Fr]) -> JSONValue { .string(Hex.encode(SHA256.hash(xs.flatMap(\.bytes)))) }
        let t = p.width
        out["grain_init_bits"] = .string(p.grainInitBits.map(String.init).joined())
        out["round_constants_count"] = .number(Double(p.roundConstants.count))
        out["rejected_candidates"] = .number(Double(p.rejectedCandidates))
        out["round_constants_first_5"] = list(p.roundConstants.prefix(5))
        out["round_constants_last"] = .string(p.roundConstants[p.roundConstants.count - 1].hex)
        out["round_constants_sha256"] = digest(p.roundConstants)
        out["round_constants"] = list(p.roundConstants)
        out["mds_first_row"] = list(p.mds.prefix(t))
        out["mds_sha256"] = digest(p.mds)
        out["merkle_tree_tag"] = .string(Poseidon.Tag.merkleTree(arity: arity).hex)
        var state = [Poseidon.Tag.merkleTree(arity: arity)] + [Fr](repeating: .zero, count: arity)
        for i in 0..<t { state[i] += p.roundConstants[i] }
        state = state.map { $0.squared().squared() * $0 }
        state = (0..<t).map { j in (0..<t).reduce(Fr.zero) { $0 + state[$1] * p.mds[$1 * t + j] } }
        out["state_after_first_full_round_for_zero_preimage"] = list(state)
        out["compressed_round_constants_count"] = .number(Double(p.compressedRoundConstants.count))
        out["compressed_round_constants_first_5"] = list(p.compressedRoundConstants.prefix(5))
        out["compressed_round_constants_sha256"] = digest(p.compressedRoundConstants)
        out["pre_sparse_matrix_first_row"] = list(p.preSparseMatrix.prefix(t))
        out["pre_sparse_matrix_sha256"] = digest(p.preSparseMatrix)
        out["sparse_matrix_0_w_hat"] = list(p.sparseMatrices.prefix(t))
        out["sparse_matrix_0_v_rest"] = list(p.sparseMatrices[t..<(2 * t - 1)])
        out["sparse_matrices_sha256"] = digest(p.sparseMatrices)
        let table = p.supranationalTable
        out["supraseal_table_bytes"] = .number(Double(table.count))
        out["supraseal_table_sha256"] = .string(Hex.encode(SHA256.hash(table)))
        return .values(out)
    },
    "poseidon-merkle": { ctx in
        let shape = TreeShape(base: Int(try ctx.uint("base_arity")), sub: Int(try ctx.uint("sub_arity")),
                              top: Int(try ctx.uint("top_arity")))
        let leafCount = Int(try ctx.uint("leaf_count"))
        let column = Int(try ctx.uint("column_arity"))
        let pathLeaf = try ctx.uint("path_leaf")
        let elements = try ctx.fieldList("elements")
        var leaves = elements
        if column > 0 {
            guard elements.count == leafCount * column else {
                throw MalformedError("input.elements has \(elements.count) elements, expected leaf_count × column_arity = \(leafCount * column)")
            }
            leaves = Poseidon.hashMany(elements, arity: column, tag: Poseidon.Tag.merkleTree(arity: column),
                                       parameters: PoseidonParameters.standard(arity: column))
        }
        guard leaves.count == leafCount else {
            throw MalformedError("input.elements gives \(leaves.count) leaves, leaf_count says \(leafCount)")
        }
        // Built the way a sealed sector's tree is: leaves in a file, the tree files on disk.
        let dir = try TemporaryDirectory(prefix: "spbench-verify-tree")
        defer { dir.remove() }
        let leafFile = dir.path + "/leaves.dat"
        try Data(leaves.flatMap(\.bytes)).write(to: URL(fileURLWithPath: leafFile))
        let files = try PoseidonTreeFiles(directory: dir.path, name: "tree", shape: shape, leafCount: leafCount,
                                          storage: .allRows)
        let roots = try files.build(leafFile: leafFile, threads: ctx.options.threads)
        let proof = try files.proof(leaf: pathLeaf)
        guard proof.verify(root: roots.root, shape: shape, baseLevels: files.baseLevels, leafIndex: pathLeaf) else {
            throw FieldCaseError("the proof read back from disk does not verify")
        }
        var out: [String: JSONValue] = [
            "root": .string(roots.root.hex), "leaf": .string(proof.leaf.hex),
            "path": .array(proof.path.map { e in
                .object(["arity": .number(Double(e.arity)), "index": .number(Double(e.index)),
                         "siblings": .array(e.siblings.map { .string($0.hex) })])
            }),
        ]
        if shape.sub > 0 || shape.top > 0 { out["base_roots"] = .array(roots.baseRoots.map { .string($0.hex) }) }
        return .values(out)
    },
]

/// A case input the kernels reject for a reason other than a bad encoding.
struct FieldCaseError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

extension CaseContext {
    func hexBytes(_ key: String) throws -> [UInt8] {
        let s = try string(key)
        do { return try Hex.decode(s) } catch { throw MalformedError("input.\(key): \(error)") }
    }

    /// A field element: malformed when not 32 bytes of hex; FrError (a rejection) when >= r.
    func fieldElement(_ key: String) throws -> Fr { try Self.field(input[key], "input.\(key)") }

    static func field(_ v: JSONValue?, _ what: String) throws -> Fr {
        guard let s = v?.stringValue else { throw MalformedError("\(what) must be a hex string") }
        let b: [UInt8]
        do { b = try Hex.decode(s) } catch { throw MalformedError("\(what): \(error)") }
        guard b.count == 32 else { throw MalformedError("\(what) must be 32 bytes (64 hex characters), got \(b.count)") }
        return try Fr(bytes: b)
    }

    /// A list of field elements or the fr-sha256 generator of poseidon-merkle.json.
    func fieldList(_ key: String) throws -> [Fr] {
        switch input[key] {
        case .array(let a)?:
            return try a.enumerated().map { try Self.field($1, "input.\(key)[\($0)]") }
        case .object(let o)?:
            guard o["generator"]?.stringValue == "fr-sha256", let seed = o["seed"]?.stringValue,
                  let count = o["count"]?.uint64Value, count <= 1 << 24
            else { throw UnsupportedError("input.\(key): only {\"generator\": \"fr-sha256\", \"seed\", \"count\" <= 2^24} is implemented") }
            return try (0..<count).map { k in
                var d = SHA256.hash(Array(seed.utf8) + (0..<8).map { UInt8(truncatingIfNeeded: k >> (8 * UInt64($0))) })
                d[31] &= 0x3f
                return try Fr(bytes: d)
            }
        default:
            throw MalformedError("input.\(key) must be a list of field elements or a generator object")
        }
    }

    func strength() throws -> PoseidonStrength {
        let s = try string("strength")
        guard let v = PoseidonStrength(rawValue: s) else { throw MalformedError("input.strength must be \"standard\" or \"strengthened\", got \"\(s)\"") }
        return v
    }

    func poseidonParameters(arity: Int) throws -> PoseidonParameters {
        let s = try strength()
        return s == .standard ? PoseidonParameters.standard(arity: arity) : PoseidonParameters(arity: arity, strength: s)
    }
}

/// A directory under $TMPDIR (or /tmp), removed with remove().
struct TemporaryDirectory {
    let path: String

    init(prefix: String, base: String? = nil) throws {
        let base = base ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw IOError(path: base, operation: "create a temporary directory", code: errno)
        }
        path = String(cString: p)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
