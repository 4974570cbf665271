import COpenSSL
import CKernels
import Testing
@testable import Kernels

/// OpenSSL's EVP SHA-256: the independent reference.
func opensslSHA256(_ data: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    var len: UInt32 = 0
    data.withUnsafeBytes { d in
        _ = EVP_Digest(d.baseAddress, d.count, &out, &len, EVP_sha256(), nil)
    }
    return out
}

/// Deterministic test bytes (xorshift), independent of the code under test.
func testBytes(_ n: Int, seed: UInt64) -> [UInt8] {
    var x = seed &* 0x9E3779B97F4A7C15 | 1
    return (0..<n).map { _ in
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        return UInt8(truncatingIfNeeded: x >> 24)
    }
}

let shaLengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 1248, 4095, 16384, 100_001]

@Test(arguments: shaLengths)
func oneShotMatchesOpenSSL(length: Int) {
    let m = testBytes(length, seed: UInt64(length))
    #expect(SHA256.hash(m) == opensslSHA256(m))
}

@Test(arguments: shaLengths)
func portableMatchesOpenSSL(length: Int) {
    let m = testBytes(length, seed: UInt64(length) + 7)
    var out = [UInt8](repeating: 0, count: 32)
    m.withUnsafeBufferPointer { ck_sha256_portable(&out, $0.baseAddress, $0.count) }
    #expect(out == opensslSHA256(m))
}

@Test(.enabled(if: ck_cpu_features() & UInt32(CK_CPU_SHA) != 0, "this CPU has no SHA-NI"))
func shaNIAndPortableCompressionAgree() throws {
    let blocks = testBytes(64 * 37, seed: 99)
    var a = [UInt32](repeating: 0, count: 8), b = a
    ck_sha256_init(&a); ck_sha256_init(&b)
    blocks.withUnsafeBufferPointer {
        ck_sha256_compress_portable(&a, $0.baseAddress, 37)
        #expect(ck_sha256_compress_shani(&b, $0.baseAddress, 37) == CK_OK)
    }
    #expect(a == b)
}

/// Finishes a state that has compressed `blocks` whole blocks of a message of that length.
func digestAfterBlocks(_ state: UnsafeMutablePointer<UInt32>, blocks: Int) -> [UInt8] {
    ck_sha256_finish(state, nil, 0, UInt64(64 * blocks))
    var out = [UInt8](repeating: 0, count: 32)
    ck_sha256_state_digest(&out, state)
    return out
}

@Test(arguments: [1, 2, 4])
func multiBufferLanesMatchOpenSSL(lanes: Int) {
    // Each lane hashes its own message of 9 whole blocks; finishing every lane must give
    // OpenSSL's digest of that lane's message, on the dispatched and the SHA-NI entry points.
    let nblocks = 9
    let data = (0..<lanes).map { testBytes(64 * nblocks, seed: UInt64(100 + $0)) }
    let want = data.map(opensslSHA256)
    func run(_ compress: (UnsafeMutablePointer<UInt32>, UnsafePointer<UnsafePointer<UInt8>?>) -> Int32) -> [[UInt8]]? {
        var states = [UInt32](repeating: 0, count: 8 * lanes)
        return states.withUnsafeMutableBufferPointer { s -> [[UInt8]]? in
            for l in 0..<lanes { ck_sha256_init(s.baseAddress! + 8 * l) }
            var status: Int32 = 0
            withArrayOfPointers(data) { status = compress(s.baseAddress!, $0) }
            guard status == CK_OK else { return nil }
            return (0..<lanes).map { digestAfterBlocks(s.baseAddress! + 8 * $0, blocks: nblocks) }
        }
    }
    #expect(run { ck_sha256_compress_lanes($0, $1, lanes, nblocks) } == want)
    if ck_cpu_features() & UInt32(CK_CPU_SHA) != 0 {
        #expect(run { ck_sha256_compress_lanes_shani($0, $1, lanes, nblocks) } == want)
    }
}

@Test func lanesRejectsOtherWidths() {
    var st = [UInt32](repeating: 0, count: 24)
    let blk = [UInt8](repeating: 0, count: 64)
    blk.withUnsafeBufferPointer { b in
        var ptrs: [UnsafePointer<UInt8>?] = [b.baseAddress, b.baseAddress, b.baseAddress]
        #expect(ck_sha256_compress_lanes(&st, &ptrs, 3, 1) == CK_E_ARG)
    }
}

func withArrayOfPointers(_ arrays: [[UInt8]], _ body: (UnsafePointer<UnsafePointer<UInt8>?>) -> Void) {
    let bufs = arrays.map { a -> UnsafeMutablePointer<UInt8> in
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, a.count))
        p.initialize(from: a, count: a.count)
        return p
    }
    defer { bufs.forEach { $0.deallocate() } }
    let ptrs: [UnsafePointer<UInt8>?] = bufs.map { UnsafePointer($0) }
    ptrs.withUnsafeBufferPointer { body($0.baseAddress!) }
}

@Test(arguments: [1, 2, 3, 4, 5, 7, 8, 13], [0, 31, 64, 65, 127, 1248])
func manyMessagesMatchOpenSSL(count: Int, length: Int) {
    guard length > 0 else { return }
    let msgs = testBytes(count * length, seed: UInt64(count * 1000 + length))
    let got = msgs.withUnsafeBytes { SHA256.hashMany($0, messageLength: length) }
    var portable = [UInt8](repeating: 0, count: 32 * count)
    msgs.withUnsafeBufferPointer { _ = ck_sha256_many_portable(&portable, $0.baseAddress, length, count) }
    for i in 0..<count {
        let want = opensslSHA256(Array(msgs[(i * length)..<((i + 1) * length)]))
        #expect(Array(got[(32 * i)..<(32 * i + 32)]) == want)
        #expect(Array(portable[(32 * i)..<(32 * i + 32)]) == want)
    }
}

@Test(arguments: [1, 63, 64, 65, 1000])
func streamingMatchesOneShotInAnySplit(split: Int) {
    let m = testBytes(5000, seed: 5)
    var h = SHA256()
    var i = 0
    while i < m.count {
        let j = min(m.count, i + split)
        h.update(Array(m[i..<j]))
        i = j
    }
    #expect(h.finalize() == opensslSHA256(m))
}

@Test func treeParentsMatchOpenSSLAndTruncate() {
    let pairs = 11
    let input = testBytes(64 * pairs, seed: 42)
    var fast = [UInt8](repeating: 0, count: 32 * pairs), slow = fast
    input.withUnsafeBufferPointer {
        _ = ck_tree_d_parents(&fast, $0.baseAddress, pairs)
        _ = ck_tree_d_parents_portable(&slow, $0.baseAddress, pairs)
    }
    for i in 0..<pairs {
        var want = opensslSHA256(Array(input[(64 * i)..<(64 * i + 64)]))
        want[31] &= 0x3f
        #expect(Array(fast[(32 * i)..<(32 * i + 32)]) == want)
        #expect(Array(slow[(32 * i)..<(32 * i + 32)]) == want)
    }
}
