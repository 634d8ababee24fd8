/* Unit tests for the sync section and conntrack-sync (hamgr/conf_sync.c):
 * defaults, every value, and what the rest of the file must have. */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_fixture.h"
#include "cu_main.h"

/* auth-key-file on line 1, "instance web" with conntrack-sync on lines
 * 2..7, the sync section from line 8 (its body from line 9). */
#define SYNC(body)                             \
	"auth-key-file = \"/etc/hamgr/key\"\n" \
	"instance web {\n"                     \
	"  interface = eth0\n"                 \
	"  vrid = 51\n"                        \
	"  vips = {192.0.2.50/24}\n"           \
	"  conntrack-sync = true\n"            \
	"}\n"                                  \
	"sync {\n" body "}\n"

static void test_defaults(void)
{
	char err[CONF_ERR_MAX];
	struct conf *c = parse(SYNC("  interface = eth1\n  peers = {203.0.113.2}\n"), err);

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_TRUE(c->instances[0].conntrack_sync);
	CU_ASSERT_TRUE(c->sync.present);
	CU_ASSERT_EQUAL(c->sync.line, 8);
	CU_ASSERT_STRING_EQUAL(c->sync.interface, "eth1");
	CU_ASSERT_EQUAL(c->sync.n_peers, 1);
	CU_ASSERT_EQUAL(c->sync.peers[0].a[0], 203);
	CU_ASSERT_EQUAL(c->sync.multicast.family, 0);
	CU_ASSERT_EQUAL(c->sync.port, 3780);
	CU_ASSERT_EQUAL(c->sync.protocols, CONF_SYNC_TCP | CONF_SYNC_UDP | CONF_SYNC_ICMP);
	CU_ASSERT_EQUAL(c->sync.n_ignore, 0);
	CU_ASSERT_EQUAL(c->sync.max_entries, 131072);
	CU_ASSERT_EQUAL(c->sync.message_size, 1400);
	CU_ASSERT_EQUAL(c->sync.release, CONF_SYNC_KEEP);
	CU_ASSERT_FALSE(c->sync.tcp_window_tracking);
	conf_free(c);
}

static void test_values(void)
{
	char err[CONF_ERR_MAX];
	struct conf *c = parse(SYNC("  interface = \"sync0\"\n"
				    "  multicast = \"239.192.0.1\"\n"
				    "  port = 4000\n"
				    "  protocols = {\"tcp\", \"icmp\"}\n"
				    "  ignore = {\"198.51.100.0/24\", \"2001:db8::/32\"}\n"
				    "  max-entries = 1000\n"
				    "  message-size = 9000\n"
				    "  release = \"flush\"\n"
				    "  tcp-window-tracking = true\n"), err);

	if (!c)
		printf("\n  %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->sync.n_peers, 0);
	CU_ASSERT_EQUAL(c->sync.multicast.family, IPADDR_V4);
	CU_ASSERT_EQUAL(c->sync.port, 4000);
	CU_ASSERT_EQUAL(c->sync.protocols, CONF_SYNC_TCP | CONF_SYNC_ICMP);
	CU_ASSERT_EQUAL(c->sync.n_ignore, 2);
	CU_ASSERT_EQUAL(c->sync.ignore[0].prefixlen, 24);
	CU_ASSERT_EQUAL(c->sync.ignore[1].family, IPADDR_V6);
	CU_ASSERT_EQUAL(c->sync.max_entries, 1000);
	CU_ASSERT_EQUAL(c->sync.message_size, 9000);
	CU_ASSERT_EQUAL(c->sync.release, CONF_SYNC_FLUSH);
	CU_ASSERT_TRUE(c->sync.tcp_window_tracking);
	conf_free(c);
	/* a sync section without any instance using it is fine */
	c = parse("auth-key-file = \"/k\"\ninstance a { interface = e\n vrid = 1\n"
		  " vips = {192.0.2.1/24} }\nsync { interface = e\n peers = {192.0.2.2} }\n",
		  err);
	CU_ASSERT_PTR_NOT_NULL(c);
	conf_free(c);
}

static void test_errors(void)
{
	expect_err(SYNC("  peers = {203.0.113.2}\n"),
		   FILE_NAME ":8: sync: interface is required, expected the interface of "
		   "the sync link, like interface = \"eth1\"");
	expect_err(SYNC("  interface = eth1\n"),
		   FILE_NAME ":8: sync: peers or multicast is required, expected peers = "
		   "{\"ADDRESS\", ...} or multicast = \"GROUP\"");
	expect_err(SYNC("  interface = eth1\n  peers = {203.0.113.2}\n"
			"  multicast = \"239.1.1.1\"\n"),
		   FILE_NAME ":11: sync: both peers and multicast are set, expected one "
		   "of them");
	expect_err(SYNC("  interface = eth1\n  multicast = \"192.0.2.1\"\n"),
		   FILE_NAME ":10: multicast: \"192.0.2.1\" is not a multicast group, expected "
		   "an address like 239.192.0.1 or ff02::1:3780");
	expect_err(SYNC("  interface = eth1\n  peers = {203.0.113.2, \"2001:db8::2\"}\n"),
		   FILE_NAME ":10: peers: 2001:db8::2 is not of the family of 203.0.113.2, "
		   "expected one family");
	expect_err(SYNC("  interface = eth1\n  peers = {203.0.113.2}\n  protocols = {sctp}\n"),
		   FILE_NAME ":11: protocols: \"sctp\" is not a protocol, expected \"tcp\", "
		   "\"udp\" or \"icmp\"");
	expect_err(SYNC("  interface = eth1\n  peers = {203.0.113.2}\n  ignore = {nope}\n"),
		   FILE_NAME ":11: ignore: \"nope\" is not a prefix, expected ADDRESS/LENGTH "
		   "like 198.51.100.0/24 or 2001:db8::/32");
	expect_err(SYNC("  interface = eth1\n  peers = {203.0.113.2}\n  port = 0\n"),
		   FILE_NAME ":11: port: 0 is out of range, expected 1..65535");
	expect_err(SYNC("  interface = eth1\n  peers = {203.0.113.2}\n  release = drop\n"),
		   FILE_NAME ":11: release: \"drop\" is not a release policy, expected "
		   "\"keep\" or \"flush\"");
	expect_err(SYNC("  interface = eth1\n  peers = {203.0.113.2}\n}\nsync {\n"
			"  interface = eth2\n  peers = {203.0.113.3}\n"),
		   FILE_NAME ":12: sync: a second sync section (the first at line 8), "
		   "expected one");
	expect_err("instance web {\n  interface = eth0\n  vrid = 51\n"
		   "  vips = {192.0.2.50/24}\n  conntrack-sync = true\n}\n",
		   FILE_NAME ":1: conntrack-sync = true needs a sync section, expected "
		   "sync { interface = \"IFACE\"; peers = {\"ADDRESS\"} }");
	expect_err("instance web {\n  interface = eth0\n  vrid = 51\n"
		   "  vips = {192.0.2.50/24}\n  conntrack-sync = true\n}\n"
		   "sync { interface = eth1\n peers = {203.0.113.2}\n}\n",
		   FILE_NAME ":7: sync: conntrack-sync messages are signed, expected "
		   "auth-key-file = \"/etc/hamgr/authkey\" (hamgr --genkey makes one)");
}

static void test_equal(void)
{
	char err[CONF_ERR_MAX];
	struct conf *a = parse(SYNC("  interface = eth1\n  peers = {203.0.113.2}\n"), err);
	struct conf *b = parse("\n" SYNC("  interface = eth1\n  peers = {203.0.113.2}\n"), err);
	struct conf *c = parse(SYNC("  interface = eth1\n  peers = {203.0.113.3}\n"), err);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_TRUE(conf_sync_equal(&a->sync, &b->sync));   /* lines aside */
	CU_ASSERT_FALSE(conf_sync_equal(&a->sync, &c->sync));
	b->sync.release = CONF_SYNC_FLUSH;
	CU_ASSERT_FALSE(conf_sync_equal(&a->sync, &b->sync));
	b->sync.release = a->sync.release;
	b->sync.tcp_window_tracking = true;
	CU_ASSERT_FALSE(conf_sync_equal(&a->sync, &b->sync));
	conf_free(a);
	conf_free(b);
	conf_free(c);
}

static CU_TestInfo tests[] = {
	{ "equal", test_equal },
	{ "defaults", test_defaults },
	{ "values", test_values },
	{ "errors", test_errors },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "conf sync", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
