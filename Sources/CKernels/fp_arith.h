/* Private: BLS12-381 base field Fp, the inline arithmetic fp.c, fp_adx.c and fp2.c share.
 *
 * Elements are 6 little-endian 64-bit limbs in Montgomery form (x*2^384 mod p), always
 * fully reduced to [0, p). p < 2^381, so a sum of two elements never carries out of 384
 * bits, and the Montgomery product before its final subtraction stays below 2p. */
#ifndef CK_FP_ARITH_H
#define CK_FP_ARITH_H

#include <stdint.h>

typedef unsigned __int128 ck_fp_u128;

#define CK_FP_P0 0xb9feffffffffaaabull
#define CK_FP_P1 0x1eabfffeb153ffffull
#define CK_FP_P2 0x6730d2a0f6b0f624ull
#define CK_FP_P3 0x64774b84f38512bfull
#define CK_FP_P4 0x4b1ba7b6434bacd7ull
#define CK_FP_P5 0x1a0111ea397fe69aull
#define CK_FP_N0 0x89f3fffcfffcfffdull /* -p^-1 mod 2^64 */

static const uint64_t ck_fp_modulus[6] = {CK_FP_P0, CK_FP_P1, CK_FP_P2,
                                          CK_FP_P3, CK_FP_P4, CK_FP_P5};

/* Add and subtract with carry: clang's builtins compile to adc/sbb chains (the 128-bit
 * form compiles to setb/movzx per limb, twice as slow here); other compilers get that. */
#if defined(__has_builtin)
#if __has_builtin(__builtin_addcll) && __has_builtin(__builtin_subcll)
#define CK_FP_HAVE_CARRY_BUILTINS 1
#endif
#endif

static inline __attribute__((always_inline)) uint64_t ck_fp_adc(uint64_t a, uint64_t b, uint64_t *carry) {
#ifdef CK_FP_HAVE_CARRY_BUILTINS
    unsigned long long c;
    uint64_t r = __builtin_addcll(a, b, *carry, &c);
    *carry = c;
    return r;
#else
    ck_fp_u128 t = (ck_fp_u128)a + b + *carry;
    *carry = (uint64_t)(t >> 64);
    return (uint64_t)t;
#endif
}

static inline __attribute__((always_inline)) uint64_t ck_fp_sbb(uint64_t a, uint64_t b, uint64_t *borrow) {
#ifdef CK_FP_HAVE_CARRY_BUILTINS
    unsigned long long c;
    uint64_t r = __builtin_subcll(a, b, *borrow, &c);
    *borrow = c;
    return r;
#else
    ck_fp_u128 t = (ck_fp_u128)a - b - *borrow;
    *borrow = (uint64_t)(t >> 127);
    return (uint64_t)t;
#endif
}

/* out = v - p if v >= p else v (v < 2p). Branch-free. */
static inline __attribute__((always_inline)) void ck_fp_reduce_once(uint64_t out[6],
                                                                    const uint64_t v[6]) {
    uint64_t d[6];
    uint64_t borrow = 0;
    for (int i = 0; i < 6; i++) d[i] = ck_fp_sbb(v[i], ck_fp_modulus[i], &borrow);
    uint64_t keep = (uint64_t)0 - borrow; /* all ones when v < p */
    for (int i = 0; i < 6; i++) out[i] = (v[i] & keep) | (d[i] & ~keep);
}

static inline __attribute__((always_inline)) void ck_fp_add_inl(uint64_t out[6],
                                                                const uint64_t a[6],
                                                                const uint64_t b[6]) {
    uint64_t s[6];
    uint64_t carry = 0;
    for (int i = 0; i < 6; i++) s[i] = ck_fp_adc(a[i], b[i], &carry);
    ck_fp_reduce_once(out, s); /* a + b < 2p < 2^384: no carry out */
}

static inline __attribute__((always_inline)) void ck_fp_sub_inl(uint64_t out[6],
                                                                const uint64_t a[6],
                                                                const uint64_t b[6]) {
    uint64_t d[6];
    uint64_t borrow = 0;
    for (int i = 0; i < 6; i++) d[i] = ck_fp_sbb(a[i], b[i], &borrow);
    uint64_t m = (uint64_t)0 - borrow; /* all ones when a < b: add p back */
    uint64_t carry = 0;
    for (int i = 0; i < 6; i++) out[i] = ck_fp_adc(d[i], ck_fp_modulus[i] & m, &carry);
}

/* Portable Montgomery product, CIOS: for each limb b_i, add a*b_i to the running value,
 * then add q*p with q = t_0 * (-p^-1) mod 2^64 so the low limb vanishes, and shift one
 * limb down. The running value stays below 2p < 2^382, so 6 limbs plus one carry word
 * per step suffice. out = a*b*2^-384 mod p; out may alias a or b. */
static inline __attribute__((always_inline)) void ck_fp_mul_portable_inl(uint64_t out[6],
                                                                         const uint64_t a[6],
                                                                         const uint64_t b[6]) {
    uint64_t t[7] = {0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 6; i++) {
        uint64_t bi = b[i];
        uint64_t carry = 0;
        for (int j = 0; j < 6; j++) {
            ck_fp_u128 c = (ck_fp_u128)a[j] * bi + t[j] + carry;
            t[j] = (uint64_t)c;
            carry = (uint64_t)(c >> 64);
        }
        t[6] = carry;
        uint64_t q = t[0] * CK_FP_N0;
        ck_fp_u128 c = (ck_fp_u128)q * ck_fp_modulus[0] + t[0];
        carry = (uint64_t)(c >> 64);
        for (int j = 1; j < 6; j++) {
            c = (ck_fp_u128)q * ck_fp_modulus[j] + t[j] + carry;
            t[j - 1] = (uint64_t)c;
            carry = (uint64_t)(c >> 64);
        }
        t[5] = t[6] + carry;
    }
    ck_fp_reduce_once(out, t);
}

#endif
