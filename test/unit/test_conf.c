/* test_conf: hamgr.conf parsing, defaults, and every error with its exact
 * message and line. */
#include "conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_fixture.h"
#include "cu_main.h"

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
	/* defaults have no line */
	CU_ASSERT_EQUAL(c->control_socket_line, 0);
	CU_ASSERT_EQUAL(c->control_group_line, 0);
	CU_ASSERT_EQUAL(c->state_dir_line, 0);
	CU_ASSERT_EQUAL(in->interface_line, 2);
	conf_free(c);
}

/* The lines of the values preflight checks on the system. */
static void test_lines(void)
{
	struct conf *c = parse_ok("control-group = wheel\n\nstate-directory = /srv/s\n"
				  "control-socket = /srv/c.sock\n"
				  INST("  track t {\n\n    interface = eth1\n  }\n"));

	if (!c)
		return;
	CU_ASSERT_EQUAL(c->control_group_line, 1);
	CU_ASSERT_EQUAL(c->state_dir_line, 3);
	CU_ASSERT_EQUAL(c->control_socket_line, 4);
	CU_ASSERT_EQUAL(c->instances[0].interface_line, 6);
	CU_ASSERT_EQUAL_FATAL(c->instances[0].n_tracks, 1);
	CU_ASSERT_EQUAL(c->instances[0].tracks[0].interface_line, 11);
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

/* A UTF-8 byte order mark (what some editors write first) is skipped;
 * lines still count from it. */
static void test_bom(void)
{
	struct conf *c = parse_ok("\xef\xbb\xbf" INST(""));

	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].line, 1);
		conf_free(c);
	}
	expect_err("\xef\xbb\xbf\n" INST("  bogus = 1\n"), FILE_NAME ":6: no such option 'bogus'");
	expect_err("\xef\xbb\xbf# a comment\nnode-name = \"a b\"\n",
		   FILE_NAME ":2: node-name: \"a b\" is not a valid name, expected 1..63 "
		   "letters, digits, '.', '_' or '-', starting with a letter or digit");
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
	char *text = long_list("unicast-peers", 256);

	expect_err(text, FILE_NAME ":5: unicast-peers: too many addresses, expected at most 255");
	free(text);
}

/* VIPs: up to 4096 in one instance (the advert lists 255 of them). */
static void test_vips_many(void)
{
	size_t size = 256 + 4097 * 24, o, i;
	char *text = malloc(size);
	struct conf *c = NULL;
	char err[CONF_ERR_MAX];

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	o = (size_t)snprintf(text, size, "instance web {\n  interface = \"eth0\"\n"
			     "  vrid = 1\n  vips = {");
	for (i = 0; i < 4096; i++)
		o += (size_t)snprintf(text + o, size - o, "%s10.%zu.%zu.1/8", i ? "," : "",
				      i / 250 + 1, i % 250 + 1);
	snprintf(text + o, size - o, "}\n}\n");
	CU_ASSERT(conf_parse_string(text, FILE_NAME, "host", &c, err, sizeof(err)) == 0);
	if (c) {
		CU_ASSERT(c->n_instances == 1 && c->instances[0].n_vips == 4096);
		CU_ASSERT(c->instances[0].garp_rate == 1000);
		conf_free(c);
	} else {
		printf("\n%s\n", err);
	}
	/* One more is refused. */
	o = (size_t)snprintf(text, size, "instance web {\n  interface = \"eth0\"\n"
			     "  vrid = 1\n  vips = {");
	for (i = 0; i < 4097; i++)
		o += (size_t)snprintf(text + o, size - o, "%s10.%zu.%zu.1/8", i ? "," : "",
				      i / 250 + 1, i % 250 + 1);
	snprintf(text + o, size - o, "}\n}\n");
	expect_err(text, FILE_NAME ":4: vips: too many addresses, expected at most 4096");
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
	expect_err(INST("  track a {\n  }\n  track a {\n  }\n"),
		   FILE_NAME ":7: track a is defined twice (first at line 5)");
	expect_err(INST("  resource r {\n  }\n\n  resource r {\n  }\n"),
		   FILE_NAME ":8: resource r is defined twice (first at line 5)");
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
	expect_err("\"multi\nline\" = 1\n", FILE_NAME ":1: a string opened here is not "
		   "closed, expected a closing \"");
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
	struct conf *c;

	expect_err(INST("  interface = \"eth0\n"),
		   FILE_NAME ":5: a string opened here is not closed, expected a closing \"");
	expect_err("node-name = 'a\\'\n" INST(""),
		   FILE_NAME ":1: a string opened here is not closed, expected a closing '");
	/* Reported where it opens, not where the next quote happens to
	 * close it (no value may span lines). */
	expect_err("instance web {\n  interface = \"eth0\n  vrid = 51\n  priority = \"1\"\n"
		   "  vips = {\"10.0.0.50/24\"}\n}\n",
		   FILE_NAME ":2: a string opened here is not closed, expected a closing \"");
	expect_err(INST("  track t {\n    command = \"/bin/check\n      --flag\"\n  }\n"),
		   FILE_NAME ":6: a string opened here is not closed, expected a closing \"");
	/* A backslash at the end of a line continues the string. */
#define CONTINUED "  track t {\n    command = \"/bin/check \\\n--flag\"\n" \
	"    interval = '1\\\ns'\n  }\n"
	c = parse_ok(INST(CONTINUED));
	if (c) {
		CU_ASSERT_STRING_EQUAL(c->instances[0].tracks[0].command, "/bin/check --flag");
		CU_ASSERT_EQUAL(c->instances[0].tracks[0].interval_us, 1000000);
		conf_free(c);
	}
	expect_err(INST(CONTINUED "  priority = 0\n"),
		   FILE_NAME ":11: priority: 0 is out of range, expected 1..255");
#undef CONTINUED
	expect_err("node-name = \"a\"\n\"x", FILE_NAME ":2: a string opened here is not "
		   "closed, expected a closing \"");
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

/* ---- protocol "hamgr" ------------------------------------------------------------ */

#define KEY "auth-key-file = \"/etc/hamgr/authkey\"\n"

static void test_protocol_hamgr(void)
{
	struct conf *c = parse_ok(KEY "heartbeat-port = 7694\n"
				  INST("  protocol = hamgr\n  advert-interval = 1ms\n"));

	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].protocol, CONF_PROTO_HAMGR);
		CU_ASSERT_EQUAL(c->instances[0].advert_interval_us, 1000);
		CU_ASSERT_EQUAL(c->instances[0].protocol_line, 7);
		CU_ASSERT_EQUAL(c->heartbeat_port, 7694);
		conf_free(c);
	}
	c = parse_ok(KEY INST("  protocol = hamgr\n  advert-interval = 60s\n"));
	if (c) {
		CU_ASSERT_EQUAL(c->heartbeat_port, 694);     /* the default */
		CU_ASSERT_EQUAL(c->instances[0].advert_interval_us, 60000000);
		conf_free(c);
	}
	/* Every message is signed: no key file, no protocol "hamgr". */
	expect_err(INST("  protocol = hamgr\n"),
		   FILE_NAME ":5: protocol \"hamgr\" signs every message, expected "
		   "auth-key-file = \"/etc/hamgr/authkey\" (hamgr --genkey makes one)");
	/* Its own interval limits, not VRRPv3's centiseconds. */
	expect_err(KEY INST("  protocol = hamgr\n  advert-interval = 61s\n"),
		   FILE_NAME ":7: advert-interval: 61s is out of range, expected 1ms..60s "
		   "for protocol \"hamgr\"");
	expect_err(KEY INST("  advert-interval = 5ms\n"),
		   FILE_NAME ":6: advert-interval: 5ms is out of range, expected "
		   "10ms..40950ms for protocol \"vrrp3\"");
	expect_err("heartbeat-port = 0\n" INST(""),
		   FILE_NAME ":1: heartbeat-port: 0 is out of range, expected 1..65535");
}

/* ---- fence and heartbeat-paths ------------------------------------------------- */

static void test_witness(void)
{
	struct conf *c = parse_ok(INST("  track gw {\n    command = /bin/true\n"
				       "    witness = true\n  }\n  track t {\n    command = /bin/true\n  }\n"));

	if (c) {
		CU_ASSERT(c->instances[0].tracks[0].witness);
		CU_ASSERT(!c->instances[0].tracks[1].witness);
		conf_free(c);
	}
}

static void test_fence_and_paths(void)
{
	struct conf *c = parse_ok(INST("  fence = \"/usr/local/sbin/fence-ipmi --host db1\"\n"
				       "  fence-timeout = 20s\n"));

	if (c) {
		CU_ASSERT_STRING_EQUAL(c->instances[0].fence, "/usr/local/sbin/fence-ipmi --host db1");
		CU_ASSERT_EQUAL(c->instances[0].fence_timeout_us, 20000000);
		CU_ASSERT_EQUAL(c->instances[0].fence_line, 5);
		conf_free(c);
	}
	c = parse_ok(INST(""));
	if (c) {
		CU_ASSERT_STRING_EQUAL(c->instances[0].fence, "");
		CU_ASSERT_EQUAL(c->instances[0].fence_timeout_us, 60000000);
		conf_free(c);
	}
	expect_err(INST("  fence-timeout = 500ms\n"),
		   FILE_NAME ":5: fence-timeout: 500ms is out of range, expected 1s..3600s");
	c = parse_ok(KEY INST("  protocol = hamgr\n  heartbeat-paths = {eth1, eth2}\n"));
	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].n_paths, 2);
		CU_ASSERT_STRING_EQUAL(c->instances[0].paths[1], "eth2");
		conf_free(c);
	}
	expect_err(INST("  heartbeat-paths = {eth1}\n"),
		   FILE_NAME ":5: heartbeat-paths: VRRPv3 has one path, expected protocol = "
		   "\"hamgr\" for several");
	expect_err(KEY INST("  protocol = hamgr\n  heartbeat-paths = {eth1, eth0}\n"),
		   FILE_NAME ":7: heartbeat-paths: eth0 is the instance's interface, expected "
		   "another one");
	expect_err(KEY INST("  protocol = hamgr\n  heartbeat-paths = {eth1, eth1}\n"),
		   FILE_NAME ":7: heartbeat-paths: eth1 is listed twice");
	expect_err(KEY INST("  protocol = hamgr\n  heartbeat-paths = {e1, e2, e3, e4, e5}\n"),
		   FILE_NAME ":7: heartbeat-paths: e5 is one too many, expected at most 4 "
		   "interfaces");
}

/* ---- tracks ---------------------------------------------------------------------- */

/* A text and the error it must give. */
struct err_case {
	const char *text, *err;
};

static void expect_errs(const struct err_case *cases, size_t n)
{
	for (const struct err_case *e = cases; e < cases + n; e++)
		expect_err(e->text, e->err);
}

/* One track t (line 5) in instance web; body starts at line 6. */
#define TRACK(body) INST("  track t {\n" body "  }\n")
#define CMD "    command = /bin/true\n"

/* The example of the track section in hamgr.conf(5). */
static const char track_example[] =
	INST("  startup-gate = 2s\n"
	     "  fail-holdoff = 90s\n"
	     "  track gateway {\n"
	     "    command  = \"/usr/lib/hamgr/agents/check-ping 10.0.0.254\"\n"
	     "    interval = 1s\n"
	     "    timeout  = 500ms\n"
	     "    rise = 2\n"
	     "    fall = 3\n"
	     "    weight = -60\n"
	     "  }\n"
	     "  track uplink {\n"
	     "    interface = \"eth1\"\n"
	     "    fall = 1\n"
	     "  }\n");

static void test_track_example(void)
{
	struct conf *c = parse_ok(track_example);
	const struct conf_instance *in;
	const struct conf_track *t;

	if (!c)
		return;
	in = &c->instances[0];
	CU_ASSERT_EQUAL(in->startup_gate_us, 2000000);
	CU_ASSERT_EQUAL(in->fail_holdoff_us, 90000000);
	CU_ASSERT_EQUAL_FATAL(in->n_tracks, 2);
	t = &in->tracks[0];
	CU_ASSERT_STRING_EQUAL(t->name, "gateway");
	CU_ASSERT_EQUAL(t->line, 7);
	CU_ASSERT_EQUAL(t->kind, CONF_TRACK_COMMAND);
	CU_ASSERT_STRING_EQUAL(t->command, "/usr/lib/hamgr/agents/check-ping 10.0.0.254");
	CU_ASSERT_STRING_EQUAL(t->interface, "");
	CU_ASSERT_EQUAL(t->interval_us, 1000000);
	CU_ASSERT_EQUAL(t->timeout_us, 500000);
	CU_ASSERT_EQUAL(t->rise, 2);
	CU_ASSERT_EQUAL(t->fall, 3);
	CU_ASSERT_EQUAL(t->weight, -60);
	t = &in->tracks[1];
	CU_ASSERT_STRING_EQUAL(t->name, "uplink");
	CU_ASSERT_EQUAL(t->line, 15);
	CU_ASSERT_EQUAL(t->kind, CONF_TRACK_INTERFACE);
	CU_ASSERT_STRING_EQUAL(t->interface, "eth1");
	CU_ASSERT_STRING_EQUAL(t->command, "");
	/* interval and timeout are for commands only */
	CU_ASSERT_EQUAL(t->interval_us, 0);
	CU_ASSERT_EQUAL(t->timeout_us, 0);
	CU_ASSERT_EQUAL(t->rise, 2);
	CU_ASSERT_EQUAL(t->fall, 1);
	CU_ASSERT_EQUAL(t->weight, 0);
	conf_free(c);
}

static void test_track_defaults(void)
{
	struct conf *c = parse_ok(TRACK(CMD));
	const struct conf_track *t;

	if (!c)
		return;
	/* the instance's new options */
	CU_ASSERT_EQUAL(c->instances[0].startup_gate_us, 0);
	CU_ASSERT_EQUAL(c->instances[0].fail_holdoff_us, 60000000);
	CU_ASSERT_EQUAL(c->instances[0].n_resources, 0);
	CU_ASSERT_PTR_NULL(c->instances[0].resources);
	CU_ASSERT_EQUAL_FATAL(c->instances[0].n_tracks, 1);
	t = &c->instances[0].tracks[0];
	CU_ASSERT_STRING_EQUAL(t->name, "t");
	CU_ASSERT_EQUAL(t->line, 5);
	CU_ASSERT_EQUAL(t->kind, CONF_TRACK_COMMAND);
	CU_ASSERT_STRING_EQUAL(t->command, "/bin/true");
	CU_ASSERT_EQUAL(t->interval_us, 1000000);
	CU_ASSERT_EQUAL(t->timeout_us, 1000000);
	CU_ASSERT_EQUAL(t->rise, 2);
	CU_ASSERT_EQUAL(t->fall, 3);
	CU_ASSERT_EQUAL(t->weight, 0);
	conf_free(c);
	/* timeout defaults to the interval */
	c = parse_ok(TRACK(CMD "    interval = 5s\n"));
	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].tracks[0].timeout_us, 5000000);
		conf_free(c);
	}
	c = parse_ok(INST("  track a {\n" CMD "  }\n  track b {\n" CMD "  }\n"));
	if (c) {
		CU_ASSERT_EQUAL_FATAL(c->instances[0].n_tracks, 2);
		CU_ASSERT_STRING_EQUAL(c->instances[0].tracks[1].name, "b");
		CU_ASSERT_EQUAL(c->instances[0].tracks[1].line, 8);
		conf_free(c);
	}
}

/* The value of one track option, as the parser stores it. */
static long long track_value(const char *body, int what)
{
	char text[512];
	struct conf *c;
	long long v = -9999;

	snprintf(text, sizeof(text), TRACK("%s"), body);
	c = parse_ok(text);
	if (!c)
		return v;
	if (c->instances[0].n_tracks == 1) {
		const struct conf_track *t = &c->instances[0].tracks[0];

		v = what == 'i' ? (long long)t->interval_us : what == 't' ? (long long)t->timeout_us :
		    what == 'r' ? (long long)t->rise : what == 'f' ? (long long)t->fall : t->weight;
	}
	conf_free(c);
	return v;
}

static const struct err_case track_range_errors[] = {
	{ TRACK(CMD "    interval = 9ms\n"),
	  FILE_NAME ":7: interval: 9ms is out of range, expected 10ms..3600s" },
	{ TRACK(CMD "    interval = 3601s\n"),
	  FILE_NAME ":7: interval: 3601s is out of range, expected 10ms..3600s" },
	{ TRACK(CMD "    interval = 0s\n"),
	  FILE_NAME ":7: interval: 0s is out of range, expected 10ms..3600s" },
	{ TRACK(CMD "    timeout = 9ms\n"),
	  FILE_NAME ":7: timeout: 9ms is out of range, expected 10ms..3600s" },
	{ TRACK(CMD "    interval = 1\n"),
	  FILE_NAME ":7: interval: 1 has no unit, expected a duration like "
	  "100ms or 1s" },
	{ TRACK(CMD "    rise = 0\n"),
	  FILE_NAME ":7: rise: 0 is out of range, expected 1..255" },
	{ TRACK(CMD "    rise = 256\n"),
	  FILE_NAME ":7: rise: 256 is out of range, expected 1..255" },
	{ TRACK(CMD "    fall = 0\n"),
	  FILE_NAME ":7: fall: 0 is out of range, expected 1..255" },
	{ TRACK(CMD "    fall = 256\n"),
	  FILE_NAME ":7: fall: 256 is out of range, expected 1..255" },
	{ TRACK(CMD "    weight = -255\n"),
	  FILE_NAME ":7: weight: -255 is out of range, expected -254..254" },
	{ TRACK(CMD "    weight = 255\n"),
	  FILE_NAME ":7: weight: 255 is out of range, expected -254..254" },
	{ TRACK(CMD "    weight = x\n"),
	  FILE_NAME ":7: weight: \"x\" is not a number, expected an integer "
	  "-254..254" },
};

static void test_track_ranges(void)
{
	CU_ASSERT_EQUAL(track_value(CMD "    interval = 10ms\n", 'i'), 10000);
	CU_ASSERT_EQUAL(track_value(CMD "    interval = 3600s\n", 'i'), 3600000000LL);
	CU_ASSERT_EQUAL(track_value(CMD "    interval = 20ms timeout = 10ms\n", 't'), 10000);
	CU_ASSERT_EQUAL(track_value(CMD "    interval = 2s timeout = 2000ms\n", 't'), 2000000);
	CU_ASSERT_EQUAL(track_value(CMD "    rise = 1\n", 'r'), 1);
	CU_ASSERT_EQUAL(track_value(CMD "    rise = 255\n", 'r'), 255);
	CU_ASSERT_EQUAL(track_value(CMD "    fall = 1\n", 'f'), 1);
	CU_ASSERT_EQUAL(track_value(CMD "    fall = 255\n", 'f'), 255);
	CU_ASSERT_EQUAL(track_value(CMD "    weight = -254\n", 'w'), -254);
	CU_ASSERT_EQUAL(track_value(CMD "    weight = 254\n", 'w'), 254);
	expect_errs(track_range_errors, sizeof(track_range_errors) / sizeof(track_range_errors[0]));
}

static const struct err_case track_errors[] = {
	{ TRACK(""),
	  FILE_NAME ":5: track t: command or interface is required, expected "
	  "exactly one of them" },
	{ TRACK(CMD "\n    interface = eth1\n"),
	  FILE_NAME ":8: track t: both command and interface are set, expected "
	  "exactly one of them" },
	{ TRACK("    interface = eth1\n" CMD),
	  FILE_NAME ":7: track t: both command and interface are set, expected "
	  "exactly one of them" },
	{ TRACK("    interface = eth1\n    interval = 1s\n"),
	  FILE_NAME ":7: interval: not used by an interface track, expected it "
	  "only with command" },
	{ TRACK("    interface = eth1\n\n    timeout = 1s\n"),
	  FILE_NAME ":8: timeout: not used by an interface track, expected it "
	  "only with command" },
	{ TRACK("    interface = \"eth:1\"\n"),
	  FILE_NAME ":6: interface: \"eth:1\" is not an interface name, expected "
	  "1..15 characters without '/', ':' or spaces" },
	{ TRACK(CMD "    interval = 1s\n    timeout = 1001ms\n"),
	  FILE_NAME ":8: timeout: 1001ms is longer than the interval (1s), "
	  "expected at most 1s" },
	{ TRACK(CMD "    timeout = 2s\n"),
	  FILE_NAME ":7: timeout: 2s is longer than the interval (1s), "
	  "expected at most 1s" },
	{ TRACK(CMD "    interval = 1500ms timeout = 2s\n"),
	  FILE_NAME ":7: timeout: 2s is longer than the interval (1500ms), "
	  "expected at most 1500ms" },
	{ TRACK(CMD CMD),
	  FILE_NAME ":7: command: already set at line 6" },
	{ INST("  track \"x\\ny\" {\n" CMD "  }\n"),
	  FILE_NAME ":5: track \"x\\x0ay\": not a valid track name, expected 1..63 "
	  "letters, digits, '.', '_' or '-', starting with a letter or digit" },
	{ INST("  track -t {\n" CMD "  }\n"),
	  FILE_NAME ":5: track \"-t\": not a valid track name, expected 1..63 "
	  "letters, digits, '.', '_' or '-', starting with a letter or digit" },
	{ TRACK(CMD "    witness = true\n    weight = -10\n"),
	  FILE_NAME ":8: weight: a witness track has none (down is FAULT), expected "
	  "weight = 0 or witness = false" },
	{ TRACK("    interface = eth1\n    witness = true\n"),
	  FILE_NAME ":7: witness: an interface is no witness, expected a command track "
	  "(check-ping, check-tcp)" },
	/* Several problems: the first one in the file is reported. */
	{ INST("  track t {\n    interface = eth1\n    interval = 1s\n  }\n"
	       "  protocol = hamgr\n"),
	  FILE_NAME ":7: interval: not used by an interface track, expected it "
	  "only with command" },
	{ "instance web {\n  protocol = hamgr\n  interface = eth0\n  vrid = 51\n"
	  "  vips = {10.0.0.50/24}\n  track t {\n  }\n}\n",
	  FILE_NAME ":2: protocol \"hamgr\" signs every message, expected auth-key-file = "
	  "\"/etc/hamgr/authkey\" (hamgr --genkey makes one)" },
};

static void test_track_errors(void)
{
	expect_errs(track_errors, sizeof(track_errors) / sizeof(track_errors[0]));
}

static void test_track_command(void)
{
	char text[1400], cmd[1100];
	struct conf *c = parse_ok(TRACK("    command = \"/x -a 'b c' \\\"d\\\"\"\n"));

	if (c) {
		CU_ASSERT_STRING_EQUAL(c->instances[0].tracks[0].command, "/x -a 'b c' \"d\"");
		conf_free(c);
	}
	expect_err(TRACK("    command = check-ping\n"),
		   FILE_NAME ":6: command: \"check-ping\" does not start with an absolute "
		   "path, expected \"/path/to/program [argument ...]\"");
	conf_free(parse_ok(TRACK("    command = \"'/x y' z\"\n")));
	expect_err(TRACK("    command = \"  \"\n"),
		   FILE_NAME ":6: command: \"  \" does not start with an absolute "
		   "path, expected \"/path/to/program [argument ...]\"");
	expect_err(TRACK("    command = \"/x 'a b\"\n"),
		   FILE_NAME ":6: command: \"/x 'a b\" is not a command line (a quote is "
		   "not closed), expected words separated by blanks, '...' or \"...\" "
		   "grouping words");
	expect_err(TRACK("    command = \"/x\\na\"\n"),
		   FILE_NAME ":6: command: \"/x\\x0aa\" is not a command line (a control "
		   "character), expected words separated by blanks, '...' or \"...\" "
		   "grouping words");
	/* CONF_CMD_MAX - 1 bytes fit, one more does not */
	memset(cmd, 'a', sizeof(cmd));
	cmd[0] = '/';
	cmd[CONF_CMD_MAX - 1] = '\0';
	snprintf(text, sizeof(text), TRACK("    command = \"%s\"\n"), cmd);
	c = parse_ok(text);
	if (c) {
		CU_ASSERT_EQUAL(strlen(c->instances[0].tracks[0].command), CONF_CMD_MAX - 1);
		conf_free(c);
	}
	cmd[CONF_CMD_MAX - 1] = 'a';
	cmd[CONF_CMD_MAX] = '\0';
	snprintf(text, sizeof(text), TRACK("    command = \"%s\"\n"), cmd);
	expect_err(text, FILE_NAME ":6: command: \"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		   "...\" is too long, expected at most 1023 bytes");
	/* the most words a command can have */
	for (size_t i = 0; i < CONF_CMD_MAX - 1; i++)
		cmd[i] = i % 2 ? ' ' : 'a';
	cmd[0] = '/';
	cmd[CONF_CMD_MAX - 1] = '\0';
	snprintf(text, sizeof(text), TRACK("    command = \"%s\"\n"), cmd);
	c = parse_ok(text);
	conf_free(c);
}

/* An unknown option: the one meant, or the section it belongs in. */
static const struct err_case hint_errors[] = {
	{ INST("  prioirty = 5\n"),
	  FILE_NAME ":5: no such option 'prioirty', did you mean 'priority'?" },
	{ INST("  Priority = 5\n"),
	  FILE_NAME ":5: no such option 'Priority', did you mean 'priority'?" },
	{ INST("  vip = {10.0.0.51}\n"),
	  FILE_NAME ":5: no such option 'vip', did you mean 'vips'?" },
	{ "nodename = a\n" INST(""),
	  FILE_NAME ":1: no such option 'nodename', did you mean 'node-name'?" },
	{ INST("  track t {\n    comand = /x\n  }\n"),
	  FILE_NAME ":6: no such option 'comand', did you mean 'command'?" },
	{ INST("  resource r {\n    scirpt = /x\n  }\n"),
	  FILE_NAME ":6: no such option 'scirpt', did you mean 'script'?" },
	{ INST("  vird = 5\n"), FILE_NAME ":5: no such option 'vird', did you mean 'vrid'?" },
	/* too far from any option, or as far as half of it: no guess */
	{ INST("  prio = 5\n"), FILE_NAME ":5: no such option 'prio'" },
	{ INST("  preference = 5\n"), FILE_NAME ":5: no such option 'preference'" },
	{ INST("  node-name = x\n"),
	  FILE_NAME ":5: node-name is a global option, expected it before any instance" },
	{ INST("  track t {\n    control-group = x\n  }\n"),
	  FILE_NAME ":6: control-group is a global option, expected it before any instance" },
	{ "\nvrid = 5\n" INST(""),
	  FILE_NAME ":2: vrid belongs inside an instance { } section" },
	{ "timeout = 5s\n" INST(""),
	  FILE_NAME ":1: timeout belongs inside a track { } or a resource { } section" },
	{ "interface = eth0\n" INST(""),
	  FILE_NAME ":1: interface belongs inside an instance { } or a track { } section" },
	{ INST("  command = /bin/true\n"),
	  FILE_NAME ":5: command belongs inside a track { } section" },
	{ INST("  track t {\n    script = /x\n  }\n"),
	  FILE_NAME ":6: script belongs inside a resource { } section" },
	{ INST("  track t {\n" CMD "    priority = 5\n  }\n"),
	  FILE_NAME ":7: priority is an instance option, expected it outside track t { }" },
	{ INST("  resource r {\n    vips = 10.0.0.9\n  }\n"),
	  FILE_NAME ":6: vips is an instance option, expected it outside resource r { }" },
};

/* A keepalived.conf given to hamgr is named as such, at its first
 * keepalived keyword. */
static const struct err_case keepalived_errors[] = {
	{ "! Configuration File for keepalived\n\nglobal_defs {\n   router_id LVS_1\n}\n\n"
	  "vrrp_instance VI_1 {\n    state MASTER\n    interface eth0\n"
	  "    virtual_router_id 51\n    priority 100\n}\n",
	  FILE_NAME ":3: this looks like a keepalived configuration (global_defs); "
	  "hamgr.conf(5) has the syntax, expected instance NAME { ... }" },
	{ "\nvrrp_instance VI_1 {\n  interface eth0\n}\n",
	  FILE_NAME ":2: this looks like a keepalived configuration (vrrp_instance); "
	  "hamgr.conf(5) has the syntax, expected instance NAME { ... }" },
	{ INST("  virtual_router_id 51\n"),
	  FILE_NAME ":5: this looks like a keepalived configuration (virtual_router_id); "
	  "hamgr.conf(5) has the syntax, expected instance NAME { ... }" },
	/* hamgr names that happen to be keepalived words are no hint */
	{ INST("  resource vrrp_script { script = /x }\n  bogus = 1\n"),
	  FILE_NAME ":6: no such option 'bogus'" },
	{ INST("  track virtual_server { command = \"/x virtual_server\" }\n"
	       "  bogus = 1\n"),
	  FILE_NAME ":6: no such option 'bogus'" },
};

static void test_hints(void)
{
	expect_errs(hint_errors, sizeof(hint_errors) / sizeof(hint_errors[0]));
	expect_errs(keepalived_errors, sizeof(keepalived_errors) / sizeof(keepalived_errors[0]));
	conf_free(parse_ok(INST("  resource vrrp_script { script = /x }\n")));
}

/* At most CONF_TRACKS_MAX per instance (and resources likewise). */
static void test_section_limits(void)
{
	size_t size = 64 * 1024, o, i;
	char *text = malloc(size);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	o = (size_t)snprintf(text, size, "instance web {\n  interface = eth0\n  vrid = 51\n"
			     "  vips = {10.0.0.50/24}\n");
	for (i = 0; i < CONF_TRACKS_MAX; i++)
		o += (size_t)snprintf(text + o, size - o, "  track t%zu { command = /x }\n", i);
	snprintf(text + o, size - o, "}\n");
	conf_free(parse_ok(text));
	snprintf(text + o, size - o, "  track last { command = /x }\n}\n");
	expect_err(text, FILE_NAME ":37: track last: one track too many, expected at most "
		   "32 per instance");
	o = (size_t)snprintf(text, size, "instance web {\n  interface = eth0\n  vrid = 51\n"
			     "  vips = {10.0.0.50/24}\n");
	for (i = 0; i < CONF_RESOURCES_MAX; i++)
		o += (size_t)snprintf(text + o, size - o, "  resource r%zu { script = /x }\n", i);
	snprintf(text + o, size - o, "}\n");
	conf_free(parse_ok(text));
	snprintf(text + o, size - o, "  resource last { script = /x }\n}\n");
	expect_err(text, FILE_NAME ":37: resource last: one resource too many, expected at "
		   "most 32 per instance");
	free(text);
}

static void test_instance_gates(void)
{
	struct conf *c = parse_ok(INST("  startup-gate = 3600s\n  fail-holdoff = 0s\n"));

	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].startup_gate_us, 3600000000ULL);
		CU_ASSERT_EQUAL(c->instances[0].fail_holdoff_us, 0);
		conf_free(c);
	}
	c = parse_ok(INST("  startup-gate = 0s\n  fail-holdoff = 3600s\n"));
	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].startup_gate_us, 0);
		CU_ASSERT_EQUAL(c->instances[0].fail_holdoff_us, 3600000000ULL);
		conf_free(c);
	}
	expect_err(INST("  startup-gate = 3601s\n"),
		   FILE_NAME ":5: startup-gate: 3601s is out of range, expected 0s..3600s");
	expect_err(INST("  fail-holdoff = 3601s\n"),
		   FILE_NAME ":5: fail-holdoff: 3601s is out of range, expected 0s..3600s");
	expect_err(INST("  fail-holdoff = 60\n"),
		   FILE_NAME ":5: fail-holdoff: 60 has no unit, expected a duration like "
		   "100ms or 1s");
}

/* ---- resources ------------------------------------------------------------------- */

/* One resource r (line 5) in instance web; body starts at line 6. */
#define RES(body) INST("  resource r {\n" body "  }\n")
#define SCRIPT "    script = /usr/lib/hamgr/resource-scripts/mysql\n"

static const char resource_example[] =
	INST("  resource db {\n"
	     "    script  = \"/usr/lib/hamgr/resource-scripts/mysql\"\n"
	     "    type    = \"script\"\n"
	     "    phase   = \"before-vips\"\n"
	     "    timeout = 30s\n"
	     "    on-fail = \"release\"\n"
	     "    monitor-interval = 10s\n"
	     "    restart-limit = 3\n"
	     "    irreversible = true\n"
	     "    params = {\"state=/run/dummy.state\", \"fake=x\"}\n"
	     "  }\n"
	     "  resource dummy {\n"
	     "    script = \"heartbeat:Dummy\"\n"
	     "    type = ocf\n"
	     "    on-fail = ignore\n"
	     "    params = {\"a=b=c\", \"empty=\", \"_X9=1 2\"}\n"
	     "    params += {\"fake=y\"}\n"
	     "  }\n");

static void test_resource_example(void)
{
	struct conf *c = parse_ok(resource_example);
	const struct conf_resource *r;

	if (!c)
		return;
	CU_ASSERT_EQUAL_FATAL(c->instances[0].n_resources, 2);
	CU_ASSERT_EQUAL(c->instances[0].n_tracks, 0);
	CU_ASSERT_PTR_NULL(c->instances[0].tracks);
	r = &c->instances[0].resources[0];
	CU_ASSERT_STRING_EQUAL(r->name, "db");
	CU_ASSERT_EQUAL(r->line, 5);
	CU_ASSERT_EQUAL(r->type, CONF_RTYPE_SCRIPT);
	CU_ASSERT_STRING_EQUAL(r->script, "/usr/lib/hamgr/resource-scripts/mysql");
	CU_ASSERT_EQUAL(r->phase, CONF_PHASE_BEFORE_VIPS);
	CU_ASSERT_EQUAL(r->timeout_us, 30000000);
	CU_ASSERT_EQUAL(r->on_fail, CONF_ON_FAIL_RELEASE);
	CU_ASSERT_EQUAL(r->monitor_interval_us, 10000000);
	CU_ASSERT_EQUAL(r->restart_limit, 3);
	CU_ASSERT_TRUE(r->irreversible);
	CU_ASSERT_EQUAL_FATAL(r->n_params, 2);
	CU_ASSERT_STRING_EQUAL(r->params[0], "state=/run/dummy.state");
	CU_ASSERT_STRING_EQUAL(r->params[1], "fake=x");
	r = &c->instances[0].resources[1];
	CU_ASSERT_STRING_EQUAL(r->name, "dummy");
	CU_ASSERT_EQUAL(r->line, 16);
	CU_ASSERT_EQUAL(r->type, CONF_RTYPE_OCF);
	CU_ASSERT_STRING_EQUAL(r->script, "heartbeat:Dummy");
	CU_ASSERT_EQUAL(r->phase, CONF_PHASE_AFTER_VIPS);
	CU_ASSERT_EQUAL(r->on_fail, CONF_ON_FAIL_IGNORE);
	CU_ASSERT_FALSE(r->irreversible);
	CU_ASSERT_EQUAL_FATAL(r->n_params, 4);
	CU_ASSERT_STRING_EQUAL(r->params[0], "a=b=c");
	CU_ASSERT_STRING_EQUAL(r->params[1], "empty=");
	CU_ASSERT_STRING_EQUAL(r->params[2], "_X9=1 2");
	CU_ASSERT_STRING_EQUAL(r->params[3], "fake=y");
	conf_free(c);
}

static void test_resource_defaults(void)
{
	struct conf *c = parse_ok(RES(SCRIPT));
	const struct conf_resource *r;

	if (!c)
		return;
	CU_ASSERT_EQUAL_FATAL(c->instances[0].n_resources, 1);
	r = &c->instances[0].resources[0];
	CU_ASSERT_STRING_EQUAL(r->name, "r");
	CU_ASSERT_EQUAL(r->line, 5);
	CU_ASSERT_EQUAL(r->type, CONF_RTYPE_SCRIPT);
	CU_ASSERT_EQUAL(r->phase, CONF_PHASE_AFTER_VIPS);
	CU_ASSERT_EQUAL(r->timeout_us, 0);
	CU_ASSERT_EQUAL(r->on_fail, CONF_ON_FAIL_RELEASE);
	CU_ASSERT_EQUAL(r->monitor_interval_us, 0);
	CU_ASSERT_EQUAL(r->restart_limit, 3);
	CU_ASSERT_FALSE(r->irreversible);
	CU_ASSERT_EQUAL(r->n_params, 0);
	conf_free(c);
	/* irreversible follows the phase unless written */
	c = parse_ok(RES(SCRIPT "    phase = before-vips\n"));
	if (c) {
		CU_ASSERT_TRUE(c->instances[0].resources[0].irreversible);
		conf_free(c);
	}
	c = parse_ok(RES(SCRIPT "    phase = before-vips\n    irreversible = no\n"));
	if (c) {
		CU_ASSERT_FALSE(c->instances[0].resources[0].irreversible);
		conf_free(c);
	}
	c = parse_ok(RES(SCRIPT "    phase = after-vips\n    irreversible = yes\n"));
	if (c) {
		CU_ASSERT_TRUE(c->instances[0].resources[0].irreversible);
		conf_free(c);
	}
}

/* The value of one resource option, as the parser stores it. */
static long long resource_value(const char *body, int what)
{
	char text[512];
	struct conf *c;
	long long v = -9999;

	snprintf(text, sizeof(text), RES(SCRIPT "%s"), body);
	c = parse_ok(text);
	if (!c)
		return v;
	if (c->instances[0].n_resources == 1) {
		const struct conf_resource *r = &c->instances[0].resources[0];

		v = what == 't' ? (long long)r->timeout_us :
		    what == 'm' ? (long long)r->monitor_interval_us :
		    what == 'w' ? (long long)r->restart_window_us : r->restart_limit;
	}
	conf_free(c);
	return v;
}

static const struct err_case resource_range_errors[] = {
	{ RES(SCRIPT "    timeout = 99ms\n"),
	  FILE_NAME ":7: timeout: 99ms is out of range, expected 0s or 100ms..3600s" },
	{ RES(SCRIPT "    timeout = 3601s\n"),
	  FILE_NAME ":7: timeout: 3601s is out of range, expected 0s or 100ms..3600s" },
	{ RES(SCRIPT "    monitor-interval = 1ms\n"),
	  FILE_NAME ":7: monitor-interval: 1ms is out of range, expected 0s or "
	  "100ms..3600s" },
	{ RES(SCRIPT "    monitor-interval = 3601s\n"),
	  FILE_NAME ":7: monitor-interval: 3601s is out of range, expected 0s or "
	  "100ms..3600s" },
	{ RES(SCRIPT "    restart-limit = -1\n"),
	  FILE_NAME ":7: restart-limit: -1 is out of range, expected 0..100" },
	{ RES(SCRIPT "    restart-limit = 101\n"),
	  FILE_NAME ":7: restart-limit: 101 is out of range, expected 0..100" },
	{ RES(SCRIPT "    monitor-interval = 1s\n    restart-window = 999ms\n"),
	  FILE_NAME ":8: restart-window: 999ms is out of range, expected 0s or 1s..86400s" },
	{ RES(SCRIPT "    monitor-interval = 1s\n    restart-window = 86401s\n"),
	  FILE_NAME ":8: restart-window: 86401s is out of range, expected 0s or 1s..86400s" },
	{ RES(SCRIPT "    restart-window = 60s\n"),
	  FILE_NAME ":7: restart-window: 60s without monitor-interval, expected "
	  "monitor-interval too (the window counts the monitor's failures)" },
	{ RES(SCRIPT "    monitor-interval = 10s\n    restart-window = 10s\n"),
	  FILE_NAME ":8: restart-window: 10s is not longer than monitor-interval 10s, "
	  "expected 0s or more than monitor-interval" },
	{ RES(SCRIPT "    restart-window = 30s\n    monitor-interval = 60s\n"),
	  FILE_NAME ":7: restart-window: 30s is not longer than monitor-interval 60s, "
	  "expected 0s or more than monitor-interval" },
	{ RES(SCRIPT "    irreversible = 2\n"),
	  FILE_NAME ":7: irreversible: \"2\" is not a boolean, expected true or false" },
};

static void test_resource_ranges(void)
{
	CU_ASSERT_EQUAL(resource_value("    timeout = 0s\n", 't'), 0);
	CU_ASSERT_EQUAL(resource_value("    timeout = 100ms\n", 't'), 100000);
	CU_ASSERT_EQUAL(resource_value("    timeout = 3600s\n", 't'), 3600000000LL);
	CU_ASSERT_EQUAL(resource_value("    monitor-interval = 0ms\n", 'm'), 0);
	CU_ASSERT_EQUAL(resource_value("    monitor-interval = 100ms\n", 'm'), 100000);
	CU_ASSERT_EQUAL(resource_value("    monitor-interval = 3600s\n", 'm'), 3600000000LL);
	CU_ASSERT_EQUAL(resource_value("    restart-limit = 0\n", 'l'), 0);
	CU_ASSERT_EQUAL(resource_value("    restart-limit = 100\n", 'l'), 100);
	CU_ASSERT_EQUAL(resource_value("    restart-window = 0s\n", 'w'), 0);
	CU_ASSERT_EQUAL(resource_value("", 'w'), 0);
	CU_ASSERT_EQUAL(resource_value("    monitor-interval = 500ms\n    restart-window = 1s\n",
				       'w'), 1000000);
	CU_ASSERT_EQUAL(resource_value("    monitor-interval = 1s\n    restart-window = 86400s\n",
				       'w'), 86400000000LL);
	expect_errs(resource_range_errors, sizeof(resource_range_errors) / sizeof(resource_range_errors[0]));
}

static const struct err_case resource_choice_errors[] = {
	{ RES(SCRIPT "    type = lsb\n"),
	  FILE_NAME ":7: type: \"lsb\" is not a resource type, expected \"script\" "
	  "or \"ocf\"" },
	{ RES(SCRIPT "    phase = during\n"),
	  FILE_NAME ":7: phase: \"during\" is not a phase, expected \"after-vips\" "
	  "or \"before-vips\"" },
	{ RES(SCRIPT "    on-fail = restart\n"),
	  FILE_NAME ":7: on-fail: \"restart\" is not an on-fail action, expected "
	  "\"release\" or \"ignore\"" },
	{ RES(SCRIPT "    phase = after-vips\n    phase = before-vips\n"),
	  FILE_NAME ":8: phase: already set at line 7" },
};

static void test_resource_choices(void)
{
	expect_errs(resource_choice_errors, sizeof(resource_choice_errors) / sizeof(resource_choice_errors[0]));
}

static void test_resource_script(void)
{
	struct conf *c = parse_ok(RES("    type = ocf\n    script = "
				      "/usr/lib/ocf/resource.d/heartbeat/Dummy\n"));

	if (c) {
		CU_ASSERT_STRING_EQUAL(c->instances[0].resources[0].script,
				       "/usr/lib/ocf/resource.d/heartbeat/Dummy");
		conf_free(c);
	}
	expect_err(RES(""),
		   FILE_NAME ":5: resource r: script is required, expected an absolute path");
	expect_err(RES("    type = ocf\n"),
		   FILE_NAME ":5: resource r: script is required, expected an absolute path "
		   "or \"provider:agent\"");
	expect_err(RES("    script = mysql\n"),
		   FILE_NAME ":6: script: \"mysql\" is not usable, expected an absolute path "
		   "of at most 255 bytes");
	expect_err(RES("    script = heartbeat:Dummy\n"),
		   FILE_NAME ":6: script: \"heartbeat:Dummy\" is not usable, expected an "
		   "absolute path of at most 255 bytes (an OCF \"provider:agent\" needs "
		   "type = \"ocf\")");
	/* CONF_PATH_MAX - 1 bytes fit, one more does not */
	char path[CONF_PATH_MAX + 1], text[512];

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[CONF_PATH_MAX - 1] = '\0';
	snprintf(text, sizeof(text), RES("    script = \"%s\"\n"), path);
	conf_free(parse_ok(text));
	path[CONF_PATH_MAX - 1] = 'a';
	path[CONF_PATH_MAX] = '\0';
	snprintf(text, sizeof(text), RES("    script = \"%s\"\n"), path);
	expect_err(text, FILE_NAME ":6: script: \"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		   "...\" is not usable, expected an absolute path of at most 255 bytes");
	expect_err(RES("    script = \"/a\\tb\"\n"),
		   FILE_NAME ":6: script: \"/a\\x09b\" is not usable, expected an absolute "
		   "path of at most 255 bytes");
	static const char *const bad_ocf[] = { "heartbeat", ":Dummy", "heartbeat:",
					       "heartbeat:../x", "heart/beat:Dummy",
					       "a:b:c", ".hb:Dummy", "Dummy" };
	for (size_t i = 0; i < sizeof(bad_ocf) / sizeof(bad_ocf[0]); i++) {
		char want[512], shown[64];

		snprintf(text, sizeof(text), RES("    type = ocf\n\n    script = \"%s\"\n"),
			 bad_ocf[i]);
		snprintf(shown, sizeof(shown), "\"%s\"", bad_ocf[i]);
		snprintf(want, sizeof(want), FILE_NAME ":8: script: %s is not usable, "
			 "expected an absolute path of at most 255 bytes or "
			 "\"provider:agent\" like \"heartbeat:Dummy\"", shown);
		expect_err(text, want);
	}
}

static void test_resource_params(void)
{
	char text[12 * 1024], p[300];
	size_t o, i;
	struct conf *c;

	expect_err(RES(SCRIPT "    params = {\"a=1\", \"b=2\",\n      \"a=3\"}\n"),
		   FILE_NAME ":8: params: a is set twice (first at line 7), expected "
		   "each name once");
	c = parse_ok(RES(SCRIPT "    params = {\"a=1\", \"ab=2\", \"A=3\"}\n"));
	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].resources[0].n_params, 3);
		conf_free(c);
	}
	expect_err(RES(SCRIPT "    params = \"a=1\"\n\n    params = \"b=1\"\n"),
		   FILE_NAME ":9: params: already set at line 7");
	static const char *const bad[] = { "1a=x", "a-b=x", "=x", "a b=c", "" };
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[512];

		snprintf(text, sizeof(text), RES(SCRIPT "    params = {\"%s\"}\n"), bad[i]);
		snprintf(want, sizeof(want), FILE_NAME ":7: params: \"%s\" is not a parameter, "
			 "expected NAME=VALUE, NAME of letters, digits and '_' not starting "
			 "with a digit, VALUE without control characters", bad[i]);
		expect_err(text, want);
	}
	expect_err(RES(SCRIPT "    params = {\"a=1\\n2\"}\n"),
		   FILE_NAME ":7: params: \"a=1\\x0a2\" is not a parameter, expected "
		   "NAME=VALUE, NAME of letters, digits and '_' not starting with a digit, "
		   "VALUE without control characters");
	/* CONF_PARAM_MAX - 1 bytes fit, one more does not */
	memset(p, 'v', sizeof(p));
	memcpy(p, "n=", 2);
	p[CONF_PARAM_MAX - 1] = '\0';
	snprintf(text, sizeof(text), RES(SCRIPT "    params = {\"%s\"}\n"), p);
	c = parse_ok(text);
	if (c) {
		CU_ASSERT_EQUAL(strlen(c->instances[0].resources[0].params[0]),
				CONF_PARAM_MAX - 1);
		conf_free(c);
	}
	p[CONF_PARAM_MAX - 1] = 'v';
	p[CONF_PARAM_MAX] = '\0';
	snprintf(text, sizeof(text), RES(SCRIPT "    params = {\"%s\"}\n"), p);
	expect_err(text, FILE_NAME ":7: params: \"n=vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
		   "...\" is too long, expected at most 255 bytes");
	/* CONF_PARAMS_MAX fit, one more does not (also across +=) */
	o = (size_t)snprintf(text, sizeof(text), "instance web {\n  interface = eth0\n"
			     "  vrid = 51\n  vips = {10.0.0.50/24}\n  resource r {\n"
			     "    script = /x\n    params = {\"p0=0\"");
	for (i = 1; i < CONF_PARAMS_MAX; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, ", \"p%zu=%zu\"", i, i);
	snprintf(text + o, sizeof(text) - o, "}\n  }\n}\n");
	c = parse_ok(text);
	if (c) {
		CU_ASSERT_EQUAL(c->instances[0].resources[0].n_params, CONF_PARAMS_MAX);
		CU_ASSERT_STRING_EQUAL(c->instances[0].resources[0].params[31], "p31=31");
		conf_free(c);
	}
	snprintf(text + o, sizeof(text) - o, "}\n    params += {\"x=1\"}\n  }\n}\n");
	expect_err(text, FILE_NAME ":8: params: too many params, expected at most 32");
}

/* The limits of hamgr.conf(5)'s track and resource sections not covered
 * above: names and OCF "provider:agent" parts of at most 63 bytes, param
 * values without DEL, params in quotes. */
static void test_man_limits(void)
{
	char name[80], text[1024], want[1024];

	memset(name, 'n', sizeof(name));
	name[63] = '\0';
	snprintf(text, sizeof(text), INST("  track %s {\n" CMD "  }\n  resource %s {\n"
					   SCRIPT "  }\n  resource r {\n    type = ocf\n"
					   "    script = \"%s:%s\"\n  }\n"), name, name, name, name);
	conf_free(parse_ok(text));
	name[63] = 'n';
	name[64] = '\0';
	snprintf(text, sizeof(text), INST("  track %s {\n" CMD "  }\n"), name);
	snprintf(want, sizeof(want), FILE_NAME ":5: track \"%.40s...\": not a valid track "
		 "name, " "expected 1..63 letters, digits, '.', '_' or '-', starting with a "
		 "letter or digit", name);
	expect_err(text, want);
	snprintf(text, sizeof(text), INST("  resource %s {\n" SCRIPT "  }\n"), name);
	snprintf(want, sizeof(want), FILE_NAME ":5: resource \"%.40s...\": not a valid "
		 "resource name, expected 1..63 letters, digits, '.', '_' or '-', starting "
		 "with a letter or digit", name);
	expect_err(text, want);
	snprintf(text, sizeof(text), RES("    type = ocf\n    script = \"heartbeat:%s\"\n"),
		 name);
	snprintf(want, sizeof(want), FILE_NAME ":7: script: \"heartbeat:%.30s...\" is not "
		 "usable, expected an absolute path of at most 255 bytes or "
		 "\"provider:agent\" like \"heartbeat:Dummy\"", name);
	expect_err(text, want);
	snprintf(text, sizeof(text), RES("    type = ocf\n    script = \"%s:Dummy\"\n"), name);
	snprintf(want, sizeof(want), FILE_NAME ":7: script: \"%.40s...\" is not usable, "
		 "expected an absolute path of at most 255 bytes or \"provider:agent\" like "
		 "\"heartbeat:Dummy\"", name);
	expect_err(text, want);
	expect_err(RES(SCRIPT "    params = {\"a=1\x7f\"}\n"),
		   FILE_NAME ":7: params: \"a=1\\x7f\" is not a parameter, expected "
		   "NAME=VALUE, NAME of letters, digits and '_' not starting with a digit, "
		   "VALUE without control characters");
	/* unquoted, the '=' ends the value */
	expect_err(RES(SCRIPT "    params = {state=/run/x}\n"),
		   FILE_NAME ":7: params: \"state\" has no =VALUE, expected \"NAME=VALUE\" "
		   "in quotes (an unquoted '=' ends the value)");
	expect_err(RES(SCRIPT "    params = state=/run/x\n"),
		   FILE_NAME ":7: params: \"state\" has no =VALUE, expected \"NAME=VALUE\" "
		   "in quotes (an unquoted '=' ends the value)");
}

static void test_resource_names(void)
{
	expect_err(INST("  resource \"my db\" {\n" SCRIPT "  }\n"),
		   FILE_NAME ":5: resource \"my db\": not a valid resource name, expected "
		   "1..63 letters, digits, '.', '_' or '-', starting with a letter or digit");
	/* a track and a resource may share a name; a repeated one is named
	 * with its own kind */
	conf_free(parse_ok(INST("  track db {\n" CMD "  }\n  resource db {\n" SCRIPT
				"  }\n")));
	expect_err(INST("  track db { command = /x }\n  resource db { script = /x }\n"
			"  resource db { script = /y }\n"),
		   FILE_NAME ":7: resource db is defined twice (first at line 6)");
	expect_err(INST("  resource db { script = /x }\n  track db { command = /x }\n"
			"  track db { command = /y }\n"),
		   FILE_NAME ":7: track db is defined twice (first at line 6)");
	expect_err(INST("  resource track { script = /x }\n  track track { command = /x }\n"
			"  resource \"track\"\n  { script = /y }\n"),
		   FILE_NAME ":8: resource track is defined twice (first at line 5)");
}

/* ---- copies ------------------------------------------------------------------------ */

static void test_instance_copy(void)
{
	struct conf *c = parse_ok(INST("  unicast-peers = {10.0.0.2, 10.0.0.3}\n"
				       "  track t {\n" CMD "  }\n"
				       "  resource r {\n" SCRIPT "    params = \"x=1\"\n  }\n"));
	struct conf_instance copy, none;
	char b[IPADDR_STRLEN];

	if (!c)
		return;
	CU_ASSERT_EQUAL_FATAL(conf_instance_copy(&copy, &c->instances[0]), 0);
	CU_ASSERT_PTR_NOT_EQUAL(copy.vips, c->instances[0].vips);
	CU_ASSERT_PTR_NOT_EQUAL(copy.unicast_peers, c->instances[0].unicast_peers);
	CU_ASSERT_PTR_NOT_EQUAL(copy.tracks, c->instances[0].tracks);
	CU_ASSERT_PTR_NOT_EQUAL(copy.resources, c->instances[0].resources);
	conf_free(c); /* the copy owns its arrays */
	CU_ASSERT_STRING_EQUAL(copy.name, "web");
	CU_ASSERT_EQUAL(copy.fail_holdoff_us, 60000000);
	CU_ASSERT_EQUAL_FATAL(copy.n_vips, 1);
	CU_ASSERT_STRING_EQUAL(addr(&copy.vips[0], b), "10.0.0.50/24");
	CU_ASSERT_EQUAL_FATAL(copy.n_unicast_peers, 2);
	CU_ASSERT_STRING_EQUAL(addr(&copy.unicast_peers[1], b), "10.0.0.3/32");
	CU_ASSERT_EQUAL_FATAL(copy.n_tracks, 1);
	CU_ASSERT_STRING_EQUAL(copy.tracks[0].command, "/bin/true");
	CU_ASSERT_EQUAL_FATAL(copy.n_resources, 1);
	CU_ASSERT_STRING_EQUAL(copy.resources[0].params[0], "x=1");
	conf_instance_release(&copy);
	CU_ASSERT_PTR_NULL(copy.vips);
	CU_ASSERT_PTR_NULL(copy.unicast_peers);
	CU_ASSERT_PTR_NULL(copy.tracks);
	CU_ASSERT_PTR_NULL(copy.resources);
	CU_ASSERT_EQUAL(copy.n_vips + copy.n_unicast_peers + copy.n_tracks +
			copy.n_resources, 0);
	conf_instance_release(&copy); /* twice is harmless */
	memset(&none, 0, sizeof(none));
	CU_ASSERT_EQUAL(conf_instance_copy(&copy, &none), 0);
	CU_ASSERT_PTR_NULL(copy.vips);
	CU_ASSERT_PTR_NULL(copy.tracks);
	conf_instance_release(&copy);
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
	snprintf(want, sizeof(want), "%s: not a regular file (a directory), expected a "
		 "plain file", tmpdir);
	CU_ASSERT_STRING_EQUAL(err, want);

	/* A FIFO nobody writes to: refused at once, never waited on (the
	 * alarm fails the test instead of hanging it). */
	snprintf(path, sizeof(path), "%s/fifo.conf", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0600), 0);
	alarm(5);
	CU_ASSERT_EQUAL(conf_load_file(path, "h", &c, err, sizeof(err)), -1);
	alarm(0);
	snprintf(want, sizeof(want), "%s: not a regular file (a FIFO), expected a plain file",
		 path);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_EQUAL(conf_load_file("/dev/null", "h", &c, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/dev/null: not a regular file (a character device), "
			       "expected a plain file");

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
	{ "lines of global options and interfaces", test_lines },
	{ "two instances", test_two_instances },
	{ "IPv6 and mixed families", test_ipv6 },
	{ "quoting, booleans, CRLF, +=, ${ENV}", test_syntax },
	{ "comments and line numbers", test_comments },
	{ "UTF-8 byte order mark", test_bom },
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
	{ "4096 VIPs in one instance", test_vips_many },
	{ "required options", test_required },
	{ "duplicates", test_duplicates },
	{ "libconfuse syntax errors", test_libconfuse_errors },
	{ "unclosed strings and comments", test_unclosed },
	{ "misspelt and misplaced options, keepalived files", test_hints },
	{ "protocol hamgr", test_protocol_hamgr },
	{ "fence and heartbeat-paths", test_fence_and_paths },
	{ "witness track", test_witness },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo track_tests[] = {
	{ "example and interface track", test_track_example },
	{ "defaults", test_track_defaults },
	{ "ranges", test_track_ranges },
	{ "errors", test_track_errors },
	{ "command", test_track_command },
	{ "startup-gate, fail-holdoff", test_instance_gates },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo resource_tests[] = {
	{ "example and ocf", test_resource_example },
	{ "defaults", test_resource_defaults },
	{ "ranges", test_resource_ranges },
	{ "choices", test_resource_choices },
	{ "script", test_resource_script },
	{ "params", test_resource_params },
	{ "names", test_resource_names },
	{ "limits of hamgr.conf(5) not covered above", test_man_limits },
	{ "tracks and resources per instance", test_section_limits },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo api_tests[] = {
	{ "conf_instance_copy, conf_instance_release", test_instance_copy },
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
	{ "conf tracks", NULL, NULL, NULL, NULL, track_tests },
	{ "conf resources", NULL, NULL, NULL, NULL, resource_tests },
	{ "conf api", files_init, files_clean, NULL, NULL, api_tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
