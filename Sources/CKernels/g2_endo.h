/* Private: the untwist-Frobenius-twist endomorphism psi of G2 and the subgroup test built
 * on it, for curve_core.h (included by g2.c, msm_g2_adx.c and msm_g2_ifma.c after
 * curve_core.h).
 *
 * psi(x, y) = (conj(x)·cx, conj(y)·cy) with cx = 1/(u+1)^((p-1)/3) and
 * cy = 1/(u+1)^((p-1)/2), taken once from the Fp12 Frobenius table. On the twist, P is in G2 iff
 * psi(P) == x·P for the BLS parameter x (Scott, eprint 2021/1130, section 4; the test
 * EIP-2537 specifies for BLS12-381 G2, whose constants a test compares with these); x is
 * negative, so the check is psi(P) + |x|·P == O: 63 doublings and 5 additions instead
 * of r·P's 255-bit multiplication. Jacobian coordinates: conj is a field automorphism,
 * so psi(X, Y, Z) = (conj(X)·cx, conj(Y)·cy, conj(Z)). */
#ifndef CK_G2_ENDO_H
#define CK_G2_ENDO_H

#include <pthread.h>

#include "fp12_tower.h" /* ck_fp12_frob_coeffs */

static ck_fp2 g2_psi_cx, g2_psi_cy;
static pthread_once_t g2_psi_once = PTHREAD_ONCE_INIT;

/* cx = 1/gamma_1[2] and cy = 1/gamma_1[3]: the Fp12 Frobenius table (fp12.c) has
 * gamma_1[i] = xi^(i (p - 1) / 6), xi = u + 1. */
static void g2_psi_init(void) {
    CURVE_INIT();
    const ck_fp2 *gamma = ck_fp12_frob_coeffs(1);
    F_INV(&g2_psi_cx, &gamma[2]);
    F_INV(&g2_psi_cy, &gamma[3]);
}

static void g2_psi(JAC *out, const JAC *p) {
    pthread_once(&g2_psi_once, g2_psi_init);
    ck_fp2 t;
    ck_fp2_conj(&t, &p->x);
    F_MUL(&out->x, &t, &g2_psi_cx);
    ck_fp2_conj(&t, &p->y);
    F_MUL(&out->y, &t, &g2_psi_cy);
    ck_fp2_conj(&out->z, &p->z);
}

static int g2_in_subgroup_fast(const JAC *p) {
    if (jac_is_inf(p)) return 1;
    JAC t, s;
    jac_mul_u64(&t, p, 0xd201000000010000ull);
    g2_psi(&s, p);
    jac_add(&t, &t, &s);
    return jac_is_inf(&t);
}

#endif
