/* hb_fixture: what the heartbeat suites share (test_heartbeat.c,
 * test_heartbeat_random.c): the golden vectors' key and the decode, verify
 * and compare helpers. */
#ifndef HAMGR_HB_FIXTURE_H
#define HAMGR_HB_FIXTURE_H

#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkey.h"
#include "core/heartbeat.h"

/* The golden vectors' key: bytes 0x40..0x5f, id 7. Their tags were
 * computed with Python's hmac module, independently of libsodium. */
static struct authkeys keys;

static inline int keys_init(void)
{
	size_t i;

	memset(&keys, 0, sizeof(keys));
	keys.n = 1;
	keys.key[0].id = 7;
	for (i = 0; i < AUTHKEY_LEN; i++)
		keys.key[0].key[i] = (uint8_t)(0x40 + i);
	keys.send_id = 7;
	return 0;
}

static inline int same_hb(const struct heartbeat *x, const struct heartbeat *y)
{
	return x->type == y->type && x->vrid == y->vrid && x->state == y->state &&
	       x->priority == y->priority && x->effective == y->effective &&
	       x->flags == y->flags && x->key_id == y->key_id && x->tracks == y->tracks &&
	       x->tracks_down == y->tracks_down && x->interval_us == y->interval_us &&
	       x->epoch == y->epoch && x->boot_id == y->boot_id &&
	       x->counter == y->counter && x->nonce == y->nonce && x->echo == y->echo &&
	       strcmp(x->node, y->node) == 0 && strcmp(x->target, y->target) == 0;
}

/* Decode and verify from exact-size heap copies so that ASan catches any
 * read past len. */
static inline enum heartbeat_reason decode_exact(const uint8_t *p, size_t len,
						 struct heartbeat *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum heartbeat_reason r;

	CU_ASSERT_FATAL(copy != NULL);
	if (len)
		memcpy(copy, p, len);
	r = heartbeat_decode(copy, len, out);
	free(copy);
	return r;
}

static inline enum heartbeat_reason verify_exact(const uint8_t *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum heartbeat_reason r;

	CU_ASSERT_FATAL(copy != NULL);
	if (len)
		memcpy(copy, p, len);
	r = heartbeat_verify(copy, len, authkey_hb_verify, &keys);
	free(copy);
	return r;
}

/* A signer that writes a given tag: re-encoding a decoded datagram with its
 * own tag must give back its bytes. */
static inline int copy_tag(void *ctx, uint8_t key_id, const uint8_t *msg, size_t len,
			   uint8_t tag[HEARTBEAT_TAG_LEN])
{
	memcpy(tag, ctx, HEARTBEAT_TAG_LEN);
	return 0;
}

#endif
