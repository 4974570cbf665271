/* Private: BLS12-381 scalar field Fr, the arithmetic every Fr kernel inlines.
 *
 * Elements are 4 little-endian 64-bit limbs in Montgomery form (x*2^256 mod r), always
 * fully reduced to [0, r). r < 2^255, so a sum of two elements never carries out of 256
 * bits and the Montgomery product before its final subtraction stays below 2r. */
#ifndef CK_FR_ARITH_H
#define CK_FR_ARITH_H

#include <stdint.h>

typedef unsigned __int128 ck_u128;

#define CK_FR_R0 0xffffffff00000001ull
#define CK_FR_R1 0x53bda402fffe5bfeull
#define CK_FR_R2 0x3339d80809a1d805ull
#define CK_FR_R3 0x73eda753299d7d48ull
#define CK_FR_N0 0xfffffffeffffffffull /* -r^-1 mod 2^64 */

/* out = v - r if v >= r else v (v < 2r). Branch-free. */
static inline __attribute__((always_inline)) void ck_fr_reduce_once(uint64_t out[4],
                                                                    const uint64_t v[4]) {
    uint64_t d[4];
    ck_u128 t = (ck_u128)v[0] - CK_FR_R0;
    d[0] = (uint64_t)t;
    t = (ck_u128)v[1] - CK_FR_R1 - (uint64_t)(t >> 127);
    d[1] = (uint64_t)t;
    t = (ck_u128)v[2] - CK_FR_R2 - (uint64_t)(t >> 127);
    d[2] = (uint64_t)t;
    t = (ck_u128)v[3] - CK_FR_R3 - (uint64_t)(t >> 127);
    d[3] = (uint64_t)t;
    uint64_t keep = (uint64_t)0 - (uint64_t)(t >> 127); /* all ones when v < r */
    for (int i = 0; i < 4; i++) out[i] = (v[i] & keep) | (d[i] & ~keep);
}

static inline __attribute__((always_inline)) void ck_fr_add_inl(uint64_t out[4],
                                                                const uint64_t a[4],
                                                                const uint64_t b[4]) {
    uint64_t s[4];
    ck_u128 t = (ck_u128)a[0] + b[0];
    s[0] = (uint64_t)t;
    t = (ck_u128)a[1] + b[1] + (uint64_t)(t >> 64);
    s[1] = (uint64_t)t;
    t = (ck_u128)a[2] + b[2] + (uint64_t)(t >> 64);
    s[2] = (uint64_t)t;
    s[3] = a[3] + b[3] + (uint64_t)(t >> 64);
    ck_fr_reduce_once(out, s);
}

static inline __attribute__((always_inline)) void ck_fr_sub_inl(uint64_t out[4],
                                                                const uint64_t a[4],
                                                                const uint64_t b[4]) {
    uint64_t d[4];
    ck_u128 t = (ck_u128)a[0] - b[0];
    d[0] = (uint64_t)t;
    t = (ck_u128)a[1] - b[1] - (uint64_t)(t >> 127);
    d[1] = (uint64_t)t;
    t = (ck_u128)a[2] - b[2] - (uint64_t)(t >> 127);
    d[2] = (uint64_t)t;
    t = (ck_u128)a[3] - b[3] - (uint64_t)(t >> 127);
    d[3] = (uint64_t)t;
    uint64_t m = (uint64_t)0 - (uint64_t)(t >> 127); /* all ones when a < b: add r back */
    t = (ck_u128)d[0] + (CK_FR_R0 & m);
    out[0] = (uint64_t)t;
    t = (ck_u128)d[1] + (CK_FR_R1 & m) + (uint64_t)(t >> 64);
    out[1] = (uint64_t)t;
    t = (ck_u128)d[2] + (CK_FR_R2 & m) + (uint64_t)(t >> 64);
    out[2] = (uint64_t)t;
    out[3] = d[3] + (CK_FR_R3 & m) + (uint64_t)(t >> 64);
}

/* Portable Montgomery product (CIOS, one reduction step per limb of b):
 * out = a*b*2^-256 mod r. out may alias a or b. */
static inline __attribute__((always_inline)) void ck_fr_mul_portable_inl(uint64_t out[4],
                                                                         const uint64_t a[4],
                                                                         const uint64_t b[4]) {
    static const uint64_t m[4] = {CK_FR_R0, CK_FR_R1, CK_FR_R2, CK_FR_R3};
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t bi = b[i];
        ck_u128 c = (ck_u128)a[0] * bi + t0;
        t0 = (uint64_t)c;
        c = (ck_u128)a[1] * bi + t1 + (uint64_t)(c >> 64);
        t1 = (uint64_t)c;
        c = (ck_u128)a[2] * bi + t2 + (uint64_t)(c >> 64);
        t2 = (uint64_t)c;
        c = (ck_u128)a[3] * bi + t3 + (uint64_t)(c >> 64);
        t3 = (uint64_t)c;
        t4 = (uint64_t)(c >> 64);
        uint64_t q = t0 * CK_FR_N0;
        c = (ck_u128)q * m[0] + t0;
        c = (ck_u128)q * m[1] + t1 + (uint64_t)(c >> 64);
        t0 = (uint64_t)c;
        c = (ck_u128)q * m[2] + t2 + (uint64_t)(c >> 64);
        t1 = (uint64_t)c;
        c = (ck_u128)q * m[3] + t3 + (uint64_t)(c >> 64);
        t2 = (uint64_t)c;
        t3 = t4 + (uint64_t)(c >> 64);
    }
    uint64_t v[4] = {t0, t1, t2, t3};
    ck_fr_reduce_once(out, v);
}

/* ---- sums of products with one reduction (lazy reduction) ------------------------
 * A dot product Σ a_i·b_i of Montgomery elements accumulates the full 512-bit products
 * in 9 limbs and reduces once: REDC of the sum, then the quotient by 2^255 taken off.
 * For n <= 12 terms the sum is below 12·r^2, REDC leaves less than 6.5r, and after
 * subtracting floor(x / 2^255)·r (<= 5r) one conditional subtraction finishes. */
#define CK_FR_DOT_MAX 12

/* acc (9 limbs) += a*b. */
static inline __attribute__((always_inline)) void ck_fr_mac_wide(uint64_t acc[9], const uint64_t a[4],
                                                                 const uint64_t b[4]) {
    uint64_t p[8];
    ck_u128 c;
    uint64_t carry;
    /* schoolbook 4x4 */
    c = (ck_u128)a[0] * b[0];
    p[0] = (uint64_t)c;
    carry = (uint64_t)(c >> 64);
    c = (ck_u128)a[1] * b[0] + carry;
    p[1] = (uint64_t)c;
    carry = (uint64_t)(c >> 64);
    c = (ck_u128)a[2] * b[0] + carry;
    p[2] = (uint64_t)c;
    carry = (uint64_t)(c >> 64);
    c = (ck_u128)a[3] * b[0] + carry;
    p[3] = (uint64_t)c;
    p[4] = (uint64_t)(c >> 64);
    for (int i = 1; i < 4; i++) {
        c = (ck_u128)a[0] * b[i] + p[i];
        p[i] = (uint64_t)c;
        carry = (uint64_t)(c >> 64);
        c = (ck_u128)a[1] * b[i] + p[i + 1] + carry;
        p[i + 1] = (uint64_t)c;
        carry = (uint64_t)(c >> 64);
        c = (ck_u128)a[2] * b[i] + p[i + 2] + carry;
        p[i + 2] = (uint64_t)c;
        carry = (uint64_t)(c >> 64);
        c = (ck_u128)a[3] * b[i] + p[i + 3] + carry;
        p[i + 3] = (uint64_t)c;
        p[i + 4] = (uint64_t)(c >> 64);
    }
    c = (ck_u128)acc[0] + p[0];
    acc[0] = (uint64_t)c;
    for (int i = 1; i < 8; i++) {
        c = (ck_u128)acc[i] + p[i] + (uint64_t)(c >> 64);
        acc[i] = (uint64_t)c;
    }
    acc[8] += (uint64_t)(c >> 64);
}

/* out = acc·2^-256 mod r, fully reduced; acc < 12·r^2 (at most CK_FR_DOT_MAX products). */
static inline __attribute__((always_inline)) void ck_fr_redc_wide(uint64_t out[4], uint64_t acc[9]) {
    static const uint64_t m[4] = {CK_FR_R0, CK_FR_R1, CK_FR_R2, CK_FR_R3};
    for (int i = 0; i < 4; i++) {
        uint64_t q = acc[i] * CK_FR_N0;
        ck_u128 c = (ck_u128)q * m[0] + acc[i];
        c = (ck_u128)q * m[1] + acc[i + 1] + (uint64_t)(c >> 64);
        acc[i + 1] = (uint64_t)c;
        c = (ck_u128)q * m[2] + acc[i + 2] + (uint64_t)(c >> 64);
        acc[i + 2] = (uint64_t)c;
        c = (ck_u128)q * m[3] + acc[i + 3] + (uint64_t)(c >> 64);
        acc[i + 3] = (uint64_t)c;
        for (int k = i + 4; k < 9; k++) {
            c = (ck_u128)acc[k] + (uint64_t)(c >> 64);
            acc[k] = (uint64_t)c;
        }
    }
    /* x = acc[4..8] < 6.5r < 2^258; subtract floor(x / 2^255)·r. */
    uint64_t q = (acc[8] << 1) | (acc[7] >> 63);
    uint64_t x[4];
    ck_u128 c = (ck_u128)q * m[0];
    uint64_t qm0 = (uint64_t)c;
    c = (ck_u128)q * m[1] + (uint64_t)(c >> 64);
    uint64_t qm1 = (uint64_t)c;
    c = (ck_u128)q * m[2] + (uint64_t)(c >> 64);
    uint64_t qm2 = (uint64_t)c;
    c = (ck_u128)q * m[3] + (uint64_t)(c >> 64);
    uint64_t qm3 = (uint64_t)c; /* q·r < 2^258 too; the bits above limb 3 cancel with acc[8] */
    ck_u128 d = (ck_u128)acc[4] - qm0;
    x[0] = (uint64_t)d;
    d = (ck_u128)acc[5] - qm1 - (uint64_t)(d >> 127);
    x[1] = (uint64_t)d;
    d = (ck_u128)acc[6] - qm2 - (uint64_t)(d >> 127);
    x[2] = (uint64_t)d;
    d = (ck_u128)acc[7] - qm3 - (uint64_t)(d >> 127);
    x[3] = (uint64_t)d; /* x - q·r < 1.62r < 2^256 */
    ck_fr_reduce_once(out, x);
}

#endif
