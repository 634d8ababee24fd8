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

static char err[1024];

/* Run subcommand id with argv (NULL-terminated), its stderr in err;
 * returns the exit code. */
static int run(enum ctlcmd_id id, char **argv)
{
	const struct hactl h = { .sock = "/nonexistent/hamgr.sock" };
	FILE *tmp = tmpfile();
	int argc = 0, saved, rc;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	while (argv[argc])
		argc++;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	optind = 0;
	rc = cli_runner(id)(&h, argc, argv);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(err, 1, sizeof(err) - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
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

static CU_TestInfo tests_cli[] = {
	{ "an option without its value", test_missing_value },
	{ "an unknown option", test_unknown_option },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "hactl command lines", NULL, NULL, NULL, NULL, tests_cli },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
