/* BLS12-381 scalar field Fr: encoding, Montgomery conversion and the exported arithmetic.
 * The multiplication is dispatched at run time (mulx/adx or portable, see cpu.c); both
 * implementations are also exported under their own names. */
#include "dispatch.h"
#include "fr_arith.h"

#include <string.h>

static const uint64_t fr_modulus[4] = {CK_FR_R0, CK_FR_R1, CK_FR_R2, CK_FR_R3};
/* R^2 mod r, R = 2^256: multiplying by it converts to Montgomery form. */
static const uint64_t fr_r2[4] = {0xc999e990f3f29c6dull, 0x2b6cedcb87925c23ull,
                                  0x05d314967254398full, 0x0748d9d99f59ff11ull};
/* R mod r: 1 in Montgomery form. */
static const uint64_t fr_one[4] = {0x00000001fffffffeull, 0x5884b7fa00034802ull,
                                   0x998c4fefecbc4ff5ull, 0x1824b159acc5056full};

static uint64_t load_le64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v; /* x86-64 and arm64 are little-endian */
}

static void store_le64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* 1 when v < r (v a plain 4-limb integer). */
static int below_modulus(const uint64_t v[4]) {
    for (int i = 3; i >= 0; i--) {
        if (v[i] != fr_modulus[i]) return v[i] < fr_modulus[i];
    }
    return 0;
}

void ck_fr_mul_portable(ck_fr *out, const ck_fr *a, const ck_fr *b) {
    ck_fr_mul_portable_inl(out->l, a->l, b->l);
}

void ck_fr_sqr_portable(ck_fr *out, const ck_fr *a) { ck_fr_mul_portable_inl(out->l, a->l, a->l); }

void ck_fr_mul(ck_fr *out, const ck_fr *a, const ck_fr *b) { ck_dispatch()->fr_mul(out, a, b); }

void ck_fr_sqr(ck_fr *out, const ck_fr *a) { ck_dispatch()->fr_sqr(out, a); }

void ck_fr_add(ck_fr *out, const ck_fr *a, const ck_fr *b) { ck_fr_add_inl(out->l, a->l, b->l); }

void ck_fr_sub(ck_fr *out, const ck_fr *a, const ck_fr *b) { ck_fr_sub_inl(out->l, a->l, b->l); }

void ck_fr_neg(ck_fr *out, const ck_fr *a) {
    static const uint64_t zero[4] = {0, 0, 0, 0};
    ck_fr_sub_inl(out->l, zero, a->l);
}

void ck_fr_set_one(ck_fr *out) { memcpy(out->l, fr_one, sizeof fr_one); }

int ck_fr_is_zero(const ck_fr *a) { return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0; }

int ck_fr_equal(const ck_fr *a, const ck_fr *b) { return memcmp(a->l, b->l, sizeof a->l) == 0; }

int ck_fr_from_limbs(ck_fr *out, const uint64_t v[4]) {
    if (!below_modulus(v)) return CK_E_NONCANONICAL;
    ck_fr plain;
    memcpy(plain.l, v, sizeof plain.l);
    ck_fr r2;
    memcpy(r2.l, fr_r2, sizeof r2.l);
    ck_fr_mul(out, &plain, &r2);
    return CK_OK;
}

void ck_fr_to_limbs(uint64_t out[4], const ck_fr *a) {
    static const ck_fr plain_one = {{1, 0, 0, 0}};
    ck_fr v;
    ck_fr_mul(&v, a, &plain_one);
    memcpy(out, v.l, sizeof v.l);
}

int ck_fr_from_bytes(ck_fr *out, const uint8_t in[32]) {
    uint64_t v[4];
    for (int i = 0; i < 4; i++) v[i] = load_le64(in + 8 * i);
    return ck_fr_from_limbs(out, v);
}

void ck_fr_to_bytes(uint8_t out[32], const ck_fr *a) {
    uint64_t v[4];
    ck_fr_to_limbs(v, a);
    for (int i = 0; i < 4; i++) store_le64(out + 8 * i, v[i]);
}

void ck_fr_from_u64(ck_fr *out, uint64_t v) {
    const uint64_t limbs[4] = {v, 0, 0, 0};
    (void)ck_fr_from_limbs(out, limbs); /* always < r */
}

int ck_fr_from_bytes_many(ck_fr *out, const uint8_t *in, size_t n, size_t *bad_index) {
    for (size_t i = 0; i < n; i++) {
        if (ck_fr_from_bytes(&out[i], in + 32 * i) != CK_OK) {
            if (bad_index) *bad_index = i;
            return CK_E_NONCANONICAL;
        }
    }
    return CK_OK;
}

void ck_fr_to_bytes_many(uint8_t *out, const ck_fr *in, size_t n) {
    for (size_t i = 0; i < n; i++) ck_fr_to_bytes(out + 32 * i, &in[i]);
}

static int bytes_many(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t n, size_t *bad_index,
                      int subtract) {
    for (size_t i = 0; i < n; i++) {
        uint64_t x[4], y[4], z[4];
        for (int k = 0; k < 4; k++) {
            x[k] = load_le64(a + 32 * i + 8 * k);
            y[k] = load_le64(b + 32 * i + 8 * k);
        }
        if (!below_modulus(x) || !below_modulus(y)) {
            if (bad_index) *bad_index = i;
            return CK_E_NONCANONICAL;
        }
        if (subtract) ck_fr_sub_inl(z, x, y);
        else ck_fr_add_inl(z, x, y); /* plain integers mod r: the same code as Montgomery */
        for (int k = 0; k < 4; k++) store_le64(out + 32 * i + 8 * k, z[k]);
    }
    return CK_OK;
}

int ck_fr_add_bytes_many(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t n, size_t *bad_index) {
    return bytes_many(out, a, b, n, bad_index, 0);
}

int ck_fr_sub_bytes_many(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t n, size_t *bad_index) {
    return bytes_many(out, a, b, n, bad_index, 1);
}

/* Square-and-multiply over the exponent bits, most significant first. The exponent is
 * public in every use (r-2, round numbers, test vectors). */
void ck_fr_pow(ck_fr *out, const ck_fr *a, const uint8_t exp_le[32]) {
    ck_fr acc, base = *a;
    ck_fr_set_one(&acc);
    int started = 0;
    for (int bit = 255; bit >= 0; bit--) {
        if (started) ck_fr_sqr(&acc, &acc);
        if ((exp_le[bit >> 3] >> (bit & 7)) & 1) {
            ck_fr_mul(&acc, &acc, &base);
            started = 1;
        }
    }
    *out = acc;
}

int ck_fr_inv(ck_fr *out, const ck_fr *a) {
    if (ck_fr_is_zero(a)) return CK_E_NOT_INVERTIBLE;
    uint8_t e[32];
    uint64_t rm2[4] = {CK_FR_R0 - 2, CK_FR_R1, CK_FR_R2, CK_FR_R3};
    for (int i = 0; i < 4; i++) store_le64(e + 8 * i, rm2[i]);
    ck_fr_pow(out, a, e); /* Fermat: a^(r-2) */
    return CK_OK;
}

/* Montgomery's trick: one inversion and 3(n-1) multiplications. scratch: n elements. */
int ck_fr_batch_inv(ck_fr *out, const ck_fr *in, size_t n, ck_fr *scratch) {
    if (n == 0) return CK_OK;
    for (size_t i = 0; i < n; i++) {
        if (ck_fr_is_zero(&in[i])) return CK_E_NOT_INVERTIBLE;
    }
    scratch[0] = in[0];
    for (size_t i = 1; i < n; i++) ck_fr_mul(&scratch[i], &scratch[i - 1], &in[i]);
    ck_fr inv;
    (void)ck_fr_inv(&inv, &scratch[n - 1]);
    for (size_t i = n - 1; i > 0; i--) {
        ck_fr t;
        ck_fr_mul(&t, &inv, &scratch[i - 1]); /* 1 / in[i] */
        ck_fr_mul(&inv, &inv, &in[i]);
        out[i] = t;
    }
    out[0] = inv;
    return CK_OK;
}

/* Dependent chains x <- x*y (or x <- x^2), n steps, the multiplication inlined: what the
 * benchmarks time. */
void ck_fr_mul_chain_portable(ck_fr *x, const ck_fr *y, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) ck_fr_mul_portable_inl(x->l, x->l, y->l);
}

void ck_fr_sqr_chain_portable(ck_fr *x, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) ck_fr_mul_portable_inl(x->l, x->l, x->l);
}
