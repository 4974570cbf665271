/* Fp6 = Fp2[v]/(v^3 - xi) and Fp12 = Fp6[w]/(w^2 - v), xi = u + 1 (bls12-381.md).
 * Karatsuba products throughout; the Frobenius coefficients xi^(i (p^k - 1)/6) are
 * computed once (pthread_once) from an Fp2 power of xi. */
#include <pthread.h>
#include <string.h>

#include "CKernels.h"
#include "fp12_tower.h"

/* ---- Fp6 --------------------------------------------------------------------------- */

void ck_fp6_add(ck_fp6 *out, const ck_fp6 *a, const ck_fp6 *b) {
    t12_fp2_add(&out->c0, &a->c0, &b->c0);
    t12_fp2_add(&out->c1, &a->c1, &b->c1);
    t12_fp2_add(&out->c2, &a->c2, &b->c2);
}

void ck_fp6_sub(ck_fp6 *out, const ck_fp6 *a, const ck_fp6 *b) {
    t12_fp2_sub(&out->c0, &a->c0, &b->c0);
    t12_fp2_sub(&out->c1, &a->c1, &b->c1);
    t12_fp2_sub(&out->c2, &a->c2, &b->c2);
}

static void fp6_neg(ck_fp6 *out, const ck_fp6 *a) {
    t12_fp2_neg(&out->c0, &a->c0);
    t12_fp2_neg(&out->c1, &a->c1);
    t12_fp2_neg(&out->c2, &a->c2);
}

/* out = a * v: (a0, a1, a2) -> (xi a2, a0, a1). */
static void fp6_mul_by_v(ck_fp6 *out, const ck_fp6 *a) {
    ck_fp2 t;
    t12_fp2_mul_by_nonresidue(&t, &a->c2);
    out->c2 = a->c1;
    out->c1 = a->c0;
    out->c0 = t;
}

void ck_fp6_mul(ck_fp6 *out, const ck_fp6 *a, const ck_fp6 *b) {
    ck_fp2 t0, t1, t2, s, r, c0, c1, c2;
    t12_fp2_mul(&t0, &a->c0, &b->c0);
    t12_fp2_mul(&t1, &a->c1, &b->c1);
    t12_fp2_mul(&t2, &a->c2, &b->c2);
    /* c0 = t0 + xi((a1 + a2)(b1 + b2) - t1 - t2) */
    t12_fp2_add(&s, &a->c1, &a->c2);
    t12_fp2_add(&r, &b->c1, &b->c2);
    t12_fp2_mul(&s, &s, &r);
    t12_fp2_sub(&s, &s, &t1);
    t12_fp2_sub(&s, &s, &t2);
    t12_fp2_mul_by_nonresidue(&s, &s);
    t12_fp2_add(&c0, &s, &t0);
    /* c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2 */
    t12_fp2_add(&s, &a->c0, &a->c1);
    t12_fp2_add(&r, &b->c0, &b->c1);
    t12_fp2_mul(&s, &s, &r);
    t12_fp2_sub(&s, &s, &t0);
    t12_fp2_sub(&s, &s, &t1);
    t12_fp2_mul_by_nonresidue(&r, &t2);
    t12_fp2_add(&c1, &s, &r);
    /* c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1 */
    t12_fp2_add(&s, &a->c0, &a->c2);
    t12_fp2_add(&r, &b->c0, &b->c2);
    t12_fp2_mul(&s, &s, &r);
    t12_fp2_sub(&s, &s, &t0);
    t12_fp2_sub(&s, &s, &t2);
    t12_fp2_add(&c2, &s, &t1);
    out->c0 = c0;
    out->c1 = c1;
    out->c2 = c2;
}

void ck_fp6_sqr(ck_fp6 *out, const ck_fp6 *a) {
    /* s0 = a0^2, s1 = 2 a0 a1, s2 = (a0 - a1 + a2)^2, s3 = 2 a1 a2, s4 = a2^2;
     * c0 = s0 + xi s3, c1 = s1 + xi s4, c2 = s1 + s2 + s3 - s0 - s4. */
    ck_fp2 s0, s1, s2, s3, s4, t;
    ck_fp2_sqr(&s0, &a->c0);
    t12_fp2_mul(&s1, &a->c0, &a->c1);
    t12_fp2_dbl(&s1, &s1);
    t12_fp2_sub(&s2, &a->c0, &a->c1);
    t12_fp2_add(&s2, &s2, &a->c2);
    ck_fp2_sqr(&s2, &s2);
    t12_fp2_mul(&s3, &a->c1, &a->c2);
    t12_fp2_dbl(&s3, &s3);
    ck_fp2_sqr(&s4, &a->c2);
    t12_fp2_mul_by_nonresidue(&t, &s3);
    t12_fp2_add(&out->c0, &s0, &t);
    t12_fp2_mul_by_nonresidue(&t, &s4);
    ck_fp2 c1;
    t12_fp2_add(&c1, &s1, &t);
    t12_fp2_add(&t, &s1, &s2);
    t12_fp2_add(&t, &t, &s3);
    t12_fp2_sub(&t, &t, &s0);
    t12_fp2_sub(&out->c2, &t, &s4);
    out->c1 = c1;
}

int ck_fp6_inv(ck_fp6 *out, const ck_fp6 *a) {
    /* The adjugate: c0 = a0^2 - xi a1 a2, c1 = xi a2^2 - a0 a1, c2 = a1^2 - a0 a2;
     * a * (c0 + c1 v + c2 v^2) = a0 c0 + xi (a2 c1 + a1 c2), an Fp2 element. */
    ck_fp2 c0, c1, c2, t, n;
    ck_fp2_sqr(&c0, &a->c0);
    t12_fp2_mul(&t, &a->c1, &a->c2);
    t12_fp2_mul_by_nonresidue(&t, &t);
    t12_fp2_sub(&c0, &c0, &t);
    ck_fp2_sqr(&c1, &a->c2);
    t12_fp2_mul_by_nonresidue(&c1, &c1);
    t12_fp2_mul(&t, &a->c0, &a->c1);
    t12_fp2_sub(&c1, &c1, &t);
    ck_fp2_sqr(&c2, &a->c1);
    t12_fp2_mul(&t, &a->c0, &a->c2);
    t12_fp2_sub(&c2, &c2, &t);
    t12_fp2_mul(&n, &a->c2, &c1);
    t12_fp2_mul(&t, &a->c1, &c2);
    t12_fp2_add(&n, &n, &t);
    t12_fp2_mul_by_nonresidue(&n, &n);
    t12_fp2_mul(&t, &a->c0, &c0);
    t12_fp2_add(&n, &n, &t);
    int rc = ck_fp2_inv(&n, &n);
    if (rc != CK_OK) return rc;
    t12_fp2_mul(&out->c0, &c0, &n);
    t12_fp2_mul(&out->c1, &c1, &n);
    t12_fp2_mul(&out->c2, &c2, &n);
    return CK_OK;
}

/* (f0, f1, f2) * (b0, b1, 0): five Fp2 products. */
static void fp6_mul_by_01(ck_fp6 *out, const ck_fp6 *f, const ck_fp2 *b0, const ck_fp2 *b1) {
    ck_fp2 t0, t1, s, r, c0, c1, c2;
    t12_fp2_mul(&t0, &f->c0, b0);
    t12_fp2_mul(&t1, &f->c1, b1);
    t12_fp2_mul(&s, &f->c2, b1);
    t12_fp2_mul_by_nonresidue(&s, &s);
    t12_fp2_add(&c0, &s, &t0);
    t12_fp2_add(&s, &f->c0, &f->c1);
    t12_fp2_add(&r, b0, b1);
    t12_fp2_mul(&s, &s, &r);
    t12_fp2_sub(&s, &s, &t0);
    t12_fp2_sub(&c1, &s, &t1);
    t12_fp2_mul(&s, &f->c2, b0);
    t12_fp2_add(&c2, &s, &t1);
    out->c0 = c0;
    out->c1 = c1;
    out->c2 = c2;
}

/* (f0, f1, f2) * b1 v = (xi f2 b1, f0 b1, f1 b1). */
static void fp6_mul_by_1(ck_fp6 *out, const ck_fp6 *f, const ck_fp2 *b1) {
    ck_fp2 c0, c1, c2;
    t12_fp2_mul(&c0, &f->c2, b1);
    t12_fp2_mul_by_nonresidue(&c0, &c0);
    t12_fp2_mul(&c1, &f->c0, b1);
    t12_fp2_mul(&c2, &f->c1, b1);
    out->c0 = c0;
    out->c1 = c1;
    out->c2 = c2;
}

/* ---- Fp12 -------------------------------------------------------------------------- */

void ck_fp12_set_one(ck_fp12 *out) {
    memset(out, 0, sizeof *out);
    ck_fp2_set_one(&out->c0.c0);
}

static int fp6_is_zero(const ck_fp6 *a) {
    return ck_fp2_is_zero(&a->c0) & ck_fp2_is_zero(&a->c1) & ck_fp2_is_zero(&a->c2);
}

static int fp6_equal(const ck_fp6 *a, const ck_fp6 *b) {
    return ck_fp2_equal(&a->c0, &b->c0) & ck_fp2_equal(&a->c1, &b->c1) & ck_fp2_equal(&a->c2, &b->c2);
}

int ck_fp12_equal(const ck_fp12 *a, const ck_fp12 *b) {
    return fp6_equal(&a->c0, &b->c0) & fp6_equal(&a->c1, &b->c1);
}

int ck_fp12_is_one(const ck_fp12 *a) {
    ck_fp12 one;
    ck_fp12_set_one(&one);
    return ck_fp12_equal(a, &one);
}

void ck_fp12_mul(ck_fp12 *out, const ck_fp12 *a, const ck_fp12 *b) {
    ck_fp6 t0, t1, s, r;
    ck_fp6_mul(&t0, &a->c0, &b->c0);
    ck_fp6_mul(&t1, &a->c1, &b->c1);
    ck_fp6_add(&s, &a->c0, &a->c1);
    ck_fp6_add(&r, &b->c0, &b->c1);
    ck_fp6_mul(&s, &s, &r);
    ck_fp6_sub(&s, &s, &t0);
    ck_fp6_sub(&out->c1, &s, &t1);
    fp6_mul_by_v(&t1, &t1);
    ck_fp6_add(&out->c0, &t0, &t1);
}

void ck_fp12_sqr(ck_fp12 *out, const ck_fp12 *a) {
    /* t = a0 a1; c0 = (a0 + a1)(a0 + v a1) - t - v t; c1 = 2t. */
    ck_fp6 t, s, r, vt;
    ck_fp6_mul(&t, &a->c0, &a->c1);
    ck_fp6_add(&s, &a->c0, &a->c1);
    fp6_mul_by_v(&r, &a->c1);
    ck_fp6_add(&r, &r, &a->c0);
    ck_fp6_mul(&s, &s, &r);
    fp6_mul_by_v(&vt, &t);
    ck_fp6_sub(&s, &s, &t);
    ck_fp6_sub(&out->c0, &s, &vt);
    ck_fp6_add(&out->c1, &t, &t);
}

int ck_fp12_inv(ck_fp12 *out, const ck_fp12 *a) {
    /* (a0 + a1 w)^-1 = (a0 - a1 w) / (a0^2 - v a1^2). */
    ck_fp6 t0, t1;
    ck_fp6_sqr(&t0, &a->c0);
    ck_fp6_sqr(&t1, &a->c1);
    fp6_mul_by_v(&t1, &t1);
    ck_fp6_sub(&t0, &t0, &t1);
    int rc = ck_fp6_inv(&t0, &t0);
    if (rc != CK_OK) return rc;
    ck_fp6_mul(&out->c0, &a->c0, &t0);
    ck_fp6_mul(&out->c1, &a->c1, &t0);
    fp6_neg(&out->c1, &out->c1);
    return CK_OK;
}

void ck_fp12_conj(ck_fp12 *out, const ck_fp12 *a) {
    out->c0 = a->c0;
    fp6_neg(&out->c1, &a->c1);
}

void ck_fp12_mul_by_line(ck_fp12 *f, const ck_fp2 *l0, const ck_fp2 *l1, const ck_fp2 *l4) {
    /* f = F0 + F1 w, l = L0 + L1 w with L0 = l0 + l1 v, L1 = l4 v. */
    ck_fp6 t0, t1, s;
    ck_fp2 m;
    fp6_mul_by_01(&t0, &f->c0, l0, l1);
    fp6_mul_by_1(&t1, &f->c1, l4);
    ck_fp6_add(&s, &f->c0, &f->c1);
    t12_fp2_add(&m, l1, l4);
    fp6_mul_by_01(&s, &s, l0, &m);
    ck_fp6_sub(&s, &s, &t0);
    ck_fp6_sub(&f->c1, &s, &t1);
    fp6_mul_by_v(&t1, &t1);
    ck_fp6_add(&f->c0, &t0, &t1);
}

/* (x + y s)^2 in Fp4 = Fp2[s]/(s^2 - xi): (x^2 + xi y^2) + ((x + y)^2 - x^2 - y^2) s. */
static void fp4_sqr(ck_fp2 *ox, ck_fp2 *oy, const ck_fp2 *x, const ck_fp2 *y) {
    ck_fp2 x2, y2, t;
    ck_fp2_sqr(&x2, x);
    ck_fp2_sqr(&y2, y);
    t12_fp2_add(&t, x, y);
    ck_fp2_sqr(&t, &t);
    t12_fp2_sub(&t, &t, &x2);
    t12_fp2_sub(oy, &t, &y2);
    t12_fp2_mul_by_nonresidue(&y2, &y2);
    t12_fp2_add(ox, &x2, &y2);
}

/* out = 3 t - 2 a (minus = 1) or 3 t + 2 a (minus = 0). */
static void three_t_pm_two_a(ck_fp2 *out, const ck_fp2 *t, const ck_fp2 *a, int minus) {
    ck_fp2 r;
    if (minus) t12_fp2_sub(&r, t, a); else t12_fp2_add(&r, t, a);
    t12_fp2_dbl(&r, &r);
    t12_fp2_add(out, &r, t);
}

void ck_fp12_cyclotomic_sqr(ck_fp12 *out, const ck_fp12 *a) {
    /* Over Fp4 = Fp2[s], s = w^3: a = A0 + A1 w + A2 w^2 with A0 = a0 + b1 s,
     * A1 = b0 + a2 s, A2 = a1 + b2 s (ai = c0.ci, bi = c1.ci). Granger-Scott:
     * a^2 = (3 A0^2 - 2 conj A0) + (3 s A2^2 + 2 conj A1) w + (3 A1^2 - 2 conj A2) w^2,
     * conj(x + y s) = x - y s. */
    ck_fp2 x0, y0, x1, y1, x2, y2;
    fp4_sqr(&x0, &y0, &a->c0.c0, &a->c1.c1); /* A0^2 */
    fp4_sqr(&x1, &y1, &a->c1.c0, &a->c0.c2); /* A1^2 */
    fp4_sqr(&x2, &y2, &a->c0.c1, &a->c1.c2); /* A2^2 */
    ck_fp12 r;
    /* A0' = 3 A0^2 - 2 conj A0 */
    three_t_pm_two_a(&r.c0.c0, &x0, &a->c0.c0, 1);
    three_t_pm_two_a(&r.c1.c1, &y0, &a->c1.c1, 0);
    /* A1' = 3 s A2^2 + 2 conj A1; s (x2 + y2 s) = xi y2 + x2 s */
    ck_fp2 t;
    t12_fp2_mul_by_nonresidue(&t, &y2);
    three_t_pm_two_a(&r.c1.c0, &t, &a->c1.c0, 0);
    three_t_pm_two_a(&r.c0.c2, &x2, &a->c0.c2, 1);
    /* A2' = 3 A1^2 - 2 conj A2 */
    three_t_pm_two_a(&r.c0.c1, &x1, &a->c0.c1, 1);
    three_t_pm_two_a(&r.c1.c2, &y1, &a->c1.c2, 0);
    *out = r;
}

/* ---- Frobenius --------------------------------------------------------------------- */

/* gamma[k][i] = xi^(i (p^k - 1) / 6), k < 12, i < 6: a^(p^k) = sum frob^k(c_i) gamma[k][i] w^i
 * for a = sum c_i w^i (c_i in Fp2). */
static ck_fp2 frob_gamma[12][6];
static pthread_once_t frob_once = PTHREAD_ONCE_INIT;

static void fp2_pow_be(ck_fp2 *out, const ck_fp2 *a, const uint8_t *e, size_t len) {
    ck_fp2 r;
    ck_fp2_set_one(&r);
    for (size_t i = 0; i < len; i++)
        for (int b = 7; b >= 0; b--) {
            ck_fp2_sqr(&r, &r);
            if ((e[i] >> b) & 1) t12_fp2_mul(&r, &r, a);
        }
    *out = r;
}

static void frob_init(void) {
    /* (p - 1) / 6 by schoolbook division of the big-endian bytes of p - 1. */
    static const uint8_t pm1[48] = {
        0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6, 0x43, 0x4b, 0xac, 0xd7,
        0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf, 0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24,
        0x1e, 0xab, 0xff, 0xfe, 0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xaa};
    uint8_t q[48];
    unsigned rem = 0;
    for (int i = 0; i < 48; i++) {
        unsigned cur = (rem << 8) | pm1[i];
        q[i] = (uint8_t)(cur / 6);
        rem = cur % 6;
    }
    ck_fp2 xi, g1;
    ck_fp2_set_one(&xi);
    t12_fp2_mul_by_nonresidue(&xi, &xi); /* 1 + u */
    fp2_pow_be(&g1, &xi, q, sizeof q); /* gamma[1][1] */
    ck_fp2 pw;
    ck_fp2_set_one(&pw);
    for (int i = 0; i < 6; i++) {
        ck_fp2_set_one(&frob_gamma[0][i]);
        frob_gamma[1][i] = pw;
        t12_fp2_mul(&pw, &pw, &g1);
    }
    /* xi^(i (p^k - 1)/6) = xi^(i (p^(k-1) - 1)/6) * (xi^(i (p - 1)/6))^(p^(k-1)). */
    for (int k = 2; k < 12; k++)
        for (int i = 0; i < 6; i++) {
            ck_fp2 g = frob_gamma[1][i];
            if ((k - 1) & 1) t12_fp2_conj(&g, &g);
            t12_fp2_mul(&frob_gamma[k][i], &frob_gamma[k - 1][i], &g);
        }
}

static ck_fp2 *coef(ck_fp12 *a, int i) {
    /* w^i: even i -> c0.c(i/2), odd i -> c1.c(i/2). */
    ck_fp6 *h = (i & 1) ? &a->c1 : &a->c0;
    switch (i >> 1) {
    case 0: return &h->c0;
    case 1: return &h->c1;
    default: return &h->c2;
    }
}

void ck_fp12_frobenius(ck_fp12 *out, const ck_fp12 *a, unsigned power) {
    pthread_once(&frob_once, frob_init);
    unsigned k = power % 12;
    ck_fp12 r = *a;
    if (k == 0) {
        *out = r;
        return;
    }
    for (int i = 0; i < 6; i++) {
        ck_fp2 *c = coef(&r, i);
        if (k & 1) t12_fp2_conj(c, c);
        if (i != 0) t12_fp2_mul(c, c, &frob_gamma[k][i]);
    }
    *out = r;
}

void ck_fp12_pow(ck_fp12 *out, const ck_fp12 *a, const uint8_t *exp_be, size_t len) {
    ck_fp12 r, base = *a;
    ck_fp12_set_one(&r);
    for (size_t i = 0; i < len; i++)
        for (int b = 7; b >= 0; b--) {
            ck_fp12_sqr(&r, &r);
            if ((exp_be[i] >> b) & 1) ck_fp12_mul(&r, &r, &base);
        }
    *out = r;
}

/* ---- bytes ------------------------------------------------------------------------- */

void ck_fp12_to_bytes(uint8_t out[576], const ck_fp12 *a) {
    ck_fp12 t = *a;
    for (int i = 0; i < 6; i++) {
        const ck_fp2 *c = coef(&t, i);
        ck_fp_to_bytes_be(out + 96 * i, &c->c0);
        ck_fp_to_bytes_be(out + 96 * i + 48, &c->c1);
    }
}

int ck_fp12_from_bytes(ck_fp12 *out, const uint8_t in[576]) {
    ck_fp12 t;
    for (int i = 0; i < 6; i++) {
        ck_fp2 *c = coef(&t, i);
        int rc = ck_fp_from_bytes_be(&c->c0, in + 96 * i);
        if (rc == CK_OK) rc = ck_fp_from_bytes_be(&c->c1, in + 96 * i + 48);
        if (rc != CK_OK) return rc;
    }
    *out = t;
    return CK_OK;
}

int ck_fp12_is_zero(const ck_fp12 *a) { return fp6_is_zero(&a->c0) & fp6_is_zero(&a->c1); }
