/* SHA-256 (FIPS 180-4): portable compression, padding, one-shot and many-message
 * drivers over the dispatched compression kernels. */
#include "dispatch.h"

#include <string.h>

const uint32_t ck_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* The second block of a 64-byte message is constant (0x80, zeros, bit length 512), so
 * its message schedule is too: these are its W[t] + K[t]. */
const uint32_t ck_sha256_pad64_wk[64] = {
    0xc28a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf374,
    0x649b69c1, 0xf0fe4786, 0x0fe1edc6, 0x240cf254, 0x4fe9346f, 0x6cc984be, 0x61b9411e, 0x16f988fa,
    0xf2c65152, 0xa88e5a6d, 0xb019fc65, 0xb9d99ec7, 0x9a1231c3, 0xe70eeaa0, 0xfdb1232b, 0xc7353eb0,
    0x3069bad5, 0xcb976d5f, 0x5a0f118f, 0xdc1eeefd, 0x0a35b689, 0xde0b7a04, 0x58f4ca9d, 0xe15d5b16,
    0x007f3e86, 0x37088980, 0xa507ea32, 0x6fab9537, 0x17406110, 0x0d8cd6f1, 0xcdaa3b6d, 0xc0bbbe37,
    0x83613bda, 0xdb48a363, 0x0b02e931, 0x6fd15ca7, 0x521afaca, 0x31338431, 0x6ed41a95, 0x6d437890,
    0xc39c91f2, 0x9eccabbd, 0xb5c9a0e6, 0x532fb63c, 0xd2c741c6, 0x07237ea3, 0xa4954b68, 0x4c191d76
};

static const uint32_t sha256_iv[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

void ck_sha256_init(uint32_t state[8]) { memcpy(state, sha256_iv, sizeof sha256_iv); }

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22))
#define BSIG1(x) (rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25))
#define SSIG0(x) (rotr(x, 7) ^ rotr(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (rotr(x, 17) ^ rotr(x, 19) ^ ((x) >> 10))

/* 64 rounds given the 64 words W[t] + K[t]. */
static inline void rounds_wk(uint32_t s[8], const uint32_t wk[64]) {
    uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = h + BSIG1(e) + CH(e, f, g) + wk[t];
        uint32_t t2 = BSIG0(a) + MAJ(a, b, c);
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    s[0] += a; s[1] += b; s[2] += c; s[3] += d; s[4] += e; s[5] += f; s[6] += g; s[7] += h;
}

static inline void compress_block_portable(uint32_t s[8], const uint8_t *p) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++) w[t] = load_be32(p + 4 * t);
    for (int t = 16; t < 64; t++) w[t] = SSIG1(w[t - 2]) + w[t - 7] + SSIG0(w[t - 15]) + w[t - 16];
    for (int t = 0; t < 64; t++) w[t] += ck_sha256_k[t];
    rounds_wk(s, w);
}

void ck_sha256_compress_portable(uint32_t state[8], const uint8_t *blocks, size_t nblocks) {
    for (size_t i = 0; i < nblocks; i++) compress_block_portable(state, blocks + 64 * i);
}

void ck_sha256_compress_lanes_portable_impl(uint32_t *states, const uint8_t *const *blocks,
                                            size_t lanes, size_t nblocks) {
    for (size_t l = 0; l < lanes; l++) ck_sha256_compress_portable(states + 8 * l, blocks[l], nblocks);
}

/* Portable parent hashing: one 64-byte block, then the constant padding block. */
int ck_tree_d_parents_portable(uint8_t *out, const uint8_t *in, size_t npairs) {
    for (size_t i = 0; i < npairs; i++) {
        uint32_t s[8];
        ck_sha256_init(s);
        compress_block_portable(s, in + 64 * i);
        rounds_wk(s, ck_sha256_pad64_wk);
        ck_sha256_state_digest(out + 32 * i, s);
        out[32 * i + 31] &= 0x3f;
    }
    return CK_OK;
}

void ck_sha256_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks) {
    ck_dispatch()->compress(state, blocks, nblocks);
}

int ck_sha256_compress_lanes(uint32_t *states, const uint8_t *const *blocks, size_t lanes,
                             size_t nblocks) {
    if (lanes != 1 && lanes != 2 && lanes != 4) return CK_E_ARG;
    ck_dispatch()->compress_lanes(states, blocks, lanes, nblocks);
    return CK_OK;
}

int ck_sha256_compress_shani(uint32_t state[8], const uint8_t *blocks, size_t nblocks) {
    if (!(ck_cpu_features() & CK_CPU_SHA)) return CK_E_UNSUPPORTED;
    ck_sha256_compress_shani_impl(state, blocks, nblocks);
    return CK_OK;
}

int ck_sha256_compress_lanes_shani(uint32_t *states, const uint8_t *const *blocks,
                                   size_t lanes, size_t nblocks) {
    if (lanes != 1 && lanes != 2 && lanes != 4) return CK_E_ARG;
    if (!(ck_cpu_features() & CK_CPU_SHA)) return CK_E_UNSUPPORTED;
    ck_sha256_compress_lanes_shani_impl(states, blocks, lanes, nblocks);
    return CK_OK;
}

void ck_sha256_state_digest(uint8_t out[32], const uint32_t state[8]) {
    for (int i = 0; i < 8; i++) store_be32(out + 4 * i, state[i]);
}

/* Builds the final one or two blocks of a message; returns how many. */
static size_t build_tail(uint8_t buf[128], const uint8_t *tail, size_t tail_len, uint64_t total_len) {
    size_t nb = tail_len < 56 ? 1 : 2;
    memset(buf, 0, 128);
    if (tail_len) memcpy(buf, tail, tail_len);
    buf[tail_len] = 0x80;
    uint64_t bits = total_len * 8;
    for (int i = 0; i < 8; i++) buf[64 * nb - 1 - i] = (uint8_t)(bits >> (8 * i));
    return nb;
}

typedef void (*compress_fn)(uint32_t state[8], const uint8_t *blocks, size_t nblocks);

static void sha256_with(compress_fn fn, uint8_t out[32], const uint8_t *msg, size_t len) {
    uint32_t s[8];
    uint8_t buf[128];
    ck_sha256_init(s);
    size_t full = len / 64;
    if (full) fn(s, msg, full);
    size_t nb = build_tail(buf, msg + 64 * full, len % 64, len);
    fn(s, buf, nb);
    ck_sha256_state_digest(out, s);
}

void ck_sha256_finish(uint32_t state[8], const uint8_t *tail, size_t tail_len, uint64_t total_len) {
    uint8_t buf[128];
    size_t nb = build_tail(buf, tail, tail_len % 64, total_len);
    ck_sha256_compress(state, buf, nb);
}

void ck_sha256(uint8_t out[32], const uint8_t *msg, size_t len) {
    sha256_with(ck_dispatch()->compress, out, msg, len);
}

void ck_sha256_portable(uint8_t out[32], const uint8_t *msg, size_t len) {
    sha256_with(ck_sha256_compress_portable, out, msg, len);
}

typedef void (*lanes_fn)(uint32_t *states, const uint8_t *const *blocks, size_t lanes, size_t nblocks);

/* Hashes "lanes" messages of len bytes (message l at msgs + l*len) in one interleaved pass. */
static void many_group(lanes_fn fn, uint8_t *out, const uint8_t *msgs, size_t len, size_t lanes) {
    uint32_t st[4 * 8];
    const uint8_t *ptr[4];
    uint8_t tails[4][128];
    size_t full = len / 64, nb = 1;
    for (size_t l = 0; l < lanes; l++) {
        ck_sha256_init(st + 8 * l);
        ptr[l] = msgs + l * len;
    }
    if (full) fn(st, ptr, lanes, full);
    for (size_t l = 0; l < lanes; l++) {
        nb = build_tail(tails[l], msgs + l * len + 64 * full, len % 64, len);
        ptr[l] = tails[l];
    }
    fn(st, ptr, lanes, nb);
    for (size_t l = 0; l < lanes; l++) ck_sha256_state_digest(out + 32 * l, st + 8 * l);
}

static int sha256_many_with(lanes_fn fn, uint8_t *out, const uint8_t *msgs, size_t len, size_t count) {
    size_t i = 0;
    for (; i + 4 <= count; i += 4) many_group(fn, out + 32 * i, msgs + i * len, len, 4);
    for (; i + 2 <= count; i += 2) many_group(fn, out + 32 * i, msgs + i * len, len, 2);
    for (; i < count; i++) many_group(fn, out + 32 * i, msgs + i * len, len, 1);
    return CK_OK;
}

int ck_sha256_many(uint8_t *out, const uint8_t *msgs, size_t len, size_t count) {
    return sha256_many_with(ck_dispatch()->compress_lanes, out, msgs, len, count);
}

int ck_sha256_many_portable(uint8_t *out, const uint8_t *msgs, size_t len, size_t count) {
    return sha256_many_with(ck_sha256_compress_lanes_portable_impl, out, msgs, len, count);
}
