/* Private: the Fp6 and Fp12 arithmetic of the pairing, written once and compiled twice:
 * by fp12.c / pairing.c over the dispatched Fp product (the portable path) and by
 * pairing_adx.c with the mulx/adx Fp2 products inlined. The includer defines
 *   TW_ATTR            attributes of every function here (e.g. CK_ADX_TARGET, or empty)
 *   TW_MUL(o, a, b)    Fp2 product, TW_SQR(o, a) Fp2 square (ck_fp2 pointers; outputs
 *                      may alias inputs; results fully reduced)
 *   TW_MULFP(o, a, b)  Fp2 times Fp (o, a: ck_fp2; b: ck_fp)
 *   TW_INV2(o, a)      Fp2 inverse, CK_OK or CK_E_NOT_INVERTIBLE for 0 (ck_fp2_inv's contract)
 *   TW_ADD_M(o, a, b)  Fp2 sum of two reduced values that only ever feeds TW_MUL: may be
 *                      left unreduced (below 2p) when TW_MUL accepts such inputs
 * and includes fp12_tower.h first. Fp6 = Fp2[v]/(v^3 - xi), Fp12 = Fp6[w]/(w^2 - v),
 * xi = u + 1. Every function finishes reading its inputs before writing its output, so
 * outputs may alias inputs. No include guard: one inclusion per translation unit. */

/* ---- Fp6 --------------------------------------------------------------------------- */

static inline __attribute__((always_inline)) void tw_fp6_add(ck_fp6 *o, const ck_fp6 *a, const ck_fp6 *b) {
    t12_fp2_add(&o->c0, &a->c0, &b->c0);
    t12_fp2_add(&o->c1, &a->c1, &b->c1);
    t12_fp2_add(&o->c2, &a->c2, &b->c2);
}

static inline __attribute__((always_inline)) void tw_fp6_sub(ck_fp6 *o, const ck_fp6 *a, const ck_fp6 *b) {
    t12_fp2_sub(&o->c0, &a->c0, &b->c0);
    t12_fp2_sub(&o->c1, &a->c1, &b->c1);
    t12_fp2_sub(&o->c2, &a->c2, &b->c2);
}

static inline __attribute__((always_inline)) void tw_fp6_neg(ck_fp6 *o, const ck_fp6 *a) {
    t12_fp2_neg(&o->c0, &a->c0);
    t12_fp2_neg(&o->c1, &a->c1);
    t12_fp2_neg(&o->c2, &a->c2);
}

/* o = a v: (a0, a1, a2) -> (xi a2, a0, a1). */
static inline __attribute__((always_inline)) void tw_fp6_mul_by_v(ck_fp6 *o, const ck_fp6 *a) {
    ck_fp2 t;
    t12_fp2_mul_by_nonresidue(&t, &a->c2);
    o->c2 = a->c1;
    o->c1 = a->c0;
    o->c0 = t;
}

/* Karatsuba over three coefficients: six Fp2 products. */
static TW_ATTR __attribute__((noinline)) void tw_fp6_mul(ck_fp6 *out, const ck_fp6 *a, const ck_fp6 *b) {
    ck_fp2 t0, t1, t2, s, r, c0, c1, c2;
    TW_MUL(&t0, &a->c0, &b->c0);
    TW_MUL(&t1, &a->c1, &b->c1);
    TW_MUL(&t2, &a->c2, &b->c2);
    /* c0 = t0 + xi((a1 + a2)(b1 + b2) - t1 - t2) */
    TW_ADD_M(&s, &a->c1, &a->c2);
    TW_ADD_M(&r, &b->c1, &b->c2);
    TW_MUL(&s, &s, &r);
    t12_fp2_sub(&s, &s, &t1);
    t12_fp2_sub(&s, &s, &t2);
    t12_fp2_mul_by_nonresidue(&s, &s);
    t12_fp2_add(&c0, &s, &t0);
    /* c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2 */
    TW_ADD_M(&s, &a->c0, &a->c1);
    TW_ADD_M(&r, &b->c0, &b->c1);
    TW_MUL(&s, &s, &r);
    t12_fp2_sub(&s, &s, &t0);
    t12_fp2_sub(&s, &s, &t1);
    t12_fp2_mul_by_nonresidue(&r, &t2);
    t12_fp2_add(&c1, &s, &r);
    /* c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1 */
    TW_ADD_M(&s, &a->c0, &a->c2);
    TW_ADD_M(&r, &b->c0, &b->c2);
    TW_MUL(&s, &s, &r);
    t12_fp2_sub(&s, &s, &t0);
    t12_fp2_sub(&s, &s, &t2);
    t12_fp2_add(&c2, &s, &t1);
    out->c0 = c0;
    out->c1 = c1;
    out->c2 = c2;
}

/* s0 = a0^2, s1 = 2 a0 a1, s2 = (a0 - a1 + a2)^2, s3 = 2 a1 a2, s4 = a2^2;
 * c0 = s0 + xi s3, c1 = s1 + xi s4, c2 = s1 + s2 + s3 - s0 - s4. */
static TW_ATTR __attribute__((unused)) void tw_fp6_sqr(ck_fp6 *out, const ck_fp6 *a) {
    ck_fp2 s0, s1, s2, s3, s4, t, c1;
    TW_SQR(&s0, &a->c0);
    TW_MUL(&s1, &a->c0, &a->c1);
    t12_fp2_dbl(&s1, &s1);
    t12_fp2_sub(&s2, &a->c0, &a->c1);
    t12_fp2_add(&s2, &s2, &a->c2);
    TW_SQR(&s2, &s2);
    TW_MUL(&s3, &a->c1, &a->c2);
    t12_fp2_dbl(&s3, &s3);
    TW_SQR(&s4, &a->c2);
    t12_fp2_mul_by_nonresidue(&t, &s3);
    t12_fp2_add(&out->c0, &s0, &t);
    t12_fp2_mul_by_nonresidue(&t, &s4);
    t12_fp2_add(&c1, &s1, &t);
    t12_fp2_add(&t, &s1, &s2);
    t12_fp2_add(&t, &t, &s3);
    t12_fp2_sub(&t, &t, &s0);
    t12_fp2_sub(&out->c2, &t, &s4);
    out->c1 = c1;
}

/* The adjugate: c0 = a0^2 - xi a1 a2, c1 = xi a2^2 - a0 a1, c2 = a1^2 - a0 a2;
 * a (c0 + c1 v + c2 v^2) = a0 c0 + xi (a2 c1 + a1 c2), an Fp2 element. */
static TW_ATTR __attribute__((unused)) int tw_fp6_inv(ck_fp6 *out, const ck_fp6 *a) {
    ck_fp2 c0, c1, c2, t, n;
    TW_SQR(&c0, &a->c0);
    TW_MUL(&t, &a->c1, &a->c2);
    t12_fp2_mul_by_nonresidue(&t, &t);
    t12_fp2_sub(&c0, &c0, &t);
    TW_SQR(&c1, &a->c2);
    t12_fp2_mul_by_nonresidue(&c1, &c1);
    TW_MUL(&t, &a->c0, &a->c1);
    t12_fp2_sub(&c1, &c1, &t);
    TW_SQR(&c2, &a->c1);
    TW_MUL(&t, &a->c0, &a->c2);
    t12_fp2_sub(&c2, &c2, &t);
    TW_MUL(&n, &a->c2, &c1);
    TW_MUL(&t, &a->c1, &c2);
    t12_fp2_add(&n, &n, &t);
    t12_fp2_mul_by_nonresidue(&n, &n);
    TW_MUL(&t, &a->c0, &c0);
    t12_fp2_add(&n, &n, &t);
    int rc = TW_INV2(&n, &n);
    if (rc != CK_OK) return rc;
    TW_MUL(&out->c0, &c0, &n);
    TW_MUL(&out->c1, &c1, &n);
    TW_MUL(&out->c2, &c2, &n);
    return CK_OK;
}

/* (f0, f1, f2) (b0 + b1 v): five Fp2 products. */
static TW_ATTR __attribute__((noinline)) void tw_fp6_mul_by_01(ck_fp6 *out, const ck_fp6 *f, const ck_fp2 *b0,
                                                         const ck_fp2 *b1) {
    ck_fp2 t0, t1, s, r, c0, c1, c2;
    TW_MUL(&t0, &f->c0, b0);
    TW_MUL(&t1, &f->c1, b1);
    TW_MUL(&s, &f->c2, b1);
    t12_fp2_mul_by_nonresidue(&s, &s);
    t12_fp2_add(&c0, &s, &t0);
    TW_ADD_M(&s, &f->c0, &f->c1);
    TW_ADD_M(&r, b0, b1);
    TW_MUL(&s, &s, &r);
    t12_fp2_sub(&s, &s, &t0);
    t12_fp2_sub(&c1, &s, &t1);
    TW_MUL(&s, &f->c2, b0);
    t12_fp2_add(&c2, &s, &t1);
    out->c0 = c0;
    out->c1 = c1;
    out->c2 = c2;
}

/* (f0, f1, f2) b1 v = (xi f2 b1, f0 b1, f1 b1). */
static TW_ATTR void tw_fp6_mul_by_1(ck_fp6 *out, const ck_fp6 *f, const ck_fp2 *b1) {
    ck_fp2 c0, c1, c2;
    TW_MUL(&c0, &f->c2, b1);
    t12_fp2_mul_by_nonresidue(&c0, &c0);
    TW_MUL(&c1, &f->c0, b1);
    TW_MUL(&c2, &f->c1, b1);
    out->c0 = c0;
    out->c1 = c1;
    out->c2 = c2;
}

/* ---- Fp12 -------------------------------------------------------------------------- */

static TW_ATTR __attribute__((unused, noinline)) void tw_fp12_mul(ck_fp12 *out, const ck_fp12 *a, const ck_fp12 *b) {
    ck_fp6 t0, t1, s, r;
    tw_fp6_mul(&t0, &a->c0, &b->c0);
    tw_fp6_mul(&t1, &a->c1, &b->c1);
    tw_fp6_add(&s, &a->c0, &a->c1);
    tw_fp6_add(&r, &b->c0, &b->c1);
    tw_fp6_mul(&s, &s, &r);
    tw_fp6_sub(&s, &s, &t0);
    tw_fp6_sub(&out->c1, &s, &t1);
    tw_fp6_mul_by_v(&t1, &t1);
    tw_fp6_add(&out->c0, &t0, &t1);
}

/* t = a0 a1; c0 = (a0 + a1)(a0 + v a1) - t - v t; c1 = 2t. */
static TW_ATTR __attribute__((unused, noinline)) void tw_fp12_sqr(ck_fp12 *out, const ck_fp12 *a) {
    ck_fp6 t, s, r, vt;
    tw_fp6_mul(&t, &a->c0, &a->c1);
    tw_fp6_add(&s, &a->c0, &a->c1);
    tw_fp6_mul_by_v(&r, &a->c1);
    tw_fp6_add(&r, &r, &a->c0);
    tw_fp6_mul(&s, &s, &r);
    tw_fp6_mul_by_v(&vt, &t);
    tw_fp6_sub(&s, &s, &t);
    tw_fp6_sub(&out->c0, &s, &vt);
    tw_fp6_add(&out->c1, &t, &t);
}

/* (a0 + a1 w)^-1 = (a0 - a1 w) / (a0^2 - v a1^2). */
static TW_ATTR __attribute__((unused)) int tw_fp12_inv(ck_fp12 *out, const ck_fp12 *a) {
    ck_fp6 t0, t1;
    tw_fp6_sqr(&t0, &a->c0);
    tw_fp6_sqr(&t1, &a->c1);
    tw_fp6_mul_by_v(&t1, &t1);
    tw_fp6_sub(&t0, &t0, &t1);
    int rc = tw_fp6_inv(&t0, &t0);
    if (rc != CK_OK) return rc;
    tw_fp6_mul(&out->c0, &a->c0, &t0);
    tw_fp6_mul(&out->c1, &a->c1, &t0);
    tw_fp6_neg(&out->c1, &out->c1);
    return CK_OK;
}

static inline __attribute__((always_inline)) void tw_fp12_conj(ck_fp12 *out, const ck_fp12 *a) {
    out->c0 = a->c0;
    tw_fp6_neg(&out->c1, &a->c1);
}

/* f *= l0 + l1 v + l4 v w (a Miller-loop line: only c0.c0, c0.c1, c1.c1 non-zero).
 * f = F0 + F1 w, l = L0 + L1 w with L0 = l0 + l1 v, L1 = l4 v. */
static TW_ATTR __attribute__((unused, noinline)) void tw_fp12_mul_by_line(ck_fp12 *f, const ck_fp2 *l0, const ck_fp2 *l1,
                                                          const ck_fp2 *l4) {
    ck_fp6 t0, t1, s;
    ck_fp2 m;
    tw_fp6_mul_by_01(&t0, &f->c0, l0, l1);
    tw_fp6_mul_by_1(&t1, &f->c1, l4);
    tw_fp6_add(&s, &f->c0, &f->c1);
    t12_fp2_add(&m, l1, l4);
    tw_fp6_mul_by_01(&s, &s, l0, &m);
    tw_fp6_sub(&s, &s, &t0);
    tw_fp6_sub(&f->c1, &s, &t1);
    tw_fp6_mul_by_v(&t1, &t1);
    tw_fp6_add(&f->c0, &t0, &t1);
}

#ifndef TW_HAVE_FP4_SQR
/* (x + y s)^2 in Fp4 = Fp2[s]/(s^2 - xi): (x^2 + xi y^2) + ((x + y)^2 - x^2 - y^2) s.
 * (An includer may define TW_HAVE_FP4_SQR and its own tw_fp4_sqr.) */
static inline __attribute__((always_inline)) void tw_fp4_sqr(ck_fp2 *ox, ck_fp2 *oy, const ck_fp2 *x,
                                                             const ck_fp2 *y) {
    ck_fp2 x2, y2, t;
    TW_SQR(&x2, x);
    TW_SQR(&y2, y);
    t12_fp2_add(&t, x, y);
    TW_SQR(&t, &t);
    t12_fp2_sub(&t, &t, &x2);
    t12_fp2_sub(oy, &t, &y2);
    t12_fp2_mul_by_nonresidue(&y2, &y2);
    t12_fp2_add(ox, &x2, &y2);
}

#endif

/* out = 3 t - 2 a (minus = 1) or 3 t + 2 a (minus = 0). */
static inline __attribute__((always_inline)) void tw_three_t_pm_two_a(ck_fp2 *out, const ck_fp2 *t,
                                                                      const ck_fp2 *a, int minus) {
    ck_fp2 r;
    if (minus) t12_fp2_sub(&r, t, a);
    else t12_fp2_add(&r, t, a);
    t12_fp2_dbl(&r, &r);
    t12_fp2_add(out, &r, t);
}

/* a^2 for a in the cyclotomic subgroup. Over Fp4 = Fp2[s], s = w^3: a = A0 + A1 w + A2 w^2
 * with A0 = a0 + b1 s, A1 = b0 + a2 s, A2 = a1 + b2 s (ai = c0.ci, bi = c1.ci).
 * Granger-Scott: a^2 = (3 A0^2 - 2 conj A0) + (3 s A2^2 + 2 conj A1) w
 * + (3 A1^2 - 2 conj A2) w^2, conj(x + y s) = x - y s. */
static TW_ATTR __attribute__((unused, noinline)) void tw_fp12_cyc_sqr(ck_fp12 *out, const ck_fp12 *a) {
    ck_fp2 x0, y0, x1, y1, x2, y2, t;
    tw_fp4_sqr(&x0, &y0, &a->c0.c0, &a->c1.c1); /* A0^2 */
    tw_fp4_sqr(&x1, &y1, &a->c1.c0, &a->c0.c2); /* A1^2 */
    tw_fp4_sqr(&x2, &y2, &a->c0.c1, &a->c1.c2); /* A2^2 */
    ck_fp12 r;
    tw_three_t_pm_two_a(&r.c0.c0, &x0, &a->c0.c0, 1);
    tw_three_t_pm_two_a(&r.c1.c1, &y0, &a->c1.c1, 0);
    t12_fp2_mul_by_nonresidue(&t, &y2);
    tw_three_t_pm_two_a(&r.c1.c0, &t, &a->c1.c0, 0);
    tw_three_t_pm_two_a(&r.c0.c2, &x2, &a->c0.c2, 1);
    tw_three_t_pm_two_a(&r.c0.c1, &x1, &a->c0.c1, 1);
    tw_three_t_pm_two_a(&r.c1.c2, &y1, &a->c1.c2, 0);
    *out = r;
}

/* a^(p^k): coefficient i of w^i (even i: c0.c(i/2), odd: c1.c(i/2)) is conjugated k times
 * and multiplied by gamma = ck_fp12_frob_coeffs(k)[i] (gamma[0] = 1). */
static TW_ATTR __attribute__((unused)) void tw_fp12_frobenius(ck_fp12 *out, const ck_fp12 *a, unsigned power) {
    unsigned k = power % 12;
    ck_fp12 r = *a;
    if (k != 0) {
        const ck_fp2 *g = ck_fp12_frob_coeffs(k);
        ck_fp2 *c[6] = {&r.c0.c0, &r.c1.c0, &r.c0.c1, &r.c1.c1, &r.c0.c2, &r.c1.c2};
        for (int i = 0; i < 6; i++) {
            if (k & 1) t12_fp2_conj(c[i], c[i]);
            if (i != 0) TW_MUL(c[i], c[i], &g[i]);
        }
    }
    *out = r;
}
