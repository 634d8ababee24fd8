/* test_conf_quorum: quorum, quorum-nodes and quorum-wait: the built-in
 * majority (quorum-nodes alone, or quorum = "majority"), corosync's
 * votequorum (quorum = "corosync", quorum-wait), and the combinations
 * refused with file:line and what was expected. */
#include "conf_fixture.h"
#include "cu_main.h"

static void expect_quorum(const char *body, enum conf_quorum q, unsigned nodes,
			  uint64_t wait_us)
{
	struct conf *c = parse_ok(body);

	if (!c)
		return;
	CU_ASSERT_EQUAL(c->instances[0].quorum, q);
	CU_ASSERT_EQUAL(c->instances[0].quorum_nodes, nodes);
	CU_ASSERT_EQUAL(c->instances[0].quorum_wait_us, wait_us);
	conf_free(c);
}

static void test_providers(void)
{
	expect_quorum(INST(""), CONF_QUORUM_NONE, 0, 0);
	/* quorum-nodes alone is the majority, as before quorum existed. */
	expect_quorum(INST("  quorum-nodes = 3\n"), CONF_QUORUM_MAJORITY, 3, 0);
	expect_quorum(INST("  quorum = majority\n  quorum-nodes = 5\n"), CONF_QUORUM_MAJORITY,
		      5, 0);
	/* corosync: no count; quorum-wait or 0 (derived from its token). */
	expect_quorum(INST("  quorum = \"corosync\"\n"), CONF_QUORUM_COROSYNC, 0, 0);
	expect_quorum(INST("  quorum = corosync\n  quorum-wait = 2500ms\n"),
		      CONF_QUORUM_COROSYNC, 0, 2500000);
}

static void test_refused(void)
{
	expect_err(INST("  quorum = \"pacemaker\"\n"),
		   FILE_NAME ":5: quorum: \"pacemaker\" is not a quorum provider, expected "
		   "\"majority\" or \"corosync\"");
	expect_err(INST("  quorum = majority\n"),
		   FILE_NAME ":5: quorum: \"majority\" needs the number of nodes, expected "
		   "quorum-nodes = 3..16 beside it");
	expect_err(INST("  quorum = majority\n  quorum-nodes = 2\n"),
		   FILE_NAME ":6: quorum-nodes: 2 is too few for a majority, expected 3..16 (a "
		   "pair uses a witness track instead) or 0");
	expect_err(INST("  quorum = corosync\n  quorum-nodes = 3\n"),
		   FILE_NAME ":6: quorum-nodes: corosync counts the nodes with quorum = "
		   "\"corosync\" (line 5), expected no quorum-nodes or quorum = \"majority\"");
	expect_err(INST("  quorum-nodes = 3\n  quorum-wait = 2s\n"),
		   FILE_NAME ":6: quorum-wait: only for quorum = \"corosync\" (the majority's "
		   "wait follows the advert interval), expected quorum = \"corosync\" or no "
		   "quorum-wait");
	expect_err(INST("  quorum = corosync\n  quorum-wait = 50ms\n"),
		   FILE_NAME ":6: quorum-wait: 50ms is out of range, expected 100ms..600s");
}

static CU_TestInfo tests[] = {
	{ "providers: none, majority, corosync", test_providers },
	{ "combinations refused", test_refused },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "conf quorum", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
