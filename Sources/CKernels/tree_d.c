/* The SHA-256 binary Merkle tree of Filecoin (sha2-256-trunc254-padded): leaves are the
 * 32-byte nodes of Fr32-padded data, parent = trunc254(SHA256(left || right)). */
#include "dispatch.h"

#include <string.h>

int ck_tree_d_parents(uint8_t *out, const uint8_t *in, size_t npairs) {
    return ck_dispatch()->tree_parents(out, in, npairs);
}

static inline int is_pow2(size_t n) { return n != 0 && (n & (n - 1)) == 0; }

/* Root of the tree whose nleaves leaves are at buf; the rows overwrite buf. */
static void root_in_place(uint8_t out[32], uint8_t *buf, size_t nleaves) {
    const struct ck_dispatch *d = ck_dispatch();
    for (size_t n = nleaves; n > 1; n /= 2) d->tree_parents(buf, buf, n / 2);
    memcpy(out, buf, 32);
}

int ck_tree_d_root(uint8_t out[32], const uint8_t *leaves, size_t nleaves, uint8_t *scratch) {
    if (!is_pow2(nleaves)) return CK_E_ARG;
    if (nleaves == 1) {
        memcpy(out, leaves, 32);
        return CK_OK;
    }
    if (scratch == NULL) return CK_E_ARG;
    ck_dispatch()->tree_parents(scratch, leaves, nleaves / 2);
    root_in_place(out, scratch, nleaves / 2);
    return CK_OK;
}

size_t ck_comm_p_scratch_size(size_t nblocks) { return nblocks * 128; }

int ck_comm_p_blocks(uint8_t out[32], const uint8_t *in, size_t nblocks, uint8_t *scratch) {
    if (!is_pow2(nblocks) || scratch == NULL) return CK_E_ARG;
    ck_fr32_pad(scratch, in, nblocks);
    root_in_place(out, scratch, nblocks * 4);
    return CK_OK;
}
