/* Unit tests for ctlcmd: the one command table that the protocol codec
 * (ctlmsg.c), the daemon's handlers (api.c) and hactl's subcommands
 * (hamgr/hactl/cli.c) derive from. Every command the daemon answers has a
 * handler and a subcommand, every handler belongs to such a command, and
 * the hactl-only commands (check, help, version) have a subcommand but no
 * handler and are unknown on the wire. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "ctlcmd.h"
#include "ctlmsg.h"
#include "cu_main.h"
#include "daemon.h"
#include "hactl/cli.h"

/* api.c calls into main.c for "reload"; the test never runs a handler,
 * it only links them. */
int daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	snprintf(err, errlen, "not in the unit test");
	return -1;
}

static void test_entries(void)
{
	const struct ctlcmd *c;
	int id, j;

	for (id = 0; id < CTLCMD_N; id++) {
		c = ctlcmd_get((enum ctlcmd_id)id);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c->name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c->synopsis);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c->summary);
		CU_ASSERT(c->name[0] && c->summary[0]);
		/* The usage line starts with the command's own name. */
		CU_ASSERT_EQUAL(strncmp(c->synopsis, c->name, strlen(c->name)), 0);
		CU_ASSERT(c->synopsis[strlen(c->name)] == '\0' ||
			  c->synopsis[strlen(c->name)] == ' ');
		CU_ASSERT_EQUAL(ctlcmd_find(c->name), id);
		CU_ASSERT_PTR_NULL(c->args[CTLCMD_MAX_ARGS].name);
		for (j = 0; c->args[j].name; j++)
			if (c->args[j].type == CTLCMD_ARG_INT)
				CU_ASSERT(c->args[j].min <= c->args[j].max);
		/* hactl-only commands are never sent, so take no arguments. */
		if (c->kind == CTLCMD_LOCAL)
			CU_ASSERT_PTR_NULL(c->args[0].name);
	}
	CU_ASSERT_PTR_NULL(ctlcmd_get(CTLCMD_N));
	CU_ASSERT_PTR_NULL(ctlcmd_get((enum ctlcmd_id)-1));
	CU_ASSERT_EQUAL(ctlcmd_find("reboot"), -1);
	CU_ASSERT_EQUAL(ctlcmd_find("Status"), -1);
	CU_ASSERT_EQUAL(ctlcmd_find(""), -1);
	CU_ASSERT_EQUAL(ctlcmd_find(NULL), -1);
}

/* A daemon handler exactly for the commands the daemon answers. */
static void test_handlers(void)
{
	int id;

	for (id = 0; id < CTLCMD_N; id++) {
		const struct ctlcmd *c = ctlcmd_get((enum ctlcmd_id)id);
		bool wire = ctlcmd_on_wire((enum ctlcmd_id)id);

		CU_ASSERT_EQUAL(wire, api_handler_of((enum ctlcmd_id)id) != NULL);
		if (wire != (api_handler_of((enum ctlcmd_id)id) != NULL))
			fprintf(stderr, "\n%s: %s\n", c->name, wire ? "no daemon handler"
				: "a daemon handler, but marked hactl-only");
	}
	CU_ASSERT_PTR_NULL(api_handler_of(CTLCMD_N));
}

/* A hactl subcommand for every command, the hactl-only ones included. */
static void test_subcommands(void)
{
	int id;

	for (id = 0; id < CTLCMD_N; id++) {
		CU_ASSERT_PTR_NOT_NULL(cli_runner((enum ctlcmd_id)id));
		if (!cli_runner((enum ctlcmd_id)id))
			fprintf(stderr, "\n%s: no hactl subcommand\n",
				ctlcmd_get((enum ctlcmd_id)id)->name);
	}
	CU_ASSERT_PTR_NULL(cli_runner(CTLCMD_N));
}

/* The codec sees the same table: known and mutating as it says, the
 * hactl-only commands unknown on the wire. */
static void test_wire(void)
{
	const char *name;
	size_t i, n = 0;
	int id;

	for (id = 0; id < CTLCMD_N; id++) {
		const struct ctlcmd *c = ctlcmd_get((enum ctlcmd_id)id);

		CU_ASSERT_EQUAL(ctlmsg_cmd_known(c->name), c->kind != CTLCMD_LOCAL);
		if (c->kind != CTLCMD_LOCAL) {
			CU_ASSERT_EQUAL(ctlmsg_cmd_is_mutating(c->name), c->kind == CTLCMD_MUTATE);
			n++;
		}
	}
	for (i = 0; (name = ctlmsg_cmd_name(i)); i++) {
		id = ctlcmd_find(name);
		CU_ASSERT(id >= 0 && ctlcmd_on_wire((enum ctlcmd_id)id));
	}
	CU_ASSERT_EQUAL(i, n);
	CU_ASSERT_EQUAL(ctlcmd_get(CTLCMD_HELP)->kind, CTLCMD_LOCAL);
	CU_ASSERT_EQUAL(ctlcmd_get(CTLCMD_VERSION)->kind, CTLCMD_LOCAL);
	CU_ASSERT_EQUAL(ctlcmd_get(CTLCMD_CHECK)->kind, CTLCMD_LOCAL);
	CU_ASSERT_FALSE(ctlmsg_cmd_known("check"));
	CU_ASSERT_FALSE(ctlmsg_cmd_known("help"));
	CU_ASSERT_FALSE(ctlmsg_cmd_known("version"));
}

static CU_TestInfo tests_table[] = {
	{ "entries complete, names unique", test_entries },
	{ "a daemon handler per wire command", test_handlers },
	{ "a hactl subcommand per command", test_subcommands },
	{ "the codec uses the table", test_wire },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "ctlcmd table", NULL, NULL, NULL, NULL, tests_table },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
