/* Private: eight Fp elements at once with AVX-512 IFMA (vpmadd52luq / vpmadd52huq), for
 * kernels with many independent products (the batch-affine MSM). Callable only when the
 * CPU has CK_CPU_AVX512IFMA; every function carries the target attribute.
 *
 * An fp8 holds eight elements limb-major: l[i] has limb i of all eight, a limb being 52
 * bits (8 x 52 = 416 bits >= 381). The values are the same Montgomery representatives as
 * ck_fp's (x * 2^384 mod p, fully reduced to [0, p)): only the limb split differs, so a
 * load from ck_fp and a store back are exact, and fp8_mul gives bit for bit what
 * ck_fp_mul gives.
 *
 * fp8_mul is Montgomery's product with R = 2^384: the schoolbook product in 52-bit limbs
 * (IFMA multiplies the low 52 bits of each lane and adds the low or the high 52 bits of
 * the 104-bit product to a 64-bit accumulator, so sixteen terms fit without carries),
 * then seven reduction steps of 52 bits (m = t_k * (-p^-1) mod 2^52 clears limb k) and a
 * last step of 20 bits (7 * 52 + 20 = 384), the carries normalized, a shift by 20 bits,
 * and one conditional subtraction of p. */
#ifndef CK_FP_IFMA_H
#define CK_FP_IFMA_H

#include <immintrin.h>
#include <stdint.h>

#include "CKernels.h"

#define CK_IFMA_TARGET __attribute__((target("avx512f,avx512ifma")))
#define CK_IFMA_INL static inline __attribute__((always_inline)) CK_IFMA_TARGET

typedef struct {
    __m512i l[8];
} fp8;

#define FP8_M52 0xfffffffffffffull
/* p in 52-bit limbs, and -p^-1 mod 2^52 (its low 20 bits are -p^-1 mod 2^20). */
static const uint64_t fp8_p[8] = {0xeffffffffaaabull, 0xfeb153ffffb9full, 0x6b0f6241eabffull, 0x12bf6730d2a0full,
                                  0x764774b84f385ull, 0x1ba7b6434bacdull, 0x1ea397fe69a4bull, 0x1a011ull};
#define FP8_N0 0x3fffcfffcfffdull

#define FP8_SET1(x) _mm512_set1_epi64((long long)(x))

/* o = a - p if a >= p, else a (limbs of a normalized, a < 2^416). */
CK_IFMA_INL void fp8_reduce_once(fp8 *o, const __m512i r[8]) {
    const __m512i mask = FP8_SET1(FP8_M52);
    __m512i s[8], borrow = _mm512_setzero_si512();
    for (int x = 0; x < 8; x++) {
        s[x] = _mm512_sub_epi64(_mm512_sub_epi64(r[x], FP8_SET1(fp8_p[x])), borrow);
        borrow = _mm512_srli_epi64(s[x], 63);
        s[x] = _mm512_and_si512(s[x], mask);
    }
    __mmask8 keep = _mm512_test_epi64_mask(borrow, borrow); /* a < p: keep a */
    for (int x = 0; x < 8; x++) o->l[x] = _mm512_mask_blend_epi64(keep, s[x], r[x]);
}

/* o = a * b * 2^-384 mod p, fully reduced; o may alias a or b. */
CK_IFMA_INL void fp8_mul(fp8 *o, const fp8 *a, const fp8 *b) {
    const __m512i zero = _mm512_setzero_si512(), mask = FP8_SET1(FP8_M52);
    __m512i t[17];
    for (int k = 0; k < 17; k++) t[k] = zero;
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], a->l[i], b->l[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a->l[i], b->l[j]);
        }
    }
    const __m512i n0 = FP8_SET1(FP8_N0);
    for (int k = 0; k < 7; k++) {
        __m512i m = _mm512_madd52lo_epu64(zero, t[k], n0);
        for (int j = 0; j < 8; j++) {
            __m512i pj = FP8_SET1(fp8_p[j]);
            t[k + j] = _mm512_madd52lo_epu64(t[k + j], m, pj);
            t[k + j + 1] = _mm512_madd52hi_epu64(t[k + j + 1], m, pj);
        }
        t[k + 1] = _mm512_add_epi64(t[k + 1], _mm512_srli_epi64(t[k], 52));
    }
    /* the last 20 bits: u = t[7..16] */
    __m512i *u = t + 7;
    __m512i m = _mm512_and_si512(_mm512_madd52lo_epu64(zero, u[0], n0), FP8_SET1(0xfffffull));
    for (int j = 0; j < 8; j++) {
        __m512i pj = FP8_SET1(fp8_p[j]);
        u[j] = _mm512_madd52lo_epu64(u[j], m, pj);
        u[j + 1] = _mm512_madd52hi_epu64(u[j + 1], m, pj);
    }
    for (int x = 0; x < 9; x++) {
        u[x + 1] = _mm512_add_epi64(u[x + 1], _mm512_srli_epi64(u[x], 52));
        u[x] = _mm512_and_si512(u[x], mask);
    }
    __m512i r[8];
    for (int x = 0; x < 8; x++)
        r[x] = _mm512_or_si512(_mm512_srli_epi64(u[x], 20), _mm512_and_si512(_mm512_slli_epi64(u[x + 1], 32), mask));
    fp8_reduce_once(o, r); /* the product is < 2p */
}

/* o = a - b mod p. */
CK_IFMA_INL void fp8_sub(fp8 *o, const fp8 *a, const fp8 *b) {
    const __m512i mask = FP8_SET1(FP8_M52);
    __m512i d[8], borrow = _mm512_setzero_si512();
    for (int x = 0; x < 8; x++) {
        d[x] = _mm512_sub_epi64(_mm512_sub_epi64(a->l[x], b->l[x]), borrow);
        borrow = _mm512_srli_epi64(d[x], 63);
        d[x] = _mm512_and_si512(d[x], mask);
    }
    __mmask8 under = _mm512_test_epi64_mask(borrow, borrow); /* a < b: add p */
    __m512i carry = _mm512_setzero_si512();
    for (int x = 0; x < 8; x++) {
        __m512i e = _mm512_add_epi64(_mm512_add_epi64(d[x], FP8_SET1(fp8_p[x])), carry);
        carry = _mm512_srli_epi64(e, 52);
        o->l[x] = _mm512_mask_blend_epi64(under, d[x], _mm512_and_si512(e, mask));
    }
}

/* o = a + b mod p. */
CK_IFMA_INL void fp8_add(fp8 *o, const fp8 *a, const fp8 *b) {
    const __m512i mask = FP8_SET1(FP8_M52);
    __m512i s[8], carry = _mm512_setzero_si512();
    for (int x = 0; x < 8; x++) {
        s[x] = _mm512_add_epi64(_mm512_add_epi64(a->l[x], b->l[x]), carry);
        carry = _mm512_srli_epi64(s[x], 52);
        s[x] = _mm512_and_si512(s[x], mask);
    }
    fp8_reduce_once(o, s);
}

/* Lanes in neg take p - a (a != 0) or 0, the others keep a. */
CK_IFMA_INL void fp8_cond_neg(fp8 *o, const fp8 *a, __mmask8 neg) {
    fp8 z, n;
    for (int x = 0; x < 8; x++) z.l[x] = _mm512_setzero_si512();
    fp8_sub(&n, &z, a);
    for (int x = 0; x < 8; x++) o->l[x] = _mm512_mask_blend_epi64(neg, a->l[x], n.l[x]);
}

/* Loads eight ck_fp from the addresses in addr (lane i: the 48 bytes at addr[i]). */
CK_IFMA_INL void fp8_gather(fp8 *o, __m512i addr) {
    const __m512i mask = FP8_SET1(FP8_M52);
    __m512i w[6];
    for (int q = 0; q < 6; q++)
        w[q] = _mm512_i64gather_epi64(_mm512_add_epi64(addr, FP8_SET1(8 * q)), (const void *)0, 1);
    o->l[0] = _mm512_and_si512(w[0], mask);
    o->l[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w[0], 52), _mm512_slli_epi64(w[1], 12)), mask);
    o->l[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w[1], 40), _mm512_slli_epi64(w[2], 24)), mask);
    o->l[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w[2], 28), _mm512_slli_epi64(w[3], 36)), mask);
    o->l[4] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w[3], 16), _mm512_slli_epi64(w[4], 48)), mask);
    o->l[5] = _mm512_and_si512(_mm512_srli_epi64(w[4], 4), mask);
    o->l[6] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(w[4], 56), _mm512_slli_epi64(w[5], 8)), mask);
    o->l[7] = _mm512_srli_epi64(w[5], 44);
}

/* Stores the lanes in m of a as ck_fp at the addresses in addr. */
CK_IFMA_INL void fp8_scatter(__m512i addr, __mmask8 m, const fp8 *a) {
    const __m512i *l = a->l;
    __m512i w[6];
    w[0] = _mm512_or_si512(l[0], _mm512_slli_epi64(l[1], 52));
    w[1] = _mm512_or_si512(_mm512_srli_epi64(l[1], 12), _mm512_slli_epi64(l[2], 40));
    w[2] = _mm512_or_si512(_mm512_srli_epi64(l[2], 24), _mm512_slli_epi64(l[3], 28));
    w[3] = _mm512_or_si512(_mm512_srli_epi64(l[3], 36), _mm512_slli_epi64(l[4], 16));
    w[4] = _mm512_or_si512(_mm512_or_si512(_mm512_srli_epi64(l[4], 48), _mm512_slli_epi64(l[5], 4)),
                           _mm512_slli_epi64(l[6], 56));
    w[5] = _mm512_or_si512(_mm512_srli_epi64(l[6], 8), _mm512_slli_epi64(l[7], 44));
    for (int q = 0; q < 6; q++)
        _mm512_mask_i64scatter_epi64((void *)0, m, _mm512_add_epi64(addr, FP8_SET1(8 * q)), w[q], 1);
}

/* ---- Fp2 = Fp[u]/(u^2 + 1), eight elements: c0 and c1 as two fp8 ---------------------- */

typedef struct {
    fp8 c0, c1;
} fp2x8;

/* Karatsuba: (a0 + a1 u)(b0 + b1 u) = (a0 b0 - a1 b1) + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u. */
CK_IFMA_INL void fp2x8_mul(fp2x8 *o, const fp2x8 *a, const fp2x8 *b) {
    fp8 t0, t1, sa, sb, s;
    fp8_mul(&t0, &a->c0, &b->c0);
    fp8_mul(&t1, &a->c1, &b->c1);
    fp8_add(&sa, &a->c0, &a->c1);
    fp8_add(&sb, &b->c0, &b->c1);
    fp8_mul(&s, &sa, &sb);
    fp8_sub(&o->c0, &t0, &t1);
    fp8_sub(&s, &s, &t0);
    fp8_sub(&o->c1, &s, &t1);
}

CK_IFMA_INL void fp2x8_sub(fp2x8 *o, const fp2x8 *a, const fp2x8 *b) {
    fp8_sub(&o->c0, &a->c0, &b->c0);
    fp8_sub(&o->c1, &a->c1, &b->c1);
}

CK_IFMA_INL void fp2x8_cond_neg(fp2x8 *o, const fp2x8 *a, __mmask8 neg) {
    fp8_cond_neg(&o->c0, &a->c0, neg);
    fp8_cond_neg(&o->c1, &a->c1, neg);
}

/* ck_fp2 at the addresses: c0 (48 bytes) then c1. */
CK_IFMA_INL void fp2x8_gather(fp2x8 *o, __m512i addr) {
    fp8_gather(&o->c0, addr);
    fp8_gather(&o->c1, _mm512_add_epi64(addr, FP8_SET1(sizeof(ck_fp))));
}

CK_IFMA_INL void fp2x8_scatter(__m512i addr, __mmask8 m, const fp2x8 *a) {
    fp8_scatter(addr, m, &a->c0);
    fp8_scatter(_mm512_add_epi64(addr, FP8_SET1(sizeof(ck_fp))), m, &a->c1);
}

#endif
