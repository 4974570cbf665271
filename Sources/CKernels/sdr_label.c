/* SDR labeling (porep-post.md §6.1): the portable implementation and the dispatched entry
 * point (the SHA-NI kernel is in sdr_label_shani.c).
 *
 * label[l][0] = trunc254(SHA256(prefix(l, 0))); for v >= 1 the message is
 * prefix(l, v) || 37 parent slots (the parent list repeated cyclically: 6 DRG parents of
 * the current layer in layer 1; 6 DRG + 8 expander parents of the previous layer in layers
 * >= 2), 1248 bytes = 20 compressions. The portable path builds the 20 blocks (padding
 * included) in a stack buffer and runs the portable compression on them; lanes are done
 * one after another.
 *
 * Parent rows are checked before use (DRG parents of v must be < v, expander parents < N):
 * a bad row stops the layer with CK_E_ARG, the labels before it written. */
#include "dispatch.h"

#include <string.h>

#define SDR_MSG_BYTES 1248 /* 64 + 37 * 32 */
#define SDR_MSG_BLOCKS 20  /* 19.5 blocks of message, then padding */

int ck_sdr_label_check_args(uint8_t *const *cur, const uint8_t *const *prev, const uint32_t *parents,
                      uint64_t nodes, const uint8_t *const *replica_ids, uint32_t layer,
                      size_t lanes) {
    if (lanes != 1 && lanes != 2 && lanes != 4) return CK_E_ARG;
    if (layer < 1 || nodes < 1 || nodes > ((uint64_t)1 << 32)) return CK_E_ARG;
    if (cur == NULL || replica_ids == NULL || (nodes > 1 && parents == NULL)) return CK_E_ARG;
    if (layer >= 2 && prev == NULL) return CK_E_ARG;
    for (size_t l = 0; l < lanes; l++) {
        if (cur[l] == NULL || replica_ids[l] == NULL) return CK_E_ARG;
        if (layer >= 2 && prev[l] == NULL) return CK_E_ARG;
    }
    return CK_OK;
}

/* Row of node u: DRG parents < u; expander parents < n (only read for layers >= 2). */
static int row_ok(const uint32_t *row, uint64_t u, uint64_t n, int layer1) {
    int bad = 0;
    for (int i = 0; i < 6; i++) bad |= row[i] >= u;
    if (!layer1)
        for (int i = 6; i < 14; i++) bad |= row[i] >= n;
    return !bad;
}

static void set_prefix(uint8_t msg[64], const uint8_t rid[32], uint32_t layer, uint64_t v) {
    memcpy(msg, rid, 32);
    for (int i = 0; i < 4; i++) msg[32 + i] = (uint8_t)(layer >> (24 - 8 * i));
    for (int i = 0; i < 8; i++) msg[36 + i] = (uint8_t)(v >> (56 - 8 * i));
    memset(msg + 44, 0, 20);
}

static void finish_label(uint8_t out[32], const uint32_t state[8]) {
    ck_sha256_state_digest(out, state);
    out[31] &= 0x3f;
}

/* One lane of one layer. */
static int label_lane_portable(uint8_t *cur, const uint8_t *prev, const uint32_t *parents,
                               uint64_t nodes, const uint8_t *rid, uint32_t layer) {
    uint8_t msg[SDR_MSG_BLOCKS * 64];
    uint32_t st[8];
    const int layer1 = layer == 1;
    const int np = layer1 ? 6 : 14;

    /* The padding after the 1248 message bytes: 0x80, zeros, BE64 bit length. */
    memset(msg + SDR_MSG_BYTES, 0, sizeof msg - SDR_MSG_BYTES);
    msg[SDR_MSG_BYTES] = 0x80;
    const uint64_t bits = (uint64_t)SDR_MSG_BYTES * 8;
    for (int i = 0; i < 8; i++) msg[sizeof msg - 1 - i] = (uint8_t)(bits >> (8 * i));

    /* Node 0: the prefix alone (one block, then the padding of a 64-byte message). */
    set_prefix(msg, rid, layer, 0);
    ck_sha256_portable(cur, msg, 64);
    cur[31] &= 0x3f;

    for (uint64_t v = 1; v < nodes; v++) {
        const uint32_t *row = parents + 14 * v;
        if (!row_ok(row, v, nodes, layer1)) return CK_E_ARG;
        const uint8_t *p[14];
        for (int i = 0; i < 6; i++) p[i] = cur + 32 * (size_t)row[i];
        if (!layer1)
            for (int i = 6; i < 14; i++) p[i] = prev + 32 * (size_t)row[i];
        set_prefix(msg, rid, layer, v);
        for (int s = 0; s < 37; s++) memcpy(msg + 64 + 32 * s, p[s % np], 32);
        ck_sha256_init(st);
        ck_sha256_compress_portable(st, msg, SDR_MSG_BLOCKS);
        finish_label(cur + 32 * v, st);
    }
    return CK_OK;
}

int ck_sdr_label_layer_portable(uint8_t *const *cur, const uint8_t *const *prev,
                                const uint32_t *parents, uint64_t nodes,
                                const uint8_t *const *replica_ids, uint32_t layer, size_t lanes) {
    int rc = ck_sdr_label_check_args(cur, prev, parents, nodes, replica_ids, layer, lanes);
    if (rc != CK_OK) return rc;
    for (size_t l = 0; l < lanes; l++) {
        rc = label_lane_portable(cur[l], layer >= 2 ? prev[l] : NULL, parents, nodes,
                                 replica_ids[l], layer);
        if (rc != CK_OK) return rc;
    }
    return CK_OK;
}

int ck_sdr_label_layer(uint8_t *const *cur, const uint8_t *const *prev, const uint32_t *parents,
                       uint64_t nodes, const uint8_t *const *replica_ids, uint32_t layer,
                       size_t lanes) {
    if (ck_cpu_features_used() & CK_CPU_SHA)
        return ck_sdr_label_layer_shani(cur, prev, parents, nodes, replica_ids, layer, lanes);
    return ck_sdr_label_layer_portable(cur, prev, parents, nodes, replica_ids, layer, lanes);
}
