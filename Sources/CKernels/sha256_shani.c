/* SHA-256 with the x86 SHA extensions (sha256rnds2, sha256msg1, sha256msg2).
 *
 * One stream is bound by the 4-cycle latency of sha256rnds2 (32 dependent ones per block),
 * so the multi-buffer variants interleave 2 or 4 independent streams round by round in one
 * thread; the SHA unit then overlaps them. Every lane feeds its own output, so the
 * compiler cannot drop lanes. The lane count is a compile-time constant in each instance
 * (always_inline + constant N), and the loops over lanes and rounds are fully unrolled. */
#include "sha256_shani.h"

/* Four rounds (group q) in each lane from precomputed W + K. */
SHANI_INLINE void rounds4(__m128i *abef, __m128i *cdgh, const __m128i *wk, const int N) {
    UNROLL for (int l = 0; l < N; l++) cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], wk[16 * l]);
    UNROLL for (int l = 0; l < N; l++)
        abef[l] = _mm_sha256rnds2_epu32(abef[l], cdgh[l], _mm_shuffle_epi32(wk[16 * l], 0x0E));
}

/* 64 rounds per lane from wk (16 groups per lane, lane l at wk + 16*l); when next is
 * non-NULL, the schedule of the blocks at next[l] is computed into wk_next meanwhile. */
SHANI_INLINE void block_pipelined(__m128i *abef, __m128i *cdgh, const __m128i *wk,
                                  const uint8_t *const *next, __m128i *wk_next, const int N) {
    __m128i save0[4], save1[4], m[4][4];
    UNROLL for (int l = 0; l < N; l++) {
        save0[l] = abef[l];
        save1[l] = cdgh[l];
        if (next) sched_load(m[l], next[l]);
    }
    UNROLL for (int q = 0; q < 16; q++) {
        rounds4(abef, cdgh, wk + q, N);
        if (next) UNROLL for (int l = 0; l < N; l++) sched_step(m[l], wk_next + 16 * l, q);
    }
    UNROLL for (int l = 0; l < N; l++) {
        abef[l] = _mm_add_epi32(abef[l], save0[l]);
        cdgh[l] = _mm_add_epi32(cdgh[l], save1[l]);
    }
}

/* The whole schedule of one block per lane, not overlapped (pipeline start). */
SHANI_INLINE void sched_block(const uint8_t *const *p, __m128i *wk, const int N) {
    UNROLL for (int l = 0; l < N; l++) {
        __m128i m[4];
        sched_load(m, p[l]);
        UNROLL for (int q = 0; q < 16; q++) sched_step(m, wk + 16 * l, q);
    }
}

SHANI_INLINE void compress_n(uint32_t *states, const uint8_t *const *blocks, size_t nblocks,
                             const int N) {
    __m128i abef[4], cdgh[4], wk[2][4 * 16];
    const uint8_t *p[4];
    if (nblocks == 0) return;
    UNROLL for (int l = 0; l < N; l++) {
        load_state(states + 8 * l, &abef[l], &cdgh[l]);
        p[l] = blocks[l];
    }
    sched_block(p, wk[0], N);
    for (size_t b = 0; b < nblocks; b++) {
        UNROLL for (int l = 0; l < N; l++) p[l] += 64;
        const int more = b + 1 < nblocks;
        block_pipelined(abef, cdgh, wk[b & 1], more ? p : NULL, wk[(b + 1) & 1], N);
    }
    UNROLL for (int l = 0; l < N; l++) store_state(states + 8 * l, abef[l], cdgh[l]);
}

/* groups * N parents: out + 32*i = trunc254(SHA256(in + 64*i, 64 bytes)). The second
 * (padding) block is constant, so its rounds use the precomputed ck_sha256_pad64_wk, and
 * the next group's schedule is computed during them. */
SHANI_INLINE void parents_n(uint8_t *out, const uint8_t *in, size_t groups, const int N) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const __m128i bswap = bswap_mask();
    const __m128i trunc = _mm_set_epi32(0x3fffffff, -1, -1, -1);
    __m128i iv0, iv1, wk[4 * 16], pad[4 * 16];
    const uint8_t *p[4];
    if (groups == 0) return;
    load_state(iv, &iv0, &iv1);
    UNROLL for (int q = 0; q < 16; q++) {
        const __m128i c = _mm_loadu_si128((const __m128i *)(ck_sha256_pad64_wk + 4 * q));
        UNROLL for (int l = 0; l < N; l++) pad[16 * l + q] = c;
    }
    UNROLL for (int l = 0; l < N; l++) p[l] = in + 64 * l;
    sched_block(p, wk, N);
    for (size_t g = 0; g < groups; g++) {
        __m128i abef[4], cdgh[4];
        UNROLL for (int l = 0; l < N; l++) {
            abef[l] = iv0;
            cdgh[l] = iv1;
        }
        /* Read the whole group before writing: out may equal in. */
        block_pipelined(abef, cdgh, wk, NULL, NULL, N);
        const int more = g + 1 < groups;
        UNROLL for (int l = 0; l < N; l++) p[l] += 64 * N;
        block_pipelined(abef, cdgh, pad, more ? p : NULL, wk, N);
        UNROLL for (int l = 0; l < N; l++) {
            __m128i a, e;
            unpack_state(abef[l], cdgh[l], &a, &e);
            a = _mm_shuffle_epi8(a, bswap);
            /* trunc254: clear the top two bits of byte 31 (byte 15 of the second half). */
            e = _mm_and_si128(_mm_shuffle_epi8(e, bswap), trunc);
            _mm_storeu_si128((__m128i *)(out + 32 * (N * g + l)), a);
            _mm_storeu_si128((__m128i *)(out + 32 * (N * g + l) + 16), e);
        }
    }
}

SHANI_TARGET void ck_sha256_compress_shani_impl(uint32_t state[8], const uint8_t *blocks,
                                                size_t nblocks) {
    const uint8_t *p[1] = {blocks};
    compress_n(state, p, nblocks, 1);
}

SHANI_TARGET void ck_sha256_compress_lanes_shani_impl(uint32_t *states, const uint8_t *const *blocks,
                                                      size_t lanes, size_t nblocks) {
    switch (lanes) {
    case 4: compress_n(states, blocks, nblocks, 4); break;
    case 2: compress_n(states, blocks, nblocks, 2); break;
    default: compress_n(states, blocks, nblocks, 1); break;
    }
}

SHANI_TARGET int ck_tree_d_parents_shani_impl(uint8_t *out, const uint8_t *in, size_t npairs) {
    size_t g4 = npairs / 4, i = 4 * g4;
    parents_n(out, in, g4, 4);
    if (npairs - i >= 2) {
        parents_n(out + 32 * i, in + 64 * i, 1, 2);
        i += 2;
    }
    if (i < npairs) parents_n(out + 32 * i, in + 64 * i, 1, 1);
    return CK_OK;
}
