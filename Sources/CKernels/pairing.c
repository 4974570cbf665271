/* The optimal ate pairing of BLS12-381 as blst computes it (bls12-381.md, "Pairing and GT
 * bytes"). Miller loop over |x| = 0xd201000000010000 with the G2 point in homogeneous
 * projective coordinates (X : Y : Z), x = X/Z, y = Y/Z, on the twist
 * E': y^2 = x^3 + b', b' = 4 xi, xi = u + 1, untwisted by psi(x, y) = (x w^-2, y w^-3).
 *
 * A line through psi(T) with twist slope m, evaluated at P = (xP, yP) and multiplied by
 * w^3 (an element of the subfield Fp4, killed by the final exponentiation), is
 *   (m xT - yT) + (-m xP) v + yP v w,
 * which is sparse: only c0.c0, c0.c1 and c1.c1 are non-zero. The projective forms below
 * are that line times an Fp2 factor (also killed). */
#include <string.h>

#include "CKernels.h"
#include "fp12_tower.h"

#define BLS_X_ABS 0xd201000000010000ull

typedef struct {
    ck_fp2 x, y, z;
} proj2;

/* T <- 2T; line = (Y^2 - 3 b' Z^2) + (-3 X^2 xP) v + (2 Y Z yP) v w (the tangent times 2YZ).
 * Point: X3 = 2XY (Y^2 - 9b'Z^2), Y3 = (Y^2 + 9b'Z^2)^2 - 108 b'^2 Z^4, Z3 = 8 Y^3 Z
 * (the usual halved formulas scaled by 4). */
static void dbl_step(proj2 *t, ck_fp2 *l0, ck_fp2 *l1, ck_fp2 *l4, const ck_fp *xp_neg3,
                     const ck_fp *yp) {
    ck_fp2 a, b, c, e, f, h, s;
    ck_fp2_sqr(&a, &t->x);
    ck_fp2_sqr(&b, &t->y);
    ck_fp2_sqr(&c, &t->z);
    /* e = 3 b' C = 12 xi C */
    t12_fp2_mul_by_nonresidue(&s, &c);
    t12_fp2_dbl(&s, &s);
    t12_fp2_dbl(&s, &s);
    t12_fp2_add(&e, &s, &s);
    t12_fp2_add(&e, &e, &s);
    t12_fp2_add(&f, &e, &e);
    t12_fp2_add(&f, &f, &e); /* 3e */
    t12_fp2_add(&h, &t->y, &t->z);
    ck_fp2_sqr(&h, &h);
    t12_fp2_sub(&h, &h, &b);
    t12_fp2_sub(&h, &h, &c); /* 2YZ */
    t12_fp2_sub(l0, &b, &e);
    ck_fp2_mul_by_fp(l1, &a, xp_neg3);
    ck_fp2_mul_by_fp(l4, &h, yp);
    /* X3 = 2XY (B - F) */
    ck_fp2 x3, y3;
    t12_fp2_mul(&x3, &t->x, &t->y);
    t12_fp2_dbl(&x3, &x3);
    t12_fp2_sub(&s, &b, &f);
    t12_fp2_mul(&x3, &x3, &s);
    /* Y3 = (B + F)^2 - 12 E^2 */
    t12_fp2_add(&y3, &b, &f);
    ck_fp2_sqr(&y3, &y3);
    ck_fp2_sqr(&s, &e);
    t12_fp2_add(&c, &s, &s);
    t12_fp2_add(&c, &c, &s);
    t12_fp2_dbl(&c, &c);
    t12_fp2_dbl(&c, &c);
    t12_fp2_sub(&y3, &y3, &c);
    /* Z3 = 4 B H */
    t12_fp2_mul(&t->z, &b, &h);
    t12_fp2_dbl(&t->z, &t->z);
    t12_fp2_dbl(&t->z, &t->z);
    t->x = x3;
    t->y = y3;
}

/* T <- T + Q (Q affine, T != +-Q); with theta = Y - yQ Z, lambda = X - xQ Z (slope
 * theta/lambda) the line times lambda is (theta xQ - lambda yQ) + (-theta xP) v + (lambda yP) v w.
 * Point: C = theta^2, D = lambda^2, E = lambda D, F = Z C, G = X D, H = E + F - 2G,
 * X3 = lambda H, Y3 = theta (G - H) - Y E, Z3 = Z E. */
static void add_step(proj2 *t, const ck_g2 *q, ck_fp2 *l0, ck_fp2 *l1, ck_fp2 *l4,
                     const ck_fp *xp_neg, const ck_fp *yp) {
    ck_fp2 theta, lambda, c, d, e, f, g, h, s;
    t12_fp2_mul(&theta, &q->y, &t->z);
    t12_fp2_sub(&theta, &t->y, &theta);
    t12_fp2_mul(&lambda, &q->x, &t->z);
    t12_fp2_sub(&lambda, &t->x, &lambda);
    t12_fp2_mul(l0, &theta, &q->x);
    t12_fp2_mul(&s, &lambda, &q->y);
    t12_fp2_sub(l0, l0, &s);
    ck_fp2_mul_by_fp(l1, &theta, xp_neg);
    ck_fp2_mul_by_fp(l4, &lambda, yp);
    ck_fp2_sqr(&c, &theta);
    ck_fp2_sqr(&d, &lambda);
    t12_fp2_mul(&e, &lambda, &d);
    t12_fp2_mul(&f, &t->z, &c);
    t12_fp2_mul(&g, &t->x, &d);
    t12_fp2_add(&h, &e, &f);
    t12_fp2_sub(&h, &h, &g);
    t12_fp2_sub(&h, &h, &g);
    t12_fp2_mul(&t->x, &lambda, &h);
    t12_fp2_sub(&s, &g, &h);
    t12_fp2_mul(&s, &s, &theta);
    t12_fp2_mul(&c, &t->y, &e);
    t12_fp2_sub(&t->y, &s, &c);
    t12_fp2_mul(&t->z, &t->z, &e);
}

#define CHUNK 8

/* f *= prod of the Miller functions of up to CHUNK pairs (no conjugation). */
static void miller_chunk(ck_fp12 *acc, const ck_g1 *ps, const ck_g2 *qs, size_t n) {
    proj2 t[CHUNK];
    ck_fp xn3[CHUNK], xn[CHUNK], yp[CHUNK];
    const ck_g2 *q[CHUNK];
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        if (ps[j].inf || qs[j].inf) continue;
        q[m] = &qs[j];
        t[m].x = qs[j].x;
        t[m].y = qs[j].y;
        ck_fp2_set_one(&t[m].z);
        ck_fp_neg(&xn[m], &ps[j].x);
        ck_fp_dbl(&xn3[m], &xn[m]);
        ck_fp_add(&xn3[m], &xn3[m], &xn[m]);
        yp[m] = ps[j].y;
        m++;
    }
    if (m == 0) return;
    ck_fp12 f;
    ck_fp12_set_one(&f);
    ck_fp2 l0, l1, l4;
    for (int i = 62; i >= 0; i--) {
        if (i != 62) ck_fp12_sqr(&f, &f);
        for (size_t j = 0; j < m; j++) {
            dbl_step(&t[j], &l0, &l1, &l4, &xn3[j], &yp[j]);
            ck_fp12_mul_by_line(&f, &l0, &l1, &l4);
        }
        if ((BLS_X_ABS >> i) & 1)
            for (size_t j = 0; j < m; j++) {
                add_step(&t[j], q[j], &l0, &l1, &l4, &xn[j], &yp[j]);
                ck_fp12_mul_by_line(&f, &l0, &l1, &l4);
            }
    }
    ck_fp12_mul(acc, acc, &f);
}

void ck_multi_miller_loop(ck_fp12 *out, const ck_g1 *ps, const ck_g2 *qs, size_t n) {
    ck_fp12 acc;
    ck_fp12_set_one(&acc);
    for (size_t i = 0; i < n; i += CHUNK) miller_chunk(&acc, ps + i, qs + i, n - i < CHUNK ? n - i : CHUNK);
    ck_fp12_conj(out, &acc); /* x < 0 */
}

void ck_miller_loop(ck_fp12 *out, const ck_g1 *p, const ck_g2 *q) { ck_multi_miller_loop(out, p, q, 1); }

/* a^|x| for a in the cyclotomic subgroup. */
static void cyc_exp_abs_x(ck_fp12 *out, const ck_fp12 *a) {
    ck_fp12 r = *a;
    for (int i = 62; i >= 0; i--) {
        ck_fp12_cyclotomic_sqr(&r, &r);
        if ((BLS_X_ABS >> i) & 1) ck_fp12_mul(&r, &r, a);
    }
    *out = r;
}

/* a^x = conj(a^|x|) (x < 0, a cyclotomic). */
static void cyc_exp_x(ck_fp12 *out, const ck_fp12 *a) {
    cyc_exp_abs_x(out, a);
    ck_fp12_conj(out, out);
}

void ck_final_exp(ck_fp12 *out, const ck_fp12 *f) {
    /* Easy part: m = f^((p^6 - 1)(p^2 + 1)). */
    ck_fp12 m, t, a, b, c;
    if (ck_fp12_inv(&t, f) != CK_OK) { /* 0 is not a Miller value; give 0 back */
        memset(out, 0, sizeof *out);
        return;
    }
    ck_fp12_conj(&m, f);
    ck_fp12_mul(&m, &m, &t);
    ck_fp12_frobenius(&t, &m, 2);
    ck_fp12_mul(&m, &m, &t);
    /* Hard part times 3: 3 (p^4 - p^2 + 1)/r = (x - 1)^2 (x + p)(x^2 + p^2 - 1) + 3. */
    cyc_exp_x(&t, &m);
    ck_fp12_conj(&a, &m);
    ck_fp12_mul(&t, &t, &a); /* m^(x-1) */
    cyc_exp_x(&a, &t);
    ck_fp12_conj(&t, &t);
    ck_fp12_mul(&a, &a, &t); /* m^((x-1)^2) */
    cyc_exp_x(&b, &a);
    ck_fp12_frobenius(&t, &a, 1);
    ck_fp12_mul(&b, &b, &t); /* a^(x+p) */
    cyc_exp_x(&c, &b);
    cyc_exp_x(&c, &c);
    ck_fp12_frobenius(&t, &b, 2);
    ck_fp12_mul(&c, &c, &t);
    ck_fp12_conj(&t, &b);
    ck_fp12_mul(&c, &c, &t); /* b^(x^2 + p^2 - 1) */
    ck_fp12_cyclotomic_sqr(&t, &m);
    ck_fp12_mul(&t, &t, &m);
    ck_fp12_mul(out, &c, &t);
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
