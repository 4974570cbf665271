import Foundation
import Testing
@testable import Kernels

/// Reads a fixture file of the project (expected values from upstream sources named in it).
func fixture(_ name: String) throws -> [[String: Any]] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
    return try #require(obj?["cases"] as? [[String: Any]])
}

func hexBytes(_ s: String) throws -> [UInt8] { try Hex.decode(s) }

@Test func zeroCommitmentsMatchGoCommpUtils() throws {
    for c in try fixture("zero-commitment.json") {
        let input = try #require(c["input"] as? [String: Any]), exp = try #require(c["expected"] as? [String: Any])
        let size = try #require((input["padded_size"] as? NSNumber)?.uint64Value)
        let z = try ZeroCommitment.forPaddedSize(size)
        #expect(z.hex == exp["commitment"] as? String)
        #expect(PieceCID.encode(z, kind: .unsealed) == exp["piece_cid"] as? String)
    }
}

@Test func fr32PadMatchesFixtureAndRoundTrips() throws {
    for c in try fixture("fr32.json") {
        let input = try #require(c["input"] as? [String: Any]), exp = try #require(c["expected"] as? [String: Any])
        guard input["direction"] as? String == "unpad" else { continue }
        let data = try hexBytes(try #require((input["data"] as? [String: Any])?["hex"] as? String))
        let un = try Fr32.unpad(data)
        #expect(Hex.encode(SHA256.hash(un)) == exp["unpadded_sha256"] as? String)
        #expect(un.count == (exp["unpadded_length"] as? NSNumber)?.intValue)
        #expect(Fr32.pad(un) == data)
    }
}

@Test func fr32PartialBlocksFollowFr32Reader() {
    // spec §1.3: 30 bytes → 32; 32 × 0xFF → 64 with out[31]=0x3F, out[32]=0x03; 68 → 96.
    #expect(Fr32.pad([UInt8](repeating: 7, count: 30)).count == 32)
    let ff = Fr32.pad([UInt8](repeating: 0xFF, count: 32))
    #expect(ff.count == 64 && ff[31] == 0x3F && ff[32] == 0x03)
    #expect(Fr32.pad([UInt8](repeating: 1, count: 68)).count == 96)
    #expect(Fr32.paddedSize(unpadded: 34_091_302_912) == 34_359_738_368)
    #expect(Fr32.unpaddedSize(padded: 2048) == 2032)
}

@Test func fr32UnpadRejectsUnpaddedData() {
    var bad = [UInt8](repeating: 0, count: 256)
    bad[32 * 5 + 31] = 0x40
    #expect(throws: Fr32Error.notPadded(nodeIndex: 5)) { try Fr32.unpad(bad) }
}

@Test func fr32StreamsAcrossChunkBoundaries() throws {
    // Larger than one 8192-block chunk, with a partial last block.
    let raw = testBytes(127 * 8192 + 127 * 3 + 50, seed: 77)
    let padded = Fr32.pad(raw)
    #expect(padded.count == Int(Fr32.paddedSize(unpadded: UInt64(raw.count))))
    let back = try Fr32.unpad(padded)
    #expect(Array(back.prefix(raw.count)) == raw)
}

@Test func commPMatchesHashhashVectorsUpTo64KiB() throws {
    // go-fil-commp-hashhash zero.txt / 0xCC.txt vectors; random.txt ones need the Go
    // generator and are run by the Harness tests.
    for c in try fixture("commp.json") {
        let input = try #require(c["input"] as? [String: Any]), exp = try #require(c["expected"] as? [String: Any])
        let data = try #require(input["data"] as? [String: Any])
        let n = try #require((data["length"] as? NSNumber)?.intValue)
        let payload: [UInt8]
        switch data["generator"] as? String {
        case "zeros": payload = [UInt8](repeating: 0, count: n)
        case "repeat": payload = [UInt8](repeating: 0xCC, count: n)
        default: continue
        }
        for threads in [1, 2] {
            let (comm, size) = try CommPHasher.commP(of: payload, threads: threads)
            #expect(comm.hex == exp["commp"] as? String, "\(c["name"] ?? "")")
            #expect(size == (exp["padded_piece_size"] as? NSNumber)?.uint64Value)
            #expect(PieceCID.encode(comm, kind: .unsealed) == exp["piece_cid"] as? String)
        }
    }
}

/// Every row of the tree, leaves first, by the spec's definition applied node by node with
/// OpenSSL: the independent reference for roots and for the tree_d file layout.
func referenceRows(padded: [UInt8]) -> [UInt8] {
    var row = stride(from: 0, to: padded.count, by: 32).map { Array(padded[$0..<($0 + 32)]) }
    var all = padded
    while row.count > 1 {
        row = stride(from: 0, to: row.count, by: 2).map {
            var d = opensslSHA256(row[$0] + row[$0 + 1])
            d[31] &= 0x3f
            return d
        }
        all += row.joined()
    }
    return all
}

func referenceRoot(padded: [UInt8]) -> [UInt8] { Array(referenceRows(padded: padded).suffix(32)) }

@Test(arguments: [65, 127, 128, 1000, 127 * 8192, 127 * 8192 + 1, 3 * 127 * 8192 + 4000])
func commPEqualsReferenceTreeOverPaddedPayload(length: Int) throws {
    let payload = testBytes(length, seed: UInt64(length))
    var blocks = (length + 126) / 127, p = 1
    while p < blocks { p <<= 1 }
    blocks = p
    let padded = Fr32.pad(payload + [UInt8](repeating: 0, count: 127 * blocks - length))
    let want = referenceRoot(padded: padded)
    for threads in [1, 2] {
        var h = CommPHasher(threads: threads)
        // Feed in odd-sized pieces to cross chunk boundaries.
        var i = 0
        while i < payload.count {
            let j = min(payload.count, i + 100_003)
            h.update(Array(payload[i..<j]))
            i = j
        }
        let (c, size) = try h.finalize()
        #expect(c.bytes == want)
        #expect(size == UInt64(128 * blocks))
    }
}

@Test func commPRejectsTooSmallPayload() {
    #expect(throws: PieceSizeError.payloadTooSmall(64)) { try CommPHasher.commP(of: [UInt8](repeating: 1, count: 64)) }
}

@Test func treeDRowsProofsAndFileLayout() throws {
    let padded = Fr32.pad(testBytes(127 * 16, seed: 3))  // 64 leaves (a 2 KiB sector)
    let tree = try TreeD(paddedData: padded, threads: 2)
    #expect(tree.nodes == referenceRows(padded: padded))
    for leaf in [0, 1, 31, 63] {
        let proof = try tree.proof(leaf: leaf)
        #expect(proof.siblings.count == 6)
        #expect(proof.verify())
        var bad = proof
        bad.leafIndex ^= 1
        #expect(!bad.verify())
        var badSib = proof
        var b = badSib.siblings[2].bytes
        b[0] ^= 1
        badSib.siblings[2] = Commitment(bytes: b)
        #expect(!badSib.verify())
    }
    #expect(throws: TreeDError.leafIndexOutOfRange(64, leaves: 64)) { try tree.proof(leaf: 64) }

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spbench-treed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let dataPath = dir.appendingPathComponent("unsealed").path
    let treePath = dir.appendingPathComponent("sc-02-data-tree-d.dat").path
    try Data(padded).write(to: URL(fileURLWithPath: dataPath))
    let root = try TreeD.build(paddedFile: dataPath, treeFile: treePath)
    #expect(root == tree.root)
    #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: treePath))) == referenceRows(padded: padded))
    let fileProof = try TreeD.proof(treeFile: treePath, leaf: 37)
    #expect(fileProof == (try tree.proof(leaf: 37)))
}

@Test func treeDFileBuildStreamsLargeTrees() throws {
    // 2^17 leaves (4 MiB): several 1 MiB chunks plus rows above them.
    let padded = Fr32.pad(testBytes(127 * (1 << 15), seed: 9))
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spbench-treed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let dataPath = dir.appendingPathComponent("data").path, treePath = dir.appendingPathComponent("tree").path
    try Data(padded).write(to: URL(fileURLWithPath: dataPath))
    let root = try TreeD.build(paddedFile: dataPath, treeFile: treePath, threads: 2)
    let reference = referenceRows(padded: padded)
    #expect(root.bytes == Array(reference.suffix(32)))
    #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: treePath))) == reference)
    let mem = try TreeD(paddedData: padded, threads: 1)
    #expect(try TreeD.root(leaves: padded.withUnsafeBytes { UnsafeRawBufferPointer($0) }, threads: 2) == mem.root)
    #expect((try TreeD.proof(treeFile: treePath, leaf: 100_000)).verify())
}

@Test func treeDRejectsBadSizes() throws {
    #expect(throws: TreeDError.leafCountNotPowerOfTwo(bytes: 96)) { try TreeD(paddedData: [UInt8](repeating: 0, count: 96)) }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spbench-treed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let p = dir.appendingPathComponent("tree").path
    try Data(count: 100).write(to: URL(fileURLWithPath: p))
    #expect(throws: TreeDError.treeFileSize(path: p, bytes: 100)) { try TreeD.proof(treeFile: p, leaf: 0) }
    #expect(throws: IOError.self) { try TreeD.build(paddedFile: dir.appendingPathComponent("missing").path, treeFile: p) }
}

@Test func commDMatchesFixture() throws {
    for c in try fixture("commd.json") {
        let input = try #require(c["input"] as? [String: Any]), exp = try #require(c["expected"] as? [String: Any])
        let sector = try #require((input["sector_size"] as? NSNumber)?.uint64Value ?? (input["sector_size"] as? String).flatMap { UInt64($0) })
        let pieces = try #require(input["pieces"] as? [[String: Any]]).map {
            CommD.Piece(paddedSize: ($0["size"] as? NSNumber)?.uint64Value ?? 0, commP: try Commitment(hex: $0["commp"] as? String ?? ""))
        }
        #expect(try CommD.compute(sectorSize: sector, pieces: pieces).hex == exp["comm_d"] as? String, "\(c["name"] ?? "")")
    }
}

@Test func commDOfFullTreeEqualsAggregation() throws {
    // Two pieces placed by hand in a 2 KiB sector, the rest zeros: the tree over the whole
    // sector equals the aggregation of the pieces' own trees.
    let a = Fr32.pad(testBytes(127, seed: 1)), b = Fr32.pad(testBytes(254, seed: 2))
    var sector = a + [UInt8](repeating: 0, count: 128) + b
    sector += [UInt8](repeating: 0, count: 2048 - sector.count)
    let pieces = [CommD.Piece(paddedSize: 128, commP: Commitment(bytes: referenceRoot(padded: a))),
                  CommD.Piece(paddedSize: 256, commP: Commitment(bytes: referenceRoot(padded: b)))]
    #expect(try CommD.compute(sectorSize: 2048, pieces: pieces).bytes == referenceRoot(padded: sector))
    #expect(try CommD.compute(sectorSize: 2048, pieces: []) == ZeroCommitment.forPaddedSize(2048))
}

@Test func commDRejectsBadPieces() throws {
    let c = Commitment.zero
    #expect(throws: PieceSizeError.notPowerOfTwo(1000)) { try CommD.compute(sectorSize: 1000, pieces: []) }
    #expect(throws: PieceSizeError.tooSmall(64)) { try CommD.compute(sectorSize: 2048, pieces: [.init(paddedSize: 64, commP: c)]) }
    #expect(throws: PieceSizeError.notPowerOfTwo(384)) { try CommD.compute(sectorSize: 2048, pieces: [.init(paddedSize: 384, commP: c)]) }
    #expect(throws: PieceSizeError.exceedsSector(total: 4096, sector: 2048)) {
        try CommD.compute(sectorSize: 2048, pieces: [.init(paddedSize: 512, commP: c), .init(paddedSize: 2048, commP: c)])
    }
    #expect(throws: PieceSizeError.tooLarge(128 << 30)) { try CommD.compute(sectorSize: 128 << 30, pieces: []) }
}

@Test func pieceCIDRoundTripsAndRejectsBadInput() throws {
    let text = "baga6ea4seaqo4jg2quvjpclvaoicqywb26mnjlme54tkeb3e3ceeahbyg7tviai"  // hashhash random.txt
    let d = try PieceCID.decode(text)
    #expect(d.kind == .unsealed && d.codec == 0xf101 && d.multihash == 0x1012)
    #expect(d.commitment.hex == "ee24da852a97897503902862c1d798d4ad84ef26a20764d888401c3837e75401")
    #expect(PieceCID.encode(d.commitment, kind: .unsealed) == text)
    #expect(throws: PieceCID.CIDError.notBase32("z")) { try PieceCID.decode("z" + text.dropFirst()) }
    #expect(throws: PieceCID.CIDError.truncated) { try PieceCID.decode(String(text.dropLast(10))) }
    #expect(throws: PieceCID.CIDError.self) { try PieceCID.decode("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi") }
    #expect(throws: PieceCID.CIDError.badCharacter("1", offset: 5)) { try PieceCID.decode("baga61a4seaq") }
    // A sealed prefix with the unsealed multihash.
    var bin: [UInt8] = [1, 0x82, 0xe2, 0x03, 0x92, 0x20, 0x20] + [UInt8](repeating: 0, count: 32)
    #expect(throws: PieceCID.CIDError.wrongMultihash(codec: 0xf102, multihash: 0x1012)) { try PieceCID.decode("b" + PieceCID.base32(bin)) }
    bin = [1, 0x81, 0xe2, 0x03, 0x92, 0x20, 0x20] + [UInt8](repeating: 0, count: 33)
    #expect(throws: PieceCID.CIDError.trailingBytes(1)) { try PieceCID.decode("b" + PieceCID.base32(bin)) }
}

@Test func hexRejectsBadInput() {
    #expect(throws: HexError.oddLength(3)) { try Hex.decode("abc") }
    #expect(throws: HexError.invalidCharacter("g", offset: 1)) { try Hex.decode("0g") }
    #expect(throws: HexError.wrongLength(expected: 32, got: 2)) { try Commitment(hex: "abcd") }
}
