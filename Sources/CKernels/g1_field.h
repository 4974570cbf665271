/* Private: G1's field for curve_core.h and msm_core.h: Fp, the additions inlined. The
 * includer defines F_MUL and F_SQR (g1.c: the dispatched product; msm_g1_adx.c: the
 * mulx/adx product inlined) and CURVE_INIT. */
#ifndef CK_G1_FIELD_H
#define CK_G1_FIELD_H

#include "CKernels.h"
#include "fp_arith.h"

static inline void g1f_add(ck_fp *o, const ck_fp *a, const ck_fp *b) { ck_fp_add_inl(o->l, a->l, b->l); }
static inline void g1f_sub(ck_fp *o, const ck_fp *a, const ck_fp *b) { ck_fp_sub_inl(o->l, a->l, b->l); }
static inline void g1f_dbl(ck_fp *o, const ck_fp *a) { ck_fp_add_inl(o->l, a->l, a->l); }
static inline void g1f_neg(ck_fp *o, const ck_fp *a) {
    static const uint64_t zero[6] = {0, 0, 0, 0, 0, 0};
    ck_fp_sub_inl(o->l, zero, a->l);
}
static inline int g1f_is_zero(const ck_fp *a) {
    return (a->l[0] | a->l[1] | a->l[2] | a->l[3] | a->l[4] | a->l[5]) == 0;
}
static inline int g1f_equal(const ck_fp *a, const ck_fp *b) {
    uint64_t d = 0;
    for (int i = 0; i < 6; i++) d |= a->l[i] ^ b->l[i];
    return d == 0;
}

#define CV ck_g1
#define F ck_fp
#define FB 48
#define AFF ck_g1
#define F_ADD g1f_add
#define F_SUB g1f_sub
#define F_DBL g1f_dbl
#define F_NEG g1f_neg
#define F_INV ck_fp_inv
#define F_EQ g1f_equal
#define F_ISZERO g1f_is_zero
#define F_ZERO ck_fp_set_zero
#define F_ONE ck_fp_set_one
#define F_SQRT ck_fp_sqrt
#define F_LARGEST ck_fp_is_lexicographically_largest
#define F_TO_BE ck_fp_to_bytes_be
#define F_FROM_BE ck_fp_from_bytes_be
/* phi(P) + x^2·P == O (g1_endo.h) */
#define CURVE_SUBGROUP_FAST g1_in_subgroup_fast

/* b = 4 */
static void curve_b(ck_fp *b) { ck_fp_from_u64(b, 4); }

#endif
