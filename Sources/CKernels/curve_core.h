/* Private: short-Weierstrass arithmetic on y^2 = x^3 + b (a = 0) over a field F, in
 * Jacobian coordinates (X, Y, Z) ~ (X/Z^2, Y/Z^3), Z = 0 the point at infinity, plus the
 * ZCash encodings (msm_core.h adds the multi-scalar multiplications). Included by g1.c,
 * msm_g1_adx.c (F = Fp), g2.c and msm_g2_adx.c (F = Fp2) after defining:
 *   CV            name prefix (ck_g1 / ck_g2)          F, FB (field type, encoded bytes)
 *   F_ADD F_SUB F_DBL F_NEG F_MUL F_SQR F_INV F_EQ F_ISZERO F_ZERO F_ONE F_SQRT
 *   F_LARGEST     the ZCash sort bit of a y coordinate
 *   F_TO_BE / F_FROM_BE   (out, in) the big-endian encoding of FB bytes (c1 first for Fp2)
 *   AFF           the public affine point type (fields x, y of type F, inf)
 *   and define static void curve_b(F *b) after including this file.
 * Formulas: dbl-2009-l, add-2007-bl, madd-2007-bl (Explicit-Formulas Database). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(CV, name)

typedef struct {
    F x, y, z;
} JAC;

static void jac_set_inf(JAC *p) {
    F_ZERO(&p->x);
    F_ONE(&p->y);
    F_ZERO(&p->z);
}

static int jac_is_inf(const JAC *p) { return F_ISZERO(&p->z); }

static void jac_from_aff(JAC *out, const AFF *a) {
    if (a->inf) {
        jac_set_inf(out);
        return;
    }
    out->x = a->x;
    out->y = a->y;
    F_ONE(&out->z);
}

static void jac_dbl(JAC *out, const JAC *p) {
    if (jac_is_inf(p)) {
        *out = *p;
        return;
    }
    F A, B, C, D, E, Fq, t;
    F_SQR(&A, &p->x);
    F_SQR(&B, &p->y);
    F_SQR(&C, &B);
    F_ADD(&t, &p->x, &B);
    F_SQR(&t, &t);
    F_SUB(&t, &t, &A);
    F_SUB(&t, &t, &C);
    F_DBL(&D, &t);
    F_DBL(&E, &A);
    F_ADD(&E, &E, &A);
    F_SQR(&Fq, &E);
    F z3;
    F_MUL(&z3, &p->y, &p->z);
    F_DBL(&z3, &z3);
    F x3;
    F_DBL(&t, &D);
    F_SUB(&x3, &Fq, &t);
    F y3;
    F_SUB(&t, &D, &x3);
    F_MUL(&y3, &E, &t);
    F_DBL(&C, &C);
    F_DBL(&C, &C);
    F_DBL(&C, &C);
    F_SUB(&y3, &y3, &C);
    out->x = x3;
    out->y = y3;
    out->z = z3;
}

/* The common tail of add-2007-bl and madd-2007-bl: X3 = r^2 - J - 2V,
 * Y3 = r(V - X3) - 2·S·J (S = S1, or Y1 for the mixed form). */
static void add_xy(F *x3, F *y3, const F *r, const F *j, const F *v, const F *s) {
    F t;
    F_SQR(x3, r);
    F_SUB(x3, x3, j);
    F_DBL(&t, v);
    F_SUB(x3, x3, &t);
    F_SUB(&t, v, x3);
    F_MUL(y3, r, &t);
    F_MUL(&t, s, j);
    F_DBL(&t, &t);
    F_SUB(y3, y3, &t);
}

/* H = 0: the same x, so p + q is 2p (r = 0) or infinity; returns 1 when it handled it. */
static int add_degenerate(JAC *out, const JAC *p, const F *h, const F *r) {
    if (!F_ISZERO(h)) return 0;
    if (F_ISZERO(r)) {
        jac_dbl(out, p);
    } else {
        jac_set_inf(out);
    }
    return 1;
}

static void jac_add(JAC *out, const JAC *p, const JAC *q) {
    if (jac_is_inf(p)) {
        *out = *q;
        return;
    }
    if (jac_is_inf(q)) {
        *out = *p;
        return;
    }
    F z1z1, z2z2, u1, u2, s1, s2, h, i, j, r, v;
    F_SQR(&z1z1, &p->z);
    F_SQR(&z2z2, &q->z);
    F_MUL(&u1, &p->x, &z2z2);
    F_MUL(&u2, &q->x, &z1z1);
    F_MUL(&s1, &p->y, &q->z);
    F_MUL(&s1, &s1, &z2z2);
    F_MUL(&s2, &q->y, &p->z);
    F_MUL(&s2, &s2, &z1z1);
    F_SUB(&h, &u2, &u1);
    F_SUB(&r, &s2, &s1);
    if (add_degenerate(out, p, &h, &r)) return;
    F_DBL(&r, &r);
    F_DBL(&i, &h);
    F_SQR(&i, &i);
    F_MUL(&j, &h, &i);
    F_MUL(&v, &u1, &i);
    F x3, y3, z3;
    add_xy(&x3, &y3, &r, &j, &v, &s1);
    F_ADD(&z3, &p->z, &q->z);
    F_SQR(&z3, &z3);
    F_SUB(&z3, &z3, &z1z1);
    F_SUB(&z3, &z3, &z2z2);
    F_MUL(&z3, &z3, &h);
    out->x = x3;
    out->y = y3;
    out->z = z3;
}

/* out = p + q with q affine (q->inf allowed). */
static void jac_madd(JAC *out, const JAC *p, const AFF *q) {
    if (q->inf) {
        *out = *p;
        return;
    }
    if (jac_is_inf(p)) {
        jac_from_aff(out, q);
        return;
    }
    F z1z1, u2, s2, h, hh, i, j, r, v;
    F_SQR(&z1z1, &p->z);
    F_MUL(&u2, &q->x, &z1z1);
    F_MUL(&s2, &q->y, &p->z);
    F_MUL(&s2, &s2, &z1z1);
    F_SUB(&h, &u2, &p->x);
    F_SUB(&r, &s2, &p->y);
    if (add_degenerate(out, p, &h, &r)) return;
    F_DBL(&r, &r);
    F_SQR(&hh, &h);
    F_DBL(&i, &hh);
    F_DBL(&i, &i);
    F_MUL(&j, &h, &i);
    F_MUL(&v, &p->x, &i);
    F x3, y3, z3;
    add_xy(&x3, &y3, &r, &j, &v, &p->y);
    F_ADD(&z3, &p->z, &h);
    F_SQR(&z3, &z3);
    F_SUB(&z3, &z3, &z1z1);
    F_SUB(&z3, &z3, &hh);
    out->x = x3;
    out->y = y3;
    out->z = z3;
}

static void jac_to_aff(AFF *out, const JAC *p) {
    if (jac_is_inf(p)) {
        F_ZERO(&out->x);
        F_ZERO(&out->y);
        out->inf = 1;
        return;
    }
    F zi, zi2;
    F_INV(&zi, &p->z);
    F_SQR(&zi2, &zi);
    F_MUL(&out->x, &p->x, &zi2);
    F_MUL(&zi2, &zi2, &zi);
    F_MUL(&out->y, &p->y, &zi2);
    out->inf = 0;
}

/* k·p, k a 256-bit little-endian integer (not reduced), 4-bit fixed window, variable time. */
static void jac_mul(JAC *out, const JAC *p, const uint8_t k[32]) {
    JAC table[16];
    jac_set_inf(&table[0]);
    table[1] = *p;
    for (int i = 2; i < 16; i++) jac_add(&table[i], &table[i - 1], p);
    JAC acc;
    jac_set_inf(&acc);
    for (int i = 63; i >= 0; i--) {
        for (int d = 0; d < 4; d++) jac_dbl(&acc, &acc);
        int nib = (k[i / 2] >> (4 * (i & 1))) & 15;
        if (nib) jac_add(&acc, &acc, &table[nib]);
    }
    *out = acc;
}

static void jac_cswap(JAC *a, JAC *b, uint64_t bit) {
    uint64_t mask = (uint64_t)0 - bit;
    uint64_t *x = (uint64_t *)a, *y = (uint64_t *)b;
    for (size_t i = 0; i < sizeof(JAC) / 8; i++) {
        uint64_t t = (x[i] ^ y[i]) & mask;
        x[i] ^= t;
        y[i] ^= t;
    }
}

/* k·p for secret k: a Montgomery ladder over all 256 bits with constant-time swaps (the
 * same sequence of additions and doublings for every k). */
static void jac_mul_ct(JAC *out, const JAC *p, const uint8_t k[32]) {
    JAC r0, r1;
    jac_set_inf(&r0);
    r1 = *p;
    for (int i = 255; i >= 0; i--) {
        uint64_t bit = (k[i / 8] >> (i % 8)) & 1;
        jac_cswap(&r0, &r1, bit);
        jac_add(&r1, &r0, &r1);
        jac_dbl(&r0, &r0);
        jac_cswap(&r0, &r1, bit);
    }
    *out = r0;
}

static void curve_b(F *b);

/* y^2 == x^3 + b·z^6 */
static int jac_on_curve(const JAC *p) {
    if (jac_is_inf(p)) return 1;
    F y2, x3, z2, z6, b;
    F_SQR(&y2, &p->y);
    F_SQR(&x3, &p->x);
    F_MUL(&x3, &x3, &p->x);
    F_SQR(&z2, &p->z);
    F_SQR(&z6, &z2);
    F_MUL(&z6, &z6, &z2);
    curve_b(&b);
    F_MUL(&z6, &z6, &b);
    F_ADD(&x3, &x3, &z6);
    return F_EQ(&y2, &x3);
}

static const uint8_t group_order_le[32] = {
    0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0x02, 0xa4, 0xbd, 0x53,
    0x05, 0xd8, 0xa1, 0x09, 0x08, 0xd8, 0x39, 0x33, 0x48, 0x7d, 0x9d, 0x29, 0x53, 0xa7, 0xed, 0x73};

/* r·p == O: the definition of the prime-order subgroup (a test oracle where the curve
 * has a faster check). */
static int jac_in_subgroup_by_order(const JAC *p) {
    JAC t;
    jac_mul(&t, p, group_order_le);
    return jac_is_inf(&t);
}

/* k·p for a 64-bit k, double and add from the top bit (the BLS parameter |x| has six
 * bits set: 63 doublings and 5 additions). */
static void jac_mul_u64(JAC *out, const JAC *p, uint64_t k) {
    JAC acc;
    jac_set_inf(&acc);
    for (int b = 63; b >= 0; b--) {
        jac_dbl(&acc, &acc);
        if ((k >> b) & 1) jac_add(&acc, &acc, p);
    }
    *out = acc;
}

/* The prime-order subgroup check: the includer's endomorphism test when it defines
 * CURVE_SUBGROUP_FAST (g1_endo.h, g2_endo.h), else r·p == O. */
#ifdef CURVE_SUBGROUP_FAST
static int CURVE_SUBGROUP_FAST(const JAC *p);
#endif
static int jac_in_subgroup(const JAC *p) {
#ifdef CURVE_SUBGROUP_FAST
    return CURVE_SUBGROUP_FAST(p);
#else
    return jac_in_subgroup_by_order(p);
#endif
}

/* ---- Public point type: affine coordinates in Montgomery form, with an infinity flag. ---- */

/* ZCash decoding (compressed: FB bytes; uncompressed: 2·FB), with the curve and subgroup
 * checks. CK_E_ENCODING for flag errors, CK_E_NONCANONICAL for a coordinate >= p,
 * CK_E_NOT_ON_CURVE, CK_E_NOT_IN_SUBGROUP. */
static int aff_decode(AFF *out, const uint8_t *in, int compressed) {
    const size_t n = compressed ? FB : 2 * FB;
    const uint8_t flags = in[0] & 0xe0;
    const int c = (flags & 0x80) != 0, inf = (flags & 0x40) != 0, sort = (flags & 0x20) != 0;
    if (c != compressed) return CK_E_ENCODING;
    if (inf) {
        if (sort || (in[0] & 0x3f)) return CK_E_ENCODING;
        for (size_t i = 1; i < n; i++)
            if (in[i]) return CK_E_ENCODING;
        F_ZERO(&out->x);
        F_ZERO(&out->y);
        out->inf = 1;
        return CK_OK;
    }
    if (!compressed && sort) return CK_E_ENCODING;
    uint8_t buf[2 * FB];
    memcpy(buf, in, n);
    buf[0] &= 0x1f;
    AFF a;
    a.inf = 0;
    if (F_FROM_BE(&a.x, buf) != CK_OK) return CK_E_NONCANONICAL;
    if (compressed) {
        F rhs, b;
        F_SQR(&rhs, &a.x);
        F_MUL(&rhs, &rhs, &a.x);
        curve_b(&b);
        F_ADD(&rhs, &rhs, &b);
        if (F_SQRT(&a.y, &rhs) != CK_OK) return CK_E_NOT_ON_CURVE;
        if (F_LARGEST(&a.y) != sort) F_NEG(&a.y, &a.y);
    } else {
        if (F_FROM_BE(&a.y, buf + FB) != CK_OK) return CK_E_NONCANONICAL;
    }
    JAC j;
    jac_from_aff(&j, &a);
    if (!jac_on_curve(&j)) return CK_E_NOT_ON_CURVE;
    if (!jac_in_subgroup(&j)) return CK_E_NOT_IN_SUBGROUP;
    *out = a;
    return CK_OK;
}

static void aff_encode(uint8_t *out, const AFF *a, int compressed) {
    const size_t n = compressed ? FB : 2 * FB;
    memset(out, 0, n);
    if (a->inf) {
        out[0] = compressed ? 0xc0 : 0x40;
        return;
    }
    F_TO_BE(out, &a->x);
    if (compressed) {
        out[0] |= 0x80;
        if (F_LARGEST(&a->y)) out[0] |= 0x20;
    } else {
        F_TO_BE(out + FB, &a->y);
    }
}
