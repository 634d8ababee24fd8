/* Unit tests for hactl's command lines (hamgr/hactl/cli.c and the
 * subcommands' option parsing): what a usage error says. Nothing here
 * reaches a socket: every case fails before the request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_main.h"
#include "hactl/cli.h"
#include "hactl/hactl.h"

static char err[1024], out[1024];

/* Redirect fd to a temporary file; returns the saved fd. */
static int grab(int fd, FILE **tmp)
{
	int saved;

	*tmp = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(*tmp);
	saved = dup(fd);
	dup2(fileno(*tmp), fd);
	return saved;
}

/* Put fd back, the text written to it into buf. */
static void release(int fd, int saved, FILE *tmp, char *buf, size_t len)
{
	size_t n;

	dup2(saved, fd);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

/* Run subcommand id with argv (NULL-terminated) against a socket that
 * does not exist, its stdout in out and stderr in err; returns the exit
 * code. */
static int run(enum ctlcmd_id id, char **argv)
{
	const struct hactl h = { .sock = "/nonexistent/hamgr.sock" };
	FILE *te, *to;
	int argc = 0, se, so, rc;

	while (argv[argc])
		argc++;
	fflush(stdout);
	fflush(stderr);
	se = grab(STDERR_FILENO, &te);
	so = grab(STDOUT_FILENO, &to);
	optind = 0;
	rc = cli_runner(id)(&h, argc, argv);
	fflush(stdout);
	fflush(stderr);
	release(STDOUT_FILENO, so, to, out, sizeof(out));
	release(STDERR_FILENO, se, te, err, sizeof(err));
	return rc;
}

#define ASSERT_ERR(want)                                                        \
	do {                                                                    \
		if (!strstr(err, (want)))                                       \
			printf("\n  stderr: \"%s\"\n  wanted: \"%s\"\n", err, (want)); \
		CU_ASSERT_PTR_NOT_NULL(strstr(err, (want)));                    \
	} while (0)

/* An option without its value names the option as written and what it
 * needs, not its short letter. */
static void test_missing_value(void)
{
	char *a1[] = { "switchover", "web", "--to", NULL };
	char *a2[] = { "switchover", "web", "-t", NULL };
	char *a3[] = { "log", "-n", NULL };
	char *a4[] = { "log", "--lines", NULL };

	CU_ASSERT_EQUAL(run(CTLCMD_SWITCHOVER, a1), HACTL_EXIT_USAGE);
	ASSERT_ERR("hactl: switchover: --to needs a NODE\n");
	CU_ASSERT_PTR_NULL(strstr(err, "-t\n"));
	CU_ASSERT_EQUAL(run(CTLCMD_SWITCHOVER, a2), HACTL_EXIT_USAGE);
	ASSERT_ERR("hactl: switchover: -t needs a NODE\n");
	CU_ASSERT_EQUAL(run(CTLCMD_LOG, a3), HACTL_EXIT_USAGE);
	ASSERT_ERR("hactl: log: -n needs N\n");
	CU_ASSERT_EQUAL(run(CTLCMD_LOG, a4), HACTL_EXIT_USAGE);
	ASSERT_ERR("hactl: log: --lines needs N\n");
}

static void test_unknown_option(void)
{
	char *a1[] = { "switchover", "web", "--bogus", NULL };
	char *a2[] = { "status", "-x", NULL };

	CU_ASSERT_EQUAL(run(CTLCMD_SWITCHOVER, a1), HACTL_EXIT_USAGE);
	ASSERT_ERR("hactl: switchover: unknown option: --bogus\n");
	CU_ASSERT_EQUAL(run(CTLCMD_STATUS, a2), HACTL_EXIT_USAGE);
	ASSERT_ERR("hactl: status: unknown option: -x\n");
}

/* hactl check answers as a plugin: one line on stdout, 2 (CRITICAL) when
 * hamgr is not running, 3 (UNKNOWN) for a command line it cannot run. */
static void test_check(void)
{
	char *a1[] = { "check", NULL };
	char *a2[] = { "check", "web", "db", NULL };
	char *a3[] = { "check", "--bogus", NULL };

	CU_ASSERT_EQUAL(run(CTLCMD_CHECK, a1), 2);
	CU_ASSERT_STRING_EQUAL(out, "HAMGR CRITICAL - hamgr is not running (no socket at "
			       "/nonexistent/hamgr.sock)\n");
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(run(CTLCMD_CHECK, a2), 3);
	CU_ASSERT_STRING_EQUAL(out, "HAMGR UNKNOWN - usage: hactl [-s SOCKET] check [INSTANCE]\n");
	CU_ASSERT_EQUAL(run(CTLCMD_CHECK, a3), 3);
	CU_ASSERT_STRING_EQUAL(out, "HAMGR UNKNOWN - usage: hactl [-s SOCKET] check [INSTANCE]\n");
	ASSERT_ERR("check: unknown option: --bogus");
}

static CU_TestInfo tests_cli[] = {
	{ "hactl check without hamgr", test_check },
	{ "an option without its value", test_missing_value },
	{ "an unknown option", test_unknown_option },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "hactl command lines", NULL, NULL, NULL, NULL, tests_cli },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
