/* GMP as the independent oracle for Fr (tests) and as the peer the Fr benchmarks are
 * measured against, in the same run. Nothing in the kernels calls this file. */
#include "CKernels.h"
#include "fr_arith.h"

#include <gmp.h>
#include <string.h>

static const char fr_modulus_hex[] =
    "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

static void import_le(mpz_t z, const uint8_t b[32]) { mpz_import(z, 32, -1, 1, 0, 0, b); }

static void export_le(uint8_t out[32], const mpz_t z) {
    size_t count = 0;
    memset(out, 0, 32);
    uint8_t buf[64];
    mpz_export(buf, &count, -1, 1, 0, 0, z);
    memcpy(out, buf, count > 32 ? 32 : count);
}

/* z = (x op y) before the final reduction mod m: op 0 add, 1 sub, 2 mul, 3 square,
 * 4 neg, 5 inverse, 6 pow (y = exponent), 7 square test (z = 1 when x is 0 or a square). */
static int field_op(mpz_t z, int op, mpz_t x, const mpz_t y, const mpz_t m) {
    switch (op) {
    case 0: mpz_add(z, x, y); return CK_OK;
    case 1: mpz_sub(z, x, y); return CK_OK;
    case 2: mpz_mul(z, x, y); return CK_OK;
    case 3: mpz_mul(z, x, x); return CK_OK;
    case 4: mpz_neg(z, x); return CK_OK;
    case 5:
        mpz_mod(x, x, m);
        return mpz_sgn(x) == 0 || !mpz_invert(z, x, m) ? CK_E_NOT_INVERTIBLE : CK_OK;
    case 6: mpz_powm(z, x, y, m); return CK_OK;
    case 7:
        mpz_mod(x, x, m);
        mpz_set_ui(z, mpz_sgn(x) == 0 || mpz_legendre(x, m) == 1 ? 1 : 0);
        return CK_OK;
    default: return CK_E_ARG;
    }
}

int ck_gmp_fr_op(uint8_t out[32], int op, const uint8_t a[32], const uint8_t b[32]) {
    mpz_t r, x, y, z;
    mpz_inits(r, x, y, z, NULL);
    mpz_set_str(r, fr_modulus_hex, 16);
    import_le(x, a);
    import_le(y, b);
    int status = field_op(z, op, x, y, r);
    if (status == CK_OK) {
        mpz_mod(z, z, r); /* mpz_mod is non-negative */
        export_le(out, z);
    }
    mpz_clears(r, x, y, z, NULL);
    return status;
}

void ck_gmp_mulmod_chain(uint64_t x[4], const uint64_t y[4], uint64_t n) {
    mpz_t r, a, b;
    mpz_inits(r, a, b, NULL);
    mpz_set_str(r, fr_modulus_hex, 16);
    mpz_import(a, 4, -1, 8, 0, 0, x);
    mpz_import(b, 4, -1, 8, 0, 0, y);
    for (uint64_t i = 0; i < n; i++) {
        mpz_mul(a, a, b);
        mpz_mod(a, a, r);
    }
    size_t count = 0;
    memset(x, 0, 32);
    mpz_export(x, &count, -1, 8, 0, 0, a);
    mpz_clears(r, a, b, NULL);
}

/* Montgomery multiplication from GMP's low-level mpn layer: the full product with
 * mpn_mul_n, then four word-by-word reduction steps with mpn_addmul_1 (what mpn_redc_1
 * does inside GMP), then one conditional subtraction. */
static void mont_chain(uint64_t x[4], const uint64_t y[4], uint64_t n, int square) {
    const mp_limb_t m[4] = {CK_FR_R0, CK_FR_R1, CK_FR_R2, CK_FR_R3};
    mp_limb_t a[4], b[4], t[9];
    memcpy(a, x, 32);
    memcpy(b, y, 32);
    for (uint64_t i = 0; i < n; i++) {
        if (square) mpn_sqr(t, a, 4);
        else mpn_mul_n(t, a, b, 4);
        t[8] = 0;
        for (int k = 0; k < 4; k++) {
            mp_limb_t q = t[k] * CK_FR_N0;
            mp_limb_t c = mpn_addmul_1(t + k, m, 4, q);
            mpn_add_1(t + k + 4, t + k + 4, 5 - k, c);
        }
        if (t[8] || mpn_cmp(t + 4, m, 4) >= 0) mpn_sub_n(t + 4, t + 4, m, 4);
        memcpy(a, t + 4, 32);
    }
    memcpy(x, a, 32);
}

void ck_gmp_mont_chain(uint64_t x[4], const uint64_t y[4], uint64_t n) { mont_chain(x, y, n, 0); }

void ck_gmp_mont_sqr_chain(uint64_t x[4], uint64_t n) { mont_chain(x, x, n, 1); }

const char *ck_gmp_version(void) { return gmp_version; }

/* ---- Fp (BLS12-381 base field): oracle on 48-byte big-endian integers and the peer ---- */
static const char fp_modulus_hex[] =
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";

static void export_be48(uint8_t out[48], const mpz_t z) {
    uint8_t buf[96];
    size_t count = 0;
    mpz_export(buf, &count, 1, 1, 0, 0, z);
    memset(out, 0, 48);
    if (count > 48) count = 48; /* z < p always here */
    memcpy(out + 48 - count, buf, count);
}

int ck_gmp_fp_op(uint8_t out[48], int op, const uint8_t a[48], const uint8_t b[48]) {
    mpz_t p, x, y, z;
    mpz_inits(p, x, y, z, NULL);
    mpz_set_str(p, fp_modulus_hex, 16);
    mpz_import(x, 48, 1, 1, 0, 0, a);
    mpz_import(y, 48, 1, 1, 0, 0, b);
    int status = field_op(z, op, x, y, p);
    if (status == CK_OK) {
        mpz_mod(z, z, p);
        export_be48(out, z);
    }
    mpz_clears(p, x, y, z, NULL);
    return status;
}

/* Montgomery multiplication over 6 limbs from GMP's mpn layer: mpn_mul_n for the full
 * product, six word-by-word reduction steps with mpn_addmul_1, one conditional
 * subtraction. */
void ck_gmp_fp_mont_chain(uint64_t x[6], const uint64_t y[6], uint64_t n) {
    static const mp_limb_t m[6] = {0xb9feffffffffaaabull, 0x1eabfffeb153ffffull,
                                   0x6730d2a0f6b0f624ull, 0x64774b84f38512bfull,
                                   0x4b1ba7b6434bacd7ull, 0x1a0111ea397fe69aull};
    const mp_limb_t n0 = 0x89f3fffcfffcfffdull;
    mp_limb_t a[6], b[6], t[13];
    memcpy(a, x, 48);
    memcpy(b, y, 48);
    for (uint64_t i = 0; i < n; i++) {
        mpn_mul_n(t, a, b, 6);
        t[12] = 0;
        for (int k = 0; k < 6; k++) {
            mp_limb_t q = t[k] * n0;
            mp_limb_t c = mpn_addmul_1(t + k, m, 6, q);
            mpn_add_1(t + k + 6, t + k + 6, 7 - k, c);
        }
        if (t[12] || mpn_cmp(t + 6, m, 6) >= 0) mpn_sub_n(t + 6, t + 6, m, 6);
        memcpy(a, t + 6, 48);
    }
    memcpy(x, a, 48);
}
