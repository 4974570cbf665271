import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// The arities of a Filecoin Poseidon tree (porep-post.md §3, §6.3): uniform `base`-ary
/// base trees over consecutive leaf ranges, an optional `sub` layer over groups of base
/// roots and an optional `top` layer over the sub roots (0 = absent).
public struct TreeShape: Sendable, Hashable, CustomStringConvertible {
    public let base: Int
    public let sub: Int
    public let top: Int

    public init(base: Int = 8, sub: Int = 0, top: Int = 0) {
        self.base = base
        self.sub = sub
        self.top = top
    }

    /// 8-0-0, 8-8-0, 8-8-2 (and 8-2-0 of the test sizes).
    public var description: String { "\(base)-\(sub)-\(top)" }
    public var baseTreeCount: Int { max(sub, 1) * max(top, 1) }

    /// The shape rust-fil-proofs uses for tree_c and tree_r_last of a sector size.
    public static func forSector(bytes: UInt64) -> TreeShape? {
        switch bytes {
        case 2 << 10, 8 << 20, 512 << 20: TreeShape(base: 8)
        case 4 << 10, 16 << 20, 1 << 30: TreeShape(base: 8, sub: 2)
        case 16 << 10, 32 << 30: TreeShape(base: 8, sub: 8)
        case 32 << 10, 64 << 30: TreeShape(base: 8, sub: 8, top: 2)
        default: nil
        }
    }

    /// Levels of each base tree for `leafCount` leaves in all; throws unless the leaves
    /// split into baseTreeCount trees of base^k leaves (k >= 1).
    public func baseLevels(leafCount: Int) throws(PoseidonTreeError) -> Int {
        let trees = baseTreeCount
        guard base >= 2, sub >= 0, top >= 0, sub != 1, top != 1, leafCount > 0, leafCount % trees == 0 else {
            throw .badShape(self, leafCount: leafCount)
        }
        var n = leafCount / trees, levels = 0
        while n > 1 && n % base == 0 {
            n /= base
            levels += 1
        }
        guard n == 1, levels >= 1 else { throw .badShape(self, leafCount: leafCount) }
        return levels
    }

    /// rust-fil-proofs' rows_to_discard for tree_r_last (porep-post.md §3): from the row
    /// count of one base tree (log_base(leaves) + 1): <= 2 → 0, 3 → 1, else min(rows − 2, 2).
    public static func rowsToDiscard(baseLevels: Int) -> Int {
        let rows = baseLevels + 1
        if rows <= 2 { return 0 }
        if rows == 3 { return 1 }
        return min(rows - 2, 2)
    }
}

public enum PoseidonTreeError: Error, Equatable, CustomStringConvertible {
    case badShape(TreeShape, leafCount: Int)
    case nonCanonicalLeaf(index: UInt64, hex: String)
    case leafFileShort(path: String, needed: UInt64, size: UInt64)
    case treeFileSize(path: String, expected: UInt64, actual: UInt64)
    case treeMismatch(path: String, detail: String)
    case leafIndexOutOfRange(UInt64, leaves: UInt64)
    case storageNeedsLeafFile

    public var description: String {
        switch self {
        case .badShape(let s, let n):
            "\(n) leaves do not form shape \(s): they must split into \(s.baseTreeCount) base trees of \(s.base)^k leaves each"
        case .nonCanonicalLeaf(let i, let hex):
            "leaf \(i) (\(hex)) is not a canonical BLS12-381 Fr element (value >= r): the leaf file is not a replica or is corrupt"
        case .leafFileShort(let p, let need, let size):
            "\(p) holds \(size) bytes but the tree needs \(need) bytes of leaves: the file is truncated or the sector size is wrong"
        case .treeFileSize(let p, let e, let a):
            "\(p) is \(a) bytes, expected \(e) for this shape and storage: the tree file is truncated, from another sector size, or corrupt; rebuild it"
        case .treeMismatch(let p, let d): "\(p) does not match its leaves (\(d)): rebuild the tree"
        case .leafIndexOutOfRange(let i, let n): "leaf index \(i) is out of range (the tree has \(n) leaves)"
        case .storageNeedsLeafFile: "this tree does not store its leaves (rows were discarded): pass the leaf file (the replica)"
        }
    }
}

/// One level of an inclusion path (porep-post.md §9.4): the arity − 1 siblings in order,
/// without the node on the path, and the position of that node among them.
public struct PoseidonPathElement: Sendable, Equatable {
    public var siblings: [Fr]
    public var index: Int

    public init(siblings: [Fr], index: Int) {
        self.siblings = siblings
        self.index = index
    }

    public var arity: Int { siblings.count + 1 }

    /// Hash of the level's arity children with `current` inserted at `index`.
    func climb(_ current: Fr) -> Fr {
        var children = siblings
        children.insert(current, at: min(max(index, 0), siblings.count))
        return Poseidon.merkleHash(children)
    }
}

/// An inclusion proof of a leaf in a Poseidon tree of any shape.
public struct PoseidonMerkleProof: Sendable, Equatable {
    public var leaf: Fr
    public var root: Fr
    public var base: [PoseidonPathElement]
    public var sub: PoseidonPathElement?
    public var top: PoseidonPathElement?

    public init(leaf: Fr, root: Fr, base: [PoseidonPathElement], sub: PoseidonPathElement? = nil,
                top: PoseidonPathElement? = nil) {
        self.leaf = leaf
        self.root = root
        self.base = base
        self.sub = sub
        self.top = top
    }

    /// All levels from the leaf up.
    public var path: [PoseidonPathElement] { base + [sub, top].compactMap { $0 } }

    /// Σ index_i·base^i, plus sub_index·base^levels, plus top_index·base^levels·sub.
    public var leafIndex: UInt64 {
        var idx: UInt64 = 0, scale: UInt64 = 1
        for e in path {
            idx += UInt64(max(e.index, 0)) * scale
            scale *= UInt64(e.arity)
        }
        return idx
    }

    public func computedRoot() -> Fr { path.reduce(leaf) { $1.climb($0) } }

    /// The path is well formed (every index within its level) and climbs to `root`.
    public func verify() -> Bool {
        guard path.allSatisfy({ $0.index >= 0 && $0.index < $0.arity && $0.arity >= 2 }) else { return false }
        return computedRoot() == root
    }

    /// verify() plus what a PoSt verifier checks (§9.4): the expected root, shape and leaf index.
    public func verify(root expectedRoot: Fr, shape: TreeShape, baseLevels: Int, leafIndex expectedLeaf: UInt64) -> Bool {
        guard root == expectedRoot, base.count == baseLevels, base.allSatisfy({ $0.arity == shape.base }) else { return false }
        guard (shape.sub == 0) == (sub == nil), (shape.top == 0) == (top == nil) else { return false }
        if let s = sub, s.arity != shape.sub { return false }
        if let t = top, t.arity != shape.top { return false }
        return leafIndex == expectedLeaf && verify()
    }

    // MARK: bincode form of rust-fil-proofs' MerkleProof (porep-post.md §9.3)

    /// variant 0 (no sub/top): root | leaf | Path(base); 1: Path(base) | Path(sub) | root |
    /// leaf; 2: Path(base) | Path(sub) | Path(top) | root | leaf.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        func u64(_ v: Int) { out += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(v) >> (8 * UInt64($0))) } }
        func pathBytes(_ p: [PoseidonPathElement]) {
            u64(p.count)
            for e in p {
                u64(e.siblings.count)
                for s in e.siblings { out += s.bytes }
                u64(e.index)
            }
        }
        let variant: UInt32 = top != nil ? 2 : (sub != nil ? 1 : 0)
        out += (0..<4).map { UInt8(truncatingIfNeeded: variant >> (8 * UInt32($0))) }
        if variant == 0 {
            out += root.bytes + leaf.bytes
            pathBytes(base)
        } else {
            pathBytes(base)
            pathBytes(sub.map { [$0] } ?? [])
            if let t = top { pathBytes([t]) }
            out += root.bytes + leaf.bytes
        }
        return out
    }

    /// Decodes the bincode form; `consumed` tells how many bytes it used.
    public init(encoded b: [UInt8], consumed: inout Int) throws(PoseidonProofError) {
        try self.init(encoded: b, from: 0, consumed: &consumed)
    }

    /// Decodes the proof that starts at byte `start` of `b`.
    public init(encoded b: [UInt8], from start: Int, consumed: inout Int) throws(PoseidonProofError) {
        var pos = start
        func take(_ n: Int) throws(PoseidonProofError) -> ArraySlice<UInt8> {
            guard n >= 0, pos + n <= b.count else { throw .truncated(at: pos, need: n) }
            defer { pos += n }
            return b[pos..<(pos + n)]
        }
        func u64() throws(PoseidonProofError) -> UInt64 {
            try take(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        func count(_ what: String, max: UInt64) throws(PoseidonProofError) -> Int {
            let v = try u64()
            guard v <= max else { throw .implausibleCount(what, v) }
            return Int(v)
        }
        func element() throws(PoseidonProofError) -> Fr {
            do { return try Fr(bytes: try take(32)) } catch let e as FrError { throw .field(e.description) } catch { throw .field("\(error)") }
        }
        func path() throws(PoseidonProofError) -> [PoseidonPathElement] {
            let levels = try count("path levels", max: 64)
            var p: [PoseidonPathElement] = []
            for _ in 0..<levels {
                let n = try count("siblings", max: 64)
                var sib: [Fr] = []
                for _ in 0..<n { sib.append(try element()) }
                let idx = try u64()
                guard idx <= UInt64(n) else { throw .indexOutOfRange(Int(clamping: idx), arity: n + 1) }
                p.append(PoseidonPathElement(siblings: sib, index: Int(idx)))
            }
            return p
        }
        let variant = try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        switch variant {
        case 0:
            root = try element()
            leaf = try element()
            base = try path()
            sub = nil
            top = nil
        case 1, 2:
            base = try path()
            let s = try path()
            guard s.count == 1 else { throw .wrongPathLength("sub", s.count) }
            sub = s[0]
            if variant == 2 {
                let t = try path()
                guard t.count == 1 else { throw .wrongPathLength("top", t.count) }
                top = t[0]
            } else {
                top = nil
            }
            root = try element()
            leaf = try element()
        default:
            throw .unknownVariant(variant)
        }
        consumed = pos - start
    }
}

public enum PoseidonProofError: Error, Equatable, CustomStringConvertible {
    case truncated(at: Int, need: Int)
    case implausibleCount(String, UInt64)
    case indexOutOfRange(Int, arity: Int)
    case wrongPathLength(String, Int)
    case unknownVariant(UInt32)
    case field(String)

    public var description: String {
        switch self {
        case .truncated(let at, let n): "Merkle proof truncated: needs \(n) more bytes at offset \(at)"
        case .implausibleCount(let w, let v): "Merkle proof declares \(v) \(w): corrupt or not a Poseidon proof"
        case .indexOutOfRange(let i, let a): "Merkle path index \(i) is out of range for arity \(a)"
        case .wrongPathLength(let w, let n): "Merkle proof has \(n) \(w) levels, expected 1"
        case .unknownVariant(let v): "Merkle proof variant \(v) is not 0 (8-0-0), 1 (8-8-0) or 2 (8-8-2)"
        case .field(let why): "Merkle proof holds a bad field element: \(why)"
        }
    }
}

/// A Poseidon tree held in memory (fixtures, small sectors, tests).
public struct PoseidonTree: Sendable {
    public let shape: TreeShape
    public let leafCount: Int
    public let baseLevels: Int
    /// Per base tree, its rows from the leaves (row 0) up to its root.
    public let baseTrees: [[[Fr]]]
    public let baseRoots: [Fr]
    public let subRoots: [Fr]
    public let root: Fr

    public init(leaves: [Fr], shape: TreeShape) throws(PoseidonTreeError) {
        self.shape = shape
        leafCount = leaves.count
        baseLevels = try shape.baseLevels(leafCount: leaves.count)
        let n = leaves.count / shape.baseTreeCount
        let p = PoseidonParameters.standard(arity: shape.base)
        let tag = Poseidon.Tag.merkleTree(arity: shape.base)
        var trees: [[[Fr]]] = []
        for b in 0..<shape.baseTreeCount {
            var rows = [Array(leaves[(b * n)..<((b + 1) * n)])]
            while let last = rows.last, last.count > 1 {
                rows.append(Poseidon.hashMany(last, arity: shape.base, tag: tag, parameters: p))
            }
            trees.append(rows)
        }
        baseTrees = trees
        baseRoots = trees.map { $0[$0.count - 1][0] }
        subRoots = shape.sub == 0 ? baseRoots : PoseidonTree.groups(baseRoots, shape.sub)
        root = shape.top == 0 ? subRoots[0] : PoseidonTree.groups(subRoots, shape.top)[0]
    }

    static func groups(_ xs: [Fr], _ arity: Int) -> [Fr] {
        stride(from: 0, to: xs.count, by: arity).map { Poseidon.merkleHash(Array(xs[$0..<($0 + arity)])) }
    }

    public func proof(leaf: Int) throws(PoseidonTreeError) -> PoseidonMerkleProof {
        guard leaf >= 0 && leaf < leafCount else { throw .leafIndexOutOfRange(UInt64(max(leaf, 0)), leaves: UInt64(leafCount)) }
        let n = leafCount / shape.baseTreeCount
        let b = leaf / n
        var j = leaf % n
        var base: [PoseidonPathElement] = []
        for h in 0..<baseLevels {
            let row = baseTrees[b][h], g = j - j % shape.base
            base.append(PoseidonPathElement(siblings: (g..<(g + shape.base)).filter { $0 != j }.map { row[$0] }, index: j % shape.base))
            j /= shape.base
        }
        return PoseidonMerkleProof(leaf: baseTrees[b][0][leaf % n], root: root, base: base,
                                   sub: PoseidonTree.level(baseRoots, at: b, arity: shape.sub),
                                   top: PoseidonTree.level(subRoots, at: b / max(shape.sub, 1), arity: shape.top))
    }

    /// The sub/top path element of node `i` among `nodes` grouped by `arity` (nil if absent).
    static func level(_ nodes: [Fr], at i: Int, arity: Int) -> PoseidonPathElement? {
        guard arity > 0 else { return nil }
        let g = i - i % arity
        return PoseidonPathElement(siblings: (g..<(g + arity)).filter { $0 != i }.map { nodes[$0] }, index: i % arity)
    }
}
