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
#define CK_E_NONCANONICAL (-3) /* a 32-byte field encoding whose value is >= the modulus */
#define CK_E_NOT_INVERTIBLE (-4) /* inverse of zero */
#define CK_E_NOT_SQUARE (-5) /* square root of a non-square */

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

/* ---- BLS12-381 scalar field Fr (fr.c, fr_adx.c) ---------------------------------- */
/* r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001.
 * A ck_fr holds 4 little-endian 64-bit limbs in Montgomery form (x*2^256 mod r), fully
 * reduced. Montgomery form never leaves the library: bytes are 32-byte little-endian
 * canonical encodings, and decoding rejects values >= r (CK_E_NONCANONICAL). */
typedef struct {
    uint64_t l[4];
} ck_fr;

/* Name of the Fr multiplication in use: "mulx-adx" or "portable". */
const char *ck_fr_impl_name(void);

int ck_fr_from_bytes(ck_fr *out, const uint8_t in[32]);
void ck_fr_to_bytes(uint8_t out[32], const ck_fr *a);
/* Plain (non-Montgomery) little-endian limbs. from_limbs rejects values >= r. */
int ck_fr_from_limbs(ck_fr *out, const uint64_t v[4]);
void ck_fr_to_limbs(uint64_t out[4], const ck_fr *a);
void ck_fr_from_u64(ck_fr *out, uint64_t v);
/* n encodings of 32 bytes; on a non-canonical one returns CK_E_NONCANONICAL and stores
 * its position in *bad_index (when not NULL). */
int ck_fr_from_bytes_many(ck_fr *out, const uint8_t *in, size_t n, size_t *bad_index);
void ck_fr_to_bytes_many(uint8_t *out, const ck_fr *in, size_t n);

void ck_fr_set_one(ck_fr *out);
int ck_fr_is_zero(const ck_fr *a);
int ck_fr_equal(const ck_fr *a, const ck_fr *b);
/* Outputs may alias inputs. */
void ck_fr_add(ck_fr *out, const ck_fr *a, const ck_fr *b);
void ck_fr_sub(ck_fr *out, const ck_fr *a, const ck_fr *b);
void ck_fr_neg(ck_fr *out, const ck_fr *a);
void ck_fr_mul(ck_fr *out, const ck_fr *a, const ck_fr *b);
void ck_fr_sqr(ck_fr *out, const ck_fr *a);
void ck_fr_mul_portable(ck_fr *out, const ck_fr *a, const ck_fr *b);
void ck_fr_sqr_portable(ck_fr *out, const ck_fr *a);
/* CK_E_UNSUPPORTED without ADX/BMI2. */
int ck_fr_mul_adx(ck_fr *out, const ck_fr *a, const ck_fr *b);
int ck_fr_sqr_adx(ck_fr *out, const ck_fr *a);
/* out = a^e, e a 256-bit little-endian unsigned integer (0^0 = 1). */
void ck_fr_pow(ck_fr *out, const ck_fr *a, const uint8_t exp_le[32]);
/* CK_E_NOT_INVERTIBLE for 0. */
int ck_fr_inv(ck_fr *out, const ck_fr *a);
/* n inverses with one inversion (Montgomery's trick); scratch: n elements. out may equal
 * in. CK_E_NOT_INVERTIBLE (out untouched) when any input is 0. */
int ck_fr_batch_inv(ck_fr *out, const ck_fr *in, size_t n, ck_fr *scratch);

/* Element-wise on canonical 32-byte encodings (no Montgomery form involved): out = a + b
 * or a - b mod r, n elements; out may equal a or b. A non-canonical input stops the call
 * with CK_E_NONCANONICAL and its index in *bad_index (the encoding and unsealing of
 * sealing: replica = key + data, data = replica - key). */
int ck_fr_add_bytes_many(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t n, size_t *bad_index);
int ck_fr_sub_bytes_many(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t n, size_t *bad_index);

/* Benchmarks: n dependent steps x <- x*y (x <- x^2) with the multiplication inlined. */
void ck_fr_mul_chain_portable(ck_fr *x, const ck_fr *y, uint64_t n);
void ck_fr_sqr_chain_portable(ck_fr *x, uint64_t n);
int ck_fr_mul_chain_adx(ck_fr *x, const ck_fr *y, uint64_t n);
int ck_fr_sqr_chain_adx(ck_fr *x, uint64_t n);

/* ---- GMP peers (gmp_peer.c): the independent oracle and the benchmark baselines ---- */
/* One operation mod r through GMP mpz on plain 32-byte little-endian integers (inputs
 * need not be reduced): op 0 add, 1 sub, 2 mul, 3 square, 4 neg, 5 inverse (returns
 * CK_E_NOT_INVERTIBLE for 0), 6 pow (b = exponent). */
int ck_gmp_fr_op(uint8_t out[32], int op, const uint8_t a[32], const uint8_t b[32]);
/* n dependent steps x <- x*y mod r: mpz_mul + mpz_mod; and Montgomery x <- x*y*2^-256
 * with mpn_mul_n and a word-by-word mpn_addmul_1 reduction. x, y: 4 plain limbs < r. */
void ck_gmp_mulmod_chain(uint64_t x[4], const uint64_t y[4], uint64_t n);
void ck_gmp_mont_chain(uint64_t x[4], const uint64_t y[4], uint64_t n);
/* The same Montgomery reduction after mpn_sqr: x <- x^2 * 2^-256. */
void ck_gmp_mont_sqr_chain(uint64_t x[4], uint64_t n);
const char *ck_gmp_version(void);

/* ---- Poseidon (poseidon.c, poseidon_adx.c) ------------------------------------------ */
#define CK_POSEIDON_MAX_WIDTH 65

/* One instance of neptune's Poseidon: width t = arity + 1, R_F full and R_P partial
 * rounds. `optimized` is the table of poseidon.md §8.3 in Supranational's layout, every
 * element a ck_fr: C' (t*R_F + R_P), M (t*t, row-major), P (t*t, row-major), then for
 * each partial round w_hat (t) and v_rest (t-1): ck_poseidon_optimized_count elements.
 * `round_constants` (t*(R_F+R_P), round-major) is read only by the reference form and may
 * be NULL otherwise. `arity`: inputs per hash (1..t-1); the state is [tag, inputs, 0...]. */
typedef struct {
    uint32_t width, full_rounds, partial_rounds, arity;
    const ck_fr *optimized;
    const ck_fr *round_constants;
} ck_poseidon_params;

size_t ck_poseidon_optimized_count(uint32_t width, uint32_t full_rounds, uint32_t partial_rounds);
int ck_poseidon_params_check(const ck_poseidon_params *p);

/* Permutes state (width elements) in place with the optimized form. */
int ck_poseidon_permute(ck_fr *state, const ck_poseidon_params *p);
int ck_poseidon_permute_portable(ck_fr *state, const ck_poseidon_params *p);
int ck_poseidon_permute_adx(ck_fr *state, const ck_poseidon_params *p);
/* The plain form of poseidon.md §7 (a test oracle; portable multiplication). */
int ck_poseidon_permute_reference(ck_fr *state, const ck_poseidon_params *p);

/* n independent hashes: out[h] = state[1] after permuting [tag, inputs[h*arity ..], 0..]. */
int ck_poseidon_hash_many(ck_fr *out, const ck_poseidon_params *p, const ck_fr *tag,
                          const ck_fr *inputs, size_t n);
int ck_poseidon_hash_many_portable(ck_fr *out, const ck_poseidon_params *p, const ck_fr *tag,
                                   const ck_fr *inputs, size_t n);
int ck_poseidon_hash_many_adx(ck_fr *out, const ck_poseidon_params *p, const ck_fr *tag,
                              const ck_fr *inputs, size_t n);
/* The same over 32-byte canonical encodings: in n*arity*32 bytes, out n*32 bytes (out may
 * equal in). A non-canonical input stops the call with CK_E_NONCANONICAL and its element
 * index in *bad_index. This is the row kernel of the Poseidon Merkle trees. */
int ck_poseidon_hash_many_bytes(uint8_t *out, const ck_poseidon_params *p, const ck_fr *tag,
                                const uint8_t *in, size_t n, size_t *bad_index);
int ck_poseidon_hash_many_bytes_portable(uint8_t *out, const ck_poseidon_params *p,
                                         const ck_fr *tag, const uint8_t *in, size_t n,
                                         size_t *bad_index);
int ck_poseidon_hash_many_bytes_adx(uint8_t *out, const ck_poseidon_params *p, const ck_fr *tag,
                                    const uint8_t *in, size_t n, size_t *bad_index);

/* ---- The SDR graph (sdr_graph.c, blake2b.c, chacha8.c) ------------------------------ */
/* porep-post.md §5. Everything here depends only on porep_id, the node count N and the api
 * version; node indices are u32 (N <= 2^31). */
typedef struct {
    uint64_t nodes;            /* N */
    uint8_t drg_seed[28];      /* SHA256("Filecoin_DRSample" || porep_id)[0..28] */
    uint64_t feistel_keys[4];  /* LE64 words of SHA256("Filecoin_Feistel" || porep_id) */
    uint32_t feistel_half_bits;
    uint32_t legacy;           /* 1 for api 1.0.0 (proof ids 0-4), else 0 */
} ck_sdr_graph;

/* CK_E_ARG when nodes < 2 or nodes > 2^31. legacy: 1 for api 1.0.0. */
int ck_sdr_graph_init(ck_sdr_graph *g, const uint8_t porep_id[32], uint64_t nodes, int legacy);
/* The 6 DRG parents of v in the api version's order (§5.2). */
void ck_sdr_drg_parents(uint32_t out[6], const ck_sdr_graph *g, uint64_t v);
/* The 8 expander parents of v (§5.3). */
void ck_sdr_expander_parents(uint32_t out[8], const ck_sdr_graph *g, uint64_t v);
/* The parent cache rows of nodes [first, first + count): 14 u32 per node (6 DRG then 8
 * expander), what the cache file holds in little-endian order. */
int ck_sdr_parents_fill(uint32_t *out, const ck_sdr_graph *g, uint64_t first, uint64_t count);
/* Unkeyed BLAKE2b with a 64-byte digest. */
void ck_blake2b512(uint8_t out[64], const uint8_t *in, size_t len);
/* ChaCha8 keystream (rand_chacha ChaCha8Rng): nblocks 64-byte blocks from block counter
 * `counter`, stream id 0. */
void ck_chacha8_blocks(uint8_t *out, const uint8_t key[32], uint64_t counter, size_t nblocks);
/* Keyed BLAKE2b, digest length outlen (1..64) in the parameter block, key 0..64 bytes
 * (synthetic PoRep challenges, porep-post.md §8.3). CK_E_ARG on bad lengths. */
int ck_blake2b(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen, const uint8_t *in, size_t len);
/* ChaCha20 IETF (RFC 8439): 32-bit block counter, 96-bit nonce; nblocks 64-byte blocks. */
void ck_chacha20_ietf_blocks(uint8_t *out, const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                             size_t nblocks);

/* ---- SDR labeling (sdr_label.c, sdr_label_shani.c) ---------------------------------- */
/* porep-post.md §6.1. Labels one layer of `lanes` sectors (1, 2 or 4) that share the graph:
 * cur[i]: N*32 bytes of output for sector i; prev[i]: its previous layer (NULL for layer
 * 1); parents: the parent cache (N*14 u32); replica_ids[i]: 32 bytes; layer: 1-based.
 * Labels within a layer are sequential; the lanes are interleaved in one thread with the
 * multi-buffer SHA-256 kernel (SHA-NI) or run one after another (portable). */
int ck_sdr_label_layer(uint8_t *const *cur, const uint8_t *const *prev, const uint32_t *parents,
                       uint64_t nodes, const uint8_t *const *replica_ids, uint32_t layer, size_t lanes);
int ck_sdr_label_layer_portable(uint8_t *const *cur, const uint8_t *const *prev,
                                const uint32_t *parents, uint64_t nodes,
                                const uint8_t *const *replica_ids, uint32_t layer, size_t lanes);
/* CK_E_UNSUPPORTED without SHA-NI. */
int ck_sdr_label_layer_shani(uint8_t *const *cur, const uint8_t *const *prev,
                             const uint32_t *parents, uint64_t nodes,
                             const uint8_t *const *replica_ids, uint32_t layer, size_t lanes);

/* ---- BLS12-381 base field Fp and the towers Fp2/Fp6/Fp12 (fp*.c) ----------------- */
/* (declarations of the Fp work go between these two markers) */
/* p = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab.
 * A ck_fp holds 6 little-endian 64-bit limbs in Montgomery form (x*2^384 mod p), fully
 * reduced. Bytes are the 48-byte big-endian canonical encoding of point encodings
 * (blst_bendian_from_fp); decoding rejects values >= p (CK_E_NONCANONICAL).
 * Fp2 = Fp[u]/(u^2+1), c0 + c1*u. Outputs may alias inputs everywhere. */
typedef struct {
    uint64_t l[6];
} ck_fp;
typedef struct {
    ck_fp c0, c1;
} ck_fp2;

/* Name of the Fp multiplication in use: "mulx-adx" or "portable". */
const char *ck_fp_impl_name(void);

int ck_fp_from_bytes_be(ck_fp *out, const uint8_t in[48]);
void ck_fp_to_bytes_be(uint8_t out[48], const ck_fp *a);
/* Plain (non-Montgomery) little-endian limbs. from_limbs rejects values >= p. */
int ck_fp_from_limbs(ck_fp *out, const uint64_t v[6]);
void ck_fp_to_limbs(uint64_t out[6], const ck_fp *a);
void ck_fp_from_u64(ck_fp *out, uint64_t v);

void ck_fp_set_zero(ck_fp *out);
void ck_fp_set_one(ck_fp *out);
int ck_fp_is_zero(const ck_fp *a);
int ck_fp_equal(const ck_fp *a, const ck_fp *b);
void ck_fp_add(ck_fp *out, const ck_fp *a, const ck_fp *b);
void ck_fp_sub(ck_fp *out, const ck_fp *a, const ck_fp *b);
void ck_fp_neg(ck_fp *out, const ck_fp *a);
void ck_fp_dbl(ck_fp *out, const ck_fp *a);
void ck_fp_mul(ck_fp *out, const ck_fp *a, const ck_fp *b);
void ck_fp_sqr(ck_fp *out, const ck_fp *a);
void ck_fp_mul_portable(ck_fp *out, const ck_fp *a, const ck_fp *b);
void ck_fp_sqr_portable(ck_fp *out, const ck_fp *a);
/* CK_E_UNSUPPORTED without ADX/BMI2. */
int ck_fp_mul_adx(ck_fp *out, const ck_fp *a, const ck_fp *b);
int ck_fp_sqr_adx(ck_fp *out, const ck_fp *a);
/* out = a^e, e a 384-bit big-endian unsigned integer (0^0 = 1). */
void ck_fp_pow(ck_fp *out, const ck_fp *a, const uint8_t exp_be[48]);
/* CK_E_NOT_INVERTIBLE for 0. */
int ck_fp_inv(ck_fp *out, const ck_fp *a);
/* n inverses with one inversion; scratch: n elements. CK_E_NOT_INVERTIBLE (out untouched)
 * when any input is 0. */
int ck_fp_batch_inv(ck_fp *out, const ck_fp *in, size_t n, ck_fp *scratch);
/* out = a^((p+1)/4) when a is a square (p = 3 mod 4); CK_E_NOT_SQUARE (out untouched)
 * otherwise. */
int ck_fp_sqrt(ck_fp *out, const ck_fp *a);
/* 1 when the value of a is > (p-1)/2 (the ZCash sort bit), else 0. */
int ck_fp_is_lexicographically_largest(const ck_fp *a);

void ck_fp2_set_zero(ck_fp2 *out);
void ck_fp2_set_one(ck_fp2 *out);
int ck_fp2_is_zero(const ck_fp2 *a);
int ck_fp2_equal(const ck_fp2 *a, const ck_fp2 *b);
void ck_fp2_add(ck_fp2 *out, const ck_fp2 *a, const ck_fp2 *b);
void ck_fp2_sub(ck_fp2 *out, const ck_fp2 *a, const ck_fp2 *b);
void ck_fp2_neg(ck_fp2 *out, const ck_fp2 *a);
void ck_fp2_dbl(ck_fp2 *out, const ck_fp2 *a);
void ck_fp2_mul(ck_fp2 *out, const ck_fp2 *a, const ck_fp2 *b);
void ck_fp2_sqr(ck_fp2 *out, const ck_fp2 *a);
void ck_fp2_conj(ck_fp2 *out, const ck_fp2 *a);
/* out = a * (u + 1), the non-residue of Fp6 = Fp2[v]/(v^3 - (u+1)). */
void ck_fp2_mul_by_nonresidue(ck_fp2 *out, const ck_fp2 *a);
void ck_fp2_mul_by_fp(ck_fp2 *out, const ck_fp2 *a, const ck_fp *b);
/* CK_E_NOT_INVERTIBLE for 0. */
int ck_fp2_inv(ck_fp2 *out, const ck_fp2 *a);
/* A square root (not normalized), or CK_E_NOT_SQUARE (out untouched). */
int ck_fp2_sqrt(ck_fp2 *out, const ck_fp2 *a);
/* a^p, which is the conjugate. */
void ck_fp2_frobenius(ck_fp2 *out, const ck_fp2 *a);

/* Benchmarks: n dependent steps x <- x*y with the multiplication inlined. */
void ck_fp_mul_chain_portable(ck_fp *x, const ck_fp *y, uint64_t n);
int ck_fp_mul_chain_adx(ck_fp *x, const ck_fp *y, uint64_t n);
/* n dependent x <- x^2 (dispatched) and x <- x*y in Fp2 (dispatched). */
void ck_fp_sqr_chain(ck_fp *x, uint64_t n);
void ck_fp2_mul_chain(ck_fp2 *x, const ck_fp2 *y, uint64_t n);

/* GMP peers (gmp_peer.c). One operation mod p through mpz on plain 48-byte big-endian
 * integers (inputs need not be reduced): op 0 add, 1 sub, 2 mul, 3 square, 4 neg,
 * 5 inverse (CK_E_NOT_INVERTIBLE for 0), 6 pow (b = exponent), 7 square test (out = 1
 * when a mod p is 0 or a square, else 0). */
int ck_gmp_fp_op(uint8_t out[48], int op, const uint8_t a[48], const uint8_t b[48]);
/* n dependent Montgomery steps x <- x*y*2^-384 mod p with mpn_mul_n and a word-by-word
 * mpn_addmul_1 reduction. x, y: 6 plain limbs < p. */
void ck_gmp_fp_mont_chain(uint64_t x[6], const uint64_t y[6], uint64_t n);
/* ---- end of Fp ------------------------------------------------------------------- */

/* ---- NTT over Fr (ntt.c) ---------------------------------------------------------- */
/* Radix-2 NTT of n = 2^log_n elements in place, natural order in and out (the input is
 * bit-reversed, then iterative decimation-in-time butterflies, as bellperson's
 * EvaluationDomain via ec-gpu's serial_fft): out_k = sum_j a_j omega^(j k). omega should
 * be a primitive n-th root of unity (ck_fr_ntt_domain). Runs on `threads` POSIX threads
 * (0 or 1: the calling thread only; transforms below 2^11 always run on one thread).
 * The twiddle tables (n - 1 elements) are built per call; CK_E_NTT_NO_MEMORY when they
 * cannot be allocated, CK_E_ARG for log_n > CK_NTT_MAX_LOG or NULL pointers. */
#define CK_NTT_MAX_LOG 32u
#define CK_E_NTT_NO_MEMORY (-20)
int ck_fr_ntt(ck_fr *a, uint32_t log_n, const ck_fr *omega, uint32_t threads);
int ck_fr_ntt_portable(ck_fr *a, uint32_t log_n, const ck_fr *omega, uint32_t threads);
/* CK_E_UNSUPPORTED without ADX/BMI2. */
int ck_fr_ntt_adx(ck_fr *a, uint32_t log_n, const ck_fr *omega, uint32_t threads);
/* Caller-kept twiddle tables, n - 1 elements: for each stage s < log_n, the 2^s powers
 * omega^(j n / 2^(s+1)), j < 2^s, at offset 2^s - 1 (the last 2^(log_n-1) are omega^j). */
int ck_fr_ntt_twiddles(ck_fr *twiddles, uint32_t log_n, const ck_fr *omega);
int ck_fr_ntt_with_twiddles(ck_fr *a, uint32_t log_n, const ck_fr *twiddles, uint32_t threads);
/* The bellperson domain of size 2^log_n: omega = ROOT_OF_UNITY^(2^(32 - log_n)) with
 * ROOT_OF_UNITY = 7^((r-1)/2^32), its inverse, and n^-1. Any output may be NULL.
 * CK_E_ARG for log_n > 32. */
int ck_fr_ntt_domain(ck_fr *omega_out, ck_fr *omega_inv_out, ck_fr *n_inv_out, uint32_t log_n);
/* a_j *= g^j for j < n (bellperson distribute_powers). */
void ck_fr_distribute_powers(ck_fr *a, size_t n, const ck_fr *g, uint32_t threads);
/* a_j *= c * g^j. */
void ck_fr_distribute_powers_scaled(ck_fr *a, size_t n, const ck_fr *c, const ck_fr *g, uint32_t threads);
/* a_j *= c. */
void ck_fr_scale(ck_fr *a, size_t n, const ck_fr *c, uint32_t threads);
/* ---- end of NTT ------------------------------------------------------------------ */

/* ---- BLS12-381 G1 and G2 (g1.c, g2.c over curve_core.h) --------------------------- */
/* G1: y^2 = x^3 + 4 over Fp; G2: y^2 = x^3 + 4(u+1) over Fp2. Points are affine with an
 * infinity flag (coordinates in Montgomery form, x = y = 0 at infinity). Encodings are
 * ZCash's (bls12-381.md): G1 48 bytes compressed / 96 uncompressed, G2 96 / 192 with each
 * Fp2 coordinate written c1 first. Decoding checks flags, canonical coordinates, the curve
 * and the prime-order subgroup. Scalars are 32-byte little-endian integers, not reduced. */
#define CK_E_ENCODING (-6)        /* bad flag bits or an infinity encoding with other bits set */
#define CK_E_NOT_ON_CURVE (-7)
#define CK_E_NOT_IN_SUBGROUP (-8)
typedef struct {
    ck_fp x, y;
    uint64_t inf;
} ck_g1;
typedef struct {
    ck_fp2 x, y;
    uint64_t inf;
} ck_g2;
void ck_g1_generator(ck_g1 *out);
void ck_g2_generator(ck_g2 *out);
/* len: 48 (compressed) or 96 for G1; 96 or 192 for G2. */
int ck_g1_decode(ck_g1 *out, const uint8_t *in, size_t len);
int ck_g2_decode(ck_g2 *out, const uint8_t *in, size_t len);
void ck_g1_encode(uint8_t *out, const ck_g1 *a, int compressed);
void ck_g2_encode(uint8_t *out, const ck_g2 *a, int compressed);
void ck_g1_add(ck_g1 *out, const ck_g1 *a, const ck_g1 *b);
void ck_g2_add(ck_g2 *out, const ck_g2 *a, const ck_g2 *b);
void ck_g1_dbl(ck_g1 *out, const ck_g1 *a);
void ck_g2_dbl(ck_g2 *out, const ck_g2 *a);
void ck_g1_neg(ck_g1 *out, const ck_g1 *a);
void ck_g2_neg(ck_g2 *out, const ck_g2 *a);
/* k·a, variable time (public scalars). */
void ck_g1_mul(ck_g1 *out, const ck_g1 *a, const uint8_t k_le[32]);
void ck_g2_mul(ck_g2 *out, const ck_g2 *a, const uint8_t k_le[32]);
/* k·a with the same operations for every k (secret scalars). */
void ck_g1_mul_ct(ck_g1 *out, const ck_g1 *a, const uint8_t k_le[32]);
void ck_g2_mul_ct(ck_g2 *out, const ck_g2 *a, const uint8_t k_le[32]);
int ck_g1_is_on_curve(const ck_g1 *a);
int ck_g2_is_on_curve(const ck_g2 *a);
int ck_g1_in_subgroup(const ck_g1 *a);
int ck_g2_in_subgroup(const ck_g2 *a);
/* r·a == O, the definition the checks above use a faster endomorphism test for (G1:
 * phi(P) + x^2·P == O; G2: psi(P) == x·P); a test oracle. */
int ck_g1_in_subgroup_by_order(const ck_g1 *a);
int ck_g2_in_subgroup_by_order(const ck_g2 *a);
/* The untwist-Frobenius-twist endomorphism of the G2 curve:
 * psi(x, y) = (conj(x)/(u+1)^((p-1)/3), conj(y)/(u+1)^((p-1)/2)). */
void ck_g2_psi(ck_g2 *out, const ck_g2 *a);
int ck_g1_equal(const ck_g1 *a, const ck_g1 *b);
int ck_g2_equal(const ck_g2 *a, const ck_g2 *b);
/* Σ k_i·P_i (Pippenger, signed digits, windows split over `threads` threads); scalars:
 * n × 32-byte LE. CK_E_ARG when memory runs out. The points must be in the prime-order
 * subgroup, as decoded points are (up to 8 G1 terms use its endomorphism). */
int ck_g1_msm(ck_g1 *out, const ck_g1 *points, const uint8_t *scalars, size_t n, uint32_t threads);
int ck_g2_msm(ck_g2 *out, const ck_g2 *points, const uint8_t *scalars, size_t n, uint32_t threads);
/* The MSMs forced onto one path, for tests that compare them: without IFMA (mulx/adx or
 * portable), and with the batch additions on AVX-512 IFMA (CK_E_UNSUPPORTED when the CPU
 * lacks ADX or AVX-512 IFMA). ck_g1_msm / ck_g2_msm take the IFMA one when they can. */
int ck_g1_msm_scalar(ck_g1 *out, const ck_g1 *points, const uint8_t *scalars, size_t n, uint32_t threads);
int ck_g1_msm_ifma(ck_g1 *out, const ck_g1 *points, const uint8_t *scalars, size_t n, uint32_t threads);
int ck_g2_msm_scalar(ck_g2 *out, const ck_g2 *points, const uint8_t *scalars, size_t n, uint32_t threads);
int ck_g2_msm_ifma(ck_g2 *out, const ck_g2 *points, const uint8_t *scalars, size_t n, uint32_t threads);
/* The naive sum of scalar multiples (test oracle). */
void ck_g1_msm_naive(ck_g1 *out, const ck_g1 *points, const uint8_t *scalars, size_t n);
void ck_g2_msm_naive(ck_g2 *out, const ck_g2 *points, const uint8_t *scalars, size_t n);
/* out_i = k_i·base for n scalars (32-byte LE) with a precomputed table (setups). */
int ck_g1_fixed_base_many(ck_g1 *out, const ck_g1 *base, const uint8_t *scalars, size_t n);
int ck_g2_fixed_base_many(ck_g2 *out, const ck_g2 *base, const uint8_t *scalars, size_t n);
/* ---- end of G1/G2 --------------------------------------------------------------- */

/* ---- BLS12-381 Fp12 and the optimal ate pairing (fp12.c, pairing.c) --------------- */
/* Fp6 = Fp2[v]/(v^3 - (u+1)), Fp12 = Fp6[w]/(w^2 - v) (blst's tower); c0 + c1 v + c2 v^2
 * and c0 + c1 w. Outputs may alias inputs. GT bytes are blst_bendian_from_fp12's 576:
 * ascending powers of w (c0.c0, c1.c0, c0.c1, c1.c1, c0.c2, c1.c2), each Fp2 as real
 * then u part, each Fp 48-byte big-endian canonical. */
typedef struct {
    ck_fp2 c0, c1, c2;
} ck_fp6;
typedef struct {
    ck_fp6 c0, c1;
} ck_fp12;
void ck_fp12_set_one(ck_fp12 *out);
int ck_fp12_is_one(const ck_fp12 *a);
int ck_fp12_is_zero(const ck_fp12 *a);
int ck_fp12_equal(const ck_fp12 *a, const ck_fp12 *b);
void ck_fp12_mul(ck_fp12 *out, const ck_fp12 *a, const ck_fp12 *b);
void ck_fp12_sqr(ck_fp12 *out, const ck_fp12 *a);
/* CK_E_NOT_INVERTIBLE for 0. */
int ck_fp12_inv(ck_fp12 *out, const ck_fp12 *a);
/* c0 + c1 w -> c0 - c1 w (a^(p^6); the inverse in the cyclotomic subgroup). */
void ck_fp12_conj(ck_fp12 *out, const ck_fp12 *a);
/* a^(p^power). */
void ck_fp12_frobenius(ck_fp12 *out, const ck_fp12 *a, unsigned power);
/* a^e, e a big-endian unsigned integer of len bytes (variable time). */
void ck_fp12_pow(ck_fp12 *out, const ck_fp12 *a, const uint8_t *exp_be, size_t len);
void ck_fp12_to_bytes(uint8_t out[576], const ck_fp12 *a);
/* CK_E_NONCANONICAL when an Fp value is >= p (no subgroup check). */
int ck_fp12_from_bytes(ck_fp12 *out, const uint8_t in[576]);

/* e(P, Q) exactly as blst: f = Miller function f_{|x|, psi(Q)}(P), |x| = 0xd201000000010000,
 * then conj (x < 0); ck_final_exp raises to 3 (p^12 - 1)/r (blst_final_exp's power).
 * ck_miller_loop includes the conjugation; infinity inputs give 1. */
void ck_miller_loop(ck_fp12 *out, const ck_g1 *p, const ck_g2 *q);
/* Product of the n Miller loops (one shared squaring chain). */
void ck_multi_miller_loop(ck_fp12 *out, const ck_g1 *ps, const ck_g2 *qs, size_t n);
void ck_final_exp(ck_fp12 *out, const ck_fp12 *f);
void ck_pairing(ck_fp12 *out, const ck_g1 *p, const ck_g2 *q);
/* prod e(ps[i], qs[i]) with one final exponentiation; n = 0 gives 1. */
void ck_multi_pairing(ck_fp12 *out, const ck_g1 *ps, const ck_g2 *qs, size_t n);
/* 1 when prod e(ps[i], qs[i]) == 1, else 0. */
int ck_pairing_check(const ck_g1 *ps, const ck_g2 *qs, size_t n);
/* ---- end of pairing -------------------------------------------------------------- */

#ifdef __cplusplus
}
#endif
#endif
