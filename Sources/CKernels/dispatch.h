/* Private: the dispatch table and the implementation entry points behind it. */
#ifndef CK_DISPATCH_H
#define CK_DISPATCH_H

#include "CKernels.h"

struct ck_dispatch {
    uint32_t features_used;
    const char *sha_name;
    void (*compress)(uint32_t state[8], const uint8_t *blocks, size_t nblocks);
    void (*compress_lanes)(uint32_t *states, const uint8_t *const *blocks, size_t lanes,
                           size_t nblocks);
    int (*tree_parents)(uint8_t *out, const uint8_t *in, size_t npairs);
    const char *fr_name;
    void (*fr_mul)(ck_fr *out, const ck_fr *a, const ck_fr *b);
    void (*fr_sqr)(ck_fr *out, const ck_fr *a);
    const char *fp_name;
    void (*fp_mul)(ck_fp *out, const ck_fp *a, const ck_fp *b);
    void (*fp_sqr)(ck_fp *out, const ck_fp *a);
    int (*poseidon_permute)(ck_fr *state, const ck_poseidon_params *p);
    int (*poseidon_hash_many)(ck_fr *out, const ck_poseidon_params *p, const ck_fr *tag,
                              const ck_fr *inputs, size_t n);
    int (*poseidon_hash_many_bytes)(uint8_t *out, const ck_poseidon_params *p, const ck_fr *tag,
                                    const uint8_t *in, size_t n, size_t *bad_index);
};

const struct ck_dispatch *ck_dispatch(void);

/* SHA-NI implementations; callable only when the CPU has CK_CPU_SHA. */
void ck_sha256_compress_shani_impl(uint32_t state[8], const uint8_t *blocks, size_t nblocks);
void ck_sha256_compress_lanes_shani_impl(uint32_t *states, const uint8_t *const *blocks,
                                         size_t lanes, size_t nblocks);
int ck_tree_d_parents_shani_impl(uint8_t *out, const uint8_t *in, size_t npairs);
void ck_sha256_compress_lanes_portable_impl(uint32_t *states, const uint8_t *const *blocks,
                                            size_t lanes, size_t nblocks);

/* mulx/adx implementations; callable only when the CPU has CK_CPU_ADX. */
void ck_fr_mul_adx_impl(ck_fr *out, const ck_fr *a, const ck_fr *b);
void ck_fr_sqr_adx_impl(ck_fr *out, const ck_fr *a);
void ck_fp_mul_adx_impl(ck_fp *out, const ck_fp *a, const ck_fp *b);
void ck_fp_sqr_adx_impl(ck_fp *out, const ck_fp *a);
void ck_fp2_mul_adx_impl(ck_fp2 *out, const ck_fp2 *a, const ck_fp2 *b);
void ck_fp2_sqr_adx_impl(ck_fp2 *out, const ck_fp2 *a);
void ck_fp2_mul_chain_adx_impl(ck_fp2 *x, const ck_fp2 *y, uint64_t n);
/* The MSMs and fixed-base setups with the mulx/adx product inlined (msm_g1_adx.c,
 * msm_g2_adx.c), the same contracts as ck_g1_msm / ck_g1_fixed_base_many. */
int ck_g1_msm_adx_impl(ck_g1 *out, const ck_g1 *points, const uint8_t *scalars, size_t n, uint32_t threads);
/* The G1 and G2 MSMs with their batch additions on AVX-512 IFMA (msm_g1_ifma.c,
 * msm_g2_ifma.c): callable only when the CPU has CK_CPU_ADX and CK_CPU_AVX512IFMA. */
int ck_g1_msm_ifma_impl(ck_g1 *out, const ck_g1 *points, const uint8_t *scalars, size_t n, uint32_t threads);
int ck_g2_msm_adx_impl(ck_g2 *out, const ck_g2 *points, const uint8_t *scalars, size_t n, uint32_t threads);
int ck_g2_msm_ifma_impl(ck_g2 *out, const ck_g2 *points, const uint8_t *scalars, size_t n, uint32_t threads);
int ck_g1_fixed_base_many_adx_impl(ck_g1 *out, const ck_g1 *base, const uint8_t *scalars, size_t n);
int ck_g2_fixed_base_many_adx_impl(ck_g2 *out, const ck_g2 *base, const uint8_t *scalars, size_t n);
/* The Fp12 tower, Miller loop and final exponentiation with the mulx/adx Fp2 products
 * inlined (pairing_adx.c), the same contracts as the ck_fp12_* / ck_*miller_loop /
 * ck_final_exp functions that call them. */
void ck_fp12_mul_adx_impl(ck_fp12 *out, const ck_fp12 *a, const ck_fp12 *b);
void ck_fp12_sqr_adx_impl(ck_fp12 *out, const ck_fp12 *a);
int ck_fp12_inv_adx_impl(ck_fp12 *out, const ck_fp12 *a);
void ck_fp12_frobenius_adx_impl(ck_fp12 *out, const ck_fp12 *a, unsigned power);
void ck_multi_miller_loop_adx_impl(ck_fp12 *out, const ck_g1 *ps, const ck_g2 *qs, size_t n);
void ck_final_exp_adx_impl(ck_fp12 *out, const ck_fp12 *f);
int ck_poseidon_permute_adx_impl(ck_fr *state, const ck_poseidon_params *p);
int ck_poseidon_hash_many_adx_impl(ck_fr *out, const ck_poseidon_params *p, const ck_fr *tag,
                                   const ck_fr *inputs, size_t n);
int ck_poseidon_hash_many_bytes_adx_impl(uint8_t *out, const ck_poseidon_params *p,
                                         const ck_fr *tag, const uint8_t *in, size_t n,
                                         size_t *bad_index);

/* Argument checks shared by the labeling kernels (sdr_label.c): CK_OK or CK_E_ARG. */
int ck_sdr_label_check_args(uint8_t *const *cur, const uint8_t *const *prev, const uint32_t *parents,
                            uint64_t nodes, const uint8_t *const *replica_ids, uint32_t layer, size_t lanes);

/* The 64 round constants of SHA-256 (sha256.c). */
extern const uint32_t ck_sha256_k[64];
/* W[t] + K[t] of the constant padding block of a 64-byte message (sha256.c). */
extern const uint32_t ck_sha256_pad64_wk[64];

#endif
