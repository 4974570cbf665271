/* Private: G2's field for curve_core.h and msm_core.h: Fp2, the additions inlined, and
 * the ZCash coordinate order (c1 first; the sort bit compares c1, then c0 when c1 is 0).
 * The includer defines F_MUL and F_SQR (g2.c: the dispatched product; msm_g2_adx.c: the
 * mulx/adx product inlined) and CURVE_INIT. */
#ifndef CK_G2_FIELD_H
#define CK_G2_FIELD_H

#include "CKernels.h"
#include "fp_arith.h"

static inline void g2f_add(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) {
    ck_fp_add_inl(o->c0.l, a->c0.l, b->c0.l);
    ck_fp_add_inl(o->c1.l, a->c1.l, b->c1.l);
}
static inline void g2f_sub(ck_fp2 *o, const ck_fp2 *a, const ck_fp2 *b) {
    ck_fp_sub_inl(o->c0.l, a->c0.l, b->c0.l);
    ck_fp_sub_inl(o->c1.l, a->c1.l, b->c1.l);
}
static inline void g2f_dbl(ck_fp2 *o, const ck_fp2 *a) { g2f_add(o, a, a); }
static inline void g2f_neg(ck_fp2 *o, const ck_fp2 *a) {
    static const uint64_t zero[6] = {0, 0, 0, 0, 0, 0};
    ck_fp_sub_inl(o->c0.l, zero, a->c0.l);
    ck_fp_sub_inl(o->c1.l, zero, a->c1.l);
}
static inline int g2f_is_zero(const ck_fp2 *a) {
    uint64_t d = 0;
    for (int i = 0; i < 6; i++) d |= a->c0.l[i] | a->c1.l[i];
    return d == 0;
}
static inline int g2f_equal(const ck_fp2 *a, const ck_fp2 *b) {
    uint64_t d = 0;
    for (int i = 0; i < 6; i++) d |= (a->c0.l[i] ^ b->c0.l[i]) | (a->c1.l[i] ^ b->c1.l[i]);
    return d == 0;
}
static void g2f_set_zero(ck_fp2 *a) { ck_fp2_set_zero(a); }

static int g2f_from_be(ck_fp2 *out, const uint8_t in[96]) {
    ck_fp2 t;
    if (ck_fp_from_bytes_be(&t.c1, in) != CK_OK || ck_fp_from_bytes_be(&t.c0, in + 48) != CK_OK) return CK_E_NONCANONICAL;
    *out = t;
    return CK_OK;
}

static void g2f_to_be(uint8_t out[96], const ck_fp2 *a) {
    ck_fp_to_bytes_be(out, &a->c1);
    ck_fp_to_bytes_be(out + 48, &a->c0);
}

static int g2f_largest(const ck_fp2 *a) {
    if (!ck_fp_is_zero(&a->c1)) return ck_fp_is_lexicographically_largest(&a->c1);
    return ck_fp_is_lexicographically_largest(&a->c0);
}

#define CV ck_g2
#define F ck_fp2
#define FB 96
#define AFF ck_g2
#define F_ADD g2f_add
#define F_SUB g2f_sub
#define F_DBL g2f_dbl
#define F_NEG g2f_neg
#define F_INV ck_fp2_inv
#define F_EQ g2f_equal
#define F_ISZERO g2f_is_zero
#define F_ZERO g2f_set_zero
#define F_ONE ck_fp2_set_one
#define F_SQRT ck_fp2_sqrt
#define F_LARGEST g2f_largest
#define F_TO_BE g2f_to_be
#define F_FROM_BE g2f_from_be
/* psi(P) == |x|·P (g2_endo.h) */
#define CURVE_SUBGROUP_FAST g2_in_subgroup_fast

/* b' = 4(u + 1) */
static void curve_b(ck_fp2 *b) {
    ck_fp_from_u64(&b->c0, 4);
    ck_fp_from_u64(&b->c1, 4);
}

#endif
