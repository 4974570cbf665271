/* The optimal ate pairing of BLS12-381 as blst computes it (bls12-381.md, "Pairing and GT
 * bytes"). Miller loop over |x| = 0xd201000000010000 with the G2 point in homogeneous
 * projective coordinates (X : Y : Z), x = X/Z, y = Y/Z, on the twist
 * E': y^2 = x^3 + b', b' = 4 xi, xi = u + 1, untwisted by psi(x, y) = (x w^-2, y w^-3).
 *
 * A line through psi(T) with twist slope m, evaluated at P = (xP, yP) and multiplied by
 * w^3 (an element of the subfield Fp4, killed by the final exponentiation), is
 *   (m xT - yT) + (-m xP) v + yP v w,
 * which is sparse: only c0.c0, c0.c1 and c1.c1 are non-zero. The projective forms below
 * are that line times an Fp2 factor (also killed).
 *
 * The loop and the final exponentiation are pairing_core.h over the tower of fp12_core.h,
 * compiled here over the dispatched Fp product (portable path) and in pairing_adx.c with
 * the mulx/adx products inlined; the entry points pick one at run time. */
#include <string.h>

#include "dispatch.h"
#include "fp12_tower.h"

#define TW_ATTR
#define TW_MUL(o, a, b) t12_fp2_mul(o, a, b)
#define TW_SQR(o, a) ck_fp2_sqr(o, a)
#define TW_MULFP(o, a, b) ck_fp2_mul_by_fp(o, a, b)
#define TW_INV2(o, a) ck_fp2_inv(o, a)
#define TW_ADD_M(o, a, b) t12_fp2_add(o, a, b)
#define PC_MUL TW_MUL
#define PC_SQR TW_SQR
#define PC_MULFP TW_MULFP
#include "fp12_core.h"
#include "pairing_core.h"

/* 1 when the dispatched Fp product is the mulx/adx one (then pairing_adx.c). */
static int use_adx(void) { return ck_dispatch()->fp_mul == ck_fp_mul_adx_impl; }

void ck_multi_miller_loop(ck_fp12 *out, const ck_g1 *ps, const ck_g2 *qs, size_t n) {
    if (use_adx()) ck_multi_miller_loop_adx_impl(out, ps, qs, n);
    else pc_multi_miller_loop(out, ps, qs, n);
}

void ck_miller_loop(ck_fp12 *out, const ck_g1 *p, const ck_g2 *q) { ck_multi_miller_loop(out, p, q, 1); }

void ck_final_exp(ck_fp12 *out, const ck_fp12 *f) {
    if (use_adx()) ck_final_exp_adx_impl(out, f);
    else pc_final_exp(out, f);
}

void ck_pairing(ck_fp12 *out, const ck_g1 *p, const ck_g2 *q) {
    ck_fp12 f;
    ck_miller_loop(&f, p, q);
    ck_final_exp(out, &f);
}

void ck_multi_pairing(ck_fp12 *out, const ck_g1 *ps, const ck_g2 *qs, size_t n) {
    ck_fp12 f;
    ck_multi_miller_loop(&f, ps, qs, n);
    ck_final_exp(out, &f);
}

int ck_pairing_check(const ck_g1 *ps, const ck_g2 *qs, size_t n) {
    ck_fp12 r;
    ck_multi_pairing(&r, ps, qs, n);
    return ck_fp12_is_one(&r);
}
