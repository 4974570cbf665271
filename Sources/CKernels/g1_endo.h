/* Private: the GLV endomorphism of G1 for curve_core.h and msm_core.h (included by g1.c,
 * msm_g1_adx.c and msm_g1_ifma.c after curve_core.h, before msm_core.h).
 *
 * phi(x, y) = (beta·x, y), beta a primitive cube root of unity in Fp, maps G1 to itself
 * as multiplication by an eigenvalue λ with λ^2 + λ + 1 = 0 mod r. Since r = x^4 - x^2 + 1
 * (x the BLS parameter), -x^2 is such a root; beta is the root of beta^2 + beta + 1 = 0
 * for which phi(G) = [-x^2]G, chosen once by checking that on the generator. A scalar k
 * is split as k = q·x^2 + rem (rem < x^2 < 2^128, q < 2^129 for any 256-bit k), so
 * k·P = rem·P + q·(-phi(P)): two half-length scalars sharing one doubling chain. Valid
 * for points of G1 (every decoded point is checked to be in it). */
#ifndef CK_G1_ENDO_H
#define CK_G1_ENDO_H

#include <pthread.h>

/* x^2 = 0xac45a4010001a402_0000000100000000 (|x| = 0xd201000000010000) */
static const uint64_t g1_x2[2] = {0x0000000100000000ull, 0xac45a4010001a402ull};

static ck_fp g1_beta;
static pthread_once_t g1_beta_once = PTHREAD_ONCE_INIT;

static void g1_beta_init(void) {
    CURVE_INIT();
    ck_fp three, root, one, two, half, cand[2];
    ck_fp_from_u64(&three, 3);
    F_NEG(&three, &three);
    ck_fp_sqrt(&root, &three); /* -3 is a square mod p (p = 1 mod 3) */
    F_ONE(&one);
    ck_fp_from_u64(&two, 2);
    F_INV(&half, &two);
    F_SUB(&cand[0], &root, &one);
    F_MUL(&cand[0], &cand[0], &half); /* (-1 + sqrt(-3)) / 2 */
    F_NEG(&cand[1], &cand[0]);
    F_SUB(&cand[1], &cand[1], &one); /* the other root: -1 - beta */
    ck_g1 g;
    ck_g1_generator(&g);
    uint8_t x2le[32] = {0};
    for (int b = 0; b < 16; b++) x2le[b] = (uint8_t)(g1_x2[b / 8] >> (8 * (b % 8)));
    JAC t;
    jac_from_aff(&t, &g);
    jac_mul(&t, &t, x2le);
    AFF m; /* [x^2]G, so [-x^2]G = (m.x, -m.y): phi(G) has G's y, so compare x and -y */
    jac_to_aff(&m, &t);
    F ny;
    F_NEG(&ny, &g.y);
    g1_beta = cand[1];
    for (int c = 0; c < 2; c++) {
        F bx;
        F_MUL(&bx, &cand[c], &g.x);
        if (F_EQ(&bx, &m.x) && F_EQ(&ny, &m.y)) g1_beta = cand[c];
    }
}

/* q = k div x^2, k = k mod x^2 (k: 5 LE limbs, the top one zero). */
static void g1_endo_split(uint64_t q[5], uint64_t k[5]) {
    pthread_once(&g1_beta_once, g1_beta_init);
    uint64_t r0 = 0, r1 = 0, r2 = 0;
    for (int i = 0; i < 5; i++) q[i] = 0;
    for (int b = 255; b >= 0; b--) {
        r2 = (r2 << 1) | (r1 >> 63);
        r1 = (r1 << 1) | (r0 >> 63);
        r0 = (r0 << 1) | ((k[b / 64] >> (b % 64)) & 1);
        if (r2 != 0 || r1 > g1_x2[1] || (r1 == g1_x2[1] && r0 >= g1_x2[0])) {
            unsigned __int128 t = (unsigned __int128)r0 - g1_x2[0];
            r0 = (uint64_t)t;
            uint64_t borrow = (uint64_t)(t >> 64) & 1;
            t = (unsigned __int128)r1 - g1_x2[1] - borrow;
            r1 = (uint64_t)t;
            borrow = (uint64_t)(t >> 64) & 1;
            r2 -= borrow;
            q[b / 64] |= (uint64_t)1 << (b % 64);
        }
    }
    k[0] = r0;
    k[1] = r1;
    k[2] = k[3] = k[4] = 0;
}

/* out = -phi(p) = [x^2]p on G1: (beta·X, -Y, Z) in Jacobian coordinates. */
static void g1_endo_map(JAC *out, const JAC *p) {
    F_MUL(&out->x, &g1_beta, &p->x);
    F_NEG(&out->y, &p->y);
    out->z = p->z;
}

/* P in G1 iff phi(P) + x^2·P == O: the endomorphism test of Scott (eprint 2021/1130,
 * section 4), the one EIP-2537 specifies for BLS12-381 G1, with the same beta. x^2·P is
 * |x|·(|x|·P): 126 doublings and 10 additions instead of r·P's 255-bit multiplication.
 * Valid for any point on the curve (the test is what rejects the others). */
static int g1_in_subgroup_fast(const JAC *p) {
    if (jac_is_inf(p)) return 1;
    pthread_once(&g1_beta_once, g1_beta_init);
    JAC t, phi;
    jac_mul_u64(&t, p, 0xd201000000010000ull);
    jac_mul_u64(&t, &t, 0xd201000000010000ull);
    F_MUL(&phi.x, &g1_beta, &p->x);
    phi.y = p->y;
    phi.z = p->z;
    jac_add(&t, &t, &phi);
    return jac_is_inf(&t);
}

#define CURVE_ENDO 1
#define CURVE_ENDO_SPLIT(q, k) g1_endo_split(q, k)
#define CURVE_ENDO_MAP(out, p) g1_endo_map(out, p)

#endif
