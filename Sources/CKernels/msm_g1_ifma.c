/* The G1 multi-scalar multiplication (msm_core.h) with the batch-affine additions done
 * eight at a time by AVX-512 IFMA (msm_ifma.h) and the other products by the inlined
 * mulx/adx product; g1.c calls it on CPUs with ADX, BMI2 and AVX-512 IFMA. The batch is
 * kept to 1024 pairs so that its per-group arrays stay in L2 beside the buckets. */
#include "dispatch.h"
#include "fp_adx_inl.h"

static inline void g1_adx_mul(ck_fp *o, const ck_fp *a, const ck_fp *b) { ck_fp_mul_adx_inl(o->l, a->l, b->l); }
static __attribute__((noinline)) void g1_adx_mul_call(ck_fp *o, const ck_fp *a, const ck_fp *b) { g1_adx_mul(o, a, b); }
static __attribute__((noinline)) void g1_adx_sqr_call(ck_fp *o, const ck_fp *a) { ck_fp_sqr_adx_inl(o->l, a->l); }

#define CURVE_INIT() ((void)0)
#define F_MUL g1_adx_mul_call
#define F_SQR g1_adx_sqr_call
#define MSM_IFMA 1
#include "fp_ifma.h"
#define VF fp8
#define VF_GATHER fp8_gather
#define VF_SCATTER fp8_scatter
#define VF_MUL fp8_mul
#define VF_SUB fp8_sub
#define VF_COND_NEG fp8_cond_neg
#define MSM_BATCH_MAX 1024
#include "g1_field.h"
/* This unit uses the point arithmetic only through the MSM: the encodings and checks of
 * curve_core.h stay unused here. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "curve_core.h"
#include "g1_endo.h"
#include "msm_core.h"

CK_ADX_TARGET int ck_g1_msm_ifma_impl(ck_g1 *out, const ck_g1 *points, const uint8_t *scalars, size_t n, uint32_t threads) {
    JAC j;
    int rc = msm_run(&j, points, scalars, n, threads);
    if (rc == CK_OK) jac_to_aff(out, &j);
    return rc;
}
