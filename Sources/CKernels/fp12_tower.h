/* Private: helpers of the Fp6/Fp12 tower (fp12.c, pairing.c, pairing_adx.c; not in
 * include/): the Frobenius coefficients and inline Fp/Fp2 additions. The tower itself is
 * fp12_core.h. Fp6 = Fp2[v]/(v^3 - (u+1)), Fp12 = Fp6[w]/(w^2 - v). */
#ifndef CK_FP12_TOWER_H
#define CK_FP12_TOWER_H

#include "CKernels.h"

/* gamma_k[i] = xi^(i (p^k - 1) / 6) for i < 6, k < 12 (computed once, fp12.c): a^(p^k) =
 * sum frob^k(c_i) gamma_k[i] w^i for a = sum c_i w^i (c_i in Fp2). */
const ck_fp2 *ck_fp12_frob_coeffs(unsigned k);

/* Inline Fp/Fp2 additions for the tower, and an Fp2 product over the dispatched ck_fp_mul
 * (measured faster here than a call to ck_fp2_mul); squares stay ck_fp2_sqr. Values are
 * fully reduced; p < 2^381 so a + b never carries out of 384 bits. */
#include <stdint.h>

#include "fp_arith.h"
/* The Fp additions are fp_arith.h's (fully reduced, branch-free). */
static inline __attribute__((always_inline)) void t12_fp_add(ck_fp *o, const ck_fp *a, const ck_fp *b) {
    ck_fp_add_inl(o->l, a->l, b->l);
}
static inline __attribute__((always_inline)) void t12_fp_sub(ck_fp *o, const ck_fp *a, const ck_fp *b) {
    ck_fp_sub_inl(o->l, a->l, b->l);
}

static inline __attribute__((always_inline)) void t12_fp2_add(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) {
    t12_fp_add(&o->c0, &a->c0, &b->c0);
    t12_fp_add(&o->c1, &a->c1, &b->c1);
}
static inline __attribute__((always_inline)) void t12_fp2_sub(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) {
    t12_fp_sub(&o->c0, &a->c0, &b->c0);
    t12_fp_sub(&o->c1, &a->c1, &b->c1);
}
static inline __attribute__((always_inline)) void t12_fp2_dbl(ck_fp2 *o, const ck_fp2 *a) { t12_fp2_add(o, a, a); }
static inline __attribute__((always_inline)) void t12_fp2_neg(ck_fp2 *o, const ck_fp2 *a) {
    ck_fp2 z = {{{0}}, {{0}}};
    t12_fp2_sub(o, &z, a);
}
/* o = a (u + 1) = (a0 - a1) + (a0 + a1) u. */
static inline __attribute__((always_inline)) void t12_fp2_mul_by_nonresidue(ck_fp2 *o, const ck_fp2 *a) {
    ck_fp t0, t1;
    t12_fp_sub(&t0, &a->c0, &a->c1);
    t12_fp_add(&t1, &a->c0, &a->c1);
    o->c0 = t0;
    o->c1 = t1;
}
static inline __attribute__((always_inline)) void t12_fp2_conj(ck_fp2 *o, const ck_fp2 *a) {
    ck_fp z = {{0}};
    o->c0 = a->c0;
    t12_fp_sub(&o->c1, &z, &a->c1);
}

/* Karatsuba Fp2 product over the dispatched ck_fp_mul with the inline additions:
 * (a0 + a1 u)(b0 + b1 u) = (a0 b0 - a1 b1) + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u. */
static inline __attribute__((always_inline)) void t12_fp2_mul(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) {
    ck_fp t0, t1, sa, sb, s;
    ck_fp_mul(&t0, &a->c0, &b->c0);
    ck_fp_mul(&t1, &a->c1, &b->c1);
    t12_fp_add(&sa, &a->c0, &a->c1);
    t12_fp_add(&sb, &b->c0, &b->c1);
    ck_fp_mul(&s, &sa, &sb);
    t12_fp_sub(&o->c0, &t0, &t1);
    t12_fp_sub(&s, &s, &t0);
    t12_fp_sub(&o->c1, &s, &t1);
}

#endif
