#ifndef CK_FR_MONT_ADX_H
#define CK_FR_MONT_ADX_H
#include "fr_arith.h"
static inline __attribute__((always_inline)) void ck_fr_mul_adx_inl(uint64_t o[4], const uint64_t a[4], const uint64_t b[4]) { ck_fr_mul_portable_inl(o, a, b); }
static inline __attribute__((always_inline)) void ck_fr_sqr_adx_inl(uint64_t o[4], const uint64_t a[4]) { ck_fr_mul_portable_inl(o, a, a); }
#endif
