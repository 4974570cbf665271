/* CPU feature probe and the kernel dispatch table (the only global in CKernels). */
#include "dispatch.h"

#include <cpuid.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct ck_dispatch dispatch_table;
static uint32_t cpu_features_all;
static pthread_once_t dispatch_once = PTHREAD_ONCE_INIT;

static uint64_t read_xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static uint32_t probe_cpu(void) {
    uint32_t a, b, c, d, f = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1, osxsave = (c >> 27) & 1;
    const int avx = (c >> 28) & 1;
    uint64_t xcr0 = osxsave ? read_xcr0() : 0;
    const int ymm_ok = (xcr0 & 0x6) == 0x6, zmm_ok = (xcr0 & 0xe6) == 0xe6;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    if (((b >> 29) & 1) && ssse3 && sse41) f |= CK_CPU_SHA;
    if (((b >> 19) & 1) && ((b >> 8) & 1)) f |= CK_CPU_ADX;
    if (avx && ymm_ok && ((b >> 5) & 1)) f |= CK_CPU_AVX2;
    if (zmm_ok && ((b >> 16) & 1)) {
        f |= CK_CPU_AVX512F;
        if ((b >> 21) & 1) f |= CK_CPU_AVX512IFMA;
    }
    return f;
}

static int force_portable(void) {
    const char *v = getenv("SPBENCH_FORCE_PORTABLE");
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

static void dispatch_init(void) {
    cpu_features_all = probe_cpu();
    uint32_t used = force_portable() ? 0 : cpu_features_all;
    dispatch_table.features_used = used;
    dispatch_table.sha_name = "portable";
    dispatch_table.compress = ck_sha256_compress_portable;
    dispatch_table.compress_lanes = ck_sha256_compress_lanes_portable_impl;
    dispatch_table.tree_parents = ck_tree_d_parents_portable;
    dispatch_table.fr_name = "portable";
    dispatch_table.fr_mul = ck_fr_mul_portable;
    dispatch_table.fr_sqr = ck_fr_sqr_portable;
    dispatch_table.fp_name = "portable";
    dispatch_table.fp_mul = ck_fp_mul_portable;
    dispatch_table.fp_sqr = ck_fp_sqr_portable;
    dispatch_table.poseidon_permute = ck_poseidon_permute_portable;
    dispatch_table.poseidon_hash_many = ck_poseidon_hash_many_portable;
    dispatch_table.poseidon_hash_many_bytes = ck_poseidon_hash_many_bytes_portable;
    if (used & CK_CPU_ADX) {
        dispatch_table.fr_name = "mulx-adx";
        dispatch_table.fr_mul = ck_fr_mul_adx_impl;
        dispatch_table.fr_sqr = ck_fr_sqr_adx_impl;
        dispatch_table.fp_name = "mulx-adx";
        dispatch_table.fp_mul = ck_fp_mul_adx_impl;
        dispatch_table.fp_sqr = ck_fp_sqr_adx_impl;
        dispatch_table.poseidon_permute = ck_poseidon_permute_adx_impl;
        dispatch_table.poseidon_hash_many = ck_poseidon_hash_many_adx_impl;
        dispatch_table.poseidon_hash_many_bytes = ck_poseidon_hash_many_bytes_adx_impl;
    }
    if (used & CK_CPU_SHA) {
        dispatch_table.sha_name = "sha-ni";
        dispatch_table.compress = ck_sha256_compress_shani_impl;
        dispatch_table.compress_lanes = ck_sha256_compress_lanes_shani_impl;
        dispatch_table.tree_parents = ck_tree_d_parents_shani_impl;
    }
}

const struct ck_dispatch *ck_dispatch(void) {
    pthread_once(&dispatch_once, dispatch_init);
    return &dispatch_table;
}

uint32_t ck_cpu_features(void) {
    ck_dispatch();
    return cpu_features_all;
}

uint32_t ck_cpu_features_used(void) { return ck_dispatch()->features_used; }

const char *ck_sha256_impl_name(void) { return ck_dispatch()->sha_name; }
