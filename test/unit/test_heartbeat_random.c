/* Unit tests for the heartbeat codec (hamgr/core/heartbeat.c), fuzz-style:
 * random valid heartbeats from a fixed seed, every bit of each flipped,
 * every truncation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkey.h"
#include "core/heartbeat.h"
#include "cu_main.h"
#include "hb_fixture.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic, good enough to spread test cases */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint64_t rnd64(void)
{
	return (uint64_t)rnd() << 32 | rnd();
}

static void random_name(char *s)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t n = 1 + rnd() % HEARTBEAT_NAME_MAX, i;

	for (i = 0; i < n; i++)
		s[i] = set[rnd() % (i == 0 ? 62 : sizeof(set) - 1)];
	s[n] = '\0';
}

static void random_hb(struct heartbeat *h)
{
	memset(h, 0, sizeof(*h));
	h->type = (uint8_t)(1 + rnd() % 4);
	h->vrid = (uint8_t)(1 + rnd() % 255);
	h->state = (uint8_t)(rnd() % 4);
	h->priority = (uint8_t)(1 + rnd() % 255);
	h->effective = (uint8_t)rnd();
	h->flags = (uint8_t)(rnd() & (HELLO_F_KNOWN & ~HELLO_F_TRACK_FAULT));
	h->key_id = 7;
	h->tracks = (uint8_t)(rnd() % 33);
	h->tracks_down = h->tracks ? (uint8_t)(rnd() % (h->tracks + 1u)) : 0;
	if (h->tracks_down && rnd() % 2)
		h->flags |= HELLO_F_TRACK_FAULT;
	h->interval_us = HEARTBEAT_INTERVAL_MIN_US +
			 rnd() % (HEARTBEAT_INTERVAL_MAX_US - HEARTBEAT_INTERVAL_MIN_US + 1);
	h->epoch = rnd64();
	h->boot_id = rnd64() | 1;
	h->counter = rnd64() | 1;
	h->nonce = rnd() % 2 ? rnd64() : 0;
	h->echo = rnd() % 2 ? rnd64() : 0;
	if (h->type == HEARTBEAT_HANDOVER_REQ)
		h->nonce |= 1;
	if (h->type == HEARTBEAT_HANDOVER_CONF)
		h->echo |= 1;
	random_name(h->node);
	if (h->type == HEARTBEAT_HANDOVER_REQ || h->type == HEARTBEAT_HANDOVER_CONF)
		random_name(h->target);
}

#define RANDOM_ROUNDS 300

/* No single bit flip of a signed datagram is accepted: decode or verify
 * rejects it. A flip that decodes re-encodes (with its own tag) to itself. */
static void test_random_bitflips(void)
{
	uint64_t seed = 0x6862656174303031ULL;   /* fixed: "hbeat001" */
	unsigned round, decoded = 0, rejected = 0, bad = 0;

	printf("\n  random seed 0x%016llx, %u rounds\n", (unsigned long long)seed,
	       RANDOM_ROUNDS);
	rng_state = seed;
	for (round = 0; round < RANDOM_ROUNDS; round++) {
		struct heartbeat h, got;
		uint8_t pkt[HEARTBEAT_MAX_LEN], re[HEARTBEAT_MAX_LEN];
		size_t n, bit;

		random_hb(&h);
		n = heartbeat_encode(&h, authkey_hb_sign, &keys, pkt, sizeof(pkt));
		CU_ASSERT_FATAL(n == HEARTBEAT_HDR_LEN + strlen(h.node) + strlen(h.target) + 32);
		CU_ASSERT_FATAL(decode_exact(pkt, n, &got) == HEARTBEAT_OK);
		CU_ASSERT_FATAL(same_hb(&h, &got));
		CU_ASSERT_FATAL(verify_exact(pkt, n) == HEARTBEAT_OK);
		for (bit = 0; bit < n * 8; bit++) {
			uint8_t flip[HEARTBEAT_MAX_LEN];
			enum heartbeat_reason r;

			memcpy(flip, pkt, n);
			flip[bit / 8] ^= (uint8_t)(1u << bit % 8);
			r = decode_exact(flip, n, &got);
			if (r != HEARTBEAT_OK) {
				rejected++;
				bad += r >= HEARTBEAT_ERR_KEY;
				continue;
			}
			decoded++;
			r = verify_exact(flip, n);
			bad += r != HEARTBEAT_ERR_MAC && r != HEARTBEAT_ERR_KEY;
			if (heartbeat_encode(&got, copy_tag, got.tag, re, sizeof(re)) != n ||
			    memcmp(re, flip, n) != 0)
				bad++;
		}
	}
	printf("  bit flips: %u decoded (all refused by the tag), %u rejected, %u bad\n",
	       decoded, rejected, bad);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(decoded > 0);
	CU_ASSERT(rejected > 0);
}

/* Truncations and extensions of random valid datagrams never decode. */
static void test_random_truncation(void)
{
	uint64_t seed = 0x7472756e63617465ULL;   /* fixed: "truncate" */
	unsigned round;

	printf("\n  random seed 0x%016llx\n", (unsigned long long)seed);
	rng_state = seed;
	for (round = 0; round < 300; round++) {
		struct heartbeat h;
		uint8_t pkt[HEARTBEAT_MAX_LEN + 1];
		size_t n, k;

		random_hb(&h);
		n = heartbeat_encode(&h, authkey_hb_sign, &keys, pkt, sizeof(pkt));
		CU_ASSERT_FATAL(n != 0);
		for (k = 0; k < n; k++)
			CU_ASSERT_EQUAL(decode_exact(pkt, k, NULL),
					k < HEARTBEAT_HDR_LEN ? HEARTBEAT_ERR_SHORT
							      : HEARTBEAT_ERR_LENGTH);
		pkt[n] = 0;
		CU_ASSERT_EQUAL(decode_exact(pkt, n + 1, NULL), HEARTBEAT_ERR_LENGTH);
	}
}

static CU_TestInfo random_tests[] = {
	{ "bit flips", test_random_bitflips },
	{ "truncation", test_random_truncation },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "heartbeat random", keys_init, NULL, NULL, NULL, random_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
