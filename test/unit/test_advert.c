/* test_advert: VRRPv3 codec — round trips, one test per rejection reason,
 * and golden vectors captured from keepalived.
 *
 * Provenance of the golden vectors: Debian bookworm keepalived 2.2.7
 * ("Keepalived v2.2.7 (01/16,2022)"), run as
 *   keepalived -n -l -D -P -f ka.conf -p ... -r ... -c ...
 * in netns hx-advert-a on veth hxa0 (02:00:00:00:00:0a, 10.99.0.1/24,
 * link-local fe80::ff:fe00:a), captured with tcpdump -w on the peer end
 * hxb0 (10.99.0.2/24) in netns hx-advert-b. ka.conf (checked with
 * keepalived -t -f ka.conf inside the namespace):
 *
 *   global_defs {
 *       router_id hx_advert
 *       vrrp_version 3
 *       vrrp_garp_master_delay 0
 *       vrrp_garp_master_repeat 1
 *   }
 *   vrrp_instance HX4 {
 *       state MASTER
 *       interface hxa0
 *       virtual_router_id 51
 *       priority 150
 *       advert_int 1
 *       virtual_ipaddress { 10.99.0.50/24  10.99.0.51/24 }
 *   }
 *   vrrp_instance HX6 {
 *       state MASTER
 *       interface hxa0
 *       virtual_router_id 52
 *       priority 200
 *       advert_int 0.5
 *       virtual_ipaddress { fe80::5052/64  fd99::50/64 }
 *   }
 *   vrrp_instance HX4U {
 *       state MASTER
 *       interface hxa0
 *       virtual_router_id 53
 *       priority 100
 *       advert_int 2
 *       unicast_src_ip 10.99.0.1
 *       unicast_peer { 10.99.0.2 }
 *       virtual_ipaddress { 10.99.0.53/24 }
 *   }
 *
 * The priority-0 vectors are what keepalived sent when stopped (SIGTERM).
 * Every advert was sent with TTL / hop limit 255. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/advert.h"
#include "cu_main.h"

/* ---- golden vectors (VRRP part only unless named _ip) ---- */

/* HX4: 10.99.0.1 -> 224.0.0.18, vrid 51, prio 150, 100 cs, 2 addresses. */
static const uint8_t ka4_mcast[] = {
	0x31, 0x33, 0x96, 0x02, 0x00, 0x64, 0x38, 0x44,
	0x0a, 0x63, 0x00, 0x32, 0x0a, 0x63, 0x00, 0x33,
};
/* The same advert as the whole IPv4 datagram (tos 0xc0, id 1, ttl 255). */
static const uint8_t ka4_mcast_ip[] = {
	0x45, 0xc0, 0x00, 0x24, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0xd0, 0x32,
	0x0a, 0x63, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x12,
	0x31, 0x33, 0x96, 0x02, 0x00, 0x64, 0x38, 0x44,
	0x0a, 0x63, 0x00, 0x32, 0x0a, 0x63, 0x00, 0x33,
};
/* HX4 on shutdown: priority 0. */
static const uint8_t ka4_mcast_prio0[] = {
	0x31, 0x33, 0x00, 0x02, 0x00, 0x64, 0xce, 0x44,
	0x0a, 0x63, 0x00, 0x32, 0x0a, 0x63, 0x00, 0x33,
};
/* HX4U: unicast 10.99.0.1 -> 10.99.0.2, vrid 53, prio 100, 200 cs. */
static const uint8_t ka4_ucast[] = {
	0x31, 0x35, 0x64, 0x01, 0x00, 0xc8, 0x4a, 0x24, 0x0a, 0x63, 0x00, 0x35,
};
static const uint8_t ka4_ucast_ip[] = {
	0x45, 0xc0, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0xa5, 0xe4,
	0x0a, 0x63, 0x00, 0x01, 0x0a, 0x63, 0x00, 0x02,
	0x31, 0x35, 0x64, 0x01, 0x00, 0xc8, 0x4a, 0x24, 0x0a, 0x63, 0x00, 0x35,
};
/* HX6: fe80::ff:fe00:a -> ff02::12, vrid 52, prio 200, 50 cs. */
static const uint8_t ka6_mcast[] = {
	0x31, 0x34, 0xc8, 0x02, 0x00, 0x32, 0xbc, 0xa1,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x52,
	0xfd, 0x99, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50,
};
/* HX6 on shutdown: priority 0. */
static const uint8_t ka6_mcast_prio0[] = {
	0x31, 0x34, 0x00, 0x02, 0x00, 0x32, 0x84, 0xa2,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x52,
	0xfd, 0x99, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50,
};

/* ---- helpers ---- */

static struct ipaddr ip(const char *s)
{
	struct ipaddr a;

	CU_ASSERT_FATAL(ipaddr_parse(s, false, &a) == 0);
	return a;
}

static struct advert mk(uint8_t family, uint8_t vrid, uint8_t prio,
			uint16_t cs, unsigned count, const char *const *addrs)
{
	struct advert a;
	unsigned i;

	memset(&a, 0, sizeof(a));
	a.version = ADVERT_VERSION;
	a.type = ADVERT_TYPE_ADVERT;
	a.family = family;
	a.vrid = vrid;
	a.priority = prio;
	a.max_adver_int = cs;
	a.count = (uint8_t)count;
	for (i = 0; i < count; i++)
		a.addrs[i] = ip(addrs[i]);
	return a;
}

static bool same_advert(const struct advert *x, const struct advert *y)
{
	unsigned i;

	if (x->version != y->version || x->type != y->type || x->vrid != y->vrid ||
	    x->priority != y->priority || x->max_adver_int != y->max_adver_int ||
	    x->family != y->family || x->count != y->count)
		return false;
	for (i = 0; i < x->count; i++)
		if (!ipaddr_eq(&x->addrs[i], &y->addrs[i]))
			return false;
	return true;
}

/* Recompute the checksum after a test edited a field, so that the test
 * reaches exactly the check it targets. */
static void fix_checksum(uint8_t *buf, size_t len, const struct ipaddr *src,
			 const struct ipaddr *dst)
{
	uint16_t c;

	buf[6] = buf[7] = 0;
	c = advert_checksum(src->family, src, dst, buf, len);
	buf[6] = (uint8_t)(c >> 8);
	buf[7] = (uint8_t)c;
}

/* A valid IPv4 advert with two addresses in buf (16 bytes). */
static struct ipaddr S4, D4, S6, D6;
static const char *const V4ADDRS[] = { "10.0.0.50", "10.0.0.51" };
static const char *const V6ADDRS[] = { "fe80::50", "fd00::50" };

static size_t valid4(uint8_t *buf, size_t buflen)
{
	struct advert a = mk(IPADDR_V4, 7, 100, 100, 2, V4ADDRS);
	size_t n = advert_encode(&a, &S4, &D4, buf, buflen);

	CU_ASSERT_FATAL(n == 16);
	return n;
}

static int suite_init(void)
{
	return ipaddr_parse("10.0.0.1", false, &S4) || ipaddr_parse("224.0.0.18", false, &D4) ||
	       ipaddr_parse("fe80::1", false, &S6) || ipaddr_parse("ff02::12", false, &D6);
}

static enum advert_reason dec4(const uint8_t *buf, size_t len, uint8_t ttl)
{
	struct advert out;

	return advert_decode(buf, len, &S4, &D4, ttl, &out);
}

/* ---- reason names ---- */

static void test_reason_str(void)
{
	int i, j;

	for (i = 0; i < ADVERT_REASON_MAX; i++) {
		const char *s = advert_reason_str((enum advert_reason)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT(strcmp(s, "unknown") != 0);
		for (j = 0; j < i; j++)
			CU_ASSERT(strcmp(s, advert_reason_str((enum advert_reason)j)) != 0);
	}
	CU_ASSERT_STRING_EQUAL(advert_reason_str(ADVERT_OK), "ok");
	CU_ASSERT_STRING_EQUAL(advert_reason_str(ADVERT_ERR_CHECKSUM), "checksum");
	CU_ASSERT_STRING_EQUAL(advert_reason_str(ADVERT_ERR_TTL), "ttl");
	CU_ASSERT_STRING_EQUAL(advert_reason_str(ADVERT_ERR_NOT_ALLOWED), "not_allowed");
	CU_ASSERT_STRING_EQUAL(advert_reason_str(ADVERT_REASON_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(advert_reason_str((enum advert_reason)-1), "unknown");
}

/* ---- checksum ---- */

static void test_checksum_rfc1071(void)
{
	/* RFC 1071 section 3 example: these bytes sum to 0xddf2. With
	 * 0.0.0.0 -> 0.0.0.0 the pseudo-header adds len (8) + 112 = 0x78. */
	static const uint8_t ex[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01 };
	struct ipaddr z = ip("0.0.0.0"), z6 = ip("::");

	CU_ASSERT_EQUAL(advert_checksum(IPADDR_V4, &z, &z, ex, sizeof(ex)),
			(uint16_t)~(0xddf2 + 0x78));
	/* Odd length: the last byte is the high half of a zero-padded word. */
	CU_ASSERT_EQUAL(advert_checksum(IPADDR_V4, &z, &z, odd, 1),
			(uint16_t)~(0x0100 + 1 + 112));
	/* IPv6 pseudo-header carries the same length and next header. */
	CU_ASSERT_EQUAL(advert_checksum(IPADDR_V6, &z6, &z6, ex, sizeof(ex)),
			(uint16_t)~(0xddf2 + 0x78));
	/* Carries fold around: all-ones words. */
	{
		static const uint8_t ff[] = { 0xff, 0xff, 0xff, 0xff };
		struct ipaddr f = ip("255.255.255.255");
		/* 4 x 0xffff + 4 + 112 folds to 0xffff + 116 -> 0x0074 */
		CU_ASSERT_EQUAL(advert_checksum(IPADDR_V4, &f, &f, ff, 4), (uint16_t)~0x0074);
	}
}

static void test_checksum_covers_pseudo_header(void)
{
	uint8_t buf[16];
	struct ipaddr other = ip("10.0.0.2");

	valid4(buf, sizeof(buf));
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_OK);
	/* Same bytes from another source, or to another destination, fail. */
	{
		struct advert out;

		CU_ASSERT_EQUAL(advert_decode(buf, 16, &other, &D4, 255, &out),
				ADVERT_ERR_CHECKSUM);
		CU_ASSERT_EQUAL(advert_decode(buf, 16, &S4, &other, 255, &out),
				ADVERT_ERR_CHECKSUM);
	}
}

/* ---- round trips ---- */

static void test_roundtrip_v4(void)
{
	struct advert a = mk(IPADDR_V4, 51, 150, 100, 2, V4ADDRS), b;
	uint8_t buf[ADVERT_MAX_LEN];
	size_t n = advert_encode(&a, &S4, &D4, buf, sizeof(buf));

	CU_ASSERT_EQUAL_FATAL(n, 16);
	CU_ASSERT_EQUAL(buf[0], 0x31);
	CU_ASSERT_EQUAL(buf[1], 51);
	CU_ASSERT_EQUAL(buf[2], 150);
	CU_ASSERT_EQUAL(buf[3], 2);
	CU_ASSERT_EQUAL(buf[4], 0x00);
	CU_ASSERT_EQUAL(buf[5], 100);
	CU_ASSERT(memcmp(buf + 8, a.addrs[0].a, 4) == 0);
	CU_ASSERT(memcmp(buf + 12, a.addrs[1].a, 4) == 0);
	CU_ASSERT_EQUAL(advert_decode(buf, n, &S4, &D4, 255, &b), ADVERT_OK);
	CU_ASSERT(same_advert(&a, &b));
	CU_ASSERT_EQUAL(b.addrs[0].prefixlen, 32);
}

static void test_roundtrip_v6(void)
{
	struct advert a = mk(IPADDR_V6, 255, 255, ADVERT_MAX_INT_CS, 2, V6ADDRS), b;
	uint8_t buf[ADVERT_MAX_LEN];
	size_t n = advert_encode(&a, &S6, &D6, buf, sizeof(buf));

	CU_ASSERT_EQUAL_FATAL(n, 8 + 2 * 16);
	CU_ASSERT_EQUAL(buf[4], 0x0f); /* 4095 = 0xfff, reserved bits zero */
	CU_ASSERT_EQUAL(buf[5], 0xff);
	CU_ASSERT(memcmp(buf + 8, a.addrs[0].a, 16) == 0);
	CU_ASSERT_EQUAL(advert_decode(buf, n, &S6, &D6, 255, &b), ADVERT_OK);
	CU_ASSERT(same_advert(&a, &b));
	CU_ASSERT_EQUAL(b.family, IPADDR_V6);
}

static void test_roundtrip_max_count(void)
{
	struct advert a = mk(IPADDR_V6, 1, 0, 1, 0, NULL), b;
	uint8_t buf[ADVERT_MAX_LEN];
	unsigned i;

	a.count = ADVERT_MAX_ADDRS;
	for (i = 0; i < ADVERT_MAX_ADDRS; i++) {
		a.addrs[i] = ip("fd00::");
		a.addrs[i].a[15] = (uint8_t)i;
	}
	CU_ASSERT_EQUAL_FATAL(advert_encode(&a, &S6, &D6, buf, sizeof(buf)), ADVERT_MAX_LEN);
	CU_ASSERT_EQUAL(advert_decode(buf, ADVERT_MAX_LEN, &S6, &D6, 255, &b), ADVERT_OK);
	CU_ASSERT(same_advert(&a, &b));
}

/* xorshift32: reproducible without depending on libc's rand(). */
static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static struct advert random_advert(uint32_t *seed)
{
	struct advert a;
	uint8_t fam = rng(seed) & 1 ? IPADDR_V6 : IPADDR_V4;
	uint8_t bytes[16];
	unsigned i, j;

	memset(&a, 0, sizeof(a));
	a.version = ADVERT_VERSION;
	a.type = ADVERT_TYPE_ADVERT;
	a.family = fam;
	a.vrid = (uint8_t)(1 + rng(seed) % 255);
	a.priority = (uint8_t)rng(seed);
	a.max_adver_int = (uint16_t)(1 + rng(seed) % ADVERT_MAX_INT_CS);
	a.count = (uint8_t)(1 + rng(seed) % ADVERT_MAX_ADDRS);
	for (i = 0; i < a.count; i++) {
		for (j = 0; j < sizeof(bytes); j++)
			bytes[j] = (uint8_t)rng(seed);
		ipaddr_from_bytes(&a.addrs[i], fam, bytes);
	}
	return a;
}

/* Random adverts round-trip, and every single-bit flip of the encoded
 * packet is rejected (the Internet checksum detects all 1-bit errors, and
 * flips in version/type/count fail earlier checks). */
static void test_roundtrip_random(void)
{
	const uint32_t seed0 = 0x5eed2024;
	uint32_t seed = seed0;
	unsigned iter, bit, bad_rt = 0, bad_flip = 0;

	printf("\n    random round trips: seed 0x%08x ", seed0);
	for (iter = 0; iter < 500; iter++) {
		struct advert a = random_advert(&seed), b;
		const struct ipaddr *s = a.family == IPADDR_V6 ? &S6 : &S4;
		const struct ipaddr *d = a.family == IPADDR_V6 ? &D6 : &D4;
		uint8_t buf[ADVERT_MAX_LEN];
		size_t n = advert_encode(&a, s, d, buf, sizeof(buf));

		if (n == 0 || advert_decode(buf, n, s, d, 255, &b) != ADVERT_OK ||
		    !same_advert(&a, &b)) {
			bad_rt++;
			continue;
		}
		for (bit = 0; bit < n * 8 && iter < 50; bit++) {
			buf[bit / 8] ^= (uint8_t)(1u << bit % 8);
			if (advert_decode(buf, n, s, d, 255, &b) == ADVERT_OK)
				bad_flip++;
			buf[bit / 8] ^= (uint8_t)(1u << bit % 8);
		}
	}
	CU_ASSERT_EQUAL(bad_rt, 0);
	CU_ASSERT_EQUAL(bad_flip, 0);
}

static void test_reserved_bits_ignored(void)
{
	uint8_t buf[16];
	struct advert out;

	valid4(buf, sizeof(buf));
	buf[4] |= 0xf0;
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(advert_decode(buf, 16, &S4, &D4, 255, &out), ADVERT_OK);
	CU_ASSERT_EQUAL(out.max_adver_int, 100);
}

/* ---- encode refusals ---- */

static void test_encode_invalid(void)
{
	struct advert a = mk(IPADDR_V4, 7, 100, 100, 2, V4ADDRS), b;
	uint8_t buf[ADVERT_MAX_LEN];

	CU_ASSERT_EQUAL(advert_encode(&a, &S4, &D4, buf, 15), 0);     /* too small */
	CU_ASSERT_EQUAL(advert_encode(&a, &S4, &D4, buf, 16), 16);    /* exact fit */
	CU_ASSERT_EQUAL(advert_encode(&a, &S6, &D6, buf, sizeof(buf)), 0); /* family */
	CU_ASSERT_EQUAL(advert_encode(&a, &S4, &D6, buf, sizeof(buf)), 0);
	b = a; b.count = 0;
	CU_ASSERT_EQUAL(advert_encode(&b, &S4, &D4, buf, sizeof(buf)), 0);
	b = a; b.addrs[1] = ip("fd00::1");
	CU_ASSERT_EQUAL(advert_encode(&b, &S4, &D4, buf, sizeof(buf)), 0);
	b = a; b.vrid = 0;
	CU_ASSERT_EQUAL(advert_encode(&b, &S4, &D4, buf, sizeof(buf)), 0);
	b = a; b.max_adver_int = 0;
	CU_ASSERT_EQUAL(advert_encode(&b, &S4, &D4, buf, sizeof(buf)), 0);
	b = a; b.max_adver_int = ADVERT_MAX_INT_CS + 1;
	CU_ASSERT_EQUAL(advert_encode(&b, &S4, &D4, buf, sizeof(buf)), 0);
	b = a; b.family = 0;
	CU_ASSERT_EQUAL(advert_encode(&b, &S4, &D4, buf, sizeof(buf)), 0);
	/* version/type are always written as VRRPv3 ADVERTISEMENT */
	b = a; b.version = 0; b.type = 0;
	CU_ASSERT_EQUAL(advert_encode(&b, &S4, &D4, buf, sizeof(buf)), 16);
	CU_ASSERT_EQUAL(buf[0], 0x31);
}

/* ---- one test per rejection reason; each packet has exactly one defect ---- */

static void test_reject_short(void)
{
	uint8_t buf[16];

	valid4(buf, sizeof(buf));
	CU_ASSERT_EQUAL(dec4(buf, 7, 255), ADVERT_ERR_SHORT);
	CU_ASSERT_EQUAL(dec4(buf, 0, 255), ADVERT_ERR_SHORT);
	CU_ASSERT_EQUAL(dec4(NULL, 0, 255), ADVERT_ERR_SHORT);
}

static void test_reject_version(void)
{
	uint8_t buf[16];

	valid4(buf, sizeof(buf));
	buf[0] = 0x21; /* VRRPv2 */
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_VERSION);
}

static void test_reject_type(void)
{
	uint8_t buf[16];

	valid4(buf, sizeof(buf));
	buf[0] = 0x32;
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_TYPE);
}

static void test_reject_ttl(void)
{
	uint8_t buf[16];

	valid4(buf, sizeof(buf));
	CU_ASSERT_EQUAL(dec4(buf, 16, 254), ADVERT_ERR_TTL);
	CU_ASSERT_EQUAL(dec4(buf, 16, 1), ADVERT_ERR_TTL);
}

static void test_reject_addr_count(void)
{
	uint8_t buf[16];

	valid4(buf, sizeof(buf));
	buf[3] = 0;
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_ADDR_COUNT);
	/* 255 (the whole 8 bits) is a valid count: a 16-byte packet that
	 * claims it fails on its length. */
	buf[3] = 255;
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_LENGTH);
}

static void test_reject_length(void)
{
	uint8_t buf[17] = { 0 };

	valid4(buf, sizeof(buf));
	/* one byte more than count says */
	CU_ASSERT_EQUAL(dec4(buf, 17, 255), ADVERT_ERR_LENGTH);
	/* count says 3 addresses, only 2 present */
	buf[3] = 3;
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_LENGTH);
	/* from an IPv6 source, count 2 needs 8 + 2 * 16 bytes, not 16 */
	{
		struct advert out;

		valid4(buf, sizeof(buf));
		CU_ASSERT_EQUAL(advert_decode(buf, 16, &S6, &D6, 255, &out),
				ADVERT_ERR_LENGTH);
	}
}

static void test_reject_checksum(void)
{
	uint8_t buf[16];

	valid4(buf, sizeof(buf));
	buf[15] ^= 0x01;
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_CHECKSUM);
	valid4(buf, sizeof(buf));
	buf[7] ^= 0x80;
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_CHECKSUM);
}

static void test_reject_vrid(void)
{
	uint8_t buf[16];

	valid4(buf, sizeof(buf));
	buf[1] = 0;
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_VRID);
}

static void test_reject_interval_zero(void)
{
	uint8_t buf[16];

	valid4(buf, sizeof(buf));
	buf[4] = 0;
	buf[5] = 0;
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_INTERVAL_ZERO);
	/* reserved bits set but the 12-bit interval still 0 */
	buf[4] = 0xf0;
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_INTERVAL_ZERO);
}

static void test_reject_family(void)
{
	uint8_t buf[16];
	struct ipaddr unset;
	struct advert out;

	memset(&unset, 0, sizeof(unset));
	valid4(buf, sizeof(buf));
	CU_ASSERT_EQUAL(advert_decode(buf, 16, &unset, &D4, 255, &out), ADVERT_ERR_FAMILY);
	CU_ASSERT_EQUAL(advert_decode(buf, 16, &S4, &D6, 255, &out), ADVERT_ERR_FAMILY);
	CU_ASSERT_EQUAL(advert_decode(buf, 16, NULL, &D4, 255, &out), ADVERT_ERR_FAMILY);
}

static void test_reject_interval_far(void)
{
	struct advert a = mk(IPADDR_V4, 7, 100, 100, 2, V4ADDRS);

	CU_ASSERT_EQUAL(advert_check_interval(&a, 100), ADVERT_OK);
	a.max_adver_int = 200;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 100), ADVERT_OK);
	a.max_adver_int = 201;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 100), ADVERT_ERR_INTERVAL_FAR);
	a.max_adver_int = 50;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 100), ADVERT_OK);
	a.max_adver_int = 49;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 100), ADVERT_ERR_INTERVAL_FAR);
	/* the forged-packet case from DESIGN.md: 40.95 s against 100 ms */
	a.max_adver_int = ADVERT_MAX_INT_CS;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 10), ADVERT_ERR_INTERVAL_FAR);
	/* odd configured value: 1 < 3/2 exactly, so it is far */
	a.max_adver_int = 1;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 3), ADVERT_ERR_INTERVAL_FAR);
	a.max_adver_int = 2;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 3), ADVERT_OK);
	a.max_adver_int = 6;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 3), ADVERT_OK);
	a.max_adver_int = 7;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 3), ADVERT_ERR_INTERVAL_FAR);
	/* the largest values do not overflow */
	a.max_adver_int = ADVERT_MAX_INT_CS;
	CU_ASSERT_EQUAL(advert_check_interval(&a, ADVERT_MAX_INT_CS), ADVERT_OK);
	CU_ASSERT_EQUAL(advert_check_interval(&a, 0xffff), ADVERT_ERR_INTERVAL_FAR);
	/* nothing is close to a configured 0 */
	a.max_adver_int = 1;
	CU_ASSERT_EQUAL(advert_check_interval(&a, 0), ADVERT_ERR_INTERVAL_FAR);
}

/* The first failing check wins, in the documented order. */
static void test_reject_order(void)
{
	uint8_t buf[16];

	valid4(buf, sizeof(buf));
	buf[0] = 0x22;                /* bad version and bad type */
	CU_ASSERT_EQUAL(dec4(buf, 16, 64), ADVERT_ERR_VERSION);
	buf[0] = 0x32;                /* bad type, bad ttl */
	CU_ASSERT_EQUAL(dec4(buf, 16, 64), ADVERT_ERR_TYPE);
	buf[0] = 0x31;
	buf[3] = 0;                   /* bad ttl, bad count */
	CU_ASSERT_EQUAL(dec4(buf, 16, 64), ADVERT_ERR_TTL);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_ADDR_COUNT);
	buf[3] = 3;                   /* bad length, bad checksum */
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_LENGTH);
	buf[3] = 2;
	buf[1] = 0;                   /* vrid 0 with a stale checksum */
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_CHECKSUM);
	buf[4] = buf[5] = 0;          /* vrid 0 and interval 0 */
	fix_checksum(buf, 16, &S4, &D4);
	CU_ASSERT_EQUAL(dec4(buf, 16, 255), ADVERT_ERR_VRID);
}

/* ---- IPv4 datagram decoding ---- */

static void test_ip4_ok_and_padding(void)
{
	uint8_t pkt[sizeof(ka4_mcast_ip) + 10] = { 0 };
	struct ipaddr src, want = ip("10.99.0.1");
	struct advert out;

	memcpy(pkt, ka4_mcast_ip, sizeof(ka4_mcast_ip));
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(ka4_mcast_ip), &src, &out), ADVERT_OK);
	CU_ASSERT(ipaddr_eq(&src, &want));
	CU_ASSERT_EQUAL(out.vrid, 51);
	/* bytes after total length (link padding) are not part of the datagram */
	pkt[sizeof(ka4_mcast_ip)] = 0xaa;
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(pkt), &src, &out), ADVERT_OK);
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(ka4_mcast_ip), NULL, &out), ADVERT_OK);
}

static void test_reject_ip_header(void)
{
	uint8_t pkt[sizeof(ka4_mcast_ip)];
	struct ipaddr src;
	struct advert out;

	memcpy(pkt, ka4_mcast_ip, sizeof(pkt));
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, 19, &src, &out), ADVERT_ERR_IP_HEADER);
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, 0, &src, &out), ADVERT_ERR_IP_HEADER);
	/* total length 36 > 35 bytes given */
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(pkt) - 1, &src, &out), ADVERT_ERR_IP_HEADER);
	pkt[0] = 0x65; /* version 6 */
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(pkt), &src, &out), ADVERT_ERR_IP_HEADER);
	pkt[0] = 0x44; /* ihl 4 */
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(pkt), &src, &out), ADVERT_ERR_IP_HEADER);
	pkt[0] = 0x4f; /* ihl 15 = 60 bytes > 36 */
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(pkt), &src, &out), ADVERT_ERR_IP_HEADER);
	pkt[0] = 0x45;
	pkt[3] = 19;   /* total length < header */
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(pkt), &src, &out), ADVERT_ERR_IP_HEADER);
	/* the source is reported even though the header is bad */
	{
		struct ipaddr want = ip("10.99.0.1");

		CU_ASSERT(ipaddr_eq(&src, &want));
	}
}

static void test_reject_ip_proto(void)
{
	uint8_t pkt[sizeof(ka4_mcast_ip)];
	struct ipaddr src, want = ip("10.99.0.1");
	struct advert out;

	memcpy(pkt, ka4_mcast_ip, sizeof(pkt));
	pkt[9] = 17;
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(pkt), &src, &out), ADVERT_ERR_IP_PROTO);
	CU_ASSERT(ipaddr_eq(&src, &want));
}

static void test_ip4_ttl_and_options(void)
{
	uint8_t pkt[sizeof(ka4_mcast_ip) + 4];
	struct ipaddr src;
	struct advert out;

	/* TTL comes from the IP header */
	memcpy(pkt, ka4_mcast_ip, sizeof(ka4_mcast_ip));
	pkt[8] = 64;
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(ka4_mcast_ip), &src, &out), ADVERT_ERR_TTL);
	/* an options word (IHL 6): payload starts at IHL*4 */
	memcpy(pkt, ka4_mcast_ip, 20);
	pkt[0] = 0x46;
	pkt[3] = (uint8_t)sizeof(pkt);
	pkt[20] = pkt[21] = pkt[22] = pkt[23] = 0x01; /* NOP options */
	memcpy(pkt + 24, ka4_mcast, sizeof(ka4_mcast));
	CU_ASSERT_EQUAL(advert_decode_ip4(pkt, sizeof(pkt), &src, &out), ADVERT_OK);
	CU_ASSERT_EQUAL(out.vrid, 51);
	/* a trailing byte inside total length is a VRRP length error */
	{
		uint8_t p2[sizeof(ka4_mcast_ip) + 1] = { 0 };

		memcpy(p2, ka4_mcast_ip, sizeof(ka4_mcast_ip));
		p2[3]++;
		CU_ASSERT_EQUAL(advert_decode_ip4(p2, sizeof(p2), &src, &out), ADVERT_ERR_LENGTH);
	}
}

/* ---- golden vectors from keepalived ---- */

/* Decoding gives the expected fields; encoding them from the same
 * src/dst gives back keepalived's exact bytes, checksum included. */
static void golden(const uint8_t *bytes, size_t len, const char *src,
		   const char *dst, uint8_t vrid, uint8_t prio, uint16_t cs,
		   unsigned count, const char *const *addrs)
{
	struct ipaddr s = ip(src), d = ip(dst);
	struct advert out, want = mk(s.family, vrid, prio, cs, count, addrs);
	uint8_t buf[ADVERT_MAX_LEN];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(advert_decode(bytes, len, &s, &d, 255, &out), ADVERT_OK);
	CU_ASSERT(same_advert(&out, &want));
	n = advert_encode(&out, &s, &d, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, len);
	CU_ASSERT(memcmp(buf, bytes, len) == 0);
	/* and the checksum alone agrees with keepalived's */
	memcpy(buf, bytes, len);
	buf[6] = buf[7] = 0;
	CU_ASSERT_EQUAL(advert_checksum(s.family, &s, &d, buf, len),
			(uint16_t)(bytes[6] << 8 | bytes[7]));
}

static const char *const KA4[] = { "10.99.0.50", "10.99.0.51" };
static const char *const KA4U[] = { "10.99.0.53" };
static const char *const KA6[] = { "fe80::5052", "fd99::50" };

static void test_golden_v4_multicast(void)
{
	golden(ka4_mcast, sizeof(ka4_mcast), "10.99.0.1", "224.0.0.18", 51, 150, 100, 2, KA4);
	golden(ka4_mcast_prio0, sizeof(ka4_mcast_prio0), "10.99.0.1", "224.0.0.18",
	       51, 0, 100, 2, KA4);
}

static void test_golden_v4_unicast(void)
{
	golden(ka4_ucast, sizeof(ka4_ucast), "10.99.0.1", "10.99.0.2", 53, 100, 200, 1, KA4U);
}

static void test_golden_v6_multicast(void)
{
	golden(ka6_mcast, sizeof(ka6_mcast), "fe80::ff:fe00:a", "ff02::12", 52, 200, 50, 2, KA6);
	golden(ka6_mcast_prio0, sizeof(ka6_mcast_prio0), "fe80::ff:fe00:a", "ff02::12",
	       52, 0, 50, 2, KA6);
}

static void test_golden_ip4_datagrams(void)
{
	struct ipaddr src, want = ip("10.99.0.1");
	struct advert out, m = mk(IPADDR_V4, 51, 150, 100, 2, KA4),
		      u = mk(IPADDR_V4, 53, 100, 200, 1, KA4U);

	CU_ASSERT_EQUAL(advert_decode_ip4(ka4_mcast_ip, sizeof(ka4_mcast_ip), &src, &out), ADVERT_OK);
	CU_ASSERT(ipaddr_eq(&src, &want));
	CU_ASSERT(same_advert(&out, &m));
	CU_ASSERT_EQUAL(advert_decode_ip4(ka4_ucast_ip, sizeof(ka4_ucast_ip), &src, &out), ADVERT_OK);
	CU_ASSERT(ipaddr_eq(&src, &want));
	CU_ASSERT(same_advert(&out, &u));
	/* keepalived's unicast advert checksums over the unicast destination:
	 * the same bytes to the multicast group do not verify */
	{
		struct ipaddr mc = ip("224.0.0.18");

		CU_ASSERT_EQUAL(advert_decode(ka4_ucast, sizeof(ka4_ucast), &want, &mc, 255, &out),
				ADVERT_ERR_CHECKSUM);
	}
}

static CU_TestInfo tests_codec[] = {
	{ "reason names", test_reason_str },
	{ "checksum RFC 1071 arithmetic", test_checksum_rfc1071 },
	{ "checksum covers pseudo-header", test_checksum_covers_pseudo_header },
	{ "round trip IPv4", test_roundtrip_v4 },
	{ "round trip IPv6", test_roundtrip_v6 },
	{ "round trip 32 addresses", test_roundtrip_max_count },
	{ "round trip random + bit flips", test_roundtrip_random },
	{ "reserved bits ignored", test_reserved_bits_ignored },
	{ "encode refuses invalid adverts", test_encode_invalid },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_reject[] = {
	{ "short", test_reject_short },
	{ "version", test_reject_version },
	{ "type", test_reject_type },
	{ "ttl", test_reject_ttl },
	{ "addr_count", test_reject_addr_count },
	{ "length", test_reject_length },
	{ "checksum", test_reject_checksum },
	{ "vrid", test_reject_vrid },
	{ "interval_zero", test_reject_interval_zero },
	{ "interval_far", test_reject_interval_far },
	{ "family", test_reject_family },
	{ "ip_header", test_reject_ip_header },
	{ "ip_proto", test_reject_ip_proto },
	{ "order of checks", test_reject_order },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_ip4[] = {
	{ "datagram ok, padding ignored", test_ip4_ok_and_padding },
	{ "ttl from header, options", test_ip4_ttl_and_options },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_golden[] = {
	{ "keepalived IPv4 multicast", test_golden_v4_multicast },
	{ "keepalived IPv4 unicast", test_golden_v4_unicast },
	{ "keepalived IPv6 multicast", test_golden_v6_multicast },
	{ "keepalived IPv4 datagrams", test_golden_ip4_datagrams },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "advert codec", suite_init, NULL, NULL, NULL, tests_codec },
	{ "advert rejections", suite_init, NULL, NULL, NULL, tests_reject },
	{ "advert ipv4 datagram", suite_init, NULL, NULL, NULL, tests_ip4 },
	{ "advert golden keepalived", suite_init, NULL, NULL, NULL, tests_golden },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
