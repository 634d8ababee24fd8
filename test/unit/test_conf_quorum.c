/* test_conf_quorum: quorum, quorum-nodes and quorum-wait: the built-in
 * majority (quorum-nodes alone, or quorum = "majority"), corosync's
 * votequorum (quorum = "corosync", quorum-wait), and the combinations
 * refused with file:line and what was expected. Beside them settle-gate,
 * the other option whose safety depends on how many nodes there are. */
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

static void expect_settle(const char *body, bool set, uint64_t us)
{
	struct conf *c = parse_ok(body);

	if (!c)
		return;
	CU_ASSERT_EQUAL(c->instances[0].settle_gate_set, set);
	CU_ASSERT_EQUAL(c->instances[0].settle_gate_us, us);
	conf_free(c);
}

/* INST's advert interval is the default, 1 s: two intervals are 2 s. */
static void test_settle_gate(void)
{
	expect_settle(INST(""), false, 0);
	/* Below two intervals: a node that hears one peer only. */
	expect_settle(INST("  unicast-peers = 10.0.0.2\n  settle-gate = 0s\n"), true, 0);
	expect_settle(INST("  allowed-peers = 10.0.0.2\n  settle-gate = 500ms\n"), true,
		      500000);
	expect_settle(INST("  allowed-peers = 10.0.0.2/32\n  settle-gate = 0s\n"), true, 0);
	/* As long as the default or longer: anywhere. */
	expect_settle(INST("  settle-gate = 2s\n"), true, 2000000);
	expect_settle(INST("  settle-gate = 60s\n"), true, 60000000);
	expect_err(INST("  settle-gate = 0s\n"),
		   FILE_NAME ":5: settle-gate: 0s is shorter than two advert intervals (2s), "
		   "which only a pair may use: two backups could promote at once, expected "
		   "exactly one unicast-peers or allowed-peers address, or settle-gate >= 2s");
	expect_err(INST("  unicast-peers = {10.0.0.2, 10.0.0.3}\n  settle-gate = 1s\n"),
		   FILE_NAME ":6: settle-gate: 1s is shorter than two advert intervals (2s), "
		   "which only a pair may use: two backups could promote at once, expected "
		   "exactly one unicast-peers or allowed-peers address, or settle-gate >= 2s");
	expect_err(INST("  allowed-peers = 10.0.0.0/24\n  settle-gate = 0s\n"),
		   FILE_NAME ":6: settle-gate: 0s is shorter than two advert intervals (2s), "
		   "which only a pair may use: two backups could promote at once, expected "
		   "exactly one unicast-peers or allowed-peers address, or settle-gate >= 2s");
	expect_err(INST("  settle-gate = 61s\n"),
		   FILE_NAME ":5: settle-gate: 61s is out of range, expected 0s..60s");
}

static CU_TestInfo tests[] = {
	{ "providers: none, majority, corosync", test_providers },
	{ "combinations refused", test_refused },
	{ "settle-gate: below two intervals on a pair only", test_settle_gate },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "conf quorum", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
