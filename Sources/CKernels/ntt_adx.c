/* The NTT over Fr with the mulx/adx multiplication (ntt_core.h). */
#include "dispatch.h"
#include "fr_mont_adx.h"

#define CK_NTT_MUL(o, a, b) ck_fr_mul_adx_inl((o), (a), (b))
#define CK_NTT_MUL_LAZY(o, x, w) ck_fr_mul_adx_inl((o), (x), (w)) /* rows over the limbs of x */
#define CK_NTT_NAME(x) x##_adx
#define CK_NTT_TARGET __attribute__((target("adx,bmi2")))
#include "ntt_core.h"
