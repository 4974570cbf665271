/* BLS12-381 base field Fp: encoding, Montgomery conversion and the exported arithmetic.
 * The multiplication is dispatched at run time (mulx/adx or portable, see cpu.c); both
 * implementations are also exported under their own names. */
#include "dispatch.h"
#include "fp_arith.h"

#include <string.h>

/* R^2 mod p, R = 2^384: multiplying by it converts to Montgomery form. */
static const uint64_t fp_r2[6] = {0xf4df1f341c341746ull, 0x0a76e6a609d104f1ull,
                                  0x8de5476c4c95b6d5ull, 0x67eb88a9939d83c0ull,
                                  0x9a793e85b519952dull, 0x11988fe592cae3aaull};
/* R mod p: 1 in Montgomery form. */
static const uint64_t fp_one[6] = {0x760900000002fffdull, 0xebf4000bc40c0002ull,
                                   0x5f48985753c758baull, 0x77ce585370525745ull,
                                   0x5c071a97a256ec6dull, 0x15f65ec3fa80e493ull};
/* (p-1)/2, plain limbs. */
static const uint64_t fp_half[6] = {0xdcff7fffffffd555ull, 0x0f55ffff58a9ffffull,
                                    0xb39869507b587b12ull, 0xb23ba5c279c2895full,
                                    0x258dd3db21a5d66bull, 0x0d0088f51cbff34dull};

static uint64_t load_be64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return v;
}

static void store_be64(uint8_t *p, uint64_t v) {
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* Compares plain 6-limb integers: -1, 0, 1. */
static int cmp6(const uint64_t a[6], const uint64_t b[6]) {
    for (int i = 5; i >= 0; i--) {
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

const char *ck_fp_impl_name(void) { return ck_dispatch()->fp_name; }

void ck_fp_mul_portable(ck_fp *out, const ck_fp *a, const ck_fp *b) {
    ck_fp_mul_portable_inl(out->l, a->l, b->l);
}

void ck_fp_sqr_portable(ck_fp *out, const ck_fp *a) { ck_fp_mul_portable_inl(out->l, a->l, a->l); }

void ck_fp_mul(ck_fp *out, const ck_fp *a, const ck_fp *b) { ck_dispatch()->fp_mul(out, a, b); }

void ck_fp_sqr(ck_fp *out, const ck_fp *a) { ck_dispatch()->fp_sqr(out, a); }

void ck_fp_add(ck_fp *out, const ck_fp *a, const ck_fp *b) { ck_fp_add_inl(out->l, a->l, b->l); }

void ck_fp_sub(ck_fp *out, const ck_fp *a, const ck_fp *b) { ck_fp_sub_inl(out->l, a->l, b->l); }

void ck_fp_dbl(ck_fp *out, const ck_fp *a) { ck_fp_add_inl(out->l, a->l, a->l); }

void ck_fp_neg(ck_fp *out, const ck_fp *a) {
    static const uint64_t zero[6] = {0, 0, 0, 0, 0, 0};
    ck_fp_sub_inl(out->l, zero, a->l);
}

void ck_fp_set_zero(ck_fp *out) { memset(out->l, 0, sizeof out->l); }

void ck_fp_set_one(ck_fp *out) { memcpy(out->l, fp_one, sizeof fp_one); }

int ck_fp_is_zero(const ck_fp *a) {
    return (a->l[0] | a->l[1] | a->l[2] | a->l[3] | a->l[4] | a->l[5]) == 0;
}

int ck_fp_equal(const ck_fp *a, const ck_fp *b) {
    uint64_t d = 0;
    for (int i = 0; i < 6; i++) d |= a->l[i] ^ b->l[i];
    return d == 0;
}

int ck_fp_from_limbs(ck_fp *out, const uint64_t v[6]) {
    if (cmp6(v, ck_fp_modulus) >= 0) return CK_E_NONCANONICAL;
    ck_fp plain, r2;
    memcpy(plain.l, v, sizeof plain.l);
    memcpy(r2.l, fp_r2, sizeof r2.l);
    ck_fp_mul(out, &plain, &r2);
    return CK_OK;
}

void ck_fp_to_limbs(uint64_t out[6], const ck_fp *a) {
    static const ck_fp plain_one = {{1, 0, 0, 0, 0, 0}};
    ck_fp v;
    ck_fp_mul(&v, a, &plain_one);
    memcpy(out, v.l, sizeof v.l);
}

int ck_fp_from_bytes_be(ck_fp *out, const uint8_t in[48]) {
    uint64_t v[6];
    for (int i = 0; i < 6; i++) v[5 - i] = load_be64(in + 8 * i);
    return ck_fp_from_limbs(out, v);
}

void ck_fp_to_bytes_be(uint8_t out[48], const ck_fp *a) {
    uint64_t v[6];
    ck_fp_to_limbs(v, a);
    for (int i = 0; i < 6; i++) store_be64(out + 8 * i, v[5 - i]);
}

void ck_fp_from_u64(ck_fp *out, uint64_t v) {
    const uint64_t limbs[6] = {v, 0, 0, 0, 0, 0};
    (void)ck_fp_from_limbs(out, limbs); /* always < p */
}

/* Square-and-multiply over the exponent bits, most significant first. Every exponent in
 * use is public (p-2, (p+1)/4, test vectors). */
void ck_fp_pow(ck_fp *out, const ck_fp *a, const uint8_t exp_be[48]) {
    const struct ck_dispatch *d = ck_dispatch();
    ck_fp acc, base = *a;
    ck_fp_set_one(&acc);
    int started = 0;
    for (int byte = 0; byte < 48; byte++) {
        for (int bit = 7; bit >= 0; bit--) {
            if (started) d->fp_sqr(&acc, &acc);
            if ((exp_be[byte] >> bit) & 1) {
                d->fp_mul(&acc, &acc, &base);
                started = 1;
            }
        }
    }
    *out = acc;
}

/* The big-endian bytes of p - k for a small k (no borrow past limb 0 for k < p0). */
static void modulus_minus_be(uint8_t out[48], uint64_t k) {
    uint64_t v[6];
    memcpy(v, ck_fp_modulus, sizeof v);
    v[0] -= k;
    for (int i = 0; i < 6; i++) store_be64(out + 8 * i, v[5 - i]);
}

int ck_fp_inv(ck_fp *out, const ck_fp *a) {
    if (ck_fp_is_zero(a)) return CK_E_NOT_INVERTIBLE;
    uint8_t e[48];
    modulus_minus_be(e, 2);
    ck_fp_pow(out, a, e); /* Fermat: a^(p-2) */
    return CK_OK;
}

/* Montgomery's trick: one inversion and 3(n-1) multiplications. scratch: n elements. */
int ck_fp_batch_inv(ck_fp *out, const ck_fp *in, size_t n, ck_fp *scratch) {
    if (n == 0) return CK_OK;
    for (size_t i = 0; i < n; i++) {
        if (ck_fp_is_zero(&in[i])) return CK_E_NOT_INVERTIBLE;
    }
    scratch[0] = in[0];
    for (size_t i = 1; i < n; i++) ck_fp_mul(&scratch[i], &scratch[i - 1], &in[i]);
    ck_fp inv;
    (void)ck_fp_inv(&inv, &scratch[n - 1]);
    for (size_t i = n - 1; i > 0; i--) {
        ck_fp t;
        ck_fp_mul(&t, &inv, &scratch[i - 1]); /* 1 / in[i] */
        ck_fp_mul(&inv, &inv, &in[i]);
        out[i] = t;
    }
    out[0] = inv;
    return CK_OK;
}

/* p = 3 mod 4, so a^((p+1)/4) squares to a exactly when a is a square. */
int ck_fp_sqrt(ck_fp *out, const ck_fp *a) {
    uint64_t e[6];
    memcpy(e, ck_fp_modulus, sizeof e);
    e[0] += 1; /* p + 1 (p0 + 1 does not carry) */
    for (int i = 0; i < 6; i++) e[i] = (e[i] >> 2) | (i < 5 ? e[i + 1] << 62 : 0);
    uint8_t eb[48];
    for (int i = 0; i < 6; i++) store_be64(eb + 8 * i, e[5 - i]);
    ck_fp r, check;
    ck_fp_pow(&r, a, eb);
    ck_fp_sqr(&check, &r);
    if (!ck_fp_equal(&check, a)) return CK_E_NOT_SQUARE;
    *out = r;
    return CK_OK;
}

int ck_fp_is_lexicographically_largest(const ck_fp *a) {
    uint64_t v[6];
    ck_fp_to_limbs(v, a);
    return cmp6(v, fp_half) > 0;
}

/* Dependent chains, the multiplication inlined: what the benchmarks time. */
void ck_fp_mul_chain_portable(ck_fp *x, const ck_fp *y, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) ck_fp_mul_portable_inl(x->l, x->l, y->l);
}

void ck_fp_sqr_chain(ck_fp *x, uint64_t n) {
    void (*sqr)(ck_fp *, const ck_fp *) = ck_dispatch()->fp_sqr;
    for (uint64_t i = 0; i < n; i++) sqr(x, x);
}
