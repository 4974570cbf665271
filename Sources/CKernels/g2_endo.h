/* Private: the untwist-Frobenius-twist endomorphism psi of G2 and the subgroup test built
 * on it, for curve_core.h (included by g2.c, msm_g2_adx.c and msm_g2_ifma.c after
 * curve_core.h).
 *
 * psi(x, y) = (conj(x)·cx, conj(y)·cy) with cx = 1/(u+1)^((p-1)/3) and
 * cy = 1/(u+1)^((p-1)/2), computed once from p (no table). On the twist, P is in G2 iff
 * psi(P) == x·P for the BLS parameter x (Scott, eprint 2021/1130, section 4; the test
 * EIP-2537 specifies for BLS12-381 G2, whose constants a test compares with these); x is
 * negative, so the check is psi(P) + |x|·P == O: 63 doublings and 5 additions instead
 * of r·P's 255-bit multiplication. Jacobian coordinates: conj is a field automorphism,
 * so psi(X, Y, Z) = (conj(X)·cx, conj(Y)·cy, conj(Z)). */
#ifndef CK_G2_ENDO_H
#define CK_G2_ENDO_H

#include <pthread.h>

static ck_fp2 g2_psi_cx, g2_psi_cy;
static pthread_once_t g2_psi_once = PTHREAD_ONCE_INIT;

/* a^e for a big-endian exponent of 48 bytes. */
static void g2_fp2_pow(ck_fp2 *out, const ck_fp2 *a, const uint8_t e[48]) {
    ck_fp2 r;
    F_ONE(&r);
    for (int i = 0; i < 48; i++) {
        for (int b = 7; b >= 0; b--) {
            F_SQR(&r, &r);
            if ((e[i] >> b) & 1) F_MUL(&r, &r, a);
        }
    }
    *out = r;
}

/* (p - 1) / d as 48 big-endian bytes (d = 2 or 3 divides p - 1). */
static void g2_p_minus_1_over(uint8_t out[48], unsigned d) {
    static const uint64_t p[6] = {CK_FP_P5, CK_FP_P4, CK_FP_P3, CK_FP_P2, CK_FP_P1, CK_FP_P0}; /* big-endian words */
    uint8_t be[48];
    for (int w = 0; w < 6; w++)
        for (int b = 0; b < 8; b++) be[8 * w + b] = (uint8_t)(p[w] >> (56 - 8 * b));
    be[47] -= 1; /* p is odd */
    unsigned rem = 0;
    for (int i = 0; i < 48; i++) {
        unsigned cur = (rem << 8) | be[i];
        out[i] = (uint8_t)(cur / d);
        rem = cur % d;
    }
}

static void g2_psi_init(void) {
    CURVE_INIT();
    ck_fp2 u1, t;
    uint8_t e[48];
    ck_fp_set_one(&u1.c0);
    ck_fp_set_one(&u1.c1); /* u + 1 */
    g2_p_minus_1_over(e, 3);
    g2_fp2_pow(&t, &u1, e);
    F_INV(&g2_psi_cx, &t);
    g2_p_minus_1_over(e, 2);
    g2_fp2_pow(&t, &u1, e);
    F_INV(&g2_psi_cy, &t);
}

static void g2_conj(ck_fp2 *o, const ck_fp2 *a) {
    static const uint64_t zero[6] = {0, 0, 0, 0, 0, 0};
    o->c0 = a->c0;
    ck_fp_sub_inl(o->c1.l, zero, a->c1.l);
}

static void g2_psi(JAC *out, const JAC *p) {
    pthread_once(&g2_psi_once, g2_psi_init);
    ck_fp2 t;
    g2_conj(&t, &p->x);
    F_MUL(&out->x, &t, &g2_psi_cx);
    g2_conj(&t, &p->y);
    F_MUL(&out->y, &t, &g2_psi_cy);
    g2_conj(&out->z, &p->z);
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
