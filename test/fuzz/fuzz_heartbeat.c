/* fuzz_heartbeat: libFuzzer target for the heartbeat decoder and verifier.
 *
 * The whole input is one datagram. Whenever heartbeat_decode returns
 * HEARTBEAT_OK, the struct must satisfy the header's rules and re-encode,
 * with a signer that writes the received tag, to exactly the input bytes;
 * an encode into a buffer one byte short must be refused; heartbeat_verify
 * with the real HMAC must never accept it unless its tag is the one the key
 * gives (re-signed and compared here). Any mismatch abort()s. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkey.h"
#include "core/heartbeat.h"

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

static void invariants(const struct heartbeat *h)
{
	check(h->type >= HEARTBEAT_BEAT && h->type <= HEARTBEAT_RELEASE);
	check(h->vrid != 0 && h->state <= 3 && h->priority != 0 && h->key_id != 0);
	check((h->flags & ~HELLO_F_KNOWN) == 0);
	check(h->tracks_down <= h->tracks);
	check(!(h->flags & HELLO_F_TRACK_FAULT) || h->tracks_down > 0);
	check(h->interval_us >= HEARTBEAT_INTERVAL_MIN_US &&
	      h->interval_us <= HEARTBEAT_INTERVAL_MAX_US);
	check(h->boot_id != 0 && h->counter != 0);
	check(hello_name_ok(h->node));
	if (h->type == HEARTBEAT_HANDOVER_REQ || h->type == HEARTBEAT_HANDOVER_CONF)
		check(hello_name_ok(h->target));
	else
		check(h->target[0] == '\0');
	if (h->type == HEARTBEAT_HANDOVER_REQ)
		check(h->nonce != 0);
	if (h->type == HEARTBEAT_HANDOVER_CONF)
		check(h->echo != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct authkeys keys;
	uint8_t buf[HEARTBEAT_MAX_LEN], tag[HEARTBEAT_TAG_LEN];
	struct heartbeat h;
	enum heartbeat_reason r, v;
	size_t n, i;

	if (!keys.n) {   /* the key of the seeds: 0x40..0x5f, id 7 */
		keys.n = 1;
		keys.key[0].id = keys.send_id = 7;
		for (i = 0; i < AUTHKEY_LEN; i++)
			keys.key[0].key[i] = (uint8_t)(0x40 + i);
	}
	r = heartbeat_decode(data, size, &h);
	check(r < HEARTBEAT_ERR_KEY);
	check(heartbeat_reason_str(r) != NULL);
	v = heartbeat_verify(data, size, authkey_hb_verify, &keys);
	if (r != HEARTBEAT_OK) {
		check(v == r);
		return 0;
	}
	invariants(&h);
	n = heartbeat_encode(&h, copy_tag, h.tag, buf, sizeof(buf));
	check(n == size && memcmp(buf, data, size) == 0);
	check(heartbeat_encode(&h, copy_tag, h.tag, buf, n - 1) == 0);
	check(heartbeat_decode(buf, n, NULL) == HEARTBEAT_OK);
	/* verify agrees with signing the same bytes */
	if (h.key_id != 7) {
		check(v == HEARTBEAT_ERR_KEY);
		return 0;
	}
	check(authkey_sign(&keys, 7, data, size - HEARTBEAT_TAG_LEN, tag) == 0);
	check((v == HEARTBEAT_OK) == (memcmp(tag, h.tag, HEARTBEAT_TAG_LEN) == 0));
	check(v == HEARTBEAT_OK || v == HEARTBEAT_ERR_MAC);
	return 0;
}
