/* Private: Pippenger's multi-scalar multiplication and the fixed-base multiplication of
 * many scalars, over the point arithmetic of curve_core.h (included after it, with the
 * same field macros). g1.c and g2.c build it over the dispatched field product,
 * msm_g1_adx.c and msm_g2_adx.c over the mulx/adx product inlined.
 *
 * MSM: signed base-2^c digits, |d| <= 2^(c-1), so a window has 2^(c-1) buckets and a
 * negative digit adds the negated point. c comes from a cost model of n and the bit
 * length of the largest scalar. Buckets are affine and filled in batches: the slopes'
 * denominators of a batch share one inversion (Montgomery's trick), so an addition costs
 * 5 multiplications and a squaring where a mixed Jacobian addition costs 11. A batch
 * never holds one bucket twice: a point whose bucket is already in it waits for the next
 * batch. Windows with few buckets are processed several at a time, one batch spanning
 * them, so that small MSMs still fill large batches. The windows are dealt to the
 * threads; each window's buckets are summed with two running sums, Σ (b+1)·B_b, and the
 * window sums are combined with c doublings per window. */

/* Field multiplications per batched affine addition (5M + 1S, the shared inversion and
 * the additions) and per bucket of the running-sum reduction (a mixed and a full
 * Jacobian addition), the weights of the window choice. */
#define MSM_ADD_COST 7.0
/* The products of the batch loop, which may be inlined where F_MUL is a call. */
#ifndef F_MUL_HOT
#define F_MUL_HOT F_MUL
#define F_SQR_HOT F_SQR
#endif
#define MSM_REDUCE_COST 27.0
/* From 2^14 buckets on, the segmented reduction: about two affine additions per bucket. */
#define MSM_SEGMENTED_MIN 16384
#define MSM_REDUCE_SEG_COST 14.0
#ifndef MSM_BATCH_MAX
#define MSM_BATCH_MAX 2048
#endif
#define MSM_GROUP_BYTES (512u * 1024u) /* the buckets of the windows processed together */
#define MSM_MAX_GROUP 64
#define MSM_NEG 0x80000000u   /* in msm_pair.point: add the negated point */
#define MSM_DBL 0x40000000u   /* set by the flush: the pair is a doubling */
#define MSM_INDEX 0x3fffffffu /* the point index */

/* The bit length of the largest of n 32-byte LE scalars (0 when all are zero). */
static unsigned msm_bits(const uint8_t *scalars, size_t n) {
    uint8_t any[32] = {0};
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 32; b++) any[b] |= scalars[32 * i + b];
    for (int b = 31; b >= 0; b--)
        if (any[b]) return (unsigned)(8 * b + 32 - __builtin_clz(any[b]));
    return 0;
}

/* Windows of bits-bit scalars: the top one also takes the last carry, so it has at most
 * bits mod c < c bits plus the carry, i.e. a digit <= 2^(c-1) with no carry out. */
static unsigned msm_nwindows(unsigned bits, unsigned c) { return bits / c + 1; }

static unsigned msm_window(size_t n, unsigned bits) {
    unsigned best = 2;
    double best_cost = 0;
    for (unsigned c = 2; c <= 16; c++) {
        const double nb = (double)(1u << (c - 1));
        const double reduce = nb >= MSM_SEGMENTED_MIN ? MSM_REDUCE_SEG_COST : MSM_REDUCE_COST;
        double cost = msm_nwindows(bits, c) * ((double)n * MSM_ADD_COST + nb * reduce);
        if (c == 2 || cost < best_cost) {
            best = c;
            best_cost = cost;
        }
    }
    return best;
}

/* Signed base-2^c digits of a 256-bit LE scalar: d_w in [-2^(c-1), 2^(c-1)) below the top
 * window, which keeps its value (<= 2^(c-1)); nw windows, stored at d[w * stride]
 * (window-major, so each window's pass reads its digits in order). */
static void msm_digits(int32_t *d, size_t stride, const uint8_t s[32], unsigned c, unsigned nw) {
    uint8_t buf[40] = {0};
    memcpy(buf, s, 32);
    const int32_t half = (int32_t)1 << (c - 1), full = (int32_t)1 << c;
    int32_t carry = 0;
    for (unsigned w = 0; w < nw; w++) {
        unsigned bit = w * c;
        uint64_t word = 0;
        if (bit < 256) {
            for (int k = 7; k >= 0; k--) word = (word << 8) | buf[bit / 8 + (unsigned)k];
        }
        int32_t x = (int32_t)((word >> (bit % 8)) & (uint64_t)(full - 1)) + carry;
        carry = 0;
        if (w + 1 < nw && x >= half) {
            x -= full;
            carry = 1;
        }
        d[(size_t)w * stride] = x;
    }
}

typedef struct {
    uint32_t bucket; /* in the group's bucket array */
    uint32_t point;  /* index | MSM_NEG | MSM_DBL */
} msm_pair;

typedef struct {
    const AFF *points;
    AFF *buckets;   /* group × 2^(c-1) */
    JAC *overflow;  /* per bucket: the points that found the wait list full */
    uint8_t *used;  /* overflow[b] holds something */
    uint32_t *stamp; /* stamp[b] == epoch: b is in the batch */
    uint32_t epoch;
    size_t cap, nbatch, nwaiting;
    msm_pair *batch, *waiting, *spare;
    F *den, *pre;
#ifdef MSM_IFMA
    void *simd;      /* msm_ifma.h's per-batch arrays */
    AFF dummy[2];    /* what the unused lanes of a last, partial group add */
#endif
} msm_acc;

#ifdef MSM_IFMA
#include "msm_ifma.h"
#endif

static void msm_y(F *y, const AFF *p, uint32_t point) {
    if (point & MSM_NEG) {
        F_NEG(y, &p->y);
    } else {
        *y = p->y;
    }
}

/* Applies the batch: bucket += ±point for every pair, affine, with one inversion. For
 * B + Q with Q = (x2, ±y2): λ = (±y2 - y1)/(x2 - x1), x3 = λ^2 - x1 - x2,
 * y3 = λ(x1 - x3) - y1. A negated point is never negated: with μ = (y2 + y1)/(x2 - x1)
 * = -λ, x3 = μ^2 - x1 - x2 and y3 = μ(x3 - x1) - y1, so both signs cost the same. */
static void msm_flush(msm_acc *a) {
    size_t m = 0, ndbl = 0;
    /* Pass 1: the denominators x2 - x1 (2y for a doubling); empty buckets and P + (-P)
     * are done at once. */
    for (size_t k = 0; k < a->nbatch; k++) {
        msm_pair pr = a->batch[k];
        AFF *b = &a->buckets[pr.bucket];
        const AFF *p = &a->points[pr.point & MSM_INDEX];
        F d;
        if (b->inf) {
            b->x = p->x;
            msm_y(&b->y, p, pr.point);
            b->inf = 0;
            continue;
        }
        F_SUB(&d, &p->x, &b->x);
        if (F_ISZERO(&d)) { /* the same x: B = ±Q */
            F qy;
            msm_y(&qy, p, pr.point);
            if (F_EQ(&qy, &b->y)) F_DBL(&d, &b->y);
            if (F_ISZERO(&d)) { /* P + (-P), or a doubling of a point with y = 0 */
                F_ZERO(&b->x);
                F_ZERO(&b->y);
                b->inf = 1;
                continue;
            }
            pr.point |= MSM_DBL;
            ndbl++;
        }
        a->den[m] = d;
        a->batch[m] = pr;
        m++;
    }
#ifdef MSM_IFMA
    if (m > 0 && ndbl == 0) { /* eight additions at a time; doublings (rare) stay scalar */
        msm_apply_ifma(a, m);
        m = 0;
    }
#else
    (void)ndbl;
#endif
    if (m > 0) {
        /* Montgomery's trick: pre[k] = d_0 ... d_(k-1), one inversion of the product,
         * then 1/d_k = pre[k] / (d_0 ... d_k) walking back. */
        F acc = a->den[0], inv;
        for (size_t k = 1; k < m; k++) {
            a->pre[k] = acc;
            F_MUL_HOT(&acc, &acc, &a->den[k]);
        }
        F_INV(&inv, &acc);
        for (size_t k = m; k-- > 0;) {
            F dinv;
            if (k > 0) {
                F_MUL_HOT(&dinv, &inv, &a->pre[k]);
                F_MUL_HOT(&inv, &inv, &a->den[k]);
            } else {
                dinv = inv;
            }
            msm_pair pr = a->batch[k];
            AFF *b = &a->buckets[pr.bucket];
            const AFF *p = &a->points[pr.point & MSM_INDEX];
            F lambda, t, x3;
            int neg = 0;
            if (pr.point & MSM_DBL) { /* slope 3x^2 / 2y */
                F_SQR_HOT(&t, &b->x);
                F_DBL(&lambda, &t);
                F_ADD(&lambda, &lambda, &t);
            } else if (pr.point & MSM_NEG) { /* μ = (y2 + y1) / (x2 - x1) = -λ */
                F_ADD(&lambda, &p->y, &b->y);
                neg = 1;
            } else { /* slope (y2 - y1) / (x2 - x1) */
                F_SUB(&lambda, &p->y, &b->y);
            }
            F_MUL_HOT(&lambda, &lambda, &dinv);
            F_SQR_HOT(&x3, &lambda);
            F_SUB(&x3, &x3, &b->x);
            F_SUB(&x3, &x3, &p->x);
            if (neg) {
                F_SUB(&t, &x3, &b->x);
            } else {
                F_SUB(&t, &b->x, &x3);
            }
            F_MUL_HOT(&t, &lambda, &t);
            F_SUB(&b->y, &t, &b->y);
            b->x = x3;
        }
    }
    a->nbatch = 0;
    a->epoch++;
}

/* A point that found the wait list full goes to its bucket's Jacobian sum instead (only
 * with skewed scalars, e.g. all equal). */
static void msm_overflow(msm_acc *a, msm_pair pr) {
    AFF q = a->points[pr.point & MSM_INDEX];
    msm_y(&q.y, &q, pr.point);
    if (!a->used[pr.bucket]) {
        jac_set_inf(&a->overflow[pr.bucket]);
        a->used[pr.bucket] = 1;
    }
    jac_madd(&a->overflow[pr.bucket], &a->overflow[pr.bucket], &q);
}

static inline void msm_push(msm_acc *a, msm_pair pr) {
    if (a->stamp[pr.bucket] == a->epoch) {
        if (a->nwaiting < a->cap) {
            a->waiting[a->nwaiting++] = pr;
        } else {
            msm_overflow(a, pr);
        }
        return;
    }
    a->stamp[pr.bucket] = a->epoch;
    const char *b = (const char *)&a->buckets[pr.bucket];
    __builtin_prefetch(b, 1);
    __builtin_prefetch(b + sizeof(AFF) - 1, 1);
    a->batch[a->nbatch++] = pr;
}

/* Flushes the batch and starts the next one with the waiting points (at most cap of
 * them, so the new batch cannot overflow). */
static void msm_cycle(msm_acc *a) {
    msm_flush(a);
    msm_pair *w = a->waiting;
    size_t m = a->nwaiting;
    a->waiting = a->spare;
    a->spare = w;
    a->nwaiting = 0;
    for (size_t k = 0; k < m; k++) msm_push(a, w[k]);
}

/* ---- A few terms: Straus (one doubling chain shared by every term) ------------------ */

/* Width-5 NAF: odd digits in (-16, 16), at least 4 zeros after each non-zero one, so
 * about one addition per 6 bits from a table of the odd multiples P, 3P, ..., 15P. */
#define MSM_SMALL_MAX 8
#define MSM_NAF_LEN 262
#define MSM_NAF_TABLE 8

/* The width-5 NAF of the little-endian value k[0..4] (consumed); returns its length. */
static int msm_wnaf(int8_t *d, uint64_t k[5]) {
    int len = 0;
    while (k[0] | k[1] | k[2] | k[3] | k[4]) {
        int v = 0;
        if (k[0] & 1) {
            v = (int)(k[0] & 31);
            if (v >= 16) v -= 32;
            /* k -= v clears the low five bits: for v > 0 they are v (no borrow); for
             * v < 0 adding -v carries upward */
            if (v > 0) {
                k[0] -= (uint64_t)v;
            } else {
                uint64_t add = (uint64_t)(-v);
                for (int i = 0; i < 5 && add != 0; i++) {
                    k[i] += add;
                    add = k[i] < add;
                }
            }
        }
        d[len++] = (int8_t)v;
        for (int i = 0; i < 4; i++) k[i] = (k[i] >> 1) | (k[i + 1] << 63);
        k[4] >>= 1;
    }
    return len;
}

typedef struct {
    JAC t[MSM_NAF_TABLE]; /* (2j+1)·P */
    int8_t d[MSM_NAF_LEN];
    int len;
} msm_term;

/* The table entries the digits use: (2j+1)·P for j < size (size = (largest |d| + 1) / 2). */
static int msm_term_size(const msm_term *m) {
    int top = 0;
    for (int i = 0; i < m->len; i++) {
        int v = m->d[i] < 0 ? -m->d[i] : m->d[i];
        if (v > top) top = v;
    }
    return (top + 1) / 2;
}

static void msm_term_table(msm_term *m, const JAC *p, int size) {
    JAC p2;
    m->t[0] = *p;
    if (size > 1) jac_dbl(&p2, p);
    for (int j = 1; j < size; j++) jac_add(&m->t[j], &m->t[j - 1], &p2);
}

/* Σ k_i·P_i for n <= MSM_SMALL_MAX terms. With CURVE_ENDO (G1) each scalar is split as
 * k = q·λ' + r with two ~128-bit halves and the q term uses the endomorphism image of
 * the table, so the doubling chain is half as long. */
static void msm_small(JAC *out, const AFF *points, const uint8_t *scalars, size_t n) {
#ifdef CURVE_ENDO
    msm_term terms[2 * MSM_SMALL_MAX];
#else
    msm_term terms[MSM_SMALL_MAX];
#endif
    size_t m = 0;
    int top = 0;
    for (size_t i = 0; i < n; i++) {
        if (points[i].inf) continue;
        uint64_t k[5] = {0};
        for (int b = 0; b < 32; b++) k[b / 8] |= (uint64_t)scalars[32 * i + b] << (8 * (b % 8));
        JAC p;
        jac_from_aff(&p, &points[i]);
#ifdef CURVE_ENDO
        uint64_t q[5];
        CURVE_ENDO_SPLIT(q, k); /* k becomes the remainder */
        msm_term *a = &terms[m], *b = &terms[m + 1];
        a->len = msm_wnaf(a->d, k);
        b->len = msm_wnaf(b->d, q);
        int sa = msm_term_size(a), sb = msm_term_size(b);
        msm_term_table(a, &p, sa > sb ? sa : sb);
        for (int j = 0; j < sb; j++) CURVE_ENDO_MAP(&b->t[j], &a->t[j]);
        m += 2;
#else
        msm_term *a = &terms[m++];
        a->len = msm_wnaf(a->d, k);
        msm_term_table(a, &p, msm_term_size(a));
#endif
    }
    for (size_t t = 0; t < m; t++)
        if (terms[t].len > top) top = terms[t].len;
    JAC acc, e;
    jac_set_inf(&acc);
    for (int j = top - 1; j >= 0; j--) {
        jac_dbl(&acc, &acc);
        for (size_t t = 0; t < m; t++) {
            if (j >= terms[t].len || terms[t].d[j] == 0) continue;
            int v = terms[t].d[j];
            if (v > 0) {
                jac_add(&acc, &acc, &terms[t].t[(v - 1) / 2]);
            } else {
                e = terms[t].t[(-v - 1) / 2];
                F_NEG(&e.y, &e.y);
                jac_add(&acc, &acc, &e);
            }
        }
    }
    *out = acc;
}

typedef struct {
    const AFF *points;
    const int32_t *digits; /* nw × n, window-major */
    size_t n;
    unsigned c, nw, first_w, step_w;
    JAC *window_sums; /* nw */
    int rc;
} msm_job;

/* Σ (b+1)·bucket[b] (with the overflow sums) by two running sums. */
static void msm_reduce(JAC *out, const msm_acc *a, size_t first, size_t nb) {
    JAC run, sum;
    jac_set_inf(&run);
    jac_set_inf(&sum);
    for (size_t b = nb; b-- > 0;) {
        jac_madd(&run, &run, &a->buckets[first + b]);
        if (a->used[first + b]) jac_add(&run, &run, &a->overflow[first + b]);
        jac_add(&sum, &sum, &run);
    }
    *out = sum;
}

/* The same sum with the segments' running sums advanced together as batch-affine
 * additions: the nb buckets form S segments of L = nb/S; walking j from L-1 down, every
 * segment adds its bucket j to its run (one batch) and its run to its sum (another), so
 * sum_s = Σ_j (j+1)·B_(sL+j) and run_s = Σ_j B_(sL+j). Then Σ (b+1)·B_b =
 * Σ_s sum_s + L·Σ_s s·run_s, the last by Jacobian running sums over the S segments and
 * log2 L doublings. The overflow sums are folded into their buckets first. aux: 2S
 * points (run_s, then sum_s). About two affine additions per bucket instead of a mixed
 * and a full Jacobian one. */
static void msm_reduce_segmented(JAC *out, msm_acc *a, size_t first, size_t nb, size_t S, AFF *aux) {
    AFF *B = a->buckets + first;
    for (size_t b = 0; b < nb; b++) {
        if (!a->used[first + b]) continue;
        JAC t = a->overflow[first + b];
        jac_madd(&t, &t, &B[b]);
        jac_to_aff(&B[b], &t);
        a->used[first + b] = 0;
    }
    const AFF *points = a->points;
    AFF *buckets = a->buckets;
    const size_t L = nb / S;
    for (size_t s = 0; s < 2 * S; s++) {
        F_ZERO(&aux[s].x);
        F_ZERO(&aux[s].y);
        aux[s].inf = 1;
    }
    a->buckets = aux;
    for (size_t j = L; j-- > 0;) {
        a->points = B;
        a->nbatch = 0;
        for (size_t s = 0; s < S; s++)
            if (!B[s * L + j].inf) a->batch[a->nbatch++] = (msm_pair){(uint32_t)s, (uint32_t)(s * L + j)};
        if (a->nbatch > 0) msm_flush(a);
        a->points = aux;
        for (size_t s = 0; s < S; s++)
            if (!aux[s].inf) a->batch[a->nbatch++] = (msm_pair){(uint32_t)(S + s), (uint32_t)s};
        if (a->nbatch > 0) msm_flush(a);
    }
    a->points = points;
    a->buckets = buckets;
    JAC run, weighted, total;
    jac_set_inf(&run);
    jac_set_inf(&weighted);
    jac_set_inf(&total);
    for (size_t s = S; s-- > 1;) {
        jac_madd(&run, &run, &aux[s]);
        jac_add(&weighted, &weighted, &run);
    }
    for (size_t d = L; d > 1; d >>= 1) jac_dbl(&weighted, &weighted);
    for (size_t s = 0; s < S; s++) jac_madd(&total, &total, &aux[S + s]);
    jac_add(out, &total, &weighted);
}

/* The segment count for msm_reduce_segmented (a power of two up to 512 that the batch
 * holds, with segments of at least 4 buckets), or 0 when the Jacobian sums are cheaper:
 * the final combination costs about as much as 4096 buckets' saving (measured at 2^16
 * points, c = 13: no gain; at 2^18, c = 15: 18 % less time in all). */
static size_t msm_segments(size_t nb, size_t cap) {
    if (nb < MSM_SEGMENTED_MIN) return 0;
    size_t S = 1;
    while (S * 2 <= 512 && S * 2 <= cap && S * 2 <= nb / 4) S *= 2;
    return S >= 64 ? S : 0;
}

static void msm_windows(msm_job *j) {
    const size_t nb = (size_t)1 << (j->c - 1);
    unsigned mine = 0;
    for (unsigned w = j->first_w; w < j->nw; w += j->step_w) mine++;
    if (mine == 0) return;
    size_t g = MSM_GROUP_BYTES / (nb * sizeof(AFF));
    if (g < 1) g = 1;
    if (g > mine) g = mine;
    if (g > MSM_MAX_GROUP) g = MSM_MAX_GROUP;
    size_t cap = g * nb / 2;
    if (cap > MSM_BATCH_MAX) cap = MSM_BATCH_MAX;
    if (cap < 1) cap = 1;
    const size_t nbk = g * nb;
    msm_acc a = {.points = j->points, .cap = cap};
    a.buckets = malloc(nbk * sizeof(AFF));
    a.overflow = malloc(nbk * sizeof(JAC));
    a.used = malloc(nbk);
    a.stamp = malloc(nbk * sizeof(uint32_t));
    a.batch = malloc(cap * sizeof(msm_pair));
    a.waiting = malloc(cap * sizeof(msm_pair));
    a.spare = malloc(cap * sizeof(msm_pair));
    a.den = malloc(cap * sizeof(F));
    a.pre = malloc(cap * sizeof(F));
    const size_t segs = msm_segments(nb, cap);
    AFF *aux = malloc((2 * segs + 1) * sizeof(AFF));
    int simd_ok = 1;
#ifdef MSM_IFMA
    a.simd = msm_ifma_alloc(cap);
    simd_ok = a.simd != NULL;
    msm_ifma_dummies(a.dummy);
#endif
    if (simd_ok && aux && a.buckets && a.overflow && a.used && a.stamp && a.batch && a.waiting && a.spare && a.den && a.pre) {
        unsigned ws[MSM_MAX_GROUP];
        for (unsigned w = j->first_w; w < j->nw;) {
            size_t k = 0;
            for (; k < g && w < j->nw; w += j->step_w) ws[k++] = w;
            for (size_t b = 0; b < k * nb; b++) {
                F_ZERO(&a.buckets[b].x);
                F_ZERO(&a.buckets[b].y);
                a.buckets[b].inf = 1;
            }
            memset(a.stamp, 0, k * nb * sizeof(uint32_t));
            memset(a.used, 0, k * nb);
            a.epoch = 1;
            a.nbatch = a.nwaiting = 0;
            for (size_t i = 0; i < j->n; i++) {
                if (j->points[i].inf) continue;
                for (size_t u = 0; u < k; u++) {
                    int32_t d = j->digits[(size_t)ws[u] * j->n + i];
                    if (d == 0) continue;
                    msm_pair pr = {(uint32_t)(u * nb + (size_t)((d > 0 ? d : -d) - 1)),
                                   (uint32_t)i | (d < 0 ? MSM_NEG : 0)};
                    msm_push(&a, pr);
                    while (a.nbatch == a.cap) msm_cycle(&a);
                }
            }
            /* Drain: two more batches take nearly all waiting points; any left (only
             * with repeated buckets) go to the Jacobian sums. */
            for (int round = 0; round < 2 && (a.nbatch > 0 || a.nwaiting > 0); round++) msm_cycle(&a);
            if (a.nbatch > 0) msm_flush(&a);
            for (size_t q = 0; q < a.nwaiting; q++) msm_overflow(&a, a.waiting[q]);
            a.nwaiting = 0;
            for (size_t u = 0; u < k; u++) {
                if (segs > 0) {
                    msm_reduce_segmented(&j->window_sums[ws[u]], &a, u * nb, nb, segs, aux);
                } else {
                    msm_reduce(&j->window_sums[ws[u]], &a, u * nb, nb);
                }
            }
        }
    } else {
        j->rc = CK_E_ARG;
    }
    free(a.buckets);
    free(a.overflow);
    free(a.used);
    free(a.stamp);
    free(a.batch);
    free(a.waiting);
    free(a.spare);
    free(a.den);
    free(a.pre);
    free(aux);
#ifdef MSM_IFMA
    free(a.simd);
#endif
}

static void *msm_thread(void *arg) {
    msm_windows((msm_job *)arg);
    return NULL;
}

/* Runs fn on `count` jobs of `size` bytes each: jobs 1.. on their own threads, job 0 on
 * this one (a job whose thread cannot start runs here too). */
static void msm_parallel(void *(*fn)(void *), void *jobs, size_t size, unsigned count) {
    pthread_t tids[64];
    int started[64] = {0};
    if (count > 64) count = 64;
    for (unsigned t = 1; t < count; t++) started[t] = pthread_create(&tids[t], NULL, fn, (char *)jobs + t * size) == 0;
    fn(jobs);
    for (unsigned t = 1; t < count; t++) {
        if (started[t]) {
            pthread_join(tids[t], NULL);
        } else {
            fn((char *)jobs + t * size);
        }
    }
}

/* The signed digits of scalars [first, last) (window-major, stride n): a share of the
 * digit pass, which the threads split before the windows. */
typedef struct {
    int32_t *digits;
    const uint8_t *scalars;
    size_t n, first, last;
    unsigned c, nw;
} msm_digit_job;

static void *msm_digit_thread(void *arg) {
    msm_digit_job *d = (msm_digit_job *)arg;
    for (size_t i = d->first; i < d->last; i++) msm_digits(d->digits + i, d->n, d->scalars + 32 * i, d->c, d->nw);
    return NULL;
}

/* All digits, on up to `threads` threads when n is large enough to pay for them. */
static void msm_all_digits(int32_t *digits, const uint8_t *scalars, size_t n, unsigned c, unsigned nw, unsigned threads) {
    if (threads > 64) threads = 64;
    if (threads < 2 || n < 4096) threads = 1;
    msm_digit_job jobs[64];
    for (unsigned t = 0; t < threads; t++)
        jobs[t] = (msm_digit_job){digits, scalars, n, n * t / threads, n * (t + 1) / threads, c, nw};
    msm_parallel(msm_digit_thread, jobs, sizeof jobs[0], threads);
}

/* Σ k_i·P_i; scalars: n × 32-byte LE (any 256-bit value). CK_E_ARG on allocation failure
 * or more than 2^30 points. */
static int msm_run(JAC *out, const AFF *points, const uint8_t *scalars, size_t n, unsigned threads) {
    jac_set_inf(out);
    if (n == 0) return CK_OK;
    if (n > (size_t)MSM_INDEX + 1) return CK_E_ARG;
    if (n <= MSM_SMALL_MAX) { /* a few terms (a verifier's inputs): Straus is cheaper */
        msm_small(out, points, scalars, n);
        return CK_OK;
    }
    const unsigned bits = msm_bits(scalars, n);
    if (bits == 0) return CK_OK;
    const unsigned c = msm_window(n, bits);
    const unsigned nw = msm_nwindows(bits, c);
    int32_t *digits = malloc(n * nw * sizeof(int32_t));
    JAC *sums = malloc(nw * sizeof(JAC));
    if (digits == NULL || sums == NULL) {
        free(digits);
        free(sums);
        return CK_E_ARG;
    }
    msm_all_digits(digits, scalars, n, c, nw, threads);
    for (unsigned w = 0; w < nw; w++) jac_set_inf(&sums[w]);
    if (threads < 1) threads = 1;
    if (threads > nw) threads = nw;
    if (threads > 64) threads = 64;
    msm_job jobs[64];
    for (unsigned t = 0; t < threads; t++) jobs[t] = (msm_job){points, digits, n, c, nw, t, threads, sums, CK_OK};
    msm_parallel(msm_thread, jobs, sizeof jobs[0], threads);
    int rc = CK_OK;
    for (unsigned t = 0; t < threads; t++)
        if (jobs[t].rc != CK_OK) rc = jobs[t].rc;
    if (rc == CK_OK) {
        JAC acc;
        jac_set_inf(&acc);
        for (unsigned w = nw; w-- > 0;) {
            for (unsigned d = 0; d < c; d++) jac_dbl(&acc, &acc);
            jac_add(&acc, &acc, &sums[w]);
        }
        *out = acc;
    }
    free(digits);
    free(sums);
    return rc;
}

/* ---- Fixed-base multiplication of many scalars (setups) ---------------------------- */

/* Jacobian points to affine with one inversion (Montgomery's trick); scratch: n F. */
static void jac_to_aff_many(AFF *out, const JAC *in, size_t n, F *scratch) {
    F acc;
    F_ONE(&acc);
    for (size_t i = 0; i < n; i++) {
        scratch[i] = acc;
        if (!jac_is_inf(&in[i])) F_MUL(&acc, &acc, &in[i].z);
    }
    F inv;
    F_INV(&inv, &acc);
    for (size_t i = n; i-- > 0;) {
        if (jac_is_inf(&in[i])) {
            F_ZERO(&out[i].x);
            F_ZERO(&out[i].y);
            out[i].inf = 1;
            continue;
        }
        F zi, zi2, z = in[i].z;
        F_MUL(&zi, &inv, &scratch[i]);
        F_MUL(&inv, &inv, &z);
        F_SQR(&zi2, &zi);
        F x, y;
        F_MUL(&x, &in[i].x, &zi2);
        F_MUL(&zi2, &zi2, &zi);
        F_MUL(&y, &in[i].y, &zi2);
        out[i].x = x;
        out[i].y = y;
        out[i].inf = 0;
    }
}

/* out_i = k_i·base for n scalars (32-byte LE), with a table of base·j·2^(8w): 32 mixed
 * additions per scalar and one shared inversion per chunk. CK_E_ARG without memory. */
static int fixed_base_many(AFF *out, const AFF *base, const uint8_t *scalars, size_t n) {
    enum { W = 32, T = 256, CHUNK = 4096 };
    AFF *table = malloc((size_t)W * T * sizeof(AFF));
    JAC *jt = malloc((size_t)T * sizeof(JAC));
    JAC *acc = malloc(CHUNK * sizeof(JAC));
    F *scratch = malloc((CHUNK > T ? CHUNK : T) * sizeof(F));
    if (table == NULL || jt == NULL || acc == NULL || scratch == NULL) {
        free(table);
        free(jt);
        free(acc);
        free(scratch);
        return CK_E_ARG;
    }
    JAC b;
    jac_from_aff(&b, base);
    for (int w = 0; w < W; w++) {
        jac_set_inf(&jt[0]);
        for (int j = 1; j < T; j++) jac_add(&jt[j], &jt[j - 1], &b);
        jac_to_aff_many(table + (size_t)w * T, jt, T, scratch);
        for (int d = 0; d < 8; d++) jac_dbl(&b, &b);
    }
    for (size_t first = 0; first < n; first += CHUNK) {
        size_t m = n - first < CHUNK ? n - first : CHUNK;
        for (size_t i = 0; i < m; i++) {
            const uint8_t *k = scalars + 32 * (first + i);
            jac_set_inf(&acc[i]);
            for (int w = 0; w < W; w++)
                if (k[w]) jac_madd(&acc[i], &acc[i], &table[(size_t)w * T + k[w]]);
        }
        jac_to_aff_many(out + first, acc, m, scratch);
    }
    free(table);
    free(jt);
    free(acc);
    free(scratch);
    return CK_OK;
}
