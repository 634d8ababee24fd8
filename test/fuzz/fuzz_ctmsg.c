/* fuzz_ctmsg: libFuzzer target for the conntrack-sync decoder, verifier
 * and the cache that takes its entries.
 *
 * The whole input is one datagram. Whenever ctmsg_decode returns CTMSG_OK,
 * every entry must be valid and the message must re-encode, with a signer
 * that writes the received tag, to exactly the input bytes; ctmsg_verify
 * with the real HMAC must accept it only when its tag is the key's; its
 * entries go into a small cache, which must stay within its bounds. Any
 * mismatch abort()s. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkey.h"
#include "core/ctcache.h"
#include "core/ctmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static int copy_tag(void *ctx, uint8_t key_id, const uint8_t *msg, size_t len,
		    uint8_t tag[HEARTBEAT_TAG_LEN])
{
	memcpy(tag, ctx, HEARTBEAT_TAG_LEN);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct authkeys keys;
	static struct ctcache_slot slots[64];
	static uint8_t buf[CTMSG_MAX_LEN];
	static struct ctcache cache;
	uint8_t tag[CTMSG_TAG_LEN];
	struct ctmsg h;
	struct ctmsg_builder b;
	struct ctmsg_iter it;
	struct ctmsg_entry e;
	enum ctmsg_reason r, v;
	unsigned n = 0;
	size_t i;

	if (!keys.n) {   /* the key of the unit tests' golden vectors: id 7 */
		keys.n = 1;
		keys.key[0].id = keys.send_id = 7;
		for (i = 0; i < AUTHKEY_LEN; i++)
			keys.key[0].key[i] = (uint8_t)(0x40 + i);
		ctcache_init(&cache, slots, 64, 32, 1);
	}
	r = ctmsg_decode(data, size, &h);
	check(r < CTMSG_ERR_KEY && ctmsg_reason_str(r) != NULL);
	v = ctmsg_verify(data, size, authkey_hb_verify, &keys);
	if (r != CTMSG_OK) {
		check(v == r);
		return 0;
	}
	check(ctmsg_begin(&b, &h, buf, sizeof(buf)) == 0);
	ctmsg_iter_init(&it, data, size);
	while (ctmsg_iter_next(&it, &e)) {
		check(ctmsg_entry_ok(h.type, &e));
		check(ctmsg_add(&b, &e) == 0);
		if (h.type == CTMSG_DESTROY)
			ctcache_destroy(&cache, &e.orig, h.counter);
		else
			ctcache_update(&cache, &e, h.counter);
		n++;
	}
	check(n == h.count);
	check(ctmsg_finish(&b, copy_tag, h.tag) == size && memcmp(buf, data, size) == 0);
	check(cache.n <= cache.max);
	if (h.key_id != 7) {
		check(v == CTMSG_ERR_KEY);
		return 0;
	}
	check(authkey_sign(&keys, 7, data, size - CTMSG_TAG_LEN, tag) == 0);
	check((v == CTMSG_OK) == (memcmp(tag, h.tag, CTMSG_TAG_LEN) == 0));
	return 0;
}
