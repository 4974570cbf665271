/* The NTT over Fr with the mulx/adx multiplication (ntt_core.h). */
#include "dispatch.h"
#include "fr_mont_adx.h"

/* The butterfly's additions (ck_ntt_lazy of ntt_core.h) with r read from memory operands
 * rather than built with 64-bit immediates: u = v mod r, lo = u + t, hi = (u + r) - t,
 * for v < 2r and t < r. */
static inline __attribute__((always_inline)) void ck_ntt_lazy_adx(uint64_t lo[4], uint64_t hi[4], const uint64_t v[4],
                                                                  const uint64_t t[4]) {
    uint64_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3];
    uint64_t u0 = v0, u1 = v1, u2 = v2, u3 = v3;
    __asm__("subq %[r0], %[u0]\n\t"
            "sbbq %[r1], %[u1]\n\t"
            "sbbq %[r2], %[u2]\n\t"
            "sbbq %[r3], %[u3]\n\t"
            "cmovcq %[v0], %[u0]\n\t"
            "cmovcq %[v1], %[u1]\n\t"
            "cmovcq %[v2], %[u2]\n\t"
            "cmovcq %[v3], %[u3]\n\t"
            "movq %[u0], %[v0]\n\t"
            "movq %[u1], %[v1]\n\t"
            "movq %[u2], %[v2]\n\t"
            "movq %[u3], %[v3]\n\t"
            "addq %[t0], %[v0]\n\t"
            "adcq %[t1], %[v1]\n\t"
            "adcq %[t2], %[v2]\n\t"
            "adcq %[t3], %[v3]\n\t"
            "addq %[r0], %[u0]\n\t"
            "adcq %[r1], %[u1]\n\t"
            "adcq %[r2], %[u2]\n\t"
            "adcq %[r3], %[u3]\n\t"
            "subq %[t0], %[u0]\n\t"
            "sbbq %[t1], %[u1]\n\t"
            "sbbq %[t2], %[u2]\n\t"
            "sbbq %[t3], %[u3]\n\t"
            : [v0] "+&r"(v0), [v1] "+&r"(v1), [v2] "+&r"(v2), [v3] "+&r"(v3), [u0] "+&r"(u0), [u1] "+&r"(u1),
              [u2] "+&r"(u2), [u3] "+&r"(u3)
            : [t0] "r"(t[0]), [t1] "r"(t[1]), [t2] "r"(t[2]), [t3] "r"(t[3]), [r0] "m"(ck_fr_adx_c[0]),
              [r1] "m"(ck_fr_adx_c[1]), [r2] "m"(ck_fr_adx_c[2]), [r3] "m"(ck_fr_adx_c[3])
            : "cc");
    lo[0] = v0;
    lo[1] = v1;
    lo[2] = v2;
    lo[3] = v3;
    hi[0] = u0;
    hi[1] = u1;
    hi[2] = u2;
    hi[3] = u3;
}

#define CK_NTT_MUL(o, a, b) ck_fr_mul_adx_inl((o), (a), (b))
#define CK_NTT_MUL_LAZY(o, x, w) ck_fr_mul_adx_inl((o), (x), (w)) /* rows over the limbs of x */
#define CK_NTT_LAZY(lo, hi, v, t) ck_ntt_lazy_adx((lo), (hi), (v), (t))
#define CK_NTT_NAME(x) x##_adx
#define CK_NTT_TARGET __attribute__((target("adx,bmi2")))
#include "ntt_core.h"
