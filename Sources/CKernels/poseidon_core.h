/* Private: the Poseidon permutation (neptune's optimized static form, poseidon.md §8.3)
 * written once over an inlined Fr multiplication. Included by poseidon.c (portable
 * multiplication) and poseidon_adx.c (mulx/adx) with these macros defined:
 *   CK_POS_MUL(o, a, b)  Montgomery product of 4-limb arrays
 *   CK_POS_SQR(o, a)     Montgomery square
 *   CK_POS_NAME(x)       the name of an exported entry point of this implementation
 *   CK_POS_TARGET        function attributes of this implementation (may be empty)
 * The width is a parameter of always-inlined functions; the entry points switch over
 * the widths Filecoin uses so each gets fully unrolled code. */
#include "fr_arith.h"

#include <string.h>

#define CK_POS_CORE static inline __attribute__((always_inline)) CK_POS_TARGET

CK_POS_CORE void CK_POS_NAME(sbox)(uint64_t x[4]) {
    uint64_t x2[4], x4[4];
    CK_POS_SQR(x2, x);
    CK_POS_SQR(x4, x2);
    CK_POS_MUL(x, x4, x);
}

/* Σ_i x[i]·c[i*stride] with one reduction per CK_FR_DOT_MAX terms. */
CK_POS_CORE void CK_POS_NAME(dot)(uint64_t out[4], const ck_fr *x, const ck_fr *c, const unsigned n,
                                  const unsigned stride) {
    uint64_t acc[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    unsigned i = 0;
    for (; i < n && i < CK_FR_DOT_MAX; i++) ck_fr_mac_wide(acc, x[i].l, c[(size_t)i * stride].l);
    ck_fr_redc_wide(out, acc);
    while (i < n) { /* widths above 12 (neptune's test arities) */
        uint64_t part[4], more[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
        for (unsigned k = 0; i < n && k < CK_FR_DOT_MAX; i++, k++) ck_fr_mac_wide(more, x[i].l, c[(size_t)i * stride].l);
        ck_fr_redc_wide(part, more);
        ck_fr_add_inl(out, out, part);
    }
}

/* s <- s·A for a dense t×t matrix A (row-major, row vector convention). */
CK_POS_CORE void CK_POS_NAME(mix_dense)(ck_fr *s, const ck_fr *A, const unsigned t) {
    ck_fr o[CK_POSEIDON_MAX_WIDTH];
    for (unsigned j = 0; j < t; j++) CK_POS_NAME(dot)(o[j].l, s, A + j, t, t);
    memcpy(s, o, t * sizeof(ck_fr));
}

/* s <- s·S for a sparse matrix stored as w_hat (column 0, t values) then v_rest (the rest
 * of row 0, t-1 values); every output reads the old s[0]. */
CK_POS_CORE void CK_POS_NAME(mix_sparse)(ck_fr *s, const ck_fr *S, const unsigned t) {
    const ck_fr *w = S, *v = S + t;
    uint64_t s0new[4], p[4];
    CK_POS_NAME(dot)(s0new, s, w, t, 1);
    for (unsigned i = 1; i < t; i++) {
        CK_POS_MUL(p, s[0].l, v[i - 1].l);
        ck_fr_add_inl(s[i].l, s[i].l, p);
    }
    memcpy(s[0].l, s0new, sizeof s0new);
}

CK_POS_CORE void CK_POS_NAME(permute_w)(ck_fr *s, const ck_fr *tab, const unsigned t,
                                        const unsigned rf, const unsigned rp) {
    const ck_fr *C = tab;
    const ck_fr *M = tab + (size_t)t * rf + rp;
    const ck_fr *P = M + (size_t)t * t;
    const ck_fr *S = P + (size_t)t * t;
    const unsigned half = rf / 2;
    for (unsigned i = 0; i < t; i++) ck_fr_add_inl(s[i].l, s[i].l, C[i].l);
    C += t;
    for (unsigned r = 0; r < half; r++) {
        for (unsigned i = 0; i < t; i++) {
            CK_POS_NAME(sbox)(s[i].l);
            ck_fr_add_inl(s[i].l, s[i].l, C[i].l);
        }
        C += t;
        CK_POS_NAME(mix_dense)(s, r == half - 1 ? P : M, t);
    }
    for (unsigned j = 0; j < rp; j++) {
        CK_POS_NAME(sbox)(s[0].l);
        ck_fr_add_inl(s[0].l, s[0].l, C[0].l);
        C += 1;
        CK_POS_NAME(mix_sparse)(s, S + (size_t)j * (2 * t - 1), t);
    }
    for (unsigned r = 0; r + 1 < half; r++) {
        for (unsigned i = 0; i < t; i++) {
            CK_POS_NAME(sbox)(s[i].l);
            ck_fr_add_inl(s[i].l, s[i].l, C[i].l);
        }
        C += t;
        CK_POS_NAME(mix_dense)(s, M, t);
    }
    for (unsigned i = 0; i < t; i++) CK_POS_NAME(sbox)(s[i].l);
    CK_POS_NAME(mix_dense)(s, M, t);
}

/* Two independent permutations in lockstep: each step is issued for both states, so
 * the latency chain of one (the S-box of lane 0 in the partial rounds) overlaps the
 * other's work. */
CK_POS_CORE void CK_POS_NAME(permute2_w)(ck_fr *sa, ck_fr *sb, const ck_fr *tab, const unsigned t,
                                         const unsigned rf, const unsigned rp) {
    ck_fr *st[2] = {sa, sb};
    const ck_fr *C = tab;
    const ck_fr *M = tab + (size_t)t * rf + rp;
    const ck_fr *P = M + (size_t)t * t;
    const ck_fr *S = P + (size_t)t * t;
    const unsigned half = rf / 2;
    for (unsigned i = 0; i < t; i++)
        for (int k = 0; k < 2; k++) ck_fr_add_inl(st[k][i].l, st[k][i].l, C[i].l);
    C += t;
    for (unsigned r = 0; r < half; r++) {
        for (unsigned i = 0; i < t; i++) {
            for (int k = 0; k < 2; k++) {
                CK_POS_NAME(sbox)(st[k][i].l);
                ck_fr_add_inl(st[k][i].l, st[k][i].l, C[i].l);
            }
        }
        C += t;
        for (int k = 0; k < 2; k++) CK_POS_NAME(mix_dense)(st[k], r == half - 1 ? P : M, t);
    }
    for (unsigned j = 0; j < rp; j++) {
        for (int k = 0; k < 2; k++) {
            CK_POS_NAME(sbox)(st[k][0].l);
            ck_fr_add_inl(st[k][0].l, st[k][0].l, C[0].l);
        }
        C += 1;
        for (int k = 0; k < 2; k++) CK_POS_NAME(mix_sparse)(st[k], S + (size_t)j * (2 * t - 1), t);
    }
    for (unsigned r = 0; r + 1 < half; r++) {
        for (unsigned i = 0; i < t; i++) {
            for (int k = 0; k < 2; k++) {
                CK_POS_NAME(sbox)(st[k][i].l);
                ck_fr_add_inl(st[k][i].l, st[k][i].l, C[i].l);
            }
        }
        C += t;
        for (int k = 0; k < 2; k++) CK_POS_NAME(mix_dense)(st[k], M, t);
    }
    for (unsigned i = 0; i < t; i++)
        for (int k = 0; k < 2; k++) CK_POS_NAME(sbox)(st[k][i].l);
    for (int k = 0; k < 2; k++) CK_POS_NAME(mix_dense)(st[k], M, t);
}

static CK_POS_TARGET void CK_POS_NAME(permute2_any)(ck_fr *sa, ck_fr *sb, const ck_poseidon_params *p) {
    const unsigned rf = p->full_rounds, rp = p->partial_rounds;
    switch (p->width) {
    case 3: CK_POS_NAME(permute2_w)(sa, sb, p->optimized, 3, rf, rp); break;
    case 5: CK_POS_NAME(permute2_w)(sa, sb, p->optimized, 5, rf, rp); break;
    case 9: CK_POS_NAME(permute2_w)(sa, sb, p->optimized, 9, rf, rp); break;
    case 12: CK_POS_NAME(permute2_w)(sa, sb, p->optimized, 12, rf, rp); break;
    default:
        CK_POS_NAME(permute_w)(sa, p->optimized, p->width, rf, rp);
        CK_POS_NAME(permute_w)(sb, p->optimized, p->width, rf, rp);
        break;
    }
}

/* One permutation with the width as a compile-time constant for Filecoin's widths. */
static CK_POS_TARGET void CK_POS_NAME(permute_any)(ck_fr *s, const ck_poseidon_params *p) {
    const unsigned rf = p->full_rounds, rp = p->partial_rounds;
    switch (p->width) {
    case 3: CK_POS_NAME(permute_w)(s, p->optimized, 3, rf, rp); break;
    case 5: CK_POS_NAME(permute_w)(s, p->optimized, 5, rf, rp); break;
    case 9: CK_POS_NAME(permute_w)(s, p->optimized, 9, rf, rp); break;
    case 12: CK_POS_NAME(permute_w)(s, p->optimized, 12, rf, rp); break;
    default: CK_POS_NAME(permute_w)(s, p->optimized, p->width, rf, rp); break;
    }
}

CK_POS_TARGET int CK_POS_NAME(ck_poseidon_permute)(ck_fr *state, const ck_poseidon_params *p) {
    if (ck_poseidon_params_check(p) != CK_OK) return CK_E_ARG;
    CK_POS_NAME(permute_any)(state, p);
    return CK_OK;
}

CK_POS_TARGET int CK_POS_NAME(ck_poseidon_hash_many)(ck_fr *out, const ck_poseidon_params *p,
                                                     const ck_fr *tag, const ck_fr *inputs,
                                                     size_t n) {
    if (ck_poseidon_params_check(p) != CK_OK) return CK_E_ARG;
    const unsigned t = p->width, a = p->arity;
    ck_fr s[2][CK_POSEIDON_MAX_WIDTH];
    for (size_t h = 0; h < n; h += 2) {
        const int pair = h + 1 < n;
        for (int k = 0; k <= pair; k++) {
            s[k][0] = *tag;
            memcpy(&s[k][1], inputs + (h + k) * a, a * sizeof(ck_fr));
            memset(&s[k][1 + a], 0, (t - 1 - a) * sizeof(ck_fr));
        }
        if (pair) CK_POS_NAME(permute2_any)(s[0], s[1], p);
        else CK_POS_NAME(permute_any)(s[0], p);
        for (int k = 0; k <= pair; k++) out[h + k] = s[k][1];
    }
    return CK_OK;
}

/* Inputs and outputs as 32-byte little-endian canonical encodings. */
CK_POS_TARGET int CK_POS_NAME(ck_poseidon_hash_many_bytes)(uint8_t *out,
                                                           const ck_poseidon_params *p,
                                                           const ck_fr *tag, const uint8_t *in,
                                                           size_t n, size_t *bad_index) {
    if (ck_poseidon_params_check(p) != CK_OK) return CK_E_ARG;
    static const uint64_t r2[4] = {0xc999e990f3f29c6dull, 0x2b6cedcb87925c23ull,
                                   0x05d314967254398full, 0x0748d9d99f59ff11ull};
    static const uint64_t plain_one[4] = {1, 0, 0, 0};
    static const uint64_t m[4] = {CK_FR_R0, CK_FR_R1, CK_FR_R2, CK_FR_R3};
    const unsigned t = p->width, a = p->arity;
    ck_fr s[2][CK_POSEIDON_MAX_WIDTH];
    for (size_t h = 0; h < n; h += 2) {
        const int pair = h + 1 < n;
        for (int k = 0; k <= pair; k++) {
            s[k][0] = *tag;
            for (unsigned i = 0; i < a; i++) {
                uint64_t v[4];
                memcpy(v, in + ((h + k) * a + i) * 32, 32);
                int below = 0;
                for (int w = 3; w >= 0; w--) {
                    if (v[w] != m[w]) {
                        below = v[w] < m[w];
                        break;
                    }
                }
                if (!below) {
                    if (bad_index) *bad_index = (h + k) * a + i;
                    return CK_E_NONCANONICAL;
                }
                CK_POS_MUL(s[k][1 + i].l, v, r2);
            }
            memset(&s[k][1 + a], 0, (t - 1 - a) * sizeof(ck_fr));
        }
        if (pair) CK_POS_NAME(permute2_any)(s[0], s[1], p);
        else CK_POS_NAME(permute_any)(s[0], p);
        for (int k = 0; k <= pair; k++) {
            uint64_t o[4];
            CK_POS_MUL(o, s[k][1].l, plain_one);
            memcpy(out + (h + k) * 32, o, 32);
        }
    }
    return CK_OK;
}

#undef CK_POS_CORE
