/* Unit tests for the heartbeat codec (hamgr/core/heartbeat.c), signed and
 * verified with the real HMAC-SHA256 of hamgr/authkey.c: golden vectors,
 * every rejection, encode refusals (random mutations:
 * test_heartbeat_random.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkey.h"
#include "core/heartbeat.h"
#include "cu_main.h"
#include "hb_fixture.h"

/* A handover-request from "node-a" to "b", written out by hand from the
 * layout in heartbeat.h: this pins the wire format. */
static const uint8_t golden_req[] = {
	'H', 'M', 'H', 'B',       /* magic */
	0x01,                     /* version */
	0x02,                     /* type: handover-request */
	0x2a,                     /* vrid 42 */
	0x02,                     /* state MASTER */
	0x96, 0x64,               /* priority 150, effective 100 */
	0x06,                     /* flags: link up, held */
	0x07,                     /* key id 7 */
	0x06, 0x01,               /* node_len 6, target_len 1 */
	0x03, 0x01,               /* tracks 3, 1 down */
	0x00, 0x01, 0x86, 0xa0,   /* interval 100000 us */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,   /* epoch */
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,   /* boot id */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,   /* counter 42 */
	0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,   /* nonce */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* echo */
	'n', 'o', 'd', 'e', '-', 'a',
	'b',
	0x90, 0x64, 0xdf, 0x39, 0x3f, 0xa9, 0x73, 0x93,   /* HMAC-SHA256 */
	0xc3, 0x91, 0xcb, 0x90, 0xdb, 0x93, 0x02, 0x8c,
	0x06, 0x7a, 0xd8, 0x19, 0x78, 0x4b, 0xc2, 0x4e,
	0xa0, 0x98, 0xe5, 0x55, 0x66, 0xa0, 0xbb, 0x24,
};

/* A heartbeat from "n.1" (interval 1 ms, key 1: not golden_req's key). */
static const uint8_t golden_beat[] = {
	'H', 'M', 'H', 'B', 0x01,
	0x01, 0xff, 0x01,         /* heartbeat, vrid 255, BACKUP */
	0x64, 0x00,               /* priority 100, effective 0 */
	0x03, 0x01,               /* standby | link up, key id 1 */
	0x03, 0x00, 0x00, 0x00,   /* node_len 3, no target, no tracks */
	0x00, 0x00, 0x03, 0xe8,   /* 1000 us */
	0, 0, 0, 0, 0, 0, 0, 0,   /* epoch 0 */
	0, 0, 0, 0, 0, 0, 0, 1,   /* boot id 1 */
	0, 0, 0, 0, 0, 0, 0, 1,   /* counter 1 */
	0, 0, 0, 0, 0, 0, 0, 0,   /* no nonce */
	0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,   /* echo */
	'n', '.', '1',
	0xf4, 0xee, 0xa4, 0x3c, 0x9f, 0x8b, 0xde, 0x26,   /* with key 0x40..0x5f */
	0xa5, 0xf0, 0xa1, 0xc8, 0xea, 0x5d, 0x26, 0x0f,
	0xb5, 0x56, 0x6a, 0xff, 0xaa, 0xe1, 0xcf, 0x8a,
	0x71, 0x95, 0x45, 0x90, 0x6d, 0x81, 0x86, 0x00,
};

static struct heartbeat golden_req_struct(void)
{
	struct heartbeat h;

	memset(&h, 0, sizeof(h));
	h.type = HEARTBEAT_HANDOVER_REQ;
	h.vrid = 42;
	h.state = 2;
	h.priority = 150;
	h.effective = 100;
	h.flags = HELLO_F_LINK_UP | HELLO_F_HELD;
	h.key_id = 7;
	h.tracks = 3;
	h.tracks_down = 1;
	h.interval_us = 100000;
	h.epoch = 0x0102030405060708ULL;
	h.boot_id = 0x1122334455667788ULL;
	h.counter = 42;
	h.nonce = 0xa1a2a3a4a5a6a7a8ULL;
	strcpy(h.node, "node-a");
	strcpy(h.target, "b");
	return h;
}

static int refuse_sign(void *ctx, uint8_t key_id, const uint8_t *msg, size_t len,
		       uint8_t tag[HEARTBEAT_TAG_LEN])
{
	return -1;
}

/* ---- golden vectors and round trips ---- */

static void test_golden_encode(void)
{
	struct heartbeat h = golden_req_struct();
	uint8_t buf[HEARTBEAT_MAX_LEN];

	CU_ASSERT_EQUAL(heartbeat_encode(&h, authkey_hb_sign, &keys, buf, sizeof(buf)),
			sizeof(golden_req));
	CU_ASSERT(memcmp(buf, golden_req, sizeof(golden_req)) == 0);
}

static void test_golden_decode(void)
{
	struct heartbeat want = golden_req_struct(), got;

	CU_ASSERT_EQUAL(decode_exact(golden_req, sizeof(golden_req), &got), HEARTBEAT_OK);
	CU_ASSERT(same_hb(&got, &want));
	CU_ASSERT(memcmp(got.tag, golden_req + sizeof(golden_req) - 32, 32) == 0);
	CU_ASSERT_EQUAL(verify_exact(golden_req, sizeof(golden_req)), HEARTBEAT_OK);
}

static void test_golden_beat(void)
{
	struct heartbeat h;
	uint8_t buf[HEARTBEAT_MAX_LEN];

	CU_ASSERT_EQUAL(decode_exact(golden_beat, sizeof(golden_beat), &h), HEARTBEAT_OK);
	CU_ASSERT_EQUAL(h.type, HEARTBEAT_BEAT);
	CU_ASSERT_EQUAL(h.vrid, 255);
	CU_ASSERT_EQUAL(h.state, 1);
	CU_ASSERT_EQUAL(h.priority, 100);
	CU_ASSERT_EQUAL(h.effective, 0);
	CU_ASSERT_EQUAL(h.flags, HELLO_F_STANDBY | HELLO_F_LINK_UP);
	CU_ASSERT_EQUAL(h.key_id, 1);
	CU_ASSERT_EQUAL(h.interval_us, 1000);
	CU_ASSERT_EQUAL(h.boot_id, 1);
	CU_ASSERT_EQUAL(h.counter, 1);
	CU_ASSERT_EQUAL(h.nonce, 0);
	CU_ASSERT_EQUAL(h.echo, 0xfedcba9876543210ULL);
	CU_ASSERT_STRING_EQUAL(h.node, "n.1");
	CU_ASSERT_STRING_EQUAL(h.target, "");
	/* signed with 0x40..0x5f under id 1: our id 7 holds it */
	CU_ASSERT_EQUAL(verify_exact(golden_beat, sizeof(golden_beat)), HEARTBEAT_ERR_KEY);
	keys.key[0].id = 1;
	CU_ASSERT_EQUAL(verify_exact(golden_beat, sizeof(golden_beat)), HEARTBEAT_OK);
	CU_ASSERT_EQUAL(heartbeat_encode(&h, authkey_hb_sign, &keys, buf, sizeof(buf)),
			sizeof(golden_beat));
	CU_ASSERT(memcmp(buf, golden_beat, sizeof(golden_beat)) == 0);
	keys.key[0].id = 7;
}

static void test_roundtrip_types(void)
{
	static const uint8_t types[] = { HEARTBEAT_BEAT, HEARTBEAT_HANDOVER_REQ,
					 HEARTBEAT_HANDOVER_CONF, HEARTBEAT_RELEASE };
	size_t i;

	for (i = 0; i < sizeof(types); i++) {
		struct heartbeat h = golden_req_struct(), got;
		uint8_t buf[HEARTBEAT_MAX_LEN];
		size_t n;

		h.type = types[i];
		h.echo = 99;
		if (h.type == HEARTBEAT_BEAT || h.type == HEARTBEAT_RELEASE)
			h.target[0] = '\0';
		n = heartbeat_encode(&h, authkey_hb_sign, &keys, buf, sizeof(buf));
		CU_ASSERT_EQUAL(n, HEARTBEAT_HDR_LEN + strlen(h.node) + strlen(h.target) + 32);
		CU_ASSERT_EQUAL(decode_exact(buf, n, &got), HEARTBEAT_OK);
		CU_ASSERT(same_hb(&h, &got));
		CU_ASSERT_EQUAL(verify_exact(buf, n), HEARTBEAT_OK);
	}
}

/* Extremes: 63-byte names, all-ones numbers, the interval's limits. */
static void test_roundtrip_extremes(void)
{
	struct heartbeat h = golden_req_struct(), got;
	uint8_t buf[HEARTBEAT_MAX_LEN];
	size_t n;

	memset(h.node, 'x', HEARTBEAT_NAME_MAX);
	memset(h.target, '7', HEARTBEAT_NAME_MAX);
	h.epoch = h.boot_id = h.counter = h.nonce = h.echo = UINT64_MAX;
	h.priority = h.effective = h.tracks = h.tracks_down = 255;
	h.flags = HELLO_F_KNOWN;
	h.interval_us = HEARTBEAT_INTERVAL_MAX_US;
	n = heartbeat_encode(&h, authkey_hb_sign, &keys, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, HEARTBEAT_MAX_LEN);
	CU_ASSERT_EQUAL(decode_exact(buf, n, &got), HEARTBEAT_OK);
	CU_ASSERT(same_hb(&h, &got));
	h.interval_us = HEARTBEAT_INTERVAL_MIN_US;
	n = heartbeat_encode(&h, authkey_hb_sign, &keys, buf, sizeof(buf));
	CU_ASSERT_EQUAL(decode_exact(buf, n, &got), HEARTBEAT_OK);
	CU_ASSERT_EQUAL(got.interval_us, 1000);
}

static void test_decode_null_out(void)
{
	struct heartbeat h;
	uint8_t p[sizeof(golden_req)];

	CU_ASSERT_EQUAL(heartbeat_decode(golden_req, sizeof(golden_req), NULL), HEARTBEAT_OK);
	CU_ASSERT_EQUAL(heartbeat_decode(NULL, 0, NULL), HEARTBEAT_ERR_SHORT);
	/* a failed decode leaves out zeroed, not half filled */
	memcpy(p, golden_req, sizeof(p));
	p[66] = '!';
	memset(&h, 0x5a, sizeof(h));
	CU_ASSERT_EQUAL(heartbeat_decode(p, sizeof(p), &h), HEARTBEAT_ERR_NAME);
	CU_ASSERT_EQUAL(h.vrid, 0);
	CU_ASSERT_EQUAL(h.counter, 0);
	CU_ASSERT_EQUAL(h.node[0], '\0');
}

/* ---- one test per rejection reason ---- */

static enum heartbeat_reason mutated_len(const uint8_t *src, size_t srclen, size_t off,
					 uint8_t v, size_t len)
{
	uint8_t p[HEARTBEAT_MAX_LEN + 8] = { 0 };

	memcpy(p, src, srclen);
	p[off] = v;
	return decode_exact(p, len, NULL);
}

/* golden_req with byte off set to v */
static enum heartbeat_reason mut(size_t off, uint8_t v)
{
	return mutated_len(golden_req, sizeof(golden_req), off, v, sizeof(golden_req));
}

static void test_reject_short(void)
{
	size_t n;

	for (n = 0; n < HEARTBEAT_HDR_LEN; n++)
		CU_ASSERT_EQUAL(decode_exact(golden_req, n, NULL), HEARTBEAT_ERR_SHORT);
	CU_ASSERT_EQUAL(decode_exact(golden_req, HEARTBEAT_HDR_LEN, NULL), HEARTBEAT_ERR_LENGTH);
}

static void test_reject_magic_version_type(void)
{
	size_t i;

	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(mut(i, 'x'), HEARTBEAT_ERR_MAGIC);
	/* hello's magic on the heartbeat port */
	CU_ASSERT_EQUAL(mut(3, 'R'), HEARTBEAT_ERR_MAGIC);
	CU_ASSERT_EQUAL(mut(4, 0), HEARTBEAT_ERR_VERSION);
	CU_ASSERT_EQUAL(mut(4, 2), HEARTBEAT_ERR_VERSION);
	CU_ASSERT_EQUAL(mut(5, 0), HEARTBEAT_ERR_TYPE);
	CU_ASSERT_EQUAL(mut(5, 5), HEARTBEAT_ERR_TYPE);
	CU_ASSERT_EQUAL(mut(5, 0xff), HEARTBEAT_ERR_TYPE);
	CU_ASSERT_STRING_EQUAL(heartbeat_type_str(HEARTBEAT_BEAT), "heartbeat");
	CU_ASSERT_STRING_EQUAL(heartbeat_type_str(HEARTBEAT_HANDOVER_REQ), "handover_request");
	CU_ASSERT_STRING_EQUAL(heartbeat_type_str(HEARTBEAT_HANDOVER_CONF), "handover_confirm");
	CU_ASSERT_STRING_EQUAL(heartbeat_type_str(HEARTBEAT_RELEASE), "release");
	CU_ASSERT_STRING_EQUAL(heartbeat_type_str(0), "unknown");
}

static void test_reject_field(void)
{
	unsigned bit;

	CU_ASSERT_EQUAL(mut(6, 0), HEARTBEAT_ERR_FIELD);                /* vrid 0 */
	CU_ASSERT_EQUAL(mut(7, 3), HEARTBEAT_OK);                       /* FAULT */
	CU_ASSERT_EQUAL(mut(7, 4), HEARTBEAT_ERR_FIELD);                /* state */
	CU_ASSERT_EQUAL(mut(8, 0), HEARTBEAT_ERR_FIELD);                /* priority 0 */
	CU_ASSERT_EQUAL(mut(9, 0), HEARTBEAT_OK);                       /* effective 0 */
	CU_ASSERT_EQUAL(mut(9, 255), HEARTBEAT_OK);
	for (bit = 0; bit < 5; bit++)
		CU_ASSERT_EQUAL(mut(10, (uint8_t)(1u << bit)), HEARTBEAT_OK);
	for (bit = 5; bit < 8; bit++)                                   /* unknown flags */
		CU_ASSERT_EQUAL(mut(10, (uint8_t)(1u << bit | 2)), HEARTBEAT_ERR_FIELD);
	CU_ASSERT_EQUAL(mut(11, 0), HEARTBEAT_ERR_FIELD);               /* key id 0 */
	CU_ASSERT_EQUAL(mut(11, 255), HEARTBEAT_OK);
	CU_ASSERT_EQUAL(mut(15, 3), HEARTBEAT_OK);                      /* 3 of 3 down */
	CU_ASSERT_EQUAL(mut(15, 4), HEARTBEAT_ERR_FIELD);               /* 4 of 3 */
	CU_ASSERT_EQUAL(mut(14, 0), HEARTBEAT_ERR_FIELD);               /* 1 of 0 */
	CU_ASSERT_EQUAL(mut(15, 0), HEARTBEAT_OK);
	{       /* track fault with no track down */
		uint8_t p[sizeof(golden_req)];

		memcpy(p, golden_req, sizeof(p));
		p[10] = HELLO_F_TRACK_FAULT;
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_OK);
		p[15] = 0;
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_FIELD);
		p[10] = HELLO_F_TRACK_DOWN;   /* weights may add up to 0 */
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_OK);
	}
	{       /* boot id 0, counter 0; any epoch */
		uint8_t p[sizeof(golden_req)];

		memcpy(p, golden_req, sizeof(p));
		memset(p + 28, 0, 8);
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_FIELD);
		memcpy(p, golden_req, sizeof(p));
		memset(p + 36, 0, 8);
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_FIELD);
		memcpy(p, golden_req, sizeof(p));
		memset(p + 20, 0, 8);
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_OK);
	}
}

static void test_reject_interval(void)
{
	uint8_t p[sizeof(golden_req)];
	static const uint32_t bad[] = { 0, 1, 999, 60000001u, 0xffffffffu };
	static const uint32_t good[] = { 1000, 1001, 10000, 40950000u, 60000000u };
	size_t i;

	for (i = 0; i < 5; i++) {
		memcpy(p, golden_req, sizeof(p));
		p[16] = (uint8_t)(bad[i] >> 24);
		p[17] = (uint8_t)(bad[i] >> 16);
		p[18] = (uint8_t)(bad[i] >> 8);
		p[19] = (uint8_t)bad[i];
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_INTERVAL);
		p[16] = (uint8_t)(good[i] >> 24);
		p[17] = (uint8_t)(good[i] >> 16);
		p[18] = (uint8_t)(good[i] >> 8);
		p[19] = (uint8_t)good[i];
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_OK);
	}
}

/* Too long, too short, and a truncated tag: all LENGTH. */
static void test_reject_length(void)
{
	size_t n = sizeof(golden_req), k;

	for (k = 1; k <= HEARTBEAT_TAG_LEN; k++)
		CU_ASSERT_EQUAL(decode_exact(golden_req, n - k, NULL), HEARTBEAT_ERR_LENGTH);
	CU_ASSERT_EQUAL(mutated_len(golden_req, n, 0, 'H', n + 1), HEARTBEAT_ERR_LENGTH);
	CU_ASSERT_EQUAL(mut(12, 7), HEARTBEAT_ERR_LENGTH);              /* node_len */
	CU_ASSERT_EQUAL(mut(13, 2), HEARTBEAT_ERR_LENGTH);              /* target_len */
	CU_ASSERT_EQUAL(mut(12, 0xff), HEARTBEAT_ERR_LENGTH);
	CU_ASSERT_EQUAL(verify_exact(golden_req, n - 1), HEARTBEAT_ERR_LENGTH);
}

static void test_reject_target(void)
{
	uint8_t p[sizeof(golden_req)];

	memcpy(p, golden_req, sizeof(p));   /* request whose target_len is 0 */
	p[12] = 7;
	p[13] = 0;
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_TARGET);
	p[5] = HEARTBEAT_HANDOVER_CONF;
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_TARGET);
	memcpy(p, golden_req, sizeof(p));   /* heartbeat and release carrying one */
	p[5] = HEARTBEAT_BEAT;
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_TARGET);
	p[5] = HEARTBEAT_RELEASE;
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_TARGET);
	p[66] = '!';                        /* whatever the target's bytes */
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_TARGET);
}

static void test_reject_nonce(void)
{
	uint8_t p[sizeof(golden_req)];

	memcpy(p, golden_req, sizeof(p));   /* request without nonce */
	memset(p + 44, 0, 8);
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_NONCE);
	p[5] = HEARTBEAT_HANDOVER_CONF;     /* confirm without echo */
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_NONCE);
	p[59] = 1;
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_OK);
	p[5] = HEARTBEAT_HANDOVER_REQ;      /* a request may also echo */
	p[51] = 1;
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_OK);
}

static void test_reject_name(void)
{
	CU_ASSERT_EQUAL(mut(60, '-'), HEARTBEAT_ERR_NAME);              /* leading '-' */
	CU_ASSERT_EQUAL(mut(60, '.'), HEARTBEAT_ERR_NAME);
	CU_ASSERT_EQUAL(mut(63, ' '), HEARTBEAT_ERR_NAME);
	CU_ASSERT_EQUAL(mut(65, 0), HEARTBEAT_ERR_NAME);                /* NUL */
	CU_ASSERT_EQUAL(mut(65, 0xc3), HEARTBEAT_ERR_NAME);
	CU_ASSERT_EQUAL(mut(66, '_'), HEARTBEAT_ERR_NAME);              /* target */
	CU_ASSERT_EQUAL(mut(66, '/'), HEARTBEAT_ERR_NAME);
	{       /* node_len 0, the node's bytes counted as the target's */
		uint8_t p[sizeof(golden_req)];

		memcpy(p, golden_req, sizeof(p));
		p[12] = 0;
		p[13] = 7;
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_NAME);
	}
	{       /* a 64-byte name can be consistent with the length */
		uint8_t p[HEARTBEAT_HDR_LEN + 64 + 32];

		memcpy(p, golden_beat, HEARTBEAT_HDR_LEN);
		memset(p + HEARTBEAT_HDR_LEN, 'a', sizeof(p) - HEARTBEAT_HDR_LEN);
		p[12] = 64;
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HEARTBEAT_ERR_NAME);
		p[12] = 63;
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p) - 1, NULL), HEARTBEAT_OK);
	}
}

static void test_verify(void)
{
	uint8_t p[sizeof(golden_req)];
	size_t i;

	CU_ASSERT_EQUAL(verify_exact(golden_req, sizeof(golden_req)), HEARTBEAT_OK);
	/* every bit of the tag, and every byte before it that decodes */
	for (i = 0; i < sizeof(p) * 8; i++) {
		enum heartbeat_reason r;

		memcpy(p, golden_req, sizeof(p));
		p[i / 8] ^= (uint8_t)(1u << i % 8);
		r = verify_exact(p, sizeof(p));
		CU_ASSERT(r != HEARTBEAT_OK);
		if (i / 8 >= sizeof(p) - 32)
			CU_ASSERT_EQUAL(r, HEARTBEAT_ERR_MAC);
	}
	memcpy(p, golden_req, sizeof(p));
	p[11] = 8;                        /* another key id: none */
	CU_ASSERT_EQUAL(verify_exact(p, sizeof(p)), HEARTBEAT_ERR_KEY);
	CU_ASSERT_EQUAL(heartbeat_verify(golden_req, sizeof(golden_req), NULL, NULL),
			HEARTBEAT_ERR_MAC);
	memcpy(p, golden_req, sizeof(p));
	p[4] = 9;
	CU_ASSERT_EQUAL(verify_exact(p, sizeof(p)), HEARTBEAT_ERR_VERSION);
}

static void test_reason_strings(void)
{
	static const char *const want[] = { "ok", "short", "magic", "version", "type",
		"field", "interval", "length", "target", "nonce", "name", "key", "mac" };
	unsigned r;

	CU_ASSERT_EQUAL(sizeof(want) / sizeof(want[0]), HEARTBEAT_REASON_MAX);
	for (r = 0; r < HEARTBEAT_REASON_MAX; r++)
		CU_ASSERT_STRING_EQUAL(heartbeat_reason_str((enum heartbeat_reason)r), want[r]);
	CU_ASSERT_STRING_EQUAL(heartbeat_reason_str(HEARTBEAT_REASON_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(heartbeat_reason_str((enum heartbeat_reason)-1), "unknown");
}

/* ---- encode refusals ---- */

static void test_encode_refuses_invalid(void)
{
	struct heartbeat base = golden_req_struct(), h;
	uint8_t buf[HEARTBEAT_MAX_LEN];

#define REFUSED(stmt) do { h = base; stmt; \
	CU_ASSERT_EQUAL(heartbeat_encode(&h, authkey_hb_sign, &keys, buf, sizeof(buf)), 0); \
} while (0)
	CU_ASSERT_NOT_EQUAL(heartbeat_encode(&base, authkey_hb_sign, &keys, buf, sizeof(buf)), 0);
	REFUSED(h.type = 0);
	REFUSED(h.type = 5);
	REFUSED(h.vrid = 0);
	REFUSED(h.state = 4);
	REFUSED(h.priority = 0);
	REFUSED(h.flags = 0x20);
	REFUSED(h.key_id = 0);
	REFUSED(h.key_id = 8);             /* no such key: the signer refuses */
	REFUSED(h.tracks_down = 4);
	REFUSED(h.tracks_down = 0; h.flags |= HELLO_F_TRACK_FAULT);
	REFUSED(h.interval_us = 999);
	REFUSED(h.interval_us = HEARTBEAT_INTERVAL_MAX_US + 1);
	REFUSED(h.boot_id = 0);
	REFUSED(h.counter = 0);
	REFUSED(h.nonce = 0);
	REFUSED(h.type = HEARTBEAT_HANDOVER_CONF);   /* echo 0 */
	REFUSED(h.node[0] = '\0');
	REFUSED(h.node[0] = '-');
	REFUSED(h.target[0] = '\0');
	REFUSED(h.type = HEARTBEAT_BEAT);            /* with a target */
	REFUSED(h.type = HEARTBEAT_RELEASE);
	REFUSED(memset(h.node, 'n', sizeof(h.node)));   /* unterminated */
	REFUSED(memset(h.target, 't', sizeof(h.target)));
#undef REFUSED
	CU_ASSERT_EQUAL(heartbeat_encode(NULL, authkey_hb_sign, &keys, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(heartbeat_encode(&base, NULL, &keys, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(heartbeat_encode(&base, authkey_hb_sign, &keys, NULL, sizeof(buf)), 0);
	memset(buf, 0x77, sizeof(buf));
	CU_ASSERT_EQUAL(heartbeat_encode(&base, refuse_sign, NULL, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(buf[0], 0);        /* nothing half written is left */
}

static void test_encode_small_buffer(void)
{
	struct heartbeat h = golden_req_struct();
	uint8_t buf[HEARTBEAT_MAX_LEN];

	CU_ASSERT_EQUAL(heartbeat_encode(&h, authkey_hb_sign, &keys, buf,
					 sizeof(golden_req) - 1), 0);
	CU_ASSERT_EQUAL(heartbeat_encode(&h, authkey_hb_sign, &keys, buf, 0), 0);
	CU_ASSERT_EQUAL(heartbeat_encode(&h, authkey_hb_sign, &keys, buf,
					 sizeof(golden_req)), sizeof(golden_req));
}

static CU_TestInfo codec_tests[] = {
	{ "golden handover-request encode", test_golden_encode },
	{ "golden handover-request decode", test_golden_decode },
	{ "golden heartbeat", test_golden_beat },
	{ "round trip every type", test_roundtrip_types },
	{ "round trip extremes", test_roundtrip_extremes },
	{ "decode with NULL out, failure clears", test_decode_null_out },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo reject_tests[] = {
	{ "short", test_reject_short },
	{ "magic, version, type", test_reject_magic_version_type },
	{ "field", test_reject_field },
	{ "interval", test_reject_interval },
	{ "length and truncated tag", test_reject_length },
	{ "target", test_reject_target },
	{ "nonce", test_reject_nonce },
	{ "name", test_reject_name },
	{ "verify: mac and key", test_verify },
	{ "reason strings", test_reason_strings },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo encode_tests[] = {
	{ "refuses invalid", test_encode_refuses_invalid },
	{ "small buffer", test_encode_small_buffer },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "heartbeat codec", keys_init, NULL, NULL, NULL, codec_tests },
	{ "heartbeat reject", keys_init, NULL, NULL, NULL, reject_tests },
	{ "heartbeat encode", keys_init, NULL, NULL, NULL, encode_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
