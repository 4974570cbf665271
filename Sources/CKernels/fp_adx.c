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

/* Fp2 Karatsuba multiplication with the three products inlined (fp2.c calls this when
 * the dispatched Fp multiplication is the mulx/adx one). out may alias a or b. */
CK_ADX_TARGET void ck_fp2_mul_adx_impl(ck_fp2 *out, const ck_fp2 *a, const ck_fp2 *b) {
    uint64_t t0[6], t1[6], sa[6], sb[6], s[6];
    ck_fp_mul_adx_inl(t0, a->c0.l, b->c0.l);
    ck_fp_mul_adx_inl(t1, a->c1.l, b->c1.l);
    ck_fp_add_inl(sa, a->c0.l, a->c1.l);
    ck_fp_add_inl(sb, b->c0.l, b->c1.l);
    ck_fp_mul_adx_inl(s, sa, sb);
    ck_fp_sub_inl(out->c0.l, t0, t1);
    ck_fp_sub_inl(s, s, t0);
    ck_fp_sub_inl(out->c1.l, s, t1);
}

/* Fp2 squaring: (a0 + a1)(a0 - a1) + 2 a0 a1 u, two inlined products. */
CK_ADX_TARGET void ck_fp2_sqr_adx_impl(ck_fp2 *out, const ck_fp2 *a) {
    uint64_t s[6], d[6], m[6];
    ck_fp_add_inl(s, a->c0.l, a->c1.l);
    ck_fp_sub_inl(d, a->c0.l, a->c1.l);
    ck_fp_mul_adx_inl(m, a->c0.l, a->c1.l);
    ck_fp_mul_adx_inl(out->c0.l, s, d);
    ck_fp_add_inl(out->c1.l, m, m);
}

CK_ADX_TARGET void ck_fp2_mul_chain_adx_impl(ck_fp2 *x, const ck_fp2 *y, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) ck_fp2_mul_adx_impl(x, x, y);
}
