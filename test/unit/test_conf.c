/* test_conf: hamgr.conf parsing, defaults, and every error with its exact
 * message and line. */
#include "conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_main.h"

#define FILE_NAME "t.conf"

/* "instance web" with the required options on lines 2..4; body starts at
 * line 5. */
#define INST(body)                    \
	"instance web {\n"            \
	"  interface = eth0\n"        \
	"  vrid = 51\n"               \
	"  vips = {10.0.0.50/24}\n"   \
	body                          \
	"}\n"

static struct conf *parse_ok(const char *text)
{
	char err[CONF_ERR_MAX] = "";
	struct conf *c = NULL;
	int rc = conf_parse_string(text, FILE_NAME, "host1", &c, err, sizeof(err));

	if (rc != 0)
		printf("\n  unexpected error: %s\n", err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(c);
	return c;
}

static void expect_err(const char *text, const char *want)
{
	char err[CONF_ERR_MAX] = "";
	struct conf *c = (struct conf *)1;
	int rc = conf_parse_string(text, FILE_NAME, "host1", &c, err, sizeof(err));

	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_PTR_NULL(c);
	if (strcmp(err, want) != 0)
		printf("\n  want: %s\n  got:  %s\n", want, err);
	CU_ASSERT_STRING_EQUAL(err, want);
	if (rc == 0)
		conf_free(c);
}

static const char *addr(const struct ipaddr *ip, char *buf)
{
	return ipaddr_str_prefix(ip, buf, IPADDR_STRLEN);
}

/* ---- values ---------------------------------------------------------- */

/* DESIGN.md's example without track/resource. */
static const char design_example[] =
	"node-name      = \"proxy01\"                 # default: hostname\n"
	"control-socket = \"/run/hamgr/hamgr.sock\"\n"
	"auth-key-file  = \"/etc/hamgr/authkey\"      # needed where an instance uses protocol \"hamgr\"\n"
	"\n"
	"instance web {\n"
	"    interface       = \"eth0\"\n"
	"    vrid            = 51                   # 1..255\n"
	"    priority        = 150                  # 1..255, 255 = address owner\n"
	"    advert-interval = 100ms                # vrrp3: 10ms..40950ms in steps of 10ms\n"
	"    preempt         = true\n"
	"    preempt-delay   = 0s\n"
	"    protocol        = \"vrrp3\"              # \"vrrp3\" (RFC 5798, interoperates with keepalived)\n"
	"                                           # or \"hamgr\" (authenticated heartbeat over UDP)\n"
	"    unicast-peers   = {\"10.0.0.2\"}         # empty: multicast\n"
	"    vips            = {\"10.0.0.50/24\", \"fd00::50/64\"}\n"
	"    garp-repeat     = 3\n"
	"    conntrack-sync  = false\n"
	"}\n";

static void test_design_example(void)
{
	struct conf *c = parse_ok(design_example);
	const struct conf_instance *in;
	char b[IPADDR_STRLEN];

	if (!c)
		return;
	CU_ASSERT_STRING_EQUAL(c->file, FILE_NAME);
	CU_ASSERT_STRING_EQUAL(c->node_name, "proxy01");
	CU_ASSERT_STRING_EQUAL(c->control_socket, "/run/hamgr/hamgr.sock");
	CU_ASSERT_STRING_EQUAL(c->auth_key_file, "/etc/hamgr/authkey");
	CU_ASSERT_EQUAL_FATAL(c->n_instances, 1);
	in = conf_find_instance(c, "web");
	CU_ASSERT_PTR_EQUAL_FATAL(in, &c->instances[0]);
	CU_ASSERT_STRING_EQUAL(in->name, "web");
	CU_ASSERT_EQUAL(in->line, 5);
	CU_ASSERT_STRING_EQUAL(in->interface, "eth0");
	CU_ASSERT_EQUAL(in->vrid, 51);
	CU_ASSERT_EQUAL(in->priority, 150);
	CU_ASSERT_EQUAL(in->advert_interval_us, 100000);
	CU_ASSERT_TRUE(in->preempt);
	CU_ASSERT_EQUAL(in->preempt_delay_us, 0);
	CU_ASSERT_EQUAL(in->protocol, CONF_PROTO_VRRP3);
	CU_ASSERT_EQUAL_FATAL(in->n_unicast_peers, 1);
	CU_ASSERT_STRING_EQUAL(addr(&in->unicast_peers[0], b), "10.0.0.2/32");
	CU_ASSERT_EQUAL_FATAL(in->n_vips, 2);
	CU_ASSERT_STRING_EQUAL(addr(&in->vips[0], b), "10.0.0.50/24");
	CU_ASSERT_STRING_EQUAL(addr(&in->vips[1], b), "fd00::50/64");
	CU_ASSERT_EQUAL(in->garp_repeat, 3);
	CU_ASSERT_FALSE(in->conntrack_sync);
	CU_ASSERT_PTR_NULL(conf_find_instance(c, "db"));
	CU_ASSERT_PTR_NULL(conf_find_instance(c, NULL));
	conf_free(c);
}

static void test_defaults(void)
{
	struct conf *c = parse_ok(INST(""));
	const struct conf_instance *in;

	if (!c)
		return;
	CU_ASSERT_STRING_EQUAL(c->node_name, "host1");
	CU_ASSERT_STRING_EQUAL(c->control_socket, CONF_DEFAULT_SOCKET);
	CU_ASSERT_STRING_EQUAL(c->auth_key_file, "");
	in = &c->instances[0];
	CU_ASSERT_EQUAL(in->line, 1);
	CU_ASSERT_EQUAL(in->priority, 100);
	CU_ASSERT_EQUAL(in->advert_interval_us, 1000000);
	CU_ASSERT_TRUE(in->preempt);
	CU_ASSERT_EQUAL(in->preempt_delay_us, 0);
	CU_ASSERT_EQUAL(in->protocol, CONF_PROTO_VRRP3);
	CU_ASSERT_EQUAL(in->n_unicast_peers, 0);
	CU_ASSERT_PTR_NULL(in->unicast_peers);
	CU_ASSERT_EQUAL(in->garp_repeat, 3);
	CU_ASSERT_FALSE(in->conntrack_sync);
	conf_free(c);
}

static void test_two_instances(void)
{
	struct conf *c = parse_ok(
		INST("")
		"\n"
		"instance db {\n"
		"  interface = eth1\n"
		"  vrid = 51\n"
		"  priority = 255\n"
		"  preempt = no\n"
		"  vips = {10.0.1.50}\n"
		"}\n");

	if (!c)
		return;
	CU_ASSERT_EQUAL_FATAL(c->n_instances, 2);
	CU_ASSERT_STRING_EQUAL(c->instances[0].name, "web");
	CU_ASSERT_STRING_EQUAL(c->instances[1].name, "db");
	CU_ASSERT_EQUAL(c->instances[1].line, 7);
	CU_ASSERT_EQUAL(c->instances[1].priority, 255);
	CU_ASSERT_FALSE(c->instances[1].preempt);
	CU_ASSERT_PTR_EQUAL(conf_find_instance(c, "db"), &c->instances[1]);
	conf_free(c);
}

static void test_ipv6(void)
{
	char b[IPADDR_STRLEN];
	struct conf *c = parse_ok(
		"instance v6 {\n"
		"  interface = eth0\n"
		"  vrid = 7\n"
		"  vips = {fe80::7, \"fd00::50/64\", 10.0.0.9}\n"
		"  unicast-peers = {fd00::2, fe80::2}\n"
		"}\n"
		/* same vrid and interface, other family: another VRRP router */
		"instance v4 {\n"
		"  interface = eth0\n"
		"  vrid = 7\n"
		"  vips = {10.0.0.7}\n"
		"}\n");
	const struct conf_instance *in;

	if (!c)
		return;
	in = &c->instances[0];
	CU_ASSERT_EQUAL_FATAL(in->n_vips, 3);
	CU_ASSERT_EQUAL(in->vips[0].family, IPADDR_V6);
	CU_ASSERT_STRING_EQUAL(addr(&in->vips[0], b), "fe80::7/128");
	CU_ASSERT_STRING_EQUAL(addr(&in->vips[1], b), "fd00::50/64");
	CU_ASSERT_STRING_EQUAL(addr(&in->vips[2], b), "10.0.0.9/32");
	CU_ASSERT_EQUAL_FATAL(in->n_unicast_peers, 2);
	CU_ASSERT_STRING_EQUAL(addr(&in->unicast_peers[1], b), "fe80::2/128");
	conf_free(c);
}

/* Quoting styles, booleans, CRLF, "+=" and the environment references
 * libconfuse expands. */
static void test_syntax(void)
{
	char b[IPADDR_STRLEN];
	struct conf *c;

	setenv("HAMGR_TEST_IF", "eth9", 1);
	c = parse_ok(
		"node-name = 'n1'\r\n"
		"auth-key-file = /etc//hamgr/key\r\n"
		"instance web {\r\n"
		"  interface = \"${HAMGR_TEST_IF}\"\r\n"
		"  vrid = '51'\r\n"
		"  preempt = off\r\n"
		"  conntrack-sync = no\r\n"
		"  vips = {10.0.0.50/24}\r\n"
		"  vips += {10.0.0.51/24, 10.0.0.52}\r\n"
		"}\r\n");
	unsetenv("HAMGR_TEST_IF");
	if (!c)
		return;
	CU_ASSERT_STRING_EQUAL(c->node_name, "n1");
	CU_ASSERT_STRING_EQUAL(c->auth_key_file, "/etc//hamgr/key");
	CU_ASSERT_STRING_EQUAL(c->instances[0].interface, "eth9");
	CU_ASSERT_EQUAL(c->instances[0].vrid, 51);
	CU_ASSERT_FALSE(c->instances[0].preempt);
	CU_ASSERT_EQUAL_FATAL(c->instances[0].n_vips, 3);
	CU_ASSERT_STRING_EQUAL(addr(&c->instances[0].vips[2], b), "10.0.0.52/32");
	conf_free(c);
}

/* Comments anywhere (also where libconfuse 3.3 alone rejects them) and the
 * line numbers after them. */
static void test_comments(void)
{
	const char *text =
		"# one\n"                                /* 1 */
		"// two\n"                               /* 2 */
		"/* three\n"                             /* 3 */
		"   four */ node-name = a # five\n"      /* 4 */
		"instance web # title and brace apart\n" /* 5 */
		"{\n"                                    /* 6 */
		"  interface = # after =\n"              /* 7 */
		"     eth0\n"                            /* 8 */
		"  vrid = 51 /* x */ priority = 9\n"     /* 9 */
		"  vips = {10.0.0.50/24, # inside a list\n" /* 10 */
		"          \"10.0.0.51#not/a//comment\", // x\n" /* 11 */
		"  }\n"                                  /* 12 */
		"  garp-repeat = 0\n"                    /* 13 */
		"}\n";
	char err[CONF_ERR_MAX];
	struct conf *c = NULL;

	/* The '#' in a string is not a comment: that VIP is malformed. */
	CU_ASSERT_EQUAL(conf_parse_string(text, FILE_NAME, "h", &c, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, FILE_NAME ":11: vips: \"10.0.0.51#not/a//comment\" is "
			       "not an address, expected ADDRESS or ADDRESS/PREFIX like "
			       "10.0.0.50/24 or fd00::50/64");
	expect_err(
		"# one\n"
		"// two\n"
		"/* three\n"
		"   four */ node-name = a # five\n"
		"instance web # title and brace apart\n"
		"{\n"
		"  interface = # after =\n"
		"     eth0\n"
		"  vrid = 51 /* x */ priority = 9\n"
		"  vips = {10.0.0.50/24, # inside a list\n"
		"          10.0.0.51, // x\n"
		"  }\n"
		"  garp-repeat = 0\n"
		"}\n",
		FILE_NAME ":13: garp-repeat: 0 is out of range, expected 1..100");
	c = parse_ok("instance web { interface = eth0 vrid = 1 vips = 10.0.0.1 } # end");
	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].n_vips, 1);
		conf_free(c);
	}
}

/* ---- durations ------------------------------------------------------------ */

static uint64_t interval_of(const char *value)
{
	char text[256];
	struct conf *c;
	uint64_t us;

	snprintf(text, sizeof(text), INST("  advert-interval = %s\n"), value);
	c = parse_ok(text);
	if (!c)
		return 0;
	us = c->instances[0].advert_interval_us;
	conf_free(c);
	return us;
}

static void interval_err(const char *value, const char *want)
{
	char text[256];

	snprintf(text, sizeof(text), INST("\n  advert-interval = %s\n"), value);
	expect_err(text, want);
}

static void test_durations_ok(void)
{
	CU_ASSERT_EQUAL(interval_of("100ms"), 100000);
	CU_ASSERT_EQUAL(interval_of("\"100ms\""), 100000);
	CU_ASSERT_EQUAL(interval_of("1s"), 1000000);
	CU_ASSERT_EQUAL(interval_of("10ms"), 10000);
	CU_ASSERT_EQUAL(interval_of("40950ms"), 40950000);
	CU_ASSERT_EQUAL(interval_of("40s"), 40000000);
	CU_ASSERT_EQUAL(interval_of("'2500ms'"), 2500000);
	CU_ASSERT_EQUAL(interval_of("0100ms"), 100000);
}

static void test_durations_vrrp3(void)
{
	interval_err("0ms", FILE_NAME ":6: advert-interval: 0ms is out of range, "
		     "expected 10ms..40950ms for protocol \"vrrp3\"");
	interval_err("0s", FILE_NAME ":6: advert-interval: 0s is out of range, "
		     "expected 10ms..40950ms for protocol \"vrrp3\"");
	interval_err("5ms", FILE_NAME ":6: advert-interval: 5ms is out of range, "
		     "expected 10ms..40950ms for protocol \"vrrp3\"");
	interval_err("41s", FILE_NAME ":6: advert-interval: 41s is out of range, "
		     "expected 10ms..40950ms for protocol \"vrrp3\"");
	interval_err("40960ms", FILE_NAME ":6: advert-interval: 40960ms is out of range, "
		     "expected 10ms..40950ms for protocol \"vrrp3\"");
	interval_err("15ms", FILE_NAME ":6: advert-interval: 15ms is not a multiple of "
		     "10ms, expected whole centiseconds for protocol \"vrrp3\"");
	interval_err("1001ms", FILE_NAME ":6: advert-interval: 1001ms is not a multiple "
		     "of 10ms, expected whole centiseconds for protocol \"vrrp3\"");
}

static void test_durations_syntax(void)
{
	interval_err("\"abc\"", FILE_NAME ":6: advert-interval: \"abc\" is not a "
		     "duration, expected a duration like 100ms or 1s");
	interval_err("\"100\"", FILE_NAME ":6: advert-interval: 100 has no unit, "
		     "expected a duration like 100ms or 1s");
	interval_err("100", FILE_NAME ":6: advert-interval: 100 has no unit, "
		     "expected a duration like 100ms or 1s");
	interval_err("1.5s", FILE_NAME ":6: advert-interval: \"1.5s\" is not a "
		     "duration, expected a duration like 100ms or 1s");
	interval_err("-1s", FILE_NAME ":6: advert-interval: \"-1s\" is not a "
		     "duration, expected a duration like 100ms or 1s");
	interval_err("\"100 ms\"", FILE_NAME ":6: advert-interval: \"100 ms\" is not "
		     "a duration, expected a duration like 100ms or 1s");
	interval_err("1m", FILE_NAME ":6: advert-interval: \"1m\" is not a "
		     "duration, expected a duration like 100ms or 1s");
	interval_err("ms", FILE_NAME ":6: advert-interval: \"ms\" is not a "
		     "duration, expected a duration like 100ms or 1s");
	interval_err("86401s", FILE_NAME ":6: advert-interval: 86401s is out of "
		     "range, expected 0s..86400s");
	interval_err("99999999999999999999999s", FILE_NAME ":6: advert-interval: "
		     "99999999999999999999999s is out of range, expected 0s..86400s");
}

static void test_preempt_delay(void)
{
	struct conf *c = parse_ok(INST("  preempt-delay = 3600s\n"));

	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].preempt_delay_us, 3600000000ULL);
		conf_free(c);
	}
	c = parse_ok(INST("  preempt-delay = 250ms\n"));
	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].preempt_delay_us, 250000);
		conf_free(c);
	}
	expect_err(INST("  preempt-delay = 3601s\n"),
		   FILE_NAME ":5: preempt-delay: 3601s is out of range, expected 0s..3600s");
	expect_err(INST("  preempt = false\n  preempt-delay = 5s\n"),
		   FILE_NAME ":6: preempt-delay: 5s has no effect with preempt = false, "
		   "expected 0s or preempt = true");
}

/* ---- range and syntax errors of single values -------------------------------- */

static void test_int_errors(void)
{
	expect_err(INST("  priority = 256\n"),
		   FILE_NAME ":5: priority: 256 is out of range, expected 1..255");
	expect_err(INST("  priority = 0\n"),
		   FILE_NAME ":5: priority: 0 is out of range, expected 1..255");
	expect_err(INST("  garp-repeat = 101\n"),
		   FILE_NAME ":5: garp-repeat: 101 is out of range, expected 1..100");
	expect_err(INST("  garp-repeat = -1\n"),
		   FILE_NAME ":5: garp-repeat: -1 is out of range, expected 1..100");
	expect_err(INST("  priority = 0x10\n"),
		   FILE_NAME ":5: priority: \"0x10\" is not a number, expected an "
		   "integer 1..255");
	expect_err(INST("  priority = high\n"),
		   FILE_NAME ":5: priority: \"high\" is not a number, expected an "
		   "integer 1..255");
	expect_err(INST("  priority = 99999999999999999999999\n"),
		   FILE_NAME ":5: priority: 99999999999999999999999 is out of range, "
		   "expected 1..255");
	expect_err("instance web {\n  interface = eth0\n\n  vrid = 300\n}\n",
		   FILE_NAME ":4: vrid: 300 is out of range, expected 1..255");
	expect_err("instance web {\n  vrid = 0\n}\n",
		   FILE_NAME ":2: vrid: 0 is out of range, expected 1..255");
}

static void test_string_errors(void)
{
	expect_err("instance web {\n  interface = eth0123456789abc\n}\n",
		   FILE_NAME ":2: interface: \"eth0123456789abc\" is not an interface "
		   "name, expected 1..15 characters without '/', ':' or spaces");
	expect_err("instance web {\n  interface = \"eth 0\"\n}\n",
		   FILE_NAME ":2: interface: \"eth 0\" is not an interface "
		   "name, expected 1..15 characters without '/', ':' or spaces");
	expect_err("instance web {\n  interface = \"\"\n}\n",
		   FILE_NAME ":2: interface: \"\" is not an interface "
		   "name, expected 1..15 characters without '/', ':' or spaces");
	expect_err(INST("  protocol = vrrp2\n"),
		   FILE_NAME ":5: protocol: \"vrrp2\" is not a protocol, expected "
		   "\"vrrp3\" or \"hamgr\"");
	expect_err(INST("  preempt = maybe\n"),
		   FILE_NAME ":5: preempt: \"maybe\" is not a boolean, expected true "
		   "or false");
	expect_err("node-name = \"proxy 01\"\n",
		   FILE_NAME ":1: node-name: \"proxy 01\" is not a valid name, expected "
		   "1..63 letters, digits, '.', '_' or '-', starting with a letter or digit");
	expect_err("node-name = \"a\\tb\"\n",
		   FILE_NAME ":1: node-name: \"a\\x09b\" is not a valid name, expected "
		   "1..63 letters, digits, '.', '_' or '-', starting with a letter or digit");
	expect_err("\n\ncontrol-socket = run/hamgr.sock\n",
		   FILE_NAME ":3: control-socket: \"run/hamgr.sock\" is not usable, "
		   "expected an absolute path of at most 107 bytes");
	expect_err("auth-key-file = \"\"\n",
		   FILE_NAME ":1: auth-key-file: \"\" is not usable, "
		   "expected an absolute path of at most 255 bytes");
}

/* sun_path holds 108 bytes with the NUL: 107 fit, 108 do not. */
static void test_socket_length(void)
{
	char path[120], text[300];
	struct conf *c;

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[107] = '\0';
	snprintf(text, sizeof(text), "control-socket = \"%s\"\n" INST(""), path);
	c = parse_ok(text);
	if (c) {
		CU_ASSERT_EQUAL(strlen(c->control_socket), 107);
		conf_free(c);
	}
	path[107] = 'a';
	path[108] = '\0';
	snprintf(text, sizeof(text), "control-socket = \"%s\"\n" INST(""), path);
	expect_err(text, FILE_NAME ":1: control-socket: \"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		   "...\" is not usable, expected an absolute path of at most 107 bytes");
}

static void test_names(void)
{
	char err[CONF_ERR_MAX];
	struct conf *c = NULL;

	expect_err("instance \"my web\" {\n  interface = eth0\n  vrid = 1\n"
		   "  vips = 10.0.0.1\n}\n",
		   FILE_NAME ":1: instance \"my web\": not a valid instance name, "
		   "expected 1..63 letters, digits, '.', '_' or '-', starting with a "
		   "letter or digit");
	/* The host name is only the default: a bad one is reported as such. */
	CU_ASSERT_EQUAL(conf_parse_string(INST(""), FILE_NAME, "-bad", &c, err,
					  sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, FILE_NAME ": node-name is not set and the host "
			       "name \"-bad\" is not a valid name (expected 1..63 letters, "
			       "digits, '.', '_' or '-', starting with a letter or digit), "
			       "expected node-name = \"NAME\"");
	CU_ASSERT_EQUAL(conf_parse_string(INST(""), FILE_NAME, NULL, &c, err,
					  sizeof(err)), -1);
	CU_ASSERT_EQUAL(conf_parse_string("node-name = x\n" INST(""), FILE_NAME, NULL,
					  &c, err, sizeof(err)), 0);
	if (c) {
		CU_ASSERT_STRING_EQUAL(c->node_name, "x");
		conf_free(c);
	}
}

/* ---- addresses ----------------------------------------------------------------- */

static void test_vip_errors(void)
{
	expect_err("instance web {\n  vips = {10.0.0.50/24,\n   10.0.0.300/24}\n}\n",
		   FILE_NAME ":3: vips: \"10.0.0.300/24\" is not an address, expected "
		   "ADDRESS or ADDRESS/PREFIX like 10.0.0.50/24 or fd00::50/64");
	expect_err("instance web {\n  vips = {10.0.0.50/33}\n}\n",
		   FILE_NAME ":2: vips: \"10.0.0.50/33\" is not an address, expected "
		   "ADDRESS or ADDRESS/PREFIX like 10.0.0.50/24 or fd00::50/64");
	expect_err("instance web {\n  vips = {10.0.0.50/0}\n}\n",
		   FILE_NAME ":2: vips: 10.0.0.50/0 has prefix length 0, expected 1..32");
	expect_err("instance web {\n  vips = {224.0.0.18}\n}\n",
		   FILE_NAME ":2: vips: 224.0.0.18 is a multicast address, expected a "
		   "unicast address");
	expect_err("instance web {\n  vips = {127.0.0.2/8}\n}\n",
		   FILE_NAME ":2: vips: 127.0.0.2/8 is a loopback address, expected a "
		   "unicast address");
	expect_err("instance web {\n  vips = {\"::/64\"}\n}\n",
		   FILE_NAME ":2: vips: ::/64 is the unspecified address, expected a "
		   "unicast address");
	expect_err("instance web {\n  vips = {ff02::12}\n}\n",
		   FILE_NAME ":2: vips: ff02::12 is a multicast address, expected a "
		   "unicast address");
	expect_err("instance web {\n  interface = eth0\n  vrid = 1\n  vips = {}\n}\n",
		   FILE_NAME ":1: instance web: vips is required, expected at least one "
		   "address");
	expect_err(INST("  vips += {10.0.0.51, 10.0.0.50/32}\n"),
		   FILE_NAME ":5: vips: 10.0.0.50/32 is listed twice (first at line 4)");
	expect_err(INST("\n  vips = {10.0.0.51}\n"),
		   FILE_NAME ":6: vips: already set at line 4");
}

static void test_peer_errors(void)
{
	expect_err(INST("  unicast-peers = {10.0.0.2/24}\n"),
		   FILE_NAME ":5: unicast-peers: \"10.0.0.2/24\" has a prefix length, "
		   "expected a plain address like 10.0.0.2");
	expect_err(INST("  unicast-peers = {peer2}\n"),
		   FILE_NAME ":5: unicast-peers: \"peer2\" is not an address, expected "
		   "an address like 10.0.0.2 or fd00::2");
	expect_err(INST("  unicast-peers = {10.0.0.2,\n 10.0.0.3,\n 10.0.0.2}\n"),
		   FILE_NAME ":7: unicast-peers: 10.0.0.2 is listed twice (first at line 5)");
	expect_err(INST("  unicast-peers = {10.0.0.2, 10.0.0.50}\n"),
		   FILE_NAME ":5: unicast-peers: 10.0.0.50 is a VIP of this instance, "
		   "expected the address of a peer node");
	expect_err(INST("  unicast-peers = {\n    fd00::2\n  }\n"),
		   FILE_NAME ":6: unicast-peers: fd00::2 is IPv6 but the instance "
		   "advertises IPv4 (the family of its first VIP 10.0.0.50/24), "
		   "expected an IPv4 address");
	expect_err(INST("  unicast-peers = {255.255.255.255}\n"),
		   FILE_NAME ":5: unicast-peers: 255.255.255.255 is the broadcast "
		   "address, expected a unicast address");
	expect_err(INST("  unicast-peers = {0.0.0.0}\n"),
		   FILE_NAME ":5: unicast-peers: 0.0.0.0 is in 0.0.0.0/8, expected a "
		   "unicast address");
}

static void test_list_limit(void)
{
	size_t size = 64 + 256 * 16, o, i;
	char *text = malloc(size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	o = (size_t)snprintf(text, size, "instance web {\n  vips = {");
	for (i = 0; i < 256; i++)
		o += (size_t)snprintf(text + o, size - o, "%s10.1.%zu.%zu", i ? "," : "",
				      i / 250, i % 250 + 1);
	snprintf(text + o, size - o, "}\n}\n");
	expect_err(text, FILE_NAME ":2: vips: too many addresses, expected at most 255");
	free(text);
}

/* ---- whole-file checks ------------------------------------------------------------- */

static void test_required(void)
{
	expect_err("\ninstance web {\n  vrid = 1\n  vips = 10.0.0.1\n}\n",
		   FILE_NAME ":2: instance web: interface is required");
	expect_err("instance web {\n  interface = eth0\n  vips = 10.0.0.1\n}\n",
		   FILE_NAME ":1: instance web: vrid is required, expected 1..255");
	expect_err("instance web {\n  interface = eth0\n  vrid = 1\n}\n",
		   FILE_NAME ":1: instance web: vips is required, expected at least "
		   "one address");
	expect_err("", FILE_NAME ": no instance is defined, expected at least one "
		   "\"instance NAME { ... }\"");
	expect_err("# only a comment\nnode-name = a\n", FILE_NAME ": no instance is "
		   "defined, expected at least one \"instance NAME { ... }\"");
}

static void test_duplicates(void)
{
	expect_err(INST("") INST(""),
		   FILE_NAME ":6: instance web is defined twice (first at line 1)");
	expect_err(INST("")
		   "instance db {\n  interface = eth0\n  vrid = 51\n  vips = 10.0.0.60\n}\n",
		   FILE_NAME ":8: vrid: 51 on eth0 (IPv4) is already used by instance "
		   "web (line 1), expected a vrid unique per interface and address family");
	expect_err(INST("")
		   "instance db {\n  interface = eth1\n  vrid = 52\n"
		   "  vips = {10.0.0.60, 10.0.0.50/16}\n}\n",
		   FILE_NAME ":9: vips: 10.0.0.50/16 is already a VIP of instance web "
		   "(line 4)");
	expect_err(INST("  vrid = 52\n"), FILE_NAME ":5: vrid: already set at line 3");
	expect_err("instance \"a b\" { }\ninstance \"a b\" { }\n",
		   FILE_NAME ":2: instance \"a b\" is defined twice (first at line 1)");
	expect_err(INST("  track \"x\ny\" {\n  }\n"),
		   FILE_NAME ":6: track \"x\\x0ay\": health tracks are not supported yet");
	expect_err(INST("  track a {\n  }\n  track a {\n  }\n"),
		   FILE_NAME ":7: track a is defined twice (first at line 5)");
}

static void test_libconfuse_errors(void)
{
	expect_err(INST("  bogus = 1\n"), FILE_NAME ":5: no such option 'bogus'");
	expect_err("\nbogus = 1\n", FILE_NAME ":2: no such option 'bogus'");
	expect_err("node-name =\n", FILE_NAME ":2: premature end of file");
	expect_err("instance {\n}\n", FILE_NAME ":1: missing title for section "
		   "'instance'");
	expect_err("instance web {\n  vrid = {1, 2}\n}\n",
		   FILE_NAME ":2: unexpected token '{'");
	expect_err(INST("") "}\n", FILE_NAME ":6: unexpected closing brace");
	expect_err("\"multi\nline\" = 1\n", FILE_NAME ":2: no such option 'multi?line'");
	/* Found by fuzzing: libconfuse 3.3 fails without a word on an empty
	 * option name, and lets a file name the hidden "|line" option. */
	expect_err("\n\"\" = 1\n" INST(""), FILE_NAME ":2: syntax error, expected an "
		   "option name (\"\" or an unset ${NAME} is empty)");
	expect_err(INST("  track t {\n\n    ${HAMGR_TEST_UNSET} = 1\n  }\n"),
		   FILE_NAME ":7: syntax error, expected an option name (\"\" or an "
		   "unset ${NAME} is empty)");
	expect_err(INST("  \"|line\" = 9\n"), FILE_NAME ":5: no such option '|line'");
	expect_err("\"instance=web|vrid\" = 7\n",
		   FILE_NAME ":1: no sub-section 'web' in 'instance'");
	expect_err(INST("") "\"instance=web|vrid\" = 7\n",
		   FILE_NAME ":6: vrid: option paths are not supported, expected the "
		   "option inside its section");
}

static void test_unclosed(void)
{
	expect_err(INST("  interface = \"eth0\n"),
		   FILE_NAME ":5: string is not closed, expected a closing quote "
		   "before the end of the file");
	expect_err("node-name = 'a\\'\n" INST(""),
		   FILE_NAME ":1: string is not closed, expected a closing quote "
		   "before the end of the file");
	expect_err(INST("") "/* a comment\n never closed\n",
		   FILE_NAME ":6: comment is not closed, expected \"*/\" before the end "
		   "of the file");
	expect_err("node-name = ${HOST\n}\n" INST(""),
		   FILE_NAME ":1: \"${\" is not closed on its line, expected ${NAME} on "
		   "one line");
	expect_err("\ninstance web {\n  interface = eth0\n  track t { }\n",
		   FILE_NAME ":2: \"{\" is not closed, expected \"}\" before the end "
		   "of the file");
	expect_err(INST("  track t {\n") "\n",
		   FILE_NAME ":1: \"{\" is not closed, expected \"}\" before the end "
		   "of the file");
	expect_err("node-name = \"${HOST\n}\"\n" INST(""),
		   FILE_NAME ":1: \"${\" is not closed on its line, expected ${NAME} on "
		   "one line");
}

/* ---- not yet --------------------------------------------------------------------- */

static void test_not_yet(void)
{
	expect_err(INST("  protocol = hamgr\n"),
		   FILE_NAME ":5: protocol \"hamgr\" is not supported yet (use \"vrrp3\")");
	expect_err(INST("\n  conntrack-sync = true\n"),
		   FILE_NAME ":6: conntrack-sync = true is not supported yet (use false)");
	expect_err(INST("  track gateway {\n"
			"    command = \"/usr/lib/hamgr/agents/check-ping 10.0.0.254\"\n"
			"    interval = 1s\n    timeout = 500ms\n    rise = 2\n"
			"    fall = 3\n    weight = -60\n  }\n"),
		   FILE_NAME ":5: track gateway: health tracks are not supported yet");
	expect_err(INST("  resource db {\n"
			"    script = \"/usr/lib/hamgr/resource-scripts/mysql\"\n"
			"    phase = \"before-vips\"\n    timeout = 30s\n"
			"    on-fail = \"release\"\n    type = ocf\n  }\n"),
		   FILE_NAME ":5: resource db: resource scripts are not supported yet");
	/* Several problems: the first one in the file is reported. */
	expect_err(INST("  resource db {\n  }\n  protocol = hamgr\n  track t {\n  }\n"),
		   FILE_NAME ":5: resource db: resource scripts are not supported yet");
	expect_err(INST("  track t {\n  }\n  protocol = hamgr\n  resource r {\n  }\n"),
		   FILE_NAME ":5: track t: health tracks are not supported yet");
	/* The options of a track are still checked as values. */
	expect_err(INST("  track t {\n    interval = 1\n  }\n"),
		   FILE_NAME ":6: interval: 1 has no unit, expected a duration like "
		   "100ms or 1s");
	expect_err(INST("  track t {\n    rise = 0\n  }\n"),
		   FILE_NAME ":6: rise: 0 is out of range, expected 1..255");
}

/* ---- API edges ------------------------------------------------------------------ */

static void test_err_buffer(void)
{
	char small[12];
	struct conf *c = NULL;

	memset(small, 'x', sizeof(small));
	CU_ASSERT_EQUAL(conf_parse_string("bogus = 1\n", FILE_NAME, "h", &c, small,
					  sizeof(small)), -1);
	CU_ASSERT_STRING_EQUAL(small, "t.conf:1: n");
	CU_ASSERT_EQUAL(conf_parse_string("bogus = 1\n", NULL, "h", &c, NULL, 0), -1);
	CU_ASSERT_EQUAL(conf_parse_string(NULL, FILE_NAME, "h", &c, small,
					  sizeof(small)), -1);
	CU_ASSERT_PTR_NULL(c);
	conf_free(NULL);
}

/* After an error in the middle of a string the next parse starts clean
 * (libconfuse's lexer keeps state in globals). */
static void test_reparse(void)
{
	struct conf *c;

	expect_err("node-name = \"\\400\"\n", FILE_NAME ":1: invalid octal number '\\400'");
	c = parse_ok(INST(""));
	conf_free(c);
	expect_err(INST("  bogus = 1\n"), FILE_NAME ":5: no such option 'bogus'");
	c = parse_ok(design_example);
	conf_free(c);
}

static char tmpdir[64];

static int files_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_conf.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int files_clean(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_load_file(void)
{
	char path[128], err[CONF_ERR_MAX], want[CONF_ERR_MAX + 128];
	struct conf *c = NULL;

	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	CU_ASSERT_EQUAL(conf_load_file(path, "h", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot read: No such file or directory", path);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_PTR_NULL(c);

	CU_ASSERT_EQUAL(conf_load_file(tmpdir, "h", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot read: Is a directory", tmpdir);
	CU_ASSERT_STRING_EQUAL(err, want);

	snprintf(path, sizeof(path), "%s/good.conf", tmpdir);
	write_file(path, design_example, strlen(design_example));
	CU_ASSERT_EQUAL(conf_load_file(path, "h", &c, err, sizeof(err)), 0);
	if (c) {
		CU_ASSERT_STRING_EQUAL(c->file, path);
		CU_ASSERT_EQUAL(c->instances[0].vrid, 51);
		conf_free(c);
	}

	snprintf(path, sizeof(path), "%s/bad.conf", tmpdir);
	write_file(path, "\n\nbogus = 1\n", 11);
	CU_ASSERT_EQUAL(conf_load_file(path, "h", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: no such option 'bogus'", path);
	CU_ASSERT_STRING_EQUAL(err, want);

	snprintf(path, sizeof(path), "%s/nul.conf", tmpdir);
	write_file(path, "node-name = a\n\0x\n", 17);
	CU_ASSERT_EQUAL(conf_load_file(path, "h", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: NUL byte, expected a text file", path);
	CU_ASSERT_STRING_EQUAL(err, want);
}

/* The example shipped in etc/ parses, found from this file's path. */
static void test_example_file(void)
{
	char path[512], err[CONF_ERR_MAX];
	const char *slash = strrchr(__FILE__, '/');
	struct conf *c = NULL;

	snprintf(path, sizeof(path), "%.*s../../etc/hamgr.conf.example",
		 slash ? (int)(slash - __FILE__ + 1) : 0, __FILE__);
	if (conf_load_file(path, "h", &c, err, sizeof(err)) != 0)
		printf("\n  %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->node_name, "proxy01");
	CU_ASSERT_EQUAL(c->n_instances, 1);
	CU_ASSERT_EQUAL(c->instances[0].vrid, 51);
	CU_ASSERT_EQUAL(c->instances[0].n_vips, 2);
	CU_ASSERT_EQUAL(c->instances[0].n_unicast_peers, 1);
	conf_free(c);
}

static void test_load_big_file(void)
{
	char path[128], err[CONF_ERR_MAX], want[CONF_ERR_MAX + 128];
	size_t len = (1 << 20) + 1;
	char *data = malloc(len);
	struct conf *c = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	memset(data, '\n', len);
	snprintf(path, sizeof(path), "%s/big.conf", tmpdir);
	write_file(path, data, len);
	free(data);
	CU_ASSERT_EQUAL(conf_load_file(path, "h", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: cannot read: larger than 1 MiB", path);
	CU_ASSERT_STRING_EQUAL(err, want);
}

static CU_TestInfo values_tests[] = {
	{ "DESIGN.md example", test_design_example },
	{ "defaults", test_defaults },
	{ "two instances", test_two_instances },
	{ "IPv6 and mixed families", test_ipv6 },
	{ "quoting, booleans, CRLF, +=, ${ENV}", test_syntax },
	{ "comments and line numbers", test_comments },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo duration_tests[] = {
	{ "accepted", test_durations_ok },
	{ "vrrp3 limits", test_durations_vrrp3 },
	{ "syntax", test_durations_syntax },
	{ "preempt-delay", test_preempt_delay },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo error_tests[] = {
	{ "integers", test_int_errors },
	{ "strings", test_string_errors },
	{ "control-socket length", test_socket_length },
	{ "names", test_names },
	{ "vips", test_vip_errors },
	{ "unicast-peers", test_peer_errors },
	{ "list limit", test_list_limit },
	{ "required options", test_required },
	{ "duplicates", test_duplicates },
	{ "libconfuse syntax errors", test_libconfuse_errors },
	{ "unclosed strings and comments", test_unclosed },
	{ "not supported yet", test_not_yet },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo api_tests[] = {
	{ "error buffer", test_err_buffer },
	{ "parse after an error", test_reparse },
	{ "conf_load_file", test_load_file },
	{ "conf_load_file size limit", test_load_big_file },
	{ "etc/hamgr.conf.example", test_example_file },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "conf values", NULL, NULL, NULL, NULL, values_tests },
	{ "conf durations", NULL, NULL, NULL, NULL, duration_tests },
	{ "conf errors", NULL, NULL, NULL, NULL, error_tests },
	{ "conf api", files_init, files_clean, NULL, NULL, api_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
