/* Private: SHA-NI helpers shared by sha256_shani.c and sdr_label_shani.c (state layout
 * conversion, byte swapping and the message schedule). Every function is static inline and
 * carries the SHA-NI target attribute, so only SHA-NI code paths may call them. */
#ifndef CK_SHA256_SHANI_H
#define CK_SHA256_SHANI_H

#include "dispatch.h"

#include <immintrin.h>

#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define SHANI_INLINE static inline __attribute__((always_inline)) SHANI_TARGET

#define UNROLL _Pragma("clang loop unroll(full)")

/* Converts the 8 standard state words to the (ABEF, CDGH) register pair SHA-NI uses. */
SHANI_INLINE void load_state(const uint32_t *h, __m128i *abef, __m128i *cdgh) {
    __m128i abcd = _mm_loadu_si128((const __m128i *)h);
    __m128i efgh = _mm_loadu_si128((const __m128i *)(h + 4));
    abcd = _mm_shuffle_epi32(abcd, 0xB1);  /* B A D C (high to low: C D A B) */
    efgh = _mm_shuffle_epi32(efgh, 0x1B);  /* H G F E */
    *abef = _mm_alignr_epi8(abcd, efgh, 8);
    *cdgh = _mm_blend_epi16(efgh, abcd, 0xF0);
}

/* The inverse of load_state: four words A B C D in a, E F G H in e. */
SHANI_INLINE void unpack_state(__m128i abef, __m128i cdgh, __m128i *a, __m128i *e) {
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    *a = _mm_blend_epi16(feba, dchg, 0xF0);
    *e = _mm_alignr_epi8(dchg, feba, 8);
}

SHANI_INLINE void store_state(uint32_t *h, __m128i abef, __m128i cdgh) {
    __m128i a, e;
    unpack_state(abef, cdgh, &a, &e);
    _mm_storeu_si128((__m128i *)h, a);
    _mm_storeu_si128((__m128i *)(h + 4), e);
}

SHANI_INLINE __m128i bswap_mask(void) {
    return _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
}

/* The message schedule is independent of the rounds, so it is software-pipelined: while
 * the rounds of one block run (4-cycle sha256rnds2 latency per lane), the schedule
 * (W + K) of the next block is computed into a stack array. Computing it in line put
 * sha256msg2 on the rounds' critical path and spilled registers once N > 1. */

/* Loads one lane's block: the first four schedule groups W[0..15], byte-swapped. */
SHANI_INLINE void sched_load(__m128i m[4], const uint8_t *p) {
    const __m128i bswap = bswap_mask();
    UNROLL for (int j = 0; j < 4; j++)
        m[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * j)), bswap);
}

/* Schedule group q of one lane: wk[q] = W[4q..4q+3] + K, advancing the rolling window m. */
SHANI_INLINE void sched_step(__m128i m[4], __m128i *wk, const int q) {
    if (q >= 4) {
        __m128i t = _mm_sha256msg1_epu32(m[q & 3], m[(q + 1) & 3]);
        t = _mm_add_epi32(t, _mm_alignr_epi8(m[(q + 3) & 3], m[(q + 2) & 3], 4));
        m[q & 3] = _mm_sha256msg2_epu32(t, m[(q + 3) & 3]);
    }
    wk[q] = _mm_add_epi32(m[q & 3], _mm_loadu_si128((const __m128i *)(ck_sha256_k + 4 * q)));
}

#endif
