/* Private: the public functions of a curve group over curve_core.h and msm_core.h
 * (included by g1.c and g2.c after them). Affine points in, affine points out. When
 * CURVE_FAST() the MSM goes to CURVE_IFMA_MSM (batch additions on AVX-512 IFMA) if the
 * CPU has IFMA and it is not switched off, else to CURVE_ADX_MSM (the mulx/adx product
 * inlined), and the fixed-base setup to CURVE_FAST_FIXED_BASE. */

static void to_jac(JAC *j, const AFF *a) { jac_from_aff(j, a); }

int FN(_decode)(AFF *out, const uint8_t *in, size_t len) {
    CURVE_INIT();
    if (len != FB && len != 2 * FB) return CK_E_ARG;
    return aff_decode(out, in, len == FB);
}

void FN(_encode)(uint8_t *out, const AFF *a, int compressed) { aff_encode(out, a, compressed); }

void FN(_add)(AFF *out, const AFF *a, const AFF *b) {
    CURVE_INIT();
    JAC j;
    to_jac(&j, a);
    jac_madd(&j, &j, b);
    jac_to_aff(out, &j);
}

void FN(_dbl)(AFF *out, const AFF *a) {
    CURVE_INIT();
    JAC j;
    to_jac(&j, a);
    jac_dbl(&j, &j);
    jac_to_aff(out, &j);
}

void FN(_neg)(AFF *out, const AFF *a) {
    CURVE_INIT();
    *out = *a;
    if (!a->inf) F_NEG(&out->y, &a->y);
}

void FN(_mul)(AFF *out, const AFF *a, const uint8_t k_le[32]) {
    CURVE_INIT();
    JAC j;
    to_jac(&j, a);
    jac_mul(&j, &j, k_le);
    jac_to_aff(out, &j);
}

void FN(_mul_ct)(AFF *out, const AFF *a, const uint8_t k_le[32]) {
    CURVE_INIT();
    JAC j;
    to_jac(&j, a);
    jac_mul_ct(&j, &j, k_le);
    jac_to_aff(out, &j);
}

int FN(_is_on_curve)(const AFF *a) {
    CURVE_INIT();
    JAC j;
    to_jac(&j, a);
    return jac_on_curve(&j);
}

int FN(_in_subgroup)(const AFF *a) {
    CURVE_INIT();
    JAC j;
    to_jac(&j, a);
    return jac_in_subgroup(&j);
}

int FN(_in_subgroup_by_order)(const AFF *a) {
    CURVE_INIT();
    JAC j;
    to_jac(&j, a);
    return jac_in_subgroup_by_order(&j);
}

int FN(_equal)(const AFF *a, const AFF *b) {
    CURVE_INIT();
    if (a->inf || b->inf) return a->inf && b->inf;
    return F_EQ(&a->x, &b->x) && F_EQ(&a->y, &b->y);
}

/* The MSM without IFMA (mulx/adx when the CPU has it, else portable). */
int FN(_msm_scalar)(AFF *out, const AFF *points, const uint8_t *scalars, size_t n, uint32_t threads) {
    CURVE_INIT();
    if (CURVE_FAST()) return CURVE_ADX_MSM(out, points, scalars, n, threads);
    JAC j;
    int rc = msm_run(&j, points, scalars, n, threads);
    if (rc == CK_OK) jac_to_aff(out, &j);
    return rc;
}

/* The MSM with IFMA batch additions, whatever SPBENCH_FORCE_PORTABLE says (tests compare
 * the paths); CK_E_UNSUPPORTED without ADX and AVX-512 IFMA. */
int FN(_msm_ifma)(AFF *out, const AFF *points, const uint8_t *scalars, size_t n, uint32_t threads) {
    const uint32_t need = CK_CPU_ADX | CK_CPU_AVX512IFMA;
    if ((ck_cpu_features() & need) != need) return CK_E_UNSUPPORTED;
    return CURVE_IFMA_MSM(out, points, scalars, n, threads);
}

int FN(_msm)(AFF *out, const AFF *points, const uint8_t *scalars, size_t n, uint32_t threads) {
    CURVE_INIT();
    if (CURVE_FAST() && (ck_cpu_features_used() & CK_CPU_AVX512IFMA)) return CURVE_IFMA_MSM(out, points, scalars, n, threads);
    return FN(_msm_scalar)(out, points, scalars, n, threads);
}

/* The naive Σ k_i·P_i (a test oracle for the MSM). */
void FN(_msm_naive)(AFF *out, const AFF *points, const uint8_t *scalars, size_t n) {
    CURVE_INIT();
    JAC acc, t;
    jac_set_inf(&acc);
    for (size_t i = 0; i < n; i++) {
        to_jac(&t, &points[i]);
        jac_mul(&t, &t, scalars + 32 * i);
        jac_add(&acc, &acc, &t);
    }
    jac_to_aff(out, &acc);
}

int FN(_fixed_base_many)(AFF *out, const AFF *base, const uint8_t *scalars, size_t n) {
    CURVE_INIT();
    if (CURVE_FAST()) return CURVE_FAST_FIXED_BASE(out, base, scalars, n);
    return fixed_base_many(out, base, scalars, n);
}
