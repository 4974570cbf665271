/* SDR labeling with the x86 SHA extensions (porep-post.md §6.1).
 *
 * A label (node v >= 1) is 20 compressions: block 0 = the 64-byte prefix
 * replica_id || BE32(layer) || BE64(v) || 0^20, blocks 1..18 = pairs of 32-byte parent
 * labels, block 19 = the 37th parent slot followed by the padding of a 1248-byte message.
 * The parent list repeats, so a node has few distinct blocks:
 *   layer 1:  D1..D3 = (P0,P1) (P2,P3) (P4,P5), blocks 1..18 = (D1 D2 D3) x 6, block 19 = P0|pad;
 *   layer >= 2: D1..D7 = (P0,P1) .. (P12,P13), blocks 1..18 = D1..D7 D1..D7 D1..D4,
 *               block 19 = P8|pad.
 * The message schedule (W + K) of each distinct block is computed once per node, straight
 * from the parent labels (no 1248-byte message is built), into a per-lane stack table, and
 * that work is software-pipelined under the rounds of other blocks:
 *   - D1 needs label v-1 (and any DRG block may), so D1..D3 are scheduled during node v
 *     itself: D1 while block 0 runs (or just before block 1), D2 during block 1, D3 during 2.
 *   - The expander blocks D4..D7 and the last block only read the previous layer, so node
 *     v+1's are scheduled during node v's blocks 14..19, each into the slot that node v
 *     has just finished with (in place: group q is read by the rounds before it is
 *     overwritten).
 *   - Block 0 depends on v only. With 1 or 2 lanes, node v+1's block 0 runs as extra
 *     independent streams interleaved with one of node v's blocks, so the per-sector
 *     critical path is 19 compressions. With 4 lanes the SHA unit is throughput-bound and
 *     block 0 simply runs first, overlapped with D1's schedule.
 * Parent labels are random reads in large layers, so the labels of node v + SDR_PF_DIST
 * are prefetched. Lanes (sectors) share the parent rows and are interleaved round by round
 * in one thread, as in ck_sha256_compress_lanes_shani.
 *
 * Parent rows are checked as they are first read (DRG parents of v must be < v, expander
 * parents < N): a bad row stops the layer with CK_E_ARG, the labels before it written. */
#include "sha256_shani.h"

#include <string.h>

#ifndef SDR_PF_DIST
#define SDR_PF_DIST 2 /* nodes ahead whose parent labels are prefetched */
#endif

#define SLOT_L 7   /* the last block (P8|pad or P0|pad) */
#define SLOT_B0 8  /* block 0 (prefix) */
#define NSLOTS 9

/* Second half of the last block: 0x80, zeros, BE64(1248 * 8 = 9984 = 0x2700). */
static const uint8_t pad_half[32] __attribute__((aligned(16))) = {
    0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x27, 0x00,
};

/* Loads a block made of two 32-byte halves: W[0..7] from a, W[8..15] from b. */
SHANI_INLINE void sched_load2(__m128i m[4], const uint8_t *a, const uint8_t *b) {
    const __m128i bswap = bswap_mask();
    m[0] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)a), bswap);
    m[1] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(a + 16)), bswap);
    m[2] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)b), bswap);
    m[3] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(b + 16)), bswap);
}

/* The whole schedule of one block, not overlapped with anything. */
SHANI_INLINE void sched_full(__m128i *wk, const uint8_t *a, const uint8_t *b) {
    __m128i m[4];
    sched_load2(m, a, b);
    UNROLL for (int q = 0; q < 16; q++) sched_step(m, wk, q);
}

/* One compression in each of M streams (stream s: state abef[s]/cdgh[s], schedule wk[s]),
 * interleaved round by round; meanwhile the schedules of S blocks (halves sa[j], sb[j]) go
 * to so[j]. so[j] may equal some wk[s]: group q is read before it is overwritten. */
SHANI_INLINE void compress_m(__m128i *abef, __m128i *cdgh, const __m128i *const *wk, const int M,
                             const uint8_t *const *sa, const uint8_t *const *sb,
                             __m128i *const *so, const int S) {
    __m128i save0[8], save1[8], m[4][4];
    UNROLL for (int s = 0; s < M; s++) {
        save0[s] = abef[s];
        save1[s] = cdgh[s];
    }
    UNROLL for (int j = 0; j < S; j++) sched_load2(m[j], sa[j], sb[j]);
    UNROLL for (int q = 0; q < 16; q++) {
        UNROLL for (int s = 0; s < M; s++)
            cdgh[s] = _mm_sha256rnds2_epu32(cdgh[s], abef[s], wk[s][q]);
        UNROLL for (int s = 0; s < M; s++)
            abef[s] = _mm_sha256rnds2_epu32(abef[s], cdgh[s], _mm_shuffle_epi32(wk[s][q], 0x0E));
        UNROLL for (int j = 0; j < S; j++) sched_step(m[j], so[j], q);
    }
    UNROLL for (int s = 0; s < M; s++) {
        abef[s] = _mm_add_epi32(abef[s], save0[s]);
        cdgh[s] = _mm_add_epi32(cdgh[s], save1[s]);
    }
}

/* Stores trunc254 of the digest of (abef, cdgh) at out. */
SHANI_INLINE void store_label(uint8_t *out, __m128i abef, __m128i cdgh) {
    const __m128i bswap = bswap_mask();
    const __m128i trunc = _mm_set_epi32(0x3fffffff, -1, -1, -1);
    __m128i a, e;
    unpack_state(abef, cdgh, &a, &e);
    _mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(a, bswap));
    _mm_storeu_si128((__m128i *)(out + 16), _mm_and_si128(_mm_shuffle_epi8(e, bswap), trunc));
}

static inline void set_prefix_tail(uint8_t pre[32], uint32_t layer, uint64_t v) {
    for (int i = 0; i < 4; i++) pre[i] = (uint8_t)(layer >> (24 - 8 * i));
    for (int i = 0; i < 8; i++) pre[4 + i] = (uint8_t)(v >> (56 - 8 * i));
}

/* Row of node u: DRG parents < u; expander parents < n (only read for layers >= 2). */
static inline int row_ok(const uint32_t *row, uint64_t u, uint64_t n, int layer1) {
    int bad = 0;
    for (int i = 0; i < 6; i++) bad |= row[i] >= u;
    if (!layer1)
        for (int i = 6; i < 14; i++) bad |= row[i] >= n;
    return !bad;
}

static inline void prefetch_label(const uint8_t *base, uint32_t idx) {
    /* The row is not validated yet: compute the address without pointer arithmetic UB. */
    __builtin_prefetch((const void *)((uintptr_t)base + 32 * (uintptr_t)idx), 0, 3);
}

/* Labels one layer of N lanes. L1: layer 1 (6 DRG parents); B0X: node v+1's block 0 runs
 * as extra streams interleaved with one of node v's blocks (else it runs first in node v). */
SHANI_INLINE int label_layer_n(uint8_t *const *cur, const uint8_t *const *prev,
                               const uint32_t *parents, uint64_t nodes,
                               const uint8_t *const *rid, uint32_t layer, const int N,
                               const int L1, const int B0X) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    __m128i wk[4][NSLOTS][16];
    __m128i padwk[16];
    uint8_t pre[32] __attribute__((aligned(16)));
    __m128i iv0, iv1, abef[8], cdgh[8];
    const __m128i *w[8];
    const uint8_t *sa[4], *sb[4];
    __m128i *so[4];

    load_state(iv, &iv0, &iv1);
    UNROLL for (int q = 0; q < 16; q++)
        padwk[q] = _mm_loadu_si128((const __m128i *)(ck_sha256_pad64_wk + 4 * q));
    memset(pre, 0, sizeof pre);

    /* Node 0: SHA256(prefix(layer, 0)), a 64-byte message. */
    set_prefix_tail(pre, layer, 0);
    UNROLL for (int l = 0; l < N; l++) {
        sched_full(wk[l][SLOT_B0], rid[l], pre);
        abef[l] = iv0;
        cdgh[l] = iv1;
        w[l] = wk[l][SLOT_B0];
    }
    compress_m(abef, cdgh, w, N, NULL, NULL, NULL, 0);
    UNROLL for (int l = 0; l < N; l++) w[l] = padwk;
    compress_m(abef, cdgh, w, N, NULL, NULL, NULL, 0);
    UNROLL for (int l = 0; l < N; l++) store_label(cur[l], abef[l], cdgh[l]);
    if (nodes == 1) return CK_OK;

    /* Prologue: what node 0 would have prepared for node 1. */
    const uint32_t *row = parents + 14;
    if (!row_ok(row, 1, nodes, L1)) return CK_E_ARG;
    set_prefix_tail(pre, layer, 1);
    UNROLL for (int l = 0; l < N; l++) {
        if (!L1) {
            UNROLL for (int d = 3; d < 7; d++)
                sched_full(wk[l][d], prev[l] + 32 * (size_t)row[2 * d],
                           prev[l] + 32 * (size_t)row[2 * d + 1]);
            sched_full(wk[l][SLOT_L], prev[l] + 32 * (size_t)row[8], pad_half);
        }
        sched_full(wk[l][SLOT_B0], rid[l], pre);
    }
    if (B0X) {
        UNROLL for (int l = 0; l < N; l++) {
            abef[N + l] = iv0;
            cdgh[N + l] = iv1;
            w[l] = wk[l][SLOT_B0];
        }
        compress_m(abef + N, cdgh + N, w, N, NULL, NULL, NULL, 0);
    }
    for (uint64_t i = 0; i < SDR_PF_DIST && 1 + i < nodes; i++) {
        const uint32_t *r = parents + 14 * (1 + i);
        UNROLL for (int l = 0; l < N; l++) {
            for (int p = 0; p < 6; p++) prefetch_label(cur[l], r[p]);
            if (!L1)
                for (int p = 6; p < 14; p++) prefetch_label(prev[l], r[p]);
        }
    }

#define CUR(l, i) (cur[l] + 32 * (size_t)row[i])
#define NPRV(l, i) (prev[l] + 32 * (size_t)nrow[i])
/* Plain block: every lane runs its slot d. */
#define PLAIN(d)                                                               \
    do {                                                                       \
        UNROLL for (int l = 0; l < N; l++) w[l] = wk[l][d];                    \
        compress_m(abef, cdgh, w, N, NULL, NULL, NULL, 0);                     \
    } while (0)
/* Block with slot d while scheduling the block (A(l), B(l)) into slot t. */
#define SCHED(d, t, A, B)                                                      \
    do {                                                                       \
        UNROLL for (int l = 0; l < N; l++) {                                   \
            w[l] = wk[l][d];                                                   \
            sa[l] = (A);                                                       \
            sb[l] = (B);                                                       \
            so[l] = wk[l][t];                                                  \
        }                                                                      \
        compress_m(abef, cdgh, w, N, sa, sb, so, N);                           \
    } while (0)
/* Block with slot d plus node v+1's block 0 as N more streams (state in abef[N..2N)). */
#define WITH_B0(d)                                                             \
    do {                                                                       \
        UNROLL for (int l = 0; l < N; l++) {                                   \
            w[l] = wk[l][d];                                                   \
            w[N + l] = wk[l][SLOT_B0];                                         \
            abef[N + l] = iv0;                                                 \
            cdgh[N + l] = iv1;                                                 \
        }                                                                      \
        compress_m(abef, cdgh, w, 2 * N, NULL, NULL, NULL, 0);                 \
    } while (0)

    for (uint64_t v = 1; v < nodes; v++) {
        row = parents + 14 * v;
        const int has_next = v + 1 < nodes;
        const uint32_t *nrow = has_next ? row + 14 : row; /* harmless dummy on the last node */
        if (has_next && !row_ok(nrow, v + 1, nodes, L1)) return CK_E_ARG;
        if (v + SDR_PF_DIST < nodes) {
            const uint32_t *r = row + 14 * SDR_PF_DIST;
            UNROLL for (int l = 0; l < N; l++) {
                UNROLL for (int p = 0; p < 6; p++) prefetch_label(cur[l], r[p]);
                if (!L1) UNROLL for (int p = 6; p < 14; p++) prefetch_label(prev[l], r[p]);
            }
        }

        /* Block 0 and D1's schedule. */
        if (B0X) {
            UNROLL for (int l = 0; l < N; l++) {
                abef[l] = abef[N + l];
                cdgh[l] = cdgh[N + l];
                sched_full(wk[l][0], CUR(l, 0), CUR(l, 1));
            }
        } else {
            UNROLL for (int l = 0; l < N; l++) {
                abef[l] = iv0;
                cdgh[l] = iv1;
            }
            SCHED(SLOT_B0, 0, CUR(l, 0), CUR(l, 1));
        }
        SCHED(0, 1, CUR(l, 2), CUR(l, 3)); /* block 1 */
        SCHED(1, 2, CUR(l, 4), CUR(l, 5)); /* block 2 */
        set_prefix_tail(pre, layer, v + 1);
        if (L1) {
            SCHED(2, SLOT_L, CUR(l, 0), pad_half); /* block 3 */
            if (B0X) {
                SCHED(0, SLOT_B0, rid[l], pre); /* block 4 */
                WITH_B0(1);                     /* block 5 */
            } else {
                PLAIN(0);
                PLAIN(1);
            }
            for (int k = 6; k <= 16; k++) PLAIN((k - 1) % 3);
            if (B0X) PLAIN(1);                                 /* block 17 */
            else SCHED(1, SLOT_B0, rid[l], pre);
            PLAIN(2);                                          /* block 18 */
            PLAIN(SLOT_L);                                     /* block 19 */
        } else {
            if (B0X) {
                SCHED(2, SLOT_B0, rid[l], pre); /* block 3 */
                WITH_B0(3);                     /* block 4 */
            } else {
                PLAIN(2);
                PLAIN(3);
            }
            for (int k = 5; k <= 13; k++) PLAIN((k - 1) % 7);
            SCHED(6, 4, NPRV(l, 8), NPRV(l, 9));   /* block 14: next D5 */
            SCHED(0, 5, NPRV(l, 10), NPRV(l, 11)); /* block 15: next D6 */
            SCHED(1, 6, NPRV(l, 12), NPRV(l, 13)); /* block 16: next D7 */
            if (B0X) PLAIN(2);                     /* block 17 */
            else SCHED(2, SLOT_B0, rid[l], pre);
            SCHED(3, 3, NPRV(l, 6), NPRV(l, 7));           /* block 18: next D4, in place */
            SCHED(SLOT_L, SLOT_L, NPRV(l, 8), pad_half);   /* block 19: next last, in place */
        }
        UNROLL for (int l = 0; l < N; l++) store_label(cur[l] + 32 * v, abef[l], cdgh[l]);
    }
#undef CUR
#undef NPRV
#undef PLAIN
#undef SCHED
#undef WITH_B0
    return CK_OK;
}

#ifndef SDR_B0X4
#define SDR_B0X4 0 /* 4 lanes: interleave block 0 as 4 more streams (8 in all: spills) */
#endif

#define SDR_INSTANCE(name, N, L1, B0X)                                                    \
    static __attribute__((noinline)) SHANI_TARGET int name(                              \
        uint8_t *const *cur, const uint8_t *const *prev, const uint32_t *parents,        \
        uint64_t nodes, const uint8_t *const *rid, uint32_t layer) {                     \
        return label_layer_n(cur, prev, parents, nodes, rid, layer, N, L1, B0X);         \
    }
SDR_INSTANCE(label_1_l1, 1, 1, 1)
SDR_INSTANCE(label_1_ln, 1, 0, 1)
SDR_INSTANCE(label_2_l1, 2, 1, 1)
SDR_INSTANCE(label_2_ln, 2, 0, 1)
SDR_INSTANCE(label_4_l1, 4, 1, SDR_B0X4)
SDR_INSTANCE(label_4_ln, 4, 0, SDR_B0X4)

static int check_args(uint8_t *const *cur, const uint8_t *const *prev, const uint32_t *parents,
                      uint64_t nodes, const uint8_t *const *replica_ids, uint32_t layer,
                      size_t lanes) {
    if (lanes != 1 && lanes != 2 && lanes != 4) return CK_E_ARG;
    if (layer < 1 || nodes < 1 || nodes > ((uint64_t)1 << 32)) return CK_E_ARG;
    if (cur == NULL || replica_ids == NULL || (nodes > 1 && parents == NULL)) return CK_E_ARG;
    if (layer >= 2 && prev == NULL) return CK_E_ARG;
    for (size_t l = 0; l < lanes; l++) {
        if (cur[l] == NULL || replica_ids[l] == NULL) return CK_E_ARG;
        if (layer >= 2 && prev[l] == NULL) return CK_E_ARG;
    }
    return CK_OK;
}

int ck_sdr_label_layer_shani(uint8_t *const *cur, const uint8_t *const *prev,
                             const uint32_t *parents, uint64_t nodes,
                             const uint8_t *const *replica_ids, uint32_t layer, size_t lanes) {
    int rc = check_args(cur, prev, parents, nodes, replica_ids, layer, lanes);
    if (rc != CK_OK) return rc;
    if (!(ck_cpu_features() & CK_CPU_SHA)) return CK_E_UNSUPPORTED;
    const int l1 = layer == 1;
    switch (lanes) {
    case 1: return l1 ? label_1_l1(cur, prev, parents, nodes, replica_ids, layer)
                      : label_1_ln(cur, prev, parents, nodes, replica_ids, layer);
    case 2: return l1 ? label_2_l1(cur, prev, parents, nodes, replica_ids, layer)
                      : label_2_ln(cur, prev, parents, nodes, replica_ids, layer);
    default: return l1 ? label_4_l1(cur, prev, parents, nodes, replica_ids, layer)
                       : label_4_ln(cur, prev, parents, nodes, replica_ids, layer);
    }
}
