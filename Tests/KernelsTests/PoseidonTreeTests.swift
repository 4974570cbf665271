import CKernels
import Foundation
import Testing
@testable import Kernels

private func tempDir(_ name: String = #function) throws -> String {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("spbench-ptree-\(name.filter(\.isLetter))-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    return base.path
}

/// Leaves as the fixtures' fr-sha256 generator makes them.
private func leaves(_ seed: String, _ n: Int) throws -> [Fr] {
    try (0..<n).map { k in
        var d = SHA256.hash(Array(seed.utf8) + (0..<8).map { UInt8(truncatingIfNeeded: UInt64(k) >> (8 * UInt64($0))) })
        d[31] &= 0x3f
        return try Fr(bytes: d)
    }
}

private func writeLeaves(_ xs: [Fr], _ path: String) throws {
    try Data(xs.flatMap(\.bytes)).write(to: URL(fileURLWithPath: path))
}

/// poseidon-merkle.json through the in-memory tree (the verify family runs the on-disk one).
@Test func poseidonMerkleFixturesInMemory() throws {
    for c in try fixture("poseidon-merkle.json") {
        let name = try str(c, "name")
        let input = try #require(c["input"] as? [String: Any])
        let e = try #require(c["expected"] as? [String: Any])
        let shape = TreeShape(base: try #require(input["base_arity"] as? Int), sub: try #require(input["sub_arity"] as? Int),
                              top: try #require(input["top_arity"] as? Int))
        let column = try #require(input["column_arity"] as? Int)
        let leafCount = try #require(input["leaf_count"] as? Int)
        var elems: [Fr]
        if let list = input["elements"] as? [String] {
            elems = try list.map { try Fr(hex: $0) }
        } else {
            let g = try #require(input["elements"] as? [String: Any])
            elems = try leaves(try str(g, "seed"), try #require(g["count"] as? Int))
        }
        if column > 0 {
            elems = Poseidon.hashMany(elems, arity: column, tag: Poseidon.Tag.merkleTree(arity: column),
                                      parameters: .standard(arity: column))
        }
        #expect(elems.count == leafCount)
        let tree = try PoseidonTree(leaves: elems, shape: shape)
        #expect(tree.root.hex == e["root"] as? String, "\(name)")
        let leaf = try #require(input["path_leaf"] as? Int)
        let proof = try tree.proof(leaf: leaf)
        #expect(proof.leaf.hex == e["leaf"] as? String, "\(name)")
        #expect(proof.verify(root: tree.root, shape: shape, baseLevels: tree.baseLevels, leafIndex: UInt64(leaf)), "\(name)")
        let path = try #require(e["path"] as? [[String: Any]])
        #expect(path.count == proof.path.count)
        for (want, got) in zip(path, proof.path) {
            #expect(want["index"] as? Int == got.index && want["arity"] as? Int == got.arity, "\(name)")
            #expect(want["siblings"] as? [String] == got.siblings.map(\.hex), "\(name)")
        }
        if let br = e["base_roots"] as? [String] { #expect(br == tree.baseRoots.map(\.hex), "\(name)") }
    }
}

/// The file sizes rust-fil-proofs writes (porep-post.md §3), from the geometry alone.
@Test func onDiskSizesMatchRustFilProofs() throws {
    func files(_ sector: UInt64, _ storage: (Int) -> TreeStorage) throws -> PoseidonTreeFiles {
        let shape = try #require(TreeShape.forSector(bytes: sector))
        let n = Int(sector / 32)
        let levels = try shape.baseLevels(leafCount: n)
        return try PoseidonTreeFiles(directory: "/nonexistent", name: "tree-r-last", shape: shape, leafCount: n,
                                     storage: storage(levels))
    }
    let cache: (Int) -> TreeStorage = { .levelCache(rowsToDiscard: TreeShape.rowsToDiscard(baseLevels: $0)) }
    #expect(try files(2 << 10, cache).fileBytes == 1 * 32)
    #expect(try files(8 << 20, cache).fileBytes == 585 * 32)
    #expect(try files(512 << 20, cache).fileBytes == 37_449 * 32)
    #expect(try files(32 << 30, cache).fileBytes == 299_593 * 32)
    #expect(try files(64 << 30, cache).fileBytes == 299_593 * 32)
    #expect(try files(32 << 30, { _ in .allRows }).fileBytes == 4_908_534_048)
    #expect(try files(32 << 30, cache).shape.baseTreeCount == 8)
    #expect(TreeShape.rowsToDiscard(baseLevels: 2) == 1 && TreeShape.rowsToDiscard(baseLevels: 9) == 2)
    let f = try files(64 << 30, cache)
    #expect(f.path(baseTree: 15) == "/nonexistent/sc-02-data-tree-r-last-15.dat")
    #expect(try files(512 << 20, cache).path(baseTree: 0) == "/nonexistent/sc-02-data-tree-r-last.dat")
}

/// On-disk trees of every compound shape, both storages, equal the in-memory tree; every
/// proof read from disk verifies and equals the in-memory proof.
@Test(arguments: [(TreeShape(base: 8), 512), (TreeShape(base: 8, sub: 2), 1024), (TreeShape(base: 8, sub: 8), 512),
                  (TreeShape(base: 8, sub: 8, top: 2), 8192), (TreeShape(base: 2), 64), (TreeShape(base: 8), 32768)])
func diskTreesEqualMemoryTrees(shape: TreeShape, leafCount: Int) throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let xs = try leaves("disk-\(shape)", leafCount)
    let leafFile = dir + "/sealed.dat"
    try writeLeaves(xs, leafFile)
    let mem = try PoseidonTree(leaves: xs, shape: shape)
    let levels = mem.baseLevels
    for storage in [TreeStorage.allRows, .levelCache(rowsToDiscard: TreeShape.rowsToDiscard(baseLevels: levels))] {
        let files = try PoseidonTreeFiles(directory: dir, name: "tree-r-last", shape: shape, leafCount: leafCount, storage: storage)
        for threads in [1, 2] {
            let roots = try files.build(leafFile: leafFile, threads: threads)
            #expect(roots.root == mem.root && roots.baseRoots == mem.baseRoots, "\(shape) \(storage) threads \(threads)")
        }
        for b in 0..<shape.baseTreeCount {
            let attrs = try FileManager.default.attributesOfItem(atPath: files.path(baseTree: b))
            #expect((attrs[.size] as? NSNumber)?.uint64Value == files.fileBytes)
        }
        if storage == .allRows, shape.baseTreeCount == 1 {
            // leaves first, then each row, root last
            let bytes = try Data(contentsOf: URL(fileURLWithPath: files.path(baseTree: 0)))
            #expect(Array(bytes) == mem.baseTrees[0].flatMap { $0.flatMap(\.bytes) })
        }
        for leaf in [0, 1, leafCount / 3, leafCount - 1] {
            let p = try files.proof(leaf: UInt64(leaf), leafFile: leafFile)
            #expect(p == (try mem.proof(leaf: leaf)), "\(shape) leaf \(leaf)")
            #expect(p.verify(root: mem.root, shape: shape, baseLevels: levels, leafIndex: UInt64(leaf)))
        }
    }
}

@Test func proofEncodingRoundTripsAndRejectsDamage() throws {
    for (shape, n) in [(TreeShape(base: 8), 64), (TreeShape(base: 8, sub: 8), 512), (TreeShape(base: 8, sub: 8, top: 2), 1024)] {
        let tree = try PoseidonTree(leaves: try leaves("enc", n), shape: shape)
        let p = try tree.proof(leaf: n - 5)
        let bytes = p.encoded
        var used = 0
        let q = try PoseidonMerkleProof(encoded: bytes, consumed: &used)
        #expect(q == p && used == bytes.count)
        #expect(bytes[0] == (shape.top > 0 ? 2 : shape.sub > 0 ? 1 : 0))
        for cut in [0, 3, 4, 40, bytes.count - 1] {
            #expect(throws: PoseidonProofError.self) { _ = try PoseidonMerkleProof(encoded: Array(bytes[0..<cut]), consumed: &used) }
        }
        var bad = bytes
        bad[0] = 7
        #expect(throws: PoseidonProofError.self) { _ = try PoseidonMerkleProof(encoded: bad, consumed: &used) }
    }
    // Variant 0 of a 2 KiB tree: 4 + 32 + 32 + 8 + 2 * (8 + 7 * 32 + 8) bytes.
    let small = try PoseidonTree(leaves: try leaves("enc2", 64), shape: TreeShape(base: 8))
    #expect(try small.proof(leaf: 9).encoded.count == 4 + 64 + 8 + 2 * (8 + 7 * 32 + 8))
}

@Test func tamperedProofsAreRejected() throws {
    let shape = TreeShape(base: 8, sub: 8)
    let tree = try PoseidonTree(leaves: try leaves("tamper", 512), shape: shape)
    let good = try tree.proof(leaf: 100)
    #expect(good.verify(root: tree.root, shape: shape, baseLevels: 2, leafIndex: 100))
    var p = good
    p.base[0].index = 8 // out of range
    #expect(!p.verify())
    p = good
    p.base.removeLast() // wrong path length
    #expect(!p.verify(root: tree.root, shape: shape, baseLevels: 2, leafIndex: 100))
    p = good
    p.base[1].siblings[3] += .one
    #expect(!p.verify())
    p = good
    p.leaf += .one
    #expect(!p.verify())
    #expect(!good.verify(root: tree.root, shape: shape, baseLevels: 2, leafIndex: 101)) // another challenge
    #expect(!good.verify(root: tree.root + .one, shape: shape, baseLevels: 2, leafIndex: 100))
    #expect(throws: PoseidonTreeError.self) { _ = try tree.proof(leaf: 512) }
}

@Test func badTreeInputsGiveClearErrors() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let xs = try leaves("bad", 512)
    let leafFile = dir + "/sealed.dat"
    try writeLeaves(xs, leafFile)
    #expect(throws: PoseidonTreeError.self) { _ = try PoseidonTreeFiles(directory: dir, name: "t", shape: TreeShape(base: 8), leafCount: 500, storage: .allRows) }
    #expect(throws: PoseidonTreeError.self) { _ = try PoseidonTree(leaves: Array(xs.prefix(100)), shape: TreeShape(base: 8, sub: 8)) }
    // Leaf file shorter than the tree needs.
    let big = try PoseidonTreeFiles(directory: dir, name: "big", shape: TreeShape(base: 8), leafCount: 4096, storage: .allRows)
    #expect(throws: PoseidonTreeError.leafFileShort(path: leafFile, needed: 4096 * 32, size: 512 * 32)) { try big.build(leafFile: leafFile) }
    // A non-canonical leaf (value >= r) is named by its index.
    var raw = xs.flatMap(\.bytes)
    for i in 0..<32 { raw[300 * 32 + i] = 0xff }
    let corrupt = dir + "/corrupt.dat"
    try Data(raw).write(to: URL(fileURLWithPath: corrupt))
    let files = try PoseidonTreeFiles(directory: dir, name: "tree-r-last", shape: TreeShape(base: 8), leafCount: 512,
                                      storage: .levelCache(rowsToDiscard: 1))
    #expect(throws: PoseidonTreeError.nonCanonicalLeaf(index: 300, hex: String(repeating: "ff", count: 32))) {
        try files.build(leafFile: corrupt)
    }
    // A good build, then a truncated tree file and a replica that no longer matches.
    try files.build(leafFile: leafFile)
    #expect(throws: PoseidonTreeError.storageNeedsLeafFile) { _ = try files.proof(leaf: 3) }
    var replica = xs
    replica[70] = replica[70] + .one
    let changed = dir + "/changed.dat"
    try writeLeaves(replica, changed)
    #expect(throws: PoseidonTreeError.self) { _ = try files.proof(leaf: 70, leafFile: changed) }
    _ = try files.proof(leaf: 300, leafFile: changed) // other subtrees still prove
    let fh = try FileHandle(forWritingTo: URL(fileURLWithPath: files.path(baseTree: 0)))
    try fh.truncate(atOffset: files.fileBytes - 32)
    try fh.close()
    #expect(throws: PoseidonTreeError.treeFileSize(path: files.path(baseTree: 0), expected: files.fileBytes, actual: files.fileBytes - 32)) {
        _ = try files.proof(leaf: 3, leafFile: leafFile)
    }
    #expect(throws: IOError.self) { _ = try files.build(leafFile: dir + "/missing.dat") }
    #expect(throws: (any Error).self) { _ = try files.proof(leaf: 512, leafFile: leafFile) }
}

@Test func poseidonPathsAgreeWithEachOther() throws {
    let p = PoseidonParameters.arity8
    let xs = try leaves("paths", 8 * 40)
    let batch = Poseidon.hashMany(xs, arity: 8, tag: Poseidon.Tag.merkleTree(arity: 8), parameters: p)
    var portable = [ck_fr](repeating: ck_fr(), count: 40)
    var tag = Poseidon.Tag.merkleTree(arity: 8).raw
    let raw = xs.map(\.raw)
    let st = p.withParams(arity: 8) { params in ck_poseidon_hash_many_portable(&portable, params, &tag, raw, 40) }
    #expect(st == CK_OK)
    #expect(portable.map { Fr(raw: $0) } == batch)
    if ck_cpu_features() & UInt32(CK_CPU_ADX) != 0 {
        var adx = [ck_fr](repeating: ck_fr(), count: 40)
        let s2 = p.withParams(arity: 8) { params in ck_poseidon_hash_many_adx(&adx, params, &tag, raw, 40) }
        #expect(s2 == CK_OK && adx.map { Fr(raw: $0) } == batch)
    }
    for h in 0..<40 {
        var state = [Poseidon.Tag.merkleTree(arity: 8)] + Array(xs[(8 * h)..<(8 * h + 8)])
        Poseidon.permuteReference(&state, parameters: p)
        #expect(state[1] == batch[h])
    }
    // The byte row kernel equals the element kernel and rejects a non-canonical input.
    var bytes = xs.flatMap(\.bytes)
    var out = [UInt8](repeating: 0, count: 40 * 32)
    try bytes.withUnsafeBytes { i in try out.withUnsafeMutableBytes { o in try Poseidon.merkleRow(arity: 8, input: i, output: o) } }
    #expect(out == batch.flatMap(\.bytes))
    bytes[5 * 32 + 31] = 0x80
    #expect(throws: FrError.self) {
        try bytes.withUnsafeBytes { i in try out.withUnsafeMutableBytes { o in try Poseidon.merkleRow(arity: 8, input: i, output: o) } }
    }
}
