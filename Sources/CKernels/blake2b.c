/* Unkeyed BLAKE2b-512 (RFC 7693), one-shot. The SDR graph's Feistel rounds (porep-post.md
 * §5.3) hash 16-byte messages; sdr_graph.c has its own single-compression specialization. */
#include "CKernels.h"

#include <string.h>

#include "blake2b.h"

static inline uint64_t load_le64(const uint8_t *p) {
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = (x << 8) | p[i];
    return x;
}


/* t: byte count so far (fits in 64 bits here; the high counter word is 0). */
static void blake2b_compress(uint64_t h[8], const uint8_t block[128], uint64_t t, int last) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) m[i] = load_le64(block + 8 * i);
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = ck_blake2b_iv[i];
    }
    v[12] ^= t;
    if (last) v[14] = ~v[14];
    for (int r = 0; r < 12; r++) {
        const uint8_t *s = ck_blake2b_sigma[r];
        CK_B2_G(v[0], v[4], v[8], v[12], m[s[0]], m[s[1]]);
        CK_B2_G(v[1], v[5], v[9], v[13], m[s[2]], m[s[3]]);
        CK_B2_G(v[2], v[6], v[10], v[14], m[s[4]], m[s[5]]);
        CK_B2_G(v[3], v[7], v[11], v[15], m[s[6]], m[s[7]]);
        CK_B2_G(v[0], v[5], v[10], v[15], m[s[8]], m[s[9]]);
        CK_B2_G(v[1], v[6], v[11], v[12], m[s[10]], m[s[11]]);
        CK_B2_G(v[2], v[7], v[8], v[13], m[s[12]], m[s[13]]);
        CK_B2_G(v[3], v[4], v[9], v[14], m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

void ck_blake2b512(uint8_t out[64], const uint8_t *in, size_t len) {
    uint64_t h[8];
    memcpy(h, ck_blake2b_iv, sizeof h);
    h[0] ^= 0x01010040ull; /* digest length 64, key length 0, fanout 1, depth 1 */
    uint64_t t = 0;
    while (len > 128) {
        t += 128;
        blake2b_compress(h, in, t, 0);
        in += 128;
        len -= 128;
    }
    uint8_t last[128];
    memset(last, 0, sizeof last);
    if (len) memcpy(last, in, len);
    t += len;
    blake2b_compress(h, last, t, 1);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) out[8 * i + j] = (uint8_t)(h[i] >> (8 * j));
}

/* Keyed BLAKE2b with the digest length in the parameter block (RFC 7693 §2.5, §3.3):
 * outlen 1..64, keylen 0..64; a key is padded to one 128-byte block hashed first. */
int ck_blake2b(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen, const uint8_t *in, size_t len) {
    if (outlen == 0 || outlen > 64 || keylen > 64) return CK_E_ARG;
    uint64_t h[8];
    memcpy(h, ck_blake2b_iv, sizeof h);
    h[0] ^= 0x01010000ull ^ ((uint64_t)keylen << 8) ^ (uint64_t)outlen;
    uint64_t t = 0;
    uint8_t block[128];
    if (keylen) {
        memset(block, 0, sizeof block);
        memcpy(block, key, keylen);
        t = 128;
        if (len == 0) {
            blake2b_compress(h, block, t, 1);
            goto done;
        }
        blake2b_compress(h, block, t, 0);
    }
    while (len > 128) {
        t += 128;
        blake2b_compress(h, in, t, 0);
        in += 128;
        len -= 128;
    }
    memset(block, 0, sizeof block);
    if (len) memcpy(block, in, len);
    t += len;
    blake2b_compress(h, block, t, 1);
done:;
    uint8_t full[64];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++) full[8 * i + j] = (uint8_t)(h[i] >> (8 * j));
    memcpy(out, full, outlen);
    return CK_OK;
}
