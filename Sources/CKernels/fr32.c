/* Fr32 padding: every 254 bits of data (LSB-first within bytes) get two zero bits, so a
 * 127-byte block becomes four 32-byte nodes, each a canonical BLS12-381 scalar. */
#include "CKernels.h"

#include <string.h>

#define MASK62 0x3fffffffffffffffULL

/* Bits [pos, pos+64) of the little-endian bit string w (w has a zero word past the end). */
static inline uint64_t bits_at(const uint64_t *w, unsigned pos) {
    unsigned i = pos / 64, s = pos % 64;
    return s ? (w[i] >> s) | (w[i + 1] << (64 - s)) : w[i];
}

void ck_fr32_pad(uint8_t *out, const uint8_t *in, size_t nblocks) {
    for (size_t b = 0; b < nblocks; b++) {
        uint64_t w[17];
        w[15] = 0; w[16] = 0;
        memcpy(w, in + 127 * b, 127);
        uint64_t o[16];
        for (unsigned k = 0; k < 4; k++) {
            for (unsigned j = 0; j < 4; j++) o[4 * k + j] = bits_at(w, 254 * k + 64 * j);
            o[4 * k + 3] &= MASK62;
        }
        memcpy(out + 128 * b, o, 128);
    }
}

int ck_fr32_unpad(uint8_t *out, const uint8_t *in, size_t nblocks) {
    int bad = 0;
    for (size_t b = 0; b < nblocks; b++) {
        uint64_t n[16], o[17];
        memcpy(n, in + 128 * b, 128);
        memset(o, 0, sizeof o);
        for (unsigned k = 0; k < 4; k++) {
            bad |= (n[4 * k + 3] & ~MASK62) != 0;
            for (unsigned j = 0; j < 4; j++) {
                unsigned pos = 254 * k + 64 * j, i = pos / 64, s = pos % 64;
                uint64_t v = n[4 * k + j];
                o[i] |= v << s;
                if (s) o[i + 1] |= v >> (64 - s);
            }
        }
        memcpy(out + 127 * b, o, 127);
    }
    return bad ? CK_E_ARG : CK_OK;
}
