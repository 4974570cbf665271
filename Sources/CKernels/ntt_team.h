/* Private: the thread team and the job description shared by ntt.c (portable) and
 * ntt_adx.c (mulx/adx). A team is the calling thread plus up to threads - 1 POSIX threads
 * that run the same member function and meet at ck_ntt_team_sync between phases. */
#ifndef CK_NTT_TEAM_H
#define CK_NTT_TEAM_H

#include "CKernels.h"

#include <stddef.h>
#include <stdint.h>

#define CK_NTT_MAX_THREADS 256u
/* Transforms below 2^CK_NTT_MIN_PARALLEL_LOG run on one thread (starting threads costs
 * more than the work). */
#define CK_NTT_MIN_PARALLEL_LOG 11u
/* Stages whose butterflies stay inside blocks of 2^CK_NTT_LOG_BLOCK elements (512 KiB)
 * run block by block, depth first, so each block stays in the core's L2. */
#ifndef CK_NTT_LOG_BLOCK
#define CK_NTT_LOG_BLOCK 14u
#endif
/* The remaining stages run on column groups of about 2^CK_NTT_LOG_GROUP elements, copied
 * into a contiguous per-member scratch buffer, transformed there through all remaining
 * stages, and copied back (the rows of a group are 2^L elements apart: a power-of-two
 * stride that would map them all to the same cache sets). */
#ifndef CK_NTT_LOG_GROUP
#define CK_NTT_LOG_GROUP 14u
#endif

/* log2 of the block of phase 2 for a team of `members` (at least one block each). */
static inline uint32_t ck_ntt_log_block(uint32_t log_n, uint32_t members) {
    uint32_t lb = log_n < CK_NTT_LOG_BLOCK ? log_n : CK_NTT_LOG_BLOCK;
    while (lb > 1 && ((size_t)1 << (log_n - lb)) < members) lb--;
    return lb;
}

/* log2 of the columns of a phase-3 group: rows = 2^(log_n - lb), at least 2 columns. */
static inline uint32_t ck_ntt_log_columns(uint32_t log_n, uint32_t lb) {
    uint32_t rows = log_n - lb;
    uint32_t lc = rows >= CK_NTT_LOG_GROUP ? 1 : CK_NTT_LOG_GROUP - rows;
    if (lc < 1) lc = 1;
    if (lc > lb) lc = lb;
    return lc;
}

/* Scratch elements per member: one column group (0 when there is no phase 3). */
static inline size_t ck_ntt_member_scratch(uint32_t log_n, uint32_t members) {
    uint32_t lb = ck_ntt_log_block(log_n, members);
    if (lb == log_n) return 0;
    return (size_t)1 << (log_n - lb + ck_ntt_log_columns(log_n, lb));
}

typedef struct ck_ntt_team ck_ntt_team;
typedef void (*ck_ntt_member_fn)(void *job, uint32_t id, uint32_t members, ck_ntt_team *team);

/* Returns when every member of the team has called it (no-op for a team of one). */
void ck_ntt_team_sync(ck_ntt_team *team);
/* Runs fn(job, id, members, team) for id = 0..members-1, member 0 on the calling thread;
 * members = threads unless a thread could not be started (then fewer, at least 1). */
void ck_ntt_team_run(uint32_t threads, ck_ntt_member_fn fn, void *job);

typedef struct {
    ck_fr *a;              /* n = 2^log_n elements, transformed in place */
    ck_fr *twiddles;       /* n - 1 elements: stage s (s < log_n) at offset 2^s - 1 holds
                              omega^(j n / 2^(s+1)) for j < 2^s */
    const ck_fr *omega;    /* when build_twiddles: the table is filled first */
    int build_twiddles;
    uint32_t log_n;
    ck_fr *scratch;        /* per member: ck_ntt_member_scratch(log_n, threads) elements */
    size_t scratch_per_member;
} ck_ntt_job;

typedef struct {
    ck_fr *a;
    size_t n;
    ck_fr c; /* a_j *= c * g^j (or a_j *= c when !use_g) */
    ck_fr g;
    int use_g;
} ck_ntt_powers_job;

/* The implementations of ntt_core.h. */
void ck_fr_ntt_member_portable(void *job, uint32_t id, uint32_t members, ck_ntt_team *team);
void ck_fr_powers_member_portable(void *job, uint32_t id, uint32_t members, ck_ntt_team *team);
void ck_fr_ntt_member_adx(void *job, uint32_t id, uint32_t members, ck_ntt_team *team);
void ck_fr_powers_member_adx(void *job, uint32_t id, uint32_t members, ck_ntt_team *team);

#endif
