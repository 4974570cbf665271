/* Fp6 = Fp2[v]/(v^3 - xi) and Fp12 = Fp6[w]/(w^2 - v), xi = u + 1 (bls12-381.md). The
 * arithmetic is fp12_core.h, compiled here over the dispatched Fp product (the portable
 * path) and in pairing_adx.c with the mulx/adx products inlined; the public functions
 * pick one at run time. The Frobenius coefficients xi^(i (p^k - 1)/6) are computed once
 * (pthread_once) from an Fp2 power of xi. */
#include <pthread.h>
#include <string.h>

#include "dispatch.h"
#include "fp12_tower.h"

#define TW_ATTR
#define TW_MUL(o, a, b) t12_fp2_mul(o, a, b)
#define TW_SQR(o, a) ck_fp2_sqr(o, a)
#define TW_MULFP(o, a, b) ck_fp2_mul_by_fp(o, a, b)
#define TW_INV2(o, a) ck_fp2_inv(o, a)
#define TW_ADD_M(o, a, b) t12_fp2_add(o, a, b)
#include "fp12_core.h"

/* 1 when the dispatched Fp product is the mulx/adx one (then pairing_adx.c's tower). */
static int use_adx(void) { return ck_dispatch()->fp_mul == ck_fp_mul_adx_impl; }

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
    if (use_adx()) ck_fp12_mul_adx_impl(out, a, b);
    else tw_fp12_mul(out, a, b);
}

void ck_fp12_sqr(ck_fp12 *out, const ck_fp12 *a) {
    if (use_adx()) ck_fp12_sqr_adx_impl(out, a);
    else tw_fp12_sqr(out, a);
}

int ck_fp12_inv(ck_fp12 *out, const ck_fp12 *a) {
    if (use_adx()) return ck_fp12_inv_adx_impl(out, a);
    return tw_fp12_inv(out, a);
}

void ck_fp12_conj(ck_fp12 *out, const ck_fp12 *a) { tw_fp12_conj(out, a); }

/* ---- Frobenius --------------------------------------------------------------------- */

/* gamma[k][i] = xi^(i (p^k - 1) / 6), k < 12, i < 6 (fp12_tower.h). */
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

const ck_fp2 *ck_fp12_frob_coeffs(unsigned k) {
    pthread_once(&frob_once, frob_init);
    return frob_gamma[k % 12];
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
    if (use_adx()) ck_fp12_frobenius_adx_impl(out, a, power);
    else tw_fp12_frobenius(out, a, power);
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
