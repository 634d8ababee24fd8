/* test_peers: peer and node tables, expiry, successor choice. */
#include "core/fsm.h"
#include "core/hello.h"
#include "core/peers.h"
#include "cu_main.h"

#include <stdio.h>
#include <string.h>

#define MS 1000ull
#define SEC 1000000ull

static struct ipaddr ip(const char *s)
{
	struct ipaddr a;

	CU_ASSERT_FATAL(ipaddr_parse(s, false, &a) == 0);
	return a;
}

static void test_adverts(void)
{
	struct peers p;
	const struct peers_peer *e;
	struct ipaddr a = ip("10.0.0.2");
	uint64_t t = SEC;

	memset(&p, 0, sizeof(p));
	peers_note_advert(&p, t, &a, 150, 100 * MS);
	/* Arrivals 110 ms apart against 100 ms advertised: jitter -> 10 ms. */
	for (int i = 0; i < 200; i++)
		peers_note_advert(&p, t += 110 * MS, &a, 150, 100 * MS);
	CU_ASSERT(peers_list(&p, t, &e) == 1);
	CU_ASSERT(e[0].adverts == 201 && e[0].first_seen == SEC);
	CU_ASSERT(e[0].jitter_us > 9.9 * MS && e[0].jitter_us < 10.1 * MS);
	/* A release (priority 0) does not count as an arrival gap. */
	peers_note_advert(&p, t + 5 * SEC, &a, 0, 100 * MS);
	CU_ASSERT(e[0].jitter_us < 10.1 * MS);
	CU_ASSERT(peers_list(&p, t + 5 * SEC + PEERS_TTL_US + 1, &e) == 0);
}

static void test_full_table(void)
{
	struct peers p;
	const struct peers_peer *e;
	char buf[32];
	size_t i;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < PEERS_MAX + 3; i++) {
		struct ipaddr a;

		snprintf(buf, sizeof(buf), "10.0.1.%zu", i + 1);
		a = ip(buf);
		peers_note_advert(&p, SEC + i, &a, 100, SEC);
	}
	CU_ASSERT(peers_list(&p, SEC + 100, &e) == PEERS_MAX);
	/* The three heard first were replaced. */
	for (i = 0; i < PEERS_MAX; i++) {
		struct ipaddr first = ip("10.0.1.1");

		CU_ASSERT(!ipaddr_eq(&e[i].addr, &first));
	}
}

static void test_nodes(void)
{
	struct peers p;
	const struct peers_node *n;
	struct ipaddr a = ip("10.0.0.2"), b = ip("10.0.0.3");
	char buf[128];

	memset(&p, 0, sizeof(p));
	CU_ASSERT(!peers_has_successor(&p, SEC, NULL));
	peers_describe(&p, SEC, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "none");
	peers_note_node(&p, SEC, &a, "db02", FSM_BACKUP, 100, 100,
			HELLO_F_LINK_UP | HELLO_F_STANDBY);
	peers_note_node(&p, SEC, &b, "db03", FSM_BACKUP, 90, 0, HELLO_F_LINK_UP);
	CU_ASSERT(peers_nodes(&p, SEC, &n) == 2);
	CU_ASSERT(!peers_has_successor(&p, SEC, NULL));
	peers_describe(&p, SEC, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "db02 BACKUP standby, db03 BACKUP");
	/* db02 leaves standby; db03 stays ineligible (priority 0). */
	peers_note_node(&p, 2 * SEC, &a, "db02", FSM_BACKUP, 100, 100, HELLO_F_LINK_UP);
	CU_ASSERT(peers_has_successor(&p, 2 * SEC, NULL));
	CU_ASSERT(peers_has_successor(&p, 2 * SEC, "db02"));
	CU_ASSERT(!peers_has_successor(&p, 2 * SEC, "db03"));
	CU_ASSERT(!peers_has_successor(&p, 2 * SEC, "db09"));
	CU_ASSERT_STRING_EQUAL(peers_node_at(&p, 2 * SEC, &b), "db03");
	/* Link down is not eligible either. */
	peers_note_node(&p, 3 * SEC, &a, "db02", FSM_BACKUP, 100, 100, 0);
	CU_ASSERT(!peers_has_successor(&p, 3 * SEC, NULL));
	/* Expiry. */
	CU_ASSERT(peers_nodes(&p, SEC + PEERS_NODE_TTL_US + 1, &n) == 1);
	CU_ASSERT(peers_node_at(&p, SEC + PEERS_NODE_TTL_US + 1, &b) == NULL);
}

/* The handover target of protocol "hamgr": the election's own order
 * among eligible backups, never an ineligible one. */
static void test_best_successor(void)
{
	struct peers p;
	struct ipaddr a = ip("10.0.0.2"), b = ip("10.0.0.3"), c = ip("10.0.0.4");

	memset(&p, 0, sizeof(p));
	CU_ASSERT_PTR_NULL(peers_best_successor(&p, SEC));
	peers_note_node(&p, SEC, &a, "db02", FSM_BACKUP, 100, 100, HELLO_F_LINK_UP);
	peers_note_node(&p, SEC, &b, "db03", FSM_BACKUP, 150, 150, HELLO_F_LINK_UP |
			HELLO_F_STANDBY);
	peers_note_node(&p, SEC, &c, "db04", FSM_MASTER, 200, 200, HELLO_F_LINK_UP);
	CU_ASSERT_STRING_EQUAL(peers_best_successor(&p, SEC), "db02");
	/* db03 leaves standby: the higher priority wins. */
	peers_note_node(&p, SEC, &b, "db03", FSM_BACKUP, 150, 150, HELLO_F_LINK_UP);
	CU_ASSERT_STRING_EQUAL(peers_best_successor(&p, SEC), "db03");
	/* A track lowers it to db02's priority: the higher address wins. */
	peers_note_node(&p, SEC, &b, "db03", FSM_BACKUP, 150, 100,
			HELLO_F_LINK_UP | HELLO_F_TRACK_DOWN);
	CU_ASSERT_STRING_EQUAL(peers_best_successor(&p, SEC), "db03");
	peers_note_node(&p, SEC, &b, "db03", FSM_BACKUP, 150, 99,
			HELLO_F_LINK_UP | HELLO_F_TRACK_DOWN);
	CU_ASSERT_STRING_EQUAL(peers_best_successor(&p, SEC), "db02");
	/* Expired nodes are nobody's successor. */
	CU_ASSERT_PTR_NULL(peers_best_successor(&p, SEC + PEERS_NODE_TTL_US + 1));
}

static CU_TestInfo tests[] = {
	{ "adverts and jitter", test_adverts },
	{ "full table replaces the oldest", test_full_table },
	{ "nodes, eligibility, successor", test_nodes },
	{ "best successor for a handover", test_best_successor },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "peers", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
