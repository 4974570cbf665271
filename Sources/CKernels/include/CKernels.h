/*
 * CKernels: the C kernels of spbench. This is the only public header.
 *
 * Flat ABI: pointers plus explicit lengths or counts, fixed-size buffers, int status.
 * Every accelerated kernel has a portable fallback; the fast path is chosen once at run
 * time from CPUID (see cpu.c). SPBENCH_FORCE_PORTABLE=1 in the environment forces the
 * portable path for the whole process. Both paths are also exported under their own
 * names (`_portable`, `_shani`) so tests can compare them directly.
 */
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes ---------------------------------------------------------------- */
#define CK_OK 0
#define CK_E_ARG (-1)         /* a length or count is out of range */
#define CK_E_UNSUPPORTED (-2) /* the CPU lacks the instructions this entry point needs */

/* ---- CPU features (cpu.c) -------------------------------------------------------- */
#define CK_CPU_SHA (1u << 0)      /* SHA-NI (sha256rnds2/msg1/msg2) with SSE4.1/SSSE3 */
#define CK_CPU_ADX (1u << 1)      /* ADX + BMI2 (mulx, adcx, adox) */
#define CK_CPU_AVX2 (1u << 2)
#define CK_CPU_AVX512F (1u << 3)
#define CK_CPU_AVX512IFMA (1u << 4)

/* Features the CPU has (CPUID, probed once). */
uint32_t ck_cpu_features(void);
/* Features the kernels use: ck_cpu_features() unless SPBENCH_FORCE_PORTABLE=1 (then 0). */
uint32_t ck_cpu_features_used(void);
/* Name of the SHA-256 implementation in use: "sha-ni" or "portable". */
const char *ck_sha256_impl_name(void);

/* ---- SHA-256 (sha256.c, sha256_shani.c) ------------------------------------------ */
/* state: 8 words, initialised with ck_sha256_init. blocks: nblocks * 64 bytes. */
void ck_sha256_init(uint32_t state[8]);
void ck_sha256_compress(uint32_t state[8], const uint8_t *blocks, size_t nblocks);
void ck_sha256_compress_portable(uint32_t state[8], const uint8_t *blocks, size_t nblocks);
/* Returns CK_E_UNSUPPORTED (and does nothing) when the CPU has no SHA-NI. */
int ck_sha256_compress_shani(uint32_t state[8], const uint8_t *blocks, size_t nblocks);

/* Multi-buffer: `lanes` (1, 2 or 4) independent streams interleaved in one thread.
 * states: lanes * 8 words; blocks[i] points at lane i's nblocks * 64 bytes. */
int ck_sha256_compress_lanes(uint32_t *states, const uint8_t *const *blocks, size_t lanes,
                             size_t nblocks);
int ck_sha256_compress_lanes_shani(uint32_t *states, const uint8_t *const *blocks,
                                   size_t lanes, size_t nblocks);

/* Big-endian digest of a finished state. */
void ck_sha256_state_digest(uint8_t out[32], const uint32_t state[8]);
/* Pads and compresses the final (len % 64) bytes of a message of total length
 * total_len whose full blocks were already compressed into state. tail: len % 64 bytes. */
void ck_sha256_finish(uint32_t state[8], const uint8_t *tail, size_t tail_len,
                      uint64_t total_len);

/* One-shot SHA-256 of len bytes. */
void ck_sha256(uint8_t out[32], const uint8_t *msg, size_t len);
void ck_sha256_portable(uint8_t out[32], const uint8_t *msg, size_t len);

/* count independent messages of len bytes each, stored back to back at msgs
 * (message i at msgs + i*len); out gets count * 32 bytes of digests. Uses the
 * 4-way multi-buffer kernel. */
int ck_sha256_many(uint8_t *out, const uint8_t *msgs, size_t len, size_t count);
int ck_sha256_many_portable(uint8_t *out, const uint8_t *msgs, size_t len, size_t count);

/* ---- The SHA-256 binary Merkle tree of Filecoin (tree_d.c) ------------------------ */
/* Parent nodes: out[i] = trunc254(SHA256(in[2i] || in[2i+1])) for i < npairs.
 * in: npairs * 64 bytes; out: npairs * 32 bytes. out may equal in (in place). */
int ck_tree_d_parents(uint8_t *out, const uint8_t *in, size_t npairs);
int ck_tree_d_parents_portable(uint8_t *out, const uint8_t *in, size_t npairs);

/* Root of the tree over nleaves (a power of two >= 1) 32-byte leaves.
 * scratch: nleaves/2 * 32 bytes (may be NULL when nleaves == 1). */
int ck_tree_d_root(uint8_t out[32], const uint8_t *leaves, size_t nleaves, uint8_t *scratch);

/* ---- Fr32 padding (fr32.c) ------------------------------------------------------- */
/* nblocks 127-byte blocks of in -> nblocks 128-byte blocks of out. */
void ck_fr32_pad(uint8_t *out, const uint8_t *in, size_t nblocks);
/* nblocks 128-byte blocks -> nblocks 127-byte blocks. Returns CK_E_ARG if a node has one
 * of its top two bits set (the input is not Fr32-padded); out is then unspecified. */
int ck_fr32_unpad(uint8_t *out, const uint8_t *in, size_t nblocks);

/* CommP of whole 127-byte blocks: nblocks (a power of two) blocks of unpadded bytes are
 * Fr32-padded into scratch and the tree root goes to out.
 * scratch: ck_comm_p_scratch_size(nblocks) bytes. */
size_t ck_comm_p_scratch_size(size_t nblocks);
int ck_comm_p_blocks(uint8_t out[32], const uint8_t *in, size_t nblocks, uint8_t *scratch);

#ifdef __cplusplus
}
#endif
#endif
