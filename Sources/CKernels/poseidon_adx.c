/* The optimized Poseidon permutation over the mulx/adx multiplication (poseidon_core.h). */
#include "dispatch.h"
#include "fr_mont_adx.h"

#define CK_POS_MUL(o, a, b) ck_fr_mul_adx_inl((o), (a), (b))
#define CK_POS_SQR(o, a) ck_fr_sqr_adx_inl((o), (a))
#define CK_POS_NAME(x) x##_adx_impl
#define CK_POS_TARGET __attribute__((target("adx,bmi2")))
#include "poseidon_core.h"

int ck_poseidon_permute_adx(ck_fr *state, const ck_poseidon_params *p) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    return ck_poseidon_permute_adx_impl(state, p);
}

int ck_poseidon_hash_many_adx(ck_fr *out, const ck_poseidon_params *p, const ck_fr *tag,
                              const ck_fr *inputs, size_t n) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    return ck_poseidon_hash_many_adx_impl(out, p, tag, inputs, n);
}

int ck_poseidon_hash_many_bytes_adx(uint8_t *out, const ck_poseidon_params *p, const ck_fr *tag,
                                    const uint8_t *in, size_t n, size_t *bad_index) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    return ck_poseidon_hash_many_bytes_adx_impl(out, p, tag, in, n, bad_index);
}
