/* The radix-2 NTT over Fr (bellperson's EvaluationDomain): the public entry points, the
 * thread team, and the portable build of ntt_core.h (ntt_adx.c builds the mulx/adx one).
 * The domain: omega_n = ROOT_OF_UNITY^(2^(32 - log_n)) with ROOT_OF_UNITY = 7^((r-1)/2^32)
 * (blstrs, S = 32). */
#include "dispatch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CK_NTT_MUL(o, a, b) ck_fr_mul_portable_inl((o), (a), (b))
#define CK_NTT_MUL_LAZY(o, x, w) ck_fr_mul_portable_inl((o), (w), (x)) /* CIOS over the limbs of x */
#define CK_NTT_NAME(x) x##_portable
#define CK_NTT_TARGET
#include "ntt_core.h"

/* ---- the thread team ---------------------------------------------------------------- */

struct ck_ntt_team {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint32_t members; /* UINT32_MAX until every thread is started */
    uint32_t arrived;
    uint64_t generation;
    ck_ntt_member_fn fn;
    void *job;
};

typedef struct {
    ck_ntt_team *team;
    uint32_t id;
} ck_ntt_seat;

static void team_wait(ck_ntt_team *t) {
    pthread_mutex_lock(&t->mu);
    uint64_t gen = t->generation;
    if (++t->arrived == t->members) {
        t->arrived = 0;
        t->generation++;
        pthread_cond_broadcast(&t->cv);
    } else {
        while (gen == t->generation) pthread_cond_wait(&t->cv, &t->mu);
    }
    pthread_mutex_unlock(&t->mu);
}

void ck_ntt_team_sync(ck_ntt_team *team) {
    if (team == NULL || team->members <= 1) return;
    team_wait(team);
}

static void *team_thread(void *arg) {
    ck_ntt_seat *seat = arg;
    ck_ntt_team *t = seat->team;
    team_wait(t); /* the start gate: members is final after it */
    t->fn(t->job, seat->id, t->members, t);
    return NULL;
}

void ck_ntt_team_run(uint32_t threads, ck_ntt_member_fn fn, void *job) {
    if (threads > CK_NTT_MAX_THREADS) threads = CK_NTT_MAX_THREADS;
    if (threads <= 1) {
        fn(job, 0, 1, NULL);
        return;
    }
    ck_ntt_team t;
    pthread_mutex_init(&t.mu, NULL);
    pthread_cond_init(&t.cv, NULL);
    t.members = UINT32_MAX;
    t.arrived = 0;
    t.generation = 0;
    t.fn = fn;
    t.job = job;
    pthread_t tid[CK_NTT_MAX_THREADS];
    ck_ntt_seat seats[CK_NTT_MAX_THREADS];
    uint32_t started = 1;
    for (uint32_t i = 1; i < threads; i++) {
        seats[i].team = &t;
        seats[i].id = i;
        if (pthread_create(&tid[i], NULL, team_thread, &seats[i]) != 0) break;
        started++;
    }
    pthread_mutex_lock(&t.mu);
    t.members = started;
    pthread_mutex_unlock(&t.mu);
    if (started > 1) team_wait(&t);
    fn(job, 0, started, started > 1 ? &t : NULL);
    for (uint32_t i = 1; i < started; i++) pthread_join(tid[i], NULL);
    pthread_cond_destroy(&t.cv);
    pthread_mutex_destroy(&t.mu);
}

/* ---- entry points ------------------------------------------------------------------- */

static int use_adx(void) { return (ck_cpu_features_used() & CK_CPU_ADX) != 0; }

static int ntt_run(ck_fr *a, uint32_t log_n, const ck_fr *omega, const ck_fr *twiddles, uint32_t threads,
                   ck_ntt_member_fn fn) {
    if (a == NULL || log_n > CK_NTT_MAX_LOG || (omega == NULL && twiddles == NULL)) return CK_E_ARG;
    if (log_n == 0) return CK_OK;
    if (threads == 0) threads = 1;
    if (threads > CK_NTT_MAX_THREADS) threads = CK_NTT_MAX_THREADS;
    if (log_n < CK_NTT_MIN_PARALLEL_LOG) threads = 1;
    const size_t half = (size_t)1 << (log_n - 1);
    const size_t per_member = ck_ntt_member_scratch(log_n, threads);
    ck_fr *table = NULL;
    if (twiddles == NULL) {
        table = malloc((2 * half - 1) * sizeof(ck_fr));
        if (table == NULL) return CK_E_NTT_NO_MEMORY;
    }
    ck_fr *blocks = per_member == 0 ? NULL : malloc((size_t)threads * per_member * sizeof(ck_fr));
    if (per_member != 0 && blocks == NULL) {
        free(table);
        return CK_E_NTT_NO_MEMORY;
    }
    ck_ntt_job job = {
        .a = a,
        .twiddles = table != NULL ? table : (ck_fr *)twiddles, /* read only when !build_twiddles */
        .omega = omega,
        .build_twiddles = table != NULL,
        .log_n = log_n,
        .scratch = blocks,
        .scratch_per_member = per_member,
    };
    ck_ntt_team_run(threads, fn, &job);
    free(blocks);
    free(table);
    return CK_OK;
}

int ck_fr_ntt(ck_fr *a, uint32_t log_n, const ck_fr *omega, uint32_t threads) {
    if (omega == NULL) return CK_E_ARG;
    return ntt_run(a, log_n, omega, NULL, threads, use_adx() ? ck_fr_ntt_member_adx : ck_fr_ntt_member_portable);
}

int ck_fr_ntt_portable(ck_fr *a, uint32_t log_n, const ck_fr *omega, uint32_t threads) {
    if (omega == NULL) return CK_E_ARG;
    return ntt_run(a, log_n, omega, NULL, threads, ck_fr_ntt_member_portable);
}

int ck_fr_ntt_adx(ck_fr *a, uint32_t log_n, const ck_fr *omega, uint32_t threads) {
    if (!(ck_cpu_features() & CK_CPU_ADX)) return CK_E_UNSUPPORTED;
    if (omega == NULL) return CK_E_ARG;
    return ntt_run(a, log_n, omega, NULL, threads, ck_fr_ntt_member_adx);
}

int ck_fr_ntt_twiddles(ck_fr *twiddles, uint32_t log_n, const ck_fr *omega) {
    if (twiddles == NULL || omega == NULL || log_n > CK_NTT_MAX_LOG) return CK_E_ARG;
    if (log_n == 0) return CK_OK;
    const size_t half = (size_t)1 << (log_n - 1);
    ck_fr *top = twiddles + (half - 1), x;
    ck_fr_set_one(&x);
    for (size_t j = 0; j < half; j++) {
        top[j] = x;
        ck_fr_mul(&x, &x, omega);
    }
    for (uint32_t s = 0; s + 1 < log_n; s++) {
        ck_fr *t = twiddles + (((size_t)1 << s) - 1);
        for (size_t j = 0; j < ((size_t)1 << s); j++) t[j] = top[j << (log_n - 1 - s)];
    }
    return CK_OK;
}

int ck_fr_ntt_with_twiddles(ck_fr *a, uint32_t log_n, const ck_fr *twiddles, uint32_t threads) {
    if (twiddles == NULL) return CK_E_ARG;
    return ntt_run(a, log_n, NULL, twiddles, threads, use_adx() ? ck_fr_ntt_member_adx : ck_fr_ntt_member_portable);
}

int ck_fr_ntt_domain(ck_fr *omega_out, ck_fr *omega_inv_out, ck_fr *n_inv_out, uint32_t log_n) {
    if (log_n > 32) return CK_E_ARG;
    /* ROOT_OF_UNITY, plain little-endian limbs */
    static const uint64_t root[4] = {0x3829971f439f0d2bull, 0xb63683508c2280b9ull, 0xd09b681922c813b4ull,
                                     0x16a2a19edfe81f20ull};
    ck_fr w;
    if (ck_fr_from_limbs(&w, root) != CK_OK) return CK_E_ARG;
    for (uint32_t i = log_n; i < 32; i++) ck_fr_sqr(&w, &w);
    if (omega_out != NULL) *omega_out = w;
    if (omega_inv_out != NULL && ck_fr_inv(omega_inv_out, &w) != CK_OK) return CK_E_ARG;
    if (n_inv_out != NULL) {
        ck_fr nn;
        uint64_t limbs[4] = {0, 0, 0, 0};
        limbs[log_n / 64] = (uint64_t)1 << (log_n % 64);
        if (ck_fr_from_limbs(&nn, limbs) != CK_OK || ck_fr_inv(n_inv_out, &nn) != CK_OK) return CK_E_ARG;
    }
    return CK_OK;
}

static void powers_run(ck_fr *a, size_t n, const ck_fr *c, const ck_fr *g, uint32_t threads) {
    if (a == NULL || n == 0) return;
    ck_ntt_powers_job job;
    job.a = a;
    job.n = n;
    if (c != NULL) job.c = *c;
    else ck_fr_set_one(&job.c);
    job.use_g = g != NULL;
    if (g != NULL) job.g = *g;
    else ck_fr_set_one(&job.g);
    if (threads == 0) threads = 1;
    if (n < ((size_t)1 << CK_NTT_MIN_PARALLEL_LOG)) threads = 1;
    ck_ntt_team_run(threads, use_adx() ? ck_fr_powers_member_adx : ck_fr_powers_member_portable, &job);
}

void ck_fr_distribute_powers(ck_fr *a, size_t n, const ck_fr *g, uint32_t threads) {
    if (g == NULL) return;
    powers_run(a, n, NULL, g, threads);
}

void ck_fr_distribute_powers_scaled(ck_fr *a, size_t n, const ck_fr *c, const ck_fr *g, uint32_t threads) {
    if (c == NULL || g == NULL) return;
    powers_run(a, n, c, g, threads);
}

void ck_fr_scale(ck_fr *a, size_t n, const ck_fr *c, uint32_t threads) {
    if (c == NULL) return;
    powers_run(a, n, c, NULL, threads);
}
