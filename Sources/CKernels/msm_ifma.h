/* Private: the batch-affine additions of msm_core.h eight at a time with AVX-512 IFMA
 * (fp_ifma.h), over eight-lane vectors of the curve's field: VF = fp8 for G1, fp2x8 for
 * G2 (the includer's field header defines VF and VF_GATHER, VF_SCATTER, VF_MUL, VF_SUB,
 * VF_COND_NEG). Included by msm_core.h inside msm_g1_ifma.c and msm_g2_ifma.c, the units
 * that define MSM_IFMA.
 *
 * The m pairs of a batch (no doublings: msm_flush keeps those scalar) form groups of
 * eight, lane l of group g being pair 8g + l. Each lane runs its own Montgomery trick
 * down the groups: forward, PRE_g = D_0 ... D_(g-1) and the lane products; the eight
 * products are inverted together (a scalar Montgomery trick and one inversion); walking
 * back, 1/D_g = INV * PRE_g and INV *= D_g. Then, per lane, with Q's y negated for a
 * negative digit: λ = (y2 - y1)/(x2 - x1), x3 = λ^2 - x1 - x2, y3 = λ(x1 - x3) - y1,
 * stored into the bucket. Six products per addition, as in the scalar code, each an
 * eighth of an eight-lane product. The last group's unused lanes add dummy points whose
 * results are not stored. */

/* Per group: x1, y1 (the bucket), x2, ±y2 (the point) and PRE, then the bucket
 * addresses. */
#define MSM_IFMA_ARRAYS 5

static void *msm_ifma_alloc(size_t cap) {
    size_t groups = (cap + 7) / 8;
    size_t bytes = groups * (MSM_IFMA_ARRAYS * sizeof(VF) + 64);
    return aligned_alloc(64, (bytes + 63) / 64 * 64);
}

/* The dummy bucket (0, 0) and point (1, 0): x2 - x1 = 1, never zero. */
static void msm_ifma_dummies(AFF d[2]) {
    memset(d, 0, 2 * sizeof(AFF));
    F_ONE(&d[1].x);
}

CK_IFMA_TARGET static void msm_apply_ifma(msm_acc *a, size_t m) {
    const size_t groups = (m + 7) / 8, stride = (a->cap + 7) / 8;
    VF *X1 = (VF *)a->simd, *Y1 = X1 + stride, *X2 = Y1 + stride, *Y2 = X2 + stride, *PRE = Y2 + stride;
    __m512i *BA = (__m512i *)(PRE + stride);
    const __m512i off_y = _mm512_set1_epi64((long long)offsetof(AFF, y));
    VF acc, d;
    for (size_t g = 0; g < groups; g++) {
        uint64_t ba[8], pa[8];
        __mmask8 neg = 0;
        for (unsigned l = 0; l < 8; l++) {
            size_t k = 8 * g + l;
            if (k < m) {
                msm_pair pr = a->batch[k];
                ba[l] = (uint64_t)(uintptr_t)&a->buckets[pr.bucket];
                pa[l] = (uint64_t)(uintptr_t)&a->points[pr.point & MSM_INDEX];
                if (pr.point & MSM_NEG) neg |= (__mmask8)(1u << l);
            } else {
                ba[l] = (uint64_t)(uintptr_t)&a->dummy[0];
                pa[l] = (uint64_t)(uintptr_t)&a->dummy[1];
            }
        }
        __m512i bv = _mm512_loadu_si512(ba), pv = _mm512_loadu_si512(pa);
        BA[g] = bv;
        VF y2;
        VF_GATHER(&X1[g], bv);
        VF_GATHER(&Y1[g], _mm512_add_epi64(bv, off_y));
        VF_GATHER(&X2[g], pv);
        VF_GATHER(&y2, _mm512_add_epi64(pv, off_y));
        VF_COND_NEG(&Y2[g], &y2, neg);
        VF_SUB(&d, &X2[g], &X1[g]);
        if (g == 0) {
            acc = d;
        } else {
            PRE[g] = acc;
            VF_MUL(&acc, &acc, &d);
        }
    }
    /* invert the eight lane products */
    F lane[8], pre[8], inv, t;
    uint64_t la[8];
    for (unsigned l = 0; l < 8; l++) la[l] = (uint64_t)(uintptr_t)&lane[l];
    const __m512i lv = _mm512_loadu_si512(la);
    VF_SCATTER(lv, 0xff, &acc);
    t = lane[0];
    for (unsigned l = 1; l < 8; l++) {
        pre[l] = t;
        F_MUL(&t, &t, &lane[l]);
    }
    F_INV(&inv, &t);
    for (unsigned l = 8; l-- > 1;) {
        F_MUL(&t, &inv, &pre[l]);
        F_MUL(&inv, &inv, &lane[l]);
        lane[l] = t;
    }
    lane[0] = inv;
    VF INV, dinv, lam, x3, y3;
    VF_GATHER(&INV, lv);
    for (size_t g = groups; g-- > 0;) {
        VF_SUB(&d, &X2[g], &X1[g]);
        if (g > 0) {
            VF_MUL(&dinv, &INV, &PRE[g]);
            VF_MUL(&INV, &INV, &d);
        } else {
            dinv = INV;
        }
        VF_SUB(&lam, &Y2[g], &Y1[g]);
        VF_MUL(&lam, &lam, &dinv);
        VF_MUL(&x3, &lam, &lam);
        VF_SUB(&x3, &x3, &X1[g]);
        VF_SUB(&x3, &x3, &X2[g]);
        VF_SUB(&y3, &X1[g], &x3);
        VF_MUL(&y3, &lam, &y3);
        VF_SUB(&y3, &y3, &Y1[g]);
        size_t live = m - 8 * g;
        __mmask8 store = live >= 8 ? (__mmask8)0xff : (__mmask8)((1u << live) - 1);
        VF_SCATTER(BA[g], store, &x3);
        VF_SCATTER(_mm512_add_epi64(BA[g], off_y), store, &y3);
    }
}
