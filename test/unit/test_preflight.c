/* test_preflight: resource programs and track agents checked on disk. */
#include "conf.h"
#include "cu_main.h"
#include "preflight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static int setup(void)
{
	char p[128];
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/hamgr-preflight.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof(p), "%s/run", dir);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	chmod(p, 0755);
	snprintf(p, sizeof(p), "%s/noexec", dir);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fclose(f);
	snprintf(p, sizeof(p), "%s/resource.d/prov", dir);
	mkdir(strcpy(p, dir), 0755);
	snprintf(p, sizeof(p), "%s/resource.d", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/resource.d/prov", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/resource.d/prov/Agent", dir);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	chmod(p, 0755);
	setenv("OCF_ROOT", dir, 1);
	return 0;
}

static int teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Parse globals (one line) and an instance with body, then preflight it;
 * returns the error ("" ok). The instance starts at line 2, its body at
 * line 6. */
static const char *check_with(const char *globals, const char *body)
{
	static char err[CONF_ERR_MAX];
	char text[2048];
	struct conf *c = NULL;

	snprintf(text, sizeof(text), "%s\n"
		 "instance web {\n  interface = lo\n  vrid = 51\n  vips = 10.0.0.50/24\n%s}\n",
		 globals, body);
	err[0] = '\0';
	if (conf_parse_string(text, "t.conf", "node", &c, err, sizeof(err)) < 0)
		return err;
	if (preflight_check(c, err, sizeof(err)) == 0)
		err[0] = '\0';
	conf_free(c);
	return err;
}

/* The control socket and the state directory live in dir (the defaults
 * need not be usable where the tests run). */
static const char *check(const char *body)
{
	char globals[256];

	snprintf(globals, sizeof(globals), "control-socket = \"%s/ctl/s.sock\" "
		 "state-directory = \"%s/state\"", dir, dir);
	return check_with(globals, body);
}

static void test_ok(void)
{
	char body[512];

	snprintf(body, sizeof(body),
		 "  resource a { script = \"%s/run\" }\n"
		 "  resource b { type = \"ocf\"\n script = \"prov:Agent\" }\n"
		 "  track t { command = \"%s/run --flag 'two words'\" }\n"
		 "  track i { interface = \"eth9\" }\n", dir, dir);
	CU_ASSERT_STRING_EQUAL(check(body), "");
}

static void test_missing(void)
{
	char body[512], want[512];

	snprintf(body, sizeof(body), "  resource a { script = \"%s/nope\" }\n", dir);
	snprintf(want, sizeof(want), "t.conf:6: resource a: %s/nope: No such file or directory, "
		 "expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);

	snprintf(body, sizeof(body), "  resource a { script = \"%s/noexec\" }\n", dir);
	snprintf(want, sizeof(want), "t.conf:6: resource a: %s/noexec: not executable, "
		 "expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);

	snprintf(body, sizeof(body), "  resource a { type = \"ocf\"\n script = \"prov:Nope\" }\n");
	snprintf(want, sizeof(want), "t.conf:6: resource a: %s/resource.d/prov/Nope: No such file "
		 "or directory, expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);

	snprintf(body, sizeof(body), "  track t { command = \"%s\" }\n", dir);
	snprintf(want, sizeof(want), "t.conf:6: track t: %s: not a regular file, "
		 "expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);
}

static void test_file_order(void)
{
	char body[512], want[512];

	/* The track comes first in the file: its error is reported. */
	snprintf(body, sizeof(body), "  track t { command = \"%s/gone\" }\n"
		 "  resource a { script = \"%s/nope\" }\n", dir, dir);
	snprintf(want, sizeof(want), "t.conf:6: track t: %s/gone: No such file or directory, "
		 "expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);
}

/* What a start would refuse: no such group, directories that cannot be
 * made, something not a socket where the socket goes. */
static void test_system(void)
{
	char g[512], want[1024];

	CU_ASSERT_STRING_EQUAL(check_with("control-group = hm-no-such-group", ""),
			       "t.conf:1: control-group: no group hm-no-such-group, expected "
			       "an existing group");
	snprintf(g, sizeof(g), "control-group = root control-socket = \"%s/a/b/s.sock\" "
		 "state-directory = \"%s/new\"", dir, dir);
	CU_ASSERT_STRING_EQUAL(check_with(g, ""), "");

	snprintf(g, sizeof(g), "state-directory = \"%s/run\"", dir);
	snprintf(want, sizeof(want), "t.conf:1: state-directory: %s/run is not a directory, "
		 "expected a directory hamgr can write or create", dir);
	CU_ASSERT_STRING_EQUAL(check_with(g, ""), want);
	snprintf(g, sizeof(g), "state-directory = \"%s/run/x\"", dir);
	snprintf(want, sizeof(want), "t.conf:1: state-directory: %s/run/x cannot be created: "
		 "%s/run is not a directory, expected a directory hamgr can write or create",
		 dir, dir);
	CU_ASSERT_STRING_EQUAL(check_with(g, ""), want);
	/* the state directory is made with one mkdir, not mkdir -p */
	snprintf(g, sizeof(g), "state-directory = \"%s/new/deeper\"", dir);
	snprintf(want, sizeof(want), "t.conf:1: state-directory: %s/new/deeper cannot be "
		 "created: %s/new does not exist, expected a directory hamgr can write or "
		 "create", dir, dir);
	CU_ASSERT_STRING_EQUAL(check_with(g, ""), want);

	snprintf(g, sizeof(g), "control-socket = \"%s/run/x/s.sock\"", dir);
	snprintf(want, sizeof(want), "t.conf:1: control-socket: %s/run/x cannot be created: "
		 "%s/run is not a directory, expected a directory for the socket that hamgr "
		 "can write or create", dir, dir);
	CU_ASSERT_STRING_EQUAL(check_with(g, ""), want);
	snprintf(g, sizeof(g), "control-socket = \"%s/noexec\"", dir);
	snprintf(want, sizeof(want), "t.conf:1: control-socket: %s/noexec exists and is not "
		 "a socket, expected a path hamgr can bind", dir);
	CU_ASSERT_STRING_EQUAL(check_with(g, ""), want);
}

/* The first problem in the file wins, global or not. */
static void test_system_order(void)
{
	char g[512], body[256], want[1024];

	snprintf(g, sizeof(g), "\n\nstate-directory = \"%s/run\"\ncontrol-group = "
		 "hm-no-such-group", dir);
	snprintf(want, sizeof(want), "t.conf:3: state-directory: %s/run is not a directory, "
		 "expected a directory hamgr can write or create", dir);
	CU_ASSERT_STRING_EQUAL(check_with(g, ""), want);
	snprintf(body, sizeof(body), "  resource a { script = \"%s/nope\" }\n", dir);
	snprintf(g, sizeof(g), "control-socket = \"%s/ctl/s.sock\"", dir);
	snprintf(want, sizeof(want), "t.conf:6: resource a: %s/nope: No such file or "
		 "directory, expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check_with(g, body), want);
}

static void add_warning(void *arg, const char *msg)
{
	char *all = arg;

	snprintf(all + strlen(all), 1024 - strlen(all), "%s|", msg);
}

/* An interface that does not exist is only a warning: it may appear later. */
static void test_interfaces(void)
{
	static const char text[] =
		"instance web {\n  interface = hm-none0\n  vrid = 51\n  vips = 10.0.0.50/24\n"
		"  track up { interface = lo }\n"
		"  track down {\n    interface = hm-none1\n  }\n}\n"
		"instance db {\n  interface = lo\n  vrid = 52\n  vips = 10.0.0.60/24\n}\n";
	char err[CONF_ERR_MAX], warnings[1024] = "";
	struct conf *c = NULL;

	CU_ASSERT_EQUAL_FATAL(conf_parse_string(text, "t.conf", "node", &c, err, sizeof(err)), 0);
	preflight_warnings(c, add_warning, warnings);
	CU_ASSERT_STRING_EQUAL(warnings, "t.conf:2: interface hm-none0 does not exist (yet)|"
			       "t.conf:7: interface hm-none1 does not exist (yet)|");
	conf_free(c);
}

/* Instance NAME on lo with N IPv6 VIPs from K: in a /64, each with
 * its own last 24 bits, or (shared) all with the same. */
static void add_v6_instance(char *text, size_t len, const char *name, int vrid, int k, int n,
			    int shared)
{
	size_t at = strlen(text);
	int i;

	at += (size_t)snprintf(text + at, len - at, "instance %s {\n  interface = lo\n"
			       "  vrid = %d\n  vips = {", name, vrid);
	for (i = k; i < k + n && at < len; i++)
		at += (size_t)snprintf(text + at, len - at, shared ? "%s\"2001:db8:100:0:b:%x:0:1\""
				       : "%s\"2001:db8:100::b:%x\"", i > k ? ", " : "", i);
	if (at < len)
		snprintf(text + at, len - at, "}\n}\n");
}

static void solicited_warnings(int shared, int n1, int n2, char *warnings)
{
	static char text[32768];
	char err[CONF_ERR_MAX];
	struct conf *c = NULL;

	text[0] = '\0';
	add_v6_instance(text, sizeof(text), "a", 51, 1, n1, shared);
	add_v6_instance(text, sizeof(text), "b", 52, 1 + n1, n2, shared);
	CU_ASSERT_EQUAL_FATAL(conf_parse_string(text, "t.conf", "node", &c, err, sizeof(err)), 0);
	warnings[0] = '\0';
	preflight_warnings(c, add_warning, warnings);
	conf_free(c);
}

/* More than 256 solicited-node groups on one interface, counted over all
 * its instances: one warning, at the first instance's vips; none when the
 * VIPs share their last 24 bits, none at 256. */
static void test_solicited(void)
{
	char warnings[1024];
	const char *w;

	solicited_warnings(0, 200, 100, warnings);
	CU_ASSERT_PTR_NOT_NULL(strstr(warnings, "t.conf:4: the IPv6 VIPs on lo join 300 "
					       "solicited-node multicast groups"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warnings, "share their last 24 bits"));
	w = strstr(warnings, "solicited-node");
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_PTR_NULL(strstr(w + 1, "solicited-node"));      /* once: not at b */
	solicited_warnings(0, 200, 56, warnings);
	CU_ASSERT_STRING_EQUAL(warnings, "");
	solicited_warnings(1, 200, 100, warnings);
	CU_ASSERT_STRING_EQUAL(warnings, "");
}

/* The events sysctl as read from a file: the value, or -1 for a file
 * missing or not a number; only 0 is warned about. */
static void test_ct_events(void)
{
	char p[128], w[256];
	static const struct { const char *text; int want; } cases[] = {
		{ "0\n", 0 }, { "1\n", 1 }, { "2\n", 2 }, { "x\n", -1 }, { "", -1 },
	};
	size_t i;
	FILE *f;

	snprintf(p, sizeof(p), "%s/nf_conntrack_events", dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = fopen(p, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(cases[i].text, f);
		fclose(f);
		CU_ASSERT_EQUAL(preflight_ct_events(p), cases[i].want);
	}
	unlink(p);
	CU_ASSERT_EQUAL(preflight_ct_events(p), -1);
	preflight_ct_events_warning(0, w, sizeof(w));
	CU_ASSERT_PTR_NOT_NULL(strstr(w, "net.netfilter.nf_conntrack_events = 0"));
	preflight_ct_events_warning(2, w, sizeof(w));
	CU_ASSERT_STRING_EQUAL(w, "");
	preflight_ct_events_warning(-1, w, sizeof(w));
	CU_ASSERT_STRING_EQUAL(w, "");
}

static CU_TestInfo tests[] = {
	{ "programs present", test_ok },
	{ "missing, not executable, not a file", test_missing },
	{ "first error in file order", test_file_order },
	{ "group, directories, socket path", test_system },
	{ "system checks in file order", test_system_order },
	{ "missing interfaces are warnings", test_interfaces },
	{ "many solicited-node groups warn", test_solicited },
	{ "conntrack events off warn", test_ct_events },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "preflight", setup, teardown, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
