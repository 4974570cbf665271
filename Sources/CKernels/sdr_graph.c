/* The SDR graph (porep-post.md §5): seeds, DRG (BucketGraph) parents drawn with ChaCha8,
 * expander parents through a 3-round BLAKE2b Feistel permutation with cycle-walking, and
 * the parent cache rows.
 *
 * Speed: the Feistel round function F(R, key) depends only on the half_bits-bit value R
 * and one of 3 keys, so ck_sdr_parents_fill, when the range is large enough to pay for it
 * (count >= N >> half_bits, e.g. 1024 nodes for 512 MiB), tabulates F once per call
 * (3 * 2^half_bits BLAKE2b compressions, at most 1.5 MiB for 64 GiB sectors; one malloc per
 * call, outside the node loop) and then needs no BLAKE2b per node. Smaller ranges and the
 * single-node functions hash directly (about 5 us per node) with a specialized
 * one-compression BLAKE2b of the 16-byte message, so callers should pass one large range per
 * thread rather than many small chunks. The DRG draws use a ChaCha8 specialized to the 80
 * bytes a node needs, both blocks interleaved. Everything is reentrant (no mutable statics),
 * so callers may run disjoint ranges on several threads.
 *
 * Single-node functions write zeros when the graph is invalid or v >= N (cycle-walking is
 * only guaranteed to terminate for inputs inside the domain). BLAKE2b's constants are
 * repeated from blake2b.c because the one-compression routine must inline here. */
#include "CKernels.h"
#include "blake2b.h"
#include "chacha8.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------------- */

static inline uint64_t load_le64(const uint8_t *p) {
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = (x << 8) | p[i];
    return x;
}
static inline uint64_t bswap64(uint64_t x) {
    x = ((x & 0x00ff00ff00ff00ffull) << 8) | ((x >> 8) & 0x00ff00ff00ff00ffull);
    x = ((x & 0x0000ffff0000ffffull) << 16) | ((x >> 16) & 0x0000ffff0000ffffull);
    return (x << 32) | (x >> 32);
}
/* Number of significant bits of x (0 for 0). */
static inline uint32_t bit_length(uint64_t x) {
    uint32_t n = 0;
    if (x >> 32) { n += 32; x >>= 32; }
    if (x >> 16) { n += 16; x >>= 16; }
    if (x >> 8) { n += 8; x >>= 8; }
    if (x >> 4) { n += 4; x >>= 4; }
    if (x >> 2) { n += 2; x >>= 2; }
    if (x >> 1) { n += 1; x >>= 1; }
    return n + (uint32_t)x;
}

static uint32_t feistel_half_bits_for(uint64_t nodes) {
    uint64_t domain = nodes * 8;
    uint32_t log4 = 1;
    uint64_t p4 = 4;
    while (p4 < domain) {
        p4 *= 4;
        log4++;
    }
    return log4;
}

static int graph_ok(const ck_sdr_graph *g) {
    return g != NULL && g->nodes >= 2 && g->nodes <= (1ull << 31) &&
           g->feistel_half_bits == feistel_half_bits_for(g->nodes);
}

/* ---- seeds --------------------------------------------------------------------------- */

int ck_sdr_graph_init(ck_sdr_graph *g, const uint8_t porep_id[32], uint64_t nodes, int legacy) {
    if (g == NULL || porep_id == NULL || nodes < 2 || nodes > (1ull << 31)) return CK_E_ARG;
    static const char drs_tag[] = "Filecoin_DRSample"; /* 17 bytes */
    static const char fei_tag[] = "Filecoin_Feistel";  /* 16 bytes */
    uint8_t msg[17 + 32], digest[32];

    memcpy(msg, drs_tag, 17);
    memcpy(msg + 17, porep_id, 32);
    ck_sha256(digest, msg, 17 + 32);
    memset(g, 0, sizeof *g);
    g->nodes = nodes;
    memcpy(g->drg_seed, digest, 28);

    memcpy(msg, fei_tag, 16);
    memcpy(msg + 16, porep_id, 32);
    ck_sha256(digest, msg, 16 + 32);
    for (int i = 0; i < 4; i++) g->feistel_keys[i] = load_le64(digest + 8 * i);

    g->feistel_half_bits = feistel_half_bits_for(nodes);
    g->legacy = legacy ? 1u : 0u;
    return CK_OK;
}

/* ---- DRG parents (§5.2) ---------------------------------------------------------------- */

#define CC_QR(a, b, c, d) CK_CHACHA_QR(a, b, c, d)
/* The same quarter round on block 0 (x..) and block 1 (y..), interleaved for ILP. */
#define CC_QR2(i, j, k, l)                                                                    \
    do {                                                                                      \
        CC_QR(x##i, x##j, x##k, x##l);                                                        \
        CC_QR(y##i, y##j, y##k, y##l);                                                        \
    } while (0)

/* The first 80 bytes of the ChaCha8 keystream (ck_chacha8_blocks with counter 0) as 20 LE
 * words: all of block 0 and words 0-3 of block 1 (the rest of block 1 is dead code). */
static void drg_keystream80(uint32_t w[20], const uint8_t key[32]) {
    uint32_t k[8];
    for (int i = 0; i < 8; i++) k[i] = ck_load_le32(key + 4 * i);
    const uint32_t c0 = 0x61707865u, c1 = 0x3320646eu, c2 = 0x79622d32u, c3 = 0x6b206574u;
    uint32_t x0 = c0, x1 = c1, x2 = c2, x3 = c3, x4 = k[0], x5 = k[1], x6 = k[2], x7 = k[3];
    uint32_t x8 = k[4], x9 = k[5], x10 = k[6], x11 = k[7], x12 = 0, x13 = 0, x14 = 0, x15 = 0;
    uint32_t y0 = c0, y1 = c1, y2 = c2, y3 = c3, y4 = k[0], y5 = k[1], y6 = k[2], y7 = k[3];
    uint32_t y8 = k[4], y9 = k[5], y10 = k[6], y11 = k[7], y12 = 1, y13 = 0, y14 = 0, y15 = 0;
    for (int r = 0; r < 4; r++) {
        CC_QR2(0, 4, 8, 12);
        CC_QR2(1, 5, 9, 13);
        CC_QR2(2, 6, 10, 14);
        CC_QR2(3, 7, 11, 15);
        CC_QR2(0, 5, 10, 15);
        CC_QR2(1, 6, 11, 12);
        CC_QR2(2, 7, 8, 13);
        CC_QR2(3, 4, 9, 14);
    }
    w[0] = x0 + c0; w[1] = x1 + c1; w[2] = x2 + c2; w[3] = x3 + c3;
    w[4] = x4 + k[0]; w[5] = x5 + k[1]; w[6] = x6 + k[2]; w[7] = x7 + k[3];
    w[8] = x8 + k[4]; w[9] = x9 + k[5]; w[10] = x10 + k[6]; w[11] = x11 + k[7];
    w[12] = x12; w[13] = x13; w[14] = x14; w[15] = x15;
    w[16] = y0 + c0; w[17] = y1 + c1; w[18] = y2 + c2; w[19] = y3 + c3;
    (void)y4; (void)y5; (void)y6; (void)y7; (void)y8; (void)y9; (void)y10; (void)y11;
    (void)y12; (void)y13; (void)y14; (void)y15;
}

static void drg_parents(uint32_t out[6], const ck_sdr_graph *g, uint32_t v) {
    if (v < 2) {
        memset(out, 0, 6 * sizeof out[0]);
        return;
    }
    uint8_t key[32];
    uint32_t w[20];
    memcpy(key, g->drg_seed, 28);
    key[28] = (uint8_t)v;
    key[29] = (uint8_t)(v >> 8);
    key[30] = (uint8_t)(v >> 16);
    key[31] = (uint8_t)(v >> 24);
    drg_keystream80(w, key); /* 10 LE u64 draws: words 2i (low), 2i+1 (high) */

    const uint64_t meta = (uint64_t)v * 5;
    const uint64_t nb = bit_length(meta - 1); /* ceil(log2(meta)), meta >= 10 */
    uint32_t *rnd = g->legacy ? out : out + 1;
    for (int i = 0; i < 5; i++) {
        uint64_t r0 = (uint64_t)w[4 * i] | ((uint64_t)w[4 * i + 1] << 32);
        uint64_t r1 = (uint64_t)w[4 * i + 2] | ((uint64_t)w[4 * i + 3] << 32);
        uint64_t b = r0 % nb + 1;
        uint64_t pow2 = 1ull << b;
        uint64_t largest = meta < pow2 ? meta : pow2;
        uint64_t smallest = largest >> 1;
        if (smallest < 2) smallest = 2;
        uint64_t dist = smallest + r1 % (largest - smallest + 1);
        uint64_t p = (meta - dist) / 5;
        rnd[i] = p == v ? v - 1 : (uint32_t)p;
    }
    if (g->legacy)
        out[5] = v - 1;
    else
        out[0] = v - 1;
}

void ck_sdr_drg_parents(uint32_t out[6], const ck_sdr_graph *g, uint64_t v) {
    if (out == NULL) return;
    if (!graph_ok(g) || v >= g->nodes) {
        memset(out, 0, 6 * sizeof out[0]);
        return;
    }
    drg_parents(out, g, (uint32_t)v);
}

/* ---- Feistel round function: BLAKE2b-512 of BE64(right) || BE64(key) -------------------- */

#define B2G(a, b, c, d, x, y) CK_B2_G(a, b, c, d, x, y)
#define B2ROUND(r)                                                                            \
    do {                                                                                      \
        B2G(v0, v4, v8, v12, m[ck_blake2b_sigma[r][0]], m[ck_blake2b_sigma[r][1]]);                           \
        B2G(v1, v5, v9, v13, m[ck_blake2b_sigma[r][2]], m[ck_blake2b_sigma[r][3]]);                           \
        B2G(v2, v6, v10, v14, m[ck_blake2b_sigma[r][4]], m[ck_blake2b_sigma[r][5]]);                          \
        B2G(v3, v7, v11, v15, m[ck_blake2b_sigma[r][6]], m[ck_blake2b_sigma[r][7]]);                          \
        B2G(v0, v5, v10, v15, m[ck_blake2b_sigma[r][8]], m[ck_blake2b_sigma[r][9]]);                          \
        B2G(v1, v6, v11, v12, m[ck_blake2b_sigma[r][10]], m[ck_blake2b_sigma[r][11]]);                        \
        B2G(v2, v7, v8, v13, m[ck_blake2b_sigma[r][12]], m[ck_blake2b_sigma[r][13]]);                         \
        B2G(v3, v4, v9, v14, m[ck_blake2b_sigma[r][14]], m[ck_blake2b_sigma[r][15]]);                         \
    } while (0)

/* BE64 of the first 8 bytes of BLAKE2b-512(BE64(right) || BE64(key)): one final
 * compression of a 16-byte block (m[2..15] = 0), of which only h[0] is needed. The
 * rounds are written out so that the sigma indices and the zero words fold away. */
static uint64_t feistel_f(uint64_t right, uint64_t key) {
    const uint64_t m[16] = {bswap64(right), bswap64(key), 0, 0, 0, 0, 0, 0,
                            0, 0, 0, 0, 0, 0, 0, 0};
    const uint64_t h0 = ck_blake2b_iv[0] ^ 0x01010040ull;
    uint64_t v0 = h0, v1 = ck_blake2b_iv[1], v2 = ck_blake2b_iv[2], v3 = ck_blake2b_iv[3];
    uint64_t v4 = ck_blake2b_iv[4], v5 = ck_blake2b_iv[5], v6 = ck_blake2b_iv[6], v7 = ck_blake2b_iv[7];
    uint64_t v8 = ck_blake2b_iv[0], v9 = ck_blake2b_iv[1], v10 = ck_blake2b_iv[2], v11 = ck_blake2b_iv[3];
    uint64_t v12 = ck_blake2b_iv[4] ^ 16u, v13 = ck_blake2b_iv[5], v14 = ~ck_blake2b_iv[6], v15 = ck_blake2b_iv[7];
    B2ROUND(0);
    B2ROUND(1);
    B2ROUND(2);
    B2ROUND(3);
    B2ROUND(4);
    B2ROUND(5);
    B2ROUND(6);
    B2ROUND(7);
    B2ROUND(8);
    B2ROUND(9);
    B2ROUND(10);
    B2ROUND(11);
    (void)v1; (void)v2; (void)v3; (void)v4; (void)v5; (void)v6; (void)v7;
    (void)v9; (void)v10; (void)v11; (void)v12; (void)v13; (void)v14; (void)v15;
    return bswap64(h0 ^ v0 ^ v8);
}

/* ---- Feistel permutation and expander parents (§5.3) ----------------------------------- */

typedef struct {
    uint64_t domain;
    uint64_t right_mask;
    uint32_t half_bits;
    uint32_t legacy;
    const uint64_t *keys; /* feistel_keys[0..2] */
    const uint32_t *tab;  /* NULL, or F for keys 0..2: tab[(i << half_bits) | R] */
} feistel_ctx;

static void feistel_ctx_init(feistel_ctx *c, const ck_sdr_graph *g, const uint32_t *tab) {
    c->domain = g->nodes * 8;
    c->half_bits = g->feistel_half_bits;
    c->right_mask = (1ull << c->half_bits) - 1;
    c->legacy = g->legacy;
    c->keys = g->feistel_keys;
    c->tab = tab;
}

static inline uint64_t feistel_encode_hash(const feistel_ctx *c, uint64_t x) {
    uint64_t l = (x >> c->half_bits) & c->right_mask, r = x & c->right_mask;
    for (int i = 0; i < 3; i++) {
        uint64_t nr = l ^ (feistel_f(r, c->keys[i]) & c->right_mask);
        l = r;
        r = nr;
    }
    return (l << c->half_bits) | r;
}

static inline uint64_t feistel_encode_tab(const feistel_ctx *c, uint64_t x) {
    const uint32_t hb = c->half_bits;
    const uint32_t *t = c->tab;
    uint64_t l = (x >> hb) & c->right_mask, r = x & c->right_mask;
    uint64_t r1 = l ^ t[r];
    uint64_t r2 = r ^ t[((uint64_t)1 << hb) | r1];
    uint64_t r3 = r1 ^ t[((uint64_t)2 << hb) | r2];
    return (r2 << hb) | r3;
}

static inline uint32_t expander_of(const feistel_ctx *c, uint64_t pi) {
    return c->legacy ? (uint32_t)pi / 8 : (uint32_t)(pi / 8);
}

static void expander_parents_hash(uint32_t out[8], const feistel_ctx *c, uint64_t v) {
    for (uint64_t i = 0; i < 8; i++) {
        uint64_t u = feistel_encode_hash(c, 8 * v + i);
        while (u >= c->domain) u = feistel_encode_hash(c, u);
        out[i] = expander_of(c, u);
    }
}

/* The 8 walks run in lockstep with selects instead of per-walk branches: the walk lengths
 * are random (mean 2 encodings when domain = 4^half_bits / 2), and mispredicted loop exits
 * cost more than the extra table lookups. */
static void expander_parents_tab(uint32_t out[8], const feistel_ctx *c, uint64_t v) {
    uint64_t u[8];
    uint64_t pending = 0;
    for (uint64_t i = 0; i < 8; i++) {
        u[i] = feistel_encode_tab(c, 8 * v + i);
        pending |= (uint64_t)(u[i] >= c->domain);
    }
    while (pending) {
        pending = 0;
        for (int i = 0; i < 8; i++) {
            uint64_t e = feistel_encode_tab(c, u[i]);
            u[i] = u[i] >= c->domain ? e : u[i];
            pending |= (uint64_t)(u[i] >= c->domain);
        }
    }
    for (int i = 0; i < 8; i++) out[i] = expander_of(c, u[i]);
}

void ck_sdr_expander_parents(uint32_t out[8], const ck_sdr_graph *g, uint64_t v) {
    if (out == NULL) return;
    if (!graph_ok(g) || v >= g->nodes) {
        memset(out, 0, 8 * sizeof out[0]);
        return;
    }
    feistel_ctx c;
    feistel_ctx_init(&c, g, NULL);
    expander_parents_hash(out, &c, v);
}

/* ---- parent cache rows (§5.4) --------------------------------------------------------- */

int ck_sdr_parents_fill(uint32_t *out, const ck_sdr_graph *g, uint64_t first, uint64_t count) {
    if (out == NULL || !graph_ok(g) || first > g->nodes || count > g->nodes - first)
        return CK_E_ARG;
    if (count == 0) return CK_OK;

    const uint32_t hb = g->feistel_half_bits;
    /* Hashing directly costs about count * 8 * 3 * (4^hb / domain) compressions (the last
     * factor is the mean cycle-walk length); the table costs 3 * 2^hb. */
    uint32_t *tab = NULL;
    if ((count << hb) >= g->nodes) tab = malloc(((size_t)3 << hb) * sizeof *tab);
    if (tab != NULL) {
        const uint64_t n = (uint64_t)1 << hb, mask = n - 1;
        for (uint64_t i = 0; i < 3; i++)
            for (uint64_t r = 0; r < n; r++)
                tab[(i << hb) | r] = (uint32_t)(feistel_f(r, g->feistel_keys[i]) & mask);
    }
    feistel_ctx c;
    feistel_ctx_init(&c, g, tab);

    for (uint64_t k = 0; k < count; k++) {
        const uint64_t v = first + k;
        uint32_t *row = out + 14 * k;
        drg_parents(row, g, (uint32_t)v);
        if (tab != NULL)
            expander_parents_tab(row + 6, &c, v);
        else
            expander_parents_hash(row + 6, &c, v);
    }
    free(tab);
    return CK_OK;
}
