/* Fr multiplication with mulx/adcx/adox (BMI2 + ADX), chosen at run time by cpu.c. */
#include "dispatch.h"
#include "fr_mont_adx.h"

#define CK_ADX_TARGET __attribute__((target("adx,bmi2")))

CK_ADX_TARGET void ck_fr_mul_adx_impl(ck_fr *out, const ck_fr *a, const ck_fr *b) {
    ck_fr_mul_adx_inl(out->l, a->l, b->l);
}

CK_ADX_TARGET void ck_fr_sqr_adx_impl(ck_fr *out, const ck_fr *a) { ck_fr_sqr_adx_inl(out->l, a->l); }

int ck_fr_mul_adx(ck_fr *out, const ck_fr *a, const ck_fr *b) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    ck_fr_mul_adx_impl(out, a, b);
    return CK_OK;
}

int ck_fr_sqr_adx(ck_fr *out, const ck_fr *a) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    ck_fr_sqr_adx_impl(out, a);
    return CK_OK;
}

static CK_ADX_TARGET void mul_chain(ck_fr *x, const ck_fr *y, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) ck_fr_mul_adx_inl(x->l, x->l, y->l);
}

static CK_ADX_TARGET void sqr_chain(ck_fr *x, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) ck_fr_sqr_adx_inl(x->l, x->l);
}

int ck_fr_mul_chain_adx(ck_fr *x, const ck_fr *y, uint64_t n) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    mul_chain(x, y, n);
    return CK_OK;
}

int ck_fr_sqr_chain_adx(ck_fr *x, uint64_t n) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    sqr_chain(x, n);
    return CK_OK;
}
