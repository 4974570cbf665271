/* G1 of BLS12-381: y^2 = x^3 + 4 over Fp (bls12-381.md). The arithmetic is curve_core.h
 * and msm_core.h; the MSM and fixed-base setups run in msm_g1_adx.c (the MSM in
 * msm_g1_ifma.c when the CPU also has AVX-512 IFMA) when the dispatched
 * Fp product is the mulx/adx one. */
#include "CKernels.h"
#include "dispatch.h"

/* The dispatched Fp multiplication, looked up once instead of on every call (the curve
 * code multiplies millions of times per MSM). Written by every entry point; all writers
 * store the same value. */
static void (*g1_mul)(ck_fp *, const ck_fp *, const ck_fp *);
static void (*g1_sqr)(ck_fp *, const ck_fp *);
static void g1_init(void) {
    if (g1_sqr == NULL) {
        const struct ck_dispatch *d = ck_dispatch();
        g1_mul = d->fp_mul;
        g1_sqr = d->fp_sqr;
    }
}
static inline void g1_fp_mul(ck_fp *o, const ck_fp *a, const ck_fp *b) { g1_mul(o, a, b); }
static inline void g1_fp_sqr(ck_fp *o, const ck_fp *a) { g1_sqr(o, a); }
#define CURVE_INIT() g1_init()

#define F_MUL g1_fp_mul
#define F_SQR g1_fp_sqr
#define CURVE_FAST() (g1_mul == ck_fp_mul_adx_impl)
#define CURVE_ADX_MSM ck_g1_msm_adx_impl
#define CURVE_IFMA_MSM ck_g1_msm_ifma_impl
#define CURVE_FAST_FIXED_BASE ck_g1_fixed_base_many_adx_impl
#include "g1_field.h"
#include "curve_core.h"
#include "g1_endo.h"
#include "msm_core.h"
#include "curve_api.h"

void ck_g1_generator(ck_g1 *out) {
    static const uint8_t gx[48] = {0x17, 0xf1, 0xd3, 0xa7, 0x31, 0x97, 0xd7, 0x94, 0x26, 0x95, 0x63, 0x8c, 0x4f, 0xa9, 0xac, 0x0f,
                                   0xc3, 0x68, 0x8c, 0x4f, 0x97, 0x74, 0xb9, 0x05, 0xa1, 0x4e, 0x3a, 0x3f, 0x17, 0x1b, 0xac, 0x58,
                                   0x6c, 0x55, 0xe8, 0x3f, 0xf9, 0x7a, 0x1a, 0xef, 0xfb, 0x3a, 0xf0, 0x0a, 0xdb, 0x22, 0xc6, 0xbb};
    static const uint8_t gy[48] = {0x08, 0xb3, 0xf4, 0x81, 0xe3, 0xaa, 0xa0, 0xf1, 0xa0, 0x9e, 0x30, 0xed, 0x74, 0x1d, 0x8a, 0xe4,
                                   0xfc, 0xf5, 0xe0, 0x95, 0xd5, 0xd0, 0x0a, 0xf6, 0x00, 0xdb, 0x18, 0xcb, 0x2c, 0x04, 0xb3, 0xed,
                                   0xd0, 0x3c, 0xc7, 0x44, 0xa2, 0x88, 0x8a, 0xe4, 0x0c, 0xaa, 0x23, 0x29, 0x46, 0xc5, 0xe7, 0xe1};
    ck_fp_from_bytes_be(&out->x, gx);
    ck_fp_from_bytes_be(&out->y, gy);
    out->inf = 0;
}
