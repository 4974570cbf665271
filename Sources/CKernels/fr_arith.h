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

#endif
