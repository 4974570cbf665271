/* The G2 multi-scalar multiplication and fixed-base setup (msm_core.h) with the mulx/adx
 * Fp2 product inlined; g2.c calls these when the dispatched Fp product is the
 * mulx/adx one (so only on CPUs with BMI2 and ADX). */
#include "dispatch.h"
#include "fp_adx_inl.h"

/* The products: inlined in the batch loop of the MSM (F_MUL_HOT); called elsewhere, where
 * the point formulas keep too many values live for the asm's 13 registers. */
static inline void g2_adx_mul(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) { ck_fp2_mul_adx_inl((uint64_t *)o, (const uint64_t *)a, (const uint64_t *)b); }
static inline void g2_adx_sqr(ck_fp2 *o, const ck_fp2 *a) { ck_fp2_sqr_adx_inl((uint64_t *)o, (const uint64_t *)a); }
static __attribute__((noinline)) void g2_adx_mul_call(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) { g2_adx_mul(o, a, b); }
static __attribute__((noinline)) void g2_adx_sqr_call(ck_fp2 *o, const ck_fp2 *a) { g2_adx_sqr(o, a); }

#define CURVE_INIT() ((void)0)
#define F_MUL g2_adx_mul_call
#define F_SQR g2_adx_sqr_call
#define F_MUL_HOT g2_adx_mul
#define F_SQR_HOT g2_adx_sqr
#include "g2_field.h"
/* This unit uses the point arithmetic only through the MSM: the encodings and checks of
 * curve_core.h stay unused here. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "curve_core.h"
#include "g2_endo.h"
#include "msm_core.h"

CK_ADX_TARGET int ck_g2_msm_adx_impl(ck_g2 *out, const ck_g2 *points, const uint8_t *scalars, size_t n, uint32_t threads) {
    JAC j;
    int rc = msm_run(&j, points, scalars, n, threads);
    if (rc == CK_OK) jac_to_aff(out, &j);
    return rc;
}

CK_ADX_TARGET int ck_g2_fixed_base_many_adx_impl(ck_g2 *out, const ck_g2 *base, const uint8_t *scalars, size_t n) {
    return fixed_base_many(out, base, scalars, n);
}
