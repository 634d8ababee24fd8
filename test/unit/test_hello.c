/* Unit tests for the hello codec (hamgr/core/hello.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hello.h"
#include "cu_main.h"

/* A valid handover from "node-a" to "b", and its bytes written out by hand
 * from the layout in hello.h: this pins the wire format. */
static const uint8_t golden_handover[] = {
	'H', 'M', 'G', 'R',       /* magic */
	0x01,                     /* version */
	0x02,                     /* type: handover */
	0x2a,                     /* vrid 42 */
	0x02,                     /* state MASTER */
	0x96,                     /* priority 150 */
	0x64,                     /* effective 100 */
	0x02,                     /* flags: link up */
	0x06,                     /* node_len */
	0x01,                     /* target_len */
	0x00, 0x00, 0x00,         /* reserved */
	0xde, 0xad, 0xbe, 0xef,   /* seq */
	'n', 'o', 'd', 'e', '-', 'a',
	'b',
};

static const uint8_t golden_announce[] = {
	'H', 'M', 'G', 'R', 0x01,
	0x01,                     /* type: announce */
	0xff,                     /* vrid 255 */
	0x01,                     /* state BACKUP */
	0x64, 0x00,               /* priority 100, effective 0 */
	0x03,                     /* standby | link up */
	0x03, 0x00,               /* node_len 3, target_len 0 */
	0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00,   /* seq 256 */
	'n', '.', '1',
};

static struct hello golden_handover_struct(void)
{
	struct hello h;

	memset(&h, 0, sizeof(h));
	h.type = HELLO_HANDOVER;
	h.vrid = 42;
	h.state = 2;
	h.priority = 150;
	h.effective = 100;
	h.flags = HELLO_F_LINK_UP;
	h.seq = 0xdeadbeef;
	strcpy(h.node, "node-a");
	strcpy(h.target, "b");
	return h;
}

static int same_hello(const struct hello *x, const struct hello *y)
{
	return x->type == y->type && x->vrid == y->vrid && x->state == y->state &&
	       x->priority == y->priority && x->effective == y->effective &&
	       x->flags == y->flags && x->seq == y->seq &&
	       strcmp(x->node, y->node) == 0 && strcmp(x->target, y->target) == 0;
}

/* Decode from an exact-size heap copy so that ASan catches any read past
 * len. */
static enum hello_reason decode_exact(const uint8_t *p, size_t len, struct hello *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum hello_reason r;

	CU_ASSERT_FATAL(copy != NULL);
	if (len)
		memcpy(copy, p, len);
	r = hello_decode(copy, len, out);
	free(copy);
	return r;
}

/* ---- round trips and the golden vectors ---- */

static void test_golden_encode(void)
{
	struct hello h = golden_handover_struct();
	uint8_t buf[HELLO_MAX_LEN];

	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), sizeof(golden_handover));
	CU_ASSERT(memcmp(buf, golden_handover, sizeof(golden_handover)) == 0);
}

static void test_golden_decode(void)
{
	struct hello want = golden_handover_struct(), got;

	CU_ASSERT_EQUAL(decode_exact(golden_handover, sizeof(golden_handover), &got), HELLO_OK);
	CU_ASSERT(same_hello(&got, &want));
}

static void test_golden_announce(void)
{
	struct hello h;
	uint8_t buf[HELLO_MAX_LEN];

	CU_ASSERT_EQUAL(decode_exact(golden_announce, sizeof(golden_announce), &h), HELLO_OK);
	CU_ASSERT_EQUAL(h.type, HELLO_ANNOUNCE);
	CU_ASSERT_EQUAL(h.vrid, 255);
	CU_ASSERT_EQUAL(h.state, 1);
	CU_ASSERT_EQUAL(h.priority, 100);
	CU_ASSERT_EQUAL(h.effective, 0);
	CU_ASSERT_EQUAL(h.flags, HELLO_F_STANDBY | HELLO_F_LINK_UP);
	CU_ASSERT_EQUAL(h.seq, 256);
	CU_ASSERT_STRING_EQUAL(h.node, "n.1");
	CU_ASSERT_STRING_EQUAL(h.target, "");
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), sizeof(golden_announce));
	CU_ASSERT(memcmp(buf, golden_announce, sizeof(golden_announce)) == 0);
}

static void test_roundtrip_announce(void)
{
	struct hello h, got;
	uint8_t buf[HELLO_MAX_LEN];
	size_t n;

	memset(&h, 0, sizeof(h));
	h.type = HELLO_ANNOUNCE;
	h.vrid = 1;
	h.state = 3;
	h.priority = 255;
	h.effective = 254;
	h.flags = HELLO_F_STANDBY;
	h.seq = 0xffffffffu;
	strcpy(h.node, "Alpha_9.example-net");
	n = hello_encode(&h, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, HELLO_HDR_LEN + strlen(h.node));
	CU_ASSERT_EQUAL(buf[12], 0);
	CU_ASSERT_EQUAL(decode_exact(buf, n, &got), HELLO_OK);
	CU_ASSERT(same_hello(&h, &got));
}

static void test_roundtrip_handover(void)
{
	struct hello h, got;
	uint8_t buf[HELLO_MAX_LEN];
	size_t n;

	memset(&h, 0, sizeof(h));
	h.type = HELLO_HANDOVER;
	h.vrid = 200;
	h.state = 0;
	h.seq = 7;
	memset(h.node, 'x', HELLO_NAME_MAX);
	memset(h.target, '7', HELLO_NAME_MAX);
	n = hello_encode(&h, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, HELLO_MAX_LEN);
	CU_ASSERT_EQUAL(buf[11], HELLO_NAME_MAX);
	CU_ASSERT_EQUAL(buf[12], HELLO_NAME_MAX);
	CU_ASSERT_EQUAL(decode_exact(buf, n, &got), HELLO_OK);
	CU_ASSERT(same_hello(&h, &got));
	CU_ASSERT_EQUAL(strlen(got.node), HELLO_NAME_MAX);
	CU_ASSERT_EQUAL(strlen(got.target), HELLO_NAME_MAX);
}

/* Decoding with out == NULL only validates. */
static void test_decode_null_out(void)
{
	CU_ASSERT_EQUAL(hello_decode(golden_handover, sizeof(golden_handover), NULL), HELLO_OK);
	CU_ASSERT_EQUAL(hello_decode(NULL, 0, NULL), HELLO_ERR_SHORT);
}

/* A failed decode leaves out zeroed, not half filled. */
static void test_decode_failure_clears_out(void)
{
	struct hello h;
	uint8_t p[sizeof(golden_handover)];

	memcpy(p, golden_handover, sizeof(p));
	p[sizeof(p) - 1] = '!';
	memset(&h, 0x5a, sizeof(h));
	CU_ASSERT_EQUAL(hello_decode(p, sizeof(p), &h), HELLO_ERR_NAME);
	CU_ASSERT_EQUAL(h.vrid, 0);
	CU_ASSERT_EQUAL(h.node[0], '\0');
}

/* ---- one test per rejection reason ---- */

/* Copy a golden packet, set byte off to v, decode with the given length. */
static enum hello_reason mutated(const uint8_t *src, size_t srclen, size_t off,
				 uint8_t v, size_t len)
{
	uint8_t p[HELLO_MAX_LEN + 8] = { 0 };
	struct hello h;

	memcpy(p, src, srclen);
	p[off] = v;
	return decode_exact(p, len, &h);
}

#define HO golden_handover, sizeof(golden_handover)
#define AN golden_announce, sizeof(golden_announce)

static void test_reject_short(void)
{
	size_t n;

	for (n = 0; n < HELLO_HDR_LEN; n++)
		CU_ASSERT_EQUAL(decode_exact(golden_handover, n, NULL), HELLO_ERR_SHORT);
	/* a header alone is long enough to be judged on its length */
	CU_ASSERT_EQUAL(decode_exact(golden_handover, HELLO_HDR_LEN, NULL), HELLO_ERR_LENGTH);
}

static void test_reject_magic(void)
{
	size_t i;

	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(mutated(HO, i, 'h', sizeof(golden_handover)), HELLO_ERR_MAGIC);
}

static void test_reject_version(void)
{
	CU_ASSERT_EQUAL(mutated(HO, 4, 0, sizeof(golden_handover)), HELLO_ERR_VERSION);
	CU_ASSERT_EQUAL(mutated(HO, 4, 2, sizeof(golden_handover)), HELLO_ERR_VERSION);
	CU_ASSERT_EQUAL(mutated(HO, 4, 0xff, sizeof(golden_handover)), HELLO_ERR_VERSION);
}

static void test_reject_type(void)
{
	CU_ASSERT_EQUAL(mutated(HO, 5, 0, sizeof(golden_handover)), HELLO_ERR_TYPE);
	CU_ASSERT_EQUAL(mutated(HO, 5, 3, sizeof(golden_handover)), HELLO_ERR_TYPE);
	CU_ASSERT_EQUAL(mutated(AN, 5, 0x81, sizeof(golden_announce)), HELLO_ERR_TYPE);
}

static void test_reject_field(void)
{
	size_t n = sizeof(golden_handover);
	unsigned bit;

	CU_ASSERT_EQUAL(mutated(HO, 6, 0, n), HELLO_ERR_FIELD);        /* vrid 0 */
	CU_ASSERT_EQUAL(mutated(HO, 7, 3, n), HELLO_OK);               /* FAULT */
	CU_ASSERT_EQUAL(mutated(HO, 7, 4, n), HELLO_ERR_FIELD);        /* state */
	CU_ASSERT_EQUAL(mutated(HO, 7, 0xff, n), HELLO_ERR_FIELD);
	for (bit = 2; bit < 5; bit++)                   /* held, track fault, track down */
		CU_ASSERT_EQUAL(mutated(HO, 10, (uint8_t)(1u << bit | 2), n), HELLO_OK);
	for (bit = 5; bit < 8; bit++)                                  /* unknown flags */
		CU_ASSERT_EQUAL(mutated(HO, 10, (uint8_t)(1u << bit | 2), n), HELLO_ERR_FIELD);
	CU_ASSERT_EQUAL(mutated(HO, 13, 1, n), HELLO_ERR_FIELD);       /* reserved */
	CU_ASSERT_EQUAL(mutated(HO, 14, 0x80, n), HELLO_ERR_FIELD);
	CU_ASSERT_EQUAL(mutated(HO, 15, 0x10, n), HELLO_ERR_FIELD);
}

static void test_reject_length(void)
{
	size_t n = sizeof(golden_handover);

	CU_ASSERT_EQUAL(mutated(HO, 0, 'H', n - 1), HELLO_ERR_LENGTH);
	CU_ASSERT_EQUAL(mutated(HO, 0, 'H', n + 1), HELLO_ERR_LENGTH);
	CU_ASSERT_EQUAL(mutated(HO, 11, 7, n), HELLO_ERR_LENGTH);      /* node_len */
	CU_ASSERT_EQUAL(mutated(HO, 12, 2, n), HELLO_ERR_LENGTH);      /* target_len */
	CU_ASSERT_EQUAL(mutated(HO, 11, 0xff, n), HELLO_ERR_LENGTH);
	CU_ASSERT_EQUAL(mutated(AN, 12, 1, sizeof(golden_announce)), HELLO_ERR_LENGTH);
}

static void test_reject_name(void)
{
	size_t n = sizeof(golden_handover);

	CU_ASSERT_EQUAL(mutated(HO, 20, '-', n), HELLO_ERR_NAME);      /* leading '-' */
	CU_ASSERT_EQUAL(mutated(HO, 20, '.', n), HELLO_ERR_NAME);      /* leading '.' */
	CU_ASSERT_EQUAL(mutated(HO, 20, '_', n), HELLO_ERR_NAME);      /* leading '_' */
	CU_ASSERT_EQUAL(mutated(HO, 23, ' ', n), HELLO_ERR_NAME);      /* inner space */
	CU_ASSERT_EQUAL(mutated(HO, 25, 0, n), HELLO_ERR_NAME);        /* NUL */
	CU_ASSERT_EQUAL(mutated(HO, 25, 0xc3, n), HELLO_ERR_NAME);     /* non-ASCII */
	CU_ASSERT_EQUAL(mutated(HO, 26, '-', n), HELLO_ERR_NAME);      /* target lead */
	CU_ASSERT_EQUAL(mutated(HO, 26, '/', n), HELLO_ERR_NAME);
	/* node_len 0: the node's bytes become the target's; lengths still add up */
	{
		uint8_t p[sizeof(golden_announce)];

		memcpy(p, golden_announce, sizeof(p));
		p[5] = HELLO_HANDOVER;
		p[11] = 0;
		p[12] = 3;
		CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HELLO_ERR_NAME);
	}
}

/* Names of 64 bytes can be consistent with the length; still refused. */
static void test_reject_name_too_long(void)
{
	uint8_t p[HELLO_HDR_LEN + 2 * (HELLO_NAME_MAX + 1)];

	memcpy(p, golden_announce, HELLO_HDR_LEN);
	memset(p + HELLO_HDR_LEN, 'a', sizeof(p) - HELLO_HDR_LEN);
	p[11] = HELLO_NAME_MAX + 1;
	CU_ASSERT_EQUAL(decode_exact(p, HELLO_HDR_LEN + HELLO_NAME_MAX + 1, NULL), HELLO_ERR_NAME);
	p[11] = HELLO_NAME_MAX;
	CU_ASSERT_EQUAL(decode_exact(p, HELLO_HDR_LEN + HELLO_NAME_MAX, NULL), HELLO_OK);
	/* handover: 63-byte node, 64-byte target */
	p[5] = HELLO_HANDOVER;
	p[12] = HELLO_NAME_MAX + 1;
	CU_ASSERT_EQUAL(decode_exact(p, HELLO_HDR_LEN + 2 * HELLO_NAME_MAX + 1, NULL), HELLO_ERR_NAME);
	p[12] = HELLO_NAME_MAX;
	CU_ASSERT_EQUAL(decode_exact(p, HELLO_MAX_LEN, NULL), HELLO_OK);
}

static void test_reject_target(void)
{
	uint8_t p[sizeof(golden_handover)];

	/* handover whose target_len is 0 (the node absorbs the byte) */
	memcpy(p, golden_handover, sizeof(p));
	p[11] = 7;
	p[12] = 0;
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HELLO_ERR_TARGET);
	/* announce carrying a target */
	memcpy(p, golden_handover, sizeof(p));
	p[5] = HELLO_ANNOUNCE;
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HELLO_ERR_TARGET);
	/* ... even a target that is not a valid name */
	p[26] = '!';
	CU_ASSERT_EQUAL(decode_exact(p, sizeof(p), NULL), HELLO_ERR_TARGET);
}

static void test_reason_strings(void)
{
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_OK), "ok");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_SHORT), "short");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_MAGIC), "magic");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_VERSION), "version");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_TYPE), "type");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_FIELD), "field");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_LENGTH), "length");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_NAME), "name");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_TARGET), "target");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_TTL), "ttl");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_ERR_NOT_ALLOWED), "not_allowed");
	CU_ASSERT_STRING_EQUAL(hello_reason_str(HELLO_REASON_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(hello_reason_str((enum hello_reason)-1), "unknown");
}

/* ---- names ---- */

static void test_name_limits(void)
{
	char s[HELLO_NAME_MAX + 2];

	CU_ASSERT_TRUE(hello_name_ok("a"));
	CU_ASSERT_TRUE(hello_name_ok("7"));
	CU_ASSERT_TRUE(hello_name_ok("Z"));
	memset(s, 'q', sizeof(s));
	s[HELLO_NAME_MAX] = '\0';
	CU_ASSERT_TRUE(hello_name_ok(s));
	s[HELLO_NAME_MAX] = 'q';
	s[HELLO_NAME_MAX + 1] = '\0';
	CU_ASSERT_FALSE(hello_name_ok(s));
	CU_ASSERT_FALSE(hello_name_ok(""));
	CU_ASSERT_FALSE(hello_name_ok(NULL));
}

static void test_name_chars(void)
{
	CU_ASSERT_TRUE(hello_name_ok("a.b_c-d"));
	CU_ASSERT_TRUE(hello_name_ok("0-"));
	CU_ASSERT_TRUE(hello_name_ok("x."));
	CU_ASSERT_FALSE(hello_name_ok("-a"));
	CU_ASSERT_FALSE(hello_name_ok(".a"));
	CU_ASSERT_FALSE(hello_name_ok("_a"));
	CU_ASSERT_FALSE(hello_name_ok("-"));
	CU_ASSERT_FALSE(hello_name_ok("a b"));
	CU_ASSERT_FALSE(hello_name_ok("a/b"));
	CU_ASSERT_FALSE(hello_name_ok("a:b"));
	CU_ASSERT_FALSE(hello_name_ok("a@b"));
	CU_ASSERT_FALSE(hello_name_ok("caf\xc3\xa9"));
	CU_ASSERT_FALSE(hello_name_ok("a\n"));
}

/* Every byte value: exactly the 62 alphanumerics start a name, and the
 * three punctuation marks join them inside one. */
static void test_name_charset_exhaustive(void)
{
	unsigned c, first = 0, inner = 0;
	char s[3];

	for (c = 1; c < 256; c++) {
		s[0] = (char)c;
		s[1] = '\0';
		first += hello_name_ok(s) != 0;
		s[0] = 'a';
		s[1] = (char)c;
		s[2] = '\0';
		inner += hello_name_ok(s) != 0;
	}
	CU_ASSERT_EQUAL(first, 62);
	CU_ASSERT_EQUAL(inner, 65);
}

/* ---- encode refusals ---- */

static void test_encode_refuses_invalid(void)
{
	struct hello base = golden_handover_struct(), h;
	uint8_t buf[HELLO_MAX_LEN];

	CU_ASSERT_NOT_EQUAL(hello_encode(&base, buf, sizeof(buf)), 0);
	h = base; h.type = 0;
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.type = 3;
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.vrid = 0;
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.state = 4;
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.flags = 0x20;
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.flags = 0x80 | HELLO_F_LINK_UP;
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.node[0] = '\0';
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.node[0] = '-';
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.node[2] = '*';
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.target[0] = '\0';      /* handover without target */
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.target[0] = '.';
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = base; h.type = HELLO_ANNOUNCE; /* announce with target */
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h.target[0] = '\0';
	CU_ASSERT_NOT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(hello_encode(NULL, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(hello_encode(&base, NULL, sizeof(buf)), 0);
}

/* A name filling its whole array with no terminator is refused, and the
 * check reads only within the array (ASan would see an overrun into
 * target, which is followed by padding at most). */
static void test_encode_refuses_unterminated(void)
{
	struct hello h = golden_handover_struct();
	uint8_t buf[HELLO_MAX_LEN + 64];

	memset(h.node, 'n', sizeof(h.node));
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
	h = golden_handover_struct();
	memset(h.target, 't', sizeof(h.target));
	CU_ASSERT_EQUAL(hello_encode(&h, buf, sizeof(buf)), 0);
}

static void test_encode_small_buffer(void)
{
	struct hello h = golden_handover_struct();
	uint8_t buf[HELLO_MAX_LEN];
	size_t need = sizeof(golden_handover), n;

	for (n = 0; n < need; n++) {
		memset(buf, 0xa5, sizeof(buf));
		CU_ASSERT_EQUAL(hello_encode(&h, buf, n), 0);
		CU_ASSERT_EQUAL(buf[0], 0xa5);    /* nothing written */
	}
	CU_ASSERT_EQUAL(hello_encode(&h, buf, need), need);
	CU_ASSERT(memcmp(buf, golden_handover, need) == 0);
}

/* ---- random round trips and bit flips ---- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic for a given seed, no libc state */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static void random_name(char *s)
{
	static const char alnum[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static const char all[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t n = 1 + rnd() % HELLO_NAME_MAX, i;

	s[0] = alnum[rnd() % (sizeof(alnum) - 1)];
	for (i = 1; i < n; i++)
		s[i] = all[rnd() % (sizeof(all) - 1)];
	s[n] = '\0';
}

static void random_hello(struct hello *h)
{
	memset(h, 0, sizeof(*h));
	h->type = rnd() & 1 ? HELLO_HANDOVER : HELLO_ANNOUNCE;
	h->vrid = (uint8_t)(1 + rnd() % 255);
	h->state = (uint8_t)(rnd() % 4);
	h->priority = (uint8_t)rnd();
	h->effective = (uint8_t)rnd();
	h->flags = (uint8_t)(rnd() & 3);
	h->seq = rnd();
	random_name(h->node);
	if (h->type == HELLO_HANDOVER)
		random_name(h->target);
}

#define RANDOM_ROUNDS 2000

static void test_random_bitflips(void)
{
	uint64_t seed = 0x68656c6c6f2d3031ULL;   /* fixed: "hello-01" */
	unsigned round, accepted = 0, rejected = 0, bad = 0;

	printf("\n  random seed 0x%016llx, %u rounds\n", (unsigned long long)seed,
	       RANDOM_ROUNDS);
	rng_state = seed;
	for (round = 0; round < RANDOM_ROUNDS; round++) {
		struct hello h, got;
		uint8_t pkt[HELLO_MAX_LEN], re[HELLO_MAX_LEN];
		size_t n, bit;

		random_hello(&h);
		n = hello_encode(&h, pkt, sizeof(pkt));
		CU_ASSERT_FATAL(n == HELLO_HDR_LEN + strlen(h.node) + strlen(h.target));
		CU_ASSERT_FATAL(decode_exact(pkt, n, &got) == HELLO_OK);
		CU_ASSERT_FATAL(same_hello(&h, &got));
		for (bit = 0; bit < n * 8; bit++) {
			uint8_t flip[HELLO_MAX_LEN];
			enum hello_reason r;

			memcpy(flip, pkt, n);
			flip[bit / 8] ^= (uint8_t)(1u << bit % 8);
			r = decode_exact(flip, n, &got);
			if (r != HELLO_OK) {
				rejected++;
				bad += r >= HELLO_REASON_MAX || r == HELLO_ERR_TTL;
				continue;
			}
			accepted++;
			if (hello_encode(&got, re, sizeof(re)) != n ||
			    memcmp(re, flip, n) != 0)
				bad++;
		}
	}
	printf("  bit flips: %u accepted, %u rejected, %u bad\n", accepted, rejected, bad);
	CU_ASSERT_EQUAL(bad, 0);
	/* both outcomes happen: seq/priority flips pass, magic flips do not */
	CU_ASSERT(accepted > 0);
	CU_ASSERT(rejected > 0);
}

/* Truncations and extensions of random valid packets never decode. */
static void test_random_truncation(void)
{
	uint64_t seed = 0x7472756e63617465ULL;   /* fixed: "truncate" */
	unsigned round;

	printf("\n  random seed 0x%016llx\n", (unsigned long long)seed);
	rng_state = seed;
	for (round = 0; round < 500; round++) {
		struct hello h;
		uint8_t pkt[HELLO_MAX_LEN + 1];
		size_t n, k;

		random_hello(&h);
		n = hello_encode(&h, pkt, sizeof(pkt));
		CU_ASSERT_FATAL(n != 0);
		for (k = 0; k < n; k++)
			CU_ASSERT_EQUAL(decode_exact(pkt, k, NULL),
					k < HELLO_HDR_LEN ? HELLO_ERR_SHORT : HELLO_ERR_LENGTH);
		pkt[n] = 'a';
		CU_ASSERT_EQUAL(decode_exact(pkt, n + 1, NULL), HELLO_ERR_LENGTH);
	}
}

static CU_TestInfo codec_tests[] = {
	{ "golden handover encode", test_golden_encode },
	{ "golden handover decode", test_golden_decode },
	{ "golden announce", test_golden_announce },
	{ "round trip announce", test_roundtrip_announce },
	{ "round trip handover", test_roundtrip_handover },
	{ "decode with NULL out", test_decode_null_out },
	{ "failed decode clears out", test_decode_failure_clears_out },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo reject_tests[] = {
	{ "short", test_reject_short },
	{ "magic", test_reject_magic },
	{ "version", test_reject_version },
	{ "type", test_reject_type },
	{ "field", test_reject_field },
	{ "length", test_reject_length },
	{ "name", test_reject_name },
	{ "name too long", test_reject_name_too_long },
	{ "target", test_reject_target },
	{ "reason strings", test_reason_strings },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo name_tests[] = {
	{ "limits", test_name_limits },
	{ "characters", test_name_chars },
	{ "charset exhaustive", test_name_charset_exhaustive },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo encode_tests[] = {
	{ "refuses invalid", test_encode_refuses_invalid },
	{ "refuses unterminated", test_encode_refuses_unterminated },
	{ "small buffer", test_encode_small_buffer },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo random_tests[] = {
	{ "bit flips", test_random_bitflips },
	{ "truncation", test_random_truncation },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "hello codec", NULL, NULL, NULL, NULL, codec_tests },
	{ "hello reject", NULL, NULL, NULL, NULL, reject_tests },
	{ "hello names", NULL, NULL, NULL, NULL, name_tests },
	{ "hello encode", NULL, NULL, NULL, NULL, encode_tests },
	{ "hello random", NULL, NULL, NULL, NULL, random_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
