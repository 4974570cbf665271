/* Private: the BLAKE2b constants and mixing function (RFC 7693), shared by blake2b.c and
 * the Feistel round function of sdr_graph.c. */
#ifndef CK_BLAKE2B_H
#define CK_BLAKE2B_H

#include <stdint.h>

static const uint64_t ck_blake2b_iv[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

static const uint8_t ck_blake2b_sigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static inline uint64_t ck_rotr64(uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }

#define CK_B2_G(a, b, c, d, x, y)                                                                   \
    do {                                                                                      \
        a = a + b + (x); d = ck_rotr64(d ^ a, 32);                                               \
        c = c + d;       b = ck_rotr64(b ^ c, 24);                                               \
        a = a + b + (y); d = ck_rotr64(d ^ a, 16);                                               \
        c = c + d;       b = ck_rotr64(b ^ c, 63);                                               \
    } while (0)

#endif
