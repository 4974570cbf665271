/* Private: the radix-2 NTT over Fr written once over an inlined Montgomery product.
 * Included by ntt.c (portable product) and ntt_adx.c (mulx/adx) with these macros:
 *   CK_NTT_MUL(o, a, b)  Montgomery product of 4-limb arrays (o may alias a or b)
 *   CK_NTT_MUL_LAZY(o, x, w)  the same for x < 2r (any 256-bit value) and w < r, giving
 *                        o < r: the operand order each multiplication needs for that
 *                        (the running value of its word-by-word reduction stays < 2r)
 *   CK_NTT_LAZY(lo, hi, v, t)  optional: the additions of the butterfly (ck_ntt_lazy below)
 *   CK_NTT_NAME(x)       the name of an entry point of this implementation
 *   CK_NTT_TARGET        function attributes of this implementation (may be empty)
 *
 * The transform is decimation in time: the input is permuted into bit-reversed order,
 * then stage s (half-width m = 2^s) combines pairs (k + j, k + j + m) of every block of
 * 2m elements with the twiddle omega_{2m}^j = omega^(j n / 2m). The output is in natural
 * order. Member `id` of a team of T does these phases, separated by team barriers:
 *   1. its share of the twiddle tables (one per stage, contiguous: n - 1 elements) and
 *      of the bit reversal (in tiles that visit each cache line once);
 *   2. all stages with m < 2^L on whole blocks of 2^L elements (blocks split between
 *      members), depth first inside a block (the block stays in L2);
 *   3. the remaining stages on groups of columns (ntt_team.h), each copied into the
 *      member's scratch and taken through all those stages at once (the copy in is fused
 *      with the first of them and the copy out with the last, so that the memory traffic
 *      overlaps the multiplications). */
#include "fr_arith.h"
#include "ntt_team.h"

#include <string.h>

#define CK_NTT_INL static inline __attribute__((always_inline)) CK_NTT_TARGET

#ifndef CK_NTT_LAZY_DEFINED
#define CK_NTT_LAZY_DEFINED
/* Between stages the array holds values in [0, 2r) (Harvey's lazy butterflies; 2r < 2^256).
 * For v (the lower input) and t = hi*w mod r (already < r): u = v mod r, then
 * lo = u + t and hi = u + r - t, both in [0, 2r) with no conditional step. The last
 * pass (the copy-out of phase 3, or the end of phase 2) reduces to [0, r). */
#if defined(__has_builtin) && __has_builtin(__builtin_addcll) && __has_builtin(__builtin_subcll)
static inline __attribute__((always_inline)) void ck_ntt_lazy(uint64_t lo[4], uint64_t hi[4], const uint64_t v[4],
                                                              const uint64_t t[4]) {
    unsigned long long c, b;
    uint64_t x0 = __builtin_subcll(v[0], CK_FR_R0, 0, &b);
    uint64_t x1 = __builtin_subcll(v[1], CK_FR_R1, b, &b);
    uint64_t x2 = __builtin_subcll(v[2], CK_FR_R2, b, &b);
    uint64_t x3 = __builtin_subcll(v[3], CK_FR_R3, b, &b);
    uint64_t keep = (uint64_t)0 - (uint64_t)b; /* v < r */
    uint64_t u0 = (v[0] & keep) | (x0 & ~keep), u1 = (v[1] & keep) | (x1 & ~keep);
    uint64_t u2 = (v[2] & keep) | (x2 & ~keep), u3 = (v[3] & keep) | (x3 & ~keep);
    lo[0] = __builtin_addcll(u0, t[0], 0, &c);
    lo[1] = __builtin_addcll(u1, t[1], c, &c);
    lo[2] = __builtin_addcll(u2, t[2], c, &c);
    lo[3] = __builtin_addcll(u3, t[3], c, &c);
    uint64_t y0 = __builtin_addcll(u0, CK_FR_R0, 0, &c);
    uint64_t y1 = __builtin_addcll(u1, CK_FR_R1, c, &c);
    uint64_t y2 = __builtin_addcll(u2, CK_FR_R2, c, &c);
    uint64_t y3 = __builtin_addcll(u3, CK_FR_R3, c, &c);
    hi[0] = __builtin_subcll(y0, t[0], 0, &b);
    hi[1] = __builtin_subcll(y1, t[1], b, &b);
    hi[2] = __builtin_subcll(y2, t[2], b, &b);
    hi[3] = __builtin_subcll(y3, t[3], b, &b);
}
#else
static inline __attribute__((always_inline)) void ck_ntt_lazy(uint64_t lo[4], uint64_t hi[4], const uint64_t v[4],
                                                              const uint64_t t[4]) {
    static const uint64_t r[4] = {CK_FR_R0, CK_FR_R1, CK_FR_R2, CK_FR_R3};
    uint64_t u[4], y[4];
    ck_fr_reduce_once(u, v);
    ck_u128 c = 0;
    for (int i = 0; i < 4; i++) {
        c = (ck_u128)u[i] + t[i] + (uint64_t)(c >> 64);
        lo[i] = (uint64_t)c;
    }
    c = 0;
    for (int i = 0; i < 4; i++) {
        c = (ck_u128)u[i] + r[i] + (uint64_t)(c >> 64);
        y[i] = (uint64_t)c;
    }
    c = 0;
    for (int i = 0; i < 4; i++) {
        c = (ck_u128)y[i] - t[i] - (uint64_t)(c >> 127);
        hi[i] = (uint64_t)c;
    }
}
#endif
#endif

#ifndef CK_NTT_LAZY
#define CK_NTT_LAZY(lo, hi, v, t) ck_ntt_lazy((lo), (hi), (v), (t))
#endif

/* lo, hi = lo + hi*w, lo - hi*w (inputs and outputs in [0, 2r); w < r) */
CK_NTT_INL void CK_NTT_NAME(butterfly)(ck_fr *lo, ck_fr *hi, const ck_fr *w) {
    uint64_t t[4], u[4];
    CK_NTT_MUL_LAZY(t, hi->l, w->l);
    memcpy(u, lo->l, sizeof u);
    CK_NTT_LAZY(lo->l, hi->l, u, t);
}

/* The twiddle is 1. */
CK_NTT_INL void CK_NTT_NAME(butterfly1)(ck_fr *lo, ck_fr *hi) {
    uint64_t t[4], u[4];
    ck_fr_reduce_once(t, hi->l);
    memcpy(u, lo->l, sizeof u);
    CK_NTT_LAZY(lo->l, hi->l, u, t);
}

static inline size_t CK_NTT_NAME(share)(size_t total, uint32_t id, uint32_t members) {
    return (size_t)(((unsigned __int128)total * id) / members);
}

static inline uint64_t CK_NTT_NAME(bit_reverse)(uint64_t x, uint32_t bits) {
#if defined(__has_builtin) && __has_builtin(__builtin_bitreverse64)
    return __builtin_bitreverse64(x) >> (64 - bits);
#else
    uint64_t r = 0;
    for (uint32_t i = 0; i < bits; i++) r |= ((x >> i) & 1) << (bits - 1 - i);
    return r;
#endif
}

/* The bit-reversal permutation, member id's share. Small arrays: swap i with rev(i). Larger
 * ones go in tiles: write i = (h, m, l) with h the top q bits and l the low q bits, so
 * rev(i) = (rev l, rev m, rev h). Tile m (rows h of 2^q consecutive elements, 2^(log_n-q)
 * elements apart) trades places with tile rev(m), transposed; both tiles are read into a
 * buffer whole and written back row by row, so every cache line and page is visited once
 * per pass instead of once per element. */
#define CK_NTT_PERMUTE_Q 4u
static CK_NTT_TARGET void CK_NTT_NAME(permute)(ck_fr *restrict a, uint32_t log_n, uint32_t id, uint32_t members) {
    const size_t n = (size_t)1 << log_n;
    if (log_n < 2 * CK_NTT_PERMUTE_Q + 2) {
        size_t lo = CK_NTT_NAME(share)(n, id, members), hi = CK_NTT_NAME(share)(n, id + 1, members);
        for (size_t i = lo; i < hi; i++) {
            size_t r = (size_t)CK_NTT_NAME(bit_reverse)(i, log_n);
            if (i < r) {
                ck_fr t = a[i];
                a[i] = a[r];
                a[r] = t;
            }
        }
        return;
    }
    enum { Q = 1u << CK_NTT_PERMUTE_Q };
    const uint32_t q = CK_NTT_PERMUTE_Q, mbits = log_n - 2 * q, hshift = log_n - q;
    ck_fr tile[Q * Q], mate[Q * Q];
    uint8_t rq[Q];
    for (uint32_t i = 0; i < Q; i++) rq[i] = (uint8_t)CK_NTT_NAME(bit_reverse)(i, q);
    /* Member id takes the tiles m <= rev(m) (each with its mate) that start at tile counts
     * done so far in its share of all 2^mbits tiles: the low m have more partners above
     * them, so an even split of m alone would leave the first member three times the work. */
    const size_t tiles = (size_t)1 << mbits;
    const size_t w0 = CK_NTT_NAME(share)(tiles, id, members), w1 = CK_NTT_NAME(share)(tiles, id + 1, members);
    size_t done = 0;
    for (size_t m = 0; m < tiles && done < w1; m++) {
        const size_t mr = (size_t)CK_NTT_NAME(bit_reverse)(m, mbits);
        if (mr < m) continue; /* done with its mate */
        const size_t at = done;
        done += mr == m ? 1 : 2;
        if (at < w0) continue;
        ck_fr *t0 = a + (m << q), *t1 = a + (mr << q); /* the same tile when mr == m */
        for (size_t h = 0; h < Q; h++) memcpy(tile + h * Q, t0 + (h << hshift), sizeof(ck_fr) * Q);
        const ck_fr *src = tile;
        if (mr != m) {
            for (size_t h = 0; h < Q; h++) memcpy(mate + h * Q, t1 + (h << hshift), sizeof(ck_fr) * Q);
            src = mate;
            /* tile rev(m) row h, column l gets tile m row rev(l), column rev(h) */
            for (size_t h = 0; h < Q; h++) {
                ck_fr *restrict row = t1 + (h << hshift);
                for (size_t l = 0; l < Q; l++) row[l] = tile[rq[l] * Q + rq[h]];
            }
        }
        for (size_t h = 0; h < Q; h++) {
            ck_fr *restrict row = t0 + (h << hshift);
            for (size_t l = 0; l < Q; l++) row[l] = src[rq[l] * Q + rq[h]];
        }
    }
}

/* out = a * x^e for a small exponent (square and multiply over the bits of e). */
CK_NTT_INL void CK_NTT_NAME(mul_pow)(ck_fr *out, const ck_fr *a, const ck_fr *x, uint64_t e) {
    uint64_t acc[4], base[4];
    memcpy(acc, a->l, sizeof acc);
    memcpy(base, x->l, sizeof base);
    while (e != 0) {
        if (e & 1) CK_NTT_MUL(acc, acc, base);
        e >>= 1;
        if (e != 0) CK_NTT_MUL(base, base, base);
    }
    memcpy(out->l, acc, sizeof acc);
}

CK_NTT_TARGET void CK_NTT_NAME(ck_fr_ntt_member)(void *vjob, uint32_t id, uint32_t members, ck_ntt_team *team) {
    ck_ntt_job *job = vjob;
    const uint32_t log_n = job->log_n;
    const size_t n = (size_t)1 << log_n, half = n >> 1;
    ck_fr *restrict a = job->a;
    ck_fr *restrict tw = job->twiddles; /* stage s: tw + 2^s - 1, 2^s entries */

    /* 1. the last stage's twiddles omega^j (j < n/2), and the bit reversal */
    if (job->build_twiddles) {
        ck_fr *restrict top = tw + (half - 1);
        size_t lo = CK_NTT_NAME(share)(half, id, members), hi = CK_NTT_NAME(share)(half, id + 1, members);
        if (lo < hi) {
            ck_fr one, x;
            ck_fr_set_one(&one);
            CK_NTT_NAME(mul_pow)(&x, &one, job->omega, lo);
            for (size_t j = lo; j < hi; j++) {
                top[j] = x;
                CK_NTT_MUL(x.l, x.l, job->omega->l);
            }
        }
    }
    CK_NTT_NAME(permute)(a, log_n, id, members);
    ck_ntt_team_sync(team);
    /* the other stages' tables: stage s twiddle j = top[j << (log_n - 1 - s)] */
    if (job->build_twiddles && log_n >= 2) {
        const ck_fr *top = tw + (half - 1);
        const size_t below = half - 1; /* entries of stages 0 .. log_n - 2 */
        size_t lo = CK_NTT_NAME(share)(below, id, members), hi = CK_NTT_NAME(share)(below, id + 1, members);
        for (size_t e = lo; e < hi;) {
            /* e lies in stage s = floor(log2(e + 1)) */
            uint32_t st = 63u - (uint32_t)__builtin_clzll((unsigned long long)(e + 1));
            size_t base = ((size_t)1 << st) - 1, end = base + ((size_t)1 << st);
            if (end > hi) end = hi;
            const uint32_t sh = log_n - 1 - st;
            for (; e < end; e++) tw[e] = top[(e - base) << sh];
        }
        ck_ntt_team_sync(team);
    }

    /* 2. stages inside blocks of 2^lb elements, depth first */
    const uint32_t lb = ck_ntt_log_block(log_n, members);
    ck_fr *restrict grp = job->scratch + (size_t)id * job->scratch_per_member;
    {
        const size_t bsize = (size_t)1 << lb, nblocks = n >> lb;
        size_t b0 = CK_NTT_NAME(share)(nblocks, id, members), b1 = CK_NTT_NAME(share)(nblocks, id + 1, members);
        for (size_t blk = b0; blk < b1; blk++) {
            ck_fr *restrict x = a + blk * bsize;
            for (uint32_t s = 0; s < lb; s++) {
                const size_t m = (size_t)1 << s;
                const ck_fr *ts = tw + (m - 1);
                for (size_t k = 0; k < bsize; k += 2 * m) {
                    CK_NTT_NAME(butterfly1)(x + k, x + k + m);
                    for (size_t j = 1; j < m; j++) CK_NTT_NAME(butterfly)(x + k + j, x + k + j + m, ts + j);
                }
            }
        }
    }
    if (lb == log_n) {
        /* no phase 3: reduce [0, 2r) to [0, r) here */
        size_t lo = CK_NTT_NAME(share)(n, id, members), hi = CK_NTT_NAME(share)(n, id + 1, members);
        for (size_t i = lo; i < hi; i++) ck_fr_reduce_once(a[i].l, a[i].l);
        return;
    }
    ck_ntt_team_sync(team);

    /* 3. the stages across blocks, on groups of C columns: the elements c0 + c + (i << lb)
     * for c < C and all rows i < R = n >> lb, copied to grp[i*C + c]. Stage s >= lb pairs
     * row i with row i + 2^(s - lb); the twiddle of (i, c) is stage s's entry
     * j = c0 + c + ((i mod 2^(s-lb)) << lb). */
    {
        const uint32_t lc = ck_ntt_log_columns(log_n, lb), lr = log_n - lb;
        const size_t cols = (size_t)1 << lc, rows = (size_t)1 << lr, ngroups = (size_t)1 << (lb - lc);
        size_t g0 = CK_NTT_NAME(share)(ngroups, id, members), g1 = CK_NTT_NAME(share)(ngroups, id + 1, members);
        for (size_t g = g0; g < g1; g++) {
            const size_t c0 = g << lc;
            /* stage lb, fused with the copy in: the loads from memory overlap the products */
            {
                const ck_fr *w = tw + (((size_t)1 << lb) - 1) + c0;
                for (size_t k = 0; k < rows; k += 2) {
                    const ck_fr *sx = a + c0 + (k << lb), *sy = sx + ((size_t)1 << lb);
                    ck_fr *restrict x = grp + k * cols, *restrict y = x + cols;
                    for (size_t c = 0; c < cols; c++) {
                        x[c] = sx[c];
                        y[c] = sy[c];
                        CK_NTT_NAME(butterfly)(x + c, y + c, w + c);
                    }
                }
            }
            for (uint32_t t = 1; t + 1 < lr; t++) {
                const size_t h = (size_t)1 << t;
                const ck_fr *ts = tw + (((size_t)1 << (lb + t)) - 1);
                for (size_t k = 0; k < rows; k += 2 * h) {
                    for (size_t ii = 0; ii < h; ii++) {
                        ck_fr *restrict x = grp + (k + ii) * cols, *restrict y = x + h * cols;
                        const ck_fr *w = ts + c0 + (ii << lb);
                        for (size_t c = 0; c < cols; c++) CK_NTT_NAME(butterfly)(x + c, y + c, w + c);
                    }
                }
            }
            if (lr == 1) {
                for (size_t i = 0; i < rows; i++) {
                    ck_fr *restrict dst = a + c0 + (i << lb);
                    const ck_fr *src = grp + i * cols;
                    for (size_t c = 0; c < cols; c++) ck_fr_reduce_once(dst[c].l, src[c].l);
                }
            } else {
                /* the last stage, fused with the copy out (reduced to [0, r)) */
                const size_t h = rows >> 1;
                const ck_fr *ts = tw + (((size_t)1 << (log_n - 1)) - 1);
                for (size_t ii = 0; ii < h; ii++) {
                    ck_fr *restrict x = grp + ii * cols, *restrict y = x + h * cols;
                    ck_fr *restrict dx = a + c0 + (ii << lb), *restrict dy = dx + (h << lb);
                    const ck_fr *w = ts + c0 + (ii << lb);
                    for (size_t c = 0; c < cols; c++) {
                        CK_NTT_NAME(butterfly)(x + c, y + c, w + c);
                        ck_fr_reduce_once(dx[c].l, x[c].l);
                        ck_fr_reduce_once(dy[c].l, y[c].l);
                    }
                }
            }
        }
    }
}

CK_NTT_TARGET void CK_NTT_NAME(ck_fr_powers_member)(void *vjob, uint32_t id, uint32_t members, ck_ntt_team *team) {
    (void)team;
    ck_ntt_powers_job *job = vjob;
    size_t lo = CK_NTT_NAME(share)(job->n, id, members), hi = CK_NTT_NAME(share)(job->n, id + 1, members);
    if (lo >= hi) return;
    ck_fr *restrict a = job->a;
    if (!job->use_g) {
        for (size_t j = lo; j < hi; j++) CK_NTT_MUL(a[j].l, a[j].l, job->c.l);
        return;
    }
    ck_fr x;
    CK_NTT_NAME(mul_pow)(&x, &job->c, &job->g, lo);
    for (size_t j = lo; j < hi; j++) {
        CK_NTT_MUL(a[j].l, a[j].l, x.l);
        CK_NTT_MUL(x.l, x.l, job->g.l);
    }
}
