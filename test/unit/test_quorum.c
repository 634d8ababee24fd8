/* test_quorum: the majority rule, its timing, and the count of peers
 * heard within the window. */
#include "core/fsm.h"
#include "core/hello.h"
#include "core/peers.h"
#include "core/quorum.h"
#include "cu_main.h"

#include <string.h>

#define MS 1000ull

static void test_majority(void)
{
	/* Three nodes: two make a majority, one does not. */
	CU_ASSERT(!quorum_majority(3, 0));
	CU_ASSERT(quorum_majority(3, 1));
	CU_ASSERT(quorum_majority(3, 2));
	/* Four: half is no majority (two pairs must not both have one). */
	CU_ASSERT(!quorum_majority(4, 1));
	CU_ASSERT(quorum_majority(4, 2));
	CU_ASSERT(!quorum_majority(5, 1));
	CU_ASSERT(quorum_majority(5, 2));
	/* In every split of N nodes at most one side has a majority. */
	for (unsigned n = QUORUM_NODES_MIN; n <= QUORUM_NODES_MAX; n++)
		for (unsigned a = 1; a < n; a++)
			CU_ASSERT(!(quorum_majority(n, a - 1) && quorum_majority(n, n - a - 1)));
}

static void test_timing(void)
{
	CU_ASSERT_EQUAL(quorum_window_us(100 * MS), 400 * MS);
	/* The backup waits out the minority master's window, and a period more. */
	CU_ASSERT(quorum_wait_us(100 * MS) > quorum_window_us(100 * MS));
}

static void test_corosync_wait(void)
{
	/* token 500 + consensus 600 and a quarter: the test cluster's 1375 ms. */
	CU_ASSERT_EQUAL(quorum_corosync_wait_us(500, 600), 1375 * MS);
	/* consensus unknown: corosync's default, 1.2 x token. */
	CU_ASSERT_EQUAL(quorum_corosync_wait_us(500, 0), 1375 * MS);
	/* corosync's defaults with three nodes: token 3000 + 650. */
	CU_ASSERT_EQUAL(quorum_corosync_wait_us(3650, 4380), 10037 * MS);
	/* Always past the isolated side's detection (about token + consensus). */
	for (uint32_t t = 100; t <= 20000; t += 100)
		CU_ASSERT(quorum_corosync_wait_us(t, 0) > (uint64_t)(t + t * 12 / 10) * MS);
	CU_ASSERT_EQUAL(quorum_corosync_wait_us(0, 0), QUORUM_COROSYNC_WAIT_DEFAULT_US);
}

static void test_heard_within(void)
{
	struct peers p;
	struct ipaddr a, b;

	memset(&p, 0, sizeof(p));
	ipaddr_parse("10.0.0.2", false, &a);
	ipaddr_parse("10.0.0.3", false, &b);
	peers_note_node(&p, 1000 * MS, &a, "n2", FSM_BACKUP, 100, 100, HELLO_F_LINK_UP);
	peers_note_node(&p, 1300 * MS, &b, "n3", FSM_FAULT, 90, 90, HELLO_F_LINK_UP);
	CU_ASSERT_EQUAL(peers_heard_within(&p, 1300 * MS, 400 * MS, 0), 2);
	/* n2 heard 500 ms ago: outside a 400 ms window. */
	CU_ASSERT_EQUAL(peers_heard_within(&p, 1500 * MS, 400 * MS, 0), 1);
	/* A node announcing without its link is alive: it still counts. */
	peers_note_node(&p, 1500 * MS, &a, "n2", FSM_BACKUP, 100, 100, 0);
	CU_ASSERT_EQUAL(peers_heard_within(&p, 1500 * MS, 400 * MS, 0), 2);
	CU_ASSERT_EQUAL(peers_heard_within(&p, 1500 * MS, 400 * MS, HELLO_F_STANDBY), 2);
}

static CU_TestInfo tests[] = {
	{ "majority: at most one side of any split", test_majority },
	{ "window and wait", test_timing },
	{ "corosync: the wait from token and consensus", test_corosync_wait },
	{ "peers heard within the window", test_heard_within },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "quorum", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
