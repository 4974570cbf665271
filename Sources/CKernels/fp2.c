/* Fp2 = Fp[u]/(u^2 + 1): elements c0 + c1*u over the Montgomery Fp of fp.c. The
 * multiplications go through the dispatched Fp multiplication (with the mulx/adx product
 * inlined, from fp_adx.c, when that is the one dispatched). Outputs may alias inputs:
 * every function finishes reading its inputs before it writes out. */
#include "dispatch.h"
#include "fp_arith.h"

#include <string.h>

/* out = a / 2: add p when a is odd (the sum stays below 2^382), shift right by one. The
 * same on Montgomery representations, since (x*R)/2 = (x/2)*R. */
static void fp_half(ck_fp *out, const ck_fp *a) {
    uint64_t mask = (uint64_t)0 - (a->l[0] & 1);
    uint64_t s[6], carry = 0;
    for (int i = 0; i < 6; i++) {
        ck_fp_u128 t = (ck_fp_u128)a->l[i] + (ck_fp_modulus[i] & mask) + carry;
        s[i] = (uint64_t)t;
        carry = (uint64_t)(t >> 64);
    }
    for (int i = 0; i < 6; i++) out->l[i] = (s[i] >> 1) | (i < 5 ? s[i + 1] << 63 : 0);
}

void ck_fp2_set_zero(ck_fp2 *out) { memset(out, 0, sizeof *out); }

void ck_fp2_set_one(ck_fp2 *out) {
    ck_fp_set_one(&out->c0);
    ck_fp_set_zero(&out->c1);
}

int ck_fp2_is_zero(const ck_fp2 *a) { return ck_fp_is_zero(&a->c0) && ck_fp_is_zero(&a->c1); }

int ck_fp2_equal(const ck_fp2 *a, const ck_fp2 *b) {
    return ck_fp_equal(&a->c0, &b->c0) & ck_fp_equal(&a->c1, &b->c1);
}

void ck_fp2_add(ck_fp2 *out, const ck_fp2 *a, const ck_fp2 *b) {
    ck_fp_add_inl(out->c0.l, a->c0.l, b->c0.l);
    ck_fp_add_inl(out->c1.l, a->c1.l, b->c1.l);
}

void ck_fp2_sub(ck_fp2 *out, const ck_fp2 *a, const ck_fp2 *b) {
    ck_fp_sub_inl(out->c0.l, a->c0.l, b->c0.l);
    ck_fp_sub_inl(out->c1.l, a->c1.l, b->c1.l);
}

void ck_fp2_neg(ck_fp2 *out, const ck_fp2 *a) {
    ck_fp_neg(&out->c0, &a->c0);
    ck_fp_neg(&out->c1, &a->c1);
}

void ck_fp2_dbl(ck_fp2 *out, const ck_fp2 *a) {
    ck_fp_add_inl(out->c0.l, a->c0.l, a->c0.l);
    ck_fp_add_inl(out->c1.l, a->c1.l, a->c1.l);
}

void ck_fp2_conj(ck_fp2 *out, const ck_fp2 *a) {
    out->c0 = a->c0;
    ck_fp_neg(&out->c1, &a->c1);
}

void ck_fp2_frobenius(ck_fp2 *out, const ck_fp2 *a) { ck_fp2_conj(out, a); }

/* Karatsuba: (a0 + a1 u)(b0 + b1 u) = (a0 b0 - a1 b1) + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u. */
static inline void fp2_mul_with(void (*mul)(ck_fp *, const ck_fp *, const ck_fp *), ck_fp2 *out,
                                const ck_fp2 *a, const ck_fp2 *b) {
    ck_fp t0, t1, sa, sb, s;
    mul(&t0, &a->c0, &b->c0);
    mul(&t1, &a->c1, &b->c1);
    ck_fp_add_inl(sa.l, a->c0.l, a->c1.l);
    ck_fp_add_inl(sb.l, b->c0.l, b->c1.l);
    mul(&s, &sa, &sb);
    ck_fp_sub_inl(out->c0.l, t0.l, t1.l);
    ck_fp_sub_inl(s.l, s.l, t0.l);
    ck_fp_sub_inl(out->c1.l, s.l, t1.l);
}

/* 1 when the dispatched Fp multiplication is the mulx/adx one: then the Fp2 products
 * with that multiplication inlined (fp_adx.c) are used. */
static int use_adx(const struct ck_dispatch *d) { return d->fp_mul == ck_fp_mul_adx_impl; }

void ck_fp2_mul(ck_fp2 *out, const ck_fp2 *a, const ck_fp2 *b) {
    const struct ck_dispatch *d = ck_dispatch();
    if (use_adx(d)) ck_fp2_mul_adx_impl(out, a, b);
    else fp2_mul_with(d->fp_mul, out, a, b);
}

/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u. */
void ck_fp2_sqr(ck_fp2 *out, const ck_fp2 *a) {
    const struct ck_dispatch *disp = ck_dispatch();
    if (use_adx(disp)) {
        ck_fp2_sqr_adx_impl(out, a);
        return;
    }
    void (*mul)(ck_fp *, const ck_fp *, const ck_fp *) = disp->fp_mul;
    ck_fp s, d, m;
    ck_fp_add_inl(s.l, a->c0.l, a->c1.l);
    ck_fp_sub_inl(d.l, a->c0.l, a->c1.l);
    mul(&m, &a->c0, &a->c1);
    mul(&out->c0, &s, &d);
    ck_fp_add_inl(out->c1.l, m.l, m.l);
}

/* (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u. */
void ck_fp2_mul_by_nonresidue(ck_fp2 *out, const ck_fp2 *a) {
    ck_fp t0, t1;
    ck_fp_sub_inl(t0.l, a->c0.l, a->c1.l);
    ck_fp_add_inl(t1.l, a->c0.l, a->c1.l);
    out->c0 = t0;
    out->c1 = t1;
}

void ck_fp2_mul_by_fp(ck_fp2 *out, const ck_fp2 *a, const ck_fp *b) {
    ck_fp bb = *b;
    ck_fp_mul(&out->c0, &a->c0, &bb);
    ck_fp_mul(&out->c1, &a->c1, &bb);
}

/* 1/(a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2); the norm is 0 only for a = 0. */
int ck_fp2_inv(ck_fp2 *out, const ck_fp2 *a) {
    ck_fp n, t, ninv;
    ck_fp_sqr(&n, &a->c0);
    ck_fp_sqr(&t, &a->c1);
    ck_fp_add(&n, &n, &t);
    if (ck_fp_inv(&ninv, &n) != CK_OK) return CK_E_NOT_INVERTIBLE;
    ck_fp c0, c1;
    ck_fp_mul(&c0, &a->c0, &ninv);
    ck_fp_mul(&c1, &a->c1, &ninv);
    out->c0 = c0;
    ck_fp_neg(&out->c1, &c1);
    return CK_OK;
}

/* Square root through the norm (p = 3 mod 4, u^2 = -1). For a1 = 0 the root is sqrt(a0)
 * or sqrt(-a0)*u (-1 is not a square in Fp). Otherwise (x0 + x1 u)^2 = a needs
 * x0^2 - x1^2 = a0 and 2 x0 x1 = a1, so x0^2 = (a0 ± sqrt(a0^2 + a1^2)) / 2 and
 * x1 = a1 / (2 x0) (x0 != 0 because a1 != 0). The result is squared and compared at the
 * end. Inputs are public in every use (point decompression), so this branches. */
int ck_fp2_sqrt(ck_fp2 *out, const ck_fp2 *a) {
    ck_fp2 r;
    if (ck_fp_is_zero(&a->c1)) {
        ck_fp s;
        if (ck_fp_sqrt(&s, &a->c0) == CK_OK) {
            r.c0 = s;
            ck_fp_set_zero(&r.c1);
        } else {
            ck_fp na;
            ck_fp_neg(&na, &a->c0);
            if (ck_fp_sqrt(&s, &na) != CK_OK) return CK_E_NOT_SQUARE;
            ck_fp_set_zero(&r.c0);
            r.c1 = s;
        }
    } else {
        ck_fp n, t, s, x, x0, d;
        ck_fp_sqr(&n, &a->c0);
        ck_fp_sqr(&t, &a->c1);
        ck_fp_add(&n, &n, &t);
        if (ck_fp_sqrt(&s, &n) != CK_OK) return CK_E_NOT_SQUARE;
        ck_fp_add(&x, &a->c0, &s);
        fp_half(&x, &x);
        if (ck_fp_sqrt(&x0, &x) != CK_OK) {
            ck_fp_sub(&x, &a->c0, &s);
            fp_half(&x, &x);
            if (ck_fp_sqrt(&x0, &x) != CK_OK) return CK_E_NOT_SQUARE;
        }
        ck_fp_dbl(&d, &x0);
        if (ck_fp_inv(&d, &d) != CK_OK) return CK_E_NOT_SQUARE;
        r.c0 = x0;
        ck_fp_mul(&r.c1, &a->c1, &d);
    }
    ck_fp2 check;
    ck_fp2_sqr(&check, &r);
    if (!ck_fp2_equal(&check, a)) return CK_E_NOT_SQUARE;
    *out = r;
    return CK_OK;
}

void ck_fp2_mul_chain(ck_fp2 *x, const ck_fp2 *y, uint64_t n) {
    const struct ck_dispatch *d = ck_dispatch();
    if (use_adx(d)) {
        ck_fp2_mul_chain_adx_impl(x, y, n);
        return;
    }
    void (*mul)(ck_fp *, const ck_fp *, const ck_fp *) = d->fp_mul;
    for (uint64_t i = 0; i < n; i++) fp2_mul_with(mul, x, x, y);
}
