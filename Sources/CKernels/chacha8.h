/* Private: the ChaCha quarter round and little-endian word access, shared by chacha8.c and
 * the DRG parents of sdr_graph.c (which interleaves two blocks). */
#ifndef CK_CHACHA_H
#define CK_CHACHA_H

#include <stdint.h>

static inline uint32_t ck_load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void ck_store_le32(uint8_t *p, uint32_t x) {
    p[0] = (uint8_t)x;
    p[1] = (uint8_t)(x >> 8);
    p[2] = (uint8_t)(x >> 16);
    p[3] = (uint8_t)(x >> 24);
}

#define CK_ROTL32(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define CK_CHACHA_QR(a, b, c, d)                                                                        \
    do {                                                                                      \
        a += b; d ^= a; d = CK_ROTL32(d, 16);                                                    \
        c += d; b ^= c; b = CK_ROTL32(b, 12);                                                    \
        a += b; d ^= a; d = CK_ROTL32(d, 8);                                                     \
        c += d; b ^= c; b = CK_ROTL32(b, 7);                                                     \
    } while (0)

#endif
