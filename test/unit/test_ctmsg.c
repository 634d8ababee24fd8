/* Unit tests for the conntrack-sync codec (hamgr/core/ctmsg.c), signed and
 * verified with the real HMAC-SHA256 of hamgr/authkey.c: golden vectors
 * (tags computed with Python's hmac module, independently of libsodium),
 * every rejection, truncation at every length, the builder's limits,
 * random mutations. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkey.h"
#include "core/ctmsg.h"
#include "cu_main.h"
#include "hb_fixture.h"

#define HDR(type, flags, nlen, count)                                      \
	'H', 'M', 'C', 'T', 0x01, type, flags, 0x07, nlen, 0x00, 0x00, count

/* A first dump chunk from "fw-a" answering nonce a1..a8, two entries: an
 * SNATed IPv4 TCP connection with TCP info and an IPv6 UDP flow. */
static const uint8_t golden_dump[] = {
	HDR(0x03, 0x01, 0x04, 0x02),
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,   /* boot id */
	0, 0, 0, 0, 0, 0, 0, 5,                           /* counter 5 */
	0, 0, 0, 0, 0, 0, 0, 0,                           /* nonce */
	0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,   /* echo */
	0, 0, 0, 0, 0, 0, 0, 5,                           /* first: this chunk */
	0, 0, 0, 0, 0, 0, 0, 0,                           /* last */
	'f', 'w', '-', 'a',
	/* entry 1: IPv4 TCP, TCP info, ESTABLISHED */
	0x04, 0x06, 0x01, 0x03,
	192, 0, 2, 10, 198, 51, 100, 20, 0x9c, 0x40, 0x00, 0x50,
	198, 51, 100, 20, 203, 0, 113, 1, 0x00, 0x50, 0xee, 0x48,
	0x00, 0x00, 0x01, 0x9e,   /* status */
	0x00, 0x06, 0x97, 0x80,   /* timeout 432000 s */
	0x00, 0x00, 0x00, 0x2a,   /* mark */
	0x07, 0x09, 0x23, 0x21,   /* wscale 7/9, flags 0x23/0x21 */
	/* entry 2: IPv6 UDP */
	0x06, 0x11, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0x14, 0xe9, 0x00, 0x35,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x00, 0x35, 0x14, 0xe9,
	0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x44, 0xca, 0x76, 0xa9, 0x2b, 0x45, 0xac, 0x06, 0xc2, 0xf0, 0x14, 0x29,
	0x89, 0x3d, 0xb4, 0xa7, 0x09, 0x3d, 0x47, 0x66, 0x73, 0x55, 0x53, 0x32,
	0x0c, 0x24, 0xfb, 0x68, 0x28, 0x6d, 0xe2, 0x7b,
};

/* A destroy of an ICMP echo (id 0x1234, type 8 code 0). */
static const uint8_t golden_destroy[] = {
	HDR(0x02, 0x00, 0x04, 0x01),
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0, 0, 0, 0, 0, 0, 0, 6,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	'f', 'w', '-', 'a',
	0x04, 0x01, 0x00, 0x00, 192, 0, 2, 10, 198, 51, 100, 20, 0x12, 0x34, 0x08, 0x00,
	0x16, 0xf1, 0xa4, 0x32, 0xf9, 0xb4, 0xd0, 0x1e, 0xac, 0xb0, 0x7a, 0x79,
	0xb0, 0xde, 0xf4, 0x1f, 0xa6, 0xe6, 0xdc, 0xcf, 0xf2, 0xf5, 0x81, 0xb5,
	0xa2, 0xc0, 0x6b, 0xe1, 0x9f, 0xad, 0x3a, 0xe3,
};

/* "b" asks again for counters 100..163. */
static const uint8_t golden_resend[] = {
	HDR(0x05, 0x00, 0x01, 0x00),
	0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 163,
	'b',
	0x18, 0xd7, 0xf8, 0x99, 0x3b, 0x55, 0xf7, 0x95, 0xab, 0x9a, 0xed, 0x91,
	0x2a, 0xa6, 0x89, 0xc5, 0x27, 0x83, 0x89, 0xb9, 0x23, 0x4c, 0xe0, 0xef,
	0xa1, 0x49, 0x2a, 0x32, 0x93, 0xbf, 0xaf, 0x2b,
};

static void ip4(uint8_t *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	a[0] = x, a[1] = y, a[2] = z, a[3] = w;
}

static struct ctmsg_entry entry1(void)
{
	struct ctmsg_entry e;

	memset(&e, 0, sizeof(e));
	e.orig.family = e.reply.family = 4;
	e.orig.proto = e.reply.proto = 6;
	ip4(e.orig.src, 192, 0, 2, 10);
	ip4(e.orig.dst, 198, 51, 100, 20);
	e.orig.sport = 40000;
	e.orig.dport = 80;
	ip4(e.reply.src, 198, 51, 100, 20);
	ip4(e.reply.dst, 203, 0, 113, 1);
	e.reply.sport = 80;
	e.reply.dport = 61000;
	e.flags = CTMSG_E_TCP;
	e.tcp_state = 3;
	e.status = 0x19e;
	e.timeout = 432000;
	e.mark = 42;
	e.wscale_orig = 7;
	e.wscale_reply = 9;
	e.tflags_orig = 0x23;
	e.tflags_reply = 0x21;
	return e;
}

static struct ctmsg_entry entry2(void)
{
	static const uint8_t s[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t d[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct ctmsg_entry e;

	memset(&e, 0, sizeof(e));
	e.orig.family = e.reply.family = 6;
	e.orig.proto = e.reply.proto = 17;
	memcpy(e.orig.src, s, 16);
	memcpy(e.orig.dst, d, 16);
	e.orig.sport = 5353;
	e.orig.dport = 53;
	ctmsg_tuple_invert(&e.orig, &e.reply);
	e.status = 0xe;
	e.timeout = 30;
	return e;
}

static struct ctmsg dump_hdr(void)
{
	struct ctmsg h;

	memset(&h, 0, sizeof(h));
	h.type = CTMSG_DUMP;
	h.flags = CTMSG_F_FIRST;
	h.key_id = 7;
	h.boot_id = 0x1122334455667788ULL;
	h.counter = 5;
	h.echo = 0xa1a2a3a4a5a6a7a8ULL;
	h.first = 5;
	strcpy(h.node, "fw-a");
	return h;
}

static bool same_entry(const struct ctmsg_entry *a, const struct ctmsg_entry *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static void test_golden_dump(void)
{
	struct ctmsg h, want = dump_hdr();
	struct ctmsg_entry e, e1 = entry1(), e2 = entry2();
	struct ctmsg_builder b;
	struct ctmsg_iter it;
	uint8_t buf[512];
	size_t n;

	CU_ASSERT_EQUAL(sizeof(golden_dump), 232);
	CU_ASSERT_EQUAL(ctmsg_decode(golden_dump, sizeof(golden_dump), &h), CTMSG_OK);
	CU_ASSERT_EQUAL(h.type, CTMSG_DUMP);
	CU_ASSERT_EQUAL(h.flags, CTMSG_F_FIRST);
	CU_ASSERT_EQUAL(h.count, 2);
	CU_ASSERT_EQUAL(h.boot_id, want.boot_id);
	CU_ASSERT_EQUAL(h.counter, 5);
	CU_ASSERT_EQUAL(h.echo, want.echo);
	CU_ASSERT_EQUAL(h.first, 5);
	CU_ASSERT_STRING_EQUAL(h.node, "fw-a");
	CU_ASSERT_EQUAL(ctmsg_verify(golden_dump, sizeof(golden_dump), authkey_hb_verify, &keys),
			CTMSG_OK);
	ctmsg_iter_init(&it, golden_dump, sizeof(golden_dump));
	CU_ASSERT_TRUE(ctmsg_iter_next(&it, &e));
	CU_ASSERT_TRUE(same_entry(&e, &e1));
	CU_ASSERT_TRUE(ctmsg_iter_next(&it, &e));
	CU_ASSERT_TRUE(same_entry(&e, &e2));
	CU_ASSERT_FALSE(ctmsg_iter_next(&it, &e));
	/* and the encoder writes exactly these bytes */
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &want, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(ctmsg_add(&b, &e1), 0);
	CU_ASSERT_EQUAL(ctmsg_add(&b, &e2), 0);
	n = ctmsg_finish(&b, authkey_hb_sign, &keys);
	CU_ASSERT_EQUAL(n, sizeof(golden_dump));
	CU_ASSERT_EQUAL(memcmp(buf, golden_dump, n), 0);
}

static void test_golden_destroy_resend(void)
{
	struct ctmsg h;
	struct ctmsg_entry e, want = entry1();
	struct ctmsg_builder b;
	struct ctmsg_iter it;
	uint8_t buf[256];
	size_t n;

	CU_ASSERT_EQUAL(ctmsg_decode(golden_destroy, sizeof(golden_destroy), &h), CTMSG_OK);
	CU_ASSERT_EQUAL(ctmsg_verify(golden_destroy, sizeof(golden_destroy), authkey_hb_verify,
				     &keys), CTMSG_OK);
	CU_ASSERT_EQUAL(h.type, CTMSG_DESTROY);
	CU_ASSERT_EQUAL(h.counter, 6);
	ctmsg_iter_init(&it, golden_destroy, sizeof(golden_destroy));
	CU_ASSERT_TRUE(ctmsg_iter_next(&it, &e));
	CU_ASSERT_EQUAL(e.orig.proto, 1);
	CU_ASSERT_EQUAL(e.orig.sport, 0x1234);
	CU_ASSERT_EQUAL(e.orig.dport, 0x0800);
	CU_ASSERT_EQUAL(memcmp(e.orig.dst, want.orig.dst, 16), 0);
	CU_ASSERT_FALSE(ctmsg_iter_next(&it, &e));
	/* re-encode: a destroy carries the original tuple only */
	h.count = 0;
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), 0);
	want.orig.proto = want.reply.proto = 1;
	want.orig.sport = 0x1234;
	want.orig.dport = 0x0800;
	CU_ASSERT_EQUAL(ctmsg_add(&b, &want), -2);   /* TCP info in a destroy */
	want.flags = want.tcp_state = 0;
	CU_ASSERT_EQUAL(ctmsg_add(&b, &want), 0);
	n = ctmsg_finish(&b, authkey_hb_sign, &keys);
	CU_ASSERT_EQUAL(n, sizeof(golden_destroy));
	CU_ASSERT_EQUAL(memcmp(buf, golden_destroy, n), 0);

	CU_ASSERT_EQUAL(ctmsg_decode(golden_resend, sizeof(golden_resend), &h), CTMSG_OK);
	CU_ASSERT_EQUAL(h.type, CTMSG_RESEND);
	CU_ASSERT_EQUAL(h.first, 100);
	CU_ASSERT_EQUAL(h.last, 163);
	CU_ASSERT_EQUAL(ctmsg_verify(golden_resend, sizeof(golden_resend), authkey_hb_verify,
				     &keys), CTMSG_OK);
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(ctmsg_add(&b, &want), -2);   /* no entries in a request */
	CU_ASSERT_EQUAL(ctmsg_finish(&b, authkey_hb_sign, &keys), sizeof(golden_resend));
	CU_ASSERT_EQUAL(memcmp(buf, golden_resend, sizeof(golden_resend)), 0);
}

/* A copy of golden_dump with one byte changed, decoded. */
static enum ctmsg_reason poke(size_t off, uint8_t v)
{
	uint8_t b[sizeof(golden_dump)];

	memcpy(b, golden_dump, sizeof(b));
	b[off] = v;
	return ctmsg_decode(b, sizeof(b), NULL);
}

#define E1 (60 + 4)          /* the first entry */
#define E2 (E1 + 44)         /* the second */

static void test_reject_header(void)
{
	CU_ASSERT_EQUAL(ctmsg_decode(golden_dump, 59, NULL), CTMSG_ERR_SHORT);
	CU_ASSERT_EQUAL(ctmsg_decode(NULL, 100, NULL), CTMSG_ERR_SHORT);
	CU_ASSERT_EQUAL(poke(0, 'X'), CTMSG_ERR_MAGIC);
	CU_ASSERT_EQUAL(poke(4, 2), CTMSG_ERR_VERSION);
	CU_ASSERT_EQUAL(poke(5, 0), CTMSG_ERR_TYPE);
	CU_ASSERT_EQUAL(poke(5, 6), CTMSG_ERR_TYPE);
	CU_ASSERT_EQUAL(poke(6, 0x04), CTMSG_ERR_FIELD);      /* unknown flag */
	CU_ASSERT_EQUAL(poke(7, 0), CTMSG_ERR_FIELD);         /* key id 0 */
	CU_ASSERT_EQUAL(poke(9, 1), CTMSG_ERR_FIELD);         /* reserved */
	CU_ASSERT_EQUAL(poke(27, 0), CTMSG_ERR_FIELD);        /* counter 0 */
	CU_ASSERT_EQUAL(poke(27, 6), CTMSG_ERR_FIELD);        /* FIRST, first != counter */
	CU_ASSERT_EQUAL(poke(35, 1), CTMSG_ERR_FIELD);        /* nonce in a dump */
	CU_ASSERT_EQUAL(poke(51, 0), CTMSG_ERR_FIELD);        /* dump without first */
	CU_ASSERT_EQUAL(poke(59, 1), CTMSG_ERR_FIELD);        /* last in a dump */
	CU_ASSERT_EQUAL(poke(5, CTMSG_UPDATE), CTMSG_ERR_FIELD); /* flags in an update */
	CU_ASSERT_EQUAL(poke(5, CTMSG_RESYNC), CTMSG_ERR_FIELD);
	CU_ASSERT_EQUAL(poke(8, 0), CTMSG_ERR_NAME);
	CU_ASSERT_EQUAL(poke(60, ' '), CTMSG_ERR_NAME);
	CU_ASSERT_EQUAL(poke(8, 200), CTMSG_ERR_LENGTH);
	CU_ASSERT_EQUAL(poke(11, 3), CTMSG_ERR_LENGTH);       /* one entry more */
	CU_ASSERT_EQUAL(poke(11, 1), CTMSG_ERR_LENGTH);       /* bytes left over */
}

static void test_reject_entry(void)
{
	CU_ASSERT_EQUAL(poke(E1, 5), CTMSG_ERR_ENTRY);        /* family */
	CU_ASSERT_EQUAL(poke(E1 + 1, 132), CTMSG_ERR_ENTRY);  /* SCTP */
	CU_ASSERT_EQUAL(poke(E1 + 1, 58), CTMSG_ERR_ENTRY);   /* ICMPv6 over IPv4 */
	CU_ASSERT_EQUAL(poke(E1 + 1, 17), CTMSG_ERR_ENTRY);   /* TCP info on UDP */
	CU_ASSERT_EQUAL(poke(E1 + 2, 3), CTMSG_ERR_ENTRY);    /* unknown flag */
	CU_ASSERT_EQUAL(poke(E1 + 3, 0), CTMSG_ERR_ENTRY);    /* TCP state 0 */
	CU_ASSERT_EQUAL(poke(E1 + 3, 10), CTMSG_ERR_ENTRY);
	CU_ASSERT_EQUAL(poke(E1 + 40, 15), CTMSG_ERR_ENTRY);  /* wscale 15 */
	CU_ASSERT_EQUAL(poke(E1 + 41, 15), CTMSG_ERR_ENTRY);
	CU_ASSERT_EQUAL(poke(E2 + 3, 1), CTMSG_ERR_ENTRY);    /* state without info */
	CU_ASSERT_EQUAL(poke(E2 + 88, 1), CTMSG_ERR_ENTRY);   /* wscale without info */
	CU_ASSERT_EQUAL(poke(E2 + 1, 1), CTMSG_ERR_ENTRY);    /* ICMP over IPv6 */
	/* another family changes the entry's length: the bytes after it are
	 * read as its fields, which fail one check or another */
	CU_ASSERT_NOT_EQUAL(poke(E2, 4), CTMSG_OK);
	CU_ASSERT_NOT_EQUAL(poke(E1, 6), CTMSG_OK);
	CU_ASSERT_EQUAL(poke(E1 + 1, 1), CTMSG_ERR_ENTRY);    /* ICMP with TCP info */
	CU_ASSERT_EQUAL(poke(E1 + 4, 0), CTMSG_OK);           /* addresses are free */
}

static void test_truncated(void)
{
	size_t n;

	for (n = 0; n < sizeof(golden_dump); n++)
		CU_ASSERT_NOT_EQUAL(ctmsg_decode(golden_dump, n, NULL), CTMSG_OK);
	for (n = 0; n < sizeof(golden_destroy); n++)
		CU_ASSERT_NOT_EQUAL(ctmsg_verify(golden_destroy, n, authkey_hb_verify, &keys),
				    CTMSG_OK);
}

static void test_verify(void)
{
	uint8_t b[sizeof(golden_dump)];
	struct authkeys other = keys;
	size_t i;

	for (i = 0; i < sizeof(b); i += 7) {
		memcpy(b, golden_dump, sizeof(b));
		b[i] ^= 0x01;
		CU_ASSERT_NOT_EQUAL(ctmsg_verify(b, sizeof(b), authkey_hb_verify, &keys), CTMSG_OK);
	}
	memcpy(b, golden_dump, sizeof(b));
	b[sizeof(b) - 1] ^= 0x80;
	CU_ASSERT_EQUAL(ctmsg_verify(b, sizeof(b), authkey_hb_verify, &keys), CTMSG_ERR_MAC);
	other.key[0].id = 8;
	CU_ASSERT_EQUAL(ctmsg_verify(golden_dump, sizeof(golden_dump), authkey_hb_verify, &other),
			CTMSG_ERR_KEY);
	CU_ASSERT_EQUAL(ctmsg_verify(golden_dump, sizeof(golden_dump), NULL, &keys), CTMSG_ERR_MAC);
	for (i = 0; i < CTMSG_REASON_MAX; i++)
		CU_ASSERT_STRING_NOT_EQUAL(ctmsg_reason_str((enum ctmsg_reason)i), "unknown");
	CU_ASSERT_STRING_EQUAL(ctmsg_reason_str(CTMSG_REASON_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(ctmsg_type_str(CTMSG_RESEND), "resend");
	CU_ASSERT_STRING_EQUAL(ctmsg_type_str(9), "unknown");
}

static int fail_sign(void *ctx, uint8_t id, const uint8_t *m, size_t l,
		     uint8_t tag[CTMSG_TAG_LEN])
{
	return -1;
}

static void test_builder(void)
{
	struct ctmsg h = dump_hdr();
	struct ctmsg_entry e = entry1(), got;
	struct ctmsg_builder b;
	struct ctmsg_iter it;
	uint8_t buf[1400];
	unsigned n = 0;
	size_t len;

	h.type = CTMSG_UPDATE;
	h.flags = 0;
	h.echo = h.first = 0;
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, 60 + 4 + 31), -1);   /* no room for the tag */
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), 0);
	while (ctmsg_add(&b, &e) == 0) {
		e.orig.sport++;
		n++;
	}
	CU_ASSERT_EQUAL(n, (1400 - 60 - 4 - 32) / 44);
	len = ctmsg_finish(&b, authkey_hb_sign, &keys);
	CU_ASSERT_TRUE(len <= sizeof(buf));
	CU_ASSERT_EQUAL(ctmsg_verify(buf, len, authkey_hb_verify, &keys), CTMSG_OK);
	ctmsg_iter_init(&it, buf, len);
	e = entry1();
	while (ctmsg_iter_next(&it, &got)) {
		CU_ASSERT_TRUE(same_entry(&got, &e));
		e.orig.sport++;
		n--;
	}
	CU_ASSERT_EQUAL(n, 0);
	/* refusals: an invalid header, invalid entries, a failing signer */
	h.counter = 0;
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), -1);
	h.counter = 1;
	strcpy(h.node, "bad name");
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), -1);
	strcpy(h.node, "x");
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), 0);
	e = entry1();
	e.orig.src[5] = 1;                 /* bytes past an IPv4 address */
	CU_ASSERT_EQUAL(ctmsg_add(&b, &e), -2);
	e = entry2();
	e.flags = CTMSG_E_TCP;
	e.tcp_state = 3;                   /* TCP info on UDP */
	CU_ASSERT_EQUAL(ctmsg_add(&b, &e), -2);
	CU_ASSERT_EQUAL(ctmsg_finish(&b, fail_sign, NULL), 0);
	h.type = CTMSG_RESYNC;
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), -1);   /* without nonce */
	h.nonce = 9;
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), 0);
	len = ctmsg_finish(&b, authkey_hb_sign, &keys);
	CU_ASSERT_EQUAL(len, 60 + 1 + 32);
	CU_ASSERT_EQUAL(ctmsg_verify(buf, len, authkey_hb_verify, &keys), CTMSG_OK);
	h.type = CTMSG_RESEND;
	h.nonce = 0;
	h.first = 10;
	h.last = 10 + CTMSG_RESEND_MAX;
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), -1);
	h.last--;
	CU_ASSERT_EQUAL(ctmsg_begin(&b, &h, buf, sizeof(buf)), 0);
}

/* Random mutations of the golden vectors: decode never reads out of
 * bounds (ASan), and whatever it accepts re-encodes to the same bytes
 * (copy_tag: hb_fixture.h). */

static void test_random(void)
{
	const uint8_t *src[] = { golden_dump, golden_destroy, golden_resend };
	const size_t srclen[] = { sizeof(golden_dump), sizeof(golden_destroy),
				  sizeof(golden_resend) };
	uint8_t b[300], out[300];
	uint32_t x = 12345;
	unsigned i, k, ok = 0;

	for (i = 0; i < 20000; i++) {
		size_t len = srclen[i % 3];
		struct ctmsg h;
		struct ctmsg_builder bl;
		struct ctmsg_iter it;
		struct ctmsg_entry e;

		memcpy(b, src[i % 3], len);
		for (k = 0; k < 1 + i % 3; k++) {
			x = x * 1103515245u + 12345u;
			b[(x >> 8) % len] = (uint8_t)(x >> 20);
		}
		if (ctmsg_decode(b, len, &h) != CTMSG_OK)
			continue;
		ok++;
		CU_ASSERT_EQUAL_FATAL(ctmsg_begin(&bl, &h, out, sizeof(out)), 0);
		ctmsg_iter_init(&it, b, len);
		while (ctmsg_iter_next(&it, &e))
			CU_ASSERT_EQUAL(ctmsg_add(&bl, &e), 0);
		CU_ASSERT_EQUAL(ctmsg_finish(&bl, copy_tag, h.tag), len);
		CU_ASSERT_EQUAL(memcmp(out, b, len), 0);
	}
	CU_ASSERT_TRUE(ok > 100);
}

static CU_TestInfo tests[] = {
	{ "golden dump", test_golden_dump },
	{ "golden destroy and resend", test_golden_destroy_resend },
	{ "reject header", test_reject_header },
	{ "reject entry", test_reject_entry },
	{ "truncated", test_truncated },
	{ "verify", test_verify },
	{ "builder", test_builder },
	{ "random mutations", test_random },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ctmsg", keys_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
