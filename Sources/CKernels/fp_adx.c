/* Fp multiplication with mulx/adcx/adox (BMI2 + ADX), chosen at run time by cpu.c
 * (the arithmetic is fp_adx_inl.h). */
#include "dispatch.h"
#include "fp_adx_inl.h"

CK_ADX_TARGET void ck_fp_mul_adx_impl(ck_fp *out, const ck_fp *a, const ck_fp *b) {
    ck_fp_mul_adx_inl(out->l, a->l, b->l);
}

CK_ADX_TARGET void ck_fp_sqr_adx_impl(ck_fp *out, const ck_fp *a) { ck_fp_sqr_adx_inl(out->l, a->l); }

int ck_fp_mul_adx(ck_fp *out, const ck_fp *a, const ck_fp *b) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    ck_fp_mul_adx_impl(out, a, b);
    return CK_OK;
}

int ck_fp_sqr_adx(ck_fp *out, const ck_fp *a) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    ck_fp_sqr_adx_impl(out, a);
    return CK_OK;
}

static CK_ADX_TARGET void mul_chain(ck_fp *x, const ck_fp *y, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) ck_fp_mul_adx_inl(x->l, x->l, y->l);
}

int ck_fp_mul_chain_adx(ck_fp *x, const ck_fp *y, uint64_t n) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    mul_chain(x, y, n);
    return CK_OK;
}

/* Fp2 products with the Fp products inlined (fp2.c calls these when the dispatched Fp
 * multiplication is the mulx/adx one). out may alias a or b. */
CK_ADX_TARGET void ck_fp2_mul_adx_impl(ck_fp2 *out, const ck_fp2 *a, const ck_fp2 *b) {
    ck_fp2_mul_adx_inl((uint64_t *)out, (const uint64_t *)a, (const uint64_t *)b);
}

CK_ADX_TARGET void ck_fp2_sqr_adx_impl(ck_fp2 *out, const ck_fp2 *a) { ck_fp2_sqr_adx_inl((uint64_t *)out, (const uint64_t *)a); }

CK_ADX_TARGET void ck_fp2_mul_chain_adx_impl(ck_fp2 *x, const ck_fp2 *y, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) ck_fp2_mul_adx_impl(x, x, y);
}
