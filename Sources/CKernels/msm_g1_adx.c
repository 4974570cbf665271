/* The G1 multi-scalar multiplication and fixed-base setup (msm_core.h) with the mulx/adx
 * Fp product inlined; g1.c calls these when the dispatched Fp product is the
 * mulx/adx one (so only on CPUs with BMI2 and ADX). */
#include "dispatch.h"
#include "fp_adx_inl.h"

/* The products: inlined in the batch loop of the MSM (F_MUL_HOT, squaring there as a
 * product: the squaring's asm needs two more registers than the loop leaves); called
 * elsewhere, where the point formulas keep too many values live for the asm's 13. */
static inline void g1_adx_mul(ck_fp *o, const ck_fp *a, const ck_fp *b) { ck_fp_mul_adx_inl(o->l, a->l, b->l); }
static inline void g1_adx_sqr(ck_fp *o, const ck_fp *a) { ck_fp_mul_adx_inl(o->l, a->l, a->l); }
static __attribute__((noinline)) void g1_adx_mul_call(ck_fp *o, const ck_fp *a, const ck_fp *b) { g1_adx_mul(o, a, b); }
static __attribute__((noinline)) void g1_adx_sqr_call(ck_fp *o, const ck_fp *a) { ck_fp_sqr_adx_inl(o->l, a->l); }

#define CURVE_INIT() ((void)0)
#define F_MUL g1_adx_mul_call
#define F_SQR g1_adx_sqr_call
#define F_MUL_HOT g1_adx_mul
#define F_SQR_HOT g1_adx_sqr
#include "g1_field.h"
/* This unit uses the point arithmetic only through the MSM: the encodings and checks of
 * curve_core.h stay unused here. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "curve_core.h"
#include "g1_endo.h"
#include "msm_core.h"

CK_ADX_TARGET int ck_g1_msm_adx_impl(ck_g1 *out, const ck_g1 *points, const uint8_t *scalars, size_t n, uint32_t threads) {
    JAC j;
    int rc = msm_run(&j, points, scalars, n, threads);
    if (rc == CK_OK) jac_to_aff(out, &j);
    return rc;
}

CK_ADX_TARGET int ck_g1_fixed_base_many_adx_impl(ck_g1 *out, const ck_g1 *base, const uint8_t *scalars, size_t n) {
    return fixed_base_many(out, base, scalars, n);
}
