/* SDR labeling with the x86 SHA extensions (porep-post.md §6.1).
 *
 * A label (node v >= 1) is 20 compressions: block 0 = the 64-byte prefix
 * replica_id || BE32(layer) || BE64(v) || 0^20, blocks 1..18 = pairs of 32-byte parent
 * labels, block 19 = the 37th parent slot followed by the padding of a 1248-byte message
 * (0x80, zeros, BE64(9984)). The parent list repeats, so a node has few distinct blocks:
 *   layer 1:    D1..D3 = (P0,P1) (P2,P3) (P4,P5); blocks 1..18 = (D1 D2 D3) x 6; block 19 = P0|pad
 *   layer >= 2: D1..D7 = (P0,P1) .. (P12,P13); blocks 1..18 = D1..D7 D1..D7 D1..D4;
 *               block 19 = P8|pad
 * Each distinct block's message schedule (W + K) is computed once per node, straight from
 * the parent labels (no 1248-byte message is built), into a per-lane table on the stack.
 * That saves more than half of the sha256msg1/msg2 work, which matters because sha256msg2
 * occupies the SHA unit for 2 cycles and sha256rnds2 (4-cycle latency) issues only one per
 * cycle (measured on Zen 4): with 4 lanes the SHA unit, not latency, is the limit.
 *
 * Pipelining (a node is a fixed sequence of steps, see the step tables below):
 *   - D1 holds label v-1 (and any DRG block may), so D1..D3 are scheduled during node v:
 *     D1 before block 1 (or during block 0), D2 during block 1, D3 during block 2.
 *   - The expander blocks D4..D7 and the last block read only the previous layer, so node
 *     v+1's are scheduled during node v's blocks 14..19, into slots node v is done with
 *     (D4 and the last block alternate between two slots by node parity).
 *   - Block 0 depends on v only. With 1 or 2 lanes, node v+1's block 0 runs as extra
 *     streams interleaved with one of node v's blocks, so the per-sector critical path is
 *     19 compressions. With 4 lanes the SHA unit is saturated anyway and block 0 runs first
 *     in node v, overlapped with D1's schedule.
 *   - Within a block each lane's schedule job advances one step per round group.
 * The lanes (sectors) share the parent rows and are interleaved round by round in one
 * thread. The round groups are written in inline asm: W+K is loaded straight into xmm0
 * (movdqa for words 0-1, movq of the high half for words 2-3), which the compiler otherwise
 * turns into register copies and spills. The per-node loop runs over a step table so that
 * each variant has one copy of the rounds code (it stays in the op cache).
 * Parent labels are random reads in large layers: node v + SDR_PF_DIST's are prefetched,
 * spread over the steps of node v.
 *
 * Parent rows are checked before they are read (DRG parents of v must be < v, expander
 * parents < N): a bad row stops the layer with CK_E_ARG, the labels before it written. */
#include "sha256_shani.h"

#include <string.h>

#ifndef SDR_PF_DIST
#define SDR_PF_DIST 3 /* nodes ahead whose parent labels are prefetched */
#endif
#ifndef SDR_B0X4
#define SDR_B0X4 0 /* 4 lanes: interleave block 0 as 4 more streams (8 in all) */
#endif

/* Schedule slots (per lane). Codes 0..8 name blocks; D4 and L alternate by node parity
 * between slots 3/9 and 7/10: the "next" codes name the other one. */
enum {
    C_D1, C_D2, C_D3, C_D4, C_D5, C_D6, C_D7, C_L, C_B0, C_D4N, C_LN, NCODES
};
#define NSLOTS 11

/* How a step's schedule job finds its two 32-byte halves (per lane). */
enum {
    J_NONE,   /* no job */
    J_CUR,    /* cur + 32*row[i], cur + 32*row[j] (DRG, this node) */
    J_CURPAD, /* cur + 32*row[i], pad_half */
    J_NPRV,   /* prev + 32*nrow[i], prev + 32*nrow[j] (expander, next node) */
    J_NPRVPAD,/* prev + 32*nrow[i], pad_half */
    J_B0,     /* replica_id, prefix tail of node v+1 */
};

/* One step: rounds with slot code d; job kind/i/j into slot code t; x: also run node v+1's
 * block 0 as extra streams. */
typedef struct {
    uint8_t d, kind, i, j, t, x;
} sdr_step;

/* Layer >= 2, block 0 overlapped (k = 1..19; D1 is scheduled before step 1). */
static const sdr_step steps_ln_b0x[19] = {
    {C_D1, J_CUR, 2, 3, C_D2, 0},       {C_D2, J_CUR, 4, 5, C_D3, 0},
    {C_D3, J_B0, 0, 0, C_B0, 0},        {C_D4, J_NONE, 0, 0, 0, 1},
    {C_D5, 0, 0, 0, 0, 0},              {C_D6, 0, 0, 0, 0, 0},
    {C_D7, 0, 0, 0, 0, 0},              {C_D1, 0, 0, 0, 0, 0},
    {C_D2, 0, 0, 0, 0, 0},              {C_D3, 0, 0, 0, 0, 0},
    {C_D4, 0, 0, 0, 0, 0},              {C_D5, 0, 0, 0, 0, 0},
    {C_D6, 0, 0, 0, 0, 0},              {C_D7, J_NPRV, 8, 9, C_D5, 0},
    {C_D1, J_NPRV, 10, 11, C_D6, 0},    {C_D2, J_NPRV, 12, 13, C_D7, 0},
    {C_D3, 0, 0, 0, 0, 0},              {C_D4, J_NPRV, 6, 7, C_D4N, 0},
    {C_L, J_NPRVPAD, 8, 0, C_LN, 0},
};
/* Layer >= 2, block 0 first (k = 0..19). */
static const sdr_step steps_ln_b0f[20] = {
    {C_B0, J_CUR, 0, 1, C_D1, 0},
    {C_D1, J_CUR, 2, 3, C_D2, 0},       {C_D2, J_CUR, 4, 5, C_D3, 0},
    {C_D3, 0, 0, 0, 0, 0},              {C_D4, 0, 0, 0, 0, 0},
    {C_D5, 0, 0, 0, 0, 0},              {C_D6, 0, 0, 0, 0, 0},
    {C_D7, 0, 0, 0, 0, 0},              {C_D1, 0, 0, 0, 0, 0},
    {C_D2, 0, 0, 0, 0, 0},              {C_D3, 0, 0, 0, 0, 0},
    {C_D4, 0, 0, 0, 0, 0},              {C_D5, 0, 0, 0, 0, 0},
    {C_D6, 0, 0, 0, 0, 0},              {C_D7, J_NPRV, 8, 9, C_D5, 0},
    {C_D1, J_NPRV, 10, 11, C_D6, 0},    {C_D2, J_NPRV, 12, 13, C_D7, 0},
    {C_D3, J_B0, 0, 0, C_B0, 0},        {C_D4, J_NPRV, 6, 7, C_D4N, 0},
    {C_L, J_NPRVPAD, 8, 0, C_LN, 0},
};
/* Layer 1, block 0 overlapped (k = 1..19). */
static const sdr_step steps_l1_b0x[19] = {
    {C_D1, J_CUR, 2, 3, C_D2, 0},       {C_D2, J_CUR, 4, 5, C_D3, 0},
    {C_D3, J_CURPAD, 0, 0, C_L, 0},     {C_D1, J_B0, 0, 0, C_B0, 0},
    {C_D2, 0, 0, 0, 0, 1},              {C_D3, 0, 0, 0, 0, 0},
    {C_D1, 0, 0, 0, 0, 0},              {C_D2, 0, 0, 0, 0, 0},
    {C_D3, 0, 0, 0, 0, 0},              {C_D1, 0, 0, 0, 0, 0},
    {C_D2, 0, 0, 0, 0, 0},              {C_D3, 0, 0, 0, 0, 0},
    {C_D1, 0, 0, 0, 0, 0},              {C_D2, 0, 0, 0, 0, 0},
    {C_D3, 0, 0, 0, 0, 0},              {C_D1, 0, 0, 0, 0, 0},
    {C_D2, 0, 0, 0, 0, 0},              {C_D3, 0, 0, 0, 0, 0},
    {C_L, 0, 0, 0, 0, 0},
};
/* Layer 1, block 0 first (k = 0..19). */
static const sdr_step steps_l1_b0f[20] = {
    {C_B0, J_CUR, 0, 1, C_D1, 0},
    {C_D1, J_CUR, 2, 3, C_D2, 0},       {C_D2, J_CUR, 4, 5, C_D3, 0},
    {C_D3, J_CURPAD, 0, 0, C_L, 0},     {C_D1, 0, 0, 0, 0, 0},
    {C_D2, 0, 0, 0, 0, 0},              {C_D3, 0, 0, 0, 0, 0},
    {C_D1, 0, 0, 0, 0, 0},              {C_D2, 0, 0, 0, 0, 0},
    {C_D3, 0, 0, 0, 0, 0},              {C_D1, 0, 0, 0, 0, 0},
    {C_D2, 0, 0, 0, 0, 0},              {C_D3, 0, 0, 0, 0, 0},
    {C_D1, 0, 0, 0, 0, 0},              {C_D2, 0, 0, 0, 0, 0},
    {C_D3, 0, 0, 0, 0, 0},              {C_D1, 0, 0, 0, 0, 0},
    {C_D2, J_B0, 0, 0, C_B0, 0},        {C_D3, 0, 0, 0, 0, 0},
    {C_L, 0, 0, 0, 0, 0},
};

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

/* Two rounds: dst = rnds2(dst, src, W+K words 0-1 / 2-3 of group *g), the words loaded
 * straight into xmm0. */
#define RNDS_LO(dst, src, g)                                                              \
    __asm__("movdqa %2, %%xmm0\n\tsha256rnds2 %%xmm0, %1, %0"                           \
            : "+x"(dst) : "x"(src), "m"(*(g)) : "xmm0")
#define RNDS_HI(dst, src, g)                                                              \
    __asm__("movq %2, %%xmm0\n\tsha256rnds2 %%xmm0, %1, %0"                             \
            : "+x"(dst) : "x"(src), "m"(((const uint64_t *)(g))[1]) : "xmm0")

/* One compression in each of M streams (stream s: state abef[s]/cdgh[s], schedule wk[s],
 * 16 aligned groups), interleaved round by round. When S > 0, meanwhile the schedules of S
 * blocks (halves sa[j], sb[j]) go to so[j]: step q of every job in group q. (Each job is a
 * serial msg1/msg2 chain of about 5 cycles per step; packing one job after another into
 * fewer groups made the jobs lag and stall the next block's rounds, which read them.)
 * so[j] must not be any wk[s]. */
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
        UNROLL for (int s = 0; s < M; s++) RNDS_LO(cdgh[s], abef[s], wk[s] + q);
        UNROLL for (int s = 0; s < M; s++) RNDS_HI(abef[s], cdgh[s], wk[s] + q);
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
    /* The row is not validated yet: form the address without pointer arithmetic. */
    __builtin_prefetch((const void *)((uintptr_t)base + 32 * (uintptr_t)idx), 0, 3);
}

static inline void prefetch_row(const uint8_t *const *cur, const uint8_t *const *prev,
                                const uint32_t *r, int n, int layer1) {
    for (int l = 0; l < n; l++) {
        for (int p = 0; p < 6; p++) prefetch_label(cur[l], r[p]);
        if (!layer1)
            for (int p = 6; p < 14; p++) prefetch_label(prev[l], r[p]);
    }
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
    uint8_t phys[NCODES];
    __m128i iv0, iv1, abef[8], cdgh[8];
    const __m128i *w[8];
    const uint8_t *sa[4], *sb[4];
    __m128i *so[4];
    const sdr_step *steps = L1 ? (B0X ? steps_l1_b0x : steps_l1_b0f)
                               : (B0X ? steps_ln_b0x : steps_ln_b0f);
    const int nsteps = B0X ? 19 : 20;

    load_state(iv, &iv0, &iv1);
    UNROLL for (int q = 0; q < 16; q++)
        padwk[q] = _mm_loadu_si128((const __m128i *)(ck_sha256_pad64_wk + 4 * q));
    memset(pre, 0, sizeof pre);
    for (int c = 0; c < NCODES; c++) phys[c] = (uint8_t)c;

    /* Node 0: SHA256(prefix(layer, 0)), a 64-byte message. */
    set_prefix_tail(pre, layer, 0);
    UNROLL for (int l = 0; l < N; l++) {
        sched_full(wk[l][C_B0], rid[l], pre);
        abef[l] = iv0;
        cdgh[l] = iv1;
        w[l] = wk[l][C_B0];
    }
    compress_m(abef, cdgh, w, N, NULL, NULL, NULL, 0);
    UNROLL for (int l = 0; l < N; l++) w[l] = padwk;
    compress_m(abef, cdgh, w, N, NULL, NULL, NULL, 0);
    UNROLL for (int l = 0; l < N; l++) store_label(cur[l], abef[l], cdgh[l]);
    if (nodes == 1) return CK_OK;

    /* Prologue: what node 0 would have prepared for node 1 (odd parity: D4 and L in the
     * alternate slots 9 and 10). */
    const uint32_t *row = parents + 14;
    if (!row_ok(row, 1, nodes, L1)) return CK_E_ARG;
    set_prefix_tail(pre, layer, 1);
    UNROLL for (int l = 0; l < N; l++) {
        if (!L1) {
            UNROLL for (int d = 3; d < 7; d++)
                sched_full(wk[l][d == 3 ? 9 : d], prev[l] + 32 * (size_t)row[2 * d],
                           prev[l] + 32 * (size_t)row[2 * d + 1]);
            sched_full(wk[l][10], prev[l] + 32 * (size_t)row[8], pad_half);
        }
        sched_full(wk[l][C_B0], rid[l], pre);
    }
    if (B0X) {
        UNROLL for (int l = 0; l < N; l++) {
            abef[N + l] = iv0;
            cdgh[N + l] = iv1;
            w[l] = wk[l][C_B0];
        }
        compress_m(abef + N, cdgh + N, w, N, NULL, NULL, NULL, 0);
    }
    for (uint64_t i = 1; i <= SDR_PF_DIST && i < nodes; i++)
        prefetch_row((const uint8_t *const *)cur, prev, parents + 14 * i, N, L1);

    for (uint64_t v = 1; v < nodes; v++) {
        row = parents + 14 * v;
        const int has_next = v + 1 < nodes;
        const uint32_t *nrow = has_next ? row + 14 : row; /* harmless dummy on the last node */
        if (has_next && !row_ok(nrow, v + 1, nodes, L1)) return CK_E_ARG;
        /* Prefetch node v + SDR_PF_DIST's parents, one parent (all lanes) per step: a burst
         * of 14 * N prefetches at once overflows the L1 miss buffers and stalls dispatch. */
        const uint32_t *pfrow = row + 14 * SDR_PF_DIST;
        const int pf_n = v + SDR_PF_DIST < nodes ? (L1 ? 6 : 14) : 0;
        if (!L1) {
            const int odd = (int)(v & 1);
            phys[C_D4] = odd ? 9 : 3;
            phys[C_L] = odd ? 10 : 7;
            phys[C_D4N] = odd ? 3 : 9;
            phys[C_LN] = odd ? 7 : 10;
        }
        set_prefix_tail(pre, layer, v + 1);

        if (B0X) {
            UNROLL for (int l = 0; l < N; l++) {
                abef[l] = abef[N + l];
                cdgh[l] = cdgh[N + l];
                sched_full(wk[l][C_D1], cur[l] + 32 * (size_t)row[0], cur[l] + 32 * (size_t)row[1]);
            }
        } else {
            UNROLL for (int l = 0; l < N; l++) {
                abef[l] = iv0;
                cdgh[l] = iv1;
            }
        }
        for (int k = 0; k < nsteps; k++) {
            const sdr_step *st = &steps[k];
            if (k < pf_n) {
                const uint8_t *const *base = k < 6 ? (const uint8_t *const *)cur : prev;
                UNROLL for (int l = 0; l < N; l++) prefetch_label(base[l], pfrow[k]);
            }
            const int d = phys[st->d];
            UNROLL for (int l = 0; l < N; l++) w[l] = wk[l][d];
            if (st->kind != J_NONE) {
                const int t = phys[st->t];
                UNROLL for (int l = 0; l < N; l++) {
                    so[l] = wk[l][t];
                    switch (st->kind) {
                    case J_CUR:
                        sa[l] = cur[l] + 32 * (size_t)row[st->i];
                        sb[l] = cur[l] + 32 * (size_t)row[st->j];
                        break;
                    case J_CURPAD:
                        sa[l] = cur[l] + 32 * (size_t)row[st->i];
                        sb[l] = pad_half;
                        break;
                    case J_NPRV:
                        sa[l] = prev[l] + 32 * (size_t)nrow[st->i];
                        sb[l] = prev[l] + 32 * (size_t)nrow[st->j];
                        break;
                    case J_NPRVPAD:
                        sa[l] = prev[l] + 32 * (size_t)nrow[st->i];
                        sb[l] = pad_half;
                        break;
                    default: /* J_B0 */
                        sa[l] = rid[l];
                        sb[l] = pre;
                        break;
                    }
                }
                compress_m(abef, cdgh, w, N, sa, sb, so, N);
            } else if (B0X && st->x) {
                UNROLL for (int l = 0; l < N; l++) {
                    w[N + l] = wk[l][C_B0];
                    abef[N + l] = iv0;
                    cdgh[N + l] = iv1;
                }
                compress_m(abef, cdgh, w, 2 * N, NULL, NULL, NULL, 0);
            } else {
                compress_m(abef, cdgh, w, N, NULL, NULL, NULL, 0);
            }
        }
        UNROLL for (int l = 0; l < N; l++) store_label(cur[l] + 32 * v, abef[l], cdgh[l]);
    }
    return CK_OK;
}

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


int ck_sdr_label_layer_shani(uint8_t *const *cur, const uint8_t *const *prev,
                             const uint32_t *parents, uint64_t nodes,
                             const uint8_t *const *replica_ids, uint32_t layer, size_t lanes) {
    int rc = ck_sdr_label_check_args(cur, prev, parents, nodes, replica_ids, layer, lanes);
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
