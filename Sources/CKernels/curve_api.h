/* Private: the public functions of a curve group over curve_core.h and msm_core.h
 * (included by g1.c and g2.c after them). Affine points in, affine points out. The MSM
 * and the fixed-base setup go to CURVE_FAST_MSM / CURVE_FAST_FIXED_BASE (the same code
 * with the mulx/adx product inlined) when CURVE_FAST(). */

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

int FN(_msm)(AFF *out, const AFF *points, const uint8_t *scalars, size_t n, uint32_t threads) {
    CURVE_INIT();
    if (CURVE_FAST()) return CURVE_FAST_MSM(out, points, scalars, n, threads);
    JAC j;
    int rc = msm_run(&j, points, scalars, n, threads);
    if (rc == CK_OK) jac_to_aff(out, &j);
    return rc;
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
