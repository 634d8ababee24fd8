/* Unit tests for allowed-peers (hamgr/conf_instance.c, conf_value.c): the
 * addresses and prefixes an instance hears adverts and announcements from,
 * and every error with its line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_fixture.h"
#include "cu_main.h"

static void test_values(void)
{
	struct conf *c = parse_ok(INST("  allowed-peers = {\"10.0.0.2\", 10.0.0.8/29,\n"
				       "                   \"10.1.0.0/16\"}\n"));
	const struct conf_instance *in;
	char b[IPADDR_STRLEN];

	if (!c)
		return;
	in = &c->instances[0];
	CU_ASSERT_EQUAL_FATAL(in->n_allowed_peers, 3);
	CU_ASSERT_STRING_EQUAL(addr(&in->allowed_peers[0], b), "10.0.0.2/32");
	CU_ASSERT_STRING_EQUAL(addr(&in->allowed_peers[1], b), "10.0.0.8/29");
	CU_ASSERT_STRING_EQUAL(addr(&in->allowed_peers[2], b), "10.1.0.0/16");
	CU_ASSERT_EQUAL(in->n_unicast_peers, 0);
	conf_free(c);

	c = parse_ok("instance web6 {\n  interface = eth0\n  vrid = 51\n"
		     "  vips = {fd00::50/64, 10.0.0.50/24}\n"
		     "  allowed-peers = {fe80::2, \"fe80::1:0/112\", fd00::2}\n}\n");
	if (!c)
		return;
	in = &c->instances[0];
	CU_ASSERT_EQUAL_FATAL(in->n_allowed_peers, 3);
	CU_ASSERT_STRING_EQUAL(addr(&in->allowed_peers[0], b), "fe80::2/128");
	CU_ASSERT_STRING_EQUAL(addr(&in->allowed_peers[1], b), "fe80::1:0/112");
	conf_free(c);
}

static void test_default(void)
{
	struct conf *c = parse_ok(INST(""));

	if (!c)
		return;
	CU_ASSERT_EQUAL(c->instances[0].n_allowed_peers, 0);
	CU_ASSERT_PTR_NULL(c->instances[0].allowed_peers);
	conf_free(c);
}

static void test_value_errors(void)
{
	expect_err(INST("  allowed-peers = {peer2}\n"),
		   FILE_NAME ":5: allowed-peers: \"peer2\" is not an address, expected an "
		   "address like 10.0.0.2 or fe80::2, or a prefix like 10.0.0.0/29");
	expect_err(INST("  allowed-peers = {10.0.0.2,\n    10.0.0.5/29}\n"),
		   FILE_NAME ":6: allowed-peers: 10.0.0.5/29 has host bits set, expected "
		   "the prefix 10.0.0.0/29");
	expect_err(INST("  allowed-peers = {\"fe80::2/64\"}\n"),
		   FILE_NAME ":5: allowed-peers: fe80::2/64 has host bits set, expected "
		   "the prefix fe80::/64");
	expect_err(INST("  allowed-peers = {128.0.0.0/0}\n"),
		   FILE_NAME ":5: allowed-peers: 128.0.0.0/0 has prefix length 0, "
		   "expected 1..32");
	expect_err(INST("  allowed-peers = {10.0.0.0/33}\n"),
		   FILE_NAME ":5: allowed-peers: \"10.0.0.0/33\" is not an address, expected "
		   "an address like 10.0.0.2 or fe80::2, or a prefix like 10.0.0.0/29");
	expect_err(INST("  allowed-peers = {224.0.0.18}\n"),
		   FILE_NAME ":5: allowed-peers: 224.0.0.18 is a multicast address, "
		   "expected a unicast address");
	expect_err(INST("  allowed-peers = {127.0.0.1}\n"),
		   FILE_NAME ":5: allowed-peers: 127.0.0.1 is a loopback address, "
		   "expected a unicast address");
	expect_err(INST("  allowed-peers = {10.0.0.2}\n  allowed-peers = {10.0.0.3}\n"),
		   FILE_NAME ":6: allowed-peers: already set at line 5");
	expect_err(INST("  allowed_peers = {10.0.0.2}\n"),
		   FILE_NAME ":5: no such option 'allowed_peers', did you mean 'allowed-peers'?");
	expect_err("allowed-peers = {10.0.0.2}\n" INST(""),
		   FILE_NAME ":1: allowed-peers belongs inside an instance { } section");
}

static void test_family(void)
{
	expect_err(INST("  allowed-peers = {10.0.0.2,\n    fe80::2}\n"),
		   FILE_NAME ":6: allowed-peers: fe80::2 is IPv6 but the instance "
		   "advertises IPv4 (the family of its first VIP 10.0.0.50/24), "
		   "expected an IPv4 address");
	expect_err("instance web6 {\n  interface = eth0\n  vrid = 51\n"
		   "  vips = {fd00::50/64}\n  allowed-peers = {\"10.0.0.0/8\"}\n}\n",
		   FILE_NAME ":5: allowed-peers: 10.0.0.0/8 is IPv4 but the instance "
		   "advertises IPv6 (the family of its first VIP fd00::50/64), "
		   "expected an IPv6 address");
}

static void test_duplicates(void)
{
	expect_err(INST("  allowed-peers = {10.0.0.2,\n 10.0.0.3,\n 10.0.0.2}\n"),
		   FILE_NAME ":7: allowed-peers: 10.0.0.2 is listed twice (first at line 5)");
	expect_err(INST("  allowed-peers = {10.0.0.0/29,\n 10.0.0.0/29}\n"),
		   FILE_NAME ":6: allowed-peers: 10.0.0.0/29 is listed twice (first at line 5)");
	/* an entry within another: reported at the narrower one, either order */
	expect_err(INST("  allowed-peers = {10.0.0.2,\n 10.0.0.0/29}\n"),
		   FILE_NAME ":5: allowed-peers: 10.0.0.2 is within 10.0.0.0/29 (line 6), "
		   "expected each address once");
	expect_err(INST("  allowed-peers = {10.0.0.0/29,\n 10.0.0.4/30}\n"),
		   FILE_NAME ":6: allowed-peers: 10.0.0.4/30 is within 10.0.0.0/29 (line 5), "
		   "expected each address once");
	/* neighbours are not duplicates */
	conf_free(parse_ok(INST("  allowed-peers = {10.0.0.0/29, 10.0.0.8/29, 10.0.0.16}\n")));
}

static void test_empty(void)
{
	expect_err(INST("\n  allowed-peers = {}\n"),
		   FILE_NAME ":6: allowed-peers: the list is empty, expected at least one "
		   "address or prefix (leave allowed-peers out to accept adverts from any "
		   "source)");
	/* the line of the option, not of a comment naming it nor of "}" */
	expect_err(INST("  # allowed-peers = {10.0.0.2}\n  \"allowed-peers\" = {\n  }\n"),
		   FILE_NAME ":6: allowed-peers: the list is empty, expected at least one "
		   "address or prefix (leave allowed-peers out to accept adverts from any "
		   "source)");
	/* in a second instance: its own line, not the first instance's */
	expect_err(INST("  allowed-peers = {10.0.0.2}\n")
		   "instance db {\n  interface = eth0\n  vrid = 52\n  vips = {10.0.0.60/24}\n"
		   "  allowed-peers = {}\n}\n",
		   FILE_NAME ":11: allowed-peers: the list is empty, expected at least one "
		   "address or prefix (leave allowed-peers out to accept adverts from any "
		   "source)");
}

static void test_unicast(void)
{
	expect_err(INST("  unicast-peers = {10.0.0.2}\n  allowed-peers = {10.0.0.2}\n"),
		   FILE_NAME ":6: allowed-peers: not with unicast-peers (line 5): only the "
		   "unicast peers are heard already, expected one of the two");
	expect_err(INST("  allowed-peers = {10.0.0.0/24}\n  unicast-peers = {10.0.0.2}\n"),
		   FILE_NAME ":5: allowed-peers: not with unicast-peers (line 6): only the "
		   "unicast peers are heard already, expected one of the two");
}

static void test_limit(void)
{
	char *text = long_list("allowed-peers", 256);

	expect_err(text, FILE_NAME ":5: allowed-peers: too many addresses, expected at "
		   "most 255");
	free(text);
}

/* A reload keeps the instance's config as a copy: the list goes with it. */
static void test_copy(void)
{
	struct conf *c = parse_ok(INST("  allowed-peers = {10.0.0.2, 10.0.1.0/24}\n"));
	struct conf_instance copy;
	char b[IPADDR_STRLEN];

	if (!c)
		return;
	CU_ASSERT_EQUAL_FATAL(conf_instance_copy(&copy, &c->instances[0]), 0);
	CU_ASSERT_PTR_NOT_EQUAL(copy.allowed_peers, c->instances[0].allowed_peers);
	conf_free(c);
	CU_ASSERT_EQUAL_FATAL(copy.n_allowed_peers, 2);
	CU_ASSERT_STRING_EQUAL(addr(&copy.allowed_peers[1], b), "10.0.1.0/24");
	conf_instance_release(&copy);
	CU_ASSERT_PTR_NULL(copy.allowed_peers);
	CU_ASSERT_EQUAL(copy.n_allowed_peers, 0);
}

static CU_TestInfo tests[] = {
	{ "addresses and prefixes", test_values },
	{ "default: any source", test_default },
	{ "values", test_value_errors },
	{ "address family", test_family },
	{ "duplicates and overlaps", test_duplicates },
	{ "empty list", test_empty },
	{ "not with unicast-peers", test_unicast },
	{ "list limit", test_limit },
	{ "instance copy", test_copy },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "conf allowed-peers", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
