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

/* Parse an instance with body, then preflight it; returns the error ("" ok). */
static const char *check(const char *body)
{
	static char err[CONF_ERR_MAX];
	char text[2048];
	struct conf *c = NULL;

	snprintf(text, sizeof(text),
		 "instance web {\n  interface = eth0\n  vrid = 51\n  vips = 10.0.0.50/24\n%s}\n",
		 body);
	err[0] = '\0';
	if (conf_parse_string(text, "t.conf", "node", &c, err, sizeof(err)) < 0)
		return err;
	if (preflight_check(c, err, sizeof(err)) == 0)
		err[0] = '\0';
	conf_free(c);
	return err;
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
	snprintf(want, sizeof(want), "t.conf:5: resource a: %s/nope: No such file or directory, "
		 "expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);

	snprintf(body, sizeof(body), "  resource a { script = \"%s/noexec\" }\n", dir);
	snprintf(want, sizeof(want), "t.conf:5: resource a: %s/noexec: not executable, "
		 "expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);

	snprintf(body, sizeof(body), "  resource a { type = \"ocf\"\n script = \"prov:Nope\" }\n");
	snprintf(want, sizeof(want), "t.conf:5: resource a: %s/resource.d/prov/Nope: No such file "
		 "or directory, expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);

	snprintf(body, sizeof(body), "  track t { command = \"%s\" }\n", dir);
	snprintf(want, sizeof(want), "t.conf:5: track t: %s: not a regular file, "
		 "expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);
}

static void test_file_order(void)
{
	char body[512], want[512];

	/* The track comes first in the file: its error is reported. */
	snprintf(body, sizeof(body), "  track t { command = \"%s/gone\" }\n"
		 "  resource a { script = \"%s/nope\" }\n", dir, dir);
	snprintf(want, sizeof(want), "t.conf:5: track t: %s/gone: No such file or directory, "
		 "expected an executable program", dir);
	CU_ASSERT_STRING_EQUAL(check(body), want);
}

static CU_TestInfo tests[] = {
	{ "programs present", test_ok },
	{ "missing, not executable, not a file", test_missing },
	{ "first error in file order", test_file_order },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "preflight", setup, teardown, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
