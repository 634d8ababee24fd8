/* test_ipaddr: parsing, printing, ordering of IPv4/IPv6 addresses. */
#include <string.h>

#include "core/ipaddr.h"
#include "cu_main.h"

static const uint8_t V4_10_0_0_50[4] = { 10, 0, 0, 50 };

static void test_parse_v4(void)
{
	struct ipaddr a;

	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.50", false, &a), 0);
	CU_ASSERT_EQUAL(a.family, IPADDR_V4);
	CU_ASSERT_EQUAL(a.prefixlen, 32);
	CU_ASSERT(memcmp(a.a, V4_10_0_0_50, 4) == 0);
	CU_ASSERT_EQUAL(ipaddr_len(&a), 4);
	/* allowing a prefix does not require one */
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.50", true, &a), 0);
	CU_ASSERT_EQUAL(a.prefixlen, 32);
}

static void test_parse_v4_prefix(void)
{
	struct ipaddr a;

	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.50/24", true, &a), 0);
	CU_ASSERT_EQUAL(a.family, IPADDR_V4);
	CU_ASSERT_EQUAL(a.prefixlen, 24);
	CU_ASSERT(memcmp(a.a, V4_10_0_0_50, 4) == 0);
	CU_ASSERT_EQUAL(ipaddr_parse("0.0.0.0/0", true, &a), 0);
	CU_ASSERT_EQUAL(a.prefixlen, 0);
	CU_ASSERT_EQUAL(ipaddr_parse("10.0.0.1/32", true, &a), 0);
	CU_ASSERT_EQUAL(a.prefixlen, 32);
	/* a prefix where none is allowed is an error */
	CU_ASSERT_EQUAL(ipaddr_parse("10.0.0.50/24", false, &a), -1);
	CU_ASSERT_EQUAL(a.family, 0);
}

static void test_parse_v6(void)
{
	static const uint8_t fd00_1[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0, 0, 0, 1 };
	struct ipaddr a;

	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("fd00::1", false, &a), 0);
	CU_ASSERT_EQUAL(a.family, IPADDR_V6);
	CU_ASSERT_EQUAL(a.prefixlen, 128);
	CU_ASSERT(memcmp(a.a, fd00_1, 16) == 0);
	CU_ASSERT_EQUAL(ipaddr_len(&a), 16);
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("fd00::1/64", true, &a), 0);
	CU_ASSERT_EQUAL(a.prefixlen, 64);
	CU_ASSERT(memcmp(a.a, fd00_1, 16) == 0);
	CU_ASSERT_EQUAL(ipaddr_parse("::/0", true, &a), 0);
	CU_ASSERT_EQUAL(a.prefixlen, 0);
	CU_ASSERT_EQUAL(ipaddr_parse("::ffff:10.0.0.1", false, &a), 0);
	CU_ASSERT_EQUAL(a.family, IPADDR_V6);
	CU_ASSERT_EQUAL(ipaddr_parse("fd00::1/128", true, &a), 0);
	CU_ASSERT_EQUAL(ipaddr_parse("fd00::1/64", false, &a), -1);
}

static void test_parse_bad(void)
{
	static const char *const bad[] = {
		"", "10.0.0", "10.0.0.256", "10.0.0.1.2", "abc", "10.0.0.1 ",
		" 10.0.0.1", "10.0.0.1/", "10.0.0.1/33", "10.0.0.1/-1",
		"10.0.0.1/+8", "10.0.0.1/ 8", "10.0.0.1/8x", "10.0.0.1/0008",
		"10.0.0.1/24/8", "/24", "fd00::1/129", "fd00::1/1000", "::1::2",
		"fd00::g", "fd00:::1", "10.0.0.1%eth0", "fe80::1%eth0",
		"1234567890123456789012345678901234567890123456789012345678901234",
	};
	struct ipaddr a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&a, 0xa5, sizeof(a));
		if (ipaddr_parse(bad[i], true, &a) != -1)
			CU_FAIL(bad[i]);
		/* a failed parse leaves an unset address, never half a one */
		CU_ASSERT_EQUAL(a.family, 0);
	}
}

static void test_cmp_order(void)
{
	/* ascending, as unsigned big-endian numbers; IPv4 before IPv6 */
	static const char *const asc[] = {
		"0.0.0.0", "9.255.255.255", "10.0.0.0", "10.0.0.1", "10.0.0.2",
		"10.0.1.0", "127.255.255.255", "128.0.0.0", "255.255.255.255",
		"::", "::1", "fd00::1", "fe80::1", "ffff::",
	};
	struct ipaddr x, y;
	size_t i, j, n = sizeof(asc) / sizeof(asc[0]);

	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL_FATAL(ipaddr_parse(asc[i], false, &x), 0);
		for (j = 0; j < n; j++) {
			int c;

			CU_ASSERT_EQUAL_FATAL(ipaddr_parse(asc[j], false, &y), 0);
			c = ipaddr_cmp(&x, &y);
			if ((i < j && c >= 0) || (i > j && c <= 0) || (i == j && c != 0))
				CU_FAIL("ipaddr_cmp order");
			CU_ASSERT_EQUAL(ipaddr_eq(&x, &y), i == j);
		}
	}
}

static void test_cmp_ignores_prefix(void)
{
	struct ipaddr x, y;

	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.1/8", true, &x), 0);
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.1/32", true, &y), 0);
	CU_ASSERT_EQUAL(ipaddr_cmp(&x, &y), 0);
	CU_ASSERT(ipaddr_eq(&x, &y));
	/* the same 4 bytes as IPv4 and as the start of an IPv6 address differ */
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("a00:1::", false, &y), 0);
	CU_ASSERT(memcmp(x.a, y.a, 4) == 0);
	CU_ASSERT(!ipaddr_eq(&x, &y));
}

static void test_str_roundtrip(void)
{
	/* canonical forms print back unchanged */
	static const char *const canon[] = {
		"10.0.0.50", "0.0.0.0", "255.255.255.255", "::", "::1", "fd00::1",
		"fe80::ff:fe00:a", "2001:db8::8:800:200c:417a", "ff02::12",
	};
	static const char *const canon_prefix[] = {
		"10.0.0.50/24", "0.0.0.0/0", "fd00::50/64", "fe80::1/10", "::/0",
	};
	char buf[IPADDR_STRLEN];
	struct ipaddr a, b;
	size_t i;

	for (i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ipaddr_parse(canon[i], false, &a), 0);
		CU_ASSERT_STRING_EQUAL(ipaddr_str(&a, buf, sizeof(buf)), canon[i]);
		CU_ASSERT_EQUAL_FATAL(ipaddr_parse(buf, false, &b), 0);
		CU_ASSERT(ipaddr_eq(&a, &b));
	}
	for (i = 0; i < sizeof(canon_prefix) / sizeof(canon_prefix[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ipaddr_parse(canon_prefix[i], true, &a), 0);
		CU_ASSERT_STRING_EQUAL(ipaddr_str_prefix(&a, buf, sizeof(buf)), canon_prefix[i]);
		CU_ASSERT_EQUAL_FATAL(ipaddr_parse(buf, true, &b), 0);
		CU_ASSERT(ipaddr_eq(&a, &b));
		CU_ASSERT_EQUAL(a.prefixlen, b.prefixlen);
	}
	/* non-canonical input prints canonically */
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("FD00:0:0:0::0001/64", true, &a), 0);
	CU_ASSERT_STRING_EQUAL(ipaddr_str(&a, buf, sizeof(buf)), "fd00::1");
	CU_ASSERT_STRING_EQUAL(ipaddr_str_prefix(&a, buf, sizeof(buf)), "fd00::1/64");
	/* no prefix given: the full length is printed */
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.1", false, &a), 0);
	CU_ASSERT_STRING_EQUAL(ipaddr_str_prefix(&a, buf, sizeof(buf)), "10.0.0.1/32");
}

static void test_str_unset_and_small(void)
{
	char buf[IPADDR_STRLEN], small[4];
	struct ipaddr a;

	memset(&a, 0, sizeof(a));
	CU_ASSERT_STRING_EQUAL(ipaddr_str(&a, buf, sizeof(buf)), "?");
	/* a buffer too small never overflows and stays a C string */
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.1", false, &a), 0);
	ipaddr_str(&a, small, sizeof(small));
	CU_ASSERT(memchr(small, '\0', sizeof(small)) != NULL);
	CU_ASSERT(strlen(small) < sizeof(small));
}

static void test_from_bytes_and_linklocal(void)
{
	/* fe80::ff:fe00:a, keepalived's source in test_advert */
	static const uint8_t ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0xff, 0xfe, 0, 0, 0x0a };
	struct ipaddr a, b;

	ipaddr_from_bytes(&a, IPADDR_V4, V4_10_0_0_50);
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.50", false, &b), 0);
	CU_ASSERT(ipaddr_eq(&a, &b));
	CU_ASSERT_EQUAL(a.prefixlen, 32);
	ipaddr_from_bytes(&a, IPADDR_V6, ll);
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("fe80::ff:fe00:a", false, &b), 0);
	CU_ASSERT(ipaddr_eq(&a, &b));
	CU_ASSERT_EQUAL(a.prefixlen, 128);
	CU_ASSERT(ipaddr_is_linklocal6(&a));

	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("febf:ffff::1", false, &a), 0);
	CU_ASSERT(ipaddr_is_linklocal6(&a));
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("fec0::1", false, &a), 0);
	CU_ASSERT(!ipaddr_is_linklocal6(&a));
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("fd00::1", false, &a), 0);
	CU_ASSERT(!ipaddr_is_linklocal6(&a));
	/* an IPv4 address whose first bytes look like fe80 is not link-local */
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("254.128.0.1", false, &a), 0);
	CU_ASSERT(!ipaddr_is_linklocal6(&a));

	memset(&a, 0, sizeof(a));
	CU_ASSERT_EQUAL(ipaddr_len(&a), 0);
}

/* "ADDR in PREFIX" for each row: want 1 or 0. */
static void test_in_prefix(void)
{
	static const struct {
		const char *ip, *net;
		bool in;
	} rows[] = {
		{ "198.51.100.2", "198.51.100.0/29", true },
		{ "198.51.100.7", "198.51.100.0/29", true },
		{ "198.51.100.8", "198.51.100.0/29", false },
		{ "198.51.100.2", "198.51.100.2", true },      /* an address: a /32 */
		{ "198.51.100.3", "198.51.100.2", false },
		{ "198.51.100.2/24", "198.51.100.2", true },   /* ip's prefix ignored */
		{ "10.255.1.2", "10.128.0.0/9", true },        /* a bit inside a byte */
		{ "10.127.1.2", "10.128.0.0/9", false },
		{ "10.0.0.6", "10.0.0.5/30", true },           /* net's host bits ignored */
		{ "10.0.0.3", "10.0.0.5/30", false },
		{ "11.0.0.1", "0.0.0.0/0", true },
		{ "fe80::2", "fe80::/64", true },
		{ "fe80:0:0:1::2", "fe80::/64", false },
		{ "fe80::2", "fe80::2", true },
		{ "fe80::3", "fe80::2/127", true },
		{ "fe80::4", "fe80::2/127", false },
		{ "10.0.0.1", "a00:1::/16", false },           /* families differ */
		{ "a00:1::", "10.0.0.0/8", false },
	};
	struct ipaddr ip, net;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ipaddr_parse(rows[i].ip, true, &ip), 0);
		CU_ASSERT_EQUAL_FATAL(ipaddr_parse(rows[i].net, true, &net), 0);
		if (ipaddr_in_prefix(&ip, &net) != rows[i].in) {
			printf("\n  %s in %s: want %d\n", rows[i].ip, rows[i].net, rows[i].in);
			CU_FAIL("ipaddr_in_prefix");
		}
	}
	memset(&ip, 0, sizeof(ip));
	CU_ASSERT(!ipaddr_in_prefix(&ip, &net));       /* unset: in nothing */
}

static void test_network_and_lists(void)
{
	char buf[IPADDR_STRLEN];
	struct ipaddr a, nets[2];

	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("198.51.100.5/29", true, &a), 0);
	ipaddr_network(&a, &a);
	CU_ASSERT_STRING_EQUAL(ipaddr_str_prefix(&a, buf, sizeof(buf)), "198.51.100.0/29");
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("fd00::1:ff/120", true, &a), 0);
	ipaddr_network(&a, &a);
	CU_ASSERT_STRING_EQUAL(ipaddr_str_prefix(&a, buf, sizeof(buf)), "fd00::1:0/120");
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.9", true, &a), 0);
	ipaddr_network(&a, &a);                        /* a /32 keeps every bit */
	CU_ASSERT_STRING_EQUAL(ipaddr_str_prefix(&a, buf, sizeof(buf)), "10.0.0.9/32");

	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.2", true, &nets[0]), 0);
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.1.0.0/16", true, &nets[1]), 0);
	CU_ASSERT(ipaddr_in_prefixes(&a, nets, 2) == false);
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.1.2.3", false, &a), 0);
	CU_ASSERT(ipaddr_in_prefixes(&a, nets, 2));
	CU_ASSERT(!ipaddr_in_prefixes(&a, nets, 1));
	CU_ASSERT(!ipaddr_in_prefixes(&a, NULL, 0));
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("10.0.0.2", false, &a), 0);
	CU_ASSERT(ipaddr_in_prefixes(&a, nets, 2));
}

/* VIPs in one /64 with their own last 24 bits join a group each; the
 * address plan that keeps the last 24 bits (the varying part higher up)
 * shares one; IPv4 ones join none. */
static void test_solicited_groups(void)
{
	static const char *const own[] = { "2001:db8:100::b:1", "2001:db8:100::b:2",
					    "2001:db8:100::b:3", "198.51.100.10" };
	static const char *const shared[] = { "2001:db8:100::1:0:1", "2001:db8:100::2:0:1",
					       "2001:db8:100::3:0:1", "2001:db8:100::3:0:2" };
	static uint8_t bits[IPADDR_SOLICITED_BITS_BYTES];
	struct ipaddr a[4];
	size_t i;

/* each count from zeroed bits */
#define GROUPS(from, n) (memset(bits, 0, sizeof(bits)), ipaddr_solicited_groups(from, n, bits))
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL_FATAL(ipaddr_parse(own[i], false, &a[i]), 0);
	CU_ASSERT_EQUAL(GROUPS(a, 4), 3);
	CU_ASSERT_EQUAL(GROUPS(a + 3, 1), 0);
	CU_ASSERT_EQUAL(GROUPS(a, 0), 0);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL_FATAL(ipaddr_parse(shared[i], false, &a[i]), 0);
	CU_ASSERT_EQUAL(GROUPS(a, 3), 1);
	CU_ASSERT_EQUAL(GROUPS(a, 4), 2);
	/* only the last 24 bits: ::100:0:1 and ::1:0:1 differ above them */
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("2001:db8:100::100:0:1", false, &a[3]), 0);
	CU_ASSERT_EQUAL(GROUPS(a, 4), 1);
	CU_ASSERT_EQUAL_FATAL(ipaddr_parse("2001:db8:100::1:1:1", false, &a[3]), 0);
	CU_ASSERT_EQUAL(GROUPS(a, 4), 2);
#undef GROUPS
}

static CU_TestInfo tests_parse[] = {
	{ "IPv4 without prefix", test_parse_v4 },
	{ "IPv4 with prefix", test_parse_v4_prefix },
	{ "IPv6 with and without prefix", test_parse_v6 },
	{ "bad input", test_parse_bad },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_cmp[] = {
	{ "ordering", test_cmp_order },
	{ "prefix ignored, family first", test_cmp_ignores_prefix },
	{ "within a prefix", test_in_prefix },
	{ "network, lists of prefixes", test_network_and_lists },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_str[] = {
	{ "string round trip", test_str_roundtrip },
	{ "unset and small buffers", test_str_unset_and_small },
	{ "from_bytes, link-local", test_from_bytes_and_linklocal },
	{ "solicited-node groups", test_solicited_groups },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ipaddr parse", NULL, NULL, NULL, NULL, tests_parse },
	{ "ipaddr cmp", NULL, NULL, NULL, NULL, tests_cmp },
	{ "ipaddr str", NULL, NULL, NULL, NULL, tests_str },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
