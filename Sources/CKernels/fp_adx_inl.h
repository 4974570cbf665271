/* Private: the inline Fp multiplication and squaring with mulx/adcx/adox (BMI2 + ADX),
 * shared by fp_adx.c and the kernels that inline them (callable only when the CPU has
 * CK_CPU_ADX; the inline assembly needs no target attribute).
 *
 * Word-by-word Montgomery (CIOS) over 6 limbs. Row i adds a_i*b to the running value
 * with two carry chains (ADCX: low halves, ADOX: high halves); the reduction step then
 * adds m*p with m = t_0 * (-p^-1) mod 2^64, which clears the low limb. p < 2^381, so the
 * running value stays below 2p < 2^382: six limbs between steps, a seventh only inside
 * one, and the limb cleared by a reduction is exactly zero, so it becomes the top limb
 * of the next row. The seven accumulator registers therefore rotate by one per step.
 * One conditional subtraction (cmov, no branch) at the end gives [0, p).
 *
 * Below them, for lazy reduction: the plain 768-bit product (ck_fp_mul_wide_adx_inl), a
 * separate Montgomery reduction of a 768-bit value (ck_fp_redc_adx_inl), and the Fp2
 * product and square built on them. */
#ifndef CK_FP_ADX_INL_H
#define CK_FP_ADX_INL_H

#include "fp_arith.h"

#define CK_ADX_TARGET __attribute__((target("adx,bmi2")))

/* p (limbs 0..5), n0 = -p^-1 mod 2^64, and a zero word used as an ADCX source. */
static const uint64_t ck_fp_adx_c[8] __attribute__((aligned(64))) = {
    CK_FP_P0, CK_FP_P1, CK_FP_P2, CK_FP_P3, CK_FP_P4, CK_FP_P5, CK_FP_N0, 0};

#define FP_R(x) "%[" #x "]"

/* Row 0: (R0..R6) = a_0 * b. */
#define FP_ROW0                                                                          \
    "movq 0(%[ap]), %[dx]\n\t"                                                           \
    "mulxq 0(%[bp]), %[R0], %[R1]\n\t"                                                   \
    "movq %[R0], %[m]\n\t"                                                               \
    "imulq %[n0], %[m]\n\t"                                                              \
    "xorl %k[lo], %k[lo]\n\t"                                                            \
    "mulxq 8(%[bp]), %[lo], %[R2]\n\t"                                                   \
    "adcxq %[lo], %[R1]\n\t"                                                             \
    "mulxq 16(%[bp]), %[lo], %[R3]\n\t"                                                  \
    "adcxq %[lo], %[R2]\n\t"                                                             \
    "mulxq 24(%[bp]), %[lo], %[R4]\n\t"                                                  \
    "adcxq %[lo], %[R3]\n\t"                                                             \
    "mulxq 32(%[bp]), %[lo], %[R5]\n\t"                                                  \
    "adcxq %[lo], %[R4]\n\t"                                                             \
    "mulxq 40(%[bp]), %[lo], %[R6]\n\t"                                                  \
    "adcxq %[lo], %[R5]\n\t"                                                             \
    "adcxq %[zero], %[R6]\n\t"

/* Row i (byte offset OFF = 8i): (A0..A5, Z) += a_i * b, where Z is zero on entry. The
 * final low limb A0 + lo(a_i b_0) is formed with LEA (no flags) and m = A0 * n0 computed
 * from it before the carry chains start (IMUL clobbers CF/OF); XOR of the zero Z then
 * clears both flags. The reduction after the row finds m ready. */
#define FP_ROW(OFF, A0, A1, A2, A3, A4, A5, Z)                                           \
    "movq " #OFF "(%[ap]), %[dx]\n\t"                                                    \
    "mulxq 0(%[bp]), %[lo], %[hi]\n\t"                                                   \
    "leaq (" FP_R(A0) ", %[lo]), %[m]\n\t"                                               \
    "imulq %[n0], %[m]\n\t"                                                              \
    "xorl %k[" #Z "], %k[" #Z "]\n\t"                                                    \
    "adcxq %[lo], " FP_R(A0) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A1) "\n\t"                                                      \
    "mulxq 8(%[bp]), %[lo], %[hi]\n\t"                                                   \
    "adcxq %[lo], " FP_R(A1) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A2) "\n\t"                                                      \
    "mulxq 16(%[bp]), %[lo], %[hi]\n\t"                                                  \
    "adcxq %[lo], " FP_R(A2) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A3) "\n\t"                                                      \
    "mulxq 24(%[bp]), %[lo], %[hi]\n\t"                                                  \
    "adcxq %[lo], " FP_R(A3) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A4) "\n\t"                                                      \
    "mulxq 32(%[bp]), %[lo], %[hi]\n\t"                                                  \
    "adcxq %[lo], " FP_R(A4) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A5) "\n\t"                                                      \
    "mulxq 40(%[bp]), %[lo], %[hi]\n\t"                                                  \
    "adcxq %[lo], " FP_R(A5) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(Z) "\n\t"                                                       \
    "adcxq %[zero], " FP_R(Z) "\n\t"

/* Reduction: (A0..A5, Z) += m * p with m = A0 * n0 from the row, after which A0 == 0
 * (and is reused as the zero source for the last carry). */
#define FP_RED(A0, A1, A2, A3, A4, A5, Z)                                                \
    "movq %[m], %[dx]\n\t"                                                               \
    "xorl %k[lo], %k[lo]\n\t"                                                            \
    "mulxq %[p0], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A0) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A1) "\n\t"                                                      \
    "mulxq %[p1], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A1) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A2) "\n\t"                                                      \
    "mulxq %[p2], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A2) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A3) "\n\t"                                                      \
    "mulxq %[p3], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A3) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A4) "\n\t"                                                      \
    "mulxq %[p4], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A4) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A5) "\n\t"                                                      \
    "mulxq %[p5], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A5) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(Z) "\n\t"                                                       \
    "adcxq " FP_R(A0) ", " FP_R(Z) "\n\t"

/* out = a*b*2^-384 mod p. Every input limb is read before out is written, so out may
 * alias a and/or b. 13 general registers (rdx included). */
static inline __attribute__((always_inline)) void
ck_fp_mul_adx_inl(uint64_t out[6], const uint64_t a[6], const uint64_t b[6]) {
    uint64_t R0, R1, R2, R3, R4, R5, R6, lo, hi, dx, m;
    const uint64_t *ap = a, *bp = b;
    uint64_t ua, ub;
    __asm__(
        FP_ROW0
        FP_RED(R0, R1, R2, R3, R4, R5, R6)
        FP_ROW(8, R1, R2, R3, R4, R5, R6, R0)
        FP_RED(R1, R2, R3, R4, R5, R6, R0)
        FP_ROW(16, R2, R3, R4, R5, R6, R0, R1)
        FP_RED(R2, R3, R4, R5, R6, R0, R1)
        FP_ROW(24, R3, R4, R5, R6, R0, R1, R2)
        FP_RED(R3, R4, R5, R6, R0, R1, R2)
        FP_ROW(32, R4, R5, R6, R0, R1, R2, R3)
        FP_RED(R4, R5, R6, R0, R1, R2, R3)
        FP_ROW(40, R5, R6, R0, R1, R2, R3, R4)
        FP_RED(R5, R6, R0, R1, R2, R3, R4)
        /* value (R6, R0, R1, R2, R3, R4) < 2p: subtract p, keep the value if that borrowed */
        "movq %[R6], %[R5]\n\t"
        "movq %[R0], %[lo]\n\t"
        "movq %[R1], %[hi]\n\t"
        "movq %[R2], %[dx]\n\t"
        "movq %[R3], %[ap]\n\t"
        "movq %[R4], %[bp]\n\t"
        "subq %[p0], %[R5]\n\t"
        "sbbq %[p1], %[lo]\n\t"
        "sbbq %[p2], %[hi]\n\t"
        "sbbq %[p3], %[dx]\n\t"
        "sbbq %[p4], %[ap]\n\t"
        "sbbq %[p5], %[bp]\n\t"
        "cmovcq %[R6], %[R5]\n\t"
        "cmovcq %[R0], %[lo]\n\t"
        "cmovcq %[R1], %[hi]\n\t"
        "cmovcq %[R2], %[dx]\n\t"
        "cmovcq %[R3], %[ap]\n\t"
        "cmovcq %[R4], %[bp]\n\t"
        : [R0] "=&r"(R0), [R1] "=&r"(R1), [R2] "=&r"(R2), [R3] "=&r"(R3), [R4] "=&r"(R4),
          [R5] "=&r"(R5), [R6] "=&r"(R6), [lo] "=&r"(lo), [hi] "=&r"(hi), [dx] "=&d"(dx),
          [m] "=&r"(m), [ap] "+&r"(ap), [bp] "+&r"(bp)
        : [p0] "m"(ck_fp_adx_c[0]), [p1] "m"(ck_fp_adx_c[1]), [p2] "m"(ck_fp_adx_c[2]),
          [p3] "m"(ck_fp_adx_c[3]), [p4] "m"(ck_fp_adx_c[4]), [p5] "m"(ck_fp_adx_c[5]),
          [n0] "m"(ck_fp_adx_c[6]), [zero] "m"(ck_fp_adx_c[7])
        : "cc", "memory");
    ua = (uint64_t)ap;
    ub = (uint64_t)bp;
    out[0] = R5;
    out[1] = lo;
    out[2] = hi;
    out[3] = dx;
    out[4] = ua;
    out[5] = ub;
}

/* Reduction of the low half in squaring: m = A0 * n0 straight into rdx. */
#define FP_REDS(A0, A1, A2, A3, A4, A5, Z)                                               \
    "movq " FP_R(A0) ", %[dx]\n\t"                                                       \
    "imulq %[n0], %[dx]\n\t"                                                             \
    "xorl %k[lo], %k[lo]\n\t"                                                            \
    "mulxq %[p0], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A0) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A1) "\n\t"                                                      \
    "mulxq %[p1], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A1) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A2) "\n\t"                                                      \
    "mulxq %[p2], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A2) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A3) "\n\t"                                                      \
    "mulxq %[p3], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A3) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A4) "\n\t"                                                      \
    "mulxq %[p4], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A4) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A5) "\n\t"                                                      \
    "mulxq %[p5], %[lo], %[hi]\n\t"                                                      \
    "adcxq %[lo], " FP_R(A5) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(Z) "\n\t"                                                       \
    "adcxq " FP_R(A0) ", " FP_R(Z) "\n\t"

/* out = a^2 * 2^-384 mod p. The 15 cross products a_i a_j (i < j) are computed once
 * (limbs w1..w10, spilled to the stack buffer t as soon as no later row touches them),
 * doubled and added to the 6 squares (21 MULX instead of 36). The low half w0..w5 is
 * then reduced in 6 Montgomery steps to U = (T mod 2^384 + M p) / 2^384 <= p, the high
 * half t[6..11] (< p/8) added, and p subtracted once if that did not borrow. */
static inline __attribute__((always_inline)) void ck_fp_sqr_adx_inl(uint64_t out[6],
                                                                    const uint64_t a[6]) {
    uint64_t A, B, C, D, E, F, G, H, I, lo, hi, dx;
    uint64_t t[12];
    const uint64_t *ap = a;
    __asm__(
        /* row 0: a0 * (a1..a5) -> w1..w6 */
        "movq 0(%[ap]), %[dx]\n\t"
        "xorl %k[lo], %k[lo]\n\t"
        "mulxq 8(%[ap]), %[A], %[B]\n\t"
        "mulxq 16(%[ap]), %[lo], %[C]\n\t"
        "adcxq %[lo], %[B]\n\t"
        "mulxq 24(%[ap]), %[lo], %[D]\n\t"
        "adcxq %[lo], %[C]\n\t"
        "mulxq 32(%[ap]), %[lo], %[E]\n\t"
        "adcxq %[lo], %[D]\n\t"
        "mulxq 40(%[ap]), %[lo], %[F]\n\t"
        "adcxq %[lo], %[E]\n\t"
        "adcxq %[zero], %[F]\n\t"
        "movq %[A], 8+%[t]\n\t"
        "movq %[B], 16+%[t]\n\t"
        /* row 1: a1 * (a2..a5) -> w3..w7 (w7 in A) */
        "movq 8(%[ap]), %[dx]\n\t"
        "xorl %k[A], %k[A]\n\t"
        "mulxq 16(%[ap]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[C]\n\t"
        "adoxq %[hi], %[D]\n\t"
        "mulxq 24(%[ap]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[D]\n\t"
        "adoxq %[hi], %[E]\n\t"
        "mulxq 32(%[ap]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[E]\n\t"
        "adoxq %[hi], %[F]\n\t"
        "mulxq 40(%[ap]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[F]\n\t"
        "adoxq %[hi], %[A]\n\t"
        "adcxq %[zero], %[A]\n\t"
        "movq %[C], 24+%[t]\n\t"
        "movq %[D], 32+%[t]\n\t"
        /* row 2: a2 * (a3..a5) -> w5..w8 (w8 in B) */
        "movq 16(%[ap]), %[dx]\n\t"
        "xorl %k[B], %k[B]\n\t"
        "mulxq 24(%[ap]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[E]\n\t"
        "adoxq %[hi], %[F]\n\t"
        "mulxq 32(%[ap]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[F]\n\t"
        "adoxq %[hi], %[A]\n\t"
        "mulxq 40(%[ap]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[A]\n\t"
        "adoxq %[hi], %[B]\n\t"
        "adcxq %[zero], %[B]\n\t"
        "movq %[E], 40+%[t]\n\t"
        "movq %[F], 48+%[t]\n\t"
        /* row 3: a3 * (a4, a5) -> w7..w9 (w9 in C) */
        "movq 24(%[ap]), %[dx]\n\t"
        "xorl %k[C], %k[C]\n\t"
        "mulxq 32(%[ap]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[A]\n\t"
        "adoxq %[hi], %[B]\n\t"
        "mulxq 40(%[ap]), %[lo], %[hi]\n\t"
        "adcxq %[lo], %[B]\n\t"
        "adoxq %[hi], %[C]\n\t"
        "adcxq %[zero], %[C]\n\t"
        "movq %[A], 56+%[t]\n\t"
        /* row 4: a4 * a5 -> w9, w10 (w10 in D) */
        "movq 32(%[ap]), %[dx]\n\t"
        "mulxq 40(%[ap]), %[lo], %[D]\n\t"
        "addq %[lo], %[C]\n\t"
        "adcq $0, %[D]\n\t"
        /* T = 2 * cross + squares: CF chain doubles, OF chain adds a_i^2 at w_2i, w_2i+1.
         * w0..w5 end in E, A, F, G, H, I; w6..w11 in t[6..11]. */
        "movq 0(%[ap]), %[dx]\n\t"
        "xorl %k[lo], %k[lo]\n\t"
        "mulxq %[dx], %[E], %[hi]\n\t"
        "movq 8+%[t], %[A]\n\t"
        "adcxq %[A], %[A]\n\t"
        "adoxq %[hi], %[A]\n\t"
        "movq 8(%[ap]), %[dx]\n\t"
        "mulxq %[dx], %[lo], %[hi]\n\t"
        "movq 16+%[t], %[F]\n\t"
        "adcxq %[F], %[F]\n\t"
        "adoxq %[lo], %[F]\n\t"
        "movq 24+%[t], %[G]\n\t"
        "adcxq %[G], %[G]\n\t"
        "adoxq %[hi], %[G]\n\t"
        "movq 16(%[ap]), %[dx]\n\t"
        "mulxq %[dx], %[lo], %[hi]\n\t"
        "movq 32+%[t], %[H]\n\t"
        "adcxq %[H], %[H]\n\t"
        "adoxq %[lo], %[H]\n\t"
        "movq 40+%[t], %[I]\n\t"
        "adcxq %[I], %[I]\n\t"
        "adoxq %[hi], %[I]\n\t"
        "movq 24(%[ap]), %[dx]\n\t"
        "mulxq %[dx], %[lo], %[hi]\n\t"
        "movq 48+%[t], %[dx]\n\t"
        "adcxq %[dx], %[dx]\n\t"
        "adoxq %[lo], %[dx]\n\t"
        "movq %[dx], 48+%[t]\n\t"
        "movq 56+%[t], %[dx]\n\t"
        "adcxq %[dx], %[dx]\n\t"
        "adoxq %[hi], %[dx]\n\t"
        "movq %[dx], 56+%[t]\n\t"
        "movq 32(%[ap]), %[dx]\n\t"
        "mulxq %[dx], %[lo], %[hi]\n\t"
        "adcxq %[B], %[B]\n\t"
        "adoxq %[lo], %[B]\n\t"
        "adcxq %[C], %[C]\n\t"
        "adoxq %[hi], %[C]\n\t"
        "movq 40(%[ap]), %[dx]\n\t"
        "mulxq %[dx], %[lo], %[hi]\n\t"
        "adcxq %[D], %[D]\n\t"
        "adoxq %[lo], %[D]\n\t"
        "movl $0, %k[dx]\n\t"
        "adcxq %[dx], %[hi]\n\t"
        "adoxq %[dx], %[hi]\n\t"
        "movq %[B], 64+%[t]\n\t"
        "movq %[C], 72+%[t]\n\t"
        "movq %[D], 80+%[t]\n\t"
        "movq %[hi], 88+%[t]\n\t"
        /* reduce the low half (E, A, F, G, H, I); the zero top limb rotates */
        "xorl %k[B], %k[B]\n\t"
        FP_REDS(E, A, F, G, H, I, B)
        FP_REDS(A, F, G, H, I, B, E)
        FP_REDS(F, G, H, I, B, E, A)
        FP_REDS(G, H, I, B, E, A, F)
        FP_REDS(H, I, B, E, A, F, G)
        FP_REDS(I, B, E, A, F, G, H)
        /* U = (B, E, A, F, G, H) <= p; add the high half, result < 2p */
        "addq 48+%[t], %[B]\n\t"
        "adcq 56+%[t], %[E]\n\t"
        "adcq 64+%[t], %[A]\n\t"
        "adcq 72+%[t], %[F]\n\t"
        "adcq 80+%[t], %[G]\n\t"
        "adcq 88+%[t], %[H]\n\t"
        /* subtract p, keep the sum if that borrowed */
        "movq %[B], %[I]\n\t"
        "movq %[E], %[lo]\n\t"
        "movq %[A], %[hi]\n\t"
        "movq %[F], %[dx]\n\t"
        "movq %[G], %[ap]\n\t"
        "movq %[H], %[C]\n\t"
        "subq %[p0], %[I]\n\t"
        "sbbq %[p1], %[lo]\n\t"
        "sbbq %[p2], %[hi]\n\t"
        "sbbq %[p3], %[dx]\n\t"
        "sbbq %[p4], %[ap]\n\t"
        "sbbq %[p5], %[C]\n\t"
        "cmovcq %[B], %[I]\n\t"
        "cmovcq %[E], %[lo]\n\t"
        "cmovcq %[A], %[hi]\n\t"
        "cmovcq %[F], %[dx]\n\t"
        "cmovcq %[G], %[ap]\n\t"
        "cmovcq %[H], %[C]\n\t"
        : [A] "=&r"(A), [B] "=&r"(B), [C] "=&r"(C), [D] "=&r"(D), [E] "=&r"(E), [F] "=&r"(F),
          [G] "=&r"(G), [H] "=&r"(H), [I] "=&r"(I), [lo] "=&r"(lo), [hi] "=&r"(hi),
          [dx] "=&d"(dx), [ap] "+&r"(ap), [t] "=m"(t)
        : [p0] "m"(ck_fp_adx_c[0]), [p1] "m"(ck_fp_adx_c[1]), [p2] "m"(ck_fp_adx_c[2]),
          [p3] "m"(ck_fp_adx_c[3]), [p4] "m"(ck_fp_adx_c[4]), [p5] "m"(ck_fp_adx_c[5]),
          [n0] "m"(ck_fp_adx_c[6]), [zero] "m"(ck_fp_adx_c[7])
        : "cc", "memory");
    (void)D;
    out[0] = I;
    out[1] = lo;
    out[2] = hi;
    out[3] = dx;
    out[4] = (uint64_t)ap;
    out[5] = C;
}

/* ---- double-width products and a separate reduction (lazy reduction) ------------- */

/* Row i of a plain product (byte offset OFF = 8i): (A0..A5, Z) += a_i * b with Z zeroed
 * first (which also clears CF and OF); the finished low limb A0 goes to out[i]. */
#define FPX_ROW(OFF, A0, A1, A2, A3, A4, A5, Z)                                          \
    "movq " #OFF "(%[ap]), %[dx]\n\t"                                                    \
    "xorl %k[" #Z "], %k[" #Z "]\n\t"                                                    \
    "mulxq 0(%[bp]), %[lo], %[hi]\n\t"                                                   \
    "adcxq %[lo], " FP_R(A0) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A1) "\n\t"                                                      \
    "mulxq 8(%[bp]), %[lo], %[hi]\n\t"                                                   \
    "adcxq %[lo], " FP_R(A1) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A2) "\n\t"                                                      \
    "mulxq 16(%[bp]), %[lo], %[hi]\n\t"                                                  \
    "adcxq %[lo], " FP_R(A2) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A3) "\n\t"                                                      \
    "mulxq 24(%[bp]), %[lo], %[hi]\n\t"                                                  \
    "adcxq %[lo], " FP_R(A3) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A4) "\n\t"                                                      \
    "mulxq 32(%[bp]), %[lo], %[hi]\n\t"                                                  \
    "adcxq %[lo], " FP_R(A4) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(A5) "\n\t"                                                      \
    "mulxq 40(%[bp]), %[lo], %[hi]\n\t"                                                  \
    "adcxq %[lo], " FP_R(A5) "\n\t"                                                      \
    "adoxq %[hi], " FP_R(Z) "\n\t"                                                       \
    "adcxq %[zero], " FP_R(Z) "\n\t"                                                     \
    "movq " FP_R(A0) ", %[o" #OFF "]\n\t"

/* out (12 limbs) = a * b, the full 768-bit product, no reduction. a and b may be any
 * 384-bit values; out must not overlap a or b. 36 MULX. The limbs of out are memory
 * operands (no pointer register: 12 registers, so it also inlines where a frame pointer
 * is kept). */
static inline __attribute__((always_inline)) void
ck_fp_mul_wide_adx_inl(uint64_t out[12], const uint64_t a[6], const uint64_t b[6]) {
    uint64_t R0, R1, R2, R3, R4, R5, R6, lo, hi, dx;
    const uint64_t *ap = a, *bp = b;
    __asm__(
        "movq 0(%[ap]), %[dx]\n\t"
        "mulxq 0(%[bp]), %[R0], %[R1]\n\t"
        "xorl %k[lo], %k[lo]\n\t"
        "mulxq 8(%[bp]), %[lo], %[R2]\n\t"
        "adcxq %[lo], %[R1]\n\t"
        "mulxq 16(%[bp]), %[lo], %[R3]\n\t"
        "adcxq %[lo], %[R2]\n\t"
        "mulxq 24(%[bp]), %[lo], %[R4]\n\t"
        "adcxq %[lo], %[R3]\n\t"
        "mulxq 32(%[bp]), %[lo], %[R5]\n\t"
        "adcxq %[lo], %[R4]\n\t"
        "mulxq 40(%[bp]), %[lo], %[R6]\n\t"
        "adcxq %[lo], %[R5]\n\t"
        "adcxq %[zero], %[R6]\n\t"
        "movq %[R0], %[o0]\n\t"
        FPX_ROW(8, R1, R2, R3, R4, R5, R6, R0)
        FPX_ROW(16, R2, R3, R4, R5, R6, R0, R1)
        FPX_ROW(24, R3, R4, R5, R6, R0, R1, R2)
        FPX_ROW(32, R4, R5, R6, R0, R1, R2, R3)
        FPX_ROW(40, R5, R6, R0, R1, R2, R3, R4)
        "movq %[R6], %[o48]\n\t"
        "movq %[R0], %[o56]\n\t"
        "movq %[R1], %[o64]\n\t"
        "movq %[R2], %[o72]\n\t"
        "movq %[R3], %[o80]\n\t"
        "movq %[R4], %[o88]\n\t"
        : [R0] "=&r"(R0), [R1] "=&r"(R1), [R2] "=&r"(R2), [R3] "=&r"(R3), [R4] "=&r"(R4),
          [R5] "=&r"(R5), [R6] "=&r"(R6), [lo] "=&r"(lo), [hi] "=&r"(hi), [dx] "=&d"(dx),
          [o0] "=m"(out[0]), [o8] "=m"(out[1]), [o16] "=m"(out[2]), [o24] "=m"(out[3]),
          [o32] "=m"(out[4]), [o40] "=m"(out[5]), [o48] "=m"(out[6]), [o56] "=m"(out[7]),
          [o64] "=m"(out[8]), [o72] "=m"(out[9]), [o80] "=m"(out[10]), [o88] "=m"(out[11])
        : [ap] "r"(ap), [bp] "r"(bp), [zero] "m"(ck_fp_adx_c[7])
        : "cc", "memory");
}

/* out = t * 2^-384 mod p, fully reduced, for a 768-bit t whose high half t[6..11] is
 * below p (so t < p * 2^384). Six Montgomery steps on the low half give
 * U = (t_lo + M p) / 2^384 <= p; U + t_hi < 2p, and one conditional subtraction of p
 * lands in [0, p). out may alias t. 36 MULX. */
static inline __attribute__((always_inline)) void ck_fp_redc_adx_inl(uint64_t out[6],
                                                                     const uint64_t t[12]) {
    uint64_t R0, R1, R2, R3, R4, R5, R6, H, lo, hi, dx;
    const uint64_t *tp = t;
    __asm__(
        "movq 0(%[tp]), %[R0]\n\t"
        "movq 8(%[tp]), %[R1]\n\t"
        "movq 16(%[tp]), %[R2]\n\t"
        "movq 24(%[tp]), %[R3]\n\t"
        "movq 32(%[tp]), %[R4]\n\t"
        "movq 40(%[tp]), %[R5]\n\t"
        "xorl %k[R6], %k[R6]\n\t"
        FP_REDS(R0, R1, R2, R3, R4, R5, R6)
        FP_REDS(R1, R2, R3, R4, R5, R6, R0)
        FP_REDS(R2, R3, R4, R5, R6, R0, R1)
        FP_REDS(R3, R4, R5, R6, R0, R1, R2)
        FP_REDS(R4, R5, R6, R0, R1, R2, R3)
        FP_REDS(R5, R6, R0, R1, R2, R3, R4)
        /* U = (R6, R0, R1, R2, R3, R4) <= p; add the high half */
        "addq 48(%[tp]), %[R6]\n\t"
        "adcq 56(%[tp]), %[R0]\n\t"
        "adcq 64(%[tp]), %[R1]\n\t"
        "adcq 72(%[tp]), %[R2]\n\t"
        "adcq 80(%[tp]), %[R3]\n\t"
        "adcq 88(%[tp]), %[R4]\n\t"
        "movq %[R6], %[R5]\n\t"
        "movq %[R0], %[H]\n\t"
        "movq %[R1], %[lo]\n\t"
        "movq %[R2], %[hi]\n\t"
        "movq %[R3], %[dx]\n\t"
        "movq %[R4], %[tp]\n\t"
        "subq %[p0], %[R5]\n\t"
        "sbbq %[p1], %[H]\n\t"
        "sbbq %[p2], %[lo]\n\t"
        "sbbq %[p3], %[hi]\n\t"
        "sbbq %[p4], %[dx]\n\t"
        "sbbq %[p5], %[tp]\n\t"
        "cmovcq %[R6], %[R5]\n\t"
        "cmovcq %[R0], %[H]\n\t"
        "cmovcq %[R1], %[lo]\n\t"
        "cmovcq %[R2], %[hi]\n\t"
        "cmovcq %[R3], %[dx]\n\t"
        "cmovcq %[R4], %[tp]\n\t"
        : [R0] "=&r"(R0), [R1] "=&r"(R1), [R2] "=&r"(R2), [R3] "=&r"(R3), [R4] "=&r"(R4),
          [R5] "=&r"(R5), [R6] "=&r"(R6), [H] "=&r"(H), [lo] "=&r"(lo), [hi] "=&r"(hi),
          [dx] "=&d"(dx), [tp] "+&r"(tp)
        : [p0] "m"(ck_fp_adx_c[0]), [p1] "m"(ck_fp_adx_c[1]), [p2] "m"(ck_fp_adx_c[2]),
          [p3] "m"(ck_fp_adx_c[3]), [p4] "m"(ck_fp_adx_c[4]), [p5] "m"(ck_fp_adx_c[5]),
          [n0] "m"(ck_fp_adx_c[6])
        : "cc", "memory");
    out[0] = R5;
    out[1] = H;
    out[2] = lo;
    out[3] = hi;
    out[4] = dx;
    out[5] = (uint64_t)tp;
}

/* o = a + b on 6 limbs, no reduction (a, b < 2^383 here, so no carry out). */
static inline __attribute__((always_inline)) void ck_fp_add_nr_inl(uint64_t o[6], const uint64_t a[6],
                                                                  const uint64_t b[6]) {
    uint64_t c = 0;
    for (int i = 0; i < 6; i++) o[i] = ck_fp_adc(a[i], b[i], &c);
}

/* Fp2 = Fp[u]/(u^2 + 1) on 12 limbs (c0 then c1), the products inlined, lazy reduction:
 * t0 = a0 b0, t1 = a1 b1, s = (a0 + a1)(b0 + b1) as 768-bit integers (the sums are not
 * reduced: < 2p, so s < 4p^2 < 2^764); c1 = s - t0 - t1 = a0 b1 + a1 b0 exactly
 * (< 2p^2 < p 2^384), c0 = t0 - t1, plus p 2^384 when negative (then in (0, p 2^384));
 * two reductions. Results fully reduced; out may alias a or b. */
static inline __attribute__((always_inline)) void
ck_fp2_mul_adx_inl(uint64_t *out, const uint64_t *a, const uint64_t *b) {
    uint64_t t0[12], t1[12], s[12], sa[6], sb[6];
    ck_fp_add_nr_inl(sa, a, a + 6);
    ck_fp_add_nr_inl(sb, b, b + 6);
    ck_fp_mul_wide_adx_inl(t0, a, b);
    ck_fp_mul_wide_adx_inl(t1, a + 6, b + 6);
    ck_fp_mul_wide_adx_inl(s, sa, sb);
    uint64_t br = 0;
    for (int i = 0; i < 12; i++) s[i] = ck_fp_sbb(s[i], t0[i], &br);
    br = 0;
    for (int i = 0; i < 12; i++) s[i] = ck_fp_sbb(s[i], t1[i], &br);
    br = 0;
    for (int i = 0; i < 12; i++) t0[i] = ck_fp_sbb(t0[i], t1[i], &br);
    uint64_t m = (uint64_t)0 - br, c = 0;
    for (int i = 0; i < 6; i++) t0[6 + i] = ck_fp_adc(t0[6 + i], ck_fp_adx_c[i] & m, &c);
    ck_fp_redc_adx_inl(out, t0);
    ck_fp_redc_adx_inl(out + 6, s);
}

/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u: two Montgomery products whose first
 * factors are left unreduced (a0 + a1 < 2p, a0 + p - a1 < 2p, 2 a0 < 2p); with one
 * factor below 2p and the other below 2p the product's running value stays below 2^383
 * and its result below 1.5p, so the product's one subtraction still gives [0, p).
 * out may alias a. */
static inline __attribute__((always_inline)) void ck_fp2_sqr_adx_inl(uint64_t *out,
                                                                     const uint64_t *a) {
    uint64_t s[6], d[6], a2[6], c = 0, br = 0;
    ck_fp_add_nr_inl(s, a, a + 6);
    for (int i = 0; i < 6; i++) d[i] = ck_fp_adc(a[i], ck_fp_adx_c[i], &c);
    for (int i = 0; i < 6; i++) d[i] = ck_fp_sbb(d[i], a[6 + i], &br);
    ck_fp_add_nr_inl(a2, a, a);
    ck_fp_mul_adx_inl(out + 6, a2, a + 6);
    ck_fp_mul_adx_inl(out, s, d);
}

#endif
