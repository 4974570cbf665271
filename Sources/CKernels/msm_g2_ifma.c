/* The G2 multi-scalar multiplication (msm_core.h) with the batch-affine additions done
 * eight at a time by AVX-512 IFMA over Fp2 (msm_ifma.h, fp_ifma.h) and the other products
 * by the inlined mulx/adx Fp2 product; g2.c calls it on CPUs with ADX, BMI2 and AVX-512
 * IFMA. The batch is kept to 512 pairs so that its per-group arrays stay in L2. */
#include "dispatch.h"
#include "fp_adx_inl.h"

static inline void g2_adx_mul(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) { ck_fp2_mul_adx_inl((uint64_t *)o, (const uint64_t *)a, (const uint64_t *)b); }
static __attribute__((noinline)) void g2_adx_mul_call(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) { g2_adx_mul(o, a, b); }
static __attribute__((noinline)) void g2_adx_sqr_call(ck_fp2 *o, const ck_fp2 *a) { ck_fp2_sqr_adx_inl((uint64_t *)o, (const uint64_t *)a); }

#define CURVE_INIT() ((void)0)
#define F_MUL g2_adx_mul_call
#define F_SQR g2_adx_sqr_call
#define MSM_IFMA 1
#define MSM_BATCH_MAX 512
#include "fp_ifma.h"
#define VF fp2x8
#define VF_GATHER fp2x8_gather
#define VF_SCATTER fp2x8_scatter
#define VF_MUL fp2x8_mul
#define VF_SUB fp2x8_sub
#define VF_COND_NEG fp2x8_cond_neg
#include "g2_field.h"
/* This unit uses the point arithmetic only through the MSM: the encodings and checks of
 * curve_core.h stay unused here. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "curve_core.h"
#include "g2_endo.h"
#include "msm_core.h"

CK_ADX_TARGET int ck_g2_msm_ifma_impl(ck_g2 *out, const ck_g2 *points, const uint8_t *scalars, size_t n, uint32_t threads) {
    JAC j;
    int rc = msm_run(&j, points, scalars, n, threads);
    if (rc == CK_OK) jac_to_aff(out, &j);
    return rc;
}
