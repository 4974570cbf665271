/* The Fp12 tower, the Miller loop and the final exponentiation (fp12_core.h,
 * pairing_core.h) with the mulx/adx Fp2 products of fp_adx_inl.h inlined; fp12.c and
 * pairing.c call these when the dispatched Fp product is the mulx/adx one (so only on
 * CPUs with BMI2 and ADX). */
#include <string.h>

#include "dispatch.h"
#include "fp12_tower.h"
#include "fp_adx_inl.h"

static inline __attribute__((always_inline)) void pa_mul(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) {
    ck_fp2_mul_adx_inl((uint64_t *)o, (const uint64_t *)a, (const uint64_t *)b);
}
static inline __attribute__((always_inline)) void pa_sqr(ck_fp2 *o, const ck_fp2 *a) {
    ck_fp2_sqr_adx_inl((uint64_t *)o, (const uint64_t *)a);
}
/* o = a + b for reduced a, b, left below 2p: ck_fp2_mul_adx_inl takes parts below 2p
 * (its sums stay below 4p < 2^383, its three products below 16p^2, the u part a0 b1 + a1 b0
 * below 8p^2 < p 2^384, the real part corrected into [0, p 2^384)). */
static inline __attribute__((always_inline)) void pa_add_m(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) {
    ck_fp_add_nr_inl(o->c0.l, a->c0.l, b->c0.l);
    ck_fp_add_nr_inl(o->c1.l, a->c1.l, b->c1.l);
}
static inline __attribute__((always_inline)) void pa_mul_fp(ck_fp2 *o, const ck_fp2 *a, const ck_fp *b) {
    ck_fp bb = *b;
    ck_fp_mul_adx_inl(o->c0.l, a->c0.l, bb.l);
    ck_fp_mul_adx_inl(o->c1.l, a->c1.l, bb.l);
}

/* out = a^(p-2) = 1/a (0 for a = 0): fixed 4-bit windows over the public exponent p - 2,
 * most significant first (95 windows: 380 squarings, one product per non-zero window).
 * The squarings call fp_adx.c's (ck_fp_sqr_adx_inl's "8+%[t]" operands do not assemble
 * when the compiler places its scratch at 0(%rsp), as it does when inlined here). */
static CK_ADX_TARGET __attribute__((noinline)) void pa_fp_inv(ck_fp *out, const ck_fp *a) {
    static const uint64_t e[6] = {CK_FP_P0 - 2, CK_FP_P1, CK_FP_P2, CK_FP_P3, CK_FP_P4, CK_FP_P5};
    ck_fp tab[16]; /* tab[i] = a^i, i >= 1 */
    tab[1] = *a;
    ck_fp_sqr_adx_impl(&tab[2], a);
    for (int i = 3; i < 16; i++) ck_fp_mul_adx_inl(tab[i].l, tab[i - 1].l, a->l);
    ck_fp r;
    int top = 380 / 4; /* p - 2 < 2^381: windows 95 .. 0 */
    unsigned w = (unsigned)(e[(top * 4) / 64] >> ((top * 4) % 64)) & 15;
    r = tab[w]; /* the top window is non-zero (bit 380 of p - 2 is set) */
    for (int i = top - 1; i >= 0; i--) {
        for (int k = 0; k < 4; k++) ck_fp_sqr_adx_impl(&r, &r);
        w = (unsigned)(e[(i * 4) / 64] >> ((i * 4) % 64)) & 15;
        if (w) ck_fp_mul_adx_inl(r.l, r.l, tab[w].l);
    }
    *out = r;
}

/* 1/(a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2); the norm is 0 only for a = 0. */
static CK_ADX_TARGET int pa_fp2_inv(ck_fp2 *out, const ck_fp2 *a) {
    ck_fp n, t, ni;
    ck_fp_sqr_adx_impl(&n, &a->c0);
    ck_fp_sqr_adx_impl(&t, &a->c1);
    ck_fp_add_inl(n.l, n.l, t.l);
    if (ck_fp_is_zero(&n)) return CK_E_NOT_INVERTIBLE;
    pa_fp_inv(&ni, &n);
    ck_fp_mul_adx_inl(t.l, a->c1.l, ni.l);
    ck_fp_mul_adx_inl(out->c0.l, a->c0.l, ni.l);
    ck_fp z = {{0}};
    ck_fp_sub_inl(out->c1.l, z.l, t.l);
    return CK_OK;
}

/* ---- Fp4 squaring with lazy reduction (the cyclotomic squaring's core) ----------- */

/* 2 p^2 and 4 p^2 (12 little-endian limbs; both below p 2^384). */
static const uint64_t pa_2p2[12] = {
    0x4d54000038e31c72ull, 0xf9dad63aec705d56ull, 0x2c586706c42279faull, 0xcd7f23da7ce36e86ull,
    0x525d0b50e1234092ull, 0x3ad0c3390c30b8f6ull, 0xea62926612f1de02ull, 0xa14c59fa2dbb94ddull,
    0xcdcb3c92693d17a0ull, 0xc5b921ca1ce08d68ull, 0x97a4f1d5445e4bd3ull, 0x05486f497186bf8eull};
static const uint64_t pa_4p2[12] = {
    0x9aa8000071c638e4ull, 0xf3b5ac75d8e0baacull, 0x58b0ce0d8844f3f5ull, 0x9afe47b4f9c6dd0cull,
    0xa4ba16a1c2468125ull, 0x75a18672186171ecull, 0xd4c524cc25e3bc04ull, 0x4298b3f45b7729bbull,
    0x9b967924d27a2f41ull, 0x8b72439439c11ad1ull, 0x2f49e3aa88bc97a7ull, 0x0a90de92e30d7f1dull};

/* 12-limb plain addition and subtraction (the callers keep every value in range). */
static inline __attribute__((always_inline)) void pa_w_add(uint64_t o[12], const uint64_t a[12], const uint64_t b[12]) {
    uint64_t c = 0;
    for (int i = 0; i < 12; i++) o[i] = ck_fp_adc(a[i], b[i], &c);
}
static inline __attribute__((always_inline)) void pa_w_sub(uint64_t o[12], const uint64_t a[12], const uint64_t b[12]) {
    uint64_t br = 0;
    for (int i = 0; i < 12; i++) o[i] = ck_fp_sbb(a[i], b[i], &br);
}

/* The square of x = x0 + x1 u as two 768-bit integers (not reduced):
 * c0 = (x0 + x1)(x0 - x1 mod p), c1 = (2 x0) x1, each below 2p * p = 2p^2. */
static inline __attribute__((always_inline)) void pa_fp2_sqr_wide(uint64_t c0[12], uint64_t c1[12], const ck_fp2 *x) {
    uint64_t s[6], d[6], x2[6];
    ck_fp_add_nr_inl(s, x->c0.l, x->c1.l);
    ck_fp_sub_inl(d, x->c0.l, x->c1.l);
    ck_fp_add_nr_inl(x2, x->c0.l, x->c0.l);
    ck_fp_mul_wide_adx_inl(c0, s, d);
    ck_fp_mul_wide_adx_inl(c1, x2, x->c1.l);
}

/* (x + y s)^2 = (x^2 + xi y^2) + 2xy s in Fp4 = Fp2[s]/(s^2 - xi), from the three squares
 * x^2, y^2, (x + y)^2 kept as 768-bit integers (components < 2p^2):
 *   ox = (X0 + Y0 - Y1 + 2p^2) + (X1 + Y0 + Y1) u          (xi y^2 = (Y0 - Y1) + (Y0 + Y1) u)
 *   oy = (S0 - X0 - Y0 + 4p^2) + (S1 - X1 - Y1 + 4p^2) u
 * each in [0, 6p^2) with 6p^2 < p 2^384, so one Montgomery reduction each (the added
 * multiples of p vanish mod p). Six 384-bit products and four reductions, against twelve
 * Montgomery products for three Fp2 squarings. */
#define TW_HAVE_FP4_SQR 1
static CK_ADX_TARGET __attribute__((noinline)) void tw_fp4_sqr(ck_fp2 *ox, ck_fp2 *oy, const ck_fp2 *x, const ck_fp2 *y) {
    uint64_t x0[12], x1[12], y0[12], y1[12], s0[12], s1[12], t[12];
    ck_fp2 sum;
    t12_fp2_add(&sum, x, y);
    pa_fp2_sqr_wide(x0, x1, x);
    pa_fp2_sqr_wide(y0, y1, y);
    pa_fp2_sqr_wide(s0, s1, &sum);
    pa_w_add(s0, s0, pa_4p2);
    pa_w_sub(s0, s0, x0);
    pa_w_sub(s0, s0, y0);
    pa_w_add(s1, s1, pa_4p2);
    pa_w_sub(s1, s1, x1);
    pa_w_sub(s1, s1, y1);
    pa_w_add(t, x0, pa_2p2);
    pa_w_add(t, t, y0);
    pa_w_sub(t, t, y1);
    pa_w_add(x1, x1, y0);
    pa_w_add(x1, x1, y1);
    ck_fp_redc_adx_inl(oy->c0.l, s0);
    ck_fp_redc_adx_inl(oy->c1.l, s1);
    ck_fp_redc_adx_inl(ox->c0.l, t);
    ck_fp_redc_adx_inl(ox->c1.l, x1);
}

/* Called versions for the point steps, whose live values leave too few registers for
 * the inline asm. */
static CK_ADX_TARGET __attribute__((noinline)) void pa_mul_call(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) {
    pa_mul(o, a, b);
}
static CK_ADX_TARGET __attribute__((noinline)) void pa_sqr_call(ck_fp2 *o, const ck_fp2 *a) { pa_sqr(o, a); }
static CK_ADX_TARGET __attribute__((noinline)) void pa_mul_fp_call(ck_fp2 *o, const ck_fp2 *a, const ck_fp *b) {
    pa_mul_fp(o, a, b);
}

#define TW_ATTR CK_ADX_TARGET
#define TW_MUL(o, a, b) pa_mul_call(o, a, b)
#define TW_SQR(o, a) pa_sqr(o, a)
#define TW_MULFP(o, a, b) pa_mul_fp(o, a, b)
#define TW_INV2(o, a) pa_fp2_inv(o, a)
#define TW_ADD_M(o, a, b) pa_add_m(o, a, b)
#define PC_MUL(o, a, b) pa_mul_call(o, a, b)
#define PC_SQR(o, a) pa_sqr_call(o, a)
#define PC_MULFP(o, a, b) pa_mul_fp_call(o, a, b)
#include "fp12_core.h"
#include "pairing_core.h"

CK_ADX_TARGET void ck_fp12_mul_adx_impl(ck_fp12 *out, const ck_fp12 *a, const ck_fp12 *b) { tw_fp12_mul(out, a, b); }

CK_ADX_TARGET void ck_fp12_sqr_adx_impl(ck_fp12 *out, const ck_fp12 *a) { tw_fp12_sqr(out, a); }

CK_ADX_TARGET int ck_fp12_inv_adx_impl(ck_fp12 *out, const ck_fp12 *a) { return tw_fp12_inv(out, a); }

CK_ADX_TARGET void ck_fp12_frobenius_adx_impl(ck_fp12 *out, const ck_fp12 *a, unsigned power) {
    tw_fp12_frobenius(out, a, power);
}

CK_ADX_TARGET void ck_multi_miller_loop_adx_impl(ck_fp12 *out, const ck_g1 *ps, const ck_g2 *qs, size_t n) {
    pc_multi_miller_loop(out, ps, qs, n);
}

CK_ADX_TARGET void ck_final_exp_adx_impl(ck_fp12 *out, const ck_fp12 *f) { pc_final_exp(out, f); }
