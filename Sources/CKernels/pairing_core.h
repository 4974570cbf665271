/* Private: the optimal ate Miller loop and the final exponentiation, written once and
 * compiled twice (pairing.c: portable path; pairing_adx.c: mulx/adx Fp2 products inlined),
 * over the tower of fp12_core.h (included first, with its TW_* macros). See pairing.c for
 * the line and point formulas. The point steps use PC_MUL, PC_SQR, PC_MULFP (same contracts as
 * TW_*; an includer whose inline products need too many registers next to the steps' live
 * values passes called versions). No include guard: one inclusion per translation unit. */

#define PC_X_ABS 0xd201000000010000ull

typedef struct {
    ck_fp2 x, y, z;
} pc_proj2;

/* T <- 2T; line = (Y^2 - 3 b' Z^2) + (-3 X^2 xP) v + (2 Y Z yP) v w (the tangent times 2YZ).
 * Point: X3 = 2XY (Y^2 - 9b'Z^2), Y3 = (Y^2 + 9b'Z^2)^2 - 108 b'^2 Z^4, Z3 = 8 Y^3 Z. */
static TW_ATTR void pc_dbl_step(pc_proj2 *t, ck_fp2 *l0, ck_fp2 *l1, ck_fp2 *l4, const ck_fp *xp_neg3,
                                const ck_fp *yp) {
    ck_fp2 a, b, c, e, f, h, s, x3, y3;
    PC_SQR(&a, &t->x);
    PC_SQR(&b, &t->y);
    PC_SQR(&c, &t->z);
    /* e = 3 b' C = 12 xi C */
    t12_fp2_mul_by_nonresidue(&s, &c);
    t12_fp2_dbl(&s, &s);
    t12_fp2_dbl(&s, &s);
    t12_fp2_add(&e, &s, &s);
    t12_fp2_add(&e, &e, &s);
    t12_fp2_add(&f, &e, &e);
    t12_fp2_add(&f, &f, &e); /* 3e */
    t12_fp2_add(&h, &t->y, &t->z);
    PC_SQR(&h, &h);
    t12_fp2_sub(&h, &h, &b);
    t12_fp2_sub(&h, &h, &c); /* 2YZ */
    t12_fp2_sub(l0, &b, &e);
    PC_MULFP(l1, &a, xp_neg3);
    PC_MULFP(l4, &h, yp);
    /* X3 = 2XY (B - F) */
    PC_MUL(&x3, &t->x, &t->y);
    t12_fp2_dbl(&x3, &x3);
    t12_fp2_sub(&s, &b, &f);
    PC_MUL(&x3, &x3, &s);
    /* Y3 = (B + F)^2 - 12 E^2 */
    t12_fp2_add(&y3, &b, &f);
    PC_SQR(&y3, &y3);
    PC_SQR(&s, &e);
    t12_fp2_add(&c, &s, &s);
    t12_fp2_add(&c, &c, &s);
    t12_fp2_dbl(&c, &c);
    t12_fp2_dbl(&c, &c);
    t12_fp2_sub(&y3, &y3, &c);
    /* Z3 = 4 B H */
    PC_MUL(&t->z, &b, &h);
    t12_fp2_dbl(&t->z, &t->z);
    t12_fp2_dbl(&t->z, &t->z);
    t->x = x3;
    t->y = y3;
}

/* T <- T + Q (Q affine, T != +-Q); theta = Y - yQ Z, lambda = X - xQ Z; the line times
 * lambda is (theta xQ - lambda yQ) + (-theta xP) v + (lambda yP) v w. Point: C = theta^2,
 * D = lambda^2, E = lambda D, F = Z C, G = X D, H = E + F - 2G, X3 = lambda H,
 * Y3 = theta (G - H) - Y E, Z3 = Z E. */
static TW_ATTR void pc_add_step(pc_proj2 *t, const ck_g2 *q, ck_fp2 *l0, ck_fp2 *l1, ck_fp2 *l4,
                                const ck_fp *xp_neg, const ck_fp *yp) {
    ck_fp2 theta, lambda, c, d, e, f, g, h, s;
    PC_MUL(&theta, &q->y, &t->z);
    t12_fp2_sub(&theta, &t->y, &theta);
    PC_MUL(&lambda, &q->x, &t->z);
    t12_fp2_sub(&lambda, &t->x, &lambda);
    PC_MUL(l0, &theta, &q->x);
    PC_MUL(&s, &lambda, &q->y);
    t12_fp2_sub(l0, l0, &s);
    PC_MULFP(l1, &theta, xp_neg);
    PC_MULFP(l4, &lambda, yp);
    PC_SQR(&c, &theta);
    PC_SQR(&d, &lambda);
    PC_MUL(&e, &lambda, &d);
    PC_MUL(&f, &t->z, &c);
    PC_MUL(&g, &t->x, &d);
    t12_fp2_add(&h, &e, &f);
    t12_fp2_sub(&h, &h, &g);
    t12_fp2_sub(&h, &h, &g);
    PC_MUL(&t->x, &lambda, &h);
    t12_fp2_sub(&s, &g, &h);
    PC_MUL(&s, &s, &theta);
    PC_MUL(&c, &t->y, &e);
    t12_fp2_sub(&t->y, &s, &c);
    PC_MUL(&t->z, &t->z, &e);
}

#define PC_CHUNK 8

/* The product of the Miller functions of up to PC_CHUNK pairs (no conjugation): into acc
 * when first is set (acc's old value unused), else acc *= it. Returns 0 when every pair
 * has an infinity (then acc is left alone). */
static TW_ATTR int pc_miller_chunk(ck_fp12 *acc, int first, const ck_g1 *ps, const ck_g2 *qs, size_t n) {
    pc_proj2 t[PC_CHUNK];
    ck_fp xn3[PC_CHUNK], xn[PC_CHUNK], yp[PC_CHUNK];
    const ck_g2 *q[PC_CHUNK];
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
    if (m == 0) return 0;
    ck_fp12 f;
    ck_fp2 l0, l1, l4;
    /* Bit 62 (the top bit below the leading one): no squaring, and the first line, taken
     * with f = 1, is f itself. */
    pc_dbl_step(&t[0], &l0, &l1, &l4, &xn3[0], &yp[0]);
    memset(&f, 0, sizeof f);
    f.c0.c0 = l0;
    f.c0.c1 = l1;
    f.c1.c1 = l4;
    for (size_t j = 1; j < m; j++) {
        pc_dbl_step(&t[j], &l0, &l1, &l4, &xn3[j], &yp[j]);
        tw_fp12_mul_by_line(&f, &l0, &l1, &l4);
    }
    if ((PC_X_ABS >> 62) & 1)
        for (size_t j = 0; j < m; j++) {
            pc_add_step(&t[j], q[j], &l0, &l1, &l4, &xn[j], &yp[j]);
            tw_fp12_mul_by_line(&f, &l0, &l1, &l4);
        }
    for (int i = 61; i >= 0; i--) {
        tw_fp12_sqr(&f, &f);
        for (size_t j = 0; j < m; j++) {
            pc_dbl_step(&t[j], &l0, &l1, &l4, &xn3[j], &yp[j]);
            tw_fp12_mul_by_line(&f, &l0, &l1, &l4);
        }
        if ((PC_X_ABS >> i) & 1)
            for (size_t j = 0; j < m; j++) {
                pc_add_step(&t[j], q[j], &l0, &l1, &l4, &xn[j], &yp[j]);
                tw_fp12_mul_by_line(&f, &l0, &l1, &l4);
            }
    }
    if (first) *acc = f;
    else tw_fp12_mul(acc, acc, &f);
    return 1;
}

/* The Miller loop of n pairs, conjugated (x < 0). */
static TW_ATTR void pc_multi_miller_loop(ck_fp12 *out, const ck_g1 *ps, const ck_g2 *qs, size_t n) {
    ck_fp12 acc;
    int have = 0;
    for (size_t i = 0; i < n; i += PC_CHUNK)
        have |= pc_miller_chunk(&acc, !have, ps + i, qs + i, n - i < PC_CHUNK ? n - i : PC_CHUNK);
    if (!have) ck_fp12_set_one(&acc);
    tw_fp12_conj(out, &acc);
}

/* a^x = conj(a^|x|) for a in the cyclotomic subgroup (x < 0). */
static TW_ATTR void pc_cyc_exp_x(ck_fp12 *out, const ck_fp12 *a) {
    ck_fp12 r = *a;
    for (int i = 62; i >= 0; i--) {
        tw_fp12_cyc_sqr(&r, &r);
        if ((PC_X_ABS >> i) & 1) tw_fp12_mul(&r, &r, a);
    }
    tw_fp12_conj(out, &r);
}

/* f^(3 (p^12 - 1)/r); 0 (not a Miller value) gives 0. */
static TW_ATTR void pc_final_exp(ck_fp12 *out, const ck_fp12 *f) {
    /* Easy part: m = f^((p^6 - 1)(p^2 + 1)). */
    ck_fp12 m, t, a, b, c;
    if (tw_fp12_inv(&t, f) != CK_OK) {
        memset(out, 0, sizeof *out);
        return;
    }
    tw_fp12_conj(&m, f);
    tw_fp12_mul(&m, &m, &t);
    tw_fp12_frobenius(&t, &m, 2);
    tw_fp12_mul(&m, &m, &t);
    /* Hard part times 3: 3 (p^4 - p^2 + 1)/r = (x - 1)^2 (x + p)(x^2 + p^2 - 1) + 3. */
    pc_cyc_exp_x(&t, &m);
    tw_fp12_conj(&a, &m);
    tw_fp12_mul(&t, &t, &a); /* m^(x-1) */
    pc_cyc_exp_x(&a, &t);
    tw_fp12_conj(&t, &t);
    tw_fp12_mul(&a, &a, &t); /* m^((x-1)^2) */
    pc_cyc_exp_x(&b, &a);
    tw_fp12_frobenius(&t, &a, 1);
    tw_fp12_mul(&b, &b, &t); /* a^(x+p) */
    pc_cyc_exp_x(&c, &b);
    pc_cyc_exp_x(&c, &c);
    tw_fp12_frobenius(&t, &b, 2);
    tw_fp12_mul(&c, &c, &t);
    tw_fp12_conj(&t, &b);
    tw_fp12_mul(&c, &c, &t); /* b^(x^2 + p^2 - 1) */
    tw_fp12_cyc_sqr(&t, &m);
    tw_fp12_mul(&t, &t, &m);
    tw_fp12_mul(out, &c, &t);
}
