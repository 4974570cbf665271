/* ChaCha with 8 rounds as rand_chacha 0.3 ChaCha8Rng produces it (porep-post.md §5.2):
 * words 0-3 "expand 32-byte k", 4-11 the key (LE), 12-13 a 64-bit block counter (low word
 * first), 14-15 the stream id (0); each block is the 16 words of state + input, LE. */
#include "CKernels.h"

#include <string.h>

#include "chacha8.h"


/* Words 0-3 "expand 32-byte k", 4-11 the key; the caller sets 12-15. */
static void chacha_setup(uint32_t in[16], const uint8_t key[32]) {
    in[0] = 0x61707865u;
    in[1] = 0x3320646eu;
    in[2] = 0x79622d32u;
    in[3] = 0x6b206574u;
    for (int i = 0; i < 8; i++) in[4 + i] = ck_load_le32(key + 4 * i);
}

void ck_chacha8_blocks(uint8_t *out, const uint8_t key[32], uint64_t counter, size_t nblocks) {
    uint32_t in[16];
    chacha_setup(in, key);
    in[14] = 0;
    in[15] = 0;
    for (size_t blk = 0; blk < nblocks; blk++, counter++) {
        in[12] = (uint32_t)counter;
        in[13] = (uint32_t)(counter >> 32);
        uint32_t x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3];
        uint32_t x4 = in[4], x5 = in[5], x6 = in[6], x7 = in[7];
        uint32_t x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11];
        uint32_t x12 = in[12], x13 = in[13], x14 = in[14], x15 = in[15];
        for (int r = 0; r < 4; r++) { /* 4 double rounds = 8 rounds */
            CK_CHACHA_QR(x0, x4, x8, x12);
            CK_CHACHA_QR(x1, x5, x9, x13);
            CK_CHACHA_QR(x2, x6, x10, x14);
            CK_CHACHA_QR(x3, x7, x11, x15);
            CK_CHACHA_QR(x0, x5, x10, x15);
            CK_CHACHA_QR(x1, x6, x11, x12);
            CK_CHACHA_QR(x2, x7, x8, x13);
            CK_CHACHA_QR(x3, x4, x9, x14);
        }
        uint8_t *o = out + 64 * blk;
        ck_store_le32(o + 0, x0 + in[0]);
        ck_store_le32(o + 4, x1 + in[1]);
        ck_store_le32(o + 8, x2 + in[2]);
        ck_store_le32(o + 12, x3 + in[3]);
        ck_store_le32(o + 16, x4 + in[4]);
        ck_store_le32(o + 20, x5 + in[5]);
        ck_store_le32(o + 24, x6 + in[6]);
        ck_store_le32(o + 28, x7 + in[7]);
        ck_store_le32(o + 32, x8 + in[8]);
        ck_store_le32(o + 36, x9 + in[9]);
        ck_store_le32(o + 40, x10 + in[10]);
        ck_store_le32(o + 44, x11 + in[11]);
        ck_store_le32(o + 48, x12 + in[12]);
        ck_store_le32(o + 52, x13 + in[13]);
        ck_store_le32(o + 56, x14 + in[14]);
        ck_store_le32(o + 60, x15 + in[15]);
    }
}

/* ChaCha20, IETF layout (RFC 8439; RustCrypto chacha20): words 12 the 32-bit block
 * counter, 13-15 the 96-bit nonce. */
void ck_chacha20_ietf_blocks(uint8_t *out, const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                             size_t nblocks) {
    uint32_t in[16];
    chacha_setup(in, key);
    for (int i = 0; i < 3; i++) in[13 + i] = ck_load_le32(nonce + 4 * i);
    for (size_t blk = 0; blk < nblocks; blk++, counter++) {
        in[12] = counter;
        uint32_t x[16];
        memcpy(x, in, sizeof x);
        for (int r = 0; r < 10; r++) {
            CK_CHACHA_QR(x[0], x[4], x[8], x[12]);
            CK_CHACHA_QR(x[1], x[5], x[9], x[13]);
            CK_CHACHA_QR(x[2], x[6], x[10], x[14]);
            CK_CHACHA_QR(x[3], x[7], x[11], x[15]);
            CK_CHACHA_QR(x[0], x[5], x[10], x[15]);
            CK_CHACHA_QR(x[1], x[6], x[11], x[12]);
            CK_CHACHA_QR(x[2], x[7], x[8], x[13]);
            CK_CHACHA_QR(x[3], x[4], x[9], x[14]);
        }
        for (int i = 0; i < 16; i++) ck_store_le32(out + 64 * blk + 4 * i, x[i] + in[i]);
    }
}
